"""Event tables written straight into a sheet's XML, column by column: the fast path for big Data sheets.

openpyxl spends about 25 µs on each cell it writes (a cell object, its style, an XML element);
a 100,000-row table of 16 columns took over half a minute.  Here each column of a DataFrame is
turned into cell XML at once (numbers and times with numpy, repeated text from a per-column
cache), and the rows are added to the sheet part that openpyxl wrote with the sheet's header
rows.  The cells are the ones openpyxl's write-only mode writes (inline strings, the same
number formats and date serials), and the same rules hold: text is always a string cell,
with the quote prefix when it looks like a formula.
"""

from __future__ import annotations

import re

import math
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from io import BytesIO
from typing import IO

import numpy as np
import pandas as pd
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from roi.export.cached_values import CachedValue, with_cached_values
from roi.export.layout import Value
from roi.export.safety import looks_like_formula, safe_text

CHUNK_ROWS = 10_000
"""Rows turned into XML at a time (bounds the memory of the text being built)."""

_EPOCH_US = np.datetime64("1899-12-30T00:00:00", "us").astype(np.int64)  # the spreadsheet epoch
_DAY_US = 86_400 * 10**6


@dataclass(frozen=True)
class StyleIds:
    """Cell style indexes (in the workbook's style list) the table cells use."""

    datetime: int
    date: int
    quoted: int
    """Text that looks like a formula: Excel's quote prefix keeps it text when edited."""


@dataclass(frozen=True)
class TablePart:
    """``frame``'s rows, to go into the sheet part ``part`` from row ``first_row`` on."""

    part: str
    frame: pd.DataFrame
    first_row: int
    styles: StyleIds


def plain_value(value: object) -> Value:
    """A spreadsheet value for one table entry: missing → empty, datetimes in UTC without zone."""
    if value is None or value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, datetime):  # pandas Timestamps too; spreadsheets have no time zones
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return value
    return str(value)


def _text_cell(value: str, styles: StyleIds) -> str:
    """The rest of a string cell after ``<c r="..."`` ('' for text that is empty once made safe)."""
    text = safe_text(value)
    if not text:
        return ""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if text != text.strip() else ""
    style = f' s="{styles.quoted}"' if looks_like_formula(text) else ""
    return f'{style} t="inlineStr"><is><t{space}>{escaped}</t></is></c>'


def _value_cell(value: object, styles: StyleIds) -> str:
    """The rest of one cell after ``<c r="..."``, for any value ('' for an empty cell)."""
    value = plain_value(value)
    if value is None:
        return ""
    if isinstance(value, str):
        return _text_cell(value, styles)
    if isinstance(value, bool):
        return f' t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        return f' s="{styles.datetime}"><v>{to_excel(value)}</v></c>'
    if isinstance(value, date):
        return f' s="{styles.date}"><v>{to_excel(value)}</v></c>'
    return f"><v>{value}</v></c>"


def _serials(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(spreadsheet date serials, missing) of a datetime column, as openpyxl computes them, in UTC."""
    values = column.dt.tz_convert("UTC").dt.tz_localize(None) if column.dt.tz is not None else column
    stamps = values.to_numpy().astype("datetime64[us]")
    missing = np.isnat(stamps)
    us = np.where(missing, _EPOCH_US, stamps.astype(np.int64)) - _EPOCH_US
    days, in_day = np.divmod(us, _DAY_US)
    days = np.where((days > 0) & (days <= 60), days - 1, days)  # Excel's 1900 leap-year bug
    seconds, micro = np.divmod(in_day, 10**6)
    return days + (seconds + micro / 10**6) / 86_400, missing


def _cells(column: pd.Series, styles: StyleIds) -> list[str]:
    """The rest of each cell of ``column`` after ``<c r="..."`` ('' where the cell stays empty)."""
    dtype = column.dtype
    if pd.api.types.is_datetime64_any_dtype(dtype):
        serials, missing = _serials(column)
        head = f' s="{styles.datetime}"><v>'
        return ["" if gap else f"{head}{serial!r}</v></c>" for serial, gap in zip(serials.tolist(), missing)]
    if isinstance(dtype, np.dtype) and dtype.kind == "b":
        return [' t="b"><v>1</v></c>' if v else ' t="b"><v>0</v></c>' for v in column.to_numpy()]
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return [f"><v>{v}</v></c>" for v in column.to_numpy().tolist()]
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        values = column.to_numpy()
        finite = np.isfinite(values)
        return [f"><v>{v!r}</v></c>" if ok else "" for v, ok in zip(values.tolist(), finite)]
    cache: dict[object, str] = {}  # names, repositories and states repeat: serialise each once
    out = []
    for value in column.tolist():
        key = (value.__class__, value)  # by type too: True == 1 but is written differently
        try:
            out.append(cache[key])
        except KeyError:
            cache[key] = _value_cell(value, styles)
            out.append(cache[key])
        except TypeError:  # an unhashable value
            out.append(_value_cell(value, styles))
    return out


def rows_xml(frame: pd.DataFrame, first_row: int, styles: StyleIds) -> Iterator[str]:
    """``<row>`` elements of ``frame``, numbered from ``first_row``, a chunk of rows at a time."""
    letters = [get_column_letter(i) for i in range(1, frame.shape[1] + 1)]
    for start in range(0, len(frame), CHUNK_ROWS):
        chunk = frame.iloc[start : start + CHUNK_ROWS]
        columns = [_cells(chunk.iloc[:, i], styles) for i in range(chunk.shape[1])]
        numbers = range(first_row + start, first_row + start + len(chunk))
        yield "".join(
            f'<row r="{n}">'
            + "".join(f'<c r="{letter}{n}"{cell}' for letter, cell in zip(letters, cells) if cell)
            + "</row>"
            for n, cells in zip(numbers, zip(*columns))
        )


def _write_part(out: IO[bytes], sheet_xml: str, table: TablePart) -> None:
    if "</sheetData>" in sheet_xml:
        head, tail = sheet_xml.rsplit("</sheetData>", 1)
    else:  # a sheet without header rows
        head, tail = sheet_xml.replace("<sheetData />", "<sheetData>", 1).split("<sheetData>", 1)
        head += "<sheetData>"
    out.write(head.encode("utf-8"))
    for chunk in rows_xml(table.frame, table.first_row, table.styles):
        out.write(chunk.encode("utf-8", "replace"))  # a lone surrogate becomes "?", not a broken file
    out.write(("</sheetData>" + tail).encode("utf-8"))


_SHEET_PROPERTIES_END = re.compile(r"</sheetPr>|<sheetPr\b[^>]*/>")
_WORKSHEET_START = re.compile(r"<worksheet\b[^>]*>")


def with_dimension(sheet_xml: str, reference: str) -> str:
    """``sheet_xml`` declaring its used range (``<dimension ref="A1:L125"/>``, after ``sheetPr`` as the schema
    orders it): a reader told nothing parses every row of every sheet to find it (openpyxl's read-only mode
    took 7 s to open a workbook with the demo's event tables, whose sheets are never read)."""
    element = f'<dimension ref="{reference}" />'
    anchor = _SHEET_PROPERTIES_END.search(sheet_xml) or _WORKSHEET_START.search(sheet_xml)
    if anchor is None or "<dimension " in sheet_xml[:anchor.end() + 200]:
        return sheet_xml
    return sheet_xml[:anchor.end()] + element + sheet_xml[anchor.end():]


def insert_tables(
    xlsx: bytes, tables: Sequence[TablePart], cached: Mapping[str, Mapping[str, CachedValue]] | None = None,
    dimensions: Mapping[str, str] | None = None,
) -> bytes:
    """``xlsx`` with each table's rows added to the end of its sheet's rows, the formula cells
    named in ``cached`` (sheet part → coordinate → result) holding their result, and each sheet part in
    ``dimensions`` declaring its used range (:func:`with_dimension`)."""
    by_part = {t.part.lstrip("/"): t for t in tables}
    results = {part.lstrip("/"): values for part, values in (cached or {}).items() if values}
    used = {part.lstrip("/"): reference for part, reference in (dimensions or {}).items()}
    if not by_part and not results and not used:
        return xlsx
    buffer = BytesIO()
    source = zipfile.ZipFile(BytesIO(xlsx))
    with source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            table, values, reference = by_part.get(info.filename), results.get(info.filename), used.get(info.filename)
            if table is None and values is None and reference is None:
                target.writestr(info, source.read(info))
                continue
            sheet_xml = source.read(info).decode("utf-8")
            if values is not None:
                sheet_xml = with_cached_values(sheet_xml, values)
            if reference is not None:
                sheet_xml = with_dimension(sheet_xml, reference)
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            with target.open(entry, "w") as out:  # no zip64 header (not every reader takes one): < 2 GiB
                if table is None:
                    out.write(sheet_xml.encode("utf-8"))
                else:
                    _write_part(out, sheet_xml, table)
    return buffer.getvalue()
