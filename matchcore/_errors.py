"""The exception hierarchy: every error matchcore raises on purpose is a :class:`MatchcoreError`.

Messages name the field, the value received and what was expected, and never a person's details
beyond the value that could not be read.
"""

from __future__ import annotations

__all__ = [
    "AmbiguousRegion",
    "InvalidParameter",
    "InvalidValue",
    "MatchcoreError",
    "MissingColumns",
    "UnknownOccupation",
]


class MatchcoreError(Exception):
    """Base class of the errors matchcore raises on purpose."""


class InvalidParameter(MatchcoreError, ValueError):
    """A function or config parameter is out of its range.

    Examples
    --------
    >>> raise InvalidParameter.of("k", "top_k", 0, "an int in [1, inf)")
    Traceback (most recent call last):
    ...
    matchcore._errors.InvalidParameter: The 'k' parameter of top_k must be an int in [1, inf). Got 0 instead.
    """

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

    def __init__(self, field: str, value: object, expected: str) -> None:
        self.field = field
        self.value = value
        self.expected = expected
        super().__init__(f"cannot read {field} from {value!r}: expected {expected}")


class AmbiguousRegion(InvalidValue):
    """A region name that several places share; ``candidates`` lists their codes."""

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

    def __init__(self, table: str, missing: list[str], received: list[str]) -> None:
        self.table = table
        self.missing = list(missing)
        self.received = list(received)
        super().__init__(
            f"{table} table is missing required column(s) {self.missing}; "
            f"columns received: {self.received}"
        )
