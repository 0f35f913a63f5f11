"""Level parsers: education (学历), skill level (技能等级) and professional title (职称).

Each level is an ``IntEnum`` (higher is more) with a Chinese ``label``; its parser reads the
words and codes registration systems write and returns the member, ``None`` for "not stated /
any", or raises :class:`~matchcore.InvalidValue`. Text is read as :mod:`._fields` reads it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import IntEnum

from matchcore._errors import InvalidValue
from matchcore.normalize._fields import _text

__all__ = [
    "Education",
    "ProfessionalTitle",
    "SkillLevel",
    "education",
    "professional_title",
    "skill_level",
]


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
_E = Education
# Words of each level, as posting sites, registration systems and student-status systems (学籍,
# 学信网, GB/T 4658 学历代码 names) write them. Longest match first, so 大学专科 is one word
# (专科), not 大学 (本科) touching 专科, and 中等专科 is 中专, not 专科.
_EDUCATION_WORDS = {
    **dict.fromkeys(
        ["博士后", "博士", "博士研究生", "博士学位", "phd", "doctor", "doctorate"], _E.DOCTOR
    ),
    **dict.fromkeys(
        ["硕士", "研究生", "硕士研究生", "研究生班", "硕士学位", "master", "mba", "emba", "mpa"],
        _E.MASTER,
    ),
    **dict.fromkeys(
        [
            "本科",
            "学士",
            "大学",
            "大学本科",
            "普通本科",
            "本科学历",
            "专升本",
            "学士学位",
            "bachelor",
            "university",
            "undergraduate",
        ],
        _E.BACHELOR,
    ),
    **dict.fromkeys(
        [
            "大专",
            "专科",
            "高职",
            "高专",
            "大学专科",
            "高等专科",
            "高等专科学校",
            "高等职业",
            "高等职业学校",
            "高等职业教育",
            "职业技术学院",
            "职业学院",
            "电大",
            "夜大",
            "广播电视大学",
            "高职高专",
            "职业大学",
            "专科学校",
            "associate",
            "juniorcollege",
        ],
        _E.ASSOCIATE,
    ),
    **dict.fromkeys(
        [
            "高中",
            "普通高中",
            "高级中学",
            "完全中学",
            "职业高中",
            "职专",
            "职业中专",
            "普高",
            "技师学院",
            "职高",
            "中专",
            "中等专科",
            "中等专业学校",
            "中等专业",
            "中等技术学校",
            "中等职业学校",
            "中等职业教育",
            "中职",
            "中技",
            "技校",
            "技工学校",
            "技工院校",
            "技工",
            "中师",
            "中等师范",
            "高中阶段",
            "highschool",
            "seniorhigh",
            "secondary",
        ],
        _E.SENIOR_SECONDARY,
    ),
    **dict.fromkeys(
        ["初中", "初级中学", "中学", "初级中等", "juniorhigh", "middleschool"],
        _E.JUNIOR_SECONDARY,
    ),
    **dict.fromkeys(["小学", "完全小学", "初级小学", "primary", "primaryschool"], _E.PRIMARY),
    **dict.fromkeys(
        [
            "无学历",
            "文盲",
            "半文盲",
            "未上学",
            "未受教育",
            "未上过学",
            "不识字",
            "扫盲班",
            "小学以下",
            "学前",
        ],
        _E.NONE,
    ),
}
# GB/T 4658-2006 学历代码, as registration systems export them (the first digit is the stage:
# 11-13 博士, 14-19 硕士/研究生班, 2x 本科, 3x 专科, 4x 中专, 5x 技校, 6x 高中, 7x 初中, 8x 小学).
_GB4658 = {"2": _E.BACHELOR, "3": _E.ASSOCIATE, "4": _E.SENIOR_SECONDARY}
_GB4658.update({"5": _E.SENIOR_SECONDARY, "6": _E.SENIOR_SECONDARY, "7": _E.JUNIOR_SECONDARY})
_GB4658.update({"8": _E.PRIMARY})
# 肄业 (left without finishing) and 结业 (finished without the diploma): the level below
# holds, as that is the last one completed (本科肄业 holds 高中, 硕士结业 holds 本科).
_UNFINISHED_RE = re.compile(r"肄业|结业|未毕业|辍学|没毕业|在读|在校|就读")
# "专科以下" (not 及以下): below the level named.
_BELOW_RE = re.compile(r"(?<!及)(?<!或)以下|不到|未达")
_BELOW = {
    _E.DOCTOR: _E.MASTER,
    _E.MASTER: _E.BACHELOR,
    _E.BACHELOR: _E.SENIOR_SECONDARY,
    _E.ASSOCIATE: _E.SENIOR_SECONDARY,
    _E.SENIOR_SECONDARY: _E.JUNIOR_SECONDARY,
    _E.JUNIOR_SECONDARY: _E.PRIMARY,
    _E.PRIMARY: _E.NONE,
    _E.NONE: _E.NONE,
}
_EDUCATION_RE = _alt(_EDUCATION_WORDS)
_EDUCATION_ANY = frozenset({"学历不限", "不限学历", "学历无要求", "无学历要求", "学历要求不限"})
_EDUCATION_EXPECTED = (
    "an education level such as 小学, 初中, 高中, 中专, 大专, 本科, 硕士, 博士 (or 不限), "
    "or a GB/T 4658 code such as 21 or 31"
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
    code = _gb4658(text, s)
    if code is not None:
        return code
    if isinstance(text, int | float):
        raise InvalidValue("education", text, _EDUCATION_EXPECTED + " or a level 0-7")
    level = Education(
        _level_of("education", text, s, _EDUCATION_WORDS, _EDUCATION_RE, _EDUCATION_EXPECTED)
    )
    return _BELOW[level] if _UNFINISHED_RE.search(s) or _BELOW_RE.search(s) else level


def _gb4658(text: object, s: str) -> Education | None:
    """A two-digit GB/T 4658 学历代码 (10-89), else None."""
    if isinstance(text, float) and text.is_integer():
        s = str(int(text))
    elif isinstance(text, bool) or not isinstance(text, str | int):
        return None
    if len(s) != 2 or not s.isdigit() or s[0] in "09":
        return None
    if s[0] == "1":
        return _E.DOCTOR if s in ("11", "12", "13") else _E.MASTER
    return _GB4658[s[0]]


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
