"""Reading and writing tables: CSV (UTF-8, GBK/GB18030), Parquet and Excel, by file suffix.

Nothing here loads pickles or any other executable format: only the three data formats above.

Reading fails with one :class:`~matchcore.UnsupportedFile` (in Chinese) that names the file, the
line, sheet or column at fault and how to fix it: an empty file, a byte that is neither UTF-8 nor
GBK (with its line), a repeated column name, a damaged or renamed workbook, a missing sheet.

Writing a CSV neutralises formula cells by the OWASP rule (:func:`neutralize_formulas`): a text
cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'``,
so a spreadsheet shows it as text instead of running it. Excel output stays text (cells are
written as strings, never as formulas) and a table longer than a worksheet's 1,048,576 rows is
split over several sheets (:data:`EXCEL_MAX_ROWS`).
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl

from matchcore._errors import UnsupportedFile

__all__ = [
    "EXCEL_MAX_ROWS",
    "FORMULA_PREFIXES",
    "SUFFIXES",
    "UnsupportedFile",
    "file_sha256",
    "neutralize_cell",
    "neutralize_formulas",
    "read_table",
    "write_table",
]

log = logging.getLogger(__name__)

SUFFIXES = {".csv": "csv", ".txt": "csv", ".parquet": "parquet", ".xlsx": "excel", ".xls": "excel"}
_ENCODINGS = ("utf-8-sig", "gb18030")  # gb18030 is a superset of GBK and GB2312

#: Rows in one Excel worksheet, the header included.
EXCEL_MAX_ROWS = 1_048_576

#: Cell beginnings that a spreadsheet reads as a formula (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


def _format_of(path: Path) -> str:
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise UnsupportedFile(
            f"无法读写 {str(path)!r}：不支持后缀 {path.suffix or '（无后缀）'!r}；"
            f"请使用 {', '.join(sorted(SUFFIXES))} 之一（expected a file ending in "
            f"{', '.join(sorted(SUFFIXES))}）"
        )
    return fmt


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, as hex.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = p.write_bytes(b"")
    >>> file_sha256(p)[:12]
    'e3b0c44298fc'
    """
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _decode(raw: bytes, path: Path) -> tuple[str, str]:
    errors: list[UnicodeDecodeError] = []
    for enc in _ENCODINGS:
        try:
            return raw.decode(enc), enc
        except UnicodeDecodeError as exc:
            errors.append(exc)
    # name the place where the likelier encoding (the one that read further) stopped
    worst = max(errors, key=lambda e: e.start)
    line = raw.count(b"\n", 0, worst.start) + 1
    col = worst.start - (raw.rfind(b"\n", 0, worst.start) + 1) + 1
    bad = raw[worst.start : worst.start + 4].hex(" ")
    raise UnsupportedFile(
        f"{str(path)!r} 第 {line} 行第 {col} 个字节起无法按 UTF-8 或 GBK 解码（字节 {bad}）；"
        "请在该行修正或删除这个字符，或把文件另存为 UTF-8 编码的 CSV "
        "(cannot read encoding: expected a CSV file in UTF-8, GBK or GB18030)"
    )


def _separator(text: str) -> str:
    """The delimiter of a delimited text file: the most frequent of , tab ; | in its header."""
    header = text.split("\n", 1)[0]
    counts = {sep: header.count(sep) for sep in (",", "\t", ";", "|")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _check_header(names: list[str], path: Path, where: str) -> None:
    """Refuse empty and repeated column names: a repeated one would shadow the other."""
    counts = Counter(n.strip() for n in names)
    dup = [n for n, c in counts.items() if c > 1 and n]
    if dup:
        cols = "；".join(
            f"{n!r} 在第 {'、'.join(str(i + 1) for i, x in enumerate(names) if x.strip() == n)} 列"
            for n in dup
        )
        raise UnsupportedFile(
            f"{str(path)!r}{where} 表头的列名重复：{cols}；请把重复的列改名或删除其中一列"
        )


def _title_row(path: Path, where: str, skip_rows: int, option: str) -> UnsupportedFile:
    return UnsupportedFile(
        f"{str(path)!r}{where} 第 {skip_rows + 1} 行看起来是标题行而不是表头（只有第一格有字）；"
        f"请用 {option} {skip_rows + 1} 跳过它，或删除这一行"
    )


def _read_csv(path: Path, skip_rows: int, option: str) -> pl.DataFrame:
    raw = path.read_bytes()
    text, enc = _decode(raw, path)
    log.debug("reading %s as %s", path, enc)
    lines = text.splitlines(keepends=True)
    if skip_rows:
        text = "".join(lines[skip_rows:])
    if not text.strip():
        shown = f"跳过 {skip_rows} 行后" if skip_rows else ""
        raise UnsupportedFile(
            f"{str(path)!r} {shown}是空文件，没有表头也没有数据；"
            "请确认导出的是正确的文件（第一行应为列名）"
        )
    sep = _separator(text)
    first_lines = text.split("\n", 2)
    header = next(csv.reader(io.StringIO(first_lines[0]), delimiter=sep))
    if len(header) == 1 and len(first_lines) > 1 and _separator(first_lines[1]) in first_lines[1]:
        raise _title_row(path, "", skip_rows, option)
    _check_header(header, path, f" 第 {skip_rows + 1} 行")
    try:
        return pl.read_csv(io.StringIO(text), infer_schema=False, separator=sep)
    except pl.exceptions.PolarsError as exc:
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UnsupportedFile(
            f"{str(path)!r} 不是可读的 CSV 表格（{detail}）；请检查各行的列数与表头一致、"
            "引号成对，或在 Excel 中另存为 CSV"
        ) from exc


def _read_excel(
    path: Path, sheet: str | None, skip_rows: int, option: str, sheet_option: str
) -> pl.DataFrame:
    try:
        import fastexcel
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise UnsupportedFile(
            f"读取 Excel 文件 {str(path)!r} 需要 excel 扩展：pip install 'matchcore[excel]'"
        ) from exc
    with path.open("rb") as fh:
        head = fh.read(8)
    if not head:
        raise UnsupportedFile(f"{str(path)!r} 是空文件（0 字节）；请重新导出该工作簿")
    if not (head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC)):
        raise UnsupportedFile(
            f"{str(path)!r} 不是 Excel 工作簿（看起来是文本或其他格式的文件改了后缀）；"
            "如果它是 CSV，请把后缀改为 .csv；否则请在 Excel 中另存为 .xlsx"
        )
    try:
        reader = fastexcel.read_excel(str(path))
        names = list(reader.sheet_names)
    except Exception as exc:  # calamine raises its own types for a damaged zip or workbook
        raise UnsupportedFile(
            f"{str(path)!r} 这个 Excel 工作簿已损坏或不完整（{type(exc).__name__}）；"
            "请重新导出或在 Excel 中打开后另存为 .xlsx"
        ) from exc
    if sheet is not None and sheet not in names:
        raise UnsupportedFile(
            f"{str(path)!r} 中没有名为 {sheet!r} 的工作表；现有工作表：{names}；"
            f"请用 {sheet_option} 选择其中一个"
        )
    name = sheet if sheet is not None else names[0]
    where = f" 工作表 {name!r}"
    try:
        top = reader.load_sheet(
            name, header_row=None, skip_rows=skip_rows, n_rows=1, dtypes="string"
        ).to_polars()
        header_cells = ["" if v is None else str(v) for v in top.row(0)] if top.height else []
    except Exception as exc:
        raise UnsupportedFile(
            f"{str(path)!r}{where} 无法读取（{type(exc).__name__}）；请在 Excel 中另存为 .xlsx"
        ) from exc
    if not header_cells:
        shown = f"跳过 {skip_rows} 行后" if skip_rows else ""
        raise UnsupportedFile(
            f"{str(path)!r}{where} {shown}是空的，没有表头也没有数据；请确认选对了工作表"
        )
    if len(header_cells) > 1 and sum(bool(c.strip()) for c in header_cells[1:]) == 0:
        raise _title_row(path, where, skip_rows, option)
    _check_header(header_cells, path, f"{where} 第 {skip_rows + 1} 行")
    try:
        return pl.read_excel(
            path, sheet_name=name, engine="calamine", read_options={"header_row": skip_rows}
        )
    except Exception as exc:
        raise UnsupportedFile(
            f"{str(path)!r}{where} 无法读取（{type(exc).__name__}）；请在 Excel 中另存为 .xlsx"
        ) from exc


def read_table(
    path: str | Path,
    *,
    sheet: str | None = None,
    skip_rows: int = 0,
    options: tuple[str, str] = ("skip_rows=", "sheet="),
) -> pl.DataFrame:
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
    skip_rows : int, default 0
        Lines (CSV) or rows (Excel) above the header to skip, such as a title row.
    options : (str, str), default ("skip_rows=", "sheet=")
        How messages name the skip-rows and sheet settings (a command passes its options,
        e.g. ``("--seekers-skip-rows", "--seekers-sheet")``).

    Returns
    -------
    polars.DataFrame

    Raises
    ------
    UnsupportedFile
        A missing, empty or damaged file, an undecodable byte (the message names its line), a
        repeated column name, a missing sheet, a suffix that is not a table format.

    Examples
    --------
    >>> import tempfile, pathlib, polars as pl
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "v.csv"
    >>> _ = p.write_bytes("vacancy_id,title\\nv1,电工\\n".encode("gbk"))
    >>> read_table(p).to_dicts()
    [{'vacancy_id': 'v1', 'title': '电工'}]
    >>> _ = p.write_bytes("2026年三季度岗位\\nvacancy_id,title\\nv1,电工\\n".encode("utf-8"))
    >>> read_table(p, skip_rows=1).columns
    ['vacancy_id', 'title']
    """
    path = Path(path)
    fmt = _format_of(path)
    if not isinstance(skip_rows, int) or skip_rows < 0:
        raise UnsupportedFile(f"skip_rows 必须是不小于 0 的整数，收到 {skip_rows!r}")
    if not path.is_file():
        raise UnsupportedFile(
            f"文件不存在：{str(path)!r}；请检查路径 (no such file: {str(path)!r})"
        )
    try:
        return _read(path, fmt, sheet, skip_rows, options)
    except OSError as exc:
        raise UnsupportedFile(
            f"无法打开 {str(path)!r}（{exc.strerror or type(exc).__name__}）；请检查文件权限"
        ) from exc


def _read(
    path: Path, fmt: str, sheet: str | None, skip_rows: int, options: tuple[str, str]
) -> pl.DataFrame:
    if fmt == "csv":
        return _read_csv(path, skip_rows, options[0])
    if fmt == "parquet":
        try:
            df = pl.read_parquet(path)
        except Exception as exc:  # polars raises several types for a damaged file
            raise UnsupportedFile(
                f"{str(path)!r} 不是完整的 Parquet 文件（{type(exc).__name__}）；请重新导出"
            ) from exc
        return df.slice(skip_rows) if skip_rows else df
    return _read_excel(path, sheet, skip_rows, *options)


def neutralize_cell(value: Any) -> Any:
    """One cell made inert by the rule of :func:`neutralize_formulas` (numbers pass unchanged).

    Examples
    --------
    >>> neutralize_cell("=1+1"), neutralize_cell("济南市"), neutralize_cell(-3)
    ("'=1+1", '济南市', -3)
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def neutralize_formulas(df: pl.DataFrame) -> pl.DataFrame:
    """``df`` with every text cell that a spreadsheet would run as a formula made inert.

    The OWASP rule for CSV injection: a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a
    carriage return gets a leading single quote. Only text columns change; numbers stay
    numbers. Call it on any table before writing it as CSV (:func:`write_table` does).

    Parameters
    ----------
    df : polars.DataFrame

    Returns
    -------
    polars.DataFrame
        A new frame; ``df`` is not changed.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"id": ['=HYPERLINK("http://x","V1")', "V2", "-3"], "n": [1, -2, 3]})
    >>> neutralize_formulas(df).to_dict(as_series=False)
    {'id': ['\\'=HYPERLINK("http://x","V1")', 'V2', "'-3"], 'n': [1, -2, 3]}
    """
    pattern = "^[" + "".join(FORMULA_PREFIXES).replace("-", r"\-") + "]"
    text = [n for n, t in df.schema.items() if t == pl.Utf8]
    if not text:
        return df
    return df.with_columns(
        pl.when(pl.col(n).str.contains(pattern))
        .then(pl.concat_str(pl.lit("'"), pl.col(n)))
        .otherwise(pl.col(n))
        .alias(n)
        for n in text
    )


def _sheet_names(stem: str, n: int) -> list[str]:
    """Worksheet names from a file stem: Excel refuses []:*?/\\ and more than 31 characters."""
    base = re.sub(r"[\[\]:*?/\\]", "_", stem)[:27].strip("'") or "Sheet"
    return [base] + [f"{base}_{i + 1}" for i in range(1, n)]


def write_table(df: pl.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as CSV (UTF-8 with BOM, so Excel opens Chinese text), Parquet or Excel.

    List columns are joined with ``|`` for CSV and Excel, which cannot hold lists. CSV cells are
    passed through :func:`neutralize_formulas`. An Excel table longer than one worksheet
    (:data:`EXCEL_MAX_ROWS` rows with the header) is split over sheets ``name``, ``name_2``, ...
    of the same workbook, in row order.

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
            neutralize_formulas(flat).write_csv(fh)
        return path
    try:
        import xlsxwriter
    except ImportError as exc:  # pragma: no cover
        raise UnsupportedFile(
            f"写 Excel 文件 {str(path)!r} 需要 excel 扩展：pip install 'matchcore[excel]'"
        ) from exc
    per_sheet = EXCEL_MAX_ROWS - 1
    if flat.height <= per_sheet:
        flat.write_excel(path, worksheet=_sheet_names(path.stem, 1)[0])
        return path
    n = -(-flat.height // per_sheet)
    log.warning("%s: %d rows written over %d worksheets", path.name, flat.height, n)
    # strings_to_formulas off: a cell "=1+1" stays text (polars sets the same for a path)
    with xlsxwriter.Workbook(path, {"strings_to_formulas": False}) as wb:
        for i, name in enumerate(_sheet_names(path.stem, n)):
            flat.slice(i * per_sheet, per_sheet).write_excel(wb, worksheet=name)
    return path
