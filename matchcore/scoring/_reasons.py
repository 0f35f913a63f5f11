"""Reason sentences: the phrases of the registered components and of the notes, joined per pair.

Two ways give the same sentence (a differential test checks it pair for pair): pair by pair,
each phrase's plain-Python ``one`` (the readable reference, and the faster for the few pairs of
one seeker online), and column-wise, each phrase's polars ``expr`` over its ``columns`` (a
province run asks for ten million sentences). The phrases are in :mod:`matchcore.scoring._phrases`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from numpy.typing import NDArray

from matchcore.scoring._components import components
from matchcore.scoring._phrases import NOTES, OnePair, Pairs, Phrase

__all__ = ["explain_pairs", "reasons", "sentence_phrases"]

#: Up to this many pairs (one seeker online: k of them), the pair-by-pair reference is faster
#: than setting up the column-wise query; both give the same sentences (tested).
_SMALL_PAIRS = 64

SEPARATOR = "；"


def sentence_phrases() -> list[Phrase]:
    """The phrases of a reason sentence in their order: those of the registered components and the
    notes, by ``place`` (equal places in registry order, the notes after the components)."""
    said = [p for comp in components() if (p := comp.phrase()) is not None]
    return sorted([*said, *NOTES], key=lambda p: p.place)


def reasons(index: Any, sf: Any, rows: NDArray[np.int64], cols: NDArray[np.int64]) -> pl.Series:
    """The reason sentence of each pair (seeker row, vacancy column), as a polars Series.

    Column-wise, or pair by pair (:func:`explain_pairs`) for a few pairs.
    """
    if 0 < len(rows) <= _SMALL_PAIRS:
        return pl.Series("reason", explain_pairs(index, sf, rows, cols), dtype=pl.Utf8)
    return _columnwise(index, sf, rows, cols)


def explain_pairs(
    index: Any, sf: Any, rows: NDArray[np.int64], cols: NDArray[np.int64]
) -> list[str]:
    """Reasons for pairs (seeker row, vacancy column) of a fitted index and seeker features, pair
    by pair: each phrase's ``one``."""
    pairs = Pairs(sf, index.vacancies_, rows, cols)
    phrases = sentence_phrases()
    skeys = sorted({f for p in phrases for f in p.seeker_features})
    vkeys = sorted({f for p in phrases for f in p.vacancy_features})
    sl = {k: pairs.seeker(k).tolist() for k in skeys}
    vl = {k: pairs.vacancy(k).tolist() for k in vkeys}
    majors = [sf.majors[m] for m in pairs.seeker("major").tolist()]
    stitles = sf.titles[pairs.seeker("title")].tolist()
    vtitles = pairs.vf.titles[pairs.vacancy("title")].tolist()
    tsim = pairs.title_sim.tolist()
    kinds, broad = (a.tolist() for a in pairs.occupation)
    out = []
    for i in range(pairs.n):
        one = OnePair(
            {k: sl[k][i] for k in skeys},
            {k: vl[k][i] for k in vkeys},
            str(majors[i]),
            str(stitles[i]),
            str(vtitles[i]),
            tsim[i],
            kinds[i],
            broad[i],
            pairs,
            i,
        )
        said = (p.one(one) for p in phrases)
        out.append(SEPARATOR.join(x for x in said if x is not None))
    return out


def _columnwise(index: Any, sf: Any, rows: NDArray[np.int64], cols: NDArray[np.int64]) -> pl.Series:
    """:func:`reasons` for many pairs: each phrase's ``expr`` over its ``columns``."""
    pairs = Pairs(sf, index.vacancies_, rows, cols)
    if pairs.n == 0:
        return pl.Series("reason", [], dtype=pl.Utf8)
    said = [
        pl.DataFrame(p.columns(pairs)).select(p.expr.alias(f"p{k}")).to_series()
        for k, p in enumerate(sentence_phrases())
    ]
    joined = pl.concat_str(pl.all(), separator=SEPARATOR, ignore_nulls=True).alias("reason")
    return pl.DataFrame(said).select(joined).to_series()
