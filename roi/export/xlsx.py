"""The one renderer: a :class:`~roi.export.layout.WorkbookLayout` to .xlsx bytes with openpyxl.

Streams every sheet (openpyxl's write-only mode); the rows of the event tables are then added
to their sheets' XML column by column (``roi.export.table_xml``), so large tables stay cheap.  Only
:class:`~roi.export.layout.Formula` values become formulas; every ``str`` is written as a
string cell after :func:`~roi.export.safety.safe_text`, with Excel's quote prefix when it
looks like a formula, so user text can never run.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from io import BytesIO
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart import Series as ChartSeries
from openpyxl.formatting.rule import CellIsRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.styles.numbers import FORMAT_DATE_DATETIME, FORMAT_DATE_YYYYMMDD2
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from roi.export.cached_values import CachedValue
from roi.export.layout import (
    DEFAULT_WIDTH,
    Cell,
    Chart,
    Format,
    Formula,
    Role,
    Sheet,
    Validation,
    WorkbookLayout,
    col,
    wrapped_lines,
)
from roi.export.safety import looks_like_formula, safe_text
from roi.export.table_xml import StyleIds, TablePart, insert_tables
from roi.formatting import CURRENCY_SYMBOLS, NO_MINOR_UNIT

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

_FIXED_FORMATS: dict[Format, str] = {
    "text": "General",
    "int": "#,##0",
    "number": "#,##0.00##",  # up to 4 decimals: 0.545 bugs must not read 0.55
    "rate": "#,##0.0",  # 9.4 a week, as the app writes it
    "factor": "0.0000",
    "percent": "#,##0.0%",  # 1,197.7% as the app writes it, not 1197.7%
    "hours": '#,##0.00" h"',
    "months": '0.0" months"',
    "date": "yyyy-mm-dd",
    "id": "0",  # an identifier has no thousands separators
}

_DARK_BLUE = "1F4E79"
_THIN = Side(style="thin", color="BFBFBF")
_ROLE_STYLES: dict[Role, dict[str, object]] = {
    "plain": {},
    "title": {"font": Font(bold=True, size=14, color=_DARK_BLUE)},
    "heading": {"font": Font(bold=True, size=12, color=_DARK_BLUE)},
    "header": {
        "font": Font(bold=True, color="FFFFFF"),
        "fill": PatternFill("solid", fgColor=_DARK_BLUE),
        "alignment": Alignment(vertical="center"),
    },
    "input": {
        "font": Font(color="0000CC"),
        "fill": PatternFill("solid", fgColor="FFF2CC"),
        "border": Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN),
        "protection": Protection(locked=False),
    },
    "output": {"fill": PatternFill("solid", fgColor="F2F2F2")},
    "key": {"font": Font(bold=True)},
    "note": {"font": Font(italic=True, color="595959")},
    "warning": {"font": Font(bold=True, color="C00000")},
}

NEGATIVE_MONEY = Font(color="C00000")
"""The font of a negative amount (a conditional format on the sheet's money cells): dark red, 6.5:1 on white and
5.8:1 on the outputs' grey, where Excel's ``[Red]`` is 4.0:1."""


def money_formats(currency: str) -> tuple[str, str]:
    """(whole units, with cents) number formats for ``currency``: "$" before, or the code after.

    A currency without a minor unit (JPY, KRW, …) is shown in whole units in both formats.
    A code that is not plain letters is left out rather than risk a broken format string.
    Negative amounts keep their minus sign; their colour is a conditional format (:data:`NEGATIVE_MONEY`), as the
    formats' ``[Red]`` is #FF0000, 4.0:1 on white, under WCAG's 4.5:1 for text, and no other colour code reads
    the same in Excel and LibreOffice (``[Color9]`` is dark red in Excel, light grey in LibreOffice).
    """
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    code = currency.upper() if re.fullmatch(r"[A-Za-z]{1,10}", currency) else ""

    def fmt(number: str) -> str:
        if symbol:
            return f'"{symbol}"{number};-"{symbol}"{number}'
        suffix = f'" {code}"' if code else ""
        return f"{number}{suffix};-{number}{suffix}"

    exact = "#,##0" if currency.upper() in NO_MINOR_UNIT else "#,##0.00"
    return fmt("#,##0"), fmt(exact)


def _number_format(fmt: Format, currency: str) -> str:
    if fmt in ("money", "money_exact"):
        whole, exact = money_formats(currency)
        return whole if fmt == "money" else exact
    return _FIXED_FORMATS[fmt]


@cache
def _alignment(wrap: bool) -> Alignment:
    return Alignment(wrap_text=wrap, vertical="top")


def _write_cell(
    ws: WriteOnlyWorksheet, cell: Cell, currency: str, *, tall_row: bool = False
) -> WriteOnlyCell:
    """One cell; in a row made tall by wrapped text every cell sits at the top, so the row reads level."""
    out = WriteOnlyCell(ws)
    value = cell.value
    if isinstance(value, Formula):
        out.value = "=" + value.text
    elif isinstance(value, str):
        _set_text(out, value)
    else:
        out.value = value
    for attribute, style in _ROLE_STYLES[cell.role].items():
        setattr(out, attribute, style)
    out.number_format = (
        "@" if cell.role == "input" and cell.fmt == "text" else _number_format(cell.fmt, currency)
    )
    if cell.wrap or tall_row:
        out.alignment = _alignment(cell.wrap)
    return out


def _set_text(out: WriteOnlyCell, value: str) -> None:
    """Store ``value`` as a literal string cell, never a formula or an error code."""
    out.value = safe_text(value)
    out.data_type = "s"
    if looks_like_formula(out.value):
        out.quotePrefix = True


LINE_HEIGHT_POINTS = 15.0

PAGE_CHARACTERS = 135
"""Characters of the default font a landscape A4 or Letter page holds at 100%."""


def _width(widths: dict[int, float], first: int, last: int) -> float:
    """Width of columns ``first``..``last`` [characters]."""
    return sum(widths.get(column, DEFAULT_WIDTH) for column in range(first, last + 1))


def _shown_text(cell: Cell) -> str | None:
    """The text ``cell`` shows: its string, or a formula's stored text result."""
    if isinstance(cell.value, str):
        return cell.value
    if isinstance(cell.value, Formula) and isinstance(cell.value.cached, str):
        return cell.value.cached
    return None


CUT_TEXT_LINES = 3
"""Text the next cell would cut off wraps when it then takes at most this many lines; a longer note
(the demo's list of source files beside every measured input) would make every row of its table
that tall, and stays one line, whole in its cell."""


def fit_row(
    row: list[Cell | None], widths: dict[int, float], last_column: int, *, merge: bool = True
) -> list[Cell | None]:
    """``row`` with text that does not fit where it is shown wrapped over the empty cells it runs into
    (merged), or in its own cell when there are none: text that would run past the sheet's last
    column, text cut off by the next cell with content, text with line breaks.

    A spreadsheet prints text that overflows into empty cells, so one long note made the page that
    much wider and printing fitted to the page width shrank the whole sheet to make room for it
    (the Checklist and the Rollout plan printed at about half the size their tables allow); text
    followed by a cell with content is cut off at that cell, on screen and on paper (it wraps when
    it then takes at most :data:`CUT_TEXT_LINES` lines).
    ``last_column``: the sheet's widest row; text may run up to a page's width at 100%.
    ``merge``: False inside a table with filter and sort buttons (merged cells cannot be sorted):
    such text wraps in its own cell.
    """
    room = max(_width(widths, 1, last_column), PAGE_CHARACTERS)
    out = list(row)
    for column, cell in enumerate(row, start=1):
        if cell is None or cell.wrap or cell.role == "input" or not isinstance(cell.value, str):
            continue
        longest = max(len(part) for part in cell.value.split("\n"))
        stop = next((c for c in range(column + 1, len(row) + 1) if row[c - 1] is not None), None)
        if stop is None:
            available, end = room - _width(widths, 1, column - 1), max(last_column, column)
        else:
            available, end = _width(widths, column, stop - 1), stop - 1
        if "\n" not in cell.value and longest <= available:
            continue
        if stop is not None and "\n" not in cell.value and wrapped_lines(cell.value, available) > CUT_TEXT_LINES:
            continue  # a long note beside other columns (a source list): the cell holds it whole
        out[column - 1] = replace(cell, wrap=True, span=end - column + 1 if merge else 1)
    return out


def _wrapped_lines(row: list[Cell | None], widths: dict[int, float]) -> int:
    """Lines the tallest wrapped text of ``row`` needs at its columns' width (a generous estimate)."""
    lines = 1
    for column, cell in enumerate(row, start=1):
        if cell is None:
            continue
        lines = max(lines, cell.lines)
        shown = _shown_text(cell)
        if cell.wrap and shown is not None:
            lines = max(lines, wrapped_lines(shown, _width(widths, column, column + cell.span - 1)))
    return lines


def _anchor_row(anchor: str) -> int:
    """Row number of a cell reference such as "A37"."""
    return int(re.sub(r"[A-Z$]+", "", anchor))


def _row_span(cells: str) -> range:
    """Row numbers of a range such as "A4:L14"."""
    first, _, last = cells.partition(":")
    return range(_anchor_row(first), _anchor_row(last or first) + 1)


def _quoted(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _chart(chart: Chart) -> BarChart:
    bar = BarChart()
    bar.type = "bar" if chart.kind == "tornado" else "col"
    bar.grouping = "clustered"
    bar.title = chart.title
    bar.width, bar.height = chart.width_cm, chart.height_cm  # openpyxl sizes are in centimetres
    sheet = _quoted(chart.data_sheet)
    for series in chart.series:
        bar.series.append(ChartSeries(Reference(range_string=f"{sheet}!{series.values}"), title=series.title))
    bar.set_categories(Reference(range_string=f"{sheet}!{chart.categories}"))
    if chart.kind == "tornado":
        bar.overlap = 100
        bar.gapWidth = 40
        bar.x_axis.scaling.orientation = "maxMin"  # largest swing on top
        bar.x_axis.tickLblPos = "low"  # labels beside the bars, not over them
    else:
        bar.x_axis.tickLblPos = "low"  # year labels below negative bars too
    bar.y_axis.title = chart.x_title if chart.kind == "tornado" else chart.y_title
    bar.x_axis.delete = bar.y_axis.delete = False  # openpyxl 3.1 hides axes unless told
    return bar


_OPEN_BOUND = 1e-9
"""Added to an excluded lower bound: spreadsheet validation only knows ≥ and ≤."""


def _literal(value: float) -> str:
    """A number as a formula literal: "1", "168", "1E-09"."""
    return f"{value:.17g}".upper() if not float(value).is_integer() else f"{value:.0f}"


ERROR_MESSAGE_LIMIT = 225
"""Characters Excel allows in a data validation's error message (a longer one needs repairing)."""


def _cut(message: str, limit: int) -> str:
    """``message`` cut to ``limit`` characters, with "…" when cut."""
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _validation(rule: Validation) -> DataValidation:
    low = None if rule.low is None else rule.low + (_OPEN_BOUND if rule.low_open else 0.0)
    if low is not None and rule.high is not None:
        operator, first, second = "between", low, rule.high
    elif low is not None:
        operator, first, second = "greaterThanOrEqual", low, None
    elif rule.high is not None:
        operator, first, second = "lessThanOrEqual", rule.high, None
    else:  # any number: a decimal between the largest magnitudes a spreadsheet holds
        operator, first, second = "between", -1e307, 1e307
    validation = DataValidation(
        type="whole" if rule.whole else "decimal",
        operator=operator,
        formula1=_literal(first),
        formula2=None if second is None else _literal(second),
        allow_blank=True,  # a blank that matters is caught by the live check (Summary, Assumptions G)
        showInputMessage=True,
        promptTitle=rule.title[:32],
        prompt=rule.prompt[:255],
        showErrorMessage=True,
        errorStyle="stop",
        errorTitle=rule.title[:32],
        error=rule.error[:225],
    )
    for cells in rule.cells.split():
        validation.add(cells)
    return validation


def _style_id(ws: WriteOnlyWorksheet, **style: object) -> int:
    """Index of a cell style in the workbook's style list (added to it if new)."""
    cell = WriteOnlyCell(ws)
    for attribute, value in style.items():
        setattr(cell, attribute, value)
    return int(cell.style_id)


def _render_sheet(
    wb: Workbook, sheet: Sheet, currency: str, names: dict[str, str]
) -> tuple[WriteOnlyWorksheet, TablePart | None, dict[str, CachedValue], str]:
    """Write ``sheet``; its table, if any, its formulas' known results (coordinate → result) and its
    used range (``A1:L125``) are returned to be added to the saved file."""
    ws = wb.create_sheet(sheet.title)
    if sheet.hidden:
        ws.sheet_state = "hidden"
    for index, width in sheet.widths.items():
        ws.column_dimensions[col(index)].width = width
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze
        header_rows = int(re.sub(r"[A-Z]+", "", sheet.freeze)) - 1
        if header_rows > 0:
            ws.print_title_rows = f"1:{header_rows}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    for chart in sheet.charts:
        ws.add_chart(_chart(chart), chart.anchor)
    first_chart = min((_anchor_row(chart.anchor) for chart in sheet.charts), default=1)
    if first_chart > 1:  # the charts start a printed page rather than being cut by a page's end
        ws.row_breaks.append(Break(id=first_chart - 1))
    for dropdown in sheet.dropdowns:
        validation = DataValidation(
            type="list",
            formula1='"' + ",".join(dropdown.options) + '"',
            allow_blank=True,
            showErrorMessage=dropdown.strict,
            errorTitle=dropdown.title[:32],
            error=_cut("Choose one of: " + ", ".join(dropdown.options), ERROR_MESSAGE_LIMIT),
        )
        validation.add(dropdown.cells)
        ws.data_validations.append(validation)
    for rule in sheet.validations:
        ws.data_validations.append(_validation(rule))
    if sheet.autofilter:
        ws.auto_filter.ref = sheet.autofilter
    cached: dict[str, CachedValue] = {}
    last_column = max((len(row) for row in sheet.rows), default=1)
    filtered = _row_span(sheet.autofilter) if sheet.autofilter else range(0)
    widest = 1
    money: list[str] = []  # the money cells, in runs along a row (B5:F5), for the negative amounts' colour
    for row_number, row in enumerate(sheet.rows, start=1):
        row = fit_row(row, sheet.widths, last_column, merge=row_number not in filtered)
        widest = max(widest, len(row), *(i + c.span for i, c in enumerate(row) if c is not None))
        lines = _wrapped_lines(row, sheet.widths)
        if lines > 1:  # spreadsheets do not grow rows for wrapped text on their own
            ws.row_dimensions[row_number].height = LINE_HEIGHT_POINTS * lines
        cells: list[WriteOnlyCell | None] = []
        for column, cell in enumerate(row, start=1):
            if cell is None:
                cells.append(None)
                continue
            cells.append(_write_cell(ws, cell, currency, tall_row=lines > 1))
            if cell.fmt in ("money", "money_exact"):
                _add_to_runs(money, column, row_number)
            if cell.span > 1:
                ws.merged_cells.add(f"{col(column)}{row_number}:{col(column + cell.span - 1)}{row_number}")
            if isinstance(cell.value, Formula) and cell.value.cached is not None:
                cached[f"{col(column)}{row_number}"] = cell.value.cached
            if cell.name:
                names[cell.name] = f"{_quoted(sheet.title)}!${col(column)}${row_number}"
        ws.append(cells)
    if money:
        ws.conditional_formatting.add(" ".join(money), CellIsRule(operator="lessThan", formula=["0"],
                                                                  font=NEGATIVE_MONEY))
    for name, reference in sheet.range_names.items():
        names[name] = f"{_quoted(sheet.title)}!{reference}"
    if sheet.table is None or not len(sheet.table):
        return ws, None, cached, f"A1:{col(widest)}{max(len(sheet.rows), 1)}"
    styles = StyleIds(
        datetime=_style_id(ws, number_format=FORMAT_DATE_DATETIME),
        date=_style_id(ws, number_format=FORMAT_DATE_YYYYMMDD2),
        quoted=_style_id(ws, quotePrefix=True),
    )
    used = f"A1:{col(max(widest, len(sheet.table.columns)))}{len(sheet.rows) + len(sheet.table)}"
    return ws, TablePart("", sheet.table, len(sheet.rows) + 1, styles), cached, used  # parts named on saving


def _add_to_runs(runs: list[str], column: int, row: int) -> None:
    """Add the cell to ``runs`` (``A1`` or ``A1:C1`` ranges), extending the last run when the cell is next to it."""
    if runs and column > 1:
        first, _, last = runs[-1].partition(":")
        end = last or first
        if end == f"{col(column - 1)}{row}":
            runs[-1] = f"{first}:{col(column)}{row}"
            return
    runs.append(f"{col(column)}{row}")


def render(layout: WorkbookLayout) -> bytes:
    """The workbook as .xlsx bytes (recalculated in full when a spreadsheet opens it)."""
    wb = Workbook(write_only=True)
    names: dict[str, str] = {}
    rendered = [_render_sheet(wb, sheet, layout.currency, names) for sheet in layout.sheets]
    for name, target in names.items():
        wb.defined_names[name] = DefinedName(name, attr_text=target)
    props = layout.properties
    wb.properties.title = safe_text(props.title)
    wb.properties.subject = safe_text(props.subject)
    wb.properties.description = safe_text(props.description)
    wb.properties.keywords = safe_text(props.keywords)
    wb.properties.creator = "AI coding assistant ROI calculator"
    wb.properties.created = wb.properties.modified = props.created.replace(tzinfo=None)
    for key, value in layout.custom_properties.items():
        wb.custom_doc_props.append(StringProperty(name=key, value=safe_text(value)))
    wb.calculation.fullCalcOnLoad = True
    buffer = BytesIO()
    wb.save(buffer)
    tables = [replace(table, part=ws.path) for ws, table, _, _ in rendered if table is not None]
    return insert_tables(buffer.getvalue(), tables, {ws.path: cached for ws, _, cached, _ in rendered},
                         {ws.path: used for ws, _, _, used in rendered})
