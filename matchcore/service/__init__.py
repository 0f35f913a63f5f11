"""The online service: ``matchcore serve --index DIR``, an HTTP front of a saved Matcher.

Install with the ``serve`` extra (``pip install "matchcore[serve]"``: FastAPI and uvicorn).
:func:`create_app` builds the app over a :class:`~matchcore.Matcher`; :func:`serve` runs it
with uvicorn, with several worker processes that load the same saved index and keep their
postings alike through a journal file (:class:`SharedMatcher`). FastAPI is imported only when
one of these names is first used, so the command line works without the extra.

Examples
--------
>>> from matchcore.service import create_app, serve
>>> callable(create_app) and callable(serve)
True
"""

from __future__ import annotations

from typing import Any

__all__ = ["SharedMatcher", "create_app", "serve"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from matchcore.service._app import create_app

        return create_app
    if name == "serve":
        from matchcore.service._cli import serve

        return serve
    if name == "SharedMatcher":
        from matchcore.service._state import SharedMatcher

        return SharedMatcher
    raise AttributeError(f"module 'matchcore.service' has no attribute {name!r}")
