"""End-to-end: the whole job on generated data, its accounting and its invariants."""

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matchcore as mc
from matchcore._match import UNMATCHED_REASONS


@pytest.fixture(scope="module")
def province():
    return mc.synth.province(1_500, 300, seed=7)


@pytest.fixture(scope="module")
def result(province):
    seekers, vacancies = province
    return mc.match(seekers, vacancies, config=mc.MatchConfig(top_k=5), progress=False)


def test_every_seeker_is_assigned_or_unmatched_with_a_reason(province, result):
    seekers, _ = province
    assert result.assignments.height + result.unmatched.height == seekers.height
    rows = pl.concat(
        [
            result.seekers.join(result.assignments, on="seeker_id", how="semi")["row"],
            result.unmatched["row"],
        ]
    )
    assert sorted(rows.to_list()) == list(range(seekers.height))
    # each id in one place: never both assigned and unmatched, never twice unmatched
    ids = result.unmatched["seeker_id"].drop_nulls()
    assert ids.n_unique() == ids.len()
    assert not set(ids) & set(result.assignments["seeker_id"])
    dups = result.unmatched.filter(code="duplicate_id")
    assert dups.height > 0 and dups["seeker_id"].null_count() == dups.height
    assert set(result.unmatched["code"]) <= set(UNMATCHED_REASONS)
    messages = result.unmatched.filter(pl.col("code") != "rejected")
    assert all(UNMATCHED_REASONS[c] == r for c, r in messages.select("code", "reason").iter_rows())
    assert (result.unmatched["line"] == result.unmatched["row"] + 2).all()
    rejected_seekers = result.rejected.filter(
        (pl.col("table") == "seekers") & (pl.col("severity") == "error")
    )["row"].n_unique()
    assert result.unmatched["code"].is_in(["rejected", "duplicate_id"]).sum() == rejected_seekers
    assert result.unmatched.filter(code="rejected")["reason"].str.contains("rejected 表").all()
    assert rejected_seekers > 0  # the synthetic province carries defective rows


def test_every_vacancy_row_is_kept_or_rejected(province, result):
    _, vacancies = province
    errors = result.rejected.filter(
        (pl.col("table") == "vacancies") & (pl.col("severity") == "error")
    )
    assert result.vacancies.height + errors["row"].n_unique() == vacancies.height
    s = result.summary()
    assert s["vacancies_in"] == vacancies.height
    assert s["vacancies"] + s["vacancies_rejected"] == vacancies.height


def test_capacities_and_each_seeker_once(result):
    a = result.assignments
    assert a["seeker_id"].n_unique() == a.height
    load = a.group_by("vacancy_id").len()
    joined = load.join(result.vacancies.select("vacancy_id", "openings"), on="vacancy_id")
    assert joined.height == load.height
    assert (joined["len"] <= joined["openings"]).all()
    assert a["score"].is_between(0, 1).all()


def test_recommendations_are_ranked_explained_and_hold_the_assignment(result):
    rec = result.recommendations
    assert rec["rank"].min() == 1
    assert rec["rank"].max() <= 5
    assert rec.group_by("seeker_id").agg(pl.col("rank").is_duplicated().any())["rank"].sum() == 0
    for name in mc.scoring.component_names():
        assert rec[name].is_between(0, 1).all(), name
    assert rec["reason"].str.len_chars().min() > 0
    flagged = rec.filter(pl.col("assigned")).select("seeker_id", "vacancy_id")
    assert flagged.sort("seeker_id").equals(
        result.assignments.select("seeker_id", "vacancy_id").sort("seeker_id")
    )
    # a score is never above the one ranked before it
    ordered = rec.sort("seeker_id", "rank")
    prev = ordered.group_by("seeker_id", maintain_order=True).agg(
        (pl.col("score").diff() <= 1e-12).all().alias("ok")
    )
    assert prev["ok"].all()


def test_exact_assignment_is_at_least_as_good_as_greedy(province, result):
    seekers, vacancies = province
    greedy = mc.match(
        seekers, vacancies, config=mc.MatchConfig(top_k=5, assignment="greedy"), progress=False
    )
    assert result.assignments["score"].sum() >= greedy.assignments["score"].sum() - 1e-6


def test_same_input_same_output(province, result):
    seekers, vacancies = province
    again = mc.match(seekers, vacancies, config=mc.MatchConfig(top_k=5), progress=False)
    assert again.assignments.equals(result.assignments)
    assert again.recommendations.equals(result.recommendations)
    assert again.unmatched.equals(result.unmatched)


def test_audit_reports_discriminatory_postings_without_filtering(result):
    audit = result.audit
    assert audit.height > 0
    assert set(audit.columns) == {"vacancy_id", "row", "category", "words"}
    flagged = result.vacancies.join(audit.select("vacancy_id").unique(), on="vacancy_id")
    # flagged postings are still matched like any other
    assert flagged.height == audit["vacancy_id"].n_unique()


def test_summary_and_report(result, tmp_path):
    s = result.summary()
    assert set(s["timings"]) >= {"prepare", "candidates", "assign", "recommend"}
    assert 0 <= s["fill_rate"] <= 1
    paths = result.write(tmp_path, fmt="csv")
    assert pl.read_csv(paths["assignments"]).height == result.assignments.height
    rep = mc.report.quarterly(result)
    total = rep.tables["overall"].row(0, named=True)
    assert total["proposals"] == result.assignments.height  # proposals, not hires (#19)


def test_bad_config_is_refused():
    with pytest.raises(mc.InvalidParameter, match="'config' parameter of match"):
        mc.match(pl.DataFrame(), pl.DataFrame(), config={"top_k": 3})


def test_missing_columns_listed(province):
    seekers, vacancies = province
    with pytest.raises(mc.MissingColumns, match="region"):
        mc.match(seekers.drop("region"), vacancies, progress=False)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"--seekers": "missing.csv"}, "no such file"),
        ({"--config": "bad.json"}, "cannot read config"),
        ({"--config": "unknown.json"}, "'topk' parameter of MatchConfig"),
    ],
)
def test_cli_match_errors_exit_non_zero(tmp_path, capsys, change, message):
    from matchcore.cli import main

    s, v = mc.synth.province(50, 10, seed=1)
    s.write_csv(tmp_path / "s.csv")
    v.write_csv(tmp_path / "v.csv")
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    (tmp_path / "unknown.json").write_text('{"topk": 3}', encoding="utf-8")
    opts = {"--seekers": "s.csv", "--vacancies": "v.csv", "--out": "o"}
    opts.update(change)
    argv = ["match", "--no-progress"]
    for k, val in opts.items():
        argv += [k, str(tmp_path / val)]
    assert main(argv) != 0
    assert message in capsys.readouterr().err


def test_missing_column_from_cli(tmp_path, capsys):
    from matchcore.cli import main

    s, v = mc.synth.province(50, 10, seed=1)
    s.drop("region").write_csv(tmp_path / "s.csv")
    v.write_csv(tmp_path / "v.csv")
    argv = [
        "match",
        "--seekers",
        str(tmp_path / "s.csv"),
        "--vacancies",
        str(tmp_path / "v.csv"),
        "--out",
        str(tmp_path / "o"),
        "--no-progress",
    ]
    assert main(argv) == 3  # an input file lacks required columns
    assert "missing required column" in capsys.readouterr().err


def test_no_candidates_reason():
    s = pl.DataFrame(
        {"seeker_id": ["a"], "desired_occupation": ["6-31-01-03"], "region": ["济南市"]}
    )
    v = pl.DataFrame(
        {
            "vacancy_id": ["v"],
            "occupation_code": ["6-31-01-03"],
            "openings": [1],
            "region": ["青岛市"],
        }
    )
    r = mc.match(s, v, progress=False)
    assert r.unmatched.row(0, named=True)["reason"] == UNMATCHED_REASONS["no_candidate"]
    assert np.isclose(r.summary()["fill_rate"], 0.0)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 6))
def test_candidates_top_keeps_each_rows_best_pairs_ties_to_the_lower_vacancy_id(seed, m):
    from matchcore.synth import fake_prepared

    s, v = fake_prepared(25, 30, seed=seed % 50, n_cities=1)
    cand = mc.scoring.candidates(s, v, mc.MatchConfig(min_occupation=0.0, min_score=0.0), k=8)
    top = cand.top(m)
    ids = v["vacancy_id"].to_list()
    dense, got = cand.scores.toarray(), top.scores.toarray()
    stored = np.zeros(dense.shape, bool)
    rows, cols = cand.pairs()
    stored[rows, cols] = True
    for i in range(dense.shape[0]):
        best = sorted(np.flatnonzero(stored[i]), key=lambda j: (-dense[i, j], ids[j]))[:m]
        want = np.zeros(dense.shape[1])
        want[best] = dense[i, best]
        np.testing.assert_array_equal(got[i], want)
    # the components follow their pairs, and the rank of to_frame is the same order
    pos = cand.lookup(*top.pairs())
    for name in mc.scoring.component_names():
        np.testing.assert_array_equal(top.components[name], cand.components[name][pos])
    a = top.to_frame(reasons=False)
    b = cand.to_frame(top=m, reasons=False)
    assert a.equals(b)


def test_candidates_lookup_refuses_a_pair_that_is_not_stored():
    from matchcore.synth import fake_prepared

    s, v = fake_prepared(30, 20, seed=1)
    cand = mc.scoring.candidates(s, v, mc.MatchConfig(min_occupation=0.0, min_score=0.0), k=2)
    rows, cols = cand.pairs()
    assert len(rows) > 0
    free = next(j for j in range(20) if j not in set(cols[rows == rows[0]].tolist()))
    cand.lookup(rows[:1], cols[:1])  # a stored pair is found
    with pytest.raises(mc.InvalidParameter, match=r"Candidates\.lookup"):
        cand.lookup([rows[0]], [free])


def test_match_leaves_the_candidates_it_reads_unchanged(monkeypatch):
    import matchcore._match as match_module
    from matchcore.scoring import VacancyIndex

    seen = []
    original = VacancyIndex.candidates

    def keep(self, *args, **kwargs):
        cand = original(self, *args, **kwargs)
        seen.append((cand, {n: a.copy() for n, a in cand.components.items()}))
        return cand

    monkeypatch.setattr(VacancyIndex, "candidates", keep)
    monkeypatch.setattr(match_module, "SPILL_PAIRS", 0)  # the spilling path too
    seekers, vacancies = mc.synth.province(300, 80, seed=5)
    mc.match(seekers, vacancies, config=mc.MatchConfig(top_k=5), progress=False)
    ((cand, before),) = seen
    assert sorted(cand.components) == sorted(before)
    for name, values in before.items():
        assert isinstance(cand.components[name], np.ndarray)
        np.testing.assert_array_equal(cand.components[name], values)
    assert cand.to_frame(top=2).height > 0


def test_assign_candidates_restricts_the_assignment(province, result):
    seekers, vacancies = province
    small = mc.match(
        seekers, vacancies, config=mc.MatchConfig(top_k=5, assign_candidates=3), progress=False
    )
    assert small.assignments["score"].sum() <= result.assignments["score"].sum() + 1e-6
    assert small.assignments.height + small.unmatched.height == seekers.height
    with pytest.raises(mc.InvalidParameter, match="'assign_candidates' parameter"):
        mc.MatchConfig(assign_candidates=0)


def test_reasons_in_chunks_equal_one_piece(monkeypatch):
    from matchcore.scoring import _candidates

    seekers, vacancies = mc.synth.province(400, 100, seed=3)
    cfg = mc.MatchConfig(top_k=5)
    whole = mc.match(seekers, vacancies, config=cfg, progress=False).recommendations
    monkeypatch.setattr(_candidates, "REASON_CHUNK", 7)
    chunked = mc.match(seekers, vacancies, config=cfg, progress=False).recommendations
    assert whole.height > 7
    assert chunked.equals(whole)


def test_spilled_components_give_the_same_tables(monkeypatch):
    import matchcore._match as match_module

    seekers, vacancies = mc.synth.province(400, 100, seed=4)
    cfg = mc.MatchConfig(top_k=5)
    kept = mc.match(seekers, vacancies, config=cfg, progress=False)
    monkeypatch.setattr(match_module, "SPILL_PAIRS", 0)  # spill every run
    spilled = mc.match(seekers, vacancies, config=cfg, progress=False)
    assert spilled.recommendations.equals(kept.recommendations)
    assert spilled.assignments.equals(kept.assignments)
    assert spilled.unmatched.equals(kept.unmatched)


@settings(max_examples=80, deadline=None)
@given(
    st.integers(1, 30),
    st.integers(1, 40),
    st.floats(0.0, 1.0),
    st.integers(0, 2**32 - 1),
)
def test_edge_positions_equal_a_search_over_every_pair_key(n, m, density, seed):
    import scipy.sparse as sp

    from matchcore.scoring._candidates import _positions as _edge_positions

    rng = np.random.default_rng(seed)
    dense = (rng.random((n, m)) < density) * rng.random((n, m))
    mask = rng.random((n, m)) < density
    csr = sp.csr_array((dense[mask], np.nonzero(mask)), shape=(n, m))  # stored zeros included
    csr.sort_indices()
    if csr.nnz == 0:
        assert _edge_positions(csr, np.zeros(0, int), np.zeros(0, int)).size == 0
        return
    pick = rng.integers(0, csr.nnz, size=rng.integers(1, 3 * csr.nnz + 1))
    rows = np.repeat(np.arange(n), np.diff(csr.indptr))[pick]
    cols = csr.indices[pick]
    # the slow reference: one sortable key per stored pair
    keys = np.repeat(np.arange(n), np.diff(csr.indptr)) * m + csr.indices
    expected = np.searchsorted(keys, rows * m + cols)
    got = _edge_positions(csr, rows, cols)
    assert np.array_equal(got, expected) and np.array_equal(got, pick)


def test_trim_heap_finds_malloc_trim_on_glibc():
    import platform
    import sys

    from matchcore import _memory

    _memory.trim_heap()  # never raises, whatever the C library
    on_glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert (_memory._malloc_trim() is not None) == on_glibc


def test_candidates_trim_the_heap_only_for_large_runs(monkeypatch):
    from matchcore.scoring import _index
    from matchcore.synth import fake_prepared

    calls = []
    monkeypatch.setattr(_index, "trim_heap", lambda: calls.append(1))
    s, v = fake_prepared(60, 30, seed=1)
    loose = mc.MatchConfig(min_occupation=0.0, min_score=0.0)  # enough pairs to trim
    small = mc.scoring.candidates(s, v, loose, k=5)
    assert calls == []  # a few pairs (one seeker online): nothing to give back, no trim
    monkeypatch.setattr(_index, "TRIM_PAIRS", 1)
    large = mc.scoring.candidates(s, v, loose, k=5)
    assert len(calls) == 2  # after the blocked run and before the assembly
    assert (large.scores != small.scores).nnz == 0
