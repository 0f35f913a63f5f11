"""Reading and writing tables: CSV (UTF-8, GBK/GB18030), Parquet and Excel, by file suffix.

Nothing here loads pickles or any other executable format: only the three data formats above.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path

import polars as pl

from matchcore._errors import InvalidValue, MatchcoreError

__all__ = ["SUFFIXES", "read_table", "write_table"]

log = logging.getLogger(__name__)

SUFFIXES = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".xlsx": "excel", ".xls": "excel"}
_ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK and GB2312


class UnsupportedFile(MatchcoreError, ValueError):
    """A path that does not exist or whose format is not one we read."""


def _format_of(path: Path) -> str:
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise UnsupportedFile(
            f"cannot read or write {str(path)!r}: expected a file ending in "
            f"{', '.join(sorted(SUFFIXES))}"
        )
    return fmt


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    for enc in _ENCODINGS:
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError:
            continue
    raise InvalidValue("encoding", str(path), "a CSV file in UTF-8, GBK or GB18030")


def _separator(text: str) -> str:
    """The delimiter of a delimited text file: the most frequent of , tab ; | in its header."""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", "\t", ";", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def read_table(path: str | Path, *, sheet: str | None = None) -> pl.DataFrame:
    """Read a CSV (UTF-8 or GBK/GB18030, detected), Parquet or Excel file as strings-first raw table.

    The delimiter of CSV and ``.txt`` files (comma, tab, semicolon or ``|``) is taken from the
    header line.

    CSV columns are all read as text (``Utf8``) so that codes such as ``0370102`` or ids with
    leading zeros survive; the records stage types them. Excel needs the ``excel`` extra.

    Parameters
    ----------
    path : str or Path
        The file; its suffix picks the format.
    sheet : str, optional
        Excel sheet name (the first sheet by default).

    Returns
    -------
    polars.DataFrame

    Examples
    --------
    >>> import tempfile, pathlib, polars as pl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "v.csv"
    >>> _ = p.write_bytes("vacancy_id,title\\nv1,电工\\n".encode("gbk"))
    >>> read_table(p).to_dicts()
    [{'vacancy_id': 'v1', 'title': '电工'}]
    """
    path = Path(path)
    fmt = _format_of(path)
    if not path.is_file():
        raise UnsupportedFile(f"no such file: {str(path)!r}")
    if fmt == "csv":
        text, enc = _decode(path.read_bytes(), path)
        log.debug("reading %s as %s", path, enc)
        return pl.read_csv(io.StringIO(text), infer_schema=False, separator=_separator(text))
    if fmt == "parquet":
        return pl.read_parquet(path)
    try:
        import fastexcel  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise UnsupportedFile(
            f"reading Excel file {str(path)!r} needs the excel extra: pip install 'matchcore[excel]'"
        ) from exc
    if sheet is None:
        return pl.read_excel(path, engine="calamine")
    return pl.read_excel(path, sheet_name=sheet, engine="calamine")


def write_table(df: pl.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as CSV (UTF-8 with BOM, so Excel opens Chinese text), Parquet or Excel.

    List columns are joined with ``|`` for CSV and Excel, which cannot hold lists.

    Examples
    --------
    >>> import tempfile, pathlib, polars as pl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "out.parquet"
    >>> write_table(pl.DataFrame({"a": [1]}), p).name
    'out.parquet'
    """
    path = Path(path)
    fmt = _format_of(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "parquet":
        df.write_parquet(path)
        return path
    flat = df.with_columns(
        pl.col(name).cast(pl.List(pl.Utf8)).list.join("|")
        for name, dtype in df.schema.items()
        if isinstance(dtype, pl.List)
    )
    if fmt == "csv":
        with path.open("wb") as fh:
            fh.write(b"\xef\xbb\xbf")
            flat.write_csv(fh)
        return path
    try:
        import xlsxwriter  # noqa: F401
    except ImportError as exc:  # pragma: no cover
        raise UnsupportedFile(
            f"writing Excel file {str(path)!r} needs the excel extra: pip install 'matchcore[excel]'"
        ) from exc
    flat.write_excel(path)
    return path
