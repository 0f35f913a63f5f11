"""Quarterly statistics of a matching run, as a public employment service reports them."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import polars as pl

from matchcore._errors import InvalidParameter, MatchcoreError
from matchcore.report._svg import bar_chart, histogram

if TYPE_CHECKING:
    from matchcore._result import MatchResult

__all__ = ["QuarterlyReport", "quarterly"]

_PERIOD_RE = re.compile(r"^(\d{4})\s*[Qq]([1-4])$")
_CATEGORY_NAMES = {"unemployed": "登记失业人员", "graduate": "未就业高校毕业生", "other": "其他"}


def _division_names(codes: pl.Series) -> dict[str, str]:
    """Code -> official name of the distinct division codes in ``codes``."""
    from matchcore.normalize import region_name

    names = {}
    for code in codes.drop_nulls().unique().to_list():
        try:
            names[code] = region_name(code)
        except (MatchcoreError, KeyError):
            continue  # not a current division: reported as 未知
    return names


def _quarter_bounds(period: str) -> tuple[dt.date, dt.date]:
    m = _PERIOD_RE.match(period.strip()) if isinstance(period, str) else None
    if m is None:
        raise InvalidParameter.of("period", "quarterly", period, "a quarter such as '2026Q3'")
    year, q = int(m.group(1)), int(m.group(2))
    start = dt.date(year, 3 * q - 2, 1)
    end = dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)
    return start, end


def _in_period(
    df: pl.DataFrame, column: str, bounds: tuple[dt.date, dt.date] | None
) -> pl.DataFrame:
    if bounds is None or column not in df.columns:
        return df
    d = pl.col(column)
    return df.filter(d.is_null() | ((d >= bounds[0]) & (d < bounds[1])))


@dataclass(frozen=True)
class QuarterlyReport:
    """The figures of one reporting period.

    Attributes
    ----------
    period : str
        The quarter, e.g. ``"2026Q3"``, or ``"all"``.
    tables : dict of str to polars.DataFrame
        ``overall``, ``by_city``, ``by_category``, ``by_major_group``, ``trainee``,
        ``sessions``; advanced manufacturing is counted in its own columns (``am_*``) and rows.
    charts : dict of str to str
        SVG charts: ``fill_rate_by_city`` and ``score_distribution``.
    """

    period: str
    tables: dict[str, pl.DataFrame]
    charts: dict[str, str] = field(default_factory=dict)

    def write(self, folder: str | Path, *, fmt: str = "csv") -> list[Path]:
        """Write each table as ``fmt`` (``csv`` or ``xlsx``: one workbook, a sheet a table),
        each chart as ``.svg`` and an ``index.html`` page with all of them; returns the paths."""
        from matchcore._io import write_table

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        out: list[Path] = []
        if fmt == "csv":
            out += [write_table(t, folder / f"{name}.csv") for name, t in self.tables.items()]
        elif fmt == "xlsx":
            import xlsxwriter

            path = folder / f"quarterly_{self.period}.xlsx"
            with xlsxwriter.Workbook(path) as wb:
                for name, t in self.tables.items():
                    t.write_excel(wb, worksheet=name[:31])
            out.append(path)
        else:
            raise InvalidParameter.of("fmt", "QuarterlyReport.write", fmt, "'csv' or 'xlsx'")
        for name, svg in self.charts.items():
            p = folder / f"{name}.svg"
            p.write_text(svg, encoding="utf-8")
            out.append(p)
        page = folder / "index.html"
        page.write_text(self.to_html(), encoding="utf-8")
        out.append(page)
        return out

    def to_html(self) -> str:
        """One self-contained HTML page: the charts, then every table."""
        parts = [
            "<!doctype html><html lang='zh-CN'><meta charset='utf-8'>",
            f"<title>就业匹配季度报告 {escape(self.period)}</title>",
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;"
            "margin-bottom:2em}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}"
            "th{background:#eef}</style>",
            f"<h1>就业匹配季度报告 {escape(self.period)}</h1>",
        ]
        parts += [f"<div>{svg}</div>" for svg in self.charts.values()]
        for name, t in self.tables.items():
            parts.append(f"<h2>{escape(name)}</h2><table><tr>")
            parts += [f"<th>{escape(c)}</th>" for c in t.columns]
            parts.append("</tr>")
            for row in t.iter_rows():
                cells = (
                    f"{v:.1%}" if isinstance(v, float) and ("rate" in c) else escape(str(v))
                    for c, v in zip(t.columns, row)
                )
                parts.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
            parts.append("</table>")
        parts.append("</html>")
        return "".join(parts)


def _rate(num: str, den: str, name: str) -> pl.Expr:
    return pl.when(pl.col(den) > 0).then(pl.col(num) / pl.col(den)).otherwise(0.0).alias(name)


def quarterly(result: MatchResult, period: str | None = None) -> QuarterlyReport:
    """The statistics a service reports each quarter, from a :class:`~matchcore.MatchResult`.

    Counts seekers, vacancies, openings, matches (assignments) and the fill rate (matches /
    openings) overall, by prefecture city, by seeker category (registered unemployed, unemployed
    graduates), by occupation major group, for trainee posts (就业见习岗位) and for each special
    recruitment session; advanced manufacturing is counted separately in ``am_*`` columns and its
    own row of ``overall``.

    Parameters
    ----------
    result : MatchResult
        A finished run.
    period : str, optional
        A quarter such as ``"2026Q3"``: only seekers registered and vacancies posted in it count
        (rows with no date count too, as a service cannot place them in time). None counts all.

    Returns
    -------
    QuarterlyReport

    Examples
    --------
    >>> import matchcore as mc
    >>> s, v = mc.synth.province(300, 80, seed=1)
    >>> rep = mc.report.quarterly(mc.match(s, v, progress=False))
    >>> sorted(rep.tables)
    ['by_category', 'by_city', 'by_major_group', 'overall', 'sessions', 'trainee']
    """
    bounds = _quarter_bounds(period) if period is not None else None
    seekers = _in_period(result.seekers, "registered_at", bounds)
    vacancies = _in_period(result.vacancies, "posted_at", bounds)
    matches = result.assignments.join(
        seekers.select("seeker_id", "category"), on="seeker_id", how="inner"
    ).join(
        vacancies.select(
            "vacancy_id",
            pl.col("city_code").alias("v_city"),
            "occupation_code",
            "advanced_manufacturing",
            "internship",
            "session",
        ),
        on="vacancy_id",
        how="inner",
    )
    am = pl.col("advanced_manufacturing").fill_null(False)

    def vac_counts(df: pl.DataFrame, by: str | pl.Expr) -> pl.DataFrame:
        return df.group_by(by).agg(
            pl.len().alias("vacancies"),
            pl.col("openings").sum().alias("openings"),
            am.sum().alias("am_vacancies"),
            pl.col("openings").filter(am).sum().alias("am_openings"),
        )

    def match_counts(df: pl.DataFrame, by: str | pl.Expr) -> pl.DataFrame:
        return df.group_by(by).agg(pl.len().alias("matches"), am.sum().alias("am_matches"))

    # by city
    city = (
        seekers.group_by(pl.col("city_code"))
        .agg(
            pl.len().alias("seekers"),
            (pl.col("category") == "graduate").sum().alias("graduates"),
            (pl.col("category") == "unemployed").sum().alias("unemployed"),
        )
        .join(vac_counts(vacancies, "city_code"), on="city_code", how="full", coalesce=True)
        .join(
            match_counts(matches, pl.col("v_city").alias("city_code")),
            on="city_code",
            how="full",
            coalesce=True,
        )
        .fill_null(0)
        .with_columns(
            pl.col("city_code")
            .replace_strict(
                _division_names(seekers["city_code"].append(vacancies["city_code"])), default="未知"
            )
            .alias("city_name"),
            _rate("matches", "openings", "fill_rate"),
            _rate("am_matches", "am_openings", "am_fill_rate"),
        )
        .sort("city_code")
    )
    city = city.select(
        "city_code", "city_name", *[c for c in city.columns if c not in ("city_code", "city_name")]
    )

    # by category
    cat = (
        seekers.group_by("category")
        .agg(pl.len().alias("seekers"))
        .join(
            matches.group_by("category").agg(
                pl.len().alias("matched"), am.sum().alias("am_matched")
            ),
            on="category",
            how="left",
        )
        .fill_null(0)
        .with_columns(
            pl.col("category")
            .replace_strict(_CATEGORY_NAMES, default="其他")
            .alias("category_name"),
            _rate("matched", "seekers", "placement_rate"),
        )
        .sort("category")
    )

    # by occupation major group of the vacancy
    major = pl.col("occupation_code").str.slice(0, 1).alias("major_group")
    tax_names = _major_group_names()
    grp = (
        vac_counts(vacancies, major)
        .join(match_counts(matches, major), on="major_group", how="left")
        .fill_null(0)
        .with_columns(
            pl.col("major_group")
            .replace_strict(tax_names, default="未编码")
            .alias("major_group_name"),
            _rate("matches", "openings", "fill_rate"),
        )
        .sort("major_group", nulls_last=True)
    )

    trainee_v = vacancies.filter(pl.col("internship").fill_null(False))
    trainee_m = matches.filter(pl.col("internship").fill_null(False))
    trainee = pl.DataFrame(
        {
            "vacancies": [trainee_v.height],
            "openings": [int(trainee_v["openings"].sum() or 0)],
            "matches": [trainee_m.height],
            "graduates_matched": [trainee_m.filter(pl.col("category") == "graduate").height],
        }
    ).with_columns(_rate("matches", "openings", "fill_rate"))

    sessions = (
        vac_counts(vacancies.filter(pl.col("session").is_not_null()), "session")
        .join(
            match_counts(matches.filter(pl.col("session").is_not_null()), "session"),
            on="session",
            how="left",
        )
        .fill_null(0)
        .with_columns(_rate("matches", "openings", "fill_rate"))
        .sort("session")
    )

    def overall_row(label: str, v: pl.DataFrame, m: pl.DataFrame, n_seekers: int) -> dict:
        openings = int(v["openings"].sum() or 0)
        return {
            "scope": label,
            "seekers": n_seekers,
            "vacancies": v.height,
            "openings": openings,
            "matches": m.height,
            "fill_rate": m.height / openings if openings else 0.0,
        }

    overall = pl.DataFrame(
        [
            overall_row("全部", vacancies, matches, seekers.height),
            overall_row(
                "先进制造业",
                vacancies.filter(am),
                matches.filter(am),
                matches.filter(am)["seeker_id"].n_unique(),
            ),
        ]
    )
    scores = result.assignments["score"].to_numpy()
    counts, edges = np.histogram(scores, bins=20, range=(0.0, 1.0))
    label = period or "all"
    charts = {
        "fill_rate_by_city": bar_chart(
            city["city_name"].to_list(),
            city["fill_rate"].to_list(),
            title=f"各市岗位填补率 {label}",
            secondary=city["am_fill_rate"].to_list(),
            legend=("全部岗位", "先进制造业"),
        ),
        "score_distribution": histogram(
            counts.tolist(), edges.tolist(), title=f"匹配得分分布 {label}"
        ),
    }
    return QuarterlyReport(
        period=label,
        tables={
            "overall": overall,
            "by_city": city,
            "by_category": cat,
            "by_major_group": grp,
            "trainee": trainee,
            "sessions": sessions,
        },
        charts=charts,
    )


@functools.cache
def _major_group_names() -> dict[str, str]:
    from matchcore.occupations import load

    return {o.code[0]: o.name for o in load().at_level(1)}
