"""``matchcore code-titles FILE --column title``: code a table's titles and write the result."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import polars as pl

from matchcore._errors import MissingColumns, UnsupportedFile, UsageError
from matchcore._io import SUFFIXES, read_table, write_table
from matchcore.cli._common import (
    EXIT_NO_RESULT,
    EXIT_OK,
    check_excel_extra,
    non_negative_int,
    positive_int,
)
from matchcore.cli._output import Staging, check_file
from matchcore.normalize import TitleCoder

__all__ = ["CODED_COLUMNS", "HELP", "add_arguments", "run"]

log = logging.getLogger(__name__)

HELP = "code the job titles of a table (CSV, Parquet or Excel) to occupation codes"

#: Columns the coder adds to the table (``title`` is the input column itself).
CODED_COLUMNS = ("code", "name", "confidence", "level", "needs_review", "alternatives")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``code-titles``."""
    p.add_argument("file", help="input table: .csv (UTF-8 or GBK), .parquet or .xlsx")
    p.add_argument("--column", default="title", help="the column holding titles (default: title)")
    p.add_argument("--sheet", default=None, help="Excel sheet to read (default: the first)")
    p.add_argument(
        "--skip-rows", type=non_negative_int, default=0, help="rows above the header to skip"
    )
    p.add_argument(
        "--out",
        "-o",
        default=None,
        help="output table, format from its suffix (default: FILE_coded with FILE's suffix)",
    )
    p.add_argument("--force", action="store_true", help="replace an existing output file")
    p.add_argument(
        "--top-k", type=positive_int, default=5, help="the code plus top-k - 1 alternatives"
    )
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


def _check_table_path(path: Path, option: str) -> None:
    if path.suffix.lower() not in SUFFIXES:
        raise UsageError(
            f"{option} {str(path)!r} 的后缀不是表格格式；请使用 {', '.join(sorted(SUFFIXES))} 之一"
        )


def run(args: argparse.Namespace) -> int:
    """Run ``code-titles``; returns the exit status."""
    src = Path(args.file)
    out = Path(args.out) if args.out else src.with_name(f"{src.stem}_coded{src.suffix}")
    # everything that can be checked before reading
    _check_table_path(src, "FILE")
    _check_table_path(out, "--out")
    if args.history:
        _check_table_path(Path(args.history), "--history")
    if args.corrections:
        _check_table_path(Path(args.corrections), "--corrections")
    if not 0.0 <= args.threshold <= 1.0:
        raise UsageError(f"--threshold 必须在 0 到 1 之间，收到 {args.threshold}")
    tables = [src, out] + [Path(p) for p in (args.history, args.corrections) if p]
    if any(p.suffix.lower() in (".xlsx", ".xls") for p in tables):
        check_excel_extra(read=True, write=out.suffix.lower() in (".xlsx", ".xls"))
    if not src.is_file():
        raise UnsupportedFile(f"文件不存在：{str(src)!r}；请检查路径 (no such file: {str(src)!r})")
    out = check_file(out, force=args.force)

    with Staging(out, is_file=True) as staged:
        df = read_table(
            src, sheet=args.sheet, skip_rows=args.skip_rows, options=("--skip-rows", "--sheet")
        )
        if args.column not in df.columns:
            exc = MissingColumns(str(src), [args.column], df.columns)
            exc.add_note("（请用 --column 指定存放职位名称的列）")
            raise exc
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
        write_table(pl.concat([df, out_cols], how="horizontal"), staged.path)
        staged.commit()
    n_review = int(coded["needs_review"].sum())
    log.info("coded %d titles (%d need review) into %s", len(coded), n_review, out)
    print(f"wrote {out} ({len(coded)} rows, {n_review} to review)")
    if not len(coded):
        print(
            f"matchcore code-titles: 警告 [MC501 没有结果] {str(src)!r} 没有数据行，未编码任何职位名称",
            file=sys.stderr,
        )
        return EXIT_NO_RESULT
    return EXIT_OK
