"""Prepared-shaped seeker and vacancy tables generated directly with numpy.

For tests and benchmarks of scoring on its own: the tables have the columns and dtypes that
``matchcore.records.prepare`` hands to scoring (``docs/stages.md``), without going through raw
records. Occupations are drawn from the 2022 classification with a skewed popularity (a few
hundred common codes dominate, as in real postings); seekers mostly want occupations that are also
posted, sometimes only a minor group; cities are the 16 Shandong prefectures.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from matchcore.occupations import load

__all__ = ["CITIES", "fake_prepared"]

#: The 16 prefecture-level cities of Shandong (莱芜 371200 merged into 济南 in 2019).
CITIES: tuple[str, ...] = tuple(f"37{i:02d}00" for i in range(1, 18) if i != 12)

_MAJORS = (
    "机械设计制造及其自动化",
    "电气工程及其自动化",
    "计算机科学与技术",
    "会计学",
    "护理学",
    "市场营销",
    "土木工程",
    "汉语言文学",
    "化学工程与工艺",
    "物流管理",
)
_SESSIONS = ("先进制造业专场", "高校毕业生专场")


def _opt(rng: np.random.Generator, values: np.ndarray, p_null: float) -> list[object]:
    mask = rng.random(len(values)) < p_null
    out: list[object] = values.tolist()
    for i in np.flatnonzero(mask).tolist():
        out[i] = None
    return out


def fake_prepared(
    n_seekers: int, n_vacancies: int, *, seed: int = 0, n_cities: int = 16
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Seekers and vacancies shaped like the output of ``records.prepare``.

    Parameters
    ----------
    n_seekers, n_vacancies : int
        Table sizes.
    seed : int
        Seed of the generator; the same seed gives the same tables.
    n_cities : int
        Use only the first ``n_cities`` cities (1..16).

    Examples
    --------
    >>> s, v = fake_prepared(5, 3, seed=1)
    >>> s.height, v.height, v["city_code"].dtype
    (5, 3, String)
    """
    rng = np.random.default_rng(seed)
    tax = load()
    leaves = [o for o in tax if o.level == 4 and o.code[0] in "23456"]
    codes = np.array([o.code for o in leaves])
    names = np.array([(o.aliases[0] if o.aliases else o.name) for o in leaves])
    # a few hundred popular codes carry most of the mass
    pop = rng.permutation(len(codes))
    weights = np.ones(len(codes))
    weights[pop[:300]] = 30.0
    weights /= weights.sum()
    cities = np.array([int(c) for c in CITIES[: max(1, min(16, n_cities))]])
    city_w = rng.dirichlet(np.full(len(cities), 4.0))

    def region(n: int) -> tuple[np.ndarray, np.ndarray]:
        city = rng.choice(cities, size=n, p=city_w)
        county = city + rng.integers(2, 9, size=n)
        return county, city

    # -- vacancies ----------------------------------------------------------------------------
    nv = n_vacancies
    vocc = rng.choice(len(codes), size=nv, p=weights)
    vcounty, vcity = region(nv)
    smin = rng.integers(6, 20, size=nv) * 500.0
    smax = smin + rng.integers(0, 8, size=nv) * 500.0
    am = rng.random(nv) < 0.2
    age_min = np.where(rng.random(nv) < 0.1, 18, -1)
    age_max = np.where(rng.random(nv) < 0.1, 45, -1)
    vac = pl.DataFrame(
        {
            "row": np.arange(nv, dtype=np.uint32),
            "vacancy_id": [f"V{i:07d}" for i in range(nv)],
            "employer_id": [f"E{i:06d}" for i in rng.integers(0, max(1, nv // 5), size=nv)],
            "title": names[vocc],
            "title_core": names[vocc],
            "occupation_code": codes[vocc],
            "occupation_confidence": rng.uniform(0.5, 1.0, size=nv),
            "openings": rng.integers(1, 6, size=nv).astype(np.int32),
            "region_code": vcounty.astype(str),
            "city_code": vcity.astype(str),
            "education_min": pl.Series(_opt(rng, rng.integers(1, 7, size=nv), 0.3), dtype=pl.Int8),
            "salary_min": pl.Series(_opt(rng, smin, 0.15), dtype=pl.Float64),
            "salary_max": pl.Series(_opt(rng, smax, 0.3), dtype=pl.Float64),
            "experience_min": pl.Series(
                _opt(rng, rng.choice([0.0, 1.0, 2.0, 3.0, 5.0], size=nv), 0.4), dtype=pl.Float64
            ),
            "skill_level_min": pl.Series(
                _opt(rng, rng.integers(1, 6, size=nv), 0.85), dtype=pl.Int8
            ),
            "professional_title_min": pl.Series(
                _opt(rng, rng.integers(1, 4, size=nv), 0.9), dtype=pl.Int8
            ),
            "age_min": pl.Series([None if a < 0 else a for a in age_min.tolist()], dtype=pl.Int16),
            "age_max": pl.Series([None if a < 0 else a for a in age_max.tolist()], dtype=pl.Int16),
            "industry_code": np.where(am, "C34", "F51"),
            "advanced_manufacturing": am,
            "internship": rng.random(nv) < 0.05,
            "session": pl.Series(
                _opt(rng, rng.choice(np.array(_SESSIONS), size=nv), 0.9), dtype=pl.String
            ),
            "posted_at": [dt.date(2026, 6, 1)] * nv,
            "expires_at": [dt.date(2026, 9, 30)] * nv,
            "audit": pl.Series([[] for _ in range(nv)], dtype=pl.List(pl.String)),
        }
    )

    # -- seekers ------------------------------------------------------------------------------
    ns = n_seekers
    socc = rng.choice(len(codes), size=ns, p=weights)
    scodes = codes[socc].copy()
    coarse = rng.random(ns) < 0.1  # only a minor group is known
    scodes[coarse] = np.array([c[:7] + "-00" for c in scodes[coarse]])
    scodes = np.array([c if c in tax else c[:4] + "-00-00" for c in scodes.tolist()])
    scounty, scity = region(ns)
    cat = rng.choice(np.array(["unemployed", "graduate", "other"]), size=ns, p=[0.5, 0.3, 0.2])
    grad = cat == "graduate"
    birth = np.where(grad, rng.integers(1999, 2005, size=ns), rng.integers(1962, 2008, size=ns))
    willing: list[list[str]] = []
    u = rng.random(ns)
    other_city = rng.choice(cities, size=ns)
    for i in range(ns):
        if u[i] < 0.80:
            willing.append([])
        elif u[i] < 0.95:
            willing.append([str(other_city[i])])
        elif u[i] < 0.98:
            willing.append([str(scounty[i] + 1)])
        else:
            willing.append(["370000"])
    exp_sal = rng.integers(6, 20, size=ns) * 500.0
    major_pick = rng.choice(np.array(_MAJORS), size=ns)
    major = [m if g else None for m, g in zip(major_pick.tolist(), grad.tolist())]
    see = pl.DataFrame(
        {
            "row": np.arange(ns, dtype=np.uint32),
            "seeker_id": [f"S{i:07d}" for i in range(ns)],
            "category": cat,
            "desired_title": names[socc],
            "title_core": names[socc],
            "occupation_code": scodes,
            "occupation_confidence": np.where(coarse, 0.6, 1.0),
            "region_code": scounty.astype(str),
            "city_code": scity.astype(str),
            "willing_region_codes": pl.Series(willing, dtype=pl.List(pl.String)),
            "education": pl.Series(
                _opt(
                    rng,
                    np.where(grad, rng.integers(4, 8, size=ns), rng.integers(1, 6, size=ns)),
                    0.1,
                ),
                dtype=pl.Int8,
            ),
            "major": pl.Series(major, dtype=pl.String),
            "graduation_year": pl.Series(
                [2026 if g else None for g in grad.tolist()], dtype=pl.Int16
            ),
            "salary_min": pl.Series(_opt(rng, exp_sal, 0.2), dtype=pl.Float64),
            "salary_max": pl.Series(_opt(rng, exp_sal + 2000, 0.5), dtype=pl.Float64),
            "experience_years": pl.Series(
                _opt(rng, np.where(grad, 0.0, rng.integers(0, 20, size=ns).astype(float)), 0.2),
                dtype=pl.Float64,
            ),
            "skill_level": pl.Series(_opt(rng, rng.integers(1, 6, size=ns), 0.8), dtype=pl.Int8),
            "professional_title": pl.Series(
                _opt(rng, rng.integers(1, 4, size=ns), 0.9), dtype=pl.Int8
            ),
            "birth_year": birth.astype(np.int16),
            "registered_at": [dt.date(2026, 5, 1)] * ns,
        }
    )
    return see, vac
