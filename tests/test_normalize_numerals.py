"""Chinese numerals in amounts: the hand-written grammar against cn2an, and the misread cases."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchcore.normalize import education, experience, salary
from matchcore.normalize._fields import _cn_int, _cn_numerals

cn2an = pytest.importorskip("cn2an")

_DIGITS = "零一二三四五六七八九"


def _write(n: int) -> str:
    """n written out in the standard unit form (one of many spellings), for n in [1, 10**8)."""

    def below_wan(k: int, lead: bool) -> str:
        out, zero = "", False
        for unit, ch in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            d, k = divmod(k, unit)
            if d:
                if zero or (not lead and not out and unit < 1000):
                    out += "零"
                out += _DIGITS[d] + ch
                zero = False
            elif out:
                zero = True
        return out

    high, low = divmod(n, 10_000)
    text = below_wan(high, True) + "万" if high else ""
    if low:
        text += below_wan(low, not high) if high else below_wan(low, True)
    return text


@settings(max_examples=400, deadline=None)
@given(st.integers(1, 99_999_999))
def test_grammar_agrees_with_cn2an_on_standard_forms(n):
    text = _write(n)
    assert cn2an.cn2an(text, "strict") == n  # the writer is right
    assert _cn_int(text) == n


@settings(max_examples=300, deadline=None)
@given(
    st.integers(1, 9),
    st.sampled_from([("千", 1000), ("百", 100), ("万", 10000)]),
    st.integers(1, 9),
)
def test_colloquial_trailing_digit_agrees_with_cn2an(a, unit, b):
    # 三千五, 两百五, 一万二: the trailing digit stands for the next lower unit
    ch, value = unit
    text = _DIGITS[a] + ch + _DIGITS[b]
    want = cn2an.cn2an(text, "normal")
    assert _cn_int(text) == want == a * value + b * value // 10


@pytest.mark.parametrize(
    "text",
    ["三千五百", "一千零五十", "一万零五百", "两千", "十五万", "二十三", "一千零五", "十万零三",
     "壹仟伍佰", "一百万", "三百零五", "四万五千", "一万二千五", "二零二六"],
)  # fmt: skip
def test_named_forms_agree_with_cn2an(text):
    mode = "normal"
    assert _cn_int(text) == cn2an.cn2an(text, mode)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("三千五百元", 3500, 3500),
        ("八千至一万零五百", 8000, 10500),
        ("月薪三千五百到四千五百", 3500, 4500),
        ("两千五到三千", 2500, 3000),
        ("三五千", 3000, 5000),
        ("七八千元", 7000, 8000),
        ("一两万", 10000, 20000),
        ("1万5000", 15000, 15000),
        ("一万二", 12000, 12000),
        ("4000五险一金", 4000, 4000),
        ("壹仟捌佰元", 1800, 1800),
        ("计件，一般三千五", 3500, 3500),
        ("一线员工四千", 4000, 4000),
    ],
)
def test_salary_with_chinese_numerals(text, low, high):
    got = salary(text)
    assert (got.low, got.high) == (low, high)


@pytest.mark.parametrize("text", ["计件就行", "按提成", "待遇从优", "面议"])
def test_pay_without_an_amount_is_not_stated(text):
    assert salary(text) is None


def test_weekly_salary_in_chinese_numerals_converts_to_a_month():
    got = salary("一千零五十元/周")
    assert got.period == "week" and got.low == pytest.approx(1050 * 21.75 / 5)  # 4567.5


def test_half_year_and_numeral_experience():
    assert experience("一年半") == (1.5, 1.5)
    assert experience("三到五年") == (3.0, 5.0)


@pytest.mark.parametrize("text", ["万元", "上万", "千克", "百度", "三五"])
def test_a_lone_unit_or_digit_run_without_unit_is_not_rewritten_as_a_unit_number(text):
    assert _cn_numerals(text) == text or _cn_numerals(text) == "35"
    assert _cn_int("千") is None and _cn_int("三五千") is None


# --------------------------------------------------------------------------------------------
# education spellings of student-status and registration systems


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("大学专科", 4), ("大学本科", 5), ("中等专科", 3), ("初级中学", 2), ("高级中学", 3),
        ("中等专业学校", 3), ("中等技术学校", 3), ("中等职业学校", 3), ("普通高中", 3),
        ("职业高中", 3), ("技工学校", 3), ("硕士研究生", 6), ("博士研究生", 7), ("研究生", 6),
        ("高职高专", 4), ("高等专科学校", 4), ("文盲或半文盲", 0), ("大学专科毕业", 4),
        ("本科肄业", 3), ("硕士研究生结业", 5), ("21", 5), ("31", 4), ("41", 3), ("61", 3),
        ("71", 2), ("81", 1), ("11", 7), ("14", 6), (31, 4), ("專科", 4), ("大專", 4),
        ("职专", 3), ("职业中专", 3), ("普高", 3), ("技师学院", 3), ("职业技术学院", 4),
        ("电大", 4), ("大专在读", 3), ("专科以下", 3), ("大专及以下", 4), ("初中肄业", 1),
    ],
)  # fmt: skip
def test_education_spellings(text, level):
    assert education(text) == level


def test_associate_does_not_pass_as_bachelor():
    # the hard constraint: 大学专科 must not meet a 本科 requirement
    assert education("大学专科") < education("本科")
    assert education("中等专科") < education("大专")


@pytest.mark.parametrize("text", ["\\N", "—", "——", "NULL", "null", "N/A", "#N/A", "无", "-"])
def test_null_spellings_read_as_empty(text):
    assert education(text) is None
    assert salary(text) is None
    # in an experience field 无 is an answer (no experience), not "not stated"
    assert experience(text) == ((0.0, 0.0) if text == "无" else None)
