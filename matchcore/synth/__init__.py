"""Synthetic data, all of it, reproducible from a seed.

:func:`province` returns raw tables that look like a Shandong public employment service's export
(regions written every way clerks write them, employer-style titles, a few percent of defective
rows); :func:`province_with_truth` also returns what is true about each row.
:func:`fake_prepared` gives tables already in the shape ``records.prepare`` hands to scoring
(for scoring's tests and benchmarks), :func:`random_instance` a sparse score matrix and
capacities (for the assignment solvers').

Examples
--------
>>> import matchcore as mc
>>> seekers, vacancies = mc.synth.province(100, 20, seed=0)
>>> seekers.height, vacancies.height
(100, 20)
"""

from matchcore.synth._instances import random_instance
from matchcore.synth._prepared import fake_prepared
from matchcore.synth._province import Province, province, province_with_truth

__all__ = ["Province", "fake_prepared", "province", "province_with_truth", "random_instance"]
