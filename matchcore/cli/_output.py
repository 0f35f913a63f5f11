"""Output folders and files that appear whole or not at all.

A command checks its output before reading any data (:func:`check_folder`, :func:`check_file`),
writes everything into a hidden temporary folder or file beside the target, and renames it into
place only when every part is written (:class:`Staging`). A run that fails leaves nothing behind;
an existing non-empty target is replaced only with ``--force``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from matchcore._errors import OutputError

__all__ = ["Staging", "check_file", "check_folder"]


def _umask_mode(mode: int) -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mode & ~mask


def _writable_parent(target: Path) -> Path:
    """Create ``target``'s parent folder if needed and prove it takes a new entry."""
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        probe = tempfile.mkdtemp(dir=parent, prefix=f".{target.name}.probe-")
        os.rmdir(probe)
    except OSError as exc:
        raise OutputError(
            f"无法在 {str(parent)!r} 中写入（{exc.strerror or type(exc).__name__}）；"
            "请换一个可写的 --out 位置，或检查该文件夹的权限与剩余空间"
        ) from exc
    return parent


def check_folder(out: str | Path, *, force: bool) -> Path:
    """Check that ``out`` can become the output folder; return it as an absolute path.

    Refused: an existing file, an existing non-empty folder (unless ``force``), a place whose
    parent cannot be created or written.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> check_folder(d / "out", force=False).name
    'out'
    """
    out = Path(out).absolute()
    if out.exists() and not out.is_dir():
        raise OutputError(
            f"输出位置 {str(out)!r} 是一个已有文件，不是文件夹；请给 --out 一个新的文件夹名"
        )
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OutputError(
            f"输出文件夹 {str(out)!r} 已存在且不为空；请换一个 --out，"
            "或加 --force 用本次结果整体替换它"
        )
    _writable_parent(out)
    return out


def check_file(out: str | Path, *, force: bool) -> Path:
    """Check that ``out`` can become the output file; return it as an absolute path.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> check_file(d / "coded.csv", force=False).name
    'coded.csv'
    """
    out = Path(out).absolute()
    if out.is_dir():
        raise OutputError(f"输出位置 {str(out)!r} 是一个文件夹；请给出一个文件名")
    if out.exists() and not force:
        raise OutputError(f"输出文件 {str(out)!r} 已存在；请换一个 --out，或加 --force 覆盖它")
    _writable_parent(out)
    return out


class Staging:
    """A temporary folder (or file) beside ``target``, renamed into place by :meth:`commit`.

    Use as a context manager: leaving the block without :meth:`commit` removes the temporary
    folder, so a failed run leaves nothing half-written.

    Parameters
    ----------
    target : Path
        The final folder or file (checked with :func:`check_folder` / :func:`check_file`).
    is_file : bool, default False
        Stage a single file: :attr:`path` is then a temporary file path in ``target``'s folder.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "run"
    >>> with Staging(out) as staged:
    ...     _ = (staged.path / "a.txt").write_text("ok")
    ...     staged.commit()
    >>> sorted(p.name for p in out.iterdir())
    ['a.txt']
    """

    def __init__(self, target: Path, *, is_file: bool = False) -> None:
        self.target = Path(target).absolute()
        self.is_file = is_file
        self.committed = False
        parent = _writable_parent(self.target)
        try:
            self._dir = Path(tempfile.mkdtemp(dir=parent, prefix=f".{self.target.name}.partial-"))
        except OSError as exc:  # pragma: no cover - checked just above
            raise OutputError(f"无法在 {str(parent)!r} 中写入：{exc}") from exc
        self.path = self._dir / self.target.name if is_file else self._dir

    def __enter__(self) -> Staging:
        return self

    def commit(self) -> None:
        """Move the staged result into place, replacing what ``--force`` allowed to replace."""
        os.chmod(self._dir, _umask_mode(0o777))
        backup: Path | None = None
        target = self.target
        try:
            if target.is_dir() and not target.is_symlink():
                if any(target.iterdir()):
                    backup = Path(
                        tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-")
                    )
                    os.rmdir(backup)
                    target.rename(backup)
                else:
                    target.rmdir()
            if self.is_file:
                os.replace(self.path, target)
            else:
                self._dir.rename(target)
        except OSError as exc:
            if backup is not None and not target.exists():
                backup.rename(target)
            raise OutputError(
                f"无法把结果移到 {str(target)!r}（{exc.strerror or type(exc).__name__}）；"
                "原有内容未改动，请检查权限后重试"
            ) from exc
        self.committed = True
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)

    def __exit__(
        self,
        et: type[BaseException] | None,
        ev: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        with contextlib.suppress(OSError):
            if self._dir.exists():
                shutil.rmtree(self._dir)
