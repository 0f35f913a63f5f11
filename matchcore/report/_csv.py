"""The report's tables as CSV files a department opens in Excel: Chinese headers, UTF-8 with BOM,
and every text cell neutralised against formula injection."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matchcore._io import neutralize_cell
from matchcore.report._html import column_header
from matchcore.report._labels import COLUMNS

if TYPE_CHECKING:
    from matchcore.report._quarterly import QuarterlyReport

__all__ = ["write_csv"]


def _is_percent(column: str) -> bool:
    return COLUMNS.get(column, ("", "", ""))[1] == "%"


def _cell(value: Any, percent: bool) -> Any:
    """A CSV cell: percentages as numbers of percent (headers say （%）), 2 decimals."""
    if value is None:
        return ""
    if percent and isinstance(value, float):
        return round(value * 100, 2)
    return neutralize_cell(value)


def write_csv(rep: QuarterlyReport, folder: Path) -> list[Path]:
    """One CSV file per table, named by the table id, with Chinese headers and a title line."""
    out = []
    for tid, df in rep.tables.items():
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow([neutralize_cell(column_header(c)) for c in df.columns])
        pct = [_is_percent(c) for c in df.columns]
        for row in df.iter_rows(named=True):
            unit = row.get("unit") or ""
            w.writerow(
                [
                    _cell(v, p or (unit == "%" and c in ("value", "previous", "change")))
                    for (c, v), p in zip(row.items(), pct)
                ]
            )
        path = folder / f"{tid}.csv"
        path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
        out.append(path)
    return out
