"""Text cleaning, field parsers, record validation helpers and the title coder."""

from matchcore.normalize._region import city_of, province_of, region, region_name, region_path
from matchcore.normalize._text import CleanTitle, clean_title, normalize_text

__all__: list[str] = [
    "CleanTitle",
    "city_of",
    "clean_title",
    "normalize_text",
    "province_of",
    "region",
    "region_name",
    "region_path",
]
