"""Cleaning a title for the coder: its main job, the other jobs it names, the generic words.

:func:`_prepare` turns a title into the texts the model scores: the main job's text followed by
the whole title's (clean_title can drop words that still tell the occupation, and the main job's
n-grams then count twice), and the other jobs' texts, which become alternatives. Texts are
normalized for the character n-grams by :func:`_normalize` (NFKC, lower case, digits and
separators to single spaces). :func:`_main_job` is the key of corrections, of the review queue
and of the calibration's strata. Titles whose every job is generic words (学徒, 助理, 经理:
``data/coder_generic.csv``) name no occupation (:func:`_generic_rows`).

Cleaning is pure Python and the slowest step of coding a new title, so :func:`_prepare` is
remembered in a bounded cache (:class:`_Memo`) that the cleaning worker process fills
(see :mod:`.worker`).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from matchcore.normalize._coder.data import _read_data
from matchcore.normalize._text import _clean_nfkc, _nfkc, clean_title

# A longer title is a pasted description: it is coded by the main job of its first _MAX_CHARS
# characters alone (the whole text would code it by the bulk of its words, its tail) and sent to
# review. The shipped history's longest title has 37 characters, 99 % have at most 25.
_MAX_CHARS = 40

# Noise that clean_title may leave in a title; removed before the character n-grams.
_DIGITS_RE = re.compile(r"(?<![a-z])[0-9]+[kw千万元+]*")
_SPACE_RE = re.compile(r"[\W_]+")


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
    # NFKC once, for clean_title and for the whole title's text; that text is not remembered
    # (each title is, by this function: it would only fill _normalize's cache).
    if len(title) > _MAX_CHARS:
        # (the other "jobs" of a description are its sentences: not alternatives)
        core = _jobs(title)[0]
        return core or _normalize(title[:_MAX_CHARS]), ()
    nfkc = _nfkc(title)
    ct = _clean_nfkc(nfkc)
    core = _job_text(ct.core)
    # The main job's words, then the whole title: clean_title can drop words that still tell
    # the occupation, and the n-grams of the core then count twice.
    main = f"{core} {_without_workplace(_normalize_nfkc(nfkc))}".strip()
    if len(ct.titles) == 1 and ct.titles[0] == ct.core:  # most titles: no other job
        return main, ()
    # The other jobs' texts, each once, in order.
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


def _core_of(title: str, main: str) -> str:
    """:func:`_main_job` of a title from its prepared main text (``core`` then the whole title's
    text, see :func:`_prepare`), without cleaning the title again."""
    if len(title) > _MAX_CHARS:
        return _jobs(title)[0]
    whole = _without_workplace(_normalize_nfkc(_nfkc(title)))
    if not whole:
        return main
    if main == whole:  # no core: the main text is the whole title's
        return ""
    return main[: len(main) - len(whole) - 1]
