"""``matchcore occupation QUERY``: look up an occupation code or search the classification."""

from __future__ import annotations

import argparse
import re

from matchcore import occupations
from matchcore._errors import UnknownOccupation, UsageError
from matchcore.cli._common import EXIT_NO_RESULT, EXIT_OK, positive_int

__all__ = ["HELP", "MIN_SCORE", "add_arguments", "run"]

HELP = "look up an occupation code or search by name"

#: Search hits below this similarity (0-100) are not shown as matches.
MIN_SCORE = 70.0
#: Hits from here up to MIN_SCORE are listed as distant candidates when nothing is closer.
_WEAK_SCORE = 50.0

_CODE_LIKE = re.compile(r"^\s*\d[\d\s\-‐‑‒–—―−－]*$")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Arguments of ``occupation``."""
    p.add_argument("query", help="a code (6-31-01-03) or words to search for (电工)")
    p.add_argument("--limit", type=positive_int, default=5, help="most hits shown (default 5)")


def run(args: argparse.Namespace) -> int:
    """Print the occupation with its ancestors, or the closest names; returns the exit status."""
    query = args.query.strip()
    if not query:
        raise UsageError("查询为空：请给出职业代码（如 6-31-01-03）或名称（如 电工）")
    tax = occupations.load()
    if _CODE_LIKE.match(query):
        try:
            occ = tax[query]
        except UnknownOccupation as exc:
            near = "；相近的代码：" + "、".join(exc.suggestions) if exc.suggestions else ""
            print(f"职业分类（2022）中没有代码 {query!r}{near}")
            return EXIT_NO_RESULT
        path = " > ".join(f"{c} {tax[c].name}" for c in tax.ancestors(occ.code))
        print(f"{occ.code} {occ.name} (level {occ.level})")
        if path:
            print(f"  under: {path}")
        if occ.definition:
            print(f"  {occ.definition}")
        return EXIT_OK
    hits = tax.search(query, limit=args.limit)
    good = [h for h in hits if h.score >= MIN_SCORE]
    for hit in good:
        print(f"{hit.occupation.code}  {hit.occupation.name}  ({hit.score:.0f}, via {hit.matched})")
    if good:
        return EXIT_OK
    print(
        f"没有找到与 {query!r} 相近的职业（相似度都低于 {MIN_SCORE:.0f}）；请换一个常用名称，如 电工、保安员"
    )
    weak = [h for h in hits if h.score >= _WEAK_SCORE]
    if weak:
        print("相似度较低、仅供参考：")
        for hit in weak:
            print(
                f"  {hit.occupation.code}  {hit.occupation.name}  ({hit.score:.0f}, via {hit.matched})"
            )
    return EXIT_NO_RESULT
