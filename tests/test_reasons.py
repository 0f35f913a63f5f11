"""The column-wise reasons equal the pair-by-pair reference sentence for sentence."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matchcore as mc
from matchcore.scoring._reasons import explain_pairs, reasons
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

    from matchcore.scoring._phrases import _g

    got = pl.select(_g(pl.lit(value, dtype=pl.Float64))).item()
    assert got == format(value, "g")


def test_titles_of_gives_the_same_series_either_way():
    import numpy as np

    from matchcore.scoring._phrases import _titles_of

    titles = ["电工", "焊工", "普工", "会计"]
    few, many = np.array([2, 0]), np.array([3, 3, 1, 0, 2, 1])
    assert _titles_of(titles, few).to_list() == ["普工", "电工"]  # gathered from the pairs
    assert _titles_of(titles, many).to_list() == [titles[i] for i in many]  # from the titles


# -- the phrases, one by one ---------------------------------------------------------------------
@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10_000), scope=st.sampled_from(["city", "province"]))
def test_each_phrase_says_the_same_pair_by_pair_and_column_wise(seed, scope):
    """Phrase by phrase (not only whole sentences): a wrong clause names its phrase."""
    import polars as pl

    from matchcore.scoring._phrases import OnePair, Pairs
    from matchcore.scoring._reasons import sentence_phrases

    index, sf, n_s, n_v = _index(seed, scope=scope)
    rng = np.random.default_rng(seed)
    pairs = Pairs(sf, index.vacancies_, rng.integers(0, n_s, 200), rng.integers(0, n_v, 200))
    kinds, broad = pairs.occupation
    for phrase in sentence_phrases():
        fast = pl.DataFrame(phrase.columns(pairs)).select(phrase.expr).to_series().to_list()
        for i in range(pairs.n):
            one = OnePair(
                {k: pairs.seeker(k)[i].tolist() for k in phrase.seeker_features},
                {k: pairs.vacancy(k)[i].tolist() for k in phrase.vacancy_features},
                sf.majors[pairs.seeker("major")[i]],
                str(sf.titles[pairs.seeker("title")[i]]),
                str(index.vacancies_.titles[pairs.vacancy("title")[i]]),
                float(pairs.title_sim[i]),
                int(kinds[i]),
                int(broad[i]),
                pairs,
                i,
            )
            assert phrase.one(one) == fast[i], (phrase.place, i)


def test_the_sentence_follows_the_places_with_the_notes_between_the_components():
    from matchcore.scoring._components import COMPONENTS
    from matchcore.scoring._phrases import NOTES
    from matchcore.scoring._reasons import sentence_phrases

    said = sentence_phrases()
    places = [p.place for p in said]
    assert places == sorted(places)
    assert {id(p) for p in said} == {id(c.reason) for c in COMPONENTS} | {id(n) for n in NOTES}
    # every built-in component states its own clause: a Phrase on the component itself
    assert all(isinstance(c.reason, mc.scoring._phrases.Phrase) for c in COMPONENTS)
    # phrases compare by identity (a polars expression has no truth value), so components do too
    import dataclasses

    import polars as pl

    from matchcore.scoring._phrases import Phrase

    twin = Phrase(str, dict, pl.col("x")), Phrase(str, dict, pl.col("x"))
    assert twin[0] == twin[0] != twin[1]
    other = dataclasses.replace(COMPONENTS[0], reason=twin[0])
    assert dataclasses.replace(other) == other != dataclasses.replace(other, reason=twin[1])


def test_a_new_component_with_a_phrase_of_its_own_is_said_in_its_place():
    """A component declares a full Phrase (reading features beyond its value, placed after the
    education clause): both ways say it there, and only where it holds."""
    import polars as pl

    from matchcore.scoring._components import Component, registered
    from matchcore.scoring._phrases import Phrase, level_label

    def one(p):
        need = p.v["edu"]
        if need >= 0 and p.s["edu"] == need:
            return f"学历正对口（{level_label('education', need)}）"
        return None

    def columns(p):
        need, have = p.vacancy("edu"), p.seeker("edu")
        labels = [level_label("education", max(int(x), 0)) for x in need.tolist()]
        return {"hit": (need >= 0) & (have == need), "label": pl.Series(labels, dtype=pl.Utf8)}

    phrase = Phrase(
        one,
        columns,
        pl.when(pl.col("hit")).then(pl.format("学历正对口（{}）", pl.col("label"))),
        ("edu",),
        ("edu",),
        place=45,
    )
    exact = Component(
        "exact_education", "学历正对口", "the seeker's level is the one asked", 0.05,
        lambda s, v, ctx: ((s["edu"] == v["edu"]) & (v["edu"] >= 0)).astype(np.float32),
        lambda p: float(p.v["education_min"] is not None and p.s["education"] == p.v["education_min"]),
        ("edu",), ("edu",), reason=phrase,
    )  # fmt: skip
    with registered(exact):
        index, sf, n_s, n_v = _index(4)
        rng = np.random.default_rng(4)
        rows, cols = rng.integers(0, n_s, 400), rng.integers(0, n_v, 400)
        fast = reasons(index, sf, rows, cols).to_list()
        assert fast == explain_pairs(index, sf, rows, cols)
        hit = (sf.arrays["edu"][rows] == index.vacancies_.arrays["edu"][cols]) & (
            index.vacancies_.arrays["edu"][cols] >= 0
        )
        said = np.array(["学历正对口" in r for r in fast])
        np.testing.assert_array_equal(said, hit)
        assert 0 < hit.sum() < len(hit)
        for r in np.asarray(fast, dtype=object)[hit].tolist():
            parts = r.split("；")
            at = next(i for i, x in enumerate(parts) if x.startswith("学历正对口"))
            assert parts[at - 1].startswith("学历")  # right after the education clause
    assert "学历正对口" not in "".join(reasons(index, sf, rows, cols).to_list())


@pytest.mark.parametrize(
    ("reason", "names"),
    [
        ("学历正对口", 'reason" parameter of registered must be None, a Phrase'),
        ("phrase", 'reason.one/.columns" parameter of registered must be two functions'),
        ("expr", 'reason.expr" parameter of registered must be a polars expression'),
    ],
)
def test_a_component_with_an_unusable_reason_is_refused_by_name(reason, names):
    import polars as pl

    from matchcore.scoring._components import Component, component_names, registered
    from matchcore.scoring._phrases import Phrase

    said = {
        "学历正对口": "学历正对口",
        "phrase": Phrase("学历正对口", dict, pl.lit("x")),
        "expr": Phrase(str, dict, "学历正对口"),
    }[reason]
    bad = Component(
        "bad_reason", "x", "x", 0.1, lambda s, v, ctx: s["edu"] * 0.0, lambda p: 0.0,
        ("edu",), ("edu",), reason=said,
    )  # fmt: skip
    before = component_names()
    import re

    want = re.escape(f"Component('bad_reason').{names}")
    with pytest.raises(mc.InvalidParameter, match=want), registered(bad):
        pass
    assert component_names() == before
