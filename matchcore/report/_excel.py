"""The report as one Excel workbook in the layout of a submission form (报表): a sheet a table,
each with its form number, title, reporting unit, period, units, Chinese headers, totals,
definitions and signature line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matchcore._io import neutralize_cell
from matchcore.report._html import column_header
from matchcore.report._labels import COLUMNS, TABLES

if TYPE_CHECKING:
    from matchcore.report._quarterly import QuarterlyReport

__all__ = ["SHEET_NAMES", "write_workbook"]

SHEET_NAMES = {
    "comparison": "主要指标",
    "overall": "总体情况",
    "key_groups": "重点群体",
    "seekers_by_city": "各市求职人员",
    "by_city": "各市岗位",
    "trainee": "就业见习",
    "sessions": "专场招聘",
    "shortage": "急需紧缺职业",
    "by_major_group": "职业大类",
}


def _date(d: dt.date | None) -> str:
    return "" if d is None else f"{d.year}年{d.month}月{d.day}日"


def write_workbook(rep: QuarterlyReport, path: Path) -> Path:
    """Write the workbook to ``path`` (written to a temporary name first, then renamed)."""
    import xlsxwriter

    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    period = f"{_date(rep.start)}至{_date(rep.end)}" if rep.start else "全部数据"
    with xlsxwriter.Workbook(tmp, {"strings_to_formulas": False, "strings_to_urls": False}) as wb:
        f_title = wb.add_format(
            {"bold": True, "font_size": 15, "align": "center", "valign": "vcenter"}
        )
        f_small = wb.add_format({"font_size": 9, "font_color": "#555555"})
        f_right = wb.add_format({"font_size": 9, "font_color": "#555555", "align": "right"})
        f_head = wb.add_format({"bold": True, "border": 1, "bg_color": "#E9EFF5", "text_wrap": True,
                                "align": "center", "valign": "vcenter", "font_size": 10})  # fmt: skip
        base = {"border": 1, "font_size": 10}
        f_text = wb.add_format({**base, "text_wrap": True})
        f_int = wb.add_format({**base, "num_format": "#,##0"})
        f_pct = wb.add_format({**base, "num_format": "0.0%"})
        f_dec = wb.add_format({**base, "num_format": "#,##0.00"})
        totals = {k: wb.add_format({**base, "bold": True, "bg_color": "#F4F6F8", **extra})
                  for k, extra in (("text", {}), ("int", {"num_format": "#,##0"}),
                                   ("pct", {"num_format": "0.0%"}), ("dec", {"num_format": "#,##0.00"}))}  # fmt: skip
        f_def = wb.add_format(
            {"font_size": 9, "font_color": "#555555", "text_wrap": True, "valign": "top"}
        )
        f_notice = wb.add_format(
            {"bold": True, "font_color": "#9C5700", "text_wrap": True, "valign": "top"}
        )

        cover = wb.add_worksheet("说明")
        cover.set_column(0, 0, 100)
        kind = "季度" if rep.period != "all" else ""
        cover.write(0, 0, f"人岗匹配服务{kind}统计报告（{rep.title}）", f_title)
        cover.write(1, 0, f"统计期间：{period}")
        cover.write(2, 0, "填报单位（盖章）：")
        cover.write(
            4, 0,
            "重要说明：匹配建议不是录用。“匹配建议”是匹配系统为本期岗位提出的人岗匹配建议；"
            "建议匹配率＝匹配建议/招聘人数，不是岗位填补率。"
            + ("录用人数和填补率取自录用反馈。" if rep.has_outcomes else "本期未提供录用反馈，未统计录用人数和填补率。"),
            f_notice,
        )  # fmt: skip
        cover.set_row(4, 45)
        for i, n in enumerate(rep.notes):
            cover.write(6 + i, 0, neutralize_cell(n), f_def)

        for no, (tid, df) in enumerate(rep.tables.items(), start=1):
            ws = wb.add_worksheet(SHEET_NAMES.get(tid, tid)[:31])
            title, note = TABLES.get(tid, (tid, ""))
            ncol = max(df.width, 4)
            ws.set_paper(9)  # A4
            ws.set_landscape() if df.width > 9 else ws.set_portrait()
            ws.fit_to_pages(1, 0)
            ws.repeat_rows(4)
            ws.write(0, ncol - 1, f"表号：人岗匹配-季报{no}", f_right)
            ws.merge_range(1, 0, 1, ncol - 1, title.split("、", 1)[-1], f_title)
            ws.set_row(1, 26)
            ws.write(2, 0, "填报单位（盖章）：", f_small)
            ws.write(2, max(ncol // 2 - 1, 1), f"统计期间：{period}", f_small)
            units = sorted({COLUMNS.get(c, ("", "", ""))[1] for c in df.columns} - {"", "%"})
            ws.write(3, 0, f"计量单位：{'、'.join(units) or '见表头'}", f_small)
            headers = [column_header(c) for c in df.columns]
            for j, h in enumerate(headers):
                ws.write(4, j, h, f_head)
                ws.set_column(j, j, max(8, min(24, len(h) * 1.6 + 2)))
            ws.set_row(4, 42)
            ws.freeze_panes(5, 0)
            last = df.height - 1
            for i, row in enumerate(df.iter_rows(named=True)):
                is_total = i == last and "合计" in [str(v) for v in row.values()]
                unit = row.get("unit") or ""
                for j, c in enumerate(df.columns):
                    v = row[c]
                    kind = _kind(c, v, unit)
                    fmt = (
                        totals[kind]
                        if is_total
                        else {"text": f_text, "int": f_int, "pct": f_pct, "dec": f_dec}[kind]
                    )
                    if v is None:
                        ws.write_blank(5 + i, j, None, fmt) if kind != "text" else ws.write(
                            5 + i, j, "—", fmt
                        )
                    elif kind == "text":
                        ws.write_string(5 + i, j, str(neutralize_cell(v)), fmt)
                    else:
                        ws.write_number(5 + i, j, float(v), fmt)
            r = 5 + df.height + 1
            defs = [f"{COLUMNS[c][0]}：{COLUMNS[c][2]}" for c in df.columns
                    if c in COLUMNS and COLUMNS[c][2] and c != "city_name"]  # fmt: skip
            text = "口径：" + "；".join([x.rstrip("。") for x in (note, *defs) if x]) + "。"
            ws.merge_range(r, 0, r, ncol - 1, text, f_def)
            ws.set_row(r, 15 * (1 + len(text) // (ncol * 9)))
            ws.write(r + 2, 0, "单位负责人：", f_small)
            ws.write(r + 2, max(ncol // 4, 1), "审核人：", f_small)
            ws.write(r + 2, max(ncol // 2, 2), "填表人：", f_small)
            ws.write(r + 2, max(3 * ncol // 4, 3), "报出日期：", f_small)
    tmp.replace(path)
    return path


def _kind(column: str, value: Any, unit: str) -> str:
    if isinstance(value, str) or column in ("scope", "indicator", "unit", "group", "session",
                                            "city_code", "city_name", "occupation_code",
                                            "occupation_name", "major_group", "major_group_name"):  # fmt: skip
        return "text"
    if COLUMNS.get(column, ("", "", ""))[1] == "%" or (
        unit == "%" and column in ("value", "previous", "change")
    ):
        return "pct"
    if isinstance(value, float) and not value.is_integer():
        return "dec"
    return "int"
