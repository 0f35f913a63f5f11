"""``matchcore code-titles FILE --column title``: code a table's titles and write the result."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from matchcore._errors import MissingColumns

__all__ = ["add_arguments", "run"]

log = logging.getLogger(__name__)

HELP = "code the job titles of a table (CSV, Parquet or Excel) to occupation codes"

#: Columns the coder adds to the table (``title`` is the input column itself).
CODED_COLUMNS = ("code", "name", "confidence", "level", "needs_review", "alternatives")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``code-titles``."""
    p.add_argument("file", help="input table: .csv (UTF-8 or GBK), .parquet or .xlsx")
    p.add_argument("--column", default="title", help="the column holding titles (default: title)")
    p.add_argument(
        "--out",
        "-o",
        default=None,
        help="output table, format from its suffix (default: FILE_coded with FILE's suffix)",
    )
    p.add_argument("--top-k", type=int, default=5, help="the code plus top-k - 1 alternatives")
    p.add_argument(
        "--threshold",
        type=float,
        default=0.15,
        help="back off to a parent group when the best code's probability is below this",
    )
    p.add_argument(
        "--history",
        default=None,
        help="a table of the service's own coded titles (columns title, code) to fit on first",
    )
    p.add_argument(
        "--corrections",
        default=None,
        help="a table of caseworkers' corrections (columns title, code; who, when optional), "
        "applied before the model",
    )
    p.add_argument("--no-progress", action="store_true", help="do not show a progress bar")


def run(args: argparse.Namespace) -> int:
    """Run ``code-titles``; returns the exit status."""
    import polars as pl

    from matchcore._io import read_table, write_table
    from matchcore.normalize import TitleCoder

    src = Path(args.file)
    df = read_table(src)
    if args.column not in df.columns:
        raise MissingColumns(str(src), [args.column], df.columns)
    coder = TitleCoder(threshold=args.threshold)
    if args.history:
        hist = read_table(args.history)
        missing = [c for c in ("title", "code") if c not in hist.columns]
        if missing:
            raise MissingColumns(str(args.history), missing, hist.columns)
        coder.fit(hist["title"], hist["code"])
    if args.corrections:
        coder.load_corrections(args.corrections)
    progress = False if args.no_progress else None
    coded = coder.code(df[args.column].cast(pl.Utf8), top_k=args.top_k, progress=progress)
    clash = [c for c in CODED_COLUMNS if c in df.columns]
    out_cols = coded.select(CODED_COLUMNS)
    if clash:
        out_cols = out_cols.rename({c: f"{c}_coded" for c in clash})
    result = pl.concat([df, out_cols], how="horizontal")
    out = Path(args.out) if args.out else src.with_name(f"{src.stem}_coded{src.suffix}")
    write_table(result, out)
    n_review = int(coded["needs_review"].sum())
    log.info("coded %d titles (%d need review) into %s", len(coded), n_review, out)
    print(f"wrote {out} ({len(coded)} rows, {n_review} to review)")
    return 0
