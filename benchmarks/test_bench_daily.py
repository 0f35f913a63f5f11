"""Day to day: how much of yesterday's placements and lists survive a day of small changes.

``pytest benchmarks/ -k daily`` runs a 10,000 x 2,000 province; ``--scale medium`` the
50,000 x 10,000 of issue 17 (``--scale province`` 200,000 x 40,000). Day 1 is matched from
scratch; day 2 removes 2 % of the postings and 3 % of the seekers and adds 2 % new of each
(generated with another seed, with fresh ids), and is matched twice: with ``previous=day 1`` and
``incremental=True`` (only the changed rows prepared and scored: ``matchcore/_incremental.py``),
and from scratch. Reported, against the targets of issue 17:

- churn: the share of continuing placements (the seeker and their day-1 vacancy are both still
  there) that day 2 proposes differently (another vacancy or none); target <= 3 %;
- the share of still-valid day-1 recommendation pairs (both ids still there) missing on day 2;
- the day-2 objective (sum of true placement scores) against the fresh day-2 solve; target
  within 0.5 %;
- the day-2 time (incremental, with previous) against the full run; target <= half.

Only invariants are asserted; the figures are reported as measured, whether they reach the
targets or not.
"""

import time

import polars as pl
import pytest

import matchcore as mc

SIZES = {"small": (10_000, 2_000), "medium": (50_000, 10_000), "province": (200_000, 40_000)}


def _fresh_ids(frame: pl.DataFrame, col: str, prefix: str) -> pl.DataFrame:
    return frame.with_columns(pl.concat_str(pl.lit(prefix), pl.col(col)).alias(col))


@pytest.fixture(scope="module")
def days(scale):
    name = scale[0]
    n_s, n_v = SIZES[name]
    seekers, vacancies = mc.synth.province(n_s, n_v, seed=0)
    new_s, new_v = mc.synth.province(int(0.02 * n_s), int(0.02 * n_v), seed=17)
    seekers2 = pl.concat(
        [
            seekers.sample(fraction=0.97, seed=2, shuffle=False),
            _fresh_ids(new_s, "seeker_id", "D2"),
        ],
        how="vertical_relaxed",
    )
    vacancies2 = pl.concat(
        [
            vacancies.sample(fraction=0.98, seed=3, shuffle=False),
            _fresh_ids(new_v, "vacancy_id", "D2"),
        ],
        how="vertical_relaxed",
    )
    mc.normalize.TitleCoder()  # built once per process and cached: not part of the times
    mc.match(seekers.head(300), vacancies.head(60), progress=False)  # warm-up
    cfg = mc.MatchConfig()
    t0 = time.perf_counter()
    day1 = mc.match(seekers, vacancies, config=cfg, progress=False, incremental=True)
    seconds = {"day1": time.perf_counter() - t0}
    # day 2 both ways, twice, in the order kept-fresh-fresh-kept; the faster run of each is
    # reported (the title coder's cache and the order of the runs would otherwise favour one)
    runs: dict[str, list[tuple[float, mc.MatchResult]]] = {"kept": [], "fresh": []}
    cpu: dict[str, list[float]] = {"kept": [], "fresh": []}
    for mode in ("kept", "fresh", "fresh", "kept"):
        c0 = time.process_time()  # this process's CPU, all threads: steadier on a busy machine
        t0 = time.perf_counter()
        prev = day1 if mode == "kept" else None
        res = mc.match(
            seekers2,
            vacancies2,
            config=cfg,
            previous=prev,
            progress=False,
            incremental=prev is not None,
        )
        runs[mode].append((time.perf_counter() - t0, res))
        cpu[mode].append(time.process_time() - c0)
    best = {mode: min(r, key=lambda x: x[0]) for mode, r in runs.items()}
    seconds.update({mode: b[0] for mode, b in best.items()})
    seconds.update({f"{mode}_cpu": min(c) for mode, c in cpu.items()})
    kept, fresh = best["kept"][1], best["fresh"][1]
    return {
        "name": name,
        "size": (n_s, n_v),
        "inputs2": (seekers2, vacancies2),
        "day1": day1,
        "fresh": fresh,
        "kept": kept,
        "seconds": seconds,
    }


def _churn(day1: mc.MatchResult, day2: mc.MatchResult) -> tuple[float, int]:
    """Share of continuing placements (seeker and day-1 vacancy still there) proposed otherwise."""
    cont = day1.assignments.select("seeker_id", "vacancy_id").join(
        day2.seekers.select("seeker_id"), on="seeker_id", how="semi"
    )
    cont = cont.join(day2.vacancies.select("vacancy_id"), on="vacancy_id", how="semi")
    got = cont.join(
        day2.assignments.select("seeker_id", pl.col("vacancy_id").alias("v2")),
        on="seeker_id",
        how="left",
    )
    moved = got.filter(pl.col("v2").is_null() | (pl.col("v2") != pl.col("vacancy_id"))).height
    return moved / max(1, cont.height), cont.height


def _rec_dropped(day1: mc.MatchResult, day2: mc.MatchResult) -> tuple[float, int]:
    """Share of day-1 recommendation pairs whose ids are both still there but missing on day 2."""
    pairs = day1.recommendations.select("seeker_id", "vacancy_id")
    valid = pairs.join(day2.seekers.select("seeker_id"), on="seeker_id", how="semi").join(
        day2.vacancies.select("vacancy_id"), on="vacancy_id", how="semi"
    )
    gone = valid.join(
        day2.recommendations.select("seeker_id", "vacancy_id"),
        on=["seeker_id", "vacancy_id"],
        how="anti",
    )
    return gone.height / max(1, valid.height), valid.height


def test_bench_daily_stability(days, report):
    day1, fresh, kept = days["day1"], days["fresh"], days["kept"]
    name, (n_s, n_v) = days["name"], days["size"]
    churn_fresh, n_cont = _churn(day1, fresh)
    churn_kept, _ = _churn(day1, kept)
    rec_fresh, n_valid = _rec_dropped(day1, fresh)
    rec_kept, _ = _rec_dropped(day1, kept)
    obj_fresh = float(fresh.assignments["score"].sum())
    obj_kept = float(kept.assignments["score"].sum())
    sec = days["seconds"]
    solve = {
        k: sum(r.timings.get(s, 0.0) for s in ("assign", "recommend"))
        for k, r in (("fresh", fresh), ("kept", kept))
    }
    margin = kept.config.keep_margin
    report(
        f"daily [{name}] {n_s:,} x {n_v:,}, keep_margin {margin}: churn of {n_cont:,} continuing "
        f"placements {churn_kept:.2%} with previous (target <= 3 %) vs {churn_fresh:.2%} from "
        f"scratch; still-valid recommendation pairs dropped {rec_kept:.2%} vs {rec_fresh:.2%} "
        f"(of {n_valid:,})"
    )
    report(
        f"daily [{name}] objective with previous {obj_kept:,.3f} vs fresh {obj_fresh:,.3f} "
        f"({obj_kept / obj_fresh - 1:+.3%}, target within 0.5 %); placements "
        f"{kept.assignments.height:,} vs {fresh.assignments.height:,}"
    )
    report(
        f"daily [{name}] day-2 time with previous {sec['kept']:.1f} s vs full run "
        f"{sec['fresh']:.1f} s ({sec['kept'] / sec['fresh']:.2f}x, target <= 0.5x); assign + "
        f"recommend {solve['kept']:.2f} s vs {solve['fresh']:.2f} s; day 1 {sec['day1']:.1f} s"
    )
    report(
        f"daily [{name}] day-2 CPU time of this process (all threads; the assignment's worker "
        f"processes not counted) with previous {sec['kept_cpu']:.2f} s vs full run "
        f"{sec['fresh_cpu']:.2f} s ({sec['kept_cpu'] / sec['fresh_cpu']:.2f}x)"
    )
    report(f"daily [{name}] incremental day 2: {kept.stats['incremental']}")
    for k, r in (("with previous", kept), ("full run", fresh)):
        outside = sec["kept" if r is kept else "fresh"] - sum(r.timings.values())  # same run
        report(
            f"daily [{name}] day-2 stages, {k}: "
            + ", ".join(f"{s} {v:.1f}s" for s, v in r.timings.items())
            + f"; outside the stages {outside:.1f}s (reading previous and outcomes)"
        )
    # invariants (the figures above are reported, not asserted)
    seekers2 = days["inputs2"][0]
    assert kept.assignments.height + kept.unmatched.height == seekers2.height
    assert kept.assignments["seeker_id"].is_unique().all()
    changes = kept.changes.filter(pl.col("kind") == "assignment")
    assert changes.filter(pl.col("status").is_in(["kept", "new"])).height == (
        kept.assignments.height
    )
    assert churn_kept <= churn_fresh
    assert kept.stats["incremental"]["reused_state"]
