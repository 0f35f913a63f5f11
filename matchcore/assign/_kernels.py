"""Edge-selection kernels on one shard, in local (compact) numbering.

Every kernel takes a CSR pattern (``indptr``, ``indices``) with per-edge benefits and returns the
positions of the chosen edges. They are plain functions of arrays so a worker process (or a Dask
worker) can run them on a shard it received.

- :func:`flow_bmatching` is exact: a maximum-weight b-matching (row ``i`` at most ``row_cap[i]``
  edges, column ``j`` at most ``col_cap[j]``) solved as a min-cost flow with OR-Tools on integer
  costs ``round(score / resolution)``.
- :func:`deferred_acceptance` is the seeker-proposing deferred acceptance with capacities
  (Gale-Shapley for many-to-one), vectorised in rounds.
"""

from __future__ import annotations

import numpy as np

from matchcore._errors import MatchcoreError

__all__ = [
    "SolverFailed",
    "deferred_acceptance",
    "flow_bmatching",
    "order_in_rows",
    "row_of_edge",
]


class SolverFailed(MatchcoreError, RuntimeError):
    """The min-cost-flow engine did not report an optimal solution."""


def row_of_edge(indptr: np.ndarray) -> np.ndarray:
    """Row index of every stored entry of a CSR pattern."""
    n = indptr.shape[0] - 1
    return np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))


def order_in_rows(rows: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Permutation sorting entries by row ascending, then value descending, then input order.

    Two single-key sorts instead of a multi-key ``lexsort`` (several times faster on tens of
    millions of entries): a stable sort by value gives each entry a unique rank, and
    ``row x n + rank`` is a unique integer key. With entries in CSR order, "input order" means
    lower column first.
    """
    n = values.shape[0]
    by_value = np.argsort(-values, kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[by_value] = np.arange(n, dtype=np.int64)
    del by_value
    key = rows.astype(np.int64) * max(n, 1) + rank
    return np.argsort(key)


def integer_costs(data: np.ndarray, resolution: float) -> np.ndarray:
    """Benefits scaled to integers: ``round(data / resolution)`` as int64."""
    scaled = np.rint(data / resolution)
    limit = 2.0**52
    if scaled.size and float(np.abs(scaled).max()) > limit:
        raise SolverFailed(
            f"scores / resolution reaches {float(np.abs(scaled).max()):.3g}, beyond the exact "
            f"integer range 2**52 of the flow engine: pass a larger resolution"
        )
    return scaled.astype(np.int64)


def flow_bmatching(
    indptr: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    row_cap: np.ndarray,
    col_cap: np.ndarray,
    resolution: float,
    col_steps: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """Positions of the edges of a maximum-weight b-matching.

    Maximizes the sum of ``round(data / resolution)`` over chosen edges with row ``i`` in at most
    ``row_cap[i]`` chosen edges and column ``j`` in at most ``col_cap[j]``. Edges whose integer
    benefit is not positive are never chosen (leaving a row short is free).

    Network: source -> row (capacity ``row_cap``, cost 0), row -> column (capacity 1, cost
    ``-benefit``), column -> sink (capacity ``col_cap``), plus a source -> sink bypass carrying
    the unused supply at cost 0. OR-Tools' cost-scaling push-relabel returns an optimal integer
    flow; the chosen edges are those carrying flow.

    ``col_steps = (widths, prices)`` makes a column's use convex-priced: ``widths`` of shape
    (S, n_cols) split its capacity into S consecutive steps, the s-th costing ``prices[s]``
    (integer, non-decreasing) per unit. The steps are S parallel column -> sink arcs; since their
    prices rise, a min-cost flow fills them in order. ``col_cap`` still bounds the total.
    """
    from ortools.graph.python import min_cost_flow

    n_rows = indptr.shape[0] - 1
    n_cols = col_cap.shape[0]
    rows = row_of_edge(indptr)
    cost = integer_costs(data, resolution)
    keep = (cost > 0) & (col_cap[indices] > 0) & (row_cap[rows] > 0)
    edges = np.flatnonzero(keep)
    if edges.size == 0:
        return edges
    er, ec = rows[edges], indices[edges].astype(np.int64)
    used_rows = np.flatnonzero(np.bincount(er, minlength=n_rows))
    used_cols = np.flatnonzero(np.bincount(ec, minlength=n_cols))
    rmap = np.full(n_rows, -1, dtype=np.int64)
    rmap[used_rows] = np.arange(used_rows.size)
    cmap = np.full(n_cols, -1, dtype=np.int64)
    cmap[used_cols] = np.arange(used_cols.size)
    nr, nc = used_rows.size, used_cols.size
    sink = nr + nc + 1
    # a row or column can never use more capacity than it has edges
    rc = np.minimum(row_cap[used_rows], np.bincount(er, minlength=n_rows)[used_rows])
    cc = np.minimum(col_cap[used_cols], np.bincount(ec, minlength=n_cols)[used_cols])
    if col_steps is None:
        step_caps, step_costs = cc[None, :], np.zeros((1, nc), np.int64)
    else:
        widths = np.asarray(col_steps[0])[:, used_cols].astype(np.int64)
        # cut the steps so they add up to at most cc
        ends = np.minimum(np.cumsum(widths, axis=0), cc[None, :])
        step_caps = np.diff(ends, axis=0, prepend=0)
        step_costs = np.repeat(np.asarray(col_steps[1], np.int64)[:, None], nc, axis=1)
        live = step_caps > 0
        step_caps, step_costs = step_caps[live][None, :], step_costs[live][None, :]
        step_cols = np.nonzero(live)[1]
    supply = int(rc.sum())
    n_e = edges.size
    col_tail = np.arange(nc) if col_steps is None else step_cols
    tails = np.concatenate(
        [1 + rmap[er], np.zeros(nr, np.int64), nr + 1 + col_tail, np.array([0])]
    ).astype(np.int32)
    heads = np.concatenate(
        [
            nr + 1 + cmap[ec],
            1 + np.arange(nr),
            np.full(col_tail.size, sink, dtype=np.int64),
            np.array([sink]),
        ]
    ).astype(np.int32)
    caps = np.concatenate(
        [np.ones(n_e, np.int64), rc, step_caps.ravel(), np.array([supply])]
    ).astype(np.int64)
    costs = np.concatenate(
        [-cost[edges], np.zeros(nr, np.int64), step_costs.ravel(), np.zeros(1, np.int64)]
    )
    del er, ec, rmap, cmap
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    del tails, heads, caps, costs
    flow.set_node_supply(0, supply)
    flow.set_node_supply(sink, -supply)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise SolverFailed(
            f"the min-cost-flow engine stopped with status {status!r} on a shard of "
            f"{n_e} pairs; if it is BAD_COST_RANGE, pass a larger resolution"
        )
    chosen = flow.flows(np.arange(n_e, dtype=np.int32)) > 0
    return edges[chosen]


def deferred_acceptance(
    indptr: np.ndarray,
    indices: np.ndarray,
    seeker_pref: np.ndarray,
    vacancy_pref: np.ndarray,
    col_cap: np.ndarray,
) -> np.ndarray:
    """Positions of the edges of the seeker-optimal stable matching (each row at most once).

    Seekers (rows) rank their acceptable vacancies by ``seeker_pref`` descending, ties by lower
    column; vacancy ``j`` keeps the ``col_cap[j]`` best proposers by ``vacancy_pref`` descending,
    ties by lower row. A pair is acceptable when ``seeker_pref > 0``. Each round every free seeker
    proposes to its best vacancy not yet asked (a segmented arg-max over its row, so no global
    sort is needed); vacancies with room accept outright and only over-full ones re-select among
    their held and new proposers. The loop ends when no free seeker has a vacancy left to ask.
    """
    n_rows = indptr.shape[0] - 1
    n_cols = col_cap.shape[0]
    rows = row_of_edge(indptr)
    alive = (seeker_pref > 0) & (col_cap[indices] > 0)
    remaining = np.bincount(rows[alive], minlength=n_rows)
    del rows
    held = np.full(n_rows, -1, dtype=np.int64)  # edge each seeker holds
    load = np.zeros(n_cols, dtype=np.int64)
    active = np.flatnonzero(remaining > 0)
    while active.size:
        starts = indptr[active]
        lens = indptr[active + 1] - starts
        seg_start = np.cumsum(lens) - lens
        pos = np.arange(int(lens.sum()), dtype=np.int64) + np.repeat(starts - seg_start, lens)
        val = np.where(alive[pos], seeker_pref[pos], -np.inf)
        best = np.maximum.reduceat(val, seg_start)
        local = np.where(val == np.repeat(best, lens), np.arange(pos.size), pos.size)
        prop = pos[np.minimum.reduceat(local, seg_start)]  # first best: lowest column
        del pos, val, local
        alive[prop] = False
        remaining[active] -= 1
        pc = indices[prop]
        new = np.bincount(pc, minlength=n_cols)
        full = (load + new) > col_cap
        direct = ~full[pc]
        held[active[direct]] = prop[direct]
        load += np.bincount(pc[direct], minlength=n_cols)
        rejected = np.empty(0, dtype=np.int64)
        if not direct.all():
            holders = np.flatnonzero(held >= 0)
            holders = holders[full[indices[held[holders]]]]
            cand_s = np.concatenate([holders, active[~direct]])
            cand_e = np.concatenate([held[holders], prop[~direct]])
            cv = indices[cand_e]
            srt = np.lexsort((cand_s, -vacancy_pref[cand_e], cv))
            cand_s, cand_e, cv = cand_s[srt], cand_e[srt], cv[srt]
            rank = np.arange(cv.size) - np.searchsorted(cv, cv, side="left")
            keep = rank < col_cap[cv]
            rejected = cand_s[~keep]
            held[rejected] = -1
            held[cand_s[keep]] = cand_e[keep]
            ov = np.flatnonzero(full)
            load[ov] = np.bincount(cv[keep], minlength=n_cols)[ov]
        active = rejected[remaining[rejected] > 0]
    return np.sort(held[held >= 0])
