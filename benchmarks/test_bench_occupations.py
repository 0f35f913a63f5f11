"""Tree similarity: the vectorised path against a per-pair Python loop, in the same run."""

import time

import numpy as np

from matchcore.occupations import load


def test_similarity_throughput(benchmark, scale, report):
    tax = load()
    rng = np.random.default_rng(0)
    n = {"small": 200_000, "medium": 2_000_000, "province": 10_000_000}[scale[0]]
    a = tax.encode(rng.choice(tax.codes, n))
    b = tax.encode(rng.choice(tax.codes, n))
    out = benchmark(tax.similarity, a, b)
    assert out.shape == (n,) and float(out.min()) >= 0.0 and float(out.max()) <= 1.0
    # baseline: the scalar call on strings, on a sample
    m = 2_000
    sa, sb = [tax.codes[i] for i in rng.integers(0, len(tax), m)], list(rng.choice(tax.codes, m))
    t0 = time.perf_counter()
    for x, y in zip(sa, sb):
        tax.similarity(x, y)
    per_pair_loop = (time.perf_counter() - t0) / m
    per_pair_vec = benchmark.stats["mean"] / n
    report(
        f"similarity: {1 / per_pair_vec:,.0f} pairs/s vectorised vs {1 / per_pair_loop:,.0f} "
        f"pairs/s scalar loop (x{per_pair_loop / per_pair_vec:,.0f})"
    )
