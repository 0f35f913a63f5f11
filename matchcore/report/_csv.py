"""The report's tables as CSV files a department opens in Excel: Chinese headers, UTF-8 with BOM,
and every text cell neutralised against formula injection."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matchcore.report._labels import TABLES

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


def write_csv(rep: QuarterlyReport, folder: Path) -> list[Path]:
    """One CSV file per table, named by the table id, with Chinese headers and a title line."""
    from matchcore.report._html import column_header

    out = []
    for tid, df in rep.tables.items():
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow([_neutralise_csv_cell(column_header(c)) for c in df.columns])
        for row in df.iter_rows():
            w.writerow(["" if v is None else _neutralise_csv_cell(v) for v in row])
        path = folder / f"{tid}.csv"
        path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
        out.append(path)
    _ = TABLES
    return out
