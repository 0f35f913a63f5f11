"""The ``matchcore demo`` and ``matchcore match`` subcommands."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from matchcore._errors import MatchcoreError

__all__ = ["add_demo", "add_match", "load_config", "run_demo", "run_match"]

log = logging.getLogger("matchcore")


class ConfigError(MatchcoreError, ValueError):
    """A config file that cannot be read."""


def load_config(path: str | Path | None) -> Any:
    """Read a :class:`~matchcore.MatchConfig` from a JSON file (None gives the defaults)."""
    from matchcore._config import MatchConfig

    if path is None:
        return MatchConfig()
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"no such config file: {str(p)!r}")
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"cannot read config {str(p)!r}: expected a JSON object ({exc})") from exc
    if not isinstance(data, dict):
        raise ConfigError(
            f"cannot read config {str(p)!r}: expected a JSON object, got {type(data).__name__}"
        )
    return MatchConfig.from_dict(data)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        choices=["parquet", "csv", "xlsx"],
        default="csv",
        help="format of the output tables (default csv)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument(
        "--workers", type=int, default=None, help="processes for the assignment (default: cores)"
    )


def add_demo(p: argparse.ArgumentParser) -> None:
    """Arguments of ``matchcore demo``."""
    p.add_argument("--seekers", type=int, default=50_000, help="generated seekers (50,000)")
    p.add_argument("--vacancies", type=int, default=10_000, help="generated vacancies (10,000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None, help="output folder (default: a new one it names)")
    _common(p)


def add_match(p: argparse.ArgumentParser) -> None:
    """Arguments of ``matchcore match``."""
    p.add_argument(
        "--seekers", required=True, help="seekers table: CSV (UTF-8/GBK), Parquet, Excel"
    )
    p.add_argument("--vacancies", required=True, help="vacancies table")
    p.add_argument("--out", required=True, help="output folder")
    p.add_argument("--config", default=None, help="MatchConfig as JSON")
    p.add_argument("--period", default=None, help="quarter for the report, e.g. 2026Q3")
    _common(p)


def _executor(workers: int | None) -> Any:
    if workers is None or workers > 1:
        return None  # the default: local processes
    from concurrent.futures import ThreadPoolExecutor

    return ThreadPoolExecutor(max_workers=1)


def _finish(result: Any, out: Path, fmt: str, period: str | None) -> None:
    from matchcore import report

    written = result.write(out, fmt=fmt)
    rep = report.quarterly(result, period=period)
    rep.write(out / "report")  # page, CSV, Excel where xlsxwriter is, PDF where Chromium is
    (out / "summary.json").write_text(
        json.dumps(result.summary(), ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    (out / "config.json").write_text(
        json.dumps(result.config.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    print(result.summary_text())
    print(f"\nwrote {len(written)} tables, the report and summary.json to {out}/")
    print(f"open {out / 'report' / 'index.html'} for the quarterly report")


def run_demo(args: argparse.Namespace) -> int:
    """Generate a province sample, run the whole job, print a summary and write the outputs."""
    import matchcore as mc

    out = Path(args.out or f"matchcore-demo-{dt.datetime.now():%Y%m%d-%H%M%S}")
    progress = False if args.no_progress else None
    t0 = time.perf_counter()
    print(
        f"generating a synthetic Shandong sample: {args.seekers:,} seekers, "
        f"{args.vacancies:,} vacancies (seed {args.seed})",
        file=sys.stderr,
    )
    seekers, vacancies = mc.synth.province(args.seekers, args.vacancies, seed=args.seed)
    gen = time.perf_counter() - t0
    result = mc.match(
        seekers,
        vacancies,
        config=mc.MatchConfig(),
        executor=_executor(args.workers),
        progress=progress,
    )
    result.timings["generate"] = gen
    _finish(result, out, args.format, None)
    return 0


def run_match(args: argparse.Namespace) -> int:
    """Read the two tables and a config, run the whole job, write the outputs."""
    import matchcore as mc
    from matchcore._io import read_table

    config = load_config(args.config)
    seekers = read_table(args.seekers)
    vacancies = read_table(args.vacancies)
    progress = False if args.no_progress else None
    result = mc.match(
        seekers, vacancies, config=config, executor=_executor(args.workers), progress=progress
    )
    _finish(result, Path(args.out), args.format, args.period)
    return 0
