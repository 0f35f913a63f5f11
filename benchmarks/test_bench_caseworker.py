"""Match quality on the caseworker-judged development set: ``pytest benchmarks/ -k caseworker``.

Runs ``mc.match`` with the default config on ``../shared/data/caseworker_dev`` and reports the five
figures of :func:`matchcore.evaluate.caseworker_figures` beside the issue's targets.
"""

import time
from pathlib import Path

import polars as pl
import pytest

import matchcore as mc

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "caseworker_dev"


def test_bench_caseworker_figures(report):
    if not DEV.is_dir():
        pytest.skip(f"caseworker development set not found at {DEV}")
    s = pl.read_csv(DEV / "seekers.csv", infer_schema=False)
    v = pl.read_csv(DEV / "vacancies.csv", infer_schema=False)
    j = pl.read_csv(DEV / "judgements.csv", infer_schema=False)
    t0 = time.perf_counter()
    r = mc.match(s, v, config=mc.MatchConfig(), progress=False)
    seconds = time.perf_counter() - t0
    f = mc.evaluate.caseworker_figures(r, j)
    report(
        f"caseworker dev set ({s.height} seekers x {v.height} postings, {seconds:.1f} s): "
        f"unsuitable placements {f.unsuitable_placements:.1%} (target <= 3 %), "
        f"unsuitable top-3 {f.unsuitable_top3:.1%} (<= 10 %), "
        f"good in top 3 {f.good_in_top3:.1%} (>= 90 %), "
        f"no-suitable seekers left unplaced {f.left_unplaced:.1%} (>= 90 %), "
        f"false fit reasons {f.false_fit_reasons} (0)"
    )
    assert 0.0 <= f.unsuitable_placements <= 1.0
