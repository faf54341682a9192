"""The workbook's hidden "Scenario file" sheet: the scenario it was exported from, for the app to read back.

The workbook shows the scenario's inputs, plan and checklist, but not all of the scenario (the
uncertainty ranges, the measurement's provenance, the notes).  Its scenario file is kept in a
hidden sheet, so that a workbook edited in a spreadsheet can be opened in the app again:
:mod:`roi.workbook_edits` starts from this copy and lays the edited cells over it.
"""

from __future__ import annotations

import json

from roi.export.layout import Sheet, text
from roi.models import Scenario

SCENARIO_SHEET = "Scenario file"
"""Title of the hidden sheet (the last one)."""

CHUNK_CHARACTERS = 16_000
"""Characters of JSON per cell: ASCII, so well under a cell's 32,767 (Excel counts UTF-16 units)."""

FIRST_CHUNK_ROW = 3
"""Row of the first JSON cell (column A); the JSON runs on down column A to the first empty cell."""

SHEET_NOTE = (
    "The scenario file this workbook was exported from (JSON, read on in the rows below). The app's Export page "
    "opens this workbook with the edits made on its other sheets laid over it. Do not edit this sheet."
)


def scenario_file_sheet(scenario: Scenario, chunk: int = CHUNK_CHARACTERS) -> Sheet:
    """The hidden sheet holding ``scenario`` as ASCII JSON, ``chunk`` characters a cell (column A)."""
    sheet = Sheet(SCENARIO_SHEET, widths={1: 100}, hidden=True)
    sheet.add(text(SCENARIO_SHEET, "title"))
    sheet.add(text(SHEET_NOTE, "note"))
    # ASCII: every character a cell can hold (an XML-illegal one in a note would be dropped on writing)
    content = json.dumps(scenario.model_dump(mode="json"), ensure_ascii=True, separators=(",", ":"))
    assert sheet.next_row == FIRST_CHUNK_ROW
    for start in range(0, len(content), chunk):
        sheet.add(text(content[start:start + chunk]))
    return sheet
