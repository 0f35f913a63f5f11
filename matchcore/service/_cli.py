"""``matchcore serve --index DIR [--host H --port P --workers N]``: run the HTTP service."""

from __future__ import annotations

import argparse
import copy
import logging
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import polars as pl

from matchcore._errors import InvalidParameter, MatchcoreError
from matchcore._matcher import Matcher, _read_manifest

__all__ = ["HELP", "add_arguments", "app_from_env", "run", "serve", "warm"]

HELP = "serve a saved Matcher index over HTTP (recommend, add and withdraw postings, code titles)"

log = logging.getLogger("matchcore.service")

_ENV_INDEX = "MATCHCORE_SERVE_INDEX"
_ENV_JOURNAL = "MATCHCORE_SERVE_JOURNAL"
_ENV_BODY = "MATCHCORE_SERVE_MAX_BODY"
_ENV_THREADS = "MATCHCORE_SERVE_THREADS"


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``matchcore serve``."""
    p.add_argument("--index", required=True, help="a directory written by Matcher.save")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    p.add_argument(
        "--workers", type=int, default=1, help="worker processes, each loading the index (1)"
    )
    p.add_argument(
        "--journal",
        default=None,
        help="file recording the postings added and withdrawn over HTTP, replayed at start so a "
        "restart keeps them (default: a temporary file, removed at exit)",
    )
    p.add_argument(
        "--max-body-bytes", type=int, default=1 << 20, help="largest request body (1 MiB)"
    )
    p.add_argument("--threads", type=int, default=4, help="requests a worker answers at once (4)")


def run(args: argparse.Namespace) -> int:
    """Run ``matchcore serve``; returns the exit status once the server stops."""
    serve(
        args.index,
        host=args.host,
        port=args.port,
        workers=args.workers,
        journal=args.journal,
        max_body_bytes=args.max_body_bytes,
        threads=args.threads,
    )
    return 0


def _log_config() -> dict[str, Any]:
    from uvicorn.config import LOGGING_CONFIG

    cfg = copy.deepcopy(LOGGING_CONFIG)
    cfg["loggers"]["matchcore"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return cfg


def _uvicorn() -> Any:
    try:
        import fastapi  # noqa: F401
        import uvicorn
    except ImportError:
        raise MatchcoreError(
            'matchcore serve needs FastAPI and uvicorn: pip install "matchcore[serve]" '
            "(服务需要安装 serve 扩展)"
        ) from None
    return uvicorn


def serve(
    index: str | os.PathLike[str],
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    journal: str | os.PathLike[str] | None = None,
    max_body_bytes: int = 1 << 20,
    threads: int = 4,
) -> None:
    """Serve the saved index at ``index`` over HTTP until interrupted.

    Parameters
    ----------
    index : path-like
        A directory written by :meth:`matchcore.Matcher.save`; every worker loads it.
    host, port : str, int
        Where to listen.
    workers : int
        Worker processes. With more than one, the postings added and withdrawn over HTTP go
        through a journal file that every worker replays, so all answer alike.
    journal : path-like, optional
        That file (kept, and replayed at the next start); a temporary one by default.
    max_body_bytes : int
        Larger request bodies get 413.
    threads : int
        Requests each worker answers at once.

    Examples
    --------
    >>> serve("/nowhere")
    Traceback (most recent call last):
    ...
    matchcore._matcher.SavedIndexError: [index_missing] no saved Matcher in '/nowhere' ...
    """
    limits = (
        ("port", port, 0),
        ("workers", workers, 1),
        ("max_body_bytes", max_body_bytes, 1),
        ("threads", threads, 1),
    )
    for name, value, lo in limits:
        if isinstance(value, bool) or not isinstance(value, int) or value < lo:
            raise InvalidParameter.of(name, "serve", value, f"an int in [{lo}, inf)")
    root = Path(index)
    _read_manifest(root)  # fail fast, before any worker starts
    uvicorn = _uvicorn()
    tmp = None
    if journal is None and workers > 1:
        tmp = tempfile.mkdtemp(prefix="matchcore-serve-")
        journal = Path(tmp) / "journal.jsonl"
    try:
        common: dict[str, Any] = {
            "host": host,
            "port": port,
            "access_log": False,  # paths and client addresses only, but the app logs counts
            "log_config": _log_config(),
        }
        if workers == 1:
            from matchcore.service._app import create_app
            from matchcore.service._state import SharedMatcher

            shared = SharedMatcher(warm(Matcher.load(root)), journal)
            app = create_app(
                shared, max_body_bytes=max_body_bytes, threads=threads, index_path=str(root)
            )
            uvicorn.run(app, **common)
        else:
            os.environ[_ENV_INDEX] = str(root.resolve())
            os.environ[_ENV_JOURNAL] = str(journal)
            os.environ[_ENV_BODY] = str(max_body_bytes)
            os.environ[_ENV_THREADS] = str(threads)
            uvicorn.run(
                "matchcore.service._cli:app_from_env", factory=True, workers=workers, **common
            )
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def warm(matcher: Any) -> Any:
    """Answer one made-up seeker, so the first real request does not pay for loading the title
    coder's model and the word segmenter (seconds); returns ``matcher``."""
    one = {"seeker_id": ["warm-up"], "desired_title": ["电工"], "region": ["济南市"]}
    matcher.answer(pl.DataFrame(one), k=1)
    return matcher


def app_from_env() -> Any:
    """The app of one worker process: the index and journal named by the environment."""
    from matchcore.service._app import create_app
    from matchcore.service._state import SharedMatcher

    root = os.environ[_ENV_INDEX]
    shared = SharedMatcher(warm(Matcher.load(root)), os.environ.get(_ENV_JOURNAL) or None)
    return create_app(
        shared,
        max_body_bytes=int(os.environ.get(_ENV_BODY, 1 << 20)),
        threads=int(os.environ.get(_ENV_THREADS, 4)),
        index_path=root,
    )
