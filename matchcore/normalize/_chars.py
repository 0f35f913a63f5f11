"""Character-level normalization: NFKC and traditional to simplified characters.

The lowest layer of ``normalize``: :mod:`._region` (place names) and :mod:`._text` (titles) both
read text through :func:`normalize_text`, so it sits below both of them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

import opencc

__all__ = ["normalize_text"]


@functools.cache
def _t2s() -> Any:
    return opencc.OpenCC("t2s")


@functools.cache
def _traditional() -> frozenset[str]:
    """Characters that t2s changes on their own: text without any of them is left as it is."""
    conv = _t2s()
    chars = "".join(chr(c) for c in range(0x3400, 0xA000))
    out = conv.convert(chars)
    if len(out) == len(chars):
        return frozenset(a for a, b in zip(chars, out) if a != b)
    return frozenset(ch for ch in chars if conv.convert(ch) != ch)


@functools.cache
def _traditional_re() -> re.Pattern[str]:
    """A character class of :func:`_traditional`: one search beats a set test char by char."""
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(_traditional())) + "]")


# Full-width ASCII (U+FF01-U+FF5E) and the ideographic space: each character's NFKC
# decomposition is the one ASCII character it is mapped to here.
_WIDE = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def _nfkc(s: str) -> str:
    """``unicodedata.normalize("NFKC", s)``, cheaper for text whose only characters to change
    are full-width ASCII (the common case in titles; figures in docs/performance.md).

    Each full-width character is replaced by its own compatibility decomposition, so the
    replaced text decomposes as ``s`` does and has the same NFKC; if it is NFKC already (an
    exact test), it is the result. The common brackets and separators are replaced first
    (``str.replace`` is cheaper than ``str.translate``), then the others; anything else goes
    to ``unicodedata.normalize``, which decomposes and composes the whole title.
    """
    if unicodedata.is_normalized("NFKC", s):
        return s
    t = (
        s.replace("（", "(")
        .replace("）", ")")
        .replace("，", ",")
        .replace("：", ":")
        .replace("＋", "+")
        .replace("／", "/")
    )
    if not unicodedata.is_normalized("NFKC", t):
        t = t.translate(_WIDE)
        if not unicodedata.is_normalized("NFKC", t):
            return unicodedata.normalize("NFKC", s)
    return t


def normalize_text(text: str) -> str:
    """NFKC-normalize ``text`` and convert traditional characters to simplified.

    Examples
    --------
    >>> from matchcore.normalize import normalize_text
    >>> normalize_text("高級ＪＡＶＡ開發（急招）")
    '高级JAVA开发(急招)'
    """
    return _simplified(_nfkc(text))


def _simplified(s: str) -> str:
    """``s`` with traditional characters converted to simplified (OpenCC only if it has one)."""
    if not s.isascii() and _traditional_re().search(s):
        s = _t2s().convert(s)
    return s
