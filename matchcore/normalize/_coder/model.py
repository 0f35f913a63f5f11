"""The coder's model: scores of every code of the classification for a text, and probabilities.

A nearest-centroid linear model over the TF-IDF n-grams (:mod:`.vectorizer`). Each code has a
centroid of its documents: its official name, aliases, definition, the hand-written dictionary of
common posting words (``data/coder_words.csv``) and the coded history (the shipped one and a
service's own, see :meth:`TitleCoder.fit`), each kind at its weight in :class:`_Params`. A
code's score for a text is

- the cosine to its centroid,
- plus ``hierarchy`` times the mean cosine to the centroids of its ancestors' whole subtrees,
- plus ``knn`` times the cosine to its most similar history title, to the power ``knn_power``
  (only close matches count),
- plus ``prior`` times the log of how often the history uses it (smoothed by ``prior_alpha``);

divided by ``temperature``, a softmax turns the scores into probabilities over the codes an
expert writes, at any level. The first two terms are linear in the text's vector: they are folded
into one dense matrix by n-gram (``dense_by_feature``), so scoring a batch is one sparse-by-dense
product reading only the rows of the n-grams it uses. Every row is computed on its own, in the
same order of operations whatever the batch, so batching changes no bit of a result.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

from matchcore import occupations
from matchcore.normalize._coder.cleaning import _main_job, _normalize, _prepare
from matchcore.normalize._coder.data import _builtin_history, _words
from matchcore.normalize._coder.known import KnownWords, add_terms
from matchcore.normalize._coder.vectorizer import _CharNgrams, _l2_rows

#: Bump when the features or the scoring change: the shipped calibration names it.
MODEL_VERSION = 7
# Rows of a batch's scores run through the softmax passes at once: 64 rows of float32 over
# ~2,000 codes (0.5 MB) stay in a core's L2 cache through the passes.
_ROWS = 64


@dataclass(frozen=True, slots=True)
class _Params:
    """The model's settings (chosen by cross-validation: ``docs/coder.md``)."""

    ngram: int = 2  # n-grams of 1 .. ngram characters
    # Weights of each kind of document in its code's centroid. Aliases count half a name: the
    # experts' codes follow coded titles more than the aliases.
    w_name: float = 1.0
    w_alias: float = 0.5
    w_definition: float = 0.5
    w_words: float = 2.0
    w_history: float = 1.0
    hierarchy: float = 1.0
    temperature: float = 0.04
    prior: float = 1.0
    prior_alpha: float = 0.5
    # 0: centroids are L2-normalized; >0: sums of documents divided by (weight sum) ** this,
    # so a code taught by many titles keeps some of its mass.
    size_power: float = 0.0
    # Nearest history title of each code: adds knn * max cos(q, title) ** knn_power (a lower
    # power lets a loosely similar title such as 机电工程师 pull 新能源电工 to the engineers).
    knn: float = 1.2
    knn_power: float = 4.0
    # A known word lying inside a longer known word of the main job (车工 inside 挡车工) takes
    # this off its codes (see .known).
    w_inside: float = 0.3

    def key(self) -> str:
        """The parameters as JSON, part of the shipped calibration's key."""
        fields = {k: getattr(self, k) for k in self.__slots__}
        return json.dumps({"version": MODEL_VERSION, **fields}, sort_keys=True)


_PARAMS = _Params()


class _Model:
    """Fitted arrays: the vectorizer, centroids of codes and of subtrees, the prior."""

    def __init__(
        self,
        history: Sequence[tuple[str, int]],
        params: _Params,
        job_codes: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        # The history's codes of each cleaned main job (the calibration's strata), and the first
        # words of those main jobs.
        self.job_codes: dict[str, tuple[str, ...]] = dict(job_codes or {})
        self.job_firsts = frozenset(key.split(" ", 1)[0] for key in self.job_codes)
        tree = occupations.load().arrays()
        docs = _documents()
        n = len(tree.codes)
        weight = {
            "name": params.w_name,
            "alias": params.w_alias,
            "definition": params.w_definition,
            "words": params.w_words,
        }
        texts = [t for t, _, _ in docs] + [t for t, _ in history]
        cls = np.array([i for _, i, _ in docs] + [i for _, i in history], dtype=np.intp)
        w = np.array(
            [weight[k] for _, _, k in docs] + [params.w_history] * len(history),
            dtype=np.float32,
        )
        self.vectorizer = _CharNgrams(params.ngram)
        x = self.vectorizer.fit_transform(texts)
        self.known = KnownWords(((t, i) for t, i, k in docs if k in ("name", "alias", "words")), n)
        member = sp.csr_array((w, (cls, np.arange(len(texts)))), shape=(n, len(texts)))
        sums = sp.csr_array(member @ x)
        if params.size_power > 0:
            mass = np.asarray(member.sum(axis=1)).ravel()
            scale = np.where(mass > 0, mass, 1.0) ** -params.size_power
            centroids = sp.csr_array(sp.diags_array(scale.astype(np.float32)) @ sums)
        else:
            centroids = _l2_rows(sums)
        # Subtree centroids: every document also counts for each ancestor of its code.
        subtree = _l2_rows(sp.csr_array(tree.desc.T @ (member @ x)))
        # The score is linear in the query: cos(q, centroid) plus ``hierarchy`` times the mean
        # cos(q, subtree centroid) over the code's ancestors (only groups are ancestors). Both
        # terms are folded into one dense matrix by feature, ``dense[f, c]`` = the centroid's
        # weight plus the code's weighted sum of its ancestors' subtree weights, so a batch's
        # scores are one product ``q @ dense`` reading only the rows of the n-grams its texts
        # use. Its price is its size: 4 bytes a code and an n-gram, ~185 MiB for the shipped
        # classification.
        groups = np.unique(tree.anc_mean.indices)
        ng = len(groups)
        column = np.full(n + 1, ng, dtype=np.intp)  # node -> column of its subtree; ng: zeros
        column[groups] = np.arange(ng)
        parent = tree.up[:, 1]  # -1 (no parent) reads column[-1] == ng
        depth = tree.level[groups]
        # chains[:, p] = the subtree column of group p plus its ancestors', level by level.
        chains = np.zeros((x.shape[1], ng + 1), dtype=np.float32)
        chains[:, :ng] = sp.csr_array(subtree[groups].T, dtype=np.float32).toarray()
        for d in np.unique(depth):
            cols = np.flatnonzero(depth == d)
            chains[:, cols] += chains[:, column[parent[groups[cols]]]]
        n_anc = np.diff(tree.anc_mean.indptr)
        code_weight = (params.hierarchy / np.maximum(n_anc, 1)).astype(np.float32)
        dense = np.asarray(sp.csr_array(centroids.T, dtype=np.float32).toarray(), order="C")
        if params.hierarchy:
            for start in range(0, n, 256):  # in column blocks: no second matrix of this size
                block = slice(start, start + 256)
                dense[:, block] += chains[:, column[parent[block]]] * code_weight[block]
        del chains
        self.dense_by_feature: NDArray[np.float32] = dense
        counts = np.bincount(np.array([i for _, i in history], dtype=np.intp), minlength=n)
        alpha = params.prior_alpha
        self.log_prior = np.log((counts + alpha) / (counts.sum() + alpha * n)).astype(np.float32)
        self.params = params
        # History titles by feature, for the nearest-title term (their rows of x), sorted by
        # code; hist_col_code: the position of each title's code among the codes with history.
        hist_codes = np.array([i for _, i in history], dtype=np.intp)
        by_code = np.argsort(hist_codes, kind="stable")
        self.hist_codes = hist_codes[by_code]
        self.hist_by_feature = sp.csr_array(
            sp.csr_array(x[len(docs) :])[by_code].T, dtype=np.float32
        )
        self.hist_code_ids, self.hist_col_code = np.unique(self.hist_codes, return_inverse=True)
        # Column of each code in the nearest-title term (codes without history: the zero column).
        self.knn_cols = np.full(n, len(self.hist_code_ids), dtype=np.intp)
        self.knn_cols[self.hist_code_ids] = np.arange(len(self.hist_code_ids))

    def _terms(
        self, texts: Sequence[str]
    ) -> tuple[NDArray[np.float32], NDArray[np.float32] | None, NDArray[np.bool_]]:
        """The terms of the scores: linear (centroids and hierarchy), the nearest-title term by
        code with history (``knn_cols`` spreads it over the codes), and the rows with no n-gram."""
        q = self.vectorizer.transform(texts)
        s = np.asarray(q @ self.dense_by_feature, dtype=np.float32)
        add_terms(s, self.known.terms(texts, self.params.w_inside))
        near = None
        if self.params.knn and len(self.hist_codes):
            # Cosine to every history title sharing an n-gram (a sparse product: a title
            # shares n-grams with few history titles), then the max over each code's titles.
            # Codes with history have a column of ``near``, the others an all-zero last one.
            sim = sp.csr_array(q @ self.hist_by_feature)
            k = len(self.hist_code_ids)
            near = np.zeros((s.shape[0], k + 1), dtype=np.float32)
            flat = np.repeat(np.arange(0, near.size, k + 1), np.diff(sim.indptr))
            flat += self.hist_col_code[sim.indices]
            np.maximum.at(near.reshape(-1), flat, sim.data)
            _power_inplace(near, self.params.knn_power)
            near *= np.float32(self.params.knn)
        return s, near, np.diff(q.indptr) == 0

    def scores(self, texts: Sequence[str]) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
        """Scores of every code, shape (len(texts), n_codes), and rows with no n-gram."""
        s, near, empty = self._terms(texts)
        if near is not None:
            s += np.take(near, self.knn_cols, axis=1)
        return s, empty

    def proba(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Probabilities over all codes, shape (len(texts), n_codes)."""
        s, near, empty = self._terms(texts)
        # The rest of the scores (as :meth:`scores` adds them), then a softmax, in place
        # (float32: the scores matrix is the largest array of a batch), on blocks of _ROWS rows
        # that stay in the core's cache through the passes (each row is computed on its own
        # and each element sees the same operations in the same order, so the blocks change
        # no bit).
        inv_t = np.float32(1.0 / self.params.temperature)
        prior = np.float32(self.params.prior) * self.log_prior
        for start in range(0, s.shape[0], _ROWS):
            rows = slice(start, start + _ROWS)
            b = s[rows]
            if near is not None:
                b += np.take(near[rows], self.knn_cols, axis=1)
            b *= inv_t
            b += prior
            b -= b.max(axis=1, keepdims=True)
            np.exp(b, out=b)
            b /= b.sum(axis=1, keepdims=True)
        p = s
        # An input with no known character carries no evidence: fall back to the prior.
        if np.any(empty):
            prior = np.exp(self.log_prior - self.log_prior.max())
            p[empty] = prior / prior.sum()
        return p.astype(np.float32, copy=False)


def _power_inplace(a: NDArray[np.float32], power: float) -> None:
    """``a **= power``, by squaring for the powers 2 and 4 (a float pow is several times slower)."""
    if power == 4.0:
        a *= a
        a *= a
    elif power == 2.0:
        a *= a
    elif power != 1.0:
        a **= np.float32(power)


@functools.cache
def _base_model(builtin: bool) -> _Model:
    if not builtin:
        return _Model([], _PARAMS)
    return _Model(_history_rows(*_builtin_history()), _PARAMS, _job_codes(*_builtin_history()))


def _history_rows(titles: Sequence[str], codes: Sequence[str]) -> list[tuple[str, int]]:
    """The model's history: each title's main text and the row of its code."""
    index = occupations.load().arrays().index
    return [(_prepare(t)[0], index[c]) for t, c in zip(titles, codes) if _prepare(t)[0]]


def _job_codes(titles: Sequence[str], codes: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The coded history's codes of each cleaned main job."""
    out: dict[str, list[str]] = {}
    for t, c in zip(titles, codes):
        key = _main_job(t)
        if key:
            out.setdefault(key, []).append(c)
    return {k: tuple(v) for k, v in out.items()}


@functools.cache
def _documents() -> tuple[tuple[str, int, str], ...]:
    """The classification's texts: (normalized text, row of its code, kind), the kind one of
    ``name``, ``alias``, ``definition`` and ``words`` (the dictionary of posting words)."""
    tax = occupations.load()
    index = tax.arrays().index
    docs: list[tuple[str, int, str]] = []
    for occ in tax:
        i = index[occ.code]
        docs.append((occ.name, i, "name"))
        docs.extend((a, i, "alias") for a in occ.aliases)
        if occ.definition:
            docs.append((occ.definition, i, "definition"))
    for word, code in _words():
        docs.append((word, index[tax.resolve(code)], "words"))
    return tuple((_normalize(t), i, k) for t, i, k in docs)
