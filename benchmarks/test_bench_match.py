"""The whole job end to end: time of each stage, peak memory, and what came out.

``pytest benchmarks/test_bench_match.py`` runs the small size (20,000 x 4,000);
``--scale province`` runs 1,000,000 seekers x 200,000 vacancies, the target being under
10 minutes and 8 GiB on the 2-core machine. Run the province size on its own (peak memory is the
process's lifetime maximum, so earlier tests in the same session would count).
"""

import resource
import time

import numpy as np
import polars as pl
import pytest

import matchcore as mc


def _peak_gib() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20
    return own, children


@pytest.fixture(scope="module")
def tables(scale):
    _, (n_s, n_v) = scale
    mc.synth.province(200, 40, seed=1)  # warm-up: vocabularies, taxonomy
    t0 = time.perf_counter()
    seekers, vacancies = mc.synth.province(n_s, n_v, seed=0)
    return seekers, vacancies, time.perf_counter() - t0


@pytest.fixture(scope="module")
def result(tables):
    seekers, vacancies, _ = tables
    mc.normalize.TitleCoder()  # built once per process and cached: not part of the job's time
    t0 = time.perf_counter()
    res = mc.match(seekers, vacancies, config=mc.MatchConfig(), progress=False)
    return res, time.perf_counter() - t0


def test_bench_whole_job(tables, result, scale, report):
    gen = tables[2]
    res, seconds = result
    name, (n_s, n_v) = scale
    own, children = _peak_gib()
    s = res.summary()
    stages = ", ".join(f"{k} {v:.1f}s" for k, v in res.timings.items())
    report(
        f"match [{name}] {n_s:,} seekers x {n_v:,} vacancies ({s['openings']:,} openings): "
        f"{seconds:.1f} s total ({stages}); generation {gen:.1f} s; peak RSS {own:.2f} GiB "
        f"(largest child {children:.2f} GiB)"
    )
    rec = res.stats["recommendations"]
    report(
        f"match [{name}] assigned {s['assigned']:,} (fill rate {s['fill_rate']:.1%}, placement "
        f"{s['placement_rate']:.1%}, mean score {s['mean_score']:.3f}; "
        f"{s['assignment_method']}"
        + (
            f", certified within {s['certified_gap']:.3%} of the optimum"
            if s["certified_gap"] is not None
            else ""
        )
        + f"); recommendations "
        f"{s['recommendations']:,}: coverage {rec['coverage']:.1%}, exposure Gini "
        f"{rec['exposure_gini']:.3f}, expected hires {rec['expected_hires']:,.0f}"
    )
    peaks = res.stats.get("peak_rss_gib", {})
    if peaks:
        report(
            f"match [{name}] process peak RSS after each stage (GiB, includes the generated "
            "input tables): " + ", ".join(f"{k} {v:.2f}" for k, v in peaks.items())
        )
    assert res.assignments.height + res.unmatched.height == n_s
    assert s["vacancies"] + s["vacancies_rejected"] == n_v


def test_bench_online_recommend(tables, scale, report):
    """One newly registered seeker against the whole vacancy index: median and p99 latency."""
    seekers, vacancies, _ = tables
    name = scale[0]
    matcher = mc.Matcher(mc.MatchConfig()).fit(vacancies)
    rng = np.random.default_rng(0)
    picks = rng.choice(seekers.height, size=200, replace=False)
    matcher.recommend(seekers.slice(int(picks[0]), 1), k=10)  # warm-up
    lat = []
    for i in picks.tolist():
        t0 = time.perf_counter()
        out = matcher.recommend(seekers.slice(i, 1), k=10)
        lat.append(time.perf_counter() - t0)
        assert out.height <= 10
    lat_ms = np.array(lat) * 1e3
    report(
        f"Matcher.recommend [{name}] one seeker vs {matcher.n_vacancies:,} vacancies: median "
        f"{np.median(lat_ms):.1f} ms, p99 {np.percentile(lat_ms, 99):.1f} ms (200 seekers)"
    )
    # keeping the index current: add and remove without a refit
    new = vacancies.slice(0, 50).with_columns(
        pl.concat_str(pl.lit("N"), "vacancy_id").alias("vacancy_id")
    )
    t0 = time.perf_counter()
    matcher.add(new)
    add_ms = (time.perf_counter() - t0) * 1e3
    t0 = time.perf_counter()
    matcher.remove(new["vacancy_id"].to_list()[:25])
    remove_ms = (time.perf_counter() - t0) * 1e3
    report(f"Matcher [{name}] add 50 vacancies {add_ms:.0f} ms, remove 25 {remove_ms:.1f} ms")
