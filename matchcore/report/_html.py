"""The report page: a Jinja2 template, print CSS for A4 and an embedded CJK font subset."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import io
from importlib import resources
from typing import TYPE_CHECKING, Any

import polars as pl

from matchcore._version import __version__
from matchcore.report._labels import COLUMNS, TABLES, header
from matchcore.report._svg import FONT_STACK

if TYPE_CHECKING:
    from matchcore.report._quarterly import QuarterlyReport

__all__ = ["FONT_FAMILY", "cell_text", "font_characters", "render_html", "table_rows"]

#: The family name the page gives its embedded font.
FONT_FAMILY = "MatchcoreSC"
_HIDDEN_ON_PAGE = {"city_code", "major_group"}  # codes stay in CSV and Excel
_CHARTS_AFTER = {
    "key_groups": ("groups",),
    "by_city": ("proposal_rate_by_city",),
    "by_major_group": ("score_distribution",),
}


@functools.cache
def _font_bytes() -> bytes:
    return (resources.files("matchcore.report") / "fonts" / "report-sc.woff2").read_bytes()


@functools.cache
def font_characters() -> frozenset[str]:
    """The characters the embedded font draws.

    Examples
    --------
    >>> chars = font_characters()
    >>> all(c in chars for c in "济南市先进制造业青年就业见习急需紧缺职业0123456789%")
    True
    """
    text = (resources.files("matchcore.report") / "fonts" / "report-sc.chars.txt").read_text(
        encoding="utf-8"
    )
    return frozenset(text)


def column_header(column: str) -> str:
    """The Chinese header of a table column (key-group columns are ``group:名称``)."""
    if column.startswith("group:"):
        return f"其中{column[6:]}（人）"
    return header(column)


def cell_text(column: str, value: Any, unit: str = "") -> str:
    """A value as the page and the CSV show it: thousands separators, percentages, ``—``.

    Examples
    --------
    >>> cell_text("openings", 12345), cell_text("proposal_rate", 0.1234), cell_text("hires", None)
    ('12,345', '12.3%', '—')
    >>> cell_text("change", 0.012, unit="%"), cell_text("value", 3.0, unit="人")
    ('+1.2个百分点', '3')
    """
    if value is None:
        return "—"
    is_pct = COLUMNS.get(column, ("", "", ""))[1] == "%" or (
        unit == "%" and column in ("value", "previous", "change")
    )
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        if column == "change_pct":
            return f"{value:+.1%}"
        if is_pct:
            if column == "change":
                return f"{value * 100:+.1f}个百分点"
            return f"{value:.1%}"
        if column == "change":
            return f"{value:+,.0f}"
        if isinstance(value, float) and value.is_integer():
            return f"{int(value):,}"
        return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    return str(value)


def table_rows(df: pl.DataFrame, *, page: bool = True) -> tuple[list[str], list[list[str]]]:
    """Chinese headers and formatted cells of a report table (codes hidden on the page)."""
    cols = [c for c in df.columns if not (page and c in _HIDDEN_ON_PAGE)]
    rows = []
    for r in df.select(cols).iter_rows(named=True):
        unit = r.get("unit") or ""
        rows.append([cell_text(c, r[c], unit) for c in cols])
    return [column_header(c) for c in cols], rows


def _definitions(columns: list[str]) -> list[tuple[str, str]]:
    seen = []
    for c in columns:
        name, _, d = COLUMNS.get(c, (c, "", ""))
        if d and c not in ("city_name",):
            seen.append((name, d))
    return seen


def _cards(rep: QuarterlyReport) -> list[dict[str, str]]:
    o = rep.tables["overall"]
    allr, amr = o.row(0, named=True), o.row(1, named=True)
    cards = [
        ("新登记求职人数", cell_text("seekers", allr["seekers"]), "本期登记，单位：人"),
        ("岗位数", cell_text("postings", allr["postings"]), "本期发布，单位：个"),
        ("招聘人数", cell_text("openings", allr["openings"]), "本期岗位招聘人数，单位：人"),
        ("匹配建议", cell_text("proposals", allr["proposals"]), "人次，不是录用"),
        ("建议匹配率", cell_text("proposal_rate", allr["proposal_rate"]), "匹配建议/招聘人数"),
        ("先进制造业岗位数", cell_text("postings", amr["postings"]), "单位：个"),
        ("先进制造业匹配建议", cell_text("proposals", amr["proposals"]), "人次，不是录用"),
    ]
    if rep.has_outcomes:
        cards.append(("录用人数", cell_text("hires", allr["hires"]), "录用反馈，单位：人"))
    else:
        cards.append(("录用人数", "未提供", "需提供录用反馈"))
    return [{"label": a, "value": b, "definition": c} for a, b, c in cards]


def render_html(rep: QuarterlyReport, *, embed_font: bool = True) -> str:
    """The page of ``rep`` as one self-contained HTML string."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("matchcore.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    css = (
        (resources.files("matchcore.report") / "templates" / "report.css")
        .read_text(encoding="utf-8")
        .replace("FONT_STACK", FONT_STACK)
    )
    tables = []
    for tid, df in rep.tables.items():
        title, note = TABLES.get(tid, (tid, ""))
        if tid == "shortage" and df.height:
            listed = df.filter(pl.col("occupation_code") != "合计")
            covered = int((listed["postings"] > 0).sum())
            note = (
                f"目录内职业 {listed.height} 个，本期有岗位的 {covered} 个，"
                f"覆盖率 {covered / listed.height:.1%}。目录职业的下级职业岗位一并计入。"
            )
        tables.append(
            {
                "id": tid,
                "title": title,
                "note": note,
                "parts": _parts(df),
                "empty": "本期无数据。" if tid != "shortage" else "未提供急需紧缺职业目录。",
                "definitions": _definitions(list(df.columns)) if tid != "comparison" else [],
                "charts": [
                    jinja2.utils.markupsafe.Markup(rep.charts[c])
                    for c in _CHARTS_AFTER.get(tid, ())
                    if c in rep.charts
                ],
            }
        )
    if rep.start is not None and rep.end is not None:
        period_text = f"{_date(rep.start)}至{_date(rep.end)}"
    else:
        period_text = "全部数据（无日期）"
    context = dict(
        title=f"人岗匹配服务{'季度' if rep.period != 'all' else ''}统计报告（{rep.title}）",
        period_text=period_text,
        period_words=rep.title,
        generated=_date(dt.date.today()),
        has_outcomes=rep.has_outcomes,
        cards=_cards(rep),
        tables=tables,
        notes=rep.notes,
        css=jinja2.utils.markupsafe.Markup(css),
        version=__version__,
    )
    template = env.get_template("report.html.j2")
    page = template.render(font_data="", **context)
    if not embed_font:
        return page
    font = embedded_font(page)
    return template.render(font_data=base64.b64encode(font).decode("ascii"), **context)


def embedded_font(page: str) -> bytes:
    """The font to embed in ``page``: cut to the page's characters where fontTools and brotli
    are installed (the ``report`` extra: about 70 KB instead of 1.2 MB), else the whole subset.
    """
    try:
        import brotli  # noqa: F401  (fontTools reads and writes WOFF2 with it)
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:
        return _font_bytes()
    chars = "".join(sorted(set(page) & font_characters()))
    font = TTFont(io.BytesIO(_font_bytes()))
    opts = subset.Options()
    opts.flavor = "woff2"
    opts.hinting = False
    opts.layout_features = ["kern", "palt", "locl"]
    sub = subset.Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def _parts(df: pl.DataFrame, max_numbers: int = 6) -> list[dict[str, Any]]:
    """The page's tables for one report table: a wide one is cut in two, the whole columns and
    the advanced-manufacturing ones, each with the row labels, so it fits A4 portrait."""
    if df.height == 0:
        return []
    shown = [c for c in df.columns if c not in _HIDDEN_ON_PAGE]
    labels = [c for c in shown if not df.schema[c].is_numeric()]
    numbers = [c for c in shown if c not in labels]
    am = [c for c in numbers if c.startswith("am_")]
    groups = [numbers]
    if len(numbers) > max_numbers and len(am) >= 2:  # no one-column continuation
        groups = [[c for c in numbers if c not in am], am]
    last = df.row(df.height - 1, named=True)
    has_total = "合计" in [str(v) for v in last.values()]
    parts = []
    for k, cols in enumerate(groups):
        sub = df.select(*labels, *cols)
        headers, rows = table_rows(sub)
        parts.append(
            {
                "caption": "（续）先进制造业" if k else "",
                "headers": headers,
                "rows": [
                    {
                        "cells": [
                            {"text": t, "num": c in cols} for t, c in zip(row, [*labels, *cols])
                        ],
                        "total": has_total and i == len(rows) - 1,
                    }
                    for i, row in enumerate(rows)
                ],
                "small": len(rows) <= 12,
            }
        )
    return parts


def _date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"
