"""Validate and type raw seeker and vacancy tables: :func:`prepare` and its :class:`Prepared` result.

Every input row ends in exactly one place: the prepared table, or ``rejected`` with at least one
``error`` row naming the field and the reason. A row whose optional field cannot be read is kept
with that field empty and one ``warning`` row. Fields are parsed once per distinct value and
joined back, so a province's million rows cost as much as their few thousand distinct values.
"""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from typing import Any

import polars as pl

from matchcore._errors import InvalidParameter, MissingColumns
from matchcore._progress import Progress
from matchcore.records._cells import (
    DEFAULT_OPENINGS,
    MAX_TITLE_CHARS,
    REJECTED_CODES,
    TitleCoderLike,
    _code_titles,
    _missing_columns,
    _Problems,
)
from matchcore.records._columns import SEEKER_COLUMNS, VACANCY_COLUMNS, canonical, dtypes
from matchcore.records._seekers import _seekers, _wish_parts, _with_wishes
from matchcore.records._vacancies import _vacancies

__all__ = [
    "DEFAULT_OPENINGS",
    "MAX_TITLE_CHARS",
    "REJECTED_CODES",
    "Prepared",
    "TitleCoderLike",
    "as_polars",
    "canonical_headers",
    "prepare",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    """Typed, validated records ready for scoring.

    Attributes
    ----------
    seekers, vacancies : polars.DataFrame
        One row per accepted input row, in input order, with the columns and dtypes listed in
        ``docs/stages.md`` (``row`` is the position in the input).
    rejected : polars.DataFrame
        One row per problem: ``table``, ``row``, ``id``, ``field``, ``value`` (the offending cell
        as text), ``reason`` and ``severity`` (``error``: the row was rejected; ``warning``: the
        row was kept with that field empty).

    Examples
    --------
    >>> import polars as pl, matchcore as mc
    >>> s = pl.DataFrame({"seeker_id": ["a"], "desired_occupation": ["6-31-01-03"],
    ...                   "region": ["济南市历下区"]})
    >>> v = pl.DataFrame({"vacancy_id": ["v"], "occupation_code": ["6310103"], "openings": [2],
    ...                   "region": ["370102"]})
    >>> p = mc.records.prepare(s, v)
    >>> p.seekers["region_code"].to_list(), p.vacancies["city_code"].to_list()
    (['370102'], ['370100'])
    >>> p.summary()["prepared"].to_list()
    [1, 1]
    """

    seekers: pl.DataFrame
    vacancies: pl.DataFrame
    rejected: pl.DataFrame

    def summary(self) -> pl.DataFrame:
        """Counts per table: ``input``, ``prepared``, ``rejected`` rows and ``warnings``.

        ``input == prepared + rejected`` always holds.
        """
        rows = []
        for table, frame in (("seekers", self.seekers), ("vacancies", self.vacancies)):
            r = self.rejected.filter(pl.col("table") == table)
            errors = r.filter(pl.col("severity") == "error")["row"].n_unique()
            warnings = r.filter(pl.col("severity") == "warning").height
            rows.append((table, frame.height + errors, frame.height, errors, warnings))
        return pl.DataFrame(
            rows,
            schema={
                "table": pl.Utf8,
                "input": pl.Int64,
                "prepared": pl.Int64,
                "rejected": pl.Int64,
                "warnings": pl.Int64,
            },
            orient="row",
        )

    def __repr__(self) -> str:
        parts = [
            f"{t}: {p} prepared, {r} rejected, {w} warnings"
            for t, _i, p, r, w in self.summary().iter_rows()
        ]
        return f"Prepared({'; '.join(parts)})"


_SEEKER_DTYPES = dtypes("seekers")
_VACANCY_DTYPES = dtypes("vacancies")


def _empty(table: str, dtypes: dict[str, Any]) -> tuple[pl.DataFrame, _Problems, pl.Series]:
    """What ``_seekers`` / ``_vacancies`` return for a table with no rows."""
    problems = _Problems(table, pl.Series([], dtype=pl.UInt32), pl.Series([], dtype=pl.Utf8))
    return (
        _empty_frame(table, tuple(dtypes.items())).clone(),
        problems,
        pl.Series([], dtype=pl.Boolean),
    )


@functools.lru_cache(maxsize=4)
def _empty_frame(table: str, dtypes: tuple[tuple[str, Any], ...]) -> pl.DataFrame:
    """A table with no rows, built once (callers take a clone)."""
    return pl.DataFrame(schema=dict(dtypes))


def _finish(
    table: pl.DataFrame,
    bad: pl.Series,
    code: pl.Series,
    conf: pl.Series,
    dtypes: dict[str, Any],
) -> pl.DataFrame:
    """The kept rows, with the coded titles filled in, in the stage's columns and dtypes."""
    return (
        table.lazy()
        .with_columns(
            pl.col("occupation_code").fill_null(pl.lit(code)),
            pl.col("occupation_confidence").fill_null(pl.lit(conf)),
        )
        .filter(pl.lit(~bad))
        .cast(dtypes)  # type: ignore[arg-type]
        .select(list(dtypes))
        .collect()
    )


def as_polars(table: Any, *, name: str = "table", owner: str = "as_polars") -> pl.DataFrame:
    """A polars DataFrame of a polars DataFrame or LazyFrame, a pandas DataFrame or a pyarrow
    Table (or RecordBatch); converted at the edge, without making pandas or pyarrow needed.

    Parameters
    ----------
    table : polars.DataFrame, polars.LazyFrame, pandas.DataFrame or pyarrow.Table
    name, owner : str
        The parameter and the function named in the error.

    Returns
    -------
    polars.DataFrame
        ``table`` itself when it already is one (not copied).

    Raises
    ------
    InvalidParameter
        Any other type.

    Examples
    --------
    >>> import polars as pl, matchcore as mc
    >>> mc.records.as_polars(pl.LazyFrame({"a": [1]})).shape
    (1, 1)
    """
    if isinstance(table, pl.DataFrame):
        return table
    if isinstance(table, pl.LazyFrame):
        return table.collect()
    module = type(table).__module__.split(".")[0]
    kind = type(table).__name__
    if module == "pandas" and kind == "DataFrame":
        frame = table.copy()  # pandas column labels may be ints or a MultiIndex
        frame.columns = [str(c) for c in frame.columns]
        try:
            return pl.from_pandas(frame, nan_to_null=True)
        except (ImportError, TypeError, ValueError, pl.exceptions.PolarsError):
            return _from_pandas_by_column(frame)  # no pyarrow, or mixed object columns
    if module == "pyarrow" and kind in ("Table", "RecordBatch"):
        out = pl.from_arrow(table)
        if isinstance(out, pl.DataFrame):
            return out
    raise InvalidParameter.of(
        name,
        owner,
        kind,
        "a polars DataFrame or LazyFrame, a pandas DataFrame or a pyarrow Table",
    )


def _from_pandas_by_column(frame: Any) -> pl.DataFrame:
    """A pandas frame column by column: numpy numbers, booleans and datetimes as they are,
    anything else as text (missing cells null); needs neither pyarrow nor a common type."""
    columns = []
    for name in frame.columns:
        col = frame[name]
        kind = getattr(col.dtype, "kind", "O")
        if kind in "biufM" and type(col.dtype).__module__.startswith("numpy"):
            columns.append(pl.Series(name, col.to_numpy(), nan_to_null=True))
            continue
        missing = col.isna().tolist()
        values = [None if m else str(v) for v, m in zip(col.tolist(), missing, strict=True)]
        columns.append(pl.Series(name, values, dtype=pl.Utf8))
    return pl.DataFrame(columns)


def canonical_headers(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """``frame`` with every header :data:`COLUMN_ALIASES` knows renamed to the column it feeds;
    the other columns keep their names (and are still reported by :func:`prepare`).

    Parameters
    ----------
    frame : polars.DataFrame
    table : {"seekers", "vacancies"}

    Returns
    -------
    polars.DataFrame
        A new frame (the input is not changed).

    Examples
    --------
    >>> import polars as pl, matchcore as mc
    >>> v = pl.DataFrame({"岗位名称": ["电工"], "岗位要求": ["限男性"], "备注": ["x"]})
    >>> mc.records.canonical_headers(v, "vacancies").columns
    ['title', 'requirements', '备注']
    """
    if table not in ("seekers", "vacancies"):
        raise InvalidParameter.of("table", "canonical_headers", table, "'seekers' or 'vacancies'")
    names = SEEKER_COLUMNS if table == "seekers" else VACANCY_COLUMNS
    rename, _ = canonical(table, [str(c) for c in frame.columns], names)
    return frame.rename({k: v for k, v in rename.items() if k != v})


def _renamed(
    frame: pl.DataFrame, table: str, names: tuple[str, ...]
) -> tuple[pl.DataFrame, list[tuple[str, str]]]:
    """``frame`` with the columns prepare reads under their own names (aliases resolved), and
    the columns it leaves unused with why."""
    rename, unused = canonical(table, [str(c) for c in frame.columns], names)
    if all(k == v for k, v in rename.items()) and not unused:
        return frame, unused
    return frame.select([pl.col(k).alias(v) for k, v in rename.items()]), unused


def _check_within(within: object) -> str:
    text = str(within).strip() if isinstance(within, str | int) else ""
    if not re.fullmatch(r"\d{2}(?:\d{4})?", text):
        raise InvalidParameter.of(
            "within", "prepare", within, "a 6-digit province or city code such as '370000'"
        )
    return text if len(text) == 6 else text + "0000"


def prepare(
    seekers: Any,
    vacancies: Any,
    *,
    within: str = "370000",
    coder: TitleCoderLike | None = None,
    progress: bool | None = None,
) -> Prepared:
    """Validate and type raw seeker and vacancy tables for matching.

    Every input row ends in exactly one place: the prepared table or ``rejected``. A row is
    rejected (``severity == "error"``, one row per problem, a ``code`` of
    :data:`REJECTED_CODES` beside a Chinese ``reason`` that names the line and the value) when
    it lacks what matching needs:

    * an id (``seeker_id`` / ``vacancy_id``; ``missing_id``); of duplicate ids the first row
      holds the id (it is kept unless it has a problem of its own) and each later one is
      rejected (``duplicate_id``) with the line of the first;
    * for a seeker, a ``desired_title`` or a known ``desired_occupation``, and a readable
      ``region``;
    * for a vacancy, a ``title`` or a known ``occupation_code``, a readable ``region`` and
      ``openings``, a whole number >= 1 (3人, 三名, 3-5人 read as 3); 若干, 不限, 多名 keep the
      posting with :data:`DEFAULT_OPENINGS` and an ``openings_unstated`` warning.

    Headers are matched to the columns read through :data:`COLUMN_ALIASES` (岗位名称 is
    ``title``, birthday is ``birth_year``); each input column not read gets one table-level
    warning (``unused_column``, ``row``/``line``/``id`` null) naming what it probably meant,
    and a log warning. ``\\N``, ``NULL``, ``N/A``, ``-``, ``—`` are empty in every column.
    Titles longer than :data:`MAX_TITLE_CHARS` are cut, with a ``title_too_long`` warning.
    The seekers' ``category`` cell lists key groups (``groups``, List(Utf8), of
    :data:`KEY_GROUPS`; ``category`` graduate/unemployed/other derived from them; a
    "2025届高校毕业生" fills an empty ``graduation_year``). ``willing_regions`` reads 全省/省内
    as the province of ``within``, 不限 as ``within``, 本市 as the seeker's city and 本县/本区 as
    their county. A vacancy's ``age_range`` (年龄要求, 18-45岁) fills empty ``age_min``/``age_max``.

    A kept row whose optional field cannot be read (education, salary, dates, years, skill level,
    professional title, category, willing regions, ages, industry code, flags, an unknown code
    beside a title) has that field left empty and one ``severity == "warning"`` row.

    Derived columns: ``region_code``/``city_code`` from the region (GB/T 2260, retired codes and
    names mapped to current ones; ``within`` settles names several places share);
    ``occupation_code`` from the code given (confidence 1.0) or else from the title through
    ``coder`` (each distinct title coded once); ``title_core`` from
    :func:`matchcore.normalize.clean_title`; ``advanced_manufacturing``, where not given, from
    ``industry_code`` by :func:`matchcore.records.is_advanced_manufacturing`: divisions 26, 27,
    34-40 and class 4343 of GB/T 4754-2017, the union of the NBS 高技术产业（制造业）分类（2017）
    and Shandong's 先进制造业强省行动计划（2022—2025年） sectors (see that function's module for
    the exact lists); ``internship`` where not given is true for titles marked 见习; ``audit``
    lists the discriminatory requirements :func:`matchcore.normalize.audit_posting` finds in the
    title and any ``requirements``/``description`` text.

    Parameters
    ----------
    seekers, vacancies : polars.DataFrame, polars.LazyFrame, pandas.DataFrame or pyarrow.Table
        Raw tables (see ``SEEKER_COLUMNS`` / ``VACANCY_COLUMNS`` and the README's column table). Required columns: seekers
        ``seeker_id``, ``region`` and one of ``desired_title``/``desired_occupation``; vacancies
        ``vacancy_id``, ``openings``, ``region`` and one of ``title``/``occupation_code``. Absent
        optional columns are read as empty; columns of any dtype are accepted.
    within : str
        The service's province or city code (default Shandong, ``"370000"``).
    coder : object with ``code(titles)``, optional
        Codes titles to occupations; :class:`matchcore.normalize.TitleCoder` by default (built
        only when some row has a title and no code).
    progress : bool, optional
        Show a progress bar (default: when standard error is a terminal).

    Returns
    -------
    Prepared
        ``seekers``, ``vacancies`` (columns and dtypes as in ``docs/stages.md``) and
        ``rejected`` (``table``, ``row``, ``line``, ``id``, ``field``, ``value``, ``code``,
        ``reason``, ``severity``). ``line`` is ``row + 2``, the line in the file.

    Raises
    ------
    MissingColumns
        A table lacks required columns (all of them are listed, with the columns received).
    InvalidParameter
        ``seekers``/``vacancies`` are not tables of a kind :func:`as_polars` converts, or
        ``within`` is not a code.

    Examples
    --------
    >>> import polars as pl, matchcore as mc
    >>> s = pl.DataFrame({"seeker_id": ["s1", "s1", None],
    ...                   "desired_occupation": ["6-31-01-03", "6-31-01-03", "6-18-02-04"],
    ...                   "region": ["历下区", "青岛", "烟台"], "education": ["大专", "大专", "本科"]})
    >>> v = pl.DataFrame({"vacancy_id": ["v1"], "occupation_code": ["6310103"], "openings": [3],
    ...                   "region": ["济南市"], "industry_code": ["C3612"]})
    >>> p = mc.records.prepare(s, v)
    >>> p.seekers.select("seeker_id", "occupation_code", "region_code", "education").rows()
    [('s1', '6-31-01-03', '370102', 4)]
    >>> p.rejected.select("row", "line", "field", "code").rows()
    [(1, 3, 'seeker_id', 'duplicate_id'), (2, 4, 'seeker_id', 'missing_id')]
    >>> p.rejected["reason"].to_list()
    ['第 3 行：求职者编号重复：与第 2 行相同，只处理首次出现的那一行', '第 4 行：缺少求职者编号']
    >>> p.vacancies["advanced_manufacturing"].to_list()
    [True]
    """
    raw_s = as_polars(seekers, name="seekers", owner="prepare")
    raw_v = as_polars(vacancies, name="vacancies", owner="prepare")
    area = _check_within(within)
    seekers, s_unused = _renamed(raw_s, "seekers", SEEKER_COLUMNS)
    vacancies, v_unused = _renamed(raw_v, "vacancies", VACANCY_COLUMNS)
    missing = {
        t: _missing_columns(t, f) for t, f in (("seekers", seekers), ("vacancies", vacancies))
    }
    errors = [
        MissingColumns(t, m, list(f.columns))
        for (t, m), f in zip(missing.items(), (raw_s, raw_v), strict=True)
        if m
    ]
    if errors:
        first = errors[0]
        for other in errors[1:]:
            first.add_note(str(other))
        raise first

    with Progress(total=7, desc="prepare", enabled=progress) as bar:
        # an empty table costs nothing (the online path prepares one side only)
        s_table, s_problems, s_need = (
            _seekers(seekers, area, bar) if seekers.height else _empty("seekers", _SEEKER_DTYPES)
        )
        v_table, v_problems, v_need = (
            _vacancies(vacancies, area, bar)
            if vacancies.height
            else _empty("vacancies", _VACANCY_DTYPES)
        )
        for problems, unused in ((s_problems, s_unused), (v_problems, v_unused)):
            for column, why in unused:
                problems.add_table(column, f"未使用的列「{column}」：{why}", "unused_column")
                log.warning("%s: column %r is not used: %s", problems.table, column, why)
        s_bad = s_problems.error_mask()
        v_bad = v_problems.error_mask()
        # code the titles of kept rows only, both tables at once (each distinct title once)
        s_need = s_need & ~s_bad
        v_need = v_need & ~v_bad
        if not v_table.height:  # one side only (the online path): nothing to concatenate
            titles, need = s_table["desired_title"], s_need
        elif not s_table.height:
            titles, need = v_table["title"], v_need
        else:
            titles = pl.concat([s_table["desired_title"], v_table["title"]])
            need = pl.concat([s_need, v_need])
        # each wish of a seeker's desired title is coded too, in the same call: of every kept
        # seeker, a stated code or not (codes_of reads the wishes of all of them; taking only
        # the rows to code made a row's wishes depend on which other rows were in the table)
        parts = _wish_parts(s_table["desired_title"].filter(~s_bad)) if s_table.height else []
        if parts:
            titles = pl.concat([titles, pl.Series(parts, dtype=pl.Utf8)])
            need = pl.concat([need, pl.Series([True] * len(parts))])
        code, conf = _code_titles(coder, titles, need)
        coded_parts = dict(zip(parts, code.tail(len(parts)).to_list(), strict=True))
        code, conf = code.head(code.len() - len(parts)), conf.head(conf.len() - len(parts))
        n_s = s_table.height
        bar.update()
        # one query a table; a table with no rows is already in its final form (online path)
        s_out = (
            _finish(s_table, s_bad, code.slice(0, n_s), conf.slice(0, n_s), _SEEKER_DTYPES)
            if s_table.height
            else s_table
        )
        if s_out.height:
            s_out = _with_wishes(s_out, coded_parts)
        v_out = (
            _finish(v_table, v_bad, code.slice(n_s), conf.slice(n_s), _VACANCY_DTYPES)
            if v_table.height
            else v_table
        )
        rejected = pl.concat([s_problems.frame(~s_bad), v_problems.frame(~v_bad)], how="vertical")
        if rejected.height > 1:
            rejected = rejected.sort(["table", "row", "severity", "field"], maintain_order=True)
    log.info(
        "prepared %d of %d seekers and %d of %d vacancies; %d problems",
        s_out.height, raw_s.height, v_out.height, raw_v.height, rejected.height,
    )  # fmt: skip
    return Prepared(s_out, v_out, rejected)
