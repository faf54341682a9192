"""The fast Data-sheet writer (roi.export.table_xml) writes what openpyxl itself would write.

The reference is openpyxl's own write-only path, given the same plain values; both files are
read back with openpyxl and compared cell by cell (value, type, number format, quote prefix).
"""

from __future__ import annotations

import io
import math
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from roi.export.layout import DocumentProperties, Sheet, WorkbookLayout, text
from roi.export.safety import looks_like_formula, safe_text
from roi.export.table_xml import CHUNK_ROWS, plain_value
from roi.export.xlsx import render

CREATED = datetime(2025, 1, 2, 3, 4, 5)


def _ours(frame: pd.DataFrame) -> list[tuple]:
    sheet = Sheet("Data t", freeze="A3")
    sheet.add(text("note", "note"))
    sheet.add(*(text(c, "header") for c in frame.columns))
    sheet.table = frame
    layout = WorkbookLayout([sheet], DocumentProperties("t", "t", CREATED), "USD")
    book = load_workbook(io.BytesIO(render(layout)))
    return _cells(book["Data t"])


def _openpyxl(frame: pd.DataFrame) -> list[tuple]:
    """The same sheet body written cell by cell through openpyxl (the writer the fast path replaces)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Data t")
    ws.append(["note"])
    ws.append(list(frame.columns))
    for record in frame.itertuples(index=False, name=None):
        row = []
        for value in map(plain_value, record):
            if isinstance(value, str):
                cell = WriteOnlyCell(ws, safe_text(value))
                cell.data_type = "s"
                cell.quotePrefix = looks_like_formula(cell.value)
                value = cell
            row.append(value)
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return _cells(load_workbook(buffer)["Data t"])


def _same(ours: list[tuple], reference: list[tuple]) -> bool:
    """Equal cell by cell.  Numbers may differ past the 16th digit (openpyxl writes "%.16g", we write
    the exact float), and 1.0 may read back as 1 (the same number in a spreadsheet)."""
    def number(x):
        return isinstance(x, (int, float)) and not isinstance(x, bool)

    def close(a, b):
        if number(a) and number(b):
            return math.isclose(a, b, rel_tol=1e-15, abs_tol=0.0)
        if isinstance(a, datetime) and isinstance(b, datetime):
            # openpyxl reads serials back rounded to the millisecond: at a half millisecond the 17th digit
            # (which "%.16g" drops) decides the rounding, so .0045 s may read as .004 or .005.
            return abs(a - b) <= timedelta(milliseconds=1)
        return a == b and type(a) is type(b)

    return len(ours) == len(reference) and all(
        all(close(a, b) for a, b in zip(mine, theirs)) for mine, theirs in zip(ours, reference)
    )


def _cells(ws) -> list[tuple]:
    return [
        (c.coordinate, c.value, c.data_type, c.number_format, c.quotePrefix)
        for row in ws.iter_rows(min_row=3)
        for c in row
        if c.value is not None
    ]


def test_every_column_kind_matches_openpyxl():
    frame = pd.DataFrame({
        "number": np.arange(1, 9),
        "title": ["=HYPERLINK(\"x\")", "+1", "-1", "@a", " padded ", "a&b<c>\"'", "\r\nline", ""],
        "merged_at": pd.to_datetime(
            ["2025-01-01T12:00:00+02:00", None, "1900-01-15", "1900-03-02", "2099-12-31T23:59:59.999999",
             "1970-01-01", "2025-06-01T00:00:00.5", "2025-03-03"], utc=True, format="ISO8601"),
        "naive": pd.to_datetime(["2025-01-01 08:30"] * 8),
        "size": [10.5, np.nan, np.inf, -np.inf, 1e20, -0.0, 1 / 3, 2.5e-12],
        "bot": [True, False] * 4,
        "draft": [False, True, None, False, True, None, False, True],  # object: bools and a gap
        "points": pd.array([1, None, 3, 4, 5, 6, 7, 8], dtype="Int64"),
        "state": pd.array(["APPROVED", None, "COMMENTED", "=x", "\x01ctl", "ok", "ok", "ok"], dtype="string"),
        "mixed": [True, 1, 1.0, "1", None, pd.NaT, datetime(2025, 1, 1).date(), ["a"]],
    })
    ours = _ours(frame)
    assert _same(ours, _openpyxl(frame))
    by_ref = {c[0]: c for c in ours}
    assert by_ref["B3"][1:] == ('=HYPERLINK("x")', "s", "General", True)  # text, never a formula
    assert by_ref["C3"][1] == datetime(2025, 1, 1, 10, 0)  # +02:00 stored as UTC
    assert "E4" not in by_ref and "E5" not in by_ref  # NaN and inf stay empty
    assert by_ref["A3"][1:3] == (1, "n") and by_ref["F3"][1:3] == (True, "b")
    assert by_ref["J4"][1:3] == (1, "n") and by_ref["J3"][1:3] == (True, "b")  # True == 1, written apart


def test_rows_across_chunks_keep_their_numbers():
    rows = CHUNK_ROWS + 3
    frame = pd.DataFrame({"n": np.arange(rows), "who": [f"dev-{i % 7}" for i in range(rows)]})
    cells = _ours(frame)
    assert len(cells) == 2 * rows
    assert cells[-2:] == [(f"A{rows + 2}", rows - 1, "n", "General", False),
                          (f"B{rows + 2}", f"dev-{(rows - 1) % 7}", "s", "General", False)]


# Below 1e300: openpyxl's "%.16g" rounds the largest doubles up past the float range (inf on reading).
NUMBERS = st.floats(min_value=-1e300, max_value=1e300) | st.sampled_from([np.nan, np.inf, -np.inf])
TIMES = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1))


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=40), NUMBERS, TIMES), min_size=1, max_size=12))
def test_any_values_match_openpyxl(rows):
    frame = pd.DataFrame(rows, columns=["text", "number", "when"])
    ours = _ours(frame)
    assert _same(ours, _openpyxl(frame))
    numbers = [c[1] for c in ours if c[0].startswith("B")]
    assert numbers == [x for x in frame["number"] if math.isfinite(x)]  # exactly the float given
