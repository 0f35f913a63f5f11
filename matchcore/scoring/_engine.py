"""The dense block engine of candidate generation: component tables, blocks, the kept top-K.

See :mod:`matchcore.scoring._index` for how the engine is used.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from matchcore._errors import InvalidParameter
from matchcore.normalize import DRIVING_CLASSES, covers
from matchcore.scoring._components import (
    Component,
    ScoreContext,
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
)

#: DRIVE_COVERS[held, needed]: codes of DRIVING_CLASSES + 1 (0 = none stated, which passes)
DRIVE_COVERS = np.array(
    [[covers(h, n) for n in (None, *DRIVING_CLASSES)] for h in (None, *DRIVING_CLASSES)],
    dtype=bool,
)

if TYPE_CHECKING:
    from matchcore.scoring._index import VacancyIndex

    # imported where fitted: scikit-learn takes seconds to import
    pass


log = logging.getLogger(__name__)

F32 = np.float32
NEG = F32(-np.inf)
_GROUPS = 10  # major groups 1..8 (0 = unknown / all groups)


def order_by_score(
    rows: NDArray[Any], vals: NDArray[Any], tiebreak: NDArray[Any]
) -> NDArray[np.intp]:
    """Order of entries by (row, score descending, ``tiebreak`` ascending): the one ranking of
    candidate pairs.

    One stable sort on (row, descending score) after one on the tie-break: far faster than
    ``np.lexsort``. Scores are compared as float32 (-0.0 equal to 0.0).

    Examples
    --------
    >>> order_by_score(np.array([1, 0, 0, 0]), np.array([0.5, 0.2, 0.9, 0.2]), np.array([0, 3, 1, 2]))
    array([2, 3, 1, 0])
    """
    bits = (np.asarray(vals, dtype=F32) + F32(0.0)).view(np.uint32).astype(np.uint64)
    neg = (bits >> np.uint64(31)) == 1  # float bits sort like the values once negatives flip
    asc = np.where(neg, np.uint64(0xFFFFFFFF) - bits, bits | np.uint64(0x80000000))
    key = (np.asarray(rows, dtype=np.uint64) << np.uint64(32)) | (np.uint64(0xFFFFFFFF) - asc)
    o1 = np.argsort(tiebreak, kind="stable")
    return o1[np.argsort(key[o1], kind="stable")]


def rank_in_rows(rows_sorted: NDArray[Any]) -> NDArray[np.int64]:
    """0-based rank of each entry within its row, for entries grouped by row."""
    n = len(rows_sorted)
    if n == 0:
        return np.zeros(0, np.int64)
    starts = np.flatnonzero(np.r_[True, rows_sorted[1:] != rows_sorted[:-1]])
    return np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))


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
    r = rows[sel]
    order = order_by_score(r, vals[sel], tiebreak[cols[sel]])
    keep = sel[order[rank_in_rows(r[order]) < k]]
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
