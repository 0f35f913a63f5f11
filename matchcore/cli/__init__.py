"""The ``matchcore`` command line: one module a command, registered in :data:`COMMANDS`.

Commands: ``demo`` (:mod:`._demo`), ``match`` (:mod:`._match`), ``code-titles``
(:mod:`._code_titles`) and ``occupation`` (:mod:`._occupation`); what they share (exit codes,
option types, the config file, the executor, one-line errors) is in :mod:`._common`, and output
folders that appear whole or not at all in :mod:`._output`.

Adding a command
----------------
1. Write ``matchcore/cli/_name.py`` with ``HELP`` (one line), ``add_arguments(parser)`` and
   ``run(args) -> int`` returning an exit status from :mod:`._common` (``EXIT_OK``...). Check
   every option before reading data and raise :class:`~matchcore.UsageError` for a bad one;
   write outputs through :class:`._output.Staging`; raise the :class:`~matchcore.MatchcoreError`
   subclass that fits anything else the user can fix. ``main`` turns it into one Chinese line
   with its code and the exit status (a traceback only with ``--debug``).
2. Register it with one line below:
   ``COMMANDS["name"] = Command(_name.HELP, _name.add_arguments, _name.run)``.
3. Test it through the real command (``python -m matchcore ...`` in a subprocess).

Exit codes (also in ``matchcore --help``): 0 success; 1 internal error (a bug) or the system
refused (a full disk); 2 usage error
(an option, ``--period``, the config file); 3 an input file cannot be read or lacks required
columns; 4 finished but produced no match (the results are written, a warning says why);
5 the output exists (without ``--force``) or cannot be written.

Examples
--------
>>> main(["occupation", "6-31-01-03"])
6-31-01-03 电工 (level 4)
...
0
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from typing import NamedTuple, NoReturn

from matchcore._errors import MatchcoreError, UsageError
from matchcore._version import __version__
from matchcore.cli import _code_titles, _demo, _match, _occupation, _serve
from matchcore.cli._common import (
    EXIT_CODES_TEXT,
    EXIT_ERROR,
    EXIT_USAGE,
    error_line,
    exit_status,
    load_config,
)

__all__ = ["COMMANDS", "Command", "build_parser", "load_config", "main"]

log = logging.getLogger("matchcore")

_INTERRUPTED = 130


class Command(NamedTuple):
    """One subcommand: its help line, how it adds its arguments, and how it runs."""

    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


#: name -> Command(help, add_arguments(parser), run(args) -> exit status)
COMMANDS: dict[str, Command] = {}
COMMANDS["demo"] = Command(_demo.HELP, _demo.add_arguments, _demo.run)
COMMANDS["match"] = Command(_match.HELP, _match.add_arguments, _match.run)
COMMANDS["code-titles"] = Command(_code_titles.HELP, _code_titles.add_arguments, _code_titles.run)
COMMANDS["occupation"] = Command(_occupation.HELP, _occupation.add_arguments, _occupation.run)
COMMANDS["serve"] = Command(_serve.HELP, _serve.add_arguments, _serve.run)


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one Chinese line with code MC001, exit 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, error_line(self.prog, UsageError(message)) + "\n")


def _global_options(p: argparse.ArgumentParser, *, default: object) -> None:
    p.add_argument(
        "-v", "--verbose", action="count", default=default, help="more log output (-vv: debug)"
    )
    p.add_argument(
        "--debug",
        action="store_true",
        default=default,
        help="show the full traceback of an error",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = _Parser(
        prog="matchcore",
        description="Match job seekers with vacancies at province scale.",
        epilog=EXIT_CODES_TEXT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"matchcore {__version__}")
    _global_options(parser, default=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, (help_, add_arguments, _run) in COMMANDS.items():
        p = sub.add_parser(
            name,
            help=help_,
            description=help_,
            epilog=EXIT_CODES_TEXT,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _global_options(p, default=argparse.SUPPRESS)  # after the command too
        add_arguments(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``matchcore`` console script; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    args.argv = argv
    debug = bool(args.debug)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose or 0, 2),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    prog = f"matchcore {args.command}"
    try:
        _help, _add, run = COMMANDS[args.command]
        return run(args)
    except MatchcoreError as exc:
        if debug:
            raise
        print(error_line(prog, exc), file=sys.stderr)
        return exit_status(exc)
    except OSError as exc:  # a full disk, a file that vanished: the system's words, no traceback
        if debug:
            raise
        where = f"（{exc.filename}）" if exc.filename else ""
        print(
            f"{prog}: 错误 [MC900 系统错误] {exc.strerror or type(exc).__name__}{where}；"
            "未写出任何结果，请检查磁盘空间与权限后重试",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"{prog}: 已中断，未写出任何结果", file=sys.stderr)
        return _INTERRUPTED
    except Exception as exc:
        if debug:
            raise
        print(error_line(prog, exc), file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
