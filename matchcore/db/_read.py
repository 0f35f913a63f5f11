"""Reading seekers, vacancies and outcomes from PostgreSQL into polars DataFrames.

Columns keep their database types: INTEGER/BIGINT as integers, BOOLEAN, DATE, TIMESTAMP, TEXT,
DOUBLE PRECISION; NUMERIC(p, s) as ``Decimal(p, s)`` (unconstrained NUMERIC as a Decimal of the
largest scale present, or Float64 where it holds NaN/Infinity or more than 38 digits); NULL as
null. :func:`matchcore.records.prepare` reads every one of them as it reads a Parquet file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import polars as pl

from matchcore.db._connect import DEFAULT_ENV, connect, redact
from matchcore.db._errors import DatabaseError, DbQueryError

__all__ = ["OUTCOMES", "quote_table", "read_outcomes", "read_query", "read_table"]

#: The outcomes a platform records for a proposal.
OUTCOMES = ("hired", "declined", "no_show")

_IDENT = re.compile(r"^[^\x00]{1,63}$")


def quote_table(name: str) -> str:
    """``name`` (``table`` or ``schema.table``) as a quoted SQL identifier.

    Examples
    --------
    >>> quote_table("jobs.seekers")
    '"jobs"."seekers"'
    >>> quote_table('odd"name')
    '"odd""name"'
    """
    parts = name.split(".")
    if not 1 <= len(parts) <= 2 or not all(_IDENT.match(p) for p in parts):
        raise DbQueryError(f"表名 {name!r} 无效：应为 表名 或 模式名.表名（每段 1-63 个字符）")
    return ".".join('"' + p.replace('"', '""') + '"' for p in parts)


def _numeric(col: Any, typmod: int) -> pl.Series:
    """A NUMERIC column (text from the driver) as Decimal, or Float64 where Decimal cannot hold it."""
    text = pl.Series(col.to_pylist(), dtype=pl.Utf8)
    special = text.str.contains(r"(?i)nan|inf").any()
    if typmod >= 4:
        precision, scale = (typmod - 4) >> 16, (typmod - 4) & 0xFFFF
    else:
        frac = text.str.extract(r"\.(\d+)$", 1).str.len_chars().fill_null(0).max()
        whole = text.str.extract(r"^-?(\d+)", 1).str.len_chars().fill_null(1).max()
        scale = int(str(frac or 0))
        precision = int(str(whole or 1)) + scale
    if special or precision > 38:
        return text.cast(pl.Float64)
    return text.cast(pl.Decimal(38, scale))


def _to_polars(table: Any) -> pl.DataFrame:
    """An Arrow table from the driver as polars, with NUMERIC and opaque types converted."""
    import pyarrow as pa

    columns: dict[str, pl.Series] = {}
    for field, col in zip(table.schema, table.columns):
        meta = {k.decode(): v.decode() for k, v in (field.metadata or {}).items()}
        typ = field.type
        if isinstance(typ, pa.BaseExtensionType):  # arrow.opaque: types Arrow has no name for
            storage = pa.chunked_array([c.storage for c in col.chunks], type=typ.storage_type)
            if meta.get("POSTGRESQL:type") == "numeric":
                columns[field.name] = _numeric(
                    storage, int(meta.get("POSTGRESQL:typmod", -1))
                ).alias(field.name)
                continue
            col = storage
        columns[field.name] = pl.Series(field.name, col)
    return pl.DataFrame(list(columns.values())) if columns else pl.DataFrame()


def _connection(connection: Any, env: str | None) -> AbstractContextManager[Any]:
    return nullcontext(connection) if connection is not None else connect(env)


def read_query(
    query: str,
    *,
    parameters: Sequence[Any] | None = None,
    env: str | None = DEFAULT_ENV,
    connection: Any = None,
) -> pl.DataFrame:
    """Run a SELECT and return its rows as a polars DataFrame, column types kept.

    Parameters
    ----------
    query : str
        SQL; ``$1, $2, ...`` placeholders take ``parameters``.
    parameters : sequence, optional
        Values of the placeholders.
    env : str, optional
        Environment variable with the connection URI (``MATCHCORE_DB``; PG* variables otherwise).
    connection : ADBC connection, optional
        An open connection to use instead (it is left open).

    Returns
    -------
    polars.DataFrame

    Raises
    ------
    DbQueryError
        The query failed (one line, the server's reason, no password).

    Examples
    --------
    >>> read_query("SELECT 1 AS one")  # doctest: +SKIP
    shape: (1, 1) ...
    """
    try:
        with _connection(connection, env) as conn, conn.cursor() as cur:
            cur.execute(query, parameters=parameters)
            table = cur.fetch_arrow_table()
            if connection is None:
                conn.rollback()  # a reader never leaves anything behind
    except DatabaseError:
        raise
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise DbQueryError(f"读取数据库失败：{redact(first)}") from None
    return _to_polars(table)


def read_table(
    name: str,
    *,
    columns: Sequence[str] | None = None,
    env: str | None = DEFAULT_ENV,
    connection: Any = None,
) -> pl.DataFrame:
    """Read a whole table (``table`` or ``schema.table``) as a polars DataFrame.

    Rows come in the table's physical order; give :func:`read_query` an ``ORDER BY`` where the
    order matters.

    Examples
    --------
    >>> read_table("public.seekers")  # doctest: +SKIP
    """
    cols = "*" if not columns else ", ".join('"' + c.replace('"', '""') + '"' for c in columns)
    return read_query(f"SELECT {cols} FROM {quote_table(name)}", env=env, connection=connection)


def read_outcomes(
    source: str,
    *,
    env: str | None = DEFAULT_ENV,
    connection: Any = None,
) -> pl.DataFrame:
    """Read the outcomes of proposals: ``seeker_id, vacancy_id, outcome, date``.

    Parameters
    ----------
    source : str
        A table name, or a query (anything starting with SELECT or WITH) returning those columns.

    Returns
    -------
    polars.DataFrame
        ``seeker_id`` and ``vacancy_id`` as text, ``outcome`` one of ``hired``, ``declined``,
        ``no_show``, ``date`` a Date; ordered by date, seeker and vacancy.

    Raises
    ------
    DbQueryError
        A missing column, or an outcome not among the three (the message names the rows' ids).

    Examples
    --------
    >>> read_outcomes("platform.outcomes")  # doctest: +SKIP
    """
    is_query = (
        source.lstrip().split(None, 1)[0].upper() in ("SELECT", "WITH") if source.strip() else False
    )
    df = (
        read_query(source, env=env, connection=connection)
        if is_query
        else read_table(source, env=env, connection=connection)
    )
    need = ["seeker_id", "vacancy_id", "outcome", "date"]
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise DbQueryError(f"结果表 {source!r} 缺少列 {missing}；收到的列：{df.columns}")
    out = df.select(
        pl.col("seeker_id").cast(pl.Utf8),
        pl.col("vacancy_id").cast(pl.Utf8),
        pl.col("outcome").cast(pl.Utf8).str.strip_chars().str.to_lowercase(),
        pl.col("date").str.strip_chars().str.to_date("%Y-%m-%d", strict=False)
        if df.schema["date"] == pl.Utf8
        else pl.col("date").cast(pl.Date, strict=False),
    )
    bad_date = out.with_row_index("row").filter(pl.col("date").is_null() & df["date"].is_not_null())
    if bad_date.height:
        shown = ", ".join(
            f"第 {r} 行 {s}/{v}" for r, s, v in bad_date.head(5).select(
                "row", "seeker_id", "vacancy_id").iter_rows()
        )  # fmt: skip
        raise DbQueryError(
            f"结果表 {source!r} 有 {bad_date.height} 行的 date 无法读成日期（{shown}）："
            "应为 DATE、TIMESTAMP 或 YYYY-MM-DD 文本"
        )
    bad = out.with_row_index("row").filter(
        ~pl.col("outcome").is_in(OUTCOMES) | pl.col("outcome").is_null()
    )
    if bad.height:
        shown = ", ".join(
            f"第 {r} 行 {s}/{v}: {o!r}"
            for r, s, v, o in bad.head(5)
            .select("row", "seeker_id", "vacancy_id", "outcome")
            .iter_rows()
        )
        raise DbQueryError(
            f"结果表 {source!r} 有 {bad.height} 行的 outcome 无法识别（{shown}）："
            f"应为 {', '.join(OUTCOMES)} 之一"
        )
    return out.sort(["date", "seeker_id", "vacancy_id"], nulls_last=True)
