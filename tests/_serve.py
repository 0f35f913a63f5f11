"""``matchcore serve`` in a child process on a free loopback port, for the tests and benchmarks.

Shared by ``tests/test_service.py`` and ``benchmarks/test_bench_service.py`` (like
``tests/_pgserver.py`` for PostgreSQL). Only 127.0.0.1 is ever addressed.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on now, on the loopback interface."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def call(port, method, path, body=None, *, raw=None, headers=None, timeout=120) -> tuple[int, Any]:
    """(status, parsed JSON or text) of one request on a fresh connection."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        hdrs = {"content-type": "application/json", **(headers or {})}
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        text = resp.read().decode("utf-8")
        try:
            return resp.status, json.loads(text)
        except ValueError:
            return resp.status, text
    finally:
        conn.close()


class Server:
    """``matchcore serve --index INDEX *args`` in a child process, its log in ``log_dir``.

    Waits until ``GET /health`` answers (at most ``start_timeout`` seconds); :meth:`stop` ends it.
    """

    def __init__(self, index, log_dir, *args: str, start_timeout: float = 180) -> None:
        self.port = free_port()
        self.log = Path(log_dir) / f"serve-{self.port}.log"
        cmd = [
            sys.executable,
            "-c",
            "import sys; from matchcore.cli import main; sys.exit(main())",
            "serve",
            "--index",
            str(index),
            "--port",
            str(self.port),
            *args,
        ]
        env = {**os.environ, "MATCHCORE_PROGRESS": "0"}
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
        deadline = time.monotonic() + start_timeout
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text(encoding='utf-8')}")
            try:
                status, _ = call(self.port, "GET", "/health", timeout=5)
                if status == 200:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"server did not start in {start_timeout:.0f} s")
            time.sleep(0.3)

    def rss_mib(self) -> float:
        """Resident memory of the server, its worker processes included."""
        return sum(_rss(p) for p in _tree(self.proc.pid))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def _tree(pid: int) -> list[int]:
    out = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            for child in f.read().split():
                out += _tree(int(child))
    except OSError:
        pass
    return out


def _rss(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
