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
from typing import NamedTuple

from matchcore._errors import InvalidValue
from matchcore.normalize._chars import normalize_text

__all__ = ["SalaryRange", "age_range", "date", "experience", "salary"]

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
        "#n/a",
        "\\n",  # \N, the usual database export of NULL
        "(null)",
        "<null>",
        "nil",
        "—",
        "——",
        "－",
        "–",
        "_",
        "空",
        "(空)",
        "（空）",
        "未填写",
        "未填",
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


_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "Ｏ": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4}
_CN_DIGITS.update({"五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "幺": 1})
# 大写 (financial) digits, as on receipts and some payroll exports
_CN_DIGITS.update({"壹": 1, "贰": 2, "貳": 2, "叁": 3, "參": 3, "肆": 4, "伍": 5, "陆": 6})
_CN_DIGITS.update({"柒": 7, "捌": 8, "玖": 9, "零": 0})
_CN_SMALL = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}
_CN_TENS = {"廿": 20, "卅": 30}
_CN_DIGIT_CHARS = "".join(_CN_DIGITS)
_CN_ALL = _CN_DIGIT_CHARS + "".join(_CN_SMALL) + "".join(_CN_BIG) + "".join(_CN_TENS)
# A numeral: a run of digit and unit characters that holds at least one digit or 十 (a lone
# 千 or 万, as in 上万 or 万元, is a unit for the salary parser, not a number), with an optional
# decimal part after 点.
_CN_NUM_RE = re.compile(
    f"[{_CN_ALL}]*[{_CN_DIGIT_CHARS}十拾廿卅][{_CN_ALL}]*(?:点[{_CN_DIGIT_CHARS}]+)?|半"
)


def _cn_int(s: str) -> int | None:
    """The integer a Chinese numeral writes, or None when it is not well formed.

    Reads positional digit strings (二零二六 = 2026), unit forms with 零 (一千零五十 = 1050,
    一万零五百 = 10500), 万 and 亿 sections (十五万 = 150000, 一亿二千万), 大写 digits (壹仟伍佰)
    and the colloquial trailing digit that stands for the next lower unit (三千五 = 3500,
    一万二 = 12000, 两百五 = 250; but 一千零五 = 1005).
    """
    if not any(ch in _CN_SMALL or ch in _CN_BIG or ch in _CN_TENS for ch in s):
        if not all(ch in _CN_DIGITS for ch in s):
            return None
        return int("".join(str(_CN_DIGITS[ch]) for ch in s))
    total = 0  # whole 亿 sections
    wan = 0  # whole 万 sections below the last 亿
    section = 0  # below 万
    current: int | None = None  # a digit waiting for its unit
    last_unit = 0  # the unit the last digit took (for 三千五)
    zero = False  # a 零 since the last unit: the trailing digit is units (一千零五)
    for ch in s:
        if ch in _CN_DIGITS:
            d = _CN_DIGITS[ch]
            if current is not None and current != 0 and d != 0:
                return None  # two digits in a row (三五千 is a vague range, not a number)
            if d == 0:
                zero = True
                current = None
            else:
                current = d
        elif ch in _CN_TENS:
            if current is not None:
                return None
            section += _CN_TENS[ch]
            last_unit, zero = 10, False
        elif ch in _CN_SMALL:
            unit = _CN_SMALL[ch]
            if current is None and unit != 10:
                return None  # 千 without its digit
            section += (1 if current is None else current) * unit
            current, last_unit, zero = None, unit, False
        else:
            unit = _CN_BIG[ch]
            part = section + (current or 0)
            if part == 0 and unit == 10_000 and not wan and not total:
                return None
            if unit == 10_000:
                wan += part * unit
            else:
                total = (total + wan + part) * unit
                wan = 0
            section, current, last_unit, zero = 0, None, unit, False
    if current is not None:
        # a trailing digit right after a unit stands for the next lower unit (三千五, 一万二)
        section += current * (last_unit // 10 if last_unit >= 10 and not zero else 1)
    return total + wan + section


def _cn_numerals(s: str) -> str:
    """Replace Chinese numerals by Arabic ones: 三千五 -> 3500, 一年半 -> 1年0.5, 十五 -> 15.

    Also 1万5 -> 1.5万, 3千5 -> 3.5千 and 1万5000 -> 15000, the mixed forms people type.
    """

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

    if _CN_VAGUE_RE.search(s):  # 三五千 -> 三千-五千, 七八千 -> 七千-八千
        s = _CN_VAGUE_RE.sub(r"\1\3-\2\3", s)
    if _CN_NUM_RE.search(s):
        s = _CN_NUM_RE.sub(repl, s)
    # (each sub only where it can apply: a template sub costs a template parse per call)
    if "年0.5" in s:
        s = _HALF_YEAR_RE.sub(r"\1.5年", s)  # 一年半 -> 1年0.5 -> 1.5年
    if "万" in s:
        s = _WAN_TAIL_RE.sub(lambda m: str(int(m.group(1)) * 10_000 + int(m.group(2))), s)
    if "万" in s or "千" in s or "w" in s:  # 1万5 -> 1.5万, 3千5 -> 3.5千
        s = _TAIL_DIGIT_RE.sub(r"\1.\3\2", s)
    return s


_TAIL_DIGIT_RE = re.compile(r"(\d+)([万千w])(\d)(?![\d.])")
_HALF_YEAR_RE = re.compile(r"(\d+)年0\.5")
# two neighbouring digits before a unit: a vague range (两三千, 三五千, 七八千, 一两万)
_CN_VAGUE_RE = re.compile(
    r"(?<![十百千万亿零一二两三四五六七八九])"
    r"(一(?=两|二)|两(?=三)|二(?=三)|三(?=四|五)|四(?=五)|五(?=六)|六(?=七)|七(?=八)|八(?=九))"
    r"([二两三四五六七八九])([十百千万])"
)
_WAN_TAIL_RE = re.compile(r"(?<![\d.])(\d+)万(\d{3,4})(?![\d.])")


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
# Pay stated without an amount: negotiable, piece-rate, commission only.
_NO_AMOUNT_RE = re.compile(r"面议|面谈|协商|商议|商定|计件|按件|提成|绩效|看能力|按能力|待遇从优")
# Words whose 一 is no amount (一般三千五 is 3500, not 1).
_NOT_NUMBERS_RE = re.compile(r"一般|一线|一起|一样|一直|一定|统一|唯一|万一|之一|一流|一致")
_BENEFITS_RE = re.compile(r"[五六七]险[一二两]金")  # 五险一金 is no amount
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
        if _NO_AMOUNT_RE.search(s) and not any(ch.isdigit() or ch in _CN_DIGITS for ch in s):
            return None  # 面议, 计件就行, 按提成: pay stated without an amount
        s = _cn_numerals(_NOT_NUMBERS_RE.sub("", _BENEFITS_RE.sub("", _THOUSANDS_RE.sub("", s))))
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
#: what a seeker's record says for "no experience" (无 elsewhere means "not stated")
_EXP_NONE = frozenset({"无", "没有", "暂无", "无工作经验", "无相关经验", "没有工作经验"})
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
    >>> experience("无")  # in an experience field 无 means none, not "not stated"
    (0.0, 0.0)
    """
    if isinstance(text, str) and text.strip() in _EXP_NONE:
        return (0.0, 0.0)  # 无 in an experience field is an answer: none (read before the nulls)
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
