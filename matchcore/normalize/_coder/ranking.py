"""Ranking: which codes a title gets, and when to back off to a group.

The probabilities (:mod:`.model`) are over the codes an expert writes, at any level (experts
often stop at a group). A code is right when the expert wrote it or one of its ancestors, so its
chance of being right is its probability plus its ancestors'. Codes are ranked by that chance,
among the ``_CANDIDATES`` most probable ones, greedily: each next code adds the most chance not
already covered by the codes before it (a code's probability alone would rank a child of a likely
group below the group itself). When the best code's chance is below ``threshold``, the nearest
ancestor whose subtree holds at least ``threshold`` is returned instead (a group's probability is
the sum over its subtree). Ties go to the lower code, so the result is deterministic.

:func:`_rank_reference` is the slow reading of one row that :func:`_rank` is tested against.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from matchcore import occupations

# Codes _decide ranks per row: the most probable ones (8 rank as well as all codes would).
_CANDIDATES = 8


def _rank_reference(p_row: NDArray[np.float32], k: int, candidates: int = _CANDIDATES) -> list[int]:
    """The top ``k`` codes of one row, slowly (the reference of :func:`_rank`).

    The probabilities are over the codes an expert writes, at any level, and a code is right
    when the expert wrote it or one of its ancestors. Among the ``max(candidates, k)`` most
    probable codes (ties to the lower code), each pick is the code adding most probability of
    being right: the expert's codes it matches (itself and its ancestors) that no earlier pick
    matches, summed root first in float32; ties go to the lower code.
    """
    tree = occupations.load().arrays()
    m = min(len(p_row), max(candidates, k))
    cand = sorted(sorted(range(len(p_row)), key=lambda j: (-float(p_row[j]), j))[:m])
    covered: set[int] = set()
    picks: list[int] = []
    for _ in range(min(k, m)):
        best, best_gain = -1, np.float32(-np.inf)
        for c in cand:
            if c in picks:
                continue
            gain = np.float32(0.0)
            for a in reversed(tree.up[c].tolist()):
                if a >= 0:
                    gain = np.float32(0.0 if a in covered else p_row[a]) + gain
            if gain > best_gain:
                best, best_gain = c, gain
        picks.append(best)
        covered.update(a for a in tree.up[best].tolist() if a >= 0)
    return picks


def _root_first_sum(vals: NDArray[np.float32]) -> NDArray[np.float32]:
    """Sum over the last axis (a chain's probabilities by depth, root first), in float32 and
    in the order :func:`_rank_reference` adds them, so a chain's chance has the same bits in
    :func:`_rank` and :func:`_decide`."""
    total = vals[..., 0] + np.float32(0.0)
    for j in range(1, vals.shape[-1]):
        total = vals[..., j] + total
    return total


def _rank(p: NDArray[np.float32], k: int, candidates: int = _CANDIDATES) -> NDArray[np.intp]:
    """:func:`_rank_reference` for every row at once; shape (n_rows, min(k, n_codes))."""
    n_rows, n = p.shape
    rows = np.arange(n_rows)
    m = min(n, max(candidates, k))
    if m <= 8:
        # A few argmax passes (vectorized, first maximum = lowest column on ties) are much
        # faster than a partition of every row; each pass masks the code it found.
        work = p.copy()
        cand = np.empty((n_rows, m), dtype=np.intp)
        for t in range(m):
            cand[:, t] = work.argmax(axis=1)
            work[rows, cand[:, t]] = -1.0
    else:
        # A stable sort of the negated rows: ties by column order (a partition would pick
        # an arbitrary subset of the codes tied at the m-th place).
        cand = np.argsort(-p, axis=1, kind="stable")[:, :m]
    cand = np.sort(cand, axis=1)  # by code: argmax below then breaks ties to the lower one
    # Each candidate's chain by depth, root first: (rows, m, 4), -1 below the code's level.
    chains = occupations.load().arrays().chain[cand]
    vals = np.where(chains >= 0, p[rows[:, None, None], np.maximum(chains, 0)], np.float32(0.0))
    k = min(k, m)
    ranked = np.empty((n_rows, k), dtype=np.intp)
    taken = np.zeros(cand.shape, dtype=bool)
    for t in range(k):
        gain = _root_first_sum(vals)
        gain[taken] = -np.inf
        pick = gain.argmax(axis=1)
        ranked[:, t] = cand[rows, pick]
        if t + 1 < k:
            # The pick's chain is matched now (a node at the same depth of another chain is
            # the same node): it adds nothing to the later picks.
            taken[rows, pick] = True
            vals = np.where(chains == chains[rows, pick][:, None, :], np.float32(0.0), vals)
    return ranked


def _decide(
    p: NDArray[np.float32], threshold: float, top_k: int
) -> tuple[
    NDArray[np.intp], NDArray[np.intp], NDArray[np.float32], NDArray[np.bool_], NDArray[np.intp]
]:
    """Best code, returned code (after backing off), its probability, backed off, top-k codes.

    Codes are ranked by the probability of being right at the expert's level (see
    :func:`_rank_reference`); ties go to the lower code (the classification's order), so the
    result is deterministic.
    """
    tree = occupations.load().arrays()
    rows = np.arange(p.shape[0])
    k = min(top_k, p.shape[1])
    ranked = _rank(p, k)
    best = ranked[:, 0]
    chain = tree.up[best]  # (n, 4): best, its parent, ...
    chosen = best.copy()
    # The best code's chance of being right at the expert's level, summed as _rank sums it.
    by_depth = tree.chain[best]
    vals = np.where(by_depth >= 0, p[rows[:, None], np.maximum(by_depth, 0)], np.float32(0.0))
    raw = _root_first_sum(vals)
    backed = np.zeros(p.shape[0], dtype=bool)
    need = np.flatnonzero(raw < threshold) if threshold > 0 else np.zeros(0, dtype=np.intp)
    if len(need):
        # Probability of each group: the sum over its subtree (tree.desc maps codes to groups).
        agg = np.asarray(tree.desc.T @ p[need].T).T
        for r_local, r in enumerate(need):
            for node in chain[r, 1:]:
                if node < 0:
                    break
                if agg[r_local, node] >= threshold:
                    chosen[r] = node
                    raw[r] = agg[r_local, node]
                    backed[r] = True
                    break
    return best, chosen, raw, backed, ranked
