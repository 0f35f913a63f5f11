"""Reading the cells of raw tables: text, years, flags, codes, regions and titles, each parsed once
per distinct value; the problems found, as rows of ``rejected``.

Shared by :mod:`._seekers`, :mod:`._vacancies` and :mod:`._prepare`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Protocol

import numpy as np
import polars as pl

from matchcore import normalize, occupations
from matchcore._errors import InvalidParameter, UnknownOccupation
from matchcore.normalize import TitleCoder, city_of, clean_title, driving_class
from matchcore.normalize._fields import _cn_numerals
from matchcore.records._columns import COLUMN_LABELS, REJECTED_SCHEMA
from matchcore.records._columns import REQUIRED_COLUMNS as _REQUIRED

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


class TitleCoderLike(Protocol):
    """What :func:`prepare` needs of a title coder: ``code(titles)`` -> a table with ``code`` and
    ``confidence``, one row per title in order (:class:`matchcore.normalize.TitleCoder` is one)."""

    def code(self, titles: Any) -> pl.DataFrame: ...


@functools.lru_cache(maxsize=1)
def _no_problems() -> pl.DataFrame:
    return pl.DataFrame(schema=REJECTED_SCHEMA)


def _driving(text: pl.Series) -> pl.Series:
    """The driving licence class each text states (准驾车型: B2, C1 ...), null where none."""
    u = text.cast(pl.Utf8).unique().drop_nulls()
    found = {t: driving_class(t) for t in u.to_list()}
    return (
        text.cast(pl.Utf8)
        .replace_strict(found, default=None, return_dtype=pl.Utf8)
        .rename("driving_class")
    )
