"""``matchcore match``: read two tables and a config, run the whole job, write the outputs.

Everything that can be checked is checked before any data is read: the options, the period,
the config, the input paths and formats, and that ``--out`` can be written. The results are
written into a temporary folder beside ``--out`` and renamed into place at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import sys
from pathlib import Path

import polars as pl

from matchcore import report
from matchcore._errors import MissingColumns, UnsupportedFile, UsageError
from matchcore._io import EXCEL_MAX_ROWS, SUFFIXES, read_table
from matchcore._match import match
from matchcore._provenance import InputFile, provenance
from matchcore._result import MatchResult
from matchcore.cli._common import (
    EXIT_NO_RESULT,
    EXIT_OK,
    add_output_options,
    check_excel_extra,
    check_period,
    executor,
    load_config,
    non_negative_int,
)
from matchcore.cli._output import Staging, check_folder
from matchcore.db._cli import add_db_arguments, check_args, read_inputs, uses_db, write_outputs
from matchcore.scoring._config import MatchConfig

__all__ = ["HELP", "add_arguments", "no_match_warning", "run", "write_results"]

HELP = "match seekers with vacancies from CSV (UTF-8/GBK), Parquet or Excel files"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``matchcore match``."""
    p.add_argument("--seekers", default=None, help="seekers table: CSV (UTF-8/GBK), Parquet, Excel")
    p.add_argument("--vacancies", default=None, help="vacancies table")
    p.add_argument(
        "--out", default=None, help="output folder (must not exist or be empty); with a "
        "database, --out and/or --write-schema"
    )  # fmt: skip
    p.add_argument("--config", default=None, help="MatchConfig as JSON (UTF-8, a BOM is fine)")
    p.add_argument("--period", default=None, help="quarter for the report, e.g. 2026Q3")
    for role in ("seekers", "vacancies"):
        p.add_argument(f"--{role}-sheet", default=None, help=f"Excel sheet of --{role}")
        p.add_argument(
            f"--{role}-skip-rows",
            type=non_negative_int,
            default=0,
            help=f"rows above the header of --{role} to skip (a title row)",
        )
    add_output_options(p)
    # database in and out: each input from a file, a query or a table; the run to a schema
    add_db_arguments(p)


def check_sources(args: argparse.Namespace) -> bool:
    """Each input from one place and an output somewhere; returns whether a database is used."""
    if uses_db(args):
        check_args(args)
        return True
    missing = [f"--{k}" for k in ("seekers", "vacancies", "out") if not getattr(args, k, None)]
    if missing:
        raise UsageError(
            f"缺少必填选项 {', '.join(missing)}（或用 --seekers-query/--seekers-table、"
            "--vacancies-query/--vacancies-table 与 --write-schema 读写数据库）"
        )
    return False


def check_input(path: str | Path, option: str) -> Path:
    """An input path that exists and has a table suffix, checked before any reading."""
    p = Path(path)
    if p.suffix.lower() not in SUFFIXES:
        raise UnsupportedFile(
            f"{option} {str(p)!r} 的后缀不是表格格式；请使用 {', '.join(sorted(SUFFIXES))} 之一 "
            f"(expected a file ending in {', '.join(sorted(SUFFIXES))})"
        )
    if not p.is_file():
        raise UnsupportedFile(
            f"{option} 文件不存在：{str(p)!r}；请检查路径 (no such file: {str(p)!r})"
        )
    if p.suffix.lower() in (".xlsx", ".xls"):
        check_excel_extra(read=True)
    return p


def excel_sheets_needed(n_seekers: int, config: MatchConfig) -> int:
    """Worksheets the largest table (recommendations) may need in ``--format xlsx``."""
    rows = n_seekers * config.top_k
    return max(1, -(-rows // (EXCEL_MAX_ROWS - 1)))


def write_results(
    result: MatchResult,
    folder: Path,
    fmt: str,
    period: str | None,
    prov: dict[str, object],
) -> int:
    """Write the tables, the report, ``summary.json`` (with ``provenance``) and ``config.json``
    into ``folder``; returns the number of tables written."""
    written = result.write(folder, fmt=fmt)
    rep = report.quarterly(result, period=period)
    rep.write(folder / "report")  # page, CSV, Excel where xlsxwriter is, PDF where Chromium is
    summary = {**result.summary(), "provenance": prov}
    (folder / "summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    (folder / "report" / "provenance.json").write_text(
        json.dumps(prov, ensure_ascii=False, indent=2, default=str), encoding="utf-8"
    )
    (folder / "config.json").write_text(
        json.dumps(result.config.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return len(written)


def no_match_warning(prog: str, result: MatchResult) -> str | None:
    """A one-line warning (in Chinese, with code MC501) when the run matched nobody."""
    if result.assignments.height:
        return None
    s = result.summary()
    if s["seekers_in"] == 0 or s["vacancies_in"] == 0:
        which = "求职人员表" if s["seekers_in"] == 0 else "岗位表"
        why = f"{which}没有数据行（只有表头）"
    elif s["seekers"] == 0 or s["vacancies"] == 0:
        which = "求职人员" if s["seekers"] == 0 else "岗位"
        why = f"所有{which}记录都被拒收（原因见 rejected 表）"
    else:
        why = "没有任何求职人员与岗位相符（原因见 unmatched 表）"
    return f"{prog}: 警告 [MC501 没有产生任何匹配] {why}；结果仍已写出，退出码 4"


def unused_columns(prog: str, result: MatchResult) -> list[str]:
    """One warning line per input column the run did not use (code ``unused_column``), naming
    the column it probably meant: an optional column under an unknown header loses its
    constraint without a word otherwise."""
    rej = result.rejected
    if "code" not in rej.columns:
        return []
    rows = rej.filter(pl.col("code") == "unused_column").select("table", "reason").rows()
    return [f"{prog}: 警告 [unused_column] {table}: {reason}" for table, reason in rows]


def print_done(result: MatchResult, out: Path, n_tables: int) -> None:
    """The summary and where the outputs are."""
    print(result.summary_text())
    print(f"\nwrote {n_tables} tables, the report and summary.json to {out}/")
    print(f"open {out / 'report' / 'index.html'} for the quarterly report")


def run(args: argparse.Namespace) -> int:
    """Read the two tables and a config, run the whole job, write the outputs."""
    started = dt.datetime.now(dt.UTC)
    # 1. everything that can be checked before any data is read
    period = check_period(args.period)
    config = load_config(args.config)
    db = check_sources(args)
    paths = {
        role: check_input(getattr(args, role), f"--{role}")
        for role in ("seekers", "vacancies")
        if getattr(args, role)
    }
    if args.format == "xlsx":
        check_excel_extra(write=True)
    out = check_folder(args.out, force=args.force) if args.out else None
    pool = executor(args.workers)
    try:
        with Staging(out) if out is not None else contextlib.nullcontext() as staged:
            # 2. read
            if db:
                seekers, vacancies, sources = read_inputs(args)
                tables = {"seekers": seekers, "vacancies": vacancies}
            else:
                tables = {
                    role: read_table(
                        p,
                        sheet=getattr(args, f"{role}_sheet"),
                        skip_rows=getattr(args, f"{role}_skip_rows"),
                        options=(f"--{role}-skip-rows", f"--{role}-sheet"),
                    )
                    for role, p in paths.items()
                }
                sources = {role: {"file": str(p)} for role, p in paths.items()}
            if (
                args.format == "xlsx"
                and (n := excel_sheets_needed(tables["seekers"].height, config)) > 1
            ):
                print(
                    f"matchcore match: 注意：推荐表可能超过 Excel 单表 {EXCEL_MAX_ROWS:,} 行，"
                    f"将分成最多 {n} 个工作表写出；大表建议用 --format parquet 或 csv",
                    file=sys.stderr,
                )
            # 3. match
            try:
                result = match(
                    tables["seekers"],
                    tables["vacancies"],
                    config=config,
                    executor=pool,
                    progress=False if args.no_progress else None,
                )
            except MissingColumns as exc:
                if exc.table in paths:
                    opt = f"--{exc.table}-skip-rows"
                    exc.add_note(
                        f"（文件 {str(paths[exc.table])!r}；请在表头加上这些列，"
                        f"或在表头上方有标题行时用 {opt} 跳过）"
                    )
                raise
            # 4. write, then rename into place
            if staged is None:
                n_tables = 0
            else:
                n_tables = _write_folder(
                    args, result, staged, paths, tables, config, period, started
                )
    finally:
        if pool is not None:
            pool.shutdown()
    written = write_outputs(args, result, started_at=started, sources=sources)
    for line in unused_columns("matchcore match", result):
        print(line, file=sys.stderr)
    if out is not None:
        print_done(result, out, n_tables)
    else:
        print(result.summary_text())
    if written:
        print(written)
    warning = no_match_warning("matchcore match", result)
    if warning:
        print(warning, file=sys.stderr)
        return EXIT_NO_RESULT
    return EXIT_OK


def _write_folder(
    args: argparse.Namespace,
    result: MatchResult,
    staged: Staging,
    paths: dict[str, Path],
    tables: dict[str, pl.DataFrame],
    config: MatchConfig,
    period: str | None,
    started: dt.datetime,
) -> int:
    """Write the results with their provenance into the staging folder and commit it."""
    inputs = [
        InputFile.of(
            role,
            p,
            tables[role].height,
            sheet=getattr(args, f"{role}_sheet"),
            skip_rows=getattr(args, f"{role}_skip_rows"),
        )
        for role, p in paths.items()
    ]
    prov = provenance(
        config,
        inputs,
        started,
        dt.datetime.now(dt.UTC),
        command=getattr(args, "argv", None),
    )
    n_tables = write_results(result, staged.path, args.format, period, prov)
    staged.commit()
    return n_tables
