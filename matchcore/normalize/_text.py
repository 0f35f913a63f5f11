"""Text normalization and job-title cleaning.

``clean_title`` turns a posting title as employers type it into the occupation words (``core``)
plus the modifiers it pulled out. The steps, in order:

1. NFKC (full-width letters, digits and punctuation to ASCII) and traditional to simplified
   characters (OpenCC ``t2s``).
2. Modifiers are read from the whole text, bracketed notes included: seniority, trainee status,
   employment type and place names (as current division codes).
3. Bracketed notes (（急招）, 【国网】) and reference codes (J10865) are removed.
4. A company or shop prefix ending in a hiring word is removed: 金房物业招聘保安 -> 保安. 招聘 that
   is part of a job (招聘专员, 招聘经理) is kept.
5. Noise is replaced by a separator: salary (月入过万, 8k-12k, 300/天), benefits (五险一金, 包吃住,
   双休), urgency and hype (急招, 高薪, 直招), age and experience requirements.
6. The rest is split into titles on ``+ / 、 , ; | !`` and on spaces or dashes between Chinese
   characters; a piece that is only a rank (行政人事 主管) joins the piece before it; pieces that
   are only noise (培训, 食宿) or only a place name are dropped.
7. In each title: a leading grade (初级, 中级, 高级, 资深) and employment words (兼职, 日结) are
   removed, and trainee affixes: 实习会计 -> 会计, 会计实习生 -> 会计, 汽修学徒工 -> 汽修工
   (trainee="学徒"); a leading or trailing place name is removed. Nothing is removed that would
   leave fewer than two characters, so 实习生, 学徒工 or 兼职 alone stay as they are. Ranks that
   name the job (销售经理, 店长, 主管) are reported as ``seniority`` but kept in the title.

``core`` is the first title that ends like a job (师, 员, 工, 经理, 销售...) or else the first
title; ``titles`` lists them all. Latin words such as CNC, PLC, 3D, C++ and licence classes
(C1, A2) are kept.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any, NamedTuple

from matchcore.normalize._chars import _nfkc, _simplified, normalize_text
from matchcore.normalize._region import _index

__all__ = ["CleanTitle", "clean_title", "normalize_text"]


class CleanTitle(NamedTuple):
    """A cleaned job title.

    Attributes
    ----------
    core : str
        The occupation words of the main title, ``""`` when the text held none.
    seniority : str or None
        The grade or rank found (初级, 中级, 高级, 资深, 首席, 主管, 经理, 总监, 店长, 助理...).
    trainee : str or None
        见习, 实习, 学徒 or 管培生.
    employment : str or None
        全职, 兼职, 日结, 临时, 小时工 or 假期工.
    regions : tuple of str
        Current division codes of the places named, in order of appearance.
    titles : tuple of str
        Every title named, cleaned like ``core``, in order (``core`` is one of them).

    Examples
    --------
    >>> from matchcore.normalize import clean_title
    >>> clean_title("高级Java开发工程师（急招）")
    CleanTitle(core='Java开发工程师', seniority='高级', trainee=None, employment=None, regions=(), titles=('Java开发工程师',))
    """

    core: str
    seniority: str | None = None
    trainee: str | None = None
    employment: str | None = None
    regions: tuple[str, ...] = ()
    titles: tuple[str, ...] = ()


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


_CJK = r"\u3400-\u9fff"
_SEP = "\x1f"  # internal separator replacing removed noise

_GRADES = ["初级", "中级", "高级", "资深", "首席", "senior", "Senior", "SENIOR", "Sr.", "junior"]
_RANKS = [
    "总经理",
    "副总经理",
    "副总",
    "总监",
    "经理",
    "主管",
    "主任",
    "组长",
    "班长",
    "领班",
    "店长",
    "负责人",
    "助理",
    "总裁",
]
_TRAINEE = {
    "管理培训生": "管培生",
    "管培生": "管培生",
    "实习生": "实习",
    "见习生": "见习",
    "学徒工": "学徒",
    "学徒": "学徒",
    "实习": "实习",
    "见习": "见习",
}
_EMPLOYMENT = {
    "全职": "全职",
    "兼职": "兼职",
    "可兼职": "兼职",
    "日结": "日结",
    "周结": "日结",
    "临时工": "临时",
    "临时": "临时",
    "短期工": "临时",
    "小时工": "小时工",
    "钟点工": "小时工",
    "寒假工": "假期工",
    "暑假工": "假期工",
    "暑期工": "假期工",
}
# Words that are noise wherever they appear.
_NOISE_WORDS = [
    "五险一金",
    "六险一金",
    "五险二金",
    "五险",
    "社保",
    "缴纳社保",
    "交社保",
    "公积金",
    "包吃包住",
    "包吃住",
    "包食宿",
    "包住宿",
    "包三餐",
    "包住",
    "包吃",
    "管吃住",
    "管住",
    "管吃",
    "吃住",
    "供车",
    "有食堂",
    "上班自由",
    "提供住宿",
    "提供食宿",
    "免费住宿",
    "免费食宿",
    "周末双休",
    "双休",
    "单休",
    "大小周",
    "做六休一",
    "做五休二",
    "带薪年假",
    "带薪培训",
    "带薪实习",
    "带薪寒暑假",
    "寒暑假",
    "年终奖",
    "年底双薪",
    "十三薪",
    "节日福利",
    "福利好",
    "福利多",
    "高福利",
    "待遇优厚",
    "待遇好",
    "高薪诚聘",
    "高薪急聘",
    "高薪招聘",
    "高薪聘请",
    "高薪",
    "高工资",
    "高底薪",
    "高提成",
    "提成高",
    "月入过万",
    "月入上万",
    "月薪过万",
    "月入",
    "过万",
    "上万",
    "急招",
    "急聘",
    "急需",
    "直招",
    "诚聘",
    "诚招",
    "热招",
    "火热招聘",
    "大量招聘",
    "长期招聘",
    "常年招聘",
    "不加班",
    "朝九晚六",
    "朝九晚五",
    "时间自由",
    "时间灵活",
    "就近分配",
    "就近安排",
    "可小白",
    "小白可",
    "接受小白",
    "零基础",
    "无经验",
    "经验不限",
    "无需经验",
    "可无经验",
    "有无经验均可",
    "学历不限",
    "不限学历",
    "男女不限",
    "有发展",
    "发展空间大",
    "晋升快",
    "上市公司",
    "无责底薪",
    "无责",
    "无责任底薪",
    "底薪",
    "保底",
    "新店开张",
    "名企",
    "工作地点",
    "工作地",
    "限男性",
    "限女性",
    "限男",
    "限女",
    "男性优先",
    "女性优先",
    "男士优先",
    "女士优先",
    "退伍军人优先",
    "应届生优先",
]
# Words that are noise only when they are a whole title piece.
_NOISE_PIECES = frozenset(
    {
        "培训",
        "带薪",
        "食宿",
        "住宿",
        "提成",
        "保险",
        "福利",
        "奖金",
        "年假",
        "补贴",
        "餐补",
        "房补",
        "加班费",
        "周末",
        "应届生",
        "应届",
        "毕业生",
        "小白",
        "课时费",
        "高课时费",
        "不限",
        "招聘",
        "招",
        "聘",
        "急",
        "可",
        "长期",
        "短期",
        "稳定",
        "轻松",
        "正规",
        "待遇",
        "包",
        "区域",
        "驻",
        "均可",
        "要求",
        "经验要求",
        "无要求",
        "安排",
        "岁",
        "年",
        "元",
    }
)
_NUM = r"\d+(?:\.\d+)?"
_UNIT = r"(?:[kKwW](?![a-zA-Z])|千|万)"
_PERIOD = r"(?:\s*(?:/|每|一|元/|元每|元一)\s*(?:个月|月|天|日|小时|时|年|单|件|周))"
_TAIL = r"\s*(?:起|以上|左右|\+)?"
# Noise with digits (only searched when the text has a digit).
_NUMBER_NOISE_RE = re.compile(
    r"(?:(?:综合)?(?:年龄|月薪|年薪|底薪|综合薪资|薪资|工资|日薪|时薪|保底|税前|到手|收入|日结|综合|提成|分成)\s*)?"
    r"(?=\d)(?:"
    + "|".join(
        [
            # ages and experience
            rf"{_NUM}\s*[-~～至到]\s*{_NUM}\s*(?:周岁|岁)",
            rf"{_NUM}\s*(?:周岁|岁)\s*(?:以下|以上|以内|之间)?",
            rf"{_NUM}\s*[-~～至到]\s*{_NUM}\s*年(?:以上)?(?:工作)?(?:经验)?",
            rf"{_NUM}\s*年以上(?:工作)?(?:经验)?",
            r"\d{2,4}\s*届(?:毕业生|应届生)?",
            # salary
            rf"{_NUM}\s*{_UNIT}?\s*[-~～至到]\s*{_NUM}\s*(?:{_UNIT}|元)?{_PERIOD}?{_TAIL}",
            rf"{_NUM}\s*{_UNIT}\s*元?{_PERIOD}?{_TAIL}",
            rf"{_NUM}\s*(?:元|块)\s*{_PERIOD}?{_TAIL}",
            rf"\d{{3,}}(?:\.\d+)?\s*{_PERIOD}?{_TAIL}",
            rf"{_NUM}\s*{_PERIOD}",
            rf"{_NUM}\s*%",
            r"\d{1,2}\s*:\s*\d{2}(?:上班|下班)?",  # a time of day
            r"\d+\s*(?:名|位|个|人)",  # a headcount
        ]
    )
    + ")"
    # reference codes
    + r"|(?<![A-Za-z])[A-Za-z]{1,3}\d{4,}"
)
_HAS_DIGIT_RE = re.compile(r"\d")
_HEADCOUNT_RE = re.compile(
    r"(?:(?:招|需|急需)(?:[一二两三四五六七八九十数]+|若干)(?:名|位|个|人)"
    r"|(?:[一二两三四五六七八九十数]+|若干)(?:名|位))(?=[\u4e00-\u9fffA-Za-z])"
)
_COMMISSION_RE = re.compile(r"(?:高|超高)?[\u4e00-\u9fff]{0,2}提成高?")


def _trie_regex(words: list[str]) -> re.Pattern[str]:
    """A regex alternation of ``words`` shaped as a prefix trie (fast; longest match first)."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return re.compile(build(trie))


_WORD_NOISE_RE = _trie_regex(_NOISE_WORDS)
_BRACKET_RE = re.compile(r"[(\[【「『〔<《{]([^()\[\]【】「」『』〔〕<>《》{}]*)[)\]】」』〕>》}]")
_STRAY_BRACKETS = re.compile(r"[()\[\]【】「」『』〔〕<>《》{}]")
_HIRING_RE = re.compile(
    r"(?:高薪诚聘|高薪聘请|高薪招聘|诚聘|急聘|招聘|聘请|招募|急招|直招|诚招|热招)"
    r"(?!专员|主管|经理|助理|顾问|官|总监|负责人|HR|hr|实习|工作|会|专场)"
)
_COMPANY_RE = re.compile(
    rf"^[{_CJK}A-Za-z0-9]{{2,}}?(?:股份有限公司|有限责任公司|有限公司|分公司|公司|集团)(?=[{_CJK}A-Za-z])"
)
_ELLIPSIS_RE = re.compile(r"(?:\.{2,}|…+)")
_SPLIT_RE = re.compile(rf"[{_SEP}/、,，;；|!?！？:：+~=*&@]+")
# Spaces, dashes and dots between Chinese characters also separate titles (服务员 后厨).
_GAP_CHAR_RE = re.compile(r"[ \t\-_—·.]")  # a search beats a set test char by char
_GAP_RE = re.compile(rf"(?<=[{_CJK}])[\s\-_—·.]+(?=[{_CJK}])")
_JUNK_RE = re.compile(
    rf"[^{_CJK}A-Za-z0-9/、,，;；|!?！？:：+~=*&@#.%…\-_—·()\[\]【】「」『』〔〕<>《》{{}}\ue000]+"
)
_KEEP_RE = re.compile(rf"[^{_CJK}A-Za-z0-9+#. \ue000]+")
_SPACES_RE = re.compile(r"\s+")
_CJK_SPACE_RE = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_CPP_RE = re.compile(r"(?i)c\+\+")
_CPP_MARK = "\ue000"
_GRADE_RE = re.compile(rf"(?:{_alt(_GRADES)})\s*")
_RANK_RE = re.compile(_alt(_RANKS))
_TRAINEE_RE = re.compile(_alt(list(_TRAINEE)))
_TRAINEE_PREFIX_RE = re.compile(r"^(?:实习|见习)")
_TRAINEE_SUFFIX_RE = re.compile(r"(?:管理培训生|管培生|实习生|见习生|学徒|实习|见习)$")
_EMPLOYMENT_RE = re.compile(_alt(list(_EMPLOYMENT)))
_EMPLOYMENT_STRIP_RE = re.compile(r"可兼职|全职|兼职|日结|周结|临时")
# A title ends like a job: one of these words. ``str.endswith`` of their tuple is what runs
# (cheaper than a search); _JOBLIKE_RE is the reference the tests compare it with (its ``$``
# may also match before a final newline, which titles never hold).
_JOBLIKE_WORDS = (
    "员|工|师|手|长|家|匠|官|嫂|厨|生|司机|经理|主管|专员|顾问|代表|助理|总监|主任|老师|"
    "教练|医生|护士|会计|出纳|文员|前台|客服|销售|保安|保洁|保姆|阿姨|骑手|快递|主播|模特|达人|"
    "编辑|编剧|记者|翻译|律师|运营|策划|设计|开发|测试|运维|采购|仓管|跟单|导购|收银|维修|"
    "普工|负责人|管家"
)
_JOBLIKE_ENDS = tuple(_JOBLIKE_WORDS.split("|"))
_JOBLIKE_RE = re.compile(f"(?:{_JOBLIKE_WORDS})$")
_GRADE_ANY_RE = re.compile(_alt(_GRADES))
_GRADE_HEADS = frozenset(g[:2] for g in _GRADES)
_EMPLOYMENT_CHAR_RE = re.compile("[全兼日周临]")
_TRAINEE_ENDS = ("管理培训生", "管培生", "实习生", "见习生", "学徒", "学徒工", "实习", "见习")
_PURE_RE = re.compile(rf"[{_CJK}]+")
_NOT_HIRING = frozenset("商生标投聘募工")
# Where _HEADCOUNT_RE may match: a numeral (or 若干) just before 名, 位, 个 or 人 (a search for
# those four alone would also stop at every 人员, which many titles hold).
_HEADCOUNT_CHAR_RE = re.compile("[一二两三四五六七八九十数干][名位个人]")
_HINT_RE = re.compile("[公集聘招]")
_RANK_ONLY = frozenset({"主管", "经理", "总监", "主任", "助理", "专员", "负责人"})


# Short names too common as words or company names to read as places in a title.
_PLACE_STOP = frozenset({"大理", "白银", "普洱", "阿里", "来宾", "安康", "兴安", "海东", "海西"})


@dataclass(frozen=True)
class _Places:
    """Place names read in titles, each with its current code (None: ambiguous)."""

    codes: dict[str, str | None]
    # The codes of each name that several places share, in code order.
    shared: dict[str, tuple[str, ...]]
    heads: frozenset[str]  # the first two characters of every name
    max_len: int
    # Positions where a name may start: a first and a second character of some head.
    candidates: re.Pattern[str]
    # The lengths of the names of each head, longest first: at() tries only these (most heads
    # have one or two) rather than every length up to max_len (25).
    lengths: dict[str, tuple[int, ...]]

    def at(self, s: str, i: int) -> str | None:
        """The longest place name starting at ``s[i]``."""
        lengths = self.lengths.get(s[i : i + 2])
        if lengths is None:
            return None
        rest = len(s) - i
        for k in lengths:
            if k <= rest and s[i : i + k] in self.codes:
                return s[i : i + k]
        return None

    def find(self, s: str) -> list[str]:
        """Place names in ``s``, left to right, each the longest starting where it does."""
        found: list[str] = []
        i = 0  # names do not overlap: the next one starts at or after i
        lengths, codes, n = self.lengths, self.codes, len(s)
        for m in self.candidates.finditer(s):
            p = m.start()
            if p < i:
                continue
            ks = lengths.get(s[p : p + 2])
            if ks is None:
                continue
            for k in ks:  # as at(), inlined
                if k <= n - p and s[p : p + k] in codes:
                    found.append(s[p : p + k])
                    i = p + k
                    break
        return found


@functools.cache
def _places() -> _Places:
    idx = _index()
    keys: dict[str, frozenset[str]] = {}
    for name, codes in idx.full.items():
        if len(name) >= 3 or any(idx.depth[c] <= 2 for c in codes):
            keys[name] = codes
    for name, codes in idx.short.items():
        if name in idx.wide and len(name) >= 2 and name not in _PLACE_STOP and name not in keys:
            keys[name] = codes
    resolved: dict[str, str | None] = {}
    shared: dict[str, tuple[str, ...]] = {}
    for name, codes in keys.items():
        if len(name) < 2:
            continue
        if len(codes) == 1:
            resolved[name] = next(iter(codes))
        else:
            resolved[name] = None
            shared[name] = tuple(sorted(codes))
    heads = frozenset(k[:2] for k in resolved)

    def chars(k: int) -> str:
        return "".join(re.escape(c) for c in sorted({h[k] for h in heads}))

    lengths: dict[str, set[int]] = {}
    for k in resolved:
        lengths.setdefault(k[:2], set()).add(len(k))
    return _Places(
        codes=resolved,
        shared=shared,
        heads=heads,
        max_len=max(len(k) for k in resolved),
        candidates=re.compile(f"(?=[{chars(0)}][{chars(1)}])"),
        lengths={h: tuple(sorted(v, reverse=True)) for h, v in lengths.items()},
    )


def _most_specific(codes: list[str]) -> list[str]:
    """Drop the codes that are ancestors of another code found (山东 济南 -> 济南)."""
    lineage = _index().lineage
    return [c for c in codes if not any(o != c and c in lineage[o] for o in codes)]


def _modifier(regex: re.Pattern[str], table: dict[str, str] | None, *texts: str) -> str | None:
    for t in texts:
        m = regex.search(t)
        if m:
            return table[m.group()] if table is not None else m.group()
    return None


def _remove_noise(s: str) -> str:
    if _HAS_DIGIT_RE.search(s):
        s = _NUMBER_NOISE_RE.sub(_SEP, s)
    s = _WORD_NOISE_RE.sub(_SEP, s)
    if _HEADCOUNT_CHAR_RE.search(s):
        s = _HEADCOUNT_RE.sub(_SEP, s)
    if "提成" in s:
        s = _COMMISSION_RE.sub(_SEP, s)
    return s


def _tidy(piece: str) -> str:
    if _PURE_RE.fullmatch(piece):
        return piece
    piece = _KEEP_RE.sub(" ", piece)
    if " " in piece:
        piece = _SPACES_RE.sub(" ", _CJK_SPACE_RE.sub("", piece))
    return piece.strip(" .+")


def _strip_piece(piece: str, places: _Places) -> str:
    """Remove grade, employment, trainee affixes and edge place names from one title."""
    for _ in range(6):
        before = piece
        if piece[:2] in _GRADE_HEADS:
            m = _GRADE_RE.match(piece)
            if m and len(piece) - m.end() >= 2:
                piece = piece[m.end() :]
        if _EMPLOYMENT_CHAR_RE.search(piece):
            stripped = _EMPLOYMENT_STRIP_RE.sub("", piece)
            if len(stripped) >= 2 and stripped != piece:
                piece = stripped
        if piece.endswith(_TRAINEE_ENDS):
            if piece.endswith("学徒工"):
                if len(piece) >= 5:
                    piece = piece[:-3] + "工"
            else:
                m = _TRAINEE_SUFFIX_RE.search(piece)
                if m and m.start() >= 2:
                    piece = piece[: m.start()]
        if piece.startswith(("实习", "见习")) and len(piece) >= 4:
            piece = piece[2:]
        if piece[:1] == "招" and len(piece) >= 3 and piece[1] not in _NOT_HIRING:
            piece = piece[1:]  # 招月嫂 -> 月嫂 (but 招商专员, 招生老师)
        name = places.at(piece, 0)
        if name is not None and len(piece) - len(name) >= 2:
            piece = piece[len(name) :]
        if piece == before:
            break
        piece = _tidy(piece)
    return piece


def clean_title(text: str, *, within: str | None = "370000") -> CleanTitle:
    """Split a posting title into the occupation words and the modifiers around them.

    Never raises: any string (``None`` and non-strings are read as their text) gives a
    ``CleanTitle``, possibly with an empty ``core``. Idempotent: cleaning a ``core`` again
    returns the same ``core``.

    Parameters
    ----------
    text : str
        A job title as typed in a posting or a seeker's record.
    within : str or None, default "370000"
        The province or city (6-digit code, as ``MatchConfig.within``) whose place is meant
        when a name in the title is shared by places in several divisions (市中区): the one
        inside it, if exactly one is. None leaves shared names out of ``regions``.

    Returns
    -------
    CleanTitle

    Examples
    --------
    >>> from matchcore.normalize import clean_title
    >>> clean_title("金房物业招聘保安").core
    '保安'
    >>> t = clean_title("新能源电工+五险一金+包食宿")
    >>> t.core, t.titles
    ('新能源电工', ('新能源电工',))
    >>> t = clean_title("抖音房产分析师/选房师+提成70% 月入3万")
    >>> t.core, t.titles
    ('抖音房产分析师', ('抖音房产分析师', '选房师'))
    >>> t = clean_title("青岛必胜客餐厅兼职服务员(J306229)")
    >>> t.employment, t.regions
    ('兼职', ('370200',))
    """
    if text is None:
        return CleanTitle("")
    if not isinstance(text, str):
        text = str(text)
    return _clean_once(text, within)


def _noise_free(s: str) -> str:
    """``s`` without its hiring prefix (金房物业招聘), noise and company prefix."""
    last = None
    if "聘" in s or "招" in s:
        for last in _HIRING_RE.finditer(s):  # noqa: B007
            pass
    if last is None or last.end() == len(s):  # no hiring word, or nothing after it
        s = _remove_noise(s)
    else:
        rest = _remove_noise(s[last.end() :])
        s = rest if _tidy(rest.replace(_SEP, " ")) else _remove_noise(s)
    if "公司" in s or "集团" in s:
        m = _COMPANY_RE.match(s)
        if m:
            s = s[m.end() :]
    return s


def _groups(s: str) -> list[str] | tuple[str]:
    """The parts of noise-free text between separators (``+ / 、 ,``...)."""
    return _SPLIT_RE.split(s) if not _PURE_RE.fullmatch(s) else (s,)


def _group_pieces(group: str, places: _Places) -> list[tuple[str, bool]]:
    """The tidy title pieces of one group, each with whether it is verbatim (see _pieces)."""
    pieces: list[tuple[str, bool]] = []
    grouped = False  # a rank alone (行政人事 主管) joins a piece split off by a space only
    for raw in _GAP_RE.split(group) if _GAP_CHAR_RE.search(group) else (group,):
        piece = _tidy(raw)
        if not piece or piece in _NOISE_PIECES or piece.isdigit() or piece in places.codes:
            continue
        if piece in _RANK_ONLY and grouped:
            pieces[-1] = (pieces[-1][0] + piece, False)
            continue
        pieces.append((piece, piece == raw))
        grouped = True
    return pieces


def _unbracket(s: str) -> tuple[str, list[str]]:
    """Bracketed notes replaced by separators (the innermost first, three levels), then stray
    brackets; the notes, in order.

    Notes and text come from one split (the pattern's group is the note) rather than a sub with
    a callback, and it stops as soon as no bracket is left (most titles: after one pass);
    ``normalize._reference.unbracket`` is the plain version the tests compare it with.
    """
    notes: list[str] = []
    for _ in range(3):
        parts = _BRACKET_RE.split(s)
        if len(parts) == 1:  # no pair left: only stray brackets
            return _STRAY_BRACKETS.sub(_SEP, s), notes
        notes += parts[1::2]
        s = _SEP.join(parts[::2])
        if not _STRAY_BRACKETS.search(s):
            return s, notes
    return _STRAY_BRACKETS.sub(_SEP, s), notes


def _pieces(s: str, places: _Places) -> list[tuple[str, bool]]:
    """Remove the hiring prefix and noise, split into title pieces, tidy them.

    Each piece comes with whether it is a verbatim slice of the noise-free text (tidying changed
    nothing): such a piece is clean already, as every noise match in it was found and removed.
    """
    pieces: list[tuple[str, bool]] = []
    for group in _groups(_noise_free(s)):
        pieces += _group_pieces(group, places)
    return pieces


def _stable(piece: str, verbatim: bool, places: _Places) -> list[str]:
    """Strip one piece until cleaning it again changes nothing (removing words can expose noise)."""
    out: list[str] = []
    work = [(piece, verbatim)]
    for _ in range(6):
        nxt: list[tuple[str, bool]] = []
        for p, clean in work:
            c = _strip_piece(p, places)
            if c == p and clean and not _HINT_RE.search(c):
                # Stripping left a verbatim piece alone and it has no company or hiring word:
                # cleaning it again would find nothing, so it is stable already.
                out.append(c)
                continue
            again = _pieces(c, places) if c else []
            if len(again) == 1 and again[0][0] == c:
                out.append(c)
            else:
                nxt.extend(again)
        if not nxt:
            break
        work = nxt
    return out


@functools.lru_cache(maxsize=1 << 16)
def _stable_cached(piece: str, verbatim: bool) -> tuple[str, ...]:
    """:func:`_stable` with the shared place names, remembered: titles share most pieces."""
    return tuple(_stable(piece, verbatim, _places()))


@functools.lru_cache(maxsize=1 << 16)
def _group_titles(group: str) -> tuple[str, ...]:
    """The cleaned titles of one group of noise-free text (noise pieces left out), remembered.

    What follows noise removal depends only on each group between separators, and distinct
    titles share most groups (the occupation words, with the noise around them removed): one
    lookup replaces splitting, tidying and a :func:`_stable_cached` lookup per piece.
    """
    out: list[str] = []
    for piece, verbatim in _group_pieces(group, _places()):
        for cleaned in _stable_cached(piece, verbatim):
            cleaned = cleaned.replace(_CPP_MARK, "+")
            if cleaned not in _NOISE_PIECES:
                out.append(cleaned)
    return tuple(out)


def _joblike_first(titles: list[str]) -> str | None:
    """The first title that ends like a job (one ``str.endswith`` a title; the tests check it
    against searching _JOBLIKE_RE)."""
    for t in titles:
        if t.endswith(_JOBLIKE_ENDS):
            return t
    return None


def _clean_once(text: str, within: str | None = "370000") -> CleanTitle:
    return _clean_nfkc(_nfkc(text), within)


@functools.lru_cache(maxsize=1024)
def _inside(codes: tuple[str, ...], within: str) -> str | None:
    """The one code of ``codes`` inside the division ``within``, None if none or several."""
    prefix = within.rstrip("0")
    prefix += "0" * (len(prefix) % 2)  # whole levels: 370000 -> 37, 370200 -> 3702
    home = [c for c in codes if c.startswith(prefix)]
    return home[0] if len(home) == 1 else None


def _clean_nfkc(s: str, within: str | None = "370000") -> CleanTitle:
    """:func:`clean_title` of a string already NFKC-normalized (the title coder normalizes the
    raw title once, for this and for its own n-gram text)."""
    s = _simplified(s)
    if not s.isalnum():  # anything but letters and digits (Chinese characters are letters)
        if _CPP_MARK in s:  # the private-use character marks C++ internally
            s = s.replace(_CPP_MARK, " ")
        if "++" in s:
            s = _CPP_RE.sub("C" + _CPP_MARK * 2, s)
        s = _JUNK_RE.sub(" ", s)
    places = _places()

    notes: list[str] = []
    if _STRAY_BRACKETS.search(s):
        s, notes = _unbracket(s)
    if "." in s or "…" in s:
        s = _ELLIPSIS_RE.sub(_SEP, s)
    full = s + _SEP + _SEP.join(notes) if notes else s

    # The first match of each modifier (as _modifier, inlined: this runs for every title).
    m = _GRADE_ANY_RE.search(full)
    seniority = m.group() if m else None
    m = _TRAINEE_RE.search(full)
    trainee = _TRAINEE[m.group()] if m else None
    m = _EMPLOYMENT_RE.search(full)
    employment = _EMPLOYMENT[m.group()] if m else None
    regions: list[str] = []
    for name in places.find(full):
        code = places.codes[name]
        if code is None and within is not None:
            code = _inside(places.shared[name], within)
        if code is not None and code not in regions:
            regions.append(code)
    if len(regions) > 1:
        regions = _most_specific(regions)

    titles: list[str] = []
    for group in _groups(_noise_free(s)):
        for cleaned in _group_titles(group):
            if cleaned not in titles:
                titles.append(cleaned)
    core = _joblike_first(titles)
    if core is None:
        core = titles[0] if titles else ""
    if seniority is None:  # as _modifier(_RANK_RE, None, core, full), inlined
        m = _RANK_RE.search(core) or _RANK_RE.search(full)
        seniority = m.group() if m else None
    # tuple.__new__ skips the keyword handling of the generated CleanTitle.__new__.
    return tuple.__new__(
        CleanTitle, (core, seniority, trainee, employment, tuple(regions), tuple(titles))
    )
