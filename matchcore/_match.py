"""The whole job: prepare -> code titles -> candidates and scores -> assignment and recommendations."""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Any

import numpy as np
import polars as pl

from matchcore._daily import prices_table
from matchcore._errors import InvalidParameter
from matchcore._memory import trim_heap
from matchcore._progress import Progress
from matchcore._result import MatchResult
from matchcore._unmatched import UNMATCHED_REASONS, rejected_reason
from matchcore.scoring import Candidates
from matchcore.scoring._config import RECOMMEND_EPS_FACTOR, MatchConfig

__all__ = ["UNMATCHED_REASONS", "match"]

log = logging.getLogger(__name__)


@contextmanager
def _stage(
    name: str, timings: dict[str, float], bar: Progress, peaks: dict[str, float] | None = None
) -> Iterator[None]:
    t0 = time.perf_counter()
    yield
    trim_heap()
    timings[name] = time.perf_counter() - t0
    peak = _peak_rss_gib()
    if peaks is not None and peak is not None:
        peaks[name] = peak
    log.info("stage %s took %.2f s (process peak RSS so far %s GiB)", name, timings[name], peak)
    bar.update()


def _peak_rss_gib() -> float | None:
    """The process's peak resident memory so far in GiB (None where the platform can't say)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return None
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kib / 2**20 if sys.platform != "darwin" else kib / 2**30, 3)


def match(
    seekers: Any,
    vacancies: Any,
    config: MatchConfig | None = None,
    executor: Executor | None = None,
    *,
    coder: Any = None,
    progress: bool | None = None,
    previous: Any = None,
    outcomes: Any = None,
    incremental: bool = False,
) -> MatchResult:
    """Run the whole job on raw seeker and vacancy tables.

    Prepares both tables (typing every field, rejecting rows that cannot be matched, coding titles
    to the 2022 classification), generates and scores candidates within each seeker's regions,
    solves the capacitated assignment (each seeker at most once, each vacancy at most its
    openings) and builds ranked, congestion-aware recommendations with a reason per pair.

    Input columns (headers may also be Chinese or near-miss names such as 岗位名称, 招聘人数,
    文化程度, 出生年月, birthday: ``matchcore.records.COLUMN_ALIASES``; every other column is
    reported in ``rejected`` with code ``unused_column`` and the column it probably meant).
    Required columns are marked *; of the pairs marked +, one is required.

    Seekers, one row a person:

    ==================== ==================================================================
    seeker_id *          unique id; a repeated id: the first row holds it, later rows are
                         rejected (``duplicate_id``)
    region *             where they live: name, path or GB/T 2260 code, current or retired
                         (历下区, 山东省济南市历下区, 370102, 文登市, 青岛西海岸新区)
    desired_title +      job wanted, free text, several separated by 、,，/;  (求职意向)
    desired_occupation + CSCO 2022 code (6-31-01-03 or 6310103)
    category             key groups 重点群体, several separated by 、,，/;: 登记失业人员,
                         高校毕业生 (2025届高校毕业生), 就业困难人员, 退役军人, 长期失业人员,
                         农村转移劳动力, 脱贫劳动力, 残疾人 ... or unemployed/graduate/other
    willing_regions      places they would work, or 全省, 本市, 本县, 不限
    education            小学 ... 博士, 大学专科, 中等专业学校, GB/T 4658 codes (21, 31)
    major                free text
    graduation_year      2025, 2025届, 2025-07
    expected_salary      free text or a number: 5000-7000元/月, 三千五, 年薪十二万, 面议
    experience_years     3年, 一年半, 应届生
    skill_level          职业技能等级: 初级工/五级 ... 高级技师/一级
    professional_title   职称: 初级, 中级, 副高级, 正高级, 工程师 ...
    birth_year           1990, 1990-05, 19900512, 出生年月 (the legal working age is checked)
    registered_at        a date
    ==================== ==================================================================

    Vacancies, one row a posting:

    ==================== ==================================================================
    vacancy_id *         unique id (duplicates as for seekers)
    openings *           招聘人数: 3, 3人, 三名, 3-5人 (the low end); 若干/不限/多名 keep the
                         posting with ``matchcore.records.DEFAULT_OPENINGS`` and a warning
    region *             where the work is (工作地点), as for seekers; functional zones
                         (济南高新区) read as the district or city that administers them
    title +              free text (岗位名称), cut to ``MAX_TITLE_CHARS`` with a warning
    occupation_code +    CSCO 2022 code
    employer_id          id of the employer
    education_min        学历要求, as education
    salary               薪资待遇, free text; or numeric salary_min / salary_max (CNY a month)
    experience_min       工作经验要求
    skill_level_min, professional_title_min
    age_min, age_max     whole years; or age_range (年龄要求: 18-45岁)
    industry_code        GB/T 4754-2017 (C3660); advanced_manufacturing derived when absent
    internship           是/否 (就业见习岗位); session (专场招聘); posted_at, expires_at
    requirements, description   free text, audited for discriminatory requirements
    ==================== ==================================================================

    The full list with Chinese names and examples is in the repository's ``README.md``
    ("Input columns"); the prepared columns and their dtypes in ``docs/stages.md``.

    Parameters
    ----------
    seekers, vacancies : polars.DataFrame, polars.LazyFrame, pandas.DataFrame or pyarrow.Table
        Raw tables with the columns above (see :func:`matchcore.records.prepare`).
    config : MatchConfig, optional
        Weights, constraints and sizes (defaults to ``MatchConfig()``).
    executor : concurrent.futures.Executor, optional
        Where assignment shards run: local processes by default; any executor, e.g. a Dask
        client's ``client.get_executor()``.
    coder : TitleCoder, optional
        A fitted title coder (a default :class:`~matchcore.normalize.TitleCoder` otherwise).
    progress : bool, optional
        Show progress bars (default: when standard error is a terminal).
    previous : MatchResult or mapping of tables, optional
        Yesterday's result, or its ``assignments`` / ``recommendations`` (and ``prices``) tables
        read back: the pairs still valid are kept unless something beats them by
        ``config.keep_margin``, and ``MatchResult.changes`` says what changed and why (see
        ``matchcore/_daily.py``).
    outcomes : polars.DataFrame, optional
        ``seeker_id, vacancy_id, outcome`` (``hired``, ``declined`` or ``no_show``): hired
        seekers leave the run, hires take openings, declined pairs are not proposed again.
    incremental : bool
        Keep what tomorrow's run reuses (``MatchResult.state``) and, where ``previous`` is a
        result that kept it (same config but ``keep_margin``, same coder), prepare and score
        only the rows that changed since: same tables as a full run, except that the title
        weights (TF-IDF) of the first day of the chain are kept (``matchcore/_incremental.py``).

    Returns
    -------
    MatchResult
        Every input row has one place: a seeker row is in ``assignments`` or ``unmatched``
        (``seeker_id``, ``code``, ``reason`` in Chinese, ``row``, ``line``; codes in
        ``UNMATCHED_REASONS``), and each id in exactly one of them: a repeated id's later rows
        are unmatched with ``seeker_id`` null and code ``duplicate_id`` (their id is in
        ``rejected``); a vacancy row is kept or in ``rejected`` (``table``, ``row``, ``line``,
        ``id``, ``field``, ``value``, ``code``, ``reason``, ``severity``). ``line`` is the line
        a person sees in the file (the header is line 1). Same input and config, same output.

    Examples
    --------
    >>> import matchcore as mc
    >>> seekers, vacancies = mc.synth.province(400, 100, seed=0)
    >>> result = mc.match(seekers, vacancies, config=mc.MatchConfig(top_k=5), progress=False)
    >>> s = result.summary()
    >>> result.assignments.height + result.unmatched.height == s["seekers_in"] == 400
    True
    >>> ids = result.unmatched["seeker_id"].drop_nulls()
    >>> ids.is_unique().all() and not ids.is_in(result.assignments["seeker_id"].implode()).any()
    True
    >>> int(result.recommendations["rank"].max()) <= 5
    True
    >>> again = mc.match(seekers, vacancies, previous=result, progress=False)
    >>> again.changes.filter(again.changes["kind"] == "assignment")["status"].unique().to_list()
    ['kept']
    """
    from matchcore import assign, records, scoring

    seekers = records.as_polars(seekers, name="seekers", owner="match")
    vacancies = records.as_polars(vacancies, name="vacancies", owner="match")
    vacancies = records.canonical_headers(vacancies, "vacancies")  # the audit reads raw text
    config = MatchConfig() if config is None else config
    if not isinstance(config, MatchConfig):
        raise InvalidParameter.of("config", "match", type(config).__name__, "a MatchConfig")
    timings: dict[str, float] = {}
    peaks: dict[str, float] = {}  # process peak RSS after each stage, GiB
    spill: tempfile.TemporaryDirectory[str] | None = None
    inc = None  # day to day, only what changed: matchcore/_incremental.py
    if incremental:
        from matchcore._incremental import Incremental

        inc = Incremental(previous, config, coder)
    with Progress(total=6, desc="match", enabled=progress) as bar:
        with _stage("prepare", timings, bar, peaks):
            prepared = (
                records.prepare(
                    seekers, vacancies, within=config.within, coder=coder, progress=progress
                )
                if inc is None
                else inc.prepare(seekers, vacancies, progress)
            )
        ps, pv = prepared.seekers, prepared.vacancies
        with _stage("candidates", timings, bar, peaks):
            if inc is None:
                index = scoring.VacancyIndex(
                    config, n_jobs=min(4, os.cpu_count() or 1), progress=progress
                )
                cand = index.fit(pv).candidates(ps)  # the result does not depend on n_jobs
            else:
                cand = inc.candidates(ps, pv, min(4, os.cpu_count() or 1), progress)
            if cand.scores.nnz > SPILL_PAIRS:
                spill = tempfile.TemporaryDirectory(prefix="matchcore-", ignore_cleanup_errors=True)
                cand = cand.spill(spill.name)  # the in-memory components go with the old one
        capacity = pv["openings"].to_numpy().astype(np.int64)
        graph = cand.top(config.assign_candidates).scores
        method = config.assignment_method(graph.nnz)
        day = None  # day to day: matchcore/_daily.py
        if previous is not None or outcomes is not None:
            from matchcore._daily import plan_day

            day = plan_day(previous, outcomes, graph, capacity, ps, pv, config.keep_margin)
            graph, capacity = day.graph, day.capacity
        with _stage("assign", timings, bar, peaks):
            solved = assign.solve(
                graph if day is None else day.assign_graph,
                capacity,
                method=method,  # type: ignore[arg-type]  # validated by MatchConfig
                eps=config.auction_eps,
                executor=executor,
                progress=progress,
                warm_start=None if day is None else day.warm_start,
            )
        with _stage("recommend", timings, bar, peaks):
            rec = assign.recommend(
                graph if day is None else day.rec_graph,
                capacity,
                k=config.top_k,
                congestion=config.congestion,  # type: ignore[arg-type]  # validated by MatchConfig
                price=config.congestion_price,
                assignment=solved,
                method="auction" if method == "auction" else "exact",
                eps=min(0.5, RECOMMEND_EPS_FACTOR * config.auction_eps),
                # same pairs as the assignment: one component there is one here, so skip
                # finding the components again (a transient copy of the graph)
                n_shards=1 if solved.n_components == 1 else None,
                executor=executor,
                progress=progress,
            )
            rec = rec if day is None else day.unbias(rec)
        with _stage("explain", timings, bar, peaks):
            recommendations = cand.frame(
                rec.seeker,
                rec.vacancy,
                rank=rec.rank,
                score=rec.score,
                extra={"assigned": pl.Series(rec.assigned, dtype=pl.Boolean)},
                reasons=inc is None,
            )
            if inc is not None:
                recommendations = recommendations.with_columns(
                    inc.reasons(cand, np.asarray(rec.seeker), np.asarray(rec.vacancy))
                )
            if spill is not None:
                spill.cleanup()
        with _stage("tables", timings, bar, peaks):
            assignments, unmatched = _assignments_and_unmatched(
                solved.vacancy_of, cand, ps, pv, prepared.rejected
            )
            audit = _audit(pv)
            if day is not None:
                unmatched, changes = day.finish(assignments, unmatched, recommendations)
    stats = {
        "candidates": dict(cand.stats),
        "assignment": solved.stats(),
        "recommendations": {**rec.summary(), "upper_bound": rec.upper_bound},
        "peak_rss_gib": peaks,
    }
    if day is not None:
        stats["daily"] = day.stats
    if inc is not None:
        stats["incremental"] = inc.stats
    return MatchResult(
        recommendations=recommendations,
        assignments=assignments,
        unmatched=unmatched,
        rejected=prepared.rejected,
        audit=audit,
        seekers=ps,
        vacancies=pv,
        config=config,
        timings=timings,
        stats=stats,
        n_input={"seekers": seekers.height, "vacancies": vacancies.height},
        prices=prices_table(solved, pv),
        **({} if day is None else {"changes": changes}),
        state=None if inc is None else inc.state(recommendations),
    )


#: above this many candidate pairs, the per-pair score components (only the explain stage reads
#: them) wait in temporary .npy files, memory-mapped, while assignment and recommendation run
SPILL_PAIRS = 10_000_000


def _assignments_and_unmatched(
    vacancy_of: np.ndarray,
    cand: Candidates,
    ps: pl.DataFrame,
    pv: pl.DataFrame,
    rejected: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    vacancy_of = np.asarray(vacancy_of, dtype=np.int64)
    chosen = np.flatnonzero(vacancy_of >= 0)
    pos = cand.lookup(chosen, vacancy_of[chosen])
    assignments = pl.DataFrame(
        {
            "seeker_id": ps["seeker_id"].gather(chosen),
            "vacancy_id": pv["vacancy_id"].gather(vacancy_of[chosen]),
            "score": pl.Series(np.asarray(cand.scores.data)[pos], dtype=pl.Float64),
        }
    )
    left = np.flatnonzero(vacancy_of < 0)
    degree = np.diff(cand.scores.indptr)
    excluded = np.zeros(ps.height, dtype=bool)
    excluded[np.asarray(cand.excluded, dtype=np.int64)] = True
    # no candidate: none suitable among the postings in reach, or no posting in reach at all
    reach = cand.in_reach if cand.in_reach is not None else np.zeros(ps.height, dtype=np.int64)
    nothing = np.where(reach[left] > 0, "no_suitable", "no_candidate")
    code = np.where(excluded[left], "age", np.where(degree[left] == 0, nothing, "out_competed"))
    kept = pl.DataFrame(
        {
            "seeker_id": ps["seeker_id"].gather(left),
            "code": pl.Series(code, dtype=pl.Utf8),
            "row": ps["row"].gather(left).cast(pl.UInt32),
        }
    ).with_columns(reason=pl.col("code").replace_strict(UNMATCHED_REASONS, return_dtype=pl.Utf8))
    # A rejected row is unmatched with the first field that failed. A later row of a repeated
    # id is unmatched with code duplicate_id and seeker_id null: the id belongs to the row that
    # holds it, so each id is in exactly one of assignments and unmatched, and every input row
    # still has its place (the id of the repeat is in ``rejected``).
    errors = rejected.filter((pl.col("table") == "seekers") & (pl.col("severity") == "error"))
    duplicates = errors.filter(pl.col("code") == "duplicate_id")["row"]
    errors = (
        errors.sort("row")
        .group_by("row", maintain_order=True)
        .agg(pl.col("id").first(), pl.col("field").first())
        .with_columns(dup=pl.col("row").is_in(duplicates.implode()))
    )
    messages = {f: rejected_reason(f) for f in errors["field"].unique().drop_nulls().to_list()}
    dropped = errors.select(
        pl.when(~pl.col("dup")).then(pl.col("id")).alias("seeker_id"),
        pl.when(pl.col("dup"))
        .then(pl.lit("duplicate_id"))
        .otherwise(pl.lit("rejected"))
        .alias("code"),
        pl.col("row").cast(pl.UInt32),
        pl.when(pl.col("dup"))
        .then(pl.lit(UNMATCHED_REASONS["duplicate_id"]))
        .otherwise(pl.col("field").replace_strict(messages, default=None, return_dtype=pl.Utf8))
        .alias("reason"),
    )
    unmatched = pl.concat([kept, dropped.select(kept.columns)], how="vertical_relaxed").sort("row")
    return assignments, unmatched.select(
        "seeker_id", "code", "reason", "row", (pl.col("row") + 2).alias("line")
    )


def _audit(pv: pl.DataFrame) -> pl.DataFrame:
    """One row per (flagged posting, category) with the words found, as prepare found them."""
    return (
        pv.filter(pl.col("audit").list.len() > 0)
        .select("vacancy_id", "row", category="audit", words="audit_words")
        .explode("category", "words")
        .with_columns(pl.col("row").cast(pl.UInt32))
    )
