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
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from matchcore._errors import InvalidParameter
from matchcore._memory import trim_heap
from matchcore._progress import Progress
from matchcore.scoring._candidates import Candidates
from matchcore.scoring._components import (
    component_names,
)
from matchcore.scoring._config import MatchConfig
from matchcore.scoring._engine import (
    _GROUPS,
    F32,
    TRIM_PAIRS,
    _Block,
    _chunks,
    _Engine,
    _Kept,
    _outside_group_bound,
)
from matchcore.scoring._features import (
    Features,
    reference_date,
    seeker_features,
    vacancy_features,
)
from matchcore.scoring._related import related_table

if TYPE_CHECKING:  # imported where fitted: scikit-learn takes seconds to import
    from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["Candidates", "VacancyIndex", "candidates"]

log = logging.getLogger(__name__)


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
