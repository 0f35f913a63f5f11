"""Numeric features of prepared seekers and vacancies: the arrays every score is computed from.

Codes become integer ids into the classification (``code_table``), titles ids into a table of
distinct cleaned titles with one TF-IDF row each, regions 6-digit ints, ordinal levels small ints
with ``-1`` for unknown, numbers float32 with NaN for unknown.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import polars as pl
import scipy.sparse as sp
from numpy.typing import NDArray

from matchcore._errors import InvalidParameter, MissingColumns
from matchcore.normalize import DRIVING_CLASSES
from matchcore.occupations import load
from matchcore.records._columns import scoring_columns
from matchcore.scoring._codes import CodeTable, code_table
from matchcore.scoring._components import trainee_eligible
from matchcore.scoring._config import MatchConfig
from matchcore.scoring._measures import distance_km
from matchcore.scoring._related import major_codes, related_table, wish_id

__all__ = [
    "SEEKER_COLUMNS",
    "VACANCY_COLUMNS",
    "CodeTable",
    "Features",
    "code_table",
    "distance_km",
    "reference_date",
    "seeker_features",
    "vacancy_features",
]

#: The prepared columns scoring needs (the schema in ``matchcore.records._columns`` marks them).
SEEKER_COLUMNS = scoring_columns("seekers")
VACANCY_COLUMNS = scoring_columns("vacancies")
MAX_WILLING = 8


@dataclass(frozen=True)
class Features:
    """Arrays of one side (seekers or vacancies), one entry per prepared row.

    Attributes
    ----------
    n : int
        Number of rows.
    ids : ndarray of object
        ``seeker_id`` / ``vacancy_id``.
    arrays : dict of str to ndarray
        Named per-row arrays (see the module docstring for the encodings).
    titles : ndarray of str
        Distinct cleaned titles; ``arrays["title"]`` indexes it.
    title_matrix : scipy.sparse.csr_matrix, shape (n_titles, n_features)
        TF-IDF rows of ``titles``.
    wish_sets : ndarray of int32, shape (n_wish_profiles, W)
        Rows of :func:`~matchcore.scoring._related.related_table` each distinct set of wishes
        holds (padded with the null id); ``arrays["wish"]`` indexes it.
    major_sets : ndarray of int32, shape (n_majors, M)
        Code ids each distinct major reaches (padded with the null id); ``arrays["major"]``
        indexes it, row 0 is the empty set.
    majors : tuple of str
        The distinct majors (``""`` for none).
    """

    n: int
    ids: NDArray[Any]
    arrays: dict[str, NDArray[Any]]
    titles: NDArray[Any]
    title_matrix: sp.csr_matrix
    major_sets: NDArray[np.int32] = field(default_factory=lambda: np.zeros((1, 1), np.int32))
    majors: tuple[str, ...] = ("",)
    wish_sets: NDArray[np.int32] = field(default_factory=lambda: np.zeros((1, 1), np.int32))


def _check(df: pl.DataFrame, cols: tuple[str, ...], table: str) -> None:
    if not isinstance(df, pl.DataFrame):
        raise InvalidParameter.of(
            table, "matchcore.scoring", type(df).__name__, "a polars DataFrame"
        )
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise MissingColumns(table, missing, list(df.columns))


def _ints(s: pl.Series, dtype: type[np.generic] = np.int32) -> NDArray[Any]:
    s = s.cast(pl.Int64, strict=False)
    if s.null_count():  # (no nulls, e.g. one seeker online: no fill query)
        s = s.fill_null(-1)
    return s.to_numpy().astype(dtype)


def _floats(s: pl.Series) -> NDArray[np.float32]:
    s = s.cast(pl.Float64, strict=False)
    if s.null_count():
        s = s.fill_null(np.nan)
    return s.to_numpy().astype(np.float32)


@lru_cache(maxsize=1)
def _code_ids() -> tuple[pl.Series, pl.Series]:
    """``code_table().ids`` as the two Series ``replace_strict`` takes (built once)."""
    ids = code_table().ids
    return pl.Series(list(ids), dtype=pl.String), pl.Series(list(ids.values()), dtype=pl.Int32)


def _codes(s: pl.Series) -> NDArray[np.int32]:
    t = code_table()
    if s.len() <= 8:  # a few seekers (online): dict look-ups, same ids (unknown, null: t.null)
        return np.array(
            [t.ids.get(c, t.null) for c in s.cast(pl.String).to_list()], dtype=np.int32
        ).reshape(s.len())
    old, new = _code_ids()
    return (
        s.cast(pl.String)
        .replace_strict(old, new, default=t.null, return_dtype=pl.Int32)
        .to_numpy()
        .astype(np.int32)
    )


def _titles(s: pl.Series) -> tuple[NDArray[np.int32], NDArray[Any]]:
    if s.len() <= 8:  # a few seekers (online): the same ids and table, in Python
        vals = ["" if v is None else v for v in s.cast(pl.String).to_list()]
        table = sorted(set(vals))  # code-point order is polars' (UTF-8 byte) order
        pos = {v: i for i, v in enumerate(table)}
        return np.array([pos[v] for v in vals], dtype=np.int32), np.array(table, dtype=object)
    s = s.cast(pl.String).fill_null("")
    uniq = s.unique().sort().to_numpy()
    ids = (s.rank("dense") - 1).to_numpy().astype(np.int32)
    return ids, uniq


@lru_cache(maxsize=1)
def _seats() -> dict[int, tuple[float, float]]:
    """County-seat coordinates (longitude, latitude in degrees) of current division codes.

    ``data/county_seats.csv``, built by ``tools/build_county_seats.py`` from the cpca centroids;
    a county whose seat is not known there has no entry (its distances are unknown), rather than
    its city's seat.
    """
    text = resources.files("matchcore.scoring").joinpath("data", "county_seats.csv")
    out: dict[int, tuple[float, float]] = {}
    for r in csv.DictReader(text.read_text("utf-8").splitlines()):
        if r["source"] != "parent":
            out[int(r["code"])] = (float(r["longitude"]), float(r["latitude"]))
    return out


def _coords(county: NDArray[np.int32]) -> NDArray[np.float32]:
    """(n, 2) longitude and latitude of each county code; NaN where unknown."""
    seats = _seats()
    u, inv = np.unique(county, return_inverse=True)
    table = np.array([seats.get(int(c), (np.nan, np.nan)) for c in u], dtype=np.float32)
    return table.reshape(-1, 2)[inv.ravel()]


#: road distance over straight-line distance between county seats (a common detour factor for
#: road networks); the commuting limit ``max_commute_km`` is read as a distance by road
CIRCUITY = 1.25


def _drive(df: pl.DataFrame) -> NDArray[np.int8]:
    """Driving licence class as a code: position in ``DRIVING_CLASSES`` + 1, 0 where none."""
    if "driving_class" not in df.columns:
        return np.zeros(df.height, dtype=np.int8)
    codes = {c: i + 1 for i, c in enumerate(DRIVING_CLASSES)}
    vals = df["driving_class"].cast(pl.Utf8).to_list()
    return np.array([codes.get(v, 0) if v else 0 for v in vals], dtype=np.int8)


def _region(df: pl.DataFrame) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
    reg = _ints(df["region_code"])
    city = _ints(df["city_code"])
    county = np.where((reg > 0) & (reg % 100 != 0), reg, -1).astype(np.int32)
    city = np.where(city > 0, city, np.where(reg > 0, reg // 100 * 100, -1)).astype(np.int32)
    return county, city


def reference_date(
    config: MatchConfig, seekers: pl.DataFrame | None, vacancies: pl.DataFrame | None
) -> dt.date | None:
    """``config.as_of``, else the latest ``registered_at`` / ``posted_at`` in the tables."""
    if config.as_of is not None:
        return config.as_of
    found: list[dt.date] = []
    for df, col in ((seekers, "registered_at"), (vacancies, "posted_at")):
        if df is not None and col in df.columns and df.height:
            m = df[col].cast(pl.Date, strict=False).max()
            if isinstance(m, dt.date):
                found.append(m)
    return max(found) if found else None


def vacancy_features(df: pl.DataFrame, config: MatchConfig) -> Features:
    """Features of prepared vacancies (titles not yet vectorised)."""
    _check(df, VACANCY_COLUMNS, "vacancies")
    t = code_table()
    occ = _codes(df["occupation_code"])
    county, city = _region(df)
    urgent_codes = set(config.urgent_occupations)
    tax = load()
    urgent_by_code = np.zeros(t.null + 1, dtype=bool)
    if urgent_codes:
        for i, c in enumerate(t.codes):
            if c in urgent_codes or urgent_codes.intersection(tax.ancestors(c)):
                urgent_by_code[i] = True
    smin = _floats(df["salary_min"])
    smax = _floats(df["salary_max"])
    title, titles = _titles(df["title_core"])
    ids = df["vacancy_id"].cast(pl.String).to_numpy()
    tiebreak = np.empty(len(ids), dtype=np.int32)
    tiebreak[np.argsort(ids.astype(str), kind="stable")] = np.arange(len(ids), dtype=np.int32)
    arrays = {
        "occ": occ,
        "group": t.group[occ],
        "title": title,
        "edu": _ints(df["education_min"], np.int16),
        "skill": _ints(df["skill_level_min"], np.int16),
        "prof": _ints(df["professional_title_min"], np.int16),
        "exp_min": _floats(df["experience_min"]),
        "offer": np.where(np.isnan(smax), smin, smax).astype(np.float32),
        "salary_min": smin,
        "salary_max": smax,
        "county": county,
        "city": city,
        "xy": _coords(county),
        "am": df["advanced_manufacturing"].cast(pl.Boolean).fill_null(False).to_numpy(),
        "urgent": urgent_by_code[occ],
        "session": df["session"].cast(pl.String).fill_null("").to_numpy() != "",
        "internship": df["internship"].cast(pl.Boolean).fill_null(False).to_numpy(),
        "age_min": _floats(df["age_min"]),
        "age_max": _floats(df["age_max"]),
        "tiebreak": tiebreak,
        "drive": _drive(df),
        "housing": (
            df["housing"].cast(pl.Boolean).fill_null(False).to_numpy()
            if "housing" in df.columns
            else np.zeros(df.height, dtype=bool)
        ),
        "flagged": (
            (df["audit"].list.len().fill_null(0) > 0).to_numpy()
            if "audit" in df.columns
            else np.zeros(df.height, dtype=bool)
        ),
    }
    return Features(df.height, ids, arrays, titles, sp.csr_matrix((len(titles), 0)))


def _willing(df: pl.DataFrame) -> tuple[NDArray[np.int32], NDArray[np.int32], NDArray[np.int32]]:
    n = df.height
    if df["willing_region_codes"].null_count() == n:  # none given (often, online): no query
        wc = np.full((n, 1), -1, dtype=np.int32)
        return wc, wc.copy(), wc.copy()
    ex = (
        df.select(pl.col("willing_region_codes").cast(pl.List(pl.String)))
        .with_row_index("i")
        .explode("willing_region_codes")
        .drop_nulls("willing_region_codes")
    )
    wc = np.full((n, 1), -1, dtype=np.int32)
    wy = wc.copy()
    wp = wc.copy()
    if ex.height == 0:
        return wc, wy, wp
    ex = ex.with_columns(pl.col("i").cum_count().over("i").alias("j")).filter(
        pl.col("j") <= MAX_WILLING
    )
    i = ex["i"].to_numpy().astype(np.int64)
    j = ex["j"].to_numpy().astype(np.int64) - 1
    code = _ints(ex["willing_region_codes"]).astype(np.int64)
    w = int(j.max()) + 1
    wc = np.full((n, w), -1, dtype=np.int32)
    wy = wc.copy()
    wp = wc.copy()
    valid = code > 0
    is_prov = valid & (code % 10000 == 0)
    is_city = valid & ~is_prov & (code % 100 == 0)
    is_county = valid & (code % 100 != 0)
    wp[i[is_prov], j[is_prov]] = code[is_prov]
    wy[i[is_city], j[is_city]] = code[is_city]
    wc[i[is_county], j[is_county]] = code[is_county]
    wy[i[is_county], j[is_county]] = code[is_county] // 100 * 100
    return wc, wy, wp


def _wishes(df: pl.DataFrame, null: int) -> tuple[NDArray[np.int32], NDArray[np.int32]]:
    """Wish-profile id of each seeker and the table of profiles (rows of the related table).

    From ``occupation_codes`` where the prepared table has it, else the one ``occupation_code``.
    """
    if "occupation_codes" in df.columns:
        col = df["occupation_codes"].cast(pl.List(pl.String))
    else:
        code = pl.col("occupation_code").cast(pl.String)
        col = df.select(pl.when(code.is_not_null()).then(pl.concat_list(code))).to_series()
    profiles: dict[tuple[str, ...], int] = {(): 0}
    if df.height <= 8:  # a few seekers (online): in Python, the same ids
        keys = [tuple(x) if x else () for x in col.to_list()]
        ids = np.array([profiles.setdefault(k, len(profiles)) for k in keys], dtype=np.int32)
    else:  # each distinct list once, rows mapped by a joined key (codes hold no "|")
        key = col.list.join("|").fill_null("")
        for k in key.unique(maintain_order=True).to_list():
            profiles.setdefault(tuple(k.split("|")) if k else (), len(profiles))
        by_key = {"|".join(k): i for k, i in profiles.items()}
        ids = key.replace_strict(by_key, return_dtype=pl.Int32).to_numpy().astype(np.int32)
    width = max(1, max(len(k) for k in profiles))
    sets = np.full((len(profiles), width), null, dtype=np.int32)
    for k, r in profiles.items():
        sets[r, : len(k)] = [wish_id(c) for c in k]
    return ids, sets


def seeker_features(df: pl.DataFrame, config: MatchConfig, as_of: dt.date | None) -> Features:
    """Features of prepared seekers (titles not yet vectorised)."""
    _check(df, SEEKER_COLUMNS, "seekers")
    t = code_table()
    occ = _codes(df["occupation_code"])
    county, city = _region(df)
    wc, wy, wp = _willing(df)
    birth = _floats(df["birth_year"])
    age = (as_of.year - birth) if as_of is not None else np.full(df.height, np.nan, np.float32)
    age = age.astype(np.float32)
    lo, hi = config.legal_working_age
    legal = ~((age < lo) | (age > hi))
    category = df["category"].cast(pl.String).fill_null("").to_numpy()
    eligible = trainee_eligible(category, age, config.trainee_age)
    smin = _floats(df["salary_min"])
    smax = _floats(df["salary_max"])
    # majors -> sets of code ids
    small = df.height <= 8  # a few seekers (online): majors looked up in Python
    if small:
        mlist = ["" if m is None else m for m in df["major"].cast(pl.String).to_list()]
        majors_u = sorted(set(mlist))  # code-point order is polars' (UTF-8 byte) order
    else:
        mser = df["major"].cast(pl.String).fill_null("")
        majors_u = mser.unique().sort().to_list()
    if "" not in majors_u:
        majors_u = ["", *majors_u]
    sets = [[t.ids[c] for c in major_codes(m) if c in t.ids] for m in majors_u]
    width = max(1, max(len(s) for s in sets))
    major_sets = np.full((len(sets), width), t.null, dtype=np.int32)
    for r, s in enumerate(sets):
        major_sets[r, : len(s)] = s
    major_id = {m: i for i, m in enumerate(majors_u)}
    if small:
        major = np.array([major_id[m] for m in mlist], dtype=np.int32)
    else:
        major = mser.replace_strict(major_id, return_dtype=pl.Int32).to_numpy()
    wish, wish_sets = _wishes(df, t.null)
    # a major speaks for a graduate, or for someone whose wish names no particular job; an
    # experienced worker's stated wish says more than what they once studied
    rt = related_table()
    generic = np.asarray(
        np.isin(wish_sets, [rt.production_work, rt.any_work, rt.field_work]).any(axis=1)
    )
    graduate = np.asarray(category == "graduate")
    major = np.where(graduate | generic[wish], major, 0)
    title, titles = _titles(df["title_core"])
    arrays = {
        "occ": occ,
        "wish": wish,
        "major": major.astype(np.int32),
        "title": title,
        "edu": _ints(df["education"], np.int16),
        "skill": _ints(df["skill_level"], np.int16),
        "prof": _ints(df["professional_title"], np.int16),
        "years": _floats(df["experience_years"]),
        "expect": np.where(np.isnan(smin), smax, smin).astype(np.float32),
        "salary_min": smin,
        "salary_max": smax,
        "age": age,
        "legal": np.asarray(legal),
        "eligible": eligible,
        "county": county,
        "city": city,
        "xy": _coords(county),
        "drive": _drive(df),
        "w_county": wc,
        "w_city": wy,
        "w_prov": wp,
    }
    ids = df["seeker_id"].cast(pl.String).to_numpy()
    return Features(
        df.height,
        ids,
        arrays,
        titles,
        sp.csr_matrix((len(titles), 0)),
        major_sets,
        tuple(majors_u),
        wish_sets,
    )
