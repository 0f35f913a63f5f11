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

from matchcore._config import MatchConfig
from matchcore.normalize import ANY_WORK, FIELD_WORK, PRODUCTION_WORK, covers
from matchcore.occupations import load
from matchcore.scoring._features import CIRCUITY, _seats, distance_km
from matchcore.scoring._related import MAJOR_FIT, WITHIN_MINOR, major_codes, relatedness

__all__ = ["reference_candidates", "reference_components"]


def _lvl(x: Any) -> int:
    return -1 if x is None else int(x)


def _num(x: Any) -> float:
    return math.nan if x is None else float(x)


def _county(region: Any) -> int:
    if region is None:
        return -1
    c = int(region)
    return c if c % 100 != 0 else -1


def _city(row: dict[str, Any]) -> int:
    if row.get("city_code") is not None:
        return int(row["city_code"])
    if row.get("region_code") is not None:
        return int(row["region_code"]) // 100 * 100
    return -1


def reference_components(
    s: dict[str, Any],
    v: dict[str, Any],
    config: MatchConfig,
    as_of: dt.date | None,
    title_sim: float,
) -> tuple[dict[str, float], bool]:
    """Components of one pair (rows as dicts of the prepared tables) and whether it is allowed."""
    tax = load()
    # occupation
    occ = 0.0
    vc = v["occupation_code"]
    wishes = s.get("occupation_codes")
    if wishes is None:
        wishes = [s["occupation_code"]] if s["occupation_code"] is not None else []
    broad = {ANY_WORK, PRODUCTION_WORK, FIELD_WORK}
    if vc is not None and vc in tax:
        for wish in wishes:
            occ = max(occ, relatedness(wish, vc))
        # the major counts for graduates and for seekers whose wish names no particular job
        specific = [w for w in wishes if w not in broad and w in tax]
        named = {w.split("-")[0] + "-" + w.split("-")[1] for w in specific}
        confirms = not specific or any(w in broad for w in wishes) or vc[:4] in named
        if (s["category"] == "graduate" or any(w in broad for w in wishes)) and confirms:
            for m in major_codes(s.get("major")):
                if relatedness(m, vc) >= WITHIN_MINOR:
                    occ = max(occ, MAJOR_FIT)
    # education
    se, ve = _lvl(s["education"]), _lvl(v["education_min"])
    if ve < 0 or se >= ve:
        edu = 1.0
    elif se < 0 or se == ve - 1:
        edu = 0.5
    else:
        edu = 0.0

    def level(a: int, b: int) -> float:
        if b < 0 or a >= b:
            return 1.0
        return 0.5 if a == b - 1 else 0.0

    skill = level(_lvl(s["skill_level"]), _lvl(v["skill_level_min"]))
    prof = level(_lvl(s["professional_title"]), _lvl(v["professional_title_min"]))
    # salary
    exp = _num(s["salary_min"])
    if math.isnan(exp):
        exp = _num(s["salary_max"])
    top = _num(v["salary_max"])
    if math.isnan(top):
        top = _num(v["salary_min"])
    if math.isnan(exp) or math.isnan(top) or exp <= 0:
        sal = 0.5
    else:
        sal = min(1.0, max(0.0, (top / exp - 0.7) / 0.3))
    # experience
    req, yrs = _num(v["experience_min"]), _num(s["experience_years"])
    if math.isnan(req) or req <= 0:
        xp = 1.0
    elif math.isnan(yrs):
        xp = 0.5
    else:
        xp = min(1.0, max(0.0, yrs / req))
    # region
    s_county, s_city = _county(s["region_code"]), _city(s)
    v_county, v_city = _county(v["region_code"]), _city(v)
    w_county, w_city, w_prov = set(), set(), set()
    for code in s["willing_region_codes"] or []:
        c = int(code)
        if c % 10000 == 0:
            w_prov.add(c)
        elif c % 100 == 0:
            w_city.add(c)
        else:
            w_county.add(c)
            w_city.add(c // 100 * 100)
    if v_county >= 0 and (v_county == s_county or v_county in w_county):
        region = 1.0
    elif v_city >= 0 and (v_city == s_city or v_city in w_city):
        region = 0.75
    elif v_city >= 0 and (v_city // 10000 == s_city // 10000 or v_city // 10000 * 10000 in w_prov):
        region = 0.4
    else:
        region = 0.0
    # age, trainee eligibility
    age = math.nan
    if as_of is not None and s["birth_year"] is not None:
        age = float(as_of.year - int(s["birth_year"]))
    eligible = s["category"] == "graduate" or (
        not math.isnan(age) and config.trainee_age[0] <= age <= config.trainee_age[1]
    )
    flags = int(bool(v["advanced_manufacturing"]))
    code = v["occupation_code"]
    if code is not None and code in tax:
        chain = {code, *tax.ancestors(code)}
        flags += int(bool(chain.intersection(config.urgent_occupations)))
    flags += int(bool(v["session"]))
    flags += int(bool(v["internship"]) and eligible)
    prio = min(1.0, flags / 2.0)
    comps = {
        "occupation": occ,
        "title": title_sim,
        "education": edu,
        "salary": sal,
        "region": region,
        "experience": xp,
        "skill": skill,
        "professional_title": prof,
        "priority": prio,
    }
    # hard constraints
    ok = True
    lo, hi = config.legal_working_age
    if not math.isnan(age) and not lo <= age <= hi:
        ok = False
    if ve >= 0 and se >= 0 and se < ve - config.education_tolerance:
        ok = False
    if bool(v["internship"]) and not eligible:
        ok = False
    if config.scope == "city":
        prov_ok = v_city >= 0 and v_city // 10000 * 10000 in w_prov
        if not (v_city >= 0 and (v_city == s_city or v_city in w_city or prov_ok)):
            ok = False
    if occ < config.min_occupation:
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
            total = sum(w[n] * comps[n] for n in w)
            if ok and total >= np.float32(config.min_score):
                scored.append((-total, str(v["vacancy_id"]), j))
        scored.sort()
        out[i] = [(j, -neg) for neg, _, j in scored[:k]]
    return out
