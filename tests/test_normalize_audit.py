"""audit_posting: discriminatory requirements by category, and what must not be flagged."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchcore.normalize import AuditFinding, audit_posting


def categories(text):
    return [f.category for f in audit_posting(text)]


@pytest.mark.parametrize(
    ("text", "category", "word"),
    [
        ("招聘保安，限男性", "gender", "限男性"),
        ("前台文员 女性优先", "gender", "女性优先"),
        ("性别：男", "gender", "性别:男"),
        ("只招女生", "gender", "只招女生"),
        ("保安 男性 身体好", "gender", "男性"),
        ("要求已婚已育", "marital", "已婚已育"),
        ("未婚优先", "marital", "未婚"),
        ("近三年无生育计划", "marital", "无生育计划"),
        ("需本地户口", "household", "本地户口"),
        ("本市户籍", "household", "本市户籍"),
        ("限本地人", "household", "限本地人"),
        ("限汉族", "ethnicity", "汉族"),
        ("维吾尔族优先", "ethnicity", "维吾尔族"),
        ("无宗教信仰", "religion", "宗教"),
        ("乙肝携带者勿扰", "health", "乙肝"),
        ("大三阳不要", "health", "大三阳"),
        ("年龄35岁以下", "age", "35岁以下"),
        ("18-35岁", "age", "18-35岁"),
        ("年龄25-40", "age", "年龄25-40"),
        ("限90后", "age", "限90后"),
        ("不超过40岁", "age", "不超过40岁"),
        ("25岁以上", "age", "25岁以上"),
    ],
)
def test_flags(text, category, word):
    found = {f.category: f.words for f in audit_posting(text)}
    assert category in found
    assert word in found[category]


@pytest.mark.parametrize(
    "text",
    [
        "男女不限，学历不限",
        "18周岁以上",
        "16-60岁",
        "年龄不限",
        "五险一金（含生育保险），带薪产假",
        "持健康证上岗",
        "户籍不限，民族不限",
        "男装导购",
        "女性用品销售",
        "男性健康专科护士",
        "",
        None,
    ],
)
def test_not_flagged(text):
    assert audit_posting(text) == ()


def test_several_categories_in_fixed_order():
    found = audit_posting("仓管员 限男性 35岁以下 本地户口 已婚已育 乙肝勿扰 汉族")
    assert [f.category for f in found] == [
        "gender",
        "marital",
        "household",
        "ethnicity",
        "health",
        "age",
    ]
    assert all(isinstance(f, AuditFinding) and f.words for f in found)


def test_full_width_and_traditional():
    assert categories("限男性，３５歲以下") == ["gender", "age"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_never_raises(text):
    for f in audit_posting(text):
        assert f.words
