"""Driving licence classes: read from records, and a stated class that does not cover the
required one keeps the pair out."""

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import matchcore as mc
from matchcore.normalize import DRIVING_CLASSES, covers, driving_class


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("货车司机（B2本）", "B2"),
        ("保安或者司机（C1）", "C1"),
        ("客车司机（Ａ１证）", "A1"),
        ("冷链货车司机（B2/A2）", "B2"),
        ("电工", None),
        ("A1区仓库管理员", None),
        (None, None),
    ],
)
def test_driving_class(text, want):
    assert driving_class(text) == want


@given(st.sampled_from(DRIVING_CLASSES), st.sampled_from(DRIVING_CLASSES))
def test_cover_is_reflexive_and_follows_the_ladder(a, b):
    assert covers(a, a)
    if covers(a, b) and covers(b, a):
        assert a == b  # no two classes cover each other
    assert covers("A1", "C1") and not covers("C1", "B2") and covers(None, b)


def test_a_class_that_does_not_cover_is_not_proposed():
    seekers = pl.DataFrame(
        {
            "seeker_id": ["c1", "a2", "unknown"],
            "desired_title": ["货车司机（C1）", "货车司机（A2）", "货车司机"],
            "region": ["平度市"] * 3,
        }
    )
    vacancies = pl.DataFrame(
        {
            "vacancy_id": ["truck"],
            "employer_id": ["e"],
            "title": ["货车司机"],
            "requirements": ["须持B2及以上驾驶证"],
            "openings": [3],
            "region": ["平度市"],
        }
    )
    r = mc.match(seekers, vacancies, progress=False)
    got = dict(r.recommendations.select("seeker_id", "reason").iter_rows())
    assert set(got) == {"a2", "unknown"}
    assert "驾照满足（持A2，需B2）" in got["a2"]
    assert "需B2驾照，请核实" in got["unknown"]
