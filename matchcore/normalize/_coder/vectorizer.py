"""TF-IDF of character n-grams, the coder's features.

Chinese needs no word segmentation for these, and Latin words such as CNC or Java keep their
letters. :class:`_CharNgrams` computes what scikit-learn's ``TfidfVectorizer(analyzer=<the
n-grams of each space-separated token>, sublinear_tf=True, dtype=float32)`` computes (smooth idf,
rows L2-normalized; equal to float32 rounding, columns in another order), written with numpy:
counting the n-grams of a batch is a few array operations over the batch's joined text rather
than a Python call a text, about 3x faster (``docs/coder.md``). The vocabulary keeps the order in
which n-grams are first seen; scikit-learn sorts it, which would reorder the model's sums and so
change the last bits of its scores. :meth:`_CharNgrams._counts_reference` is the text-by-text
reading the fast counts are tested against.
"""

from __future__ import annotations

import itertools
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray


class _CharNgrams:
    """TF-IDF of character n-grams within space-separated tokens, rows L2-normalized.

    An n-gram never straddles two tokens, so none spans the gap left by removed noise. Unknown
    n-grams are ignored by :meth:`transform`.
    """

    def __init__(self, ngram: int) -> None:
        self.ngram = ngram
        self.vocabulary_: dict[str, int] = {}
        self.idf_: NDArray[np.float32] = np.zeros(0, dtype=np.float32)
        # Lookup tables of the 1- and 2-grams, for the vocabulary they were made of.
        self._keys: tuple[dict[str, int], _GramTables | None] = ({}, None)

    def _key_tables(self) -> _GramTables:
        vocab = self.vocabulary_
        tables = self._keys[1]
        if self._keys[0] is not vocab or tables is None:
            tables = _GramTables.build(vocab)
            self._keys = (vocab, tables)
        return tables

    def _grams(self, text: str) -> list[str]:
        out: list[str] = []
        for tok in text.split():
            out.extend(tok)
            if self.ngram >= 2:
                out.extend(map(operator.add, tok, tok[1:]))
            for n in range(3, min(self.ngram, len(tok)) + 1):
                out.extend(tok[i : i + n] for i in range(len(tok) - n + 1))
        return out

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_array:
        vocab: dict[str, int] = {}
        for t in texts:
            for g in self._grams(t):
                vocab.setdefault(g, len(vocab))
        self.vocabulary_ = vocab
        counts = self._counts(texts)
        df = np.bincount(counts.indices, minlength=len(vocab))
        self.idf_ = (np.log((1 + len(texts)) / (1 + df)) + 1.0).astype(np.float32)
        return self._weigh(counts)

    def transform(self, texts: Sequence[str]) -> sp.csr_array:
        return self._weigh(self._counts(texts))

    def _counts(self, texts: Sequence[str]) -> sp.csr_array:
        # All texts at once: join them with a space and look up every n-gram of the joined
        # string; an n-gram that crosses a space is in no vocabulary, so none straddles two
        # texts or two tokens (texts are normalized: single spaces, no other whitespace).
        # 1-grams by a table indexed by code point, 2-grams by the pair of their characters'
        # ranks in sorted keys (np.searchsorted), longer ones in the vocabulary dict; all give
        # the ids of the vocabulary.
        get = self.vocabulary_.get
        n_vocab = len(self.vocabulary_)
        joined = " ".join(texts)
        size = len(joined)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        row_of = np.repeat(np.arange(len(texts), dtype=np.int64), lengths + 1)[:size]
        points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
        t = self._key_tables()
        points = np.minimum(points, len(t.unigram) - 1)  # past the table: unknown
        # Keys row * n_vocab + id of every n-gram found, sorted below into CSR order.
        keys: list[NDArray[np.int64]] = []
        ids = t.unigram[points]
        found = ids >= 0
        keys.append(row_of[found] * n_vocab + ids[found])
        if self.ngram >= 2 and size >= 2 and len(t.bigram_keys):
            rank = t.rank[points]
            pos = np.flatnonzero((rank[:-1] >= 0) & (rank[1:] >= 0))
            pair = rank[pos] * t.n_chars + rank[pos + 1]
            at = np.minimum(np.searchsorted(t.bigram_keys, pair), len(t.bigram_keys) - 1)
            hit = t.bigram_keys[at] == pair
            keys.append(row_of[pos[hit]] * n_vocab + t.bigram_ids[at[hit]])
        grams: Iterable[str] = joined
        for n in range(3, self.ngram + 1):
            count = size - n + 1
            if count <= 0:
                break
            if n == 3:
                grams = list(map(operator.add, joined, joined[1:]))
            grams = list(map(operator.add, grams, joined[n - 1 :]))
            ids = np.fromiter(map(get, grams, itertools.repeat(-1)), dtype=np.int64, count=count)
            found = ids >= 0
            keys.append(row_of[:count][found] * n_vocab + ids[found])
        # Sorted keys: rows in order, n-grams in id order within a row; repeats are counts.
        key = np.sort(np.concatenate(keys))
        first = np.ones(len(key), dtype=bool)
        first[1:] = key[1:] != key[:-1]
        starts = np.flatnonzero(first)
        counts = np.diff(np.append(starts, len(key))).astype(np.float32)
        rows, cols = np.divmod(key[starts], max(n_vocab, 1))
        indptr = np.searchsorted(rows, np.arange(len(texts) + 1))
        return sp.csr_array(
            (counts, cols.astype(np.int32), indptr.astype(np.int32)),
            shape=(len(texts), n_vocab),
        )

    def _counts_reference(self, texts: Sequence[str]) -> sp.csr_array:
        """Text by text, for tests of :meth:`_counts`."""
        get = self.vocabulary_.get
        indptr = [0]
        indices: list[int] = []
        for t in texts:
            indices.extend(j for j in map(get, self._grams(t)) if j is not None)
            indptr.append(len(indices))
        m = sp.csr_array(
            (
                np.ones(len(indices), dtype=np.float32),
                np.array(indices, dtype=np.int32),
                np.array(indptr, dtype=np.int64),
            ),
            shape=(len(texts), len(self.vocabulary_)),
        )
        m.sum_duplicates()
        return m

    def _weigh(self, counts: sp.csr_array) -> sp.csr_array:
        m = counts.copy()
        m.data = (1.0 + np.log(m.data)) * self.idf_[m.indices]
        return _l2_rows(m)


@dataclass(frozen=True)
class _GramTables:
    """The 1- and 2-grams of a vocabulary as integer lookups."""

    unigram: NDArray[np.int64]  # by code point: the 1-gram's id, -1 if none (last: past all)
    rank: NDArray[np.int64]  # by code point: the character's rank among the 1-grams, or -1
    n_chars: int
    bigram_keys: NDArray[np.int64]  # sorted rank(first) * n_chars + rank(second)
    bigram_ids: NDArray[np.int64]

    @classmethod
    def build(cls, vocab: dict[str, int]) -> _GramTables:
        chars = sorted(g for g in vocab if len(g) == 1)
        size = max((ord(c) for c in chars), default=0) + 2
        unigram = np.full(size, -1, dtype=np.int64)
        rank = np.full(size, -1, dtype=np.int64)
        points = np.array([ord(c) for c in chars], dtype=np.int64)
        unigram[points] = [vocab[c] for c in chars]
        rank[points] = np.arange(len(chars))
        # Every character of a 2-gram is a 1-gram of the vocabulary (both come from the same
        # tokens), so a pair of ranks names each 2-gram.
        pairs = [(g, j) for g, j in vocab.items() if len(g) == 2]
        keys = np.array(
            [rank[ord(g[0])] * len(chars) + rank[ord(g[1])] for g, _ in pairs], dtype=np.int64
        )
        ids = np.array([j for _, j in pairs], dtype=np.int64)
        order = np.argsort(keys)
        return cls(unigram, rank, len(chars), keys[order], ids[order])


def _l2_rows(m: sp.csr_array) -> sp.csr_array:
    m = sp.csr_array(m, dtype=np.float32)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1), dtype=np.float64).ravel())
    norms[norms == 0] = 1.0
    scale = np.repeat((1.0 / norms).astype(np.float32), np.diff(m.indptr))
    return sp.csr_array((m.data * scale, m.indices, m.indptr), shape=m.shape)
