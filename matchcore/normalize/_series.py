"""Run a field parser over a whole polars Series, parsing each distinct value once."""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from typing import Any

import polars as pl

from matchcore._errors import InvalidParameter, InvalidValue
from matchcore.normalize import _fields, _levels
from matchcore.normalize._region import region

__all__ = ["FIELDS", "parse"]

# field -> (parser, value columns and their dtypes)
_ENUM = {"value": pl.Int8}
_RANGE = {"min": pl.Float64, "max": pl.Float64}
FIELDS: dict[str, tuple[Callable[..., Any], dict[str, Any]]] = {
    "education": (_levels.education, _ENUM),
    "skill_level": (_levels.skill_level, _ENUM),
    "professional_title": (_levels.professional_title, _ENUM),
    "salary": (_fields.salary, {"low": pl.Float64, "high": pl.Float64}),
    "region": (region, {"value": pl.Utf8}),
    "experience": (_fields.experience, _RANGE),
    "age_range": (_fields.age_range, _RANGE),
    "date": (_fields.date, {"value": pl.Date}),
}
_OPTIONS = {"region": {"within"}}


def _columns(field: str, out: Any) -> tuple[Any, ...]:
    """The value columns of one parsed value."""
    if out is None:
        return (None, None) if len(FIELDS[field][1]) == 2 else (None,)
    if field == "salary":
        return (out.low, out.high)
    if field in ("experience", "age_range"):
        return (out[0], out[1])
    if field in ("education", "skill_level", "professional_title"):
        return (int(out),)
    return (out,)


def parse_one(field: str, value: Any, **options: Any) -> tuple[tuple[Any, ...], str | None]:
    """Parse one value into its value columns and a reason (None when read or not stated)."""
    parser = FIELDS[field][0]
    try:
        return _columns(field, parser(value, **options)), None
    except InvalidValue as e:
        return _columns(field, None), str(e)


def _check(series: object, field: object, options: dict[str, Any]) -> None:
    if not isinstance(series, pl.Series):
        raise InvalidParameter.of("series", "parse", type(series).__name__, "a polars Series")
    if field not in FIELDS:
        raise InvalidParameter.of("field", "parse", field, f"one of {sorted(FIELDS)}")
    extra = set(options) - _OPTIONS.get(str(field), set())
    if extra:
        allowed = sorted(_OPTIONS.get(str(field), set())) or "no options"
        raise InvalidParameter.of(
            sorted(extra)[0],
            f"parse(field={field!r})",
            options[sorted(extra)[0]],
            f"not passed ({allowed} accepted)",
        )


def parse(series: pl.Series, field: str, **options: Any) -> pl.DataFrame:
    """Run the parser of ``field`` over a Series, reporting why each failure failed.

    Each distinct value is parsed once and the results are mapped back to the rows, so a column
    of a million rows with ten thousand distinct values costs ten thousand parser calls.

    Parameters
    ----------
    series : polars.Series
        Text, numbers or (for ``date``) dates.
    field : str
        One of ``education``, ``skill_level``, ``professional_title``, ``salary``, ``region``,
        ``experience``, ``age_range``, ``date``.
    **options
        Passed to the parser: ``within=`` for ``region``.

    Returns
    -------
    polars.DataFrame
        One row per input row, in order: the value columns of the field (``value`` Int8 for
        the levels, Utf8 for ``region``, Date for ``date``; ``low``/``high`` Float64 CNY per
        month for ``salary``; ``min``/``max`` Float64 for ``experience`` and ``age_range``) and
        ``reason`` (Utf8): null where the value was read, was null, empty or "not stated";
        the :class:`~matchcore.InvalidValue` message otherwise.

    Raises
    ------
    InvalidParameter
        Unknown field or option, or ``series`` is not a Series.

    Examples
    --------
    >>> import polars as pl
    >>> from matchcore.normalize import parse
    >>> out = parse(pl.Series(["8k-12k", "面议", None, "很多"]), "salary")
    >>> out.columns
    ['low', 'high', 'reason']
    >>> out["low"].to_list(), out["reason"].is_null().to_list()
    ([8000.0, None, None, None], [True, True, True, False])
    >>> out["reason"][3]
    "cannot read salary from '很多': expected a salary such as 8k-12k, ..."
    """
    _check(series, field, options)
    columns = FIELDS[field][1]
    schema = {**columns, "reason": pl.Utf8}
    if field == "date" and series.dtype in (pl.Date, pl.Datetime):
        value = series.cast(pl.Date)
        return pl.DataFrame(
            {"value": value, "reason": pl.Series([None] * len(series), dtype=pl.Utf8)}
        )
    if len(series) <= _SMALL:  # the online path: a few rows, no distinct/gather machinery
        return _parse_rows(series.to_list(), field, schema, options)
    uniq = series.drop_nulls().unique(maintain_order=True)
    values = uniq.to_list()
    rows: dict[str, list[Any]] = {name: [] for name in schema}
    names = list(columns)
    for v in values:
        if isinstance(v, _dt.datetime):
            v = v.date()
        cols, reason = parse_one(field, v, **options)
        for name, c in zip(names, cols):
            rows[name].append(c)
        rows["reason"].append(reason)
    table = pl.DataFrame(rows, schema=schema)
    if series.dtype == pl.Null:
        index = pl.Series([None] * len(series), dtype=pl.UInt32)
    else:
        index = series.replace_strict(
            uniq,
            pl.arange(0, len(uniq), dtype=pl.UInt32, eager=True),
            default=None,
            return_dtype=pl.UInt32,
        )
    return pl.DataFrame([table[name].gather(index) for name in schema])


#: Series up to this length are parsed row by row (each distinct value once), same table.
_SMALL = 8


def _parse_rows(
    values: list[Any],
    field: str,
    schema: dict[str, Any],
    options: dict[str, Any],
    *,
    once: bool = True,
) -> pl.DataFrame:
    """The table of :func:`parse` for a list of values, row by row (each distinct value parsed
    once, or with ``once=False`` one parser call per row, as :func:`parse_naive` promises)."""
    names = list(schema)[:-1]
    rows: dict[str, list[Any]] = {name: [] for name in schema}
    seen: dict[Any, tuple[tuple[Any, ...], str | None]] = {}
    for v in values:
        if v is None:
            cols: tuple[Any, ...] = _columns(field, None)
            reason = None
        else:
            if isinstance(v, _dt.datetime):
                v = v.date()
            if not once:
                cols, reason = parse_one(field, v, **options)
            else:
                key = (type(v), v)
                if key not in seen:
                    seen[key] = parse_one(field, v, **options)
                cols, reason = seen[key]
        for name, c in zip(names, cols):
            rows[name].append(c)
        rows["reason"].append(reason)
    return pl.DataFrame(rows, schema=schema)


def parse_naive(series: pl.Series, field: str, **options: Any) -> pl.DataFrame:
    """The same table as :func:`parse`, one parser call per row (reference and baseline)."""
    _check(series, field, options)
    schema = {**FIELDS[field][1], "reason": pl.Utf8}
    return _parse_rows(series.to_list(), field, schema, options, once=False)
