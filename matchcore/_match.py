"""The whole job: prepare -> code titles -> candidates and scores -> assignment and recommendations."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from matchcore._config import RECOMMEND_EPS_FACTOR, MatchConfig
from matchcore._daily import prices_table
from matchcore._errors import InvalidParameter
from matchcore._memory import trim_heap
from matchcore._progress import Progress
from matchcore._result import MatchResult

__all__ = ["UNMATCHED_REASONS", "match"]

log = logging.getLogger(__name__)

#: Why a seeker ends in ``MatchResult.unmatched``.
UNMATCHED_REASONS = {
    "rejected": "rejected: no usable {field} (see rejected)",
    "age": "outside the legal working age",
    "no_candidate": "no candidate in reach: no vacancy in the seeker's regions passes the hard constraints",
    "out_competed": "out-competed: every candidate vacancy was filled by higher-scoring seekers",
}


@contextmanager
def _stage(
    name: str, timings: dict[str, float], bar: Progress, peaks: dict[str, float] | None = None
) -> Iterator[None]:
    t0 = time.perf_counter()
    yield
    trim_heap()
    timings[name] = time.perf_counter() - t0
    peak = _peak_rss_gib()
    if peaks is not None and peak is not None:
        peaks[name] = peak
    log.info("stage %s took %.2f s (process peak RSS so far %s GiB)", name, timings[name], peak)
    bar.update()


def _peak_rss_gib() -> float | None:
    """The process's peak resident memory so far in GiB (None where the platform can't say)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return None
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kib / 2**20 if sys.platform != "darwin" else kib / 2**30, 3)


def _best_per_row(csr: Any, m: int | None) -> Any:
    """``csr`` keeping only each row's ``m`` highest stored entries (ties to the lower column).

    Stored zeros stay stored (a stored entry is an allowed pair). None keeps everything.
    """
    if m is None or csr.nnz == 0 or int(np.diff(csr.indptr).max()) <= m:
        return csr
    from matchcore.assign._kernels import row_of_edge

    rows = row_of_edge(csr.indptr)
    order = np.lexsort((csr.indices, -np.asarray(csr.data), rows))
    rank = np.arange(order.size) - np.searchsorted(rows[order], rows[order], side="left")
    keep = np.sort(order[rank < m])
    out = type(csr)(
        (
            np.asarray(csr.data)[keep],
            csr.indices[keep],
            np.r_[0, np.cumsum(np.bincount(rows[keep], minlength=csr.shape[0]))],
        ),
        shape=csr.shape,
    )
    return out


def _edge_positions(csr: Any, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Positions in ``csr.data`` of the stored pairs ``(rows[i], cols[i])``.

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


def match(
    seekers: pl.DataFrame,
    vacancies: pl.DataFrame,
    config: MatchConfig | None = None,
    executor: Executor | None = None,
    *,
    coder: Any = None,
    progress: bool | None = None,
    previous: Any = None,
    outcomes: Any = None,
) -> MatchResult:
    """Run the whole job on raw seeker and vacancy tables.

    Prepares both tables (typing every field, rejecting rows that cannot be matched, coding titles
    to the 2022 classification), generates and scores candidates within each seeker's regions,
    solves the capacitated assignment (each seeker at most once, each vacancy at most its
    openings) and builds ranked, congestion-aware recommendations with a reason per pair.

    Parameters
    ----------
    seekers, vacancies : polars.DataFrame
        Raw tables with the columns of ``ARCHITECTURE.md`` (see :func:`matchcore.records.prepare`).
    config : MatchConfig, optional
        Weights, constraints and sizes (defaults to ``MatchConfig()``).
    executor : concurrent.futures.Executor, optional
        Where assignment shards run: local processes by default; any executor, e.g. a Dask
        client's ``client.get_executor()``.
    coder : TitleCoder, optional
        A fitted title coder (a default :class:`~matchcore.normalize.TitleCoder` otherwise).
    progress : bool, optional
        Show progress bars (default: when standard error is a terminal).
    previous : MatchResult or mapping of tables, optional
        Yesterday's result, or its ``assignments`` / ``recommendations`` (and ``prices``) tables
        read back: the pairs still valid are kept unless something beats them by
        ``config.keep_margin``, and ``MatchResult.changes`` says what changed and why (see
        ``matchcore/_daily.py``).
    outcomes : polars.DataFrame, optional
        ``seeker_id, vacancy_id, outcome`` (``hired``, ``declined`` or ``no_show``): hired
        seekers leave the run, hires take openings, declined pairs are not proposed again.

    Returns
    -------
    MatchResult
        Every input seeker is in ``assignments`` or ``unmatched`` (with the reason), every input
        row of either table is kept or in ``rejected``. Same input and config, same output.

    Examples
    --------
    >>> import matchcore as mc
    >>> seekers, vacancies = mc.synth.province(400, 100, seed=0)
    >>> result = mc.match(seekers, vacancies, config=mc.MatchConfig(top_k=5), progress=False)
    >>> s = result.summary()
    >>> result.assignments.height + result.unmatched.height == s["seekers_in"] == 400
    True
    >>> int(result.recommendations["rank"].max()) <= 5
    True
    >>> again = mc.match(seekers, vacancies, previous=result, progress=False)
    >>> again.changes.filter(again.changes["kind"] == "assignment")["status"].unique().to_list()
    ['kept']
    """
    from matchcore import assign, records, scoring

    config = MatchConfig() if config is None else config
    if not isinstance(config, MatchConfig):
        raise InvalidParameter.of("config", "match", type(config).__name__, "a MatchConfig")
    timings: dict[str, float] = {}
    peaks: dict[str, float] = {}  # process peak RSS after each stage, GiB
    spill: tempfile.TemporaryDirectory[str] | None = None
    with Progress(total=6, desc="match", enabled=progress) as bar:
        with _stage("prepare", timings, bar, peaks):
            prepared = records.prepare(
                seekers, vacancies, within=config.within, coder=coder, progress=progress
            )
        ps, pv = prepared.seekers, prepared.vacancies
        with _stage("candidates", timings, bar, peaks):
            index = scoring.VacancyIndex(
                config, n_jobs=min(4, os.cpu_count() or 1), progress=progress
            )
            cand = index.fit(pv).candidates(ps)  # the result does not depend on n_jobs
            if cand.scores.nnz > SPILL_PAIRS:
                spill = tempfile.TemporaryDirectory(prefix="matchcore-", ignore_cleanup_errors=True)
                _spill_components(cand, Path(spill.name))
        capacity = pv["openings"].to_numpy().astype(np.int64)
        graph = _best_per_row(cand.scores, config.assign_candidates)
        method = config.assignment_method(graph.nnz)
        day = None  # day to day: matchcore/_daily.py
        if previous is not None or outcomes is not None:
            from matchcore._daily import plan_day

            day = plan_day(previous, outcomes, graph, capacity, ps, pv, config.keep_margin)
            graph, capacity = day.graph, day.capacity
        with _stage("assign", timings, bar, peaks):
            solved = assign.solve(
                graph if day is None else day.assign_graph,
                capacity,
                method=method,  # type: ignore[arg-type]  # validated by MatchConfig
                eps=config.auction_eps,
                executor=executor,
                progress=progress,
                warm_start=None if day is None else day.warm_start,
            )
        with _stage("recommend", timings, bar, peaks):
            rec = assign.recommend(
                graph if day is None else day.rec_graph,
                capacity,
                k=config.top_k,
                congestion=config.congestion,  # type: ignore[arg-type]  # validated by MatchConfig
                price=config.congestion_price,
                assignment=solved,
                method="auction" if method == "auction" else "exact",
                eps=min(0.5, RECOMMEND_EPS_FACTOR * config.auction_eps),
                # same pairs as the assignment: one component there is one here, so skip
                # finding the components again (a transient copy of the graph)
                n_shards=1 if solved.n_components == 1 else None,
                executor=executor,
                progress=progress,
            )
            rec = rec if day is None else day.unbias(rec)
        with _stage("explain", timings, bar, peaks):
            recommendations = _recommendations(cand, rec, ps, pv)
            if spill is not None:
                spill.cleanup()
        with _stage("tables", timings, bar, peaks):
            assignments, unmatched = _assignments_and_unmatched(
                solved.vacancy_of, cand, ps, pv, prepared.rejected
            )
            audit = _audit(pv, vacancies)
            if day is not None:
                unmatched, changes = day.finish(assignments, unmatched, recommendations)
    stats = {
        "candidates": dict(cand.stats),
        "assignment": solved.stats(),
        "recommendations": {**rec.summary(), "upper_bound": rec.upper_bound},
        "peak_rss_gib": peaks,
    }
    if day is not None:
        stats["daily"] = day.stats
    return MatchResult(
        recommendations=recommendations,
        assignments=assignments,
        unmatched=unmatched,
        rejected=prepared.rejected,
        audit=audit,
        seekers=ps,
        vacancies=pv,
        config=config,
        timings=timings,
        stats=stats,
        n_input={"seekers": seekers.height, "vacancies": vacancies.height},
        prices=prices_table(solved, pv),
        **({} if day is None else {"changes": changes}),
    )


#: above this many candidate pairs, the per-pair score components (only the explain stage reads
#: them) wait in temporary .npy files, memory-mapped, while assignment and recommendation run
SPILL_PAIRS = 10_000_000


def _spill_components(cand: Any, folder: Path) -> None:
    """Move ``cand.components`` to ``.npy`` files in ``folder`` and map them back read-only."""
    for name in list(cand.components):
        path = folder / f"{name}.npy"
        np.save(path, np.asarray(cand.components[name]))
        cand.components[name] = np.load(path, mmap_mode="r")  # our own raw array: no pickle


#: recommendation pairs explained at a time (bounds the memory of the explain stage)
REASON_CHUNK = 1_000_000


def _recommendations(cand: Any, rec: Any, ps: pl.DataFrame, pv: pl.DataFrame) -> pl.DataFrame:
    from matchcore.scoring import component_names
    from matchcore.scoring._reasons import reasons

    rows = np.asarray(rec.seeker, dtype=np.int64)
    cols = np.asarray(rec.vacancy, dtype=np.int64)
    pos = _edge_positions(cand.scores, rows, cols)
    data: dict[str, Any] = {
        "seeker_id": ps["seeker_id"].gather(rows),
        "vacancy_id": pv["vacancy_id"].gather(cols),
        "rank": pl.Series(rec.rank, dtype=pl.Int32),
        "score": pl.Series(rec.score, dtype=pl.Float64),
    }
    for name in component_names():
        # popped: a spilled (memory-mapped) component leaves memory once gathered
        data[name] = pl.Series(cand.components.pop(name)[pos], dtype=pl.Float32)
    data["assigned"] = pl.Series(rec.assigned, dtype=pl.Boolean)
    index, sf = cand._context  # the fitted index and seeker features behind the candidates
    # in chunks: a sentence depends on its own pair only, and the per-pair field gathers of a
    # whole province (9.5 M lists) would otherwise be held all at once
    step = REASON_CHUNK
    parts = [
        reasons(index, sf, rows[i : i + step], cols[i : i + step])
        for i in range(0, len(rows), step)
    ]
    data["reason"] = pl.concat(parts) if parts else reasons(index, sf, rows, cols)
    return pl.DataFrame(data)


def _assignments_and_unmatched(
    vacancy_of: np.ndarray,
    cand: Any,
    ps: pl.DataFrame,
    pv: pl.DataFrame,
    rejected: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    vacancy_of = np.asarray(vacancy_of, dtype=np.int64)
    chosen = np.flatnonzero(vacancy_of >= 0)
    pos = _edge_positions(cand.scores, chosen, vacancy_of[chosen])
    assignments = pl.DataFrame(
        {
            "seeker_id": ps["seeker_id"].gather(chosen),
            "vacancy_id": pv["vacancy_id"].gather(vacancy_of[chosen]),
            "score": pl.Series(np.asarray(cand.scores.data)[pos], dtype=pl.Float64),
        }
    )
    left = np.flatnonzero(vacancy_of < 0)
    degree = np.diff(cand.scores.indptr)
    excluded = np.zeros(ps.height, dtype=bool)
    excluded[np.asarray(cand.excluded, dtype=np.int64)] = True
    reason = np.where(
        excluded[left],
        UNMATCHED_REASONS["age"],
        np.where(
            degree[left] == 0, UNMATCHED_REASONS["no_candidate"], UNMATCHED_REASONS["out_competed"]
        ),
    )
    kept = pl.DataFrame(
        {
            "seeker_id": ps["seeker_id"].gather(left),
            "row": ps["row"].gather(left).cast(pl.UInt32),
            "reason": pl.Series(reason, dtype=pl.Utf8),
        }
    )
    errors = (
        rejected.filter((pl.col("table") == "seekers") & (pl.col("severity") == "error"))
        .sort("row")
        .group_by("row", maintain_order=True)
        .agg(pl.col("id").first(), pl.col("field").first(), pl.col("reason").first())
    )
    dropped = errors.select(
        pl.col("id").alias("seeker_id"),
        pl.col("row").cast(pl.UInt32),
        pl.format("rejected: no usable {} (see rejected)", pl.col("field")).alias("reason"),
    )
    unmatched = pl.concat([kept, dropped], how="vertical_relaxed").sort("row")
    return assignments, unmatched.select("seeker_id", "reason", "row")


def _audit(pv: pl.DataFrame, raw: pl.DataFrame) -> pl.DataFrame:
    """One row per (flagged posting, category) with the words found, from the raw text."""
    from matchcore.normalize import audit_posting

    flagged = pv.filter(pl.col("audit").list.len() > 0).select("vacancy_id", "row")
    text_cols = [c for c in ("title", "requirements", "description") if c in raw.columns]
    out: list[dict[str, Any]] = []
    for vid, row in flagged.iter_rows():
        raw_row = raw.row(int(row), named=True)
        text = "\n".join(str(raw_row[c]) for c in text_cols if raw_row[c] is not None)
        for finding in audit_posting(text):
            out.append(
                {
                    "vacancy_id": vid,
                    "row": row,
                    "category": finding.category,
                    "words": "、".join(finding.words),
                }
            )
    schema = {"vacancy_id": pl.Utf8, "row": pl.UInt32, "category": pl.Utf8, "words": pl.Utf8}
    return pl.DataFrame(out, schema=schema)
