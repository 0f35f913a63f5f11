"""Day to day (issue 17): ``match(previous=..., outcomes=...)``, the stability bonus, ``changes``,
outcomes, and the labels ``fit_weights`` learns from."""

import numpy as np
import polars as pl
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import matchcore as mc
from matchcore._daily import CHANGE_CODES, HIRED_REASON, plan_day

TABLES = ("assignments", "unmatched", "recommendations", "rejected")


# -- the rule on a hand-made graph -----------------------------------------------------------------
def _ids(prefix, n):
    return pl.Series([f"{prefix}{i}" for i in range(n)], dtype=pl.Utf8)


def _plan(dense, previous, margin, outcomes=None, capacity=None):
    graph = sp.csr_array(np.asarray(dense, dtype=np.float64))
    n, m = graph.shape
    ps = pl.DataFrame({"seeker_id": _ids("s", n)})
    pv = pl.DataFrame({"vacancy_id": _ids("v", m)})
    cap = np.ones(m, dtype=np.int64) if capacity is None else np.asarray(capacity)
    prev = {
        "assignments": pl.DataFrame(
            {"seeker_id": [p[0] for p in previous], "vacancy_id": [p[1] for p in previous]},
            schema={"seeker_id": pl.Utf8, "vacancy_id": pl.Utf8},
        )
    }
    return plan_day(prev, outcomes, graph, cap, ps, pv, margin)


def _solve(day):
    return mc.assign.solve(day.assign_graph, day.capacity).vacancy_of.tolist()


@pytest.mark.parametrize(
    ("alternative", "margin", "expected"),
    [
        (0.52, 0.05, [0]),  # gain 0.02 <= margin: kept
        (0.60, 0.05, [1]),  # gain 0.10 > margin: replaced
        (0.52, 0.0, [1]),  # margin 0: today's optimum
    ],
)
def test_previous_placement_kept_unless_beaten_by_more_than_the_margin(
    alternative, margin, expected
):
    day = _plan([[0.5, alternative]], [("s0", "v0")], margin)
    assert _solve(day) == expected
    # the reported graph keeps the true scores
    assert day.graph.toarray().tolist() == [[0.5, alternative]]


def test_the_margin_is_paid_once_per_broken_placement():
    # s0 kept at v0 (0.5); s1 new, only v0 (0.9). Taking v0 for s1 gains 0.4 > 0.05: replaced.
    day = _plan([[0.5, 0.0], [0.9, 0.0]], [("s0", "v0")], 0.05)
    assert _solve(day) == [-1, 0]
    # same with a margin above the gain: s0 keeps it
    assert _solve(_plan([[0.5, 0.0], [0.9, 0.0]], [("s0", "v0")], 0.5)) == [0, -1]


def test_outcomes_leave_the_graph_and_take_openings():
    out = pl.DataFrame(
        {
            "seeker_id": ["s0", "s1", "s2"],
            "vacancy_id": ["v0", "v1", "v0"],
            "outcome": ["hired", "declined", "no_show"],
        }
    )
    day = _plan([[0.9, 0.5], [0.8, 0.7], [0.6, 0.0]], [], 0.05, outcomes=out, capacity=[2, 1])
    g = day.graph.toarray()
    assert g[0].tolist() == [0.0, 0.0] and day.graph.indptr[1] == 0  # hired: no pair left
    # the declined pair s1-v1 left; s1-v0 and the no-show pair s2-v0 stay
    assert g.tolist() == [[0.0, 0.0], [0.8, 0.0], [0.6, 0.0]] and day.graph.nnz == 2
    assert day.capacity.tolist() == [1, 1]  # one hire at v0


def test_inputs_are_not_modified():
    dense = np.array([[0.5, 0.6]])
    graph = sp.csr_array(dense)
    cap = np.array([1, 1])
    before = (graph.data.copy(), cap.copy())
    ps = pl.DataFrame({"seeker_id": ["s0"]})
    pv = pl.DataFrame({"vacancy_id": ["v0", "v1"]})
    prev = {"assignments": pl.DataFrame({"seeker_id": ["s0"], "vacancy_id": ["v0"]})}
    out = pl.DataFrame({"seeker_id": ["s0"], "vacancy_id": ["v1"], "outcome": ["hired"]})
    plan_day(prev, out, graph, cap, ps, pv, 0.3)
    assert np.array_equal(graph.data, before[0]) and np.array_equal(cap, before[1])


@st.composite
def instances(draw):
    n = draw(st.integers(1, 6))
    m = draw(st.integers(1, 5))
    vals = draw(
        st.lists(
            st.sampled_from([0.0, 0.1, 0.3, 0.5, 0.55, 0.7, 0.9]), min_size=n * m, max_size=n * m
        )
    )
    dense = np.array(vals).reshape(n, m)
    cap = draw(st.lists(st.integers(0, 2), min_size=m, max_size=m))
    prev = []
    for i in range(n):
        j = draw(st.integers(-1, m - 1))
        if j >= 0:
            prev.append((f"s{i}", f"v{j}"))
    margin = draw(st.sampled_from([0.0, 0.02, 0.1, 0.5]))
    return dense, cap, prev, margin


@settings(max_examples=150, deadline=None)
@given(instances())
def test_bonus_costs_at_most_the_margin_per_kept_pair(inst):
    """Exact solver: the kept solution is feasible, keeps only valid previous pairs, and is
    below today's optimum by at most the margin times the previous pairs it keeps."""
    dense, cap, prev, margin = inst
    day = _plan(dense, prev, margin, capacity=cap)
    kept = mc.assign.solve(day.assign_graph, day.capacity)
    fresh = mc.assign.solve(sp.csr_array(dense), np.asarray(cap))
    vo = kept.vacancy_of
    assert (np.bincount(vo[vo >= 0], minlength=len(cap)) <= np.asarray(cap)).all()
    true = sum(dense[i, j] for i, j in enumerate(vo) if j >= 0)
    kept_pairs = {(f"s{i}", f"v{j}") for i, j in enumerate(vo) if j >= 0} & set(prev)
    for s, v in kept_pairs:  # a kept pair is a valid one: stored, positive, with openings
        assert dense[int(s[1:]), int(v[1:])] > 0 and cap[int(v[1:])] > 0
    assert true >= fresh.total_score - margin * len(kept_pairs) - 1e-5
    if margin == 0:
        assert vo.tolist() == fresh.vacancy_of.tolist()


# -- the whole job ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def day1_tables():
    return mc.synth.province(1_200, 250, seed=11)


@pytest.fixture(scope="module")
def day1(day1_tables):
    return mc.match(*day1_tables, progress=False)


@pytest.fixture(scope="module")
def day2_tables(day1_tables):
    seekers, vacancies = day1_tables
    new_s, new_v = mc.synth.province(40, 8, seed=99)
    s2 = pl.concat(
        [
            seekers.sample(fraction=0.97, seed=1, shuffle=False),
            new_s.with_columns(pl.concat_str(pl.lit("N"), "seeker_id").alias("seeker_id")),
        ],
        how="vertical_relaxed",
    )
    v2 = pl.concat(
        [
            vacancies.sample(fraction=0.98, seed=1, shuffle=False),
            new_v.with_columns(pl.concat_str(pl.lit("N"), "vacancy_id").alias("vacancy_id")),
        ],
        how="vertical_relaxed",
    )
    return s2, v2


def _churn(day1, day2):
    cont = day1.assignments.join(day2.seekers, on="seeker_id", how="semi").join(
        day2.vacancies, on="vacancy_id", how="semi"
    )
    now = cont.join(day2.assignments, on=["seeker_id", "vacancy_id"], how="semi")
    return 1 - now.height / cont.height


def test_without_previous_nothing_changes(day1_tables, day1):
    again = mc.match(*day1_tables, config=mc.MatchConfig(keep_margin=0.0), progress=False)
    for name in TABLES:
        assert getattr(again, name).equals(getattr(day1, name)), name
    assert again.changes.height == 0
    assert again.changes.columns == ["kind", "seeker_id", "vacancy_id", "status", "code", "reason"]
    assert "daily" not in again.stats


def test_margin_zero_with_previous_gives_todays_result(day1, day2_tables):
    cfg = mc.MatchConfig(keep_margin=0.0)
    fresh = mc.match(*day2_tables, config=cfg, progress=False)
    kept = mc.match(*day2_tables, config=cfg, previous=day1, progress=False)
    for name in TABLES:
        assert getattr(kept, name).equals(getattr(fresh, name)), name


def test_same_day_again_keeps_everything(day1_tables, day1):
    again = mc.match(*day1_tables, previous=day1, progress=False)
    assert again.assignments.equals(day1.assignments)
    a = again.changes.filter(pl.col("kind") == "assignment")
    assert a["status"].unique().to_list() == ["kept"]
    assert a.height == day1.assignments.height


def test_day_two_end_to_end(day1, day2_tables):
    fresh = mc.match(*day2_tables, progress=False)
    kept = mc.match(*day2_tables, previous=day1, progress=False)
    seekers2 = day2_tables[0]
    # every input seeker in exactly one place
    assert kept.assignments.height + kept.unmatched.height == seekers2.height
    assert kept.unmatched["row"].is_unique().all()
    assert kept.assignments["seeker_id"].is_unique().all()
    # steadier than solving from scratch, at a small cost in total score
    assert _churn(day1, kept) < _churn(day1, fresh)
    assert kept.assignments["score"].sum() >= 0.99 * fresh.assignments["score"].sum()
    # changes account for every pair of yesterday and today
    for kind, table, prev in (
        ("assignment", kept.assignments, day1.assignments),
        ("recommendation", kept.recommendations, day1.recommendations),
    ):
        ch = kept.changes.filter(pl.col("kind") == kind)
        today = ch.filter(pl.col("status").is_in(["kept", "new"]))
        assert today.height == table.height
        assert today.join(table, on=["seeker_id", "vacancy_id"], how="anti").height == 0
        before = ch.filter(pl.col("status") != "new")
        assert before.height == prev.select("seeker_id", "vacancy_id").unique().height
    # dropped because the posting or the seeker left
    gone_v = set(day1.vacancies["vacancy_id"]) - set(kept.vacancies["vacancy_id"])
    dropped = kept.changes.filter(pl.col("vacancy_id").is_in(list(gone_v)))
    assert dropped.height > 0
    stays = dropped["seeker_id"].is_in(kept.seekers["seeker_id"].implode())
    assert set(dropped.filter(stays)["status"]) == {"dropped_withdrawn"}
    # (a pair whose seeker left as well, if the generated day has one, says the seeker left)
    assert set(dropped.filter(~stays)["status"]) <= {"dropped_seeker_left"}
    codes = set(kept.changes["code"])
    assert codes <= set(CHANGE_CODES)
    for code, (status, reason) in CHANGE_CODES.items():
        rows = kept.changes.filter(pl.col("code") == code)
        assert (rows["status"] == status).all() and (rows["reason"] == reason).all()
    # kept scores and ranks are the true ones (the bonus only steers)
    assert (
        kept.recommendations.filter(pl.col("rank") == 1).height
        == kept.recommendations["seeker_id"].n_unique()
    )
    by_rank = kept.recommendations.sort("seeker_id", "rank")
    assert (
        by_rank.group_by("seeker_id", maintain_order=True)
        .agg((pl.col("score").diff().fill_null(0) <= 1e-12).all().alias("ok"))["ok"]
        .all()
    )


def test_previous_as_database_tables(day1, day2_tables):
    """Tables read back from a database: only the id columns, integer-free, any order."""
    tables = {
        "assignments": day1.assignments.select("vacancy_id", "seeker_id").reverse(),
        "recommendations": day1.recommendations.select("seeker_id", "vacancy_id", "rank"),
    }
    a = mc.match(*day2_tables, previous=day1, progress=False)
    b = mc.match(*day2_tables, previous=tables, progress=False)
    assert a.assignments.equals(b.assignments)
    assert a.changes.equals(b.changes)


def test_outcomes_end_to_end(day1, day2_tables):
    a = day1.assignments.sort("seeker_id")
    hired = a.head(10)
    declined = a.slice(10, 10)
    outcomes = pl.concat(
        [
            hired.select("seeker_id", "vacancy_id", outcome=pl.lit("hired")),
            declined.select("seeker_id", "vacancy_id", outcome=pl.lit("declined")),
        ]
    ).with_columns(date=pl.lit("2026-12-01"))
    res = mc.match(*day2_tables, previous=day1, outcomes=outcomes, progress=False)
    present = hired.join(res.seekers, on="seeker_id", how="semi")["seeker_id"]
    assert present.len() > 0
    # hired seekers leave: in unmatched with the reason, nowhere else
    un = res.unmatched.filter(pl.col("seeker_id").is_in(present.implode()))
    assert un.height == present.len() and (un["reason"] == HIRED_REASON).all()
    for t in (res.assignments, res.recommendations):
        assert t.filter(pl.col("seeker_id").is_in(present.implode())).height == 0
    # declined pairs are not proposed again
    for t in (res.assignments, res.recommendations):
        assert t.join(declined, on=["seeker_id", "vacancy_id"], how="semi").height == 0
    # hires take openings
    fills = hired.group_by("vacancy_id").len()
    load = res.assignments.group_by("vacancy_id").len().rename({"len": "load"})
    check = (
        res.vacancies.select("vacancy_id", "openings")
        .join(fills, on="vacancy_id")
        .join(load, on="vacancy_id", how="left")
        .with_columns(pl.col("load").fill_null(0))
    )
    assert (check["load"] <= check["openings"] - check["len"]).all()
    codes = res.changes.filter(pl.col("kind") == "assignment")
    declined_present = declined.join(res.seekers, on="seeker_id", how="semi").join(
        res.vacancies, on="vacancy_id", how="semi"
    )
    assert declined_present.height > 0
    got = codes.join(declined_present, on=["seeker_id", "vacancy_id"], how="semi")["code"]
    assert set(got) == {"declined"}
    hired_present = hired.join(res.seekers, on="seeker_id", how="semi")
    assert set(codes.join(hired_present, on=["seeker_id", "vacancy_id"], how="semi")["code"]) == {
        "seeker_hired"
    }
    assert res.stats["daily"]["openings_filled"] >= present.len()


@st.composite
def perturbations(draw):
    drop_s = draw(st.lists(st.integers(0, 299), max_size=30, unique=True))
    drop_v = draw(st.lists(st.integers(0, 79), max_size=10, unique=True))
    n_out = draw(st.integers(0, 12))
    kinds = draw(
        st.lists(st.sampled_from(["hired", "declined", "no_show"]), min_size=n_out, max_size=n_out)
    )
    picks = draw(st.lists(st.integers(0, 10_000), min_size=n_out, max_size=n_out))
    margin = draw(st.sampled_from([0.0, 0.05, 0.3]))
    keep_recs = draw(st.booleans())
    return drop_s, drop_v, list(zip(picks, kinds, strict=True)), margin, keep_recs


@pytest.fixture(scope="module")
def tiny():
    seekers, vacancies = mc.synth.province(300, 80, seed=5)
    return seekers, vacancies, mc.match(seekers, vacancies, progress=False)


@settings(max_examples=20, deadline=None)
@given(perturbations())
def test_property_every_seeker_in_one_place_and_kept_pairs_valid(tiny, p):
    seekers, vacancies, day1 = tiny
    drop_s, drop_v, picks, margin, keep_recs = p
    s2 = seekers.with_row_index("_i").filter(~pl.col("_i").is_in(drop_s)).drop("_i")
    v2 = vacancies.with_row_index("_i").filter(~pl.col("_i").is_in(drop_v)).drop("_i")
    recs = day1.recommendations
    rows = [
        (recs["seeker_id"][i % recs.height], recs["vacancy_id"][i % recs.height], k)
        for i, k in picks
    ]
    outcomes = pl.DataFrame(
        rows, schema={"seeker_id": pl.Utf8, "vacancy_id": pl.Utf8, "outcome": pl.Utf8}, orient="row"
    )
    previous = {"assignments": day1.assignments}
    if keep_recs:
        previous["recommendations"] = recs
    res = mc.match(
        s2,
        v2,
        config=mc.MatchConfig(keep_margin=margin),
        previous=previous,
        outcomes=outcomes,
        progress=False,
    )
    # every input seeker row in exactly one place
    placed_rows = res.seekers.join(res.assignments, on="seeker_id", how="semi")["row"]
    all_rows = pl.concat([placed_rows, res.unmatched["row"]]).sort().to_list()
    assert all_rows == list(range(s2.height))
    # capacity net of hires
    hires = outcomes.filter(pl.col("outcome") == "hired").unique(["seeker_id", "vacancy_id"])
    left = (
        res.vacancies.select("vacancy_id", "openings")
        .join(hires.group_by("vacancy_id").len(), on="vacancy_id", how="left")
        .with_columns(pl.col("len").fill_null(0))
        .join(
            res.assignments.group_by("vacancy_id").len().rename({"len": "load"}),
            on="vacancy_id",
            how="left",
        )
        .with_columns(pl.col("load").fill_null(0))
    )
    assert (left["load"] <= (left["openings"] - left["len"]).clip(0)).all()
    # kept pairs are valid: both ids present, not declined, not hired, and today's candidates
    kept = res.changes.filter(pl.col("status") == "kept")
    assert kept.join(res.seekers, on="seeker_id", how="anti").height == 0
    assert kept.join(res.vacancies, on="vacancy_id", how="anti").height == 0
    declined = outcomes.filter(pl.col("outcome") == "declined")
    for t in (res.assignments, res.recommendations):
        assert t.join(declined, on=["seeker_id", "vacancy_id"], how="semi").height == 0
    hired = hires["seeker_id"].implode()
    assert res.assignments.filter(pl.col("seeker_id").is_in(hired)).height == 0
    # every previous assignment is accounted for once
    ch = res.changes.filter((pl.col("kind") == "assignment") & (pl.col("status") != "new"))
    assert ch.height == day1.assignments.height


# -- bad input -------------------------------------------------------------------------------------
def test_bad_previous_and_outcomes_are_refused(tiny):
    seekers, vacancies, day1 = tiny
    with pytest.raises(mc.InvalidParameter, match="'previous' parameter of match"):
        mc.match(seekers, vacancies, previous="yesterday", progress=False)
    with pytest.raises(mc.InvalidParameter, match="'previous' parameter of match"):
        mc.match(seekers, vacancies, previous={"placements": day1.assignments}, progress=False)
    with pytest.raises(mc.MissingColumns, match=r"previous\['assignments'\].*vacancy_id"):
        mc.match(
            seekers,
            vacancies,
            previous={"assignments": day1.assignments.select("seeker_id")},
            progress=False,
        )
    bad = pl.DataFrame(
        {"seeker_id": ["a", "b"], "vacancy_id": ["x", "y"], "outcome": ["hired", "录用"]}
    )
    with pytest.raises(mc.InvalidParameter, match=r"outcomes\['outcome'\] \(row 1.*'录用'"):
        mc.match(seekers, vacancies, outcomes=bad, progress=False)
    with pytest.raises(mc.MissingColumns, match="outcome"):
        mc.match(seekers, vacancies, outcomes=bad.drop("outcome"), progress=False)
    nulls = pl.DataFrame({"seeker_id": [None], "vacancy_id": ["x"], "outcome": ["hired"]})
    with pytest.raises(mc.InvalidParameter, match=r"outcomes\['seeker_id'\] \(row 0\)"):
        mc.match(seekers, vacancies, outcomes=nulls, progress=False)


@pytest.mark.parametrize("value", [-0.1, float("inf"), "0.1", True])
def test_keep_margin_is_validated(value):
    with pytest.raises(mc.InvalidParameter, match="'keep_margin' parameter of MatchConfig"):
        mc.MatchConfig(keep_margin=value)


def test_keep_margin_round_trips():
    cfg = mc.MatchConfig(keep_margin=0.2)
    assert cfg.to_dict()["keep_margin"] == 0.2
    assert mc.MatchConfig.from_json(cfg.to_json()) == cfg


def test_changes_written_with_the_other_tables(tiny, tmp_path):
    seekers, vacancies, day1 = tiny
    res = mc.match(seekers, vacancies, previous=day1, progress=False)
    paths = res.write(tmp_path, fmt="csv")
    assert pl.read_csv(paths["changes"]).height == res.changes.height > 0


# -- learning from outcomes ------------------------------------------------------------------------
def test_outcome_labels_feed_fit_weights():
    rng = np.random.default_rng(0)
    names = mc.scoring.component_names()
    n = 3000
    recs = pl.DataFrame(
        {
            "seeker_id": [f"s{i}" for i in range(n)],
            "vacancy_id": [f"v{i % 50}" for i in range(n)],
            **{c: rng.random(n) for c in names},
        }
    )
    logit = 6 * recs["occupation"].to_numpy() - 3.5
    hired = rng.random(n) < 1 / (1 + np.exp(-logit))
    answered = rng.random(n) < 0.7
    outcome = np.where(hired, "hired", np.where(rng.random(n) < 0.5, "declined", "no_show"))
    out = recs.select("seeker_id", "vacancy_id").with_columns(outcome=pl.Series(outcome))
    out = out.filter(pl.Series(answered))
    features, labels = mc.scoring.outcome_labels(recs, out)
    assert features.height == int(answered.sum()) == labels.size
    assert labels.sum() == int((hired & answered).sum())
    cfg = mc.scoring.fit_weights(features, labels)
    w = cfg.weights
    assert w["occupation"] == max(w.values())
    neg = mc.scoring.outcome_labels(recs, out, unknown="negative")
    assert neg[0].height == n and neg[1].sum() == labels.sum()
    with pytest.raises(mc.InvalidParameter, match="'unknown' parameter of outcome_labels"):
        mc.scoring.outcome_labels(recs, out, unknown="drop it")
    with pytest.raises(mc.MissingColumns, match="occupation"):
        mc.scoring.outcome_labels(recs.drop("occupation"), out)


# -- warm start ------------------------------------------------------------------------------------
def test_warm_start_in_a_daily_run(day1_tables, day2_tables):
    cfg = mc.MatchConfig(assignment="auction")
    d1 = mc.match(*day1_tables, config=cfg, progress=False)
    assert d1.prices.height == d1.vacancies.height
    assert (d1.prices["price"] >= 0).all() and d1.prices["price"].max() > 0
    warm = mc.match(*day2_tables, config=cfg, previous=d1, progress=False)
    cold = mc.match(
        *day2_tables,
        config=cfg,
        previous={"assignments": d1.assignments, "recommendations": d1.recommendations},
        progress=False,
    )
    for r in (warm, cold):
        assert r.assignments["seeker_id"].is_unique().all()
        load = r.assignments.group_by("vacancy_id").len().join(r.vacancies, on="vacancy_id")
        assert (load["len"] <= load["openings"]).all()
        gap = r.summary()["certified_gap"]
        assert gap is not None and 0 <= gap < 0.02
    # both within n x eps of the same optimum (bonus included), so close to each other
    n = warm.seekers.height
    total = [r.stats["assignment"]["total_score"] for r in (warm, cold)]
    assert abs(total[0] - total[1]) <= n * cfg.auction_eps
    # prices read back from a database: the same run
    tables = {
        "assignments": d1.assignments,
        "recommendations": d1.recommendations,
        "prices": d1.prices.to_dicts(),
    }
    again = mc.match(*day2_tables, config=cfg, previous=tables, progress=False)
    assert again.assignments.equals(warm.assignments)


def test_bad_prices_are_refused(tiny):
    seekers, vacancies, _ = tiny
    prices = pl.DataFrame({"vacancy_id": ["V1", "V2"], "price": [0.1, -1.0]})
    with pytest.raises(mc.InvalidParameter, match=r"previous\['prices'\]\['price'\] \(row 1\)"):
        mc.match(seekers, vacancies, previous={"prices": prices}, progress=False)
    with pytest.raises(mc.MissingColumns, match="price"):
        mc.match(seekers, vacancies, previous={"prices": prices.drop("price")}, progress=False)
