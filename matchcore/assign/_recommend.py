"""``recommend``: ranked lists for every seeker, with congestion control and the assigned flag.

Congestion control is an exact b-matching with a convex congestion price: every seeker gets up
to ``k`` vacancies, vacancy ``j`` is shown to at most ``ceil(multiple x openings[j])`` seekers,
and each show beyond every further "fair share" of vacancy ``j`` (the average exposure per
opening times its openings) costs ``price`` more in score units; the lists together maximize the
total score shown minus those prices (a min-cost flow, like :func:`~matchcore.assign.solve` with
seeker supply ``k`` and parallel priced arcs from a vacancy to the sink). A seeker is moved off a
crowded posting only where an alternative costs them less than the price, which is why a small
loss in relevance buys a large drop in congestion. Each list is then ranked by score. Plain
top-k is the same with no limit and no price.
The vacancy a seeker is assigned to (exact assignment) is always in that seeker's list.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import polars as pl
import scipy.sparse as sp

from matchcore._errors import InvalidParameter
from matchcore.assign._kernels import order_in_rows, row_of_edge
from matchcore.assign._shard import execute
from matchcore.assign._solve import Assignment, _frozen, check_executor, solve
from matchcore.assign._validate import check_capacity, check_eps, check_int, check_scores

#: most price steps per vacancy (the last step runs to the hard limit)
MAX_STEPS = 16
#: the fewest times ``congestion="auto"`` lets one opening be shown
AUTO_MIN_SHOWINGS = 3.0

__all__ = [
    "Recommendations",
    "coverage",
    "expected_hires",
    "exposure_gini",
    "gini",
    "recommend",
]


@dataclass(frozen=True, eq=False)
class Recommendations:
    """The result of :func:`recommend`: one row per (seeker, recommended vacancy).

    Attributes
    ----------
    seeker, vacancy : ndarray of int64, shape (n_rows,)
        Row and column positions, sorted by seeker then rank.
    rank : ndarray of int64
        1 for a seeker's best-scoring vacancy, ties by lower vacancy position.
    score : ndarray of float64
        The pair's score.
    assigned : ndarray of bool
        True on the vacancy the seeker is assigned to.
    capacity : ndarray of int64, shape (n_vacancies,)
        Openings, kept for the exposure metrics.
    n_seekers : int
        Rows of the score matrix.
    k : int
        Longest list asked for.
    multiple : float or None
        Most times a vacancy is shown per opening (None: no congestion control).
    price : float
        Congestion price per fair share exceeded (0 with no congestion control).
    seconds : float
        Wall time.
    upper_bound : float or None
        With ``method="auction"`` and congestion control: a certified upper bound on the best
        possible objective (scores shown minus congestion prices, fixed assigned pairs
        excluded); None otherwise.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from matchcore.assign import recommend
    >>> scores = sp.csr_array(np.array([[0.9, 0.5], [0.8, 0.6], [0.7, 0.4]]))
    >>> r = recommend(scores, np.array([1, 1]), k=1, congestion=None)
    >>> r.vacancy.tolist(), r.assigned.tolist()
    ([0, 1, 0], [True, True, False])
    >>> r.to_frame().columns
    ['seeker', 'vacancy', 'rank', 'score', 'assigned']
    """

    seeker: np.ndarray
    vacancy: np.ndarray
    rank: np.ndarray
    score: np.ndarray
    assigned: np.ndarray
    capacity: np.ndarray
    n_seekers: int
    k: int
    multiple: float | None
    price: float
    seconds: float
    upper_bound: float | None = None

    def __len__(self) -> int:
        return int(self.seeker.size)

    def to_frame(self) -> pl.DataFrame:
        """A polars DataFrame with columns seeker, vacancy, rank, score, assigned."""
        return pl.DataFrame(
            {
                "seeker": self.seeker,
                "vacancy": self.vacancy,
                "rank": self.rank,
                "score": self.score,
                "assigned": self.assigned,
            }
        )

    def exposure(self) -> np.ndarray:
        """How many seekers are shown each vacancy, shape (n_vacancies,)."""
        return np.bincount(self.vacancy, minlength=self.capacity.size)

    def summary(self) -> dict[str, float]:
        """Quality and congestion figures: see :func:`coverage`, :func:`exposure_gini` ..."""
        open_ = self.capacity > 0
        per_opening = self.exposure()[open_] / self.capacity[open_]
        return {
            "rows": float(len(self)),
            "mean_score": float(self.score.mean()) if len(self) else 0.0,
            "coverage": coverage(self),
            "unseen_share": 1.0 - coverage(self),
            "exposure_gini": exposure_gini(self),
            "max_exposure_per_opening": float(per_opening.max()) if per_opening.size else 0.0,
            "expected_hires": expected_hires(self),
        }


def recommend(
    scores: Any,
    capacity: Any,
    k: int = 10,
    *,
    congestion: float | Literal["auto"] | None = "auto",
    price: float = 0.1,
    assignment: Assignment | bool = True,
    method: Literal["exact", "auction"] = "exact",
    eps: float = 0.01,
    resolution: float = 1e-6,
    executor: Executor | Literal["serial"] | None = None,
    n_shards: int | None = None,
    progress: bool | None = None,
) -> Recommendations:
    """Up to ``k`` ranked vacancies for each seeker, without sending everyone to the same few.

    Parameters
    ----------
    scores : sparse array, shape (n_seekers, n_vacancies)
        Allowed pairs and their scores; pairs scoring 0 or less are never recommended.
    capacity : array of int, shape (n_vacancies,)
        Openings of each vacancy.
    k : int
        Longest list.
    congestion : float, "auto" or None
        Most times a vacancy may be shown per opening: vacancy ``j`` reaches at most
        ``ceil(congestion x capacity[j])`` lists. ``"auto"`` uses 3 times the average exposure per
        opening (``sum of list lengths / sum of openings``), at least :data:`AUTO_MIN_SHOWINGS`
        (3): a single opening may always be shown to a few people, as a caseworker would, so
        that short lists (under the suitability floors) are not emptied to spread exposure. ``None`` gives plain
        top-k.
    price : float
        Congestion price in score units (>= 0): showing vacancy ``j`` once more costs
        ``s x price`` once it has been shown ``s`` fair shares (``ceil(average exposure per
        opening x capacity[j])`` each). 0 keeps only the hard limit. Ignored without congestion
        control.
    assignment : Assignment or bool
        The assignment whose vacancy is flagged ``assigned`` and always kept in the list:
        ``True`` computes one with :func:`solve` (same ``method``), ``False`` flags nothing.
    method : {"exact", "auction"}
        How the congestion-controlled b-matching is solved: ``"exact"`` as a min-cost flow,
        ``"auction"`` by the near-optimal auction of :func:`solve` (much faster on large inputs;
        :attr:`Recommendations.upper_bound` certifies how close it is).
    eps, resolution, executor, n_shards, progress
        As in :func:`solve`.

    Returns
    -------
    Recommendations

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from matchcore.assign import recommend
    >>> scores = sp.csr_array(np.array([[0.9, 0.5], [0.8, 0.6], [0.7, 0.4]]))
    >>> plain = recommend(scores, np.array([1, 1]), k=1, congestion=None, assignment=False)
    >>> plain.vacancy.tolist()
    [0, 0, 0]
    >>> spread = recommend(scores, np.array([1, 1]), k=1, congestion=2.0, assignment=False)
    >>> spread.vacancy.tolist(), spread.exposure().tolist()
    ([0, 1, 0], [2, 1])
    """
    t0 = time.perf_counter()
    owner = "recommend"
    csr = check_scores(scores, owner)
    n, m = csr.shape
    cap = check_capacity(capacity, m, owner)
    k = check_int(k, "k", owner, 1)
    executor = check_executor(executor, owner)
    if not (
        congestion is None
        or congestion == "auto"
        or (
            isinstance(congestion, float | int)
            and not isinstance(congestion, bool)
            and 0 < congestion < math.inf
        )
    ):
        raise InvalidParameter.of(
            "congestion", owner, congestion, "a positive float, 'auto' or None"
        )
    if not (
        isinstance(price, float | int) and not isinstance(price, bool) and 0 <= price < math.inf
    ):
        raise InvalidParameter.of("price", owner, price, "a float in [0, inf)")
    if method not in ("exact", "auction"):
        raise InvalidParameter.of("method", owner, method, "one of ['exact', 'auction']")
    eps = check_eps(eps, owner)
    if isinstance(assignment, Assignment):
        if assignment.vacancy_of.shape != (n,):
            raise InvalidParameter(
                f"The 'assignment' parameter of {owner} must assign the {n} seekers of "
                f"'scores'. Got {assignment.vacancy_of.shape[0]} seekers instead."
            )
        vacancy_of = np.asarray(assignment.vacancy_of)
    elif assignment is True:
        vacancy_of = np.asarray(
            solve(
                csr,
                cap,
                method=method,
                eps=eps,
                resolution=resolution,
                executor=executor,
                n_shards=n_shards,
                progress=progress,
            ).vacancy_of
        )
    elif assignment is False:
        vacancy_of = np.full(n, -1, dtype=np.int64)
    else:
        raise InvalidParameter.of("assignment", owner, assignment, "an Assignment or a bool")

    rows = row_of_edge(csr.indptr)
    fixed = (vacancy_of[rows] == csr.indices) & (csr.data > 0)
    if int(fixed.sum()) != int((vacancy_of >= 0).sum()):
        raise InvalidParameter(
            f"The 'assignment' parameter of {owner} must only use stored pairs of 'scores' "
            f"with a positive score. Got {int((vacancy_of >= 0).sum()) - int(fixed.sum())} "
            f"assigned seeker(s) outside them instead."
        )
    bound: float | None = None
    if congestion is None:
        sel = _top_k(csr, rows, fixed, k)
        multiple: float | None = None
        price = 0.0
    else:
        pos_deg = np.bincount(rows[csr.data > 0], minlength=n)
        level = float(np.minimum(pos_deg, k).sum()) / max(1, int(cap.sum()))
        multiple = (
            max(AUTO_MIN_SHOWINGS, 3.0 * level) if congestion == "auto" else float(congestion)
        )
        show = np.ceil(multiple * cap - 1e-9).astype(np.int64)
        steps = None
        if price > 0 and level > 0:
            # fair-share steps priced 0, price, 2 price, ...; the last one runs to the hard limit
            n_steps = int(min(MAX_STEPS, max(1, math.ceil(multiple / level))))
            share = np.ceil(level * cap - 1e-9).astype(np.int64)
            widths = np.repeat(share[None, :], n_steps, axis=0)
            widths[-1] = show
            prices = np.rint(np.arange(n_steps) * price / resolution).astype(np.int64)
            steps = (widths, prices)
        fixed_r, fixed_c = rows[fixed], csr.indices[fixed].astype(np.int64)
        row_cap = k - np.bincount(fixed_r, minlength=n)
        col_cap = np.maximum(show - np.bincount(fixed_c, minlength=m), 0)
        # a benefit of 0 is never chosen; the pattern arrays are shared, not copied
        benefit = np.where(fixed, 0.0, csr.data)
        if method == "auction" and np.array_equal(benefit.astype(np.float32), benefit):
            benefit = benefit.astype(np.float32)  # the auction's own precision: half the memory
        free = sp.csr_array((benefit, csr.indices, csr.indptr), shape=(n, m))
        del benefit
        del rows, fixed_r, fixed_c  # rebuilt below: not held while the solver runs
        r, c, _, bound, _, _ = execute(
            free,
            "flow" if method == "exact" else "auction",
            row_cap,
            col_cap,
            {"resolution": float(resolution), "eps": float(eps)},
            executor=executor,
            n_shards=n_shards,
            progress=progress,
            col_steps=steps,
            desc="recommend",
        )
        del free
        rows = row_of_edge(csr.indptr)
        picked = np.zeros(csr.nnz, dtype=bool)
        picked[fixed] = True
        # positions of the chosen (r, c) pairs in the CSR (indices are sorted within rows)
        keys = rows * m + csr.indices
        picked[np.searchsorted(keys, r * m + c)] = True
        sel = np.flatnonzero(picked)

    s_rows, s_cols, s_val = rows[sel], csr.indices[sel].astype(np.int64), csr.data[sel]
    order = order_in_rows(s_rows, s_val)
    s_rows, s_cols, s_val = s_rows[order], s_cols[order], s_val[order]
    rank = np.arange(s_rows.size) - np.searchsorted(s_rows, s_rows, side="left") + 1
    return Recommendations(
        seeker=_frozen(s_rows),
        vacancy=_frozen(s_cols),
        rank=_frozen(rank.astype(np.int64)),
        score=_frozen(s_val),
        assigned=_frozen(vacancy_of[s_rows] == s_cols),
        capacity=_frozen(cap),
        n_seekers=n,
        k=k,
        multiple=multiple,
        price=float(price),
        seconds=time.perf_counter() - t0,
        upper_bound=bound if method == "auction" else None,
    )


def _top_k(csr: Any, rows: np.ndarray, fixed: np.ndarray, k: int) -> np.ndarray:
    """Edge positions of each row's k best positive pairs; a fixed pair replaces the k-th."""
    pos = np.flatnonzero(csr.data > 0)
    # best first, ties by lower column; the fixed (assigned) pair is lifted above every score so
    # it always survives the cut (lists are re-ranked by score afterwards)
    val = np.where(fixed[pos], np.inf, csr.data[pos])
    order = pos[order_in_rows(rows[pos], val)]
    r = rows[order]
    rank = np.arange(order.size) - np.searchsorted(r, r, side="left")
    return np.sort(order[rank < k])


def gini(values: Any, weights: Any = None) -> float:
    """Gini coefficient of non-negative ``values`` (0 equal, towards 1 concentrated).

    With ``weights``, each value counts ``weights[i]`` times (e.g. exposure per opening weighted
    by openings, so each opening is one unit).

    Examples
    --------
    >>> from matchcore.assign import gini
    >>> gini([1, 1, 1, 1]), gini([0, 0, 0, 4]), gini([0, 2], weights=[3, 1])
    (0.0, 0.75, 0.75)
    """
    x = np.asarray(values, dtype=np.float64).ravel()
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64).ravel()
    if x.shape != w.shape:
        raise InvalidParameter.of(
            "weights", "gini", f"shape {w.shape}", f"an array of shape {x.shape} like values"
        )
    if x.size == 0 or (x < 0).any() or (w < 0).any() or not np.isfinite(x).all():
        raise InvalidParameter.of(
            "values", "gini", f"{x.size} values", "a non-empty array of finite values >= 0"
        )
    o = np.argsort(x, kind="stable")
    x, w = x[o], w[o]
    total_w, total = w.sum(), (x * w).sum()
    if total <= 0 or total_w <= 0:
        return 0.0
    p = np.concatenate([[0.0], np.cumsum(w) / total_w])
    lor = np.concatenate([[0.0], np.cumsum(x * w) / total])
    g = 1.0 - float(np.sum((p[1:] - p[:-1]) * (lor[1:] + lor[:-1])))
    return round(g, 12)


def coverage(recommendations: Recommendations) -> float:
    """Coverage@k: share of vacancies with openings that are shown to at least one seeker.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from matchcore.assign import recommend, coverage
    >>> scores = sp.csr_array(np.array([[0.9, 0.5], [0.8, 0.6]]))
    >>> coverage(recommend(scores, np.array([1, 1]), k=1, congestion=None, assignment=False))
    0.5
    """
    open_ = recommendations.capacity > 0
    if not open_.any():
        return 0.0
    return float((recommendations.exposure()[open_] > 0).mean())


def exposure_gini(recommendations: Recommendations) -> float:
    """Gini@k of exposure per opening: times shown / openings, each opening one unit.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from matchcore.assign import recommend, exposure_gini
    >>> scores = sp.csr_array(np.array([[0.9, 0.5], [0.8, 0.6]]))
    >>> exposure_gini(recommend(scores, np.array([1, 1]), k=1, congestion=None, assignment=False))
    0.5
    """
    cap = recommendations.capacity
    open_ = cap > 0
    if not open_.any():
        return 0.0
    return gini(recommendations.exposure()[open_] / cap[open_], weights=cap[open_])


def expected_hires(recommendations: Recommendations) -> float:
    """Sum over vacancies of min(openings, summed scores shown), scores read as hire chances.

    Examples
    --------
    >>> import numpy as np, scipy.sparse as sp
    >>> from matchcore.assign import recommend, expected_hires
    >>> scores = sp.csr_array(np.array([[0.9, 0.5], [0.8, 0.6]]))
    >>> round(expected_hires(recommend(scores, np.array([1, 1]), k=1, congestion=None)), 6)
    1.5
    """
    cap = recommendations.capacity
    mass = np.bincount(recommendations.vacancy, weights=recommendations.score, minlength=cap.size)
    return float(np.minimum(cap, mass).sum())
