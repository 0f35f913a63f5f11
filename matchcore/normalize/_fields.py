"""Field parsers: one free-text value in, one typed value out.

Every parser returns ``None`` for "not stated / any" (学历不限, 面议, 经验不限, empty text) and
raises :class:`~matchcore.InvalidValue` naming the field, the value and what was expected for text
it cannot read. Text is NFKC-normalized (full-width digits and letters), converted to simplified
characters, and spaces are ignored. Chinese numerals (三千, 一年, 十五万, 半年) are read where an
amount is expected.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Mapping
from enum import IntEnum
from typing import NamedTuple

from matchcore._errors import InvalidValue
from matchcore.normalize._text import normalize_text

__all__ = [
    "Education",
    "ProfessionalTitle",
    "SalaryRange",
    "SkillLevel",
    "age_range",
    "date",
    "education",
    "experience",
    "professional_title",
    "salary",
    "skill_level",
]

# Text that means "not stated" or "any" for every field.
_ANY = frozenset(
    {
        "",
        "-",
        "--",
        "/",
        "无",
        "不限",
        "无要求",
        "无限制",
        "不要求",
        "没有要求",
        "任意",
        "均可",
        "不详",
        "未知",
        "暂无",
        "null",
        "none",
        "nan",
        "n/a",
        "na",
    }
)
_SPACES_RE = re.compile(r"\s+")


def _text(value: object, field: str, expected: str) -> str | None:
    """The normalized text of ``value``, or None when it is empty; raises for other types."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidValue(field, value, expected)
    s = _SPACES_RE.sub("", normalize_text(str(value))).lower()
    return None if s in _ANY else s


# --------------------------------------------------------------------------------------------
# Chinese numerals


_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6}
_CN_DIGITS.update({"七": 7, "八": 8, "九": 9})
_CN_NUM_RE = re.compile(r"[零〇一二两三四五六七八九十百]+(?:点[零〇一二三四五六七八九]+)?|半")


def _cn_int(s: str) -> int | None:
    if "十" not in s and "百" not in s:  # a digit string: 二零二六
        return int("".join(str(_CN_DIGITS[ch]) for ch in s))
    total, current = 0, 0
    for ch in s:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def _cn_numerals(s: str) -> str:
    """Replace Chinese numerals by Arabic ones: 三千 -> 3千, 一年半 -> 1年0.5, 十五 -> 15."""

    def repl(m: re.Match[str]) -> str:
        t = m.group()
        if t == "半":
            return "0.5"
        whole, _, frac = t.partition("点")
        n = _cn_int(whole)
        if n is None:
            return t
        if frac:
            return f"{n}." + "".join(str(_CN_DIGITS[c]) for c in frac)
        return str(n)

    if _CN_NUM_RE.search(s):
        s = _CN_NUM_RE.sub(repl, s)
    # 1万5 -> 1.5万, 3千5 -> 3.5千
    return _TAIL_DIGIT_RE.sub(r"\1.\3\2", s)


_TAIL_DIGIT_RE = re.compile(r"(\d+)([万千w])(\d)(?![\d.])")


# --------------------------------------------------------------------------------------------
# Levels


def _level_of(
    field: str,
    value: object,
    s: str,
    table: Mapping[str, int],
    regex: re.Pattern[str],
    expected: str,
) -> int:
    """The lowest level named in ``s`` (a requirement of 大专或本科 is met by 大专).

    Words that touch form one name read as its highest part: 正高级 + 工程师 is 正高级.
    """
    groups: list[int] = []
    end = -1
    for m in regex.finditer(s):
        level = table[m.group()]
        if m.start() == end:
            groups[-1] = max(groups[-1], level)
        else:
            groups.append(level)
        end = m.end()
    if not groups:
        raise InvalidValue(field, value, expected)
    return min(groups)


def _alt(words: object) -> re.Pattern[str]:
    items = sorted(set(words), key=lambda w: (-len(w), w))  # type: ignore[call-overload]
    return re.compile("|".join(re.escape(w) for w in items))


def _enum_from_number(enum: type[IntEnum], value: object, s: str) -> IntEnum | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and int(value) in enum._value2member_map_:
            return enum(int(value))
        return None
    if s.isdigit() and int(s) in enum._value2member_map_:
        return enum(int(s))
    return None


class Education(IntEnum):
    """Education level, in increasing order (the value is what ``parse`` returns as Int8).

    Examples
    --------
    >>> from matchcore.normalize import Education
    >>> Education.BACHELOR > Education.ASSOCIATE, int(Education.BACHELOR), Education.BACHELOR.label
    (True, 5, '本科')
    """

    NONE = 0
    PRIMARY = 1
    JUNIOR_SECONDARY = 2
    SENIOR_SECONDARY = 3
    ASSOCIATE = 4
    BACHELOR = 5
    MASTER = 6
    DOCTOR = 7

    @property
    def label(self) -> str:
        """The Chinese name of the level."""
        return _EDUCATION_LABELS[self]


_EDUCATION_LABELS = {
    Education.NONE: "无学历",
    Education.PRIMARY: "小学",
    Education.JUNIOR_SECONDARY: "初中",
    Education.SENIOR_SECONDARY: "高中/中专",
    Education.ASSOCIATE: "大专",
    Education.BACHELOR: "本科",
    Education.MASTER: "硕士",
    Education.DOCTOR: "博士",
}
_EDUCATION_WORDS = {
    "博士后": Education.DOCTOR,
    "博士": Education.DOCTOR,
    "phd": Education.DOCTOR,
    "doctor": Education.DOCTOR,
    "硕士": Education.MASTER,
    "研究生": Education.MASTER,
    "master": Education.MASTER,
    "mba": Education.MASTER,
    "emba": Education.MASTER,
    "本科": Education.BACHELOR,
    "学士": Education.BACHELOR,
    "大学": Education.BACHELOR,
    "bachelor": Education.BACHELOR,
    "大专": Education.ASSOCIATE,
    "专科": Education.ASSOCIATE,
    "高职": Education.ASSOCIATE,
    "高专": Education.ASSOCIATE,
    "associate": Education.ASSOCIATE,
    "高中": Education.SENIOR_SECONDARY,
    "中专": Education.SENIOR_SECONDARY,
    "中技": Education.SENIOR_SECONDARY,
    "技校": Education.SENIOR_SECONDARY,
    "技工学校": Education.SENIOR_SECONDARY,
    "职高": Education.SENIOR_SECONDARY,
    "职中": Education.SENIOR_SECONDARY,
    "中职": Education.SENIOR_SECONDARY,
    "中师": Education.SENIOR_SECONDARY,
    "初中": Education.JUNIOR_SECONDARY,
    "小学": Education.PRIMARY,
    "无学历": Education.NONE,
    "文盲": Education.NONE,
    "未上学": Education.NONE,
    "未受教育": Education.NONE,
    "半文盲": Education.NONE,
}
_EDUCATION_RE = _alt(_EDUCATION_WORDS)
_EDUCATION_ANY = frozenset({"学历不限", "不限学历", "学历无要求", "无学历要求", "学历要求不限"})
_EDUCATION_EXPECTED = (
    "an education level such as 小学, 初中, 高中, 中专, 大专, 本科, 硕士, 博士 (or 不限)"
)


def education(text: object) -> Education | None:
    """Read an education level.

    "本科及以上" and "大专以上学历" read as the level named; when several are named
    ("大专或本科") the lowest is returned, as that is what meets the requirement.

    Parameters
    ----------
    text : str or int
        Free text, or an :class:`Education` value.

    Returns
    -------
    Education or None
        ``None`` for 学历不限, 不限, empty text.

    Raises
    ------
    InvalidValue
        No education level in the text.

    Examples
    --------
    >>> from matchcore.normalize import education
    >>> education("本科及以上"), education("大专以上学历"), education("学历不限")
    (<Education.BACHELOR: 5>, <Education.ASSOCIATE: 4>, None)
    >>> education("会开车")
    Traceback (most recent call last):
    ...
    matchcore._errors.InvalidValue: cannot read education from '会开车': expected an education level ...
    """
    s = _text(text, "education", _EDUCATION_EXPECTED)
    if s is None or s in _EDUCATION_ANY:
        return None
    number = _enum_from_number(Education, text, s)
    if number is not None:
        return Education(number)
    if isinstance(text, int | float):
        raise InvalidValue("education", text, _EDUCATION_EXPECTED + " or a level 0-7")
    return Education(
        _level_of("education", text, s, _EDUCATION_WORDS, _EDUCATION_RE, _EDUCATION_EXPECTED)
    )


class SkillLevel(IntEnum):
    """National vocational skill level (职业技能等级), from 学徒工 up to 首席技师.

    Examples
    --------
    >>> from matchcore.normalize import SkillLevel
    >>> SkillLevel.SENIOR.label, int(SkillLevel.SENIOR)
    ('高级工', 4)
    """

    APPRENTICE = 1
    JUNIOR = 2
    INTERMEDIATE = 3
    SENIOR = 4
    TECHNICIAN = 5
    SENIOR_TECHNICIAN = 6
    SPECIAL = 7
    CHIEF = 8

    @property
    def label(self) -> str:
        """The Chinese name of the level."""
        return _SKILL_LABELS[self]


_SKILL_LABELS = {
    SkillLevel.APPRENTICE: "学徒工",
    SkillLevel.JUNIOR: "初级工",
    SkillLevel.INTERMEDIATE: "中级工",
    SkillLevel.SENIOR: "高级工",
    SkillLevel.TECHNICIAN: "技师",
    SkillLevel.SENIOR_TECHNICIAN: "高级技师",
    SkillLevel.SPECIAL: "特级技师",
    SkillLevel.CHIEF: "首席技师",
}
_SKILL_WORDS = {
    "首席技师": SkillLevel.CHIEF,
    "特级技师": SkillLevel.SPECIAL,
    "高级技师": SkillLevel.SENIOR_TECHNICIAN,
    "一级": SkillLevel.SENIOR_TECHNICIAN,
    "1级": SkillLevel.SENIOR_TECHNICIAN,
    "技师": SkillLevel.TECHNICIAN,
    "二级": SkillLevel.TECHNICIAN,
    "2级": SkillLevel.TECHNICIAN,
    "高级工": SkillLevel.SENIOR,
    "高级技工": SkillLevel.SENIOR,
    "三级": SkillLevel.SENIOR,
    "3级": SkillLevel.SENIOR,
    "高级": SkillLevel.SENIOR,
    "中级工": SkillLevel.INTERMEDIATE,
    "中级技工": SkillLevel.INTERMEDIATE,
    "四级": SkillLevel.INTERMEDIATE,
    "4级": SkillLevel.INTERMEDIATE,
    "中级": SkillLevel.INTERMEDIATE,
    "初级工": SkillLevel.JUNIOR,
    "初级技工": SkillLevel.JUNIOR,
    "五级": SkillLevel.JUNIOR,
    "5级": SkillLevel.JUNIOR,
    "初级": SkillLevel.JUNIOR,
    "学徒工": SkillLevel.APPRENTICE,
    "学徒": SkillLevel.APPRENTICE,
}
_SKILL_RE = _alt(_SKILL_WORDS)
_SKILL_EXPECTED = (
    "a skill level such as 学徒工, 初级工/五级, 中级工/四级, 高级工/三级, 技师/二级, "
    "高级技师/一级, 特级技师, 首席技师 (or 不限)"
)


def skill_level(text: object) -> SkillLevel | None:
    """Read a vocational skill level on the national ladder.

    Parameters
    ----------
    text : str or int
        Free text (高级工, 国家职业资格三级, 中级工及以上), or a :class:`SkillLevel` value (1-8).

    Returns
    -------
    SkillLevel or None

    Raises
    ------
    InvalidValue
        No skill level in the text.

    Examples
    --------
    >>> from matchcore.normalize import skill_level
    >>> skill_level("国家职业资格三级"), skill_level("高级技师"), skill_level("不限")
    (<SkillLevel.SENIOR: 4>, <SkillLevel.SENIOR_TECHNICIAN: 6>, None)
    """
    s = _text(text, "skill_level", _SKILL_EXPECTED)
    if s is None or s in ("等级不限", "技能等级不限", "无等级"):
        return None
    number = _enum_from_number(SkillLevel, text, s)
    if number is not None:
        return SkillLevel(number)
    if isinstance(text, int | float):
        raise InvalidValue("skill_level", text, _SKILL_EXPECTED + " or a level 1-8")
    return SkillLevel(_level_of("skill_level", text, s, _SKILL_WORDS, _SKILL_RE, _SKILL_EXPECTED))


class ProfessionalTitle(IntEnum):
    """Professional title level (职称), from 员级 up to 正高级.

    Examples
    --------
    >>> from matchcore.normalize import ProfessionalTitle
    >>> ProfessionalTitle.INTERMEDIATE.label, int(ProfessionalTitle.INTERMEDIATE)
    ('中级', 3)
    """

    CLERK = 1
    ASSISTANT = 2
    INTERMEDIATE = 3
    ASSOCIATE_SENIOR = 4
    SENIOR = 5

    @property
    def label(self) -> str:
        """The Chinese name of the level."""
        return _TITLE_LABELS[self]


_TITLE_LABELS = {
    ProfessionalTitle.CLERK: "员级",
    ProfessionalTitle.ASSISTANT: "助理级",
    ProfessionalTitle.INTERMEDIATE: "中级",
    ProfessionalTitle.ASSOCIATE_SENIOR: "副高级",
    ProfessionalTitle.SENIOR: "正高级",
}
_PT = ProfessionalTitle
_TITLE_WORDS = {
    **dict.fromkeys(
        [
            "正高级",
            "正高",
            "教授级高级工程师",
            "教授级高工",
            "研究员",
            "教授",
            "主任医师",
            "主任药师",
            "主任护师",
            "主任技师",
            "正高级教师",
            "正高职称",
        ],
        _PT.SENIOR,
    ),
    **dict.fromkeys(
        [
            "副高级",
            "副高",
            "高级工程师",
            "高工",
            "高级经济师",
            "高级会计师",
            "高级讲师",
            "高级教师",
            "副教授",
            "副研究员",
            "副主任医师",
            "副主任护师",
            "副主任药师",
            "副主任技师",
            "高级职称",
            "高级审计师",
            "高级统计师",
            "高级政工师",
        ],
        _PT.ASSOCIATE_SENIOR,
    ),
    **dict.fromkeys(
        [
            "中级",
            "工程师",
            "经济师",
            "会计师",
            "审计师",
            "统计师",
            "讲师",
            "一级教师",
            "主治医师",
            "主管护师",
            "主管药师",
            "主管技师",
            "助理研究员",
            "政工师",
        ],
        _PT.INTERMEDIATE,
    ),
    **dict.fromkeys(
        [
            "助理级",
            "初级",
            "助理工程师",
            "助工",
            "助理经济师",
            "助理会计师",
            "助理审计师",
            "助理统计师",
            "助教",
            "二级教师",
            "医师",
            "护师",
            "药师",
            "技师",
        ],
        _PT.ASSISTANT,
    ),
    **dict.fromkeys(
        [
            "员级",
            "技术员",
            "经济员",
            "会计员",
            "审计员",
            "统计员",
            "护士",
            "药士",
            "技士",
            "三级教师",
        ],
        _PT.CLERK,
    ),
}
_TITLE_RE = _alt(_TITLE_WORDS)
_TITLE_EXPECTED = (
    "a professional title level such as 员级/技术员, 助理级/初级/助理工程师, 中级/工程师, "
    "副高级/高级工程师, 正高级/研究员 (or 不限)"
)


def professional_title(text: object) -> ProfessionalTitle | None:
    """Read a professional title (职称) level.

    Parameters
    ----------
    text : str or int
        A level (中级, 副高级), a title (高级工程师, 主治医师) or a :class:`ProfessionalTitle`
        value (1-5). "中级职称及以上" reads as ``INTERMEDIATE``.

    Returns
    -------
    ProfessionalTitle or None

    Raises
    ------
    InvalidValue
        No professional title in the text.

    Examples
    --------
    >>> from matchcore.normalize import professional_title
    >>> professional_title("中级职称及以上"), professional_title("高级工程师")
    (<ProfessionalTitle.INTERMEDIATE: 3>, <ProfessionalTitle.ASSOCIATE_SENIOR: 4>)
    """
    s = _text(text, "professional_title", _TITLE_EXPECTED)
    if s is None or s in ("职称不限", "不限职称", "无职称要求", "无职称"):
        return None
    number = _enum_from_number(ProfessionalTitle, text, s)
    if number is not None:
        return ProfessionalTitle(number)
    if isinstance(text, int | float):
        raise InvalidValue("professional_title", text, _TITLE_EXPECTED + " or a level 1-5")
    return ProfessionalTitle(
        _level_of("professional_title", text, s, _TITLE_WORDS, _TITLE_RE, _TITLE_EXPECTED)
    )


# --------------------------------------------------------------------------------------------
# Salary


class SalaryRange(NamedTuple):
    """A salary in CNY per month.

    Attributes
    ----------
    low : float
        Lower bound, CNY per month (0.0 for "5000以下").
    high : float or None
        Upper bound, CNY per month; ``None`` when open ("5000以上", "3000+").
    period : str
        The period the text stated: ``"month"``, ``"year"``, ``"week"``, ``"day"`` or
        ``"hour"``. Conversions: a year is 12 months, a month 21.75 working days of 8 hours, a
        week 5 working days; "13薪" counts 13 monthly pays a year.

    Examples
    --------
    >>> from matchcore.normalize import SalaryRange
    >>> SalaryRange(8000.0, 12000.0, "month").high
    12000.0
    """

    low: float
    high: float | None
    period: str


_DAYS_A_MONTH = 21.75
_PER_MONTH = {
    "month": 1.0,
    "year": 1 / 12,
    "week": _DAYS_A_MONTH / 5,
    "day": _DAYS_A_MONTH,
    "hour": 8 * _DAYS_A_MONTH,
}
_SALARY_ANY = frozenset(
    {"面议", "薪资面议", "工资面议", "待遇面议", "面谈", "薪资面谈", "商议", "协商", "薪资不限"}
)
_SALARY_EXPECTED = (
    "a salary such as 8k-12k, 8千-1.2万, 6000-8000元/月, 年薪20万, 200元/天, 25元/小时, "
    "5000以上 (or 面议)"
)
_PERIOD_RES = [
    ("year", re.compile(r"年薪|/年|每年|年收入|年入|年包|per ?year|/y(?:ear)?\b|annual")),
    ("hour", re.compile(r"时薪|/小时|/时|每小时|每时|元时|小时|per ?hour|/h(?:our)?\b")),
    ("day", re.compile(r"日薪|/天|/日|每天|每日|元天|元日|日结|天|per ?day|/d(?:ay)?\b")),
    ("week", re.compile(r"周薪|/周|每周|per ?week|/w(?:eek)?\b")),
]
_PAYS_RE = re.compile(r"[·*x×]?\s*(\d{2})\s*薪")
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
_AMOUNT = r"(\d+(?:\.\d+)?)(k|w|千|万|元|块)?"
_RANGE_RE = re.compile(_AMOUNT + r"(?:元|块)?(?:/月)?\s*(?:-|~|～|至|到|—|–|_)+\s*" + _AMOUNT)
_ONE_RE = re.compile(_AMOUNT)
_OPEN_HIGH_RE = re.compile(r"以上|起|\+|多|过|上万|及以上|不低于|至少|最低|保底|底薪")
_OPEN_LOW_RE = re.compile(r"以下|以内|之内|不超过|不高于|最高|封顶")
_UNIT = {"k": 1000.0, "千": 1000.0, "w": 10000.0, "万": 10000.0, "元": 1.0, "块": 1.0, "": 1.0}
_MONTHLY_LIMITS = (100.0, 5_000_000.0)


def _amount(number: str, unit: str | None) -> float:
    return float(number) * _UNIT[unit or ""]


def salary(text: object) -> SalaryRange | None:
    """Read a salary into CNY per month.

    Parameters
    ----------
    text : str, int or float
        8k-12k, 8千-1.2万, 6000-8000元/月, 年薪20万 (/12), 200元/天 (x 21.75),
        25元/小时 (x 8 x 21.75), 15k·13薪, 5000以上, 月入过万, or a number (CNY per month).

    Returns
    -------
    SalaryRange or None
        ``None`` for 面议 and empty text.

    Raises
    ------
    InvalidValue
        No amount in the text, a range whose low end is above its high end, or a monthly
        amount outside [100, 5,000,000] CNY.

    Examples
    --------
    >>> from matchcore.normalize import salary
    >>> salary("8k-12k")
    SalaryRange(low=8000.0, high=12000.0, period='month')
    >>> salary("8千-1.2万"), salary("年薪24万")
    (SalaryRange(low=8000.0, high=12000.0, period='month'), SalaryRange(low=20000.0, high=20000.0, period='year'))
    >>> salary("200元/天"), salary("5000以上"), salary("面议")
    (SalaryRange(low=4350.0, high=4350.0, period='day'), SalaryRange(low=5000.0, high=None, period='month'), None)
    """
    s = _text(text, "salary", _SALARY_EXPECTED)
    if s is None or s in _SALARY_ANY:
        return None
    low: float
    high: float | None
    if isinstance(text, int | float) and not isinstance(text, bool):
        low = high = float(text)
        period = "month"
        pays = 12
    else:
        if "面议" in s and not any(ch.isdigit() for ch in s):
            return None
        s = _cn_numerals(_THOUSANDS_RE.sub("", s))
        s = s.replace("过万", "10000以上").replace("上万", "10000以上")
        pays_m = _PAYS_RE.search(s)
        pays = int(pays_m.group(1)) if pays_m else 12
        if pays_m:
            s = s[: pays_m.start()] + s[pays_m.end() :]
        period = next((p for p, rx in _PERIOD_RES if rx.search(s)), "month")
        rng = _RANGE_RE.search(s)
        if rng:
            unit_a, unit_b = rng.group(2), rng.group(4)
            if unit_a is None and unit_b in ("k", "w", "千", "万"):
                unit_a = unit_b
            low = _amount(rng.group(1), unit_a)
            high = _amount(rng.group(3), unit_b)
        else:
            one = _ONE_RE.search(s)
            if one is None:
                raise InvalidValue("salary", text, _SALARY_EXPECTED)
            value = _amount(one.group(1), one.group(2))
            rest = s[: one.start()] + "|" + s[one.end() :]
            if _OPEN_LOW_RE.search(rest):
                low, high = 0.0, value
            elif _OPEN_HIGH_RE.search(rest):
                low, high = value, None
            else:
                low = high = value
    factor = _PER_MONTH[period] * (pays / 12 if 12 <= pays <= 20 else 1.0)
    low = round(low * factor, 2)
    high = None if high is None else round(high * factor, 2)
    if high is not None and low > high:
        raise InvalidValue("salary", text, "a range whose low end is not above its high end")
    top = high if high is not None else low
    lo_lim, hi_lim = _MONTHLY_LIMITS
    if top < lo_lim or (low > hi_lim):
        raise InvalidValue(
            "salary",
            text,
            f"an amount between {lo_lim:.0f} and {hi_lim:.0f} CNY a month once converted "
            f"(read {top:g} a month; is a unit such as k, 千 or 万 missing?)",
        )
    return SalaryRange(low, high, period)


# --------------------------------------------------------------------------------------------
# Experience and age


_NUM = r"(\d+(?:\.\d+)?)"
_SEP = r"\s*(?:-|~|～|至|到|—|–)\s*"
_EXP_ZERO = frozenset(
    {"应届生", "应届", "应届毕业生", "无经验", "没有经验", "0", "0年", "零经验", "在校生", "应往届"}
)
_EXP_ANY = frozenset(
    {"经验不限", "不限经验", "无需经验", "不需要经验", "无经验要求", "经验无要求", "不要求经验"}
    | {"有无经验均可", "有无经验皆可", "可无经验", "接受无经验", "应届生或有经验"}
)
_EXP_EXPECTED = "years of experience such as 3-5年, 一年以上, 3年, 应届生 (or 经验不限)"
_EXP_RANGE_RE = re.compile(_NUM + r"(?:年)?" + _SEP + _NUM + r"\s*(年|个月|月)?")
_EXP_ONE_RE = re.compile(_NUM + r"\s*(年|个月|月)?")
_MONTH_UNIT = frozenset({"个月", "月"})


def experience(text: object) -> tuple[float, float | None] | None:
    """Read years of work experience as ``(min_years, max_years)``.

    Parameters
    ----------
    text : str, int or float
        3-5年, 一年以上 (``max`` None), 1年以下 (0, 1), 6个月, 应届生 (0, 0), or a number.

    Returns
    -------
    tuple of (float, float or None), or None
        ``None`` for 经验不限 and empty text.

    Raises
    ------
    InvalidValue
        No duration in the text, or more than 60 years.

    Examples
    --------
    >>> from matchcore.normalize import experience
    >>> experience("3-5年"), experience("一年以上"), experience("应届生"), experience("经验不限")
    ((3.0, 5.0), (1.0, None), (0.0, 0.0), None)
    """
    s = _text(text, "experience", _EXP_EXPECTED)
    if s is None:
        return None
    s = s.replace("工作经验", "").replace("经验", "") if s not in _EXP_ANY | _EXP_ZERO else s
    if s in _EXP_ANY or s in ("", "不限"):
        return None
    if s in _EXP_ZERO or s.startswith("应届"):
        return (0.0, 0.0)
    if isinstance(text, int | float) and not isinstance(text, bool):
        lo: float = float(text)
        hi: float | None = lo
    else:
        s = _cn_numerals(s)
        rng = _EXP_RANGE_RE.search(s)
        if rng:
            scale = 1 / 12 if rng.group(3) in _MONTH_UNIT else 1.0
            lo, hi = float(rng.group(1)) * scale, float(rng.group(2)) * scale
        else:
            one = _EXP_ONE_RE.search(s)
            if one is None:
                raise InvalidValue("experience", text, _EXP_EXPECTED)
            scale = 1 / 12 if one.group(2) in _MONTH_UNIT else 1.0
            value = float(one.group(1)) * scale
            rest = s[one.end() :]
            if _OPEN_LOW_RE.search(rest):
                lo, hi = 0.0, value
            elif _OPEN_HIGH_RE.search(rest):
                lo, hi = value, None
            else:
                lo = hi = value
    lo, hi = round(lo, 4), None if hi is None else round(hi, 4)
    if lo < 0 or (hi is not None and (hi < lo or hi > 60)) or lo > 60:
        raise InvalidValue("experience", text, "between 0 and 60 years, low end first")
    return (lo, hi)


_AGE_EXPECTED = "an age or age range such as 18-45岁, 45岁以下, 18周岁以上 (or 不限)"
_AGE_RANGE_RE = re.compile(_NUM + r"\s*(?:周岁|岁)?" + _SEP + _NUM)
_AGE_ONE_RE = re.compile(_NUM)


def age_range(text: object) -> tuple[float | None, float | None] | None:
    """Read an age requirement as ``(min_age, max_age)``, either end ``None`` when open.

    Parameters
    ----------
    text : str, int or float
        18-45岁, 18~45周岁, 45岁以下 (``(None, 45)``), 18周岁以上 (``(18, None)``), 30岁.

    Returns
    -------
    tuple of (float or None, float or None), or None
        ``None`` for 年龄不限 and empty text.

    Raises
    ------
    InvalidValue
        No age in the text, or an age outside 14-100.

    Examples
    --------
    >>> from matchcore.normalize import age_range
    >>> age_range("18-45岁"), age_range("45岁以下"), age_range("年龄不限")
    ((18.0, 45.0), (None, 45.0), None)
    """
    s = _text(text, "age_range", _AGE_EXPECTED)
    if s is None or s in ("年龄不限", "不限年龄", "年龄无要求"):
        return None
    lo: float | None
    hi: float | None
    if isinstance(text, int | float) and not isinstance(text, bool):
        lo = hi = float(text)
    else:
        s = _cn_numerals(s.replace("年龄", ""))
        rng = _AGE_RANGE_RE.search(s)
        if rng:
            lo, hi = float(rng.group(1)), float(rng.group(2))
        else:
            one = _AGE_ONE_RE.search(s)
            if one is None:
                raise InvalidValue("age_range", text, _AGE_EXPECTED)
            value = float(one.group(1))
            rest = s[one.end() :]
            if _OPEN_LOW_RE.search(rest):
                lo, hi = None, value
            elif _OPEN_HIGH_RE.search(rest):
                lo, hi = value, None
            else:
                lo = hi = value
    for v in (lo, hi):
        if v is not None and not 14 <= v <= 100:
            raise InvalidValue("age_range", text, "ages between 14 and 100")
    if lo is not None and hi is not None and lo > hi:
        raise InvalidValue("age_range", text, "a range whose low end is not above its high end")
    return (lo, hi)


# --------------------------------------------------------------------------------------------
# Dates


_DATE_EXPECTED = "a date such as 2026-03-01, 2026年3月1日, 2026/3/1 or 20260301"
_DATE_RE = re.compile(
    r"^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{2})(\d{2}))"
    r"(?:[ t]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:z|[+-]\d{2}:?\d{2})?)?$"
)


def date(text: object) -> _dt.date | None:
    """Read a calendar date.

    Parameters
    ----------
    text : str, int, datetime.date or datetime.datetime
        2026-03-01, 2026年3月1日, 2026/3/1, 2026.3.1, 20260301 (a time of day is ignored).

    Returns
    -------
    datetime.date or None

    Raises
    ------
    InvalidValue
        Not a full date, or not a day of the calendar (2026-02-30), or a year outside
        1900-2100.

    Examples
    --------
    >>> from matchcore.normalize import date
    >>> date("2026年3月1日"), date("20260301")
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 1))
    """
    if isinstance(text, _dt.datetime):
        return text.date()
    if isinstance(text, _dt.date):
        return text
    s = _text(text, "date", _DATE_EXPECTED)
    if s is None:
        return None
    m = _DATE_RE.match(s)
    if m is None:
        raise InvalidValue("date", text, _DATE_EXPECTED)
    year = int(m.group(1))
    month = int(m.group(2) or m.group(4))
    day = int(m.group(3) or m.group(5))
    if not 1900 <= year <= 2100:
        raise InvalidValue("date", text, "a year between 1900 and 2100")
    try:
        return _dt.date(year, month, day)
    except ValueError:
        raise InvalidValue("date", text, "a day of the calendar") from None
