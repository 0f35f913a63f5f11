"""Quarterly statistics of a matching run, as a public employment service reports them (按季度报送).

Definitions (口径), the same in every table:

* **postings / openings** (岗位数 / 招聘人数): vacancies posted in the period, and their openings.
* **proposals** (匹配建议): the run's assignments to those postings (each seeker at most once).
  A proposal is not a hire; the proposal rate (建议匹配率 = proposals / openings) is not a fill
  rate.
* **hires** (录用人数): only when an outcomes table is given: outcome ``hired`` on those
  postings, dated before the period's end; the fill rate (填补率) is hires / openings.
* **seekers** (新登记求职人数): seekers registered in the period. Rows without a date are left
  out of a period and counted in the notes.
* advanced manufacturing (先进制造业) is counted in its own columns or row of every table.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from matchcore import records
from matchcore._errors import InvalidParameter, InvalidValue, MatchcoreError, MissingColumns
from matchcore.normalize import region_name
from matchcore.occupations import load
from matchcore.report._csv import write_csv
from matchcore.report._excel import write_workbook
from matchcore.report._html import render_html
from matchcore.report._labels import DEFAULT_KEY_GROUPS, REQUIRED_GROUPS, YOUTH
from matchcore.report._pdf import find_chromium, print_pdf
from matchcore.report._svg import bar_chart, histogram

if TYPE_CHECKING:
    from matchcore._result import MatchResult

__all__ = ["OUTCOMES", "QuarterlyReport", "previous_quarter", "quarterly"]

_PERIOD_RE = re.compile(r"^(\d{4})\s*[Qq]([1-4])$")
_CATEGORY_GROUPS = {"unemployed": "登记失业人员", "graduate": "高校毕业生"}
#: The outcomes an outcomes table may carry.
OUTCOMES = ("hired", "declined", "no_show")
_TOTAL = "合计"


def _division_names(codes: pl.Series) -> dict[str, str]:
    """Code -> official name of the distinct division codes in ``codes``."""
    names = {}
    for code in codes.drop_nulls().unique().to_list():
        try:
            names[code] = region_name(code)
        except (MatchcoreError, KeyError):
            continue  # not a current division: reported as 未知
    return names


def _quarter_bounds(period: str) -> tuple[dt.date, dt.date]:
    """First day of the quarter and first day after it."""
    m = _PERIOD_RE.match(period.strip()) if isinstance(period, str) else None
    if m is None:
        raise InvalidParameter.of("period", "quarterly", period, "a quarter such as '2026Q3'")
    year, q = int(m.group(1)), int(m.group(2))
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return start, end


def previous_quarter(period: str) -> str:
    """The quarter before ``period``.

    Examples
    --------
    >>> previous_quarter("2026Q1"), previous_quarter("2026Q3")
    ('2025Q4', '2026Q2')
    """
    start, _ = _quarter_bounds(period)
    before = start - dt.timedelta(days=1)
    return f"{before.year}Q{(before.month - 1) // 3 + 1}"


def _period_title(period: str | None) -> str:
    if period is None:
        return "全部时段"
    y, q = _PERIOD_RE.match(period.strip()).groups()  # type: ignore[union-attr]
    return f"{y}年第{'一二三四'[int(q) - 1]}季度"


def _in_period(
    df: pl.DataFrame, column: str, bounds: tuple[dt.date, dt.date] | None
) -> pl.DataFrame:
    if bounds is None or column not in df.columns:
        return df
    d = pl.col(column)
    return df.filter(d.is_not_null() & (d >= bounds[0]) & (d < bounds[1]))


_SEEKER_TYPES = {
    "seeker_id": pl.Utf8, "category": pl.Utf8, "city_code": pl.Utf8, "birth_year": pl.Int32,
    "registered_at": pl.Date,
}  # fmt: skip
_VACANCY_TYPES = {
    "vacancy_id": pl.Utf8, "city_code": pl.Utf8, "openings": pl.Int64, "occupation_code": pl.Utf8,
    "advanced_manufacturing": pl.Boolean, "internship": pl.Boolean, "session": pl.Utf8,
    "posted_at": pl.Date,
}  # fmt: skip


def _typed(df: pl.DataFrame, types: dict[str, Any]) -> pl.DataFrame:
    """The columns the report reads, with their types (absent optional ones as nulls)."""
    need = [c for c in types if c.endswith("_id")] + (["openings"] if "openings" in types else [])
    missing = [c for c in need if c not in df.columns]
    if missing:
        raise MissingColumns("vacancies" if "openings" in types else "seekers", missing, df.columns)
    return df.with_columns(
        (pl.col(c) if c in df.columns else pl.lit(None)).cast(t).alias(c) for c, t in types.items()
    )


def _key_group_order() -> tuple[str, ...]:
    try:
        vocab = tuple(getattr(records, "KEY_GROUPS", ()) or ())
    except ImportError:  # pragma: no cover
        vocab = ()
    return tuple(dict.fromkeys((*vocab, *DEFAULT_KEY_GROUPS)))


def _seeker_groups(seekers: pl.DataFrame, ref: dt.date) -> tuple[pl.DataFrame, bool]:
    """One row per (seeker_id, group); youth from ``birth_year`` at ``ref``.

    Returns the long table and whether the seekers carry key-group data beyond the category.
    """
    ids = seekers.select("seeker_id")
    parts = []
    has_groups = "groups" in seekers.columns and isinstance(seekers.schema["groups"], pl.List)
    if has_groups:
        parts.append(
            seekers.select("seeker_id", pl.col("groups").alias("group"))
            .explode("group")
            .drop_nulls("group")
        )
    if "category" in seekers.columns:
        cat = seekers.select(
            "seeker_id",
            pl.col("category").replace_strict(_CATEGORY_GROUPS, default=None).alias("group"),
        ).drop_nulls("group")
        if has_groups:  # the category only where the record gives no groups
            none = seekers.filter(pl.col("groups").list.len().fill_null(0) == 0)["seeker_id"]
            cat = cat.filter(pl.col("seeker_id").is_in(none.implode()))
        parts.append(cat)
    if "birth_year" in seekers.columns:
        age = ref.year - pl.col("birth_year").cast(pl.Int32)
        parts.append(
            seekers.filter(age.is_between(16, 24)).select("seeker_id", pl.lit(YOUTH).alias("group"))
        )
    long = (
        pl.concat([p.cast({"group": pl.Utf8}) for p in parts])
        if parts
        else ids.with_columns(pl.lit(None, pl.Utf8).alias("group")).head(0)
    )
    return long.unique(maintain_order=True), has_groups


def _check_outcomes(outcomes: Any) -> pl.DataFrame:
    if not isinstance(outcomes, pl.DataFrame):
        raise InvalidParameter.of(
            "outcomes",
            "quarterly",
            type(outcomes).__name__,
            "a polars DataFrame with seeker_id, vacancy_id, outcome and date",
        )
    missing = [c for c in ("seeker_id", "vacancy_id", "outcome") if c not in outcomes.columns]
    if missing:
        raise MissingColumns("outcomes", missing, outcomes.columns)
    bad = outcomes.with_row_index("row").filter(
        pl.col("outcome").is_null() | ~pl.col("outcome").cast(pl.Utf8).is_in(list(OUTCOMES))
    )
    if bad.height:
        rows = bad["row"].head(5).to_list()
        raise InvalidValue(
            "outcome",
            bad["outcome"][0],
            f"one of {', '.join(OUTCOMES)} (in {bad.height} rows, the first at rows {rows})",
        )
    out = outcomes.select(
        pl.col("seeker_id").cast(pl.Utf8),
        pl.col("vacancy_id").cast(pl.Utf8),
        pl.col("outcome").cast(pl.Utf8),
        (
            pl.col("date").cast(pl.Date) if "date" in outcomes.columns else pl.lit(None, pl.Date)
        ).alias("date"),
    )
    return out


@dataclass(frozen=True)
class QuarterlyReport:
    """The figures of one reporting period.

    Attributes
    ----------
    period : str
        The quarter, e.g. ``"2026Q3"``, or ``"all"``.
    tables : dict of str to polars.DataFrame
        ``comparison`` (only with ``previous``), ``overall``, ``key_groups``,
        ``seekers_by_city``, ``by_city``, ``trainee``, ``sessions``, ``shortage``,
        ``by_major_group``: English column ids (``matchcore.report.COLUMNS`` gives each one's
        Chinese header, unit and definition); advanced manufacturing in its own columns or row.
    charts : dict of str to str
        SVG charts: ``proposal_rate_by_city``, ``groups`` and ``score_distribution``.
    start, end : datetime.date or None
        First and last day of the period (the data's first and last date for ``"all"``).
    title : str
        The period in words, e.g. ``"2026年第三季度"``.
    notes : list of str
        What a reader must know (records without dates, missing data), in Chinese.
    has_outcomes : bool
        Whether hires were counted (an outcomes table was given).
    """

    period: str
    tables: dict[str, pl.DataFrame]
    charts: dict[str, str] = field(default_factory=dict)
    start: dt.date | None = None
    end: dt.date | None = None
    title: str = ""
    notes: list[str] = field(default_factory=list)
    has_outcomes: bool = False

    def to_html(self, *, embed_font: bool = True) -> str:
        """One self-contained HTML page (A4 print styles, charts inline, an embedded CJK font).

        Examples
        --------
        >>> import matchcore as mc
        >>> s, v = mc.synth.province(300, 80, seed=1)
        >>> page = mc.report.quarterly(mc.match(s, v, progress=False)).to_html(embed_font=False)
        >>> "匹配建议不是录用" in page
        True
        """
        return render_html(self, embed_font=embed_font)

    def write(
        self,
        folder: str | Path,
        *,
        fmt: str = "all",
        pdf: bool | None = None,
    ) -> list[Path]:
        """Write the report: ``index.html``, the tables and charts, and a PDF.

        Parameters
        ----------
        folder : str or Path
            Created if needed.
        fmt : {"all", "csv", "xlsx"}, default "all"
            Tables as CSV files (Chinese headers, formula cells neutralised), as one Excel
            workbook in the layout of a submission form, or both (the workbook only where
            xlsxwriter is installed).
        pdf : bool or None, default None
            Print ``report.pdf`` with headless Chromium; None prints it when Chromium is found
            (a warning if printing fails), True raises :class:`matchcore.MatchcoreError` when it
            is not found or fails.

        Returns
        -------
        list of Path
        """
        if fmt not in ("all", "csv", "xlsx"):
            raise InvalidParameter.of("fmt", "QuarterlyReport.write", fmt, "'all', 'csv' or 'xlsx'")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        out: list[Path] = []
        if fmt in ("all", "csv"):
            out += write_csv(self, folder)
        if fmt == "xlsx" or (fmt == "all" and _has_xlsxwriter()):
            out.append(write_workbook(self, folder / f"quarterly_{self.period}.xlsx"))
        for name, svg in self.charts.items():
            p = folder / f"{name}.svg"
            p.write_text(svg, encoding="utf-8")
            out.append(p)
        page = folder / "index.html"
        page.write_text(self.to_html(), encoding="utf-8")
        out.append(page)
        if pdf:
            out.append(print_pdf(page, folder / "report.pdf"))
        elif pdf is None and find_chromium() is not None:
            try:
                out.append(print_pdf(page, folder / "report.pdf"))
            except MatchcoreError as exc:  # the page, tables and workbook stand without it
                warnings.warn(str(exc), stacklevel=2)
        return out


def _has_xlsxwriter() -> bool:
    try:
        import xlsxwriter  # noqa: F401
    except ImportError:  # pragma: no cover
        return False
    return True


def _rate(num: str, den: str, name: str) -> pl.Expr:
    return pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den)).otherwise(None).alias(name)


def _with_total(
    df: pl.DataFrame, label_col: str, rates: dict[str, tuple[str, str]]
) -> pl.DataFrame:
    """Append a 合计 row: sums of the count columns, rates recomputed from the sums."""
    counts = [c for c, t in df.schema.items() if t.is_integer() and c not in rates]
    total = df.select(
        *[
            pl.lit(_TOTAL if c == label_col else None, df.schema[c]).alias(c)
            for c in df.columns
            if c not in counts and c not in rates
        ],
        *[pl.col(c).sum() for c in counts],
    ).with_columns(*[_rate(n, d, r) for r, (n, d) in rates.items()])
    return pl.concat([df, total.select(df.columns)], how="vertical_relaxed")


def quarterly(
    result: MatchResult,
    period: str | None = None,
    *,
    outcomes: pl.DataFrame | None = None,
    previous: MatchResult | QuarterlyReport | None = None,
    urgent_occupations: Sequence[str] | None = None,
) -> QuarterlyReport:
    """The statistics a service reports each quarter (按季度报送), from a finished run.

    Counts postings, openings, the run's proposals (匹配建议) and, when outcomes are given,
    hires; overall, by key group of seekers (登记失业人员, 高校毕业生, 就业困难人员, 青年16-24
    and the other groups the records keep), by prefecture city, for trainee posts (就业见习),
    for each special recruitment session, over the shortage-occupation list (急需紧缺职业) and by
    occupation major group. Advanced manufacturing is counted separately in every table. See the
    module docstring for each definition.

    Parameters
    ----------
    result : MatchResult
        A finished run.
    period : str, optional
        A quarter such as ``"2026Q3"``: postings posted and seekers registered in it, hires on
        those postings up to its end. None counts everything.
    outcomes : polars.DataFrame, optional
        ``seeker_id``, ``vacancy_id``, ``outcome`` (one of ``hired``, ``declined``,
        ``no_show``) and ``date``: hires are reported only when given.
    previous : MatchResult or QuarterlyReport, optional
        The previous quarter's run (reported for the quarter before ``period``) or report: adds
        the ``comparison`` table.
    urgent_occupations : sequence of str, optional
        The shortage-occupation list (急需紧缺职业目录); default the run's
        ``MatchConfig.urgent_occupations``.

    Returns
    -------
    QuarterlyReport

    Examples
    --------
    >>> import matchcore as mc
    >>> s, v = mc.synth.province(300, 80, seed=1)
    >>> rep = mc.report.quarterly(mc.match(s, v, progress=False))
    >>> rep.tables["overall"]["scope"].to_list()
    ['全部', '其中：先进制造业']
    >>> rep.has_outcomes
    False
    """
    bounds = _quarter_bounds(period) if period is not None else None
    if outcomes is not None:
        outcomes = _check_outcomes(outcomes)
    all_seekers = _typed(result.seekers, _SEEKER_TYPES)
    all_vacancies = _typed(result.vacancies, _VACANCY_TYPES)
    seekers = _in_period(all_seekers, "registered_at", bounds)
    vacancies = _in_period(all_vacancies, "posted_at", bounds)
    notes: list[str] = []
    start: dt.date | None
    end: dt.date | None
    if bounds is not None:
        for df, col, what in (
            (all_seekers, "registered_at", "求职人员"),
            (all_vacancies, "posted_at", "岗位"),
        ):
            if col in df.columns and (n := df[col].null_count()):
                notes.append(f"{n:,} 条{what}记录未注明日期，未计入本期。")
        start, end = bounds[0], bounds[1] - dt.timedelta(days=1)
    else:
        dates: list[dt.date] = [
            d
            for df, col in ((all_seekers, "registered_at"), (all_vacancies, "posted_at"))
            if col in df.columns
            for d in (df[col].min(), df[col].max())
            if isinstance(d, dt.date)
        ]
        start, end = (min(dates), max(dates)) if dates else (None, None)
    ref = end or (result.config.as_of if result.config is not None else None) or dt.date.today()

    # vacancy attributes for proposals and hires
    vattr = all_vacancies.select(
        "vacancy_id",
        pl.col("city_code").alias("v_city"),
        "occupation_code",
        pl.col("advanced_manufacturing").fill_null(False).alias("am"),
        pl.col("internship").fill_null(False).alias("internship"),
        "session",
    )
    period_ids = vacancies.select("vacancy_id")
    props = (
        result.assignments.select("seeker_id", "vacancy_id", "score")
        .join(period_ids, on="vacancy_id", how="semi")
        .join(vattr, on="vacancy_id", how="inner")
    )
    groups_long, has_groups = _seeker_groups(all_seekers, ref)
    young_ids = groups_long.filter(pl.col("group") == YOUTH).select("seeker_id")
    grad_ids = groups_long.filter(pl.col("group") == "高校毕业生").select("seeker_id")
    if outcomes is not None:
        hired = outcomes.filter(pl.col("outcome") == "hired")
        if bounds is not None:  # reported at the period's end: later hires are next quarter's
            hired = hired.filter(pl.col("date").is_null() | (pl.col("date") < bounds[1]))
        hires = (
            hired.unique(["seeker_id", "vacancy_id"], maintain_order=True)
            .join(period_ids, on="vacancy_id", how="semi")
            .join(vattr, on="vacancy_id", how="inner")
        )
        if n := outcomes.filter(pl.col("outcome") == "hired")["date"].null_count():
            notes.append(f"{n:,} 条录用反馈未注明录用日期，按期末前录用计入。")
    else:
        hires = props.head(0)

    am = pl.col("am")

    def posting_counts(v: pl.DataFrame, p: pl.DataFrame, h: pl.DataFrame, by: str) -> pl.DataFrame:
        """Postings, openings, proposals, hires and their AM parts by ``by``."""
        vv = v.join(vattr.select("vacancy_id", "am"), on="vacancy_id", how="left")
        out = (
            vv.group_by(by)
            .agg(
                pl.len().cast(pl.Int64).alias("postings"),
                pl.col("openings").sum().cast(pl.Int64).alias("openings"),
                am.sum().cast(pl.Int64).alias("am_postings"),
                pl.col("openings").filter(am).sum().cast(pl.Int64).alias("am_openings"),
            )
            .join(
                p.group_by(by).agg(
                    pl.len().cast(pl.Int64).alias("proposals"),
                    am.sum().cast(pl.Int64).alias("am_proposals"),
                ),
                on=by,
                how="full",
                coalesce=True,
            )
            .join(
                h.group_by(by).agg(
                    pl.len().cast(pl.Int64).alias("hires"),
                    am.sum().cast(pl.Int64).alias("am_hires"),
                ),
                on=by,
                how="full",
                coalesce=True,
            )
            .with_columns(
                pl.col(c).fill_null(0)
                for c in (
                    "postings",
                    "openings",
                    "am_postings",
                    "am_openings",
                    "proposals",
                    "am_proposals",
                    "hires",
                    "am_hires",
                )
            )
        )
        return out

    def posting_columns(df: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
        cols = ["postings", "openings", "proposals", "proposal_rate"]
        am_cols = ["am_postings", "am_openings", "am_proposals", "am_proposal_rate"]
        if outcomes is not None:
            cols += ["hires", "fill_rate"]
            am_cols += ["am_hires", "am_fill_rate"]
        return df.select(*keys, *cols, *am_cols)

    rates = {
        "proposal_rate": ("proposals", "openings"),
        "am_proposal_rate": ("am_proposals", "am_openings"),
        "fill_rate": ("hires", "openings"),
        "am_fill_rate": ("am_hires", "am_openings"),
    }

    def rates_in(df: pl.DataFrame) -> dict[str, tuple[str, str]]:
        return {r: x for r, x in rates.items() if r in df.columns}

    def with_rates(df: pl.DataFrame) -> pl.DataFrame:
        return df.with_columns(*[_rate(n, d, r) for r, (n, d) in rates.items()])

    # overall: everything, and advanced manufacturing as its own row
    vam = vacancies.join(vattr.select("vacancy_id", "am"), on="vacancy_id").filter(am)

    def overall_row(label: str, v: pl.DataFrame, p: pl.DataFrame, h: pl.DataFrame, n: int | None):
        return {
            "scope": label,
            "seekers": n,
            "postings": v.height,
            "openings": int(v["openings"].sum() or 0),
            "proposals": p.height,
            "hires": h.height,
        }

    overall = pl.DataFrame(
        [
            overall_row("全部", vacancies, props, hires, seekers.height),
            overall_row("其中：先进制造业", vam, props.filter(am), hires.filter(am), None),
        ],
        schema={
            c: (pl.Utf8 if c == "scope" else pl.Int64)
            for c in ("scope", "seekers", "postings", "openings", "proposals", "hires")
        },
    ).with_columns(
        _rate("proposals", "openings", "proposal_rate"), _rate("hires", "openings", "fill_rate")
    )
    keep = ["scope", "seekers", "postings", "openings", "proposals", "proposal_rate"]
    overall = overall.select(*keep, *(["hires", "fill_rate"] if outcomes is not None else []))

    # key groups (seekers registered in the period; one person may be in several groups)
    order = _key_group_order()
    g_period = groups_long.join(seekers.select("seeker_id"), on="seeker_id", how="semi")
    proposed_ids = props.select("seeker_id").unique()
    am_proposed_ids = props.filter(am).select("seeker_id").unique()
    present = set(g_period["group"].to_list())
    names = [
        g for g in (*REQUIRED_GROUPS[:3], YOUTH, *order) if g in present or g in REQUIRED_GROUPS
    ]
    names += sorted(present - set(names))
    names = list(dict.fromkeys(names))
    known = {"登记失业人员", "高校毕业生", YOUTH} | (present if has_groups else set())

    def group_row(g: str) -> dict[str, Any]:
        members = g_period.filter(pl.col("group") == g).select("seeker_id")
        everyone = groups_long.filter(pl.col("group") == g).select("seeker_id")
        if g not in known and not has_groups:
            return {"group": g}  # the records carry no such data: not zero, unknown
        row = {
            "group": g,
            "seekers": members.height,
            "proposed": members.join(proposed_ids, on="seeker_id", how="semi").height,
            "am_proposed": members.join(am_proposed_ids, on="seeker_id", how="semi").height,
        }
        if outcomes is not None:
            row["hires"] = hires.join(everyone, on="seeker_id", how="semi").height
            row["am_hires"] = hires.filter(am).join(everyone, on="seeker_id", how="semi").height
        return row

    gcols = ["seekers", "proposed", "am_proposed"] + (
        ["hires", "am_hires"] if outcomes is not None else []
    )
    key_groups = pl.DataFrame(
        [group_row(g) for g in names],
        schema={"group": pl.Utf8, **dict.fromkeys(gcols, pl.Int64)},
    ).with_columns(_rate("proposed", "seekers", "proposed_share"))
    key_groups = key_groups.select("group", "seekers", "proposed", "proposed_share", *gcols[2:])
    if not has_groups:
        notes.append(
            "记录未含重点群体标识：登记失业人员、高校毕业生取自人员类别，青年取自出生年份，"
            "其他群体记为“—”（无数据，不是零）。"
        )

    # seekers by city (registered in the period)
    city_names = _division_names(all_seekers["city_code"].append(all_vacancies["city_code"]))
    city_groups = [g for g in ("登记失业人员", "高校毕业生", "就业困难人员", YOUTH) if g in known]
    s_city = seekers.select("seeker_id", "city_code")
    sbc = (
        s_city.group_by("city_code")
        .agg(pl.len().cast(pl.Int64).alias("seekers"))
        .join(
            g_period.join(s_city, on="seeker_id")
            .filter(pl.col("group").is_in(city_groups))
            .group_by("city_code")
            .agg(
                *[
                    (pl.col("group") == g).sum().cast(pl.Int64).alias(f"group:{g}")
                    for g in city_groups
                ]
            ),
            on="city_code",
            how="left",
        )
        .join(
            s_city.join(proposed_ids, on="seeker_id", how="semi")
            .group_by("city_code")
            .agg(pl.len().cast(pl.Int64).alias("proposed")),
            on="city_code",
            how="left",
        )
        .join(
            s_city.join(am_proposed_ids, on="seeker_id", how="semi")
            .group_by("city_code")
            .agg(pl.len().cast(pl.Int64).alias("am_proposed")),
            on="city_code",
            how="left",
        )
    )
    for g in city_groups:
        if f"group:{g}" not in sbc.columns:
            sbc = sbc.with_columns(pl.lit(0, pl.Int64).alias(f"group:{g}"))
    sbc = sbc.with_columns(pl.exclude("city_code").fill_null(0))
    sbc = _city_names(sbc, city_names).select(
        "city_code", "city_name", "seekers", *[f"group:{g}" for g in city_groups],
        "proposed", "am_proposed",
    )  # fmt: skip
    sbc = _with_total(
        sbc.with_columns(_rate("proposed", "seekers", "proposed_share")),
        "city_name",
        {"proposed_share": ("proposed", "seekers")},
    )
    sbc = sbc.select(
        "city_code", "city_name", "seekers", *[f"group:{g}" for g in city_groups],
        "proposed", "proposed_share", "am_proposed",
    )  # fmt: skip

    # postings by city
    p_city = props.rename({"v_city": "city_code"})
    h_city = hires.rename({"v_city": "city_code"})
    by_city = with_rates(posting_counts(vacancies, p_city, h_city, "city_code"))
    by_city = _city_names(by_city, city_names)
    by_city = posting_columns(by_city, ["city_code", "city_name"])
    by_city = _with_total(by_city, "city_name", rates_in(by_city))

    # trainee posts (就业见习)
    tv = vacancies.join(vattr.select("vacancy_id", "internship", "am"), on="vacancy_id")
    trainee_rows = []
    for label, cond in (("全部见习岗位", pl.lit(True)), ("其中：先进制造业", am)):
        v = tv.filter(pl.col("internship") & cond)
        p = props.filter(pl.col("internship") & cond)
        h = hires.filter(pl.col("internship") & cond)
        row: dict[str, Any] = {
            "scope": label,
            "postings": v.height,
            "openings": int(v["openings"].sum() or 0),
            "proposals": p.height,
            "young_proposed": p.join(young_ids, on="seeker_id", how="semi").height,
            "graduates_proposed": p.join(grad_ids, on="seeker_id", how="semi").height,
        }
        if outcomes is not None:
            row["hires"] = h.height
            row["young_hires"] = h.join(young_ids, on="seeker_id", how="semi").height
        trainee_rows.append(row)
    trainee = (
        pl.DataFrame(trainee_rows)
        .with_columns(pl.exclude("scope").cast(pl.Int64))
        .with_columns(_rate("proposals", "openings", "proposal_rate"))
    )

    # special sessions
    sv = vacancies.filter(pl.col("session").is_not_null())
    sessions = posting_counts(
        sv, props.filter(pl.col("session").is_not_null()),
        hires.filter(pl.col("session").is_not_null()), "session",
    )  # fmt: skip
    sessions = sessions.join(sv.select("session").unique(), on="session", how="semi")
    sessions = posting_columns(with_rates(sessions), ["session"]).sort("session")
    sessions = _with_total(sessions, "session", rates_in(sessions))

    # shortage occupations
    if urgent_occupations is None:
        urgent_occupations = tuple(
            getattr(result.config, "urgent_occupations", ()) if result.config is not None else ()
        )
    elif isinstance(urgent_occupations, str):
        raise InvalidParameter.of(
            "urgent_occupations", "quarterly", urgent_occupations, "a list of occupation codes"
        )
    unknown = [c for c in urgent_occupations if c not in _taxonomy()]
    if unknown:
        raise InvalidParameter.of(
            "urgent_occupations",
            "quarterly",
            unknown[0],
            f"codes of the 2022 classification such as '6-31-01-03' ({len(unknown)} unknown)",
        )
    shortage = _shortage(
        list(urgent_occupations), vacancies, props, hires, vattr, posting_columns, with_rates
    )
    if not urgent_occupations:
        notes.append(
            "未提供急需紧缺职业目录（MatchConfig.urgent_occupations 或 urgent_occupations 参数），"
            "第八表为空。"
        )
    else:
        covered = int((shortage.filter(pl.col("occupation_code") != _TOTAL)["postings"] > 0).sum())
        notes.append(
            f"急需紧缺职业目录共 {len(urgent_occupations)} 个职业，本期有岗位的 {covered} 个"
            f"（覆盖率 {covered / len(urgent_occupations):.1%}）。"
        )

    # occupation major group
    major = pl.col("occupation_code").str.slice(0, 1).alias("major_group")
    tax_names = _major_group_names()
    mv = vacancies.with_columns(major)
    mg = posting_counts(mv, props.with_columns(major), hires.with_columns(major), "major_group")
    mg = (
        with_rates(mg)
        .with_columns(
            pl.col("major_group")
            .replace_strict(tax_names, default="未编码")
            .alias("major_group_name")
        )
        .sort("major_group", nulls_last=True)
    )
    mg = posting_columns(mg, ["major_group", "major_group_name"])
    mg = _with_total(mg, "major_group_name", rates_in(mg))

    tables: dict[str, pl.DataFrame] = {
        "overall": overall,
        "key_groups": key_groups,
        "seekers_by_city": sbc,
        "by_city": by_city,
        "trainee": trainee,
        "sessions": sessions,
        "shortage": shortage,
        "by_major_group": mg,
    }
    label = period.strip().upper() if period is not None else "all"
    if previous is not None:
        prev = previous
        if not isinstance(prev, QuarterlyReport):
            prev = quarterly(
                prev,
                previous_quarter(period) if period is not None else None,
                outcomes=outcomes,
                urgent_occupations=urgent_occupations,
            )
        tables = {"comparison": _comparison(tables, prev.tables, outcomes is not None), **tables}

    # charts: every figure from the period's rows
    city_rows = by_city.filter(pl.col("city_name") != _TOTAL)
    scores = props["score"].to_numpy()
    counts, edges = np.histogram(scores, bins=10, range=(0.0, 1.0))
    words = _period_title(period if period is None else label)
    charts = {
        "proposal_rate_by_city": bar_chart(
            city_rows["city_name"].to_list(),
            city_rows["proposal_rate"].fill_null(0.0).to_list(),
            title=f"各市建议匹配率（{words}）",
            secondary=city_rows["am_proposal_rate"].fill_null(0.0).to_list(),
            legend=("全部岗位", "先进制造业岗位"),
            x_title="建议匹配率（匹配建议/招聘人数）",
            y_title="地级市",
        ),
        "groups": bar_chart(
            key_groups.filter(pl.col("seekers").is_not_null())["group"].to_list(),
            key_groups.filter(pl.col("seekers").is_not_null())["seekers"].to_list(),
            title=f"重点群体新登记求职人数（{words}）",
            percent=False,
            secondary=key_groups.filter(pl.col("seekers").is_not_null())["proposed"].to_list(),
            legend=("新登记求职人数", "其中获匹配建议"),
            x_title="人数（人）",
            y_title="重点群体",
        ),
        "score_distribution": histogram(
            counts.tolist(),
            edges.tolist(),
            title=f"匹配建议得分分布（{words}，{len(scores):,} 条）",
            x_title="匹配得分（0-1，越高越合适）",
            y_title="匹配建议（条）",
        ),
    }
    return QuarterlyReport(
        period=label,
        tables=tables,
        charts=charts,
        start=start,
        end=end,
        title=words,
        notes=notes,
        has_outcomes=outcomes is not None,
    )


def _city_names(df: pl.DataFrame, names: dict[str, str]) -> pl.DataFrame:
    return df.with_columns(
        pl.col("city_code")
        .replace_strict(names, default="未知", return_dtype=pl.Utf8)
        .alias("city_name")
    ).sort("city_code", nulls_last=True)


def _shortage(
    codes: list[str],
    vacancies: pl.DataFrame,
    props: pl.DataFrame,
    hires: pl.DataFrame,
    vattr: pl.DataFrame,
    posting_columns: Any,
    with_rates: Any,
) -> pl.DataFrame:
    """One row per listed occupation: postings coded to it or below it."""
    tax = load()
    listed = list(dict.fromkeys(codes))

    def listed_code(code: str | None) -> str | None:
        if code is None:
            return None
        chain = [code, *tax.ancestors(code)] if code in tax else [code]
        return next((c for c in chain if c in listed), None)

    lookup = {c: listed_code(c) for c in vattr["occupation_code"].drop_nulls().unique().to_list()}
    lc = pl.col("occupation_code").replace_strict(lookup, default=None, return_dtype=pl.Utf8)
    v = vacancies.with_columns(lc.alias("listed_code")).filter(pl.col("listed_code").is_not_null())
    p = props.with_columns(lc.alias("listed_code"))
    h = hires.with_columns(lc.alias("listed_code"))
    # reuse the posting counts of the caller through a small inline version
    vv = v.join(vattr.select("vacancy_id", "am"), on="vacancy_id", how="left")
    base = pl.DataFrame({"listed_code": listed}, schema={"listed_code": pl.Utf8})
    counts = (
        base.join(
            vv.group_by("listed_code").agg(
                pl.len().cast(pl.Int64).alias("postings"),
                pl.col("openings").sum().cast(pl.Int64).alias("openings"),
                pl.col("am").sum().cast(pl.Int64).alias("am_postings"),
                pl.col("openings").filter(pl.col("am")).sum().cast(pl.Int64).alias("am_openings"),
            ),
            on="listed_code",
            how="left",
        )
        .join(
            p.group_by("listed_code").agg(
                pl.len().cast(pl.Int64).alias("proposals"),
                pl.col("am").sum().cast(pl.Int64).alias("am_proposals"),
            ),
            on="listed_code",
            how="left",
        )
        .join(
            h.group_by("listed_code").agg(
                pl.len().cast(pl.Int64).alias("hires"),
                pl.col("am").sum().cast(pl.Int64).alias("am_hires"),
            ),
            on="listed_code",
            how="left",
        )
        .with_columns(pl.exclude("listed_code").fill_null(0))
        .rename({"listed_code": "occupation_code"})
        .with_columns(
            pl.col("occupation_code")
            .map_elements(lambda c: tax[c].name if c in tax else "未知", return_dtype=pl.Utf8)
            .alias("occupation_name")
        )
    )
    out = posting_columns(with_rates(counts), ["occupation_code", "occupation_name"])
    rates = {
        "proposal_rate": ("proposals", "openings"),
        "am_proposal_rate": ("am_proposals", "am_openings"),
        "fill_rate": ("hires", "openings"),
        "am_fill_rate": ("am_hires", "am_openings"),
    }
    if not listed:
        return out
    return _with_total(out, "occupation_code", {r: x for r, x in rates.items() if r in out.columns})


_COMPARED = (
    ("overall", 0, "seekers", "新登记求职人数", "人"),
    ("overall", 0, "postings", "岗位数", "个"),
    ("overall", 0, "openings", "招聘人数", "人"),
    ("overall", 0, "proposals", "匹配建议", "人次"),
    ("overall", 0, "proposal_rate", "建议匹配率", "%"),
    ("overall", 0, "hires", "录用人数", "人"),
    ("overall", 0, "fill_rate", "岗位填补率", "%"),
    ("overall", 1, "postings", "先进制造业岗位数", "个"),
    ("overall", 1, "openings", "先进制造业招聘人数", "人"),
    ("overall", 1, "proposals", "先进制造业匹配建议", "人次"),
    ("overall", 1, "proposal_rate", "先进制造业建议匹配率", "%"),
    ("overall", 1, "hires", "先进制造业录用人数", "人"),
    ("overall", 1, "fill_rate", "先进制造业填补率", "%"),
    ("trainee", 0, "postings", "就业见习岗位数", "个"),
    ("trainee", 0, "young_proposed", "见习岗位青年获建议人数", "人"),
)


def _comparison(
    now: dict[str, pl.DataFrame], before: dict[str, pl.DataFrame], with_hires: bool
) -> pl.DataFrame:
    """Key figures of this period beside the previous one's."""
    rows = []

    def get(tables: dict[str, pl.DataFrame], t: str, i: int, c: str) -> float | None:
        df = tables.get(t)
        if df is None or c not in df.columns or df.height <= i:
            return None
        v = df[c][i]
        return None if v is None else float(v)

    group_rows = [
        ("key_groups", g, "seekers", f"其中{g}", "人")
        for g in now["key_groups"]["group"].to_list()
        if g in ("登记失业人员", "高校毕业生", "就业困难人员", YOUTH)
    ]
    for t, i, c, name, unit in (*_COMPARED[:1], *group_rows, *_COMPARED[1:]):
        if c in ("hires", "fill_rate") and not with_hires:
            continue
        if t == "key_groups":

            def pick(tables: dict[str, pl.DataFrame], g: Any = i) -> float | None:
                df = tables.get("key_groups")
                if df is None:
                    return None
                hit = df.filter(pl.col("group") == g)
                return (
                    None
                    if hit.height == 0 or hit["seekers"][0] is None
                    else float(hit["seekers"][0])
                )

            a, b = pick(now), pick(before)
        else:
            a, b = get(now, t, int(i), c), get(before, t, int(i), c)
        change = None if a is None or b is None else a - b
        pct = None if change is None or not b or unit == "%" else change / b
        rows.append({"indicator": name, "unit": unit, "value": a, "previous": b,
                     "change": change, "change_pct": pct})  # fmt: skip
    return pl.DataFrame(
        rows,
        schema={"indicator": pl.Utf8, "unit": pl.Utf8, "value": pl.Float64,
                "previous": pl.Float64, "change": pl.Float64, "change_pct": pl.Float64},
    )  # fmt: skip


def _taxonomy() -> Any:
    return load()


@functools.cache
def _major_group_names() -> dict[str, str]:
    return {o.code[0]: o.name for o in load().at_level(1)}
