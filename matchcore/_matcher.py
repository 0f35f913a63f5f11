"""The online path: a vacancy index kept in memory that answers one new seeker at a time.

How it stays safe to share between threads
==========================================

Everything a call reads lives in one immutable :class:`_Snapshot` (the prepared vacancies, the
main :class:`~matchcore.scoring.VacancyIndex`, the small index of vacancies added since, and the
flags of withdrawn rows). A call takes the current snapshot once, at its start, and reads only
that object, so it sees one state of the index from start to end. ``add`` and ``remove`` are
serialized by one lock: each builds a new snapshot beside the current one (copying what it
changes, sharing the rest) and publishes it with a single attribute assignment, which is atomic.
A withdrawn vacancy therefore never appears in a call that started after ``remove`` returned,
and a call that started before sees the index as it was when it started.

Each call returns its own rejected rows (:meth:`Matcher.answer`); ``last_rejected_`` is kept for
the older callers and is per thread.

How it is saved
===============

:meth:`Matcher.save` writes what *defines* the index, in open formats, never its internal arrays:
the prepared live vacancies (Parquet), the fitted title vectorizer's vocabulary and idf weights
(npz, no pickled objects) with its parameters, the :class:`~matchcore.MatchConfig` and the
versions (JSON). :meth:`Matcher.load` rebuilds the index from them deterministically, so a
change of the scoring code between versions cannot be hidden by stale arrays; a directory written
by another version (of the package, the title coder's model or the shipped reference data) is
refused with a message saying so.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import hashlib
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from matchcore import records
from matchcore._errors import InvalidParameter, MatchcoreError
from matchcore._unmatched import NO_ANSWER_REASONS, rejected_reason
from matchcore._version import __version__
from matchcore.normalize import TitleCoder
from matchcore.scoring import VacancyIndex
from matchcore.scoring._config import MatchConfig

__all__ = ["NO_ANSWER_REASONS", "Matcher", "MatcherAnswer", "SavedIndexError"]

log = logging.getLogger(__name__)

# The side prepare() has nothing to do for, built once (prepare only reads it).
_EMPTY_SEEKERS = pl.DataFrame(
    schema={"seeker_id": pl.Utf8, "desired_title": pl.Utf8, "region": pl.Utf8}
)
_EMPTY_VACANCIES = pl.DataFrame(
    schema={"vacancy_id": pl.Utf8, "title": pl.Utf8, "openings": pl.Int64, "region": pl.Utf8}
)

_UNMATCHED_SCHEMA = {"seeker_id": pl.Utf8, "row": pl.UInt32, "code": pl.Utf8, "reason": pl.Utf8}
_NO_UNMATCHED = pl.DataFrame(schema=_UNMATCHED_SCHEMA)  # built once (polars frames are immutable)

FORMAT = "matchcore-matcher"
FORMAT_VERSION = 1
_MANIFEST = "manifest.json"
_VACANCIES = "vacancies.parquet"
_REJECTED = "rejected.parquet"
_VECTORIZER = "vectorizer.npz"


class SavedIndexError(MatchcoreError, ValueError):
    """A saved Matcher directory that cannot be loaded: missing, damaged or of another version.

    ``code`` is a stable machine code (``index_missing``, ``index_damaged``,
    ``index_version``); the message says what was found, what was expected, and how to fix it,
    in English and in Chinese.

    Examples
    --------
    >>> raise SavedIndexError("index_missing", "no manifest.json in 'x'", "索引目录不存在")
    Traceback (most recent call last):
    ...
    matchcore._matcher.SavedIndexError: [index_missing] no manifest.json in 'x' (索引目录不存在)
    """

    def __init__(self, code: str, message: str, message_zh: str) -> None:
        self.code = code
        self.message_zh = message_zh
        super().__init__(f"[{code}] {message} ({message_zh})")


@dataclass(frozen=True)
class MatcherAnswer:
    """The answer of one :meth:`Matcher.answer` call; every input seeker row is in exactly one
    of ``recommendations`` (at least one row) or ``unmatched``.

    Attributes
    ----------
    recommendations : polars.DataFrame
        ``seeker_id, vacancy_id, rank, score``, one column per score component, ``reason``
        (Chinese); sorted by seeker then rank.
    rejected : polars.DataFrame
        This call's seeker rows that could not be read (``table, row, id, field, value, reason,
        severity``; warnings included).
    unmatched : polars.DataFrame
        ``seeker_id, row, code, reason``: seekers with no recommendation, a code of
        :data:`NO_ANSWER_REASONS` and the Chinese message.
    generation : int
        Which state of the index answered (it grows with every ``add`` and ``remove``).
    """

    recommendations: pl.DataFrame
    rejected: pl.DataFrame
    unmatched: pl.DataFrame
    generation: int


@dataclass(frozen=True, eq=False)
class _Snapshot:
    """One state of the index; never changed once published (the arrays are read-only)."""

    main: pl.DataFrame
    index: Any  # VacancyIndex over ``main``
    added: pl.DataFrame
    added_index: Any  # VacancyIndex over ``added`` (same vectorizer), or None
    removed_main: NDArray[np.bool_]
    removed_added: NDArray[np.bool_]
    generation: int

    @property
    def n_main(self) -> int:
        return int(self.main.height - self.removed_main.sum())

    @property
    def n_added(self) -> int:
        return int(self.added.height - self.removed_added.sum())

    def live(self) -> pl.DataFrame:
        return pl.concat(
            [
                self.main.filter(pl.Series(~self.removed_main)),
                self.added.filter(pl.Series(~self.removed_added)),
            ]
        )


def _frozen(a: NDArray[Any]) -> NDArray[Any]:
    a.setflags(write=False)
    return a


def _without(index: Any, rows: NDArray[np.int64]) -> Any:
    """A copy of a fitted VacancyIndex with ``rows`` dropped, the original left as it was.

    The copy shares every fitted array with the original; ``drop`` only changes ``dropped_``,
    which the copy owns.
    """
    new = copy.copy(index)
    new.dropped_ = index.dropped_.copy()
    new.drop(rows)
    return new


class Matcher:
    """A vacancy index for the platform's online path, safe to share between threads.

    ``fit`` prepares the vacancies and builds a :class:`~matchcore.scoring.VacancyIndex`;
    ``recommend`` (or :meth:`answer`, which also returns the call's rejections and the reason of
    every seeker without a recommendation) answers newly registered seekers against it with the
    same scores and reasons as :func:`matchcore.match`; ``add`` and ``remove`` keep it current
    without a refit: added vacancies go to a small second index that shares the fitted title
    vectorizer, removed ones are taken out of the blocks. When the added part outgrows
    ``compact_ratio`` of the main index, the two are merged (the title vectorizer is kept, so
    scores do not drift). ``save`` and ``load`` write and read the index in open formats.

    Calls may come from many threads at once: each sees one state of the index (an immutable
    snapshot that ``add`` and ``remove`` replace atomically, see the module docstring).

    Parameters
    ----------
    config : MatchConfig, optional
        Weights and hard constraints (``MatchConfig()`` by default).
    coder : TitleCoder, optional
        The title coder (a default :class:`~matchcore.normalize.TitleCoder` otherwise).
    compact_ratio : float
        Merge the added vacancies into the main index when they exceed this share of it.

    Attributes
    ----------
    vacancies_ : polars.DataFrame
        The prepared vacancies currently in the index (added ones included, removed ones not).
    rejected_ : polars.DataFrame
        Vacancy rows that could not be indexed, from ``fit`` and every ``add``.
    last_rejected_ : polars.DataFrame
        The seeker rows rejected by the last ``recommend`` call *of the calling thread* (kept for
        compatibility: :meth:`answer` returns them with each call's answer).
    coder_ : TitleCoder
        The title coder in use.

    Examples
    --------
    >>> import matchcore as mc
    >>> seekers, vacancies = mc.synth.province(50, 300, seed=0)
    >>> matcher = mc.Matcher().fit(vacancies)
    >>> matcher
    Matcher(294 vacancies: 294 indexed + 0 added, 0 withdrawn; as of 2026-11-16; generation 0)
    >>> recs = matcher.recommend(seekers.slice(0, 1), k=3)
    >>> recs.columns[:4], recs.height <= 3
    (['seeker_id', 'vacancy_id', 'rank', 'score'], True)
    >>> matcher.remove(recs["vacancy_id"].to_list()) == recs.height
    True
    >>> set(matcher.recommend(seekers.slice(0, 1), k=3)["vacancy_id"]) & set(recs["vacancy_id"])
    set()
    """

    def __init__(
        self,
        config: MatchConfig | None = None,
        *,
        coder: Any = None,
        compact_ratio: float = 0.05,
    ) -> None:
        self.config = config
        self.coder = coder
        self.compact_ratio = compact_ratio
        self._lock = threading.Lock()  # serializes writers (add, remove); readers take none
        self._local = threading.local()  # last_rejected_ of each thread

    def __getstate__(self) -> dict[str, Any]:
        # in-memory copies (copy.deepcopy, process pools) keep working; the lock and the
        # per-thread state are made anew. Files use save() and load(), never pickle.
        state = dict(self.__dict__)
        del state["_lock"], state["_local"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
        self._local = threading.local()

    # -- helpers ---------------------------------------------------------------------------------
    def _config(self) -> MatchConfig:
        cfg = MatchConfig() if self.config is None else self.config
        if not isinstance(cfg, MatchConfig):
            raise InvalidParameter.of("config", "Matcher", type(cfg).__name__, "a MatchConfig")
        return cfg

    def _make_coder(self) -> None:
        if self.coder is None:
            self.coder_ = TitleCoder()
        else:
            self.coder_ = self.coder

    def _prepare(self, seekers: pl.DataFrame | None, vacancies: pl.DataFrame | None) -> Any:
        return records.prepare(
            _EMPTY_SEEKERS if seekers is None else seekers,
            _EMPTY_VACANCIES if vacancies is None else vacancies,
            within=self._config().within,
            coder=self.coder_,
            progress=False,
        )

    def _snapshot(self) -> _Snapshot:
        snap: _Snapshot | None = getattr(self, "_snap", None)
        if snap is None:
            raise InvalidParameter.of("matcher", "Matcher", "unfitted", "fitted: call fit() first")
        return snap

    def _fresh(self, main: pl.DataFrame, vectorizer: Any, generation: int) -> _Snapshot:
        """A snapshot with ``main`` as its only (newly fitted) index."""
        index = VacancyIndex(self._config(), progress=False).fit(main, vectorizer=vectorizer)
        return _Snapshot(
            main=main,
            index=index,
            added=main.head(0),
            added_index=None,
            removed_main=_frozen(np.zeros(main.height, dtype=bool)),
            removed_added=_frozen(np.zeros(0, dtype=bool)),
            generation=generation,
        )

    def _check_compact_ratio(self) -> None:
        r = self.compact_ratio
        if isinstance(r, bool) or not isinstance(r, float | int) or not r > 0:
            raise InvalidParameter.of("compact_ratio", "Matcher", r, "a number > 0")

    # -- state ---------------------------------------------------------------------------------
    @property
    def index_(self) -> Any:
        """The main :class:`~matchcore.scoring.VacancyIndex` of the current snapshot."""
        return self._snapshot().index

    @property
    def generation_(self) -> int:
        """How many times ``add`` or ``remove`` changed the index since ``fit`` or ``load``."""
        return self._snapshot().generation

    @property
    def n_vacancies(self) -> int:
        """Vacancies currently answerable (added included, removed excluded)."""
        snap = self._snapshot()
        return snap.n_main + snap.n_added

    @property
    def vacancies_(self) -> pl.DataFrame:
        return self._snapshot().live()

    @property
    def last_rejected_(self) -> pl.DataFrame:
        got: pl.DataFrame | None = getattr(self._local, "rejected", None)
        if got is None:
            raise AttributeError(
                "last_rejected_ is set by recommend() in the calling thread; this thread has "
                "made no call yet (answer() returns each call's rejections)"
            )
        return got

    def __repr__(self) -> str:
        snap: _Snapshot | None = getattr(self, "_snap", None)
        if snap is None:
            return (
                f"Matcher(config={self.config!r}, coder={self.coder!r}, "
                f"compact_ratio={self.compact_ratio!r}; not fitted)"
            )
        withdrawn = int(snap.removed_main.sum() + snap.removed_added.sum())
        as_of = snap.index.as_of_
        return (
            f"Matcher({snap.n_main + snap.n_added:,} vacancies: {snap.n_main:,} indexed + "
            f"{snap.n_added:,} added, {withdrawn:,} withdrawn; as of "
            f"{as_of.isoformat() if as_of is not None else 'unknown'}; "
            f"generation {snap.generation})"
        )

    # -- fitting and keeping current -----------------------------------------------------------
    def fit(self, vacancies: pl.DataFrame) -> Matcher:
        """Prepare ``vacancies`` (raw, as for :func:`matchcore.match`) and index them."""
        self._check_compact_ratio()
        self._config()
        self._make_coder()
        prepared = self._prepare(None, vacancies)
        snap = self._fresh(prepared.vacancies, None, 0)
        with self._lock:
            self.rejected_ = prepared.rejected
            self._snap = snap
        return self

    def add(self, vacancies: pl.DataFrame) -> pl.DataFrame:
        """Index more vacancies without a refit; returns the rows rejected (with reasons).

        An id already in the index is rejected as a duplicate. Calls running meanwhile keep the
        index as it was when they started; later calls see the new vacancies.
        """
        self._snapshot()
        prepared = self._prepare(None, vacancies)  # outside the lock: the slow part
        with self._lock:
            snap = self._snapshot()
            new = prepared.vacancies
            known = pl.concat([snap.main["vacancy_id"], snap.added["vacancy_id"]])
            dup = new["vacancy_id"].is_in(known.implode())
            dups = new.filter(dup).select(
                pl.lit("vacancies").alias("table"),
                "row",
                "line",
                pl.col("vacancy_id").alias("id"),
                pl.lit("vacancy_id").alias("field"),
                pl.col("vacancy_id").alias("value"),
                pl.lit("duplicate_id").alias("code"),
                pl.lit("岗位编号重复：索引中已有此岗位").alias("reason"),
                pl.lit("error").alias("severity"),
            )
            rejected = pl.concat([prepared.rejected, dups], how="vertical_relaxed")
            new = new.filter(~dup)
            if new.height:
                self._snap = self._with_added(snap, new)
            self.rejected_ = pl.concat([self.rejected_, rejected], how="vertical_relaxed")
        return rejected

    def _with_added(self, snap: _Snapshot, new: pl.DataFrame) -> _Snapshot:
        added = pl.concat([snap.added.filter(pl.Series(~snap.removed_added)), new])
        if added.height > self.compact_ratio * max(1, snap.main.height):
            live = pl.concat([snap.main.filter(pl.Series(~snap.removed_main)), added])
            log.info("Matcher: merging %d added vacancies into the main index", added.height)
            return self._fresh(live, snap.index.vectorizer_, snap.generation + 1)
        added_index = VacancyIndex(self._config(), progress=False).fit(
            added, vectorizer=snap.index.vectorizer_
        )
        added_index.as_of_ = snap.index.as_of_  # ages as of the same day in both indexes
        return _Snapshot(
            main=snap.main,
            index=snap.index,
            added=added,
            added_index=added_index,
            removed_main=snap.removed_main,
            removed_added=_frozen(np.zeros(added.height, dtype=bool)),
            generation=snap.generation + 1,
        )

    def remove(self, vacancy_ids: Iterable[str]) -> int:
        """Take vacancies out of the index; returns how many were found and removed."""
        self._snapshot()
        ids = pl.Series([str(v) for v in vacancy_ids], dtype=pl.Utf8).implode()
        with self._lock:
            snap = self._snapshot()
            hit_main = snap.main["vacancy_id"].is_in(ids).to_numpy() & ~snap.removed_main
            hit_added = snap.added["vacancy_id"].is_in(ids).to_numpy() & ~snap.removed_added
            n = int(hit_main.sum() + hit_added.sum())
            if n == 0:
                return 0
            index, added_index = snap.index, snap.added_index
            if hit_main.any():
                index = _without(index, np.flatnonzero(hit_main))
            if hit_added.any():
                added_index = _without(added_index, np.flatnonzero(hit_added))
            self._snap = _Snapshot(
                main=snap.main,
                index=index,
                added=snap.added,
                added_index=added_index,
                removed_main=_frozen(snap.removed_main | hit_main),
                removed_added=_frozen(snap.removed_added | hit_added),
                generation=snap.generation + 1,
            )
        return n

    # -- answering -----------------------------------------------------------------------------
    def answer(self, seekers: pl.DataFrame, k: int = 10) -> MatcherAnswer:
        """The best ``k`` vacancies for each row of ``seekers``, with this call's rejections and
        the reason of every seeker left without a recommendation.

        Parameters
        ----------
        seekers : polars.DataFrame
            Raw seeker rows, as registered (the columns of :func:`matchcore.match`).
        k : int, default 10
            Recommendations per seeker.

        Returns
        -------
        MatcherAnswer

        Examples
        --------
        >>> import matchcore as mc
        >>> import polars as pl
        >>> seekers, vacancies = mc.synth.province(20, 200, seed=0)
        >>> matcher = mc.Matcher().fit(vacancies)
        >>> far = pl.DataFrame({"seeker_id": ["x1"], "desired_title": ["电工"], "region": ["西藏"]})
        >>> got = matcher.answer(far, k=3)
        >>> got.recommendations.height, got.unmatched.rows()
        (0, [('x1', 0, 'no_candidate', '可达范围内没有岗位：所在及意向地区内没有满足硬性条件的岗位')])
        """
        snap = self._snapshot()  # the one state this call reads
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise InvalidParameter.of("k", "Matcher.recommend", k, "an int in [1, inf)")
        prepared = self._prepare(seekers, None)
        ps = prepared.seekers
        main = snap.index.candidates(ps, k=k)
        frames = [main.to_frame(top=k)]
        degree = np.diff(main.scores.indptr)
        if snap.added_index is not None and snap.n_added:
            extra = snap.added_index.candidates(ps, k=k)
            frames.append(extra.to_frame(top=k))
            degree = degree + np.diff(extra.scores.indptr)
        out = pl.concat(frames) if len(frames) > 1 else frames[0]
        if len(frames) > 1:
            out = (
                out.sort(["seeker_id", "score", "vacancy_id"], descending=[False, True, False])
                .with_columns(pl.int_range(1, pl.len() + 1).over("seeker_id").alias("rank"))
                .filter(pl.col("rank") <= k)
            )
        if out.schema["rank"] != pl.Int32:  # one index: to_frame's ranks already are
            out = out.with_columns(pl.col("rank").cast(pl.Int32))
        unmatched = _unmatched(ps, prepared.rejected, degree, main.excluded)
        return MatcherAnswer(out, prepared.rejected, unmatched, snap.generation)

    def recommend(self, seekers: pl.DataFrame, k: int = 10) -> pl.DataFrame:
        """The best ``k`` vacancies for each row of ``seekers`` (raw rows, as registered).

        Returns
        -------
        polars.DataFrame
            ``seeker_id, vacancy_id, rank, score``, one column per score component, ``reason``;
            sorted by seeker then rank. Seekers whose rows cannot be used return no rows (see
            :meth:`answer` for the rejections and reasons of each call; :attr:`last_rejected_`
            holds those of the calling thread's last call).
        """
        got = self.answer(seekers, k)
        self._local.rejected = got.rejected
        return got.recommendations

    # -- saving --------------------------------------------------------------------------------
    def save(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
        """Write the index to directory ``path`` in open formats (no pickle); returns the path.

        Written: ``vacancies.parquet`` (the prepared live vacancies), ``vectorizer.npz`` (the
        title vectorizer's terms and idf weights), ``rejected.parquet`` and ``manifest.json``
        (the config, the vectorizer's parameters, the reference date, the versions and a
        SHA-256 of each file). The directory is written beside ``path`` and renamed into place,
        so a reader never sees half of it.

        Parameters
        ----------
        path : str or path-like
            The directory to write; it must not exist unless ``overwrite``.
        overwrite : bool, default False
            Replace a directory already at ``path`` (only one that holds a saved Matcher).

        Examples
        --------
        >>> import tempfile, matchcore as mc
        >>> seekers, vacancies = mc.synth.province(20, 200, seed=0)
        >>> matcher = mc.Matcher().fit(vacancies)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     loaded = mc.Matcher.load(matcher.save(tmp + "/index"))
        ...     loaded.recommend(seekers, k=3).equals(matcher.recommend(seekers, k=3))
        True
        """
        snap = self._snapshot()
        target = Path(path)
        if target.exists() and not (overwrite and (target / _MANIFEST).is_file()):
            expected = (
                "a directory holding a saved Matcher (it has no manifest.json)"
                if overwrite
                else "a path that does not exist yet (pass overwrite=True to replace)"
            )
            raise InvalidParameter.of("path", "Matcher.save", str(target), expected)
        vec = snap.index.vectorizer_
        params = _vectorizer_params(vec) if vec is not None else None
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            snap.live().write_parquet(tmp / _VACANCIES, statistics=False)
            self.rejected_.write_parquet(tmp / _REJECTED, statistics=False)
            files = [_VACANCIES, _REJECTED]
            if vec is not None:
                terms = np.empty(len(vec.vocabulary_), dtype=object)
                for term, j in vec.vocabulary_.items():
                    terms[j] = term
                np.savez(tmp / _VECTORIZER, terms=terms.astype(str), idf=np.asarray(vec.idf_))
                files.append(_VECTORIZER)
            as_of = snap.index.as_of_
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "versions": _versions(),
                "config": self._config().to_dict(),
                "compact_ratio": self.compact_ratio,
                "as_of": as_of.isoformat() if as_of is not None else None,
                "n_vacancies": snap.n_main + snap.n_added,
                "vectorizer": params,
                "files": {name: _sha256(tmp / name) for name in files},
            }
            (tmp / _MANIFEST).write_text(
                json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
            )
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
                old.rmdir()
                target.rename(old)
                tmp.rename(target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                tmp.rename(target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        log.info("Matcher: saved %d vacancies to %s", manifest["n_vacancies"], target)
        return target

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, coder: Any = None) -> Matcher:
        """Read a directory written by :meth:`save` and rebuild the index from it.

        The loaded Matcher answers exactly as the saved one did. Several processes may load the
        same directory (the Parquet file is memory-mapped, nothing is written).

        Parameters
        ----------
        path : str or path-like
            A directory written by :meth:`save`.
        coder : TitleCoder, optional
            The title coder for new seekers and postings (the default one otherwise).

        Raises
        ------
        SavedIndexError
            ``index_missing`` (no such saved index), ``index_damaged`` (a file missing or changed
            since it was written) or ``index_version`` (written by another version of matchcore,
            of the title coder's model or of the reference data: rebuild it with this version).
        """
        root = Path(path)
        manifest = _read_manifest(root)
        for name, digest in manifest["files"].items():
            f = root / name
            if not f.is_file() or _sha256(f) != digest:
                raise SavedIndexError(
                    "index_damaged",
                    f"{name} in {str(root)!r} is missing or changed since it was saved "
                    "(its SHA-256 differs from manifest.json)",
                    "索引文件缺失或已被改动，请重新生成索引",
                )
        config = MatchConfig.from_dict(manifest["config"])
        matcher = cls(config, coder=coder, compact_ratio=manifest["compact_ratio"])
        matcher._check_compact_ratio()
        matcher._make_coder()
        vacancies = pl.read_parquet(root / _VACANCIES, memory_map=True)
        rejected = pl.read_parquet(root / _REJECTED, memory_map=True)
        vec = None
        if manifest["vectorizer"] is not None:
            vec = _rebuild_vectorizer(manifest["vectorizer"], root / _VECTORIZER)
        snap = matcher._fresh(vacancies, vec, 0)
        as_of = manifest["as_of"]
        snap.index.as_of_ = dt.date.fromisoformat(as_of) if as_of is not None else None
        matcher.rejected_ = rejected
        matcher._snap = snap
        log.info("Matcher: loaded %d vacancies from %s", vacancies.height, root)
        return matcher


# -- helpers of answer ---------------------------------------------------------------------------
def _unmatched(
    ps: pl.DataFrame, rejected: pl.DataFrame, degree: NDArray[Any], excluded: NDArray[Any]
) -> pl.DataFrame:
    """Seekers with no recommendation: the code and Chinese message of why.

    Built from Python lists: an online call has a handful of rows, where a polars query's fixed
    cost (a few hundred microseconds) would be most of the work.
    """
    out: list[tuple[str, int, str, str]] = []
    none = np.flatnonzero(degree == 0)
    if len(none):
        age = set(np.asarray(excluded, dtype=np.int64).tolist())
        ids = ps["seeker_id"].gather(none).to_list()
        rows = ps["row"].gather(none).to_list()
        for i, sid, row in zip(none.tolist(), ids, rows):
            code = "age" if i in age else "no_candidate"
            out.append((sid, row, code, NO_ANSWER_REASONS[code]))
    if rejected.height:
        first: dict[int, tuple[str, str]] = {}  # a rejected row's first error
        cols = (rejected[c].to_list() for c in ("table", "severity", "row", "id", "field"))
        for table, severity, row, sid, field in zip(*cols):
            if table == "seekers" and severity == "error" and row not in first:
                first[row] = (sid, field)
        for row, (sid, field) in first.items():
            out.append((sid, row, "rejected", rejected_reason(field)))
    if not out:
        return _NO_UNMATCHED
    out.sort(key=lambda r: r[1])
    return pl.DataFrame(out, schema=_UNMATCHED_SCHEMA, orient="row")


# -- helpers of save and load --------------------------------------------------------------------
def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@functools.lru_cache(maxsize=1)
def _data_digest() -> str:
    """SHA-256 over the reference data shipped in the package (every ``*/data/*`` file)."""
    root = Path(__file__).parent
    h = hashlib.sha256()
    for f in sorted(root.glob("*/data/*")):
        if f.is_file():
            h.update(f.relative_to(root).as_posix().encode())
            h.update(_sha256(f).encode())
    return h.hexdigest()[:16]


def _versions() -> dict[str, str]:
    """What a saved index must agree with to be loaded (``scikit-learn`` only informs)."""
    import sklearn

    from matchcore.normalize._coder import MODEL_VERSION

    return {
        "matchcore": __version__,
        "coder_model": str(MODEL_VERSION),
        "reference_data": _data_digest(),
        "scikit-learn": sklearn.__version__,
    }


_MUST_AGREE = ("matchcore", "coder_model", "reference_data")


def _read_manifest(root: Path) -> dict[str, Any]:
    f = root / _MANIFEST
    if not f.is_file():
        raise SavedIndexError(
            "index_missing",
            f"no saved Matcher in {str(root)!r} (no {_MANIFEST}); write one with "
            "Matcher().fit(vacancies).save(path)",
            "找不到保存的岗位索引",
        )
    try:
        manifest = json.loads(f.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise SavedIndexError(
            "index_damaged", f"{_MANIFEST} in {str(root)!r} is not valid JSON ({exc})",
            "索引清单文件已损坏，请重新生成索引",
        ) from None  # fmt: skip
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SavedIndexError(
            "index_damaged",
            f"{str(f)!r} is not a saved Matcher (format {manifest.get('format')!r}, "
            f"expected {FORMAT!r})"
            if isinstance(manifest, dict)
            else f"{str(f)!r} is not a saved Matcher",
            "不是岗位索引文件",
        )
    if manifest.get("format_version") != FORMAT_VERSION:
        raise SavedIndexError(
            "index_version",
            f"{str(root)!r} uses saved-index format {manifest.get('format_version')!r}; this "
            f"matchcore {__version__} reads format {FORMAT_VERSION}: rebuild the index with "
            "Matcher().fit(vacancies).save(path)",
            "索引文件格式版本不符，请用当前版本重新生成索引",
        )
    saved = manifest.get("versions") or {}
    now = _versions()
    differ = [k for k in _MUST_AGREE if str(saved.get(k)) != now[k]]
    if differ:
        detail = "; ".join(f"{k} {saved.get(k)!r} (this one: {now[k]!r})" for k in differ)
        raise SavedIndexError(
            "index_version",
            f"{str(root)!r} was saved by another version: {detail}. Scores and coding may differ "
            "between versions: rebuild the index with Matcher().fit(vacancies).save(path)",
            "索引由其他版本生成，请用当前版本重新生成索引",
        )
    return dict(manifest)


def _vectorizer_params(vec: Any) -> dict[str, Any]:
    """The vectorizer's constructor parameters as JSON (refusing anything that is not data)."""
    out: dict[str, Any] = {}
    for key, value in vec.get_params(deep=False).items():
        if key == "vocabulary":  # the fitted vocabulary is saved beside, in the npz
            continue
        if key == "dtype":
            out[key] = np.dtype(value).name
        elif isinstance(value, tuple):
            out[key] = list(value)
        elif value is None or isinstance(value, str | bool | int | float):
            out[key] = value
        else:
            raise InvalidParameter.of(
                f"vectorizer.{key}", "Matcher.save", type(value).__name__,
                "plain data (a callable or object cannot be saved without pickle)",
            )  # fmt: skip
    return {"class": type(vec).__name__, "params": out}


def _rebuild_vectorizer(spec: dict[str, Any], npz: Path) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if spec.get("class") != "TfidfVectorizer":
        raise SavedIndexError(
            "index_damaged",
            f"unknown title vectorizer {spec.get('class')!r} (expected 'TfidfVectorizer')",
            "索引文件中的标题向量化器无法识别",
        )
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in dict(spec["params"]).items()}
    params["dtype"] = np.dtype(params.get("dtype", "float64")).type
    with np.load(npz, allow_pickle=False) as data:
        terms, idf = data["terms"], data["idf"]
    params["vocabulary"] = {str(t): j for j, t in enumerate(terms.tolist())}
    vec = TfidfVectorizer(**params)
    vec.idf_ = idf
    return vec
