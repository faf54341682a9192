"""The Rollout plan and Checklist sheets, from :func:`roi.rollout.rollout_report`.

They write the same tables the Rollout page shows (``roi.rollout_tables``), so the workbook
and the app cannot disagree; only the adoption-by-year block is live (formulas over the
Assumptions sheet).
"""

from __future__ import annotations

from typing import Any, get_args

from roi.export.layout import Cell, Dropdown, Format, Formula, Role, Sheet, col, text
from roi.export.model_sheets import stale_note
from roi.export.report_sheets import MODEL_CHANGED, VALUES_NOTE
from roi.models import Scenario
from roi.rollout import RolloutReport
from roi.rollout_models import ChecklistStatus
from roi.rollout_tables import checklist_table, gate_table, schedule_table, wave_table

CHECKLIST_STATUSES: tuple[str, ...] = get_args(ChecklistStatus)
"""The checklist's status values, offered as a drop-down."""

STATUS_ROWS_END = 200
"""The Status drop-down reaches this row, so actions the team adds below the table get it too."""

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
        sheet.add(text(column, "key"), *(_value(row[column], _COLUMN_FORMATS.get(column)) for row in rows))


def rollout_sheet(scenario: Scenario, report: RolloutReport) -> Sheet:
    """Waves (seats, cost, review load, go/no-go), gates, expectations, monthly cost, adoption by year."""
    sheet = Sheet("Rollout plan", widths={1: 32, 2: 30, 3: 24, 4: 16, 5: 16, 6: 16, 7: 12, 8: 12, 9: 80})
    sheet.add(text("Rollout plan", "title"))
    plan_note = (
        "The scenario holds no plan yet: this is the default plan (pilot ~10%, expansion ~30%, full rollout)."
        if report.plan_is_default
        else "The scenario's own plan."
    )
    sheet.add(text(f"{plan_note} {VALUES_NOTE} Money is not risk-adjusted (a budget).", "note"))
    sheet.add(stale_note(MODEL_CHANGED))
    if report.plan.start_date is not None:
        sheet.add(text("Week 0 starts on", "key"), Cell(report.plan.start_date, "date"))

    sheet.blank()
    sheet.add(text("Waves", "heading"))
    write_transposed(sheet, wave_table(report))
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
    for t in range(1, scenario.finance.horizon_years + 1):
        sheet.add(
            Cell(t, "int"),
            Cell(Formula(f"adoption_year_{t}"), "percent"),
            Cell(Formula(f"developers*adoption_year_{t}"), "number"),
        )

    sheet.blank()
    sheet.add(text("Cost by month", "heading"))
    write_table(sheet, schedule_table(report))
    return sheet


def checklist_sheet(report: RolloutReport) -> Sheet:
    """The tracked checklist (engine items with what the team recorded) and a status drop-down."""
    sheet = Sheet(
        "Checklist",
        freeze="A4",
        widths={1: 22, 2: 44, 3: 14, 4: 9, 5: 22, 6: 10, 7: 16, 8: 16, 9: 30, 10: 10, 11: 90},
    )
    sheet.add(text("Rollout checklist", "title"))
    sheet.add(
        text("Each action with the numbers that triggered it; set the status with the drop-down.", "note")
    )
    rows = checklist_table(report)
    header, last = write_table(sheet, rows, input_columns=("Status",))
    if rows:
        status = col(list(rows[0]).index("Status") + 1)
        end = max(last, STATUS_ROWS_END)
        sheet.dropdowns.append(Dropdown(f"{status}{header + 1}:{status}{end}", CHECKLIST_STATUSES))
    return sheet
