"""The ``matchcore`` command line.

Subcommands register themselves in :data:`COMMANDS`; ``matchcore --version`` prints the version.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from matchcore import _cli_match
from matchcore._errors import MatchcoreError
from matchcore._version import __version__

__all__ = ["build_parser", "main"]

log = logging.getLogger("matchcore")

#: name -> (help, add_arguments(parser), run(args) -> exit status)
COMMANDS: dict[
    str, tuple[str, Callable[[argparse.ArgumentParser], None], Callable[[argparse.Namespace], int]]
] = {}


def _add_taxonomy(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", help="a code (6-31-01-03) or words to search for (电工)")
    p.add_argument("--limit", type=int, default=5)


def _run_taxonomy(args: argparse.Namespace) -> int:
    from matchcore import occupations

    tax = occupations.load()
    if args.query in tax:
        occ = tax[args.query]
        path = " > ".join(f"{c} {tax[c].name}" for c in tax.ancestors(occ.code))
        print(f"{occ.code} {occ.name} (level {occ.level})")
        if path:
            print(f"  under: {path}")
        if occ.definition:
            print(f"  {occ.definition}")
        return 0
    for hit in tax.search(args.query, limit=args.limit):
        print(f"{hit.occupation.code}  {hit.occupation.name}  ({hit.score:.0f}, via {hit.matched})")
    return 0


COMMANDS["demo"] = (
    "generate a province sample, run the whole job, print a summary and write the outputs",
    _cli_match.add_demo,
    _cli_match.run_demo,
)
COMMANDS["match"] = (
    "match seekers with vacancies from CSV (UTF-8/GBK), Parquet or Excel files",
    _cli_match.add_match,
    _cli_match.run_match,
)
COMMANDS["occupation"] = (
    "look up an occupation code or search by name",
    _add_taxonomy,
    _run_taxonomy,
)

from matchcore import _cli_code_titles  # noqa: E402

COMMANDS["code-titles"] = (
    _cli_code_titles.HELP,
    _cli_code_titles.add_arguments,
    _cli_code_titles.run,
)

from matchcore.service import _cli as _cli_serve  # noqa: E402

COMMANDS["serve"] = (_cli_serve.HELP, _cli_serve.add_arguments, _cli_serve.run)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="matchcore", description="Match job seekers with vacancies at province scale."
    )
    parser.add_argument("--version", action="version", version=f"matchcore {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more log output")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (help_, add, _run) in COMMANDS.items():
        add(sub.add_parser(name, help=help_, description=help_))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``matchcore`` console script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return COMMANDS[args.command][2](args)
    except MatchcoreError as exc:
        print(f"matchcore {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
