"""Opening an exported workbook that was edited in a spreadsheet: its scenario, with the edits laid over it.

A PM keeps the plan in the workbook for weeks (statuses, owners, due weeks, notes, moved waves, measured
gates) and the consultant may have tried other assumptions there.  The workbook carries the scenario
it was exported from (:mod:`roi.export.scenario_sheet`); this module reads that copy and replaces what
the yellow cells now hold:

* every named Assumption (``developers``, ``post_pr_size_loc``, ``tool_1_name`` …), with its
  uncertainty range moved along with it as the app's own edits move it;
* the Rollout plan's waves (name, start week, share of developers, training hours, reviewers; a cell
  still linked to its Assumption means "the scenario's"; a wave typed in a column of its own is added),
  each gate's baseline and measured value;
* the Checklist's start date and each item's owner, due week (a week still linked to a wave's start
  follows the waves), status and notes, and the actions the PM added.

Cells are found by their defined names and header labels, whatever the sheets are called and wherever
rows were inserted or sorted.  What the workbook shows but the app computes (costs, reviewers needed,
results, expectations) is not read: it is computed again from the inputs, and a value typed over one of
those formulas is said, not taken.  A value the scenario does not allow is refused with its sheet and
cell, before anything changes.

A scenario with no plan of its own (the app's default plan, generated from its numbers) keeps following
its numbers: the wave cells left as exported take the default plan of the edited scenario, as the app
would show it, and only what the PM changed is laid over it.
"""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl.utils.cell import column_index_from_string, get_column_letter, range_boundaries
from pydantic import ValidationError

from roi import formatting, safety
from roi.checklist import RULE_IDS
from roi.engine import compute
from roi.errors import InputFormatError, RoiError, ScenarioError
from roi.export.assumptions import all_assumptions
from roi.export.model_sheets import COST_LINES
from roi.export.rollout_sheets import (
    CHECKLIST_HEADER,
    CHECKLIST_INPUT_COLUMNS,
    CHECKLIST_STATUSES,
    ERLANG_ROWS,
    GATE_ROWS,
    LINKED_ASSUMPTIONS,
    SPARE_ACTIONS_NOTE,
    SPARE_GATES_NOTE,
    START_DATE_CELL,
    WAVE_INPUTS,
    WAVE_NAME_CELL,
    WAVE_ROW_NAMES,
)
from roi.export.scenario_sheet import FIRST_CHUNK_ROW, SCENARIO_SHEET
from roi.models import Scenario, get_path, parse_scenario, validation_message
from roi.percent_slip import fraction_meant
from roi.rollout import (
    IDLE_SEAT_REVIEW_WEEKS,
    METRICS,
    RolloutReport,
    default_plan,
    format_metric,
    rollout_report,
)
from roi.rollout_models import MAX_WEEK, ChecklistTracking, Gate, RolloutPlan, Wave
from roi.rollout_tables import default_tracking, gate_table, tracking_from_rows
from roi.whatif import assumption_changes, with_values

_LINKED_WAVE_INPUTS = {label: name.upper() for name, _, label in LINKED_ASSUMPTIONS}
"""Wave inputs exported as a link to their Assumption (the wave follows the scenario's value), as :meth:`_Grid.formula`
gives the link."""

_CHECKLIST_COLUMNS = ("Item", "Action", *CHECKLIST_INPUT_COLUMNS)

_LIMIT = 8
"""Edits named in the app's notice; the Export page lists them all."""

# No rollout starts before this: an earlier date is a number typed into the start date's cell (5 shows as 1900-01-05,
# a year typed, 2026, as 1905-07-18); a plan may start in 1999.
_EARLIEST_START = date(1910, 1, 1)


@dataclass(frozen=True)
class WorkbookEdit:
    """One input whose cell no longer holds the value exported."""

    cell: str
    """Where it is, e.g. ``Assumptions!B5``."""
    label: str
    """What it is, e.g. ``Developers in scope (n)`` or ``Checklist: ai-policy, Status``."""
    before: str
    after: str


@dataclass(frozen=True)
class EditedWorkbook:
    """The scenario a workbook holds now, and what was read from its cells."""

    scenario: Scenario
    edits: tuple[WorkbookEdit, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    """Edits seen but not taken (a what-if the scenario does not hold, a value typed over a formula …)."""


class _Grid:
    """One sheet's cells, as typed (a formula's text) and as last calculated (its saved result)."""

    def __init__(self, title: str, typed: dict[tuple[int, int], Any], saved: dict[tuple[int, int], Any],
                 formulas: set[tuple[int, int]]) -> None:
        self.title = title
        self.typed = typed
        self.saved = saved
        self.formulas = formulas
        """The cells holding a formula, by their type in the file: text typed as "=Budget sign-off" is no formula."""
        self.last_row = max((row for row, _ in typed), default=0)

    def value(self, row: int, column: int) -> Any:
        """The cell's value: its saved result for a formula (None if the file saved none)."""
        if (row, column) in self.formulas:
            return self.saved.get((row, column))
        return self.typed.get((row, column))

    def formula(self, row: int, column: int) -> str | None:
        """The formula's text without ``=``, upper-cased and without ``$`` and spaces; None for a value."""
        if (row, column) not in self.formulas:
            return None
        typed = self.typed.get((row, column))
        text = typed if isinstance(typed, str) else getattr(typed, "text", None) or ""  # an array formula's text
        return re.sub(r"[\s$]", "", text.removeprefix("=")).upper()

    def blank(self, row: int, column: int) -> bool:
        return _blank(self.typed.get((row, column)))

    def where(self, row: int, column: int) -> str:
        return f"{self.title}!{get_column_letter(column)}{row}"


def _cells(sheet: Any) -> tuple[dict[tuple[int, int], Any], set[tuple[int, int]]]:
    """A read-only sheet's values by (row, column), and the cells that hold a formula (by the cell's type)."""
    values: dict[tuple[int, int], Any] = {}
    formulas: set[tuple[int, int]] = set()
    for row in sheet.iter_rows():
        for cell in row:
            value = getattr(cell, "value", None)
            if value is not None and hasattr(cell, "row"):
                values[(cell.row, cell.column)] = value
                if cell.data_type == "f":
                    formulas.add((cell.row, cell.column))
    return values, formulas


def _grid(title: str, typed: Any, saved: Any) -> _Grid:
    """A sheet's grid from its two loads: formulas as typed, and as last calculated."""
    values, formulas = _cells(typed)
    return _Grid(title, values, _cells(saved)[0], formulas)


def _target(reference: str) -> tuple[str, str] | None:
    """(sheet title, cell range) of a defined name's target, or None for anything else (a constant, #REF!)."""
    if "!" not in reference or "#REF" in reference.upper():
        return None
    sheet, _, cells = reference.rpartition("!")
    if sheet.startswith("'") and sheet.endswith("'"):
        sheet = sheet[1:-1].replace("''", "'")
    return sheet, cells.replace("$", "")


def _bounds(cells: str) -> tuple[int, int, int, int] | None:
    """(first column, first row, last column, last row) of a cell or range; None for a whole row or column (``7:7``,
    ``B:B``: openpyxl gives no bound there) or what is no range at all."""
    try:
        first_col, first_row, last_col, last_row = range_boundaries(cells)
    except ValueError:
        return None
    if first_col is None or first_row is None or last_col is None or last_row is None:
        return None
    return first_col, first_row, last_col, last_row


class _Book:
    """The sheets the defined names point at and the hidden Scenario file sheet (never the Data sheets)."""

    def __init__(self, source: str, data: bytes) -> None:
        from openpyxl import load_workbook

        self.source = source
        self.grids: dict[str, _Grid] = {}
        books = []
        reading = None  # the sheet being read, for the message
        try:
            books.append(typed := load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False))
            books.append(saved := load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False))
            titles = {sheet.title for sheet in typed.worksheets}
            self.names: dict[str, tuple[str, tuple[int, int, int, int]]] = {}
            """Each defined name that points at cells: (its sheet, (first column, first row, last column, last row)."""
            self.unusable: dict[str, str] = {}
            """Each defined name now over a whole row or column, or no cells at all: its reference, as typed."""
            self.lost: set[str] = set()
            """Each defined name whose cells were deleted (a row, or the whole sheet: every name on it)."""
            for name, value in typed.defined_names.items():
                found = _target(str(value.attr_text))
                if "#REF!" in str(value.attr_text) or (found is not None and found[0] not in titles):
                    self.lost.add(name)
                if found is None or found[0] not in titles:
                    continue
                bounds = _bounds(found[1])
                if bounds is None:
                    self.unusable[name] = str(value.attr_text)
                else:
                    self.names[name] = found[0], bounds
            # a sheet renamed in the spreadsheet: its names follow it, so the sheets are found through them
            wanted = {sheet for sheet, _ in self.names.values()} | ({SCENARIO_SHEET} & titles)
            for reading in sorted(wanted):
                # openpyxl yields an empty row for each row number a sheet skips: row 40,000,000 took 14 s
                safety.check_sheet_rows(source, data, typed[reading]._worksheet_path, reading)
                self.grids[reading] = _grid(reading, typed[reading], saved[reading])
        except RoiError:
            raise
        except Exception as error:  # openpyxl and its XML parser raise many kinds for a damaged workbook
            damaged = f"its sheet '{safety.quote(reading, 40)}' is damaged: " if reading else ""
            raise InputFormatError(
                f"cannot be opened as a workbook ({damaged}{safety.quote(error, 200)}); open it in Excel or "
                "LibreOffice and save it again as .xlsx", file=source) from None
        finally:
            for book in books:
                book.close()

    def refuse(self, message: str) -> RoiError:
        return InputFormatError(message, file=self.source)

    def named(self, name: str) -> tuple[_Grid, int, int, int, int] | None:
        """(sheet, first row, first column, last row, last column) of a defined name, or None if absent."""
        found = self.names.get(name)
        if found is None:
            return None
        sheet, (first_col, first_row, last_col, last_row) = found
        return self.grids[sheet], first_row, first_col, last_row, last_col


def read_edited_workbook(data: bytes, source: str) -> EditedWorkbook:
    """The scenario a workbook exported by the app holds now: its scenario file with the edited cells over it.

    Raises:
        InputFormatError: not a workbook the app exported (no Scenario file sheet), or damaged.
        ScenarioError: an edited cell holds what the scenario does not allow; the message names the
            sheet and cell, e.g. ``plan.xlsx: Assumptions!B5: field 'team.developers': must be more than 0 …``.
    """
    safety.check_size(source, len(data))
    safety.inspect_zip_container(source, data)
    book = _Book(source, data)
    return _Reader(book, _embedded_scenario(book)).read()


def _embedded_scenario(book: _Book) -> Scenario:
    grid = book.grids.get(SCENARIO_SHEET)
    if grid is None:
        raise book.refuse(
            f"has no '{SCENARIO_SHEET}' sheet, so it is not a workbook this app exported (or it was exported "
            "before the app could read workbooks back, or its sheets were copied into a new file): open the "
            "scenario file (.json) instead, or export the workbook again")
    chunks = []
    row = FIRST_CHUNK_ROW
    while isinstance(part := grid.typed.get((row, 1)), str) and part:
        chunks.append(part)
        row += 1
    return parse_scenario("".join(chunks), source=f"{book.source}, hidden sheet '{SCENARIO_SHEET}' (do not edit it)")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) \
            and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return bool(a == b)


def _metric_text(metric: str, value: float | None) -> str | None:
    """A gate metric's value as the Rollout page shows it (a rate typed 0.05 is "5.0%": "→ 0.05" read as 0.05%
    beside the page's percentages); None when blank."""
    return None if value is None else format_metric(metric, value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


def _text(value: Any) -> str:
    """A text cell as typed; a date typed there as the day it is (not "2026-03-04 00:00:00")."""
    if value is None:
        return ""
    if isinstance(value, datetime) and value == datetime.combine(value.date(), datetime.min.time()):
        return value.date().isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Reader:
    def __init__(self, book: _Book, exported: Scenario) -> None:
        self.book = book
        self.exported = exported
        self.edits: list[WorkbookEdit] = []
        self.notes: list[str] = []
        self.cells: dict[str, str] = {}
        """Where each edited field of the plan was read (``waves.1.seat_share`` → ``Rollout plan!C15``)."""
        self.said_beyond: set[int] = set()
        self.said_names: set[str] = set()
        """The defined names over no cells said (:meth:`named`)."""
        self.shown = rollout_report(exported)
        """The plan, baselines and checklist the workbook showed (the default plan if the scenario had none)."""
        self.regenerated: RolloutPlan | None = None
        """The default plan of the edited numbers, for a scenario without a plan of its own (:meth:`base_plan`)."""
        self.checklist_read = False
        """Whether the Checklist's rows were read (its header and Item column found)."""
        self.origin: dict[str, Wave] = {}
        """Each wave of the workbook (by its name there) → the wave it was exported as."""

    def fail(self, grid: _Grid, row: int, column: int, message: str) -> ScenarioError:
        return ScenarioError(f"{grid.where(row, column)}: {message}", file=self.book.source)

    def edit(self, cell: str, label: str, before: Any, after: Any) -> None:
        self.edits.append(WorkbookEdit(cell, label, before if isinstance(before, str) and before else _shown(before),
                                       after if isinstance(after, str) and after else _shown(after)))

    def number(self, grid: _Grid, row: int, column: int, label: str, *, whole: bool = False) -> int | float | None:
        """A cell's number (None when blank; an int when ``whole``); text that is a plain number is read as that
        number."""
        value = grid.value(row, column)
        if value is None and grid.formula(row, column) is not None:
            raise self.fail(grid, row, column, f"{label} holds a formula without a saved result; open the workbook "
                            "in Excel or LibreOffice and save it, or type the value")
        if isinstance(value, str):
            if not value.strip():
                return None
            try:
                value = float(value.strip())
            except ValueError:
                raise self.fail(grid, row, column, f"{label} holds the text '{safety.quote(value)}'; type a number"
                                ) from None
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):  # TRUE, a date, a time typed as 1:30
            raise self.fail(grid, row, column, f"{label} holds {_shown(value)}; type a number")
        if not math.isfinite(value):
            raise self.fail(grid, row, column, f"{label} is not a finite number; type a number")
        if whole:
            # a formula's result carries float noise (=B5*1.1 gives 55.00000000000001): that is still 55
            if abs(value - round(value)) > 1e-9:
                raise self.fail(grid, row, column, f"{label} must be a whole number, got {value!r}")
            return round(value)
        return float(value)

    def where_field(self, field: str | None) -> str | None:
        """The cell an error's field was read from (the longest path of :attr:`cells` it starts with)."""
        if not field:
            return None
        field = field.removeprefix("rollout.")
        matches = [path for path in self.cells if field == path or field.startswith(path + ".")
                   or path.startswith(field + ".")]
        return self.cells[max(matches, key=len)] if matches else None

    def named(self, name: str) -> tuple[_Grid, int, int, int, int] | None:
        """:meth:`_Book.named`; a name changed to a whole row or column is read as absent, and said once."""
        reference = self.book.unusable.get(name)
        if reference is not None and name not in self.said_names:
            self.said_names.add(name)
            self.notes.append(f"The defined name '{name}' now refers to {safety.quote(reference)}, not a cell or a block "
                              "of cells (a whole row or column?): it was not read, and what was exported there was "
                              "kept; point the name at its cells again (the spreadsheet's Name Manager), or export "
                              "the workbook again.")
        return self.book.named(name)

    # --- Assumptions --------------------------------------------------------------------------

    def assumptions(self) -> Scenario:
        """The exported scenario with the edited Assumptions."""
        changes: dict[str, Any] = {}
        cells: dict[str, str] = {}
        for assumption in all_assumptions(self.exported):
            before = get_path(self.exported, assumption.path)
            found = self.named(assumption.name)
            if found is None:
                if assumption.name not in self.book.unusable:  # else said by named()
                    self.notes.append(f"The workbook has no cell named '{assumption.name}' ({assumption.label}) any "
                                      f"more (its row was deleted): the value exported, {_shown(before)}, was kept.")
                continue
            grid, row, column, _, _ = found
            value = self.number(grid, row, column, assumption.label, whole=assumption.fmt == "int")
            if value is None and assumption.blank_means is None:
                raise self.fail(grid, row, column, f"{assumption.label} is empty; type a value (it was "
                                f"{_shown(before)})")
            if not _same(value, before):
                changes[assumption.path] = value
                cells[assumption.path] = grid.where(row, column)
                self.edit(grid.where(row, column), assumption.label, before, value)
        seen: dict[str, str] = {}
        for index, tool in enumerate(self.exported.costs.tools):
            found = self.named(f"tool_{index + 1}_name")
            if found is None:
                continue
            grid, row, column, _, _ = found
            name = _text(grid.value(row, column)).strip()
            if name.casefold() in seen:
                raise self.fail(grid, row, column, f"two licence lines are called '{name}' ({seen[name.casefold()]} "
                                "too); give each its own name")
            seen[name.casefold()] = grid.where(row, column)
            if name != tool.name:
                path = f"costs.tools.{index}.name"
                changes[path] = name
                cells[path] = grid.where(row, column)
                self.edit(grid.where(row, column), f"Tool {index + 1}: name", tool.name, name)
        self.not_taken("pr_size_limit_loc", lambda value: None if _blank(value) else
                       "holds a PR size limit: a what-if the scenario does not hold, so it was not taken; try it on "
                       "the Review capacity page (\"PR size limit\").")
        horizon = self.exported.finance.horizon_years
        self.not_taken("horizon_years", lambda value: None if _same(value, horizon) else (
            f"(the horizon) was cleared: each year is a column of Cash flow, so the horizon stays the {horizon} years "
            "exported; change it in the app (ROI & risk) and export again." if _blank(value) else
            f"holds another horizon than the {horizon} years exported: each year is a column of Cash flow, so it is "
            "not taken; change the horizon in the app (ROI & risk) and export again."))
        if not changes:
            return self.exported
        return self.apply(self.exported, assumption_changes(self.exported, changes), cells)

    def not_taken(self, name: str, said: Callable[[Any], str | None]) -> None:
        """Note what ``said(value)`` says of the named cell the scenario does not take (None: nothing to say)."""
        found = self.named(name)
        if found is None:
            return
        grid, row, column, _, _ = found
        message = said(grid.value(row, column))
        if message is not None:
            self.notes.append(f"{grid.where(row, column)} {message}")

    def apply(self, scenario: Scenario, changes: dict[str, Any], cells: dict[str, str]) -> Scenario:
        """``with_values``, its error naming the cell of the field it is about."""
        try:
            return with_values(scenario, changes)
        except ScenarioError as error:
            where = next((cell for path, cell in cells.items()
                          if error.field and (error.field == path or error.field.startswith(path + "."))), None)
            where = where or self.where_field(error.field) or self.refused_alone(scenario, changes, cells) \
                or ", ".join(cells.values()) or None
            raise ScenarioError(f"{where}: {error.describe()}" if where else error.describe(),
                                file=self.book.source) from None

    @staticmethod
    def refused_alone(scenario: Scenario, changes: dict[str, Any], cells: dict[str, str]) -> str | None:
        """The edited cells the scenario refuses even alone, for an error that names no field of them (a rule
        between fields: seat coverage below an adoption share); None when only their combination is refused."""
        if len(cells) < 2:
            return None
        refused = []
        for path, cell in cells.items():
            if path not in changes:
                continue
            try:
                with_values(scenario, assumption_changes(scenario, {path: changes[path]}))
            except ScenarioError:
                refused.append(cell)
        return ", ".join(refused) or None

    # --- Rollout plan -------------------------------------------------------------------------

    def row_of(self, label: str) -> tuple[_Grid, int] | None:
        found = self.named(WAVE_ROW_NAMES[label])
        return None if found is None else (found[0], found[1])

    def wave_columns(self) -> tuple[_Grid, int, int, list[int]] | None:
        """The names row, the wave table's first column, and the columns holding a wave: the named range's (a
        column cleared or inserted blank skipped), then any the PM filled in to its right (a wave added)."""
        found = self.named(WAVE_ROW_NAMES["Wave"])
        if found is None:
            return None
        grid, row, first, _, last = found
        columns = []
        for column in range(first, last + 1):
            if not grid.blank(row, column):
                columns.append(column)
                continue
            start = self.row_of("Start week")
            if start is not None and not start[0].blank(start[1], column):  # a name cleared, the wave left
                raise self.fail(grid, row, column, "the wave's name is empty while its start week is not; type a "
                                "name, or clear the whole column to remove the wave")
        column = last + 1
        while not grid.blank(row, column):
            columns.append(column)
            column += 1
        beyond = next((c for c in range(column + 1, column + 4) if not grid.blank(row, c)), None)
        if beyond is not None and beyond not in self.said_beyond:  # a wave typed a column too far: not next to the rest
            self.said_beyond.add(beyond)
            self.notes.append(f"{grid.where(row, beyond)}: a wave typed with a blank column before it is not taken; "
                              "type it in the column right after the last wave.")
        return grid, row, first, columns

    def waves(self, shown: RolloutPlan, base: RolloutPlan) -> list[Wave]:
        """The waves as the workbook has them, each matched to the wave exported by its name (or, renamed, by
        its place), its cells compared with ``shown`` (what was exported) and what changed laid over ``base``
        (the same plan, or the default plan of the edited numbers); waves added and removed."""
        found = self.wave_columns()
        if found is None:
            return list(base.waves)
        grid, name_row, first, columns = found
        names = [_text(grid.value(name_row, column)).strip() for column in columns]
        origin: dict[int, int] = {}  # position among the columns → the exported wave's index
        # each exported wave's name cell has a defined name, which follows its column (moved by a column deleted or
        # inserted before it; #REF! once its own is deleted), whatever the wave is called now
        cells = {index: self.named(WAVE_NAME_CELL.format(index + 1)) for index in range(len(shown.waves))}
        followed = {cell[2]: index for index, cell in cells.items() if cell is not None and cell[0] is grid}
        if followed:
            origin = {position: followed[column] for position, column in enumerate(columns) if column in followed}
        else:  # a workbook without them: by name, then a renamed wave by its place
            exported_names = [wave.name for wave in shown.waves]
            for position, name in enumerate(names):
                if name in exported_names and exported_names.index(name) not in origin.values():
                    origin[position] = exported_names.index(name)
            for position, column in enumerate(columns):
                place = column - first
                if position not in origin and place < len(shown.waves) and place not in origin.values() \
                        and shown.waves[place].name not in names:
                    origin[position] = place
        self.origin = {names[position]: shown.waves[index] for position, index in origin.items()}
        same_base = len(base.waves) == len(shown.waves)
        waves: list[Wave] = []
        for position, column in enumerate(columns):
            exported = shown.waves[origin[position]] if position in origin else None
            wave = None if exported is None else (base if same_base else shown).waves[origin[position]]
            waves.append(self.wave_at(grid, name_row, column, len(waves), names[position], exported, wave, waves))
        for index, gone in enumerate(shown.waves):
            if index not in origin.values():
                # its name cell if its column was cleared; a column deleted left no cell (its old one holds the next
                # wave now): the sheet alone
                cell = cells[index]
                where = grid.where(cell[1], cell[2]) if cell is not None and cell[0] is grid else grid.title
                self.edit(where, f"Wave {index + 1} removed", gone.name, "(removed)")
        self.check_order(waves)
        return waves

    def wave_at(self, grid: _Grid, name_row: int, column: int, index: int, name: str, exported: Wave | None,
                wave: Wave | None, before: list[Wave]) -> Wave:
        """The wave of one column: ``exported`` compared cell by cell and the changes laid over ``wave``, or a new
        wave (``exported`` None) with the last wave's gates, not yet measured."""
        update: dict[str, Any] = {}
        cells = {"name": grid.where(name_row, column)}
        if exported is None or name != exported.name:
            update["name"] = name
        teams = self.teams_row(grid, name_row)
        if teams is not None:
            text = _text(grid.value(teams, column)).strip()
            cells["teams"] = grid.where(teams, column)
            if exported is None or text != exported.teams:
                update["teams"] = text
                if exported is not None:
                    self.edit(cells["teams"], f"{name}: Teams", exported.teams, text)
        for label, key in WAVE_INPUTS.items():
            at = self.row_of(label)
            if at is None:
                continue
            sheet, row = at
            cells[key] = sheet.where(row, column)
            linked = _LINKED_WAVE_INPUTS.get(label)
            if linked is not None and sheet.formula(row, column) == linked:
                if exported is None:
                    update[key] = None  # the link: the wave follows the Assumption
                continue
            value: Any = self.number(sheet, row, column, f"{label} of '{safety.quote(name)}'",
                                     whole=key in ("start_week", "reviewers"))
            if value is None and key in ("start_week", "seat_share"):
                raise self.fail(sheet, row, column, f"{label} of '{safety.quote(name)}' is empty; type a value")
            # exported as the link (the wave had no value of its own): a number typed over it is the wave's own,
            # even one equal to the Assumption's at export
            was_link = linked is not None and exported is not None and getattr(exported, key) is None
            if exported is None or not _same(value, getattr(exported, key)) or (was_link and value is not None):
                update[key] = value
                if exported is not None:
                    old = None if was_link else getattr(exported, key)
                    self.edit(cells[key], f"{name}: {label}", "the Assumption's" if old is None else old, value)
        if exported is not None and "name" in update:
            self.edit(cells["name"], f"Wave {index + 1}: name", exported.name, name)
        for key, cell in cells.items():
            self.cells[f"waves.{index}.{key}"] = cell
        if wave is None:
            gates = [gate.model_copy(update={"measured": None}) for gate in (before[-1].gates if before else [])]
            new = self.wave({"name": name, "start_week": 0, "seat_share": 1.0, "gates": [g.model_dump() for g in gates],
                             **update}, index)
            self.edit(cells["name"], f"Wave {index + 1} added", "(none)",
                      f"{name}, week {new.start_week}, {new.seat_share:.0%} of developers")
            return new
        return self.wave({**wave.model_dump(), **update}, index) if update else wave

    def teams_row(self, grid: _Grid, name_row: int) -> int | None:
        """The wave table's "Teams" row (no defined name: not a model input, but the PM's words)."""
        return next((row for row in range(name_row + 1, name_row + 6) if grid.value(row, 1) == "Teams"), None)

    def check_order(self, waves: list[Wave]) -> None:
        """What the plan refuses of its waves as a whole (names, order, shares), said at the wave's cell."""
        for index, wave in enumerate(waves):
            cell = self.cells.get
            if [w.name for w in waves].index(wave.name) != index:
                raise ScenarioError(f"{cell(f'waves.{index}.name')}: two waves are called '{safety.quote(wave.name)}'; "
                                    "give each wave its own name", file=self.book.source)
            if index == 0:
                continue
            previous = waves[index - 1]
            if wave.start_week <= previous.start_week:
                raise ScenarioError(
                    f"{cell(f'waves.{index}.start_week')}: wave '{safety.quote(wave.name)}' starts in week "
                    f"{wave.start_week}, not after '{safety.quote(previous.name)}' (week {previous.start_week}); "
                    "waves start in order, left to right", file=self.book.source)
            if wave.seat_share <= previous.seat_share:
                raise ScenarioError(
                    f"{cell(f'waves.{index}.seat_share')}: wave '{safety.quote(wave.name)}' covers "
                    f"{wave.seat_share:.4g} of developers, not more than '{safety.quote(previous.name)}' "
                    f"({previous.seat_share:.4g}); each later wave adds seats (shares are cumulative)",
                    file=self.book.source)

    def wave(self, data: dict[str, Any], index: int) -> Wave:
        try:
            return Wave.model_validate(data)
        except ValidationError as error:
            where, message = validation_message(error)
            cell = self.cells.get(f"waves.{index}.{where}") or self.cells.get(f"waves.{index}.name")
            raise ScenarioError(f"{cell}: wave '{safety.quote(str(data.get('name')))}': {message}",
                                file=self.book.source) from None

    def gate_table(self) -> tuple[_Grid, int, dict[str, int], int] | None:
        """The gates table: its sheet, header row, columns by header label, and its last row (the line closing
        the spare rows, or the last exported gate); None without it, or without its Wave column (said)."""
        found = self.named(GATE_ROWS)
        if found is None:
            return None
        grid, first, _, last, _ = found
        header = first - 1
        columns = {_text(grid.value(header, column)).strip(): column for column in range(1, 30)
                   if not grid.blank(header, column)}
        lost = [label for label in ("Wave", "Metric", "Baseline", "Measured") if label not in columns]
        if lost:  # a wave's column deleted takes the gates' column beside it (they share the sheet's columns)
            # without its Wave, no row can be told to a wave
            unread = [label.lower() + (" values" if label == "Measured" else "s")
                      for label in ("Baseline", "Measured") if label in lost or "Wave" in lost]
            self.notes.append(f"The gates table ({grid.title}!{header}) lost its {', '.join(lost)} column (deleted with "
                              "a wave's column?)" + (f": its {' and '.join(unread)} were not read; enter them on the "
                                                    "app's Rollout page." if unread else "; its rows were read by "
                                                                                          "their wave, in the order "
                                                                                          "exported."))
            if "Wave" in lost:
                return None
        end = next((row for row in range(last + 1, grid.last_row + 1)
                    if any(grid.value(row, c) == SPARE_GATES_NOTE for c in range(1, 4))), last + 1)
        return grid, header, columns, end - 1

    def gate_wave(self, grid: _Grid, row: int, column: int, name_row: int | None) -> str:
        """The wave a gate row names: the link's saved result, or (a workbook saved with no results) the name in the
        column its link points at.  Stripped, as the wave table's names are ("Pilot " typed is the wave Pilot)."""
        value = grid.value(row, column)
        if isinstance(value, str) and value.strip():
            return value.strip()
        formula = grid.formula(row, column) or ""
        match = re.fullmatch(r"([A-Z]+)(\d+)", formula)
        if match is None or name_row is None:
            return _text(value).strip()
        return _text(grid.value(name_row, column_index_from_string(match.group(1)))).strip()

    def gate_rows(self, grid: _Grid, columns: dict[str, int], first: int, last: int) -> list[tuple[int, str, Gate]]:
        """Each row of the gates table that is an exported gate: (row, its wave's name now, the gate), found by its
        wave and metric.  Without a Metric column (deleted with a wave's column), by its wave and its place among
        that wave's rows, if they are still the rows exported (as many, with the same rules); else they are said
        unread, never given to another gate.  Rows of gates added in the workbook are said."""
        labels = {info.label: metric for metric, info in METRICS.items()}
        found = self.named(WAVE_ROW_NAMES["Wave"])
        name_row = found[1] if found is not None else None
        matched: list[tuple[int, str, Gate]] = []
        by_wave: dict[str, list[int]] = {}  # without a Metric column: each wave's rows, in sheet order
        own: list[int] = []
        for row in range(first, last + 1):
            if all(grid.blank(row, column) for column in columns.values()):
                continue
            wave_name = self.gate_wave(grid, row, columns["Wave"], name_row)
            if wave_name.startswith("#REF"):
                continue  # a removed wave's gate, its link broken
            exported = self.origin.get(wave_name)
            if "Metric" not in columns:
                if exported is not None:
                    by_wave.setdefault(wave_name, []).append(row)
                elif wave_name:
                    own.append(row)
                continue
            metric = labels.get(_text(grid.value(row, columns["Metric"])).strip())
            gate = next((g for g in exported.gates if g.metric == metric), None) if exported is not None else None
            if gate is not None:
                matched.append((row, wave_name, gate))
            elif wave_name or metric is None:  # (a known metric with a blank wave is a removed wave's gate)
                own.append(row)
        rules: dict[str, list[str]] = {}  # each exported wave's gates' rules, as the Rule column shows them
        for table_row in gate_table(self.shown):
            rules.setdefault(table_row["Wave"], []).append(table_row["Rule"])
        for wave_name, rows in by_wave.items():
            exported = self.origin[wave_name]
            same_rules = "Rule" not in columns or rules.get(exported.name) == [
                _text(grid.value(row, columns["Rule"])).strip() for row in rows]
            if len(rows) == len(exported.gates) and same_rules:
                matched += [(row, wave_name, gate) for row, gate in zip(rows, exported.gates, strict=True)]
            else:
                self.notes.append(
                    f"{grid.title} rows {', '.join(map(str, rows))} ({wave_name}'s gates) were not read: the gates "
                    f"table lost its Metric column and they are no longer the {len(exported.gates)} rows exported "
                    "(a row deleted, added or moved?), so which gate each row is cannot be told; enter their measured "
                    "values and baselines on the app's Rollout page.")
        if own:
            self.notes.append(f"{grid.title} rows {', '.join(map(str, own))}: gates added in the workbook are not taken "
                              "(the app judges a gate on a metric it measures, of a wave of the plan); add them on the "
                              "app's Rollout page.")
        return sorted(matched, key=lambda found: found[0])

    def gates(self, shown: RolloutPlan, waves: list[Wave]) -> tuple[list[Wave], dict[str, float | None]]:
        """The waves' gates with the edited measured values, and the plan's baseline with the edited ones: each
        row found by its wave and metric, wherever rows or columns moved (:meth:`gate_rows`)."""
        baseline: dict[str, float | None] = {}
        table = self.gate_table()
        if table is None or not any(wave.gates for wave in shown.waves):
            return waves, baseline
        grid, header, columns, last = table
        shown_baselines = self.shown.baseline
        measured: dict[tuple[str, str], float | None] = {}
        typed: dict[str, list[tuple[str, float | None]]] = {}
        for row, wave_name, gate in self.gate_rows(grid, columns, header + 1, last):
            label = f"{wave_name}: gate {METRICS[gate.metric].label}"
            if "Measured" in columns:
                cell = grid.where(row, columns["Measured"])
                value = self.number(grid, row, columns["Measured"], f"{label}, Measured")
                index = next(i for i, wave in enumerate(waves) if wave.name == wave_name)
                self.cells[f"waves.{index}.gates"] = cell
                if not _same(value, gate.measured):
                    self.check_gate(gate, value, cell)
                    measured[(wave_name, gate.metric)] = value
                    self.edit(cell, f"{label}, Measured", _metric_text(gate.metric, gate.measured),
                              _metric_text(gate.metric, value))
            if "Baseline" in columns:
                base = self.number(grid, row, columns["Baseline"], f"{label}, Baseline")
                if not _same(base, shown_baselines.get(gate.metric)):
                    typed.setdefault(gate.metric, []).append((grid.where(row, columns["Baseline"]), base))
        for metric, values in typed.items():
            if len({value for _, value in values}) > 1:
                raise ScenarioError(
                    f"{' and '.join(cell for cell, _ in values)} give different baselines for "
                    f"{METRICS[metric].label} ({', '.join(_shown(v) for _, v in values)}): the plan keeps one "
                    "baseline per metric; make them the same", file=self.book.source)
            cell, value = values[0]
            if value is None and metric not in shown.baseline:
                self.notes.append(f"{cell}: the baseline of {METRICS[metric].label} was cleared, but it is the "
                                  "scenario's own (Assumptions); it was kept. Change it on the Assumptions sheet.")
                continue
            self.check_baseline(metric, value, cell)
            self.edit(cell, f"Baseline of {METRICS[metric].label}", _metric_text(metric, shown_baselines.get(metric)),
                      _metric_text(metric, value))
            baseline[metric] = value  # None: the scenario's again (dropped by read)
            self.cells[f"baseline.{metric}"] = cell
        new_waves = []
        for wave in waves:
            gates = [gate.model_copy(update={"measured": measured[(wave.name, gate.metric)]})
                     if (wave.name, gate.metric) in measured else gate for gate in wave.gates]
            new_waves.append(wave.model_copy(update={"gates": gates}))
        return new_waves, baseline

    def check_gate(self, gate: Gate, value: float | None, cell: str) -> None:
        try:
            Gate.model_validate({**gate.model_dump(), "measured": value})
        except ValidationError as error:
            _, message = validation_message(error)
            raise ScenarioError(f"{cell}: {METRICS[gate.metric].label}, Measured: {message}",
                                file=self.book.source) from None

    def check_baseline(self, metric: str, value: float | None, cell: str) -> None:
        if value is not None and METRICS[metric].unit == "fraction" and not 0 <= value <= 1:
            meant = fraction_meant(value)
            raise ScenarioError(f"{cell}: the baseline of {METRICS[metric].label} is a share from 0 to 1 (0.08 = 8%), "
                                f"got {value:g}" + (f"; {meant}" if meant else ""), file=self.book.source)
        if value is not None and value < 0:
            raise ScenarioError(f"{cell}: the baseline of {METRICS[metric].label} cannot be negative, got {value:g}",
                                file=self.book.source)

    def typed_over(self) -> None:
        """Say the wave table's formulas a value was typed over (a date in "Starts on"): not taken."""
        found = self.wave_columns()
        if found is None:
            return
        grid, name_row, _, columns = found
        inputs = {*WAVE_INPUTS, "Teams", *ERLANG_ROWS}
        row = name_row + 1
        while isinstance(label := grid.value(row, 1), str) and label.strip():
            if label not in inputs:
                for column in columns:
                    if grid.formula(row, column) is None and not grid.blank(row, column):
                        self.notes.append(f"{grid.where(row, column)} ('{label}') holds a value typed over its "
                                          "formula: the app computes it from the wave's inputs, so it was not taken.")
            row += 1

    def cost_lines_typed(self) -> None:
        """Say the costs typed on the Cash flow sheet (its "Other costs" row, a cost line inserted, a value typed
        over a licence's formula): the workbook sums them, the scenario has no place for them, so they were lost
        without a word when the workbook was opened again."""
        found = self.named("costs_by_year")
        if found is None:
            return
        grid, total, first, _, last = found
        row = total - 1
        while row > 1 and grid.value(row, 1) != COST_LINES:
            row -= 1
        if row <= 1:  # the row that opens the cost lines was deleted: where they start cannot be told
            return
        typed = [grid.where(r, c) for r in range(row + 1, total) for c in range(first, last + 1)
                 if grid.formula(r, c) is None and not grid.blank(r, c)]
        if typed:
            listed = ", ".join(typed[:6]) + (f" and {len(typed) - 6} more" if len(typed) > 6 else "")
            self.notes.append(
                f"{listed}: {'costs' if len(typed) > 1 else 'a cost'} typed on the Cash flow sheet (the \"Other "
                "costs\" row, a cost line inserted, or a value typed over a formula) that the scenario has no place "
                "for: the app's figures, and the workbook it exports, leave them out. A set-up cost belongs in "
                "'One-off set-up cost (year 0)' on the Assumptions sheet, a cost per seat or per developer in a "
                "licence line; keep any other in this workbook.")

    # --- Checklist ----------------------------------------------------------------------------

    def start_date(self, plan: RolloutPlan) -> date | None:
        found = self.named(START_DATE_CELL)
        if found is None:
            return plan.start_date
        grid, row, column, _, _ = found
        value = grid.value(row, column)
        if isinstance(value, datetime):
            value = value.date()
        if isinstance(value, date) and value < _EARLIEST_START:
            # A number typed into the date-formatted cell: the spreadsheet shows it as a day of 1900.
            raise self.fail(grid, row, column, f"the start date reads {value.isoformat()}, which is how a plain "
                            "number shows in a date cell; type a date, e.g. 2026-03-02")
        if isinstance(value, str) and value.strip():
            try:
                value = date.fromisoformat(value.strip())
            except ValueError:
                raise self.fail(grid, row, column, f"the start date holds the text '{safety.quote(value)}'; type a "
                                "date, e.g. 2026-03-02") from None
        elif value in ("", None):
            value = None
        elif not isinstance(value, date):
            raise self.fail(grid, row, column, f"the start date holds {_shown(value)}; type a date, e.g. 2026-03-02")
        if value != plan.start_date:
            self.edit(grid.where(row, column), "Week 0 starts on", plan.start_date, value)
        return value

    def checklist_rows(self) -> Iterator[tuple[_Grid, int, dict[str, Any], dict[str, int]]]:
        """Each row of the Checklist that is an action (its values by column; a column deleted in the sheet is
        absent, and keeps what was exported), in sheet order."""
        found = self.named(CHECKLIST_HEADER)
        if found is None:
            return
        grid, header, first, _, last = found
        columns = {_text(grid.value(header, c)).strip(): c for c in range(first, last + 1)}
        missing = [name for name in _CHECKLIST_COLUMNS if name not in columns]
        if "Item" in missing:
            self.notes.append(f"The Checklist's header row ({grid.title}!{header}) has no Item column: its statuses, "
                              "owners, due weeks and notes were not read.")
            return
        if missing:
            self.notes.append(f"The Checklist's header row ({grid.title}!{header}) has no {', '.join(missing)} column: "
                              "what it held was kept as exported.")
        present = [name for name in _CHECKLIST_COLUMNS if name in columns]
        self.checklist_read = True
        for row in range(header + 1, grid.last_row + 1):
            if "Due date" in columns and grid.formula(row, columns["Due date"]) is None \
                    and not grid.blank(row, columns["Due date"]):
                self.notes.append(f"{grid.where(row, columns['Due date'])} holds a date typed over its formula: the "
                                  "app takes the due week (the date follows from it and the start date); type the week.")
            item = _text(grid.value(row, columns["Item"])).strip()
            action = _text(grid.value(row, columns["Action"])).strip() if "Action" in columns else ""
            if item == SPARE_ACTIONS_NOTE:  # the line closing the spare rows
                continue
            if "Action" in columns and grid.formula(row, columns["Action"]) is not None:
                continue  # a sum of the PM's own under the table ("Done:" and a COUNTIF): no action
            if not item and not action:  # a blank row, or a formula of the PM's own (a count of the done items)
                typed = [name for name in present[2:] if not grid.blank(row, columns[name])
                         and grid.formula(row, columns[name]) is None]
                if typed:
                    self.notes.append(f"{grid.title} row {row} has something under {', '.join(typed)} but no Item or "
                                      "Action: left out; give it an Action to make it one of the plan's.")
                continue
            if not action and re.search(r"\s|:$", item):
                self.notes.append(f"{grid.where(row, columns['Item'])}: '{safety.quote(item)}' is no item id (ids have "
                                  "no spaces) and the row has no Action: left out, as a remark; type it under Action "
                                  "to make it an action.")
                continue
            yield grid, row, {name: grid.value(row, columns[name]) for name in present}, columns

    def due_week(self, grid: _Grid, row: int, column: int, item: str, tied_week: int | None) -> tuple[bool, int | None]:
        """(still tied to the waves, the week typed): the exported link to a wave's start week (its result, if
        saved, the week the waves give) is tied; a formula of the PM's own (the link + 2) gives its result."""
        formula = grid.formula(row, column)
        if formula is not None and "#REF!" in formula:  # linked to a wave whose column was deleted
            self.notes.append(f"{grid.where(row, column)}: the due week of '{item}' was linked to a wave that was "
                              "removed; it now follows the plan's waves.")
            return True, None
        # the link exported: to a wave's start week (idle-seats: the last wave's, + IDLE_SEAT_REVIEW_WEEKS, at most
        # MAX_WEEK; without the MIN in workbooks exported before it), or the first wave short of reviewers (an IF)
        start = r"('[^']*'|[^!(,]+)![A-Z]+\d+"
        after_last = rf"{start}(\+{IDLE_SEAT_REVIEW_WEEKS})?|MIN\({start}\+{IDLE_SEAT_REVIEW_WEEKS},{MAX_WEEK}\)"
        link = formula is not None and (formula.startswith("IF(") or re.fullmatch(after_last, formula) is not None)
        saved = grid.value(row, column)
        # a link exported before the cap saved the last start + 4 past it (522), where the plan now ties it to 520
        capped = isinstance(saved, (int, float)) and tied_week == MAX_WEEK and saved > MAX_WEEK
        if link and (saved is None or (isinstance(saved, (int, float)) and _same(saved, tied_week)) or capped):
            return True, None
        week = self.number(grid, row, column, f"the due week of '{item}'", whole=True)
        return week is None, None if week is None else int(week)

    def checklist(self, scenario: Scenario, plan: RolloutPlan) -> list[ChecklistTracking]:
        """The tracked checklist as the sheet's rows now have it (rows deleted there keep what was tracked)."""
        exported = {item.id: item for item in self.shown.checklist}
        report = self.check_whole_scenario(scenario.model_copy(update={"rollout": plan}))
        defaults = default_tracking(report, compute(scenario))
        tied_weeks = {item.id: item.due_week for item in defaults}
        recorded = {entry.item_id: entry for entry in plan.checklist}
        listed = list(self.checklist_rows())
        ids = self.item_ids(listed, exported)
        rows: list[dict[str, Any]] = []
        kept: list[ChecklistTracking] = []
        seen: dict[str, str] = {}
        for (grid, row, values, columns), item in zip(listed, ids, strict=True):
            title = _text(values.get("Action")).strip()
            where = grid.where(row, columns["Item"])
            if item in seen:
                raise self.fail(grid, row, columns["Item"], f"the item '{item}' is listed twice (in {seen[item]} "
                                "too); keep one row per item")
            seen[item] = where
            before = exported.get(item)
            tracked = recorded.get(item)
            status = _text(values.get("Status") or "todo").strip().lower() if "Status" in values \
                else (before.status if before is not None else "todo")
            if status not in CHECKLIST_STATUSES:
                raise self.fail(grid, row, columns["Status"], f"'{safety.quote(values['Status'])}' is not a status; "
                                f"choose one of {', '.join(CHECKLIST_STATUSES)}")
            if "Due week" in values:
                tied, due = self.due_week(grid, row, columns["Due week"], item, tied_weeks.get(item))
            else:
                tied, due = before is None or (tracked is None or tracked.due_week is None), \
                    tracked.due_week if tracked is not None else None
            owner = (_text(values.get("Owner")).strip() or None) if "Owner" in values \
                else (before.owner_role if before is not None else None)  # blank: the engine's owner
            notes = _text(values.get("Notes")) if "Notes" in values else (before.notes if before is not None else "")
            fields = {"Owner": "owner_role", "Due week": "due_week", "Status": "status", "Notes": "notes",
                      "Action": "title", "Item": "item_id"}
            for name, key in fields.items():
                if name in columns:
                    self.cells[f"checklist.{item}.{key}"] = grid.where(row, columns[name])
            if before is None:  # a row the PM added
                entry = {"id": item, "title": title or item, "owner_role": owner, "due_week": due, "status": status,
                         "notes": notes}
                self.check_tracking(entry)
                rows.append(entry)
                self.edit(where, f"Checklist: {item}", "(not listed)", f"{title or item} ({status})")
                continue
            changes = {
                # blank: the engine's owner, which it was unless the team had set one
                "Owner": owner != before.owner_role and not (owner is None and (tracked is None or
                                                                                 tracked.owner_role is None)),
                "Status": status != before.status,
                "Notes": notes != before.notes,
                # tied (or blank): follows the waves, as it did unless the team had set a week
                "Due week": (tracked is not None and tracked.due_week is not None) if tied else due != before.due_week,
                "Action": item not in RULE_IDS and bool(title) and title != before.title,  # an own action renamed
            }
            for name, old, new in (("Owner", before.owner_role, owner), ("Status", before.status, status),
                                   ("Notes", before.notes, notes), ("Due week", before.due_week, due),
                                   ("Action", before.title, title)):
                if changes[name]:
                    self.edit(grid.where(row, columns[name]), f"Checklist: {item}, {name}", old,
                              "(follows the waves)" if name == "Due week" and new is None else new)
            if not any(changes.values()):
                if tracked is not None:
                    kept.append(tracked)  # as exported: what the team recorded stays, nothing is made up
                continue
            entry = {
                "id": item,
                "title": title if changes["Action"] else before.title,
                "owner_role": owner if changes["Owner"] else tracked.owner_role if tracked is not None else None,
                "due_week": due if changes["Due week"] else tracked.due_week if tracked is not None else None,
                "status": status,
                "notes": notes,
            }
            self.check_tracking(entry)
            rows.append(entry)
        tracking = tracking_from_rows(rows, defaults) if rows else []
        if self.checklist_read:
            self.deleted_rows(exported, recorded, seen)
        kept += [entry for entry in plan.checklist if entry.item_id not in seen]  # a row deleted: what was tracked
        order = {entry.item_id: index for index, entry in enumerate(plan.checklist)}  # the plan's order, then new
        return sorted(kept + tracking, key=lambda entry: order.get(entry.item_id, len(order)))

    def item_ids(self, listed: list[tuple[_Grid, int, dict[str, Any], dict[str, int]]],
                 exported: dict[str, Any]) -> list[str]:
        """Each row's item: its Item as exported (case aside); a cleared or mistyped Item whose Action is one of the
        exported items still that item (said when mistyped); else an action of the team's own (an id made from
        its Action when the Item is blank)."""
        folded = {item.casefold(): item for item in (*RULE_IDS, *exported)}  # "Baseline-First" is baseline-first
        ids: list[str | None] = [folded.get(_text(values.get("Item")).strip().casefold()) for _, _, values, _ in listed]
        unclaimed = {item.title: item.id for item in exported.values() if item.id not in ids}
        # every Item typed, so that an id made for a blank one is not one typed further down
        taken: dict[str, str] = {_text(values.get("Item")).strip(): "" for _, _, values, _ in listed}
        out = []
        for (grid, row, values, columns), known in zip(listed, ids, strict=True):
            typed = _text(values.get("Item")).strip()
            title = _text(values.get("Action")).strip()
            if known is None and title in unclaimed:
                known = unclaimed.pop(title)
                if typed:
                    self.notes.append(f"{grid.where(row, columns['Item'])}: the Item '{safety.quote(typed)}' is none of the "
                                      f"plan's, but its Action is '{safety.quote(title)}': read as '{known}'.")
            if known is None and not typed:
                known = _own_id(title, {**taken, **dict.fromkeys(exported, "")})
                self.notes.append(f"{grid.where(row, columns['Item'])}: the action '{safety.quote(title)}' had no item "
                                  f"id; it is tracked as '{known}'.")
            found = known or typed
            taken[found] = ""
            out.append(found)
        return out

    def deleted_rows(self, exported: dict[str, Any], recorded: dict[str, ChecklistTracking],
                     seen: dict[str, str]) -> None:
        """Say the Checklist rows deleted in the sheet: an item the numbers call for is listed again, one the team
        tracked is kept as tracked."""
        gone = [item for item in exported.values() if item.id not in seen]
        listed_again = [item.title for item in gone if item.fires and item.id not in recorded]
        kept = [item.title for item in gone if item.id in recorded]
        if listed_again:
            self.notes.append(
                f"The Checklist's rows of {', '.join(repr(title) for title in listed_again)} were deleted: the app lists "
                "the actions the numbers call for while they do; set a status of 'not applicable' to set one aside.")
        if kept:
            self.notes.append(
                f"The Checklist's rows of {', '.join(repr(title) for title in kept)} were deleted: what the team "
                "recorded against them is kept; set a status of 'not applicable' to set one aside.")

    def check_tracking(self, entry: dict[str, Any]) -> None:
        """A checklist row as the plan would keep it (lengths, weeks), refused with the cell of the field at fault."""
        data = {"item_id": entry["id"], **{key: value for key, value in entry.items() if key != "id"}}
        try:
            ChecklistTracking.model_validate(data)
        except ValidationError as error:
            where, message = validation_message(error)
            cell = self.cells.get(f"checklist.{entry['id']}.{where}")
            raise ScenarioError(f"{cell}: {message}" if cell else message, file=self.book.source) from None

    # --- Everything ---------------------------------------------------------------------------

    def validated(self, data: dict[str, Any]) -> RolloutPlan:
        try:
            return RolloutPlan.model_validate(data)
        except ValidationError as error:
            where, message = validation_message(error)
            cell = self.where_field(where)
            raise ScenarioError(f"{cell + ': ' if cell else ''}the Rollout plan as edited is not a plan the app "
                                f"allows: {message}", file=self.book.source) from None

    def base_plan(self, scenario: Scenario, shown: RolloutPlan) -> RolloutPlan:
        """The plan the edits are laid over: the scenario's own, or the default plan of the edited numbers (the
        one the app shows for them), unless those give another number of waves than the workbook shows."""
        if self.exported.rollout is not None or scenario == self.exported:
            return shown
        self.regenerated = default_plan(scenario)
        return self.regenerated if len(self.regenerated.waves) == len(shown.waves) else shown

    def deleted_sheets(self) -> None:
        """Refuse a workbook without its Assumptions sheet (every other sheet computes from it, and its edits
        would be taken for rows deleted, one note per input), and say a deleted Rollout plan or Checklist sheet:
        a sheet deleted takes every name on it, which then refers to #REF!."""
        lost = self.book.lost
        if all(a.name in lost for a in all_assumptions(self.exported)):
            raise self.book.refuse(
                "its Assumptions sheet was deleted (each of its named cells now refers to #REF!): every other sheet "
                "computes from it, so the workbook's inputs cannot be read; undo the deletion, or start again from "
                "the workbook as exported")
        if all(name in lost for name in WAVE_ROW_NAMES.values()):
            self.notes.append("The Rollout plan sheet was deleted: the plan's waves, gates and measured values are "
                              "kept as exported.")
        if CHECKLIST_HEADER in lost:
            self.notes.append("The Checklist sheet was deleted: the plan's start date and what it tracked are kept "
                              "as exported.")

    def read(self) -> EditedWorkbook:
        self.deleted_sheets()
        scenario = self.assumptions()
        shown = self.shown.plan  # the plan the workbook showed (the default one if none)
        base = self.base_plan(scenario, shown)
        edits_before = len(self.edits)
        start = self.start_date(shown)
        waves = self.waves(shown, base)
        waves, typed = self.gates(shown, waves)
        self.typed_over()
        self.cost_lines_typed()
        merged: dict[str, float | None] = {str(metric): value for metric, value in base.baseline.items()}
        merged.update(typed)
        baseline = {metric: value for metric, value in merged.items() if value is not None}
        plan = self.validated({**base.model_dump(), "start_date": start, "waves": [w.model_dump() for w in waves],
                               "baseline": baseline})
        checklist = self.checklist(scenario, plan)
        plan = self.validated({**plan.model_dump(), "checklist": [e.model_dump() for e in checklist]})
        if len(self.edits) > edits_before:  # else the plan stays as exported (or none: the default one)
            scenario = self.apply(scenario, {"rollout": json.loads(plan.model_dump_json())}, {})
        self.default_plan_moved(scenario, shown, base)
        self.check_whole_scenario(scenario)  # its report is not needed, only its refusal
        return EditedWorkbook(scenario, tuple(self.edits), tuple(self.notes))

    def check_whole_scenario(self, scenario: Scenario) -> RolloutReport:
        """Refuse what only the whole scenario can refuse (a wave after the horizon), at its cell; else its
        ``rollout_report``."""
        try:
            return rollout_report(scenario)
        except ScenarioError as error:
            where = self.where_field(error.field)
            raise ScenarioError(f"{where + ': ' if where else ''}{error.describe(field=False)}",
                                file=self.book.source) from None

    def default_plan_moved(self, scenario: Scenario, shown: RolloutPlan, base: RolloutPlan) -> None:
        """Say how the default plan of the edited numbers differs from the one the workbook showed (its waves'
        start weeks, its gates' thresholds): a scenario without a plan of its own follows its numbers."""
        regenerated = self.regenerated
        if regenerated is None:  # a plan of its own, or the numbers as exported: the workbook's plan
            return
        if len(regenerated.waves) != len(shown.waves):
            kept = ("the plan was edited too, so the workbook's waves were kept as the plan's own"
                    if scenario.rollout is not None else "it is the plan the app shows, as no wave was edited")
            self.notes.append(f"The scenario has no plan of its own: the default plan of the edited numbers has "
                              f"{len(regenerated.waves)} waves, the workbook showed {len(shown.waves)}; {kept}.")
            return
        said = []
        if [w.start_week for w in base.waves] != [w.start_week for w in shown.waves]:
            said.append(f"its waves now start in weeks {', '.join(str(w.start_week) for w in base.waves)} (the workbook "
                        f"showed {', '.join(str(w.start_week) for w in shown.waves)})")
        moved = [(new.metric, old.threshold, new.threshold)  # a relative threshold follows the baseline, as it did
                 for old, new in zip(shown.waves[0].gates, base.waves[0].gates, strict=False)
                 if old.metric == new.metric and new.basis == "absolute" and not _same(old.threshold, new.threshold)]
        if moved:
            said.append("its gates' thresholds are " + ", ".join(
                f"{METRICS[metric].label} {format_metric(metric, new)} (was {format_metric(metric, old)})"
                for metric, old, new in moved))
        if said:
            self.notes.append("The scenario has no plan of its own, so its default plan follows the edited numbers: "
                              + "; ".join(said) + ".")


def _own_id(title: str, taken: dict[str, str]) -> str:
    """An id for an action the PM added without one: ``own-`` and its title's words, numbered if already used."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60].strip("-")
    found = f"own-{slug or 'action'}"
    number = 2
    while found in taken or found in RULE_IDS:
        found = f"own-{slug or 'action'}-{number}"
        number += 1
    return found


def edits_summary(edited: EditedWorkbook, limit: int = _LIMIT) -> str:
    """The edits as one sentence for the app's notice: "3 edits: Developers in scope (n) 50 → 60; …"."""
    shown = [f"{edit.label} {edit.before} → {edit.after}" for edit in edited.edits[:limit]]
    more = len(edited.edits) - len(shown)
    if not shown:
        return "No input was edited in the workbook."
    return (f"{formatting.count(len(edited.edits), 'edit')} made in the workbook: " + "; ".join(shown)
            + (f"; and {more} more (listed on the Export page)" if more else "") + ".")
