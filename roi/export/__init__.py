"""Exports for stakeholders: the live Excel workbook, the metrics and comparisons as CSV, the scenario as JSON.

Every function returns ``bytes`` (what a download button or a file write needs).
"""

from roi.export.data_sheets import ROW_LIMIT, tables_of
from roi.export.files import comparison_csv, metrics_csv, scenario_json, write_atomic
from roi.export.workbook import build_workbook

__all__ = ["ROW_LIMIT", "build_workbook", "comparison_csv", "metrics_csv", "scenario_json", "tables_of", "write_atomic"]
