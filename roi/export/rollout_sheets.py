"""The Rollout plan and Checklist sheets, from :func:`roi.rollout.rollout_report`.

They write the same tables the Rollout page shows (``roi.rollout_tables``), so the workbook
and the app cannot disagree.  Live: each wave's start week, seat share, training hours and
reviewer pool are inputs, and its dates, seats, licence and training costs are formulas over them
and the named Assumptions, as are its review load (PRs, review hours, capacity, utilisation,
backlog, freed hours, extra bugs) and the cost-by-month table (the rules of
:func:`roi.rollout.plan_waves` and :func:`roi.rollout.monthly_cost_schedule`, each formula stored
with the engine's value); the adoption-by-year block and the Checklist's due dates (its start date
+ 7 × each due week), due weeks tied to a wave (links to its start week) and "Due before wave"
(the rule of :func:`roi.rollout.track_checklist`) too.  Reviewers needed, reviewers to add and the
wait (Erlang C) stay the app's values at export, flagged stale per wave.  The Checklist's start
date, owners, due weeks, statuses and notes are inputs.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from typing import Any, Protocol, get_args

from roi.export.assumptions import CHECKS, same_as_exported
from roi.export.layout import (
    DEFAULT_WIDTH,
    Cell,
    Dropdown,
    Format,
    Formula,
    Role,
    Sheet,
    Validation,
    col,
    text,
    wrapped_lines,
)
from roi.export.model_sheets import EFFORT_INPUTS, NET_INPUTS, STALE_NOTE, UNSTABLE, guarded, stale_note
from roi.export.report_sheets import INPUT_PROBLEMS, MODEL_CHANGED, formula_string
from roi.export.rules import Rule, rule_for
from roi.export.safety import looks_like_formula
from roi.models import Scenario
from roi.rollout import (
    DEFAULT_RAMP_WEEKS,
    IDLE_SEAT_REVIEW_WEEKS,
    MAX_MEASURE_WEEKS,
    MIN_MEASURE_WEEKS,
    METRICS,
    MIN_PRS_PER_PERIOD,
    MONTHS_PER_YEAR,
    RolloutReport,
    WaveTie,
    wave_outline,
    wave_tie,
)
from roi.rollout_models import MAX_WEEK, WEEKS_PER_YEAR, ChecklistStatus
from roi.rollout_tables import (
    DECISION_LABELS,
    LATE_FOR,
    checklist_table,
    gate_table,
    schedule_table,
    wave_table,
)

_POOL_RULE = rule_for("rollout.waves.0.reviewers")
"""What a wave's reviewer pool [people] may be (``roi.rollout_models.Wave``'s bounds)."""

_WEEK_RULE = rule_for("rollout.waves.0.start_week")
_SHARE_RULE = rule_for("rollout.waves.0.seat_share", fraction=True)
_TRAINING_RULE = dataclasses.replace(rule_for("rollout.waves.0.training_hours_per_dev"), blank_ok=True)
"""What a wave's start week, seat share and training hours may be (``roi.rollout_models.Wave``'s
bounds; blank training hours are the ``training_hours_per_dev`` Assumption, as a wave without its own
hours is in the app: :func:`_training`)."""

ROLLOUT_PLAN = "Rollout plan"
"""Title of the Rollout plan sheet (the Checklist links to its wave table)."""

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

DUE_WEEK_PROBLEM = f"Due week must be 0–{MAX_WEEK}"
"""What a Checklist item's due date says when its due week is not a whole number from 0 to
:data:`~roi.rollout_models.MAX_WEEK` (text, a fraction, a negative week pasted past the validation)."""

CHECKLIST_STALE_NOTE = (
    "Stale: assumptions changed since export; the actions listed, \"Still triggered\" and \"Why\" are the app's "
    "at export. To refresh them, open this workbook on the app's Export page (Resume), which takes the statuses, "
    "owners, due weeks and notes typed here, then export again."
)
"""The Checklist's live note (row 3, from "Due date" on) once ``model_changed`` is 1: its rules
are not formulas, so the actions and the numbers that triggered them stay the export's."""

CHECKLIST_PLAN_NOT_ALLOWED = (
    "The Rollout plan's Check row says what its waves do not allow: the due weeks tied to them, and their dates, "
    "follow a plan the app would refuse."
)
"""The Checklist's live note while :data:`PLAN_ALLOWED` is FALSE: a wave start pasted as −2 showed items due in
week −2 with nothing on the sheet to say why (the PM audit)."""

OWNER_ROLES: tuple[str, ...] = (
    "CTO",
    "VP Engineering",
    "Engineering manager",
    "Tech lead",
    "QA lead",
    "Finance partner",
)
"""The owners the engine assigns, offered as suggestions: any other owner may be typed."""

WAVES_HEADER_ROW = 7
"""Row of the Rollout plan's wave table holding the wave names (one column per wave from B); the
rows below follow :func:`wave_labels`."""

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
            "Modelled review wait (working h)",
            "Review backlog growth h / week",
            "Freed h / week",
        ),
        "hours",
    ),
    **dict.fromkeys(("Seats", "PRs / week", "Extra PRs / week", "Extra bugs / week"), "number"),
}
"""Number formats of the rollout tables' columns; other numbers are shown as counts or plain numbers."""

_UNIT_FORMATS: dict[str, Format] = {"fraction": "percent", "calendar h": "hours"}
"""Gate values are in their metric's unit (the table's "Unit" column)."""


def _value(value: Any, fmt: Format | None) -> Cell | None:
    if isinstance(value, Cell):  # a cell made by the sheet (a live formula)
        return value
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return text("yes" if value else "no")
    if isinstance(value, (int, float)):
        return Cell(value, fmt or ("int" if isinstance(value, int) else "number"))
    return text(value, wrap=len(str(value)) > 60)


def write_table(
    sheet: Sheet,
    rows: list[dict[str, Any]],
    *,
    per_row_unit: bool = False,
) -> tuple[int, int]:
    """Rows of dicts as a header plus one row each; returns (header row, last row).

    ``per_row_unit``: format numbers by the row's "Unit" column.
    """
    if not rows:
        note = sheet.add(text("(none)", "note"))
        return note, note
    header = sheet.add(*(text(column, "header") for column in rows[0]))
    for row in rows:
        unit_format = _UNIT_FORMATS.get(row.get("Unit", "")) if per_row_unit else None
        sheet.add(
            *(
                _value(value, unit_format or _COLUMN_FORMATS.get(column))
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


WAVE_VALUES_LABEL = "Rows below: computed by the app at export"
"""Row of the wave table, before the values that need Erlang C (reviewers needed, reviewers to add,
the wait): per wave, live, empty while they are up to date and the stale note once the wave's seat
share or reviewer pool or an assumption changed."""

ERLANG_ROWS = ("Reviewers needed", "Reviewers to add", "Modelled review wait (working h)")
"""The wave table's rows the app computes with Erlang C (``roi.capacity``): written as values below
:data:`WAVE_VALUES_LABEL`, after every live row."""

WAVE_INPUTS = {"Start week": "start_week", "Share of developers": "seat_share",
               "Training h / developer": "training_hours_per_dev", "Reviewers": "reviewers"}
"""The wave table's rows a PM edits (yellow), by the field of ``Wave`` each holds; the dates, costs and
review load follow them."""

WAVE_CHECK_LABEL = "Check (live)"
"""Row of the wave table, just under the wave names: per wave, live, empty while its inputs are
what the plan allows, else what is wrong ("Start week must be …"), as the app would refuse it."""

ADDED_WAVE_NOTE = ("A wave typed in the next column is in none of this workbook's dates, costs or totals: open the "
                   "workbook in the app (Export page, Resume), which adds it, and export it again")
"""The last wave's live check while a name is typed in the column after it (the app reads that column as a
wave added, :mod:`roi.workbook_edits`; the workbook has no formulas there)."""

WAVE_CHECKS = "wave_checks"
"""Defined name of the wave table's :data:`WAVE_CHECK_LABEL` row (one cell per wave)."""

WAVE_ROW_NAMES = {
    "Wave": "wave_names",
    "Start week": "wave_start_weeks",
    "Share of developers": "wave_seat_shares",
    "Training h / developer": "wave_training_hours",
    "Reviewers": "wave_reviewers",
}
"""Defined names of the wave table's names and input rows (one cell per wave), by which
:mod:`roi.workbook_edits` finds them again: a spreadsheet moves a name with the rows inserted above it."""

WAVE_NAME_CELL = "wave_{}"
"""Defined name of wave k's name cell (``wave_1`` …), by which :mod:`roi.workbook_edits` knows each exported wave
wherever its column went (a column deleted or inserted before it) and whatever it is called now."""

GATE_ROWS = "gate_rows"
"""Defined name of the exported gates' rows, columns A (wave) to F (measured)."""

CHECKLIST_HEADER = "checklist_header"
"""Defined name of the Checklist's header row (Item, Action, … Why)."""

LINKED_ASSUMPTIONS: tuple[tuple[str, str, str], ...] = (
    ("reviewers", "review.reviewers", "Reviewers"),
    ("training_hours_per_dev", "costs.training_hours_per_dev", "Training h / developer"),
)
"""(defined name, scenario field, wave row) of the Assumptions a wave input links to (a wave without
its own pool or training hours).  A link shows the Assumption's value (0 for a blank
cell), so a cleared Assumption is checked once, beside the "Waves" heading, not blamed on each wave."""


def _linked(cell: str, name: str) -> str:
    """TRUE while the wave's input ``cell`` shows the Assumption ``name`` (the link, or the same value):
    what is wrong there is the Assumption's, not the wave's.  Never an error."""
    return f"IFERROR(AND(NOT(ISBLANK({cell})),{cell}={name}),FALSE)"


def assumption_problem(name: str, label: str, blank: bool) -> str:
    """What the line beside the "Waves" heading says when the Assumption ``name``, which waves'
    ``label`` inputs follow, is empty (``blank``) or not allowed."""
    if blank:
        return f"Assumptions: the {name} cell is empty; enter it there (the waves' {label} follow it)."
    (rule,) = [rule_for(path) for linked, path, _ in LINKED_ASSUMPTIONS if linked == name]
    return f"Assumptions: {name} must be {rule.words()} (the waves' {label} follow it)."


def _assumption_check(report: RolloutReport, labels: list[str]) -> Cell:
    """The line beside the "Waves" heading: empty while the Assumptions the waves' inputs follow are
    allowed, else, once, which Assumption cell to fix (only if a wave follows it; a blank pool or training does)."""
    parts = []
    for name, path, label in LINKED_ASSUMPTIONS:
        row = WAVES_HEADER_ROW + labels.index(label)
        cells = [f"{col(index + 2)}{row}" for index in range(len(report.waves))]
        follows = [_linked(cell, name) for cell in cells]
        follows += [f"ISBLANK({cell})" for cell in cells]  # a blank pool or training is the Assumption's
        blank, wrong = (
            '"' + assumption_problem(name, label, state).replace('"', '""') + ' "' for state in (True, False)
        )
        wrong_here = f'AND(OR({",".join(follows)}),NOT({rule_for(path).valid(name)}))'
        parts.append(f'IF({wrong_here},IF(ISBLANK({name}),{blank},{wrong}),"")')
    linked = f"TRIM({'&'.join(parts)})"
    # Any other Assumption not allowed (developers cleared): the waves showed 0 developers and a budget of
    # governance alone, with nothing on this sheet to say why; the Summary's verdict said it.
    first = f'INDEX({CHECKS},MATCH("?*",{CHECKS},0))'
    more = f'IF({INPUT_PROBLEMS}>1," (and "&({INPUT_PROBLEMS}-1)&" more: see column G of Assumptions)","")'
    other = f'IF({INPUT_PROBLEMS}>0,"Check the assumptions: "&{first}&{more},"")'  # as the Summary's verdict
    return Cell(Formula(f'IF({linked}<>"",{linked},{other})', cached=""), "text", "warning")


def _training(cell: str) -> str:
    """The wave's training hours per developer [h] from its input ``cell``: a blank cell is the
    ``training_hours_per_dev`` Assumption (``Wave.training_hours_per_dev`` null = the scenario's hours).
    It counted 0, so clearing a wave's own hours dropped its training cost where the app keeps it."""
    return f"IF(ISBLANK({cell}),training_hours_per_dev,{cell})"


def _pool(cell: str) -> str:
    """The wave's reviewer pool [people] from its "Reviewers" input ``cell``: a blank cell is the
    ``reviewers`` Assumption (``Wave.reviewers`` null = the scenario's pool)."""
    return f"IF(ISBLANK({cell}),reviewers,{cell})"


CHECK_ROOM_MESSAGES = 2
"""Messages the Check row makes room for in each wave's column: a wave that breaks two rules (a pool
of 0 and training hours typed as text, a share that is too high and so not above the previous
wave's) shows both; more at once is rare, and room for every message would print a tall empty row."""


class _CellRef(Protocol):
    """``ref(label)``: a cell of this wave's column; ``ref(label, letter)``: of another wave's column."""

    def __call__(self, column: str, letter: str = ...) -> str: ...


def _wave_check(
    scenario: Scenario, report: RolloutReport, index: int, ref: _CellRef
) -> tuple[str, list[str]]:
    """Formula text: empty while wave ``index``'s inputs (cells ``ref(label)``; ``ref(label, letter)``
    of another wave's column) are what :class:`roi.rollout_models.RolloutPlan` allows, else each
    problem as a sentence: a start week, share, training hours or pool out of bounds (text, a blank,
    a share typed as a percentage), a wave that does not start after the previous one or adds no
    seats, a wave that starts after the horizon (it would never bill; the app refuses it).
    Returns the formula and its messages as the wave shows them."""
    week, share = ref("Start week"), ref("Share of developers")
    names = [wave.name for wave in report.waves]
    before = col(index + 1)  # the previous wave's column
    messages: list[str] = []

    def quoted(message: str) -> str:
        """The message as a formula string; "{before}" is the previous wave's name, linked to its cell
        (user text never goes into a formula)."""
        if index:
            messages.append(f"{message}.".replace("{before}", names[index - 1]))
        else:
            messages.append(f"{message}.")
        literal = '"' + f"{message}. ".replace('"', '""') + '"'
        return literal.replace("{before}", f'"&{ref("Wave", before)}&"')

    def problem(valid: str, message: str) -> str:
        return f'IFERROR(IF({valid},"",{quoted(message)}),{quoted(message)})'

    def own(label: str, rule: Rule) -> str:
        """The wave's ``label`` input out of ``rule``'s bounds; not while it shows the Assumption it
        links to (a cleared Assumption is checked once, beside the "Waves" heading)."""
        (name,) = [name for name, _, row in LINKED_ASSUMPTIONS if row == label]
        linked = _linked(ref(label), name)
        return f'IF({linked},"",{problem(rule.valid(ref(label)), f"{label} must be {rule.words()}")})'

    def when_numbers(cells: list[str], valid: str, message: str) -> str:
        numbers = ",".join(f"ISNUMBER({cell})" for cell in cells)
        return f'IFERROR(IF(AND({numbers}),IF({valid},"",{quoted(message)}),""),"")'

    horizon = scenario.finance.horizon_years
    parts = [
        problem(_WEEK_RULE.valid(week), f"Start week must be {_WEEK_RULE.words()}"),
        when_numbers(
            [week],
            f"INT({week}*{MONTHS_PER_YEAR}/{WEEKS_PER_YEAR}+1E-9)+1<={horizon * MONTHS_PER_YEAR}",
            f"Start week is after the {horizon}-year horizon: the wave would never bill (the app refuses it)",
        ),
        problem(_SHARE_RULE.valid(share), f"Share of developers must be {_SHARE_RULE.words()}"),
        own("Training h / developer", _TRAINING_RULE),
        own("Reviewers", _POOL_RULE),
    ]
    if index:
        parts += [
            when_numbers(
                [week, ref("Start week", before)],
                f"{week}>{ref('Start week', before)}",
                "Start week must be after {before}'s: waves start in order",
            ),
            when_numbers(
                [share, ref("Share of developers", before)],
                f"{share}>{ref('Share of developers', before)}",
                "Share of developers must be above {before}'s: each wave adds seats",
            ),
        ]
    if index == len(report.waves) - 1:  # a wave typed in the next column has no formulas of its own
        parts.append(f'IF(LEN({ref("Wave", col(index + 3))}&"")>0,{quoted(ADDED_WAVE_NOTE)},"")')
    return f"TRIM({'&'.join(parts)})", list(dict.fromkeys(messages))


def _tool_sum(term: str, tools: int) -> str:
    """``term`` (with ``{k}`` for the tool number) summed over the licence lines; "0" without tools."""
    return "+".join(term.format(k=k) for k in range(1, tools + 1)) or "0"


def wave_labels(report: RolloutReport) -> list[str]:
    """The wave table's row labels, top to bottom (``WAVES_HEADER_ROW`` holds "Wave", the names):
    :func:`roi.rollout_tables.wave_table`'s columns with the live check of the wave's inputs under
    the names (:data:`WAVE_CHECK_LABEL`), the dates after "Start week" and the app's
    Erlang C values, under :data:`WAVE_VALUES_LABEL`, just before "Go / no-go"."""
    rows = wave_table(report)
    labels: list[str] = []
    for column in rows[0] if rows else ():
        if column in ERLANG_ROWS:
            continue
        if column == "Go / no-go":  # live from the gates, then the app's rows last, under their flag
            labels += [column, WAVE_VALUES_LABEL, *ERLANG_ROWS]
            continue
        labels.append(column)
        if column == "Wave":  # what is wrong with a wave's inputs, first
            labels.append(WAVE_CHECK_LABEL)
        if column == "Start week":
            labels += ["Starts on", "Start month"]
    return labels


def _live_waves(
    scenario: Scenario,
    report: RolloutReport,
    rows: list[dict[str, Any]],
    header_row: int,
    widths: dict[int, float],
) -> list[dict[str, Any]]:
    """Wave rows for :func:`write_transposed` at ``header_row``, with live cells: the start week,
    seat share, training hours and reviewer pool (a link to the ``reviewers`` Assumption unless the
    wave has its own; blank = that Assumption) as inputs; "Starts on" (the Checklist's start date
    + 7 × the start week, blank without a start date), "Start month", end and measuring weeks, developers,
    seats, licence and training costs, PRs, review hours, capacity, utilisation, backlog growth,
    freed hours and extra bugs as formulas over them and the named Assumptions and model cells (the
    rules of :func:`roi.rollout.plan_waves`); "Go / no-go" from the wave's rows of the gates table
    (:func:`_live_gates`, written :func:`gates_first_row` on); the engine's Erlang C values last, behind a
    live stale flag that also reacts to the wave's share and pool."""
    start = report.plan.start_date
    tools = len(scenario.costs.tools)
    measurement = scenario.measurement
    ramp = measurement.ramp_weeks if measurement is not None else DEFAULT_RAMP_WEEKS
    columns = wave_labels(report)
    at = {column: header_row + index for index, column in enumerate(columns)}
    out = []
    for index, (row, wave) in enumerate(zip(rows, report.waves, strict=True)):
        letter = col(index + 2)

        def ref(column: str, letter: str = letter) -> str:
            return f"{letter}{at[column]}"

        week, share, d = ref("Start week"), ref("Share of developers"), ref("Developers with a seat")
        last = index == len(rows) - 1
        seats_needed = f"{d}*post_prs_per_dev_week"
        end = (
            f"{week}+{ramp}+MIN({MAX_MEASURE_WEEKS},MAX({MIN_MEASURE_WEEKS},IF({seats_needed}>0,"
            f"ROUNDUP({MIN_PRS_PER_PERIOD}/({seats_needed})-1E-9,0),{MIN_MEASURE_WEEKS})))"
            if last
            else ref("Start week", col(index + 3))
        )
        training = ref("Training h / developer")
        work, pool = ref("Review h / week"), ref("Reviewers")
        check, messages = _wave_check(scenario, report, index, ref)
        width = widths.get(index + 2, DEFAULT_WIDTH)
        longest = sorted(messages, key=len, reverse=True)[:CHECK_ROOM_MESSAGES]
        room = {  # lines the messages need in this wave's column: the row is made that tall
            WAVE_CHECK_LABEL: wrapped_lines("x" * len(" ".join(longest)), width),
            WAVE_VALUES_LABEL: wrapped_lines(STALE_NOTE, width),
        }
        live: dict[str, tuple[str, Any, Format]] = {
            "Starts on": (
                f'IF(ISNUMBER({START_DATE_CELL}),{START_DATE_CELL}+7*{week},"")',
                "" if start is None else _serial(start + timedelta(weeks=wave.start_week)),
                "date",
            ),
            "Start month": (
                f"INT({week}*{MONTHS_PER_YEAR}/{WEEKS_PER_YEAR}+1E-9)+1", wave.start_month, "int"
            ),
            "End week": (end, wave.end_week, "int"),
            "Measure from week": (f"MIN({week}+{ramp},{ref('End week')})", wave.measure_from_week, "int"),
            "Developers with a seat": (f"INT(developers*{share}+0.5+1E-9)", wave.developers, "int"),
            "Developers added": (
                f"{d}-{ref('Developers with a seat', col(index + 1))}" if index else d,
                wave.developers_added,
                "int",
            ),
            "Seats": (_tool_sum(f"{d}*tool_{{k}}_seat_coverage", tools), wave.seats, "number"),
            "Seat cost / month": (
                _tool_sum(f"{d}*tool_{{k}}_seat_coverage*tool_{{k}}_price_per_seat_month", tools),
                wave.seat_cost_per_month,
                "money",
            ),
            "Usage cost / month": (
                _tool_sum(f"MIN({d}*tool_{{k}}_seat_coverage,{d})*tool_{{k}}_usage_per_dev_month", tools),
                wave.usage_cost_per_month,
                "money",
            ),
            "Licence cost / month": (
                f"{ref('Seat cost / month')}+{ref('Usage cost / month')}",
                wave.licence_cost_per_month,
                "money",
            ),
            "Training cost": (
                f"{ref('Developers added')}*{_training(training)}*loaded_cost_per_hour", wave.training_cost, "money"
            ),
            "PRs / week": (
                f"(developers-{d})*baseline_prs_per_dev_week+{d}*post_prs_per_dev_week",
                wave.prs_per_week,
                "number",
            ),
            "Extra PRs / week": (
                f"{d}*(post_prs_per_dev_week-baseline_prs_per_dev_week)", wave.extra_prs_per_week, "number"
            ),
            "Review h / week": (
                guarded(
                    f"(developers-{d})*baseline_prs_per_dev_week*effort_baseline_hours"
                    f"+{d}*post_prs_per_dev_week*effort_post_hours",
                    EFFORT_INPUTS,
                ),
                wave.review_hours_per_week,
                "hours",
            ),
            "Extra review h / week": (
                guarded(f"{d}*review_tax_hours", EFFORT_INPUTS), wave.extra_review_hours_per_week, "hours"
            ),
            "Review capacity h / week": (
                f"{_pool(pool)}*review_share*hours_per_week", wave.review_capacity_hours_per_week, "hours"
            ),
            "Reviewer utilisation": (
                # blank, not #DIV/0!, while a cleared pool leaves no capacity: the checks name the cell
                guarded(f"IF({ref('Review capacity h / week')}>0,{work}/{ref('Review capacity h / week')},\"\")",
                        EFFORT_INPUTS),
                wave.utilization,
                "percent",
            ),
            "Review backlog growth h / week": (
                guarded(f"MAX(0,{work}-{ref('Review capacity h / week')})", EFFORT_INPUTS),
                wave.backlog_growth_hours_per_week,
                "hours",
            ),
            "Freed h / week": (guarded(f"{d}*net_hours", NET_INPUTS), wave.net_hours_per_week, "hours"),
            "Extra bugs / week": (
                f"{d}*(post_bugs_per_dev_week-baseline_bugs_per_dev_week)", wave.extra_bugs_per_week, "number"
            ),
            WAVE_CHECK_LABEL: (check, "", "text"),
            "Go / no-go": (_live_decision(report, ref("Wave"), gates_first_row(header_row, columns)),
                           row["Go / no-go"], "text"),
            WAVE_VALUES_LABEL: (
                f"IF(AND({MODEL_CHANGED}=0,{same_as_exported(share, wave.seat_share)},"
                f'{same_as_exported(_pool(pool), wave.reviewers)}),"","{STALE_NOTE}")',
                "",
                "text",
            ),
        }
        cells: dict[str, Any] = {}
        for column in columns:
            if column in live:
                formula, cached, fmt = live[column]
                if column not in _SAID_OF_ANY_PLAN:  # a share of 1.5 pasted past validation showed −25 added
                    formula = f'IF({PLAN_ALLOWED},{formula},"")'
                role: Role = "warning" if column in (WAVE_VALUES_LABEL, WAVE_CHECK_LABEL) else "plain"
                cells[column] = Cell(
                    Formula(formula, cached=cached), fmt, role, wrap=role == "warning", lines=room.get(column, 1)
                )
            elif column == "Training h / developer" and report.plan.waves[index].training_hours_per_dev is None:
                # the wave trains for the scenario's hours (none of its own): follow the assumption
                cells[column] = Cell(
                    Formula("training_hours_per_dev", cached=row[column]), "hours", "input"
                )
            elif column == "Reviewers" and report.plan.waves[index].reviewers is None:
                # the wave reviews with the planned pool: follow the assumption
                cells[column] = Cell(Formula("reviewers", cached=wave.reviewers), "int", "input")
            elif column in WAVE_INPUTS:
                cells[column] = Cell(row[column], _COLUMN_FORMATS.get(column, "int"), "input")
            elif column == "Modelled review wait (working h)" and row[column] is None:
                cells[column] = text(UNSTABLE, "warning")  # no wait, as the app and Review capacity say
            else:
                cells[column] = row[column]
        out.append(cells)
    return out


GATE_COLUMNS = ("Wave", "Metric", "Rule", "Baseline", "Threshold", "Measured", "Unit", "Result", "Reason")
"""The gates table's columns (:func:`roi.rollout_tables.gate_table`'s), A to I."""
_GATE_TEXT_FORMATS = {"fraction": '"0.0%"', "calendar h": '"#,##0.0"" h"""',
                      "LOC": '"#,##0"" LOC"""'}
"""How a live reason writes a gate's values (TEXT's format), by the metric's unit, as
:func:`roi.rollout.format_metric` does; other units: :func:`_gate_text`."""


def _gate_text(ref: str, unit: str) -> str:
    """Formula text: the value in ``ref`` as :func:`roi.rollout.format_metric` writes it in ``unit``."""
    if unit in _GATE_TEXT_FORMATS:
        return f"TEXT({ref},{_GATE_TEXT_FORMATS[unit]})"
    return f'IF(ABS({ref})>=100,TEXT({ref},"#,##0"),TEXT({ref},"0.000"))'  # 3 decimals below 100


def gates_first_row(header_row: int, columns: list[str]) -> int:
    """The first gate's row: under the wave table (``columns`` from ``header_row``), a blank row, the
    heading, the stale note and the gates' header."""
    return header_row + len(columns) + 4


SPARE_GATE_ROWS = 5
"""Blank yellow rows under the gates table for gates a PM adds in the workbook (counted by go / no-go)."""

GATE_RESULTS = ("pass", "fail", "not judged")
"""A gate's results (:func:`roi.rollout.evaluate_gate`), as the Result column writes them."""

SPARE_GATES_NOTE = (
    "Rows above: add a gate of your own: its wave (as named in the wave table) and its Result (pass, fail "
    "or not judged); the wave's Go / no-go counts it. For more, insert rows above this line."
)
"""The line closing the gates table, under its spare rows: the last row the go / no-go counts, so rows
inserted above it are counted too."""


def _live_decision(report: RolloutReport, name_cell: str, first: int) -> str:
    """A wave's go / no-go from its gates' live results (:func:`roi.rollout.wave_decision`), the
    exported gates' and any typed into the spare rows below them, down to the line that closes them."""
    count = sum(len(wave.gates) for wave in report.waves)
    if not count:
        return '"' + DECISION_LABELS["no gates"] + '"'
    last = first + count + SPARE_GATE_ROWS  # the closing line (SPARE_GATES_NOTE)
    waves, results = f"$A${first}:$A${last}", f"$H${first}:$H${last}"
    return (
        f'IF(COUNTIF({waves},{name_cell})=0,"{DECISION_LABELS["no gates"]}",'
        f'IF(COUNTIFS({waves},{name_cell},{results},"fail")>0,"{DECISION_LABELS["no-go"]}",'
        f'IF(COUNTIFS({waves},{name_cell},{results},"not judged")>0,"{DECISION_LABELS["incomplete"]}",'
        f'"{DECISION_LABELS["go"]}")))'
    )


SHARE_OVER_ONE = "a share above 100%: type it as a fraction, 0.09 for 9% (or 9%)"
"""A rate gate's reason while its measured value or baseline is over 1 (a percentage pasted as a number)."""


def _live_gates(report: RolloutReport, name_cells: list[str], first: int) -> list[list[Cell | None]]:
    """The gates table from row ``first``: each gate's baseline and measured value are inputs, its
    threshold (a relative one: from the baseline), result and reason live formulas by the rules of
    :func:`roi.rollout.evaluate_gate`, its wave a link to the wave's name (``name_cells``), so that a
    measured value entered after a wave, or a baseline, gives its verdict and the wave's go / no-go.
    The reason is the app's while both inputs are as exported."""
    rows: list[list[Cell | None]] = []
    gates = [(index, gate) for index, wave in enumerate(report.waves) for gate in wave.gates]
    for offset, (row, (index, gate)) in enumerate(zip(gate_table(report), gates, strict=True)):
        r = first + offset
        unit = row["Unit"]
        fmt = _UNIT_FORMATS.get(unit, "number")
        base, threshold, measured, result = f"D{r}", f"E{r}", f"F{r}", f"H{r}"
        if gate.basis == "absolute":
            threshold_cell = Cell(gate.setting, fmt)
        else:
            op = "+" if gate.basis == "baseline_plus" else "*"
            threshold_cell = Cell(
                Formula(f'IF(ISNUMBER({base}),{base}{op}{gate.setting!r},"")',
                        cached="" if gate.threshold is None else gate.threshold),
                fmt,
            )
        at_most = gate.comparison == "at_most"
        tolerance = f"1E-9*MAX(1,ABS({threshold}))"
        passes = f"{measured}<={threshold}+{tolerance}" if at_most else f"{measured}>={threshold}-{tolerance}"
        judged = f"AND(ISNUMBER({threshold}),ISNUMBER({measured}))"
        unjudged = (f'IF(ISNUMBER({threshold}),"not measured yet: enter the measured value",'
                    '"no baseline: enter it under Baseline")')
        if unit == "fraction":  # 9 pasted for 9% (validation stops typing it, not pasting) read "900.0% > 12.0%: fail"
            judged = f"AND({judged},N({measured})<=1,N({base})<=1)"
            unjudged = f'IF(OR(N({measured})>1,N({base})>1),"{SHARE_OVER_ONE}",{unjudged})'
        symbols = ("≤", ">") if at_most else ("≥", "<")
        live_reason = (
            f'IF({result}="not judged",{unjudged},{_gate_text(measured, unit)}&IF({result}="pass",'
            f'" {symbols[0]} "," {symbols[1]} ")&{_gate_text(threshold, unit)}&": "&{result})'
        )
        unchanged = f"AND({same_as_exported(base, gate.baseline)},{same_as_exported(measured, gate.measured)})"
        rows.append([
            Cell(Formula(name_cells[index], cached=row["Wave"]), "text"),
            text(row["Metric"]),
            text(row["Rule"]),
            Cell(gate.baseline, fmt, "input"),
            threshold_cell,
            Cell(gate.measured, fmt, "input"),
            text("" if unit == "fraction" else unit),  # a share's cells are formatted in %: "fraction" misled
            Cell(Formula(f'IF({judged},IF({passes},"pass","fail"),"not judged")', cached=row["Result"]), "text"),
            Cell(Formula(f"IF({unchanged},{formula_string(row['Reason'])},{live_reason})", cached=row["Reason"]), "text",
                 wrap=True),
        ])
    return rows


def _gate_validations(sheet: Sheet, report: RolloutReport, first: int) -> None:
    """The spare rows and closing line under the gates (rows from ``first``), and validation of every
    gate's Baseline and Measured (D, F): a share a fraction from 0 to 1 (5 typed for 5% passed a gate of
    at most 7%), other metrics at least 0; a spare row's Result one of :data:`GATE_RESULTS`."""
    shares: list[str] = []
    others: list[str] = []
    for row, gate in enumerate((gate for wave in report.waves for gate in wave.gates), start=first):
        (shares if METRICS[gate.metric].unit == "fraction" else others).append(f"D{row} F{row}")
    spare = sheet.next_row
    for _ in range(SPARE_GATE_ROWS):
        sheet.add(*(Cell(None, "number" if c in ("Baseline", "Threshold", "Measured") else "text", "input")
                    for c in GATE_COLUMNS))
    sheet.add(text(SPARE_GATES_NOTE, "note"))
    sheet.dropdowns.append(Dropdown(f"H{spare}:H{spare + SPARE_GATE_ROWS - 1}", GATE_RESULTS, title="Result"))
    if shares:
        sheet.validations.append(Validation(
            " ".join(shares), whole=False, low=0, high=1, title="Share",
            prompt="A share as a fraction: 0.05 for 5% (or type 5%).",
            error="Enter the share as a fraction from 0 to 1: 0.05 for 5% (or type 5%), not 5.",
        ))
    if others:
        sheet.validations.append(Validation(
            " ".join(others), whole=False, low=0, high=None, title="Gate value",
            prompt="The metric's value in the unit of column G.",
            error="Enter a number of at least 0, in the unit of column G.",
        ))


def _wave_validations(sheet: Sheet, header_row: int, columns: list[str], waves: int) -> None:
    """The wave inputs accept what the plan allows (``roi.rollout_models.Wave``; blanks are allowed)."""
    if not waves:
        return
    last = col(waves + 1)
    for column, whole, low, high, low_open, prompt, error in (
        (
            "Start week", True, 0, MAX_WEEK, False,
            "Week of the rollout the wave starts (week 0 = the pilot's first week); later waves start later.",
            f"The start week must be a whole number from 0 to {MAX_WEEK}.",
        ),
        (
            "Share of developers", False, 0, 1, True,
            "Cumulative share of developers with a seat once the wave starts. "
            "Enter as a fraction, 0.25 = 25%.",
            "The share must be a fraction above 0 and at most 1 (100%).",
        ),
        (
            "Training h / developer", False, 0, _TRAINING_RULE.high, False,
            "Training hours for each developer joining in this wave.",
            f"Training hours must be {_TRAINING_RULE.words().removesuffix(', or blank')}.",
        ),
        (
            "Reviewers", _POOL_RULE.whole, _POOL_RULE.low, _POOL_RULE.high, False,
            "Reviewers in the pool during this wave; blank = the Assumptions' reviewers.",
            f"The pool must be {_POOL_RULE.words()}.",
        ),
    ):
        row = header_row + columns.index(column)
        sheet.validations.append(
            Validation(
                f"B{row}:{last}{row}", whole=whole, low=low, high=high, low_open=low_open,
                prompt=prompt, error=error, title=column,
            )
        )


PLAN_ALLOWED = f'COUNTIF({WAVE_CHECKS},"?*")=0'
"""Formula text: TRUE while every wave's Check cell is empty (the plan is one the app allows).  The waves'
figures and the cost by month are blank while it is FALSE: numbers of a plan the app refuses are not
numbers to budget with.  (The checks read only the waves' inputs, never these figures: no circle.)"""
PLAN_NOT_ALLOWED = ("The Check row under the wave names says what the plan does not allow: the waves' figures "
                    "and the cost by month are blank until it is fixed.")
_SAID_OF_ANY_PLAN = (WAVE_CHECK_LABEL, WAVE_VALUES_LABEL, "Go / no-go")
"""The wave rows shown whatever the plan: what is wrong with it, whether the app's values are stale, and the
gates' verdict (from the gates table, not from the wave's figures)."""
"""The live line above the cost by month while :data:`PLAN_ALLOWED` is FALSE: a share typed as 30 for 30% gave
months of −521,460 with nothing beside them."""


def _month_table(sheet: Sheet, scenario: Scenario, report: RolloutReport, waves_at: dict[str, int]) -> None:
    """The cost by month as formulas over the wave table (rows ``waves_at``) and the Assumptions:
    seats and usage of the latest wave started, billed for whole months from its start month,
    training in that month, governance every month, the one-off cost in month 1
    (:func:`roi.rollout.monthly_cost_schedule`); blank while the plan is not one the app allows."""
    rows = schedule_table(report)
    if not rows or not report.waves:
        write_table(sheet, rows)
        return
    tools = len(scenario.costs.tools)
    letters = [col(index + 2) for index in range(len(report.waves))]

    def wave_row(column: str) -> list[str]:
        return [f"${letter}${waves_at[column]}" for letter in letters]

    names, starts = wave_row("Wave"), wave_row("Start month")
    developers, training = wave_row("Developers with a seat"), wave_row("Training cost")
    header = sheet.add(*(text(column, "header") for column in rows[0]))
    at = {column: col(index) for index, column in enumerate(rows[0], start=1)}

    def latest(values: list[str], month: str, otherwise: str) -> str:
        """The value of the last wave (in table order) started by ``month``."""
        formula = otherwise
        for start, value in zip(starts, values, strict=True):
            formula = f"IF({start}<={month},{value},{formula})"
        return formula

    first = header + 1
    for offset, (row, month_cost) in enumerate(zip(rows, report.schedule, strict=True)):
        r = first + offset
        month = f"A{r}"
        d = f"{at['Developers with a seat']}{r}"
        starting = "+".join(f"({start}={month})" for start in starts)
        joined = "&".join(
            f'IF({start}={month}," + "&{name},"")' for start, name in zip(starts, names, strict=True)
        )
        nobody = '""'
        cost = ("Seat cost", "Usage cost", "Training cost", "Governance cost", "One-off cost")
        live: dict[str, tuple[str, Any]] = {
            "Wave": (f"IF({starting}>1,MID({joined},4,2000),{latest(names, month, nobody)})", row["Wave"]),
            "Developers with a seat": (latest(developers, month, "0"), row["Developers with a seat"]),
            "Seats": (_tool_sum(f"{d}*tool_{{k}}_seat_coverage", tools), row["Seats"]),
            "Seat cost": (
                _tool_sum(f"{d}*tool_{{k}}_seat_coverage*tool_{{k}}_price_per_seat_month", tools),
                row["Seat cost"],
            ),
            "Usage cost": (
                _tool_sum(f"MIN({d}*tool_{{k}}_seat_coverage,{d})*tool_{{k}}_usage_per_dev_month", tools),
                row["Usage cost"],
            ),
            "Training cost": (
                f"SUMIF({starts[0]}:{starts[-1]},{month},{training[0]}:{training[-1]})", row["Training cost"]
            ),
            "Governance cost": (f"governance_fte*fte_cost_used/{MONTHS_PER_YEAR}", row["Governance cost"]),
            "Total cost": ("+".join(f"{at[c]}{r}" for c in cost), row["Total cost"]),
            "Cumulative cost": (
                f"{at['Cumulative cost']}{r - 1}+{at['Total cost']}{r}"
                if offset
                else f"{at['Total cost']}{r}",
                row["Cumulative cost"],
            ),
        }
        if month_cost.month == 1:
            live["One-off cost"] = ("one_off_cost", row["One-off cost"])
        cells: list[Cell | None] = []
        for column, value in row.items():
            fmt = _COLUMN_FORMATS.get(column) or ("int" if column in ("Month", "Year") else "number")
            if column in live:
                formula, cached = live[column]
                if column != "Wave":  # numbers of a plan the app refuses are not numbers to budget with
                    formula = f'IF({PLAN_ALLOWED},{formula},"")'
                cells.append(Cell(Formula(formula, cached=cached), "text" if column == "Wave" else fmt))
            else:
                cells.append(_value(value, fmt))
        sheet.add(*cells)


def rollout_sheet(scenario: Scenario, report: RolloutReport) -> Sheet:
    """Waves (seats, cost, review load, go/no-go), gates, expectations, monthly cost, adoption by year."""
    sheet = Sheet(
        ROLLOUT_PLAN,
        widths={1: 32, 2: 30, 3: 24, 4: 24, 5: 16, 6: 16, 7: 12, 8: 12, 9: 60, 10: 14, 11: 14, 12: 15},
        # The labels column stays in sight: the waves are columns, and a plan of five scrolls sideways. No rows:
        # the sheet stacks tables with their own headings (waves, gates, expectations, cost by month).
        freeze="B1",
    )
    sheet.add(text("Rollout plan", "title"))
    plan_note = (
        f"The scenario holds no plan yet: this is the default plan ({wave_outline(report.plan)} of developers)."
        if report.plan_is_default
        else "The scenario's own plan."
    )
    sheet.add(
        text(
            f"{plan_note} Yellow cells with a border are yours to edit: each wave's start week, share of developers, "
            "training hours and reviewers, and each gate's baseline and measured value; the Check row under "
            "the wave names says what the plan does not allow. Its dates, costs and review load, the gates' "
            "results, the waves' go / no-go and the cost by month are live "
            "formulas over them and the Assumptions. Reviewers needed and the wait (Erlang C) and the "
            "expectations are computed by the app at export and say \"Stale\" once an input they depend on "
            "changed. Money is not risk-adjusted (a budget); the NPV, ROI and payback (Cash flow sheet) use "
            "the adoption by year of the Assumptions, not these waves.",
            "note",
        )
    )
    sheet.blank()
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
    check = dataclasses.replace(
        _assumption_check(report, wave_labels(report)), span=max(sheet.widths) - 1, wrap=True
    )  # one line over the wave columns and beyond: room for a message without a taller row
    sheet.add(text("Waves", "heading"), check if report.waves else None)
    header_row = sheet.next_row
    assert header_row == WAVES_HEADER_ROW
    waves = _live_waves(scenario, report, wave_table(report), header_row, sheet.widths)
    write_transposed(sheet, waves)
    columns = list(waves[0]) if waves else []
    waves_at = {column: header_row + index for index, column in enumerate(columns)}
    if waves:
        check_row = waves_at[WAVE_CHECK_LABEL]
        sheet.name_range(WAVE_CHECKS, check_row, 2, check_row, len(waves) + 1)
        for label, name in WAVE_ROW_NAMES.items():
            sheet.name_range(name, waves_at[label], 2, waves_at[label], len(waves) + 1)
        for index in range(len(waves)):  # each wave's own name cell: it follows the wave's column, renamed or moved
            sheet.name_range(WAVE_NAME_CELL.format(index + 1), header_row, index + 2, header_row, index + 2)
    _wave_validations(sheet, header_row, columns, len(waves))
    sheet.blank()
    sheet.add(text("Go/no-go gates", "heading"))
    sheet.add(stale_note(MODEL_CHANGED))
    if not any(wave.gates for wave in report.waves):
        sheet.add(text("(none)", "note"))
    else:
        sheet.add(*(text(column, "header") for column in GATE_COLUMNS))
        assert sheet.next_row == gates_first_row(header_row, columns)  # where the waves' go / no-go count
        names = [f"{col(index + 2)}{header_row}" for index in range(len(report.waves))]
        first_gate = sheet.next_row
        for cells in _live_gates(report, names, first_gate):
            sheet.add(*cells)
        sheet.name_range(GATE_ROWS, first_gate, 1, sheet.next_row - 1, GATE_COLUMNS.index("Measured") + 1)
        _gate_validations(sheet, report, gates_first_row(header_row, columns))

    sheet.blank()
    sheet.add(text("Expectations: the gain to plan roadmaps on", "heading"))
    sheet.add(stale_note(MODEL_CHANGED))
    e = report.expectations
    expectations: tuple[tuple[str, float, Format], ...] = (
        ("Headline output change (g)", e.headline_gain, "percent"),
        ("Quality-adjusted gain (QAPI − 1)", e.quality_adjusted_gain, "percent"),
        (f"Planning gain ({'P10' if e.basis == 'p10' else 'likely values'})", e.planning_gain, "percent"),
        ("Freed hours per developer-week", e.freed_hours_per_dev_week, "hours"),
        ("Freed time for quality", e.allocation.quality, "percent"),
        ("Freed time for learning", e.allocation.learning, "percent"),
        ("Freed time for roadmap", e.allocation.roadmap, "percent"),
        ("Roadmap gain to commit", e.roadmap_gain, "percent"),
    )
    for label, value, fmt in expectations:
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
    sheet.add(text("Cost by month (live, from the waves and Assumptions)", "heading"))
    if report.waves:
        sheet.add(Cell(Formula(f'IF({PLAN_ALLOWED},"",{formula_string(PLAN_NOT_ALLOWED)})', cached=""), "text", "warning",
                       span=4, wrap=True))
    _month_table(sheet, scenario, report, waves_at)
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


CHECKLIST_INPUT_COLUMNS = ("Owner", "Due week", "Status", "Notes")
"""The Checklist's columns a PM edits (yellow) in each item's row, besides a new row's Item and Action."""
_WRAPPED_COLUMNS = ("Action", "Notes", "Why")
_CHECKLIST_WIDTHS = {
    "Item": 18,
    "Action": 30,
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


def _tied_cell(report: RolloutReport, labels: list[str], tie: WaveTie, label: str) -> str:
    """The Rollout plan's ``label`` cell ("Wave": the name, or "Start week") of the wave ``tie`` names,
    as :func:`roi.rollout.track_checklist` picks it: a fixed wave, or the first wave whose reviewers
    needed (the app's value at export; blank = no target) exceed its live pool, else the last.
    ``labels``: :func:`wave_labels` of ``report``."""

    def cell(row_label: str, index: int) -> str:
        return f"'{ROLLOUT_PLAN}'!${col(index + 2)}${WAVES_HEADER_ROW + labels.index(row_label)}"

    if isinstance(tie, int):
        return cell(label, tie)
    assert tie == "first-short", tie
    picked = cell(label, len(report.waves) - 1)
    for index in reversed(range(len(report.waves))):
        needed = cell("Reviewers needed", index)
        short = f"OR(NOT(ISNUMBER({needed})),{needed}>{_pool(cell('Reviewers', index))})"
        picked = f"IF({short},{cell(label, index)},{picked})"
    return picked


def _due_cells(
    report: RolloutReport, labels: list[str], row: dict[str, Any], week: str
) -> tuple[Cell, Cell | None]:
    """The row's "Due week" (input ``week``) and "Due before wave" cells by the rule of
    :func:`roi.rollout.track_checklist`: an item the engine ties to the waves has its due week
    linked to them (the wave's start week, or the last start + 4 for ``idle-seats``) until the team
    types one; it is due before its wave while the due week is at or before that wave's start week."""
    fires, value = row["Still triggered"], row["Due week"]
    tie = wave_tie(row["Item"], len(report.waves)) if fires else None
    typed = any(e.item_id == row["Item"] and e.due_week is not None for e in report.plan.checklist)
    due_week = Cell(value, "int", "input")  # a number cell even when blank: a typed week stays a number
    if tie is None:
        return due_week, _value(row["Due before wave"], None)
    if tie == "after-last":  # due a licence cycle after the last start, before no wave
        if not typed:
            last = _tied_cell(report, labels, len(report.waves) - 1, "Start week")
            due_week = Cell(Formula(f"MIN({last}+{IDLE_SEAT_REVIEW_WEEKS},{MAX_WEEK})", cached=value), "int", "input")
        return due_week, _value(row["Due before wave"], None)
    start = _tied_cell(report, labels, tie, "Start week")
    if not typed:
        due_week = Cell(Formula(start, cached=value), "int", "input")
    wave = _tied_cell(report, labels, tie, "Wave")
    before = Formula(
        f'IF(ISNUMBER({week}),IF({week}<={start},"","{LATE_FOR}")&{wave},"")', cached=row["Due before wave"]
    )
    return due_week, Cell(before, "text")


SPARE_ACTION_ROWS = 10
"""Blank yellow rows under the checklist for actions a PM adds in the workbook (read back by the app)."""

SPARE_ACTIONS_NOTE = (
    "Rows above: add actions of your own (the Item is optional); the app's Export page (Resume) takes them into "
    "the plan with the rest. For more, insert rows above this line."
)
"""The line closing the Checklist, under its spare rows."""


def _due_date(week: str, cached: int | str) -> Cell:
    """A Checklist row's live due date: the start date + 7 × the due week in ``week``, blank without either,
    :data:`DUE_WEEK_PROBLEM` for a week the plan does not allow (text, a fraction, out of range)."""
    allowed = _WEEK_RULE.valid(week)  # a typed or pasted week the plan does not allow
    return Cell(
        Formula(
            f'IF(OR(ISBLANK({week}),IFERROR({allowed},FALSE)),'
            f"IF(AND(ISNUMBER({START_DATE_CELL}),ISNUMBER({week})),"
            f'{START_DATE_CELL}+7*{week},""),"{DUE_WEEK_PROBLEM}")',
            cached=cached,
        ),
        "date",
        wrap=True,
    )


def checklist_sheet(report: RolloutReport) -> Sheet:
    """The tracked checklist as a plan to keep editing: sorted by due week, with filter buttons,
    editable owner, due week, status (drop-down) and notes, due dates from the start date, and due
    weeks and "Due before wave" following the Rollout plan's waves (:func:`_due_cells`)."""
    rows = [_with_due_date(row) for row in sorted(checklist_table(report), key=_due_order)]
    columns = list(rows[0]) if rows else list(_CHECKLIST_WIDTHS)
    letter = {column: col(index) for index, column in enumerate(columns, start=1)}
    labels = wave_labels(report)
    sheet = Sheet(
        "Checklist",
        freeze=f"A{CHECKLIST_HEADER_ROW + 1}",
        widths={i: _CHECKLIST_WIDTHS.get(c, 16) for i, c in enumerate(columns, start=1)},
    )
    sheet.add(text("Rollout checklist", "title"))
    sheet.add(
        text(
            "Each action with the numbers that triggered it, by due week. Yellow cells with a border are yours to edit: "
            "the start date, owner, due week, status (drop-down) and notes; due dates follow the start "
            "date and the due week. A due week tied to a wave links to its start week on the Rollout plan "
            "until you type one; \"Due before wave\" names the wave while the due week is at or before its start "
            "week, and says \"late for\" it after. "
            "Sort and filter with the header's buttons.",
            "note",
        )
    )
    start = report.plan.start_date
    stale_at = columns.index("Due date") if "Due date" in columns else 6
    sheet.add(
        text("Week 0 starts on", "key"),
        Cell(start, "date", "input", name=START_DATE_CELL),
        text("the pilot's first day; blank = no due dates yet", "note"),
        *[None] * (stale_at - 3),
        Cell(
            Formula(f'IF({PLAN_ALLOWED},IF({MODEL_CHANGED}=0,"",{formula_string(CHECKLIST_STALE_NOTE)}),'
                    f'{formula_string(CHECKLIST_PLAN_NOT_ALLOWED)})', cached=""),
            "text",
            "warning",
            wrap=True,
            span=max(1, len(columns) - stale_at),
            lines=2,
        ),
    )
    assert sheet.next_row == CHECKLIST_HEADER_ROW
    header = sheet.add(*(text(column, "header", wrap=True) for column in columns))
    sheet.name_range(CHECKLIST_HEADER, header, 1, header, len(columns))
    for row in rows:
        number = sheet.next_row
        due_week, before = _due_cells(report, labels, row, f"{letter['Due week']}{number}")
        cells: list[Cell | None] = []
        for column, value in row.items():
            role: Role = "input" if column in CHECKLIST_INPUT_COLUMNS else "plain"
            if column == "Due date":
                due = (
                    _serial(start + timedelta(weeks=value)) if start is not None and value is not None else ""
                )
                cells.append(_due_date(f"{letter['Due week']}{number}", due))
            elif column == "Due week":
                cells.append(due_week)
            elif column == "Due before wave":
                cells.append(before)
            elif column in _WRAPPED_COLUMNS or role == "input":
                cells.append(text(value or "", role, wrap=column in _WRAPPED_COLUMNS))
            else:
                cells.append(_value(value, _COLUMN_FORMATS.get(column)))
        sheet.add(*cells)
    for _ in range(SPARE_ACTION_ROWS):  # the PM's own actions, with the due date's formula ready
        number = sheet.next_row
        sheet.add(*(
            _due_date(f"{letter['Due week']}{number}", "") if column == "Due date"
            else Cell(None, "int", "input") if column == "Due week"
            else text("", "input", wrap=column in _WRAPPED_COLUMNS) if column in (*CHECKLIST_INPUT_COLUMNS, "Item", "Action")
            else None
            for column in columns
        ))
    last = sheet.next_row - 1
    sheet.add(text(SPARE_ACTIONS_NOTE, "note"))
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
    sheet.autofilter = f"A{header}:{col(len(columns))}{last}"  # the spare rows too: sorted with the rest once filled
    return sheet
