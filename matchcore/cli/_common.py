"""What the commands share: exit codes, option types, config, the executor, error lines."""

from __future__ import annotations

import argparse
import json
import re
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from matchcore._errors import (
    AmbiguousRegion,
    ConfigError,
    InvalidParameter,
    InvalidValue,
    MatchcoreError,
    MissingColumns,
    OutputError,
    UnknownOccupation,
    UnsupportedFile,
    UsageError,
)
from matchcore.db._errors import DatabaseError, DbArgumentError, DbNotConfigured, DbWriteError
from matchcore.scoring._config import MatchConfig

__all__ = [
    "EXIT_ERROR",
    "EXIT_INPUT",
    "EXIT_NO_RESULT",
    "EXIT_OK",
    "EXIT_OUTPUT",
    "EXIT_USAGE",
    "add_output_options",
    "check_excel_extra",
    "check_period",
    "error_line",
    "executor",
    "exit_status",
    "load_config",
    "non_negative_int",
    "positive_int",
]

#: Every run finished and wrote its results.
EXIT_OK = 0
#: An unexpected internal error (a bug: rerun with --debug for the traceback and report it), or
#: the system refused (a full disk, a file that vanished).
EXIT_ERROR = 1
#: The command was called wrongly: an option, the period, the config file.
EXIT_USAGE = 2
#: An input file cannot be read or lacks required columns.
EXIT_INPUT = 3
#: The run finished and wrote its results, but produced no match (nothing to act on).
EXIT_NO_RESULT = 4
#: The output cannot be written: it exists (without --force) or its place is not writable.
EXIT_OUTPUT = 5

EXIT_CODES_TEXT = """exit codes (退出码):
  0  success (成功)
  1  internal error (a bug: rerun with --debug and report it) or the system
     refused (a full disk) (内部或系统错误)
  2  usage error: an option, --period, the config file (用法错误)
  3  an input file cannot be read or lacks required columns (输入文件无法读取)
  4  finished, but no match / no result: see the warning (没有产生任何匹配)
  5  the output exists (use --force) or cannot be written (输出无法写入)
errors are one line: 错误 [code headline] file, line or sheet, field and the fix;
--debug shows the traceback."""

_PERIOD_RE = re.compile(r"^(\d{4})\s*[Qq]([1-4])$")


def positive_int(text: str) -> int:
    """An argparse type: an int >= 1 (``--workers``, ``--top-k``)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"必须是不小于 1 的整数，收到 {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"必须是不小于 1 的整数，收到 {n}")
    return n


def non_negative_int(text: str) -> int:
    """An argparse type: an int >= 0 (``--skip-rows``)."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"必须是不小于 0 的整数，收到 {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"必须是不小于 0 的整数，收到 {n}")
    return n


def check_period(period: str | None) -> str | None:
    """Refuse a period that the quarterly report would refuse after the whole match."""
    if period is not None and _PERIOD_RE.match(period.strip()) is None:
        raise UsageError(f"--period {period!r} 不是季度；请写成 2026Q3 这样的四位年份加 Q1-Q4")
    return period


def check_excel_extra(*, read: bool = False, write: bool = False) -> None:
    """Refuse Excel input or output before any work when the ``excel`` extra is missing."""
    try:
        if read:
            import fastexcel  # noqa: F401
        if write:
            import xlsxwriter  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise UsageError(
            "读写 Excel 需要 excel 扩展：pip install 'matchcore[excel]'；或改用 CSV / Parquet"
        ) from exc


def load_config(path: str | Path | None) -> MatchConfig:
    """Read a :class:`~matchcore.MatchConfig` from a JSON file (None gives the defaults).

    A UTF-8 byte-order mark (Windows Notepad writes one) is accepted.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "c.json"
    >>> _ = p.write_bytes(b'\\xef\\xbb\\xbf{"top_k": 3}')
    >>> load_config(p).top_k
    3
    """
    if path is None:
        return MatchConfig()
    p = Path(path)
    if not p.is_file():
        raise ConfigError(
            f"配置文件不存在：{str(p)!r}；请检查 --config 的路径 (no such config file)"
        )
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"配置文件 {str(p)!r} 不是 UTF-8 文本；请另存为 UTF-8 编码的 JSON "
            f"(cannot read config: expected a JSON object)"
        ) from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"配置文件 {str(p)!r} 第 {exc.lineno} 行第 {exc.colno} 列不是合法的 JSON（{exc.msg}）；"
            "请修正该处 (cannot read config: expected a JSON object)"
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(
            f"配置文件 {str(p)!r} 应是一个 JSON 对象 {{...}}，收到 {type(data).__name__} "
            "(cannot read config: expected a JSON object)"
        )
    try:
        return MatchConfig.from_dict(data)
    except InvalidParameter as exc:
        exc.add_note(f"（配置文件 {str(p)!r}；请按上面的要求修改该字段）")
        raise


def executor(workers: int | None) -> Executor | None:
    """The assignment's executor for ``--workers N``: None (local processes, one a core) when
    not given, one thread for 1, a pool of exactly N processes otherwise."""
    if workers is None:
        return None
    if workers < 1:
        raise UsageError(f"--workers 必须是不小于 1 的整数，收到 {workers}")
    if workers == 1:
        return ThreadPoolExecutor(max_workers=1)
    return ProcessPoolExecutor(max_workers=workers)


def add_output_options(p: argparse.ArgumentParser) -> None:
    """``--format``, ``--force``, ``--no-progress`` and ``--workers`` of demo and match."""
    p.add_argument(
        "--format",
        choices=["parquet", "csv", "xlsx"],
        default="csv",
        help="format of the output tables (default csv; CSV cells that would run as formulas "
        "get a leading '; an xlsx table over 1,048,575 rows is split over several sheets)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace an existing non-empty --out folder (whole, once the run has succeeded)",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument(
        "--workers",
        type=positive_int,
        default=None,
        help="worker processes for the assignment, N >= 1 (default: one a core; 1: in one thread)",
    )


def exit_status(exc: MatchcoreError) -> int:
    """The exit status of a deliberate error, by its kind."""
    if isinstance(exc, OutputError | DbWriteError):
        return EXIT_OUTPUT
    if isinstance(exc, UsageError | ConfigError | InvalidParameter | DbArgumentError):
        return EXIT_USAGE
    if isinstance(exc, DbNotConfigured):
        return EXIT_USAGE
    if isinstance(
        exc, UnsupportedFile | MissingColumns | InvalidValue | AmbiguousRegion | UnknownOccupation
    ):
        return EXIT_INPUT
    if isinstance(exc, DatabaseError):  # the database could not be reached or read
        return EXIT_INPUT
    return EXIT_ERROR


def error_line(prog: str, exc: BaseException) -> str:
    """One line: ``prog: 错误 [MC202 输入文件无法读取] message notes``.

    Examples
    --------
    >>> from matchcore._errors import UsageError
    >>> error_line("matchcore match", UsageError("--workers 必须是不小于 1 的整数"))
    'matchcore match: 错误 [MC001 命令用法错误] --workers 必须是不小于 1 的整数'
    """
    if not isinstance(exc, MatchcoreError):
        # an unexpected error's text may quote a cell: name only its type (--debug shows all)
        return (
            f"{prog}: 错误 [MC999 内部错误] {type(exc).__name__}；"
            "请用 --debug 重跑并把输出报告给维护者"
        )
    head = f"[{exc.code} {exc.zh}]"
    message = str(exc).strip().removeprefix(f"[{exc.code}]").strip()  # the code is in the head
    parts = [message, *getattr(exc, "__notes__", [])]
    text = " ".join(p for p in parts if p)
    return f"{prog}: 错误 {head} " + " ".join(text.split())
