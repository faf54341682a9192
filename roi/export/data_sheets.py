"""The Data sheets: the normalised event tables, one sheet each, cut at a row limit with a note.

The renderer writes a table's rows column by column (``roi.export.table_xml``), so a table of
100,000 rows never becomes 100,000 × columns cell objects.  Text (PR titles, names) stays text,
whatever it starts with.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from roi.export.layout import Sheet, text
from roi.export.safety import safe_sheet_title
from roi.ingest.tables import TABLES, Dataset

ROW_LIMIT = 100_000
"""Rows of one event table written to the workbook; the rest are left out with a note saying so."""

COLUMN_WIDTH_LIMIT = 60


def data_sheet(name: str, frame: pd.DataFrame, taken: set[str], limit: int = ROW_LIMIT) -> Sheet:
    """One event table as a sheet titled "Data <name>" (sanitised, unique among ``taken``)."""
    title = safe_sheet_title(f"Data {name}", taken)
    taken.add(title)
    shown = frame.head(limit)
    note = (
        f"{len(frame):,} rows; times in UTC."
        if len(frame) <= limit
        else f"Truncated: showing the first {limit:,} of {len(frame):,} rows; times in UTC."
    )
    sheet = Sheet(title, freeze="A3")
    sheet.add(text(f"Table '{name}': {note}", "warning" if len(frame) > limit else "note"))
    sheet.add(*(text(column, "header") for column in frame.columns))
    for index, column in enumerate(frame.columns, start=1):
        sheet.widths[index] = min(COLUMN_WIDTH_LIMIT, max(10, len(str(column)) + 2))
    sheet.table = shown
    return sheet


def tables_of(dataset: Dataset) -> dict[str, pd.DataFrame]:
    """The non-empty canonical tables of a loaded :class:`~roi.ingest.tables.Dataset`, by name."""
    return {name: getattr(dataset, name) for name in TABLES if len(getattr(dataset, name))}


def data_sheets(
    tables: Mapping[str, pd.DataFrame] | None,
    taken: set[str],
    limit: int = ROW_LIMIT,
    sources: Sequence[str] = (),
) -> list[Sheet]:
    """A sheet per table, or one "Data" sheet saying why there is none: no event data was loaded, or the
    tables of the ``sources`` the scenario was measured from were left out of this workbook."""
    if not tables:
        sheet = Sheet(safe_sheet_title("Data", taken))
        sheet.add(text("Data", "title"))
        why = (
            f"The event tables of the {len(sources)} export{'s' if len(sources) != 1 else ''} the metrics were "
            "measured from are not in this workbook (the app's Export page adds them with 'Include the event "
            "tables', one sheet each); the Metrics sheet gives the measured values."
            if sources
            else "No event data was loaded: the scenario's metrics are estimates or were entered directly."
        )
        sheet.add(text(why, "note"))
        return [sheet]
    return [data_sheet(name, frame, taken, limit) for name, frame in tables.items()]
