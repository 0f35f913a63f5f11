"""The occupation words a title's main job contains, read the way a person reads them.

A posting's main job often *is* a word the classification knows: an official name (车工), an alias
(挡车工 is the classification's word for a 织布工 who minds looms) or a word of the posting
dictionary (普工). Character n-grams alone cannot see word boundaries: 纺织挡车工 shares its
strongest 2-gram, 车工, with the lathe operator's one-word name, and a short name therefore pulls
every title that merely contains its characters (挡车工, 叉车工, 洗车工 → 车工). A reader takes the
longest word instead. :class:`KnownWords` finds every known word inside a main job and keeps the
*maximal* ones (a match inside a longer match is part of that word, not a word of its own). The
coder then takes a fixed amount off the codes named only by such inner words; the n-grams still
decide among the rest, and wherever no word is known.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

__all__ = ["KnownWords", "add_terms"]

#: The shortest word looked up: one character is never a word of its own here.
MIN_LEN = 2


class KnownWords:
    """Words of one token (names, aliases, dictionary words) and the code rows each names.

    Parameters
    ----------
    words
        ``(text, code row)`` pairs, the texts normalized as the n-grams see them; texts with a
        space (an alias such as ``普工/操作工`` names two words) or shorter than :data:`MIN_LEN`
        are skipped.
    n_codes
        The number of code rows (the columns of :meth:`terms`).

    Examples
    --------
    >>> kw = KnownWords([("车工", 0), ("挡车工", 1), ("纺织", 2)], n_codes=3)
    >>> kw.find("纺织挡车工")  # 车工 lies inside 挡车工: not a word of its own here
    [(0, 2, (2,)), (2, 5, (1,))]
    >>> kw.find("数控车工")
    [(2, 4, (0,))]
    """

    def __init__(self, words: Iterable[tuple[str, int]], n_codes: int) -> None:
        table: dict[str, list[int]] = {}
        for text, row in words:
            if len(text) >= MIN_LEN and " " not in text:
                rows = table.setdefault(text, [])
                if row not in rows:
                    rows.append(row)
        self._codes = {w: tuple(sorted(r)) for w, r in table.items()}
        self._lengths = tuple(sorted({len(w) for w in self._codes}, reverse=True))
        self.n_codes = n_codes

    def __len__(self) -> int:
        return len(self._codes)

    def _matches(self, token: str) -> list[tuple[int, int, tuple[int, ...]]]:
        """Every known word of ``token``: ``(start, end, code rows)``, longest first."""
        n = len(token)
        return [
            (start, start + length, rows)
            for length in self._lengths
            if length <= n
            for start in range(n - length + 1)
            if (rows := self._codes.get(token[start : start + length])) is not None
        ]

    @staticmethod
    def _maximal(
        matches: list[tuple[int, int, tuple[int, ...]]],
    ) -> list[tuple[int, int, tuple[int, ...]]]:
        """The matches (longest first) lying inside no longer one, in order of position."""
        kept: list[tuple[int, int, tuple[int, ...]]] = []
        for start, end, rows in matches:  # a contained match meets its container first
            if not any(s <= start and end <= e for s, e, _ in kept):
                kept.append((start, end, rows))
        return sorted(kept)

    def find(self, text: str) -> list[tuple[int, int, tuple[int, ...]]]:
        """The maximal known words of ``text``'s first token: ``(start, end, code rows)`` in order.

        A match lying inside a longer match is dropped; overlapping matches neither of which
        contains the other are both kept.
        """
        return self._maximal(self._matches(text.split(" ", 1)[0]))

    def inside(self, text: str) -> set[int]:
        """Code rows named only by words lying inside a longer known word of ``text``'s first
        token (车工 inside 挡车工): rows a maximal word also names are not among them."""
        matches = self._matches(text.split(" ", 1)[0])
        maximal = {r for _, _, rows in self._maximal(matches) for r in rows}
        return {r for _, _, rows in matches for r in rows if r not in maximal}

    def terms(self, texts: Sequence[str], inside: float) -> sp.csr_array:
        """Rows of ``texts`` by code rows: ``-inside`` for the codes :meth:`inside` names."""
        indptr = [0]
        indices: list[int] = []
        if inside:
            for text in texts:
                indices.extend(sorted(self.inside(text)))
                indptr.append(len(indices))
        else:
            indptr.extend([0] * len(texts))
        return sp.csr_array(
            (
                np.full(len(indices), -inside, dtype=np.float32),
                np.asarray(indices, dtype=np.intp),
                np.asarray(indptr, dtype=np.intp),
            ),
            shape=(len(texts), self.n_codes),
        )


def add_terms(scores: NDArray[np.float32], terms: sp.csr_array) -> None:
    """``scores += terms`` in place, touching only the stored entries."""
    if terms.nnz == 0:
        return
    rows = np.repeat(np.arange(terms.shape[0]), np.diff(terms.indptr))
    scores[rows, terms.indices] += terms.data
