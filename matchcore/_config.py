"""The old import path of ``MatchConfig``; it lives in :mod:`matchcore.scoring._config`, beside
the score components it weighs."""

from matchcore.scoring._config import (
    AUTO_EXACT_PAIRS,
    DEFAULT_WEIGHTS,
    RECOMMEND_EPS_FACTOR,
    MatchConfig,
)

__all__ = ["AUTO_EXACT_PAIRS", "DEFAULT_WEIGHTS", "RECOMMEND_EPS_FACTOR", "MatchConfig"]
