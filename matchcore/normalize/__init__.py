"""Text cleaning, field parsers, record validation helpers and the title coder."""

from matchcore.normalize._audit import AuditFinding, audit_posting
from matchcore.normalize._coder import TitleCoder
from matchcore.normalize._fields import (
    SalaryRange,
    age_range,
    date,
    experience,
    salary,
)
from matchcore.normalize._levels import (
    Education,
    ProfessionalTitle,
    SkillLevel,
    education,
    professional_title,
    skill_level,
)
from matchcore.normalize._licences import DRIVING_CLASSES, covers, driving_class
from matchcore.normalize._region import city_of, province_of, region, region_name, region_path
from matchcore.normalize._series import parse
from matchcore.normalize._text import CleanTitle, clean_title, normalize_text
from matchcore.normalize._wishes import (
    ANY_WORK,
    FIELD_WORK,
    PRODUCTION_WORK,
    generic_wish,
    names_a_field,
    wishes,
)

__all__: list[str] = [
    "ANY_WORK",
    "DRIVING_CLASSES",
    "FIELD_WORK",
    "PRODUCTION_WORK",
    "AuditFinding",
    "CleanTitle",
    "Education",
    "ProfessionalTitle",
    "SalaryRange",
    "SkillLevel",
    "TitleCoder",
    "age_range",
    "audit_posting",
    "city_of",
    "clean_title",
    "covers",
    "date",
    "driving_class",
    "education",
    "experience",
    "generic_wish",
    "names_a_field",
    "normalize_text",
    "parse",
    "professional_title",
    "province_of",
    "region",
    "region_name",
    "region_path",
    "salary",
    "skill_level",
    "wishes",
]
