"""Chinese titles, column headers, units and definitions (口径) of the quarterly report's tables.

The tables keep stable English column ids for programs; every output a department reads (page,
workbook, CSV) shows the Chinese header from here.
"""

from __future__ import annotations

__all__ = ["COLUMNS", "DEFAULT_KEY_GROUPS", "TABLES", "YOUTH", "header"]

YOUTH = "青年（16-24岁）"

#: Key groups shown even when absent (the notice asks for them); others appear when present.
DEFAULT_KEY_GROUPS = (
    "登记失业人员",
    "高校毕业生",
    "就业困难人员",
    "退役军人",
    "长期失业人员",
    "农村转移劳动力",
    "脱贫劳动力",
    "残疾人",
)
REQUIRED_GROUPS = ("登记失业人员", "高校毕业生", "就业困难人员", YOUTH)

#: column id -> (Chinese header, unit, definition)
COLUMNS: dict[str, tuple[str, str, str]] = {
    "scope": ("范围", "", ""),
    "indicator": ("指标", "", ""),
    "unit": ("单位", "", ""),
    "value": ("本期", "", ""),
    "previous": ("上期", "", ""),
    "change": ("增减", "", "本期减上期"),
    "change_pct": ("增减幅度", "%", "（本期-上期）/上期"),
    "definition": ("口径", "", ""),
    "city_code": ("区划代码", "", ""),
    "city_name": ("地区", "", "岗位或求职人员所在地级市"),
    "group": ("重点群体", "", ""),
    "session": ("专场招聘活动", "", ""),
    "occupation_code": ("职业代码", "", "《中华人民共和国职业分类大典（2022年版）》"),
    "occupation_name": ("职业名称", "", ""),
    "major_group": ("大类代码", "", ""),
    "major_group_name": ("职业大类", "", ""),
    "seekers": ("新登记求职人数", "人", "本期内登记的求职人员"),
    "proposed": ("获匹配建议人数", "人", "新登记求职人员中，本次匹配向其建议了本期岗位的人数"),
    "proposed_share": ("获建议比例", "%", "获匹配建议人数/新登记求职人数"),
    "am_proposed": ("其中建议先进制造业岗位", "人", "建议岗位属于先进制造业的人数"),
    "postings": ("岗位数", "个", "本期发布的招聘岗位"),
    "openings": ("招聘人数", "人", "本期发布岗位的招聘人数之和"),
    "proposals": (
        "匹配建议",
        "人次",
        "本次匹配向本期岗位提出的人岗匹配建议（每人至多一条），不是录用",
    ),
    "proposal_rate": ("建议匹配率", "%", "匹配建议/招聘人数，不是填补率"),
    "hires": ("录用人数", "人", "本期岗位中截至期末用人单位反馈录用的人数"),
    "fill_rate": ("岗位填补率", "%", "录用人数/招聘人数"),
    "am_postings": ("先进制造业岗位数", "个", "行业属先进制造业的本期岗位"),
    "am_openings": ("先进制造业招聘人数", "人", ""),
    "am_proposals": ("先进制造业匹配建议", "人次", ""),
    "am_proposal_rate": ("先进制造业建议匹配率", "%", ""),
    "am_hires": ("先进制造业录用人数", "人", ""),
    "am_fill_rate": ("先进制造业填补率", "%", ""),
    "young_proposed": ("其中青年获建议人数", "人", "获建议者中16-24岁的人数"),
    "graduates_proposed": ("其中高校毕业生获建议人数", "人", ""),
    "young_hires": ("其中青年录用人数", "人", ""),
    "listed": ("目录内职业", "个", ""),
}


def header(column: str) -> str:
    """The Chinese header of a column id, with its unit (``岗位数（个）``).

    Examples
    --------
    >>> header("postings"), header("proposal_rate"), header("unknown_column")
    ('岗位数（个）', '建议匹配率（%）', 'unknown_column')
    """
    name, unit, _ = COLUMNS.get(column, (column, "", ""))
    return f"{name}（{unit}）" if unit else name


#: table id -> (Chinese title, note shown under the table)
TABLES: dict[str, tuple[str, str]] = {
    "comparison": ("一、主要指标及与上期比较", ""),
    "overall": (
        "二、岗位与匹配总体情况（先进制造业单独统计）",
        "先进制造业行没有求职人数：求职人员不按行业划分。",
    ),
    "key_groups": (
        "三、重点群体求职与匹配情况",
        "一人可属多个重点群体，各行不相加。青年按统计期末年龄计。",
    ),
    "seekers_by_city": ("四、各市新登记求职人员", "一人可属多个重点群体，各群体列不相加。"),
    "by_city": ("五、各市岗位与匹配情况", ""),
    "trainee": ("六、就业见习岗位", "见习岗位指标注为就业见习的本期岗位；青年指16-24岁。"),
    "sessions": ("七、专场招聘活动（10+N）", "按岗位所属的专场招聘活动统计。"),
    "shortage": ("八、急需紧缺职业目录覆盖情况", ""),
    "by_major_group": ("九、按职业大类", "按岗位的职业编码统计；未编码指未能确定职业的岗位。"),
}
