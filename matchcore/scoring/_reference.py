"""A slow, plain-Python reference of the scores and hard constraints, pair by pair.

Written independently of the vectorised engine (scalar ``if``/``else`` per component, the
taxonomy's own ``similarity`` per pair) so that tests can check the fast path against it on small
inputs. Only the title vectorizer is shared: it is the one fitted on the vacancies.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import polars as pl

from matchcore.normalize import covers
from matchcore.scoring._components import Pair, _lvl, _num, components
from matchcore.scoring._config import MatchConfig
from matchcore.scoring._features import CIRCUITY, _seats, distance_km

__all__ = ["reference_candidates", "reference_components"]


def reference_components(
    s: dict[str, Any],
    v: dict[str, Any],
    config: MatchConfig,
    as_of: dt.date | None,
    title_sim: float,
) -> tuple[dict[str, float], bool]:
    """Components of one pair (rows as dicts of the prepared tables) and whether it is allowed.

    The components are each registered component's ``reference`` (see
    :mod:`matchcore.scoring._components`); the hard constraints are checked here.
    """
    p = Pair(s, v, config, as_of, title_sim)
    comps = {c.name: float(c.reference(p)) for c in components()}
    s_county, s_city, v_county, v_city, w_county, w_city, w_prov = p.regions
    age = p.age
    se, ve = _lvl(s["education"]), _lvl(v["education_min"])
    req, yrs = _num(v["experience_min"]), _num(s["experience_years"])
    # hard constraints
    ok = True
    lo, hi = config.legal_working_age
    if not math.isnan(age) and not lo <= age <= hi:
        ok = False
    if ve >= 0 and se >= 0 and se < ve - config.education_tolerance:
        ok = False
    if bool(v["internship"]) and not p.eligible:
        ok = False
    if config.scope == "city":
        prov_ok = v_city >= 0 and v_city // 10000 * 10000 in w_prov
        if not (v_city >= 0 and (v_city == s_city or v_city in w_city or prov_ok)):
            ok = False
    if comps["occupation"] < config.min_occupation:
        ok = False
    if not covers(s.get("driving_class"), v.get("driving_class")):
        ok = False
    share = config.min_experience_share
    if share > 0 and not math.isnan(req) and req > 0 and not math.isnan(yrs) and yrs < share * req:
        ok = False
    if not config.include_flagged and v.get("audit"):
        ok = False
    limit = config.max_commute_km
    if limit is not None and not v.get("housing"):
        seats = _seats()
        a, b = seats.get(s_county), seats.get(v_county)
        willing = v_county in w_county or (v_city in w_city and v_city != s_city)
        known = a is not None and b is not None
        road = CIRCUITY * float(distance_km(np.array(a), np.array(b))) if known else 0.0
        if known and not willing and road > limit:
            ok = False
    if config.vacancy_age_limits and not math.isnan(age):
        if v["age_min"] is not None and age < v["age_min"]:
            ok = False
        if v["age_max"] is not None and age > v["age_max"]:
            ok = False
    return comps, ok


def reference_candidates(
    seekers: pl.DataFrame,
    vacancies: pl.DataFrame,
    config: MatchConfig,
    k: int,
    vectorizer: Any,
    as_of: dt.date | None,
) -> dict[int, list[tuple[int, float]]]:
    """Top ``k`` (vacancy row, score) of every seeker row by scanning all pairs in Python.

    Ties are broken by ``vacancy_id``. ``vectorizer`` is the fitted TF-IDF (or None).
    """
    w = config.normalized_weights()
    srows = seekers.to_dicts()
    vrows = vacancies.to_dicts()
    if vectorizer is not None:
        xs = vectorizer.transform([r["title_core"] or "" for r in srows])
        xv = vectorizer.transform([r["title_core"] or "" for r in vrows])
        sims = (xs @ xv.T).toarray()
    else:
        sims = np.zeros((len(srows), len(vrows)))
    out: dict[int, list[tuple[int, float]]] = {}
    for i, s in enumerate(srows):
        scored = []
        for j, v in enumerate(vrows):
            t = round(float(sims[i, j]) * 1024.0) / 1024.0
            comps, ok = reference_components(s, v, config, as_of, t)
            total = sum(w[n] * comps[n] for n in w)  # registry order
            if ok and total >= np.float32(config.min_score):
                scored.append((-total, str(v["vacancy_id"]), j))
        scored.sort()
        out[i] = [(j, -neg) for neg, _, j in scored[:k]]
    return out
