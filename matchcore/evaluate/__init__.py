"""Judging match quality: figures of a run against a caseworker's hand-judged set.

Examples
--------
>>> from matchcore import evaluate
>>> "专业对口" in evaluate.FIT_PHRASES
True
"""

from matchcore.evaluate._caseworker import FIT_PHRASES, CaseworkerFigures, caseworker_figures

__all__ = ["FIT_PHRASES", "CaseworkerFigures", "caseworker_figures"]
