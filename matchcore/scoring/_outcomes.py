"""``outcome_labels``: turn recorded outcomes and past recommendations into ``fit_weights`` input."""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
import polars as pl
from numpy.typing import NDArray

from matchcore._daily import outcomes_table
from matchcore._errors import InvalidParameter, MissingColumns
from matchcore.scoring._components import component_names

__all__ = ["outcome_labels"]


def outcome_labels(
    recommendations: pl.DataFrame,
    outcomes: Any,
    *,
    unknown: Literal["drop", "negative"] = "drop",
) -> tuple[pl.DataFrame, NDArray[np.bool_]]:
    """The features and labels :func:`fit_weights` takes, from past lists and their outcomes.

    Each recommended pair is labelled by what the platform recorded for it: ``hired`` is a
    positive; ``declined`` and ``no_show`` are negatives (a pair with several outcomes is positive
    if any of them is a hire). Outcomes of pairs that were never recommended have no features and
    are left out.

    Parameters
    ----------
    recommendations : polars.DataFrame
        ``seeker_id, vacancy_id`` and one column per score component, as in
        ``MatchResult.recommendations`` (one run, or several concatenated).
    outcomes : polars.DataFrame
        ``seeker_id, vacancy_id, outcome`` with ``outcome`` in ``hired``, ``declined``,
        ``no_show`` (the table ``match(..., outcomes=...)`` reads).
    unknown : {"drop", "negative"}
        Recommended pairs with no recorded outcome: left out (``"drop"``, the default: nobody
        knows whether they were followed up) or counted as not hired (``"negative"``).

    Returns
    -------
    features : polars.DataFrame
        ``seeker_id, vacancy_id`` and the component columns, one row per labelled pair (sorted
        by seeker and vacancy id).
    hired : ndarray of bool, shape (n_pairs,)
        Whether each pair led to a hire.

    Examples
    --------
    >>> import polars as pl
    >>> from matchcore.scoring import component_names, outcome_labels
    >>> recs = pl.DataFrame({"seeker_id": ["s1", "s1", "s2"], "vacancy_id": ["v1", "v2", "v1"],
    ...                      **{c: [0.9, 0.4, 0.7] for c in component_names()}})
    >>> out = pl.DataFrame({"seeker_id": ["s1", "s2"], "vacancy_id": ["v1", "v1"],
    ...                     "outcome": ["hired", "declined"]})
    >>> features, hired = outcome_labels(recs, out)
    >>> features["seeker_id"].to_list(), hired.tolist()
    (['s1', 's2'], [True, False])
    >>> outcome_labels(recs, out, unknown="negative")[1].tolist()
    [True, False, False]
    """
    owner = "outcome_labels"
    if unknown not in ("drop", "negative"):
        raise InvalidParameter.of("unknown", owner, unknown, "one of 'drop', 'negative'")
    if not isinstance(recommendations, pl.DataFrame):
        raise InvalidParameter.of(
            "recommendations", owner, type(recommendations).__name__, "a polars DataFrame"
        )
    names = component_names()
    missing = [c for c in ("seeker_id", "vacancy_id", *names) if c not in recommendations.columns]
    if missing:
        raise MissingColumns("recommendations", missing, recommendations.columns)
    out = outcomes_table(outcomes)
    label = out.group_by("seeker_id", "vacancy_id").agg(
        (pl.col("outcome") == "hired").any().alias("hired")
    )
    pairs = recommendations.select(
        pl.col("seeker_id").cast(pl.Utf8), pl.col("vacancy_id").cast(pl.Utf8), *names
    ).unique(["seeker_id", "vacancy_id"], keep="first", maintain_order=True)
    joined = pairs.join(label, on=["seeker_id", "vacancy_id"], how="left")
    if unknown == "drop":
        joined = joined.filter(pl.col("hired").is_not_null())
    joined = joined.with_columns(pl.col("hired").fill_null(False)).sort("seeker_id", "vacancy_id")
    hired = joined["hired"].to_numpy().astype(bool)
    return joined.drop("hired"), hired
