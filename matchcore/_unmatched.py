"""Why a seeker gets no job: one table of codes and the Chinese messages, for the batch
``MatchResult.unmatched`` and the online :class:`~matchcore.Matcher` answer alike."""

from __future__ import annotations

from matchcore.records import COLUMN_LABELS

__all__ = ["NO_ANSWER_REASONS", "UNMATCHED_REASONS", "rejected_reason"]

#: stable code -> the Chinese message of the ``reason`` column (``rejected`` names the field: see
#: the ``rejected`` table for the detail)
UNMATCHED_REASONS: dict[str, str] = {
    "rejected": "记录无法使用：{field}缺失或无法识别（详见 rejected 表）",
    "duplicate_id": "求职者编号重复：只处理该编号首次出现的那一行（详见 rejected 表）",
    "age": "不在法定劳动年龄内",
    "no_candidate": "可达范围内没有岗位：所在及意向地区内没有满足硬性条件的岗位",
    "no_suitable": "可达范围内没有适合该求职者的岗位（职业、专业或岗位要求不符）",
    "out_competed": "竞争未中：可匹配的岗位均已由得分更高的求职者填满",
}

#: the codes an online answer can give (no competition and no repeated ids within one call)
NO_ANSWER_REASONS: dict[str, str] = {
    code: UNMATCHED_REASONS[code] for code in ("rejected", "age", "no_candidate")
}


def rejected_reason(field: str) -> str:
    """The ``rejected`` message naming a field by its Chinese label.

    Examples
    --------
    >>> rejected_reason("desired_title")
    '记录无法使用：求职意向缺失或无法识别（详见 rejected 表）'
    """
    return UNMATCHED_REASONS["rejected"].replace("{field}", COLUMN_LABELS.get(field, field))
