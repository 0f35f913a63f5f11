"""Calibration: the chance that a returned code is right, from its probability.

A code is right when it matches the expert's code at the expert's level (:func:`_agrees`). The
chance of the returned code (its probability plus its ancestors', see :mod:`.ranking`) is mapped
through isotonic regressions fitted by 5-fold cross-validation on the shipped history
(:func:`.evaluation._build_calibration`, written to ``data/coder_calibration.json``): among titles
coded with confidence about 0.8, about 80 % are right. There is one map a stratum
(``_STRATA``), by what the coded history says of the title's main job, so a code the service's
own history confirms ranks above one it contradicts. The file also carries the
precision-at-coverage curve that ``review_coverage`` and ``review_precision`` read
(:mod:`.coverage`), and the key of the model and data it was fitted for.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matchcore.normalize._coder.data import _data_digest, _read_data
from matchcore.normalize._coder.model import _PARAMS
from matchcore.occupations import code_depth

log = logging.getLogger(__name__)


def _prefix(code: str, level: int) -> str:
    return "-".join(code.split("-")[:level])


def _agrees(pred: str | None, expert: str) -> bool:
    """True if ``pred`` is right at the expert's depth (a coarser prediction is not)."""
    if not pred:
        return False
    depth = code_depth(expert)
    return code_depth(pred) >= depth and _prefix(pred, depth) == _prefix(expert, depth)


#: Strata of the calibration, by what the coded history says of a title's main job: not in the
#: history ("detailed"); every history title of that main job agrees with the returned code
#: ("agree"), most do ("mixed"), most do not ("disagree"); backed off to a group ("parent").
#: Where the history is unanimous the code is right far more often than elsewhere.
_STRATA = ("detailed", "agree", "mixed", "disagree", "parent")
_PARENT = _STRATA.index("parent")


def _strata(
    cores: Sequence[str],
    codes: Sequence[str | None],
    backed: NDArray[np.bool_],
    job_codes: dict[str, tuple[str, ...]],
) -> NDArray[np.int8]:
    """The calibration stratum of each returned code (see ``_STRATA``)."""
    out = np.zeros(len(cores), dtype=np.int8)
    for i, (core, code) in enumerate(zip(cores, codes)):
        if backed[i]:
            out[i] = _PARENT
            continue
        known = job_codes.get(core) if core and code else None
        if known:
            share = sum(_agrees(code, e) for e in known) / len(known)
            out[i] = 1 if share >= 0.999 else 2 if share >= 0.5 else 3
    return out


@dataclass(frozen=True)
class _Calibration:
    """Isotonic maps from the probability of the returned code to the chance it is right, one a
    stratum (``_STRATA``)."""

    maps: tuple[tuple[NDArray[np.float64], NDArray[np.float64]], ...]

    def __call__(self, raw: NDArray[np.float32], stratum: NDArray[Any]) -> NDArray[Any]:
        stratum = np.asarray(stratum)
        if stratum.dtype == np.bool_:  # a backed-off flag: the detailed and parent maps only
            stratum = np.where(stratum, _PARENT, 0)
        out = np.zeros(len(raw), dtype=np.float64)
        for k, (x, y) in enumerate(self.maps):
            m = stratum == k
            if np.any(m):
                out[m] = np.interp(raw[m], x, y)
        return np.clip(out, 0.0, 1.0)

    def to_dict(self) -> dict[str, Any]:
        return {
            name: {"x": x.tolist(), "y": y.tolist()} for name, (x, y) in zip(_STRATA, self.maps)
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> _Calibration:
        def pair(k: str) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
            k = k if k in d else "detailed"  # a file of the two-map version
            return np.asarray(d[k]["x"], dtype=np.float64), np.asarray(d[k]["y"], dtype=np.float64)

        return cls(maps=tuple(pair(k) for k in _STRATA))

    @classmethod
    def fit(
        cls,
        raw: NDArray[Any],
        correct: NDArray[np.bool_],
        stratum: NDArray[Any],
    ) -> _Calibration:
        from sklearn.isotonic import IsotonicRegression

        stratum = np.asarray(stratum)
        if stratum.dtype == np.bool_:
            stratum = np.where(stratum, _PARENT, 0)

        def one(mask: NDArray[np.bool_]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
            if mask.sum() < 10:
                rate = float(correct[mask].mean()) if mask.any() else 0.5
                return np.array([0.0, 1.0]), np.array([rate, rate])
            iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
            iso.fit(raw[mask], correct[mask].astype(np.float64))
            x = np.asarray(iso.X_thresholds_, dtype=np.float64)
            y = np.asarray(iso.y_thresholds_, dtype=np.float64)
            return np.round(x, 6), np.round(y, 6)

        return cls(maps=tuple(one(stratum == k) for k in range(len(_STRATA))))


@functools.lru_cache(maxsize=16)  # the shipped data do not change: read and hash them once
def _calibration_key(threshold: float) -> str:
    blob = (
        _PARAMS.key()
        + f"|threshold={threshold}|"
        + _data_digest("coder_words.csv", "coder_history.csv", "coder_generic.csv")
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]


@functools.cache
def _shipped_calibration() -> tuple[str, _Calibration] | None:
    try:
        d = json.loads(_read_data("coder_calibration.json"))
    except FileNotFoundError:
        log.warning("coder_calibration.json is missing: confidence is the raw probability")
        return None
    return str(d["key"]), _Calibration.from_dict(d)


@functools.cache
def _shipped_curve() -> dict[str, Any] | None:
    """The precision-at-coverage curve measured by cross-validation with the calibration."""
    try:
        d = json.loads(_read_data("coder_calibration.json"))
    except FileNotFoundError:
        return None
    curve = d.get("coverage_curve")
    return dict(curve) if curve else None
