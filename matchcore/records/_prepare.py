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
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import polars as pl

from matchcore._errors import InvalidParameter, MissingColumns, UnknownOccupation
from matchcore._progress import Progress
from matchcore.records._industry import industry_code, is_advanced_manufacturing

__all__ = [
    "DEFAULT_OPENINGS",
    "MAX_TITLE_CHARS",
    "REJECTED_CODES",
    "SEEKER_COLUMNS",
    "VACANCY_COLUMNS",
    "Prepared",
    "TitleCoderLike",
    "as_polars",
    "canonical_headers",
    "prepare",
]

log = logging.getLogger(__name__)

#: Raw seeker columns prepare reads (all but the required ones may be absent).
SEEKER_COLUMNS: tuple[str, ...] = (
    "seeker_id", "category", "desired_title", "desired_occupation", "region", "willing_regions",
    "education", "major", "graduation_year", "expected_salary", "experience_years",
    "skill_level", "professional_title", "birth_year", "registered_at",
)  # fmt: skip
#: Raw vacancy columns prepare reads (``requirements``/``description`` feed the posting audit).
VACANCY_COLUMNS: tuple[str, ...] = (
    "vacancy_id", "employer_id", "title", "occupation_code", "openings", "region",
    "education_min", "salary", "salary_min", "salary_max", "experience_min", "skill_level_min",
    "professional_title_min", "age_min", "age_max", "age_range", "industry_code",
    "advanced_manufacturing",
    "internship", "session", "posted_at", "expires_at", "requirements", "description",
)  # fmt: skip

_REQUIRED = {
    "seekers": ("seeker_id", "region", ("desired_title", "desired_occupation")),
    "vacancies": ("vacancy_id", "openings", "region", ("title", "occupation_code")),
}

REJECTED_SCHEMA = {
    "table": pl.Utf8,
    "row": pl.UInt32,
    "line": pl.UInt32,
    "id": pl.Utf8,
    "field": pl.Utf8,
    "value": pl.Utf8,
    "code": pl.Utf8,
    "reason": pl.Utf8,
    "severity": pl.Utf8,
}
#: Stable codes of ``rejected`` rows -> what each means (the ``reason`` column says it in Chinese
#: for the row at hand). ``error`` codes reject the row; the others keep it with a warning.
REJECTED_CODES: dict[str, str] = {
    "missing_id": "缺少编号（error）",
    "duplicate_id": "编号重复：保留首次出现的行，之后的行不予处理（error）",
    "missing_title": "既无岗位/求职意向名称，也无职业代码（error）",
    "unknown_occupation": "职业代码不在职业分类大典（2022）中（无名称时 error，否则 warning）",
    "missing_region": "缺少地区（error）",
    "bad_region": "无法识别的地区（error）",
    "ambiguous_region": "地名对应多个地方（error）",
    "missing_openings": "缺少招聘人数（error）",
    "bad_openings": "无法识别的招聘人数（error）",
    "openings_unstated": "招聘人数为若干、不限等，按默认人数处理（warning）",
    "bad_value": "可选字段无法识别，按空值处理（warning）",
    "crossed_ages": "最高年龄低于最低年龄，两者均不使用（warning）",
    "unknown_group": "无法识别的人员类别，其余类别照常读取（warning）",
    "title_too_long": "名称过长，只使用前面部分（warning）",
    "unused_column": "未使用的列（warning，整表一行，row 为空）",
}
#: Openings of a posting that states 若干, 不限, 多名 ...: kept with this many and a warning.
DEFAULT_OPENINGS = 1
#: Titles longer than this are cut to it (with a warning) before coding and in messages.
MAX_TITLE_CHARS = 100
#: Values are quoted in Chinese reasons up to this many characters.
_QUOTE_CHARS = 50
# Spellings of NULL that exports write, read as empty in every column.
_NULLS = ["\\N", "NULL", "null", "Null", "None", "none", "NaN", "nan", "N/A", "n/a", "#N/A",
          "NA", "-", "--", "—", "——", "－", "/", "(null)", "<null>", "nil"]  # fmt: skip

_TRUE = {"是", "true", "t", "1", "y", "yes", "有", "√", "见习", "1.0", "是的", "对"}
_FALSE = {"否", "false", "f", "0", "n", "no", "无", "非", "×", "0.0"}
_YEAR_RE = r"^((?:19|20)\d\d)(?:\.0|(?:0[1-9]|1[0-2])(?:[0-3]\d)?|[年届./\-].*)?$"
_SPLIT_RE = r"[、,，/;；|\s]+"


class TitleCoderLike(Protocol):
    """What :func:`prepare` needs of a title coder: ``code(titles)`` -> a table with ``code`` and
    ``confidence``, one row per title in order (:class:`matchcore.normalize.TitleCoder` is one)."""

    def code(self, titles: Any) -> pl.DataFrame: ...


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


# --------------------------------------------------------------------------------------------
# helpers


def _as_text(s: pl.Series) -> pl.Series:
    """Any column as trimmed text; empty strings become null."""
    if s.dtype == pl.Utf8:
        t = s
    elif s.dtype == pl.Null:
        t = s.cast(pl.Utf8)
    elif isinstance(s.dtype, pl.Datetime):  # Excel date cells: the day is what counts
        t = s.dt.date().cast(pl.Utf8)
    elif isinstance(s.dtype, pl.List | pl.Array):
        t = s.cast(pl.List(pl.Utf8), strict=False).list.join("、")
    elif s.dtype.is_float():
        # whole floats (Excel's 2025.0) read as integers
        f = s.cast(pl.Float64)
        whole = (f == f.round(0)) & f.is_finite() & (f.abs() < 1e15)
        t = pl.select(
            pl.when(pl.lit(whole))
            .then(pl.lit(f).cast(pl.Int64, strict=False).cast(pl.Utf8))
            .otherwise(pl.lit(f).cast(pl.Utf8))
        ).to_series()
    else:
        try:
            t = s.cast(pl.Utf8)
        except Exception:  # structs, objects: fall back to Python's str of each cell
            t = pl.Series([None if v is None else str(v) for v in s.to_list()], dtype=pl.Utf8)
    t = t.str.strip_chars()
    return pl.select(
        pl.when((pl.lit(t).str.len_chars() == 0) | pl.lit(t).is_in(_NULLS))
        .then(None)
        .otherwise(pl.lit(t))
    ).to_series()


def _by_distinct(values: pl.Series, fn: Callable[[pl.Series], pl.DataFrame]) -> pl.DataFrame:
    """Apply ``fn`` (Series -> one row per value) to the distinct non-null values, join back."""
    if values.null_count() == values.len():  # nothing to parse: the parser's columns, all null
        schema = fn(values.head(0)).schema
        n = values.len()
        return pl.DataFrame([pl.Series(c, [None] * n, dtype=d) for c, d in schema.items()])
    if values.len() == 1:  # one row (the online path): no join
        out = fn(values)
        if out.height != 1:
            raise RuntimeError(f"parser returned {out.height} rows for 1 value")
        return out
    key = values.rename("__key")
    uniq = key.drop_nulls().unique(maintain_order=True)
    out = fn(uniq)
    if out.height != uniq.len():
        raise RuntimeError(f"parser returned {out.height} rows for {uniq.len()} values")
    out = out.with_columns(uniq)
    return key.to_frame().join(out, on="__key", how="left", maintain_order="left").drop("__key")


def _parse(values: pl.Series, field: str, **options: Any) -> pl.DataFrame:
    from matchcore import normalize

    return _by_distinct(values, lambda u: normalize.parse(u, field, **options))


def _year(values: pl.Series, field: str, low: int, high: int) -> pl.DataFrame:
    """Years from ints or text such as ``2025``, ``2025年``, ``2025届``, ``2025-07``."""
    if values.null_count() == values.len():  # nothing given: no query
        return pl.DataFrame(
            {
                "value": pl.Series([None] * values.len(), dtype=pl.Int16),
                "reason": pl.Series([None] * values.len(), dtype=pl.Utf8),
            }
        )
    return pl.DataFrame({"v": values}).select(*_year_exprs(field, low, high))  # one query


@functools.lru_cache(maxsize=16)
def _year_exprs(field: str, low: int, high: int) -> tuple[pl.Expr, ...]:
    v = pl.col("v")
    year = v.str.normalize("NFKC").str.strip_chars().str.extract(_YEAR_RE, 1)
    year = year.cast(pl.Int32, strict=False)
    ok = year.is_between(low, high)
    reason = f"expected a year between {low} and {high}"
    return (
        pl.when(ok).then(year).cast(pl.Int16).alias("value"),
        pl.when(ok | v.is_null())
        .then(None)
        .otherwise(pl.lit(f"cannot read {field} from '") + v + f"': {reason}")
        .alias("reason"),
    )


def _int_in(values: pl.Series, field: str, low: int, high: int) -> pl.DataFrame:
    """Whole numbers such as ``3``, ``3.0``, ``3人``, ``18岁`` in [low, high]."""
    if values.str.contains(r"[零〇一二两三四五六七八九十百]").any():  # 十八岁
        from matchcore.normalize._fields import _cn_numerals

        values = pl.Series(
            [None if v is None else _cn_numerals(v) for v in values.to_list()], dtype=pl.Utf8
        )
    text = (
        values.str.normalize("NFKC").str.strip_chars().str.replace_all(r"(\d),(\d{3})", "${1}${2}")
    )
    num = text.str.extract(r"^(\d+)(?:\.0+)?\s*(?:人|名|个|位|岁|周岁)?$", 1).cast(
        pl.Int64, strict=False
    )
    ok = num.is_between(low, high)
    return pl.DataFrame(
        {
            "value": pl.select(pl.when(pl.lit(ok)).then(pl.lit(num))).to_series(),
            "reason": pl.select(
                pl.when(pl.lit(ok) | pl.lit(values).is_null())
                .then(None)
                .otherwise(
                    pl.lit(f"cannot read {field} from '")
                    + pl.lit(values)
                    + f"': expected a whole number in [{low}, {high}]"
                )
            ).to_series(),
        }
    )


def _flag(values: pl.Series, field: str) -> pl.DataFrame:
    text = values.str.normalize("NFKC").str.strip_chars().str.to_lowercase()
    value = pl.select(
        pl.when(pl.lit(text).is_in(list(_TRUE)))
        .then(True)
        .when(pl.lit(text).is_in(list(_FALSE)))
        .then(False)
        .otherwise(None)
    ).to_series()
    bad = value.is_null() & values.is_not_null()
    return pl.DataFrame(
        {
            "value": value,
            "reason": pl.select(
                pl.when(pl.lit(bad))
                .then(
                    pl.lit(f"cannot read {field} from '") + pl.lit(values) + "': expected 是 or 否"
                )
                .otherwise(None)
            ).to_series(),
        }
    )


def _occupation(values: pl.Series) -> pl.DataFrame:
    """Occupation codes: ``value`` (canonical code) and ``reason`` where unknown."""
    from matchcore import occupations

    tax = occupations.load()

    def read(u: pl.Series) -> pl.DataFrame:
        codes: list[str | None] = []
        reasons: list[str | None] = []
        for v in u.to_list():
            try:
                codes.append(tax.resolve(v))
                reasons.append(None)
            except UnknownOccupation as exc:
                codes.append(None)
                reasons.append(str(exc))
        return pl.DataFrame({"value": codes, "reason": reasons}, schema=_OCC_SCHEMA)

    return _by_distinct(values, read)


_OCC_SCHEMA = {"value": pl.Utf8, "reason": pl.Utf8}


_EXPECTED_ZH = {
    "category": "重点群体名称，如 登记失业人员、高校毕业生、就业困难人员、退役军人",
    "education": "小学、初中、高中、中专、大专、本科、硕士、博士或不限",
    "education_min": "小学、初中、高中、中专、大专、本科、硕士、博士或不限",
    "expected_salary": "如 5000-8000元/月、8千-1.2万、年薪20万、200元/天或面议",
    "salary": "如 5000-8000元/月、8千-1.2万、年薪20万、200元/天或面议",
    "salary_min": "以元/月计的正数",
    "salary_max": "以元/月计的正数",
    "experience_years": "如 3年、3-5年、一年以上、应届生或不限",
    "experience_min": "如 3年、3-5年、一年以上、应届生或不限",
    "skill_level": "如 初级工、中级工、高级工、技师、高级技师或不限",
    "skill_level_min": "如 初级工、中级工、高级工、技师、高级技师或不限",
    "professional_title": "如 初级、中级、副高级、正高级，或 助理工程师、工程师、高级工程师",
    "professional_title_min": "如 初级、中级、副高级、正高级，或 助理工程师、工程师、高级工程师",
    "graduation_year": "1950 至 2040 年之间的年份，如 2025、2025届",
    "birth_year": "1920 至 2020 年之间的年份或日期，如 1990、1990-05、19900512",
    "registered_at": "日期，如 2026-03-01、2026年3月1日",
    "posted_at": "日期，如 2026-03-01、2026年3月1日",
    "expires_at": "日期，如 2026-03-01、2026年3月1日",
    "age_min": "14 至 80 之间的整数",
    "age_max": "14 至 80 之间的整数",
    "age_range": "如 18-45岁、45岁以下、18周岁以上或不限",
    "willing_regions": "省、市、县区名称（如 济南、历下区），或 全省、本市、本县、不限",
    "region": "省、市、县区名称（如 济南、历下区）、完整地址或 6 位行政区划代码",
    "advanced_manufacturing": "是或否",
    "internship": "是或否",
    "industry_code": "GB/T 4754-2017 行业代码，如 3660 或 C3660",
    "openings": "不小于 1 的整数，如 3、3人、三名",
    "occupation_code": "职业分类大典（2022）代码，如 6-31-01-03 或 6310103",
    "desired_occupation": "职业分类大典（2022）代码，如 6-31-01-03 或 6310103",
}


def _label(field: str) -> str:
    from matchcore.records._columns import COLUMN_LABELS

    return COLUMN_LABELS.get(field, field)


def _quote(values: pl.Series) -> pl.Series:
    """Values as quoted in a reason: at most ``_QUOTE_CHARS`` characters."""
    v = pl.lit(values.cast(pl.Utf8))
    return pl.select(
        pl.when(v.str.len_chars() > _QUOTE_CHARS)
        .then(v.str.slice(0, _QUOTE_CHARS) + "…")
        .otherwise(v)
    ).to_series()


def _unreadable(field: str, values: pl.Series, then: str = "，已按空值处理") -> pl.Series:
    """``无法识别<字段>「<值>」<then>：应为 ...`` for each value."""
    expected = _EXPECTED_ZH.get(field, "")
    if expected.startswith("如 "):
        tail = f"{then}：应写作 {expected[2:]} 等"
    else:
        tail = f"{then}：应为{expected}" if expected else then
    return pl.select(
        pl.lit(f"无法识别{_label(field)}「") + pl.lit(_quote(values)) + pl.lit(f"」{tail}")
    ).to_series()


class _Problems:
    """Collects rejected rows of one table."""

    def __init__(self, table: str, rows: pl.Series, ids: pl.Series) -> None:
        self.table = table
        self.rows = rows
        self.ids = ids
        self.parts: list[pl.DataFrame] = []

    def add(
        self,
        mask: pl.Series,
        field: str,
        value: pl.Series | None,
        reason: pl.Series | str,
        severity: str,
        code: str,
    ) -> None:
        """One row per true entry of ``mask``; ``reason`` is Chinese, ``code`` one of
        :data:`REJECTED_CODES`."""
        if not mask.any():  # nulls count as False
            return
        idx = mask.fill_null(False).arg_true()
        k = idx.len()

        def pick(x: pl.Series | str | None) -> pl.Series:
            if isinstance(x, pl.Series):
                return x.gather(idx).cast(pl.Utf8)
            return pl.repeat(x, k, eager=True, dtype=pl.Utf8)

        rows = self.rows.gather(idx)
        frame = pl.DataFrame(
            {
                "table": pick(self.table),
                "row": rows,
                "line": rows + 2,
                "id": self.ids.gather(idx),
                "field": pick(field),
                "value": pick(value).str.slice(0, 200),
                "code": pick(code),
                # the message names the line a person sees, so it reads on its own
                "reason": pl.select(
                    pl.lit("第 ") + (rows + 2).cast(pl.Utf8) + " 行：" + pl.lit(pick(reason))
                ).to_series(),
                "severity": pick(severity),
            },
            schema=REJECTED_SCHEMA,
        )
        self.parts.append(frame)

    def add_table(self, column: str, reason: str, code: str) -> None:
        """A warning about the whole table (``row``, ``line`` and ``id`` empty)."""
        self.parts.append(
            pl.DataFrame(
                [(self.table, None, None, None, column, None, code, reason, "warning")],
                schema=REJECTED_SCHEMA,
                orient="row",
            )
        )

    def error_mask(self) -> pl.Series:
        n = self.rows.len()
        bad = np.zeros(n, dtype=bool)
        for part in self.parts:
            errs = part.filter(pl.col("severity") == "error")["row"].to_numpy()
            bad[errs] = True
        return pl.Series(bad)

    def frame(self, kept: pl.Series) -> pl.DataFrame:
        """All errors, and the warnings of rows that were kept."""
        if not self.parts:
            return _no_problems().clone()  # (a copy: the caller may change it in place)
        keep_rows = self.rows.filter(kept)
        out = pl.concat(self.parts)
        return out.filter(
            (pl.col("severity") == "error")
            | pl.col("row").is_null()
            | pl.col("row").is_in(keep_rows.implode())
        )


def _optional(
    problems: _Problems,
    raw: pl.Series,
    column: str,
    parsed: pl.DataFrame,
) -> pl.DataFrame:
    """Warn where an optional field could not be read, and null its value columns there."""
    if parsed["reason"].null_count() == parsed.height:  # all read: nothing to warn about
        out = parsed.clone()  # (cheap, no query)
        out.drop_in_place("reason")
        return out
    bad = parsed["reason"].is_not_null()
    problems.add(bad, column, raw, _unreadable(column, raw), "warning", "bad_value")
    return parsed.drop("reason").with_columns(
        pl.when(pl.lit(bad)).then(None).otherwise(pl.col(c)).alias(c)
        for c in parsed.columns
        if c != "reason"
    )


def _missing_columns(table: str, frame: pl.DataFrame) -> list[str]:
    cols = set(frame.columns)
    missing = []
    for need in _REQUIRED[table]:
        if isinstance(need, tuple):
            if not any(c in cols for c in need):
                missing.append(" or ".join(need))
        elif need not in cols:
            missing.append(need)
    return missing


def _column(frame: pl.DataFrame, name: str) -> pl.Series:
    if name in frame.columns:
        return _as_text(frame[name]).rename(name)
    return pl.Series(name, [None] * frame.height, dtype=pl.Utf8)


def _columns(frame: pl.DataFrame, names: tuple[str, ...]) -> dict[str, pl.Series]:
    """``_column`` of each name; the text columns are trimmed in one query (same values)."""
    out: dict[str, pl.Series] = {}
    fused = []
    schema = frame.schema
    for name in names:
        dtype = schema.get(name)
        if dtype is not None and (dtype == pl.Utf8 or dtype.is_integer()):
            fused.append(name)
        else:
            out[name] = _column(frame, name)
    if fused:
        out.update(frame.select(*_text_exprs(tuple(fused))).to_dict())
    return {name: out[name] for name in names}


@functools.lru_cache(maxsize=64)
def _text_exprs(names: tuple[str, ...]) -> tuple[pl.Expr, ...]:
    """``_as_text`` of text and integer columns as expressions (built once per set of names)."""
    exprs = []
    for name in names:
        t = pl.col(name).cast(pl.Utf8).str.strip_chars()
        empty = (t.str.len_chars() == 0) | t.is_in(_NULLS)
        exprs.append(pl.when(empty).then(None).otherwise(t).alias(name))
    return tuple(exprs)


def _clean_one(title: str) -> tuple[str | None, str | None]:
    from matchcore.normalize import clean_title

    c = clean_title(title)
    return c.core or None, c.trainee


def _clean_titles(titles: pl.Series) -> pl.DataFrame:
    """``title_core`` and ``trainee`` of each title, cleaning each distinct title once."""

    def run(u: pl.Series) -> pl.DataFrame:
        done = [_clean_one(t) for t in u.to_list()]
        return pl.DataFrame(
            {"title_core": [d[0] for d in done], "trainee": [d[1] for d in done]},
            schema={"title_core": pl.Utf8, "trainee": pl.Utf8},
        )

    return _by_distinct(titles, run)


def _region_and_city(
    problems: _Problems, raw: pl.Series, within: str, required: bool
) -> tuple[pl.Series, pl.Series]:
    from matchcore.normalize import city_of

    parsed = _parse(raw, "region", within=within)
    value, reason = parsed["value"], parsed["reason"]
    if required:
        missing = f"缺少{_label('region') if problems.table == 'seekers' else '工作地点'}"
        problems.add(
            value.is_null() & reason.is_null(), "region", raw, missing, "error", "missing_region"
        )
        ambiguous = reason.str.contains("unambiguous place").fill_null(False)
        places = reason.str.extract(r"places \((.*)\): pass", 1).fill_null("")
        problems.add(
            ambiguous,
            "region",
            raw,
            pl.select(
                pl.lit("地名「")
                + pl.lit(_quote(raw))
                + "」对应多个地方（"
                + pl.lit(places)
                + "），请写明所属城市，如 济南市市中区"
            ).to_series(),
            "error",
            "ambiguous_region",
        )
        problems.add(
            reason.is_not_null() & ~ambiguous,
            "region",
            raw,
            _unreadable("region", raw, then=""),
            "error",
            "bad_region",
        )
    city = _by_distinct(
        value,
        lambda u: pl.DataFrame(
            {"city": [city_of(c) for c in u.to_list()]}, schema={"city": pl.Utf8}
        ),
    )["city"]
    return value.rename("region_code"), city.rename("city_code")


# Willing-region words that name no place but one relative to the seeker or the service.
_WILLING_WORDS = {
    **dict.fromkeys(["全省", "省内", "本省", "全省范围", "省内均可", "省内各地"], "province"),
    **dict.fromkeys(
        ["不限", "均可", "全国", "都可以", "都行", "服从分配", "不限地区", "地区不限", "任意",
         "无要求", "不限区域", "any"], "any"),
    **dict.fromkeys(["本市", "市内", "全市", "本地", "当地", "本市内", "市区"], "city"),
    **dict.fromkeys(
        ["本县", "本区", "县内", "区内", "本县区", "本区县", "就近", "附近", "本县内", "本区内"],
        "county"),
}  # fmt: skip


_WILLING_LOOSE_RE = "(全省|省内|本省|本市|市内|全市|本县|本区|县内|区内|不限|均可|全国|服从分配)"


def _willing(
    problems: _Problems,
    raw: pl.Series,
    within: str,
    region_code: pl.Series,
    city_code: pl.Series,
) -> pl.Series:
    """Willing regions as current codes. 全省/省内 read as the province of ``within``, 不限 as
    ``within`` itself (the service's area), 本市 as the seeker's city, 本县/本区 as their county."""
    n = raw.len()
    if raw.null_count() == n:  # none given: all null, no query
        return pl.Series("willing_region_codes", [None] * n, dtype=pl.List(pl.Utf8))
    parts = (
        pl.LazyFrame({"i": np.arange(n, dtype=np.int64), "w": raw})
        .filter(pl.col("w").is_not_null())
        .with_columns(pl.col("w").str.replace_all(_SPLIT_RE, "\u0001").str.split("\u0001"))
        .explode("w")
        .filter(pl.col("w").str.len_chars() > 0)
        .collect()
    )
    parsed = _parse(parts["w"], "region", within=within)
    kind = parts["w"].str.to_lowercase().replace_strict(_WILLING_WORDS, default=None)
    # a phrase that reads as no place but holds one of the words (全省范围内, 本市各区均可)
    loose = pl.select(
        pl.when(pl.lit(parsed["reason"]).is_not_null() & pl.lit(kind).is_null()).then(
            pl.lit(parts["w"]).str.extract(_WILLING_LOOSE_RE, 1)
        )
    ).to_series()
    kind = kind.fill_null(loose.replace_strict(_WILLING_WORDS, default=None))
    at = pl.Series(parts["i"].cast(pl.UInt32))
    parts = parts.with_columns(
        code=pl.select(
            pl.when(pl.lit(kind) == "province")
            .then(pl.lit(within[:2] + "0000"))
            .when(pl.lit(kind) == "any")
            .then(pl.lit(within))
            .when(pl.lit(kind) == "city")
            .then(pl.lit(city_code.gather(at)))
            .when(pl.lit(kind) == "county")
            .then(pl.lit(region_code.gather(at)))
            .otherwise(pl.lit(parsed["value"]))
        ).to_series(),
        reason=pl.select(
            pl.when(pl.lit(kind).is_null()).then(pl.lit(parsed["reason"]))
        ).to_series(),
    )
    bad = parts.filter(pl.col("reason").is_not_null())
    if bad.height:
        mask = np.zeros(n, dtype=bool)
        reason = np.full(n, None, dtype=object)
        value = np.full(n, None, dtype=object)
        first = bad.group_by("i", maintain_order=True).first()
        idx = first["i"].to_numpy()
        mask[idx] = True
        reason[idx] = first["reason"].to_list()
        value[idx] = first["w"].to_list()
        values = pl.Series(value.tolist(), dtype=pl.Utf8)
        problems.add(
            pl.Series(mask),
            "willing_regions",
            values,
            _unreadable("willing_regions", values, then="，其余地区照常读取"),
            "warning",
            "bad_value",
        )
    lists = (
        parts.lazy()
        .filter(pl.col("code").is_not_null())
        .group_by("i", maintain_order=True)
        .agg(pl.col("code").unique(maintain_order=True))
    )
    out = (
        pl.LazyFrame({"i": np.arange(n, dtype=np.int64)})
        .join(lists, on="i", how="left", maintain_order="left")
        .select(pl.col("code").cast(pl.List(pl.Utf8)))
        .collect()["code"]
    )
    return out.rename("willing_region_codes")


_OPENINGS_UNSTATED_RE = re.compile(
    r"^(?:若干|不限|多|数|几|不定|待定|面议|大量|长期|常年|人数不限|招满为止|n)[名人个位]?"
)
_OPENINGS_RE = re.compile(
    r"^(\d+)(?:\.0+)?\s*(?:[-~～至到—]\s*\d+)?\s*(?:人|名|个|位)?"
    r"(?:以上|左右|以内|以下|上下|及以上)?$"
)


def _openings(values: pl.Series) -> pl.DataFrame:
    """Openings: ``value`` (a whole number >= 1; the low end of 3-5人), ``unstated`` (若干, 不限,
    多名: ``DEFAULT_OPENINGS``) and ``bad``. Chinese numerals read (三名, 十人)."""
    from matchcore.normalize._fields import _cn_numerals

    out: list[tuple[int | None, bool, bool]] = []
    for v in values.to_list():
        text = unicodedata.normalize("NFKC", str(v)).strip().lower().replace(",", "")
        if _OPENINGS_UNSTATED_RE.match(text):
            out.append((DEFAULT_OPENINGS, True, False))
            continue
        m = _OPENINGS_RE.match(_cn_numerals(text))
        n = int(m.group(1)) if m else 0
        ok = 1 <= n <= 1_000_000
        out.append((n if ok else None, False, not ok))
    return pl.DataFrame(
        out, schema={"value": pl.Int64, "unstated": pl.Boolean, "bad": pl.Boolean}, orient="row"
    )


def _cap_titles(problems: _Problems, titles: pl.Series, field: str) -> pl.Series:
    """Titles cut to ``MAX_TITLE_CHARS`` (a warning each): a title of 10,000 characters is
    coded by its start, not by what its tail repeats."""
    long = (titles.str.len_chars() > MAX_TITLE_CHARS).fill_null(False)
    if not long.any():
        return titles
    problems.add(
        long,
        field,
        titles,
        f"{_label(field)}超过 {MAX_TITLE_CHARS} 个字，只使用前 {MAX_TITLE_CHARS} 个字",
        "warning",
        "title_too_long",
    )
    return pl.select(
        pl.when(pl.lit(long))
        .then(pl.lit(titles).str.slice(0, MAX_TITLE_CHARS))
        .otherwise(pl.lit(titles))
    ).to_series()


def _groups(problems: _Problems, raw: pl.Series) -> pl.DataFrame:
    """``groups`` (key groups, List(Utf8)), ``category`` (unemployed/graduate/other) and the
    ``graduation_year`` a "2025届高校毕业生" names, from the category column; each distinct cell
    read once. Parts that name no group get one warning; the others are kept."""
    from matchcore.records._columns import read_groups

    def run(u: pl.Series) -> pl.DataFrame:
        done = [read_groups(v) for v in u.to_list()]
        return pl.DataFrame(
            {
                "groups": [list(d[0]) for d in done],
                "category": [d[1] for d in done],
                "graduation_year": [d[2] for d in done],
                "unknown": ["、".join(d[3]) or None for d in done],
            },
            schema={
                "groups": pl.List(pl.Utf8),
                "category": pl.Utf8,
                "graduation_year": pl.Int16,
                "unknown": pl.Utf8,
            },
        )

    out = _by_distinct(raw, run)
    unknown = out["unknown"]
    if unknown.null_count() < unknown.len():
        problems.add(
            unknown.is_not_null(),
            "category",
            raw,
            pl.select(
                pl.lit("无法识别的人员类别「")
                + pl.lit(_quote(unknown))
                + "」，其余类别照常读取：应为"
                + _EXPECTED_ZH["category"]
            ).to_series(),
            "warning",
            "unknown_group",
        )
    return out


def _rows(frame: pl.DataFrame) -> pl.Series:
    return pl.Series("row", np.arange(frame.height, dtype=np.uint32), dtype=pl.UInt32)


def _check_ids(problems: _Problems, id_col: str) -> None:
    ids, rows = problems.ids, problems.rows
    problems.add(ids.is_null(), id_col, None, f"缺少{_label(id_col)}", "error", "missing_id")
    if ids.n_unique() == ids.len():  # no id repeats (nulls count as one value)
        return
    first = (
        pl.DataFrame({"row": rows, "id": ids})
        .with_columns(first=pl.col("row").min().over("id"))
        .get_column("first")
    )
    dup = ids.is_not_null() & (first != rows)
    problems.add(
        dup,
        id_col,
        ids,
        pl.select(
            pl.lit(f"{_label(id_col)}重复：与第 ")
            + (pl.lit(first) + 2).cast(pl.Utf8)
            + " 行相同，只处理首次出现的那一行"
        ).to_series(),
        "error",
        "duplicate_id",
    )


def _occupation_from(
    problems: _Problems,
    title: pl.Series,
    code_raw: pl.Series,
    title_col: str,
    code_col: str,
) -> pl.Series:
    """Validate the title/occupation pair; return the canonical code given (null elsewhere)."""
    occ = _occupation(code_raw)
    code, reason = occ["value"], occ["reason"]
    no_title = title.is_null()
    problems.add(
        no_title & code_raw.is_null(),
        title_col,
        None,
        f"既无{_label(title_col)}也无{_label(code_col)}：匹配至少需要其中之一",
        "error",
        "missing_title",
    )
    nearest = reason.str.extract(r"nearest codes: (.*)$", 1)
    why = pl.select(
        pl.lit(f"{_label(code_col)}「")
        + pl.lit(_quote(code_raw))
        + "」不在职业分类大典（2022）中"
        + pl.when(pl.lit(nearest).is_not_null())
        .then(pl.lit("；最接近的代码：") + pl.lit(nearest))
        .otherwise(pl.lit(""))
    ).to_series()
    bad = reason.is_not_null()
    problems.add(no_title & bad, code_col, code_raw, why, "error", "unknown_occupation")
    used = pl.select(pl.lit(why) + f"，已按{_label(title_col)}编码").to_series()
    problems.add(~no_title & bad, code_col, code_raw, used, "warning", "unknown_occupation")
    return code


#: Up to this many rows, small steps run in Python rather than as polars joins (same result).
_SMALL_TABLE = 8


def _code_titles(
    coder: TitleCoderLike | None, titles: pl.Series, need: pl.Series
) -> tuple[pl.Series, pl.Series]:
    """Code the distinct titles of the rows in ``need`` once; null elsewhere."""
    todo = titles.filter(need.fill_null(False)).drop_nulls().unique(maintain_order=True)
    if todo.len() == 0:
        return (
            pl.Series([None] * titles.len(), dtype=pl.Utf8),
            pl.Series([None] * titles.len(), dtype=pl.Float64),
        )
    if coder is None:
        from matchcore.normalize import TitleCoder

        coder = TitleCoder()
    coded = coder.code(todo)
    if coded.height != todo.len():
        raise InvalidParameter.of(
            "coder",
            "prepare",
            type(coder).__name__,
            "a coder whose code() returns one row per title",
        )
    if titles.len() <= _SMALL_TABLE:  # the online path: a dict, no join
        found = dict(
            zip(
                todo.to_list(),
                zip(
                    coded["code"].cast(pl.Utf8).to_list(),
                    coded["confidence"].cast(pl.Float64).to_list(),
                ),
                strict=True,
            )
        )
        got = [
            found.get(t, (None, None)) if k else (None, None)
            for t, k in zip(titles.to_list(), need.fill_null(False).to_list(), strict=True)
        ]
        return (
            pl.Series([g[0] for g in got], dtype=pl.Utf8),
            pl.Series([g[1] for g in got], dtype=pl.Float64),
        )
    table = pl.DataFrame(
        {
            "__t": todo,
            "code": coded["code"].cast(pl.Utf8),
            "confidence": coded["confidence"].cast(pl.Float64),
        }
    )
    keep = pl.lit(need.fill_null(False))
    joined = (
        titles.rename("__t")
        .to_frame()
        .lazy()
        .join(table.lazy(), on="__t", how="left", maintain_order="left")
        .select(
            pl.when(keep).then(pl.col("code")).alias("code"),
            pl.when(keep).then(pl.col("confidence")).alias("confidence"),
        )
        .collect()
    )
    return joined["code"], joined["confidence"]


def _wish_parts(titles: pl.Series) -> list[str]:
    """The distinct specific wishes of the desired titles (each coded once, with the titles)."""
    from matchcore.normalize import generic_wish, wishes

    found = {p for t in titles.unique().drop_nulls().to_list() for p in wishes(t)}
    return sorted(p for p in found if generic_wish(p) is None)


def _with_wishes(table: pl.DataFrame, coded: dict[str, str | None]) -> pl.DataFrame:
    """Fill ``occupation_codes``: every occupation the seeker's desired title asks for.

    Each wish of :func:`matchcore.normalize.wishes` is coded on its own (``coded``: wish ->
    code); a broad wish (普工, 不限) becomes :data:`~matchcore.normalize.PRODUCTION_WORK` or
    :data:`~matchcore.normalize.ANY_WORK`; a wish the coder can place only in a major group is
    left out; a code given in ``desired_occupation`` comes first; a seeker with neither a title
    nor a code wishes for any entry-level work. A title none of whose wishes can be placed gives
    an empty list: nothing is proposed, and the seeker is left for a caseworker.
    """
    from matchcore.normalize import ANY_WORK, FIELD_WORK, generic_wish, names_a_field, wishes

    def kind(code: str | None) -> str | None:
        # a major group alone says the coder could not place the wish: no occupation, rather
        # than every job of the group (a broad wish is recognised by its words, generic_wish)
        return None if code is None or code.endswith("-00-00-00") else code

    def codes_of(title: str | None, code: str | None, conf: float | None) -> list[str]:
        found: list[str] = []
        given = kind(code)
        ps = wishes(title) if title is not None else ()
        # a code stated in desired_occupation (confidence 1) counts; a title's own coding is
        # replaced by the coding of its wishes
        if given is not None and (not ps or conf == 1.0):
            found.append(given)
        for p in ps:
            c = generic_wish(p) or kind(coded.get(p))
            if c is not None and c not in found:
                found.append(c)
        if names_a_field(title):
            found.append(FIELD_WORK)  # the major says which jobs of the field
        return found if found or title is not None else [ANY_WORK]

    # each distinct (title, code, confidence) once: a province repeats a few thousand of them
    keys = ["desired_title", "occupation_code", "occupation_confidence"]
    distinct = table.select(keys).unique(maintain_order=True)
    lists = [codes_of(*row) for row in distinct.iter_rows()]
    found = distinct.with_columns(pl.Series("occupation_codes", lists, dtype=pl.List(pl.Utf8)))
    return (
        table.drop("occupation_codes", strict=False)
        .join(found, on=keys, how="left", nulls_equal=True, maintain_order="left")
        .select(table.columns)
    )


# --------------------------------------------------------------------------------------------
# the two tables


def _seekers(
    frame: pl.DataFrame, within: str, bar: Progress
) -> tuple[pl.DataFrame, _Problems, pl.Series]:
    """Seekers without occupation coding; also returns the mask of rows still to code."""
    col = _columns(frame, SEEKER_COLUMNS)
    rows = _rows(frame)
    ids = col["seeker_id"]
    problems = _Problems("seekers", rows, ids)
    _check_ids(problems, "seeker_id")
    title = col["desired_title"]
    code = _occupation_from(
        problems, title, col["desired_occupation"], "desired_title", "desired_occupation"
    )
    region_code, city_code = _region_and_city(problems, col["region"], within, required=True)
    bar.update()
    groups = _groups(problems, col["category"])
    title = _cap_titles(problems, title, "desired_title")
    out: dict[str, pl.Series] = {
        "row": rows,
        "line": rows + 2,
        "seeker_id": ids,
        "category": groups["category"],
        "groups": groups["groups"],
        "desired_title": title,
        "title_core": _clean_titles(title)["title_core"],
        "occupation_code": code,
        "occupation_confidence": pl.select(pl.when(pl.lit(code).is_not_null()).then(1.0))
        .to_series()
        .cast(pl.Float64),
        "occupation_codes": pl.Series([None] * frame.height, dtype=pl.List(pl.Utf8)),
        "driving_class": _driving(title),
        "region_code": region_code,
        "city_code": city_code,
        "willing_region_codes": _willing(
            problems, col["willing_regions"], within, region_code, city_code
        ),
    }
    bar.update()
    out["education"] = _optional(
        problems, col["education"], "education", _parse(col["education"], "education")
    )["value"]
    out["major"] = col["major"]
    out["graduation_year"] = _optional(
        problems,
        col["graduation_year"],
        "graduation_year",
        _year(col["graduation_year"], "graduation_year", 1950, 2040),
    )["value"].fill_null(groups["graduation_year"])
    salary = _optional(
        problems,
        col["expected_salary"],
        "expected_salary",
        _parse(col["expected_salary"], "salary"),
    )
    out["salary_min"], out["salary_max"] = salary["low"], salary["high"]
    out["experience_years"] = _optional(
        problems,
        col["experience_years"],
        "experience_years",
        _parse(col["experience_years"], "experience"),
    )["min"]
    for field in ("skill_level", "professional_title"):
        out[field] = _optional(problems, col[field], field, _parse(col[field], field))["value"]
    out["birth_year"] = _optional(
        problems,
        col["birth_year"],
        "birth_year",
        _year(col["birth_year"], "birth_year", 1920, 2020),
    )["value"]
    out["registered_at"] = _optional(
        problems, col["registered_at"], "registered_at", _parse(col["registered_at"], "date")
    )["value"]
    bar.update()
    table = pl.DataFrame({k: v.rename(k) for k, v in out.items()})
    need = code.is_null() & title.is_not_null()
    return table, problems, need


#: housing offered with the job: it lets a worker take work beyond a daily commute
_HOUSING = r"包住|包吃住|包食宿|管住|提供住宿|提供宿舍|免费住宿|免费宿舍|员工宿舍|有宿舍|宿舍"


def _driving(text: pl.Series) -> pl.Series:
    """The driving licence class each text states (准驾车型: B2, C1 ...), null where none."""
    from matchcore.normalize import driving_class

    u = text.cast(pl.Utf8).unique().drop_nulls()
    found = {t: driving_class(t) for t in u.to_list()}
    return (
        text.cast(pl.Utf8)
        .replace_strict(found, default=None, return_dtype=pl.Utf8)
        .rename("driving_class")
    )


def _housing(col: dict[str, pl.Series], title: pl.Series) -> pl.Series:
    """Whether the title or requirements offer housing (包住, 宿舍 ...)."""
    found = pl.Series([False] * title.len())
    for text in (title, col["requirements"], col["description"]):
        found = found | text.cast(pl.Utf8).str.contains(_HOUSING).fill_null(False)
    return found.rename("housing")


def _salary_columns(problems: _Problems, col: dict[str, pl.Series]) -> tuple[pl.Series, pl.Series]:
    """Numeric ``salary_min``/``salary_max`` where given, else the parsed ``salary`` text."""
    lo_raw, hi_raw = col["salary_min"], col["salary_max"]
    lo_n = (
        lo_raw.str.normalize("NFKC")
        .str.replace_all(r"[,，\s元]", "")
        .cast(pl.Float64, strict=False)
    )
    hi_n = (
        hi_raw.str.normalize("NFKC")
        .str.replace_all(r"[,，\s元]", "")
        .cast(pl.Float64, strict=False)
    )
    for raw, num, name in ((lo_raw, lo_n, "salary_min"), (hi_raw, hi_n, "salary_max")):
        bad = raw.is_not_null() & (num.is_null() | (num <= 0).fill_null(False))
        problems.add(bad, name, raw, _unreadable(name, raw), "warning", "bad_value")
    lo_n = pl.select(pl.when(pl.lit(lo_n) > 0).then(pl.lit(lo_n))).to_series()
    hi_n = pl.select(pl.when(pl.lit(hi_n) > 0).then(pl.lit(hi_n))).to_series()
    numeric = lo_n.is_not_null() | hi_n.is_not_null()
    text = pl.select(pl.when(~pl.lit(numeric)).then(pl.lit(col["salary"]))).to_series()
    parsed = _optional(problems, text, "salary", _parse(text, "salary"))
    lo = pl.select(
        pl.when(pl.lit(numeric)).then(pl.lit(lo_n)).otherwise(pl.lit(parsed["low"]))
    ).to_series()
    hi = pl.select(
        pl.when(pl.lit(numeric)).then(pl.lit(hi_n)).otherwise(pl.lit(parsed["high"]))
    ).to_series()
    # a range written backwards is read the right way round
    swap = (lo > hi).fill_null(False)
    lo2 = pl.select(pl.when(pl.lit(swap)).then(pl.lit(hi)).otherwise(pl.lit(lo))).to_series()
    hi2 = pl.select(pl.when(pl.lit(swap)).then(pl.lit(lo)).otherwise(pl.lit(hi))).to_series()
    return lo2.cast(pl.Float64), hi2.cast(pl.Float64)


def _audit(col: dict[str, pl.Series], title: pl.Series) -> pl.Series:
    """Discriminatory-requirement categories found in the title and requirement text.

    Each text column is audited per distinct value (a province repeats its requirement
    phrases far more than its titles) and the categories are merged in the audit's order.
    """
    from matchcore.normalize._audit import CATEGORIES

    def run(u: pl.Series) -> pl.DataFrame:
        found = [_audit_one(t) for t in u.to_list()]
        return pl.DataFrame({"audit": found}, schema={"audit": pl.List(pl.Utf8)})

    n = title.len()
    parts = [
        _by_distinct(texts, run)["audit"]
        for texts in (title, col["requirements"], col["description"])
        if texts.null_count() < n
    ]
    if not parts:
        return pl.Series("audit", [[]] * n, dtype=pl.List(pl.Utf8))
    order = {c: i for i, c in enumerate(CATEGORIES)}
    merged = pl.DataFrame({f"a{i}": p for i, p in enumerate(parts)}).select(
        pl.concat_list([pl.col(f"a{i}").fill_null([]) for i in range(len(parts))])
        .list.unique(maintain_order=True)
        .list.eval(pl.element().sort_by(pl.element().replace_strict(order, default=99)))
        .alias("audit")
    )
    return merged["audit"]


def _audit_one(text: str) -> list[str]:
    """The categories ``audit_posting`` finds in one text, in its order."""
    from matchcore.normalize import audit_posting

    return list(dict.fromkeys(f.category for f in audit_posting(text)))


def _vacancies(
    frame: pl.DataFrame, within: str, bar: Progress
) -> tuple[pl.DataFrame, _Problems, pl.Series]:
    col = _columns(frame, VACANCY_COLUMNS)
    rows = _rows(frame)
    ids = col["vacancy_id"]
    problems = _Problems("vacancies", rows, ids)
    _check_ids(problems, "vacancy_id")
    title = col["title"]
    code = _occupation_from(problems, title, col["occupation_code"], "title", "occupation_code")
    region_code, city_code = _region_and_city(problems, col["region"], within, required=True)
    openings = _by_distinct(col["openings"], _openings)
    problems.add(
        col["openings"].is_null(), "openings", None, "缺少招聘人数", "error", "missing_openings"
    )
    problems.add(
        openings["bad"].fill_null(False),
        "openings",
        col["openings"],
        _unreadable("openings", col["openings"], then=""),
        "error",
        "bad_openings",
    )
    problems.add(
        openings["unstated"].fill_null(False),
        "openings",
        col["openings"],
        pl.select(
            pl.lit("招聘人数为「")
            + pl.lit(_quote(col["openings"]))
            + f"」，未写明具体人数，按 {DEFAULT_OPENINGS} 人处理"
        ).to_series(),
        "warning",
        "openings_unstated",
    )
    bar.update()
    title = _cap_titles(problems, title, "title")
    cleaned = _clean_titles(title)
    out: dict[str, pl.Series] = {
        "row": rows,
        "line": rows + 2,
        "vacancy_id": ids,
        "employer_id": col["employer_id"],
        "title": title,
        "title_core": cleaned["title_core"],
        "occupation_code": code,
        "occupation_confidence": pl.select(pl.when(pl.lit(code).is_not_null()).then(1.0))
        .to_series()
        .cast(pl.Float64),
        "openings": openings["value"].cast(pl.Int32),
        "region_code": region_code,
        "city_code": city_code,
    }
    out["education_min"] = _optional(
        problems, col["education_min"], "education_min", _parse(col["education_min"], "education")
    )["value"]
    out["salary_min"], out["salary_max"] = _salary_columns(problems, col)
    out["experience_min"] = _optional(
        problems,
        col["experience_min"],
        "experience_min",
        _parse(col["experience_min"], "experience"),
    )["min"]
    out["skill_level_min"] = _optional(
        problems,
        col["skill_level_min"],
        "skill_level_min",
        _parse(col["skill_level_min"], "skill_level"),
    )["value"]
    out["professional_title_min"] = _optional(
        problems,
        col["professional_title_min"],
        "professional_title_min",
        _parse(col["professional_title_min"], "professional_title"),
    )["value"]
    bar.update()
    age_min = _optional(
        problems,
        col["age_min"],
        "age_min",
        _by_distinct(col["age_min"], lambda u: _int_in(u, "age_min", 14, 80)),
    )["value"]
    age_max = _optional(
        problems,
        col["age_max"],
        "age_max",
        _by_distinct(col["age_max"], lambda u: _int_in(u, "age_max", 14, 80)),
    )["value"]
    if col["age_range"].null_count() < col["age_range"].len():  # 年龄要求: 18-45岁
        ages = _optional(
            problems, col["age_range"], "age_range", _parse(col["age_range"], "age_range")
        )
        age_min = age_min.fill_null(ages["min"].cast(pl.Int64, strict=False))
        age_max = age_max.fill_null(ages["max"].cast(pl.Int64, strict=False))
    crossed = (age_min > age_max).fill_null(False)
    problems.add(
        crossed,
        "age_max",
        col["age_max"],
        "最高年龄低于最低年龄，两者均不使用",
        "warning",
        "crossed_ages",
    )
    out["age_min"] = (
        pl.select(pl.when(~pl.lit(crossed)).then(pl.lit(age_min))).to_series().cast(pl.Int16)
    )
    out["age_max"] = (
        pl.select(pl.when(~pl.lit(crossed)).then(pl.lit(age_max))).to_series().cast(pl.Int16)
    )
    industry = industry_code(col["industry_code"])
    problems.add(
        industry.is_null() & col["industry_code"].is_not_null(),
        "industry_code",
        col["industry_code"],
        _unreadable("industry_code", col["industry_code"]),
        "warning",
        "bad_value",
    )
    out["industry_code"] = industry
    given = _optional(
        problems,
        col["advanced_manufacturing"],
        "advanced_manufacturing",
        _by_distinct(col["advanced_manufacturing"], lambda u: _flag(u, "advanced_manufacturing")),
    )["value"]
    out["advanced_manufacturing"] = given.fill_null(is_advanced_manufacturing(industry)).cast(
        pl.Boolean
    )
    internship = _optional(
        problems,
        col["internship"],
        "internship",
        _by_distinct(col["internship"], lambda u: _flag(u, "internship")),
    )["value"]
    out["internship"] = (
        internship.fill_null(cleaned["trainee"] == "见习").fill_null(False).cast(pl.Boolean)
    )
    out["session"] = col["session"]
    out["posted_at"] = _optional(
        problems, col["posted_at"], "posted_at", _parse(col["posted_at"], "date")
    )["value"]
    out["expires_at"] = _optional(
        problems, col["expires_at"], "expires_at", _parse(col["expires_at"], "date")
    )["value"]
    out["audit"] = _audit(col, title)
    out["housing"] = _housing(col, title)
    out["driving_class"] = _driving(
        pl.select(
            pl.concat_str(
                [pl.lit(title), pl.lit(col["requirements"])], separator="；", ignore_nulls=True
            )
        ).to_series()
    )
    bar.update()
    table = pl.DataFrame({k: v.rename(k) for k, v in out.items()})
    need = code.is_null() & title.is_not_null()
    return table, problems, need


_SEEKER_DTYPES = {
    "row": pl.UInt32, "line": pl.UInt32, "seeker_id": pl.Utf8, "category": pl.Utf8,
    "groups": pl.List(pl.Utf8), "desired_title": pl.Utf8,
    "title_core": pl.Utf8, "occupation_code": pl.Utf8, "occupation_confidence": pl.Float64,
    "occupation_codes": pl.List(pl.Utf8), "driving_class": pl.Utf8,
    "region_code": pl.Utf8, "city_code": pl.Utf8, "willing_region_codes": pl.List(pl.Utf8),
    "education": pl.Int8, "major": pl.Utf8, "graduation_year": pl.Int16,
    "salary_min": pl.Float64, "salary_max": pl.Float64, "experience_years": pl.Float64,
    "skill_level": pl.Int8, "professional_title": pl.Int8, "birth_year": pl.Int16,
    "registered_at": pl.Date,
}  # fmt: skip
_VACANCY_DTYPES = {
    "row": pl.UInt32, "line": pl.UInt32, "vacancy_id": pl.Utf8, "employer_id": pl.Utf8,
    "title": pl.Utf8,
    "title_core": pl.Utf8, "occupation_code": pl.Utf8, "occupation_confidence": pl.Float64,
    "openings": pl.Int32, "region_code": pl.Utf8, "city_code": pl.Utf8,
    "education_min": pl.Int8, "salary_min": pl.Float64, "salary_max": pl.Float64,
    "experience_min": pl.Float64, "skill_level_min": pl.Int8, "professional_title_min": pl.Int8,
    "age_min": pl.Int16, "age_max": pl.Int16, "industry_code": pl.Utf8,
    "advanced_manufacturing": pl.Boolean, "internship": pl.Boolean, "session": pl.Utf8,
    "posted_at": pl.Date, "expires_at": pl.Date, "audit": pl.List(pl.Utf8),
    "housing": pl.Boolean, "driving_class": pl.Utf8,
}  # fmt: skip


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


@functools.lru_cache(maxsize=1)
def _no_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=REJECTED_SCHEMA)


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
    from matchcore.records._columns import canonical

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
    from matchcore.records._columns import canonical

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
