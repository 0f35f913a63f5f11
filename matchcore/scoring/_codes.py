"""The classification's codes as integer ids (relatedness lives in :mod:`._related`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from matchcore.occupations import load

__all__ = ["CodeTable", "code_table"]


@dataclass(frozen=True)
class CodeTable:
    """Every code of the classification with an id; ``null`` (= ``len(codes)``) is unknown.

    ``group`` has shape ``(n + 1,)``: the major group (first digit) of each id, 0 for ``null``.
    """

    codes: tuple[str, ...]
    ids: dict[str, int]
    group: NDArray[np.int8]
    null: int


@lru_cache(maxsize=1)
def code_table() -> CodeTable:
    """The classification's codes and ids (cached)."""
    codes = tuple(load().codes)
    n = len(codes)
    group = np.zeros(n + 1, dtype=np.int8)
    group[:n] = [int(c[0]) for c in codes]
    return CodeTable(codes, {c: i for i, c in enumerate(codes)}, group, n)
