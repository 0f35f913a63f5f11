"""Caseworkers' corrections of the title coder: a table applied before the model.

A correction says "titles whose cleaned main job is this one have that code". It is keyed on the
main job that :func:`matchcore.normalize.clean_title` finds (``core``, normalized as the coder's
n-grams see it), so ``仓管员`` also corrects ``仓管员（包吃住）`` and ``急聘仓管员+五险一金``, and
never a title whose main job differs. It takes effect at once: no refit; the model is not
touched, its answer is replaced for those titles (``confidence`` 1.0, ``needs_review`` False,
the model's own codes kept as alternatives). The last correction of a main job wins; every row
is kept, so the table is the audit trail (``title``, ``main_job``, ``code``, ``who``, ``when``)
and is read and written as CSV.

Confidence: 1.0 for a title a person corrected (the same text once normalized), and
``SAME_JOB_CONFIDENCE`` for another title sharing its main job: on the shipped expert-coded
history, a title's code is right for another title with the same cleaned main job in 76.5 % of
the 2,092 ordered pairs (113 main jobs with several titles), so a correction carried to another
title is not certain. (In a simulation on that history, corrections carried with confidence 1.0
lowered the precision among the most confident half of the titles.)
"""

from __future__ import annotations

import datetime as _dt
import hashlib
from pathlib import Path
from typing import Any, cast

import polars as pl

from matchcore import occupations
from matchcore._errors import InvalidParameter, InvalidValue, MissingColumns
from matchcore._io import read_table
from matchcore.normalize._coder.cleaning import (
    _MAX_CHARS,
    _core_of,
    _main_job,
    _normalize_nfkc,
    _prepare,
)
from matchcore.normalize._text import _nfkc

__all__ = [
    "CORRECTION_COLUMNS",
    "SAME_JOB_CONFIDENCE",
    "Corrections",
    "apply_corrections",
    "read_corrections",
]

#: Confidence of a correction carried to another title with the same cleaned main job.
SAME_JOB_CONFIDENCE = 0.76

#: Columns of the corrections table, in order.
CORRECTION_COLUMNS = ("title", "main_job", "code", "who", "when")
_SCHEMA = {c: pl.Utf8 for c in CORRECTION_COLUMNS}


def _text(title: str) -> str:
    """A title's text once normalized (what makes two titles the same title)."""
    return _normalize_nfkc(_nfkc(title[:_MAX_CHARS]))


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0).isoformat()


def _resolve(code: object) -> str | None:
    norm = occupations.normalize_code(code)
    return norm if norm is not None and norm in occupations.load() else None


def _rows_text(positions: list[int], limit: int = 10) -> str:
    shown = ", ".join(str(i) for i in positions[:limit])
    more = f" and {len(positions) - limit} more" if len(positions) > limit else ""
    return f"rows {shown}{more}"


class Corrections:
    """An append-only table of corrections and the code each main job takes (last one wins).

    Examples
    --------
    >>> from matchcore.normalize._coder.corrections import Corrections
    >>> c = Corrections().add("仓管员", "4-02-06-03", who="u1", when="2026-01-05")
    >>> c.lookup("仓管员（包吃住）"), c.lookup("仓库主管")
    ('4-02-06-03', None)
    """

    def __init__(self) -> None:
        self._rows: list[tuple[str, str, str, str | None, str | None]] = []
        self._by_key: dict[str, str] = {}
        # Per main job, the texts of the titles a person gave its current code.
        self._seen: dict[str, frozenset[str]] = {}
        self._firsts: set[str] = set()  # the main jobs' first words

    def __len__(self) -> int:
        return len(self._rows)

    def copy(self) -> Corrections:
        """An independent copy."""
        out = Corrections()
        out._rows = list(self._rows)
        out._by_key = dict(self._by_key)
        out._seen = dict(self._seen)
        out._firsts = set(self._firsts)
        return out

    def add(
        self, title: str, code: str, *, who: str | None = None, when: str | None = None
    ) -> Corrections:
        """Add one correction (checked first: nothing is added if it is invalid); returns self."""
        if not isinstance(title, str) or not title.strip():
            raise InvalidValue("title", title, "a non-empty title")
        key = _main_job(title)
        if not key:
            raise InvalidValue(
                "title", title, "a title naming a job (nothing is left once cleaned)"
            )
        resolved = _resolve(code)
        if resolved is None:
            raise InvalidValue(
                "code", code, "a code of the 2022 classification such as '4-02-06-03'"
            )
        self._append(title, key, resolved, who, when if when is not None else _now())
        return self

    def _append(self, title: str, key: str, code: str, who: str | None, when: str | None) -> None:
        self._rows.append((title, key, code, who, when))
        same = self._seen.get(key, frozenset()) if self._by_key.get(key) == code else frozenset()
        self._by_key[key] = code
        self._seen[key] = same | {_text(title)}
        self._firsts.add(key.split(" ", 1)[0])

    def extend(self, table: pl.DataFrame, *, source: str = "corrections") -> Corrections:
        """Add every row of a table with ``title`` and ``code`` (``who``, ``when`` optional).

        Rows whose ``code`` is empty are skipped (a review queue not yet filled in). All rows are
        checked before any is added: bad ones are named together in one error.
        """
        missing = [c for c in ("title", "code") if c not in table.columns]
        if missing:
            raise MissingColumns(source, missing, table.columns)
        cols = {
            c: table[c].cast(pl.Utf8).to_list() if c in table.columns else [None] * table.height
            for c in ("title", "code", "who", "when")
        }
        pending: list[tuple[str, str, str, str | None, str | None]] = []
        bad_titles: list[int] = []
        bad_codes: list[int] = []
        for i in range(table.height):
            code = (cols["code"][i] or "").strip()
            if not code:
                continue
            title = cols["title"][i]
            key = _main_job(title) if title and title.strip() else ""
            resolved = _resolve(code)
            if not key:
                bad_titles.append(i)
            if resolved is None:
                bad_codes.append(i)
            if key and resolved is not None:
                who = cols["who"][i] or None
                when = cols["when"][i] or None
                pending.append((str(title), key, resolved, who, when))
        if bad_codes:
            raise InvalidValue(
                f"{source}: code",
                _rows_text(bad_codes),
                "codes of the 2022 classification such as '4-02-06-03'",
            )
        if bad_titles:
            raise InvalidValue(f"{source}: title", _rows_text(bad_titles), "a title naming a job")
        for row in pending:
            self._append(*row)
        return self

    def key(self, title: str) -> str | None:
        """The corrected main job a title has, or None (quickly for the titles that cannot have
        one: the main job starts the prepared main text, so its first word must be a corrected
        main job's first word)."""
        if not self._by_key or not title or not title.strip():
            return None
        main = _prepare(title)[0]  # remembered: code() has just prepared it
        if main.split(" ", 1)[0] not in self._firsts:
            return None
        key = _core_of(title, main)
        return key if key in self._by_key else None

    def lookup(self, title: str) -> str | None:
        """The corrected code of a title's main job, or None."""
        key = self.key(title)
        return None if key is None else self._by_key[key]

    def confidence(self, title: str) -> float:
        """1.0 if a person corrected this very title, else ``SAME_JOB_CONFIDENCE`` (a title
        sharing the main job of a corrected one)."""
        seen = self._seen.get(self.key(title) or "", frozenset())
        return 1.0 if _text(title) in seen else SAME_JOB_CONFIDENCE

    def frame(self) -> pl.DataFrame:
        """Every correction, oldest first (``title``, ``main_job``, ``code``, ``who``, ``when``)."""
        return pl.DataFrame(self._rows, schema=_SCHEMA, orient="row")

    def digest(self) -> str:
        """A short hash of the table (empty string when there is none): versions the coder."""
        if not self._rows:
            return ""
        h = hashlib.sha256()
        for row in self._rows:
            h.update("\x1f".join(x or "" for x in row).encode("utf-8") + b"\x1e")
        return h.hexdigest()[:12]


def read_corrections(source: Any) -> pl.DataFrame:
    """A corrections table from a path (CSV, Parquet or Excel) or a polars DataFrame."""
    if isinstance(source, pl.DataFrame):
        return source
    if isinstance(source, (str, Path)):
        return read_table(Path(source))
    raise InvalidParameter.of(
        "source",
        "TitleCoder.load_corrections",
        type(source).__name__,
        "a path or a polars DataFrame",
    )


def apply_corrections(coded: pl.DataFrame, corrections: Corrections) -> pl.DataFrame:
    """``coded`` (a :meth:`TitleCoder.code` table) with the corrected titles' rows replaced.

    A corrected row takes the correction's code, name and level, ``confidence`` 1.0 (or
    ``SAME_JOB_CONFIDENCE`` for a title a person did not correct itself) and ``needs_review``
    False; its alternatives are the model's code and alternatives without the
    corrected code, as many as before. Other rows are returned unchanged.
    """
    if not len(corrections) or coded.height == 0:
        return coded
    tree = occupations.load().arrays()
    titles = coded["title"].to_list()
    found = [corrections.lookup(t) if t else None for t in titles]
    hit = [i for i, c in enumerate(found) if c is not None]
    if not hit:
        return coded
    codes = coded["code"].to_list()
    names = coded["name"].to_list()
    levels = coded["level"].to_list()
    conf = coded["confidence"].to_list()
    review = coded["needs_review"].to_list()
    alts = coded["alternatives"].to_list()
    for i in hit:
        new = cast(str, found[i])
        width = len(alts[i])
        before = [c for c in [codes[i], *alts[i]] if c is not None and c != new]
        row = tree.index[new]
        codes[i], names[i], levels[i] = new, tree.names[row], int(tree.level[row])
        conf[i], review[i] = corrections.confidence(titles[i]), False
        alts[i] = list(dict.fromkeys(before))[:width]
    return coded.with_columns(
        pl.Series("code", codes, dtype=pl.Utf8),
        pl.Series("name", names, dtype=pl.Utf8),
        pl.Series("confidence", conf, dtype=pl.Float64),
        pl.Series("level", levels, dtype=pl.Int8),
        pl.Series("needs_review", review, dtype=pl.Boolean),
        pl.Series("alternatives", alts, dtype=pl.List(pl.Utf8)),
    )
