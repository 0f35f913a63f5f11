"""matchcore: match job seekers with vacancies at the scale of a province.

Stages, each a subpackage: :mod:`matchcore.normalize` (clean and parse messy records, code
titles), :mod:`matchcore.occupations` (the 2022 classification), :mod:`matchcore.scoring`
(candidates and explained scores) and :mod:`matchcore.assign` (capacitated matching and
recommendations).

Examples
--------
>>> import matchcore as mc
>>> mc.occupations.load()["6-31-01-03"].name
'电工'
"""

import logging

from matchcore import assign, evaluate, normalize, occupations, records, report, scoring, synth
from matchcore._errors import (
    AmbiguousRegion,
    ConfigError,
    InvalidParameter,
    InvalidValue,
    MatchcoreError,
    MissingColumns,
    OutputError,
    UnknownOccupation,
    UnsupportedFile,
    UsageError,
)
from matchcore._match import match
from matchcore._matcher import NO_ANSWER_REASONS, Matcher, MatcherAnswer, SavedIndexError
from matchcore._result import MatchResult
from matchcore._version import __version__
from matchcore.scoring._config import MatchConfig

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "NO_ANSWER_REASONS",
    "AmbiguousRegion",
    "ConfigError",
    "InvalidParameter",
    "InvalidValue",
    "MatchConfig",
    "MatchResult",
    "MatchcoreError",
    "Matcher",
    "MatcherAnswer",
    "MissingColumns",
    "OutputError",
    "SavedIndexError",
    "UnknownOccupation",
    "UnsupportedFile",
    "UsageError",
    "__version__",
    "assign",
    "evaluate",
    "match",
    "normalize",
    "occupations",
    "records",
    "report",
    "scoring",
    "synth",
]
