"""One Matcher a service's workers keep alike: writes go through an append-only journal.

Every worker process loads the same saved index. A write (add or withdraw postings) is appended
to a journal file under an exclusive file lock, after the worker has replayed what the others
appended; before each request a worker replays the lines it has not applied yet (an ``os.stat``
when there are none). Every worker therefore applies the same writes in the same order and holds
the same index, whichever worker a request reaches. The journal holds postings and posting ids,
never a seeker's details.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

import polars as pl

from matchcore._matcher import Matcher

log = logging.getLogger("matchcore.service")

#: The raw vacancy columns the service accepts, with their types (those of ``matchcore.synth``).
VACANCY_SCHEMA: dict[str, Any] = {
    "vacancy_id": pl.Utf8,
    "employer_id": pl.Utf8,
    "title": pl.Utf8,
    "occupation_code": pl.Utf8,
    "openings": pl.Int64,
    "region": pl.Utf8,
    "education_min": pl.Utf8,
    "salary": pl.Utf8,
    "salary_min": pl.Float64,
    "salary_max": pl.Float64,
    "experience_min": pl.Utf8,
    "skill_level_min": pl.Utf8,
    "professional_title_min": pl.Utf8,
    "age_min": pl.Int64,
    "age_max": pl.Int64,
    "industry_code": pl.Utf8,
    "advanced_manufacturing": pl.Utf8,
    "internship": pl.Utf8,
    "session": pl.Utf8,
    "posted_at": pl.Utf8,
    "expires_at": pl.Utf8,
    "requirements": pl.Utf8,
}

#: The raw seeker columns the service accepts, with their types.
SEEKER_SCHEMA: dict[str, Any] = {
    "seeker_id": pl.Utf8,
    "category": pl.Utf8,
    "desired_title": pl.Utf8,
    "desired_occupation": pl.Utf8,
    "region": pl.Utf8,
    "willing_regions": pl.Utf8,
    "education": pl.Utf8,
    "major": pl.Utf8,
    "graduation_year": pl.Int64,
    "expected_salary": pl.Utf8,
    "experience_years": pl.Utf8,
    "skill_level": pl.Utf8,
    "professional_title": pl.Utf8,
    "birth_year": pl.Int64,
    "registered_at": pl.Utf8,
}


#: Columns a table always has, so that a value missing from every row rejects those rows (with
#: the reason) rather than the whole request.
ALWAYS = {"seeker_id", "desired_title", "region", "vacancy_id", "title", "openings"}


def frame(rows: list[dict[str, Any]], schema: dict[str, Any]) -> pl.DataFrame:
    """A table of ``rows`` with the columns that any row gives (and those of :data:`ALWAYS`),
    in ``schema`` order and types."""
    used = [c for c in schema if c in ALWAYS or any(c in r for r in rows)]
    data = {
        c: pl.Series(c, [_text(r.get(c), schema[c]) for r in rows], dtype=schema[c]) for c in used
    }
    return pl.DataFrame(data)


def _text(value: Any, dtype: Any) -> Any:
    if value is None or dtype != pl.Utf8 or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


class SharedMatcher:
    """A :class:`~matchcore.Matcher` kept equal across worker processes by a journal file.

    Parameters
    ----------
    matcher : Matcher
        The loaded index (each worker loads its own from the same saved directory).
    journal : path-like or None
        The journal file shared by the workers (created if absent; replayed from its start, so a
        restarted service keeps the writes of the earlier run). None: no journal (one process).

    Examples
    --------
    >>> import tempfile, matchcore as mc
    >>> from matchcore.service import SharedMatcher
    >>> _, vacancies = mc.synth.province(10, 200, seed=0)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     a = SharedMatcher(mc.Matcher().fit(vacancies.slice(0, 150)), tmp + "/journal")
    ...     b = SharedMatcher(mc.Matcher().fit(vacancies.slice(0, 150)), tmp + "/journal")
    ...     _ = a.write({"op": "remove", "vacancy_ids": ["V0000001", "V0000002"]})
    ...     b.sync()  # another worker: replays what a journaled
    ...     a.matcher.n_vacancies == b.matcher.n_vacancies < 150
    True
    """

    def __init__(self, matcher: Matcher, journal: str | os.PathLike[str] | None) -> None:
        self.matcher = matcher
        self.journal = None if journal is None else Path(journal)
        self._offset = 0
        self._lock = threading.Lock()
        if self.journal is not None:
            self.journal.touch(exist_ok=True)
            self.sync()

    def sync(self) -> None:
        """Apply the writes other workers journaled since the last call."""
        if self.journal is None or os.stat(self.journal).st_size == self._offset:
            return
        with self._lock:
            self._replay()

    def _replay(self) -> None:
        if self.journal is None:
            return
        with open(self.journal, "rb") as f:
            f.seek(self._offset)
            data = f.read()
        end = data.rfind(b"\n") + 1  # complete lines only
        n = 0
        for line in data[:end].splitlines():
            if line.strip():
                self._apply(json.loads(line))
                n += 1
        self._offset += end
        if n:
            log.info("journal: applied %d writes of other workers", n)

    def _apply(self, op: dict[str, Any]) -> Any:
        if op["op"] == "add":
            return self.matcher.add(frame(op["vacancies"], VACANCY_SCHEMA))
        return self.matcher.remove(op["vacancy_ids"])

    def write(self, op: dict[str, Any]) -> Any:
        """Journal ``op`` (``{"op": "add", "vacancies": [...]}`` or ``{"op": "remove",
        "vacancy_ids": [...]}``) and apply it; returns what the Matcher returned."""
        with self._lock:
            if self.journal is None:
                return self._apply(op)
            line = json.dumps(op, ensure_ascii=False).encode("utf-8") + b"\n"
            with open(self.journal, "ab") as f:
                fcntl.flock(f, fcntl.LOCK_EX)
                try:
                    self._replay()  # the others' writes first: one order everywhere
                    result = self._apply(op)
                    f.write(line)
                    f.flush()
                    self._offset += len(line)
                finally:
                    fcntl.flock(f, fcntl.LOCK_UN)
            return result
