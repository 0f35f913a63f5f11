"""Field parsers: table-driven cases with real messiness, pinned messages, properties."""

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchcore._errors import InvalidValue, MatchcoreError
from matchcore.normalize import (
    Education,
    ProfessionalTitle,
    SalaryRange,
    SkillLevel,
    age_range,
    date,
    education,
    experience,
    professional_title,
    salary,
    skill_level,
)

E = Education


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("本科", E.BACHELOR),
        ("本科及以上", E.BACHELOR),
        ("全日制统招本科", E.BACHELOR),
        ("大专以上学历", E.ASSOCIATE),
        ("大专或本科", E.ASSOCIATE),
        ("专科", E.ASSOCIATE),
        ("高职", E.ASSOCIATE),
        ("高中", E.SENIOR_SECONDARY),
        ("中专/高中", E.SENIOR_SECONDARY),
        ("中技", E.SENIOR_SECONDARY),
        ("技校", E.SENIOR_SECONDARY),
        ("职高", E.SENIOR_SECONDARY),
        ("初中", E.JUNIOR_SECONDARY),
        ("初中及以上", E.JUNIOR_SECONDARY),
        ("小学", E.PRIMARY),
        ("硕士", E.MASTER),
        ("硕士研究生", E.MASTER),
        ("研究生及以上", E.MASTER),
        ("博士", E.DOCTOR),
        ("博士后", E.DOCTOR),
        ("文盲", E.NONE),
        ("无学历", E.NONE),
        (" 本 科 ", E.BACHELOR),
        ("大專", E.ASSOCIATE),  # traditional
        ("Bachelor", E.BACHELOR),
        (5, E.BACHELOR),
        ("5", E.BACHELOR),
        (0, E.NONE),
    ],
)
def test_education(text, level):
    assert education(text) is level


@pytest.mark.parametrize("text", [None, "", "不限", "学历不限", "不限学历", "无", float("nan")])
def test_education_not_stated(text):
    assert education(text) is None


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            "会开车",
            r"cannot read education from '会开车': expected an education level such as 小学",
        ),
        (9, r"cannot read education from 9: .* or a level 0-7"),
        ([1], r"cannot read education from \[1\]"),
    ],
)
def test_education_invalid(text, match):
    with pytest.raises(InvalidValue, match=match):
        education(text)


def test_education_order_and_labels():
    assert list(Education) == sorted(Education)
    assert [int(e) for e in Education] == list(range(8))
    assert Education.BACHELOR.label == "本科"


@pytest.mark.parametrize(
    ("text", "low", "high", "period"),
    [
        ("8k-12k", 8000, 12000, "month"),
        ("8K-12K", 8000, 12000, "month"),
        ("８ｋ－１２ｋ", 8000, 12000, "month"),
        ("8-12k", 8000, 12000, "month"),
        ("8千-1.2万", 8000, 12000, "month"),
        ("1-1.5万", 10000, 15000, "month"),
        ("6000-8000元/月", 6000, 8000, "month"),
        ("6000～8000 元", 6000, 8000, "month"),
        ("6,000-8,000", 6000, 8000, "month"),
        ("4000至6000", 4000, 6000, "month"),
        ("三千到五千", 3000, 5000, "month"),
        ("一万五", 15000, 15000, "month"),
        ("5000", 5000, 5000, "month"),
        ("5000以上", 5000, None, "month"),
        ("3000+", 3000, None, "month"),
        ("底薪3000+提成", 3000, None, "month"),
        ("月入过万", 10000, None, "month"),
        ("5千以下", 0, 5000, "month"),
        ("年薪20万", 200000 / 12, 200000 / 12, "year"),
        ("20-30万/年", 200000 / 12, 300000 / 12, "year"),
        ("200元/天", 200 * 21.75, 200 * 21.75, "day"),
        ("300/天", 300 * 21.75, 300 * 21.75, "day"),
        ("日结 200-300", 200 * 21.75, 300 * 21.75, "day"),
        ("25元/小时", 25 * 8 * 21.75, 25 * 8 * 21.75, "hour"),
        ("时薪 25", 25 * 8 * 21.75, 25 * 8 * 21.75, "hour"),
        ("15k·13薪", 15000 * 13 / 12, 15000 * 13 / 12, "month"),
        (5000, 5000, 5000, "month"),
        (4500.5, 4500.5, 4500.5, "month"),
    ],
)
def test_salary(text, low, high, period):
    got = salary(text)
    assert isinstance(got, SalaryRange)
    assert got.low == pytest.approx(low, abs=0.01)
    assert (got.high is None) if high is None else got.high == pytest.approx(high, abs=0.01)
    assert got.period == period


@pytest.mark.parametrize("text", [None, "", "面议", "薪资面议", "待遇面议", " 面议 ", float("nan")])
def test_salary_not_stated(text):
    assert salary(text) is None


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("很多", r"cannot read salary from '很多': expected a salary such as 8k-12k"),
        ("12k-8k", r"'12k-8k': expected a range whose low end is not above its high end"),
        ("8-12", r"'8-12': expected an amount between 100 and 5000000 CNY a month .*unit"),
        ("99999万", r"between 100 and 5000000"),
    ],
)
def test_salary_invalid(text, match):
    with pytest.raises(InvalidValue, match=match):
        salary(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3-5年", (3.0, 5.0)),
        ("3～5年经验", (3.0, 5.0)),
        ("一年以上", (1.0, None)),
        ("1年以上工作经验", (1.0, None)),
        ("十年以上", (10.0, None)),
        ("3年", (3.0, 3.0)),
        ("两年", (2.0, 2.0)),
        ("半年", (0.5, 0.5)),
        ("6个月", (0.5, 0.5)),
        ("1年以下", (0.0, 1.0)),
        ("应届生", (0.0, 0.0)),
        ("应届毕业生", (0.0, 0.0)),
        ("无经验", (0.0, 0.0)),
        ("３年", (3.0, 3.0)),
        (2, (2.0, 2.0)),
    ],
)
def test_experience(text, expected):
    assert experience(text) == expected


@pytest.mark.parametrize("text", [None, "", "经验不限", "不限", "无需经验", "有无经验均可"])
def test_experience_not_stated(text):
    assert experience(text) is None


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("很有经验", r"cannot read experience from '很有经验': expected years of experience"),
        ("100年", r"between 0 and 60 years"),
        ("5-3年", r"between 0 and 60 years, low end first"),
    ],
)
def test_experience_invalid(text, match):
    with pytest.raises(InvalidValue, match=match):
        experience(text)


S = SkillLevel


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("学徒工", S.APPRENTICE),
        ("初级工", S.JUNIOR),
        ("五级", S.JUNIOR),
        ("中级工", S.INTERMEDIATE),
        ("四级/中级工", S.INTERMEDIATE),
        ("中级工及以上", S.INTERMEDIATE),
        ("高级工", S.SENIOR),
        ("国家职业资格三级", S.SENIOR),
        ("技师", S.TECHNICIAN),
        ("二级/技师", S.TECHNICIAN),
        ("高级技师", S.SENIOR_TECHNICIAN),
        ("一级", S.SENIOR_TECHNICIAN),
        ("特级技师", S.SPECIAL),
        ("首席技师", S.CHIEF),
        ("电工中级", S.INTERMEDIATE),
        ("高級技師", S.SENIOR_TECHNICIAN),
        (4, S.SENIOR),
    ],
)
def test_skill_level(text, level):
    assert skill_level(text) is level


def test_skill_level_order():
    assert [int(s) for s in SkillLevel] == list(range(1, 9))
    assert SkillLevel.SENIOR.label == "高级工"


@pytest.mark.parametrize("text", [None, "", "不限", "等级不限"])
def test_skill_level_not_stated(text):
    assert skill_level(text) is None


def test_skill_level_invalid():
    with pytest.raises(
        InvalidValue, match=r"cannot read skill_level from '会电焊': expected a skill level"
    ):
        skill_level("会电焊")
    with pytest.raises(InvalidValue, match=r"or a level 1-8"):
        skill_level(0)


P = ProfessionalTitle


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("员级", P.CLERK),
        ("技术员", P.CLERK),
        ("助理级", P.ASSISTANT),
        ("初级", P.ASSISTANT),
        ("初级职称", P.ASSISTANT),
        ("助理工程师", P.ASSISTANT),
        ("中级", P.INTERMEDIATE),
        ("中级职称及以上", P.INTERMEDIATE),
        ("工程师", P.INTERMEDIATE),
        ("中级工程师", P.INTERMEDIATE),
        ("主治医师", P.INTERMEDIATE),
        ("副高级", P.ASSOCIATE_SENIOR),
        ("高级工程师", P.ASSOCIATE_SENIOR),
        ("副高级工程师", P.ASSOCIATE_SENIOR),
        ("副教授", P.ASSOCIATE_SENIOR),
        ("正高级", P.SENIOR),
        ("正高级工程师", P.SENIOR),
        ("研究员", P.SENIOR),
        ("副研究员", P.ASSOCIATE_SENIOR),
        ("中级或高级工程师", P.INTERMEDIATE),
        (3, P.INTERMEDIATE),
    ],
)
def test_professional_title(text, level):
    assert professional_title(text) is level


def test_professional_title_invalid_and_not_stated():
    assert professional_title("职称不限") is None
    with pytest.raises(InvalidValue, match=r"cannot read professional_title from '很厉害'"):
        professional_title("很厉害")


@pytest.mark.parametrize(
    "text",
    [
        "2026-03-01",
        "2026年3月1日",
        "2026/3/1",
        "2026.3.1",
        "20260301",
        "2026-03-01 08:30:00",
        "２０２６年３月１日",
        " 2026 年 3 月 1 日 ",
        dt.date(2026, 3, 1),
        dt.datetime(2026, 3, 1, 12, 0),
    ],
)
def test_date(text):
    assert date(text) == dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("2026-02-30", r"'2026-02-30': expected a day of the calendar"),
        ("2026-03", r"'2026-03': expected a date such as 2026-03-01"),
        ("明天", r"cannot read date from '明天'"),
        ("1800-01-01", r"a year between 1900 and 2100"),
    ],
)
def test_date_invalid(text, match):
    with pytest.raises(InvalidValue, match=match):
        date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("18-45岁", (18.0, 45.0)),
        ("18~45周岁", (18.0, 45.0)),
        ("年龄18-45", (18.0, 45.0)),
        ("十八到四十五岁", (18.0, 45.0)),
        ("45岁以下", (None, 45.0)),
        ("35周岁以内", (None, 35.0)),
        ("18周岁以上", (18.0, None)),
        ("30岁", (30.0, 30.0)),
        (30, (30.0, 30.0)),
    ],
)
def test_age_range(text, expected):
    assert age_range(text) == expected


def test_age_range_invalid_and_not_stated():
    assert age_range("年龄不限") is None
    with pytest.raises(
        InvalidValue, match=r"cannot read age_range from '5岁': expected ages between"
    ):
        age_range("5岁")
    with pytest.raises(InvalidValue, match=r"cannot read age_range from '年轻'"):
        age_range("年轻")


def test_invalid_value_is_a_value_error():
    with pytest.raises(ValueError, match="salary"):
        salary("很多")


# Each parser returns a value of its declared type, None, or raises InvalidValue.
messy = st.one_of(
    st.text(max_size=20),
    st.text(
        alphabet=st.sampled_from(
            list("0123456789０１２.-~至到以上下kK千万元/天月年时岁级本科大专中级高工师")
        ),
        max_size=15,
    ),
    st.integers(-10, 10_000_000),
    st.floats(allow_nan=True, allow_infinity=True),
)
DECLARED = [
    (education, Education),
    (skill_level, SkillLevel),
    (professional_title, ProfessionalTitle),
    (salary, SalaryRange),
    (experience, tuple),
    (age_range, tuple),
    (date, dt.date),
]


@pytest.mark.parametrize(("parser", "kind"), DECLARED, ids=[p.__name__ for p, _ in DECLARED])
@settings(max_examples=150, deadline=None)
@given(value=messy)
def test_parsers_return_declared_type_or_raise_invalid_value(parser, kind, value):
    try:
        out = parser(value)
    except MatchcoreError as e:
        out = e
    assert out is None or isinstance(out, kind | InvalidValue), (value, out)
    if isinstance(out, SalaryRange):
        assert math.isfinite(out.low)
        assert out.high is None or out.low <= out.high
