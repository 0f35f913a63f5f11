"""The record schema, in one place: raw columns, their aliases, prepared columns and dtypes.

A new input field is declared here first: its raw name (:data:`SEEKER_COLUMNS` /
:data:`VACANCY_COLUMNS`), its Chinese label (:data:`COLUMN_LABELS`), the headers exports write
for it (:data:`COLUMN_ALIASES`) and, if ``prepare`` hands it on, its prepared column with dtype
and meaning (:data:`PREPARED_SEEKERS` / :data:`PREPARED_VACANCIES`, marked ``scoring=True`` when
scoring cannot do without it). ``prepare`` casts to these dtypes, ``scoring`` checks its inputs
against them, and ``docs/stages.md``'s tables are generated from them (:func:`update_docs`; a
test fails when they differ).

Registration systems export Chinese headers (岗位名称, 招聘人数, 文化程度, 出生年月 ...) and people
write near-miss names (education for education_min, birthday for birth_year). :func:`canonical`
renames every header it knows to the column ``prepare`` reads and reports the others, with the
column each one probably meant, so that no constraint vanishes without a word.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from pathlib import Path
from typing import NamedTuple

import polars as pl

__all__ = [
    "COLUMN_ALIASES",
    "COLUMN_LABELS",
    "KEY_GROUPS",
    "PREPARED_SEEKERS",
    "PREPARED_VACANCIES",
    "REJECTED_SCHEMA",
    "REQUIRED_COLUMNS",
    "SEEKER_COLUMNS",
    "VACANCY_COLUMNS",
    "PreparedColumn",
    "canonical",
    "read_groups",
]

# --------------------------------------------------------------------------------------------
# raw columns

#: Raw seeker columns prepare reads (all but the required ones may be absent).
SEEKER_COLUMNS: tuple[str, ...] = (
    "seeker_id", "category", "desired_title", "desired_occupation", "region", "willing_regions",
    "education", "major", "graduation_year", "expected_salary", "experience_years",
    "skill_level", "professional_title", "birth_year", "registered_at",
)  # fmt: skip
#: Raw vacancy columns prepare reads (``requirements``/``description`` feed the posting audit).
VACANCY_COLUMNS: tuple[str, ...] = (
    "vacancy_id", "employer_id", "title", "occupation_code", "openings", "region",
    "education_min", "salary", "salary_min", "salary_max", "experience_min", "skill_level_min",
    "professional_title_min", "age_min", "age_max", "age_range", "industry_code",
    "advanced_manufacturing",
    "internship", "session", "posted_at", "expires_at", "requirements", "description",
)  # fmt: skip
#: The raw columns each table must have; a tuple inside is "at least one of these".
REQUIRED_COLUMNS: dict[str, tuple[str | tuple[str, ...], ...]] = {
    "seekers": ("seeker_id", "region", ("desired_title", "desired_occupation")),
    "vacancies": ("vacancy_id", "openings", "region", ("title", "occupation_code")),
}

# --------------------------------------------------------------------------------------------
# prepared columns


class PreparedColumn(NamedTuple):
    """One column of a prepared table: its dtype, what it holds, and whether scoring needs it."""

    dtype: pl.DataType
    meaning: str
    scoring: bool = False


_C = PreparedColumn
_ROW = _C(pl.UInt32(), "0-based position of the row in the input")
_LINE = _C(pl.UInt32(), "the line a person sees in the file: the header is line 1, so `row + 2`")
_TITLE_CORE = _C(pl.Utf8(), "the title cleaned to its occupation words (`clean_title`)", True)
_OCCUPATION = _C(
    pl.Utf8(), "CSCO code `X-XX-XX-XX` of level 1-4: as given, else coded from the title", True
)
_CONFIDENCE = _C(pl.Float64(), "the coder's confidence; 1.0 when given as a code")
_REGION = _C(pl.Utf8(), "6-digit division code, the county where known", True)
_CITY = _C(pl.Utf8(), "6-digit code of the prefecture (a municipality for its districts)", True)
_SALARY_MIN = _C(pl.Float64(), "CNY a month", True)
_SALARY_MAX = _C(pl.Float64(), "CNY a month", True)

#: The prepared seeker table ``prepare`` returns, in column order. Null means unknown.
PREPARED_SEEKERS: dict[str, PreparedColumn] = {
    "row": _ROW,
    "line": _LINE,
    "seeker_id": _C(pl.Utf8(), "unique id", True),
    "category": _C(pl.Utf8(), "`unemployed`, `graduate` or `other`, from the key groups", True),
    "groups": _C(
        pl.List(pl.Utf8()),
        "key groups (重点群体) of `KEY_GROUPS`, several a person; null where no category is given",
    ),
    "desired_title": _C(pl.Utf8(), "as written, cut to `MAX_TITLE_CHARS`"),
    "title_core": _TITLE_CORE,
    "occupation_code": _OCCUPATION,
    "occupation_confidence": _CONFIDENCE,
    "occupation_codes": _C(
        pl.List(pl.Utf8()),
        "every occupation the desired title asks for, each wish coded on its own; `6-00-00-00`"
        " stands for entry-level production work (普工), `*` for any entry-level work (不限)",
    ),
    "driving_class": _C(pl.Utf8(), "a driving licence class the desired title states (`C1`)"),
    "region_code": _REGION,
    "city_code": _CITY,
    "willing_region_codes": _C(
        pl.List(pl.Utf8()), "codes of the places the person would work in", True
    ),
    "education": _C(pl.Int8(), "`Education` level, 0 `NONE` .. 7 `DOCTOR`", True),
    "major": _C(pl.Utf8(), "field of study as written", True),
    "graduation_year": _C(pl.Int16(), "year of graduation"),
    "salary_min": _SALARY_MIN,
    "salary_max": _SALARY_MAX,
    "experience_years": _C(pl.Float64(), "years of work experience", True),
    "skill_level": _C(pl.Int8(), "`SkillLevel`, 1 `APPRENTICE` .. 8 `CHIEF`", True),
    "professional_title": _C(
        pl.Int8(), "`ProfessionalTitle` (职称), 1 `CLERK` .. 5 `SENIOR`", True
    ),
    "birth_year": _C(pl.Int16(), "year of birth", True),
    "registered_at": _C(pl.Date(), "date of registration"),
}
#: The prepared vacancy table ``prepare`` returns, in column order. Null means not required.
PREPARED_VACANCIES: dict[str, PreparedColumn] = {
    "row": _ROW,
    "line": _LINE,
    "vacancy_id": _C(pl.Utf8(), "unique id", True),
    "employer_id": _C(pl.Utf8(), "the employer's id"),
    "title": _C(pl.Utf8(), "as written, cut to `MAX_TITLE_CHARS`"),
    "title_core": _TITLE_CORE,
    "occupation_code": _OCCUPATION,
    "occupation_confidence": _CONFIDENCE,
    "openings": _C(pl.Int32(), "positions to fill, >= 1"),
    "region_code": _REGION,
    "city_code": _CITY,
    "education_min": _C(pl.Int8(), "lowest `Education` accepted", True),
    "salary_min": _SALARY_MIN,
    "salary_max": _SALARY_MAX,
    "experience_min": _C(pl.Float64(), "years of experience asked for", True),
    "skill_level_min": _C(pl.Int8(), "lowest `SkillLevel` accepted", True),
    "professional_title_min": _C(pl.Int8(), "lowest `ProfessionalTitle` accepted", True),
    "age_min": _C(pl.Int16(), "youngest age accepted", True),
    "age_max": _C(pl.Int16(), "oldest age accepted", True),
    "industry_code": _C(pl.Utf8(), "GB/T 4754-2017 industry code"),
    "advanced_manufacturing": _C(
        pl.Boolean(), "an advanced-manufacturing employer (as given, else from the industry)", True
    ),
    "internship": _C(pl.Boolean(), "a 就业见习 internship post", True),
    "session": _C(pl.Utf8(), "a special recruitment event (专场)", True),
    "posted_at": _C(pl.Date(), "date posted"),
    "expires_at": _C(pl.Date(), "last date of the posting"),
    "audit": _C(
        pl.List(pl.Utf8()),
        "categories of discriminatory requirements found in title, requirements and description",
    ),
    "audit_words": _C(
        pl.List(pl.Utf8()),
        "the words found for each `audit` category, in its order (joined by 、)",
    ),
    "housing": _C(pl.Boolean(), "the title or requirements offer housing (包住, 宿舍)"),
    "driving_class": _C(pl.Utf8(), "the driving licence class asked for (`B2`)"),
}

#: The ``rejected`` table: one row per problem (``severity`` error rejects the row).
REJECTED_SCHEMA: dict[str, pl.DataType] = {
    "table": pl.Utf8(),
    "row": pl.UInt32(),
    "line": pl.UInt32(),
    "id": pl.Utf8(),
    "field": pl.Utf8(),
    "value": pl.Utf8(),
    "code": pl.Utf8(),
    "reason": pl.Utf8(),
    "severity": pl.Utf8(),
}


def dtypes(table: str) -> dict[str, pl.DataType]:
    """Column -> dtype of the prepared ``table`` (``"seekers"`` or ``"vacancies"``), in order."""
    cols = PREPARED_SEEKERS if table == "seekers" else PREPARED_VACANCIES
    return {name: c.dtype for name, c in cols.items()}


def scoring_columns(table: str) -> tuple[str, ...]:
    """The prepared columns of ``table`` that scoring cannot do without, in table order."""
    cols = PREPARED_SEEKERS if table == "seekers" else PREPARED_VACANCIES
    return tuple(name for name, c in cols.items() if c.scoring)


# --------------------------------------------------------------------------------------------
# docs/stages.md

_BEGIN = "<!-- generated from matchcore/records/_columns.py: {} -->"
_END = "<!-- end of generated table -->"


def schema_markdown(table: str) -> str:
    """The markdown table of ``table``: ``raw seekers``/``raw vacancies`` (the raw columns) or
    ``seekers``/``vacancies`` (the prepared ones) or ``rejected``."""
    if table.startswith("raw "):
        which = table[4:]
        names = SEEKER_COLUMNS if which == "seekers" else VACANCY_COLUMNS
        required: dict[str, str] = {}
        for r in REQUIRED_COLUMNS[which]:
            if isinstance(r, str):
                required[r] = "yes"
            else:
                for n in r:
                    required[n] = "or " + ", ".join(f"`{o}`" for o in r if o != n)
        rows = ["| column | 中文 | required |", "|---|---|---|"]
        rows += [f"| `{n}` | {COLUMN_LABELS.get(n, '')} | {required.get(n, '')} |" for n in names]
    elif table == "rejected":
        rows = ["| column | dtype |", "|---|---|"]
        rows += [f"| `{n}` | {d} |" for n, d in REJECTED_SCHEMA.items()]
    else:
        cols = PREPARED_SEEKERS if table == "seekers" else PREPARED_VACANCIES
        rows = ["| column | dtype | meaning | scoring needs it |", "|---|---|---|---|"]
        rows += [
            f"| `{n}` | {c.dtype} | {c.meaning} | {'yes' if c.scoring else ''} |"
            for n, c in cols.items()
        ]
    return "\n".join(rows)


_BLOCK = re.compile(
    re.escape(_BEGIN).replace(r"\{\}", "(?P<table>[a-z ]+)") + r"\n.*?" + re.escape(_END), re.S
)


def render_docs(text: str) -> str:
    """``text`` with every generated table (between the markers) rebuilt from this module."""

    def table(m: re.Match[str]) -> str:
        name = m.group("table")
        return f"{_BEGIN.format(name)}\n{schema_markdown(name)}\n{_END}"

    return _BLOCK.sub(table, text)


def update_docs(path: str | Path = "docs/stages.md") -> bool:
    """Rewrite the generated tables of ``path``; True if anything changed."""
    path = Path(path)
    old = path.read_text(encoding="utf-8")
    new = render_docs(old)
    if new != old:
        path.write_text(new, encoding="utf-8")
    return new != old


#: The key groups (重点群体) a seeker may belong to, canonical Chinese names, several a person.
#: 长期失业人员 (registered unemployed a year or more) also counts as 登记失业人员.
KEY_GROUPS: tuple[str, ...] = (
    "登记失业人员",
    "长期失业人员",
    "就业困难人员",
    "高校毕业生",
    "退役军人",
    "农村转移劳动力",
    "脱贫劳动力",
    "残疾人",
    "零就业家庭成员",
    "低保家庭成员",
)

# (words any of which names the group, the groups it implies), first match per part wins
_GROUP_RULES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("长期失业",), ("长期失业人员", "登记失业人员")),
    (("就业困难", "困难人员", "援助对象", "困难群体"), ("就业困难人员",)),
    (("零就业",), ("零就业家庭成员",)),
    (("低保",), ("低保家庭成员",)),
    (("退役", "退伍", "转业军人", "复员军人", "军转", "军队转业"), ("退役军人",)),
    (("残疾", "残障"), ("残疾人",)),
    (("脱贫", "建档立卡", "贫困", "返贫", "监测对象"), ("脱贫劳动力",)),
    (("农村转移", "转移劳动力", "转移就业", "农民工", "进城务工", "农村劳动力"), ("农村转移劳动力",)),
    (("毕业生", "高校", "大学生", "应届", "往届", "届", "毕业", "graduate"), ("高校毕业生",)),
    (("失业", "unemployed"), ("登记失业人员",)),
)  # fmt: skip
# Parts that name no key group on purpose.
_NO_GROUP = frozenset({"其他", "其它", "other", "一般", "普通", "无", "一般人员", "社会人员"})
_GROUP_SPLIT = re.compile(r"[、,，/;；|+＋和及与\s]+")
_GRAD_YEAR = re.compile(r"((?:19|20)\d\d)\s*(?:届|年)")


@functools.lru_cache(maxsize=4096)
def read_groups(text: str) -> tuple[tuple[str, ...], str | None, int | None, tuple[str, ...]]:
    """The key groups a category cell names.

    Parameters
    ----------
    text : str
        One cell: ``unemployed``/``graduate``/``other``, or Chinese group names, several
        separated by 、,，/;.

    Returns
    -------
    groups : tuple of str
        Canonical names of :data:`KEY_GROUPS`, in that order.
    category : str or None
        ``graduate`` (高校毕业生), else ``unemployed`` (登记失业人员), else ``other``; None when
        no part could be read.
    graduation_year : int or None
        The year of a "2025届高校毕业生".
    unknown : tuple of str
        The parts that name no group.

    Examples
    --------
    >>> from matchcore.records import read_groups
    >>> read_groups("2025届高校毕业生、就业困难人员")
    (('就业困难人员', '高校毕业生'), 'graduate', 2025, ())
    >>> read_groups("长期失业人员/退役军人")[:2]
    (('登记失业人员', '长期失业人员', '退役军人'), 'unemployed')
    """
    norm = unicodedata.normalize("NFKC", text).strip().lower()
    found: set[str] = set()
    unknown: list[str] = []
    known_other = False
    year = None
    m = _GRAD_YEAR.search(norm)
    for part in _GROUP_SPLIT.split(norm):
        if not part:
            continue
        for words, groups in _GROUP_RULES:
            if any(w in part for w in words):
                found.update(groups)
                break
        else:
            if part in _NO_GROUP:
                known_other = True
            else:
                unknown.append(part)
    if m and "高校毕业生" in found:
        year = int(m.group(1))
    ordered = tuple(g for g in KEY_GROUPS if g in found)
    if "高校毕业生" in found:
        category: str | None = "graduate"
    elif "登记失业人员" in found:
        category = "unemployed"
    elif found or known_other:
        category = "other"
    else:
        category = None
    return ordered, category, year, tuple(unknown)


# --------------------------------------------------------------------------------------------
# column names

#: Chinese name of each column prepare reads (for messages and the README's column table).
COLUMN_LABELS: dict[str, str] = {
    "seeker_id": "求职者编号", "category": "人员类别（重点群体）", "desired_title": "求职意向",
    "desired_occupation": "意向职业代码", "region": "所在地区", "willing_regions": "意向工作地区",
    "education": "文化程度", "major": "专业", "graduation_year": "毕业年份",
    "expected_salary": "期望薪资", "experience_years": "工作年限", "skill_level": "技能等级",
    "professional_title": "职称", "birth_year": "出生年份", "registered_at": "登记日期",
    "vacancy_id": "岗位编号", "employer_id": "单位编号", "title": "岗位名称",
    "occupation_code": "职业代码", "openings": "招聘人数", "education_min": "学历要求",
    "salary": "薪资待遇", "salary_min": "最低月薪", "salary_max": "最高月薪",
    "experience_min": "工作经验要求", "skill_level_min": "技能等级要求",
    "professional_title_min": "职称要求", "age_min": "最低年龄", "age_max": "最高年龄",
    "age_range": "年龄要求", "industry_code": "行业代码",
    "advanced_manufacturing": "是否先进制造业", "internship": "是否见习岗位",
    "session": "专场招聘", "posted_at": "发布日期", "expires_at": "截止日期",
    "requirements": "岗位要求", "description": "岗位描述",
}  # fmt: skip

#: Header aliases per table: an alias (as written, compared after NFKC, lower case and without
#: spaces, ``_``, ``-``, ``*`` and bracketed units) -> the column ``prepare`` reads.
COLUMN_ALIASES: dict[str, dict[str, str]] = {
    "seekers": {
        **dict.fromkeys(
            ["求职者编号", "求职者id", "人员编号", "个人编号", "登记编号", "求职登记编号",
             "编号", "id", "personid", "seekerid", "seeker"], "seeker_id"),
        **dict.fromkeys(
            ["人员类别", "人员类型", "人员身份", "身份类别", "就业群体", "重点群体", "群体类别",
             "重点群体类别", "人员分类", "类别", "group", "groups", "keygroup", "keygroups",
             "categories"], "category"),
        **dict.fromkeys(
            ["求职意向", "意向岗位", "求职岗位", "意向职位", "期望岗位", "期望职位", "求职工种",
             "意向工种", "求职意向岗位", "desiredjob", "jobintention", "desiredjobs",
             "desiredposition", "desired"], "desired_title"),
        **dict.fromkeys(
            ["意向职业代码", "意向职业编码", "求职职业代码", "职业代码", "职业编码",
             "occupation", "occupationcode"], "desired_occupation"),
        **dict.fromkeys(
            ["所在地区", "居住地", "现居住地", "常住地", "居住地区", "所在地", "地区", "区县",
             "所属区县", "行政区划", "行政区划代码", "区域", "现住址", "居住地址",
             "location", "area", "district", "address"], "region"),
        **dict.fromkeys(
            ["意向工作地区", "意向工作地点", "期望工作地点", "期望工作地区", "意向地区",
             "期望地区", "求职地区", "willingregion", "willing", "preferredregions",
             "desiredregions"], "willing_regions"),
        **dict.fromkeys(
            ["文化程度", "学历", "最高学历", "学历层次", "edu", "degree", "educationlevel",
             "education_min"], "education"),
        **dict.fromkeys(["专业", "所学专业", "毕业专业", "majors", "speciality", "specialty"],
                        "major"),
        **dict.fromkeys(
            ["毕业年份", "毕业时间", "毕业年度", "毕业届别", "毕业日期", "届别", "gradyear",
             "graduation", "graduationdate"], "graduation_year"),
        **dict.fromkeys(
            ["期望薪资", "期望工资", "期望月薪", "期望待遇", "薪资要求", "工资要求", "期望收入",
             "salary", "expectedpay", "desiredsalary", "salaryexpectation"], "expected_salary"),
        **dict.fromkeys(
            ["工作年限", "工作经验", "从业年限", "工龄", "experience", "experienceyear",
             "yearsofexperience"], "experience_years"),
        **dict.fromkeys(
            ["技能等级", "职业技能等级", "职业资格等级", "技术等级", "skill", "skilllevels"],
            "skill_level"),
        **dict.fromkeys(
            ["职称", "专业技术职称", "专业技术职务", "专业技术资格", "title_level"],
            "professional_title"),
        **dict.fromkeys(
            ["出生年份", "出生年月", "出生日期", "出生年", "生日", "birthday", "birthdate",
             "dateofbirth", "dob", "birth", "yearofbirth"], "birth_year"),
        **dict.fromkeys(
            ["登记日期", "登记时间", "失业登记日期", "求职登记日期", "registrationdate",
             "registered", "registerdate"], "registered_at"),
    },
    "vacancies": {
        **dict.fromkeys(
            ["岗位编号", "岗位id", "职位编号", "职位id", "招聘编号", "编号", "id", "jobid",
             "postingid", "vacancy"], "vacancy_id"),
        **dict.fromkeys(
            ["单位编号", "企业编号", "用人单位编号", "单位id", "企业id", "统一社会信用代码",
             "companyid", "employer", "单位名称", "企业名称", "用人单位", "用人单位名称",
             "公司名称", "招聘单位", "company", "companyname", "employername"], "employer_id"),
        **dict.fromkeys(
            ["岗位名称", "职位名称", "招聘岗位", "岗位", "职位", "招聘职位", "工种",
             "jobtitle", "position", "job", "post"], "title"),
        **dict.fromkeys(["职业代码", "职业编码", "岗位职业代码", "occupation"],
                        "occupation_code"),
        **dict.fromkeys(
            ["招聘人数", "需求人数", "人数", "招聘数量", "岗位数量", "需求数量", "岗位需求数",
             "招聘名额", "headcount", "positions", "vacancies", "number"], "openings"),
        **dict.fromkeys(
            ["工作地点", "工作地区", "工作区域", "所在地区", "单位所在地", "工作地址", "地区",
             "区县", "行政区划", "location", "workplace", "worklocation", "area", "district",
             "address"], "region"),
        **dict.fromkeys(
            ["学历要求", "最低学历", "文化程度要求", "学历", "文化程度", "education",
             "educationrequirement", "mineducation"], "education_min"),
        **dict.fromkeys(
            ["薪资待遇", "薪资", "工资待遇", "月薪", "薪酬", "工资", "待遇", "薪资范围",
             "pay", "wage", "wages", "salaryrange"], "salary"),
        **dict.fromkeys(["最低薪资", "薪资下限", "月薪下限", "最低月薪", "salarylow"],
                        "salary_min"),
        **dict.fromkeys(["最高薪资", "薪资上限", "月薪上限", "最高月薪", "salaryhigh"],
                        "salary_max"),
        **dict.fromkeys(
            ["工作经验", "经验要求", "工作年限要求", "工作年限", "experience",
             "experienceyears"], "experience_min"),
        **dict.fromkeys(
            ["技能等级要求", "技能要求", "职业资格要求", "技能等级", "skilllevel"],
            "skill_level_min"),
        **dict.fromkeys(["职称要求", "专业技术职称要求", "职称", "professionaltitle"],
                        "professional_title_min"),
        **dict.fromkeys(["最低年龄", "年龄下限", "minage", "agefrom"], "age_min"),
        **dict.fromkeys(["最高年龄", "年龄上限", "maxage", "ageto"], "age_max"),
        **dict.fromkeys(["年龄要求", "年龄", "年龄范围", "age", "ages"], "age_range"),
        **dict.fromkeys(
            ["行业代码", "所属行业代码", "行业分类代码", "国民经济行业代码", "industry"],
            "industry_code"),
        **dict.fromkeys(["是否先进制造业", "先进制造业", "advancedmanufacturing"],
                        "advanced_manufacturing"),
        **dict.fromkeys(["是否见习岗位", "见习岗位", "是否见习", "见习", "trainee"],
                        "internship"),
        **dict.fromkeys(["专场", "专场招聘", "招聘会", "专场名称", "招聘活动"], "session"),
        **dict.fromkeys(["发布日期", "发布时间", "登记日期", "postdate", "posted"], "posted_at"),
        **dict.fromkeys(["截止日期", "截止时间", "有效期至", "有效期", "失效日期", "expires",
                         "deadline", "enddate"], "expires_at"),
        **dict.fromkeys(["岗位要求", "任职要求", "招聘条件", "任职资格", "岗位条件"],
                        "requirements"),
        **dict.fromkeys(["岗位描述", "岗位职责", "工作内容", "职位描述", "工作职责", "desc"],
                        "description"),
    },
}  # fmt: skip

# Columns never used for matching, on purpose (protected attributes and personal details).
_PROTECTED = (
    "性别", "民族", "宗教", "户籍", "户口", "婚姻", "婚否", "健康", "政治面貌", "籍贯",
    "gender", "sex", "ethnic", "religion", "hukou", "marital", "health",
)  # fmt: skip
_PERSONAL = (
    "姓名", "身份证", "证件号", "电话", "手机", "联系方式", "邮箱", "住址门牌", "联系人",
    "name", "phone", "mobile", "email", "idcard",
)  # fmt: skip
# Row numbers of the export itself.
_ROW_NUMBERS = frozenset({"序号", "行号", "no", "index", "rowid", "rownumber", "序列号"})
_BRACKETS = re.compile(r"[(（\[【][^)）\]】]*[)）\]】]")
_NOISE = re.compile(r"[\s_\-*#:：.·]+")


def _key(header: str) -> str:
    """A header as compared with the aliases: 薪资待遇（元/月） -> 薪资待遇, Birth_Year -> birthyear."""
    text = unicodedata.normalize("NFKC", str(header)).strip().lower()
    text = _BRACKETS.sub("", text)
    return _NOISE.sub("", text)


@functools.lru_cache(maxsize=2)
def _lookup(table: str, names: tuple[str, ...]) -> dict[str, str]:
    out = {_key(n): n for n in names}
    for alias, target in COLUMN_ALIASES[table].items():
        out.setdefault(_key(alias), target)
    return out


def canonical(
    table: str, columns: list[str], names: tuple[str, ...]
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """Which input column feeds each column ``prepare`` reads, and the columns left unused.

    Parameters
    ----------
    table : {"seekers", "vacancies"}
    columns : list of str
        The input headers, in order.
    names : tuple of str
        The columns ``prepare`` reads for this table.

    Returns
    -------
    rename : dict
        Input header -> column read. A column's own name wins over an alias; of several
        aliases of one column, the first in the file.
    unused : list of (str, str)
        Each input header not read, with a Chinese note of what it probably meant.

    Examples
    --------
    >>> from matchcore.records import SEEKER_COLUMNS, canonical
    >>> rename, unused = canonical("seekers", ["编号", "求职意向", "地区", "birthday", "性别"],
    ...                            SEEKER_COLUMNS)
    >>> rename
    {'编号': 'seeker_id', '求职意向': 'desired_title', '地区': 'region', 'birthday': 'birth_year'}
    >>> unused[0][0]
    '性别'
    """
    lookup = _lookup(table, names)
    exact = {c: c for c in columns if c in names}
    taken = set(exact.values())
    rename: dict[str, str] = {}
    for c in columns:
        if c in exact:
            rename[c] = c
            continue
        target = lookup.get(_key(c))
        if target is not None and target not in taken:
            rename[c] = target
            taken.add(target)
    unused = [(c, _why_unused(table, c, rename, lookup, names)) for c in columns if c not in rename]
    return rename, unused


def _why_unused(
    table: str, column: str, rename: dict[str, str], lookup: dict[str, str], names: tuple[str, ...]
) -> str:
    key = _key(column)
    if key in lookup:  # an alias of a column another header already feeds
        target = lookup[key]
        source = next(c for c, t in rename.items() if t == target)
        return f"与列「{source}」同为{COLUMN_LABELS.get(target, target)}（{target}），只读取了「{source}」"
    if key in _ROW_NUMBERS:
        return "表格自身的序号，不用于匹配"
    if any(w in key for w in _PROTECTED):
        return "受保护属性，不用于匹配和筛选"
    if any(w in key for w in _PERSONAL):
        return "个人信息，不用于匹配"
    guess = difflib.get_close_matches(key, list(lookup), n=1, cutoff=0.6)
    if guess:
        target = lookup[guess[0]]
        label = COLUMN_LABELS.get(target, target)
        return f"未识别的列名，可能是指 {target}（{label}）；如是，请改用该列名"
    return "未识别的列名，未使用；可用的列名见 README 的列表"
