"""The connection: from the environment only, never from an argument; passwords redacted.

A URI (``postgresql://user:password@host:port/dbname``, or a libpq ``key=value`` string) in an
environment variable the caller names (``MATCHCORE_DB`` by default), or else the standard libpq
variables ``PGHOST``, ``PGPORT``, ``PGUSER``, ``PGPASSWORD``, ``PGDATABASE`` (and ``PGPASSFILE``,
``PGSERVICE``), which libpq reads itself. A command line takes the *name* of the variable, so the
password never shows in the process list or the shell history.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from matchcore.db._errors import (
    DatabaseError,
    DbAuthError,
    DbConnectError,
    DbNotConfigured,
)

__all__ = ["DEFAULT_ENV", "connect", "connection_uri", "describe", "redact"]

log = logging.getLogger(__name__)

#: The environment variable read when the caller names none.
DEFAULT_ENV = "MATCHCORE_DB"

_PG_VARS = ("PGHOST", "PGHOSTADDR", "PGPORT", "PGUSER", "PGDATABASE", "PGSERVICE", "PGPASSFILE")
_URI_PASSWORD = re.compile(r"(?i)\b(postgres(?:ql)?://[^:/@\s]*:)[^@\s]*@")
_KV_PASSWORD = re.compile(r"(?i)\b(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^&\s]+)")
_AUTH_FAILED = re.compile(
    r"(?i)password authentication failed|no password supplied|authentication failed|28P01|28000"
)


def _secrets(uri: str | None, environ: Mapping[str, str]) -> list[str]:
    out = []
    pw = environ.get("PGPASSWORD")
    if pw:
        out.append(pw)
    if uri:
        m = _URI_PASSWORD.search(uri)
        if m:
            raw = uri[m.end(1) : m.end() - 1]
            out += [raw, unquote(raw)]
        for m2 in _KV_PASSWORD.finditer(uri):
            val = m2.group(2).strip("'")
            out += [val, unquote(val)]
    return sorted({s for s in out if len(s) >= 3}, key=len, reverse=True)


def redact(text: str, uri: str | None = None, *, environ: Mapping[str, str] | None = None) -> str:
    """``text`` with every password replaced by ``***``.

    Replaces the password part of ``postgresql://user:password@`` URIs and of ``password=...``
    pairs, and any literal occurrence of the password in ``uri`` or in ``PGPASSWORD``.

    Parameters
    ----------
    text : str
        A message, possibly from the driver.
    uri : str, optional
        The connection string used, whose password is also removed wherever it appears.
    environ : mapping, optional
        The environment (``os.environ`` by default), for ``PGPASSWORD``.

    Returns
    -------
    str

    Examples
    --------
    >>> redact("cannot reach postgresql://ann:s3cret!@db:5432/jobs", environ={})
    'cannot reach postgresql://ann:***@db:5432/jobs'
    >>> redact("host=db password='a b' user=ann", environ={})
    'host=db password=*** user=ann'
    """
    environ = os.environ if environ is None else environ
    out = _URI_PASSWORD.sub(r"\1***@", text)
    out = _KV_PASSWORD.sub(r"\1***", out)
    for secret in _secrets(uri, environ):
        out = out.replace(secret, "***")
    return out


def connection_uri(
    env: str | None = DEFAULT_ENV, *, environ: Mapping[str, str] | None = None
) -> str:
    """The connection string from the environment.

    The variable ``env`` if it is set and not empty; else ``"postgresql://"``, which makes libpq
    read the PG* variables, if any of them is set.

    Raises
    ------
    DbNotConfigured
        If neither is set.

    Examples
    --------
    >>> connection_uri("JOBS_DB", environ={"JOBS_DB": "postgresql://ann@db/jobs"})
    'postgresql://ann@db/jobs'
    >>> connection_uri("JOBS_DB", environ={"PGHOST": "db", "PGDATABASE": "jobs"})
    'postgresql://'
    """
    environ = os.environ if environ is None else environ
    if env and environ.get(env, "").strip():
        return environ[env].strip()
    if any(environ.get(v) for v in _PG_VARS):
        if env:
            log.info("%s is not set: connecting with the PG* environment variables", env)
        return "postgresql://"
    name = env or DEFAULT_ENV
    raise DbNotConfigured(
        f"未找到数据库连接：请在环境变量 {name} 中设置 postgresql:// 连接串，"
        "或设置 PGHOST、PGPORT、PGUSER、PGPASSWORD、PGDATABASE 等 PG* 环境变量"
        "（不要在命令行参数中写密码）"
    )


def describe(uri: str, *, environ: Mapping[str, str] | None = None) -> str:
    """Where ``uri`` points, for messages, without the password.

    Examples
    --------
    >>> describe("postgresql://ann:pw123@db:5433/jobs", environ={})
    'postgresql://ann:***@db:5433/jobs'
    >>> describe("postgresql://", environ={"PGHOST": "db", "PGUSER": "ann", "PGPASSWORD": "x"})
    'PG* 环境变量（PGHOST=db, PGUSER=ann）'
    """
    environ = os.environ if environ is None else environ
    if uri.rstrip("/") in ("postgresql:", "postgres:"):
        shown = ", ".join(f"{v}={environ[v]}" for v in _PG_VARS if environ.get(v))
        return redact(f"PG* 环境变量（{shown}）", uri, environ=environ)
    try:
        parts = urlsplit(uri)
        if parts.scheme and parts.query:
            uri = uri.split("?", 1)[0]  # options may carry a password; the target is enough
    except ValueError:
        pass
    return redact(uri, uri, environ=environ)


def _driver() -> Any:
    try:
        import adbc_driver_postgresql.dbapi as pg
    except ImportError as exc:
        raise DatabaseError(
            "读写数据库需要安装 db 扩展：pip install 'matchcore[db]'（ADBC PostgreSQL 驱动）"
        ) from exc
    return pg


def connect(env: str | None = DEFAULT_ENV, *, autocommit: bool = False) -> Any:
    """Open a PostgreSQL connection (ADBC DB-API) from the environment.

    Parameters
    ----------
    env : str, optional
        Name of the environment variable holding the URI (``MATCHCORE_DB`` by default); the PG*
        variables are used when it is not set.
    autocommit : bool, default False
        Transactions are explicit (``commit``/``rollback``) unless True.

    Returns
    -------
    adbc_driver_manager.dbapi.Connection
        Use it as a context manager, or close it.

    Raises
    ------
    DbNotConfigured, DbAuthError, DbConnectError
        One line in Chinese, with the code, never the password.

    Examples
    --------
    >>> with connect("MATCHCORE_DB") as conn, conn.cursor() as cur:  # doctest: +SKIP
    ...     cur.execute("SELECT 1")
    """
    uri = connection_uri(env)
    pg = _driver()
    try:
        return pg.connect(uri, autocommit=autocommit)
    except Exception as exc:  # the driver's own classes; turned into ours, without a chain
        detail = redact(str(exc), uri).replace("IO: [libpq] ", "")
        target = describe(uri)
        err: DatabaseError
        if _AUTH_FAILED.search(detail):
            err = DbAuthError(f"数据库拒绝登录：用户名或密码错误（{target}）")
        else:
            first = detail.strip().splitlines()[0] if detail.strip() else type(exc).__name__
            err = DbConnectError(f"无法连接数据库（{target}）：{first}")
    raise err
