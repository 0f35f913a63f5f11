"""The pipeline of coding many titles: cleaning in a forked worker process, scoring in threads.

Titles are cleaned (:func:`.cleaning._prepare`) and their texts scored in batches of ``_BATCH``
texts. Scoring is numpy and scipy kernels between short Python steps, so with more than one
batch ``_WORKERS`` threads score batches side by side. Cleaning is pure Python: in a thread it
would hold the interpreter lock the scoring threads need between their kernels, so from
``_PROCESS_MIN`` titles not cleaned before, on Linux, one forked process cleans them while this
one scores (:func:`_cleaned`); the results fill :func:`.cleaning._prepare`'s cache. Otherwise,
or if the process cannot start or dies, titles are cleaned here, a batch ahead of the scoring.
Every text is scored on its own and the batches are the same either way, so none of this
changes a bit of the result.
"""

from __future__ import annotations

import itertools
import logging
import multiprocessing
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, cast

from matchcore._progress import Progress
from matchcore.normalize._coder.cleaning import _prepare
from matchcore.normalize._text import clean_title

log = logging.getLogger(__name__)

# Texts scored at once: 1024 keeps a batch's score matrix (8 MB) in cache.
_BATCH = 1024
# Threads scoring batches side by side.
_WORKERS = 2
# Distinct titles from which a forked process cleans titles while this one scores them
# (forking and the pipes cost tens of milliseconds: below this, cleaning runs here).
_PROCESS_MIN = 8_192

_Prepared = tuple[str, tuple[str, ...]]


def _score_titles(
    titles: list[str],
    score: Callable[[list[str]], tuple[Any, ...]],
    *,
    progress: bool | None,
) -> tuple[list[_Prepared], dict[str, int], list[tuple[Any, ...]]]:
    """Clean ``titles`` and score every text they give, each once, in batches.

    Returns each title's prepared texts (``("", ())`` for a blank title), the row of each
    distinct text (main jobs and the other jobs titles name, in order of first use) and
    ``score``'s result of each batch of those texts, in order.
    """
    n = len(titles)
    texts: dict[str, int] = {}
    text_list: list[str] = []
    prepared: list[_Prepared] = []
    futures: list[Future[tuple[Any, ...]]] = []
    pool = (
        ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="matchcore-coder")
        if n > _BATCH and _WORKERS > 1
        else None
    )
    scored = 0

    def submit(stop: int) -> None:
        nonlocal scored
        batch = text_list[scored:stop]
        futures.append(pool.submit(score, batch) if pool is not None else _done(score(batch)))
        scored = stop

    try:
        with Progress(total=n, desc="coding titles", enabled=progress) as bar:
            for chunk in _cleaned(titles):
                prepared.extend(chunk)
                for pr in chunk:
                    for x in (pr[0], *pr[1]):
                        if x and x not in texts:
                            texts[x] = len(text_list)
                            text_list.append(x)
                while len(text_list) - scored >= _BATCH:
                    submit(scored + _BATCH)
                bar.update(len(chunk))
            if scored < len(text_list):
                submit(len(text_list))
            results = [f.result() for f in futures]
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return prepared, texts, results


def _done(value: Any) -> Future[Any]:
    """A future already holding ``value`` (scoring done inline)."""
    f: Future[Any] = Future()
    f.set_result(value)
    return f


def _prepare_all(titles: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """:func:`_prepare` of each title (``("", ())`` for a blank one)."""
    return [_prepare(t) if t.strip() else ("", ()) for t in titles]


def _cleaned(titles: list[str]) -> Iterator[list[tuple[str, tuple[str, ...]]]]:
    """The prepared titles, in order, by chunks of _BATCH.

    From _PROCESS_MIN titles not cleaned before, on Linux, these are cleaned by one forked worker
    process (cleaning is pure Python: in a thread it would hold the interpreter lock the scoring
    threads need) and remembered by :func:`_prepare`; the pipes carry only the titles and their
    cleaned texts. Otherwise, or if the process cannot start, titles are cleaned here, a chunk
    at a time.
    """
    procs: ProcessPoolExecutor | None = None
    if (
        len(titles) >= _PROCESS_MIN
        and sys.platform.startswith("linux")
        and not multiprocessing.current_process().daemon  # a daemon may not have children
    ):
        # Each title's cached value (None: to clean), read once: the cache may drop entries.
        known = [_prepare.get(t) if t.strip() else ("", ()) for t in titles]
        todo = [t for t, k in zip(titles, known) if k is None]
        if len(todo) >= _PROCESS_MIN:
            clean_title("电工")  # the place names and character tables, built before the fork
            try:
                procs = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
                # A batch a task: the first batch can be scored soon after the start.
                groups = [todo[i : i + _BATCH] for i in range(0, len(todo), _BATCH)]
                pending = [procs.submit(_prepare_all, g) for g in groups]
            except (OSError, RuntimeError) as exc:  # no fork here (limits, sandbox): inline
                log.debug("cleaning in this process: %s", exc)
                if procs is not None:
                    procs.shutdown(wait=False, cancel_futures=True)
                procs = None
    if procs is None:
        for start in range(0, len(titles), _BATCH):
            yield _prepare_all(titles[start : start + _BATCH])
        return
    try:
        # The results a chunk at a time: one islice and one put_many rather than a generator
        # step and a put a title.
        stream = itertools.chain.from_iterable(_results(pending, todo))
        for start in range(0, len(titles), _BATCH):
            out = known[start : start + _BATCH]
            need = [i for i, got in enumerate(out) if got is None]
            if need:
                got = list(itertools.islice(stream, len(need)))
                if len(need) == len(out):  # none of the chunk cleaned before (most chunks)
                    out, keys = got, titles[start : start + _BATCH]
                else:
                    keys = [titles[start + i] for i in need]
                    for i, g in zip(need, got):
                        out[i] = g
                _prepare.put_many(keys, got)
            yield cast(list[tuple[str, tuple[str, ...]]], out)
    finally:
        procs.shutdown(wait=True, cancel_futures=True)


def _results(
    pending: list[Future[list[tuple[str, tuple[str, ...]]]]], todo: list[str]
) -> Iterator[list[tuple[str, tuple[str, ...]]]]:
    """The worker's results in order, a list a task; if it died, the rest cleaned here."""
    done = 0
    for f in pending:
        try:
            got = f.result()
        except BrokenExecutor:  # the worker died (killed, out of memory): go on here
            log.warning("the title-cleaning process stopped; cleaning in this process")
            break
        yield got
        done += len(got)
    for i in range(done, len(todo), _BATCH):
        yield [_prepare(t) for t in todo[i : i + _BATCH]]
