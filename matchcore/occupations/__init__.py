"""The 2022 national occupation classification (中华人民共和国职业分类大典, CSCO 2022).

Shipped as package data (see ``data/NOTICE.md`` for its source and licence) and exposed as a
:class:`Taxonomy`: lookups by code, the tree, a vectorised tree similarity, digital (S) / green (L)
flags, aliases and search.

Examples
--------
>>> import matchcore as mc
>>> tax = mc.occupations.load()
>>> tax["6-31-01-03"].name
'电工'
"""

from matchcore._errors import UnknownOccupation
from matchcore.occupations._arrays import TaxonomyArrays, code_depth
from matchcore.occupations._taxonomy import (
    Occupation,
    SearchHit,
    Taxonomy,
    from_rows,
    load,
    normalize_code,
)

__all__ = [
    "Occupation",
    "SearchHit",
    "Taxonomy",
    "TaxonomyArrays",
    "UnknownOccupation",
    "code_depth",
    "from_rows",
    "load",
    "normalize_code",
]
