"""Occupation relatedness: how near a wished-for occupation is to a posting's, as people move.

Sharing a broad group of the classification says little (major group 2 holds engineers, teachers
and doctors alike), so relatedness is built from what a caseworker would accept:

=================================================  ==========================================
seeker's wish against the posting's occupation     relatedness
=================================================  ==========================================
the same code                                      1.0 (职业相同)
posting inside a wish coded at minor-group level   0.85 (the same trade, level unspecified)
(or the reverse: a posting coded only to the
minor group of the wish)
two detailed occupations of one minor group        0.4, under the default floor: a minor group
                                                   mixes trades (cook and waiter, programmer and
                                                   call-centre agent); the families that do share
                                                   skills are listed as neighbours
posting inside a wish coded at medium-group level  0.5
a pair in ``data/occupation_neighbours.csv``       its value there, which overrides the rules
                                                   above (电工 / 电气设备安装工 0.8, 仓储管理员 /
                                                   理货员 0.8, 厨师 / 餐厅服务员 0)
entry-level production work (普工, the wish        0.8 for the production occupations of
:data:`~matchcore.normalize.PRODUCTION_WORK`)      ``data/entry_occupations.csv`` (not its service
                                                   ones: 普工 means factory work)
any entry-level work (不限,                        0.6 for every occupation of
:data:`~matchcore.normalize.ANY_WORK`)             ``data/entry_occupations.csv``
anything else, including a shared major group      0
=================================================  ==========================================

Work that legally needs a licence (``data/licensed_occupations.csv``: 电工, 焊工, 叉车, drivers,
nurses, teachers ...) relates only to wishes under the same licence: no neighbour, sibling or
broad wish without it reaches it.

Majors reach occupations through the reviewed table ``data/majors.csv`` (what the major trains
for): a posting whose occupation the major lists, or lies inside a listed group, relates at
:data:`MAJOR_FIT`; nothing is inferred from shared characters.

Both tables are plain CSV files a person can read and correct; the tests check every code in them.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from numpy.typing import NDArray

from matchcore.normalize import ANY_WORK, FIELD_WORK, PRODUCTION_WORK
from matchcore.scoring._codes import code_table

__all__ = [
    "MAJOR_FIT",
    "NEAR",
    "NEIGHBOURS",
    "RelatedTable",
    "licence_of",
    "major_codes",
    "occupation_kind",
    "related_table",
    "relatedness",
]

SAME = 1.0
WITHIN_MINOR = 0.85
SIBLING = 0.4
WITHIN_MEDIUM = 0.5
PRODUCTION_ENTRY = 0.8
PRODUCTION_TO_SERVICE = 0.0
ANY_ENTRY = 0.6
#: relatedness of a posting to a major that trains for its occupation (专业对口)
MAJOR_FIT = 0.85


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("matchcore.scoring").joinpath("data", name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _prefix(code: str) -> str:
    """The code without its trailing ``-00`` segments: ``6-31-00-00`` -> ``6-31``."""
    parts = code.split("-")
    while len(parts) > 1 and parts[-1] == "00":
        parts.pop()
    return "-".join(parts)


def _within(code: str, prefix: str) -> bool:
    p = _prefix(code)
    return p == prefix or p.startswith(prefix + "-")


#: (prefix a, prefix b, relatedness, note) from ``data/occupation_neighbours.csv``
NEIGHBOURS: tuple[tuple[str, str, float, str], ...] = tuple(
    (_prefix(r["a"]), _prefix(r["b"]), float(r["relatedness"]), r["note"])
    for r in _rows("occupation_neighbours.csv")
)


@lru_cache(maxsize=1)
def _entry() -> tuple[tuple[str, str], ...]:
    return tuple((_prefix(r["prefix"]), r["kind"]) for r in _rows("entry_occupations.csv"))


@lru_cache(maxsize=1)
def _licences() -> tuple[tuple[str, str], ...]:
    return tuple((_prefix(r["prefix"]), r["licence"]) for r in _rows("licensed_occupations.csv"))


def licence_of(code: str | None) -> str | None:
    """The licence an occupation legally needs (``data/licensed_occupations.csv``), or None.

    Examples
    --------
    >>> licence_of("6-31-01-03"), licence_of("4-02-06-01")
    ('电工作业证', None)
    """
    if code is None:
        return None
    for prefix, licence in _licences():
        if _within(code, prefix):
            return licence
    return None


@lru_cache(maxsize=1)
def _majors() -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for r in _rows("majors.csv"):
        codes = tuple(c.strip() for c in r["codes"].split("|") if c.strip())
        for name in [r["major"], *r.get("aliases", "").split("|")]:
            key = _major_key(name)
            if key and key not in out:
                out[key] = codes
    return out


def _major_key(name: str | None) -> str:
    if not name:
        return ""

    s = unicodedata.normalize("NFKC", str(name)).strip()
    for junk in ("（", "("):
        if junk in s:
            s = s.split(junk)[0]
    s = s.replace(" ", "")
    for tail in ("专业", "方向"):
        if s.endswith(tail) and len(s) > len(tail) + 1:
            s = s[: -len(tail)]
    return s


@lru_cache(maxsize=65536)
def major_codes(major: str | None) -> tuple[str, ...]:
    """Occupation codes a major trains for, from the reviewed table (empty when not listed).

    The major is looked up by its catalogue name or a listed alias, ignoring a trailing 专业 and
    a bracketed remark; a name that is not listed gives ``()`` rather than a guess.

    Examples
    --------
    >>> "4-01-06-01" in major_codes("电子商务")
    True
    >>> any(c.startswith("6-25") for c in major_codes("电子商务"))
    False
    >>> major_codes("哲学概论与人生")
    ()
    """
    return _majors().get(_major_key(major), ())


@dataclass(frozen=True)
class RelatedTable:
    """Relatedness of every wish id (rows) to every posting code id (columns).

    Rows are the classification's code ids, then ``null`` (unknown: 0 everywhere), then
    :attr:`any_work` (:data:`~matchcore.normalize.ANY_WORK`) and :attr:`field_work`
    (:data:`~matchcore.normalize.FIELD_WORK`: 0 everywhere, the major decides); columns the code
    ids and ``null``. :data:`~matchcore.normalize.PRODUCTION_WORK` is the code ``6-00-00-00`` and
    has its row. ``groups`` holds, for each row, the bitmask of major groups (bit g for group g)
    that some column it relates to at more than 0 belongs to: the blocks a seeker must meet.
    ``medium`` is each row's medium group (``6-31`` as 631), -1 for rows that name no line of
    work.
    """

    rel: NDArray[np.float32]
    groups: NDArray[np.int64]
    any_work: int
    medium: NDArray[np.int64]

    def major_allowed(
        self, wish_rows: NDArray[np.int32], codes: NDArray[np.int64]
    ) -> NDArray[np.bool_]:
        """Where a major may count: ``(len(wish_rows), len(codes))``.

        A major confirms a wish; it does not open another line of work. For a seeker who names
        specific jobs it counts only in the medium groups of those jobs (a design graduate who
        wants design work is not proposed the assembly line his major also lists); for a broad
        wish (普工, 不限) or none, everywhere.
        """
        med_w = self.medium[wish_rows]  # (P, W); -1 for null and broad wishes
        med_c = self.medium[np.asarray(codes, dtype=np.int64)]
        same = (med_w[:, :, None] == med_c[None, None, :]).any(axis=1)
        return np.asarray(same | self._open(wish_rows)[:, None])

    def major_allowed_pairs(
        self, wish_rows: NDArray[np.int32], codes: NDArray[np.int64]
    ) -> NDArray[np.bool_]:
        """:meth:`major_allowed` of pairs: row ``i`` of ``wish_rows`` with ``codes[i]``."""
        med_w = self.medium[wish_rows]
        med_c = self.medium[np.asarray(codes, dtype=np.int64)]
        return np.asarray((med_w == med_c[:, None]).any(axis=1) | self._open(wish_rows))

    def _open(self, wish_rows: NDArray[np.int32]) -> NDArray[np.bool_]:
        """Rows whose wishes leave the major free: a broad wish, or no specific one."""
        specific = (self.medium[wish_rows] >= 0).any(axis=1)
        broad = np.isin(wish_rows, [self.any_work, self.field_work, self.production_work])
        return np.asarray(~specific | broad.any(axis=1))

    @property
    def production_work(self) -> int:
        """Row of :data:`~matchcore.normalize.PRODUCTION_WORK` (普工)."""
        return int(code_table().ids[PRODUCTION_WORK])

    @property
    def field_work(self) -> int:
        """Row of :data:`~matchcore.normalize.FIELD_WORK` (计算机相关: the major decides)."""
        return self.any_work + 1


def _under(pref: list[str], prefix: str) -> NDArray[np.bool_]:
    """Which of the code prefixes ``pref`` lie at or under ``prefix``."""
    return np.array([p == prefix or p.startswith(prefix + "-") for p in pref])


def _entry_masks(codes: tuple[str, ...]) -> tuple[NDArray[np.bool_], NDArray[np.bool_]]:
    pref = [_prefix(c) for c in codes]
    prod = np.zeros(len(codes), dtype=bool)
    serv = np.zeros(len(codes), dtype=bool)
    for prefix, kind in _entry():
        (prod if kind == "production" else serv)[...] |= _under(pref, prefix)
    # a posting coded only to the production major group ("普工") is production work too
    prod |= np.array([c == PRODUCTION_WORK for c in codes])
    return prod, serv


@lru_cache(maxsize=1)
def related_table() -> RelatedTable:
    """The relatedness table (built once, about 17 MB); see the module docstring."""
    ct = code_table()
    codes = ct.codes
    n = len(codes)
    seg = np.array(
        [[int(x) for x in c.split("-")] for c in codes], dtype=np.int64
    )  # (n, 4) segment numbers
    depth = np.array([len(_prefix(c).split("-")) for c in codes], dtype=np.int64)
    rel = np.zeros((n + 3, n + 1), dtype=np.float32)  # rows: codes, null, ANY_WORK, FIELD_WORK
    eq = seg[:, None, :] == seg[None, :, :]  # (n, n, 4)
    agree = np.where(eq.all(axis=2), 4, np.argmin(eq, axis=2))  # leading segments shared
    da, db = depth[:, None], depth[None, :]
    broader = np.minimum(da, db)
    nested = agree >= broader  # one lies inside the other
    r = np.zeros((n, n), dtype=np.float32)
    r[nested & (broader == 3)] = WITHIN_MINOR
    r[nested & (broader == 2)] = WITHIN_MEDIUM
    r[~nested & (agree >= 3) & (da == 4) & (db == 4)] = SIBLING
    # reviewed neighbours override the rules, both ways
    pref = [_prefix(c) for c in codes]
    # a family (a minor group with itself) first, specific pairs after: the specific one wins
    for a, b, value, _note in sorted(NEIGHBOURS, key=lambda e: e[0].count("-") + e[1].count("-")):
        ma, mb = _under(pref, a), _under(pref, b)
        r[np.ix_(ma, mb)] = value
        r[np.ix_(mb, ma)] = value
    # work that legally needs a licence is related only to work under the same licence: a
    # warehouse keeper is not proposed as a forklift driver, nor a fitter as an electrician
    lic = np.full(n, "", dtype=object)
    for prefix, licence in _licences():
        lic[_under(pref, prefix)] = licence
    for need in set(lic.tolist()) - {""}:
        cols = lic == need
        rows = ~cols
        r[np.ix_(rows, cols)] = 0.0
    np.fill_diagonal(r, SAME)
    rel[:n, :n] = r
    prod, serv = _entry_masks(codes)
    pw = ct.ids[PRODUCTION_WORK]
    rel[pw, :n] = np.where(prod, PRODUCTION_ENTRY, np.where(serv, PRODUCTION_TO_SERVICE, 0.0))
    rel[pw, pw] = SAME  # a 普工 posting for a 普工 wish
    rel[n + 1, :n] = np.where(prod | serv, ANY_ENTRY, 0.0)
    group = np.zeros(n + 1, dtype=np.int64)
    group[:n] = seg[:, 0]
    onehot = np.zeros((n + 1, 10), dtype=np.float32)
    onehot[np.arange(n), group[:n]] = 1.0
    reach = ((rel > 0).astype(np.float32) @ onehot) > 0  # (rows, groups)
    groups = (reach.astype(np.int64) << np.arange(10, dtype=np.int64)).sum(axis=1)
    # a field wish relates to nothing itself: the seeker's major decides, so meet its groups
    medium = np.full(n + 3, -1, dtype=np.int64)
    medium[:n] = seg[:, 0] * 100 + seg[:, 1]
    medium[ct.ids[PRODUCTION_WORK]] = -1  # a broad wish names no line of work
    return RelatedTable(rel, groups, n + 1, medium)


def wish_id(code: str | None) -> int:
    """Row of ``code`` (a code, :data:`~matchcore.normalize.ANY_WORK` or None) in the table."""
    ct = code_table()
    if code == ANY_WORK:
        return related_table().any_work
    if code == FIELD_WORK:
        return related_table().field_work
    return ct.ids.get(code, ct.null) if code is not None else ct.null


def relatedness(wish: str | None, code: str | None) -> float:
    """Relatedness of a wished-for occupation (or broad wish) to a posting's occupation code.

    Examples
    --------
    >>> relatedness("6-31-01-03", "6-31-01-03")  # 电工, 电工
    1.0
    >>> relatedness("6-31-01-03", "6-29-03-02")  # 电工, 电气设备安装工
    0.8
    >>> relatedness("2-02-07-01", "2-08-03-00")  # 机械设计, 幼儿园教师: only group 2 shared
    0.0
    >>> relatedness("6-00-00-00", "6-31-05-00"), relatedness("*", "6-31-05-00")  # 普工, 不限
    (0.8, 0.6)
    """
    ct = code_table()
    col = ct.ids.get(code, ct.null) if code is not None else ct.null
    return round(float(related_table().rel[wish_id(wish), col]), 6)


#: relatedness from which two occupations are called 相近
NEAR = SIBLING


def occupation_kind(
    wish_sets: NDArray[np.int32],
    major_sets: NDArray[np.int32],
    wish: NDArray[np.int64],
    major: NDArray[np.int64],
    v_occ: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Which occupation phrase is true of each pair, and the broad wish it rests on.

    ``0`` 职业相同: a wish is the posting's very code. ``1`` 职业相近: a specific wish relates
    at :data:`NEAR` or more and at least as much as the major. ``2`` 专业对口: the seeker's major
    lists the posting's occupation (:func:`major_codes`). ``3`` 符合普工/不限意向: a broad wish.
    ``4`` 职业关联较弱: related under :data:`NEAR`. ``5`` 职业不同: not related.
    The second array is ``0`` for 普工 (production work) and ``1`` for 不限 (any work).

    Examples
    --------
    >>> from matchcore.scoring._codes import code_table
    >>> t = code_table()
    >>> sets = np.array([[t.ids["6-31-01-03"]], [t.ids["6-00-00-00"]]], dtype=np.int32)
    >>> none = np.array([[t.null]], dtype=np.int32)
    >>> v = np.array([t.ids["6-31-01-03"], t.ids["6-29-03-02"], t.ids["6-31-05-00"]])
    >>> occupation_kind(sets, none, np.array([0, 0, 1]), np.zeros(3, int), v)[0].tolist()
    [0, 1, 3]
    """
    rt = related_table()
    ct = code_table()
    ws = wish_sets[np.asarray(wish, dtype=np.int64)]  # (n, W)
    vo = np.asarray(v_occ, dtype=np.int64)
    rel = rt.rel[ws, vo[:, None]]  # (n, W)
    broad = (ws == rt.production_work) | (ws == rt.any_work) | (ws == rt.field_work)
    specific = np.where(broad, 0, rel).max(axis=1) if len(vo) else np.zeros(0)
    generic = np.where(broad, rel, 0).max(axis=1) if len(vo) else np.zeros(0)
    which = np.where((ws == rt.any_work) & (rel == generic[:, None]) & broad, 1, 0).max(axis=1)
    ms = major_sets[np.asarray(major, dtype=np.int64)]
    allowed = rt.major_allowed_pairs(ws, vo)
    mfit = (
        np.where((rt.rel[ms, vo[:, None]] >= WITHIN_MINOR).any(axis=1) & allowed, MAJOR_FIT, 0.0)
        if len(vo)
        else np.zeros(0)
    )
    same = (ws == vo[:, None]).any(axis=1) & (vo != ct.null)
    kind = np.select(
        [
            same,
            (specific >= NEAR) & (specific >= mfit),
            mfit > 0,
            generic > 0,
            specific > 0,
        ],
        [0, 1, 2, 3, 4],
        5,
    )
    return kind.astype(np.int64), which.astype(np.int64)
