"""The estimates template: one row per metric with baseline, post and an optional low/high range.

For teams without exports: they fill in what they believe (or measured elsewhere) and the tool
treats it like measured data, with ``low``/``high`` bounding the post value.  Written by
``python -m roi template --out ESTIMATES.xlsx|.csv`` and read back like any other export.
"""

from __future__ import annotations

import csv
import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from roi import safety
from roi.errors import InputFormatError
from roi.ingest._common import SourceReport, _unique, decode_text, find_column, numbers, read_csv_text
from roi.models import OUTSIDE_THE_MONEY

if TYPE_CHECKING:  # openpyxl is imported where a workbook is read
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

SHARE_UNIT = "share: 0.25 = 25%"
"""The unit of a rate, as the template and the app's estimates table write it (0.25, or 25% typed in a
cell: the reader takes both)."""

METRICS: dict[str, tuple[str, str]] = {
    "tasks_per_dev_week": ("tasks/dev-week", "completed work items per developer-week"),
    "prs_per_dev_week": ("PRs/dev-week", "merged pull requests per developer-week"),
    "pr_size_loc": ("lines", "mean lines added + deleted per merged PR"),
    "bugs_per_dev_week": ("bugs/dev-week", "bugs created per developer-week"),
    "deployments_per_week": ("deploys/week", "production deployments per week (team)"),
    "change_failure_rate": (SHARE_UNIT, "failed deployments / deployments"),
    "recovery_hours": ("calendar hours", "failed deployment recovery time"),
    "rework_rate": (SHARE_UNIT, "unplanned deployments / deployments"),
    "lead_time_hours": ("calendar hours", "change lead time, commit to production"),
    "review_hours": ("calendar hours", "median time in review, first review to merge"),
}
"""Template rows: scenario period fields (methodology §0), unit and meaning."""

UNUSED_RANGE = ("low/high are given for a time the money does not depend on (it is shown for context), so no "
                "simulated outcome would use them; clear low and high in this row")
"""A range entered for lead time or time in review (roi.models.OUTSIDE_THE_MONEY)."""
SHEET, NOTES_SHEET = "Estimates", "How to fill"
"""The template workbook's sheets: the one read, and the instructions."""
SHARES = {"change_failure_rate", "rework_rate"}
HEADER = ("metric", "baseline", "post", "low", "high", "unit", "description")
EXAMPLE = {"tasks_per_dev_week": (4.0, 4.84, 4.4, 5.2), "prs_per_dev_week": (3.0, 5.94, 3.9, 6.6),
           "pr_size_loc": (150, 381, 190, 450), "bugs_per_dev_week": (0.5, 0.545, 0.5, 0.6)}
"""Values pre-filled in the template: the Faros-style worked example (methodology §5)."""
EXAMPLE_NOTE = ("The rows filled in (tasks, PRs, PR size, bugs) are examples: the worked example's values before "
                "and after (a team of 50 developers, docs/methodology.md §5), with an example low and high. "
                "Replace them with yours, or clear a row you do not know: a row left filled in is used.")
"""The template's first instruction: a user who filled in only the rows they knew uploaded the example's
values for the others, and they were used."""


def rows() -> list[tuple[str, float | None, float | None, float | None, float | None, str, str]]:
    out = []
    for metric, (unit, description) in METRICS.items():
        baseline, post, low, high = EXAMPLE.get(metric, (None, None, None, None))
        out.append((metric, baseline, post, low, high, unit, description))
    return out


def template_csv() -> bytes:
    """The template as UTF-8 CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows(["" if v is None else v for v in row] for row in rows())
    return buffer.getvalue().encode("utf-8")


def template_xlsx() -> bytes:
    """The template as an Excel workbook (sheet ``Estimates``, header frozen)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows():
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFG", (24, 10, 10, 10, 10, 16, 48)):
        sheet.column_dimensions[letter].width = width
    notes = book.create_sheet(NOTES_SHEET)
    for line in (EXAMPLE_NOTE,
                 "One row per metric; leave a cell empty when you do not know it.",
                 "baseline: before the AI tool; post: for a developer who uses it.",
                 "low/high (optional): the range you believe for the post value; it becomes the uncertainty range "
                 "(not for lead time or time in review, which the money does not use).",
                 "Rates are shares: type 0.12 or 12% for 12%. Hours are calendar hours.",
                 "Type each value as a number alone, without its unit (4.5, not 4.5 h)."):
        notes.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def is_template_header(columns: Iterable[str]) -> bool:
    return all(find_column(columns, c) is not None for c in ("metric", "baseline", "post"))


def read_table(name: str, data: bytes, report: SourceReport | None = None) -> pd.DataFrame:
    """A CSV or XLSX file as text cells (first sheet for workbooks).

    With a ``report`` (a reader reading values, not a format being recognised), a workbook's
    formulas without a saved result are refused: they would read as empty cells.
    """
    if data[:4] == b"PK\x03\x04":
        return _read_workbook(name, data, report)
    return read_csv_text(decode_text(data, name, report), name)


OWN_WORKBOOK_SHEETS = frozenset({"Summary", "Assumptions", "Cash flow", "Sensitivity", "Checklist"})
"""Sheets of the workbook the Export page writes (``roi.export.workbook.SHEET_ORDER``): uploaded as an export,
it was offered for a column mapping of its Summary sheet."""


def _read_workbook(name: str, data: bytes, report: SourceReport | None) -> pd.DataFrame:
    from openpyxl import load_workbook

    book = None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        sheets = [s for s in book.worksheets if hasattr(s, "iter_rows")]  # not chart sheets
        for sheet in sheets:  # before a row is read: openpyxl fills the rows a sheet's numbering skips
            if (part := getattr(sheet, "_worksheet_path", None)) is not None:
                safety.check_sheet_rows(name, data, part, sheet.title)
        if not sheets:
            raise InputFormatError("holds no worksheet (only charts); save the data sheet as .xlsx or "
                                   "CSV UTF-8", file=name)
        if OWN_WORKBOOK_SHEETS <= {s.title for s in sheets}:
            raise InputFormatError(
                "is a workbook this app exported, not an export to measure: open it on the Export page (Resume), "
                "which takes the edits made in it, or load the exports it was measured from here",
                file=name)
        sheet = _sheet(name, sheets, report)
        if report is not None:
            _refuse_merged(name, data, sheet)
            _refuse_unsaved_formulas(name, data, sheet)
        frame = pd.read_excel(book, dtype=str, sheet_name=sheet.title, engine="openpyxl").fillna("")
    except InputFormatError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise InputFormatError(f"cannot be read as an Excel workbook ({error})", file=name) from None
    finally:
        if book is not None:
            book.close()
    frame.columns = _unique([str(c).strip() for c in frame.columns])
    return frame


def _sheet(name: str, sheets: list[ReadOnlyWorksheet], report: SourceReport | None) -> ReadOnlyWorksheet:
    """The sheet to read: the template's (named ``Estimates``, else the only sheet with the template's
    header, wherever it is in the workbook), else the first sheet, as for any other workbook."""
    if len(sheets) == 1:
        return sheets[0]
    templates = [s for s in sheets if is_template_header(
        [str(v).strip() for v in next(s.iter_rows(max_row=1, values_only=True), ()) if v is not None])]
    named = [s for s in templates if s.title.strip().casefold() == SHEET.casefold()]
    if named:
        chosen = named[0]
    elif len(templates) == 1:
        chosen = templates[0]
    elif templates:
        titles = ", ".join(f"'{safety.quote(s.title, 40)}'" for s in templates)
        raise InputFormatError(f"sheets {titles} all have the estimates template's header (metric, baseline, "
                               f"post); delete the ones not filled in, or name the filled-in one '{SHEET}'",
                               file=name)
    else:
        return sheets[0]
    others = [s.title for s in sheets if s is not chosen and s.title != NOTES_SHEET]
    if others and report is not None:
        listed = ", ".join(f"'{safety.quote(t, 40)}'" for t in others[:5]) + (", …" if len(others) > 5 else "")
        report.note(f"estimates read from sheet '{safety.quote(chosen.title, 40)}'; other sheet(s) not read: "
                    f"{listed}")
    return chosen


_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
"""A formula element (``<f>``) in a worksheet's XML."""


_MERGED = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Za-z]+\d+:[A-Za-z]+\d+)"')
"""A merged range in a worksheet's XML (``<mergeCell ref="B2:C2"/>``)."""


def _xml_search(data: bytes, path: str, pattern: re.Pattern[bytes]) -> re.Match[bytes] | None:
    """The first match of ``pattern`` in a workbook part, read in chunks (a sheet's XML can be large)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(path.lstrip("/")) as part:
        tail = b""
        while chunk := part.read(1 << 20):
            if found := pattern.search(tail + chunk):
                return found
            tail = chunk[-256:]
    return None


def _column_name(sheet: ReadOnlyWorksheet, index: int) -> str | None:
    """The header cell of column ``index`` (0-based), for messages."""
    header = next(sheet.iter_rows(max_row=1, values_only=True), ())
    return str(header[index]).strip() if index < len(header) and header[index] is not None else None


def _refuse_merged(name: str, data: bytes, sheet: ReadOnlyWorksheet) -> None:
    """Refuse merged cells: only the first cell of a merged range holds a value, the others read as empty
    (a row's post value, or a metric's name, would be missing)."""
    from openpyxl.utils.cell import range_boundaries

    path = getattr(sheet, "_worksheet_path", None)
    found = _xml_search(data, path, _MERGED) if path is not None else None
    if found is None:
        return
    cells = found.group(1).decode()
    first_column, first_row, _, _ = range_boundaries(cells)
    raise InputFormatError(
        f"sheet '{safety.quote(sheet.title, 40)}', cells {cells} are merged, so only the first holds a "
        "value and the others read as empty; unmerge them (Excel: Home › Merge & Center) and type each value "
        "in its own cell", file=name, row=first_row, column=_column_name(sheet, first_column - 1))


def _refuse_unsaved_formulas(name: str, data: bytes, sheet: ReadOnlyWorksheet) -> None:
    """Refuse formula cells with no saved result: openpyxl and other scripts write formulas without
    calculating them, and such a cell reads as empty (its row would be skipped silently).  Excel and
    LibreOffice save each formula's result, which is what is read."""
    from openpyxl import load_workbook

    path = getattr(sheet, "_worksheet_path", None)
    if path is not None and _xml_search(data, path, _FORMULA) is None:
        return  # the usual case: no formula at all, no second pass
    formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    try:
        written = {cell.coordinate: cell.value for row in formulas[sheet.title].iter_rows()
                   for cell in row if getattr(cell, "data_type", None) == "f"}
    finally:
        formulas.close()
    if not written:
        return
    unsaved = [cell.coordinate for row in sheet.iter_rows() for cell in row
               if getattr(cell, "coordinate", None) in written and cell.value in (None, "")]
    if not unsaved:
        return
    from openpyxl.utils.cell import column_index_from_string, coordinate_from_string

    letter, row = coordinate_from_string(unsaved[0])
    column = _column_name(sheet, column_index_from_string(letter) - 1)
    more = f" (and {len(unsaved) - 1} other formula cell(s))" if len(unsaved) > 1 else ""
    raise InputFormatError(
        f"sheet '{safety.quote(sheet.title, 40)}', cell {unsaved[0]} holds the formula "
        f"'{safety.quote(str(written[unsaved[0]]), 40)}' with no saved result{more}: the file was written "
        "by a program that does not calculate formulas, so the cell would read as empty. Open the file in "
        "Excel or LibreOffice and save it (that stores each formula's result), or type the value instead of "
        "the formula",
        file=name, row=row, column=column)


def read_estimates(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    frame = read_table(name, data, report)
    report.rows = len(frame)
    metric_column = find_column(frame.columns, "metric")
    assert metric_column is not None  # detect() gives a file to this reader only for a template header
    metric = frame[metric_column].str.strip()
    unknown = ~metric.isin(METRICS) & metric.ne("")
    if unknown.any():
        row = int(np.flatnonzero(unknown.to_numpy())[0]) + 2
        raise InputFormatError(f"'{metric[unknown].iloc[0]}' is not a metric of the template; use one of "
                               f"{', '.join(METRICS)}", file=name, row=row, column=metric_column)
    repeated = metric.duplicated() & metric.ne("")
    if repeated.any():
        row = int(np.flatnonzero(repeated.to_numpy())[0])
        first = int(np.flatnonzero(metric.eq(metric.iloc[row]).to_numpy())[0])
        raise InputFormatError(f"'{metric.iloc[row]}' is given again (first in row {first + 2}); keep one row per "
                               "metric", file=name, row=row + 2, column=metric_column)
    values, columns = {}, {}
    for key in ("baseline", "post", "low", "high"):
        theirs = columns[key] = find_column(frame.columns, key) or key
        values[key] = (numbers(_plain(frame[theirs], metric, name, theirs), name, theirs) if theirs in frame
                       else pd.Series(np.nan, index=frame.index))
    out = pd.DataFrame({"source": name, "metric": metric, **values})
    for position, record in enumerate(out.itertuples(index=False), start=2):
        _check_row(record, name, position, columns)
    _refuse_orphans(out, name, metric_column, columns)
    empty = out["metric"].eq("") | (out["baseline"].isna() & out["post"].isna())
    if empty.all():
        raise InputFormatError("no estimates filled in: fill in the baseline and post of at least one "
                               "metric's row (e.g. tasks_per_dev_week), save the file and load it again",
                               file=name)
    report.skip("metric left empty", int(empty.sum()))
    report.tables.add("estimates")
    return {"estimates": out[~empty.to_numpy()]}


_PERCENT = re.compile(r"(\d+(?:\.\d+)?|\d+,\d{1,2})\s*%")
"""A percentage typed as text: ``12%``, ``12.5 %``, ``12,5%`` (a decimal comma: 1-2 digits after it)."""
_WITH_UNIT = re.compile(r"-?\d+(?:[.,]\d+)?\s*[^\d\s.,%-][^\d]*")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}:\d{2})?|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}")


def _plain(cells: pd.Series, metric: pd.Series, name: str, column: str) -> pd.Series:
    """A value column's text with percentages of shares as numbers (``12%`` → ``0.12``); a percentage of
    another metric, a value with its unit (``4 h``) or a date (a cell formatted as a date) is refused."""
    text = cells.astype(str).str.strip()
    percent = text.str.fullmatch(_PERCENT.pattern, na=False)
    share = metric.isin(SHARES)
    for mask, message in (
            (percent & ~share, "'{value}' is a percentage, but {unit}; type the number alone"),
            (text.str.fullmatch(_DATE.pattern, na=False),
             "'{value}' is a date, not a number: the cell holds a date or is formatted as one; format it as "
             "a number (Excel: Format Cells › Number) and type the value ({unit})"),
            (text.str.fullmatch(_WITH_UNIT.pattern, na=False),
             "'{value}' has a unit; type the number alone ({unit})")):
        if mask.any():
            position = int(np.flatnonzero(mask.to_numpy())[0])
            key = metric.iloc[position]
            unit = (f"{key} is a {SHARE_UNIT}" if key in SHARES else f"{key} is in {METRICS[key][0]}"
                    if key in METRICS else "in the template's unit")
            shown = safety.quote(text.iloc[position], 40)
            raise InputFormatError(message.format(value=shown, unit=unit), file=name, row=position + 2,
                                   column=column)
    shares = percent & share
    if shares.any():
        number = text[shares].str.rstrip("%").str.strip().str.replace(",", ".", regex=False)
        value = (pd.to_numeric(number) / 100).round(12)  # 4.1% is 0.041, not 0.040999999999999995
        if (value > 1).any():
            position = int(np.flatnonzero((value > 1).to_numpy())[0])
            raise InputFormatError(f"'{safety.quote(text[shares].iloc[position], 40)}' is more than 100%; a "
                                   "rate is a share of deployments, at most 100%", file=name,
                                   row=int(np.flatnonzero(shares.to_numpy())[position]) + 2, column=column)
        text = text.where(~shares, value.map(repr))
    return text


def _refuse_orphans(out: pd.DataFrame, name: str, metric_column: str, columns: dict[str, str]) -> None:
    """Values that would be left out silently: a row with values but no metric, low/high without baseline
    and post."""
    given = out[["baseline", "post", "low", "high"]].notna()
    nameless = out["metric"].eq("") & given.any(axis=1)
    if nameless.any():
        row = int(np.flatnonzero(nameless.to_numpy())[0]) + 2
        raise InputFormatError(f"the row has values but no metric; write the metric's name (one of "
                               f"{', '.join(METRICS)}) or clear the row", file=name, row=row,
                               column=metric_column)
    range_only = ~given["baseline"] & ~given["post"] & (given["low"] | given["high"])
    if range_only.any():
        raise InputFormatError("low/high are filled in but baseline and post are empty; fill in baseline "
                               "and post too (low and high are the range of the post value), or clear them",
                               file=name, row=int(np.flatnonzero(range_only.to_numpy())[0]) + 2,
                               column=columns["baseline"])


def _check_row(row: Any, name: str, position: int, columns: dict[str, str]) -> None:
    """Values of one template row, an ``itertuples`` row (``columns``: our column → the file's name for it,
    for messages)."""
    for key in ("baseline", "post", "low", "high"):
        value = getattr(row, key)
        if pd.isna(value):
            continue
        if value < 0:
            raise InputFormatError(f"{value:g} is negative; give a value of zero or more", file=name, row=position,
                                   column=columns[key])
        if row.metric in SHARES and value > 1:
            raise InputFormatError(f"{value:g} is more than 1 (100%): rates are shares; write "
                                   f"{value / 100:g} (or {value:g}%) for {value:g}%", file=name, row=position,
                                   column=columns[key])
    low, post, high = row.low, row.post, row.high
    if f"post.{row.metric}" in OUTSIDE_THE_MONEY and not (pd.isna(low) and pd.isna(high)):
        raise InputFormatError(UNUSED_RANGE, file=name, row=position, column=columns["low"])
    if not pd.isna(low) and not pd.isna(high) and not (low <= (post if not pd.isna(post) else low) <= high):
        raise InputFormatError(f"low {low:g}, post {post:g}, high {high:g} must satisfy low <= post <= high",
                               file=name, row=position, column=columns["low"])


VALUE_KEYS = ("baseline", "post", "low", "high")
"""An estimate's four values, in the order of :data:`roi.whatif.Estimate` and of the template's columns."""


def cell_text(value: float | None, *, percent: bool = False) -> str:
    """An estimate as a table cell shows it for editing: 3 significant digits (``0.0413``, ``387``), whole
    numbers from 1,000 (``188419``, not ``1.88e+05``), without a thousands separator (read back, ``1,200``
    is ambiguous); a rate as a ``percent`` (0.0413 → ``4.13%``); empty for no value."""
    if value is None or math.isnan(value):
        return ""
    if percent:
        return f"{value * 100:.3g}%"
    return f"{value:.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _blank(value: Any) -> bool:  # a cell, of any type (pandas-stubs type pd.isna per type)
    """An empty cell: None, NaN, pandas' NA (an emptied text cell) or only spaces."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value))) or not str(value).strip()


def _kept(value: Any) -> bool:
    """A cell holding a number rather than text: a value kept as the scenario holds it, read as it is (the
    fraction 0.0413 read as text in the app's table, where a bare rate is a percentage, became 0.0413%)."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool) \
        and not math.isnan(value)


_Values = tuple[float | None, float | None, float | None, float | None]


def typed_estimates(cells: Mapping[str, Sequence[object]], *, rates_in_percent: bool = False) -> dict[str, _Values]:
    """Estimates typed in a table (metric → baseline, post, low, high: each a number, text or empty), read
    with the template's rules: a decimal comma (``0,25``), a rate as a percentage (``25%``); ``1,200``
    (ambiguous), a unit (``4 h``), a date or a negative value is refused.  With ``rates_in_percent`` (the
    app's table, whose every other box takes percentages) a rate typed as a bare number is a percentage too:
    ``8.5`` is 8.5% (in the template file it is refused as more than 1).  A cell that is a number, not text
    (a value kept as the scenario holds it), is taken as it is: a rate as its fraction.

    Raises:
        InputFormatError: naming the metric (``field``) and the value (``column``: one of :data:`VALUE_KEYS`).
    """
    metrics = list(cells)
    metric = pd.Series(metrics, dtype=object)
    out: dict[str, list[float | None]] = {m: [None] * len(VALUE_KEYS) for m in metrics}
    for index, key in enumerate(VALUE_KEYS):
        for name in metrics:
            if _kept(cells[name][index]):
                out[name][index] = float(cells[name][index])  # type: ignore[arg-type]  # _kept: a real number
        typed = pd.Series(["" if _blank(cells[m][index]) or _kept(cells[m][index]) else str(cells[m][index]).strip()
                           for m in metrics], dtype=object)
        if rates_in_percent:
            bare = metric.isin(SHARES) & typed.str.fullmatch(r"\d+(?:[.,]\d+)?", na=False)
            # A decimal comma read as in the template ("0,085" is 0.085), then as a percentage like every other.
            typed = typed.where(~bare, typed.str.replace(",", ".", regex=False) + "%")
        try:
            values = numbers(_plain(typed, metric, "", key), "", key)
        except InputFormatError as error:  # row = position + 2, as in a file with a header row
            name = metrics[(error.row or 2) - 2]  # the table names its rows: "this measure", not the key
            raise InputFormatError(error.message.replace(f"{name} is ", "this measure is "), field=name,
                                   column=key) from None
        for name, value in zip(metrics, values, strict=True):
            if math.isnan(value):
                continue
            if value < 0:
                raise InputFormatError(f"{value:g} is negative; give a value of zero or more", field=name,
                                       column=key)
            out[name][index] = float(value)
    return {name: (values[0], values[1], values[2], values[3]) for name, values in out.items()}
