"""Synthetic data: a province's raw seeker and vacancy tables, reproducible from a seed.

:func:`province` returns tables that look like a Shandong public employment service's export
(regions written every way clerks write them, employer-style titles, a few percent of defective
rows); :func:`province_with_truth` also returns what is true about each row.

Examples
--------
>>> import matchcore as mc
>>> seekers, vacancies = mc.synth.province(100, 20, seed=0)
>>> seekers.height, vacancies.height
(100, 20)
"""

from matchcore.synth._province import Province, province, province_with_truth

__all__ = ["Province", "province", "province_with_truth"]
