"""The report's tables as CSV files a department opens in Excel: Chinese headers, UTF-8 with BOM,
and every text cell neutralised against formula injection."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matchcore.report._labels import COLUMNS

if TYPE_CHECKING:
    from matchcore.report._quarterly import QuarterlyReport

__all__ = ["write_csv"]

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _neutralise_csv_cell(value: Any) -> Any:
    """A cell a spreadsheet will not run as a formula (OWASP: prefix ``'`` to ``=+-@``, tab, CR).

    Numbers pass unchanged: only text can carry a formula. (To be replaced by the shared helper
    of ``matchcore._io`` when it lands.)

    Examples
    --------
    >>> _neutralise_csv_cell("=HYPERLINK(\\"http://x\\")"), _neutralise_csv_cell("济南市")
    ('\\'=HYPERLINK("http://x")', '济南市')
    >>> _neutralise_csv_cell(-3), _neutralise_csv_cell("-3")
    (-3, "'-3")
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _is_percent(column: str) -> bool:
    return COLUMNS.get(column, ("", "", ""))[1] == "%"


def _cell(value: Any, percent: bool) -> Any:
    """A CSV cell: percentages as numbers of percent (headers say （%）), 2 decimals."""
    if value is None:
        return ""
    if percent and isinstance(value, float):
        return round(value * 100, 2)
    return _neutralise_csv_cell(value)


def write_csv(rep: QuarterlyReport, folder: Path) -> list[Path]:
    """One CSV file per table, named by the table id, with Chinese headers and a title line."""
    from matchcore.report._html import column_header

    out = []
    for tid, df in rep.tables.items():
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow([_neutralise_csv_cell(column_header(c)) for c in df.columns])
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
