"""Slow, plain versions of the fast paths in ``normalize``, side by side, for the tests.

Each function computes what its fast counterpart does, the straightforward way; the tests
compare the two (differential tests) and the benchmarks use them as a baseline. Nothing in the
package calls them.

- :func:`nfkc`: ``_chars._nfkc``
- :func:`places_at`, :func:`places_find`: ``_text._Places.at`` / ``.find`` (take the place table
  as their first argument, so a test can set them on the class)
- :func:`unbracket`: ``_text._unbracket``
- :func:`parse_naive`: ``normalize.parse``, one parser call per row
"""

from __future__ import annotations

import re
import unicodedata

from matchcore.normalize._series import parse_naive
from matchcore.normalize._text import _BRACKET_RE, _SEP, _STRAY_BRACKETS, _Places

__all__ = ["nfkc", "parse_naive", "places_at", "places_find", "unbracket"]


def nfkc(s: str) -> str:
    """What ``_chars._nfkc`` computes."""
    return unicodedata.normalize("NFKC", s)


def places_at(places: _Places, s: str, i: int) -> str | None:
    """``_Places.at`` trying every length."""
    if s[i : i + 2] not in places.heads:
        return None
    for j in range(min(len(s), i + places.max_len), i + 1, -1):
        if s[i:j] in places.codes:
            return s[i:j]
    return None


def places_find(places: _Places, s: str) -> list[str]:
    """``_Places.find`` position by position."""
    found = []
    i, n = 0, len(s) - 1
    while i < n:
        if s[i : i + 2] in places.heads:
            name = places_at(places, s, i)
            if name is not None:
                found.append(name)
                i += len(name)
                continue
        i += 1
    return found


def unbracket(s: str) -> tuple[str, list[str]]:
    """``_text._unbracket`` as a sub with a callback, until nothing changes."""
    notes: list[str] = []

    def keep_note(m: re.Match[str]) -> str:
        notes.append(m.group(1))
        return _SEP

    for _ in range(3):
        s2 = _BRACKET_RE.sub(keep_note, s)
        if s2 == s:
            break
        s = s2
    return _STRAY_BRACKETS.sub(_SEP, s), notes
