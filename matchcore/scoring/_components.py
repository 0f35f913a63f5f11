"""The score components: their registry, their vectorised formulas and the hard constraints.

Every component maps a (seeker, vacancy) pair to [0, 1], higher is better. The functions here
work elementwise on broadcastable numpy arrays, so the same code scores one pair, a list of pairs
or a (seekers x vacancies) block. Unknown values are encoded as ``-1`` for the ordinal levels
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
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "COMPONENTS",
    "Component",
    "component_names",
    "education_allowed",
    "education_score",
    "experience_score",
    "level_score",
    "priority_score",
    "region_allowed",
    "region_score",
    "salary_score",
    "trainee_eligible",
]

F32 = np.float32


@dataclass(frozen=True)
class Component:
    """One score component: how it is named, read and weighted.

    Attributes
    ----------
    name : str
        Column name in candidate tables and key in ``MatchConfig.weights``.
    label : str
        Chinese label a caseworker reads.
    low, high : float
        Range of the value (always 0 and 1 here).
    higher_is_better : bool
        Always True here: a higher value never makes a pair worse.
    weight_key : str
        Key of its weight in :attr:`matchcore.MatchConfig.weights`.
    description : str
        One line on how the value is computed.
    """

    name: str
    label: str
    description: str
    low: float = 0.0
    high: float = 1.0
    higher_is_better: bool = True

    @property
    def weight_key(self) -> str:
        """Key of the component's weight in ``MatchConfig.weights`` (its name)."""
        return self.name


#: The registry, in the order of the component columns.
COMPONENTS: tuple[Component, ...] = (
    Component(
        "occupation", "职业", "tree similarity of occupation codes, or of the major's groups"
    ),
    Component("title", "职位名称", "TF-IDF character n-gram cosine of the cleaned titles"),
    Component("education", "学历", "meets the minimum 1, one level short 0.5, far short 0"),
    Component("salary", "薪资", "how far the offer reaches the seeker's expectation"),
    Component("region", "地域", "same county 1, same city 0.75, same province 0.4, elsewhere 0"),
    Component("experience", "工作经验", "years over years required, capped at 1"),
    Component("skill", "技能等级", "meets the skill level 1, one short 0.5, far short 0"),
    Component("professional_title", "职称", "meets the professional title 1, one short 0.5"),
    Component(
        "priority", "重点扶持", "advanced manufacturing, urgent occupation, trainee, session"
    ),
)


def component_names() -> list[str]:
    """Names of the components in column order.

    Examples
    --------
    >>> component_names()[:3]
    ['occupation', 'title', 'education']
    """
    return [c.name for c in COMPONENTS]


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
