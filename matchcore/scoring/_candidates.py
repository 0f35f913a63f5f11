"""The result of candidate generation: :class:`Candidates` and the views of its components."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl
import scipy.sparse as sp
from numpy.typing import ArrayLike, NDArray

from matchcore._errors import InvalidParameter
from matchcore.scoring._components import (
    component_names,
)
from matchcore.scoring._reasons import reasons as build_reasons

if TYPE_CHECKING:
    # imported where fitted: scikit-learn takes seconds to import
    pass


log = logging.getLogger(__name__)


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
