"""Input checks shared by the solvers: one message template, never a mutated argument."""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp

from matchcore._errors import InvalidParameter

__all__ = ["check_capacity", "check_eps", "check_int", "check_scores"]


def check_scores(scores: Any, owner: str) -> sp.csr_array:
    """Return ``scores`` as a fresh canonical float64 CSR array (duplicates summed, indices sorted).

    Raises :class:`InvalidParameter` unless ``scores`` is a 2-d scipy.sparse matrix with finite
    stored values.
    """
    if not sp.issparse(scores) or scores.ndim != 2:
        got = f"{type(scores).__name__} of shape {getattr(scores, 'shape', None)}"
        raise InvalidParameter(
            f"The 'scores' parameter of {owner} must be a 2-d scipy.sparse matrix "
            f"(n_seekers x n_vacancies) whose stored entries are the allowed pairs. "
            f"Got {got} instead."
        )
    if scores.dtype.kind not in "biuf":
        raise InvalidParameter(
            f"The 'scores' parameter of {owner} must hold real numbers. "
            f"Got dtype {scores.dtype} instead."
        )
    csr = sp.csr_array(scores, dtype=np.float64, copy=True)
    csr.sum_duplicates()  # also sorts indices; acts on our copy only
    bad = ~np.isfinite(csr.data)
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        row = int(np.searchsorted(csr.indptr, pos, side="right") - 1)
        col = int(csr.indices[pos])
        raise InvalidParameter(
            f"The 'scores' parameter of {owner} must hold finite numbers (no NaN or infinity). "
            f"Got {int(bad.sum())} non-finite stored value(s), the first {csr.data[pos].item()!r} "
            f"at row {row}, column {col} instead."
        )
    csr.indices = csr.indices.astype(np.int32, copy=False)
    csr.indptr = csr.indptr.astype(np.int64, copy=False)
    return csr


def check_capacity(capacity: Any, n_vacancies: int, owner: str) -> np.ndarray:
    """Return ``capacity`` as a fresh int64 array of length ``n_vacancies``.

    Integer-valued floats are accepted; booleans, fractions and negative values are not.
    """
    expected = f"a 1-d array of non-negative integers of length {n_vacancies} (n_vacancies)"
    arr = np.asarray(capacity)
    if arr.ndim != 1 or arr.shape[0] != n_vacancies:
        raise InvalidParameter(
            f"The 'capacity' parameter of {owner} must be {expected}. "
            f"Got shape {arr.shape} instead."
        )
    if arr.dtype.kind not in "iuf":
        raise InvalidParameter(
            f"The 'capacity' parameter of {owner} must be {expected}. "
            f"Got dtype {arr.dtype} instead."
        )
    if arr.dtype.kind == "f":
        bad = ~np.isfinite(arr) | (arr != np.round(arr))
        if bad.any():
            pos = int(np.flatnonzero(bad)[0])
            raise InvalidParameter(
                f"The 'capacity' parameter of {owner} must be {expected}. "
                f"Got non-integer value {arr[pos].item()!r} at position {pos} instead."
            )
    if arr.size and arr.min() < 0:
        pos = int(np.argmin(arr))
        raise InvalidParameter(
            f"The 'capacity' parameter of {owner} must be {expected}. "
            f"Got negative value {arr[pos].item()!r} at position {pos} instead."
        )
    return arr.astype(np.int64, copy=True)


def check_int(value: Any, name: str, owner: str, low: int) -> int:
    """An int (not bool) of at least ``low``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise InvalidParameter.of(name, owner, value, f"an int in [{low}, inf)")
    return int(value)


def check_eps(value: Any, owner: str) -> float:
    """The auction's ``eps``: a float (not bool) in (0, 1)."""
    if isinstance(value, bool) or not (isinstance(value, float | int) and 0 < float(value) < 1):
        raise InvalidParameter.of("eps", owner, value, "a float in (0, 1)")
    return float(value)
