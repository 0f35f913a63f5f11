"""The auction: feasibility, its certificate against exact references, determinism, scale."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from test_assign import check_feasible, instances, reference_optimum
from test_assign_recommend import instances as rec_instances
from test_assign_recommend import lp_priced, penalty_of, price_steps

import matchcore as mc
from matchcore.assign import random_instance, recommend, solve
from matchcore.assign._auction import auction_bmatching, dual_bound


@settings(max_examples=150, deadline=None)
@given(instances(), st.sampled_from([0.3, 0.05, 1e-3]))
def test_auction_is_feasible_and_certified(inst, eps):
    scores, capacity = inst
    a = solve(scores, capacity, method="auction", eps=eps)
    check_feasible(a, scores, capacity)
    ref = reference_optimum(scores, capacity)
    assert a.upper_bound is not None
    # the certificate is a true upper bound, and the result is within n x eps of the optimum
    assert ref <= a.upper_bound + 1e-9
    assert a.total_score >= ref - scores.shape[0] * eps - 1e-9
    assert a.total_score <= ref + 1e-9
    assert 0.0 <= a.certified_gap <= 1.0


def test_auction_with_a_tiny_eps_is_exact_on_integer_scores():
    rng = np.random.default_rng(4)
    dense = rng.integers(-1, 6, size=(30, 8)).astype(float)
    dense[rng.random(dense.shape) < 0.4] = 0
    scores, cap = sp.csr_array(dense), rng.integers(0, 4, size=8)
    # integer scores: any result within n x eps < 1 of the optimum is optimal
    a = solve(scores, cap, method="auction", eps=0.9 / 30)
    assert a.total_score == reference_optimum(scores, cap)


def test_dual_bound_can_fail_and_holds_for_any_prices():
    scores, cap = random_instance(300, 40, candidates=8, seed=3)
    ref = solve(scores, cap).total_score
    ones = np.ones(scores.shape[0], dtype=np.int64)
    args = (scores.indptr, scores.indices, scores.data, ones, cap)
    rng = np.random.default_rng(0)
    for _ in range(5):
        assert dual_bound(*args, rng.random(cap.size)) >= ref - 1e-9
    # weak duality is not vacuous: the auction's own prices come close to the optimum
    _chosen, price, _ = auction_bmatching(*args, 0.01)
    assert dual_bound(*args, price) <= ref * 1.05


@settings(max_examples=60, deadline=None)
@given(rec_instances(), st.integers(1, 3), st.sampled_from([1.0, 4.0]), st.sampled_from([0.0, 0.3]))
def test_auction_recommend_is_near_the_priced_optimum(inst, k, multiple, price):
    scores, cap = inst
    eps = 1e-3
    r = recommend(
        scores, cap, k, congestion=multiple, price=price, assignment=False, method="auction",
        eps=eps,
    )  # fmt: skip
    show = np.ceil(multiple * cap - 1e-9).astype(int)
    assert (r.exposure() <= show).all()
    assert (np.bincount(r.seeker, minlength=r.n_seekers) <= k).all()
    steps = price_steps(scores, cap, k, multiple, price)
    if steps is None:
        assert len(r) == 0
        return
    widths, prices = steps
    ours = r.score.sum() - penalty_of(r.exposure(), widths, prices)
    best = lp_priced(scores, k, widths, prices)
    assert ours <= best + 1e-6
    assert ours >= best - scores.shape[0] * k * eps - 1e-6
    assert r.upper_bound is not None and r.upper_bound >= best - 1e-6


@settings(max_examples=40, deadline=None)
@given(rec_instances(), st.integers(1, 3), st.sampled_from([None, 1.0, 3.0]))
def test_auction_lists_hold_the_assigned_vacancy(inst, k, multiple):
    scores, cap = inst
    a = solve(scores, cap, method="auction")
    r = recommend(scores, cap, k, congestion=multiple, assignment=a, method="auction")
    assert r.assigned.sum() == a.n_assigned
    assert np.array_equal(r.vacancy[r.assigned], a.vacancy_of[r.seeker[r.assigned]])
    assert (np.bincount(r.seeker, minlength=r.n_seekers) <= k).all()


def test_auction_is_deterministic_and_close_on_a_city_instance():
    scores, cap = random_instance(4000, 600, candidates=20, seed=5)
    a1 = solve(scores, cap, method="auction", executor="serial")
    a2 = solve(scores, cap, method="auction", executor="serial")
    assert np.array_equal(a1.vacancy_of, a2.vacancy_of)
    exact = solve(scores, cap, executor="serial")
    greedy = solve(scores, cap, method="greedy", executor="serial")
    assert a1.upper_bound >= exact.total_score - 1e-9
    assert a1.total_score >= 0.995 * exact.total_score
    assert a1.total_score > greedy.total_score
    r1 = recommend(scores, cap, 5, assignment=a1, method="auction", executor="serial")
    r2 = recommend(scores, cap, 5, assignment=a1, method="auction", executor="serial")
    assert np.array_equal(r1.vacancy, r2.vacancy) and np.array_equal(r1.seeker, r2.seeker)


def test_auction_through_a_process_pool_equals_serial():
    from concurrent.futures import ProcessPoolExecutor

    scores, cap = random_instance(3000, 400, candidates=10, seed=6, n_cities=4)
    serial = solve(scores, cap, method="auction", executor="serial", n_shards=4)
    with ProcessPoolExecutor(2) as pool:
        pooled = solve(scores, cap, method="auction", executor=pool, n_shards=4)
    assert np.array_equal(serial.vacancy_of, pooled.vacancy_of)
    assert serial.upper_bound == pytest.approx(pooled.upper_bound)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"method": "auction", "eps": 0},
            r"'eps' parameter of solve .* a float in \(0, 1\). Got 0",
        ),
        ({"method": "auction", "eps": True}, r"'eps' parameter of solve"),
        ({"method": "auction", "eps": 2.0}, r"a float in \(0, 1\). Got 2.0"),
    ],
)
def test_bad_eps_is_named(kwargs, match):
    scores, cap = random_instance(20, 5, candidates=3, seed=0)
    with pytest.raises(mc.InvalidParameter, match=match):
        solve(scores, cap, **kwargs)


def test_recommend_rejects_an_unknown_method():
    scores, cap = random_instance(20, 5, candidates=3, seed=0)
    with pytest.raises(mc.InvalidParameter, match=r"'method' parameter of recommend"):
        recommend(scores, cap, 2, method="flow")


def test_match_config_auto_picks_the_method_by_size():
    assert mc.MatchConfig().assignment == "auto"
    assert mc.MatchConfig().assignment_method(10) == "exact"
    assert mc.MatchConfig().assignment_method(10**8) == "auction"
    assert mc.MatchConfig(assignment="auction").assignment_method(10) == "auction"
    with pytest.raises(mc.InvalidParameter, match=r"'auction_eps' .* a float in \(0, 1\)"):
        mc.MatchConfig(auction_eps=0.0)
    with pytest.raises(mc.InvalidParameter, match=r"'assignment' .* 'auto', 'exact', 'auction'"):
        mc.MatchConfig(assignment="fastest")


def test_match_with_the_auction_reports_its_certificate():
    seekers, vacancies = mc.synth.province(600, 150, seed=1)
    cfg = mc.MatchConfig(assignment="auction", top_k=5)
    res = mc.match(seekers, vacancies, config=cfg, progress=False)
    s = res.summary()
    assert s["assignment_method"] == "auction"
    assert 0.0 <= s["certified_gap"] < 0.05
    assert "certified within" in res.summary_text()
    exact = mc.match(seekers, vacancies, config=cfg.replace(assignment="exact"), progress=False)
    assert exact.summary()["certified_gap"] is None
    assert res.assignments["score"].sum() >= 0.98 * exact.assignments["score"].sum()
    assert s["seekers_in"] == res.assignments.height + res.unmatched.height


def test_auction_with_heavy_ties_and_big_columns():
    # scores on a coarse grid (many exact ties) and a few columns with many copies: the regime
    # where held copies are re-seated round after round
    scores, cap = random_instance(6000, 300, candidates=25, seed=7)
    scores = scores.copy()
    scores.data = np.round(scores.data * 20) / 20
    cap = cap.copy()
    cap[:5] = 400
    a = solve(scores, cap, method="auction", executor="serial")
    check_feasible(a, scores, cap)
    exact = solve(scores, cap, executor="serial")
    assert exact.total_score - 1e-6 <= a.upper_bound
    assert a.total_score >= exact.total_score - scores.shape[0] * 0.01
    r = recommend(scores, cap, 5, assignment=a, method="auction", eps=0.05, executor="serial")
    assert (r.exposure() <= np.ceil(r.multiple * cap - 1e-9)).all()
    counts = np.bincount(r.seeker, minlength=r.n_seekers)
    assert (counts <= 5).all()
    pairs = r.seeker.astype(np.int64) * scores.shape[1] + r.vacancy
    assert np.unique(pairs).size == pairs.size
    assert np.allclose(r.score, scores.toarray()[r.seeker, r.vacancy])
    assert r.upper_bound is not None


def test_two_threads_give_the_same_result(monkeypatch):
    import matchcore.assign._auction as auction

    monkeypatch.setattr(auction, "PARALLEL_BIDS", 50)  # split every sizeable round
    scores, cap = random_instance(800, 120, candidates=12, seed=8)
    n = scores.shape[0]
    args = (scores.indptr, scores.indices, scores.data)
    for row_cap, col_cap, steps in [
        (np.ones(n, dtype=np.int64), cap, None),
        (np.full(n, 4), 3 * cap, (np.maximum(cap, 1), 0.1, 3)),
    ]:
        one = auction.auction_bmatching(*args, row_cap, col_cap, 0.02, steps, threads=1)
        two = auction.auction_bmatching(*args, row_cap, col_cap, 0.02, steps, threads=2)
        assert np.array_equal(one[0], two[0])
        assert np.array_equal(one[1], two[1])


def test_bids_formed_in_row_chunks_equal_one_piece(monkeypatch):
    import matchcore.assign._auction as auction

    scores, cap = random_instance(700, 100, candidates=10, seed=9)
    n = scores.shape[0]
    args = (scores.indptr, scores.indices, scores.data, np.full(n, 3), 2 * cap, 0.02)
    whole = auction.auction_bmatching(*args, (np.maximum(cap, 1), 0.1, 2))
    monkeypatch.setattr(auction, "ROW_CHUNK", 37)
    chunked = auction.auction_bmatching(*args, (np.maximum(cap, 1), 0.1, 2))
    assert np.array_equal(whole[0], chunked[0]) and np.array_equal(whole[1], chunked[1])


def test_reseating_in_column_parts_equals_one_piece(monkeypatch):
    import matchcore.assign._auction as auction

    scores, cap = random_instance(900, 150, candidates=12, seed=10)
    n = scores.shape[0]
    for row_cap, col_cap, steps in [
        (np.ones(n, dtype=np.int64), cap, None),
        (np.full(n, 4), 3 * cap, (np.maximum(cap, 1), 0.1, 3)),
    ]:
        args = (scores.indptr, scores.indices, scores.data, row_cap, col_cap, 0.02, steps)
        whole = auction.auction_bmatching(*args)
        monkeypatch.setattr(auction, "POOL_BIDS", 40)
        parts = auction.auction_bmatching(*args)
        monkeypatch.setattr(auction, "POOL_BIDS", 2_000_000)
        assert np.array_equal(whole[0], parts[0]) and np.array_equal(whole[1], parts[1])


def test_float64_benefits_are_not_rounded_to_float32():
    # 1 + 1e-9 is not a float32: rounded, seeker 0 would tie, take column 0 (lower position) and
    # push seeker 1 to column 1 for a total of 2; kept in float64 the optimum 2 + 1e-9 is found
    scores = sp.csr_array(np.array([[1.0, 1.0 + 1e-9], [1.0, 1.0]]))
    a = solve(scores, np.array([1, 1]), method="auction", eps=1e-10)
    assert a.total_score == pytest.approx(2.0 + 1e-9, abs=1e-12)


def test_dual_bound_in_row_spans_equals_one_piece(monkeypatch):
    import matchcore.assign._auction as auction

    scores, cap = random_instance(800, 120, candidates=9, seed=12)
    n = scores.shape[0]
    price = np.random.default_rng(1).random(cap.size) * 0.5
    for row_cap, steps in [
        (np.ones(n, dtype=np.int64), None),
        (np.full(n, 3), (np.maximum(cap, 1), 0.1, 3)),
    ]:
        args = (scores.indptr, scores.indices, scores.data, row_cap, 3 * cap, price, steps)
        whole = auction.dual_bound(*args)
        # spans of about 50 edges (rows hold up to 9): some 90 spans, each ending on a row boundary
        monkeypatch.setattr(auction, "BOUND_EDGES", 50)
        assert len(auction._row_spans(scores.indptr, 50)) > 50
        spans = auction.dual_bound(*args)
        monkeypatch.setattr(auction, "BOUND_EDGES", 4_000_000)
        assert spans == pytest.approx(whole, rel=1e-12)
        # a span smaller than a row still takes the whole row
        monkeypatch.setattr(auction, "BOUND_EDGES", 1)
        assert auction.dual_bound(*args) == pytest.approx(whole, rel=1e-12)
        monkeypatch.setattr(auction, "BOUND_EDGES", 4_000_000)


def test_row_spans_cover_every_row_once():
    indptr = np.array([0, 0, 5, 5, 6, 20, 21, 21])
    for edges in (1, 3, 6, 100):
        spans = mc.assign._auction._row_spans(indptr, edges)
        assert spans[0][0] == 0 and spans[-1][1] == indptr.size - 1
        assert all(a[1] == b[0] and a[0] < a[1] for a, b in itertools.pairwise(spans))
