"""Capacitated assignment solvers, recommendations with congestion control, sharded execution.

:func:`solve` assigns each seeker to at most one vacancy within the vacancies' openings (exact,
greedy or stable); :func:`recommend` builds ranked lists that do not send everyone to the same
few postings; :func:`coverage`, :func:`exposure_gini`, :func:`expected_hires` and :func:`gini`
measure them. Both solvers split the candidate graph into independent shards (connected
components) and run them through any ``concurrent.futures.Executor``.
"""

from matchcore.assign._kernels import SolverFailed
from matchcore.assign._recommend import (
    Recommendations,
    coverage,
    expected_hires,
    exposure_gini,
    gini,
    recommend,
)
from matchcore.assign._solve import Assignment, solve
from matchcore.synth._instances import random_instance

__all__ = [
    "Assignment",
    "Recommendations",
    "SolverFailed",
    "coverage",
    "expected_hires",
    "exposure_gini",
    "gini",
    "random_instance",
    "recommend",
    "solve",
]
