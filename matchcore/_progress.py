"""A small progress bar on standard error that can be turned off.

``enabled=None`` (the default everywhere) shows the bar only when standard error is a terminal and
the environment variable ``MATCHCORE_PROGRESS`` is not ``0``; pass ``progress=False`` to any
long-running function to silence it.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

__all__ = ["Progress", "progress_enabled", "track"]

T = TypeVar("T")


def progress_enabled(enabled: bool | None = None, stream: TextIO | None = None) -> bool:
    """Resolve a ``progress=`` argument: explicit True/False wins, else terminal and env decide."""
    if enabled is not None:
        return bool(enabled)
    if os.environ.get("MATCHCORE_PROGRESS", "").strip() in {"0", "false", "no", "off"}:
        return False
    s = stream if stream is not None else sys.stderr
    return bool(getattr(s, "isatty", lambda: False)())


class Progress:
    """A counter that redraws one status line at most every ``interval`` seconds.

    Parameters
    ----------
    total : int or None
        Expected number of steps, if known.
    desc : str
        Label before the bar.
    enabled : bool or None
        See :func:`progress_enabled`.

    Examples
    --------
    >>> with Progress(total=3, desc="coding", enabled=False) as bar:
    ...     for _ in range(3):
    ...         bar.update()
    >>> bar.n
    3
    """

    def __init__(
        self,
        total: int | None = None,
        desc: str = "",
        *,
        enabled: bool | None = None,
        stream: TextIO | None = None,
        interval: float = 0.2,
    ) -> None:
        self.total = total
        self.desc = desc
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = progress_enabled(enabled, self.stream)
        self.interval = interval
        self.n = 0
        self._start = time.perf_counter()
        self._last = 0.0

    def update(self, n: int = 1) -> None:
        """Advance by ``n`` steps."""
        self.n += n
        if self.enabled:
            now = time.perf_counter()
            if now - self._last >= self.interval or (self.total and self.n >= self.total):
                self._last = now
                self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = now - self._start
        rate = self.n / elapsed if elapsed > 0 else 0.0
        if self.total:
            frac = min(1.0, self.n / self.total)
            filled = int(frac * 24)
            bar = "#" * filled + "-" * (24 - filled)
            line = f"\r{self.desc} [{bar}] {self.n}/{self.total} {frac:4.0%} {elapsed:6.1f}s"
        else:
            line = f"\r{self.desc} {self.n} {elapsed:6.1f}s"
        self.stream.write(f"{line} ({rate:,.0f}/s)")
        self.stream.flush()

    def close(self) -> None:
        """Finish the line."""
        if self.enabled:
            self._draw(time.perf_counter())
            self.stream.write("\n")
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def track(
    items: Iterable[T], *, total: int | None = None, desc: str = "", enabled: bool | None = None
) -> Iterator[T]:
    """Iterate over ``items`` with a :class:`Progress` bar.

    Examples
    --------
    >>> list(track(range(3), enabled=False))
    [0, 1, 2]
    """
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with Progress(total=total, desc=desc, enabled=enabled) as bar:
        for item in items:
            yield item
            bar.update()
