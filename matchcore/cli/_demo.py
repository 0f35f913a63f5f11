"""``matchcore demo``: generate a province sample, run the whole job, write the outputs."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from matchcore import synth
from matchcore._match import match
from matchcore._provenance import provenance
from matchcore.cli._common import (
    EXIT_NO_RESULT,
    EXIT_OK,
    add_output_options,
    check_excel_extra,
    executor,
    positive_int,
)
from matchcore.cli._match import no_match_warning, print_done, write_results
from matchcore.cli._output import Staging, check_folder
from matchcore.scoring._config import MatchConfig

__all__ = ["HELP", "add_arguments", "run"]

HELP = "generate a province sample, run the whole job, print a summary and write the outputs"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``matchcore demo``."""
    p.add_argument(
        "--seekers", type=positive_int, default=50_000, help="generated seekers (50,000)"
    )
    p.add_argument(
        "--vacancies", type=positive_int, default=10_000, help="generated vacancies (10,000)"
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=None, help="output folder (default: a new one it names)")
    add_output_options(p)


def run(args: argparse.Namespace) -> int:
    """Generate a province sample, run the whole job, print a summary and write the outputs."""
    started = dt.datetime.now(dt.UTC)
    out = Path(args.out or f"matchcore-demo-{dt.datetime.now():%Y%m%d-%H%M%S}")
    if args.format == "xlsx":
        check_excel_extra(write=True)
    out = check_folder(out, force=args.force)
    config = MatchConfig()
    pool = executor(args.workers)
    try:
        with Staging(out) as staged:
            print(
                f"generating a synthetic Shandong sample: {args.seekers:,} seekers, "
                f"{args.vacancies:,} vacancies (seed {args.seed})",
                file=sys.stderr,
            )
            t0 = dt.datetime.now(dt.UTC)
            seekers, vacancies = synth.province(args.seekers, args.vacancies, seed=args.seed)
            gen = (dt.datetime.now(dt.UTC) - t0).total_seconds()
            result = match(
                seekers,
                vacancies,
                config=config,
                executor=pool,
                progress=False if args.no_progress else None,
            )
            result.timings["generate"] = gen
            prov = provenance(
                config, [], started, dt.datetime.now(dt.UTC), command=getattr(args, "argv", None)
            )
            n_tables = write_results(result, staged.path, args.format, None, prov)
            staged.commit()
    finally:
        if pool is not None:
            pool.shutdown()
    print_done(result, out, n_tables)
    warning = no_match_warning("matchcore demo", result)
    if warning:
        print(warning, file=sys.stderr)
        return EXIT_NO_RESULT
    return EXIT_OK
