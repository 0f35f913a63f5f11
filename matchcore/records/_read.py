"""Read raw record tables from the files a service exports."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from matchcore._io import read_table

__all__ = ["read"]


def read(path: str | Path, *, sheet: str | None = None) -> pl.DataFrame:
    """Read a raw seeker or vacancy table from CSV, Parquet or Excel.

    CSV files are decoded as UTF-8 (with or without a byte-order mark) or, failing that, as
    GB18030, the superset of GBK and GB2312 that Chinese government systems often export; every
    CSV column is read as text so that codes and ids with leading zeros survive (``prepare``
    types them); the delimiter (comma, tab, semicolon or ``|``, as in ``.txt`` exports) is
    taken from the header line. Parquet keeps its types. Excel (``.xlsx``/``.xls``) is read with polars'
    ``read_excel`` on the calamine engine (the ``fastexcel`` package, the ``excel`` extra).

    Parameters
    ----------
    path : str or Path
        The file; its suffix (``.csv``, ``.txt``, ``.parquet``, ``.xlsx``, ``.xls``) picks the
        format.
    sheet : str, optional
        Excel sheet name (the first sheet by default).

    Returns
    -------
    polars.DataFrame
        The raw table, ready for :func:`matchcore.records.prepare`.

    Raises
    ------
    matchcore.InvalidValue
        A CSV file that is neither UTF-8 nor GB18030.
    matchcore.MatchcoreError
        A missing file or a suffix that is not one of the above.

    Examples
    --------
    >>> import tempfile, pathlib, matchcore as mc
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "seekers.csv"
    >>> _ = path.write_bytes("seeker_id,desired_title,region\\n001,电工,济南\\n".encode("gbk"))
    >>> mc.records.read(path).rows()
    [('001', '电工', '济南')]
    """
    return read_table(path, sheet=sheet)
