"""Incremental day 2 (issue 17, ``match(..., incremental=True)``): the same tables as a run that
prepares and scores everything again (with the kept title weights), day after day."""

import dataclasses

import numpy as np
import polars as pl
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

import matchcore as mc
import matchcore._incremental as inc
from matchcore._incremental import DayState, _Side

TABLES = ("assignments", "unmatched", "recommendations", "rejected", "changes", "seekers")


def _fresh_ids(frame, col, prefix):
    return frame.with_columns(pl.concat_str(pl.lit(prefix), pl.col(col)).alias(col))


def _next_day(seekers, vacancies, seed, *, drop=0.05, add=0.05, edit=0.03):
    """Tomorrow's tables: some rows gone, some new, some edited (titles, salaries, regions)."""
    rng = np.random.default_rng(seed)
    n_s, n_v = seekers.height, vacancies.height
    new_s, new_v = mc.synth.province(max(1, int(add * n_s)), max(1, int(add * n_v)), seed=seed)
    s = seekers.filter(pl.Series(rng.random(n_s) >= drop))
    v = vacancies.filter(pl.Series(rng.random(n_v) >= drop))
    # edits: another row's desired title / title, region or openings
    es = pl.Series(rng.random(s.height) < edit)
    ev = pl.Series(rng.random(v.height) < edit)
    s = s.with_columns(
        pl.when(es).then(pl.col("desired_title").shuffle(seed=seed)).otherwise("desired_title"),
        pl.when(es).then(pl.col("region").shuffle(seed=seed + 1)).otherwise("region"),
    )
    v = v.with_columns(
        pl.when(ev).then(pl.col("title").shuffle(seed=seed)).otherwise("title"),
        pl.when(ev).then(pl.col("region").shuffle(seed=seed + 2)).otherwise("region"),
    )
    s = pl.concat([s, _fresh_ids(new_s, "seeker_id", f"N{seed}-")], how="vertical_relaxed")
    v = pl.concat([v, _fresh_ids(new_v, "vacancy_id", f"N{seed}-")], how="vertical_relaxed")
    return s, v


def _no_reuse(state: DayState) -> DayState:
    """``state`` with nothing reusable but its title weights: the non-incremental reference."""
    none = _Side((), pl.Series([], dtype=pl.Utf8), np.zeros(0, np.uint64), np.zeros(0, bool))
    return dataclasses.replace(state, seekers=none, vacancies=none, recommendations=None)


def _reference(day1, s2, v2, cfg):
    ref_prev = dataclasses.replace(day1, state=_no_reuse(day1.state))
    return mc.match(s2, v2, config=cfg, previous=ref_prev, progress=False, incremental=True)


def _top(state: DayState, k: int) -> tuple[sp.csr_array, np.ndarray]:
    """Scores and components of each seeker's first ``k`` kept pairs."""
    lists = state.lists
    n = len(lists.indptr) - 1
    rows = np.repeat(np.arange(n), np.diff(lists.indptr))
    rank = np.arange(len(rows)) - lists.indptr[rows]
    sel = rank < k
    m = state.prepared.vacancies.height
    key = rows[sel] * (m + 1) + lists.cols[sel]
    o = np.argsort(key)
    scores = sp.csr_array(
        (np.clip(lists.vals[sel][o].astype(np.float64), 0, 1), (rows[sel][o], lists.cols[sel][o])),
        shape=(n, m),
    )
    return scores, np.stack(lists.comps, axis=1)[sel][o]


def _same_candidates(result, cfg):
    state = result.state
    ref = mc.scoring.VacancyIndex(cfg).fit(result.vacancies, vectorizer=state.vectorizer)
    cand = ref.candidates(result.seekers)
    got, comps = _top(state, cfg.candidates)
    assert np.array_equal(got.indptr, cand.scores.indptr)
    assert np.array_equal(got.indices, cand.scores.indices)
    assert np.array_equal(got.data, cand.scores.data)
    want = np.stack([cand.components[n] for n in mc.scoring.component_names()], axis=1)
    assert np.array_equal(comps, want)
    # every kept list is an exact prefix of the seeker's ranking; a complete one all of it
    deep = ref.candidates(result.seekers, k=cfg.candidates + inc.BUFFER)
    rows, cols = deep.pairs()
    scores = deep.scores.data.astype(np.float32)
    order = np.lexsort((ref.vacancies_.arrays["tiebreak"][cols], -scores, rows))
    rows, cols = rows[order], cols[order]
    lists = state.lists
    n_ref = np.bincount(rows, minlength=len(lists.indptr) - 1)
    starts = np.r_[0, np.cumsum(n_ref)]
    for r in range(len(lists.indptr) - 1):
        mine = lists.cols[lists.indptr[r] : lists.indptr[r + 1]]
        theirs = cols[starts[r] : starts[r + 1]]
        assert np.array_equal(mine, theirs[: len(mine)]), r
        if lists.complete[r]:
            assert len(mine) == len(theirs), r


@pytest.fixture(scope="module")
def two_days():
    cfg = mc.MatchConfig()
    s1, v1 = mc.synth.province(1500, 300, seed=0)
    day1 = mc.match(s1, v1, config=cfg, progress=False, incremental=True)
    s2, v2 = _next_day(s1, v1, seed=5)
    day2 = mc.match(s2, v2, config=cfg, previous=day1, progress=False, incremental=True)
    return cfg, day1, s2, v2, day2


def test_incremental_day_two_equals_the_non_incremental_run(two_days):
    cfg, day1, s2, v2, day2 = two_days
    assert day2.stats["incremental"]["reused_state"]
    # most rows were reused, not prepared or scored again
    assert day2.stats["incremental"]["prepared_seekers"] < s2.height // 4
    assert day2.stats["incremental"]["kept_seekers"] > day2.seekers.height // 2
    ref = _reference(day1, s2, v2, cfg)
    assert ref.stats["incremental"]["kept_seekers"] == 0
    for name in TABLES:
        assert_frame_equal(getattr(day2, name), getattr(ref, name), check_exact=True)


def test_incremental_prepare_equals_prepare(two_days):
    _cfg, _day1, s2, v2, day2 = two_days
    full = mc.records.prepare(s2, mc.records.canonical_headers(v2, "vacancies"))
    assert_frame_equal(day2.seekers, full.seekers)
    assert_frame_equal(day2.vacancies, full.vacancies)
    assert_frame_equal(day2.rejected, full.rejected)


def test_incremental_candidates_equal_a_fresh_index(two_days):
    cfg, day1, _s2, _v2, day2 = two_days
    _same_candidates(day1, cfg)
    _same_candidates(day2, cfg)


def test_another_config_or_no_state_runs_in_full(two_days):
    cfg, day1, s2, v2, _day2 = two_days
    other = mc.MatchConfig(candidates=cfg.candidates - 1)
    r = mc.match(s2.head(200), v2.head(60), config=other, previous=day1, progress=False,
                 incremental=True)  # fmt: skip
    assert not r.stats["incremental"]["reused_state"]
    # keep_margin is not part of the key: the keep rule does not change what is reused
    r = mc.match(s2.head(200), v2.head(60), config=dataclasses.replace(cfg, keep_margin=0.3),
                 previous=day1, progress=False, incremental=True)  # fmt: skip
    assert r.stats["incremental"]["reused_state"]
    plain = mc.match(s2.head(50), v2.head(20), progress=False)
    assert plain.state is None


def test_a_prepared_row_depends_on_its_own_row_only():
    # a seeker with a stated code gets the codes of their title's wishes whatever other rows
    # are in the table (it used to depend on whether another row needed the same wish coded)
    s = pl.DataFrame(
        {
            "seeker_id": ["a", "b"],
            "region": ["济南", "济南"],
            "desired_title": ["质量管理、化工", "化工"],
            "desired_occupation": ["2-02-29-03", None],
        }
    )
    v = pl.DataFrame({"vacancy_id": ["v"], "region": ["济南"], "title": ["焊工"], "openings": [1]})
    both = mc.records.prepare(s, v).seekers["occupation_codes"][0].to_list()
    alone = mc.records.prepare(s.head(1), v).seekers["occupation_codes"][0].to_list()
    assert both == alone == ["2-02-29-03", "2-02-06-03"]


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(1, 10_000),
    k=st.integers(1, 6),
    buffer=st.integers(0, 3),
    drop=st.floats(0.0, 0.5),
)
def test_incremental_candidates_stay_exact_day_after_day(seed, k, buffer, drop):
    """Small lists and buffers, many postings going: lists run out and are scored again."""
    cfg = mc.MatchConfig(candidates=k, min_occupation=0.0, min_score=0.0)
    old = inc.BUFFER
    inc.BUFFER = buffer
    try:
        s, v = mc.synth.province(120, 40, seed=seed % 97)
        res = mc.match(s, v, config=cfg, progress=False, incremental=True)
        for day in range(2):
            s, v = _next_day(s, v, seed=seed + day, drop=drop, add=0.1, edit=0.1)
            res = mc.match(s, v, config=cfg, previous=res, progress=False, incremental=True)
            assert res.stats["incremental"]["reused_state"]
            _same_candidates(res, cfg)
    finally:
        inc.BUFFER = old
