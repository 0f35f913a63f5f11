"""Reports of a matching run: the quarterly report a department submits (按季度报送), as an HTML
page with charts and an embedded CJK font, a PDF (headless Chromium), an Excel workbook in the
layout of a submission form, and CSV tables."""

from matchcore.report._labels import COLUMNS
from matchcore.report._quarterly import OUTCOMES, QuarterlyReport, previous_quarter, quarterly

__all__ = ["COLUMNS", "OUTCOMES", "QuarterlyReport", "previous_quarter", "quarterly"]
