"""Differential tests of the title coder's fast paths: blocked softmax and top-k, and the
pipelined, multi-threaded driver, against plain references (to the bit where promised)."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_coder import TITLES, _normalize_reference, assert_counts_equal

from matchcore.normalize import TitleCoder, _coder


def _softmax_reference(model: _coder.model._Model, texts: list[str]) -> np.ndarray:
    """The softmax of the scores over the whole matrix at once, float32 as the model does."""
    s, empty = model.scores(texts)
    s = s * np.float32(1.0 / model.params.temperature)
    s += np.float32(model.params.prior) * model.log_prior
    s -= s.max(axis=1, keepdims=True)
    p = np.exp(s)
    p /= p.sum(axis=1, keepdims=True)
    if np.any(empty):
        prior = np.exp(model.log_prior - model.log_prior.max())
        p[empty] = prior / prior.sum()
    return p


@pytest.mark.parametrize("rows", [1, 7, 64, 1 << 20])
def test_blocked_softmax_is_the_whole_matrix_softmax(
    rows: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = TitleCoder()._model()
    texts = [_coder.cleaning._prepare(t)[0] if t.strip() else "" for t in TITLES * 6]
    texts += [f"焊工{i}号" for i in range(40)]
    monkeypatch.setattr(_coder.model, "_ROWS", rows)
    fast = model.proba(texts)
    slow = _softmax_reference(model, texts)
    assert fast.dtype == np.float32
    np.testing.assert_array_equal(fast.view(np.uint32), slow.view(np.uint32))


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_driver_threads_match_one_batch(workers: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # Small batches scored by 1-3 worker threads while later titles are cleaned give the frame
    # of one batch scored inline, to the bit (each row is computed on its own).
    titles = TITLES * 3 + [f"焊工{i}号" for i in range(30)] + [f"普工{i}" for i in range(30)]
    coder = TitleCoder()
    whole = coder.code(titles, progress=False)
    monkeypatch.setattr(_coder.worker, "_BATCH", 5)
    monkeypatch.setattr(_coder.worker, "_WORKERS", workers)
    assert coder.code(titles, progress=False).equals(whole)


def test_cleaning_process_matches_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    # Titles cleaned by the forked process (small chunks, several per task) give the frame of
    # titles cleaned here; titles cleaned before are taken from the cache, the others are
    # remembered for the next call.
    titles = (
        TITLES * 2 + [f"电焊工{i}（包吃住）" for i in range(45)] + [f"司机C{i}" for i in range(9)]
    )
    titles = list(dict.fromkeys(titles))
    coder = TitleCoder()
    inline = coder.code(titles, progress=False)
    expect = _coder.worker._prepare_all(titles)
    monkeypatch.setattr(_coder.worker, "_BATCH", 4)
    monkeypatch.setattr(_coder.worker, "_PROCESS_MIN", 10)
    for t in titles[5:]:
        _coder.cleaning._prepare.data.pop(t, None)
    chunks = list(_coder.worker._cleaned(titles))
    assert [len(c) for c in chunks] == [len(titles[i : i + 4]) for i in range(0, len(titles), 4)]
    assert [pr for c in chunks for pr in c] == expect
    assert all(_coder.cleaning._prepare.get(t) == e for t, e in zip(titles, expect) if t.strip())
    _coder.cleaning._prepare.cache_clear()
    assert coder.code(titles, progress=False).equals(inline)


def _die(titles: list[str]) -> None:
    os._exit(1)  # in the forked worker only


@pytest.fixture
def uncleaned(monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], list[Any]]:
    """30 titles not cleaned before, enough for the cleaning process, and their inline result."""
    titles = [f"保安{i}" for i in range(30)]
    expect = _coder.worker._prepare_all(titles)
    _coder.cleaning._prepare.cache_clear()
    monkeypatch.setattr(_coder.worker, "_BATCH", 4)
    monkeypatch.setattr(_coder.worker, "_PROCESS_MIN", 10)
    return titles, expect


def test_cleaning_falls_back_when_the_process_dies(
    uncleaned: tuple[list[str], list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    titles, expect = uncleaned
    monkeypatch.setattr(_coder.worker, "_prepare_all", _die)
    chunks = list(_coder.worker._cleaned(titles))
    assert [pr for c in chunks for pr in c] == expect


def test_memo_is_bounded_and_clears() -> None:
    calls: list[str] = []

    def fn(t: str) -> tuple[str, tuple[str, ...]]:
        calls.append(t)
        return t.upper(), ()

    memo = _coder.cleaning._Memo(fn, maxsize=3)
    assert [memo(t) for t in "abcab"] == [(t.upper(), ()) for t in "abcab"]
    assert calls == ["a", "b", "c"]
    memo("d")  # drops the oldest, "a"
    assert memo.get("a") is None and memo.get("d") == ("D", ())
    memo.cache_clear()
    assert memo.get("b") is None


def test_memo_put_many_is_puts_one_by_one() -> None:
    one, many = _coder.cleaning._Memo(str, maxsize=5), _coder.cleaning._Memo(str, maxsize=5)
    for keys in (["a", "b", "c"], ["d", "e", "f", "g"], list("hijklmn")):
        values = [(k.upper(), ()) for k in keys]
        for k, v in zip(keys, values):
            one.put(k, v)
        many.put_many(keys, values)
        assert list(many.data.items()) == list(one.data.items())
        assert len(many.data) <= 5


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(max_size=15),
            st.text(alphabet="电工焊保安司机 abc汽修\U0001f600\ud800龘", max_size=15),
        ),
        max_size=12,
    ),
    st.sampled_from([1, 2, 3]),
)
def test_counts_by_tables_match_text_by_text(raw: list[str], ngram: int) -> None:
    # Code points past the 1-gram table, lone surrogates, unknown characters, empty texts.
    v = _VECTORIZERS[ngram]
    texts = [" ".join(t.split()) for t in raw]
    assert_counts_equal(v, texts)


def _vectorizer(ngram: int) -> _coder.vectorizer._CharNgrams:
    v = _coder.vectorizer._CharNgrams(ngram)
    v.fit_transform([t for t, _, _ in _coder.model._documents()[:500]] + ["电工 焊工 abc", "😀龘"])
    return v


_VECTORIZERS = {n: _vectorizer(n) for n in (1, 2, 3)}


def _workplace_reference(text: str) -> str:
    """Each token's trailing workplace word + job word becomes the job word alone, when at
    least two characters come before (the longest workplace word first, once a token)."""
    out = []
    for tok in text.split(" "):
        done = False
        for w in sorted(_coder.cleaning.WORKPLACE_WORDS, key=len, reverse=True):
            for j in _coder.cleaning.WORKPLACE_JOBS:
                if not done and tok.endswith(w + j) and len(tok) - len(w + j) >= 2:
                    tok = tok[: len(tok) - len(w + j)] + j
                    done = True
        out.append(tok)
    return " ".join(out)


def _prepare_reference(title: str) -> tuple[str, tuple[str, ...]]:
    """_prepare from clean_title and _normalize_reference: no shared NFKC, no cache."""
    ct = _coder.cleaning.clean_title(title)
    core = _workplace_reference(_normalize_reference(ct.core))
    main = f"{core} {_workplace_reference(_normalize_reference(title))}".strip()
    others = (_workplace_reference(_normalize_reference(t)) for t in ct.titles)
    return main, tuple(dict.fromkeys(o for o in others if o and o != core))


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("制药车间操作工", "制药操作工"),
        ("制药厂操作工 有gmp经验", "制药操作工 有gmp经验"),
        ("食品生产车间普工", "食品普工"),
        ("生产车间普工", "生产普工"),
        ("车间操作工", "车间操作工"),  # no industry before the workplace: kept
        ("车间主任", "车间主任"),  # not a job word after it
        ("陶瓷厂长", "陶瓷厂长"),
    ],
)
def test_workplace_words_leave_the_job_text(text: str, expect: str) -> None:
    assert _coder.cleaning._without_workplace(text) == expect == _workplace_reference(text)


def test_prepare_matches_reference_on_real_titles() -> None:
    titles, _ = _coder.data._builtin_history()
    expect = [_prepare_reference(t) for t in titles]
    assert [_coder.cleaning._prepare.fn(t) for t in titles] == expect
    assert [_coder.cleaning._prepare(t) for t in titles] == expect


normalize_text = st.text(
    alphabet="电工保安/+ 、_-销售经理(急招)Java8kKwW千万元0123456789ａ１²", max_size=20
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), normalize_text))
def test_prepare_matches_reference_on_generated_text(title: str) -> None:
    assert _coder.cleaning._normalize.__wrapped__(title) == _normalize_reference(title)
    assert _coder.cleaning._prepare.fn(title) == _prepare_reference(title)
    assert _coder.cleaning._prepare(title) == _prepare_reference(title)


def test_cleaning_inline_in_a_daemon_process(
    uncleaned: tuple[list[str], list[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A multiprocessing.Pool worker is a daemon and may not start the cleaning process.
    import multiprocessing
    from types import SimpleNamespace

    def no_process(*args: object, **kwargs: object) -> None:
        raise AssertionError("daemonic processes are not allowed to have children")

    titles, expect = uncleaned
    monkeypatch.setattr(_coder.worker, "ProcessPoolExecutor", no_process)
    monkeypatch.setattr(multiprocessing, "current_process", lambda: SimpleNamespace(daemon=True))
    assert [pr for c in _coder.worker._cleaned(titles) for pr in c] == expect
