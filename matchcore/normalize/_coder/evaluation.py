"""Measuring the coder: K-fold cross-validation, and fitting the shipped calibration.

:func:`cross_validate` fits ``TitleCoder(builtin_history=False)`` on all folds but one and codes
the held-out fold; the out-of-fold predictions give the accuracy by level, top-5, the
reliability of the confidence and the precision at coverage. :func:`_build_calibration` fits the
shipped calibration the same way on the shipped history; ``benchmarks/test_bench_coder.py``
reports the figures and ``docs/coder.md`` records them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from matchcore import occupations
from matchcore._errors import InvalidParameter
from matchcore.normalize._coder.calibration import (
    _PARENT,
    _agrees,
    _Calibration,
    _calibration_key,
    _prefix,
    _strata,
)
from matchcore.normalize._coder.cleaning import _generic_rows, _main_job, _prepare
from matchcore.normalize._coder.coder import TitleCoder
from matchcore.normalize._coder.coverage import coverage_curve, precision_at_coverage
from matchcore.normalize._coder.data import _builtin_history
from matchcore.normalize._coder.inputs import _as_list
from matchcore.normalize._coder.ranking import _decide
from matchcore.occupations import code_depth

__all__ = ["cross_validate"]


def _fold_ids(n: int, folds: int, seed: int) -> NDArray[np.intp]:
    rng = np.random.default_rng(seed)
    ids = np.arange(n) % folds
    rng.shuffle(ids)
    return ids


def _oof_predictions(
    titles: Sequence[str], codes: Sequence[str], *, folds: int, seed: int, threshold: float
) -> tuple[list[str | None], list[list[str]], NDArray[np.float32], NDArray[np.int8]]:
    """Out-of-fold code (None for a title naming no occupation), top codes, raw probability and
    calibration stratum (``_STRATA``; backed off: ``_PARENT``) of every title."""
    ids = _fold_ids(len(titles), folds, seed)
    pred: list[str | None] = [None] * len(titles)
    tops: list[list[str]] = [[] for _ in titles]
    raw = np.zeros(len(titles), dtype=np.float32)
    stratum = np.zeros(len(titles), dtype=np.int8)
    for f in range(folds):
        train = np.flatnonzero(ids != f).tolist()
        test = np.flatnonzero(ids == f).tolist()
        coder = TitleCoder(threshold=threshold, builtin_history=False).fit(
            [titles[i] for i in train], [codes[i] for i in train]
        )
        model = coder._model()
        texts = [_prepare(titles[i])[0] for i in test]
        p = model.proba(texts)
        _, chosen, r, off, ranked = _decide(p, threshold, 5)
        generic = _generic_rows([titles[i] for i in test], texts)
        tree = occupations.load().arrays()
        st = _strata(
            [_main_job(titles[i]) for i in test],
            [tree.codes[int(x)] for x in chosen],
            off,
            model.job_codes,
        )
        for row, i in enumerate(test):
            code = tree.codes[int(chosen[row])]
            tops[i] = [code, *(tree.codes[int(x)] for x in ranked[row] if x != chosen[row])][:5]
            # As TitleCoder.code: a title naming no occupation gets no code (its alternatives
            # stay, for top-5).
            pred[i] = None if generic[row] else code
            raw[i] = 0.0 if generic[row] else r[row]
            stratum[i] = st[row]
    return pred, tops, raw, stratum


def _build_calibration(threshold: float = 0.15, folds: int = 5, seed: int = 0) -> dict[str, Any]:
    """Fit the shipped calibration by cross-validation on the shipped history (JSON-ready)."""
    titles, codes = _builtin_history()
    pred, _, raw, stratum = _oof_predictions(
        titles, codes, folds=folds, seed=seed, threshold=threshold
    )
    correct = np.array([_agrees(p, e) for p, e in zip(pred, codes)])
    cal = _Calibration.fit(raw.astype(np.float64), correct, stratum)
    conf = _oof_confidence(pred, raw, stratum, correct, folds=folds, seed=seed)
    return {
        "key": _calibration_key(threshold),
        **cal.to_dict(),
        "coverage_curve": coverage_curve(conf, correct),
    }


def _oof_confidence(
    pred: Sequence[str | None],
    raw: NDArray[np.float32],
    stratum: NDArray[Any],
    correct: NDArray[np.bool_],
    *,
    folds: int,
    seed: int,
) -> NDArray[np.float64]:
    """Calibrated confidence out of fold: the isotonic maps fitted on the other folds' rows
    (0 for a title with no code, as :meth:`TitleCoder.code` gives)."""
    n = len(pred)
    ids = _fold_ids(n, folds, seed + 1)
    conf = np.zeros(n)
    for f in range(folds):
        tr = ids != f
        cal = _Calibration.fit(raw[tr].astype(np.float64), correct[tr], stratum[tr])
        conf[~tr] = cal(raw[~tr], stratum[~tr])
    conf[np.array([p is None for p in pred], dtype=bool)] = 0.0
    return conf


def cross_validate(
    titles: Sequence[str] | pl.Series,
    codes: Sequence[str] | pl.Series,
    *,
    folds: int = 5,
    seed: int = 0,
    threshold: float = 0.15,
    bins: int = 10,
) -> dict[str, Any]:
    """Measure the coder by K-fold cross-validation on coded titles.

    Each fold fits ``TitleCoder(builtin_history=False)`` on the other folds plus the
    classification and codes the held-out fold. A prediction is right at level ``l`` (up to the
    expert's depth) when its first ``l`` segments equal the expert's; a prediction coarser than
    ``l`` is not right at ``l``.

    Returns
    -------
    dict
        ``accuracy`` (level -> share right among titles coded by the expert at that level or
        deeper), ``detailed`` (right at the expert's own depth), ``top5`` (the expert's code is
        matched by one of the code and its alternatives), ``backed_off`` (share returned as a
        parent), and, with the shipped calibration refitted out of fold, ``ece`` and
        ``reliability`` (rows of bin low, bin high, count, mean confidence, share right),
        ``precision_at_coverage`` (coverage 0.1 .. 1.0 -> the share right among the most
        confident titles, see :mod:`matchcore.normalize._coder.coverage`), and the out-of-fold
        ``confidence`` and ``correct`` arrays behind it.
        Calibration is itself fitted in a nested way: per fold on the other folds' out-of-fold
        probabilities.

    Examples
    --------
    >>> from matchcore.normalize._coder import cross_validate
    >>> titles = ["电工", "维修电工", "焊工", "电焊工", "保安", "门卫保安"] * 2
    >>> codes = ["6-31-01-03"] * 2 + ["6-18-02-04"] * 2 + ["4-07-05-01"] * 2
    >>> codes = codes * 2
    >>> r = cross_validate(titles, codes, folds=2)
    >>> r["accuracy"][1] >= 0.5
    True
    """
    t_list = [str(t) for t in _as_list(titles, "titles", "cross_validate")]
    c_list = [str(c) for c in _as_list(codes, "codes", "cross_validate")]
    if isinstance(folds, bool) or not isinstance(folds, int) or not 2 <= folds <= len(t_list):
        raise InvalidParameter.of("folds", "cross_validate", folds, "an int in [2, n_titles]")
    pred, tops, raw, stratum = _oof_predictions(
        t_list, c_list, folds=folds, seed=seed, threshold=threshold
    )
    return _cv_figures(c_list, pred, tops, raw, stratum, folds=folds, seed=seed, bins=bins)


def _cv_figures(
    codes: Sequence[str],
    pred: Sequence[str | None],
    tops: Sequence[Sequence[str]],
    raw: NDArray[np.float32],
    stratum: NDArray[Any],
    *,
    folds: int,
    seed: int,
    bins: int = 10,
    mask: NDArray[np.bool_] | None = None,
) -> dict[str, Any]:
    """The figures of :func:`cross_validate` from out-of-fold predictions, on ``mask``'s titles.

    The calibration is fitted out of fold on every title; only the figures are restricted.
    """
    n = len(codes)
    correct = np.array([_agrees(p, e) for p, e in zip(pred, codes)])
    conf = _oof_confidence(pred, raw, stratum, correct, folds=folds, seed=seed)
    keep = np.ones(n, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    sel = np.flatnonzero(keep).tolist()
    acc: dict[int, float] = {}
    for level in (1, 2, 3, 4):
        hits = [
            p is not None
            and code_depth(p) >= level
            and _prefix(p, level) == _prefix(codes[i], level)
            for i in sel
            for p in (pred[i],)
            if code_depth(codes[i]) >= level
        ]
        acc[level] = float(np.mean(hits)) if hits else math.nan
    top5 = float(np.mean([any(_agrees(p, codes[i]) for p in tops[i]) for i in sel]))
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1]), 0, bins - 1)
    table = []
    ece = 0.0
    for b in range(bins):
        in_bin = (which == b) & keep
        if not in_bin.any():
            continue
        mc_, acc_b = float(conf[in_bin].mean()), float(correct[in_bin].mean())
        ece += in_bin.sum() / len(sel) * abs(mc_ - acc_b)
        table.append((float(edges[b]), float(edges[b + 1]), int(in_bin.sum()), mc_, acc_b))
    curve = precision_at_coverage(conf[sel], correct[sel])
    return {
        "n": len(sel),
        "folds": folds,
        "precision_at_coverage": dict(zip(curve["coverage"], curve["precision"])),
        "confidence": conf[sel],
        "correct": correct[sel],
        "accuracy": acc,
        "detailed": float(correct[sel].mean()),
        "top5": top5,
        "backed_off": float((np.asarray(stratum)[sel] == _PARENT).mean()),
        "ece": float(ece),
        "reliability": table,
    }


def _write_calibration() -> str:
    """Refit the shipped calibration and write ``data/coder_calibration.json``; returns its path.

    Run ``python -c "from matchcore.normalize._coder.evaluation import _write_calibration as w;
    w()"`` after changing the features, the parameters, the words or the shipped history (a test
    fails until then).
    """
    target = Path(__file__).parent.parent / "data" / "coder_calibration.json"
    d = _build_calibration()
    target.write_text(json.dumps(d, indent=1) + "\n", encoding="utf-8")
    return str(target)
