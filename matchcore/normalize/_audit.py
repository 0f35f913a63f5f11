"""Fair-hiring audit: the discriminatory requirements a posting states.

The engine never filters or scores on these; the audit only reports them so that later stages
can flag the posting. What is flagged:

* ``gender``: 限男性, 女性优先, 性别：男, 只招女生...
* ``marital``: marital or childbearing status (已婚已育, 未婚, 无生育计划...)
* ``household``: household registration (本地户口, 本市户籍, 限本地人...)
* ``ethnicity``: 汉族, 少数民族, a named ethnic group as a requirement
* ``religion``: 无宗教信仰, 信教, 基督徒...
* ``health``: carrier status and conditions unrelated to the work (乙肝, 大三阳, HIV...). A
  health certificate (健康证), which the food-safety law requires, is not flagged.
* ``age``: an age limit that is not a legal requirement: an upper limit below 50 (the lowest
  statutory retirement age) or a lower limit above 18 (the age for hazardous work), and
  generation limits such as 限90后. 18岁以上 or 16-60岁 are not flagged.

Neutral phrases (男女不限, 户籍不限, 年龄不限, 生育保险) are removed before matching.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from matchcore.normalize._text import normalize_text

__all__ = ["AuditFinding", "audit_posting"]

CATEGORIES = ("gender", "marital", "household", "ethnicity", "religion", "health", "age")

_NEUTRAL_RE = re.compile(
    r"男女不限|不限男女|男女均可|男女皆可|性别不限|不限性别|男女老少|男女比例"
    r"|婚否不限|婚姻不限|婚育不限|不限婚否|生育保险|生育津贴|产假|陪产假"
    r"|户籍不限|户口不限|不限户籍|不限户口|户籍地不限|不限地区"
    r"|民族不限|不限民族|宗教不限|年龄不限|不限年龄|年龄无要求"
)
_ETHNIC = [
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]
_PATTERNS = {
    "gender": re.compile(
        r"(?:仅限|只限|只招|仅招|限招|要求|需|须|必须是?|限)(?:男|女)(?:性|士|生|工)?"
        r"|(?:男|女)(?:性|士|生)?(?:优先|者优先)"
        r"|性别(?:要求)?[:：]?(?:男|女)(?![女男])"
        r"|(?<![男女])(?:男性|女性)(?!优先|用品|服装|服饰|内衣|健康|专科|护理|患者|疾病|消费者|客户|顾客|市场)"
        r"|(?:宝妈|男生|女生)(?:优先)?"
    ),
    "marital": re.compile(
        r"已婚已育|已婚未育|未婚未育|已婚育|已婚|未婚|已育|未育|婚育|无生育计划|生育计划|怀孕|孕期"
        r"|单身|离异|二胎"
    ),
    "household": re.compile(
        r"(?:本地|本市|本省|本县|本区|城镇|农村|非农|常住)(?:户口|户籍)|户口|户籍|限本地人?|本地人(?:优先)?"
        r"|当地人(?:优先)?"
    ),
    "ethnicity": re.compile(r"汉族|少数民族|民族要求|" + "|".join(_ETHNIC)),
    "religion": re.compile(r"宗教|信仰|信教|不信教|基督徒|穆斯林|佛教徒|天主教徒|伊斯兰教"),
    "health": re.compile(
        r"乙肝|乙型肝炎|hbv|大三阳|小三阳|澳抗|两对半|肝功能|艾滋|hiv|携带者|残疾人勿|非残疾"
    ),
}
_AGE_RANGE_RE = re.compile(
    r"(\d{2})\s*(?:周岁|岁)?\s*(?:-|~|～|至|到|—)\s*(\d{2})\s*(?:周岁|岁)"
    r"|(?:年龄|年纪)[^\d\n]{0,4}(\d{2})\s*(?:周岁|岁)?\s*(?:-|~|～|至|到|—)\s*(\d{2})"
)
_AGE_OPEN_RE = re.compile(
    r"(\d{2})\s*(?:周岁|岁)\s*(以下|以内|之内|以上|之上)|(?:不超过|不大于|小于|低于)\s*(\d{2})\s*(?:周岁|岁)"
)
_GENERATION_RE = re.compile(r"限?[6-9]0后|限?00后|年轻(?:人|化)?(?:优先)?")
_MAX_AGE_LEGAL = 50  # the lowest statutory retirement age
_MIN_AGE_LEGAL = 18


class AuditFinding(NamedTuple):
    """One discriminatory requirement found in a posting.

    Attributes
    ----------
    category : str
        ``gender``, ``marital``, ``household``, ``ethnicity``, ``religion``, ``health`` or
        ``age``.
    words : tuple of str
        The words that stated it, in order of appearance.

    Examples
    --------
    >>> from matchcore.normalize import AuditFinding
    >>> AuditFinding("gender", ("限男性",)).category
    'gender'
    """

    category: str
    words: tuple[str, ...]


def _age_words(s: str) -> list[str]:
    words = []
    for m in _AGE_RANGE_RE.finditer(s):
        lo = int(m.group(1) or m.group(3))
        hi = int(m.group(2) or m.group(4))
        if lo > _MIN_AGE_LEGAL or hi < _MAX_AGE_LEGAL:
            words.append(m.group())
    for m in _AGE_OPEN_RE.finditer(s):
        if m.group(3) is not None:
            if int(m.group(3)) < _MAX_AGE_LEGAL:
                words.append(m.group())
            continue
        age, side = int(m.group(1)), m.group(2)
        upper = side in ("以下", "以内", "之内")
        if (upper and age < _MAX_AGE_LEGAL) or (not upper and age > _MIN_AGE_LEGAL):
            words.append(m.group())
    words.extend(m.group() for m in _GENERATION_RE.finditer(s))
    return words


def audit_posting(text: str | None) -> tuple[AuditFinding, ...]:
    """The discriminatory requirements a posting states.

    Parameters
    ----------
    text : str or None
        Title, requirements and description of a posting, in any mix.

    Returns
    -------
    tuple of AuditFinding
        One ``(category, words)`` per category found, in the order of ``CATEGORIES``; empty
        when nothing is found.

    Examples
    --------
    >>> from matchcore.normalize import audit_posting
    >>> audit_posting("招聘保安，限男性，35岁以下，本地户口，已婚已育优先")
    (AuditFinding(category='gender', words=('限男性',)), AuditFinding(category='marital', words=('已婚已育',)), AuditFinding(category='household', words=('本地户口',)), AuditFinding(category='age', words=('35岁以下',)))
    >>> audit_posting("男女不限，18周岁以上，持健康证")
    ()
    """
    if not text or not isinstance(text, str):
        return ()
    s = _NEUTRAL_RE.sub("|", normalize_text(text).lower())
    found: list[AuditFinding] = []
    for category in CATEGORIES:
        if category == "age":
            words = _age_words(s)
        else:
            words = [m.group() for m in _PATTERNS[category].finditer(s)]
        if words:
            found.append(AuditFinding(category, tuple(dict.fromkeys(words))))
    return tuple(found)
