"""``MatchConfig``: every knob of a matching job in one frozen, JSON-round-tripping dataclass.

Scoring owns the weights and the hard constraints; the whole job adds its own keys. To add a key:
add a field with a default, and (if its type needs more than the generic check) a validator in
``_VALIDATORS``; ``to_dict`` / ``from_dict`` pick it up from the dataclass fields.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from matchcore._errors import InvalidParameter
from matchcore.scoring._components import component_names, components, default_weights

__all__ = ["AUTO_EXACT_PAIRS", "DEFAULT_WEIGHTS", "RECOMMEND_EPS_FACTOR", "MatchConfig"]

#: ``assignment="auto"`` solves exactly up to this many candidate pairs, by auction above
AUTO_EXACT_PAIRS = 2_000_000

ASSIGNMENT_METHODS = ("auto", "exact", "auction", "greedy", "stable")

#: the recommendations' auction bids in steps this many times ``auction_eps``
RECOMMEND_EPS_FACTOR = 5.0

#: Default weight of each built-in score component, from the registry
#: (:data:`matchcore.scoring.COMPONENTS`). They are normalised to sum to 1 when scores are
#: computed, so only their ratios matter.
DEFAULT_WEIGHTS: dict[str, float] = default_weights()

_OWNER = "MatchConfig"


def _bad(name: str, value: object, expected: str) -> InvalidParameter:
    return InvalidParameter.of(name, _OWNER, value, expected)


def _check_int(name: str, value: object, lo: int, hi: float = math.inf) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        hi_s = "inf)" if hi == math.inf else f"{int(hi)}]"
        raise _bad(name, value, f"an int in [{lo}, {hi_s}")


class _ReadOnlyWeights(dict[str, float]):
    """The weights of a :class:`MatchConfig`: a dict that cannot be changed in place."""

    def _read_only(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(
            "MatchConfig.weights is read-only: make a new config, e.g. "
            "dataclasses.replace(cfg, weights={**cfg.weights, 'occupation': 0.5})"
        )

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _read_only
    __ior__ = _read_only

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self),))


def _check_weights(cfg: MatchConfig) -> None:
    w = cfg.weights
    if not isinstance(w, Mapping):
        raise _bad("weights", w, "a mapping of component name to a non-negative weight")
    known = component_names()
    unknown = [k for k in w if k not in known]
    if unknown:
        raise _bad(
            f"weights[{unknown[0]!r}]",
            w[unknown[0]],
            f"a weight of a known component; valid components: {sorted(known)}",
        )
    for k, v in w.items():
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
            raise _bad(f"weights[{k!r}]", v, "a finite number >= 0")
    if sum(float(v) for v in w.values()) <= 0:
        raise _bad("weights", dict(w), "weights with a positive sum")


def _check_age_pair(name: str) -> Callable[[MatchConfig], None]:
    def check(cfg: MatchConfig) -> None:
        v = getattr(cfg, name)
        ok = (
            isinstance(v, tuple)
            and len(v) == 2
            and all(isinstance(x, int) and not isinstance(x, bool) for x in v)
            and 0 <= v[0] <= v[1] <= 120
        )
        if not ok:
            raise _bad(name, v, "a pair (min_age, max_age) of ints with 0 <= min <= max <= 120")

    return check


def _check_scope(cfg: MatchConfig) -> None:
    if cfg.scope not in ("city", "province"):
        raise _bad("scope", cfg.scope, "one of 'city', 'province'")


def _check_codes(cfg: MatchConfig) -> None:
    v = cfg.urgent_occupations
    if not isinstance(v, tuple) or not all(isinstance(c, str) for c in v):
        raise _bad("urgent_occupations", v, "a tuple of occupation codes such as '6-31-01-03'")
    from matchcore.occupations import load

    tax = load()
    for c in v:
        if c not in tax:
            raise _bad("urgent_occupations", c, "a code of the 2022 classification")


def _check_as_of(cfg: MatchConfig) -> None:
    if cfg.as_of is not None and not isinstance(cfg.as_of, dt.date):
        raise _bad(
            "as_of", cfg.as_of, "a datetime.date or None (None: the latest date in the data)"
        )


def _check_bool(name: str) -> Callable[[MatchConfig], None]:
    def check(cfg: MatchConfig) -> None:
        if not isinstance(getattr(cfg, name), bool):
            raise _bad(name, getattr(cfg, name), "True or False")

    return check


def _check_within(cfg: MatchConfig) -> None:
    v = cfg.within
    if not (isinstance(v, str) and len(v) == 6 and v.isdigit() and v.endswith("00")):
        raise _bad("within", v, "a 6-digit province or city code such as '370000'")


def _check_assignment(cfg: MatchConfig) -> None:
    if cfg.assignment not in ASSIGNMENT_METHODS:
        raise _bad(
            "assignment", cfg.assignment, "one of 'auto', 'exact', 'auction', 'greedy', 'stable'"
        )


def _check_eps(cfg: MatchConfig) -> None:
    v = cfg.auction_eps
    if isinstance(v, bool) or not isinstance(v, int | float) or not 0 < v < 1:
        raise _bad("auction_eps", v, "a float in (0, 1)")


def _check_congestion(cfg: MatchConfig) -> None:
    v = cfg.congestion
    ok = v is None or v == "auto"
    ok = ok or (isinstance(v, int | float) and not isinstance(v, bool) and 0 < v < math.inf)
    if not ok:
        raise _bad(
            "congestion",
            v,
            "'auto', None (plain top-k) or a positive number of showings per opening",
        )


def _check_price(cfg: MatchConfig) -> None:
    v = cfg.congestion_price
    if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v < math.inf:
        raise _bad("congestion_price", v, "a float in [0, inf)")


def _check_keep_margin(cfg: MatchConfig) -> None:
    v = cfg.keep_margin
    if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v < math.inf:
        raise _bad("keep_margin", v, "a float in [0, inf) (score units)")


def _check_assign_candidates(cfg: MatchConfig) -> None:
    if cfg.assign_candidates is not None:
        _check_int("assign_candidates", cfg.assign_candidates, 1)


def _check_unit(name: str) -> Callable[[MatchConfig], None]:
    def check(cfg: MatchConfig) -> None:
        v = getattr(cfg, name)
        if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1:
            raise _bad(name, v, "a float in [0, 1]")

    return check


def _check_commute(cfg: MatchConfig) -> None:
    v = cfg.max_commute_km
    ok = v is None or (isinstance(v, int | float) and not isinstance(v, bool) and 0 < v < math.inf)
    if not ok:
        raise _bad("max_commute_km", v, "a positive number of kilometres, or None (no limit)")


_VALIDATORS: dict[str, Callable[[MatchConfig], None]] = {
    "weights": _check_weights,
    "top_k": lambda c: _check_int("top_k", c.top_k, 1),
    "candidates": lambda c: _check_int("candidates", c.candidates, 1),
    "scope": _check_scope,
    "education_tolerance": lambda c: _check_int("education_tolerance", c.education_tolerance, 0, 1),
    "legal_working_age": _check_age_pair("legal_working_age"),
    "trainee_age": _check_age_pair("trainee_age"),
    "vacancy_age_limits": _check_bool("vacancy_age_limits"),
    "urgent_occupations": _check_codes,
    "as_of": _check_as_of,
    "seed": lambda c: _check_int("seed", c.seed, 0),
    "within": _check_within,
    "assignment": _check_assignment,
    "congestion": _check_congestion,
    "congestion_price": _check_price,
    "assign_candidates": _check_assign_candidates,
    "auction_eps": _check_eps,
    "min_occupation": _check_unit("min_occupation"),
    "min_score": _check_unit("min_score"),
    "max_commute_km": _check_commute,
    "include_flagged": _check_bool("include_flagged"),
    "min_experience_share": _check_unit("min_experience_share"),
    "keep_margin": _check_keep_margin,
}


@dataclass(frozen=True)
class MatchConfig:
    """Settings of a matching job: score weights, hard constraints and sizes.

    Parameters
    ----------
    weights : dict of str to float
        Weight of each score component (names in :data:`matchcore.scoring.COMPONENTS`); missing
        components take their default, and the weights are normalised to sum to 1.
    top_k : int, default 10
        Recommendations kept per seeker.
    candidates : int, default 50
        Candidate vacancies generated per seeker (K of candidate generation).
    scope : {"city", "province"}, default "city"
        Region hard constraint: ``"city"`` considers only vacancies in the seeker's city and in the
        cities of their willing regions; ``"province"`` considers every vacancy (region is then
        only a score component).
    education_tolerance : {0, 1}, default 0
        How many education levels below a vacancy's minimum a seeker may be and still pass.
    legal_working_age : (int, int), default (16, 65)
        Seekers whose age (from ``birth_year`` and ``as_of``) is outside get no candidates.
    trainee_age : (int, int), default (16, 24)
        Ages eligible for trainee posts (就业见习岗位); graduates are eligible at any age.
    vacancy_age_limits : bool, default True
        Enforce a vacancy's own ``age_min`` / ``age_max``: the employer screens on them, so
        proposing a seeker outside them costs the seeker a wasted application. Age limits in
        postings are still reported by the records audit (``audit``, category ``age``) for the
        department to follow up; a seeker whose age is unknown passes.
    urgent_occupations : tuple of str
        Occupation codes the service lists as urgently needed (急需紧缺职业); a vacancy whose code
        is one of them or below one of them gets the priority bonus.
    as_of : datetime.date or None
        Reference date for ages; None uses the latest ``registered_at`` / ``posted_at`` in the
        data, so the same tables always give the same result.
    seed : int, default 0
        Seed for anything random downstream.
    within : str, default "370000"
        The service's province or city code: settles region names several places share.
    assignment : {"auto", "exact", "auction", "greedy", "stable"}, default "auto"
        Assignment method of :func:`matchcore.assign.solve`. ``"auto"`` solves exactly up to
        :data:`AUTO_EXACT_PAIRS` candidate pairs and with the near-optimal ``"auction"`` above
        (the exact min-cost flow grows faster than linearly: about 9 minutes for the 49 million
        pairs of the generated province, against about 3 for the auction, which lands within
        0.02 % of the optimum). The recommendations' congestion control uses the same method
        (``"exact"`` for greedy and stable).
    congestion : "auto", float or None, default "auto"
        Most times a vacancy is recommended per opening (see :func:`matchcore.assign.recommend`);
        None gives plain top-k lists.
    assign_candidates : int or None, default None
        Solve the assignment and the recommendations over each seeker's best
        ``assign_candidates`` candidates only (None: all ``candidates``). Smaller is faster; the
        assignment is then exact over that restricted set.
    congestion_price : float, default 0.1
        Score cost of each further fair share of exposure (0 keeps only the hard limit).
    auction_eps : float, default 0.02
        Bidding increment of the assignment auction (score units): smaller is closer to the
        optimum and slower; each seeker ends within it of their best choice at the final prices.
        The recommendations' auction bids in steps :data:`RECOMMEND_EPS_FACTOR` (5) times larger:
        lists are a softer objective than placements, and at province scale that halves their
        time for about half a percent of the priced objective (both results carry a certified
        bound, see :meth:`MatchResult.summary`).
    min_occupation : float, default 0.5
        Suitability floor on occupation relatedness (the ``occupation`` component, see
        :mod:`matchcore.scoring._related`): a pair below it is never a candidate, so a list may be
        shorter than ``top_k`` or empty and a seeker with nothing suitable ends in ``unmatched``
        (code ``no_suitable``). 0.5 admits the same trade, neighbouring trades (0.6-0.85), a wish
        stated only as a medium group (0.5), entry-level work for 普工 / 不限 (0.6-0.8), and a
        major's own occupations (0.85); it shuts out jobs that merely share a broad group (0) and
        trades that only share a minor group (0.4). On the caseworker-judged development set it
        removes 1,629 of 1,666 unsuitable candidate pairs and 6 of 69 good ones (each of the six
        through a title coded to the wrong occupation).
    min_score : float, default 0.45
        Suitability floor on the weighted score: a pair below it is never a candidate. With the
        default weights a pair of related occupations in reach that fails several requirements
        at once (education, pay, experience) falls under it; on the development set it removes
        no pair that the occupation floor and the hard constraints leave.
    max_commute_km : float or None, default 50
        A posting farther than this from the seeker's county seat (by road, estimated as 1.25
        times the straight line between county seats, ``division_centroids``) is not work the
        seeker can take, unless it offers housing
        (包住, 宿舍 in its title or requirements) or lies in a region the seeker named as willing.
        Where either county is unknown the limit does not apply. None switches it off.
    min_experience_share : float, default 0.5
        A seeker with less than this share of a posting's required years of experience (known on
        both sides) is not proposed for it: 0 years against 3 required is not yet that job, half a
        year against one still is. 0 switches the rule off; a shortfall above the share only
        lowers the ``experience`` component.
    include_flagged : bool, default False
        Propose postings that the fair-hiring audit flagged (``audit`` non-empty). Off by default:
        they are held for review and listed in ``MatchResult.audit``; when on, their reason says
        that the posting is flagged.
    keep_margin : float, default 0.1
        Day to day (``match(..., previous=...)``): the stability bonus, in score units, that a
        still-valid previous placement or recommendation pair adds to its benefit in the
        optimisation. A previous pair is given up only for an alternative whose total score is
        more than ``keep_margin`` higher per previous pair it breaks; reported scores stay the
        true ones. 0 keeps nothing on purpose; no effect without ``previous``.

    Examples
    --------
    >>> import matchcore as mc
    >>> cfg = mc.MatchConfig(top_k=5, weights={"occupation": 0.6})
    >>> cfg.weights["occupation"], cfg.weights["salary"]
    (0.6, 0.1)
    >>> mc.MatchConfig.from_dict(cfg.to_dict()) == cfg
    True
    >>> mc.MatchConfig.from_dict({"topk": 3})
    Traceback (most recent call last):
    ...
    matchcore._errors.InvalidParameter: The 'topk' parameter of MatchConfig must be a known key; valid keys: ... Got 3 instead.
    """

    weights: dict[str, float] = field(default_factory=default_weights)
    top_k: int = 10
    candidates: int = 50
    scope: str = "city"
    education_tolerance: int = 0
    legal_working_age: tuple[int, int] = (16, 65)
    trainee_age: tuple[int, int] = (16, 24)
    vacancy_age_limits: bool = True
    urgent_occupations: tuple[str, ...] = ()
    as_of: dt.date | None = None
    seed: int = 0
    within: str = "370000"
    assignment: str = "auto"
    congestion: float | str | None = "auto"
    congestion_price: float = 0.1
    assign_candidates: int | None = None
    auction_eps: float = 0.02
    min_occupation: float = 0.5
    min_score: float = 0.45
    max_commute_km: float | None = 50.0
    include_flagged: bool = False
    min_experience_share: float = 0.5
    keep_margin: float = 0.1

    def assignment_method(self, n_pairs: int) -> str:
        """The solver ``assignment`` resolves to for ``n_pairs`` candidate pairs.

        Examples
        --------
        >>> cfg = MatchConfig()
        >>> cfg.assignment_method(1_000), cfg.assignment_method(50_000_000)
        ('exact', 'auction')
        >>> MatchConfig(assignment="greedy").assignment_method(50_000_000)
        'greedy'
        """
        if self.assignment != "auto":
            return self.assignment
        return "exact" if n_pairs <= AUTO_EXACT_PAIRS else "auction"

    def __post_init__(self) -> None:
        if isinstance(self.weights, Mapping):
            merged = default_weights()
            merged.update(self.weights)
            object.__setattr__(self, "weights", _ReadOnlyWeights(merged))
        for name in ("legal_working_age", "trainee_age", "urgent_occupations"):
            v = getattr(self, name)
            if isinstance(v, list):
                object.__setattr__(self, name, tuple(v))
        for f in dataclasses.fields(self):
            check = _VALIDATORS.get(f.name)
            if check is not None:
                check(self)

    # -- derived -------------------------------------------------------------------------------
    def normalized_weights(self) -> dict[str, float]:
        """The weights divided by their sum, in component order.

        Examples
        --------
        >>> MatchConfig(weights={k: 1.0 for k in DEFAULT_WEIGHTS}).normalized_weights()["title"]
        0.1111111111111111
        """
        w = {c.name: float(self.weights.get(c.name, c.weight)) for c in components()}
        total = sum(w.values())
        return {k: v / total for k, v in w.items()}

    def replace(self, **changes: Any) -> MatchConfig:
        """A copy with some fields changed (validated like the constructor)."""
        return dataclasses.replace(self, **changes)

    # -- serialisation -------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (tuples become lists, dates ISO strings).

        Examples
        --------
        >>> MatchConfig().to_dict()["scope"]
        'city'
        """
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            if isinstance(v, tuple):
                v = list(v)
            elif isinstance(v, dt.date):
                v = v.isoformat()
            elif isinstance(v, dict):
                v = dict(v)
            out[f.name] = v
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MatchConfig:
        """Build from :meth:`to_dict` output (or any subset of it); unknown keys are an error."""
        if not isinstance(data, Mapping):
            raise _bad("data", data, "a mapping of config keys")
        names = [f.name for f in dataclasses.fields(cls)]
        for key in data:
            if key not in names:
                raise _bad(key, data[key], f"a known key; valid keys: {names}")
        kwargs = dict(data)
        as_of = kwargs.get("as_of")
        if isinstance(as_of, str):
            try:
                kwargs["as_of"] = dt.date.fromisoformat(as_of)
            except ValueError:
                raise _bad("as_of", as_of, "an ISO date such as '2026-06-30'") from None
        return cls(**kwargs)

    def to_json(self) -> str:
        """:meth:`to_dict` as a JSON string."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> MatchConfig:
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(json.loads(text))
