"""The result of :func:`matchcore.match`: one frozen object holding every output table."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from matchcore._io import write_table

__all__ = ["MatchResult"]


#: The columns of :attr:`MatchResult.changes` (``matchcore._daily`` fills it).
CHANGES_SCHEMA = {
    "kind": pl.Utf8,
    "seeker_id": pl.Utf8,
    "vacancy_id": pl.Utf8,
    "status": pl.Utf8,
    "code": pl.Utf8,
    "reason": pl.Utf8,
}


def _empty_changes() -> pl.DataFrame:
    return pl.DataFrame(schema=CHANGES_SCHEMA)


@dataclass(frozen=True)
class MatchResult:
    """Everything a matching run produced.

    Attributes
    ----------
    recommendations : polars.DataFrame
        ``seeker_id, vacancy_id, rank, score``, one column per score component, ``assigned``
        (the pair chosen by the assignment) and ``reason`` (a Chinese sentence).
    assignments : polars.DataFrame
        ``seeker_id, vacancy_id, score``: each seeker at most once, each vacancy at most its
        openings.
    unmatched : polars.DataFrame
        ``seeker_id, code, reason, row, line`` for every input seeker row not in
        ``assignments`` (``code`` a key of ``matchcore._match.UNMATCHED_REASONS``, ``reason``
        its Chinese message; ``line`` the line in the file, the header being line 1).
    rejected : polars.DataFrame
        ``table, row, line, id, field, value, code, reason, severity``: input rows rejected
        (``error``), fields emptied in kept rows and unused columns (``warning``); ``code`` is
        one of ``matchcore.records.REJECTED_CODES``, ``reason`` Chinese.
    audit : polars.DataFrame
        ``vacancy_id, row, category, words``: postings that state discriminatory requirements.
        They are reported, never used for scoring or filtering.
    seekers, vacancies : polars.DataFrame
        The prepared tables (see ``docs/stages.md``), for reports.
    config : MatchConfig
        The configuration used.
    timings : dict of str to float
        Seconds per stage.
    stats : dict
        Solver and candidate statistics.
    n_input : dict of str to int
        Rows of each input table.
    changes : polars.DataFrame
        ``kind, seeker_id, vacancy_id, status, code, reason``: with ``match(..., previous=...)``,
        every placement (``kind="assignment"``) and recommendation pair of yesterday or today
        and what became of it (``kept``, ``new``, ``dropped_filled``, ``dropped_withdrawn``,
        ``dropped_seeker_left``, ``dropped_declined``, ``dropped_ineligible``,
        ``replaced_better``), with a stable code and a Chinese reason. Empty otherwise.
    prices : polars.DataFrame
        ``vacancy_id, price``: the assignment auction's final price of each vacancy, from which
        the next day's ``match(..., previous=...)`` warm-starts (no rows when the assignment
        was solved by another method).
    state : matchcore._incremental.DayState or None
        With ``match(..., incremental=True)``: what the next day's incremental run reuses
        (prepared rows, each seeker's candidate list, the title weights). In memory only, not
        written with the tables; None otherwise.
    """

    recommendations: pl.DataFrame
    assignments: pl.DataFrame
    unmatched: pl.DataFrame
    rejected: pl.DataFrame
    audit: pl.DataFrame
    seekers: pl.DataFrame
    vacancies: pl.DataFrame
    config: Any
    timings: dict[str, float] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)
    n_input: dict[str, int] = field(default_factory=dict)
    changes: pl.DataFrame = field(default_factory=lambda: _empty_changes())
    prices: pl.DataFrame = field(
        default_factory=lambda: pl.DataFrame(schema={"vacancy_id": pl.Utf8, "price": pl.Float64})
    )
    state: Any = field(default=None, repr=False, compare=False)

    def summary(self) -> dict[str, Any]:
        """Headline figures: counts, fill rate, accounting of every input row, stage times.

        Returns
        -------
        dict
            ``seekers_in``, ``vacancies_in``, ``seekers_rejected``, ``vacancies_rejected``,
            ``seekers``, ``vacancies``, ``openings``, ``assigned``, ``unmatched``, ``fill_rate``
            (assigned / openings), ``placement_rate`` (assigned / seekers), ``mean_score``,
            ``recommendations``, ``postings_flagged``, ``unmatched_reasons``, ``timings``,
            ``assignment_method`` and ``certified_gap`` (``"auction"``: the most the assignment's
            total score can be below the optimum, as a share; None for the other methods).
        """
        errors = self.rejected.filter(pl.col("severity") == "error")
        n_rej = {
            t: errors.filter(pl.col("table") == t)["row"].n_unique()
            for t in ("seekers", "vacancies")
        }
        openings = int(self.vacancies["openings"].sum()) if self.vacancies.height else 0
        assigned = self.assignments.height
        reasons = (
            self.unmatched.group_by("reason")
            .len()
            .sort(["len", "reason"], descending=[True, False])
        )
        return {
            "seekers_in": self.n_input.get("seekers", self.seekers.height + n_rej["seekers"]),
            "vacancies_in": self.n_input.get(
                "vacancies", self.vacancies.height + n_rej["vacancies"]
            ),
            "seekers_rejected": n_rej["seekers"],
            "vacancies_rejected": n_rej["vacancies"],
            "seekers": self.seekers.height,
            "vacancies": self.vacancies.height,
            "openings": openings,
            "assigned": assigned,
            "unmatched": self.unmatched.height,
            "fill_rate": assigned / openings if openings else 0.0,
            "placement_rate": assigned / self.seekers.height if self.seekers.height else 0.0,
            "mean_score": float(self.assignments["score"].cast(pl.Float64).mean() or 0.0)  # type: ignore[arg-type]
            if assigned
            else 0.0,
            "recommendations": self.recommendations.height,
            "postings_flagged": self.audit["vacancy_id"].n_unique() if self.audit.height else 0,
            "unmatched_reasons": dict(zip(reasons["reason"], reasons["len"])),
            "timings": dict(self.timings),
            "assignment_method": self.stats.get("assignment", {}).get("method"),
            "certified_gap": self.stats.get("assignment", {}).get("certified_gap"),
        }

    def summary_text(self) -> str:
        """:meth:`summary` as a few readable lines (the command line prints this)."""
        s = self.summary()
        lines = [
            f"seekers    {s['seekers_in']:>10,} in, {s['seekers_rejected']:,} rejected, "
            f"{s['seekers']:,} matched against",
            f"vacancies  {s['vacancies_in']:>10,} in, {s['vacancies_rejected']:,} rejected, "
            f"{s['vacancies']:,} kept with {s['openings']:,} openings",
            f"assigned   {s['assigned']:>10,} seekers (fill rate {s['fill_rate']:.1%}, "
            f"placement rate {s['placement_rate']:.1%}, mean score {s['mean_score']:.3f}; "
            + (
                f"auction, certified within {s['certified_gap']:.2%} of the optimum)"
                if s["certified_gap"] is not None
                else f"{s['assignment_method'] or 'exact'})"
            ),
            f"recommended {s['recommendations']:>9,} pairs; {s['postings_flagged']:,} postings "
            "flagged for discriminatory requirements",
        ]
        if s["unmatched_reasons"]:
            lines.append(
                "unmatched  " + "; ".join(f"{r}: {n:,}" for r, n in s["unmatched_reasons"].items())
            )
        if s["timings"]:
            lines.append(
                "time       " + ", ".join(f"{k} {v:.1f}s" for k, v in s["timings"].items())
            )
        return "\n".join(lines)

    def write(self, folder: str | Path, *, fmt: str = "parquet") -> dict[str, Path]:
        """Write every table to ``folder`` as ``fmt`` (``parquet``, ``csv`` or ``xlsx``).

        Returns the paths written, by table name.
        """
        folder = Path(folder)
        out = {}
        tables = ("recommendations", "assignments", "unmatched", "rejected", "audit", "changes")
        for name in (*tables, "prices"):
            out[name] = write_table(getattr(self, name), folder / f"{name}.{fmt}")
        return out
