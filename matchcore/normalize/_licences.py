"""Driving licence classes (准驾车型) stated in records, and which class covers which.

A posting for a truck driver that asks for B2 cannot be filled by a seeker who says they hold C1:
the class is a legal requirement, not a preference. Classes follow the Ministry of Public
Security's 准驾车型 (GA 482): A1 covers A3, B1, B2, C1, C2; A2 covers B1, B2, C1, C2; A3, B1 and B2
cover C1 and C2; C1 covers C2.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["DRIVING_CLASSES", "covers", "driving_class"]

#: the classes read, from the narrowest; an int code is the position + 1 (0: none stated)
DRIVING_CLASSES = ("C2", "C1", "B2", "B1", "A3", "A2", "A1")

_COVERS = {
    "A1": {"A1", "A3", "B1", "B2", "C1", "C2"},
    "A2": {"A2", "B1", "B2", "C1", "C2"},
    "A3": {"A3", "C1", "C2"},
    "B1": {"B1", "C1", "C2"},
    "B2": {"B2", "C1", "C2"},
    "C1": {"C1", "C2"},
    "C2": {"C2"},
}
# a class letter and digit, not inside a longer Latin word or number (e.g. "A1区", "B2本", "C1照")
_CLASS = re.compile(r"(?<![A-Z0-9])([ABC][123])(?![0-9])")
_LICENCE = re.compile(r"驾|照|本|证|司机|车|驾驶")


@lru_cache(maxsize=65536)
def driving_class(text: str | None) -> str | None:
    """The driving licence class a text states, or None.

    Where several are named (a posting asking for "A2或B2"), the one that more licences cover
    is returned, so that every seeker who qualifies under any of them passes.

    Examples
    --------
    >>> driving_class("货车司机（B2本）"), driving_class("保安或者司机（C1）")
    ('B2', 'C1')
    >>> driving_class("持A2或B2驾驶证"), driving_class("电工") is None
    ('B2', True)
    """
    if not text:
        return None
    s = unicodedata.normalize("NFKC", str(text)).upper()
    found = [m.group(1) for m in _CLASS.finditer(s)]
    if not found or not _LICENCE.search(s):
        return None
    return min(found, key=lambda c: -sum(c in covered for covered in _COVERS.values()))


def covers(held: str | None, needed: str | None) -> bool:
    """Whether a licence of class ``held`` may drive what class ``needed`` allows.

    Unknown on either side passes.

    Examples
    --------
    >>> covers("A2", "B2"), covers("C1", "B2"), covers(None, "B2")
    (True, False, True)
    """
    if held is None or needed is None:
        return True
    return needed in _COVERS.get(held, {held})
