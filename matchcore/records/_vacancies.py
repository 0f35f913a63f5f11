"""The vacancies table of :func:`~matchcore.records.prepare`: openings, salary, ages, audit."""

from __future__ import annotations

import re
import unicodedata

import polars as pl

from matchcore._progress import Progress
from matchcore.normalize import audit_posting
from matchcore.normalize._audit import CATEGORIES
from matchcore.normalize._fields import _cn_numerals
from matchcore.records._cells import (
    DEFAULT_OPENINGS,
    _by_distinct,
    _cap_titles,
    _check_ids,
    _clean_titles,
    _columns,
    _driving,
    _flag,
    _int_in,
    _occupation_from,
    _optional,
    _parse,
    _Problems,
    _quote,
    _region_and_city,
    _rows,
    _unreadable,
)
from matchcore.records._columns import VACANCY_COLUMNS
from matchcore.records._industry import industry_code, is_advanced_manufacturing

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


#: housing offered with the job: it lets a worker take work beyond a daily commute
_HOUSING = r"包住|包吃住|包食宿|管住|提供住宿|提供宿舍|免费住宿|免费宿舍|员工宿舍|有宿舍|宿舍"


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


def _audit(col: dict[str, pl.Series], title: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Discriminatory-requirement categories found in the title and requirement text, and the
    words found for each (joined by 、), in the audit's order of categories.

    Each text column is audited per distinct value (a province repeats its requirement
    phrases far more than its titles); the findings of a posting's texts are merged only for the
    few postings with any.
    """

    def run(u: pl.Series) -> pl.DataFrame:
        found = [[f"{f.category}\t{'、'.join(f.words)}" for f in audit_posting(t)] for t in u]
        return pl.DataFrame({"found": found}, schema={"found": pl.List(pl.Utf8)})

    n = title.len()
    parts = [
        _by_distinct(texts, run)["found"].fill_null([])
        for texts in (title, col["requirements"], col["description"])
        if texts.null_count() < n
    ]
    rows: list[int] = []
    cats: list[list[str]] = []
    words: list[list[str]] = []
    if parts:
        found_any = pl.DataFrame({f"a{i}": p for i, p in enumerate(parts)}).select(
            pl.any_horizontal([pl.col(f"a{i}").list.len() > 0 for i in range(len(parts))])
        )
        rows = found_any.to_series().arg_true().to_list()
        order = {c: i for i, c in enumerate(CATEGORIES)}
        lists = [p.gather(rows).to_list() for p in parts]  # the flagged postings only
        for i in range(len(rows)):
            merged: dict[str, list[str]] = {}
            for found in lists:
                for entry in found[i]:
                    cat, ws = entry.split("\t", 1)
                    seen = merged.setdefault(cat, [])
                    seen.extend(w for w in ws.split("、") if w and w not in seen)
            keys = sorted(merged, key=lambda c: order.get(c, len(order)))
            cats.append(keys)
            words.append(["、".join(merged[c]) for c in keys])
    flagged = pl.DataFrame(
        {"i": rows, "audit": cats, "audit_words": words},
        schema={"i": pl.UInt32, "audit": pl.List(pl.Utf8), "audit_words": pl.List(pl.Utf8)},
    )
    out = (
        pl.DataFrame({"i": pl.arange(0, n, dtype=pl.UInt32, eager=True)})
        .join(flagged, on="i", how="left", maintain_order="left")
        .select(pl.col("audit", "audit_words").fill_null([]))
    )
    return out["audit"], out["audit_words"]


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
    out["audit"], out["audit_words"] = _audit(col, title)
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
