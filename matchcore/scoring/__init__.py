"""Vectors, candidates and explained compatibility scores.

Pipeline: :class:`VacancyIndex` ``.fit(vacancies)`` vectorises and blocks the prepared vacancies;
``.candidates(seekers)`` returns, for every seeker, the best K vacancies among those passing the
hard constraints as a :class:`Candidates` result (a ``scipy.sparse.csr_array`` of final scores plus
one array per registered component), exactly equal to a brute-force scan of all pairs without ever
forming the full matrix (see :mod:`matchcore.scoring._index` for the design). The components are
:class:`Component` objects in one registry (:data:`COMPONENTS`, :func:`components`; see
:mod:`matchcore.scoring._components` for how to add one; a component's :class:`Phrase` is what
the reason sentence says of it). ``Candidates.top(m)``,
``Candidates.lookup(rows, cols)`` and ``Candidates.frame(rows, cols, rank=...)`` are what later
stages read; ``Candidates.to_frame()`` gives the table with a Chinese ``reason`` per pair, and
:func:`fit_weights` learns the weights of :class:`matchcore.MatchConfig` from past hires
(:func:`outcome_labels` turns recorded outcomes into its input).

Examples
--------
>>> import matchcore as mc
>>> seekers, vacancies = mc.synth.fake_prepared(40, 30, seed=0)
>>> cand = mc.scoring.candidates(seekers, vacancies, mc.MatchConfig(candidates=5))
>>> cand.scores.shape
(40, 30)
>>> sorted(cand.components) == sorted(c.name for c in mc.scoring.COMPONENTS)
True
"""

from matchcore.scoring._components import (
    COMPONENTS,
    Component,
    component_names,
    components,
    education_allowed,
    education_score,
    experience_score,
    level_score,
    priority_score,
    region_allowed,
    region_score,
    registered,
    salary_score,
    trainee_eligible,
)
from matchcore.scoring._index import Candidates, VacancyIndex, candidates
from matchcore.scoring._outcomes import outcome_labels
from matchcore.scoring._phrases import Phrase
from matchcore.scoring._related import major_codes, relatedness
from matchcore.scoring._weights import fit_weights

__all__ = [
    "COMPONENTS",
    "Candidates",
    "Component",
    "Phrase",
    "VacancyIndex",
    "candidates",
    "component_names",
    "components",
    "education_allowed",
    "education_score",
    "experience_score",
    "fit_weights",
    "level_score",
    "major_codes",
    "outcome_labels",
    "priority_score",
    "region_allowed",
    "region_score",
    "registered",
    "relatedness",
    "salary_score",
    "trainee_eligible",
]
