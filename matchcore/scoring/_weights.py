"""``fit_weights``: learn the component weights from a service's past outcomes."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import ArrayLike, NDArray

from matchcore._errors import InvalidParameter, MissingColumns
from matchcore.scoring._components import component_names
from matchcore.scoring._config import MatchConfig

__all__ = ["fit_weights"]

log = logging.getLogger(__name__)


def _matrix(features: Any) -> NDArray[np.float64]:
    names = component_names()
    if isinstance(features, pl.DataFrame):
        missing = [n for n in names if n not in features.columns]
        if missing:
            raise MissingColumns("features", missing, list(features.columns))
        return features.select(names).cast(pl.Float64).fill_null(0.0).to_numpy()
    if isinstance(features, Mapping):
        missing = [n for n in names if n not in features]
        if missing:
            raise MissingColumns("features", missing, list(features))
        return np.column_stack([np.asarray(features[n], dtype=np.float64) for n in names])
    raise InvalidParameter.of(
        "features", "fit_weights", type(features).__name__,
        "a polars DataFrame (e.g. Candidates.to_frame()) or a dict of component arrays",
    )  # fmt: skip


def fit_weights(
    features: pl.DataFrame | Mapping[str, ArrayLike],
    hired: ArrayLike,
    *,
    base: MatchConfig | None = None,
    C: float = 1.0,
) -> MatchConfig:
    """Weights that rank past hires first, learnt from recommended pairs and their outcomes.

    A logistic regression of ``hired`` on the component columns, constrained to non-negative
    coefficients (a higher component must never lower a score): fit, set the components with a
    negative or constant coefficient to 0, refit on the others, until every coefficient is
    non-negative. The coefficients, normalised to sum to 1, become the weights.

    Parameters
    ----------
    features : polars.DataFrame or dict of arrays
        One row per recommended pair with one column per component (as in
        ``Candidates.to_frame()``).
    hired : array of bool, shape (n_pairs,)
        Whether the pair led to a hire.
    base : MatchConfig, optional
        Config whose other settings are kept (default ``MatchConfig()``).
    C : float
        Inverse regularisation strength of the logistic regression.

    Returns
    -------
    MatchConfig
        ``base`` with the learnt weights.

    Examples
    --------
    >>> import numpy as np
    >>> from matchcore.scoring import component_names, fit_weights
    >>> rng = np.random.default_rng(0)
    >>> X = {n: rng.random(4000) for n in component_names()}
    >>> logit = 6 * X["occupation"] + 2 * X["salary"] - 5
    >>> hired = rng.random(4000) < 1 / (1 + np.exp(-logit))
    >>> w = fit_weights(X, hired).weights
    >>> w["occupation"] > w["salary"] > w["priority"]
    True
    """
    base = base if base is not None else MatchConfig()
    x = _matrix(features)
    y = np.asarray(hired).astype(bool).ravel()
    if y.shape[0] != x.shape[0]:
        raise InvalidParameter.of(
            "hired",
            "fit_weights",
            f"{y.shape[0]} values",
            f"one value per feature row ({x.shape[0]})",
        )
    if y.all() or not y.any():
        raise InvalidParameter.of(
            "hired",
            "fit_weights",
            f"{int(y.sum())} hires of {len(y)}",
            "both hired and not hired pairs",
        )
    if isinstance(C, bool) or not isinstance(C, int | float) or not C > 0:
        raise InvalidParameter.of("C", "fit_weights", C, "a number > 0")
    names = component_names()
    active = np.flatnonzero(x.std(axis=0) > 0)
    coef = np.zeros(len(names))
    from sklearn.linear_model import LogisticRegression  # slow to import: only when fitting

    while len(active):
        model = LogisticRegression(C=float(C), max_iter=1000)
        model.fit(x[:, active], y)
        c = model.coef_.ravel()
        if (c >= 0).all():
            coef[active] = c
            break
        active = active[c > 0]
    if coef.sum() <= 0:
        raise InvalidParameter.of(
            "hired", "fit_weights", "outcomes", "outcomes that some component predicts positively"
        )
    weights = {n: float(v) for n, v in zip(names, coef / coef.sum())}
    log.info("fit_weights: %s", {k: round(v, 3) for k, v in weights.items()})
    return base.replace(weights=weights)
