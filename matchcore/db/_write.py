"""Writing a run's result tables to PostgreSQL, one transaction a run, and reading them back.

Layout in the schema (created when absent):

``runs``
    one row a run: ``run_id`` (primary key), ``status``, ``package_version``, ``versions``,
    ``config``, ``input_counts``, ``row_counts``, ``summary``, ``sources``, ``schemas`` (JSONB),
    ``started_at``, ``finished_at``, ``written_at``.
``recommendations``, ``assignments``, ``unmatched``, ``rejected``, ``audit``
    the result tables of :class:`~matchcore.MatchResult`, each with ``run_id`` first and
    ``run_row`` (the row's position in the result) last.
``current_run``
    one row: the ``run_id`` of the latest complete run and when it moved.
``current_<table>`` views
    the rows of that table for the current run.

A run is written in one transaction: a reader sees all of it or none; the marker moves in the
same transaction, so it only ever names a complete run. Writing a run_id again replaces that
run's rows and leaves every other run's rows alone. Writers of one schema take turns (an
advisory lock).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import platform
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy
import polars as pl
import scipy

from matchcore._version import __version__
from matchcore.db._connect import DEFAULT_ENV, redact
from matchcore.db._errors import DatabaseError, DbQueryError, DbWriteError
from matchcore.db._read import _connection, _to_polars

__all__ = ["RESULT_TABLES", "RunRecord", "StoredRun", "new_run_id", "read_run", "write_run"]

log = logging.getLogger(__name__)

#: The result tables written for each run, in this order.
RESULT_TABLES = ("recommendations", "assignments", "unmatched", "rejected", "audit")
#: provenance columns of the runs table stored as JSONB (written as JSON text, read back parsed)
_JSON_COLUMNS = (
    "versions", "config", "input_counts", "row_counts", "summary", "sources", "schemas"
)  # fmt: skip

_DTYPES: dict[str, pl.DataType] = {
    str(t): t()
    for t in (
        pl.Utf8, pl.Boolean, pl.Date, pl.Float32, pl.Float64,
        pl.Int8, pl.Int16, pl.Int32, pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64,
    )
}  # fmt: skip


@dataclass(frozen=True)
class RunRecord:
    """What :func:`write_run` wrote: the run id, the schema, rows per table, the times."""

    run_id: str
    schema: str
    rows: dict[str, int]
    started_at: dt.datetime
    finished_at: dt.datetime
    current: bool


@dataclass(frozen=True)
class StoredRun:
    """A run read back by :func:`read_run`: its result tables and its ``runs`` row."""

    run_id: str
    tables: dict[str, pl.DataFrame]
    provenance: dict[str, Any] = field(default_factory=dict)


def new_run_id(now: dt.datetime | None = None) -> str:
    """A fresh run id: UTC time to the second and 8 random hex digits.

    Examples
    --------
    >>> new_run_id(dt.datetime(2026, 7, 1, 6, 0, tzinfo=dt.timezone.utc))[:16]
    '20260701T060000Z'
    """
    now = now or dt.datetime.now(dt.UTC)
    return f"{now.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"


def _q(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def _check_schema(schema: str) -> str:
    if not schema or len(schema) > 63 or "\x00" in schema:
        raise DbWriteError(f"模式名 {schema!r} 无效：应为 1-63 个字符")
    return _q(schema)


def _arrow_ready(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with ``run_row`` and without types PostgreSQL cannot take."""
    return df.with_columns(
        pl.col(c).cast(pl.Utf8) for c, t in df.schema.items() if t == pl.Null or t == pl.Object
    ).with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias("run_row"))


#: The column type the driver creates for each polars type (adbc_ingest's mapping).
_PG_TYPES: dict[pl.DataType, str] = {
    pl.Utf8(): "text",
    pl.Boolean(): "boolean",
    pl.Date(): "date",
    pl.Int8(): "smallint",
    pl.Int16(): "smallint",
    pl.Int32(): "integer",
    pl.Int64(): "bigint",
    pl.UInt8(): "smallint",
    pl.UInt16(): "integer",
    pl.UInt32(): "bigint",
    pl.Float32(): "real",
    pl.Float64(): "double precision",
}


def _pg_types(df: pl.DataFrame) -> dict[str, str] | None:
    """Column -> SQL type of ``df`` as the driver writes it; None where one has no entry."""
    out = {}
    for col, dtype in df.schema.items():
        typ = _PG_TYPES.get(dtype)
        if typ is None:
            return None
        out[col] = typ
    return out


def _columns(cur: Any, relation: str) -> dict[str, str]:
    """Column name -> SQL type of a relation (``schema.table`` or ``pg_temp.table``)."""
    cur.execute(
        "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
        "WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
        parameters=(relation,),
    )
    return {str(n): str(t) for n, t in cur.fetchall()}


def _ingest(cur: Any, qs: str, schema: str, name: str, df: pl.DataFrame, run_id: str) -> int:
    """Insert ``df``'s rows into ``schema.name`` by COPY, with ``run_id`` and ``run_row``.

    Where the table has exactly the columns and types of the frame (the usual case, and a new
    table), the rows are copied straight in. Otherwise (a column added in a later version, a
    type changed) they are staged in a temporary table and inserted by name, with the missing
    columns added to the table.
    """
    data = _arrow_ready(df)
    target = f"{qs}.{_q(name)}"
    have = _columns(cur, target)
    direct = data.select(pl.lit(run_id, dtype=pl.Utf8).alias("run_id"), pl.all())
    want = _pg_types(direct)
    if not have and want is not None:
        cur.execute(
            f"CREATE TABLE {target} ("
            + ", ".join(
                f"{_q(c)} {t}" + (" NOT NULL" if c == "run_id" else "") for c, t in want.items()
            )
            + ")"
        )
        cur.execute(f"CREATE INDEX IF NOT EXISTS {_q(name + '_run_id')} ON {target} (run_id)")
        have = dict(want)
    if want is not None and list(have.items()) == list(want.items()):
        cur.adbc_ingest(name, direct.to_arrow(), mode="append", db_schema_name=schema)
        return df.height
    stage = f"matchcore_stage_{name}"
    cur.adbc_ingest(stage, data.to_arrow(), mode="replace", temporary=True)
    staged = _columns(cur, f"pg_temp.{_q(stage)}")
    if not have:
        cur.execute(
            f"CREATE TABLE {target} AS SELECT ''::text AS run_id, * FROM pg_temp.{_q(stage)} "
            "WITH NO DATA"
        )
        cur.execute(f"ALTER TABLE {target} ALTER COLUMN run_id SET NOT NULL")
        cur.execute(f"CREATE INDEX IF NOT EXISTS {_q(name + '_run_id')} ON {target} (run_id)")
    else:
        for col, typ in staged.items():  # a column new in this version: added, older runs null
            if col not in have:
                cur.execute(f"ALTER TABLE {target} ADD COLUMN {_q(col)} {typ}")
    cols = ", ".join(_q(c) for c in staged)
    cur.execute(
        f"INSERT INTO {target} (run_id, {cols}) SELECT $1, {cols} FROM pg_temp.{_q(stage)}",
        parameters=(run_id,),
    )
    cur.execute(f"DROP TABLE pg_temp.{_q(stage)}")
    return df.height


_RUNS_DDL = """CREATE TABLE IF NOT EXISTS {qs}.runs (
    run_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    package_version TEXT NOT NULL,
    versions JSONB NOT NULL,
    config JSONB NOT NULL,
    input_counts JSONB NOT NULL,
    row_counts JSONB NOT NULL,
    summary JSONB NOT NULL,
    sources JSONB NOT NULL,
    schemas JSONB NOT NULL,
    started_at TIMESTAMPTZ,
    finished_at TIMESTAMPTZ,
    written_at TIMESTAMPTZ NOT NULL DEFAULT now()
)"""

_CURRENT_DDL = """CREATE TABLE IF NOT EXISTS {qs}.current_run (
    one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one),
    run_id TEXT NOT NULL REFERENCES {qs}.runs (run_id) ON DELETE CASCADE,
    moved_at TIMESTAMPTZ NOT NULL DEFAULT now()
)"""


def _versions() -> dict[str, str]:
    return {
        "matchcore": __version__,
        "python": platform.python_version(),
        "polars": pl.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
    }


def write_run(
    result: Any,
    *,
    schema: str = "matchcore",
    run_id: str | None = None,
    env: str | None = DEFAULT_ENV,
    connection: Any = None,
    started_at: dt.datetime | None = None,
    finished_at: dt.datetime | None = None,
    sources: Mapping[str, Any] | None = None,
    make_current: bool = True,
) -> RunRecord:
    """Write every result table of ``result`` and a ``runs`` row, in one transaction.

    Tables, the ``current_run`` marker and the ``current_<table>`` views are created when
    absent. Writing a ``run_id`` that exists replaces that run's rows only.

    Parameters
    ----------
    result : MatchResult
        What :func:`matchcore.match` returned.
    schema : str, default "matchcore"
        Database schema (namespace) of the tables.
    run_id : str, optional
        The run's id; :func:`new_run_id` by default.
    env : str, optional
        Environment variable with the connection URI (PG* variables otherwise).
    connection : ADBC connection, optional
        An open connection (autocommit off) to use instead; it is committed or rolled back.
    started_at, finished_at : datetime, optional
        When the run began and ended (default: ended now, began the sum of its stage times
        earlier).
    sources : mapping, optional
        Where the inputs came from (table names or queries), kept in the ``runs`` row.
    make_current : bool, default True
        Move the ``current_run`` marker to this run when it commits.

    Returns
    -------
    RunRecord

    Raises
    ------
    DbWriteError
        The write failed; the transaction was rolled back, nothing of this run is kept and
        the marker has not moved.

    Examples
    --------
    >>> rec = write_run(result, schema="matchcore")  # doctest: +SKIP
    >>> rec.rows["assignments"]  # doctest: +SKIP
    151
    """
    qs = _check_schema(schema)
    run_id = run_id or new_run_id()
    if not isinstance(run_id, str) or not run_id.strip():
        raise DbWriteError(f"run_id {run_id!r} 无效：应为非空文本")
    finished_at = finished_at or dt.datetime.now(dt.UTC)
    if started_at is None:
        started_at = finished_at - dt.timedelta(seconds=sum(result.timings.values()))
    summary = result.summary()
    tables = {name: getattr(result, name) for name in RESULT_TABLES}
    provenance = {
        "status": "complete",
        "package_version": __version__,
        "versions": json.dumps(_versions()),
        "config": json.dumps(result.config.to_dict(), ensure_ascii=False, default=str),
        "input_counts": json.dumps(
            {"seekers": summary["seekers_in"], "vacancies": summary["vacancies_in"]}
        ),
        "row_counts": json.dumps({n: t.height for n, t in tables.items()}),
        "summary": json.dumps(summary, ensure_ascii=False, default=str),
        "sources": json.dumps(dict(sources or {}), ensure_ascii=False, default=str),
        "schemas": json.dumps(
            {n: [[c, str(t)] for c, t in df.schema.items()] for n, df in tables.items()}
        ),
        "started_at": started_at.isoformat(),
        "finished_at": finished_at.isoformat(),
    }
    err: DbWriteError | None = None
    with _connection(connection, env) as conn:
        try:
            with conn.cursor() as cur:
                cur.execute("SELECT pg_advisory_xact_lock(hashtext($1))", parameters=(schema,))
                cur.execute(f"CREATE SCHEMA IF NOT EXISTS {qs}")
                cur.execute(_RUNS_DDL.format(qs=qs))
                cur.execute(_CURRENT_DDL.format(qs=qs))
                for name in RESULT_TABLES:  # the old rows of this run_id, if any
                    if _columns(cur, f"{qs}.{_q(name)}"):
                        cur.execute(
                            f"DELETE FROM {qs}.{_q(name)} WHERE run_id = $1", parameters=(run_id,)
                        )
                rows = {
                    name: _ingest(cur, qs, schema, name, df, run_id) for name, df in tables.items()
                }
                keys = list(provenance)
                cur.execute(
                    f"INSERT INTO {qs}.runs (run_id, {', '.join(keys)}) VALUES ($1, "
                    + ", ".join(
                        f"${i + 2}::jsonb"
                        if k in _JSON_COLUMNS
                        else (f"${i + 2}::timestamptz" if k.endswith("_at") else f"${i + 2}")
                        for i, k in enumerate(keys)
                    )
                    + ") ON CONFLICT (run_id) DO UPDATE SET "
                    + ", ".join(f"{k} = EXCLUDED.{k}" for k in keys)
                    + ", written_at = now()",
                    parameters=(run_id, *provenance.values()),
                )
                if make_current:
                    cur.execute(
                        f"INSERT INTO {qs}.current_run (one, run_id) VALUES (TRUE, $1) "
                        "ON CONFLICT (one) DO UPDATE SET run_id = EXCLUDED.run_id, moved_at = now()",
                        parameters=(run_id,),
                    )
                for name in (*RESULT_TABLES, "runs"):
                    cur.execute(
                        f"CREATE OR REPLACE VIEW {qs}.{_q('current_' + name)} AS SELECT t.* FROM "
                        f"{qs}.{_q(name)} t WHERE t.run_id = (SELECT run_id FROM {qs}.current_run)"
                    )
            conn.commit()
        except Exception as exc:
            try:
                conn.rollback()
            except Exception:  # the connection is gone: the server rolled back already
                log.debug("rollback after a failed write failed too", exc_info=True)
            if isinstance(exc, DatabaseError):
                raise
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            err = DbWriteError(
                f"写入运行 {run_id} 失败，已回滚，数据库中没有该运行的任何行：{redact(first)}"
            )
    if err is not None:
        raise err
    log.info("wrote run %s to schema %s: %s", run_id, schema, rows)
    return RunRecord(run_id, schema, rows, started_at, finished_at, make_current)


def read_run(
    schema: str = "matchcore",
    run_id: str | None = None,
    *,
    env: str | None = DEFAULT_ENV,
    connection: Any = None,
) -> StoredRun:
    """Read a run's result tables back, in the order and types they were written.

    Parameters
    ----------
    schema : str, default "matchcore"
    run_id : str, optional
        The run; the current one (the ``current_run`` marker) by default.

    Returns
    -------
    StoredRun
        ``tables`` by name (without ``run_id`` and ``run_row``), ``provenance`` the ``runs`` row.

    Raises
    ------
    DbQueryError
        No such run, or no current run.

    Examples
    --------
    >>> yesterday = read_run("matchcore")  # doctest: +SKIP
    >>> yesterday.tables["assignments"].columns  # doctest: +SKIP
    ['seeker_id', 'vacancy_id', 'score']
    """
    qs = _check_schema(schema)
    with _connection(connection, env) as conn:
        try:
            with conn.cursor() as cur:
                if run_id is None:
                    cur.execute(f"SELECT run_id FROM {qs}.current_run")
                    row = cur.fetchone()
                    if row is None:
                        raise DbQueryError(f"模式 {schema} 中还没有完成的运行")
                    run_id = str(row[0])
                cur.execute(f"SELECT * FROM {qs}.runs WHERE run_id = $1", parameters=(run_id,))
                prov_df = _to_polars(cur.fetch_arrow_table())
                if prov_df.height == 0:
                    raise DbQueryError(f"模式 {schema} 中没有运行 {run_id}")
                prov = prov_df.row(0, named=True)
                for k in _JSON_COLUMNS:
                    if isinstance(prov.get(k), str):
                        prov[k] = json.loads(prov[k])
                tables = {}
                for name in RESULT_TABLES:
                    cur.execute(
                        f"SELECT * FROM {qs}.{_q(name)} WHERE run_id = $1",
                        parameters=(run_id,),
                    )  # sorted here: polars sorts faster than the server
                    df = (
                        _to_polars(cur.fetch_arrow_table())
                        .sort("run_row")
                        .drop("run_id", "run_row")
                    )
                    want = dict(prov["schemas"].get(name, []))  # JSONB keeps no key order
                    df = df.select(c for c in want if c in df.columns) if want else df
                    tables[name] = df.with_columns(
                        pl.col(c).cast(_DTYPES[t])
                        for c, t in want.items()
                        if t in _DTYPES and c in df.columns and df.schema[c] != _DTYPES[t]
                    )
            if connection is None:
                conn.rollback()
        except DatabaseError:
            raise
        except Exception as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise DbQueryError(f"读取运行失败：{redact(first)}") from None
    return StoredRun(run_id, tables, prov)
