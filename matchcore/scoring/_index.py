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
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from matchcore._config import MatchConfig
from matchcore._errors import InvalidParameter
from matchcore._memory import trim_heap
from matchcore._progress import Progress
from matchcore.normalize import DRIVING_CLASSES, covers
from matchcore.scoring._components import (
    component_names,
    education_allowed,
    education_score,
    experience_score,
    level_score,
    priority_score,
    region_allowed,
    region_score,
    salary_score,
)
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
from matchcore.scoring._related import MAJOR_FIT, WITHIN_MINOR, related_table

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
TITLE_QUANTUM = 1024.0
_NAMES = tuple(component_names())
_GROUPS = 10  # major groups 1..8 (0 = unknown / all groups)


def _title_sim(a: sp.csr_matrix, b: sp.csr_matrix) -> NDArray[np.float32]:
    """Dense cosine table of TF-IDF rows, rounded to 1/1024 so that every path gets equal values."""
    if a.shape[1] == 0 or a.shape[0] == 0 or b.shape[0] == 0:
        return np.zeros((a.shape[0], b.shape[0]), dtype=F32)
    d = (a @ b.T).toarray()
    return (np.round(d * TITLE_QUANTUM) / TITLE_QUANTUM).astype(F32)


def _title_pairs(
    a: sp.csr_matrix, ia: NDArray[Any], b: sp.csr_matrix, ib: NDArray[Any]
) -> NDArray[np.float32]:
    """Title cosine of row pairs ``(a[ia[i]], b[ib[i]])``, rounded like :func:`_title_sim`."""
    out = np.zeros(len(ia), dtype=F32)
    if a.shape[1] == 0 or len(ia) == 0:
        return out
    key = ia.astype(np.int64) * (b.shape[0] + 1) + ib
    uk, inv = np.unique(key, return_inverse=True)
    ua, ub = uk // (b.shape[0] + 1), uk % (b.shape[0] + 1)
    vals = np.zeros(len(uk), dtype=np.float64)
    step = 500_000
    for s in range(0, len(uk), step):
        x = a[ua[s : s + step]].multiply(b[ub[s : s + step]])
        vals[s : s + step] = np.asarray(x.sum(axis=1)).ravel()
    out[:] = (np.round(vals * TITLE_QUANTUM) / TITLE_QUANTUM)[inv]
    return out


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


@dataclass(frozen=True)
class _Tables:
    """Everything a block needs that depends on both sides and the weights."""

    w: dict[str, float]
    disc: NDArray[np.float32]  # (n_seeker_keys, n_vacancy_keys), weighted, -inf = not allowed
    edu: NDArray[np.float32]  # unweighted components over the same keys
    skill: NDArray[np.float32]
    prof: NDArray[np.float32]
    prio: NDArray[np.float32]
    s_key: NDArray[np.int32]
    v_key: NDArray[np.int32]
    # salary and experience over distinct (expectation, years) x (offer, years required)
    s_key2: NDArray[np.int32]
    s_vals2: NDArray[np.float64]  # (n_keys, 2): expectation, years; NaN unknown
    v_key2: NDArray[np.int32]
    v_vals2: NDArray[np.float64]  # (n_keys, 2): offer top, years required


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


def _vacancy_keys(vf: Features) -> tuple[Any, ...]:
    """The vacancy half of :func:`_build_tables`: depends on the vacancies only."""
    v = vf.arrays
    flags = v["am"].astype(np.int64) + v["urgent"] + v["session"]
    v_key, vu = _keys([v["edu"], v["skill"], v["prof"], v["internship"], flags, v["drive"]])
    v_key2, v_vals2 = _float_keys([v["offer"], v["exp_min"]])
    return v_key, vu, v_key2, v_vals2


def _build_tables(
    sf: Features, vf: Features, config: MatchConfig, vkeys: tuple[Any, ...] | None = None
) -> _Tables:
    w = config.normalized_weights()
    s = sf.arrays
    s_key, su = _keys([s["edu"], s["skill"], s["prof"], s["eligible"], s["drive"]])
    v_key, vu, v_key2, v_vals2 = _vacancy_keys(vf) if vkeys is None else vkeys
    se, ss, sp_, sel, sdr = (su[:, i][:, None] for i in range(5))
    ve, vs, vp, vi, vfl, vdr = (vu[:, i][None, :] for i in range(6))
    edu = education_score(se, ve)
    skill = level_score(ss, vs)
    prof = level_score(sp_, vp)
    prio = priority_score(vfl, 0, 0, vi, sel)
    disc = (
        F32(w["education"]) * edu
        + F32(w["skill"]) * skill
        + F32(w["professional_title"]) * prof
        + F32(w["priority"]) * prio
    ).astype(F32)
    allowed = (
        education_allowed(se, ve, config.education_tolerance)
        & (~vi.astype(bool) | sel.astype(bool))
        & DRIVE_COVERS[sdr, vdr]  # a stated licence class that does not cover the one required
    )
    disc = np.where(allowed, disc, NEG).astype(F32)
    s_key2, s_vals2 = _float_keys([s["expect"], s["years"]])
    return _Tables(w, disc, edu, skill, prof, prio, s_key, v_key, s_key2, s_vals2, v_key2, v_vals2)


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
    major_table: NDArray[np.float32] | None = None  # (n_majors, n_codes), filled on first use


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

    def occupation_table(
        self, wish: NDArray[Any], major: NDArray[Any], b: _Block
    ) -> NDArray[np.float32]:
        """Occupation component of seekers (wish profile, major) x the block's distinct codes.

        The best relatedness of any of the seeker's wishes, or :data:`MAJOR_FIT` where their
        major trains for the posting's occupation (see :mod:`matchcore.scoring._related`).
        """
        rel = related_table().rel
        ws = self.sf.wish_sets[wish]  # (P, W)
        out = rel[ws[:, :, None], b.code_u[None, None, :]].max(axis=1)
        has = major > 0
        if np.any(has):
            mt = b.major_table
            if mt is None:
                hit = rel[self.sf.major_sets[:, :, None], b.code_u[None, None, :]] >= WITHIN_MINOR
                mt = np.where(hit.any(axis=1), F32(MAJOR_FIT), F32(0))
                object.__setattr__(b, "major_table", mt)  # cached on the (private) block
            allowed = related_table().major_allowed(ws, b.code_u.astype(np.int64))
            out = np.maximum(out, np.where(allowed, mt[major], F32(0)))
        return out.astype(F32)

    def scores(self, s_rows: NDArray[np.int64], b: _Block) -> tuple[NDArray[np.float32], _Parts]:
        """Weighted scores, shape (len(s_rows), len(b.rows)), ``-inf`` where not allowed, and the
        unweighted component tables they were summed from."""
        s, v, t, w = self.sf.arrays, self.vf.arrays, self.t, self.t.w
        vr = b.rows
        self.pairs_scored += len(s_rows) * len(vr)
        out = np.take(t.disc[t.s_key[s_rows]], t.v_key[vr], axis=1)
        # occupation over distinct (occ, major) profiles
        prof = s["wish"][s_rows].astype(np.int64) * 65536 + s["major"][s_rows]
        pu, pi = np.unique(prof, return_inverse=True)
        pi = pi.ravel()
        occ_t = self.occupation_table(pu // 65536, pu % 65536, b)
        tmp = np.empty_like(out)  # one reused buffer: fresh allocations cost page faults
        occ_w = np.where(
            occ_t >= F32(self.config.min_occupation), occ_t * F32(w["occupation"]), NEG
        ).astype(F32)
        out += np.take(occ_w[pi], b.code_inv, axis=1, out=tmp)
        # title over distinct titles
        su, si = np.unique(s["title"][s_rows], return_inverse=True)
        si = si.ravel()
        tt = _title_sim(self.sf.title_matrix[su], self.vf.title_matrix[b.title_u])
        if w["title"] > 0:
            out += np.take((tt * F32(w["title"]))[si], b.title_inv, axis=1, out=tmp)
        # region over the block's distinct (county, city), with the region constraint
        sr = s_rows[:, None]
        args = (
            s["county"][sr],
            s["city"][sr],
            s["w_county"][s_rows][:, None, :],
            s["w_city"][s_rows][:, None, :],
            s["w_prov"][s_rows][:, None, :],
        )
        rt = region_score(*args, b.reg_county[None, :], b.reg_city[None, :])
        ok = region_allowed(args[1], args[3], args[4], b.reg_city[None, :], self.config.scope)
        ok &= self.commutable(s_rows, b)
        rw = np.where(ok, rt * F32(w["region"]), NEG).astype(F32)
        out += np.take(rw, b.reg_inv, axis=1, out=tmp)
        # salary and experience over distinct values
        ku, ki = np.unique(t.s_key2[s_rows], return_inverse=True)
        ki = ki.ravel()
        sv, vv = t.s_vals2[ku], t.v_vals2[b.key2_u]
        sal = salary_score(sv[:, 0][:, None], vv[:, 0][None, :])
        exp = experience_score(sv[:, 1][:, None], vv[:, 1][None, :])
        se = F32(w["salary"]) * sal + F32(w["experience"]) * exp
        share = self.config.min_experience_share
        if share > 0:  # more than that share of the required years missing: not this job yet
            years, need = sv[:, 1][:, None], vv[:, 1][None, :]
            se = np.where((need > 0) & (years < share * need), NEG, se)
        out += np.take(se[ki].astype(F32), b.key2_inv, axis=1, out=tmp)
        if self.config.vacancy_age_limits:
            age = s["age"][s_rows][:, None]
            bad = (age < v["age_min"][vr][None, :]) | (age > v["age_max"][vr][None, :])
            out[bad] = NEG
        floor = F32(self.config.min_score)
        if floor > 0:
            out[out < floor] = NEG
        parts = _Parts(occ_t, pi, tt, si, rt, sal, exp, ki)
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
        self,
        s_rows: NDArray[np.int64],
        b: _Block,
        p: _Parts,
        r: NDArray[np.intp],
        c: NDArray[np.intp],
    ) -> NDArray[np.float32]:
        """Unweighted components of the chosen entries (local rows ``r``, columns ``c``)."""
        t = self.t
        sk, vk = t.s_key[s_rows[r]], t.v_key[b.rows[c]]
        out = np.empty((len(r), len(_NAMES)), dtype=F32)
        out[:, 0] = p.occ[p.occ_row[r], b.code_inv[c]]
        out[:, 1] = p.title[p.title_row[r], b.title_inv[c]]
        out[:, 2] = t.edu[sk, vk]
        out[:, 3] = p.sal[p.key2_row[r], b.key2_inv[c]]
        out[:, 4] = p.region[r, b.reg_inv[c]]
        out[:, 5] = p.exp[p.key2_row[r], b.key2_inv[c]]
        out[:, 6] = t.skill[sk, vk]
        out[:, 7] = t.prof[sk, vk]
        out[:, 8] = t.prio[sk, vk]
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
        comps = self.components(s_rows, b, parts, r, c)
        return _Kept.make(s_rows[r], b.rows[c], vals, comps)


@dataclass(frozen=True)
class _Parts:
    """Unweighted component tables of one (chunk x block) and how rows/columns index them."""

    occ: NDArray[np.float32]
    occ_row: NDArray[np.intp]
    title: NDArray[np.float32]
    title_row: NDArray[np.intp]
    region: NDArray[np.float32]
    sal: NDArray[np.float32]
    exp: NDArray[np.float32]
    key2_row: NDArray[np.intp]


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
            + [np.zeros(0, F32) for _ in range(1 + len(_NAMES))]
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


#: from this many kept pairs the C heap is trimmed inside :meth:`VacancyIndex.candidates` (a
#: province's run leaves gigabytes of freed blocks; one seeker online has nothing to give back)
TRIM_PAIRS = 1_000_000


def _chunks(rows: NDArray[np.int64], m: int, budget: int) -> Iterator[NDArray[np.int64]]:
    step = max(1, budget // max(1, m))
    for i in range(0, len(rows), step):
        yield rows[i : i + step]


@dataclass(frozen=True)
class Candidates:
    """Candidate pairs with their final scores and per-component scores.

    Attributes
    ----------
    scores : scipy.sparse.csr_array, shape (n_seekers, n_vacancies)
        Final score in [0, 1] of every kept pair; rows in prepared-seeker order, columns in
        prepared-vacancy order, entries sorted by column within a row. A stored entry (even a
        zero) is an allowed pair.
    components : dict of str to ndarray of float32
        One array per component (:data:`matchcore.scoring.COMPONENTS` order), aligned with
        ``scores.data``.
    k : int
        Candidates per seeker asked for.
    excluded : ndarray of int64
        Seeker rows given no candidates because their age is outside the legal working age.
    stats : dict
        Figures of the run: ``pairs_scored``, ``fallback_seekers``, ``seconds``, ``method``.
    """

    scores: sp.csr_array
    components: dict[str, NDArray[np.float32]]
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

    def explain(
        self, seeker_rows: Sequence[int] | NDArray[Any], vacancy_rows: Sequence[int] | NDArray[Any]
    ) -> list[str]:
        """Chinese sentences explaining the given pairs (any pairs, not only stored ones).

        Examples
        --------
        >>> import matchcore as mc
        >>> from matchcore.scoring._fake import fake_prepared
        >>> s, v = fake_prepared(20, 30, seed=0)
        >>> c = mc.scoring.candidates(s, v, k=3)
        >>> c.explain([0], [0])[0].startswith("职业")
        True
        """
        from matchcore.scoring._reasons import reasons

        if self._context is None:
            raise InvalidParameter.of(
                "candidates", "Candidates.explain", None, "a result of VacancyIndex.candidates"
            )
        index, sf = self._context
        return reasons(
            index,
            sf,
            np.asarray(seeker_rows, dtype=np.int64),
            np.asarray(vacancy_rows, dtype=np.int64),
        ).to_list()

    def to_frame(self, *, top: int | None = None, reasons: bool = True) -> pl.DataFrame:
        """The pairs as a table: seeker_id, vacancy_id, rank, score, one column per component, reason.

        Parameters
        ----------
        top : int, optional
            Keep only the ``top`` best pairs of each seeker (reasons are built only for them).
        reasons : bool
            Build the ``reason`` sentences (the slow part: about 20 microseconds a pair).

        Returns
        -------
        polars.DataFrame
            Sorted by seeker row then rank; rank 1 is the best, ties broken by vacancy_id.
        """
        if self._context is None:
            raise InvalidParameter.of(
                "candidates", "Candidates.to_frame", None, "a result of VacancyIndex.candidates"
            )
        index, sf = self._context
        rows, cols = self.pairs()
        score = self.scores.data.astype(np.float64)
        tb = index.vacancies_.arrays["tiebreak"][cols]
        order = np.lexsort((tb, -score, rows))
        rows_o = rows[order]
        starts = (
            np.flatnonzero(np.r_[True, rows_o[1:] != rows_o[:-1]])
            if len(rows_o)
            else np.zeros(0, np.int64)
        )
        rank = np.arange(len(rows_o)) - np.repeat(starts, np.diff(np.r_[starts, len(rows_o)])) + 1
        keep = rank <= top if top is not None else np.ones(len(rank), dtype=bool)
        sel = order[keep]
        data: dict[str, Any] = {
            "seeker_id": sf.ids[rows[sel]].astype(str),
            "vacancy_id": index.vacancies_.ids[cols[sel]].astype(str),
            "rank": rank[keep].astype(np.int32),
            "score": score[sel],
        }
        for name in component_names():
            data[name] = self.components[name][sel]
        df = pl.DataFrame(data)
        if reasons:
            from matchcore.scoring._reasons import reasons as build_reasons

            df = df.with_columns(build_reasons(index, sf, rows[sel], cols[sel]).alias("reason"))
        return df


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
    >>> from matchcore.scoring._fake import fake_prepared
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
        >>> from matchcore.scoring._fake import fake_prepared
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
        # outside the groups a seeker relates to the occupation component is 0: such a
        # pair is under the suitability floor, or scores at most 1 - w_occupation
        bound = 1.0 - engine.t.w["occupation"] + 1e-5
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
        for j, name in enumerate(_NAMES):
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
    >>> from matchcore.scoring._fake import fake_prepared
    >>> s, v = fake_prepared(30, 20, seed=2)
    >>> c = mc.scoring.candidates(s, v, k=4)
    >>> c.to_frame(top=1).columns[:5]
    ['seeker_id', 'vacancy_id', 'rank', 'score', 'occupation']
    """
    index = VacancyIndex(config, n_jobs=n_jobs, progress=progress).fit(vacancies)
    return index.candidates(seekers, k=k, method=method)
