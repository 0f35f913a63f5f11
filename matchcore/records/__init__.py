"""Seeker and vacancy records: read them from files, validate and type them for matching."""

from matchcore.records._industry import (
    ADVANCED_MANUFACTURING_PREFIXES,
    HIGH_TECH_PREFIXES,
    SHANDONG_ADVANCED_PREFIXES,
    industry_code,
    is_advanced_manufacturing,
)

__all__ = [
    "ADVANCED_MANUFACTURING_PREFIXES",
    "HIGH_TECH_PREFIXES",
    "SHANDONG_ADVANCED_PREFIXES",
    "industry_code",
    "is_advanced_manufacturing",
]
