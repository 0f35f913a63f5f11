"""Seeker and vacancy records: read them from files, validate and type them for matching.

:func:`read` reads the files a service exports (CSV in UTF-8 or GBK/GB18030, Parquet, Excel);
:func:`prepare` validates and types the raw tables and returns a :class:`Prepared` with the
rows it kept and one ``rejected`` row per problem (a stable ``code`` beside a Chinese
``reason``). Headers may be Chinese or near-miss names (:data:`COLUMN_ALIASES`, read by
:func:`canonical`); seekers' key groups (:data:`KEY_GROUPS`) are read by :func:`read_groups`.

Examples
--------
>>> import polars as pl, matchcore as mc
>>> seekers = pl.DataFrame({"seeker_id": ["a", "b"], "desired_occupation": ["6310103", "6180204"],
...                         "region": ["济南市历下区", None]})
>>> vacancies = pl.DataFrame({"vacancy_id": ["v"], "occupation_code": ["6-31-01-03"],
...                           "openings": ["3人"], "region": ["济阳县"]})
>>> p = mc.records.prepare(seekers, vacancies)
>>> p.summary().rows()
[('seekers', 2, 1, 1, 0), ('vacancies', 1, 1, 0, 0)]
>>> p.rejected.select("table", "row", "line", "field", "code", "reason").rows()
[('seekers', 1, 3, 'region', 'missing_region', '第 3 行：缺少所在地区')]
>>> p.vacancies.select("openings", "region_code").rows()
[(3, '370115')]
"""

from matchcore.records._columns import (
    COLUMN_ALIASES,
    COLUMN_LABELS,
    KEY_GROUPS,
    SEEKER_COLUMNS,
    VACANCY_COLUMNS,
    canonical,
    read_groups,
)
from matchcore.records._industry import (
    ADVANCED_MANUFACTURING_PREFIXES,
    HIGH_TECH_PREFIXES,
    SHANDONG_ADVANCED_PREFIXES,
    industry_code,
    is_advanced_manufacturing,
)
from matchcore.records._prepare import (
    DEFAULT_OPENINGS,
    MAX_TITLE_CHARS,
    REJECTED_CODES,
    Prepared,
    TitleCoderLike,
    as_polars,
    canonical_headers,
    prepare,
)
from matchcore.records._read import read

__all__ = [
    "ADVANCED_MANUFACTURING_PREFIXES",
    "COLUMN_ALIASES",
    "COLUMN_LABELS",
    "DEFAULT_OPENINGS",
    "HIGH_TECH_PREFIXES",
    "KEY_GROUPS",
    "MAX_TITLE_CHARS",
    "REJECTED_CODES",
    "SEEKER_COLUMNS",
    "SHANDONG_ADVANCED_PREFIXES",
    "VACANCY_COLUMNS",
    "Prepared",
    "TitleCoderLike",
    "as_polars",
    "canonical",
    "canonical_headers",
    "industry_code",
    "is_advanced_manufacturing",
    "prepare",
    "read",
    "read_groups",
]
