"""The online path: a vacancy index kept in memory that answers one new seeker at a time."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import numpy as np
import polars as pl

from matchcore._config import MatchConfig
from matchcore._errors import InvalidParameter

__all__ = ["Matcher"]

log = logging.getLogger(__name__)

# The side prepare() has nothing to do for, built once (prepare only reads it).
_EMPTY_SEEKERS = pl.DataFrame(
    schema={"seeker_id": pl.Utf8, "desired_title": pl.Utf8, "region": pl.Utf8}
)
_EMPTY_VACANCIES = pl.DataFrame(
    schema={"vacancy_id": pl.Utf8, "title": pl.Utf8, "openings": pl.Int64, "region": pl.Utf8}
)


class Matcher:
    """A vacancy index for the platform's online path.

    ``fit`` prepares the vacancies and builds a :class:`~matchcore.scoring.VacancyIndex`;
    ``recommend`` answers newly registered seekers against it with the same scores and reasons
    as :func:`matchcore.match`; ``add`` and ``remove`` keep it current without a refit: added
    vacancies go to a small second index that shares the fitted title vectorizer, removed ones
    are taken out of the blocks. When the added part outgrows ``compact_ratio`` of the main
    index, the two are merged (the title vectorizer is kept, so scores do not drift).

    Parameters
    ----------
    config : MatchConfig, optional
        Weights and hard constraints (``MatchConfig()`` by default).
    coder : TitleCoder, optional
        The title coder (a default :class:`~matchcore.normalize.TitleCoder` otherwise).
    compact_ratio : float
        Merge the added vacancies into the main index when they exceed this share of it.

    Attributes
    ----------
    vacancies_ : polars.DataFrame
        The prepared vacancies currently in the index (added ones included, removed ones not).
    rejected_ : polars.DataFrame
        Vacancy rows that could not be indexed, from ``fit`` and every ``add``.

    Examples
    --------
    >>> import matchcore as mc
    >>> seekers, vacancies = mc.synth.province(50, 300, seed=0)
    >>> matcher = mc.Matcher().fit(vacancies)
    >>> recs = matcher.recommend(seekers.slice(0, 1), k=3)
    >>> recs.columns[:4], recs.height <= 3
    (['seeker_id', 'vacancy_id', 'rank', 'score'], True)
    >>> matcher.remove(recs["vacancy_id"].to_list()) == recs.height
    True
    >>> set(matcher.recommend(seekers.slice(0, 1), k=3)["vacancy_id"]) & set(recs["vacancy_id"])
    set()
    """

    def __init__(
        self,
        config: MatchConfig | None = None,
        *,
        coder: Any = None,
        compact_ratio: float = 0.05,
    ) -> None:
        self.config = config
        self.coder = coder
        self.compact_ratio = compact_ratio

    # -- helpers ---------------------------------------------------------------------------------
    def _config(self) -> MatchConfig:
        cfg = MatchConfig() if self.config is None else self.config
        if not isinstance(cfg, MatchConfig):
            raise InvalidParameter.of("config", "Matcher", type(cfg).__name__, "a MatchConfig")
        return cfg

    def _coder(self) -> Any:
        if self.coder is None:
            from matchcore.normalize import TitleCoder

            self.coder = TitleCoder()
        return self.coder

    def _prepare(self, seekers: pl.DataFrame | None, vacancies: pl.DataFrame | None) -> Any:
        from matchcore import records

        return records.prepare(
            _EMPTY_SEEKERS if seekers is None else seekers,
            _EMPTY_VACANCIES if vacancies is None else vacancies,
            within=self._config().within,
            coder=self._coder(),
            progress=False,
        )

    def _check_fitted(self) -> None:
        if not hasattr(self, "index_"):
            raise InvalidParameter.of("matcher", "Matcher", "unfitted", "fitted: call fit() first")

    def _build(self, main: pl.DataFrame, vectorizer: Any = None) -> None:
        from matchcore.scoring import VacancyIndex

        self._main = main
        self.index_ = VacancyIndex(self._config(), progress=False).fit(main, vectorizer=vectorizer)
        self._added = main.head(0)
        self._added_index: Any = None
        self._removed_main = np.zeros(main.height, dtype=bool)
        self._removed_added = np.zeros(0, dtype=bool)

    # -- public ------------------------------------------------------------------------------
    @property
    def n_vacancies(self) -> int:
        """Vacancies currently answerable (added included, removed excluded)."""
        self._check_fitted()
        return int((~self._removed_main).sum() + (~self._removed_added).sum())

    @property
    def vacancies_(self) -> pl.DataFrame:
        self._check_fitted()
        return pl.concat(
            [
                self._main.filter(pl.Series(~self._removed_main)),
                self._added.filter(pl.Series(~self._removed_added)),
            ]
        )

    def fit(self, vacancies: pl.DataFrame) -> Matcher:
        """Prepare ``vacancies`` (raw, as for :func:`matchcore.match`) and index them."""
        if not (isinstance(self.compact_ratio, float | int) and self.compact_ratio > 0):
            raise InvalidParameter.of(
                "compact_ratio", "Matcher", self.compact_ratio, "a number > 0"
            )
        prepared = self._prepare(None, vacancies)
        self.rejected_ = prepared.rejected
        self._build(prepared.vacancies)
        return self

    def add(self, vacancies: pl.DataFrame) -> pl.DataFrame:
        """Index more vacancies without a refit; returns the rows rejected (with reasons).

        An id already in the index is rejected as a duplicate.
        """
        self._check_fitted()
        prepared = self._prepare(None, vacancies)
        new = prepared.vacancies
        known = pl.concat([self._main["vacancy_id"], self._added["vacancy_id"]])
        dup = new["vacancy_id"].is_in(known.implode())
        dups = new.filter(dup).select(
            pl.lit("vacancies").alias("table"),
            "row",
            "line",
            pl.col("vacancy_id").alias("id"),
            pl.lit("vacancy_id").alias("field"),
            pl.col("vacancy_id").alias("value"),
            pl.lit("duplicate_id").alias("code"),
            pl.lit("岗位编号重复：索引中已有此岗位").alias("reason"),
            pl.lit("error").alias("severity"),
        )
        rejected = pl.concat([prepared.rejected, dups], how="vertical_relaxed")
        self.rejected_ = pl.concat([self.rejected_, rejected], how="vertical_relaxed")
        new = new.filter(~dup)
        if new.height:
            self._added = pl.concat([self._added, new])
            self._removed_added = np.r_[self._removed_added, np.zeros(new.height, dtype=bool)]
            if self._added.height > self.compact_ratio * max(1, self._main.height):
                self._compact()
            else:
                self._reindex_added()
        return rejected

    def _reindex_added(self) -> None:
        from matchcore.scoring import VacancyIndex

        self._added_index = VacancyIndex(self._config(), progress=False).fit(
            self._added, vectorizer=self.index_.vectorizer_
        )
        self._added_index.as_of_ = self.index_.as_of_  # ages as of the same day in both indexes
        gone = np.flatnonzero(self._removed_added)
        if gone.size:
            self._added_index.drop(gone)

    def _compact(self) -> None:
        live = self.vacancies_
        log.info("Matcher: merging %d added vacancies into the main index", self._added.height)
        self._build(live, vectorizer=self.index_.vectorizer_)

    def remove(self, vacancy_ids: Iterable[str]) -> int:
        """Take vacancies out of the index; returns how many were found and removed."""
        self._check_fitted()
        ids = pl.Series([str(v) for v in vacancy_ids], dtype=pl.Utf8).implode()
        hit_main = (self._main["vacancy_id"].is_in(ids).to_numpy()) & ~self._removed_main
        hit_added = (self._added["vacancy_id"].is_in(ids).to_numpy()) & ~self._removed_added
        if hit_main.any():
            self._removed_main |= hit_main
            self.index_.drop(np.flatnonzero(hit_main))
        if hit_added.any():
            self._removed_added |= hit_added
            self._added_index.drop(np.flatnonzero(hit_added))
        return int(hit_main.sum() + hit_added.sum())

    def recommend(self, seekers: pl.DataFrame, k: int = 10) -> pl.DataFrame:
        """The best ``k`` vacancies for each row of ``seekers`` (raw rows, as registered).

        Returns
        -------
        polars.DataFrame
            ``seeker_id, vacancy_id, rank, score``, one column per score component, ``reason``;
            sorted by seeker then rank. Seekers whose rows cannot be used return no rows (see
            :attr:`last_rejected_`).
        """
        self._check_fitted()
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise InvalidParameter.of("k", "Matcher.recommend", k, "an int in [1, inf)")
        prepared = self._prepare(seekers, None)
        self.last_rejected_ = prepared.rejected
        ps = prepared.seekers
        frames = [self.index_.candidates(ps, k=k).to_frame(top=k)]
        if self._added_index is not None and (~self._removed_added).any():
            frames.append(self._added_index.candidates(ps, k=k).to_frame(top=k))
        out = pl.concat(frames) if len(frames) > 1 else frames[0]
        if len(frames) > 1:
            out = (
                out.sort(["seeker_id", "score", "vacancy_id"], descending=[False, True, False])
                .with_columns(pl.int_range(1, pl.len() + 1).over("seeker_id").alias("rank"))
                .filter(pl.col("rank") <= k)
            )
        if out.schema["rank"] == pl.Int32:  # one index: to_frame's ranks already are
            return out
        return out.with_columns(pl.col("rank").cast(pl.Int32))
