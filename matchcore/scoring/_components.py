"""The score components: one registry of :class:`Component` objects, their formulas and constraints.

Every component maps a (seeker, vacancy) pair to [0, 1], higher is better. Its vectorised
``value`` works elementwise on broadcastable numpy arrays of the engine's features (seeker arrays
shaped ``(p, 1)``, vacancy arrays ``(1, q)``; one pair, a list of pairs or a block), its
``reference`` is a plain-Python formula over one pair of prepared rows (the slow reference the
tests compare the engine with). Unknown values are encoded as ``-1`` for the ordinal levels
(education, skill level, professional title) and ``NaN`` for numbers.

=================  ============================================================================
component          value
=================  ============================================================================
occupation         tree similarity of the codes (1 same code, 0.75 same minor group, 0 across
                   major groups); for a graduate also the similarity to the groups their major
                   trains for, whichever is higher
title              cosine of TF-IDF character 1-2-grams of the cleaned titles, rounded to 1/1024
education          1 meets the minimum (or none required), 0.5 one level short or unknown, 0 far
salary             1 when the offer's top reaches the seeker's expectation, falling linearly to 0
                   at 70 % of it; 0.5 when either side is unknown
region             1 same county (or a willing county), 0.75 same or willing city, 0.4 same or
                   willing province, 0 elsewhere
experience         years / years required, capped at 1; 1 when none required, 0.5 unknown
skill              like education on skill levels (职业技能等级); an unknown level counts as none
professional_title like skill on professional titles (职称)
priority           (advanced manufacturing + urgently needed occupation + special session +
                   trainee post for an eligible seeker) / 2, capped at 1
=================  ============================================================================

Adding a component
==================
Write its ``value`` (vectorised, over feature arrays named in ``seeker_features`` /
``vacancy_features``: the keys of ``Features.arrays``), its ``reference`` (one pair of
prepared rows, a :class:`Pair`) and, if the reason sentence should mention it, its ``reason``
(a :class:`~matchcore.scoring._phrases.Phrase`, or a function of its values), and append a
:class:`Component` to :data:`COMPONENTS` below; add a test. The engine scores it over the
distinct feature rows of each block; the reference, the reason sentences, ``MatchConfig`` (its
default weight) and the recommendations table (one column, after the others) pick it up from the
registry. :func:`registered` adds one for the length of a ``with`` block (tests, experiments).
The built-in components' phrases are in :mod:`matchcore.scoring._phrases`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray

from matchcore._errors import InvalidParameter
from matchcore.normalize import ANY_WORK, FIELD_WORK, PRODUCTION_WORK
from matchcore.occupations import load
from matchcore.scoring import _phrases as phrases
from matchcore.scoring._measures import title_table
from matchcore.scoring._phrases import Pairs, Phrase, values_phrase
from matchcore.scoring._related import (
    MAJOR_FIT,
    WITHIN_MINOR,
    major_codes,
    related_table,
    relatedness,
)

__all__ = [
    "COMPONENTS",
    "Component",
    "Pair",
    "ScoreContext",
    "component_names",
    "components",
    "default_weights",
    "education_allowed",
    "education_score",
    "experience_score",
    "level_score",
    "priority_score",
    "region_allowed",
    "region_score",
    "registered",
    "salary_score",
    "trainee_eligible",
]

F32 = np.float32


def _i(a: ArrayLike) -> NDArray[np.int32]:
    return np.asarray(a, dtype=np.int32)


def education_score(seeker: ArrayLike, minimum: ArrayLike) -> NDArray[np.float32]:
    """Education component: 1 meets, 0.5 one level short or unknown, 0 far short.

    Parameters
    ----------
    seeker, minimum : int arrays
        Education enum values; ``-1`` unknown (seeker) / not required (vacancy).

    Examples
    --------
    >>> education_score([3, 2, 1, -1, 0], [2, 3, 3, 3, -1]).tolist()
    [1.0, 0.5, 0.0, 0.5, 1.0]
    """
    s, m = _i(seeker), _i(minimum)
    out = np.where((m < 0) | (s >= m), F32(1.0), np.where((s < 0) | (s == m - 1), F32(0.5), F32(0)))
    return out.astype(F32)


def education_allowed(
    seeker: ArrayLike, minimum: ArrayLike, tolerance: int = 0
) -> NDArray[np.bool_]:
    """Hard constraint: the seeker reaches the minimum, less ``tolerance`` levels (unknown passes).

    Examples
    --------
    >>> education_allowed([2, 3, -1, 1], [3, 3, 5, 3]).tolist()
    [False, True, True, False]
    >>> education_allowed([2, 1], [3, 3], tolerance=1).tolist()
    [True, False]
    """
    s, m = _i(seeker), _i(minimum)
    return np.asarray((m < 0) | (s < 0) | (s >= m - tolerance))


def level_score(seeker: ArrayLike, minimum: ArrayLike) -> NDArray[np.float32]:
    """Skill level / professional title component: 1 meets, 0.5 one short, 0 otherwise.

    An unknown seeker level (``-1``) counts as having none, so it is one short of a lowest-level
    requirement of 0.

    Examples
    --------
    >>> level_score([2, 1, -1, -1], [2, 2, 3, -1]).tolist()
    [1.0, 0.5, 0.0, 1.0]
    """
    s, m = _i(seeker), _i(minimum)
    out = np.where((m < 0) | (s >= m), F32(1.0), np.where(s == m - 1, F32(0.5), F32(0)))
    return out.astype(F32)


def salary_score(expected: ArrayLike, offer_top: ArrayLike) -> NDArray[np.float32]:
    """Salary component from the seeker's expected minimum and the offer's top (CNY / month).

    1 when the offer reaches the expectation, linearly down to 0 at 70 % of it; 0.5 when either is
    unknown (NaN).

    Examples
    --------
    >>> salary_score([6000, 6000, 6000, np.nan], [8000, 5100, 4000, 5000]).round(3).tolist()
    [1.0, 0.5, 0.0, 0.5]
    """
    e = np.asarray(expected, dtype=np.float64)
    o = np.asarray(offer_top, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.clip((o / e - 0.7) / 0.3, 0.0, 1.0)
    return np.where(np.isnan(e) | np.isnan(o) | (e <= 0), 0.5, v).astype(F32)


def experience_score(years: ArrayLike, required: ArrayLike) -> NDArray[np.float32]:
    """Experience component: ``years / required`` capped at 1; 1 if none required, 0.5 unknown.

    Examples
    --------
    >>> experience_score([3, 1, np.nan, 0], [2, 4, 2, np.nan]).tolist()
    [1.0, 0.25, 0.5, 1.0]
    """
    y = np.asarray(years, dtype=np.float64)
    m = np.asarray(required, dtype=np.float64)
    none = np.isnan(m) | (m <= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.clip(y / m, 0.0, 1.0)
    return np.where(none, 1.0, np.where(np.isnan(y), 0.5, v)).astype(F32)


def _region_match(
    county: NDArray[np.int32],
    city: NDArray[np.int32],
    w_county: NDArray[np.int32],
    w_city: NDArray[np.int32],
    w_prov: NDArray[np.int32],
    v_county: NDArray[np.int32],
    v_city: NDArray[np.int32],
) -> tuple[NDArray[np.bool_], NDArray[np.bool_], NDArray[np.bool_]]:
    """Three boolean arrays: same county, same city, same province, honouring willing regions.

    Willing arrays have the seeker's shape plus a trailing willing axis, which is reduced away.
    """
    vc = v_county[..., None]
    vy = v_city[..., None]
    vp = ((v_city // 10000) * 10000)[..., None]
    same_county = (v_county == county) | np.any((vc == w_county) & (w_county >= 0), axis=-1)
    same_city = (v_city == city) | np.any((vy == w_city) & (w_city >= 0), axis=-1)
    same_prov = (v_city // 10000 == city // 10000) | np.any((vp == w_prov) & (w_prov >= 0), axis=-1)
    return same_county & (v_county >= 0), same_city & (v_city >= 0), same_prov & (v_city >= 0)


def region_score(
    county: ArrayLike,
    city: ArrayLike,
    w_county: ArrayLike,
    w_city: ArrayLike,
    w_prov: ArrayLike,
    v_county: ArrayLike,
    v_city: ArrayLike,
) -> NDArray[np.float32]:
    """Region component: 1 same county, 0.75 same city, 0.4 same province, 0 elsewhere.

    Seeker codes ``county``, ``city`` (6-digit ints, -1 unknown) broadcast against the vacancy's
    ``v_county``, ``v_city``; ``w_county``, ``w_city``, ``w_prov`` hold the seeker's willing
    regions with the seeker's shape plus a trailing willing axis (-1 padding), e.g. ``(n, 1, W)``
    against vacancies of shape ``(1, m)``: a willing county counts as the same county, a
    willing city as the same city, a willing province (e.g. 370000) as the same province.

    Examples
    --------
    >>> none = np.full((1, 1, 1), -1)
    >>> region_score([[370102]], [[370100]], none, none, none,
    ...              [370102, 370103, 370203, 110101], [370100, 370100, 370200, 110100]).astype(float).round(2).tolist()
    [[1.0, 0.75, 0.4, 0.0]]
    """
    args = [np.asarray(a, dtype=np.int32) for a in (county, city, w_county, w_city, w_prov)]
    vco, vci = _i(v_county), _i(v_city)
    c, y, p = _region_match(args[0], args[1], args[2], args[3], args[4], vco, vci)
    return np.where(c, F32(1.0), np.where(y, F32(0.75), np.where(p, F32(0.4), F32(0)))).astype(F32)


def region_allowed(
    city: ArrayLike,
    w_city: ArrayLike,
    w_prov: ArrayLike,
    v_city: ArrayLike,
    scope: str = "city",
) -> NDArray[np.bool_]:
    """Region hard constraint: under ``scope="city"`` the vacancy's city is the seeker's or a willing
    one (a willing county or province makes its city / all its cities willing); always True under
    ``scope="province"``.

    Examples
    --------
    >>> region_allowed([[370100]], [[[370200]]], [[[-1]]], [[370100, 370200, 370300]]).tolist()
    [[True, True, False]]
    """
    vci = _i(v_city)
    if scope == "province":
        return np.ones(np.broadcast_shapes(np.shape(city), vci.shape), dtype=bool)
    c = _i(city)
    wc = _i(w_city)
    wp = _i(w_prov)
    vy = vci[..., None]
    ok = (vci == c) | np.any((vy == wc) & (wc >= 0), axis=-1)
    ok |= np.any(((vy // 10000) * 10000 == wp) & (wp >= 0), axis=-1)
    return np.asarray(ok & (vci >= 0))


def trainee_eligible(
    category: ArrayLike, age: ArrayLike, trainee_age: tuple[int, int] = (16, 24)
) -> NDArray[np.bool_]:
    """Who may take a trainee post (就业见习岗位): graduates, and anyone aged within ``trainee_age``.

    Examples
    --------
    >>> trainee_eligible(["graduate", "other", "other", "other"], [30, 20, 30, np.nan]).tolist()
    [True, True, False, False]
    """
    cat = np.asarray(category, dtype=object)
    a = np.asarray(age, dtype=np.float64)
    young = (a >= trainee_age[0]) & (a <= trainee_age[1])
    return np.asarray((cat == "graduate") | young)


def priority_score(
    advanced_manufacturing: ArrayLike,
    urgent: ArrayLike,
    session: ArrayLike,
    internship: ArrayLike,
    eligible: ArrayLike,
) -> NDArray[np.float32]:
    """Priority component: half a point per policy flag, capped at 1.

    Flags: the employer is in advanced manufacturing, the occupation is urgently needed, the
    vacancy belongs to a special recruitment session, and it is a trainee post offered to an
    eligible seeker.

    Examples
    --------
    >>> priority_score([1, 0, 1], [0, 0, 1], [0, 0, 1], [0, 1, 1], [0, 1, 1]).tolist()
    [0.5, 0.5, 1.0]
    """
    n = (
        np.asarray(advanced_manufacturing, dtype=np.int32)
        + np.asarray(urgent, dtype=np.int32)
        + np.asarray(session, dtype=np.int32)
        + (np.asarray(internship, dtype=bool) & np.asarray(eligible, dtype=bool))
    )
    return np.minimum(F32(1.0), n.astype(F32) / F32(2.0))


# -- title and occupation: tables over distinct ids ---------------------------------------------
@dataclass(frozen=True)
class ScoreContext:
    """What a ``value`` function may read besides the feature arrays.

    Attributes
    ----------
    seeker_titles, vacancy_titles : scipy.sparse.csr_matrix
        TF-IDF rows of the distinct titles (``arrays["title"]`` indexes them).
    wish_sets, major_sets : ndarray of int32
        Wish profiles and the codes each major reaches (``Features``).
    cache : dict
        Scratch space that lives as long as one block of vacancies (e.g. a table over the
        block's codes that does not depend on the seekers).
    """

    seeker_titles: Any = None
    vacancy_titles: Any = None
    wish_sets: NDArray[np.int32] = field(default_factory=lambda: np.zeros((1, 1), np.int32))
    major_sets: NDArray[np.int32] = field(default_factory=lambda: np.zeros((1, 1), np.int32))
    cache: dict[str, Any] = field(default_factory=dict)


def occupation_value(
    s: Mapping[str, NDArray[Any]], v: Mapping[str, NDArray[Any]], ctx: ScoreContext
) -> NDArray[np.float32]:
    """Occupation component of seekers (wish profile ``s["wish"]``, major ``s["major"]``, shape
    ``(p, 1)``) x codes ``v["occ"]`` (shape ``(1, q)``): the best relatedness of any wish, or
    :data:`~matchcore.scoring._related.MAJOR_FIT` where the major trains for the posting's
    occupation and may count (see :mod:`matchcore.scoring._related`)."""
    wish = np.asarray(s["wish"]).ravel()
    major = np.asarray(s["major"]).ravel()
    codes = np.asarray(v["occ"]).ravel()
    rt = related_table()
    ws = ctx.wish_sets[wish]  # (P, W)
    out = rt.rel[ws[:, :, None], codes[None, None, :]].max(axis=1)
    if np.any(major > 0):
        mt = ctx.cache.get("major_table")
        if mt is None:  # depends on the block's codes only
            hit = rt.rel[ctx.major_sets[:, :, None], codes[None, None, :]] >= WITHIN_MINOR
            mt = np.where(hit.any(axis=1), F32(MAJOR_FIT), F32(0))
            ctx.cache["major_table"] = mt
        allowed = rt.major_allowed(ws, codes.astype(np.int64))
        out = np.maximum(out, np.where(allowed, mt[major], F32(0)))
    return out.astype(F32)


def title_value(
    s: Mapping[str, NDArray[Any]], v: Mapping[str, NDArray[Any]], ctx: ScoreContext
) -> NDArray[np.float32]:
    """Title component of title ids ``s["title"]`` (p, 1) x ``v["title"]`` (1, q)."""
    a = ctx.seeker_titles[np.asarray(s["title"]).ravel()]
    return title_table(a, ctx.vacancy_titles[np.asarray(v["title"]).ravel()])


# -- the slow reference: one pair of prepared rows ----------------------------------------------
def _lvl(x: Any) -> int:
    return -1 if x is None else int(x)


def _num(x: Any) -> float:
    return math.nan if x is None else float(x)


def _county(region: Any) -> int:
    if region is None:
        return -1
    c = int(region)
    return c if c % 100 != 0 else -1


def _city(row: Mapping[str, Any]) -> int:
    if row.get("city_code") is not None:
        return int(row["city_code"])
    if row.get("region_code") is not None:
        return int(row["region_code"]) // 100 * 100
    return -1


_BROAD = frozenset({ANY_WORK, PRODUCTION_WORK, FIELD_WORK})


@dataclass(frozen=True)
class Pair:
    """One (seeker, vacancy) pair of prepared rows, for the plain-Python reference formulas.

    ``s`` and ``v`` are rows of the prepared tables as dicts (``docs/stages.md``); the derived
    values (regions, age, ...) are worked out once a pair, in scalar Python.
    """

    s: Mapping[str, Any]
    v: Mapping[str, Any]
    config: Any  # MatchConfig (not imported: the config imports this module)
    as_of: dt.date | None = None
    title_sim: float = 0.0

    @cached_property
    def wishes(self) -> list[str]:
        wishes = self.s.get("occupation_codes")
        if wishes is None:
            code = self.s.get("occupation_code")
            wishes = [code] if code is not None else []
        return list(wishes)

    @cached_property
    def age(self) -> float:
        if self.as_of is None or self.s.get("birth_year") is None:
            return math.nan
        return float(self.as_of.year - int(self.s["birth_year"]))

    @cached_property
    def eligible(self) -> bool:
        lo, hi = self.config.trainee_age
        age = self.age
        return self.s.get("category") == "graduate" or (not math.isnan(age) and lo <= age <= hi)

    @cached_property
    def regions(self) -> tuple[int, int, int, int, set[int], set[int], set[int]]:
        """Seeker county, city, vacancy county, city, willing counties, cities, provinces."""
        w_county: set[int] = set()
        w_city: set[int] = set()
        w_prov: set[int] = set()
        for code in self.s.get("willing_region_codes") or []:
            c = int(code)
            if c % 10000 == 0:
                w_prov.add(c)
            elif c % 100 == 0:
                w_city.add(c)
            else:
                w_county.add(c)
                w_city.add(c // 100 * 100)
        return (
            _county(self.s.get("region_code")),
            _city(self.s),
            _county(self.v.get("region_code")),
            _city(self.v),
            w_county,
            w_city,
            w_prov,
        )


def occupation_reference(p: Pair) -> float:
    tax = load()
    occ = 0.0
    vc = p.v["occupation_code"]
    if vc is not None and vc in tax:
        for wish in p.wishes:
            occ = max(occ, relatedness(wish, vc))
        # the major counts for graduates and for seekers whose wish names no particular job
        specific = [w for w in p.wishes if w not in _BROAD and w in tax]
        named = {w.split("-")[0] + "-" + w.split("-")[1] for w in specific}
        broad = any(w in _BROAD for w in p.wishes)
        confirms = not specific or broad or vc[:4] in named
        if (p.s["category"] == "graduate" or broad) and confirms:
            for m in major_codes(p.s.get("major")):
                if relatedness(m, vc) >= WITHIN_MINOR:
                    occ = max(occ, MAJOR_FIT)
    return occ


def _level_reference(a: int, b: int) -> float:
    if b < 0 or a >= b:
        return 1.0
    return 0.5 if a == b - 1 else 0.0


def education_reference(p: Pair) -> float:
    se, ve = _lvl(p.s["education"]), _lvl(p.v["education_min"])
    if ve < 0 or se >= ve:
        return 1.0
    return 0.5 if se < 0 or se == ve - 1 else 0.0


def salary_reference(p: Pair) -> float:
    exp = _num(p.s["salary_min"])
    if math.isnan(exp):
        exp = _num(p.s["salary_max"])
    top = _num(p.v["salary_max"])
    if math.isnan(top):
        top = _num(p.v["salary_min"])
    if math.isnan(exp) or math.isnan(top) or exp <= 0:
        return 0.5
    return min(1.0, max(0.0, (top / exp - 0.7) / 0.3))


def region_reference(p: Pair) -> float:
    s_county, s_city, v_county, v_city, w_county, w_city, w_prov = p.regions
    if v_county >= 0 and (v_county == s_county or v_county in w_county):
        return 1.0
    if v_city >= 0 and (v_city == s_city or v_city in w_city):
        return 0.75
    if v_city >= 0 and (v_city // 10000 == s_city // 10000 or v_city // 10000 * 10000 in w_prov):
        return 0.4
    return 0.0


def experience_reference(p: Pair) -> float:
    req, yrs = _num(p.v["experience_min"]), _num(p.s["experience_years"])
    if math.isnan(req) or req <= 0:
        return 1.0
    if math.isnan(yrs):
        return 0.5
    return min(1.0, max(0.0, yrs / req))


def priority_reference(p: Pair) -> float:
    tax = load()
    flags = int(bool(p.v["advanced_manufacturing"]))
    code = p.v["occupation_code"]
    if code is not None and code in tax:
        chain = {code, *tax.ancestors(code)}
        flags += int(bool(chain.intersection(p.config.urgent_occupations)))
    flags += int(bool(p.v["session"]))
    flags += int(bool(p.v["internship"]) and p.eligible)
    return min(1.0, flags / 2.0)


# -- the registry --------------------------------------------------------------------------------
ValueFn = Callable[[Mapping[str, NDArray[Any]], Mapping[str, NDArray[Any]], ScoreContext], Any]


@dataclass(frozen=True)
class Component:
    """One score component: how it is named, computed, checked, weighted and read.

    Attributes
    ----------
    name : str
        Column name in candidate tables and key in ``MatchConfig.weights``.
    label : str
        Chinese label a caseworker reads.
    description : str
        One line on how the value is computed.
    weight : float
        Default weight (``MatchConfig.weights`` starts from the registry's).
    value : callable ``(s, v, ctx) -> ndarray of float32``
        Vectorised formula. ``s`` maps the names in ``seeker_features`` to seeker arrays of shape
        ``(p, 1)`` (plus a trailing axis for 2-d features such as ``w_city``), ``v`` the names in
        ``vacancy_features`` to vacancy arrays of shape ``(1, q)``; the result broadcasts to
        ``(p, q)``. Called on elementwise arrays too (shape ``(n,)`` both sides). ``ctx`` is a
        :class:`ScoreContext`.
    reference : callable ``(Pair) -> float``
        The same value for one pair of prepared rows in plain Python (the tests' reference).
    seeker_features, vacancy_features : tuple of str
        Keys of ``Features.arrays`` the value reads. The engine scores a component on the
        distinct rows of these features, so a block costs the distinct values, not the pairs.
    table : str, optional
        For the built-in components: the engine table they share with others (the levels,
        numbers, ... tables; see ``matchcore.scoring._index``). None (the default for a new
        component): the engine keys a table on ``seeker_features`` x ``vacancy_features``.
    group_high : float, optional
        The highest value the component can take for a vacancy outside every occupation major
        group the seeker's wishes and major relate to; None when the value does not depend on
        the occupation group (its bound is then ``high``). The exactness bound of the group
        blocking is the weighted sum of these.
    reason : Phrase or callable ``(ndarray) -> list of str or None``, optional
        What the reason sentence says of the component: a :class:`~matchcore.scoring._phrases.Phrase`
        (said pair by pair and column-wise, from any features; the built-in components' are in
        ``matchcore.scoring._phrases``), or, for a phrase that reads the value alone, a function
        from the values of many pairs to one phrase each (None or "": nothing to say). None: the
        component says nothing.
    low, high : float
        Range of the value.
    higher_is_better : bool
        A higher value never makes a pair worse.
    """

    name: str
    label: str
    description: str
    weight: float
    value: ValueFn
    reference: Callable[[Pair], float]
    seeker_features: tuple[str, ...] = ()
    vacancy_features: tuple[str, ...] = ()
    table: str | None = None
    group_high: float | None = None
    reason: Phrase | Callable[[NDArray[Any]], Sequence[str | None]] | None = None
    low: float = 0.0
    high: float = 1.0
    higher_is_better: bool = True

    @property
    def weight_key(self) -> str:
        """Key of the component's weight in ``MatchConfig.weights`` (its name)."""
        return self.name

    def bound_outside_groups(self) -> float:
        """Highest value outside the seeker's occupation groups (see ``group_high``)."""
        return self.high if self.group_high is None else self.group_high

    def phrase(self) -> Phrase | None:
        """The component's clause of the reason sentence (see ``reason``)."""
        if self.reason is None or isinstance(self.reason, Phrase):
            return self.reason
        return values_phrase(self.values_of, self.reason)

    def values_of(self, pairs: Pairs) -> NDArray[np.float32]:
        """The component's value for each of ``pairs`` (elementwise, one value a pair)."""
        sf, vf = pairs.sf, pairs.vf
        ctx = ScoreContext(sf.title_matrix, vf.title_matrix, sf.wish_sets, sf.major_sets)
        s = {f: pairs.seeker(f) for f in self.seeker_features}
        v = {f: pairs.vacancy(f) for f in self.vacancy_features}
        value = np.asarray(self.value(s, v, ctx), dtype=np.float32)
        return np.broadcast_to(value, (pairs.n,))


_LEVELS_S = ("edu", "skill", "prof", "eligible")
_LEVELS_V = ("edu", "skill", "prof", "internship", "am", "urgent", "session")

#: The registry, in the order of the component columns.
COMPONENTS: tuple[Component, ...] = (
    Component(
        "occupation", "职业", "tree similarity of occupation codes, or of the major's groups",
        0.40, occupation_value, occupation_reference, ("wish", "major"), ("occ",),
        table="occupation", group_high=0.0, reason=phrases.OCCUPATION,
    ),
    Component(
        "title", "职位名称", "TF-IDF character n-gram cosine of the cleaned titles",
        0.10, title_value, lambda p: p.title_sim, ("title",), ("title",), table="title",
        reason=phrases.TITLE,
    ),
    Component(
        "education", "学历", "meets the minimum 1, one level short 0.5, far short 0",
        0.10, lambda s, v, ctx: education_score(s["edu"], v["edu"]), education_reference,
        _LEVELS_S, _LEVELS_V, table="levels", reason=phrases.EDUCATION,
    ),
    Component(
        "salary", "薪资", "how far the offer reaches the seeker's expectation",
        0.10, lambda s, v, ctx: salary_score(s["expect"], v["offer"]), salary_reference,
        ("expect", "years"), ("offer", "exp_min"), table="numbers",
        reason=phrases.SALARY,
    ),
    Component(
        "region", "地域", "same county 1, same city 0.75, same province 0.4, elsewhere 0",
        0.10,
        lambda s, v, ctx: region_score(
            s["county"], s["city"], s["w_county"], s["w_city"], s["w_prov"], v["county"], v["city"]
        ),
        region_reference,
        ("county", "city", "w_county", "w_city", "w_prov"), ("county", "city"), table="region",
        reason=phrases.REGION,
    ),
    Component(
        "experience", "工作经验", "years over years required, capped at 1",
        0.05, lambda s, v, ctx: experience_score(s["years"], v["exp_min"]), experience_reference,
        ("expect", "years"), ("offer", "exp_min"), table="numbers", reason=phrases.EXPERIENCE,
    ),
    Component(
        "skill", "技能等级", "meets the skill level 1, one short 0.5, far short 0",
        0.05, lambda s, v, ctx: level_score(s["skill"], v["skill"]),
        lambda p: _level_reference(_lvl(p.s["skill_level"]), _lvl(p.v["skill_level_min"])),
        _LEVELS_S, _LEVELS_V, table="levels", reason=phrases.SKILL,
    ),
    Component(
        "professional_title", "职称", "meets the professional title 1, one short 0.5",
        0.05, lambda s, v, ctx: level_score(s["prof"], v["prof"]),
        lambda p: _level_reference(
            _lvl(p.s["professional_title"]), _lvl(p.v["professional_title_min"])
        ),
        _LEVELS_S, _LEVELS_V, table="levels", reason=phrases.PROFESSIONAL_TITLE,
    ),
    Component(
        "priority", "重点扶持", "advanced manufacturing, urgent occupation, trainee, session",
        0.05,
        lambda s, v, ctx: priority_score(
            v["am"], v["urgent"], v["session"], v["internship"], s["eligible"]
        ),
        priority_reference, _LEVELS_S, _LEVELS_V, table="levels", reason=phrases.PRIORITY,
    ),
)  # fmt: skip

#: the components added by :func:`registered` (tests, experiments), after :data:`COMPONENTS`
_EXTRA: list[Component] = []


def components() -> tuple[Component, ...]:
    """The registered components in column order: :data:`COMPONENTS`, then any added with
    :func:`registered`.

    Examples
    --------
    >>> [c.name for c in components()][-2:]
    ['professional_title', 'priority']
    """
    return COMPONENTS + tuple(_EXTRA)


def component_names() -> list[str]:
    """Names of the components in column order.

    Examples
    --------
    >>> component_names()[:3]
    ['occupation', 'title', 'education']
    """
    return [c.name for c in components()]


def default_weights() -> dict[str, float]:
    """Default weight of each registered component, in column order.

    Examples
    --------
    >>> default_weights()["occupation"]
    0.4
    """
    return {c.name: c.weight for c in components()}


def _check_reason(c: Component) -> None:
    """A component's reason is None, a function of its values, or a whole :class:`Phrase`."""
    where = f"Component({c.name!r}).reason"
    r = c.reason
    if r is None or (callable(r) and not isinstance(r, Phrase)):
        return
    if not isinstance(r, Phrase):
        raise InvalidParameter.of(
            where, "registered", type(r).__name__, "None, a Phrase or a function of the values"
        )
    if not (callable(r.one) and callable(r.columns)):
        raise InvalidParameter.of(
            f"{where}.one/.columns", "registered", (r.one, r.columns), "two functions"
        )
    if not isinstance(r.expr, pl.Expr):
        raise InvalidParameter.of(f"{where}.expr", "registered", r.expr, "a polars expression")


@contextmanager
def registered(*extra: Component) -> Iterator[tuple[Component, ...]]:
    """Add components to the registry for the length of a ``with`` block.

    Inside the block the engine scores them, the reference and the explanations include them,
    ``MatchConfig`` knows their default weights and the candidate tables have their columns
    (after the built-in ones). Make the ``MatchConfig`` inside the block. Not thread-safe: the
    registry is process-wide.

    Examples
    --------
    >>> bonus = Component("same_education", "学历相同", "the seeker's level is the one asked",
    ...     0.05, lambda s, v, ctx: (s["edu"] == v["edu"]).astype(np.float32),
    ...     lambda p: float(p.s["education"] == p.v["education_min"]), ("edu",), ("edu",))
    >>> with registered(bonus):
    ...     component_names()[-1]
    'same_education'
    >>> component_names()[-1]
    'priority'
    """
    names = set(component_names())
    for c in extra:
        if not isinstance(c, Component):
            raise InvalidParameter.of("component", "registered", type(c).__name__, "a Component")
        if c.name in names:
            raise InvalidParameter.of("name", "registered", c.name, "a name not yet registered")
        if c.table is not None:
            raise InvalidParameter.of(
                f"Component({c.name!r}).table", "registered", c.table,
                "None (a new component gets a table of its own)",
            )  # fmt: skip
        _check_reason(c)
        names.add(c.name)
    _EXTRA.extend(extra)
    try:
        yield components()
    finally:
        for c in extra:
            _EXTRA.remove(c)
