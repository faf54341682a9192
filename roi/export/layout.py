"""A writer-agnostic description of the workbook: sheets of rows of cells, names, charts, drop-downs.

The sheet builders (``roi.export.sheets``) say *what* goes where; ``roi.export.xlsx`` is the one
renderer that says *how* (openpyxl).  A :class:`Formula` is the only thing that can become a
spreadsheet formula; every ``str`` value is written as text (see ``roi.export.safety``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

import pandas as pd
from openpyxl.utils import get_column_letter

Format = Literal[
    "text",
    "int",
    "number",
    "rate",
    "factor",
    "percent",
    "money",
    "money_exact",
    "hours",
    "months",
    "date",
    "id",
]
"""Number formats: counts, plain numbers, rates to one decimal (10.6 deployments a week, as the app),
indices (4 decimals), fractions as %, money in the scenario's currency (whole units or cents), working
hours, months, ISO dates, and identifiers (a whole number shown with its digits only: seed 20260101,
not 20,260,101)."""

Role = Literal["plain", "input", "output", "key", "header", "title", "heading", "note", "warning"]
"""What a cell is for: inputs are the editable assumptions, outputs are named model results,
key numbers are the Summary's headline figures."""


@dataclass(frozen=True)
class Formula:
    """A spreadsheet formula, written without the leading ``=`` (e.g. ``"npv/pv_costs"``).

    ``cached``: its result for the exported scenario, when known (the engine's value), stored in
    the file for viewers that do not recalculate (:mod:`roi.export.cached_values`).
    """

    text: str
    cached: float | int | bool | str | None = None


Value = str | int | float | bool | date | datetime | Formula | None


@dataclass(frozen=True)
class Cell:
    """One cell: its value, how it is formatted and, optionally, the defined name that points at it."""

    value: Value = None
    fmt: Format = "text"
    role: Role = "plain"
    name: str | None = None
    wrap: bool = False
    span: int = 1
    """Columns the cell covers (merged from its own), its text wrapped over their width."""
    lines: int = 1
    """Lines of text its row makes room for at least (a live text may grow longer than its result)."""


DEFAULT_WIDTH = 8.43
"""Characters a column holds without a width set (a spreadsheet's default)."""


def wrapped_lines(value: str, width: float) -> int:
    """Lines ``value`` takes wrapped in a column ``width`` characters wide (a generous estimate)."""
    per_line = max(1, int(width * 0.95))
    return sum(-(-max(1, len(part)) // per_line) for part in value.split("\n"))


def text(value: object, role: Role = "plain", *, wrap: bool = False) -> Cell:
    """A text cell (``None`` stays empty)."""
    return Cell(None if value is None else str(value), "text", role, wrap=wrap)


_HOURS_UNITS = {
    "h": "",
    "h/dev-week": "per dev-week",
    "h/week": "per week",
    "working h": "working time",
    "calendar h": "calendar time",
    "review h/week": "review time per week",
}
"""What a unit column still says beside a cell whose number format already ends in " h"."""


def unit_beside(unit: str, fmt: Format, currency: str) -> str:
    """The unit column's text for a value in ``fmt``, without repeating what the format shows.

    Money formats carry the currency ("$" or " CHF") and hours formats " h", so "-$8,499" is not
    followed by "USD", nor "0.85 h" by "h/dev-week": "USD/h" becomes "per h", "h/dev-week"
    "per dev-week".
    """
    if fmt in ("money", "money_exact") and unit.startswith(currency):
        rest = unit[len(currency) :].strip()
        return "per " + rest[1:] if rest.startswith("/") else rest
    if fmt == "hours":
        return _HOURS_UNITS.get(unit, unit)
    return unit


def col(index: int) -> str:
    """Column letter of a 1-based column index (1 → "A")."""
    return str(get_column_letter(index))


@dataclass(frozen=True)
class Series:
    """One chart series: its title and the range of its values on the chart's data sheet."""

    title: str
    values: str


@dataclass(frozen=True)
class Chart:
    """A native chart drawn from ranges of ``data_sheet``.

    ``kind`` "column" is a clustered column chart (cash flow by year); "tornado" is a horizontal
    bar chart whose two series overlap, largest swing on top.
    """

    kind: Literal["column", "tornado"]
    title: str
    data_sheet: str
    categories: str
    series: tuple[Series, ...]
    anchor: str
    y_title: str = ""
    x_title: str = ""
    width_cm: float = 18.0
    height_cm: float = 8.5


@dataclass(frozen=True)
class Dropdown:
    """A list validation on ``cells`` (e.g. "H4:H15") offering ``options``.

    ``strict``: only the options are accepted; otherwise they are suggestions and any text may be
    typed (owners: the engine's roles, or a person's name).
    """

    cells: str
    options: tuple[str, ...]
    title: str = "Status"
    strict: bool = True


@dataclass(frozen=True)
class Validation:
    """Data validation on ``cells`` (e.g. "B5 B9:B12"): a whole number or decimal within bounds.

    ``low_open``: above ``low`` (spreadsheets only have ≥, so it is written as ≥ ``low`` + 1e-9).
    ``prompt`` is the input message shown when the cell is selected, ``error`` the message shown
    when a value outside the rule is typed (the entry is refused).
    """

    cells: str
    whole: bool
    low: float | None
    high: float | None
    prompt: str
    error: str
    low_open: bool = False
    title: str = "Allowed values"


@dataclass
class Sheet:
    """One sheet, built row by row; row numbers are 1-based as in the spreadsheet."""

    title: str
    rows: list[list[Cell | None]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    freeze: str | None = None
    charts: list[Chart] = field(default_factory=list)
    dropdowns: list[Dropdown] = field(default_factory=list)
    validations: list[Validation] = field(default_factory=list)
    range_names: dict[str, str] = field(default_factory=dict)
    autofilter: str | None = None
    """Range of a table with filter and sort buttons on its header row (e.g. "A4:L12")."""
    table: pd.DataFrame | None = None
    """Bulk rows of plain values written after ``rows``, one per frame row (the event tables)."""
    hidden: bool = False
    """Hidden from the tabs (the app's own copy of the scenario file, which it reads back)."""

    def add(self, *cells: Cell | None) -> int:
        """Append a row; returns its row number."""
        self.rows.append(list(cells))
        return len(self.rows)

    def blank(self, count: int = 1) -> None:
        """Append ``count`` empty rows."""
        for _ in range(count):
            self.rows.append([])

    @property
    def next_row(self) -> int:
        """Row number the next :meth:`add` will use."""
        return len(self.rows) + 1

    def name_range(self, name: str, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        """Define ``name`` as an absolute range on this sheet."""
        self.range_names[name] = f"${col(first_col)}${first_row}:${col(last_col)}${last_row}"


@dataclass(frozen=True)
class DocumentProperties:
    title: str
    subject: str
    created: datetime
    description: str = ""
    keywords: str = ""


@dataclass
class WorkbookLayout:
    """Everything the renderer needs: sheets in tab order, document properties, the currency."""

    sheets: list[Sheet]
    properties: DocumentProperties
    currency: str
    custom_properties: dict[str, str] = field(default_factory=dict)
