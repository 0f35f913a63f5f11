"""A throwaway PostgreSQL server for the database tests: ``initdb`` in a temporary folder.

The server runs as a non-root user (PostgreSQL refuses to run as root: when the tests run as
root, as in CI, it runs as the ``postgres`` system user that Debian's package creates, or
``nobody``), listens on a free loopback port and on a unix socket in the temporary folder, and
is stopped and removed by :meth:`PgServer.stop`.

Where no server can start (no binaries), the fixture skips with the reason; with
``MATCHCORE_REQUIRE_DB=1`` (set by ``.ci/run``) it fails instead, so CI never skips silently.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

__all__ = ["PgServer", "ServerUnavailable", "find_bin_dir"]

USER = "mc_admin"
PASSWORD = "s3cret-Pa55"  # the superuser's password: tests check it never shows


class ServerUnavailable(RuntimeError):
    """No PostgreSQL server could be started here (the message says why)."""


def find_bin_dir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: $PG_BIN, then Debian's, then the PATH."""
    env = os.environ.get("PG_BIN")
    candidates = [env] if env else []
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    for c in candidates:
        if c and (Path(c) / "initdb").is_file() and (Path(c) / "pg_ctl").is_file():
            return Path(c)
    on_path = shutil.which("initdb")
    if on_path and shutil.which("pg_ctl"):
        return Path(on_path).parent
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> str | None:
    """The user to run the server as: None for the current (non-root) user."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise ServerUnavailable("running as root and no 'postgres' or 'nobody' user to run the server")


class PgServer:
    """A PostgreSQL server in a temporary folder; :meth:`start`, then :meth:`stop`."""

    def __init__(self) -> None:
        self.bin_dir = find_bin_dir()
        self.port = 0
        self.folder: Path | None = None
        self.user = _run_as() if self.bin_dir else None

    def _cmd(self, *argv: str) -> list[str]:
        if self.user is None:
            return list(argv)
        runner = shutil.which("runuser") or shutil.which("su")
        if runner is None:
            raise ServerUnavailable("running as root and neither runuser nor su is available")
        if runner.endswith("runuser"):
            return [runner, "-u", self.user, "--", *argv]
        return [runner, "-s", "/bin/sh", self.user, "-c", " ".join(argv)]

    def _run(self, *argv: str) -> None:
        proc = subprocess.run(self._cmd(*argv), capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise ServerUnavailable(f"{Path(argv[0]).name} failed: {proc.stderr.strip()[-800:]}")

    def start(self) -> PgServer:
        """initdb, start on a free port, and create the ``matchcore_test`` database."""
        if self.bin_dir is None:
            raise ServerUnavailable(
                "no PostgreSQL binaries (initdb, pg_ctl): apt-get install postgresql, or set PG_BIN"
            )
        self.folder = Path(tempfile.mkdtemp(prefix="matchcore-pg-"))
        data, sock = self.folder / "data", self.folder / "sock"
        sock.mkdir()
        pwfile = self.folder / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self.user is not None:
            info = pwd.getpwnam(self.user)
            for p in (self.folder, sock, pwfile):
                os.chown(p, info.pw_uid, info.pw_gid)
        os.chmod(self.folder, 0o700)
        b = self.bin_dir
        self._run(
            str(b / "initdb"),
            "-D",
            str(data),
            "-U",
            USER,
            f"--pwfile={pwfile}",
            "--auth=scram-sha-256",
            "-E",
            "UTF8",
            "--locale=C",
        )
        self.port = _free_port()
        opts = f"-h 127.0.0.1 -p {self.port} -k {sock} -c fsync=off -c full_page_writes=off"
        self._run(
            str(b / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "log"), "-o", opts,
            "-w", "start",
        )  # fmt: skip
        self.execute_admin("CREATE DATABASE matchcore_test")
        return self

    def uri(
        self, *, password: str = PASSWORD, user: str = USER, dbname: str = "matchcore_test"
    ) -> str:
        """A ``postgresql://`` URI of the loopback port."""
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{dbname}"

    def execute_admin(self, sql: str, dbname: str = "postgres") -> None:
        """Run one statement outside a transaction (CREATE DATABASE) as the superuser."""
        import adbc_driver_postgresql.dbapi as pg

        with pg.connect(self.uri(dbname=dbname), autocommit=True) as conn, conn.cursor() as cur:
            cur.execute(sql)

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        if self.folder is None or self.bin_dir is None:
            return
        try:
            subprocess.run(
                self._cmd(str(self.bin_dir / "pg_ctl"), "-D", str(self.folder / "data"), "-m",
                          "immediate", "-w", "stop"),
                capture_output=True,
                check=False,
            )  # fmt: skip
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None
