"""Arguments of the coder's public functions: lists of titles or codes, row positions in errors."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from matchcore._errors import InvalidParameter


def _as_list(values: Any, name: str, owner: str) -> list[Any]:
    if isinstance(values, pl.Series):
        return values.cast(pl.Utf8).to_list()
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise InvalidParameter.of(name, owner, values, "a list or polars Series of strings")
    return list(values)


def _rows(positions: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(i) for i in positions[:limit])
    return shown + (f" and {len(positions) - limit} more" if len(positions) > limit else "")
