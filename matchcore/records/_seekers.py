"""The seekers table of :func:`~matchcore.records.prepare`: key groups, willing regions, wishes."""

from __future__ import annotations

import numpy as np
import polars as pl

from matchcore._progress import Progress
from matchcore.normalize import ANY_WORK, FIELD_WORK, generic_wish, names_a_field, wishes
from matchcore.records._cells import (
    _EXPECTED_ZH,
    _SPLIT_RE,
    _by_distinct,
    _cap_titles,
    _check_ids,
    _clean_titles,
    _columns,
    _driving,
    _occupation_from,
    _optional,
    _parse,
    _Problems,
    _quote,
    _region_and_city,
    _rows,
    _unreadable,
    _year,
)
from matchcore.records._columns import SEEKER_COLUMNS, read_groups

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


def _groups(problems: _Problems, raw: pl.Series) -> pl.DataFrame:
    """``groups`` (key groups, List(Utf8)), ``category`` (unemployed/graduate/other) and the
    ``graduation_year`` a "2025届高校毕业生" names, from the category column; each distinct cell
    read once. Parts that name no group get one warning; the others are kept."""

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


def _wish_parts(titles: pl.Series) -> list[str]:
    """The distinct specific wishes of the desired titles (each coded once, with the titles)."""
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
