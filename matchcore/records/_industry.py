"""Advanced manufacturing from GB/T 4754-2017 industry codes.

A vacancy's ``advanced_manufacturing`` flag, when the export does not give it, is derived from the
employer's industry code (国民经济行业分类 GB/T 4754-2017): it is true when the code falls in
either list below, by prefix of the 2-digit division, 3-digit group or 4-digit class.

1. **High-tech manufacturing**, National Bureau of Statistics, 《高技术产业（制造业）分类（2017）》
   (国统字〔2017〕200号), its six categories expressed in GB/T 4754-2017 codes:
   pharmaceuticals (医药制造业, division ``27``); aircraft, spacecraft and equipment (``374``,
   repair ``4343``); electronic and communication equipment (``39`` except computers, plus
   semiconductor and electronic-component equipment ``3562``, ``3563`` and photovoltaic
   equipment ``3825``); computers and office equipment (``391``, ``3474``, ``3475``); medical
   equipment and instruments (``358``, division ``40``); information chemicals (``2664``,
   ``2665``).
2. **Shandong's advanced manufacturing sectors**, as the province's 《山东省先进制造业强省行动计划
   （2022—2025年）》 names them (high-end equipment, new-generation information technology, new
   energy vehicles, high-end chemicals, new materials, modern medicine), read as divisions:
   chemical raw materials and products (``26``, high-end chemicals and chemical new materials),
   general and special equipment (``34``, ``35``), automobiles (``36``), railway, ship, aerospace
   and other transport equipment (``37``), electrical machinery (``38``, including batteries and
   photovoltaics), computers, communication and electronics (``39``), instruments (``40``).
   The plan names sectors rather than codes: mapping them to whole divisions is our reading, and
   errs toward including a division when the plan names its main products.

The union is :data:`ADVANCED_MANUFACTURING_PREFIXES`: divisions 26, 27, 34-40, class 4343.
"""

from __future__ import annotations

import polars as pl

__all__ = [
    "ADVANCED_MANUFACTURING_PREFIXES",
    "HIGH_TECH_PREFIXES",
    "SHANDONG_ADVANCED_PREFIXES",
    "industry_code",
    "is_advanced_manufacturing",
]

#: NBS high-tech manufacturing (2017), as GB/T 4754-2017 code prefixes.
HIGH_TECH_PREFIXES: tuple[str, ...] = (
    "27",
    "374",
    "4343",
    "392", "393", "394", "395", "396", "397", "398", "399",
    "3562", "3563", "3825",
    "391", "3474", "3475",
    "358", "40",
    "2664", "2665",
)  # fmt: skip

#: Shandong's advanced manufacturing sectors, as GB/T 4754-2017 divisions.
SHANDONG_ADVANCED_PREFIXES: tuple[str, ...] = ("26", "34", "35", "36", "37", "38", "39", "40")

#: Either list: a code starting with one of these counts as advanced manufacturing.
ADVANCED_MANUFACTURING_PREFIXES: tuple[str, ...] = tuple(
    sorted(set(HIGH_TECH_PREFIXES) | set(SHANDONG_ADVANCED_PREFIXES))
)

_SECTION_LETTERS = "ABCDEFGHIJKLMNOPQRST"


def industry_code(values: pl.Series) -> pl.Series:
    """Read GB/T 4754-2017 codes as 2-4 digit strings; null where empty or unreadable.

    Accepts ``3660``, ``C3660`` (with the section letter), ``C36``, ``36-60``, full-width digits
    and integers.

    Parameters
    ----------
    values : polars.Series
        Industry codes as text or integers.

    Returns
    -------
    polars.Series
        Utf8, the digits of the code (2, 3 or 4 of them).

    Examples
    --------
    >>> import polars as pl
    >>> industry_code(pl.Series(["C3660", "36-60", "２７２０", "3", None, "机械"])).to_list()
    ['3660', '3660', '2720', None, None, None]
    """
    s = values.cast(pl.Utf8, strict=False) if values.dtype != pl.Utf8 else values
    digits = (
        s.str.normalize("NFKC")
        .str.strip_chars()
        .str.to_uppercase()
        .str.replace(f"^[{_SECTION_LETTERS}]", "")
        .str.replace_all(r"[\s\-.]", "")
    )
    ok = digits.str.contains(r"^\d{2,4}$")
    return (
        pl.select(pl.when(pl.lit(ok)).then(pl.lit(digits)).otherwise(None))
        .to_series()
        .rename(values.name)
    )


def is_advanced_manufacturing(codes: pl.Series) -> pl.Series:
    """Whether each GB/T 4754-2017 industry code counts as advanced manufacturing.

    See the module documentation for which codes count and the sources of the two lists.

    Parameters
    ----------
    codes : polars.Series
        Industry codes in any form :func:`industry_code` reads.

    Returns
    -------
    polars.Series
        Boolean; null where the code is missing or unreadable.

    Examples
    --------
    >>> import polars as pl
    >>> is_advanced_manufacturing(pl.Series(["C3612", "2720", "1351", "5212", None])).to_list()
    [True, True, False, False, None]
    """
    digits = industry_code(codes)
    hit = pl.lit(False)
    for prefix in ADVANCED_MANUFACTURING_PREFIXES:
        hit = hit | pl.lit(digits).str.starts_with(prefix)
    return pl.select(
        pl.when(pl.lit(digits).is_null()).then(None).otherwise(hit).alias(codes.name)
    ).to_series()
