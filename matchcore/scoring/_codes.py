"""The classification's codes as integer ids, with their tree-similarity table."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from matchcore.occupations import load

__all__ = ["CodeTable", "code_table"]


@dataclass(frozen=True)
class CodeTable:
    """Every code of the classification with an id, and their similarity table.

    ``sim`` has shape ``(n + 1, n + 1)``; the last id (``null``) stands for an unknown code and is
    0 against everything.
    """

    codes: tuple[str, ...]
    ids: dict[str, int]
    sim: NDArray[np.float32]
    group: NDArray[np.int8]
    null: int


@lru_cache(maxsize=1)
def code_table() -> CodeTable:
    """The classification's codes, ids and full tree-similarity table (cached, about 17 MB)."""
    tax = load()
    codes = tuple(tax.codes)
    packed = tax.encode(np.array(codes))
    n = len(codes)
    sim = np.zeros((n + 1, n + 1), dtype=np.float32)
    sim[:n, :n] = tax.similarity(packed[:, None], packed[None, :]).astype(np.float32)
    group = np.zeros(n + 1, dtype=np.int8)
    group[:n] = [int(c[0]) for c in codes]
    return CodeTable(codes, {c: i for i, c in enumerate(codes)}, sim, group, n)
