"""Progress bars on standard error that can be turned off, drawn by ``tqdm``.

``enabled=None`` (the default everywhere) shows the bar only when standard error is a terminal and
the environment variable ``MATCHCORE_PROGRESS`` is not ``0``; pass ``progress=False`` to any
long-running function (``--no-progress`` on the command line) to silence it.

Bars nest: a bar opened while another is open (the shards inside ``match``, the title coding
inside ``prepare``) is drawn on its own line below the outer one and removed when it closes,
instead of overwriting the outer bar's line.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TextIO, TypeVar

from tqdm import tqdm

__all__ = ["Progress", "progress_enabled", "track"]

T = TypeVar("T")


def progress_enabled(enabled: bool | None = None, stream: TextIO | None = None) -> bool:
    """Resolve a ``progress=`` argument: explicit True/False wins, else terminal and env decide.

    Examples
    --------
    >>> progress_enabled(False), progress_enabled(True)
    (False, True)
    """
    if enabled is not None:
        return bool(enabled)
    if os.environ.get("MATCHCORE_PROGRESS", "").strip() in {"0", "false", "no", "off"}:
        return False
    s = stream if stream is not None else sys.stderr
    return bool(getattr(s, "isatty", lambda: False)())


class Progress:
    """A counter with a bar that redraws at most every ``interval`` seconds.

    Parameters
    ----------
    total : int or None
        Expected number of steps, if known.
    desc : str
        Label before the bar.
    enabled : bool or None
        See :func:`progress_enabled`.
    stream : file, optional
        Where to draw (standard error by default).
    interval : float, default 0.2
        Least seconds between redraws.

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
        self._bar: Any = None
        if self.enabled:
            # leave=None: the outermost bar stays on screen, nested ones vanish when done
            self._bar = tqdm(
                total=total,
                desc=desc,
                file=self.stream,
                mininterval=interval,
                leave=None,
                dynamic_ncols=True,
                smoothing=0.1,
            )

    def update(self, n: int = 1) -> None:
        """Advance by ``n`` steps."""
        self.n += n
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        """Finish the bar."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None

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
