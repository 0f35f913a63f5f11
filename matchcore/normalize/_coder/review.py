"""The review queue: which titles a person should look at first.

Titles are grouped by their cleaned main job (the key a correction uses, so one answer settles the
whole group). A group's value of a person's look is how often its titles occur times how unsure
the coder is of them: ``count * (1 - confidence)``. Groups already corrected, and titles with no
main job, are left out. The queue is written as a CSV a caseworker fills in: the blank ``code``,
``who`` and ``when`` columns, read back by :meth:`TitleCoder.load_corrections` (rows left blank are
skipped).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from matchcore._errors import InvalidParameter
from matchcore._io import write_table
from matchcore.normalize._coder.cleaning import _main_job
from matchcore.normalize._coder.inputs import _as_list

if TYPE_CHECKING:  # (annotations only: the coder module imports this one)
    from matchcore.normalize._coder.coder import TitleCoder

__all__ = ["QUEUE_COLUMNS", "review_queue"]

#: Columns of the queue, in order.
QUEUE_COLUMNS = (
    "rank",
    "main_job",
    "title",
    "count",
    "value",
    "suggested_code",
    "suggested_name",
    "confidence",
    "alternatives",
    "code",
    "who",
    "when",
)


def review_queue(
    coder: TitleCoder,
    titles: Sequence[str | None] | pl.Series,
    *,
    limit: int | None = None,
    path: str | Path | None = None,
) -> pl.DataFrame:
    """The titles a person should review first, best value first; written to ``path`` if given.

    Ties of value go to the more frequent group, then to the main job in code-point order, so
    the queue is deterministic. ``title`` is the group's most frequent title (the first seen
    among equals); ``suggested_code`` the coder's code of it.
    """
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise InvalidParameter.of(
            "limit", "TitleCoder.review_queue", limit, "None or an int in [1, inf)"
        )
    t_list = [t for t in _as_list(titles, "titles", "TitleCoder.review_queue") if t]
    counts: dict[str, int] = {}
    for t in t_list:
        counts[t] = counts.get(t, 0) + 1
    distinct = list(counts)
    keys = [_main_job(t) for t in distinct]
    groups: dict[str, list[int]] = {}
    corrected = coder._corrections
    for i, k in enumerate(keys):
        if k and (corrected is None or corrected.lookup(distinct[i]) is None):
            groups.setdefault(k, []).append(i)
    # The coder's answer for each group's most frequent title.
    reps = {k: max(ix, key=lambda i: (counts[distinct[i]], -i)) for k, ix in groups.items()}
    order_keys = list(reps)
    coded = coder.code([distinct[reps[k]] for k in order_keys], progress=False)
    rows: list[dict[str, Any]] = []
    for j, k in enumerate(order_keys):
        n = sum(counts[distinct[i]] for i in groups[k])
        conf = float(coded["confidence"][j])
        rows.append(
            {
                "main_job": k,
                "title": distinct[reps[k]],
                "count": n,
                "value": round(n * (1.0 - conf), 6),
                "suggested_code": coded["code"][j],
                "suggested_name": coded["name"][j],
                "confidence": round(conf, 6),
                "alternatives": "|".join(coded["alternatives"][j].to_list()),
            }
        )
    rows.sort(key=lambda r: (-r["value"], -r["count"], r["main_job"]))
    if limit is not None:
        rows = rows[:limit]
    schema = {
        "rank": pl.Int64,
        "main_job": pl.Utf8,
        "title": pl.Utf8,
        "count": pl.Int64,
        "value": pl.Float64,
        "suggested_code": pl.Utf8,
        "suggested_name": pl.Utf8,
        "confidence": pl.Float64,
        "alternatives": pl.Utf8,
        "code": pl.Utf8,
        "who": pl.Utf8,
        "when": pl.Utf8,
    }
    out = pl.DataFrame(
        [
            {"rank": r + 1, **row, "code": None, "who": None, "when": None}
            for r, row in enumerate(rows)
        ],
        schema=schema,
    )
    if path is not None:
        write_table(out, path)
    return out
