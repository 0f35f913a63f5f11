"""The database options of ``matchcore match``: read the inputs from and write the run to PostgreSQL.

``add_db_arguments`` adds the options to a parser; ``read_inputs`` reads the two tables (each
from a file, a query or a table); ``write_outputs`` writes the run. The connection is named by
``--db-env VAR`` (the variable holding the URI; PG* variables otherwise), never given on the
command line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
from typing import Any

import polars as pl

from matchcore._io import read_table as read_file
from matchcore.db._connect import DEFAULT_ENV, connect, connection_uri, describe
from matchcore.db._errors import DbArgumentError
from matchcore.db._read import read_query, read_table
from matchcore.db._write import write_run

__all__ = ["add_db_arguments", "check_args", "read_inputs", "uses_db", "write_outputs"]

_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def add_db_arguments(p: argparse.ArgumentParser) -> None:
    """Add ``--db-env``, ``--seekers-query/--seekers-table``, ``--vacancies-query/--vacancies-table``,
    ``--write-schema`` and ``--run-id`` to ``p``."""
    g = p.add_argument_group(
        "database (PostgreSQL, needs the db extra)",
        "the connection comes from the environment only: the URI in the variable --db-env names, "
        "or the PG* variables (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE)",
    )
    g.add_argument(
        "--db-env",
        default=DEFAULT_ENV,
        metavar="VAR",
        help=f"name of the environment variable holding the postgresql:// URI (default {DEFAULT_ENV})",
    )
    g.add_argument("--seekers-query", metavar="SQL", help="read the seekers with this SELECT")
    g.add_argument("--seekers-table", metavar="T", help="read the seekers from table [schema.]T")
    g.add_argument("--vacancies-query", metavar="SQL", help="read the vacancies with this SELECT")
    g.add_argument(
        "--vacancies-table", metavar="T", help="read the vacancies from table [schema.]T"
    )
    g.add_argument(
        "--write-schema",
        metavar="S",
        help="write the run's result tables to schema S (created with its tables if absent)",
    )
    g.add_argument(
        "--run-id", metavar="ID", help="the run's id (default: time and a random suffix); "
        "an existing run with this id is replaced"
    )  # fmt: skip


def uses_db(args: argparse.Namespace) -> bool:
    """Whether any database option other than ``--db-env`` was given."""
    return any(
        getattr(args, k, None)
        for k in (
            "seekers_query", "seekers_table", "vacancies_query", "vacancies_table",
            "write_schema", "run_id",
        )
    )  # fmt: skip


def check_args(args: argparse.Namespace) -> None:
    """Each input from exactly one place, an output somewhere, and a variable *name* for --db-env.

    Raises
    ------
    DbArgumentError
    """
    for side in ("seekers", "vacancies"):
        given = [
            f"--{side}{suffix}"
            for suffix, key in (
                ("", side),
                ("-query", f"{side}_query"),
                ("-table", f"{side}_table"),
            )
            if getattr(args, key, None)
        ]
        if len(given) != 1:
            raise DbArgumentError(
                f"{side} 输入须且仅须给出一个来源：--{side} 文件、--{side}-query 或 "
                f"--{side}-table（收到 {given or '无'}）"
            )
    if not getattr(args, "out", None) and not getattr(args, "write_schema", None):
        raise DbArgumentError("须给出输出位置：--out 文件夹和/或 --write-schema 数据库模式")
    if args.run_id is not None and not args.write_schema:
        raise DbArgumentError("--run-id 只能与 --write-schema 一起使用")
    if not _ENV_NAME.match(args.db_env or ""):
        # never echo the value: it may be a connection string with its password
        raise DbArgumentError(
            "--db-env 应为环境变量的名字（如 MATCHCORE_DB），不是连接串；请把连接串放进该环境变量"
        )


def _needs_connection(args: argparse.Namespace) -> bool:
    return bool(
        args.seekers_query
        or args.seekers_table
        or args.vacancies_query
        or args.vacancies_table
        or args.write_schema
    )


def read_inputs(args: argparse.Namespace) -> tuple[pl.DataFrame, pl.DataFrame, dict[str, Any]]:
    """The seekers and vacancies tables, each from its file, query or table.

    Returns
    -------
    seekers, vacancies : polars.DataFrame
    sources : dict
        Where each came from (kept in the ``runs`` row): ``{"seekers": {"table": ...}, ...}``.
    """
    check_args(args)
    conn = None
    if _needs_connection(args):
        conn = connect(args.db_env)  # fails early, before any matching, if it cannot connect
    try:
        out: list[pl.DataFrame] = []
        sources: dict[str, Any] = {}
        for side in ("seekers", "vacancies"):
            query, table = getattr(args, f"{side}_query"), getattr(args, f"{side}_table")
            if query:
                out.append(read_query(query, connection=conn))
                sources[side] = {"query": query}
            elif table:
                out.append(read_table(table, connection=conn))
                sources[side] = {"table": table}
            else:
                out.append(read_file(getattr(args, side)))
                sources[side] = {"file": str(getattr(args, side))}
        if conn is not None:
            conn.rollback()
    finally:
        if conn is not None:
            conn.close()
    return out[0], out[1], sources


def write_outputs(
    args: argparse.Namespace,
    result: Any,
    *,
    started_at: dt.datetime | None = None,
    sources: dict[str, Any] | None = None,
) -> str | None:
    """Write the run to ``--write-schema`` if given; returns a line saying what was written."""
    if not args.write_schema:
        return None

    rec = write_run(
        result,
        schema=args.write_schema,
        run_id=args.run_id,
        env=args.db_env,
        started_at=started_at,
        sources=sources,
    )
    target = describe(connection_uri(args.db_env))
    rows = ", ".join(f"{k} {v:,}" for k, v in rec.rows.items())
    return f"wrote run {rec.run_id} to schema {rec.schema} at {target}: {rows}"
