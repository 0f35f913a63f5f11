"""Precision at coverage: how right the coder is on the titles it is most sure of.

A service lets the coder settle its most confident titles alone and sends the rest to a person.
Rank the titles by confidence (ties by position, so the ranking is deterministic); the
*coverage* is the share settled automatically and the *precision* the share of those the expert
agrees with at the expert's level of detail. The shipped calibration file carries this curve,
measured by cross-validation on the shipped history, so a service can state its review rule as a
target coverage or a target precision (see :func:`review_threshold`) and the coder turns it into
a confidence threshold that does not depend on the other titles of a batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import ArrayLike

from matchcore._errors import InvalidParameter

__all__ = ["COVERAGES", "coverage_curve", "precision_at_coverage", "review_threshold"]

#: Coverages of the reported curve: 10 % to 100 %.
COVERAGES = tuple(round(0.1 * k, 1) for k in range(1, 11))


def _order(confidence: np.ndarray) -> np.ndarray:
    """Positions by confidence, highest first; ties by position."""
    return np.lexsort((np.arange(len(confidence)), -confidence))


def precision_at_coverage(
    confidence: ArrayLike, correct: ArrayLike, coverages: Sequence[float] = COVERAGES
) -> pl.DataFrame:
    """Precision among the most confident titles, at each coverage.

    Parameters
    ----------
    confidence : array-like of float, shape (n,)
        The coder's confidence of each title (NaN counts as 0).
    correct : array-like of bool, shape (n,)
        Whether the expert agrees with the returned code.
    coverages : sequence of float in (0, 1]
        Shares of the titles settled automatically.

    Returns
    -------
    polars.DataFrame
        ``coverage``, ``n`` (titles settled: ``ceil(coverage * n)``), ``threshold`` (the
        confidence of the last title settled) and ``precision``.

    Examples
    --------
    >>> from matchcore.normalize._coder.coverage import precision_at_coverage
    >>> t = precision_at_coverage([0.9, 0.8, 0.3, 0.1], [True, True, False, True], [0.5, 1.0])
    >>> t["precision"].to_list()
    [1.0, 0.75]
    """
    conf = np.nan_to_num(np.asarray(confidence, dtype=np.float64), nan=0.0)
    ok = np.asarray(correct, dtype=bool)
    if conf.shape != ok.shape or conf.ndim != 1:
        raise InvalidParameter.of(
            "correct", "precision_at_coverage", f"shape {ok.shape}", f"shape {conf.shape}"
        )
    for c in coverages:
        if not 0.0 < float(c) <= 1.0:
            raise InvalidParameter.of("coverages", "precision_at_coverage", c, "floats in (0, 1]")
    order = _order(conf)
    hits = np.cumsum(ok[order])
    rows: list[dict[str, Any]] = []
    for c in coverages:
        k = max(1, int(np.ceil(float(c) * len(conf) - 1e-9))) if len(conf) else 0
        rows.append(
            {
                "coverage": float(c),
                "n": k,
                "threshold": float(conf[order[k - 1]]) if k else float("nan"),
                "precision": float(hits[k - 1] / k) if k else float("nan"),
            }
        )
    return pl.DataFrame(
        rows,
        schema={
            "coverage": pl.Float64,
            "n": pl.Int64,
            "threshold": pl.Float64,
            "precision": pl.Float64,
        },
    )


def coverage_curve(confidence: ArrayLike, correct: ArrayLike, points: int = 100) -> dict[str, Any]:
    """The curve shipped with the calibration: at ``points`` coverages from 1/points to 1, the
    confidence threshold and the precision (JSON-ready lists, rounded to 6 places)."""
    cov = [k / points for k in range(1, points + 1)]
    t = precision_at_coverage(confidence, correct, cov)
    return {
        "coverage": [round(x, 6) for x in t["coverage"].to_list()],
        "threshold": [round(x, 6) for x in t["threshold"].to_list()],
        "precision": [round(x, 6) for x in t["precision"].to_list()],
    }


def review_threshold(
    curve: dict[str, Any], *, coverage: float | None = None, precision: float | None = None
) -> float:
    """The confidence under which a title needs review, for a target coverage or precision.

    ``coverage``: the threshold at which that share of titles (on the cross-validated curve) is
    settled automatically. ``precision``: the threshold of the largest coverage whose measured
    precision still reaches it (1.0 above every confidence, so everything is reviewed, if none
    does).

    Examples
    --------
    >>> from matchcore.normalize._coder.coverage import review_threshold
    >>> curve = {"coverage": [0.5, 1.0], "threshold": [0.8, 0.1], "precision": [0.95, 0.7]}
    >>> review_threshold(curve, coverage=0.5), review_threshold(curve, precision=0.9)
    (0.8, 0.8)
    """
    if (coverage is None) == (precision is None):
        raise InvalidParameter.of(
            "coverage",
            "review_threshold",
            (coverage, precision),
            "exactly one of coverage or precision",
        )
    cov = np.asarray(curve["coverage"], dtype=np.float64)
    thr = np.asarray(curve["threshold"], dtype=np.float64)
    prec = np.asarray(curve["precision"], dtype=np.float64)
    if coverage is not None:
        i = int(np.searchsorted(cov, float(coverage) - 1e-9))
        return float(thr[min(i, len(thr) - 1)])
    ok = np.flatnonzero(prec >= float(precision) - 1e-12)  # type: ignore[arg-type]
    if not len(ok):
        return 1.0 + 1e-9  # nothing reaches it: review everything
    return float(thr[ok.max()])
