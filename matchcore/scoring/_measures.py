"""What the components and the reasons both measure: the distance between two places and the
similarity of two titles."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

__all__ = ["TITLE_QUANTUM", "distance_km", "title_pairs", "title_table"]

F32 = np.float32


def distance_km(a: NDArray[np.float32], b: NDArray[np.float32]) -> NDArray[np.float32]:
    """Great-circle distance in km between broadcastable (..., 2) longitude/latitude arrays.

    NaN where either place is unknown.

    Examples
    --------
    >>> qd, lx = np.array([120.38, 36.07]), np.array([120.52, 36.89])  # 青岛市区, 莱西
    >>> round(float(distance_km(qd, lx)))
    92
    """
    a = np.radians(np.asarray(a, dtype=np.float64))
    b = np.radians(np.asarray(b, dtype=np.float64))
    dlon = b[..., 0] - a[..., 0]
    dlat = b[..., 1] - a[..., 1]
    h = np.sin(dlat / 2) ** 2 + np.cos(a[..., 1]) * np.cos(b[..., 1]) * np.sin(dlon / 2) ** 2
    return (2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))).astype(np.float32)


#: title cosines are rounded to 1/TITLE_QUANTUM so that every path gets equal values
TITLE_QUANTUM = 1024.0


def title_table(a: sp.csr_matrix, b: sp.csr_matrix) -> NDArray[np.float32]:
    """Dense cosine table of TF-IDF rows ``a`` x ``b``, rounded to 1/1024."""
    if a.shape[1] == 0 or a.shape[0] == 0 or b.shape[0] == 0:
        return np.zeros((a.shape[0], b.shape[0]), dtype=F32)
    d = (a @ b.T).toarray()
    return (np.round(d * TITLE_QUANTUM) / TITLE_QUANTUM).astype(F32)


def title_pairs(
    a: sp.csr_matrix, ia: NDArray[Any], b: sp.csr_matrix, ib: NDArray[Any]
) -> NDArray[np.float32]:
    """Title cosine of row pairs ``(a[ia[i]], b[ib[i]])``, rounded like :func:`title_table`."""
    out = np.zeros(len(ia), dtype=F32)
    if a.shape[1] == 0 or len(ia) == 0:
        return out
    key = ia.astype(np.int64) * (b.shape[0] + 1) + ib
    uk, inv = np.unique(key, return_inverse=True)
    ua, ub = uk // (b.shape[0] + 1), uk % (b.shape[0] + 1)
    vals = np.zeros(len(uk), dtype=np.float64)
    step = 500_000
    for s in range(0, len(uk), step):
        x = a[ua[s : s + step]].multiply(b[ub[s : s + step]])
        vals[s : s + step] = np.asarray(x.sum(axis=1)).ravel()
    out[:] = (np.round(vals * TITLE_QUANTUM) / TITLE_QUANTUM)[inv]
    return out
