"""Reports of a matching run: the quarterly statistics, tables to CSV/Excel, SVG charts, HTML."""

from matchcore.report._quarterly import QuarterlyReport, quarterly

__all__ = ["QuarterlyReport", "quarterly"]
