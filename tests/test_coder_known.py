"""Known words inside a title's main job: a word inside a longer word is not a word of its own."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matchcore as mc
from matchcore.normalize import _coder
from matchcore.normalize._coder.known import KnownWords, add_terms

WORDS = [("车工", 0), ("挡车工", 1), ("叉车工", 2), ("纺织", 3), ("电工", 4), ("维修电工", 4)]


def test_maximal_words_only() -> None:
    kw = KnownWords(WORDS, n_codes=5)
    assert [rows for _, _, rows in kw.find("纺织挡车工")] == [(3,), (1,)]
    assert kw.inside("纺织挡车工") == {0}  # 车工 lies inside 挡车工
    assert kw.inside("数控车工") == set()  # 车工 is the word itself here
    # a code also named by a maximal word is not taken off
    assert kw.inside("维修电工") == set()


def test_words_with_a_space_or_one_character_are_not_looked_up() -> None:
    kw = KnownWords([("普工 操作工", 0), ("工", 1), ("普工", 2)], n_codes=3)
    assert len(kw) == 1
    assert [rows for _, _, rows in kw.find("普工")] == [(2,)]


def _inside_reference(words: list[tuple[str, int]], text: str) -> set[int]:
    """KnownWords.inside by brute force over every pair of spans of the first token."""
    codes: dict[str, set[int]] = {}
    for w, r in words:
        if len(w) >= 2 and " " not in w:
            codes.setdefault(w, set()).add(r)
    token = text.split(" ", 1)[0]
    spans = [
        (s, e)
        for s in range(len(token))
        for e in range(s + 2, len(token) + 1)
        if token[s:e] in codes
    ]
    maximal = [
        (s, e)
        for s, e in spans
        if not any((s2 <= s and e <= e2) and (s2, e2) != (s, e) for s2, e2 in spans)
    ]
    named = {r for s, e in maximal for r in codes[token[s:e]]}
    return {r for s, e in spans for r in codes[token[s:e]]} - named


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="车工挡叉纺织电维修数控 ", max_size=14))
def test_inside_matches_brute_force(text: str) -> None:
    kw = KnownWords(WORDS, n_codes=5)
    assert kw.inside(text) == _inside_reference(WORDS, text)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="车工挡叉纺织电维修", max_size=8), max_size=6))
def test_terms_add_only_their_entries(texts: list[str]) -> None:
    import numpy as np

    kw = KnownWords(WORDS, n_codes=5)
    terms = kw.terms(texts, inside=0.3)
    scores = np.zeros((len(texts), 5), dtype=np.float32)
    add_terms(scores, terms)
    for i, t in enumerate(texts):
        want = np.zeros(5, dtype=np.float32)
        for r in kw.inside(t):
            want[r] = -0.3
        assert np.array_equal(scores[i], want)


@pytest.mark.parametrize(
    ("title", "not_code"),
    [
        ("纺织挡车工（三班倒）", "6-18-01-01"),  # 挡车工 minds looms: not a lathe operator
        ("制药车间操作工（GMP车间）", "6-18-01-01"),  # 车间 is a workshop, not 车工
        ("食品厂车间操作工", "6-18-01-01"),
    ],
)
def test_a_trade_word_inside_another_word_does_not_code_the_title(
    title: str, not_code: str
) -> None:
    got = mc.normalize.TitleCoder().code([title])["code"][0]
    assert got != not_code


def test_shipped_words_include_the_classification_aliases() -> None:
    model = _coder.model._base_model(True)
    tree = mc.occupations.load().arrays()
    found = [tree.codes[r] for _, _, rows in model.known.find("纺织挡车工") for r in rows]
    assert "6-04-03-03" in found  # 挡车工 is the classification's alias of 织布工
    assert "6-18-01-01" in [tree.codes[r] for r in model.known.inside("纺织挡车工")]


def test_parcel_sorting_is_not_delivery() -> None:
    # the dictionary follows the classification's definitions: 快件处理员 sorts and loads
    # parcels at a hub, 快递员 collects and delivers them
    got = mc.normalize.TitleCoder().code(["快递分拣员（夜班）", "快递员（派件）"])["code"].to_list()
    assert got == ["4-02-07-09", "4-02-07-08"]
