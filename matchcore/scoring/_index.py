"""Candidate generation: the fitted :class:`VacancyIndex` and its :class:`Candidates` result.

How the best K vacancies of every seeker are found without the seekers x vacancies matrix
=========================================================================================

1. **Features.** :meth:`VacancyIndex.fit` turns the prepared vacancies into arrays (occupation
   code ids, title ids with TF-IDF rows fitted on the vacancy titles, levels, numbers, regions,
   policy flags) and sorts them into blocks by (city, occupation major group).
   :meth:`~VacancyIndex.transform` does the same for seekers with the fitted vectorizer.
2. **Blocking.** Under ``scope="city"`` a seeker meets the vacancies of their own city and of the
   cities of their willing regions (this is the region hard constraint, so blocking by city is
   exact). Where those cities hold many vacancies (``group_min_k * K``, 5,000 for K=50) the
   seeker first meets only the major groups of their occupation and of their major. Seekers with
   the same cities and groups share one block (a "signature"), so a seeker's candidates come out
   of one dense top-K without merging lists.
3. **Dense block scoring.** For a chunk of seekers x the vacancies of a block, every component is
   computed vectorised: discrete components (education, skill level, professional title,
   priority, and the education / trainee constraints as ``-inf``) through one small lookup table
   over the distinct (seeker, vacancy) level combinations; occupation through the precomputed
   tree-similarity table of the distinct codes; title through the TF-IDF product of the distinct
   titles; region through a table over the block's distinct counties (``-inf`` where the region
   constraint fails); salary and experience by broadcasting. The weighted sum is a float32
   ``(chunk x block)`` array; ``np.partition`` finds each row's K-th value, and ties at the
   boundary are broken by ``vacancy_id``.
4. **Exactness of the group blocking.** A vacancy outside the seeker's major groups has
   occupation component 0, so its score is at most ``1 - w_occupation``. Seekers whose K-th
   in-group score is below that bound (or who have fewer than K in-group candidates, or no known
   group) are scored again against every vacancy of their cities. The result therefore equals a
   brute-force scan of all pairs (tested with hypothesis against a pure-Python reference and
   against ``method="scan"``); no approximation is used.
5. **Components of the kept pairs** are recomputed pair by pair with the functions of
   :mod:`matchcore.scoring._components` and stored aligned with the CSR entries.

Memory stays bounded by the chunk size (``chunk_elements`` float32 values per block chunk) plus
the kept candidates. Blocks run on ``n_jobs`` threads (numpy releases the GIL); the result does
not depend on ``n_jobs``.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from matchcore._errors import InvalidParameter
from matchcore._memory import trim_heap
from matchcore._progress import Progress
from matchcore.normalize import DRIVING_CLASSES, covers
from matchcore.scoring._components import (
    Component,
    ScoreContext,
    component_names,
    components,
    education_allowed,
    region_allowed,
)
from matchcore.scoring._config import MatchConfig
from matchcore.scoring._features import (
    CIRCUITY,
    Features,
    _coords,
    code_table,
    distance_km,
    reference_date,
    seeker_features,
    vacancy_features,
)
from matchcore.scoring._reasons import reasons as build_reasons
from matchcore.scoring._related import related_table

#: DRIVE_COVERS[held, needed]: codes of DRIVING_CLASSES + 1 (0 = none stated, which passes)
DRIVE_COVERS = np.array(
    [[covers(h, n) for n in (None, *DRIVING_CLASSES)] for h in (None, *DRIVING_CLASSES)],
    dtype=bool,
)

if TYPE_CHECKING:  # imported where fitted: scikit-learn takes seconds to import
    from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["Candidates", "VacancyIndex", "candidates"]

log = logging.getLogger(__name__)

F32 = np.float32
NEG = F32(-np.inf)
_GROUPS = 10  # major groups 1..8 (0 = unknown / all groups)


def _truncate_index(
    rows: NDArray[Any], cols: NDArray[Any], vals: NDArray[Any], tiebreak: NDArray[Any], k: int
) -> NDArray[np.intp] | None:
    """Positions of the entries to keep so that each row keeps its ``k`` highest values, ties by
    ``tiebreak[cols]``; None when every row already has at most ``k``."""
    if len(rows) == 0:
        return None
    counts = np.bincount(rows)
    over = counts > k
    if not over.any():
        return None
    sel = np.flatnonzero(over[rows])
    r, c, v = rows[sel], cols[sel], vals[sel]
    # one stable sort on (row, descending score) after one on the tie-break: far faster than
    # lexsort; scores are >= 0 so their float32 bits sort like the values
    bits = (v.astype(F32) + F32(0.0)).view(np.uint32).astype(np.uint64)
    key = (r.astype(np.uint64) << np.uint64(32)) | (np.uint64(0xFFFFFFFF) - bits)
    o1 = np.argsort(tiebreak[c], kind="stable")
    order = o1[np.argsort(key[o1], kind="stable")]
    r = r[order]
    starts = np.flatnonzero(np.r_[True, r[1:] != r[:-1]])
    lens = np.diff(np.r_[starts, len(r)])
    rank = np.arange(len(r)) - np.repeat(starts, lens)
    keep = sel[order[rank < k]]
    rest = np.flatnonzero(~over[rows])
    return np.concatenate([rest, keep])


#: The engine's tables, in the order their weighted values are summed. A built-in component names
#: its table (``Component.table``); each table is keyed on distinct feature rows of its own:
#: levels: the ordinal levels and flags (with the education, trainee and licence constraints);
#: occupation: wish profile and major x the block's distinct codes (with ``min_occupation``);
#: title: distinct titles; region: each seeker x the block's distinct (county, city) (with the
#: region and commuting constraints); numbers: distinct (expectation, years) x (offer, years
#: required) (with ``min_experience_share``). A component without a table gets a table of its own,
#: keyed on its ``seeker_features`` x ``vacancy_features``, summed after these.
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "levels": (
        ("edu", "skill", "prof", "eligible", "drive"),
        ("edu", "skill", "prof", "internship", "am", "urgent", "session", "drive"),
    ),
    "occupation": (("wish", "major"), ("occ",)),
    "title": (("title",), ("title",)),
    "region": (("county", "city", "w_county", "w_city", "w_prov"), ("county", "city")),
    "numbers": (("expect", "years"), ("offer", "exp_min")),
}


def _members(table: str | None) -> list[Component]:
    """The registered components scored in ``table`` (None: those with a table of their own)."""
    out = [c for c in components() if c.table == table]
    for c in out:
        if table is None:
            continue
        s_ok, v_ok = TABLES[table]
        extra = set(c.seeker_features) - set(s_ok) | set(c.vacancy_features) - set(v_ok)
        if extra:
            raise InvalidParameter.of(
                f"Component({c.name!r}).table", "VacancyIndex", table,
                f"a table keyed on every feature the component reads (not {sorted(extra)})",
            )  # fmt: skip
    return out


def _weighted(
    members: Sequence[Component], values: dict[str, NDArray[np.float32]], w: dict[str, float]
) -> NDArray[np.float32]:
    """Sum of ``w * value`` over ``members`` in registry order, float32 (the order is part of the
    result: float sums are not associative)."""
    first, *rest = members
    acc = F32(w[first.name]) * values[first.name]
    for c in rest:
        acc = acc + F32(w[c.name]) * values[c.name]
    return np.asarray(acc, dtype=F32)


def _values(
    members: Sequence[Component],
    s: dict[str, NDArray[Any]],
    v: dict[str, NDArray[Any]],
    ctx: ScoreContext,
    shape: tuple[int, int],
) -> dict[str, NDArray[np.float32]]:
    """Unweighted value tables of ``members``, each of ``shape``."""
    out = {}
    for c in members:
        val = np.asarray(c.value(s, v, ctx), dtype=F32)
        out[c.name] = val if val.shape == shape else np.broadcast_to(val, shape).copy()
    return out


@dataclass(frozen=True)
class _Own:
    """A component's own table: its features keyed on each side (rows of distinct values)."""

    component: Component
    s_key: NDArray[np.int32]
    s_first: NDArray[np.int64]
    v_key: NDArray[np.int32]
    v_first: NDArray[np.int64]


@dataclass(frozen=True)
class _Tables:
    """Everything a block needs that depends on both sides and the weights."""

    w: dict[str, float]
    disc: NDArray[np.float32]  # (n_seeker_keys, n_vacancy_keys), weighted, -inf = not allowed
    levels: dict[str, NDArray[np.float32]]  # unweighted components over the same keys
    s_key: NDArray[np.int32]
    v_key: NDArray[np.int32]
    # salary and experience over distinct (expectation, years) x (offer, years required)
    s_key2: NDArray[np.int32]
    s_vals2: NDArray[np.float64]  # (n_keys, 2): expectation, years; NaN unknown
    v_key2: NDArray[np.int32]
    v_vals2: NDArray[np.float64]  # (n_keys, 2): offer top, years required
    own: tuple[_Own, ...] = ()


def _keys(cols: Sequence[NDArray[Any]]) -> tuple[NDArray[np.int32], NDArray[np.int64]]:
    """Dense ids of the distinct rows of stacked small-int columns, and the distinct rows.

    Same result as ``np.unique(np.stack(cols, 1), axis=0, return_inverse=True)`` (rows in
    lexicographic order), computed on one mixed-radix int64 per row, which is much faster.
    """
    m = np.stack([np.asarray(c, dtype=np.int64) for c in cols], axis=1)
    if len(m) == 0:
        return np.zeros(0, dtype=np.int32), m
    lo = m.min(axis=0)
    span = m.max(axis=0) - lo + 1
    packed = np.zeros(len(m), dtype=np.int64)
    for j in range(m.shape[1]):
        packed = packed * span[j] + (m[:, j] - lo[j])
    _u, first, inv = np.unique(packed, return_index=True, return_inverse=True)
    return inv.reshape(-1).astype(np.int32), m[first]


def _key_rows(cols: Sequence[NDArray[Any]], n: int) -> tuple[NDArray[np.int32], NDArray[np.int64]]:
    """Dense ids of the distinct rows of any feature columns (1-d or 2-d, NaN equal to NaN) and
    the position of one row of each."""
    ids = []
    for c in cols:
        a = np.asarray(c)
        if a.ndim == 1:
            _u, inv = np.unique(a, return_inverse=True)
        else:
            _u, inv = np.unique(a.reshape(len(a), -1), axis=0, return_inverse=True)
        ids.append(inv.reshape(-1))
    if not ids or n == 0:
        return np.zeros(n, dtype=np.int32), np.zeros(min(n, 1), dtype=np.int64)
    key, _rows = _keys(ids)
    _u, first = np.unique(key, return_index=True)
    return key, first.astype(np.int64)


def _vacancy_keys(vf: Features) -> tuple[Any, ...]:
    """The vacancy half of :func:`_build_tables`: depends on the vacancies only."""
    v = vf.arrays
    v_key, vu = _keys([v[f] for f in TABLES["levels"][1]])
    v_key2, v_vals2 = _float_keys([v[f] for f in TABLES["numbers"][1]])
    return v_key, vu, v_key2, v_vals2


def _build_tables(
    sf: Features, vf: Features, config: MatchConfig, vkeys: tuple[Any, ...] | None = None
) -> _Tables:
    w = config.normalized_weights()
    s = sf.arrays
    s_names, v_names = TABLES["levels"]
    s_key, su = _keys([s[f] for f in s_names])
    v_key, vu, v_key2, v_vals2 = _vacancy_keys(vf) if vkeys is None else vkeys
    S = {f: su[:, i][:, None] for i, f in enumerate(s_names)}
    V = {f: vu[:, i][None, :] for i, f in enumerate(v_names)}
    members = _members("levels")
    levels = _values(members, S, V, ScoreContext(), (len(su), len(vu)))
    disc = _weighted(members, levels, w)
    se, sel, sdr = S["edu"], S["eligible"], S["drive"]
    ve, vi, vdr = V["edu"], V["internship"], V["drive"]
    allowed = (
        education_allowed(se, ve, config.education_tolerance)
        & (~vi.astype(bool) | sel.astype(bool))
        & DRIVE_COVERS[sdr, vdr]  # a stated licence class that does not cover the one required
    )
    disc = np.where(allowed, disc, NEG).astype(F32)
    s_key2, s_vals2 = _float_keys([s[f] for f in TABLES["numbers"][0]])
    own = []
    for c in _members(None):
        sk, sfirst = _key_rows([s[f] for f in c.seeker_features], sf.n)
        vk, vfirst = _key_rows([vf.arrays[f] for f in c.vacancy_features], vf.n)
        own.append(_Own(c, sk, sfirst, vk, vfirst))
    return _Tables(w, disc, levels, s_key, v_key, s_key2, s_vals2, v_key2, v_vals2, tuple(own))


def _float_keys(cols: Sequence[NDArray[Any]]) -> tuple[NDArray[np.int32], NDArray[np.float64]]:
    """Dense ids of the distinct rows of two stacked float columns (NaN = unknown), and those rows.

    Same result as ``np.unique(..., axis=0)`` over the rows, computed on one complex number per
    row (numpy sorts complex numbers by real, then imaginary part: lexicographic order).
    """
    a, b = (np.nan_to_num(np.asarray(c, dtype=np.float64), nan=-1.0) for c in cols)
    _u, first, inv = np.unique(a + 1j * b, return_index=True, return_inverse=True)
    uniq = np.stack([a[first], b[first]], axis=1)
    uniq[uniq < 0] = np.nan
    return inv.reshape(-1).astype(np.int32), uniq


@dataclass(frozen=True)
class _Block:
    """Vacancy-side precomputation of one block."""

    rows: NDArray[np.int64]
    code_u: NDArray[np.int32]
    code_inv: NDArray[np.intp]
    title_u: NDArray[np.int32]
    title_inv: NDArray[np.intp]
    reg_county: NDArray[np.int32]
    reg_city: NDArray[np.int32]
    reg_inv: NDArray[np.intp]
    reg_housing: NDArray[np.bool_]
    reg_xy: NDArray[np.float32]  # (n_regions, 2) county-seat coordinates, NaN unknown
    key2_u: NDArray[np.int32]
    key2_inv: NDArray[np.intp]
    # tables that depend on the block only, filled on first use (thread-safe enough: a race
    # computes the same value twice)
    cache: dict[str, Any] = field(default_factory=dict)


class _Engine:
    """Scores (seeker chunk x block) arrays for one seeker table against a fitted index."""

    def __init__(self, index: VacancyIndex, sf: Features, config: MatchConfig) -> None:
        self.index = index
        self.sf = sf
        self.vf = index.vacancies_
        self.config = config
        cached = getattr(index, "_vkeys", None)
        if cached is None or cached[0] is not self.vf:  # vacancy keys: once per fitted index
            cached = (self.vf, _vacancy_keys(self.vf))
            index._vkeys = cached
        self.t = _build_tables(sf, self.vf, config, cached[1])
        self.ct = code_table()
        self.pairs_scored = 0
        self.ctx = ScoreContext(sf.title_matrix, self.vf.title_matrix, sf.wish_sets, sf.major_sets)
        self.members = {name: _members(name) for name in TABLES}

    def block(self, v_rows: NDArray[np.int64]) -> _Block:
        v = self.vf.arrays
        cu, ci = np.unique(v["occ"][v_rows], return_inverse=True)
        tu, ti = np.unique(v["title"][v_rows], return_inverse=True)
        rk = (v["county"][v_rows].astype(np.int64) * 1_000_000 + v["city"][v_rows]) * 2 + v[
            "housing"
        ][v_rows]
        ru, ri = np.unique(rk, return_inverse=True)
        housing = (ru % 2).astype(bool)
        ru = ru // 2
        reg_county = (ru // 1_000_000).astype(np.int32)
        ku, ki = np.unique(self.t.v_key2[v_rows], return_inverse=True)
        return _Block(
            v_rows,
            cu,
            ci.ravel(),
            tu,
            ti.ravel(),
            reg_county,
            (ru % 1_000_000).astype(np.int32),
            ri.ravel(),
            housing,
            _coords(reg_county),  # once a block, not once a chunk
            ku.astype(np.int32),
            ki.ravel(),
        )

    def _ctx(self, b: _Block) -> ScoreContext:
        return dataclasses.replace(self.ctx, cache=b.cache)

    def scores(self, s_rows: NDArray[np.int64], b: _Block) -> tuple[NDArray[np.float32], _Parts]:
        """Weighted scores, shape (len(s_rows), len(b.rows)), ``-inf`` where not allowed, and the
        unweighted component tables they were summed from."""
        s, v, t, w = self.sf.arrays, self.vf.arrays, self.t, self.t.w
        vr = b.rows
        ctx = self._ctx(b)
        parts: _Parts = {}
        S: dict[str, NDArray[Any]]  # each table's seeker (p, 1) and vacancy (1, q) features
        V: dict[str, NDArray[Any]]
        self.pairs_scored += len(s_rows) * len(vr)
        out = np.take(t.disc[t.s_key[s_rows]], t.v_key[vr], axis=1)
        v_key = b.cache.get("v_key")
        if v_key is None:
            v_key = b.cache["v_key"] = t.v_key[vr]
        s_key = t.s_key[s_rows]
        for name in self.members["levels"]:
            parts[name.name] = (t.levels[name.name], s_key, v_key)
        tmp = np.empty_like(out)  # one reused buffer: fresh allocations cost page faults
        # occupation over distinct (wish profile, major) x the block's distinct codes
        members = self.members["occupation"]
        if members:
            prof = s["wish"][s_rows].astype(np.int64) * 65536 + s["major"][s_rows]
            pu, pi = np.unique(prof, return_inverse=True)
            pi = pi.ravel()
            S = {"wish": (pu // 65536)[:, None], "major": (pu % 65536)[:, None]}
            vals = _values(members, S, {"occ": b.code_u[None, :]}, ctx, (len(pu), len(b.code_u)))
            wsum = _weighted(members, vals, w)
            if "occupation" in vals:
                ok = vals["occupation"] >= F32(self.config.min_occupation)
                wsum = np.where(ok, wsum, NEG).astype(F32)
            out += np.take(wsum[pi], b.code_inv, axis=1, out=tmp)
            parts.update({c.name: (vals[c.name], pi, b.code_inv) for c in members})
        # title over distinct titles
        members = self.members["title"]
        if members:
            su, si = np.unique(s["title"][s_rows], return_inverse=True)
            si = si.ravel()
            S, V = {"title": su[:, None]}, {"title": b.title_u[None, :]}
            vals = _values(members, S, V, ctx, (len(su), len(b.title_u)))
            if any(w[c.name] > 0 for c in members):
                out += np.take(_weighted(members, vals, w)[si], b.title_inv, axis=1, out=tmp)
            parts.update({c.name: (vals[c.name], si, b.title_inv) for c in members})
        # region over the block's distinct (county, city), with the region constraint
        sr = s_rows[:, None]
        S = {
            "county": s["county"][sr],
            "city": s["city"][sr],
            "w_county": s["w_county"][s_rows][:, None, :],
            "w_city": s["w_city"][s_rows][:, None, :],
            "w_prov": s["w_prov"][s_rows][:, None, :],
        }
        V = {"county": b.reg_county[None, :], "city": b.reg_city[None, :]}
        members = self.members["region"]
        ok = region_allowed(S["city"], S["w_city"], S["w_prov"], V["city"], self.config.scope)
        ok &= self.commutable(s_rows, b)
        local = np.arange(len(s_rows))
        if members:
            vals = _values(members, S, V, ctx, (len(s_rows), len(b.reg_county)))
            rw = np.where(ok, _weighted(members, vals, w), NEG).astype(F32)
            parts.update({c.name: (vals[c.name], local, b.reg_inv) for c in members})
        else:
            rw = np.where(ok, F32(0), NEG).astype(F32)
        out += np.take(rw, b.reg_inv, axis=1, out=tmp)
        # salary and experience over distinct values
        ku, ki = np.unique(t.s_key2[s_rows], return_inverse=True)
        ki = ki.ravel()
        sv, vv = t.s_vals2[ku], t.v_vals2[b.key2_u]
        s_names, v_names = TABLES["numbers"]
        S = {f: sv[:, i][:, None] for i, f in enumerate(s_names)}
        V = {f: vv[:, i][None, :] for i, f in enumerate(v_names)}
        members = self.members["numbers"]
        if members:
            vals = _values(members, S, V, ctx, (len(ku), len(b.key2_u)))
            se = _weighted(members, vals, w)
            parts.update({c.name: (vals[c.name], ki, b.key2_inv) for c in members})
        else:
            se = np.zeros((len(ku), len(b.key2_u)), dtype=F32)
        share = self.config.min_experience_share
        if share > 0:  # more than that share of the required years missing: not this job yet
            years, need = S["years"], V["exp_min"]
            se = np.where((need > 0) & (years < share * need), NEG, se)
        out += np.take(se[ki].astype(F32), b.key2_inv, axis=1, out=tmp)
        # components with a table of their own, over their distinct feature rows
        for own in t.own:
            c = own.component
            ku, ki = np.unique(own.s_key[s_rows], return_inverse=True)
            ki = ki.ravel()
            cached = b.cache.get("own:" + c.name)
            if cached is None:
                cached = b.cache["own:" + c.name] = np.unique(own.v_key[vr], return_inverse=True)
            bu, bi = cached[0], cached[1].ravel()
            srows, vrows = own.s_first[ku], own.v_first[bu]
            S = {f: s[f][srows][:, None] for f in c.seeker_features}
            V = {f: v[f][vrows][None, :] for f in c.vacancy_features}
            vals = _values([c], S, V, ctx, (len(ku), len(bu)))
            if w[c.name] > 0:
                out += np.take(_weighted([c], vals, w)[ki], bi, axis=1, out=tmp)
            parts[c.name] = (vals[c.name], ki, bi)
        if self.config.vacancy_age_limits:
            age = s["age"][s_rows][:, None]
            bad = (age < v["age_min"][vr][None, :]) | (age > v["age_max"][vr][None, :])
            out[bad] = NEG
        floor = F32(self.config.min_score)
        if floor > 0:
            out[out < floor] = NEG
        return out, parts

    def commutable(self, s_rows: NDArray[np.int64], b: _Block) -> NDArray[np.bool_]:
        """(seekers x the block's distinct regions): within ``max_commute_km`` of home, or housed,
        or in a region the seeker named as willing, or a distance that is not known."""
        limit = self.config.max_commute_km
        if limit is None:
            return np.ones((len(s_rows), len(b.reg_county)), dtype=bool)
        s = self.sf.arrays
        d = distance_km(s["xy"][s_rows][:, None, :], b.reg_xy[None, :, :])
        near = ~(d * F32(CIRCUITY) > F32(limit))  # NaN (unknown) passes
        # a county named as willing, or a willing city other than home
        wc, wy = s["w_county"][s_rows][:, None, :], s["w_city"][s_rows][:, None, :]
        willing = np.any(b.reg_county[None, :, None] == wc, axis=-1) | (
            np.any(b.reg_city[None, :, None] == wy, axis=-1)
            & (b.reg_city[None, :] != s["city"][s_rows][:, None])
        )
        return np.asarray(near | b.reg_housing[None, :] | willing)

    def components(
        self, p: _Parts, r: NDArray[np.intp], c: NDArray[np.intp]
    ) -> NDArray[np.float32]:
        """Unweighted components of the chosen entries (local rows ``r``, columns ``c``), one
        column per registered component."""
        names = [comp.name for comp in components()]
        out = np.empty((len(r), len(names)), dtype=F32)
        for j, name in enumerate(names):
            table, row_of, col_of = p[name]
            out[:, j] = table[row_of[r], col_of[c]]
        return out

    def topk(self, s_rows: NDArray[np.int64], b: _Block, k: int) -> _Kept:
        sc, parts = self.scores(s_rows, b)
        _n, m = sc.shape
        g = 4 * k
        if m >= 2 * g:
            # the maxima of g disjoint column groups are g distinct entries, so the k-th largest of
            # them is <= the row's k-th largest value: every entry of the top k passes this bound
            starts = (np.arange(g) * m) // g
            gm = np.maximum.reduceat(sc, starts, axis=1)
            lb = np.partition(gm, g - k, axis=1)[:, g - k]
            mask = sc >= lb[:, None]
            mask &= sc > NEG
        elif m > k:
            thr = np.partition(sc, m - k, axis=1)[:, m - k]
            mask = sc >= thr[:, None]
            mask &= sc > NEG
        else:
            mask = sc > NEG
        flat = np.flatnonzero(mask)
        r, c = flat // m, flat % m
        vals = sc.ravel()[flat]
        idx = _truncate_index(r, c, vals, self.vf.arrays["tiebreak"][b.rows], k)
        if idx is not None:
            r, c, vals = r[idx], c[idx], vals[idx]
        comps = self.components(parts, r, c)
        return _Kept.make(s_rows[r], b.rows[c], vals, comps)


#: Per component: its unweighted table over one (chunk x block), and arrays mapping the chunk's
#: rows and the block's columns to the table's rows and columns.
_Parts = dict[str, tuple[NDArray[np.float32], NDArray[Any], NDArray[Any]]]


class _Kept:
    """Kept entries as parallel 1-D arrays: seeker rows and vacancy rows (int32), scores, then one
    array per component (float32). Concatenation and selection free their inputs as they go, so
    the peak memory stays near one copy of the candidates."""

    def __init__(self, arrays: list[NDArray[Any]]) -> None:
        self.arrays = arrays

    @classmethod
    def make(
        cls, rows: NDArray[Any], cols: NDArray[Any], vals: NDArray[Any], comps: NDArray[Any]
    ) -> _Kept:
        return cls(
            [rows.astype(np.int32), cols.astype(np.int32), vals.astype(F32)]
            + [np.ascontiguousarray(comps[:, j]) for j in range(comps.shape[1])]
        )

    @classmethod
    def empty(cls) -> _Kept:
        return cls(
            [np.zeros(0, np.int32), np.zeros(0, np.int32)]
            + [np.zeros(0, F32) for _ in range(1 + len(components()))]
        )

    @property
    def rows(self) -> NDArray[np.int32]:
        return self.arrays[0]

    @property
    def cols(self) -> NDArray[np.int32]:
        return self.arrays[1]

    @property
    def vals(self) -> NDArray[np.float32]:
        return self.arrays[2]

    @classmethod
    def concat(cls, items: list[_Kept]) -> _Kept:
        """Concatenate and empty ``items``, one array (column) at a time: each input column is
        released once copied, so the peak is one copy of the entries plus one column (not two
        copies, which for the fallback's ``concat([kept, extra])`` at province scale is 2.4 GB)."""
        if not items:
            return cls.empty()
        total = sum(len(x.rows) for x in items)
        out = []
        for j in range(len(items[0].arrays)):
            col = np.empty(total, dtype=items[0].arrays[j].dtype)
            pos = 0
            for piece in items:
                src = piece.arrays[j]
                col[pos : pos + len(src)] = src
                pos += len(src)
                piece.arrays[j] = src[:0].copy()  # release the column
            out.append(col)
        for i in range(len(items)):
            items[i] = cls.empty()
        return cls(out)

    def keep(self, mask: NDArray[np.bool_]) -> None:
        """Keep only the entries where ``mask`` is True (in place, one array at a time)."""
        for j in range(len(self.arrays)):
            self.arrays[j] = self.arrays[j][mask]


def _outside_group_bound(w: dict[str, float]) -> float:
    """Highest weighted score a pair outside every occupation group of the seeker can reach:
    the weighted sum of each component's :meth:`~Component.bound_outside_groups`, written as
    the most a full score loses so that the default weights give exactly ``1 - w_occupation``."""
    top = sum(w[c.name] * c.high for c in components())
    loss = sum(w[c.name] * (c.high - c.bound_outside_groups()) for c in components())
    return (1.0 if math.isclose(top, 1.0) else top) - loss


#: from this many kept pairs the C heap is trimmed inside :meth:`VacancyIndex.candidates` (a
#: province's run leaves gigabytes of freed blocks; one seeker online has nothing to give back)
TRIM_PAIRS = 1_000_000


def _chunks(rows: NDArray[np.int64], m: int, budget: int) -> Iterator[NDArray[np.int64]]:
    step = max(1, budget // max(1, m))
    for i in range(0, len(rows), step):
        yield rows[i : i + step]


#: pairs whose reasons are built at a time by :meth:`Candidates.frame` (a sentence depends on its
#: own pair only; the per-pair field gathers of a whole province, 9.5 M lists, would otherwise be
#: held all at once)
REASON_CHUNK = 1_000_000


def _positions(csr: Any, rows: NDArray[Any], cols: NDArray[Any]) -> NDArray[np.int64]:
    """Positions in ``csr.data`` of the pairs ``(rows[i], cols[i])``, or of where they would go.

    A binary search inside each pair's row, all pairs at once (columns are sorted within a row):
    a few passes over the pairs asked for, instead of a sortable key per stored pair (an 8-byte
    array of every candidate pair, 400 MB at province size).
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    lo = np.asarray(csr.indptr, dtype=np.int64)[rows]
    hi = np.asarray(csr.indptr, dtype=np.int64)[rows + 1]
    last = max(0, csr.indices.shape[0] - 1)
    active = np.flatnonzero(lo < hi)
    while active.size:
        a_lo, a_hi = lo[active], hi[active]
        mid = (a_lo + a_hi) // 2
        right = csr.indices[np.minimum(mid, last)] < cols[active]
        lo[active] = np.where(right, mid + 1, a_lo)
        hi[active] = np.where(right, a_hi, mid)
        active = active[lo[active] < hi[active]]
    return lo


def _gather_ids(ids: NDArray[Any], idx: NDArray[np.int64]) -> pl.Series:
    """``ids[idx]`` as strings, from whichever is shorter: the pairs (a few pairs of a large
    index, online) or the ids (millions of pairs of the whole job, gathered by polars without a
    fixed-width numpy string array of every pair)."""
    if len(idx) < len(ids):
        return pl.Series([str(x) for x in ids[idx].tolist()], dtype=pl.Utf8)
    return pl.Series([str(x) for x in ids.tolist()], dtype=pl.Utf8).gather(idx)


class _Spilled(Mapping[str, NDArray[np.float32]]):
    """Components in ``.npy`` files, memory-mapped read-only each time one is read: a gather maps
    the file, reads what it needs and lets go, so nothing stays resident between reads."""

    def __init__(self, folder: Path, names: Sequence[str]) -> None:
        self.folder = folder
        self.names = tuple(names)

    def __getitem__(self, name: str) -> NDArray[np.float32]:
        if name not in self.names:
            raise KeyError(name)
        return np.load(self.folder / f"{name}.npy", mmap_mode="r")  # our own raw array: no pickle

    def __iter__(self) -> Iterator[str]:
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


class _Selected(Mapping[str, NDArray[np.float32]]):
    """The entries ``positions`` of other components, gathered when one is read."""

    def __init__(self, base: Mapping[str, NDArray[np.float32]], positions: NDArray[Any]) -> None:
        self.base = base
        self.positions = positions

    def __getitem__(self, name: str) -> NDArray[np.float32]:
        return np.asarray(self.base[name][self.positions])

    def __iter__(self) -> Iterator[str]:
        return iter(self.base)

    def __len__(self) -> int:
        return len(self.base)


@dataclass(frozen=True)
class Candidates:
    """Candidate pairs with their final scores and per-component scores.

    Nothing changes a ``Candidates`` once made: :meth:`top` and :meth:`spill` return new ones.
    Pairs are ranked within a seeker by score, ties to the lower ``vacancy_id`` (the one tie
    rule of :meth:`top`, :meth:`to_frame` and the candidate generation itself).

    Attributes
    ----------
    scores : scipy.sparse.csr_array, shape (n_seekers, n_vacancies)
        Final score in [0, 1] of every kept pair; rows in prepared-seeker order, columns in
        prepared-vacancy order, entries sorted by column within a row. A stored entry (even a
        zero) is an allowed pair.
    components : mapping of str to ndarray of float32
        One array per component (:func:`matchcore.scoring.component_names` order), aligned with
        ``scores.data``.
    k : int
        Candidates per seeker asked for.
    excluded : ndarray of int64
        Seeker rows given no candidates because their age is outside the legal working age.
    stats : dict
        Figures of the run: ``pairs_scored``, ``fallback_seekers``, ``seconds``, ``method``.
    in_reach : ndarray of int64, shape (n_seekers,), optional
        Postings in each seeker's cities (the region constraint alone, before suitability).
    """

    scores: sp.csr_array
    components: Mapping[str, NDArray[np.float32]]
    k: int
    excluded: NDArray[np.int64]
    stats: dict[str, Any] = field(default_factory=dict)
    _context: Any = field(default=None, repr=False, compare=False)
    in_reach: NDArray[np.int64] | None = field(default=None, repr=False, compare=False)

    @property
    def shape(self) -> tuple[int, int]:
        """``(n_seekers, n_vacancies)``."""
        return (int(self.scores.shape[0]), int(self.scores.shape[1]))

    def pairs(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Seeker rows and vacancy columns of the stored entries, in ``scores.data`` order."""
        rows = np.repeat(np.arange(self.shape[0]), np.diff(self.scores.indptr))
        return rows, self.scores.indices.astype(np.int64)

    def _fitted(self, owner: str) -> tuple[Any, Any]:
        if self._context is None:
            raise InvalidParameter.of(
                "candidates", owner, None, "a result of VacancyIndex.candidates"
            )
        return self._context

    def _ranked(self) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
        """Entry positions sorted by (seeker row, score descending, vacancy_id), and the rank
        (1 = best) of each in that order."""
        index, _sf = self._fitted("Candidates.top")
        rows, cols = self.pairs()
        tb = index.vacancies_.arrays["tiebreak"][cols]
        order = np.lexsort((tb, -self.scores.data.astype(np.float64), rows))
        rows_o = rows[order]
        starts = (
            np.flatnonzero(np.r_[True, rows_o[1:] != rows_o[:-1]])
            if len(rows_o)
            else np.zeros(0, np.int64)
        )
        rank = np.arange(len(rows_o)) - np.repeat(starts, np.diff(np.r_[starts, len(rows_o)])) + 1
        return order.astype(np.int64), rank.astype(np.int64)

    def top(self, m: int | None) -> Candidates:
        """Each seeker's ``m`` best pairs (ties to the lower ``vacancy_id``), as new candidates.

        ``self`` when no seeker has more than ``m`` (or ``m`` is None). The components of the
        result are read from this one's when asked for (no copy is made here).

        Examples
        --------
        >>> import matchcore as mc
        >>> from matchcore.synth import fake_prepared
        >>> s, v = fake_prepared(30, 20, seed=2)
        >>> c = mc.scoring.candidates(s, v, mc.MatchConfig(min_occupation=0.0, min_score=0.0), k=4)
        >>> int(np.diff(c.scores.indptr).max()), int(np.diff(c.top(2).scores.indptr).max())
        (3, 2)
        """
        if m is not None and (isinstance(m, bool) or not isinstance(m, int) or m < 1):
            raise InvalidParameter.of("m", "Candidates.top", m, "an int in [1, inf) or None")
        if m is None or self.scores.nnz == 0 or int(np.diff(self.scores.indptr).max()) <= m:
            return self
        order, rank = self._ranked()
        keep = np.sort(order[rank <= m])
        rows, _cols = self.pairs()
        counts = np.bincount(rows[keep], minlength=self.shape[0])
        scores = sp.csr_array(
            (self.scores.data[keep], self.scores.indices[keep], np.r_[0, np.cumsum(counts)]),
            shape=self.shape,
        )
        return dataclasses.replace(self, scores=scores, components=_Selected(self.components, keep))

    def lookup(self, rows: ArrayLike, cols: ArrayLike) -> NDArray[np.int64]:
        """Positions of the stored pairs ``(rows[i], cols[i])`` in ``scores.data`` and in every
        ``components`` array.

        Raises
        ------
        InvalidParameter
            Where a pair is not stored.

        Examples
        --------
        >>> import matchcore as mc
        >>> from matchcore.synth import fake_prepared
        >>> s, v = fake_prepared(30, 20, seed=2)
        >>> c = mc.scoring.candidates(s, v, mc.MatchConfig(min_occupation=0.0, min_score=0.0), k=4)
        >>> r, col = c.pairs()
        >>> len(r) > 0 and bool((c.lookup(r[::-1], col[::-1]) == np.arange(len(r))[::-1]).all())
        True
        """
        r = np.asarray(rows, dtype=np.int64).ravel()
        c = np.asarray(cols, dtype=np.int64).ravel()
        pos = _positions(self.scores, r, c)
        indptr = np.asarray(self.scores.indptr, dtype=np.int64)
        idx = self.scores.indices
        safe = np.minimum(pos, max(0, len(idx) - 1))
        stored = (pos < indptr[r + 1]) & (idx[safe] == c) if len(idx) else np.zeros(len(r), bool)
        if not stored.all():
            bad = int(np.flatnonzero(~stored)[0])
            raise InvalidParameter.of(
                "pairs", "Candidates.lookup", f"({r[bad]}, {c[bad]})", "stored candidate pairs"
            )
        return pos

    def spill(self, folder: str | Path) -> Candidates:
        """The same candidates with the components in ``.npy`` files in ``folder``, memory-mapped
        when read; ``self`` is unchanged (drop it to give the memory back).

        The files must outlive the result (a temporary folder removed after the last read).
        """
        path = Path(folder)
        for name, values in self.components.items():
            np.save(path / f"{name}.npy", np.asarray(values))
        return dataclasses.replace(self, components=_Spilled(path, list(self.components)))

    def explain(
        self, seeker_rows: Sequence[int] | NDArray[Any], vacancy_rows: Sequence[int] | NDArray[Any]
    ) -> list[str]:
        """Chinese sentences explaining the given pairs (any pairs, not only stored ones).

        Examples
        --------
        >>> import matchcore as mc
        >>> from matchcore.synth import fake_prepared
        >>> s, v = fake_prepared(20, 30, seed=0)
        >>> c = mc.scoring.candidates(s, v, k=3)
        >>> c.explain([0], [0])[0].startswith("职业")
        True
        """
        index, sf = self._fitted("Candidates.explain")
        return build_reasons(
            index,
            sf,
            np.asarray(seeker_rows, dtype=np.int64),
            np.asarray(vacancy_rows, dtype=np.int64),
        ).to_list()

    def frame(
        self,
        rows: ArrayLike,
        cols: ArrayLike,
        *,
        rank: ArrayLike,
        score: ArrayLike | None = None,
        extra: Mapping[str, pl.Series] | None = None,
        reasons: bool = True,
    ) -> pl.DataFrame:
        """The table of the given stored pairs, in the order given.

        Columns ``seeker_id, vacancy_id, rank, score``, one per component, the ``extra`` ones,
        ``reason``.

        Parameters
        ----------
        rows, cols : array of int, shape (n,)
            Seeker rows and vacancy columns of stored pairs.
        rank : array of int, shape (n,)
            The rank column.
        score : array of float, shape (n,), optional
            The score column (default: the stored scores).
        extra : mapping of str to polars.Series, optional
            Columns placed between the components and the reason.
        reasons : bool
            Build the ``reason`` sentences (the slow part: about 2 microseconds a pair).

        Examples
        --------
        >>> import matchcore as mc
        >>> from matchcore.synth import fake_prepared
        >>> s, v = fake_prepared(30, 20, seed=2)
        >>> c = mc.scoring.candidates(s, v, mc.MatchConfig(min_occupation=0.0, min_score=0.0), k=4)
        >>> r, col = c.pairs()
        >>> c.frame(r[:2], col[:2], rank=[1, 2], reasons=False).columns[:5]
        ['seeker_id', 'vacancy_id', 'rank', 'score', 'occupation']
        """
        r = np.asarray(rows, dtype=np.int64).ravel()
        c = np.asarray(cols, dtype=np.int64).ravel()
        for name, values in (("cols", c), ("rank", rank), ("score", score), *(extra or {}).items()):
            if values is not None and len(np.asarray(values)) != len(r):
                raise InvalidParameter.of(
                    name, "Candidates.frame", f"{len(np.asarray(values))} values",
                    f"one value per pair ({len(r)})",
                )  # fmt: skip
        return self._frame(self.lookup(r, c), r, c, rank, score, extra, reasons)

    def _frame(
        self,
        pos: NDArray[np.int64],
        rows: NDArray[np.int64],
        cols: NDArray[np.int64],
        rank: ArrayLike,
        score: ArrayLike | None,
        extra: Mapping[str, pl.Series] | None,
        with_reasons: bool,
    ) -> pl.DataFrame:
        index, sf = self._fitted("Candidates.frame")
        if score is None:
            score = self.scores.data[pos]
        data: dict[str, Any] = {
            "seeker_id": _gather_ids(sf.ids, rows),
            "vacancy_id": _gather_ids(index.vacancies_.ids, cols),
            "rank": pl.Series(np.asarray(rank), dtype=pl.Int32),
            "score": pl.Series(np.asarray(score), dtype=pl.Float64),
        }
        for name in component_names():
            # one component at a time: a spilled one is mapped, gathered and let go
            data[name] = pl.Series(np.asarray(self.components[name][pos]), dtype=pl.Float32)
        data.update(extra or {})
        if with_reasons:
            data["reason"] = self.reasons(rows, cols)
        return pl.DataFrame(data)

    def reasons(self, rows: ArrayLike, cols: ArrayLike) -> pl.Series:
        """The ``reason`` sentence of each pair (seeker row, vacancy column), in Chinese.

        Built :data:`REASON_CHUNK` pairs at a time: a sentence depends on its own pair only.

        Examples
        --------
        >>> import matchcore as mc
        >>> s, v = mc.synth.fake_prepared(n_seekers=30, n_vacancies=12, seed=1)
        >>> c = mc.scoring.candidates(s, v, mc.MatchConfig(min_occupation=0.0, min_score=0.0), k=4)
        >>> r, col = c.pairs()
        >>> c.reasons(r[:2], col[:2]).len()
        2
        """
        index, sf = self._fitted("Candidates.reasons")
        r = np.asarray(rows, dtype=np.int64).ravel()
        c = np.asarray(cols, dtype=np.int64).ravel()
        step = REASON_CHUNK
        parts = [
            build_reasons(index, sf, r[i : i + step], c[i : i + step])
            for i in range(0, len(r), step)
        ]
        return pl.concat(parts) if parts else build_reasons(index, sf, r, c)

    def to_frame(self, *, top: int | None = None, reasons: bool = True) -> pl.DataFrame:
        """The pairs as a table: seeker_id, vacancy_id, rank, score, one column per component, reason.

        Parameters
        ----------
        top : int, optional
            Keep only the ``top`` best pairs of each seeker (reasons are built only for them).
        reasons : bool
            Build the ``reason`` sentences (the slow part).

        Returns
        -------
        polars.DataFrame
            Sorted by seeker row then rank; rank 1 is the best, ties broken by vacancy_id.
        """
        self._fitted("Candidates.to_frame")
        order, rank = self._ranked()
        keep = rank <= top if top is not None else np.ones(len(rank), dtype=bool)
        sel = order[keep]
        rows, cols = self.pairs()
        return self._frame(sel, rows[sel], cols[sel], rank[keep], None, None, reasons)


class VacancyIndex:
    """Vacancies vectorised and blocked for fast top-K candidate generation.

    Parameters
    ----------
    config : MatchConfig, optional
        Weights and hard constraints (defaults to ``MatchConfig()``).
    chunk_elements : int
        Seeker rows per chunk are chosen so a chunk holds about this many pair scores.
    group_min_k : int
        Block by occupation major group only for seekers whose cities hold at least
        ``group_min_k * k`` vacancies (elsewhere one pass over all groups is cheaper). Only speed
        depends on it, never the result.
    n_jobs : int
        Threads scoring blocks in parallel (numpy releases the GIL); results do not depend on it.
    progress : bool, optional
        Show a progress bar (see :mod:`matchcore._progress`).

    Attributes
    ----------
    vacancies_ : Features
        Vacancy arrays; ``vacancies_.title_matrix`` the TF-IDF rows of the distinct titles.
    vectorizer_ : sklearn TfidfVectorizer or None
        Character 1-2-gram TF-IDF fitted on the vacancy titles (None when they are all empty).
    as_of_ : datetime.date or None
        Reference date found in the vacancies (``posted_at``), used when ``config.as_of`` is None.
    n_vacancies_ : int
    dropped_ : ndarray of bool, shape (n_vacancies,)
        Vacancies taken out with :meth:`drop`.

    Examples
    --------
    >>> import matchcore as mc
    >>> from matchcore.synth import fake_prepared
    >>> seekers, vacancies = fake_prepared(50, 40, seed=0)
    >>> index = mc.scoring.VacancyIndex(mc.MatchConfig(candidates=5)).fit(vacancies)
    >>> cand = index.candidates(seekers)
    >>> cand.scores.shape, int(np.diff(cand.scores.indptr).max()) <= 5
    ((50, 40), True)
    """

    def __init__(
        self,
        config: MatchConfig | None = None,
        *,
        chunk_elements: int = 1 << 21,
        group_min_k: int = 100,
        n_jobs: int = 1,
        progress: bool | None = None,
    ) -> None:
        self.config = config
        self.chunk_elements = chunk_elements
        self.group_min_k = group_min_k
        self.n_jobs = n_jobs
        self.progress = progress

    # -- fitting -------------------------------------------------------------------------------
    def _config(self) -> MatchConfig:
        cfg = self.config if self.config is not None else MatchConfig()
        if not isinstance(cfg, MatchConfig):
            raise InvalidParameter.of("config", "VacancyIndex", cfg, "a MatchConfig or None")
        return cfg

    def fit(self, vacancies: pl.DataFrame, *, vectorizer: Any = None) -> VacancyIndex:
        """Vectorise and block the prepared vacancies; returns ``self``.

        Parameters
        ----------
        vacancies : polars.DataFrame
            Prepared vacancies (``docs/stages.md``).
        vectorizer : fitted TfidfVectorizer, optional
            Reuse this title vectorizer (e.g. another index's ``vectorizer_``) instead of fitting
            one, so that title scores of two indexes are comparable.
        """
        cfg = self._config()
        for name, value, lo in (
            ("chunk_elements", self.chunk_elements, 1),
            ("group_min_k", self.group_min_k, 0),
            ("n_jobs", self.n_jobs, 1),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or value < lo:
                raise InvalidParameter.of(name, "VacancyIndex", value, f"an int in [{lo}, inf)")
        vf = vacancy_features(vacancies, cfg)
        from sklearn.feature_extraction.text import TfidfVectorizer

        fitted = TfidfVectorizer(
            analyzer="char", ngram_range=(1, 2), lowercase=True, sublinear_tf=True, dtype=np.float32
        )
        vec: TfidfVectorizer | None = fitted
        if vectorizer is not None:
            if not hasattr(vectorizer, "vocabulary_"):
                raise InvalidParameter.of(
                    "vectorizer", "VacancyIndex.fit", type(vectorizer).__name__,
                    "a fitted TfidfVectorizer (another index's vectorizer_) or None",
                )  # fmt: skip
            vec = vectorizer
            if len(vf.titles):
                xm = sp.csr_matrix(vectorizer.transform(vf.titles))
            else:
                xm = sp.csr_matrix((0, len(vectorizer.vocabulary_)), dtype=np.float32)
        else:
            try:
                fitted.fit(vf.titles[vf.arrays["title"]])
                xm = sp.csr_matrix(fitted.transform(vf.titles))
            except ValueError:  # every title empty: no vocabulary
                vec = None
                xm = sp.csr_matrix((len(vf.titles), 0), dtype=np.float32)
        self.vectorizer_ = vec
        self.vacancies_ = dataclasses.replace(vf, title_matrix=xm)
        self.as_of_ = reference_date(cfg, None, vacancies)
        self.n_vacancies_ = vf.n
        # city ids and the (city, group) ordering of vacancies
        city = vf.arrays["city"]
        self.cities_ = np.unique(city[city > 0])
        cid = self._city_ids(city)
        grp = vf.arrays["group"].astype(np.int64)
        order = np.lexsort((np.arange(vf.n), grp, cid))
        key = cid[order] * _GROUPS + grp[order]
        self._order = order
        self._keys_sorted = key
        # postings the fair-hiring audit flagged are held for review unless the config says
        self.dropped_ = (
            np.zeros(vf.n, dtype=bool) if cfg.include_flagged else vf.arrays["flagged"].copy()
        )
        self._vkeys: tuple[Any, ...] | None = None  # vacancy-side table keys, filled on first use
        return self

    def drop(self, rows: ArrayLike) -> VacancyIndex:
        """Take vacancies (row positions in the fitted table) out of every future candidate set.

        The matrix keeps its shape (columns stay the fitted table's rows); dropped columns are
        simply never candidates. Returns ``self``.

        Examples
        --------
        >>> import matchcore as mc
        >>> from matchcore.synth import fake_prepared
        >>> s, v = fake_prepared(30, 20, seed=1, n_cities=1)
        >>> index = mc.scoring.VacancyIndex().fit(v).drop([0, 1, 2])
        >>> bool(np.isin(index.candidates(s).scores.indices, [0, 1, 2]).any())
        False
        """
        self._check_fitted()
        r = np.asarray(rows, dtype=np.int64).ravel()
        if r.size and (r.min() < 0 or r.max() >= self.n_vacancies_):
            bad = int(r[(r < 0) | (r >= self.n_vacancies_)][0])
            raise InvalidParameter.of(
                "rows", "VacancyIndex.drop", bad, f"row positions in [0, {self.n_vacancies_})"
            )
        self.dropped_[r] = True
        return self

    def _city_ids(self, city: NDArray[Any]) -> NDArray[np.int64]:
        """City id of each code (len(cities_) = unknown); all 0 under province scope."""
        if self._config().scope == "province":
            return np.zeros(len(city), dtype=np.int64)
        pos = np.searchsorted(self.cities_, city)
        pos_c = np.minimum(pos, max(0, len(self.cities_) - 1))
        ok = (
            (len(self.cities_) > 0) & (self.cities_[pos_c] == city)
            if len(self.cities_)
            else np.zeros(len(city), bool)
        )
        return np.where(ok, pos_c, len(self.cities_)).astype(np.int64)

    def _rows(self, city_id: int, group: int | None) -> NDArray[np.int64]:
        if group is None:
            lo = np.searchsorted(self._keys_sorted, city_id * _GROUPS, side="left")
            hi = np.searchsorted(self._keys_sorted, city_id * _GROUPS + _GROUPS, side="left")
        else:
            k = city_id * _GROUPS + group
            lo = np.searchsorted(self._keys_sorted, k, side="left")
            hi = np.searchsorted(self._keys_sorted, k, side="right")
        rows = np.sort(self._order[lo:hi]).astype(np.int64)
        return rows[~self.dropped_[rows]] if self.dropped_.any() else rows

    def _check_fitted(self) -> None:
        if not hasattr(self, "vacancies_"):
            raise InvalidParameter.of(
                "index", "VacancyIndex", "unfitted", "fitted: call fit(vacancies) first"
            )

    def transform(self, seekers: pl.DataFrame) -> Features:
        """Seeker features, titles vectorised with the vectorizer fitted on the vacancies."""
        self._check_fitted()
        cfg = self._config()
        as_of = reference_date(cfg, seekers, None)
        if cfg.as_of is None and self.as_of_ is not None:
            as_of = max(as_of, self.as_of_) if as_of is not None else self.as_of_
        sf = seeker_features(seekers, cfg, as_of)
        if self.vectorizer_ is not None and len(sf.titles):
            xm = sp.csr_matrix(self.vectorizer_.transform(sf.titles))
        elif self.vectorizer_ is not None:
            width = len(self.vectorizer_.vocabulary_)
            xm = sp.csr_matrix((0, width), dtype=np.float32)
        else:
            xm = sp.csr_matrix((len(sf.titles), 0), dtype=np.float32)
        return dataclasses.replace(sf, title_matrix=xm)

    # -- candidates ----------------------------------------------------------------------------
    def _seeker_cities(self, sf: Features) -> list[NDArray[np.int64]]:
        """Per column: city ids of seekers (own city, then willing); -1 where absent."""
        s = sf.arrays
        n = sf.n
        ncity = len(self.cities_)
        if self._config().scope == "province":
            return [np.zeros(n, dtype=np.int64)]
        cols = [self._city_ids(s["city"])]
        for j in range(s["w_city"].shape[1]):
            cols.append(np.where(s["w_city"][:, j] > 0, self._city_ids(s["w_city"][:, j]), ncity))
        # a willing province: every city of it
        wp = s["w_prov"]
        if np.any(wp > 0):
            for ci, code in enumerate(self.cities_.tolist()):
                hit = np.any(wp == (code // 10000) * 10000, axis=1)
                cols.append(np.where(hit, ci, ncity))
        return [np.where(c < ncity, c, -1) for c in cols]

    def _seeker_groups(self, sf: Features) -> NDArray[np.int64]:
        """Bitmask of the major groups each seeker's wishes and major relate to (0: none)."""
        groups = related_table().groups
        s = sf.arrays
        wish_mask = np.bitwise_or.reduce(groups[sf.wish_sets], axis=1)
        major_mask = np.bitwise_or.reduce(groups[sf.major_sets], axis=1)
        return np.asarray(wish_mask[s["wish"]] | major_mask[s["major"]], dtype=np.int64)

    def _signatures(
        self, sf: Features, rows: NDArray[np.int64], all_groups: bool, k: int
    ) -> NDArray[np.int64]:
        """Block signature of each seeker: bitmask of cities * 1024 + bitmask of major groups
        (0 = every group).

        Group blocking only pays where the cities hold many vacancies (at least ``group_min_k``
        times k) and the signature is shared by enough seekers; elsewhere the seeker meets every
        group at once, which is exact without a second pass.
        """
        cmask = np.zeros(len(rows), dtype=np.int64)
        for col in self._seeker_cities(sf):
            c = col[rows]
            cmask |= np.where(c >= 0, np.left_shift(1, np.maximum(c, 0)), 0)
        gmask = np.zeros(len(rows), dtype=np.int64)
        if not all_groups:
            gmask = self._seeker_groups(sf)[rows]
            size = np.zeros(len(rows), dtype=np.int64)
            for ci in range(len(self.cities_) + 1):
                size += ((cmask >> ci) & 1) * len(self._rows(ci, None))
            gmask = np.where(size >= self.group_min_k * k, gmask, 0)
            sig = cmask * 1024 + gmask
            _u, inv, cnt = np.unique(sig, return_inverse=True, return_counts=True)
            gmask = np.where(cnt[inv.ravel()] >= 32, gmask, 0)
        return cmask * 1024 + gmask

    def _block_rows(self, sig: int) -> NDArray[np.int64]:
        cmask, gmask = divmod(sig, 1024)
        parts = []
        for city in range(len(self.cities_) + 1):
            if not (cmask >> city) & 1:
                continue
            if gmask == 0:
                parts.append(self._rows(city, None))
            else:
                parts.extend(self._rows(city, g) for g in range(1, _GROUPS) if (gmask >> g) & 1)
        if not parts:
            return np.zeros(0, dtype=np.int64)
        return np.sort(np.concatenate(parts))

    def _run(
        self,
        engine: _Engine,
        rows: NDArray[np.int64],
        sigs: NDArray[np.int64],
        k: int,
        bar: Progress,
    ) -> _Kept:
        """Top-k of each seeker row within the block of its signature."""
        order = np.argsort(sigs, kind="stable")
        rows, sigs = rows[order], sigs[order]
        tasks: list[tuple[_Block, NDArray[np.int64]]] = []
        bounds = (
            np.flatnonzero(np.r_[True, sigs[1:] != sigs[:-1]])
            if len(sigs)
            else np.zeros(0, np.int64)
        )
        ends = np.r_[bounds[1:], len(sigs)]
        for lo, hi in zip(bounds.tolist(), ends.tolist()):
            v_rows = self._block_rows(int(sigs[lo]))
            if len(v_rows) == 0 or (sigs[lo] // 1024) == 0:
                bar.update(hi - lo)
                continue
            block = engine.block(v_rows)
            for ch in _chunks(rows[lo:hi], len(v_rows), self.chunk_elements):
                tasks.append((block, ch))

        def work(task: tuple[_Block, NDArray[np.int64]]) -> _Kept:
            out = engine.topk(task[1], task[0], k)
            bar.update(len(task[1]))
            return out

        if self.n_jobs > 1 and len(tasks) > 1:
            with ThreadPoolExecutor(self.n_jobs) as ex:
                results = list(ex.map(work, tasks))
        else:
            results = [work(t) for t in tasks]
        return _Kept.concat(results)

    def candidates(
        self, seekers: pl.DataFrame, *, k: int | None = None, method: str = "blocked"
    ) -> Candidates:
        """The best ``k`` vacancies of every seeker among those passing the hard constraints.

        Parameters
        ----------
        seekers : polars.DataFrame
            Prepared seekers (``docs/stages.md``).
        k : int, optional
            Candidates per seeker; defaults to ``config.candidates`` (50).
        method : {"blocked", "scan"}
            ``"blocked"`` (default) blocks by city and occupation group with an exact fallback;
            ``"scan"`` scores every seeker against every vacancy in chunks (the brute-force
            baseline; same result, slower).

        Returns
        -------
        Candidates
        """
        self._check_fitted()
        cfg = self._config()
        k = cfg.candidates if k is None else k
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise InvalidParameter.of("k", "VacancyIndex.candidates", k, "an int in [1, inf)")
        if method not in ("blocked", "scan"):
            raise InvalidParameter.of(
                "method", "VacancyIndex.candidates", method, "one of 'blocked', 'scan'"
            )
        t0 = time.perf_counter()
        sf = self.transform(seekers)
        engine = _Engine(self, sf, cfg)
        legal = np.flatnonzero(sf.arrays["legal"]).astype(np.int64)
        excluded = np.flatnonzero(~sf.arrays["legal"]).astype(np.int64)
        n_fallback = 0
        with Progress(total=None, desc="candidates", enabled=self.progress) as bar:
            if method == "scan":
                all_rows = np.flatnonzero(~self.dropped_).astype(np.int64)
                parts = []
                if len(all_rows):
                    block = engine.block(all_rows)
                    parts = [
                        engine.topk(ch, block, k)
                        for ch in _chunks(legal, len(all_rows), self.chunk_elements)
                    ]
                kept = _Kept.concat(parts)
            else:
                kept, n_fallback = self._search(engine, sf, legal, k, bar)
        if len(kept.rows) >= TRIM_PAIRS:
            trim_heap()
        scores, comps = self._assemble(sf, kept)
        stats = {
            "method": method,
            "pairs_scored": engine.pairs_scored,
            "fallback_seekers": n_fallback,
            "seconds": time.perf_counter() - t0,
        }
        log.info(
            "candidates: %d seekers, %d pairs kept, %d pairs scored, %d fallback seekers",
            sf.n,
            scores.nnz,
            engine.pairs_scored,
            n_fallback,
        )
        return Candidates(
            scores, comps, k, excluded, stats, _context=(self, sf), in_reach=self._in_reach(sf)
        )

    def _search(
        self, engine: _Engine, sf: Features, legal: NDArray[np.int64], k: int, bar: Progress
    ) -> tuple[_Kept, int]:
        """The exact top-``k`` of the seeker rows ``legal`` (blocked, with the fallback), and how
        many seekers needed the fallback."""
        cfg = self._config()
        sigs = self._signatures(sf, legal, all_groups=False, k=k)
        kept = self._run(engine, legal, sigs, k, bar)
        if len(kept.rows) >= TRIM_PAIRS:
            trim_heap()  # the workers' freed blocks, before the large copies below
        # exactness: who could have a better pair outside their groups?
        kth = np.full(sf.n, -np.inf, dtype=np.float64)
        cnt = np.bincount(kept.rows, minlength=sf.n)
        full = cnt >= k
        if len(kept.rows):
            mins = np.full(sf.n, np.inf)
            np.minimum.at(mins, kept.rows, kept.vals.astype(np.float64))
            kth[full] = mins[full]
        # outside the groups a seeker relates to, each component is at most its
        # ``group_high`` (occupation: 0): such a pair is under the suitability floor, or
        # scores at most this bound
        bound = _outside_group_bound(engine.t.w) + 1e-5
        need = np.zeros(sf.n, dtype=bool)
        if cfg.min_occupation <= 0:
            need[legal] = (kth[legal] < bound) & (sigs % 1024 != 0)
        n_fallback = int(need.sum())
        if n_fallback:
            kept.keep(~need[kept.rows])
            frows = np.flatnonzero(need).astype(np.int64)
            extra = self._run(
                engine, frows, self._signatures(sf, frows, all_groups=True, k=k), k, bar
            )
            kept = _Kept.concat([kept, extra])
        return kept, n_fallback

    def _in_reach(self, sf: Features) -> NDArray[np.int64]:
        """Postings in each seeker's cities (the region constraint alone, before suitability)."""
        n_cities = len(self.cities_) + 1
        bounds = np.searchsorted(self._keys_sorted, np.arange(n_cities + 1) * _GROUPS)
        live = ~self.dropped_[self._order]  # counted without sorting each city's rows
        live_before = np.r_[0, np.cumsum(live)]
        sizes = np.r_[live_before[bounds[1:]] - live_before[bounds[:-1]], 0].astype(np.int64)
        reach = np.zeros(sf.n, dtype=np.int64)
        for col in self._seeker_cities(sf):
            reach += sizes[np.where(col >= 0, col, len(sizes) - 1)]
        return reach

    def _assemble(
        self, sf: Features, kept: _Kept
    ) -> tuple[sp.csr_array, dict[str, NDArray[np.float32]]]:
        n_s, n_v = sf.n, self.vacancies_.n
        r, c = kept.rows, kept.cols
        if len(r):
            # sort by (row, column) via a CSR of entry numbers (no argsort of 50M keys)
            num = np.arange(1, len(r) + 1, dtype=np.int64 if len(r) >= 2**31 - 1 else np.int32)
            idx = sp.coo_array((num, (r, c)), shape=(n_s, n_v)).tocsr()
            del num
            idx.sort_indices()
            perm = idx.data.astype(np.int64) - 1
            indptr, indices = idx.indptr, idx.indices
            del idx
        else:
            perm = np.zeros(0, np.int64)
            indptr, indices = np.zeros(n_s + 1, np.int32), np.zeros(0, np.int32)
        kept.arrays[0] = kept.arrays[1] = np.zeros(0, np.int32)
        score = kept.vals[perm].astype(np.float64)
        np.clip(score, 0.0, 1.0, out=score)  # in place: one 8-byte copy of 50 M scores, not two
        kept.arrays[2] = np.zeros(0, F32)
        scores = sp.csr_array((score, indices, indptr), shape=(n_s, n_v))
        comps: dict[str, NDArray[np.float32]] = {}
        for j, name in enumerate(component_names()):
            comps[name] = kept.arrays[3 + j][perm]
            kept.arrays[3 + j] = np.zeros(0, F32)
        return scores, comps


def candidates(
    seekers: pl.DataFrame,
    vacancies: pl.DataFrame,
    config: MatchConfig | None = None,
    *,
    k: int | None = None,
    method: str = "blocked",
    n_jobs: int = 1,
    progress: bool | None = None,
) -> Candidates:
    """Fit a :class:`VacancyIndex` on ``vacancies`` and return the candidates of ``seekers``.

    Examples
    --------
    >>> import matchcore as mc
    >>> from matchcore.synth import fake_prepared
    >>> s, v = fake_prepared(30, 20, seed=2)
    >>> c = mc.scoring.candidates(s, v, k=4)
    >>> c.to_frame(top=1).columns[:5]
    ['seeker_id', 'vacancy_id', 'rank', 'score', 'occupation']
    """
    index = VacancyIndex(config, n_jobs=n_jobs, progress=progress).fit(vacancies)
    return index.candidates(seekers, k=k, method=method)
