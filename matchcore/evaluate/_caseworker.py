"""Match quality as a caseworker judges it: the five figures of a hand-judged set.

A judged set lists, for every seeker, the postings in reach (their city and willing cities) with a
verdict: ``good`` (recommend it first), ``acceptable`` (a plausible option to show) or
``unsuitable``. A pair the set does not list is out of the caseworker's reach and counts as
unsuitable.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import polars as pl

from matchcore._errors import InvalidValue, MissingColumns

__all__ = ["FIT_PHRASES", "CaseworkerFigures", "caseworker_figures"]

#: Reason phrases that claim a fit; an unsuitable pair must never be given one.
FIT_PHRASES = ("专业对口", "职业相同", "职业相近", "职业同类")

_VERDICTS = ("good", "acceptable", "unsuitable")


@dataclass(frozen=True)
class CaseworkerFigures:
    """The five figures of a judged set (see :func:`caseworker_figures`).

    Attributes
    ----------
    unsuitable_placements : float
        Share of assignments that the caseworker judged unsuitable (target at most 3 %).
    unsuitable_top3 : float
        Share of recommendations ranked 1-3 judged unsuitable (target at most 10 %).
    good_in_top3 : float
        Of the seekers with at least one good posting, the share with a good one ranked 1-3
        (target at least 90 %).
    left_unplaced : float
        Of the seekers with no good or acceptable posting, the share left unplaced (target at
        least 90 %).
    false_fit_reasons : int
        Recommended unsuitable pairs whose reason claims a fit (target 0).
    n_placements, n_top3, n_with_good, n_without_suitable : int
        The denominators.

    Examples
    --------
    >>> f = CaseworkerFigures(0.0, 0.05, 0.9, 1.0, 0, 60, 80, 66, 9)
    >>> f.to_dict()["good_in_top3"], str(f).split(";")[0]
    (0.9, 'unsuitable placements 0.0% of 60')
    """

    unsuitable_placements: float
    unsuitable_top3: float
    good_in_top3: float
    left_unplaced: float
    false_fit_reasons: int
    n_placements: int
    n_top3: int
    n_with_good: int
    n_without_suitable: int

    def to_dict(self) -> dict[str, Any]:
        """The figures as a plain dict."""
        return asdict(self)

    def __str__(self) -> str:
        return (
            f"unsuitable placements {self.unsuitable_placements:.1%} of {self.n_placements}; "
            f"unsuitable top-3 {self.unsuitable_top3:.1%} of {self.n_top3}; "
            f"good in top 3 {self.good_in_top3:.1%} of {self.n_with_good}; "
            f"left unplaced {self.left_unplaced:.1%} of {self.n_without_suitable}; "
            f"false fit reasons {self.false_fit_reasons}"
        )


def _share(num: int, den: int) -> float:
    return num / den if den else 0.0


def caseworker_figures(result: Any, judgements: pl.DataFrame) -> CaseworkerFigures:
    """Score a :class:`~matchcore.MatchResult` against a caseworker's judgements.

    Parameters
    ----------
    result : MatchResult
        The output of :func:`matchcore.match` on the judged seekers and vacancies.
    judgements : polars.DataFrame
        ``seeker_id, vacancy_id, verdict`` with verdict ``good``, ``acceptable`` or
        ``unsuitable``; pairs not listed count as unsuitable.

    Returns
    -------
    CaseworkerFigures

    Examples
    --------
    >>> import polars as pl, matchcore as mc
    >>> seekers = pl.DataFrame({"seeker_id": ["S1"], "category": ["unemployed"],
    ...     "desired_title": ["电工"], "region": ["济南市历下区"]})
    >>> vacancies = pl.DataFrame({"vacancy_id": ["V1"], "employer_id": ["E1"],
    ...     "title": ["维修电工"], "openings": [1], "region": ["济南市历下区"]})
    >>> result = mc.match(seekers, vacancies, progress=False)
    >>> judged = pl.DataFrame({"seeker_id": ["S1"], "vacancy_id": ["V1"], "verdict": ["good"]})
    >>> f = mc.evaluate.caseworker_figures(result, judged)
    >>> f.unsuitable_placements, f.good_in_top3
    (0.0, 1.0)
    """
    missing = [c for c in ("seeker_id", "vacancy_id", "verdict") if c not in judgements.columns]
    if missing:
        raise MissingColumns("judgements", missing, list(judgements.columns))
    bad = judgements.filter(~pl.col("verdict").is_in(_VERDICTS))
    if bad.height:
        raise InvalidValue("verdict", bad["verdict"][0], "good, acceptable or unsuitable")
    j = judgements.select(
        pl.col("seeker_id").cast(pl.Utf8), pl.col("vacancy_id").cast(pl.Utf8), "verdict"
    )

    def verdicts(pairs: pl.DataFrame) -> pl.DataFrame:
        return pairs.join(j, on=["seeker_id", "vacancy_id"], how="left").with_columns(
            pl.col("verdict").fill_null("unsuitable")
        )

    placed = verdicts(result.assignments.select("seeker_id", "vacancy_id"))
    recs = verdicts(result.recommendations.select("seeker_id", "vacancy_id", "rank", "reason"))
    top3 = recs.filter(pl.col("rank") <= 3)
    per_seeker = j.group_by("seeker_id").agg(
        (pl.col("verdict") == "good").any().alias("has_good"),
        pl.col("verdict").is_in(["good", "acceptable"]).any().alias("has_suitable"),
    )
    with_good = per_seeker.filter("has_good")["seeker_id"]
    got_good = top3.filter(
        (pl.col("verdict") == "good") & pl.col("seeker_id").is_in(with_good.implode())
    )
    without = per_seeker.filter(~pl.col("has_suitable"))["seeker_id"]
    placed_ids = placed["seeker_id"]
    claims = pl.any_horizontal(
        [pl.col("reason").str.contains(p, literal=True) for p in FIT_PHRASES]
    )
    false_fit = recs.filter((pl.col("verdict") == "unsuitable") & claims).height
    return CaseworkerFigures(
        unsuitable_placements=_share(
            placed.filter(pl.col("verdict") == "unsuitable").height, placed.height
        ),
        unsuitable_top3=_share(top3.filter(pl.col("verdict") == "unsuitable").height, top3.height),
        good_in_top3=_share(got_good["seeker_id"].n_unique(), with_good.len()),
        left_unplaced=_share(len(set(without) - set(placed_ids)), without.len()),
        false_fit_reasons=false_fit,
        n_placements=placed.height,
        n_top3=top3.height,
        n_with_good=with_good.len(),
        n_without_suitable=without.len(),
    )
