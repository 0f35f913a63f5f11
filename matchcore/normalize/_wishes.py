"""A seeker's desired title read as the wishes it states: "保安或者司机" is two jobs, "普工" a kind.

Registration records hold what a person said at the desk: several jobs joined by 或者 / 、 / ／,
fillers such as 都行 or 相关, and broad wishes (普工, 不限, 打零工) that name a kind of work
rather than one occupation. :func:`wishes` splits the text into the separate wishes;
:func:`generic_wish` tells a broad wish from a specific one, so that the broad one is read as the
set of entry-level jobs it means instead of being coded to one arbitrary detailed occupation.
"""

from __future__ import annotations

import re
from functools import lru_cache

from matchcore.normalize._text import clean_title

__all__ = ["ANY_WORK", "FIELD_WORK", "PRODUCTION_WORK", "generic_wish", "names_a_field", "wishes"]

#: A broad wish for any entry-level job (不限, 都行, 打零工 ...).
ANY_WORK = "*"
#: A broad wish for entry-level production work (普工, 流水线, 进厂 ...): the production major group.
PRODUCTION_WORK = "6-00-00-00"
#: A wish for a field rather than a job (计算机相关, 财务类): the seeker's major says which jobs.
FIELD_WORK = "~"

#: the most wishes read from one record
MAX_WISHES = 4

_SPLIT = re.compile(r"或者|或是|还是|或|、|/|／|;|；|,|，|\||以及")
_TAIL = re.compile(
    r"(都行|都可以|都可|均可|也行|就行|皆可|都成|都好|相关工作|相关|方面|类工作|之类|的活儿?|的工作|工作|岗位)+$"
)
_HEAD = re.compile(
    r"^(想找个?|想做|想干|想去|找个?|能做|可做|会做|愿意做?|从事|干过\d*年?|做过\d*年?|学)"
)
_ANY = re.compile(
    r"^(不限|都行|都可以|均可|什么都\S*|随便|无要求|没要求|任意|服从安排|服从分配|能长期干|长期|"
    r"找个?活|有活就行|打零工|零工|临时工|小时工|日结|学徒|工作)$"
)
_ANY_WITHIN = re.compile(r"打零工|零工|临时工|小时工|不限|什么都")
_PRODUCTION = re.compile(
    r"^(普工|操作工|杂工|力工|壮工|小工|流水线工?|生产线工?|车间工人|工人|进厂|工厂|厂里|进厂打工)$"
)


@lru_cache(maxsize=65536)
def _strip(part: str) -> str:
    part = part.strip(" 　()（）[]【】")
    for _ in range(2):
        part = _HEAD.sub("", part)
        stripped = _TAIL.sub("", part)
        part = stripped if stripped else part
    return part.strip(" 　")


def generic_wish(part: str | None) -> str | None:
    """The broad kind of work a wish names, or None for a specific job.

    Returns :data:`PRODUCTION_WORK` for entry-level production work (普工, 流水线, 进厂),
    :data:`ANY_WORK` for any entry-level job (不限, 都行, 打零工, an empty wish), and None where the
    wish names a job of its own (电工, 化工操作工, 制药厂操作工: an industry makes it specific).

    Examples
    --------
    >>> generic_wish("普工"), generic_wish("流水线"), generic_wish("不限")
    ('6-00-00-00', '6-00-00-00', '*')
    >>> generic_wish("制药厂操作工") is None, generic_wish("电工") is None
    (True, True)
    """
    if part is None:
        return ANY_WORK
    p = _strip(part)
    if not p:
        return ANY_WORK
    if _PRODUCTION.match(p):
        return PRODUCTION_WORK
    if _ANY.match(p) or _ANY_WITHIN.search(p):
        return ANY_WORK
    return None


_FIELD = re.compile(r"(相关|类|方面|之类|专业对口)(的)?(工作|岗位|职位)?(都行|都可以|均可|也行)?$")


def names_a_field(text: str | None) -> bool:
    """Whether a desired title asks for a field rather than a job (计算机相关, 财务类工作).

    Examples
    --------
    >>> names_a_field("计算机相关"), names_a_field("软件/IT相关"), names_a_field("电工")
    (True, True, False)
    """
    if not text:
        return False
    raw = re.sub(r"[（(\[【][^）)\]】]*[）)\]】]", "", str(text))
    return any(_FIELD.search(p.strip()) for p in _SPLIT.split(raw) if p.strip())


@lru_cache(maxsize=65536)
def wishes(text: str | None) -> tuple[str, ...]:
    """The separate wishes of a desired title, each cleaned, at most :data:`MAX_WISHES`.

    Splits on 或者 / 或 / 还是 / 、 / slashes / commas, drops fillers (都行, 相关, 想找个 ...) and
    the noise :func:`~matchcore.normalize.clean_title` removes (benefits, places, brackets).
    Duplicates are kept once, in order. An empty or missing text gives ``()``.

    Examples
    --------
    >>> wishes("保安或者司机（C1）")
    ('保安', '司机')
    >>> wishes("送外卖或者快递都行")
    ('送外卖', '快递')
    >>> wishes("想找个仓库的活，干过5年仓管")
    ('仓库', '仓管')
    >>> wishes("不限，能长期干就行")
    ('不限', '能长期干')
    """
    if text is None or not str(text).strip():
        return ()
    out: list[str] = []
    raw = str(text)
    # brackets hold remarks (licences, shifts), not wishes: drop them before splitting
    raw = re.sub(r"[（(\[【][^）)\]】]*[）)\]】]", "", raw)
    for piece in _SPLIT.split(raw):
        piece = piece.strip()
        if not piece:
            continue
        cleaned = clean_title(piece).core or piece
        for p in (_strip(cleaned), _strip(piece)):
            if p and p not in out:
                out.append(p)
                break
        if len(out) >= MAX_WISHES:
            break
    return tuple(out)
