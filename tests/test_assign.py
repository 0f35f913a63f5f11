"""matchcore.assign.solve: exactness against scipy, greedy and stable properties, sharding."""

from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

import matchcore as mc
from matchcore.assign import Assignment, random_instance, solve

RES = 1e-6


def reference_optimum(scores: sp.csr_array, capacity: np.ndarray) -> float:
    """Slow exact reference: linear_sum_assignment on the capacity-expanded dense matrix.

    Each vacancy becomes ``capacity[j]`` identical columns. A pair that is not allowed, or has a
    benefit <= 0, is worth 0 there, the same as leaving the seeker unassigned, so the maximum of
    the expanded problem equals the maximum of the capacitated one.
    """
    dense = np.maximum(scores.toarray(), 0.0)
    cols = np.repeat(np.arange(scores.shape[1]), capacity)
    if dense.shape[0] == 0 or cols.size == 0:
        return 0.0
    expanded = dense[:, cols]
    r, c = linear_sum_assignment(expanded, maximize=True)
    return float(expanded[r, c].sum())


def check_feasible(a: Assignment, scores: sp.csr_array, capacity: np.ndarray) -> None:
    n, m = scores.shape
    assert a.vacancy_of.shape == (n,)
    assert a.vacancy_of.dtype == np.int64
    assert ((a.vacancy_of >= -1) & (a.vacancy_of < m)).all()
    assert (a.load(m) <= capacity).all()
    s, v = a.pairs()
    dense = scores.toarray()
    stored = scores.toarray() != 0 if scores.nnz else np.zeros((n, m), bool)
    csr = sp.csr_array(scores)
    pattern = np.zeros((n, m), bool)
    rows = np.repeat(np.arange(n), np.diff(csr.indptr))
    pattern[rows, csr.indices] = True
    del stored
    assert pattern[s, v].all(), "assigned a pair that is not stored"
    assert (dense[s, v] > 0).all(), "assigned a pair with no benefit"
    assert a.total_score == pytest.approx(float(dense[s, v].sum()), abs=1e-9)


@st.composite
def instances(draw, integer=False):
    n = draw(st.integers(0, 7))
    m = draw(st.integers(1, 5))
    mask = np.array(draw(st.lists(st.booleans(), min_size=n * m, max_size=n * m)), bool)
    if integer:
        vals = draw(st.lists(st.integers(-2, 6), min_size=n * m, max_size=n * m))
    else:
        # a few distinct values so ties are common, plus arbitrary floats
        vals = draw(
            st.lists(
                st.one_of(
                    st.sampled_from([0.0, 0.25, 0.5, 1.0]),
                    st.floats(-1, 1, allow_nan=False, width=32),
                ),
                min_size=n * m,
                max_size=n * m,
            )
        )
    vals = np.array(vals, dtype=np.float64).reshape(n, m) if n else np.zeros((0, m))
    mask = mask.reshape(n, m) if n else np.zeros((0, m), bool)
    r, c = np.nonzero(mask)
    scores = sp.csr_array((vals[r, c], (r, c)), shape=(n, m))  # explicit zeros stay stored
    capacity = np.array(draw(st.lists(st.integers(0, 3), min_size=m, max_size=m)))
    return scores, capacity


@settings(max_examples=150, deadline=None)
@given(instances())
def test_exact_matches_linear_sum_assignment(inst):
    scores, capacity = inst
    a = solve(scores, capacity)
    check_feasible(a, scores, capacity)
    ref = reference_optimum(scores, capacity)
    # rounding each score to a multiple of RES moves any solution's total by at most
    # |solution| x RES/2, so the rounded optimum is within (|ours| + |theirs|) x RES/2 <= n x RES
    assert abs(a.total_score - ref) <= scores.shape[0] * RES + 1e-12


@settings(max_examples=100, deadline=None)
@given(instances(integer=True))
def test_exact_is_exact_on_integer_scores(inst):
    scores, capacity = inst
    a = solve(scores, capacity)
    check_feasible(a, scores, capacity)
    assert a.total_score == reference_optimum(scores, capacity)


@settings(max_examples=100, deadline=None)
@given(instances())
def test_greedy_is_feasible_and_within_half_of_optimum(inst):
    scores, capacity = inst
    g = solve(scores, capacity, method="greedy")
    check_feasible(g, scores, capacity)
    ref = reference_optimum(scores, capacity)
    assert g.total_score <= ref + 1e-9
    assert g.total_score >= 0.5 * ref - 1e-9


def blocking_pairs(a, scores, vpref, capacity):
    """Pairs (i, j), both acceptable, where i prefers j and j has room or prefers i."""
    n, m = scores.shape
    csr = sp.csr_array(scores)
    rows = np.repeat(np.arange(n), np.diff(csr.indptr))
    s_of = {(int(i), int(j)): v for i, j, v in zip(rows, csr.indices, csr.data)}
    v_of = {(int(i), int(j)): v for i, j, v in zip(rows, csr.indices, sp.csr_array(vpref).data)}
    load = a.load(m)
    out = []
    for (i, j), s in s_of.items():
        if s <= 0 or capacity[j] == 0:
            continue
        cur = int(a.vacancy_of[i])
        if cur == j:
            continue
        # seeker order: score desc, then lower vacancy
        if cur >= 0 and (s_of[(i, cur)], -cur) >= (s, -j):
            continue
        if load[j] < capacity[j]:
            out.append((i, j))
            continue
        held = np.flatnonzero(a.vacancy_of == j)
        worst = min((v_of[(int(h), j)], -int(h)) for h in held)
        if (v_of[(i, j)], -i) > worst:
            out.append((i, j))
    return out


@settings(max_examples=100, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_stable_has_no_blocking_pair(inst, rnd):
    scores, capacity = inst
    vpref = scores.copy()
    vpref.data = np.array([rnd.random() for _ in range(scores.nnz)])
    a = solve(scores, capacity, method="stable", vacancy_scores=vpref)
    check_feasible(a, scores, capacity)
    assert blocking_pairs(a, scores, vpref, capacity) == []
    g = solve(scores, capacity, method="greedy")
    assert blocking_pairs(g, scores, scores, capacity) == []


def test_blocking_pair_check_can_fail():
    scores = sp.csr_array(np.array([[1.0, 0.5]]))
    bad = Assignment(np.array([1]), 0.5, "exact", 1, -1, 0.0, RES)
    assert blocking_pairs(bad, scores, scores, np.array([1, 1])) == [(0, 0)]


def test_docstring_example_and_ties_are_deterministic():
    scores = sp.csr_array(np.ones((6, 3)))
    cap = np.array([1, 2, 1])
    first = solve(scores, cap)
    assert first.total_score == 4.0
    for _ in range(3):
        assert np.array_equal(solve(scores, cap).vacancy_of, first.vacancy_of)
    assert not first.vacancy_of.flags.writeable


def test_resolution_bound_on_close_scores():
    # two optima 1e-7 apart: below the resolution the engine may pick either, within the bound
    scores = sp.csr_array(np.array([[0.5000001, 0.5], [0.5, 0.5000001]]))
    a = solve(scores, np.array([1, 1]))
    assert a.total_score == pytest.approx(1.0000002, abs=2 * RES)
    fine = solve(scores, np.array([1, 1]), resolution=1e-9)
    assert fine.vacancy_of.tolist() == [0, 1]


def test_inputs_are_not_mutated():
    scores, cap = random_instance(300, 40, candidates=5, seed=3)
    s0, c0 = scores.copy(), cap.copy()
    solve(scores, cap, method="exact")
    solve(scores, cap, method="greedy")
    assert np.array_equal(scores.data, s0.data) and np.array_equal(scores.indices, s0.indices)
    assert np.array_equal(cap, c0)


def test_sharded_equals_unsharded_on_independent_cities():
    scores, cap = random_instance(4000, 600, candidates=8, n_cities=8, seed=5)
    whole = solve(scores, cap, executor="serial", n_shards=1)
    with ProcessPoolExecutor(max_workers=2) as pool:
        sharded = solve(scores, cap, executor=pool, n_shards=3)
    assert sharded.n_components == 4  # cities paired 0-1, 2-3, ...
    assert sharded.n_shards == 3
    assert np.array_equal(sharded.vacancy_of, whole.vacancy_of)
    assert sharded.total_score == pytest.approx(whole.total_score, abs=1e-9)
    greedy_whole = solve(scores, cap, method="greedy", executor="serial")
    greedy_shard = solve(scores, cap, method="greedy", executor="serial", n_shards=4)
    assert np.array_equal(greedy_whole.vacancy_of, greedy_shard.vacancy_of)
    assert greedy_whole.total_score <= whole.total_score


def test_sharded_on_a_dask_cluster():
    distributed = pytest.importorskip("distributed")
    scores, cap = random_instance(2000, 300, candidates=6, n_cities=6, seed=7)
    whole = solve(scores, cap, executor="serial")
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        a = solve(scores, cap, executor=client.get_executor(), n_shards=3)
    assert a.n_shards == 3
    assert np.array_equal(a.vacancy_of, whole.vacancy_of)


def test_exact_beats_greedy_on_a_city_instance():
    scores, cap = random_instance(3000, 500, candidates=10, seed=11)
    exact = solve(scores, cap)
    greedy = solve(scores, cap, method="greedy")
    check_feasible(exact, scores, cap)
    check_feasible(greedy, scores, cap)
    assert exact.total_score > greedy.total_score > 0.9 * exact.total_score


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (
            {"capacity": np.ones(19, int)},
            r"The 'capacity' parameter of solve must be a 1-d array of non-negative integers "
            r"of length 20 \(n_vacancies\)\. Got shape \(19,\) instead\.",
        ),
        ({"capacity": np.full(20, -1)}, r"Got negative value -1 at position 0 instead"),
        ({"capacity": np.full(20, 1.5)}, r"Got non-integer value 1\.5 at position 0 instead"),
        ({"capacity": np.array(["1"] * 20)}, r"Got dtype <U1 instead"),
        ({"method": "fast"}, r"The 'method' parameter of solve must be one of"),
        ({"resolution": 0.0}, r"The 'resolution' parameter of solve must be a float in \(0, inf"),
        ({"executor": 4}, r"The 'executor' parameter of solve must be None, 'serial' or"),
        ({"n_shards": 0}, r"The 'n_shards' parameter of solve must be an int in \[1, inf\)"),
    ],
)
def test_bad_parameters_are_named(kwargs, match):
    scores, cap = random_instance(50, 20, candidates=3, n_cities=2, seed=0)
    args = {"capacity": cap, **kwargs}
    with pytest.raises(mc.InvalidParameter, match=match):
        solve(scores, **args)


def test_bad_scores_are_named():
    cap = np.ones(3, int)
    with pytest.raises(mc.InvalidParameter, match=r"must be a 2-d scipy\.sparse matrix"):
        solve(np.ones((2, 3)), cap)
    bad = sp.csr_array(np.array([[0.5, np.nan, 0.0], [np.inf, 0.1, 0.0]]))
    with pytest.raises(
        mc.InvalidParameter,
        match=r"finite numbers \(no NaN or infinity\)\. Got 2 non-finite stored value\(s\), "
        r"the first nan at row 0, column 1 instead",
    ):
        solve(bad, cap)
    ok = sp.csr_array(np.array([[0.5, 0.2, 0.0]]))
    with pytest.raises(mc.InvalidParameter, match=r"'vacancy_scores' parameter of solve must"):
        solve(ok, np.ones(3, int), method="stable", vacancy_scores=sp.csr_array(np.eye(1, 3)))
    with pytest.raises(mc.InvalidParameter, match=r"None unless method='stable'"):
        solve(ok, np.ones(3, int), vacancy_scores=ok)


def test_empty_and_degenerate_inputs():
    a = solve(sp.csr_array((0, 4)), np.zeros(4, int))
    assert a.vacancy_of.shape == (0,) and a.total_score == 0.0
    b = solve(sp.csr_array((3, 2)), np.array([1, 1]))
    assert b.vacancy_of.tolist() == [-1, -1, -1]
    c = solve(sp.csr_array(np.ones((3, 2))), np.zeros(2, int))
    assert c.n_assigned == 0
    d = solve(sp.coo_array(np.array([[2, 0], [0, 3]])), np.array([1.0, 1.0]))
    assert d.vacancy_of.tolist() == [0, 1] and d.total_score == 5.0
    assert set(d.stats()) >= {"method", "n_assigned", "total_score", "seconds"}
