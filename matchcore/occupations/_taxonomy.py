"""The 2022 national occupation classification (CSCO) as a tree with fast lookups."""

from __future__ import annotations

import csv
import functools
import io
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from rapidfuzz import fuzz, process, utils

from matchcore._errors import InvalidParameter, UnknownOccupation
from matchcore.occupations._arrays import TaxonomyArrays

__all__ = ["Occupation", "SearchHit", "Taxonomy", "load"]

log = logging.getLogger(__name__)

_FLAG_RE = re.compile(r"(L/S|S/L|L|S)$")
_CODE_RE = re.compile(r"^(\d)-?(\d\d)-?(\d\d)-?(\d\d)$")
_DASHES = str.maketrans({c: "-" for c in "‐‑‒–—―−－ "})
# Positional weight of each code segment in the packed integer form: 6-31-01-03 -> 6310103.
_DIVISORS = np.array([1_000_000, 10_000, 100, 1], dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Occupation:
    """One entry of the classification.

    Attributes
    ----------
    code : str
        ``X-XX-XX-XX``.
    name : str
        Official name without the digital (S) / green (L) marks.
    level : int
        1 major, 2 medium, 3 minor, 4 detailed group, as the classification states it (some minor
        or medium groups without subdivision are level 4).
    definition, tasks : str
        Official text, empty for most groups above level 4.
    aliases : tuple of str
        Common posting titles for this occupation.
    digital, green : bool
        Marked S (digital occupation) or L (green occupation).

    Examples
    --------
    >>> import matchcore as mc
    >>> occ = mc.occupations.load()["6-31-01-03"]
    >>> occ.name, occ.level
    ('电工', 4)
    """

    code: str
    name: str
    level: int
    definition: str = ""
    tasks: str = ""
    aliases: tuple[str, ...] = field(default_factory=tuple)
    digital: bool = False
    green: bool = False

    @property
    def packed(self) -> int:
        """The code as an integer, ``6-31-01-03 -> 6310103``."""
        return int(self.code.replace("-", ""))


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A result of :meth:`Taxonomy.search`: the occupation, a score in [0, 100] and the text matched."""

    occupation: Occupation
    score: float
    matched: str


def normalize_code(value: object) -> str | None:
    """Return ``value`` as ``X-XX-XX-XX`` if it is shaped like a code, else None.

    Accepts ``6-31-01-03``, ``6310103``, full-width digits and other dashes.

    Examples
    --------
    >>> normalize_code("6310103"), normalize_code("６－31-01-03"), normalize_code("electrician")
    ('6-31-01-03', '6-31-01-03', None)
    """
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        value = f"{int(value):07d}"
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).translate(_DASHES).strip().strip("-")
    m = _CODE_RE.match(text)
    return "-".join(m.groups()) if m else None


def _pack(code: str) -> int:
    return int(code.replace("-", ""))


class Taxonomy:
    """The classification tree: lookups, ancestry, similarity and search.

    Build it with :func:`load` (cached) rather than directly.

    Parameters
    ----------
    occupations : iterable of Occupation
        One entry per code; codes must be unique.

    Examples
    --------
    >>> import matchcore as mc
    >>> tax = mc.occupations.load()
    >>> tax.ancestors("6-31-01-03")
    ['6-00-00-00', '6-31-00-00', '6-31-01-00']
    >>> "6310103" in tax
    True
    >>> round(float(tax.similarity("6-31-01-03", "6-31-01-04")), 2)
    0.75
    """

    def __init__(self, occupations: Iterable[Occupation]) -> None:
        occs = sorted(occupations, key=lambda o: o.packed)
        self._occ: dict[str, Occupation] = {}
        for o in occs:
            if o.code in self._occ:
                raise InvalidParameter.of(
                    "occupations", "Taxonomy", o.code, "a collection with unique codes"
                )
            self._occ[o.code] = o
        self._codes = [o.code for o in occs]
        self._packed = np.array([o.packed for o in occs], dtype=np.int64)
        self._row = {c: i for i, c in enumerate(self._codes)}
        self._children: dict[str | None, list[str]] = {}
        self._parent: dict[str, str | None] = {}
        for c in self._codes:
            anc = self._existing_prefixes(c)
            p = anc[-1] if anc else None
            self._parent[c] = p
            self._children.setdefault(p, []).append(c)
        # _depth_at[i, k]: tree depth of the deepest existing node among the first k segments of
        # code i (k = 0..4); the tree depth of code i itself is _depth_at[i, 4].
        n = len(self._codes)
        self._depth_at = np.zeros((n, 5), dtype=np.int8)
        for i, c in enumerate(self._codes):
            p = self._packed[i]
            depth = 0
            seen: set[int] = set()
            for k in range(1, 5):
                pre = int(p // _DIVISORS[k - 1] * _DIVISORS[k - 1])
                if pre not in seen and self._has_packed(pre):
                    seen.add(pre)
                    depth += 1
                self._depth_at[i, k] = depth
            if depth != len(self.ancestors(c)) + 1:  # pragma: no cover - structural guard
                raise RuntimeError(f"inconsistent tree at {c}")
        self._search_index: tuple[list[str], list[str]] | None = None
        self._arrays: TaxonomyArrays | None = None

    # -- mapping protocol -------------------------------------------------------------------
    def _has_packed(self, packed: int) -> bool:
        i = int(np.searchsorted(self._packed, packed))
        return i < len(self._packed) and int(self._packed[i]) == packed

    def _existing_prefixes(self, code: str) -> list[str]:
        """Codes of the existing proper ancestors, root first (duplicates of zero segments folded)."""
        p = _pack(code)
        out: list[str] = []
        for k in range(1, 4):
            pre = p // int(_DIVISORS[k - 1]) * int(_DIVISORS[k - 1])
            if pre == p:
                break
            s = f"{pre:07d}"
            c = f"{s[0]}-{s[1:3]}-{s[3:5]}-{s[5:7]}"
            if c in self._occ and (not out or out[-1] != c):
                out.append(c)
        return out

    def resolve(self, code: object) -> str:
        """Return the canonical ``X-XX-XX-XX`` form of a code in the classification.

        Raises
        ------
        UnknownOccupation
            If ``code`` is not shaped like a code or is not in the classification; the message
            suggests the nearest codes.
        """
        norm = normalize_code(code)
        if norm is not None and norm in self._occ:
            return norm
        raise UnknownOccupation(code, self._suggest(code))

    def _suggest(self, value: object, limit: int = 3) -> list[str]:
        text = str(value).strip()
        if not text:
            return []
        digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", text))
        if digits:
            # Closest codes: the longest shared prefix, then edit distance.
            choices = [c.replace("-", "") for c in self._codes]
            hits = process.extract(digits[:7], choices, scorer=fuzz.ratio, limit=limit)
            return [self._codes[h[2]] for h in hits]
        return [h.occupation.code for h in self.search(text, limit=limit)]

    def __getitem__(self, code: object) -> Occupation:
        return self._occ[self.resolve(code)]

    def get(self, code: object, default: Any = None) -> Occupation | Any:
        """Like ``tax[code]`` but returns ``default`` for an unknown code."""
        norm = normalize_code(code)
        return self._occ.get(norm, default) if norm is not None else default

    def __contains__(self, code: object) -> bool:
        norm = normalize_code(code)
        return norm is not None and norm in self._occ

    def __iter__(self) -> Iterator[Occupation]:
        return iter(self._occ[c] for c in self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def __repr__(self) -> str:
        counts = ", ".join(f"level {lv}: {len(self.at_level(lv))}" for lv in (1, 2, 3, 4))
        return f"<Taxonomy of {len(self)} occupations ({counts})>"

    @property
    def codes(self) -> list[str]:
        """All codes in ascending order."""
        return list(self._codes)

    def at_level(self, level: int) -> list[Occupation]:
        """Occupations whose stated level is ``level`` (1-4), in code order."""
        if level not in (1, 2, 3, 4):
            raise InvalidParameter.of("level", "Taxonomy.at_level", level, "one of 1, 2, 3, 4")
        return [o for o in self if o.level == level]

    # -- tree -------------------------------------------------------------------------------
    def parent(self, code: object) -> str | None:
        """The parent code, or None for a major group.

        Examples
        --------
        >>> import matchcore as mc
        >>> mc.occupations.load().parent("6-31-01-03")
        '6-31-01-00'
        """
        return self._parent[self.resolve(code)]

    def ancestors(self, code: object) -> list[str]:
        """Codes of all proper ancestors, root (major group) first."""
        out: list[str] = []
        p = self._parent[self.resolve(code)]
        while p is not None:
            out.append(p)
            p = self._parent[p]
        return out[::-1]

    def children(self, code: object | None = None) -> list[str]:
        """Direct children of ``code`` in code order; the major groups when ``code`` is None."""
        key = None if code is None else self.resolve(code)
        return list(self._children.get(key, []))

    def descendants(self, code: object) -> list[str]:
        """All codes below ``code``, in code order."""
        out: list[str] = []
        stack = list(reversed(self.children(code)))
        while stack:
            c = stack.pop()
            out.append(c)
            stack.extend(reversed(self._children.get(c, [])))
        return out

    def depth(self, code: object) -> int:
        """Depth in the tree: 1 for a major group, up to 4."""
        return int(self._depth_at[self._row[self.resolve(code)], 4])

    def arrays(self) -> TaxonomyArrays:
        """The tree as index arrays (ancestors, subtree sums), built once and kept.

        Examples
        --------
        >>> import matchcore as mc
        >>> a = mc.occupations.load().arrays()
        >>> a.codes[int(a.up[a.index["6-31-01-03"], 1])]
        '6-31-01-00'
        """
        if self._arrays is None:
            self._arrays = TaxonomyArrays.of(self)
        return self._arrays

    # -- vectorised ---------------------------------------------------------------------------
    def encode(self, codes: ArrayLike | str) -> NDArray[np.int64]:
        """Codes as packed integers (``6-31-01-03 -> 6310103``), the fast form for :meth:`similarity`.

        Accepts one code or a sequence/array of codes (strings or integers); raises
        :class:`UnknownOccupation` for the first code not in the classification.
        """
        if isinstance(codes, str):
            return np.array(_pack(self.resolve(codes)), dtype=np.int64)
        arr = np.asarray(codes)
        if arr.dtype.kind in "iu":
            packed = arr.astype(np.int64)
            self._rows_of(packed)  # validates
            return packed
        flat = [_pack(self.resolve(c)) for c in arr.ravel().tolist()]
        return np.array(flat, dtype=np.int64).reshape(arr.shape)

    def _rows_of(self, packed: NDArray[np.int64]) -> NDArray[np.intp]:
        rows = np.searchsorted(self._packed, packed)
        rows_c = np.minimum(rows, len(self._packed) - 1)
        bad = self._packed[rows_c] != packed
        if np.any(bad):
            first = int(np.asarray(packed)[bad].ravel()[0])
            raise UnknownOccupation(f"{first:07d}", self._suggest(f"{first:07d}"))
        return rows_c

    def similarity(self, a: ArrayLike | str, b: ArrayLike | str) -> NDArray[np.float64]:
        """Tree similarity in [0, 1] from the depth of the lowest common ancestor.

        Wu-Palmer similarity ``2 * depth(lca) / (depth(a) + depth(b))`` over the tree below a
        virtual root: 1.0 exactly when the codes are equal, 0.0 across major groups, 0.75 for two
        detailed occupations of the same minor group. Symmetric. Broadcasts like numpy.

        Parameters
        ----------
        a, b : str, sequence of str, or int array from :meth:`encode`
            Codes to compare; arrays broadcast against each other.

        Returns
        -------
        ndarray of float64
            Shape of the broadcast of ``a`` and ``b`` (0-d for two single codes).

        Examples
        --------
        >>> import matchcore as mc
        >>> tax = mc.occupations.load()
        >>> tax.similarity(["6-31-01-03", "6-31-01-03"], ["6-31-01-03", "2-06-07-02"]).tolist()
        [1.0, 0.0]
        """
        pa = self.encode(a)
        pb = self.encode(b)
        pa, pb = np.broadcast_arrays(pa, pb)
        ra = self._rows_of(pa)
        rb = self._rows_of(pb)
        k = np.zeros(pa.shape, dtype=np.int8)
        for div in _DIVISORS:
            k += (pa // div) == (pb // div)
        lca = self._depth_at[ra, k].astype(np.float64)
        da = self._depth_at[ra, 4].astype(np.float64)
        db = self._depth_at[rb, 4].astype(np.float64)
        return 2.0 * lca / (da + db)

    # -- search -------------------------------------------------------------------------------
    def _search_choices(self) -> tuple[list[str], list[str]]:
        if self._search_index is None:
            texts: list[str] = []
            codes: list[str] = []
            for o in self:
                for t in (o.name, *o.aliases):
                    texts.append(t)
                    codes.append(o.code)
            self._search_index = (texts, codes)
        return self._search_index

    def search(self, text: str, limit: int = 5) -> list[SearchHit]:
        """Occupations whose name or an alias matches ``text``: exact matches first, then fuzzy.

        Exact matches score 100; fuzzy ones use rapidfuzz's ``WRatio``. Each occupation appears
        once, at its best score; ties are broken by code.

        Examples
        --------
        >>> import matchcore as mc
        >>> mc.occupations.load().search("电工", limit=1)[0].occupation.code
        '6-31-01-03'
        """
        if not isinstance(limit, int) or limit < 1:
            raise InvalidParameter.of("limit", "Taxonomy.search", limit, "an int in [1, inf)")
        query = unicodedata.normalize("NFKC", str(text)).strip()
        if not query:
            return []
        texts, codes = self._search_choices()
        best: dict[str, tuple[float, str]] = {}
        for t, c in zip(texts, codes):
            if t == query and best.get(c, (0.0, ""))[0] < 100.0:
                best[c] = (100.0, t)
        hits = process.extract(
            query,
            texts,
            scorer=fuzz.WRatio,
            processor=utils.default_process,
            limit=max(limit * 8, 40),
        )
        for t, score, i in hits:
            c = codes[i]
            if float(score) > best.get(c, (-1.0, ""))[0]:
                best[c] = (float(score), t)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], kv[0]))[:limit]
        return [SearchHit(self._occ[c], s, t) for c, (s, t) in ranked]


def _read_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def from_rows(rows: Sequence[dict[str, str]], *, source: str = "rows") -> Taxonomy:
    """Build a :class:`Taxonomy` from CSV-like rows (``code, level, name, definition, tasks, aliases``).

    A code that appears more than once keeps the row with the most text (definition, tasks,
    aliases; the first such row on a tie), and a warning names the repeated codes.
    """
    chosen: dict[str, dict[str, str]] = {}
    repeated: list[str] = []
    for r in rows:
        code = normalize_code(r["code"])
        if code is None:
            raise UnknownOccupation(r["code"])
        if code in chosen:
            repeated.append(code)

            def richness(x: dict[str, str]) -> int:
                return (
                    len(x.get("definition") or "")
                    + len(x.get("tasks") or "")
                    + len(x.get("aliases") or "")
                )

            if richness(r) <= richness(chosen[code]):
                continue
        chosen[code] = r
    if repeated:
        log.warning(
            "%s repeats %d code(s): %s; kept one row each (the one with the most text)",
            source,
            len(repeated),
            ", ".join(sorted(set(repeated))),
        )
    occs = []
    for code, r in chosen.items():
        raw = r["name"].strip()
        m = _FLAG_RE.search(raw)
        flags = m.group(1) if m else ""
        aliases = tuple(a.strip() for a in (r.get("aliases") or "").split("|") if a.strip())
        occs.append(
            Occupation(
                code=code,
                name=raw[: len(raw) - len(flags)].strip(),
                level=int(r["level"]),
                definition=(r.get("definition") or "").strip(),
                tasks=(r.get("tasks") or "").strip(),
                aliases=aliases,
                digital="S" in flags,
                green="L" in flags,
            )
        )
    return Taxonomy(occs)


@functools.cache
def load() -> Taxonomy:
    """The shipped 2022 classification, loaded once and cached.

    The shipped file holds each code once (``data/NOTICE.md`` lists the four repeated rows of
    the upstream file that were removed when the data was built), so loading it warns of nothing.

    Examples
    --------
    >>> import matchcore as mc
    >>> tax = mc.occupations.load()
    >>> len(tax), tax["6-31-01-03"].name
    (2047, '电工')
    """
    text = resources.files("matchcore.occupations").joinpath("data/csco2022.csv").read_text("utf-8")
    return from_rows(_read_rows(text), source="csco2022.csv")
