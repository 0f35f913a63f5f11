"""The phrases of the reason sentence: what each score component, and each note, says of a pair.

A reason reads e.g. ``职业相同（电工 6-31-01-03）；同在济南市；学历满足（中专≥初中）；薪资相符（期望6000，
提供6000-8000）``: one phrase a component (or a note: the distance, the driving licence, a posting
under review), joined by ``；`` in the order of their ``place``. A :class:`Phrase` says its clause
in two ways that must agree, as a component's ``value`` and ``reference`` do:

``one``
    the reference: one pair (a :class:`OnePair`) in plain Python, from the engine's features of
    the pair;
``columns`` and ``expr``
    the fast path for many pairs: ``columns`` gathers the inputs of all pairs (a :class:`Pairs`)
    as numpy arrays or polars Series, ``expr`` is a polars expression over those columns that
    gives the phrase of each pair (null: nothing to say).

The built-in components name theirs as ``Component.reason`` (:mod:`matchcore.scoring._components`);
:data:`NOTES` holds the phrases that belong to no component. ``matchcore.scoring._reasons``
joins them into sentences; a differential test checks that both ways give the same sentence.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from matchcore._errors import MatchcoreError
from matchcore.normalize import DRIVING_CLASSES, Education, ProfessionalTitle, SkillLevel
from matchcore.normalize import region_name as _region_name
from matchcore.occupations import load
from matchcore.scoring._codes import code_table
from matchcore.scoring._measures import distance_km, title_pairs
from matchcore.scoring._related import occupation_kind

__all__ = [
    "FAR_KM",
    "NOTES",
    "OCCUPATION_PHRASES",
    "OnePair",
    "Pairs",
    "Phrase",
    "level_label",
    "region_name",
]

#: from this distance (km between county seats) a reason states it
FAR_KM = 15.0

#: the occupation clause of a reason, by kind (see ``matchcore.scoring._related.occupation_kind``)
OCCUPATION_PHRASES: dict[int, str] = {
    0: "职业相同（{label}）",
    1: "职业相近（{label}）",
    2: "专业对口（{major}→{label}）",
    3: "符合{wish}意向（{label}）",
    4: "职业关联较弱（{label}）",
    5: "职业不同（{label}）",
}

_ENUMS: dict[str, type[IntEnum]] = {
    "education": Education,
    "skill": SkillLevel,
    "professional_title": ProfessionalTitle,
}


@lru_cache(maxsize=4096)
def region_name(code: int) -> str:
    """Name of a 6-digit division code (from :func:`matchcore.normalize.region_name`).

    Examples
    --------
    >>> region_name(370100), region_name(-1)
    ('济南市', '未知地区')
    """
    if code <= 0:
        return "未知地区"
    try:
        return _region_name(f"{int(code):06d}")
    except (KeyError, ValueError, MatchcoreError):
        return str(int(code))


@lru_cache(maxsize=256)
def level_label(kind: str, value: int) -> str:
    """Chinese label of an ordinal level (``kind``: education, skill, professional_title).

    Examples
    --------
    >>> level_label("education", 5), level_label("skill", 4)
    ('本科', '高级工')
    """
    try:
        return str(getattr(_ENUMS[kind](int(value)), "label", value))
    except ValueError:
        return str(value)


@lru_cache(maxsize=1)
def _occupation_names() -> tuple[str, ...]:
    tax = load()
    return tuple(tax[c].name for c in code_table().codes)


@lru_cache(maxsize=1)
def _occupation_labels() -> pl.Series:
    """``name code`` of every code of the code table (reference data: built once)."""
    names = _occupation_names()
    return pl.Series(
        [f"{name} {code}".strip() for name, code in zip(names, code_table().codes, strict=True)],
        dtype=pl.Utf8,
    )


# -- what a phrase reads -------------------------------------------------------------------------
def _titles_of(titles: Any, idx: NDArray[Any]) -> pl.Series:
    """``titles[idx]`` as a Series, from whichever is shorter: the pairs (a few pairs of a large
    index, online) or the distinct titles (a million pairs of the whole job, gathered by polars).
    Also for the names of majors."""
    arr = np.asarray(titles)
    if len(idx) < len(arr):
        return pl.Series(arr[idx].tolist(), dtype=pl.Utf8)
    return pl.Series(arr.tolist(), dtype=pl.Utf8).gather(idx)


class Pairs:
    """Many pairs (seeker row, vacancy column) of a fitted index: the inputs of ``columns``.

    ``seeker(key)`` and ``vacancy(key)`` give the pairs' entries of a feature array
    (``Features.arrays``); the properties are worked out once and shared by the phrases.
    """

    def __init__(self, sf: Any, vf: Any, rows: NDArray[Any], cols: NDArray[Any]) -> None:
        self.sf, self.vf = sf, vf
        self.rows = np.asarray(rows, dtype=np.int64)
        self.cols = np.asarray(cols, dtype=np.int64)
        self.n = len(self.rows)
        self._s: dict[str, NDArray[Any]] = {}
        self._v: dict[str, NDArray[Any]] = {}
        #: scratch space for phrases that work something out once for all pairs
        self.cache: dict[object, Any] = {}

    def seeker(self, key: str) -> NDArray[Any]:
        if key not in self._s:
            self._s[key] = self.sf.arrays[key][self.rows]
        return self._s[key]

    def vacancy(self, key: str) -> NDArray[Any]:
        if key not in self._v:
            self._v[key] = self.vf.arrays[key][self.cols]
        return self._v[key]

    @cached_property
    def title_sim(self) -> NDArray[np.float32]:
        """Cosine of the cleaned titles (as the title component scores it)."""
        sf, vf = self.sf, self.vf
        return title_pairs(
            sf.title_matrix, self.seeker("title"), vf.title_matrix, self.vacancy("title")
        )

    @cached_property
    def occupation(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Which occupation phrase holds, and the broad wish it rests on (``occupation_kind``)."""
        return occupation_kind(
            self.sf.wish_sets, self.sf.major_sets, self.seeker("wish"), self.seeker("major"),
            self.vacancy("occ"),
        )  # fmt: skip

    @cached_property
    def seeker_titles(self) -> pl.Series:
        return _titles_of(self.sf.titles, self.seeker("title"))

    @cached_property
    def vacancy_titles(self) -> pl.Series:
        return _titles_of(self.vf.titles, self.vacancy("title"))

    @cached_property
    def majors(self) -> pl.Series:
        return _titles_of(self.sf.majors, self.seeker("major"))


@dataclass(slots=True)
class OnePair:
    """One pair for the reference ``one``: its features as plain Python values.

    ``s`` and ``v`` map the feature names the phrases declare to this pair's values (lists for
    the 2-d ones such as ``w_city``); ``pairs`` and ``i`` are the pairs it was taken from and
    its position there.
    """

    s: Mapping[str, Any]
    v: Mapping[str, Any]
    major: str
    seeker_title: str
    vacancy_title: str
    title_sim: float
    occupation_kind: int
    broad: int
    pairs: Pairs | None = None
    i: int = 0


@dataclass(frozen=True, eq=False)
class Phrase:
    """One clause of the reason sentence, said for one pair and for many.

    Compared by identity (a polars expression has no truth value to compare by).

    Attributes
    ----------
    one : callable ``(OnePair) -> str or None``
        The clause of one pair, in plain Python (the reference); None: nothing to say.
    columns : callable ``(Pairs) -> dict of str to array or Series``
        The inputs of ``expr`` for many pairs, one entry a pair.
    expr : polars.Expr
        The clause of each pair over ``columns`` (null: nothing to say).
    seeker_features, vacancy_features : tuple of str
        Keys of ``Features.arrays`` that ``one`` reads from ``OnePair.s`` / ``OnePair.v``.
    place : float
        Position in the sentence (ascending; equal places keep the registry's order). The
        built-in ones: occupation 10, title 20, region 30, distance 35, education 40, salary 50,
        experience 60, driving licence 65, skill 70, professional title 80, priority 90, a
        posting under review 100.

    Examples
    --------
    A component that says "学历正对口" right after the education clause, where the seeker has
    exactly the level the posting asks for:

    >>> import numpy as np, polars as pl, matchcore as mc
    >>> exact = mc.scoring.Phrase(
    ...     one=lambda p: "学历正对口" if 0 <= p.v["edu"] == p.s["edu"] else None,
    ...     columns=lambda p: {"hit": (p.vacancy("edu") >= 0) & (p.seeker("edu") == p.vacancy("edu"))},
    ...     expr=pl.when(pl.col("hit")).then(pl.lit("学历正对口")),
    ...     seeker_features=("edu",), vacancy_features=("edu",), place=45)
    >>> component = mc.scoring.Component(
    ...     "exact_education", "学历正对口", "the seeker has the very level asked", 0.05,
    ...     lambda s, v, ctx: ((s["edu"] == v["edu"]) & (v["edu"] >= 0)).astype(np.float32),
    ...     lambda p: float(p.v["education_min"] is not None
    ...                     and p.s["education"] == p.v["education_min"]),
    ...     ("edu",), ("edu",), reason=exact)
    >>> s, v = mc.synth.fake_prepared(20, 30, seed=0, n_cities=1)
    >>> loose = mc.MatchConfig(min_occupation=0.0, min_score=0.0)
    >>> with mc.scoring.registered(component):
    ...     table = mc.scoring.candidates(s, v, loose, k=3).to_frame()
    >>> said = table.filter(pl.col("exact_education") == 1)["reason"][0]
    >>> said.split("；")[2:4]
    ['学历满足（大专≥大专）', '学历正对口']
    """

    one: Callable[[OnePair], str | None]
    columns: Callable[[Pairs], Mapping[str, Any]]
    expr: pl.Expr
    seeker_features: tuple[str, ...] = ()
    vacancy_features: tuple[str, ...] = ()
    place: float = 95.0


# -- helpers of the column-wise forms -----------------------------------------------------------
def _names(codes: NDArray[Any]) -> pl.Series:
    """Names of integer division codes (0 or less: 未知地区), looked up once per distinct code."""
    uniq, inv = np.unique(codes, return_inverse=True)
    table = np.array([region_name(int(c)) for c in uniq.tolist()], dtype=object)
    return pl.Series(table[inv.ravel()], dtype=pl.Utf8)


def _labels(kind: str, values: NDArray[Any]) -> pl.Series:
    """Labels of level values (small integers, 0 or more), gathered from a table of them all."""
    top = int(values.max()) if len(values) else 0
    table = pl.Series([level_label(kind, v) for v in range(top + 1)], dtype=pl.Utf8)
    return table.gather(values)


def _member(values: NDArray[Any], sets: NDArray[Any]) -> NDArray[np.bool_]:
    """values[i] in sets[i] (a 2-d array of codes padded with 0; values must be > 0 to count)."""
    if sets.ndim != 2 or sets.shape[1] == 0:
        return np.zeros(len(values), dtype=bool)
    return np.any(sets == values[:, None], axis=1)


def _money(x: float) -> str:
    return "?" if math.isnan(x) else f"{x:.0f}"


def _money_expr(x: pl.Expr) -> pl.Expr:
    return pl.when(x.is_nan()).then(pl.lit("?")).otherwise(x.round(0).cast(pl.Int64).cast(pl.Utf8))


def _g(x: pl.Expr) -> pl.Expr:
    """Python's ``format(x, "g")`` for the year counts used here (whole numbers lose the .0)."""
    return pl.when(x == x.floor()).then(x.cast(pl.Int64).cast(pl.Utf8)).otherwise(x.cast(pl.Utf8))


def _f64(a: NDArray[Any]) -> NDArray[np.float64]:
    return np.asarray(a, dtype=np.float64)


def _i64(a: NDArray[Any]) -> NDArray[np.int64]:
    return np.asarray(a, dtype=np.int64)


_c = pl.col


# -- occupation ----------------------------------------------------------------------------------
def _occupation_one(p: OnePair) -> str:
    ct = code_table()
    vo = p.v["occ"]
    vname = _occupation_names()[vo] if vo != ct.null else p.vacancy_title or "未知职业"
    vcode = ct.codes[vo] if vo != ct.null else ""
    label = f"{vname} {vcode}".strip()
    wish = "不限工种" if p.broad == 1 else "普工"
    return OCCUPATION_PHRASES[p.occupation_kind].format(label=label, major=p.major, wish=wish)


def _occupation_columns(p: Pairs) -> dict[str, Any]:
    vo = p.vacancy("occ")
    known = vo != code_table().null
    kind, broad = p.occupation
    return {
        "kind": kind,
        "wish": np.where(broad == 1, "不限工种", "普工"),
        "known": known,
        "known_label": _occupation_labels().gather(np.where(known, vo, 0)),
        "vtitle": p.vacancy_titles,
        "major": p.majors,
    }


_label = (
    pl.when(_c("known"))
    .then(_c("known_label"))
    .when(_c("vtitle") == "")
    .then(pl.lit("未知职业"))
    .otherwise(_c("vtitle"))
)
OCCUPATION = Phrase(
    _occupation_one,
    _occupation_columns,
    pl.when(_c("kind") == 0)
    .then(pl.format("职业相同（{}）", _label))
    .when(_c("kind") == 1)
    .then(pl.format("职业相近（{}）", _label))
    .when(_c("kind") == 2)
    .then(pl.format("专业对口（{}→{}）", _c("major"), _label))
    .when(_c("kind") == 3)
    .then(pl.format("符合{}意向（{}）", _c("wish"), _label))
    .when(_c("kind") == 4)
    .then(pl.format("职业关联较弱（{}）", _label))
    .otherwise(pl.format("职业不同（{}）", _label)),
    (),
    ("occ",),
    place=10,
)


# -- title ---------------------------------------------------------------------------------------
def _title_one(p: OnePair) -> str | None:
    st, vt = p.seeker_title, p.vacancy_title
    if p.title_sim >= 0.5 and st and vt and st != vt:
        return f"职位名称相近（{st}/{vt}）"
    return None


TITLE = Phrase(
    _title_one,
    lambda p: {
        "tsim": _f64(p.title_sim),
        "stitle": p.seeker_titles,
        "vtitle": p.vacancy_titles,
    },
    pl.when(
        (_c("tsim") >= 0.5)
        & (_c("stitle") != "")
        & (_c("vtitle") != "")
        & (_c("stitle") != _c("vtitle"))
    ).then(pl.format("职位名称相近（{}/{}）", _c("stitle"), _c("vtitle"))),
    (),
    (),
    place=20,
)


# -- region and distance -------------------------------------------------------------------------
def _region_one(p: OnePair) -> str:
    s, v = p.s, p.v
    county, city = v["county"], v["city"]
    if county > 0 and (county == s["county"] or county in s["w_county"]):
        if county == s["county"]:
            return f"同在{region_name(county)}"
        return f"在意向地区{region_name(county)}"
    if city == s["city"]:
        return f"同在{region_name(city)}"
    if city in s["w_city"]:
        return f"在意向城市{region_name(city)}"
    if city // 10000 == s["city"] // 10000 or (city // 10000) * 10000 in s["w_prov"]:
        return f"省内异地（{region_name(city)}）"
    return f"外地（{region_name(city)}）"


def _region_columns(p: Pairs) -> dict[str, Any]:
    vc, sc = p.vacancy("county"), p.seeker("county")
    in_county = (vc > 0) & ((vc == sc) | _member(vc, p.seeker("w_county")))
    vcity, scity = p.vacancy("city"), p.seeker("city")
    vprov = (vcity // 10000) * 10000
    kind = np.select(
        [
            in_county & (vc == sc),
            in_county,
            vcity == scity,
            _member(vcity, p.seeker("w_city")),
            (vcity // 10000 == scity // 10000) | _member(vprov, p.seeker("w_prov")),
        ],
        [0, 1, 2, 3, 4],
        5,
    )
    return {"kind": kind, "name": _names(np.where(kind <= 1, vc, vcity))}


REGION = Phrase(
    _region_one,
    _region_columns,
    pl.when(_c("kind").is_in([0, 2]))
    .then(pl.format("同在{}", _c("name")))
    .when(_c("kind") == 1)
    .then(pl.format("在意向地区{}", _c("name")))
    .when(_c("kind") == 3)
    .then(pl.format("在意向城市{}", _c("name")))
    .when(_c("kind") == 4)
    .then(pl.format("省内异地（{}）", _c("name")))
    .otherwise(pl.format("外地（{}）", _c("name"))),
    ("county", "city", "w_county", "w_city", "w_prov"),
    ("county", "city"),
    place=30,
)


def _distance_one(p: OnePair) -> str | None:
    km = float(distance_km(np.asarray(p.s["xy"]), np.asarray(p.v["xy"])))
    if math.isnan(km) or km < FAR_KM:
        return None
    return f"距离约{round(km)}公里" + ("，提供住宿" if p.v["housing"] else "")


DISTANCE = Phrase(
    _distance_one,
    lambda p: {
        "km": _f64(distance_km(p.seeker("xy"), p.vacancy("xy"))),
        "housing": p.vacancy("housing").astype(bool),
    },
    pl.when(_c("km").is_nan() | (_c("km") < FAR_KM))
    .then(None)
    .when(_c("housing"))
    .then(pl.format("距离约{}公里，提供住宿", _c("km").round(0).cast(pl.Int64)))
    .otherwise(pl.format("距离约{}公里", _c("km").round(0).cast(pl.Int64))),
    ("xy",),
    ("xy", "housing"),
    place=35,
)


# -- education, salary, experience ---------------------------------------------------------------
def _education_one(p: OnePair) -> str:
    need, have = int(p.v["edu"]), int(p.s["edu"])
    if need < 0:
        return "学历不限"
    if have < 0:
        return f"学历未知（要求{level_label('education', need)}）"
    pair = f"{level_label('education', have)}{{}}{level_label('education', need)}"
    if have >= need:
        return "学历满足（" + pair.format("≥") + "）"
    if have == need - 1:
        return "学历差一级（" + pair.format("<") + "）"
    return "学历不足（" + pair.format("<") + "）"


def _education_columns(p: Pairs) -> dict[str, Any]:
    need, have = _i64(p.vacancy("edu")), _i64(p.seeker("edu"))
    return {
        "kind": np.select([need < 0, have < 0, have >= need, have == need - 1], [0, 1, 2, 3], 4),
        "have": _labels("education", np.maximum(have, 0)),
        "need": _labels("education", np.maximum(need, 0)),
    }


EDUCATION = Phrase(
    _education_one,
    _education_columns,
    pl.when(_c("kind") == 0)
    .then(pl.lit("学历不限"))
    .when(_c("kind") == 1)
    .then(pl.format("学历未知（要求{}）", _c("need")))
    .when(_c("kind") == 2)
    .then(pl.format("学历满足（{}≥{}）", _c("have"), _c("need")))
    .when(_c("kind") == 3)
    .then(pl.format("学历差一级（{}<{}）", _c("have"), _c("need")))
    .otherwise(pl.format("学历不足（{}<{}）", _c("have"), _c("need"))),
    ("edu",),
    ("edu",),
    place=40,
)


def _salary_one(p: OnePair) -> str | None:
    exp, top = float(p.s["expect"]), float(p.v["offer"])
    lo, hi = float(p.v["salary_min"]), float(p.v["salary_max"])
    if math.isnan(exp) or math.isnan(top):
        return None
    offer = _money(top) if math.isnan(lo) or math.isnan(hi) else f"{_money(lo)}-{_money(hi)}"
    word = "相符" if top >= exp else "略低" if top >= 0.7 * exp else "偏低"
    return f"薪资{word}（期望{_money(exp)}，提供{offer}）"


_offer = (
    pl.when(_c("lo").is_nan() | _c("hi").is_nan())
    .then(_money_expr(_c("top")))
    .otherwise(pl.format("{}-{}", _money_expr(_c("lo")), _money_expr(_c("hi"))))
)
_salary_tail = pl.format("（期望{}，提供{}）", _money_expr(_c("expect")), _offer)
SALARY = Phrase(
    _salary_one,
    lambda p: {
        "expect": _f64(p.seeker("expect")),
        "lo": _f64(p.vacancy("salary_min")),
        "hi": _f64(p.vacancy("salary_max")),
        "top": _f64(p.vacancy("offer")),
    },
    pl.when(_c("expect").is_nan() | _c("top").is_nan())
    .then(None)
    .when(_c("top") >= _c("expect"))
    .then(pl.concat_str(pl.lit("薪资相符"), _salary_tail))
    .when(_c("top") >= 0.7 * _c("expect"))
    .then(pl.concat_str(pl.lit("薪资略低"), _salary_tail))
    .otherwise(pl.concat_str(pl.lit("薪资偏低"), _salary_tail)),
    ("expect",),
    ("salary_min", "salary_max", "offer"),
    place=50,
)


def _experience_one(p: OnePair) -> str | None:
    req, yrs = float(p.v["exp_min"]), float(p.s["years"])
    if math.isnan(req) or req <= 0:
        return None
    if math.isnan(yrs):
        return f"经验未知（要求{req:g}年）"
    if yrs >= req:
        return f"经验满足（{yrs:g}年≥{req:g}年）"
    return f"经验不足（{yrs:g}年<{req:g}年）"


EXPERIENCE = Phrase(
    _experience_one,
    lambda p: {"req": _f64(p.vacancy("exp_min")), "yrs": _f64(p.seeker("years"))},
    pl.when(_c("req").is_nan() | (_c("req") <= 0))
    .then(None)
    .when(_c("yrs").is_nan())
    .then(pl.format("经验未知（要求{}年）", _g(_c("req"))))
    .when(_c("yrs") >= _c("req"))
    .then(pl.format("经验满足（{}年≥{}年）", _g(_c("yrs")), _g(_c("req"))))
    .otherwise(pl.format("经验不足（{}年<{}年）", _g(_c("yrs")), _g(_c("req")))),
    ("years",),
    ("exp_min",),
    place=60,
)


# -- driving licence, skill level, professional title ---------------------------------------------
def _licence_one(p: OnePair) -> str | None:
    need, have = int(p.v["drive"]), int(p.s["drive"])
    if need <= 0:
        return None
    if have > 0:
        return f"驾照满足（持{DRIVING_CLASSES[have - 1]}，需{DRIVING_CLASSES[need - 1]}）"
    return f"需{DRIVING_CLASSES[need - 1]}驾照，请核实"


def _classes(codes: NDArray[Any]) -> pl.Series:
    """Driving licence class names of codes (0: none stated -> "")."""
    names = np.array(["", *DRIVING_CLASSES], dtype=object)
    return pl.Series(names[_i64(codes)].tolist(), dtype=pl.Utf8)


LICENCE = Phrase(
    _licence_one,
    lambda p: {"need": _classes(p.vacancy("drive")), "have": _classes(p.seeker("drive"))},
    pl.when(_c("need") == "")
    .then(None)
    .when(_c("have") == "")
    .then(pl.format("需{}驾照，请核实", _c("need")))
    .otherwise(pl.format("驾照满足（持{}，需{}）", _c("have"), _c("need"))),
    ("drive",),
    ("drive",),
    place=65,
)


def _level(feature: str, kind: str, name: str, place: float) -> Phrase:
    """The phrase of a level that a posting may ask for (skill level, professional title)."""

    def one(p: OnePair) -> str | None:
        need, have = int(p.v[feature]), int(p.s[feature])
        if need < 0:
            return None
        if have >= need:
            return f"{name}满足（{level_label(kind, have)}）"
        return f"{name}不足（要求{level_label(kind, need)}）"

    def columns(p: Pairs) -> dict[str, Any]:
        need, have = _i64(p.vacancy(feature)), _i64(p.seeker(feature))
        return {
            "need": need,
            "have": have,
            "need_label": _labels(kind, np.maximum(need, 0)),
            "have_label": _labels(kind, np.maximum(have, 0)),
        }

    expr = (
        pl.when(_c("need") < 0)
        .then(None)
        .when(_c("have") >= _c("need"))
        .then(pl.format(f"{name}满足（{{}}）", _c("have_label")))
        .otherwise(pl.format(f"{name}不足（要求{{}}）", _c("need_label")))
    )
    return Phrase(one, columns, expr, (feature,), (feature,), place)


SKILL = _level("skill", "skill", "技能等级", 70)
PROFESSIONAL_TITLE = _level("prof", "professional_title", "职称", 80)


# -- priority ------------------------------------------------------------------------------------
def _priority_one(p: OnePair) -> str | None:
    v = p.v
    flags = [
        word
        for word, on in (
            ("先进制造业企业", v["am"]),
            ("急需紧缺职业", v["urgent"]),
            ("就业见习岗位", v["internship"] and p.s["eligible"]),
            ("专场招聘", v["session"]),
        )
        if on
    ]
    return "重点：" + "、".join(flags) if flags else None


_flags = pl.concat_str(
    [
        pl.when(_c("am")).then(pl.lit("先进制造业企业")),
        pl.when(_c("urgent")).then(pl.lit("急需紧缺职业")),
        pl.when(_c("trainee")).then(pl.lit("就业见习岗位")),
        pl.when(_c("session")).then(pl.lit("专场招聘")),
    ],
    separator="、",
    ignore_nulls=True,
)
PRIORITY = Phrase(
    _priority_one,
    lambda p: {
        "am": p.vacancy("am").astype(bool),
        "urgent": p.vacancy("urgent").astype(bool),
        "trainee": p.vacancy("internship").astype(bool) & p.seeker("eligible").astype(bool),
        "session": p.vacancy("session").astype(bool),
    },
    pl.when(_flags != "").then(pl.concat_str(pl.lit("重点："), _flags)),
    ("eligible",),
    ("am", "urgent", "internship", "session"),
    place=90,
)


# -- a posting under review ----------------------------------------------------------------------
FLAGGED = Phrase(
    lambda p: "注意：该岗位招聘条件含待审核内容" if p.v["flagged"] else None,
    lambda p: {"flagged": p.vacancy("flagged").astype(bool)},
    pl.when(_c("flagged")).then(pl.lit("注意：该岗位招聘条件含待审核内容")),
    (),
    ("flagged",),
    place=100,
)

#: the phrases that belong to no score component: the distance, the driving licence (a hard
#: constraint) and the note on a posting under review
NOTES: tuple[Phrase, ...] = (DISTANCE, LICENCE, FLAGGED)


def values_phrase(
    value_of: Callable[[Pairs], NDArray[Any]],
    say: Callable[[NDArray[Any]], Any],
    place: float = 95.0,
) -> Phrase:
    """A phrase read off a component's value alone: ``say(values)`` gives one phrase (or None)
    per value. ``value_of(pairs)`` is the component's value over the pairs; ``one`` says a pair's
    phrase from its single value, ``columns`` all of them at once."""

    key = object()

    def values(p: Pairs) -> NDArray[Any]:
        if key not in p.cache:
            p.cache[key] = value_of(p)
        return p.cache[key]

    def one(p: OnePair) -> str | None:
        assert p.pairs is not None
        said = next(iter(say(values(p.pairs)[p.i : p.i + 1])))
        return str(said) if said else None

    def columns(p: Pairs) -> dict[str, Any]:
        said = [str(x) if x else None for x in say(values(p))]
        return {"text": pl.Series(said, dtype=pl.Utf8)}

    return Phrase(one, columns, _c("text"), place=place)
