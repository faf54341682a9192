"""The Rollout plan and Checklist sheets, from :func:`roi.rollout.rollout_report`.

They write the same tables the Rollout page shows (``roi.rollout_tables``), so the workbook
and the app cannot disagree.  Live: the adoption-by-year block (formulas over the Assumptions
sheet) and the Checklist's due dates (its start date + 7 × each due week); the Checklist's start
date, owners, due weeks, statuses and notes are inputs the team keeps editing.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from typing import Any, get_args

from roi.export.layout import Cell, Dropdown, Format, Formula, Role, Sheet, Validation, col, text
from roi.export.model_sheets import stale_note
from roi.export.report_sheets import MODEL_CHANGED, VALUES_NOTE
from roi.export.safety import looks_like_formula
from roi.models import Scenario
from roi.rollout import RolloutReport
from roi.rollout_models import MAX_WEEK, ChecklistStatus
from roi.rollout_tables import checklist_table, gate_table, schedule_table, wave_table

CHECKLIST_STATUSES: tuple[str, ...] = get_args(ChecklistStatus)
"""The checklist's status values, offered as a drop-down."""

STATUS_ROWS_END = 200
"""The Status drop-down reaches this row, so actions the team adds below the table get it too."""

CHECKLIST_HEADER_ROW = 4
"""Row of the Checklist's column headers (frozen and repeated on printed pages); rows 1–3 are the
title, the note and the rollout's start date."""

START_DATE_CELL = "rollout_start_date"
"""Defined name of the Checklist's "Week 0 starts on" input (B3): every due date is this date plus
7 × the due week."""

OWNER_ROLES: tuple[str, ...] = (
    "CTO",
    "VP Engineering",
    "Engineering manager",
    "Tech lead",
    "QA lead",
    "Finance partner",
)
"""The owners the engine assigns, offered as suggestions: any other owner may be typed."""

NO_START_DATE = "not set"
"""The Rollout plan's "Week 0 starts on" while the Checklist's start date is blank."""

_EXCEL_EPOCH = date(1899, 12, 30)


def _serial(day: date) -> int:
    """The spreadsheet's date serial of ``day`` (what a date cell stores)."""
    return (day - _EXCEL_EPOCH).days


_COLUMN_FORMATS: dict[str, Format] = {
    **dict.fromkeys(
        (
            "Seat cost / month",
            "Usage cost / month",
            "Licence cost / month",
            "Training cost",
            "Seat cost",
            "Usage cost",
            "Governance cost",
            "One-off cost",
            "Total cost",
            "Cumulative cost",
        ),
        "money",
    ),
    **dict.fromkeys(("Share of developers", "Reviewer utilisation"), "percent"),
    **dict.fromkeys(
        (
            "Training h / developer",
            "Review h / week",
            "Extra review h / week",
            "Review capacity h / week",
            "Review wait (working h)",
            "Review backlog growth h / week",
            "Freed h / week",
        ),
        "hours",
    ),
    **dict.fromkeys(("Seats", "PRs / week", "Extra PRs / week", "Extra bugs / week"), "number"),
}
"""Number formats of the rollout tables' columns; other numbers are shown as counts or plain numbers."""

_UNIT_FORMATS: dict[str, Format] = {"fraction": "percent", "h": "hours", "calendar h": "hours"}
"""Gate values are in their metric's unit (the table's "Unit" column)."""


def _value(value: Any, fmt: Format | None, role: Role = "plain") -> Cell | None:
    if isinstance(value, Cell):  # a cell made by the sheet (a live formula)
        return value
    if value is None or value == "":
        return Cell(None, "text", role) if role != "plain" else None
    if isinstance(value, bool):
        return text("yes" if value else "no", role)
    if isinstance(value, (int, float)):
        return Cell(value, fmt or ("int" if isinstance(value, int) else "number"), role)
    return text(value, role, wrap=len(str(value)) > 60)


def write_table(
    sheet: Sheet,
    rows: list[dict[str, Any]],
    *,
    per_row_unit: bool = False,
    input_columns: tuple[str, ...] = (),
) -> tuple[int, int]:
    """Rows of dicts as a header plus one row each; returns (header row, last row).

    ``per_row_unit``: format numbers by the row's "Unit" column; ``input_columns`` are styled as inputs.
    """
    if not rows:
        row = sheet.add(text("(none)", "note"))
        return row, row
    header = sheet.add(*(text(column, "header") for column in rows[0]))
    for row in rows:
        unit_format = _UNIT_FORMATS.get(row.get("Unit", "")) if per_row_unit else None
        sheet.add(
            *(
                _value(
                    value,
                    unit_format or _COLUMN_FORMATS.get(column),
                    "input" if column in input_columns else "plain",
                )
                for column, value in row.items()
            )
        )
    return header, sheet.next_row - 1


def write_transposed(sheet: Sheet, rows: list[dict[str, Any]]) -> None:
    """Rows of dicts turned on their side: one line per column, one column per row (few, wide rows)."""
    if not rows:
        sheet.add(text("(none)", "note"))
        return
    first, *others = list(rows[0])
    sheet.add(text(first, "header"), *(text(row[first], "header") for row in rows))
    for column in others:
        cells = [_value(row[column], _COLUMN_FORMATS.get(column)) for row in rows]
        for index, cell in enumerate(cells):
            width = sheet.widths.get(index + 2, 8)
            if cell is not None and isinstance(cell.value, str) and len(cell.value) > width:
                cells[index] = dataclasses.replace(cell, wrap=True)  # the next wave's column would cut it off
        sheet.add(text(column, "key"), *cells)


def _with_start_dates(
    rows: list[dict[str, Any]], header_row: int, start: date | None
) -> list[dict[str, Any]]:
    """Wave rows with a live "Starts on" after "Start week": the Checklist's start date + 7 × the
    start week (blank without a start date), for the table :func:`write_transposed` writes at
    ``header_row``."""
    out = []
    for index, row in enumerate(rows):
        week_row = header_row + list(row).index("Start week")
        week = f"{col(index + 2)}{week_row}"
        formula = f'IF(ISNUMBER({START_DATE_CELL}),{START_DATE_CELL}+7*{week},"")'
        cached = "" if start is None else _serial(start + timedelta(weeks=row["Start week"]))
        with_date: dict[str, Any] = {}
        for column, value in row.items():
            with_date[column] = value
            if column == "Start week":
                with_date["Starts on"] = Cell(Formula(formula, cached=cached), "date")
        out.append(with_date)
    return out


def rollout_sheet(scenario: Scenario, report: RolloutReport) -> Sheet:
    """Waves (seats, cost, review load, go/no-go), gates, expectations, monthly cost, adoption by year."""
    sheet = Sheet(
        "Rollout plan",
        widths={1: 32, 2: 30, 3: 24, 4: 16, 5: 16, 6: 16, 7: 12, 8: 12, 9: 60, 10: 14, 11: 14, 12: 15},
    )
    sheet.add(text("Rollout plan", "title"))
    plan_note = (
        "The scenario holds no plan yet: this is the default plan (pilot ~10%, expansion ~30%, full rollout)."
        if report.plan_is_default
        else "The scenario's own plan."
    )
    sheet.add(text(f"{plan_note} {VALUES_NOTE} Money is not risk-adjusted (a budget).", "note"))
    sheet.add(stale_note(MODEL_CHANGED))
    start = report.plan.start_date
    sheet.add(
        text("Week 0 starts on", "key"),
        Cell(
            Formula(
                f'IF(ISNUMBER({START_DATE_CELL}),{START_DATE_CELL},"{NO_START_DATE}")',
                cached=NO_START_DATE if start is None else _serial(start),
            ),
            "date",
        ),
        text("live: the date on the Checklist sheet (B3), where you can change it", "note"),
    )

    sheet.blank()
    sheet.add(text("Waves", "heading"))
    write_transposed(sheet, _with_start_dates(wave_table(report), sheet.next_row, start))
    sheet.blank()
    sheet.add(text("Go/no-go gates", "heading"))
    write_table(sheet, gate_table(report), per_row_unit=True)

    sheet.blank()
    sheet.add(text("Expectations: the gain to plan roadmaps on", "heading"))
    e = report.expectations
    for label, value, fmt in (
        ("Headline output change (g)", e.headline_gain, "percent"),
        ("Quality-adjusted gain (QAPI − 1)", e.quality_adjusted_gain, "percent"),
        (f"Planning gain ({'P10' if e.basis == 'p10' else 'likely values'})", e.planning_gain, "percent"),
        ("Freed hours per developer-week", e.freed_hours_per_dev_week, "hours"),
        ("Freed time for quality", e.allocation.quality, "percent"),
        ("Freed time for learning", e.allocation.learning, "percent"),
        ("Freed time for roadmap", e.allocation.roadmap, "percent"),
        ("Roadmap gain to commit", e.roadmap_gain, "percent"),
    ):
        sheet.add(text(label), Cell(value, fmt, "key"))
    sheet.add(text(e.note, "note"))
    for guardrail in e.guardrails:
        sheet.add(text("Guardrail"), text(guardrail))

    sheet.blank()
    sheet.add(text("Adoption by year (live, from Assumptions)", "heading"))
    sheet.add(*(text(h, "header") for h in ("Year", "Adoption", "Active developers")))
    for t, share in enumerate(scenario.finance.adoption, start=1):
        sheet.add(
            Cell(t, "int"),
            Cell(Formula(f"adoption_year_{t}", cached=share), "percent"),
            Cell(Formula(f"developers*adoption_year_{t}", cached=scenario.team.developers * share), "number"),
        )

    sheet.blank()
    sheet.add(text("Cost by month", "heading"))
    write_table(sheet, schedule_table(report))
    return sheet


def _owner_options(report: RolloutReport) -> tuple[str, ...]:
    """The engine's roles and the owners the team recorded, as a list validation can hold them."""
    found = list(OWNER_ROLES)
    for item in report.checklist:
        owner = item.owner_role
        if owner not in found and not re.search(r'[,"]', owner) and not looks_like_formula(owner):
            found.append(owner)
    options: list[str] = []
    for owner in found:  # a list validation's options are at most 255 characters in all
        if len(",".join([*options, owner])) <= 255:
            options.append(owner)
    return tuple(options)


_INPUT_COLUMNS = ("Owner", "Due week", "Status", "Notes")
_WRAPPED_COLUMNS = ("Title", "Notes", "Why")
_CHECKLIST_WIDTHS = {
    "Item": 18,
    "Title": 30,
    "Category": 12,
    "Priority": 8,
    "Owner": 19,
    "Due week": 9,
    "Due date": 11,
    "Due before wave": 13,
    "Status": 12,
    "Notes": 28,
    "Still triggered": 9,
    "Why": 48,
}
"""Column widths [characters]: 217 in all, so a landscape page prints the table at about 60%
(A4 or Letter hold ~135 characters of the default font at 100%); long text wraps."""


def _due_order(row: dict[str, Any]) -> tuple[bool, int, bool, int]:
    """Sort key of the plan: by due week (untied items last), then priority."""
    week, priority = row["Due week"], row["Priority"]
    return week is None, week or 0, priority is None, priority or 0


def _with_due_date(row: dict[str, Any]) -> dict[str, Any]:
    """The row with a "Due date" column after "Due week" (its value: the due week, for the formula)."""
    out: dict[str, Any] = {}
    for column, value in row.items():
        out[column] = value
        if column == "Due week":
            out["Due date"] = value
    return out


def checklist_sheet(report: RolloutReport) -> Sheet:
    """The tracked checklist as a plan to keep editing: sorted by due week, with filter buttons,
    editable owner, due week, status (drop-down) and notes, and due dates from the start date."""
    rows = [_with_due_date(row) for row in sorted(checklist_table(report), key=_due_order)]
    columns = list(rows[0]) if rows else list(_CHECKLIST_WIDTHS)
    letter = {column: col(index) for index, column in enumerate(columns, start=1)}
    sheet = Sheet(
        "Checklist",
        freeze=f"A{CHECKLIST_HEADER_ROW + 1}",
        widths={i: _CHECKLIST_WIDTHS.get(c, 16) for i, c in enumerate(columns, start=1)},
    )
    sheet.add(text("Rollout checklist", "title"))
    sheet.add(
        text(
            "Each action with the numbers that triggered it, by due week. Yellow cells are yours to edit: "
            "the start date, owner, due week, status (drop-down) and notes; due dates follow the start "
            "date and the due week. Sort and filter with the header's buttons.",
            "note",
        )
    )
    start = report.plan.start_date
    sheet.add(
        text("Week 0 starts on", "key"),
        Cell(start, "date", "input", name=START_DATE_CELL),
        text("the pilot's first day; blank = no due dates yet", "note"),
    )
    assert sheet.next_row == CHECKLIST_HEADER_ROW
    header = sheet.add(*(text(column, "header", wrap=True) for column in columns))
    if not rows:
        sheet.add(text("(none)", "note"))
    for row in rows:
        number = sheet.next_row
        cells: list[Cell | None] = []
        for column, value in row.items():
            role: Role = "input" if column in _INPUT_COLUMNS else "plain"
            if column == "Due date":
                week = f"{letter['Due week']}{number}"
                known = start is not None and value is not None
                due = _serial(start + timedelta(weeks=value)) if known else ""
                cells.append(
                    Cell(
                        Formula(
                            f"IF(AND(ISNUMBER({START_DATE_CELL}),ISNUMBER({week})),"
                            f'{START_DATE_CELL}+7*{week},"")',
                            cached=due,
                        ),
                        "date",
                    )
                )
            elif column == "Due week":  # a number cell even when blank: a typed week stays a number
                cells.append(Cell(value, "int", role))
            elif column in _WRAPPED_COLUMNS or role == "input":
                cells.append(text(value or "", role, wrap=column in _WRAPPED_COLUMNS))
            else:
                cells.append(_value(value, _COLUMN_FORMATS.get(column)))
        sheet.add(*cells)
    last = sheet.next_row - 1
    end = max(last, STATUS_ROWS_END)
    first = header + 1

    def cells_of(column: str) -> str:
        return f"{letter[column]}{first}:{letter[column]}{end}"

    sheet.dropdowns.append(Dropdown(cells_of("Status"), CHECKLIST_STATUSES))
    sheet.dropdowns.append(Dropdown(cells_of("Owner"), _owner_options(report), title="Owner", strict=False))
    sheet.validations.append(
        Validation(
            cells_of("Due week"),
            whole=True,
            low=0,
            high=MAX_WEEK,
            prompt="Week of the rollout the action is due by (week 0 = the pilot's first week).",
            error=f"The due week must be a whole number from 0 to {MAX_WEEK}.",
            title="Due week",
        )
    )
    sheet.validations.append(
        Validation(
            f"B{CHECKLIST_HEADER_ROW - 1}",
            whole=False,
            low=1,  # a date is a day number: text such as "next Monday" is refused
            high=None,
            prompt="The pilot's first day (week 0), e.g. 2026-03-02; leave blank while it is not decided.",
            error="Enter a date, e.g. 2026-03-02.",
            title="Start date",
        )
    )
    if rows:
        sheet.autofilter = f"A{header}:{col(len(columns))}{last}"
    return sheet
