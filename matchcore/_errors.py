"""The exception hierarchy: every error matchcore raises on purpose is a :class:`MatchcoreError`.

Messages name the field, the value received and what was expected, and never a person's details
beyond the value that could not be read. Every class carries a stable machine ``code`` (``MC...``)
and a Chinese headline ``zh`` that the command line prints beside the message; the codes never
change meaning, so a service can script against them.

==========  ======================  ===========================================
code        class                   what
==========  ======================  ===========================================
MC000       MatchcoreError          any other deliberate error
MC001       UsageError              a command-line option or argument
MC101       InvalidParameter        a function or config parameter
MC102       InvalidValue            a field value that cannot be read
MC103       AmbiguousRegion         a region name several places share
MC104       UnknownOccupation       an occupation code not in the classification
MC201       MissingColumns          a table lacks required columns
MC202       UnsupportedFile         an input file missing, unreadable or of a wrong format
MC301       ConfigError             a config file that cannot be read
MC401       OutputError             an output folder or file that cannot be written
==========  ======================  ===========================================

The command line adds three codes that are not exception classes: ``MC501`` (a warning: the run
finished but produced no match), ``MC900`` (the system refused, e.g. a full disk) and ``MC999``
(an unexpected internal error, a bug).
"""

from __future__ import annotations

__all__ = [
    "AmbiguousRegion",
    "ConfigError",
    "InvalidParameter",
    "InvalidValue",
    "MatchcoreError",
    "MissingColumns",
    "OutputError",
    "UnknownOccupation",
    "UnsupportedFile",
    "UsageError",
]


class MatchcoreError(Exception):
    """Base class of the errors matchcore raises on purpose.

    ``code`` is a stable machine code and ``zh`` a Chinese headline, both per class.

    Examples
    --------
    >>> MissingColumns("seekers", ["region"], ["seeker_id"]).code
    'MC201'
    """

    code = "MC000"
    zh = "出错"


class InvalidParameter(MatchcoreError, ValueError):
    """A function or config parameter is out of its range.

    Examples
    --------
    >>> raise InvalidParameter.of("k", "top_k", 0, "an int in [1, inf)")
    Traceback (most recent call last):
    ...
    matchcore._errors.InvalidParameter: The 'k' parameter of top_k must be an int in [1, inf). Got 0 instead.
    """

    code = "MC101"
    zh = "参数取值不对"

    @classmethod
    def of(cls, name: str, owner: str, value: object, expected: str) -> InvalidParameter:
        """Build the message in the one template used across the library."""
        return cls(f"The {name!r} parameter of {owner} must be {expected}. Got {value!r} instead.")


class InvalidValue(MatchcoreError, ValueError):
    """A field value that cannot be read.

    Parameters
    ----------
    field : str
        The field being parsed, e.g. ``"salary"``.
    value : object
        The value received.
    expected : str
        What would have been readable.
    """

    code = "MC102"
    zh = "字段值无法读取"

    def __init__(self, field: str, value: object, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"cannot read {field} from {value!r}: expected {expected}")


class AmbiguousRegion(InvalidValue):
    """A region name that several places share; ``candidates`` lists their codes."""

    code = "MC103"
    zh = "地区名称有歧义"

    def __init__(
        self, value: object, candidates: list[str], names: list[str] | None = None
    ) -> None:
        self.candidates = list(candidates)
        shown = ", ".join(
            f"{c} {n}" for c, n in zip(candidates, names or [""] * len(candidates), strict=False)
        ).replace("  ", " ")
        super().__init__(
            "region",
            value,
            f"an unambiguous place; it matches {len(candidates)} places ({shown.strip()}): "
            "pass within= a province or city code",
        )


class UnknownOccupation(MatchcoreError, KeyError):
    """A code that is not well formed or not in the classification.

    ``suggestions`` holds the nearest codes that do exist.
    """

    code = "MC104"
    zh = "职业代码不存在"

    def __init__(self, value: object, suggestions: list[str] | None = None) -> None:
        self.value = value
        self.suggestions = list(suggestions or [])
        hint = f"; nearest codes: {', '.join(self.suggestions)}" if self.suggestions else ""
        self.message = (
            f"unknown occupation code {value!r}: expected a code of the 2022 classification "
            f"such as '6-31-01-03' or '6310103'{hint}"
        )
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


class MissingColumns(MatchcoreError, ValueError):
    """A table lacks required columns; the message lists all of them and the columns received."""

    code = "MC201"
    zh = "表缺少必需的列"

    def __init__(self, table: str, missing: list[str], received: list[str]) -> None:
        self.table = table
        self.missing = list(missing)
        self.received = list(received)
        super().__init__(
            f"{table} table is missing required column(s) {self.missing}; "
            f"columns received: {self.received}"
        )


class UsageError(MatchcoreError, ValueError):
    """A command-line option or argument that cannot be used (the message is in Chinese).

    Examples
    --------
    >>> raise UsageError("--workers 必须是不小于 1 的整数，收到 0")
    Traceback (most recent call last):
    ...
    matchcore._errors.UsageError: --workers 必须是不小于 1 的整数，收到 0
    """

    code = "MC001"
    zh = "命令用法错误"


class UnsupportedFile(MatchcoreError, ValueError):
    """An input file that does not exist, cannot be read, or whose format is not one we read.

    The message names the file and, where known, the line or sheet and how to fix it.

    Examples
    --------
    >>> UnsupportedFile("文件不存在：'s.csv'").code
    'MC202'
    """

    code = "MC202"
    zh = "输入文件无法读取"


class ConfigError(MatchcoreError, ValueError):
    """A config file that cannot be read.

    Examples
    --------
    >>> ConfigError("配置文件不存在：'c.json'").code
    'MC301'
    """

    code = "MC301"
    zh = "配置文件无法读取"


class OutputError(MatchcoreError, OSError):
    """An output folder or file that cannot be written, or that exists and would be overwritten.

    Examples
    --------
    >>> OutputError("输出文件夹已存在且不为空：'out'").code
    'MC401'
    """

    code = "MC401"
    zh = "输出位置无法写入"
