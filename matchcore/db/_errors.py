"""Errors of the database layer: one Chinese line a caseworker or operator reads, with a code.

Every message has passed through :func:`matchcore.db.redact`: no password ever shows.
"""

from __future__ import annotations

from matchcore._errors import MatchcoreError

__all__ = [
    "DatabaseError",
    "DbArgumentError",
    "DbAuthError",
    "DbConnectError",
    "DbNotConfigured",
    "DbQueryError",
    "DbWriteError",
]


class DatabaseError(MatchcoreError, RuntimeError):
    """A database step failed; ``code`` is a stable machine code, the message one Chinese line.

    Examples
    --------
    >>> str(DbNotConfigured("未设置数据库连接"))
    '[DB_NOT_CONFIGURED] 未设置数据库连接'
    """

    code = "DB_ERROR"
    zh = "数据库出错"

    def __init__(self, message: str) -> None:
        self.message = " ".join(message.split())  # one line, whatever the driver sent
        super().__init__(f"[{self.code}] {self.message}")


class DbNotConfigured(DatabaseError):
    """No connection in the environment: neither the named variable nor PG* variables are set."""

    code = "DB_NOT_CONFIGURED"
    zh = "未配置数据库连接"


class DbConnectError(DatabaseError):
    """The server could not be reached or refused the connection for a reason other than login."""

    code = "DB_CONNECT"
    zh = "无法连接数据库"


class DbAuthError(DbConnectError):
    """The server refused the user name or password."""

    code = "DB_AUTH"
    zh = "数据库拒绝登录"


class DbQueryError(DatabaseError):
    """A query or table could not be read."""

    code = "DB_QUERY"
    zh = "数据库读取失败"


class DbWriteError(DatabaseError):
    """A run could not be written; the transaction was rolled back and nothing of it is kept."""

    code = "DB_WRITE"
    zh = "数据库写入失败"


class DbArgumentError(DatabaseError):
    """Command-line database options that do not fit together."""

    code = "DB_ARGS"
    zh = "数据库选项用法错误"
