"""Warm start of the auction (issue 17): seeded from yesterday's placements and prices, the result
keeps the cold start's guarantee and certificate, whatever the seeds."""

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from test_assign import instances, reference_optimum

from matchcore.assign import random_instance, solve
from matchcore.assign._auction import auction_bmatching, dual_bound


def _args(scores, cap):
    csr = sp.csr_array(scores)
    ones = np.ones(csr.shape[0], dtype=np.int64)
    return (csr.indptr, csr.indices, csr.data, ones, np.asarray(cap, dtype=np.int64)), csr


def _feasible(csr, cap, chosen):
    rows = np.searchsorted(csr.indptr, chosen, side="right") - 1
    assert np.unique(rows).size == rows.size
    assert (np.bincount(csr.indices[chosen], minlength=len(cap)) <= cap).all()
    assert (csr.data[chosen] > 0).all()


@settings(max_examples=150, deadline=None)
@given(instances(), st.sampled_from([0.3, 0.05, 1e-3]), st.integers(0, 2**16), st.booleans())
def test_any_seeds_keep_the_guarantee_and_the_certificate(inst, eps, seed, sensible):
    scores, cap = inst
    args, csr = _args(scores, cap)
    n, m = csr.shape
    rng = np.random.default_rng(seed)
    if sensible:  # yesterday's solution and prices, as a day-to-day run passes them
        chosen, price, _ = auction_bmatching(*args, eps)
        seed_col = np.full(n, -1)
        rows = np.searchsorted(csr.indptr, chosen, side="right") - 1
        seed_col[rows] = csr.indices[chosen]
        seed_bid = price[np.maximum(seed_col, 0)] if m else np.zeros(n)
    else:  # arbitrary seeds: columns (some not stored, some over capacity) and bids
        seed_col = rng.integers(-1, max(m, 1), size=n)
        seed_bid = rng.random(n) * rng.choice([0.0, 1.0, 5.0])
    chosen, price, stats = auction_bmatching(*args, eps, start=(seed_col, seed_bid))
    _feasible(csr, np.asarray(cap), chosen)
    ref = reference_optimum(scores, cap)
    total = float(csr.data[chosen].sum())
    assert total >= ref - n * eps - 1e-9
    assert ref <= dual_bound(*args, price) + 1e-9
    if sensible:
        assert stats["seeded"] >= 0


def test_warm_start_from_yesterday_bids_less():
    scores, cap = random_instance(3000, 400, candidates=20, seed=5)
    args = (scores.indptr, scores.indices, scores.data, np.ones(3000, dtype=np.int64), cap)
    chosen, price, _ = auction_bmatching(*args, 0.01)
    seed_col = np.full(3000, -1)
    rows = np.searchsorted(scores.indptr, chosen, side="right") - 1
    seed_col[rows] = scores.indices[chosen]
    again, price2, warm = auction_bmatching(
        *args, 0.01, start=(seed_col, price[np.maximum(seed_col, 0)])
    )
    # the same problem started at its own solution: every seed holds and nobody bids
    assert warm["seeded"] == chosen.size and warm["bids"] == 0
    assert np.array_equal(again, chosen) and np.allclose(price2, price)
    # a perturbed problem (2 % of the pairs change score) still starts from most of it
    rng = np.random.default_rng(1)
    data = scores.data.copy()
    touched = rng.random(data.size) < 0.02
    data[touched] = rng.random(int(touched.sum()))
    args2 = (scores.indptr, scores.indices, data, args[3], cap)
    _, _, cold2 = auction_bmatching(*args2, 0.01)
    _, _, warm2 = auction_bmatching(*args2, 0.01, start=(seed_col, price[np.maximum(seed_col, 0)]))
    assert warm2["seeded"] > 0.5 * chosen.size
    assert warm2["bids"] < cold2["bids"]


def test_solve_warm_start_round_trip():
    scores, cap = random_instance(2000, 300, candidates=15, seed=2)
    cold = solve(scores, cap, method="auction", eps=0.01)
    assert cold.prices is not None and cold.prices.shape == (300,)
    warm = solve(scores, cap, method="auction", eps=0.01, warm_start=(cold.vacancy_of, cold.prices))
    assert np.array_equal(warm.vacancy_of, cold.vacancy_of)
    assert warm.upper_bound is not None and warm.total_score <= warm.upper_bound + 1e-9
    exact = solve(scores, cap)
    assert exact.prices is None
