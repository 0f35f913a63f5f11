"""matchcore.assign.recommend and the exposure metrics."""

import math

import numpy as np
import polars as pl
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import matchcore as mc
from matchcore.assign import (
    coverage,
    expected_hires,
    exposure_gini,
    gini,
    random_instance,
    recommend,
    solve,
)


def brute_top_k(scores, k):
    dense = scores.toarray()
    pattern = np.zeros(scores.shape, bool)
    csr = sp.csr_array(scores)
    pattern[np.repeat(np.arange(scores.shape[0]), np.diff(csr.indptr)), csr.indices] = True
    out = []
    for i in range(scores.shape[0]):
        cand = [
            (-dense[i, j], j) for j in range(scores.shape[1]) if pattern[i, j] and dense[i, j] > 0
        ]
        out.append([j for _, j in sorted(cand)[:k]])
    return out


def lists_of(r):
    out = [[] for _ in range(r.n_seekers)]
    for s, v in zip(r.seeker, r.vacancy):
        out[s].append(int(v))
    return out


def lp_bmatching(scores, row_cap, col_cap):
    """Slow reference: the b-matching LP (totally unimodular, so its optimum is integral)."""
    csr = sp.csr_array(scores)
    pos = np.flatnonzero(csr.data > 0)
    if pos.size == 0:
        return 0.0
    rows = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))[pos]
    cols = csr.indices[pos]
    e = np.arange(pos.size)
    a_row = sp.csr_array((np.ones(pos.size), (rows, e)), shape=(csr.shape[0], pos.size))
    a_col = sp.csr_array((np.ones(pos.size), (cols, e)), shape=(csr.shape[1], pos.size))
    res = linprog(
        -csr.data[pos],
        A_ub=sp.vstack([a_row, a_col]),
        b_ub=np.concatenate([row_cap, col_cap]),
        bounds=(0, 1),
        method="highs",
    )
    assert res.status == 0
    return -res.fun


@st.composite
def instances(draw):
    n = draw(st.integers(1, 8))
    m = draw(st.integers(1, 5))
    dense = np.array(
        draw(
            st.lists(
                st.sampled_from([0.0, 0.0, 0.2, 0.5, 0.5, 0.9]), min_size=n * m, max_size=n * m
            )
        )
    ).reshape(n, m)
    capacity = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)))
    return sp.csr_array(dense), capacity


@settings(max_examples=60, deadline=None)
@given(instances(), st.integers(1, 3))
def test_plain_top_k_matches_brute_force(inst, k):
    scores, cap = inst
    r = recommend(scores, cap, k, congestion=None, assignment=False)
    assert lists_of(r) == brute_top_k(scores, k)
    assert not r.assigned.any()


@settings(max_examples=60, deadline=None)
@given(instances(), st.integers(1, 3), st.sampled_from([0.5, 1.0, 2.0]))
def test_congestion_is_an_optimal_capped_b_matching(inst, k, multiple):
    scores, cap = inst
    r = recommend(scores, cap, k, congestion=multiple, price=0.0, assignment=False)
    show = np.ceil(multiple * cap - 1e-9)
    assert (r.exposure() <= show).all()
    assert (np.bincount(r.seeker, minlength=r.n_seekers) <= k).all()
    ref = lp_bmatching(scores, np.full(scores.shape[0], k), show)
    assert r.score.sum() == pytest.approx(ref, abs=1e-5)


def lp_priced(scores, k, widths, prices):
    """Slow reference for the priced b-matching: an LP over pair and step variables.

    Maximize sum(score x) - sum(price_s y_js) with row sums <= k, a vacancy's pairs covered by
    its steps (sum x_j - sum_s y_js <= 0) and 0 <= y_js <= width_js: a network LP, so integral.
    """
    csr = sp.csr_array(scores)
    pos = np.flatnonzero(csr.data > 0)
    n, m = csr.shape
    n_steps = widths.shape[0]
    rows = np.repeat(np.arange(n), np.diff(csr.indptr))[pos]
    cols = csr.indices[pos]
    e = np.arange(pos.size)
    y = pos.size + np.arange(n_steps * m).reshape(n_steps, m)
    nv = pos.size + n_steps * m
    a_row = sp.csr_array((np.ones(pos.size), (rows, e)), shape=(n, nv))
    yr = np.tile(np.arange(m), n_steps)
    a_col = sp.csr_array(
        (
            np.concatenate([np.ones(pos.size), -np.ones(n_steps * m)]),
            (np.concatenate([cols, yr]), np.concatenate([e, y.ravel()])),
        ),
        shape=(m, nv),
    )
    cost = np.concatenate([-csr.data[pos], np.repeat(prices, m)])
    bounds = [(0, 1)] * pos.size + [(0, w) for w in widths.ravel()]
    res = linprog(
        cost,
        A_ub=sp.vstack([a_row, a_col]),
        b_ub=np.concatenate([np.full(n, k), np.zeros(m)]),
        bounds=bounds,
        method="highs",
    )
    assert res.status == 0
    return -res.fun


def price_steps(scores, cap, k, multiple, price):
    """The congestion price steps as documented in ``recommend``: (widths, prices) per step, or
    None when no seeker has a positive pair. With ``price == 0`` only the hard limit remains."""
    show = np.ceil(multiple * cap - 1e-9).astype(int)
    pos_deg = np.bincount(
        np.repeat(np.arange(scores.shape[0]), np.diff(scores.indptr))[scores.data > 0],
        minlength=scores.shape[0],
    )
    level = np.minimum(pos_deg, k).sum() / max(1, cap.sum())
    if level == 0:
        return None
    n_steps = min(16, max(1, math.ceil(multiple / level))) if price > 0 else 1
    widths = np.repeat(np.ceil(level * cap - 1e-9)[None, :], n_steps, axis=0)
    widths[-1] = show
    widths = np.diff(np.minimum(np.cumsum(widths, axis=0), show), axis=0, prepend=0)
    return widths, np.arange(n_steps) * price


def penalty_of(exposure, widths, prices):
    """Price paid for an exposure when the steps fill in order."""
    ends = np.cumsum(widths, axis=0)
    starts = ends - widths
    used = np.clip(exposure[None, :] - starts, 0, widths)
    return float((used * prices[:, None]).sum())


@settings(max_examples=60, deadline=None)
@given(instances(), st.integers(1, 3), st.sampled_from([1.0, 4.0]), st.sampled_from([0.1, 0.3]))
def test_priced_congestion_is_optimal(inst, k, multiple, price):
    scores, cap = inst
    r = recommend(scores, cap, k, congestion=multiple, price=price, assignment=False)
    show = np.ceil(multiple * cap - 1e-9).astype(int)
    assert (r.exposure() <= show).all()
    steps = price_steps(scores, cap, k, multiple, price)
    if steps is None:
        assert len(r) == 0
        return
    widths, prices = steps
    ours = r.score.sum() - penalty_of(r.exposure(), widths, prices)
    assert ours == pytest.approx(lp_priced(scores, k, widths, prices), abs=1e-5)


@settings(max_examples=60, deadline=None)
@given(instances(), st.integers(1, 3), st.sampled_from([None, 1.0, 3.0]))
def test_lists_are_ranked_and_hold_the_assigned_vacancy(inst, k, multiple):
    scores, cap = inst
    a = solve(scores, cap)
    r = recommend(scores, cap, k, congestion=multiple, assignment=a)
    dense = scores.toarray()
    assert np.allclose(r.score, dense[r.seeker, r.vacancy])
    for i, lst in enumerate(lists_of(r)):
        assert len(lst) <= k and len(set(lst)) == len(lst)
        got = [float(dense[i, j]) for j in lst]
        assert got == sorted(got, reverse=True)
        if a.vacancy_of[i] >= 0:
            assert int(a.vacancy_of[i]) in lst
    assert (r.rank >= 1).all()
    assert r.assigned.sum() == a.n_assigned
    assert np.array_equal(r.vacancy[r.assigned], a.vacancy_of[r.seeker[r.assigned]])


def test_congestion_spreads_exposure_on_a_city_instance():
    scores, cap = random_instance(3000, 600, candidates=20, seed=2)
    plain = recommend(scores, cap, 5, congestion=None, assignment=False)
    spread = recommend(scores, cap, 5, assignment=False)
    capped = recommend(scores, cap, 5, price=0.0, assignment=False)
    assert spread.multiple is not None and spread.multiple >= 1.0
    ps, ss, cs = plain.summary(), spread.summary(), capped.summary()
    assert ss["exposure_gini"] < 0.75 * ps["exposure_gini"]
    assert cs["exposure_gini"] < ps["exposure_gini"]
    assert ss["exposure_gini"] < cs["exposure_gini"]  # the price spreads more than the cap alone
    assert ss["coverage"] >= ps["coverage"]
    assert ss["expected_hires"] > ps["expected_hires"]
    assert ss["max_exposure_per_opening"] <= spread.multiple + 1
    assert ps["max_exposure_per_opening"] > spread.multiple + 1
    assert 0.95 * ps["mean_score"] < ss["mean_score"] < ps["mean_score"]
    assert len(spread) >= 0.99 * len(plain)  # a pair worth less than its price may drop


def test_default_flags_the_exact_assignment():
    scores, cap = random_instance(500, 80, candidates=6, seed=4)
    r = recommend(scores, cap, 3)
    a = solve(scores, cap)
    assert r.assigned.sum() == a.n_assigned
    frame = r.to_frame()
    assert frame.columns == ["seeker", "vacancy", "rank", "score", "assigned"]
    assert frame.schema["assigned"] == pl.Boolean
    assert frame.height == len(r)


def test_metrics_against_loops():
    scores, cap = random_instance(400, 60, candidates=6, seed=9)
    cap = cap.copy()
    cap[:3] = 0
    r = recommend(scores, cap, 4, congestion=None, assignment=False)
    shown = {}
    mass = {}
    for v, s in zip(r.vacancy.tolist(), r.score.tolist()):
        shown[v] = shown.get(v, 0) + 1
        mass[v] = mass.get(v, 0.0) + s
    open_ = [j for j in range(60) if cap[j] > 0]
    assert coverage(r) == pytest.approx(sum(j in shown for j in open_) / len(open_))
    assert expected_hires(r) == pytest.approx(sum(min(cap[j], mass.get(j, 0.0)) for j in range(60)))
    units = np.concatenate([np.full(cap[j], shown.get(j, 0) / cap[j]) for j in open_])
    assert exposure_gini(r) == pytest.approx(gini(units), abs=1e-9)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 20), min_size=1, max_size=12))
def test_gini_matches_mean_absolute_difference(xs):
    x = np.array(xs, float)
    if x.sum() == 0:
        assert gini(x) == 0.0
        return
    mad = np.abs(x[:, None] - x[None, :]).mean()
    assert gini(x) == pytest.approx(mad / (2 * x.mean()), abs=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"k": 0}, r"The 'k' parameter of recommend must be an int in \[1, inf\)\. Got 0"),
        ({"congestion": -1.0}, r"The 'congestion' parameter of recommend must be a positive"),
        ({"congestion": "yes"}, r"The 'congestion' parameter of recommend must be a positive"),
        ({"assignment": "x"}, r"The 'assignment' parameter of recommend must be an Assignment"),
    ],
)
def test_bad_parameters_are_named(kwargs, match):
    scores, cap = random_instance(30, 10, candidates=3, n_cities=2, seed=0)
    with pytest.raises(mc.InvalidParameter, match=match):
        recommend(scores, cap, **{"k": 2, **kwargs})


def test_foreign_assignment_is_rejected():
    scores = sp.csr_array(np.array([[0.5, 0.0], [0.0, 0.5]]))
    other = solve(sp.csr_array(np.array([[0.0, 0.5], [0.5, 0.0]])), np.array([1, 1]))
    with pytest.raises(mc.InvalidParameter, match=r"Got 2 assigned seeker\(s\) outside them"):
        recommend(scores, np.array([1, 1]), 1, assignment=other)
    short = solve(sp.csr_array(np.array([[0.5, 0.0]])), np.array([1, 1]))
    with pytest.raises(mc.InvalidParameter, match=r"must assign the 2 seekers"):
        recommend(scores, np.array([1, 1]), 1, assignment=short)
    with pytest.raises(mc.InvalidParameter, match=r"'weights' parameter of gini"):
        gini([1, 2], weights=[1])
