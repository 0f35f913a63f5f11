"""Candidate generation speed, memory and exactness (issue 6).

``pytest benchmarks/test_bench_scoring.py`` runs 20,000 seekers x 4,000 vacancies; ``--scale
medium`` 100,000 x 20,000 and ``--scale province`` 1,000,000 x 200,000, K=50, 2 threads.

The large tables are generated directly in the prepared shape (``matchcore.synth.fake_prepared``: 16
Shandong cities with uneven sizes, skewed occupation popularity, 20 % of seekers willing to work in
another city), because preparing a million raw records is the records stage's own benchmark. One
test also runs the real ``synth.province`` + ``records.prepare`` at a small size.

Baseline in the same run: ``method="scan"``, every sampled seeker against every vacancy (hard
constraints as masks, same scores), on a seeker sample; the ratio is per seeker and the recall is
the share of the scan's top-K found by the blocked run (it is exact, so 1.0 is expected).
"""

from __future__ import annotations

import resource
import time

import numpy as np
import polars as pl
import pytest

import matchcore as mc
from matchcore.synth import fake_prepared

K = 50


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


@pytest.fixture(scope="module")
def tables(scale):
    name, (n_s, n_v) = scale
    t0 = time.perf_counter()
    s, v = fake_prepared(n_s, n_v, seed=0)
    return name, s, v, time.perf_counter() - t0


@pytest.fixture(scope="module")
def run(tables, report):
    name, s, v, gen = tables
    t0 = time.perf_counter()
    index = mc.scoring.VacancyIndex(mc.MatchConfig(candidates=K), n_jobs=2, progress=False).fit(v)
    fit = time.perf_counter() - t0
    t1, c1 = time.perf_counter(), _cpu()
    cand = index.candidates(s)
    secs, cpu = time.perf_counter() - t1, _cpu() - c1
    report(
        f"scoring[{name}] {s.height:,} x {v.height:,} K={K}: candidates {secs:.1f} s wall, "
        f"{cpu:.1f} s CPU summed over 2 threads (wall time depends on the shared machine load) "
        f"(fit {fit:.1f} s, data {gen:.1f} s), {s.height / secs:,.0f} seekers/s, "
        f"{cand.scores.nnz:,} pairs kept, {cand.stats['pairs_scored'] / 1e9:.2f} G pairs scored, "
        f"{cand.stats['fallback_seekers']:,} seekers re-scanned for exactness, "
        f"peak RSS {_peak_gib():.2f} GiB"
    )
    return index, cand, secs


def test_candidates_speed(run, scale):
    _index, cand, _secs = run
    n_s = scale[1][0]
    assert cand.shape == (n_s, scale[1][1])
    assert np.diff(cand.scores.indptr).max() <= K


def test_against_brute_force(tables, run, report):
    name, s, v, _ = tables
    index, cand, secs = run
    rng = np.random.default_rng(1)
    n = min(s.height, 2_000 if name == "small" else 3_000)
    rows = np.sort(rng.choice(s.height, size=n, replace=False))
    sample = s[rows.tolist()]
    t0, c0 = time.perf_counter(), _cpu()
    scan = index.candidates(sample, method="scan")
    t_scan, cpu_scan = time.perf_counter() - t0, _cpu() - c0
    found = total = 0
    for i, r in enumerate(rows.tolist()):
        a = set(cand.scores.indices[cand.scores.indptr[r] : cand.scores.indptr[r + 1]].tolist())
        b = set(scan.scores.indices[scan.scores.indptr[i] : scan.scores.indptr[i + 1]].tolist())
        found += len(a & b)
        total += len(b)
    recall = found / total if total else 1.0
    per_blocked = secs / s.height
    per_scan = t_scan / n
    report(
        f"scoring[{name}] brute-force scan of {n:,} seekers x {v.height:,}: {t_scan:.1f} s, "
        f"{per_scan / per_blocked:.1f}x slower per seeker than blocked (wall; {cpu_scan:.1f} s "
        f"CPU, one thread); recall of blocked "
        f"{recall:.4f}"
    )
    assert recall == 1.0


def test_reasons_speed(run, report, tables):
    name = tables[0]
    _index, cand, _ = run
    t0 = time.perf_counter()
    rows = np.arange(min(cand.shape[0], 2_000))
    cols = np.array(
        [
            cand.scores.indices[cand.scores.indptr[r]] if cand.scores.indptr[r + 1] > 0 else 0
            for r in rows
        ]
    )
    reasons = cand.explain(rows, cols)
    dt = time.perf_counter() - t0
    report(f"scoring[{name}] reasons: {len(reasons) / dt:,.0f} pairs/s")
    assert all(reasons)


def test_synth_prepare_pipeline(report, scale):
    """The real stages upstream, at a small size (coding titles dominates prepare's time)."""
    if scale[0] != "small":
        pytest.skip("runs at the small scale only")
    coder_cls = getattr(mc.normalize, "TitleCoder", None)
    if coder_cls is None:
        pytest.skip("matchcore.normalize.TitleCoder not available yet")
    s, v = mc.synth.province(n_seekers=3_000, n_vacancies=600, seed=0)
    prep = mc.records.prepare(s, v, coder=coder_cls(), progress=False)
    t0 = time.perf_counter()
    index = mc.scoring.VacancyIndex(progress=False).fit(prep.vacancies)
    cand = index.candidates(prep.seekers)
    secs = time.perf_counter() - t0
    scan = index.candidates(prep.seekers, method="scan")
    frame = cand.to_frame(top=10)
    report(
        f"scoring[synth+prepare] {prep.seekers.height:,} x {prep.vacancies.height:,}: "
        f"{secs:.2f} s, equal to scan: {(cand.scores != scan.scores).nnz == 0}, "
        f"mean top-1 score {frame.filter(pl.col('rank') == 1)['score'].mean():.3f}"
    )
    assert (cand.scores != scan.scores).nnz == 0
