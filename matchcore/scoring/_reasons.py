"""Reasons for many pairs at once: the same sentences as ``_explain._one``, built column-wise.

``_explain._one`` builds one pair's sentence in Python (about 20-80 microseconds a pair), which
is the readable reference; a province run asks for ten million sentences, so this module decides
every clause with numpy over all pairs and assembles the strings with polars. A differential test
checks that both give the same sentence for every pair.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from matchcore.normalize import DRIVING_CLASSES
from matchcore.scoring._components import title_pairs
from matchcore.scoring._explain import (
    FAR_KM,
    _occupation_names,
    explain_pairs,
    level_label,
    region_name,
    registered_phrases,
)
from matchcore.scoring._features import code_table, distance_km
from matchcore.scoring._related import occupation_kind

__all__ = ["reasons"]


def _names(codes: NDArray[Any]) -> pl.Series:
    """Names of integer division codes (0 or less: 未知地区), looked up once per distinct code."""
    uniq, inv = np.unique(codes, return_inverse=True)
    table = np.array([region_name(int(c)) for c in uniq.tolist()], dtype=object)
    return pl.Series(table[inv.ravel()], dtype=pl.Utf8)


def _labels(kind: str, values: NDArray[Any]) -> pl.Series:
    uniq, inv = np.unique(values, return_inverse=True)
    table = np.array([level_label(kind, int(v)) for v in uniq.tolist()], dtype=object)
    return pl.Series(table[inv.ravel()], dtype=pl.Utf8)


def _money(x: pl.Expr) -> pl.Expr:
    return pl.when(x.is_nan()).then(pl.lit("?")).otherwise(x.round(0).cast(pl.Int64).cast(pl.Utf8))


def _g(x: pl.Expr) -> pl.Expr:
    """Python's ``format(x, "g")`` for the year counts used here (whole numbers lose the .0)."""
    return pl.when(x == x.floor()).then(x.cast(pl.Int64).cast(pl.Utf8)).otherwise(x.cast(pl.Utf8))


@lru_cache(maxsize=1)
def _occupation_labels() -> pl.Series:
    """``name code`` of every code of the code table (reference data: built once)."""
    names = _occupation_names()
    return pl.Series(
        [f"{name} {code}".strip() for name, code in zip(names, code_table().codes, strict=True)],
        dtype=pl.Utf8,
    )


def _classes(codes: NDArray[Any]) -> pl.Series:
    """Driving licence class names of codes (0: none stated -> "")."""
    names = np.array(["", *DRIVING_CLASSES], dtype=object)
    return pl.Series(names[np.asarray(codes, dtype=np.int64)].tolist(), dtype=pl.Utf8)


def _titles_of(titles: Any, idx: NDArray[Any]) -> pl.Series:
    """``titles[idx]`` as a Series, from whichever is shorter: the pairs (a few pairs of a large
    index, online) or the distinct titles (a million pairs of the whole job, gathered by polars)."""
    arr = np.asarray(titles)
    if len(idx) < len(arr):
        return pl.Series(arr[idx].tolist(), dtype=pl.Utf8)
    return pl.Series(arr.tolist(), dtype=pl.Utf8).gather(idx)


def _member(values: NDArray[Any], sets: NDArray[Any]) -> NDArray[np.bool_]:
    """values[i] in sets[i] (a 2-d array of codes padded with 0; values must be > 0 to count)."""
    if sets.ndim != 2 or sets.shape[1] == 0:
        return np.zeros(len(values), dtype=bool)
    return np.any(sets == values[:, None], axis=1)


#: Up to this many pairs (one seeker online: k of them), the pair-by-pair reference is faster
#: than setting up the column-wise query; both give the same sentences (tested).
_SMALL_PAIRS = 64


def reasons(index: Any, sf: Any, rows: NDArray[np.int64], cols: NDArray[np.int64]) -> pl.Series:
    """The reason sentence of each pair (seeker row, vacancy column), as a polars Series.

    Same text as :func:`matchcore.scoring._explain.explain_pairs`, built column-wise (or by
    that function itself for a few pairs).
    """
    if 0 < len(rows) <= _SMALL_PAIRS:
        return pl.Series("reason", explain_pairs(index, sf, rows, cols), dtype=pl.Utf8)
    return _columnwise(index, sf, rows, cols)


def _columnwise(index: Any, sf: Any, rows: NDArray[np.int64], cols: NDArray[np.int64]) -> pl.Series:
    """:func:`reasons` for many pairs: every clause decided with numpy, strings by polars."""
    vf = index.vacancies_
    ct = code_table()
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    n = len(rows)
    if n == 0:
        return pl.Series("reason", [], dtype=pl.Utf8)
    S = {k: v[rows] for k, v in sf.arrays.items() if getattr(v, "shape", (0,))[0] == sf.n}
    V = {k: v[cols] for k, v in vf.arrays.items() if getattr(v, "shape", (0,))[0] == vf.n}
    tsim = title_pairs(sf.title_matrix, S["title"], vf.title_matrix, V["title"])
    occ_kind, broad = occupation_kind(sf.wish_sets, sf.major_sets, S["wish"], S["major"], V["occ"])

    # occupation clause: labels per distinct code, gathered (no per-pair Python)
    vo = V["occ"]
    known = vo != ct.null
    vtitles = _titles_of(vf.titles, V["title"])
    stitles = _titles_of(sf.titles, S["title"])
    known_label = _occupation_labels().gather(np.where(known, vo, 0))
    majors = pl.Series(list(sf.majors), dtype=pl.Utf8).gather(S["major"])
    # region clause
    vc, sc = V["county"], S["county"]
    in_county = (vc > 0) & ((vc == sc) | _member(vc, S["w_county"]))
    vcity, scity = V["city"], S["city"]
    vprov = (vcity // 10000) * 10000
    region_kind = np.select(
        [
            in_county & (vc == sc),
            in_county,
            vcity == scity,
            _member(vcity, S["w_city"]),
            (vcity // 10000 == scity // 10000) | _member(vprov, S["w_prov"]),
        ],
        [0, 1, 2, 3, 4],
        5,
    )
    region_code = np.where(region_kind <= 1, vc, vcity)
    # education clause
    ve, se = V["edu"].astype(np.int64), S["edu"].astype(np.int64)
    edu_kind = np.select([ve < 0, se < 0, se >= ve, se == ve - 1], [0, 1, 2, 3], 4)
    # policy flags
    eligible = S["eligible"].astype(bool)
    df = pl.DataFrame(
        {
            "occ_kind": occ_kind,
            "wish": np.where(broad == 1, "不限工种", "普工"),
            "flagged": V["flagged"].astype(bool),
            "km": distance_km(S["xy"], V["xy"]).astype(np.float64),
            "housing": V["housing"].astype(bool),
            "drive_need": _classes(V["drive"]),
            "drive_have": _classes(S["drive"]),
            "known": known,
            "known_label": known_label,
            "major": majors,
            "tsim": tsim.astype(np.float64),
            "stitle": stitles,
            "vtitle": vtitles,
            "region_kind": region_kind,
            "region": _names(region_code),
            "edu_kind": edu_kind,
            "se": _labels("education", np.maximum(se, 0)),
            "ve": _labels("education", np.maximum(ve, 0)),
            "expect": S["expect"].astype(np.float64),
            "lo": V["salary_min"].astype(np.float64),
            "hi": V["salary_max"].astype(np.float64),
            "top": V["offer"].astype(np.float64),
            "req": V["exp_min"].astype(np.float64),
            "yrs": S["years"].astype(np.float64),
            "vskill": V["skill"].astype(np.int64),
            "sskill": S["skill"].astype(np.int64),
            "vprof": V["prof"].astype(np.int64),
            "sprof": S["prof"].astype(np.int64),
            "skill_need": _labels("skill", np.maximum(V["skill"], 0)),
            "skill_have": _labels("skill", np.maximum(S["skill"], 0)),
            "prof_need": _labels("professional_title", np.maximum(V["prof"], 0)),
            "prof_have": _labels("professional_title", np.maximum(S["prof"], 0)),
            "am": V["am"].astype(bool),
            "urgent": V["urgent"].astype(bool),
            "trainee": V["internship"].astype(bool) & eligible,
            "session": V["session"].astype(bool),
            "extra": _joined(registered_phrases(index, sf, rows, cols), n),
        }
    )
    label, sentence = _sentence()
    return df.with_columns(label).select(sentence).to_series()


def _joined(phrases: list[list[str | None]], n: int) -> pl.Series:
    """The phrases of the components that state their own, joined per pair (null: none)."""
    if not phrases:
        return pl.Series("extra", [None] * n, dtype=pl.Utf8)
    cols = [pl.Series(f"p{i}", p, dtype=pl.Utf8) for i, p in enumerate(phrases)]
    return (
        pl.DataFrame(cols)
        .select(pl.concat_str(pl.all(), separator="；", ignore_nulls=True).replace("", None))
        .to_series()
    )


@lru_cache(maxsize=1)
def _sentence() -> tuple[pl.Expr, pl.Expr]:
    """The ``label`` column and the reason sentence as expressions (built once, not per call)."""
    c = pl.col
    label = (
        pl.when(c("known"))
        .then(c("known_label"))
        .when(c("vtitle") == "")
        .then(pl.lit("未知职业"))
        .otherwise(c("vtitle"))
        .alias("label")
    )
    occupation = (
        pl.when(c("occ_kind") == 0)
        .then(pl.format("职业相同（{}）", c("label")))
        .when(c("occ_kind") == 1)
        .then(pl.format("职业相近（{}）", c("label")))
        .when(c("occ_kind") == 2)
        .then(pl.format("专业对口（{}→{}）", c("major"), c("label")))
        .when(c("occ_kind") == 3)
        .then(pl.format("符合{}意向（{}）", c("wish"), c("label")))
        .when(c("occ_kind") == 4)
        .then(pl.format("职业关联较弱（{}）", c("label")))
        .otherwise(pl.format("职业不同（{}）", c("label")))
    )
    flagged = pl.when(c("flagged")).then(pl.lit("注意：该岗位招聘条件含待审核内容"))
    distance = (
        pl.when(c("km").is_nan() | (c("km") < FAR_KM))
        .then(None)
        .when(c("housing"))
        .then(pl.format("距离约{}公里，提供住宿", c("km").round(0).cast(pl.Int64)))
        .otherwise(pl.format("距离约{}公里", c("km").round(0).cast(pl.Int64)))
    )
    licence = (
        pl.when(c("drive_need") == "")
        .then(None)
        .when(c("drive_have") == "")
        .then(pl.format("需{}驾照，请核实", c("drive_need")))
        .otherwise(pl.format("驾照满足（持{}，需{}）", c("drive_have"), c("drive_need")))
    )
    title = pl.when(
        (c("tsim") >= 0.5)
        & (c("stitle") != "")
        & (c("vtitle") != "")
        & (c("stitle") != c("vtitle"))
    ).then(pl.format("职位名称相近（{}/{}）", c("stitle"), c("vtitle")))
    region = (
        pl.when(c("region_kind").is_in([0, 2]))
        .then(pl.format("同在{}", c("region")))
        .when(c("region_kind") == 1)
        .then(pl.format("在意向地区{}", c("region")))
        .when(c("region_kind") == 3)
        .then(pl.format("在意向城市{}", c("region")))
        .when(c("region_kind") == 4)
        .then(pl.format("省内异地（{}）", c("region")))
        .otherwise(pl.format("外地（{}）", c("region")))
    )
    education = (
        pl.when(c("edu_kind") == 0)
        .then(pl.lit("学历不限"))
        .when(c("edu_kind") == 1)
        .then(pl.format("学历未知（要求{}）", c("ve")))
        .when(c("edu_kind") == 2)
        .then(pl.format("学历满足（{}≥{}）", c("se"), c("ve")))
        .when(c("edu_kind") == 3)
        .then(pl.format("学历差一级（{}<{}）", c("se"), c("ve")))
        .otherwise(pl.format("学历不足（{}<{}）", c("se"), c("ve")))
    )
    offer = (
        pl.when(c("lo").is_nan() | c("hi").is_nan())
        .then(_money(c("top")))
        .otherwise(pl.format("{}-{}", _money(c("lo")), _money(c("hi"))))
    )
    salary_tail = pl.format("（期望{}，提供{}）", _money(c("expect")), offer)
    salary = (
        pl.when(c("expect").is_nan() | c("top").is_nan())
        .then(None)
        .when(c("top") >= c("expect"))
        .then(pl.concat_str(pl.lit("薪资相符"), salary_tail))
        .when(c("top") >= 0.7 * c("expect"))
        .then(pl.concat_str(pl.lit("薪资略低"), salary_tail))
        .otherwise(pl.concat_str(pl.lit("薪资偏低"), salary_tail))
    )
    experience = (
        pl.when(c("req").is_nan() | (c("req") <= 0))
        .then(None)
        .when(c("yrs").is_nan())
        .then(pl.format("经验未知（要求{}年）", _g(c("req"))))
        .when(c("yrs") >= c("req"))
        .then(pl.format("经验满足（{}年≥{}年）", _g(c("yrs")), _g(c("req"))))
        .otherwise(pl.format("经验不足（{}年<{}年）", _g(c("yrs")), _g(c("req"))))
    )

    def level(name: str, need: str, have: str, need_label: str, have_label: str) -> pl.Expr:
        return (
            pl.when(c(need) < 0)
            .then(None)
            .when(c(have) >= c(need))
            .then(pl.format(f"{name}满足（{{}}）", c(have_label)))
            .otherwise(pl.format(f"{name}不足（要求{{}}）", c(need_label)))
        )

    flags = pl.concat_str(
        [
            pl.when(c("am")).then(pl.lit("先进制造业企业")),
            pl.when(c("urgent")).then(pl.lit("急需紧缺职业")),
            pl.when(c("trainee")).then(pl.lit("就业见习岗位")),
            pl.when(c("session")).then(pl.lit("专场招聘")),
        ],
        separator="、",
        ignore_nulls=True,
    )
    priority = pl.when(flags != "").then(pl.concat_str(pl.lit("重点："), flags))
    sentence = pl.concat_str(
        [
            occupation,
            title,
            region,
            distance,
            education,
            salary,
            experience,
            licence,
            level("技能等级", "vskill", "sskill", "skill_need", "skill_have"),
            level("职称", "vprof", "sprof", "prof_need", "prof_have"),
            priority,
            c("extra"),
            flagged,
        ],
        separator="；",
        ignore_nulls=True,
    )
    return label, sentence.alias("reason")
