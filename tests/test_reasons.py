"""The column-wise reasons equal the pair-by-pair reference sentence for sentence."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matchcore as mc
from matchcore.scoring._explain import explain_pairs
from matchcore.scoring._reasons import reasons
from matchcore.synth import fake_prepared


def _index(seed, n_s=60, n_v=80, **cfg):
    seekers, vacancies = fake_prepared(n_s, n_v, seed=seed)
    config = mc.MatchConfig(**cfg)
    index = mc.scoring.VacancyIndex(config, progress=False).fit(vacancies)
    return index, index.transform(seekers), n_s, n_v


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000), scope=st.sampled_from(["city", "province"]))
def test_reasons_equal_reference_on_random_pairs(seed, scope):
    index, sf, n_s, n_v = _index(seed, scope=scope)
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, n_s, 300)
    cols = rng.integers(0, n_v, 300)
    fast = reasons(index, sf, rows, cols).to_list()
    slow = explain_pairs(index, sf, rows, cols)
    for i, (a, b) in enumerate(zip(fast, slow)):
        assert a == b, (i, a, b)


def test_reasons_on_synthetic_province_pairs():
    seekers, vacancies = mc.synth.province(800, 200, seed=5)
    p = mc.records.prepare(seekers, vacancies, progress=False)
    index = mc.scoring.VacancyIndex(mc.MatchConfig(), progress=False).fit(p.vacancies)
    cand = index.candidates(p.seekers)
    rows, cols = cand.pairs()
    sf = index.transform(p.seekers)
    assert reasons(index, sf, rows, cols).to_list() == explain_pairs(index, sf, rows, cols)


def test_no_pairs():
    index, sf, _, _ = _index(0)
    assert reasons(index, sf, np.zeros(0, np.int64), np.zeros(0, np.int64)).len() == 0


@pytest.mark.parametrize("value", [0.0, 1.0, 2.5, 3.0, 10.0])
def test_year_format_matches_python_g(value):
    import polars as pl

    from matchcore.scoring._reasons import _g

    got = pl.select(_g(pl.lit(value, dtype=pl.Float64))).item()
    assert got == format(value, "g")


def test_titles_of_gives_the_same_series_either_way():
    import numpy as np

    from matchcore.scoring._reasons import _titles_of

    titles = ["电工", "焊工", "普工", "会计"]
    few, many = np.array([2, 0]), np.array([3, 3, 1, 0, 2, 1])
    assert _titles_of(titles, few).to_list() == ["普工", "电工"]  # gathered from the pairs
    assert _titles_of(titles, many).to_list() == [titles[i] for i in many]  # from the titles
