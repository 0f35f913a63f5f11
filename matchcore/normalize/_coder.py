"""The title coder: free-text job titles to codes of the 2022 occupation classification.

How it works
------------
1. Each title is cleaned once per distinct value with :func:`clean_title`; the main job
   (``core``, followed by the whole title's text) is coded and the other jobs a title names
   become alternatives.
2. Texts become TF-IDF vectors of character 1-2 grams (Chinese needs no word segmentation for
   this, and Latin words such as CNC or Java keep their letters).
3. A nearest-centroid linear model scores every code of the classification: one centroid per code
   from its official name, aliases, definition, the hand-written dictionary of common posting
   words (``data/coder_words.csv``) and the coded history (the shipped one and the service's own,
   see :meth:`TitleCoder.fit`); plus a hierarchy term, the similarity to the centroid of each
   ancestor's whole subtree, a nearest-title term (the cosine to the most similar history
   title of each code, to the 4th power, so only close matches count), and a log prior from
   how often the history uses each code. (A naive
   Bayes term over major and medium groups is available in ``_Params``, off by default: in
   cross-validation it gains about one point at level 1 but loses two in top-5 and pulls plain
   titles such as 新能源电工 towards engineering groups.)
4. A softmax turns the scores into probabilities over the codes an expert writes, at any level
   (experts often stop at a group: 16 % of the history is coded at level 3). A code is right when
   the expert wrote it or one of its ancestors, so its chance of being right is its probability
   plus its ancestors'; codes are ranked by that chance, among the eight most probable ones,
   greedily: each next alternative adds the most chance not already covered by the codes before
   it (5-fold CV: +1.0 point detailed, +0.9 top-5 over ranking by probability; a code's
   probability alone ranks a child of a likely group below its own group label). When the best
   code is not clearly ahead (its chance is below ``threshold``), the nearest ancestor whose
   subtree holds at least ``threshold`` is returned instead; the probability of a group is the
   sum over its subtree.
5. ``confidence`` maps that chance through isotonic calibration fitted by 5-fold
   cross-validation on the shipped history (``data/coder_calibration.json``): among titles coded
   with confidence about 0.8, about 80 % are right at the level the expert used. There is one
   map a stratum (``_STRATA``): what the coded history says of the title's cleaned main job
   (no title of it; all its titles agree with the code; most do; most do not; backed off), so
   a code the service's own history confirms ranks above one it contradicts.
6. Titles that name no occupation (every job they name is generic words only: 学徒, 助理, 经理,
   ``data/coder_generic.csv``) get no code, confidence 0 and ``needs_review``; a title longer
   than ``_MAX_CHARS`` is a pasted description, coded by its main job alone and reviewed.

Review and corrections (own modules, keyed on the cleaned main job, :func:`_main_job`):
``_coder_corrections`` (the table applied before the model, :meth:`TitleCoder.correct`),
``_coder_review`` (the review queue), ``_coder_coverage`` (precision at coverage and the
``needs_review`` threshold for a target coverage or precision). Issue #21's targets, 5-fold CV
on the shipped history: precision among the most confident 20 % 92.1 % (target 95), 50 % 80.3 %
(target 90), ECE 0.016 (target 0.03); the ceiling is the labels' own agreement (a title's code is
right for another title of the same main job in 76.5 % of pairs).

Speed: titles are scored in batches of ``_BATCH`` texts. The centroid and hierarchy terms are
one dense matrix by n-gram (step 3's linear part folded at build), so a batch's linear scores are
one sparse-by-dense product reading only the rows of the n-grams it uses; the history titles are
kept sparse (a title shares n-grams with few of them); the softmax passes run on blocks of
``_ROWS`` rows that stay in cache. With more than one batch, ``_WORKERS`` threads score batches
side by side (numpy and scipy kernels release the interpreter lock between short Python
steps). Cleaning is pure Python: in a thread it holds the lock the scoring thread needs between
its kernels (a thread of short numpy calls ran ~35x slower beside a pure-Python thread), so the
two barely overlapped (CPU/wall 1.05); from ``_PROCESS_MIN`` titles not cleaned before, a forked
process cleans them while this one scores (Linux; inline elsewhere or if the process fails).
Every row is scored on its own, so neither the batching, the blocks, the threads nor the process
changes a bit of the result. Measured and left out for speed (CPU a title, interleaved with the
kept code): the product by feature (CSC: the same), batches of 128 or 256 texts (+10 us), rows
of the dense matrix gathered and summed with numpy (x5), the eight best codes found through a
threshold from 64 column-block maxima instead of eight argmax passes (x4), and the argmax
passes on blocks of ``_ROWS`` rows (-1 us, within noise). What remains is mostly the product
(~15 us a title: scipy's sparse-by-dense loop is scalar), the nearest-title term (~12), the
softmax (~8) and the ranking (~8).

Measured and left out (5-fold CV on the shipped history, same folds): a kernel ridge
classifier over the same n-grams (taxonomy, words and history, labels with their ancestors),
alone or added to these scores, and a logistic-regression major/medium-group classifier on
the history (alone 77.7 % at level 1) multiplied in: at best +1 point at level 1 and +0.3 in
detailed accuracy, for a loss of 1-2 points in top-5 and a build of tens of seconds; character
3-grams lose a point everywhere; the weights of ``_Params`` sit on a plateau (every single
change tried moves the figures by less than half a point). 221 of the 360 level-1 errors
are between groups 2 and 4, many of them seniority titles (经理, 主管, 总监, 专员) that the
experts put with the professionals and the model with the service workers, or the reverse.

Issue #4's accuracy targets (level 1 >= 88 %, detailed >= 65 %, top-5 >= 85 %), measured by
5-fold CV on all 1,780 dev titles and on each half of a fixed split (benchmarks/
test_bench_coder.py: errors were studied on the INSPECT half only). Kept: the ranking by chance
of being right (step 4; detailed +1.0, top-5 +0.9), aliases at half weight with the nearest-title
term at 1.2 (L1 +0.7, detailed +0.6, top-5 +0.7), ten dictionary words (neutral in CV; they fix
plain words such as 模具工, 监理, 总经理, 市场专员): L1 80.3 -> 81.0 %, detailed 59.5 -> 61.3 %,
top-5 83.8 -> 85.3 % (HELD-OUT half: 80.8 -> 81.8, 59.8 -> 62.0, 83.8 -> 84.9). Left out, each
within half a point or worse: a head-word block (TF-IDF of the last 1-3 characters of the main
job's first word, weight 0.15-1: L1 -0.1 to -4, detailed -0.1 to -12, the character 2-grams
already carry these heads); a nearest-document term over names, aliases and words (+-0.3 at
0.4, worse above); the official tasks text as a source; separate similarity terms per source
(name, alias, definition) and a character-1-gram name term; a naive Bayes term on that head
word over major or medium groups (top-5 -1.4 to -4); a logistic-regression major-group term
(saga, history plus names, aliases, words: L1 +0.3, top-5 -0.4 to -2); a bias for group 2
against group 4, for all titles or only those whose main job ends in 经理, 总监 or 主管 (it
trades errors one for one: the aliases themselves put 89 经理 titles in group 2 and 70 in group
4); history titles also teaching their parent group (weight 0.2-1: L1 -0.3); the main job's
text once more, or alone (-0.5, -2.3); choosing the major group by its subtree's probability
first (-0.1 after the weight change); ranking among 12 codes instead of 8 (top-5 +0.1); jieba
word features (a private tokenizer that knows the names, aliases and dictionary words): a word
TF-IDF block appended to the n-grams at weight 0.1-1 (L1 81.0 -> 81.0 to 79.6, detailed 61.3 ->
61.0 to 59.2, top-5 85.3 -> 85.2 to 83.1; HELD-OUT detailed 62.0 -> 61.7 at best), also with
cut_for_search, the HMM, only the classification's words, only words of 2+ characters or no
definitions, or as a separate word-centroid (0.1-0.3) or word nearest-title (0.1-0.6) term: each
within noise or worse, for a ready coder built in 3.5-4.9 s instead of 0.6-0.8 s (jieba's
dictionary) and twice the CPU a distinct title (about 300 against 135-160 us). The labels bound
what is reachable: dev titles with the same cleaned main job agree on the major group in 92.5 %
of pairs and on the code in 73.5 %, and a title that is exactly an alias agrees with that
alias's major group 88 % of the time; titles whose main job is not in the history are coded
at 77.5 % (level 1) and 54.4 % (detailed), those whose main job is at 92.0 % and 83.3 %.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import hashlib
import io
import itertools
import json
import logging
import math
import multiprocessing
import operator
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, cast

import numpy as np
import polars as pl
import scipy.sparse as sp
from numpy.typing import NDArray

from matchcore._errors import InvalidParameter, InvalidValue
from matchcore._progress import Progress
from matchcore.normalize._coder_corrections import (
    Corrections,
    apply_corrections,
    read_corrections,
)
from matchcore.normalize._coder_coverage import (
    coverage_curve,
    precision_at_coverage,
    review_threshold,
)
from matchcore.normalize._coder_known import KnownWords, add_terms
from matchcore.normalize._coder_review import review_queue
from matchcore.normalize._text import _clean_nfkc, _nfkc, clean_title

__all__ = ["TitleCoder", "code_depth", "cross_validate"]

log = logging.getLogger(__name__)

#: Bump when the features or the scoring change: the shipped calibration names it.
MODEL_VERSION = 7
# Texts scored at once: 1024 keeps a batch's score matrix (8 MB) in cache better than 2048
# (~15 % less CPU a title measured; 256-1024 are alike).
_BATCH = 1024
# Rows of a batch's probabilities processed at once by the softmax passes: 64
# rows of float32 over ~2,000 codes (0.5 MB) stay in a core's L2 cache through the passes (the
# softmax took ~40 % less CPU than on the whole batch, measured interleaved).
_ROWS = 64
# Threads scoring batches side by side.
_WORKERS = 2
# Distinct titles from which a forked process cleans titles while this one scores them
# (forking and the pipes cost ~10-30 ms: below this, cleaning runs before each batch here).
_PROCESS_MIN = 8_192
_SCHEMA_COLUMNS = ["title", "code", "name", "confidence", "level", "needs_review", "alternatives"]
# A longer title is a pasted description: it is coded by the main job of its first _MAX_CHARS
# characters alone (the whole text would code it by the bulk of its words, its tail) and sent to
# review. The shipped history's longest title has 37 characters, 99 % have at most 25.
_MAX_CHARS = 40

# Noise that clean_title may leave in a title; removed before the character n-grams.
_DIGITS_RE = re.compile(r"(?<![a-z])[0-9]+[kw千万元+]*")
_SPACE_RE = re.compile(r"[\W_]+")


@dataclass(frozen=True, slots=True)
class _Params:
    ngram: int = 2
    w_name: float = 1.0
    # Aliases at half the weight of names, and a stronger nearest-history-title term (0.8 ->
    # 1.2): the experts' codes follow the service's own coded titles more than the aliases (on
    # dev titles that are exactly an alias, the expert agrees with that alias's major group only
    # 88 % of the time). Chosen on the INSPECT half of the dev titles (5-fold CV: L1 +0.6,
    # detailed +0.3, top-5 +0.8), confirmed on the HELD-OUT half (+0.7, +0.8, +0.6).
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
    # Weights of the naive Bayes terms over major (level 1) and medium (level 2) groups.
    nb1: float = 0.0
    nb2: float = 0.0
    nb_alpha: float = 0.1
    # Nearest history title of each code: adds knn * max cos(q, title) ** knn_power
    # (5-fold CV: +0.8 detailed, +0.9 top-5; a lower power lets 机电工程师 pull 新能源电工
    # to the engineers).
    knn: float = 1.2
    knn_power: float = 4.0
    # Known words of the main job (see _coder_known): a word inside a longer known word (车工
    # inside 挡车工) takes ``w_inside`` off its codes; a main job that is a known word as a whole
    # adds ``w_exact`` to its codes. 5-fold CV: neutral to slightly better on every figure.
    w_inside: float = 0.3
    w_exact: float = 0.0

    def key(self) -> str:
        fields = {k: getattr(self, k) for k in self.__slots__}
        return json.dumps({"version": MODEL_VERSION, **fields}, sort_keys=True)


_PARAMS = _Params()


def code_depth(code: str) -> int:
    """The level of a code from its segments: the position of its last non-zero segment.

    ``4-01-02-00`` is a level-3 code, ``1-01-00-01`` a level-4 one.

    Examples
    --------
    >>> code_depth("4-01-02-00"), code_depth("6-00-00-00"), code_depth("1-01-00-01")
    (3, 1, 4)
    """
    seg = code.split("-")
    depth = 1
    for k in (1, 2, 3):
        if seg[k] != "00":
            depth = k + 1
    return depth


def _prefix(code: str, level: int) -> str:
    return "-".join(code.split("-")[:level])


def _agrees(pred: str | None, expert: str) -> bool:
    """True if ``pred`` is right at the expert's depth (a coarser prediction is not)."""
    if not pred:
        return False
    depth = code_depth(expert)
    return code_depth(pred) >= depth and _prefix(pred, depth) == _prefix(expert, depth)


@functools.lru_cache(maxsize=1 << 16)
def _normalize(text: str) -> str:
    """The text of a cleaned title for the character n-grams (remembered: titles share them)."""
    return _normalize_nfkc(_nfkc(text))


def _normalize_nfkc(text: str) -> str:
    """:func:`_normalize` of a text already NFKC-normalized."""
    text = text.lower()
    if text.isalpha():  # letters only (Chinese included): no digit, no separator to replace
        return text
    text = _DIGITS_RE.sub(" ", text)
    return _SPACE_RE.sub(" ", text).strip()


class _Memo:
    """A bounded cache of a function of a title: ``functools.lru_cache`` with ``get`` and
    ``put`` (titles cleaned in a worker process are remembered here), oldest dropped first."""

    def __init__(self, fn: Any, maxsize: int) -> None:
        self.fn = fn
        self.maxsize = maxsize
        self.data: dict[str, tuple[str, tuple[str, ...]]] = {}
        functools.update_wrapper(self, fn)

    def __call__(self, title: str) -> tuple[str, tuple[str, ...]]:
        got = self.data.get(title)
        if got is None:
            got = self.fn(title)
            self.put(title, got)
        return got

    def get(self, title: str) -> tuple[str, tuple[str, ...]] | None:
        return self.data.get(title)

    def put(self, title: str, value: tuple[str, tuple[str, ...]]) -> None:
        if len(self.data) >= self.maxsize:
            # (StopIteration, RuntimeError: emptied or resized by another thread meanwhile)
            with contextlib.suppress(StopIteration, RuntimeError):
                self.data.pop(next(iter(self.data)), None)
        self.data[title] = value

    def put_many(self, titles: list[str], values: list[tuple[str, tuple[str, ...]]]) -> None:
        """:meth:`put` of each title and value in one ``dict.update`` (oldest dropped first)."""
        data = self.data
        if len(titles) > self.maxsize > 0:  # only the last ones would stay
            titles, values = titles[-self.maxsize :], values[-self.maxsize :]
        for _ in range(len(data) + len(titles) - self.maxsize):
            with contextlib.suppress(StopIteration, RuntimeError):
                data.pop(next(iter(data)), None)
        data.update(zip(titles, values))

    def cache_clear(self) -> None:
        self.data.clear()


def _memo(maxsize: int) -> Any:
    return lambda fn: _Memo(fn, maxsize)


@_memo(maxsize=1 << 18)
def _prepare(title: str) -> tuple[str, tuple[str, ...]]:
    """The main job's text and the other jobs' texts of a title, normalized for the n-grams."""
    # NFKC once, for clean_title and for the whole title's text (0.4-1 us a title); that text
    # is not remembered (each title is, by this function: it would only fill _normalize's cache).
    if len(title) > _MAX_CHARS:
        # (the other "jobs" of a description are its sentences: not alternatives)
        core = _jobs(title)[0]
        return core or _normalize(title[:_MAX_CHARS]), ()
    nfkc = _nfkc(title)
    ct = _clean_nfkc(nfkc)
    core = _job_text(ct.core)
    # The main job's words, then the whole title: clean_title can drop words that still tell
    # the occupation, and the n-grams of the core then count twice (5-fold CV: +2 points).
    main = f"{core} {_without_workplace(_normalize_nfkc(nfkc))}".strip()
    if len(ct.titles) == 1 and ct.titles[0] == ct.core:  # most titles: no other job
        return main, ()
    # The other jobs' texts, each once, in order (a loop: 1.1 us against 2.3 for dict.fromkeys
    # of a generator, on the 24 % of synthetic titles naming other jobs).
    others: list[str] = []
    for t in ct.titles:
        o = _job_text(t)
        if o and o != core and o not in others:
            others.append(o)
    return main, tuple(others)


@functools.lru_cache(maxsize=1 << 16)
def _jobs(title: str) -> tuple[str, tuple[str, ...]]:
    """The cleaned main job of a title and every job it names, as the n-grams see them."""
    ct = clean_title(title[:_MAX_CHARS])
    return _job_text(ct.core), tuple(_job_text(t) for t in ct.titles)


#: A workplace between an industry and a job word says where, not what: 制药车间操作工 and
#: 制药厂操作工 are both 制药操作工 (and the 车 of 车间 is not the lathe of 车工).
WORKPLACE_WORDS = ("生产车间", "车间", "工厂", "厂区", "厂")
WORKPLACE_JOBS = ("操作工", "操作员", "普工", "工人", "员工", "作业员", "杂工", "技工")
_WORKPLACE = re.compile(
    rf"(?<=\w\w)(?:{'|'.join(WORKPLACE_WORDS)})(?=(?:{'|'.join(WORKPLACE_JOBS)})(?: |$))"
)


@functools.lru_cache(maxsize=1 << 16)
def _job_text(job: str) -> str:
    """A cleaned job's text for the n-grams, without a workplace word before its job word."""
    return _without_workplace(_normalize(job))


def _without_workplace(text: str) -> str:
    """``text`` (normalized) without the workplace words that sit between an industry and a job
    word (制药车间操作工 → 制药操作工; 车间主任 and a bare 车间操作工 keep theirs)."""
    return _WORKPLACE.sub("", text) if "车间" in text or "厂" in text else text


def _main_job(title: str) -> str:
    """The cleaned main job of a title: the key of corrections and of the review queue ("" when
    nothing is left once cleaned)."""
    return _jobs(title)[0]


def _names_no_occupation(title: str) -> bool:
    """True when every job a title names is only generic words (学徒, 学徒/助理, 经理（深圳）);
    not when another job is named beside one (销售支持/助理)."""
    core, titles = _jobs(title)
    return _says_nothing(core) and all(_says_nothing(t) for t in titles if t)


@functools.cache
def _generic_words() -> tuple[str, ...]:
    """Words that name no occupation on their own (``data/coder_generic.csv``), longest first."""
    rows = csv.DictReader(io.StringIO(_read_data("coder_generic.csv")))
    return tuple(sorted({_normalize(r["word"]) for r in rows} - {""}, key=lambda w: (-len(w), w)))


@functools.cache
def _generic_re() -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w in _generic_words()))


def _says_nothing(main_job: str) -> bool:
    """True when a main job is only generic words (学徒, 助理, 经理, 不限, ...): it names no
    occupation, so no code is returned and the title is sent to review."""
    return bool(main_job) and not _generic_re().sub("", main_job).replace(" ", "")


def _generic_rows(titles: Sequence[str], mains: Sequence[str]) -> NDArray[np.bool_]:
    """:func:`_says_nothing` of each title's main job; ``mains`` are the prepared main texts
    (the main job first), used to skip the cleaning of the titles that cannot be generic."""
    out = np.zeros(len(titles), dtype=bool)
    pattern = _generic_re()
    starts = _generic_starts()
    for i, main in enumerate(mains):
        # (most main texts do not even start with a generic word's first character)
        if main[:1] in starts:
            first = main.split(" ", 1)[0]
            if not pattern.sub("", first):  # the main job's first word is generic words only
                out[i] = _names_no_occupation(titles[i])
    return out


@functools.cache
def _generic_starts() -> frozenset[str]:
    """First characters of the generic words."""
    return frozenset(w[:1] for w in _generic_words())


def _read_data(name: str) -> str:
    return resources.files("matchcore.normalize").joinpath(f"data/{name}").read_text("utf-8")


def _data_digest(*names: str) -> str:
    h = hashlib.sha256()
    for name in names:
        h.update(_read_data(name).encode("utf-8"))
    return h.hexdigest()[:16]


@functools.cache
def _builtin_history() -> tuple[tuple[str, ...], tuple[str, ...]]:
    rows = list(csv.DictReader(io.StringIO(_read_data("coder_history.csv"))))
    return tuple(r["title"] for r in rows), tuple(r["code"] for r in rows)


@functools.cache
def _words() -> tuple[tuple[str, str], ...]:
    rows = csv.DictReader(io.StringIO(_read_data("coder_words.csv")))
    return tuple((r["word"], r["code"]) for r in rows)


@dataclass(frozen=True)
class _Tree:
    """The classification as index arrays (shared by every model)."""

    codes: tuple[str, ...]
    names: tuple[str, ...]
    depth: NDArray[np.int8]
    # up[i, 0] = i, up[i, k] = k-th ancestor of i, -1 past the root.
    up: NDArray[np.intp]
    # desc[i, j] = 1 where j is i or an ancestor of i: p @ desc sums p over each subtree.
    desc: sp.csr_array
    # anc_mean[i, j] = 1 / n_ancestors(i) for each proper ancestor j of i.
    anc_mean: sp.csr_array
    index: dict[str, int]
    docs: tuple[tuple[str, int, str], ...]  # (text, code row, kind) from the taxonomy


@functools.cache
def _tree() -> _Tree:
    from matchcore import occupations

    tax = occupations.load()
    codes = tuple(tax.codes)
    index = {c: i for i, c in enumerate(codes)}
    n = len(codes)
    up = np.full((n, 4), -1, dtype=np.intp)
    rows: list[int] = []
    cols: list[int] = []
    arow: list[int] = []
    acol: list[int] = []
    aval: list[float] = []
    for i, c in enumerate(codes):
        anc = [index[a] for a in tax.ancestors(c)]
        chain = [i, *reversed(anc)]
        up[i, : len(chain)] = chain
        rows.extend([i] * len(chain))
        cols.extend(chain)
        for a in anc:
            arow.append(i)
            acol.append(a)
            aval.append(1.0 / len(anc))
    desc = sp.csr_array((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(n, n))
    anc_mean = sp.csr_array((np.array(aval, dtype=np.float32), (arow, acol)), shape=(n, n))
    docs: list[tuple[str, int, str]] = []
    for occ in tax:
        i = index[occ.code]
        docs.append((occ.name, i, "name"))
        docs.extend((a, i, "alias") for a in occ.aliases)
        if occ.definition:
            docs.append((occ.definition, i, "definition"))
    for word, code in _words():
        docs.append((word, index[tax.resolve(code)], "words"))
    return _Tree(
        codes=codes,
        names=tuple(tax[c].name for c in codes),
        depth=np.array([code_depth(c) for c in codes], dtype=np.int8),
        up=up,
        desc=desc,
        anc_mean=anc_mean,
        index=index,
        docs=tuple((_normalize(t), i, k) for t, i, k in docs),
    )


class _CharNgrams:
    """TF-IDF of character n-grams within space-separated tokens, rows L2-normalized.

    Like scikit-learn's ``TfidfVectorizer(analyzer="char", sublinear_tf=True)`` with a smooth
    idf, written out so that building a coder does not import scikit-learn and so that n-grams
    never straddle the gaps left by removed noise. Unknown n-grams are ignored.
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
        tree = _tree()
        n = len(tree.codes)
        weight = {
            "name": params.w_name,
            "alias": params.w_alias,
            "definition": params.w_definition,
            "words": params.w_words,
        }
        texts = [t for t, _, _ in tree.docs] + [t for t, _ in history]
        cls = np.array([i for _, i, _ in tree.docs] + [i for _, i in history], dtype=np.intp)
        w = np.array(
            [weight[k] for _, _, k in tree.docs] + [params.w_history] * len(history),
            dtype=np.float32,
        )
        self.vectorizer = _CharNgrams(params.ngram)
        x = self.vectorizer.fit_transform(texts)
        self.known = KnownWords(
            ((t, i) for t, i, kind in tree.docs if kind in ("name", "alias", "words")), n
        )
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
        # use. (Scoring the centroids and the groups' subtree sums separately, on the n-grams
        # a batch uses densified, and gathering each code's ancestors' sum took ~28 us a title
        # against ~16 for the one product, measured interleaved; the price is the matrix, 4
        # bytes a code and an n-gram: ~185 MiB for the shipped classification.)
        groups = np.unique(tree.anc_mean.indices)
        ng = len(groups)
        column = np.full(n + 1, ng, dtype=np.intp)  # node -> column of its subtree; ng: zeros
        column[groups] = np.arange(ng)
        parent = tree.up[:, 1]  # -1 (no parent) reads column[-1] == ng
        depth = tree.depth[groups]
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
            sp.csr_array(x[len(tree.docs) :])[by_code].T, dtype=np.float32
        )
        self.hist_code_ids, self.hist_col_code = np.unique(self.hist_codes, return_inverse=True)
        # Column of each code in the nearest-title term (codes without history: the zero column).
        self.knn_cols = np.full(n, len(self.hist_code_ids), dtype=np.intp)
        self.knn_cols[self.hist_code_ids] = np.arange(len(self.hist_code_ids))
        # Naive Bayes over the groups of levels 1 and 2: log P(group | text), mapped to codes.
        self.nb: list[tuple[float, NDArray[np.float32], NDArray[np.float32], NDArray[np.intp]]]
        self.nb = []
        sums_by_code = sp.csr_array(member @ x)
        for level, weight_nb in ((1, params.nb1), (2, params.nb2)):
            if not weight_nb:
                continue
            keys = [_prefix(c, level) if code_depth(c) >= level else "" for c in tree.codes]
            names = sorted({k for k in keys if k})
            gi = {g: j for j, g in enumerate(names)}
            rows_g = [i for i, k in enumerate(keys) if k]
            to_group = sp.csr_array(
                (np.ones(len(rows_g), dtype=np.float32), ([gi[keys[i]] for i in rows_g], rows_g)),
                shape=(len(names), n),
            )
            counts_g = np.asarray((to_group @ sums_by_code).toarray(), dtype=np.float64)
            counts_g += params.nb_alpha
            log_theta = np.log(counts_g / counts_g.sum(axis=1, keepdims=True))
            mass = np.asarray(to_group @ member.sum(axis=1)).ravel() + 1.0
            log_pg = np.log(mass / mass.sum())
            # Codes above this level take their best group below them.
            col = np.array([gi.get(k, -1) for k in keys], dtype=np.intp)
            self.nb.append(
                (
                    float(weight_nb),
                    log_theta.T.astype(np.float32),
                    log_pg.astype(np.float32),
                    col,
                )
            )

    def _terms(
        self, texts: Sequence[str]
    ) -> tuple[NDArray[np.float32], NDArray[np.float32] | None, list[NDArray[Any]], NDArray[Any]]:
        """The terms of the scores: linear (centroids and hierarchy), the nearest-title term by
        code with history (``knn_cols`` spreads it over the codes), the naive Bayes terms, and
        the rows with no n-gram."""
        q = self.vectorizer.transform(texts)
        s = np.asarray(q @ self.dense_by_feature, dtype=np.float32)
        add_terms(s, self.known.terms(texts, self.params.w_inside, self.params.w_exact))
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
        nb_terms = []
        for weight_nb, log_theta_t, log_pg, col in self.nb:
            ll = np.asarray(q @ log_theta_t, dtype=np.float32) + log_pg
            ll -= ll.max(axis=1, keepdims=True)
            post = ll - np.log(np.exp(ll).sum(axis=1, keepdims=True))
            # Codes above the level have no group of their own: they take the best one.
            best_g = post.max(axis=1, keepdims=True)
            nb_terms.append(weight_nb * np.where(col >= 0, post[:, np.maximum(col, 0)], best_g))
        return s, near, nb_terms, np.diff(q.indptr) == 0

    def scores(self, texts: Sequence[str]) -> tuple[NDArray[np.float32], NDArray[np.bool_]]:
        """Scores of every code, shape (len(texts), n_codes), and rows with no n-gram."""
        s, near, nb_terms, empty = self._terms(texts)
        if near is not None:
            s += np.take(near, self.knn_cols, axis=1)
        for term in nb_terms:
            s += term
        return s, empty

    def proba(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Probabilities over all codes, shape (len(texts), n_codes)."""
        s, near, nb_terms, empty = self._terms(texts)
        # The rest of the scores (as :meth:`scores` adds them), then a softmax, in place
        # (float32: the scores matrix is the largest array of a batch), on blocks of _ROWS rows
        # that stay in the core's cache through the passes (each row is computed on its own
        # and each element sees the same operations in the same order, so the blocks change
        # no bit; adding the nearest-title term here rather than to the whole matrix saved
        # ~2 us a title, measured interleaved).
        inv_t = np.float32(1.0 / self.params.temperature)
        prior = np.float32(self.params.prior) * self.log_prior
        for start in range(0, s.shape[0], _ROWS):
            rows = slice(start, start + _ROWS)
            b = s[rows]
            if near is not None:
                b += np.take(near[rows], self.knn_cols, axis=1)
            for term in nb_terms:
                b += term[rows]
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


def _l2_rows(m: sp.csr_array) -> sp.csr_array:
    m = sp.csr_array(m, dtype=np.float32)
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1), dtype=np.float64).ravel())
    norms[norms == 0] = 1.0
    scale = np.repeat((1.0 / norms).astype(np.float32), np.diff(m.indptr))
    return sp.csr_array((m.data * scale, m.indices, m.indptr), shape=m.shape)


@functools.cache
def _base_model(builtin: bool) -> _Model:
    if not builtin:
        return _Model([], _PARAMS)
    return _Model(_history_rows(*_builtin_history()), _PARAMS, _job_codes(*_builtin_history()))


def _history_rows(titles: Sequence[str], codes: Sequence[str]) -> list[tuple[str, int]]:
    tree = _tree()
    return [(_prepare(t)[0], tree.index[c]) for t, c in zip(titles, codes) if _prepare(t)[0]]


# -- calibration -------------------------------------------------------------------------------


#: Strata of the calibration, by what the coded history says of a title's main job: not in the
#: history ("detailed"); every history title of that main job agrees with the returned code
#: ("agree"), most do ("mixed"), most do not ("disagree"); backed off to a group ("parent").
#: 5-fold CV on the shipped history (titles of 1,780; precision among the most confident 10 %,
#: 20 %, 30 %): one map for every code 90.4, 87.6, 86.3 %; by these strata 93.3, 92.4, 87.6 %;
#: ECE 0.022 -> 0.019 (the main job's history agrees with itself on the code about 74 % of the
#: time, so where it is unanimous the code is right 90 % of the time, against 55 % elsewhere).
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


def _job_codes(titles: Sequence[str], codes: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """The coded history's codes of each cleaned main job."""
    out: dict[str, list[str]] = {}
    for t, c in zip(titles, codes):
        key = _main_job(t)
        if key:
            out.setdefault(key, []).append(c)
    return {k: tuple(v) for k, v in out.items()}


def _core_of(title: str, main: str) -> str:
    """:func:`_main_job` of a title from its prepared main text (``core`` then the whole title's
    text, see :func:`_prepare`): ~1 us instead of cleaning the title again."""
    if len(title) > _MAX_CHARS:
        return _jobs(title)[0]
    whole = _without_workplace(_normalize_nfkc(_nfkc(title)))
    if not whole:
        return main
    if main == whole:  # no core: the main text is the whole title's
        return ""
    return main[: len(main) - len(whole) - 1]


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


# -- the public class ------------------------------------------------------------------------


class TitleCoder:
    """Code free-text job titles to the 2022 occupation classification.

    Ready to use as built: it knows the classification's names, aliases and definitions, a
    dictionary of common posting words and a shipped history of 1,780 expert-coded posting
    titles. :meth:`fit` adds a service's own coded history on top (fitting again replaces it).

    Parameters
    ----------
    threshold : float, default 0.15
        When the best detailed code's chance of being right (its probability plus that of its
        groups as the expert's code) is below this, the nearest ancestor whose subtree reaches
        it is returned instead (a level 1-3 code), with ``needs_review`` set
        (also set when not even the major group reaches it). 0 never backs off.
    review_below : float, default 0.5
        Calibrated confidence under which ``needs_review`` is set.
    review_coverage : float or None
        Instead of ``review_below``: the share of titles to settle automatically. It is turned
        into a confidence threshold on the cross-validated curve shipped with the calibration
        (see :func:`matchcore.normalize._coder_coverage.review_threshold`), so a title's flag
        does not depend on the other titles of a batch.
    review_precision : float or None
        Instead of ``review_below``: the precision the automatically settled titles must reach
        (on the same curve: the lowest threshold whose cross-validated precision reaches it).

    Notes
    -----
    The ``needs_review`` rule: a title is sent to a person when (a) its best code was not
    clearly ahead (it was backed off to a group, or not even the major group reached
    ``threshold``), (b) its calibrated confidence is under the review threshold
    (``review_below``, or the one ``review_coverage`` / ``review_precision`` gives), (c) its
    main job is only generic words that name no occupation (学徒, 助理, 经理, 不限, ...: listed
    in ``data/coder_generic.csv``; these get no code and confidence 0), (d) it is longer than
    40 characters (coded by the main job of its first 40), or (e) it is empty. A title a
    caseworker corrected (see :meth:`correct`) is never sent back: its code is the correction.
    builtin_history : bool, default True
        Learn from the shipped coded history as well as the classification. Set False to measure
        the coder on that history by cross-validation (see :func:`cross_validate`).

    Attributes
    ----------
    history_size_ : int
        Titles of the service's own history used by :meth:`fit` (absent before fitting).

    Examples
    --------
    >>> from matchcore.normalize import TitleCoder
    >>> coded = TitleCoder().code(["汽修学徒工", "保安（包吃住）"], progress=False)
    >>> coded["code"].to_list()
    ['4-12-01-01', '4-07-05-01']
    >>> coded.columns
    ['title', 'code', 'name', 'confidence', 'level', 'needs_review', 'alternatives']
    """

    def __init__(
        self,
        *,
        threshold: float = 0.15,
        review_below: float = 0.5,
        review_coverage: float | None = None,
        review_precision: float | None = None,
        builtin_history: bool = True,
    ) -> None:
        self.threshold = threshold
        self.review_below = review_below
        self.review_coverage = review_coverage
        self.review_precision = review_precision
        self.builtin_history = builtin_history
        self._corrections: Corrections | None = None

    def __repr__(self) -> str:
        extra = "".join(
            f", {k}={getattr(self, k)!r}"
            for k in ("review_coverage", "review_precision")
            if getattr(self, k) is not None
        )
        return (
            f"TitleCoder(threshold={self.threshold!r}, review_below={self.review_below!r}"
            f"{extra}, builtin_history={self.builtin_history!r})"
        )

    # -- validation ----------------------------------------------------------------------------
    def _check_params(self) -> None:
        if self.review_coverage is not None and self.review_precision is not None:
            raise InvalidParameter.of(
                "review_coverage",
                "TitleCoder",
                self.review_coverage,
                "None when review_precision is set (one review target at a time)",
            )
        for name in ("threshold", "review_below", "review_coverage", "review_precision"):
            v = getattr(self, name)
            if v is None and name in ("review_coverage", "review_precision"):
                continue
            if (
                isinstance(v, bool)
                or not isinstance(v, (int, float))
                or not (0.0 <= float(v) <= 1.0)
            ):
                raise InvalidParameter.of(name, "TitleCoder", v, "a float in [0, 1]")
        if not isinstance(self.builtin_history, bool):
            raise InvalidParameter.of(
                "builtin_history", "TitleCoder", self.builtin_history, "True or False"
            )

    # -- fitting -------------------------------------------------------------------------------
    def fit(
        self, titles: Sequence[str] | pl.Series, codes: Sequence[str] | pl.Series
    ) -> TitleCoder:
        """Learn a service's own coded history on top of the classification.

        Fitting again replaces the earlier history; it does not add to it.

        Parameters
        ----------
        titles : list of str or polars Series, shape (n,)
            Titles as typed in postings or seekers' wishes.
        codes : list of str or polars Series, shape (n,)
            The code a person gave each title, at any level (``4-01-02-00`` is fine); any form
            :func:`matchcore.occupations.normalize_code` reads.

        Returns
        -------
        TitleCoder
            ``self``, fitted.

        Raises
        ------
        InvalidValue
            Naming the row positions whose code is not in the classification or whose title is
            empty, all at once.

        Examples
        --------
        >>> from matchcore.normalize import TitleCoder
        >>> coder = TitleCoder().fit(["挖机师傅", "挖机师傅学徒"], ["6-30-05-05", "6-30-05-05"])
        >>> coder.code(["挖机师傅"], progress=False)["code"][0]
        '6-30-05-05'
        """
        from matchcore import occupations

        self._check_params()
        t_list = _as_list(titles, "titles", "TitleCoder.fit")
        c_list = _as_list(codes, "codes", "TitleCoder.fit")
        if len(t_list) != len(c_list):
            raise InvalidParameter.of(
                "codes",
                "TitleCoder.fit",
                f"{len(c_list)} codes",
                f"one code per title ({len(t_list)})",
            )
        tax = occupations.load()
        bad_codes: list[int] = []
        bad_titles: list[int] = []
        resolved: list[str] = []
        for i, (t, c) in enumerate(zip(t_list, c_list)):
            norm = occupations.normalize_code(c)
            if norm is None or norm not in tax:
                bad_codes.append(i)
            else:
                resolved.append(norm)
            if t is None or not str(t).strip():
                bad_titles.append(i)
        if bad_codes:
            raise InvalidValue(
                "codes",
                f"rows {_rows(bad_codes)}",
                "codes of the 2022 classification such as '6-31-01-03'",
            )
        if bad_titles:
            raise InvalidValue("titles", f"rows {_rows(bad_titles)}", "a non-empty title")
        history = _history_rows([str(t) for t in t_list], resolved)
        base = list(_history_rows(*_builtin_history())) if self.builtin_history else []
        titles_all = [str(t) for t in t_list]
        codes_all = list(resolved)
        if self.builtin_history:
            titles_all = [*_builtin_history()[0], *titles_all]
            codes_all = [*_builtin_history()[1], *codes_all]
        self.model_ = _Model(base + history, _PARAMS, _job_codes(titles_all, codes_all))
        self.history_size_ = len(t_list)
        h = hashlib.sha256()
        for t, c in zip(t_list, resolved):
            h.update(f"{t}\x1f{c}\x1e".encode())
        self.history_digest_ = h.hexdigest()[:12]
        return self

    def _review_below(self) -> float:
        """The confidence under which ``needs_review`` is set (see the class's Notes)."""
        if self.review_coverage is None and self.review_precision is None:
            return float(self.review_below)
        curve = _shipped_curve()
        if curve is None:
            raise InvalidParameter.of(
                "review_coverage" if self.review_coverage is not None else "review_precision",
                "TitleCoder",
                self.review_coverage if self.review_coverage is not None else self.review_precision,
                "None: the shipped calibration (and its coverage curve) is missing",
            )
        return review_threshold(
            curve, coverage=self.review_coverage, precision=self.review_precision
        )

    # -- corrections ---------------------------------------------------------------------------
    def correct(
        self, title: str, code: str, *, who: str | None = None, when: str | None = None
    ) -> TitleCoder:
        """Record a person's code for a title; it takes effect at once, with no refit.

        Every title whose cleaned main job is this title's (``仓管员`` and ``仓管员（包吃住）``)
        is then coded ``code`` with ``needs_review`` False, and confidence 1.0 for this title
        (once normalized) or 0.76 for the others (how often a code is right for another title
        of the same main job on the shipped expert-coded history); no other title changes. A later correction of the same main job replaces it; every correction stays in
        :attr:`corrections`.

        Parameters
        ----------
        title : str
            The title as typed.
        code : str
            Its code, at any level, in any form :func:`matchcore.occupations.normalize_code`
            reads.
        who, when : str, optional
            Who corrected it and when (ISO 8601; now, in UTC, by default).

        Returns
        -------
        TitleCoder
            ``self``.

        Raises
        ------
        InvalidValue
            If the code is not in the classification, or the title names no job once cleaned;
            nothing is recorded then.

        Examples
        --------
        >>> from matchcore.normalize import TitleCoder
        >>> coder = TitleCoder().correct("仓管员", "4-02-06-03", who="caseworker 7")
        >>> coder.code(["仓管员（包吃住）"], progress=False)["code"][0]
        '4-02-06-03'
        """
        table = self._corrections.copy() if self._corrections is not None else Corrections()
        self._corrections = table.add(title, code, who=who, when=when)
        return self

    def load_corrections(self, source: str | Path | pl.DataFrame) -> TitleCoder:
        """Add the corrections of a table (``title``, ``code``; ``who``, ``when`` optional).

        ``source`` is a path (CSV, Parquet or Excel) or a polars DataFrame, such as a review
        queue a caseworker filled in (rows with an empty ``code`` are skipped). All rows are
        checked first; bad ones are named together and nothing is added.

        Examples
        --------
        >>> import polars as pl
        >>> from matchcore.normalize import TitleCoder
        >>> table = pl.DataFrame({"title": ["仓管员"], "code": ["4-02-06-03"]})
        >>> TitleCoder().load_corrections(table).corrections["code"].to_list()
        ['4-02-06-03']
        """
        frame = read_corrections(source)
        table = self._corrections.copy() if self._corrections is not None else Corrections()
        self._corrections = table.extend(
            frame, source=str(source) if not isinstance(source, pl.DataFrame) else "corrections"
        )
        return self

    @property
    def corrections(self) -> pl.DataFrame:
        """Every correction, oldest first: ``title``, ``main_job``, ``code``, ``who``, ``when``.

        Write it with ``coder.corrections.write_csv(path)`` to keep or review it; read it back
        with :meth:`load_corrections`.

        Examples
        --------
        >>> from matchcore.normalize import TitleCoder
        >>> TitleCoder().corrections.columns
        ['title', 'main_job', 'code', 'who', 'when']
        """
        return (self._corrections or Corrections()).frame()

    @property
    def version(self) -> str:
        """The model's version: model and data, the fitted history's size and the corrections.

        Two coders with the same version code every title the same way; a correction changes it.

        Examples
        --------
        >>> from matchcore.normalize import TitleCoder
        >>> a, b = TitleCoder(), TitleCoder().correct("仓管员", "4-02-06-03", when="2026-01-05")
        >>> a.version == TitleCoder().version, a.version == b.version
        (True, False)
        """
        fitted = getattr(self, "history_digest_", "")
        corr = self._corrections.digest() if self._corrections is not None else ""
        return f"{MODEL_VERSION}.{_calibration_key(float(self.threshold))[:8]}.{fitted or 'base'}.{corr or 'none'}"

    def review_queue(
        self,
        titles: Sequence[str | None] | pl.Series,
        *,
        limit: int | None = None,
        path: str | Path | None = None,
    ) -> pl.DataFrame:
        """Titles a person should review first: how often each main job occurs times how unsure
        the coder is (``count * (1 - confidence)``), best value first.

        One row a cleaned main job not yet corrected. ``path`` writes it (CSV by its suffix, UTF-8
        with BOM so Excel opens it): a caseworker fills in ``code`` (and ``who``, ``when``) and
        :meth:`load_corrections` reads it back.

        Returns
        -------
        polars.DataFrame
            ``rank``, ``main_job``, ``title`` (the group's most frequent title), ``count``,
            ``value``, ``suggested_code``, ``suggested_name``, ``confidence``, ``alternatives``
            (``|``-separated), and the blank ``code``, ``who``, ``when``.

        Examples
        --------
        >>> from matchcore.normalize import TitleCoder
        >>> q = TitleCoder().review_queue(["学徒", "学徒", "电工", "急招学徒（包吃住）"])
        >>> q.select("main_job", "count").row(0)
        ('学徒', 3)
        """
        return review_queue(self, titles, limit=limit, path=path)

    def _model(self) -> _Model:
        model = getattr(self, "model_", None)
        return model if model is not None else _base_model(self.builtin_history)

    def _calibration(self) -> _Calibration | None:
        shipped = _shipped_calibration()
        if shipped is None:
            return None
        key, cal = shipped
        if key != _calibration_key(float(self.threshold)):
            # Calibrated for another threshold or model: the map is still a fair estimate.
            log.debug("calibration fitted for another threshold or model version")
        return cal

    # -- coding --------------------------------------------------------------------------------
    def code(
        self,
        titles: Sequence[str | None] | pl.Series,
        *,
        top_k: int = 5,
        progress: bool | None = None,
    ) -> pl.DataFrame:
        """Code titles; one row per input, in input order.

        Repeated titles are cleaned and scored once, so batches with heavy repetition are fast.

        Parameters
        ----------
        titles : list of str or polars Series, shape (n,)
            Titles; None or empty ones give a row with a null code.
        top_k : int, default 5
            The code plus ``top_k - 1`` alternatives.
        progress : bool or None
            Show a progress bar (None: when standard error is a terminal).

        Returns
        -------
        polars.DataFrame
            ``title`` (Utf8), ``code`` (Utf8, level 1-4), ``name`` (Utf8), ``confidence``
            (Float64, 0..1, calibrated), ``level`` (Int8, the level of ``code``),
            ``needs_review`` (Boolean), ``alternatives`` (List(Utf8), the next best codes, best
            first: the other jobs a title names, then the runners-up).

        Examples
        --------
        >>> from matchcore.normalize import TitleCoder
        >>> out = TitleCoder().code(["汽车维修工", "保洁/保安"], top_k=3, progress=False)
        >>> out["code"].to_list(), out["alternatives"][1][0]
        (['4-12-01-01', '4-09-08-01'], '4-07-05-01')
        """
        self._check_params()
        if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
            raise InvalidParameter.of("top_k", "TitleCoder.code", top_k, "an int in [1, inf)")
        t_list = _as_list(titles, "titles", "TitleCoder.code")
        distinct: dict[str, int] = {}
        inverse = np.empty(len(t_list), dtype=np.intp)
        for i, t in enumerate(t_list):
            key = "" if t is None else str(t)
            inverse[i] = distinct.setdefault(key, len(distinct))
        coded = self._code_distinct(list(distinct), top_k=top_k, progress=progress)
        if self._corrections is not None:  # a person's code first: no refit, at once
            coded = apply_corrections(coded, self._corrections)
        out = coded if len(distinct) == len(t_list) else coded[inverse]  # no repeats: in order
        return out.with_columns(pl.Series("title", t_list, dtype=pl.Utf8))

    def _code_distinct(
        self, titles: list[str], *, top_k: int, progress: bool | None
    ) -> pl.DataFrame:
        tree = _tree()
        model = self._model()
        cal = self._calibration()
        threshold = float(self.threshold)
        n = len(titles)
        # Every text to score: main jobs and the other jobs titles name, each once, in order.
        texts: dict[str, int] = {}
        text_list: list[str] = []
        prepared: list[tuple[str, tuple[str, ...]]] = []

        def score(batch: list[str]) -> tuple[NDArray[Any], ...]:
            return _decide(model.proba(batch), threshold, top_k)

        # Scoring is numpy and scipy kernels between short Python steps: with more than one
        # batch, _WORKERS threads score batches side by side. Cleaning is Python and holds the
        # interpreter lock for milliseconds at a time, which would stall the scoring threads
        # at every step: from _PROCESS_MIN titles it runs in a forked process instead (see
        # _cleaned), otherwise it runs here, a batch ahead. Each row is scored on its own and
        # the batches are the same either way, so the result depends on neither.
        futures: list[Future[tuple[NDArray[Any], ...]]] = []
        pool = (
            ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="matchcore-coder")
            if n > _BATCH and _WORKERS > 1
            else None
        )
        scored = 0

        def submit(stop: int) -> None:
            nonlocal scored
            batch = text_list[scored:stop]
            futures.append(pool.submit(score, batch) if pool is not None else _done(score(batch)))
            scored = stop

        try:
            with Progress(total=n, desc="coding titles", enabled=progress) as bar:
                for chunk in _cleaned(titles):
                    prepared.extend(chunk)
                    for pr in chunk:
                        for x in (pr[0], *pr[1]):
                            if x and x not in texts:
                                texts[x] = len(text_list)
                                text_list.append(x)
                    while len(text_list) - scored >= _BATCH:
                        submit(scored + _BATCH)
                    bar.update(len(chunk))
                if scored < len(text_list):
                    submit(len(text_list))
                results = [f.result() for f in futures]
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        if results:
            _, chosen, raw, backed, ranked = (np.concatenate(a) for a in zip(*results))
        else:
            chosen = np.zeros(0, dtype=np.intp)
            raw = np.zeros(0, dtype=np.float32)
            backed = np.zeros(0, dtype=bool)
            ranked = np.zeros((0, top_k), dtype=np.intp)
        # Per title: the row of its main job's text (-1 for an empty title).
        main_row = np.fromiter(
            (texts[main] if main else -1 for main, _ in prepared), dtype=np.intp, count=n
        )
        full = main_row >= 0
        j = main_row[full]
        k = chosen[j]
        # Alternatives: the runners-up without the returned code (a backed-off group is not
        # among them), the first top_k - 1; titles naming other jobs put those first.
        rk = ranked[j]
        keep_order = np.argsort(rk == k[:, None], axis=1, kind="stable")
        alts = np.take_along_axis(rk, keep_order, axis=1)[:, : top_k - 1]
        if alts.shape[1] < top_k - 1:  # fewer codes than top_k: cannot happen in practice
            alts = np.pad(alts, ((0, 0), (0, top_k - 1 - alts.shape[1])), mode="edge")
        pos = np.flatnonzero(full)
        for row in np.flatnonzero([bool(prepared[i][1]) for i in pos]):
            named = [int(chosen[texts[o]]) for o in prepared[pos[row]][1]]
            merged = [a for a in dict.fromkeys([*named, *ranked[j[row]].tolist()]) if a != k[row]]
            alts[row] = merged[: top_k - 1]
        review_below = self._review_below()
        pos_titles = [titles[i] for i in pos]
        if cal is None:
            conf_j = raw[j].astype(np.float64)
        else:
            stratum = np.where(backed[j], _PARENT, 0).astype(np.int8)
            if model.job_codes:
                # Only titles whose main job starts as a history main job can have one (the
                # main text starts with the main job): the others' cores are not recovered.
                firsts = model.job_firsts
                cand = [
                    r
                    for r, i in enumerate(pos.tolist())
                    if not backed[j[r]] and prepared[i][0].split(" ", 1)[0] in firsts
                ]
                if cand:
                    rows_c = np.array(cand, dtype=np.intp)
                    stratum[rows_c] = _strata(
                        [_core_of(pos_titles[r], prepared[pos[r]][0]) for r in cand],
                        [tree.codes[x] for x in k[rows_c].tolist()],
                        backed[j[rows_c]],
                        model.job_codes,
                    )
            conf_j = cal(raw[j], stratum)
        unsure = backed[j] | (raw[j] < threshold)
        # Titles naming no occupation (only generic words: 学徒, 助理, 经理, 不限): no code.
        generic = _generic_rows(pos_titles, [prepared[i][0] for i in pos])
        # Titles cut to their first _MAX_CHARS characters: coded by their head, reviewed.
        unsure |= np.fromiter((len(t) > _MAX_CHARS for t in pos_titles), bool, count=len(pos))
        code_s = pl.Series("code", tree.codes, dtype=pl.Utf8)
        name_s = pl.Series("name", tree.names, dtype=pl.Utf8)
        code_col = code_s.gather(k)
        name_col = name_s.gather(k)
        level_col = pl.Series("level", tree.depth[k].astype(np.int8), dtype=pl.Int8)
        if generic.any():
            rows_g = np.flatnonzero(generic)
            code_col = code_col.scatter(rows_g, None)
            name_col = name_col.scatter(rows_g, None)
            level_col = level_col.scatter(rows_g, None)
            conf_j = np.where(generic, 0.0, conf_j)
            unsure |= generic
        done = pl.DataFrame(
            {
                "title": pos_titles,
                "code": code_col.alias("code"),
                "name": name_col.alias("name"),
                "confidence": conf_j,
                "level": level_col.alias("level"),
                "needs_review": unsure | (conf_j < review_below),
                "alternatives": (
                    code_s.gather(alts.ravel()).reshape((len(k), top_k - 1)).cast(pl.List(pl.Utf8))
                    if top_k > 1
                    else pl.Series([[]] * len(k), dtype=pl.List(pl.Utf8))
                ),
            }
        )
        empty_pos = np.flatnonzero(~full)
        if not empty_pos.size:  # every title coded (one title online): already in input order
            return done.select(_SCHEMA_COLUMNS)
        empty = pl.DataFrame(
            {
                "title": [titles[i] for i in empty_pos],
                "code": [None] * len(empty_pos),
                "name": [None] * len(empty_pos),
                "confidence": [0.0] * len(empty_pos),
                "level": [None] * len(empty_pos),
                "needs_review": [True] * len(empty_pos),
                "alternatives": [[] for _ in empty_pos],
            },
            schema=done.schema,
        )
        # Back to input order: the coded rows, then the empty ones.
        order = np.empty(n, dtype=np.intp)
        order[np.concatenate([pos, empty_pos])] = np.arange(n)
        return pl.concat([done, empty]).select(_SCHEMA_COLUMNS)[order]

    def predict_proba(self, titles: Sequence[str]) -> NDArray[np.float32]:
        """Probabilities of every code for each title's main job (no backing off).

        Returns
        -------
        ndarray of float32, shape (n_titles, n_codes)
            Columns in the order of ``matchcore.occupations.load().codes``; rows sum to 1.

        Examples
        --------
        >>> from matchcore.normalize import TitleCoder
        >>> import matchcore as mc
        >>> p = TitleCoder().predict_proba(["电工"])
        >>> mc.occupations.load().codes[int(p[0].argmax())]
        '6-31-01-03'
        """
        self._check_params()
        t_list = _as_list(titles, "titles", "TitleCoder.predict_proba")
        return self._model().proba([_prepare(str(t or ""))[0] for t in t_list])


# Codes _decide ranks per row: the most probable ones (5-fold CV: 8 give the same figures as
# all codes, 5 lose a point of top-5).
_CANDIDATES = 8


def _rank_reference(p_row: NDArray[np.float32], k: int, candidates: int = _CANDIDATES) -> list[int]:
    """The top ``k`` codes of one row, slowly (the reference of :func:`_rank`).

    The probabilities are over the codes an expert writes, at any level, and a code is right
    when the expert wrote it or one of its ancestors. Among the ``max(candidates, k)`` most
    probable codes (ties to the lower code), each pick is the code adding most probability of
    being right: the expert's codes it matches (itself and its ancestors) that no earlier pick
    matches, summed root first in float32; ties go to the lower code.
    """
    tree = _tree()
    m = min(len(p_row), max(candidates, k))
    cand = sorted(sorted(range(len(p_row)), key=lambda j: (-float(p_row[j]), j))[:m])
    covered: set[int] = set()
    picks: list[int] = []
    for _ in range(min(k, m)):
        best, best_gain = -1, np.float32(-np.inf)
        for c in cand:
            if c in picks:
                continue
            gain = np.float32(0.0)
            for a in reversed(tree.up[c].tolist()):
                if a >= 0:
                    gain = np.float32(0.0 if a in covered else p_row[a]) + gain
            if gain > best_gain:
                best, best_gain = c, gain
        picks.append(best)
        covered.update(a for a in tree.up[best].tolist() if a >= 0)
    return picks


@functools.cache
def _by_depth() -> NDArray[np.intp]:
    """Per code, its ancestors and itself by depth (column d: the node at level d + 1), else -1."""
    tree = _tree()
    out = np.full(tree.up.shape, -1, dtype=np.intp)
    for i in range(len(tree.codes)):
        chain = [a for a in tree.up[i].tolist() if a >= 0][::-1]
        out[i, : len(chain)] = chain
    return out


def _root_first_sum(vals: NDArray[np.float32]) -> NDArray[np.float32]:
    """Sum over the last axis (a chain's probabilities by depth, root first), in float32 and
    in the order :func:`_rank_reference` adds them, so a chain's chance has the same bits in
    :func:`_rank` and :func:`_decide`."""
    total = vals[..., 0] + np.float32(0.0)
    for j in range(1, vals.shape[-1]):
        total = vals[..., j] + total
    return total


def _rank(p: NDArray[np.float32], k: int, candidates: int = _CANDIDATES) -> NDArray[np.intp]:
    """:func:`_rank_reference` for every row at once; shape (n_rows, min(k, n_codes))."""
    n_rows, n = p.shape
    rows = np.arange(n_rows)
    m = min(n, max(candidates, k))
    if m <= 8:
        # A few argmax passes (vectorized, first maximum = lowest column on ties) are much
        # faster than a partition of every row; each pass masks the code it found.
        work = p.copy()
        cand = np.empty((n_rows, m), dtype=np.intp)
        for t in range(m):
            cand[:, t] = work.argmax(axis=1)
            work[rows, cand[:, t]] = -1.0
    else:
        # A stable sort of the negated rows: ties by column order (a partition would pick
        # an arbitrary subset of the codes tied at the m-th place).
        cand = np.argsort(-p, axis=1, kind="stable")[:, :m]
    cand = np.sort(cand, axis=1)  # by code: argmax below then breaks ties to the lower one
    # Each candidate's chain by depth, root first: (rows, m, 4), -1 below the code's level.
    chains = _by_depth()[cand]
    vals = np.where(chains >= 0, p[rows[:, None, None], np.maximum(chains, 0)], np.float32(0.0))
    k = min(k, m)
    ranked = np.empty((n_rows, k), dtype=np.intp)
    taken = np.zeros(cand.shape, dtype=bool)
    for t in range(k):
        gain = _root_first_sum(vals)
        gain[taken] = -np.inf
        pick = gain.argmax(axis=1)
        ranked[:, t] = cand[rows, pick]
        if t + 1 < k:
            # The pick's chain is matched now (a node at the same depth of another chain is
            # the same node): it adds nothing to the later picks.
            taken[rows, pick] = True
            vals = np.where(chains == chains[rows, pick][:, None, :], np.float32(0.0), vals)
    return ranked


def _decide(
    p: NDArray[np.float32], threshold: float, top_k: int
) -> tuple[
    NDArray[np.intp], NDArray[np.intp], NDArray[np.float32], NDArray[np.bool_], NDArray[np.intp]
]:
    """Best code, returned code (after backing off), its probability, backed off, top-k codes.

    Codes are ranked by the probability of being right at the expert's level (see
    :func:`_rank_reference`); ties go to the lower code (the classification's order), so the
    result is deterministic.
    """
    tree = _tree()
    rows = np.arange(p.shape[0])
    k = min(top_k, p.shape[1])
    ranked = _rank(p, k)
    best = ranked[:, 0]
    chain = tree.up[best]  # (n, 4): best, its parent, ...
    chosen = best.copy()
    # The best code's chance of being right at the expert's level, summed as _rank sums it.
    by_depth = _by_depth()[best]
    vals = np.where(by_depth >= 0, p[rows[:, None], np.maximum(by_depth, 0)], np.float32(0.0))
    raw = _root_first_sum(vals)
    backed = np.zeros(p.shape[0], dtype=bool)
    need = np.flatnonzero(raw < threshold) if threshold > 0 else np.zeros(0, dtype=np.intp)
    if len(need):
        # Probability of each group: the sum over its subtree (tree.desc maps codes to groups).
        agg = np.asarray(tree.desc.T @ p[need].T).T
        for r_local, r in enumerate(need):
            for node in chain[r, 1:]:
                if node < 0:
                    break
                if agg[r_local, node] >= threshold:
                    chosen[r] = node
                    raw[r] = agg[r_local, node]
                    backed[r] = True
                    break
    return best, chosen, raw, backed, ranked


def _done(value: Any) -> Future[Any]:
    """A future already holding ``value`` (scoring done inline)."""
    f: Future[Any] = Future()
    f.set_result(value)
    return f


def _prepare_all(titles: list[str]) -> list[tuple[str, tuple[str, ...]]]:
    """:func:`_prepare` of each title (``("", ())`` for a blank one)."""
    return [_prepare(t) if t.strip() else ("", ()) for t in titles]


def _cleaned(titles: list[str]) -> Iterator[list[tuple[str, tuple[str, ...]]]]:
    """The prepared titles, in order, by chunks of _BATCH.

    From _PROCESS_MIN titles not cleaned before, on Linux, these are cleaned by one forked worker
    process (cleaning is pure Python: in a thread it would hold the interpreter lock the scoring
    threads need) and remembered by :func:`_prepare`; the pipes carry only the titles and their
    cleaned texts. Otherwise, or if the process cannot start, titles are cleaned here, a chunk
    at a time.
    """
    procs: ProcessPoolExecutor | None = None
    if (
        len(titles) >= _PROCESS_MIN
        and sys.platform.startswith("linux")
        and not multiprocessing.current_process().daemon  # a daemon may not have children
    ):
        # Each title's cached value (None: to clean), read once: the cache may drop entries.
        known = [_prepare.get(t) if t.strip() else ("", ()) for t in titles]
        todo = [t for t, k in zip(titles, known) if k is None]
        if len(todo) >= _PROCESS_MIN:
            clean_title("电工")  # the place names and character tables, built before the fork
            try:
                procs = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
                # A batch a task: the first batch can be scored ~30 ms after the start.
                groups = [todo[i : i + _BATCH] for i in range(0, len(todo), _BATCH)]
                pending = [procs.submit(_prepare_all, g) for g in groups]
            except (OSError, RuntimeError) as exc:  # no fork here (limits, sandbox): inline
                log.debug("cleaning in this process: %s", exc)
                if procs is not None:
                    procs.shutdown(wait=False, cancel_futures=True)
                procs = None
    if procs is None:
        for start in range(0, len(titles), _BATCH):
            yield _prepare_all(titles[start : start + _BATCH])
        return
    try:
        # The results a chunk at a time: one islice and one put_many rather than a generator
        # step and a put a title (this loop's CPU 1.2 -> 0.7 us a title, 20,000 synthetic
        # titles, best of 9, the worker's results given by a stub executor).
        stream = itertools.chain.from_iterable(_results(pending, todo))
        for start in range(0, len(titles), _BATCH):
            out = known[start : start + _BATCH]
            need = [i for i, got in enumerate(out) if got is None]
            if need:
                got = list(itertools.islice(stream, len(need)))
                if len(need) == len(out):  # none of the chunk cleaned before (most chunks)
                    out, keys = got, titles[start : start + _BATCH]
                else:
                    keys = [titles[start + i] for i in need]
                    for i, g in zip(need, got):
                        out[i] = g
                _prepare.put_many(keys, got)
            yield cast(list[tuple[str, tuple[str, ...]]], out)
    finally:
        procs.shutdown(wait=True, cancel_futures=True)


def _results(
    pending: list[Future[list[tuple[str, tuple[str, ...]]]]], todo: list[str]
) -> Iterator[list[tuple[str, tuple[str, ...]]]]:
    """The worker's results in order, a list a task; if it died, the rest cleaned here."""
    done = 0
    for f in pending:
        try:
            got = f.result()
        except BrokenExecutor:  # the worker died (killed, out of memory): go on here
            log.warning("the title-cleaning process stopped; cleaning in this process")
            break
        yield got
        done += len(got)
    for i in range(done, len(todo), _BATCH):
        yield [_prepare(t) for t in todo[i : i + _BATCH]]


def _as_list(values: Any, name: str, owner: str) -> list[Any]:
    if isinstance(values, pl.Series):
        return values.cast(pl.Utf8).to_list()
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise InvalidParameter.of(name, owner, values, "a list or polars Series of strings")
    return list(values)


def _rows(positions: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(i) for i in positions[:limit])
    return shown + (f" and {len(positions) - limit} more" if len(positions) > limit else "")


# -- measurement -----------------------------------------------------------------------------


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
        tree = _tree()
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
        confident titles, see :mod:`matchcore.normalize._coder_coverage`), and the out-of-fold
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

    Run ``python -c "from matchcore.normalize._coder import _write_calibration as w; w()"``
    after changing the features, the parameters,
    the words or the shipped history (a test fails until then).
    """
    from pathlib import Path

    target = Path(__file__).with_name("data") / "coder_calibration.json"
    d = _build_calibration()
    target.write_text(json.dumps(d, indent=1) + "\n", encoding="utf-8")
    return str(target)
