"""Split a candidate graph into independent shards and run a kernel on each through an executor.

Two pairs interact only through a shared seeker or vacancy, so the connected components of the
bipartite graph (seekers and vacancies as nodes, stored pairs as edges) are independent problems:
the optimum of the whole is the union of the components' optima. Components are packed into at
most ``n_shards`` shards of balanced size (largest first onto the lightest shard), each shard is
sent to a worker as compact CSR arrays in local numbering, and the workers' chosen pairs are
mapped back to global rows and columns.

What an executor receives, and so what a cluster (a Dask client's ``get_executor()``) can and
cannot do with it:

- only the assignment solver runs there, one task a shard; reading, preparing, candidate
  generation and recommendations stay in the calling process;
- the number of shards is ``n_shards`` if given, else four per core of the *calling* machine
  (:func:`default_workers`): size it for a cluster with ``assign.solve(..., n_shards=...)``;
- a connected component is never split, so a graph of one component (the generated province's
  candidate graph is one) is one task on one worker, however many workers there are;
- each task carries its pairs as int64 row pointers, int32 columns and float64 scores.

Spreading a province's work over a cluster therefore means running whole partitions (a city, a
province) end to end on workers, not shipping shards of one ``match``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components

from matchcore._progress import Progress
from matchcore.assign._auction import auction_bmatching, dual_bound
from matchcore.assign._kernels import deferred_acceptance, flow_bmatching

__all__ = ["ShardPlan", "Task", "plan_shards", "run_tasks"]

log = logging.getLogger(__name__)

#: below this many stored pairs, ``executor=None`` solves in this process in one piece
SERIAL_NNZ = 200_000


@dataclass(frozen=True)
class Task:
    """One shard, as sent to a worker: compact local CSR arrays and the kernel's parameters."""

    kernel: str
    indptr: np.ndarray
    indices: np.ndarray
    data: np.ndarray
    row_cap: np.ndarray
    col_cap: np.ndarray
    params: dict[str, Any] = field(default_factory=dict)
    aux: np.ndarray | None = None  # vacancy preferences for deferred acceptance
    col_steps: tuple[np.ndarray, np.ndarray] | None = None  # convex price steps per column
    start: tuple[np.ndarray, np.ndarray] | None = None  # auction warm start: column, bid per row


def run_task(
    task: Task,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray | None]:
    """Run one shard's kernel; return the chosen pairs as (local row, local column, score),
    the shard's certified upper bound on the optimum (NaN when the kernel gives none) and its
    final column prices (the auction only, else None)."""
    bound = float("nan")
    price = None
    if task.kernel == "flow":
        chosen = flow_bmatching(
            task.indptr,
            task.indices,
            task.data,
            task.row_cap,
            task.col_cap,
            task.params["resolution"],
            task.col_steps,
        )
    elif task.kernel == "stable":
        vpref = task.data if task.aux is None else task.aux
        chosen = deferred_acceptance(task.indptr, task.indices, task.data, vpref, task.col_cap)
    elif task.kernel == "auction":
        steps = None
        if task.col_steps is not None:
            widths, prices = task.col_steps
            n_steps = int(widths.shape[0])
            step_price = float(prices[1]) * task.params["resolution"] if n_steps > 1 else 0.0
            steps = (np.asarray(widths[0], dtype=np.int64), step_price, n_steps)
        args = (task.indptr, task.indices, task.data, task.row_cap, task.col_cap)
        threads = int(task.params.get("threads", 1))
        chosen, price, _stats = auction_bmatching(
            *args, task.params["eps"], steps, threads, task.start
        )
        bound = dual_bound(*args, price, steps)
    else:  # pragma: no cover - internal misuse
        raise ValueError(f"unknown kernel {task.kernel!r}")
    rows = (np.searchsorted(task.indptr, chosen, side="right") - 1).astype(np.int32)
    return rows, task.indices[chosen].astype(np.int32), task.data[chosen], bound, price


@dataclass(frozen=True)
class ShardPlan:
    """Which seekers (rows) and vacancies (columns) each shard holds, largest shard first."""

    rows: list[np.ndarray]
    cols: list[np.ndarray]
    n_components: int

    @property
    def n_shards(self) -> int:
        """Number of shards."""
        return len(self.rows)


def plan_shards(csr: sp.csr_array, n_shards: int) -> ShardPlan:
    """Pack the connected components of ``csr``'s pairs into at most ``n_shards`` shards.

    Seekers and vacancies without any pair are left out, except that a plan of one shard holds
    every row (with ``n_shards == 1`` no components are computed).
    """
    n, m = csr.shape
    deg_r = np.diff(csr.indptr)
    if n_shards <= 1 or csr.nnz == 0:
        # one shard holds every row (rows without pairs cost nothing), so it needs no copy
        cols = np.flatnonzero(np.bincount(csr.indices, minlength=m))
        return ShardPlan([np.arange(n)], [cols], -1)
    rows = np.repeat(np.arange(n, dtype=np.int32), deg_r)
    graph = sp.coo_array(
        (np.ones(csr.nnz, dtype=np.int8), (rows, csr.indices + np.int32(n))), shape=(n + m, n + m)
    ).tocsr()
    del rows
    _, labels = connected_components(graph, directed=True, connection="weak")
    del graph
    row_lab, col_lab = labels[:n], labels[n:]
    size = np.bincount(row_lab, weights=deg_r, minlength=labels.max() + 1)
    comps = np.flatnonzero(size > 0)
    # longest-processing-time packing: biggest component onto the lightest shard
    order = comps[np.argsort(-size[comps], kind="stable")]
    k = min(n_shards, comps.size)
    if k == 1:  # one component: the one shard takes every row, so the graph is not copied
        cols = np.flatnonzero(np.bincount(csr.indices, minlength=m))
        return ShardPlan([np.arange(n)], [cols], int(comps.size))
    load = np.zeros(k)
    shard_of = np.full(labels.max() + 1, -1, dtype=np.int64)
    for c in order:
        s = int(np.argmin(load))
        shard_of[c] = s
        load[s] += size[c]
    row_shard = np.where(deg_r > 0, shard_of[row_lab], -1)
    col_deg = np.bincount(csr.indices, minlength=m)
    col_shard = np.where(col_deg > 0, shard_of[col_lab], -1)
    by_load = np.argsort(-load, kind="stable")
    row_groups = _group(row_shard, k)
    col_groups = _group(col_shard, k)
    return ShardPlan(
        [row_groups[s] for s in by_load], [col_groups[s] for s in by_load], int(comps.size)
    )


def _group(shard: np.ndarray, k: int) -> list[np.ndarray]:
    """Indices of each shard id in 0..k-1, ascending within each group."""
    idx = np.argsort(shard, kind="stable")
    bounds = np.searchsorted(shard[idx], np.arange(k + 1) - 0.5)
    return [idx[bounds[s] : bounds[s + 1]] for s in range(k)]


def make_tasks(
    csr: sp.csr_array,
    plan: ShardPlan,
    kernel: str,
    row_cap: np.ndarray,
    col_cap: np.ndarray,
    params: dict[str, Any],
    aux: sp.csr_array | None = None,
    col_steps: tuple[np.ndarray, np.ndarray] | None = None,
    start: tuple[np.ndarray, np.ndarray] | None = None,
) -> Iterator[Task]:
    """Yield one :class:`Task` a shard, built lazily to keep the parent's memory low."""
    m = csr.shape[1]
    for rows, cols in zip(plan.rows, plan.cols):
        # one shard with every row (the usual single-component case) needs no copy
        sub = csr if rows.size == csr.shape[0] else csr[rows]
        cmap = np.full(m, -1, dtype=np.int32)
        cmap[cols] = np.arange(cols.size, dtype=np.int32)
        yield Task(
            kernel,
            sub.indptr.astype(np.int64),
            cmap[sub.indices],
            sub.data,
            row_cap[rows],
            col_cap[cols],
            params,
            None if aux is None else aux[rows].data,
            None if col_steps is None else (col_steps[0][:, cols], col_steps[1]),
            None if start is None else _local_start(start, rows, cmap),
        )


def _local_start(
    start: tuple[np.ndarray, np.ndarray], rows: np.ndarray, cmap: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A warm start (global column and bid per row) in a shard's local numbering."""
    col = np.asarray(start[0])[rows]
    local = np.where(col >= 0, cmap[np.maximum(col, 0)], -1)
    return local.astype(np.int64), np.asarray(start[1], dtype=np.float64)[rows]


def default_workers() -> int:
    """Worker processes for the default executor: the machine's cores."""
    return max(1, os.cpu_count() or 1)


def run_tasks(
    tasks: Iterator[Task],
    plan: ShardPlan,
    executor: Executor | None,
    *,
    progress: bool | None = None,
    desc: str = "shards",
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray | None]:
    """Run every task (in this process if ``executor`` is None) and return global chosen pairs,
    the sum of the shards' upper bounds (NaN unless every shard gave one) and the final column
    prices by global column (auction only, else None; 0 for columns in no shard).

    At most ``2 x workers`` shards are in flight so the parent never holds every payload at once.
    """
    out_r: list[np.ndarray] = []
    out_c: list[np.ndarray] = []
    out_v: list[np.ndarray] = []
    bounds: list[float] = []
    prices: list[tuple[np.ndarray, np.ndarray]] = []

    def collect(
        s: int, res: tuple[np.ndarray, np.ndarray, np.ndarray, float, np.ndarray | None]
    ) -> None:
        lr, lc, v, bound, price = res
        out_r.append(plan.rows[s][lr])
        out_c.append(plan.cols[s][lc])
        out_v.append(v)
        bounds.append(bound)
        if price is not None:
            prices.append((plan.cols[s], price))

    with Progress(total=plan.n_shards, desc=desc, enabled=progress) as bar:
        if executor is None:
            for s, task in enumerate(tasks):
                collect(s, run_task(task))
                bar.update()
        else:
            in_flight = max(2, 2 * getattr(executor, "_max_workers", default_workers()))
            pending: dict[Future[Any], int] = {}
            for s, task in enumerate(tasks):
                pending[executor.submit(run_task, task)] = s
                while len(pending) >= in_flight:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for f in done:
                        collect(pending.pop(f), f.result())
                        bar.update()
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for f in done:
                    collect(pending.pop(f), f.result())
                    bar.update()
    bound = float(np.sum(bounds)) if bounds else 0.0
    col_price = None
    if prices:
        m = 1 + max((int(c.max()) for c, _ in prices if c.size), default=-1)
        col_price = np.zeros(m)
        for c, p in prices:
            col_price[c] = p
    if not out_r:
        e = np.empty(0, dtype=np.int64)
        return e, e.copy(), np.empty(0), bound, col_price
    r = np.concatenate(out_r).astype(np.int64)
    c = np.concatenate(out_c).astype(np.int64)
    v = np.concatenate(out_v)
    o = np.lexsort((c, r))
    return r[o], c[o], v[o], bound, col_price


def execute(
    csr: sp.csr_array,
    kernel: str,
    row_cap: np.ndarray,
    col_cap: np.ndarray,
    params: dict[str, Any],
    *,
    executor: Executor | str | None,
    n_shards: int | None,
    progress: bool | None,
    aux: sp.csr_array | None = None,
    col_steps: tuple[np.ndarray, np.ndarray] | None = None,
    desc: str = "shards",
    start: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, ShardPlan, np.ndarray | None]:
    """Plan shards, pick the executor, run, and return (rows, cols, scores, bound, plan,
    prices); ``prices`` has one entry a column (auction only, else None)."""
    serial = executor == "serial" or (executor is None and csr.nnz < SERIAL_NNZ)
    if n_shards is None:
        n_shards = 1 if serial else 4 * default_workers()
    plan = plan_shards(csr, n_shards)
    in_process = serial or isinstance(executor, str) or (plan.n_shards <= 1 and executor is None)
    # a kernel that can use threads (the auction) gets two in this process, one in a worker
    params = {**params, "threads": min(2, default_workers()) if in_process else 1}
    tasks = make_tasks(csr, plan, kernel, row_cap, col_cap, params, aux, col_steps, start)
    log.debug("%d shards from %d components", plan.n_shards, plan.n_components)
    if in_process or isinstance(executor, str):  # (a str executor is "serial": in process)
        out = run_tasks(tasks, plan, None, progress=progress, desc=desc)
    elif executor is None:
        workers = min(default_workers(), plan.n_shards)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            out = run_tasks(tasks, plan, pool, progress=progress, desc=desc)
    else:
        out = run_tasks(tasks, plan, executor, progress=progress, desc=desc)
    r, c, v, bound, price = out
    if price is not None and price.size != csr.shape[1]:
        price = np.r_[price, np.zeros(csr.shape[1] - price.size)]
    return r, c, v, bound, plan, price
