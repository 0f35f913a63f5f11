"""The coder's shipped data files (``matchcore/normalize/data/coder_*``), read once."""

from __future__ import annotations

import csv
import functools
import hashlib
import io
from importlib import resources


def _read_data(name: str) -> str:
    return resources.files("matchcore.normalize").joinpath(f"data/{name}").read_text("utf-8")


def _data_digest(*names: str) -> str:
    h = hashlib.sha256()
    for name in names:
        h.update(_read_data(name).encode("utf-8"))
    return h.hexdigest()[:16]


@functools.cache
def _builtin_history() -> tuple[tuple[str, ...], tuple[str, ...]]:
    rows = list(csv.DictReader(io.StringIO(_read_data("coder_history.csv"))))
    return tuple(r["title"] for r in rows), tuple(r["code"] for r in rows)


@functools.cache
def _words() -> tuple[tuple[str, str], ...]:
    rows = csv.DictReader(io.StringIO(_read_data("coder_words.csv")))
    return tuple((r["word"], r["code"]) for r in rows)
