"""Opening an exported workbook that was edited in a spreadsheet: its scenario, with the edits laid over it.

A PM keeps the plan in the workbook for weeks (statuses, owners, due weeks, notes, moved waves, measured
gates) and the consultant may have tried other assumptions there.  The workbook carries the scenario
it was exported from (:mod:`roi.export.scenario_sheet`); this module reads that copy and replaces what
the yellow cells now hold:

* every named Assumption (``developers``, ``post_pr_size_loc``, ``tool_1_name`` …), with its
  uncertainty range moved along with it as the app's own edits move it;
* the Rollout plan's waves (start week, share of developers, training hours, reviewers; a cell still
  linked to its Assumption means "the scenario's"), each gate's baseline and measured value;
* the Checklist's start date and each item's owner, due week (a week still linked to a wave's start
  follows the waves), status and notes, including rows the PM added.

Cells are found by their defined names and header labels, so rows inserted in a spreadsheet do not
throw them off.  What the workbook shows but the app computes (costs, reviewers needed, results,
expectations) is not read: it is computed again from the inputs.  A value the scenario does not allow
is refused with its sheet and cell, before anything changes.
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl.utils.cell import get_column_letter, range_boundaries

from pydantic import ValidationError

from roi import formatting, safety
from roi.engine import compute
from roi.errors import InputFormatError, RoiError, ScenarioError
from roi.export.assumptions import Assumption, all_assumptions
from roi.export.rollout_sheets import (
    CHECKLIST_HEADER,
    GATE_ROWS,
    ROLLOUT_PLAN,
    SPARE_ACTIONS_NOTE,
    SPARE_GATES_NOTE,
    START_DATE_CELL,
    WAVE_ROW_NAMES,
)
from roi.export.scenario_sheet import FIRST_CHUNK_ROW, SCENARIO_SHEET
from roi.models import Scenario, get_path, parse_scenario, validation_message
from roi.rollout import METRICS, rollout_report
from roi.rollout_models import ChecklistTracking, Gate, RolloutPlan, Wave
from roi.rollout_tables import default_tracking, tracking_from_rows
from roi.whatif import assumption_changes, with_values

ASSUMPTIONS = "Assumptions"

_LINKED_WAVE_INPUTS = {"Training h / developer": "TRAINING_HOURS_PER_DEV", "Reviewers": "REVIEWERS"}
"""Wave inputs exported as a link to their Assumption (the wave follows the scenario's value)."""

_STATUSES = ("todo", "doing", "done", "not applicable")


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
    """Edits seen but not taken (a what-if the scenario does not hold, a renamed wave …)."""


class _Grid:
    """One sheet's cells, as typed (a formula's text) and as last calculated (its saved result)."""

    def __init__(self, title: str, typed: dict[tuple[int, int], Any], saved: dict[tuple[int, int], Any]) -> None:
        self.title = title
        self.typed = typed
        self.saved = saved
        self.last_row = max((row for row, _ in typed), default=0)

    def value(self, row: int, column: int) -> Any:
        """The cell's value: its saved result for a formula (None if the file saved none)."""
        typed = self.typed.get((row, column))
        if isinstance(typed, str) and typed.startswith("="):
            return self.saved.get((row, column))
        return typed

    def formula(self, row: int, column: int) -> str | None:
        """The formula's text without ``=``, upper-cased and without ``$`` and spaces; None for a value."""
        typed = self.typed.get((row, column))
        if isinstance(typed, str) and typed.startswith("="):
            return re.sub(r"[\s$]", "", typed[1:]).upper()
        return None

    def where(self, row: int, column: int) -> str:
        return f"{self.title}!{get_column_letter(column)}{row}"


def _cells(sheet: Any) -> dict[tuple[int, int], Any]:
    out: dict[tuple[int, int], Any] = {}
    for row in sheet.iter_rows():
        for cell in row:
            value = getattr(cell, "value", None)
            if value is not None and hasattr(cell, "row"):
                out[(cell.row, cell.column)] = value
    return out


class _Book:
    """The sheets this module reads (never the Data sheets), and the workbook's defined names."""

    def __init__(self, source: str, data: bytes) -> None:
        from openpyxl import load_workbook

        self.source = source
        try:
            typed = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
            saved = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError) as error:
            raise InputFormatError(
                f"cannot be opened as a workbook ({error}); open it in Excel or LibreOffice and save it again "
                "as .xlsx", file=source) from None
        try:
            self.titles = [sheet.title for sheet in typed.worksheets]
            self.names = {name: value.attr_text for name, value in typed.defined_names.items()}
            self.grids: dict[str, _Grid] = {}
            for title in (SCENARIO_SHEET, ASSUMPTIONS, ROLLOUT_PLAN, "Checklist"):
                if title in self.titles:
                    self.grids[title] = _Grid(title, _cells(typed[title]), _cells(saved[title]))
        finally:
            typed.close()
            saved.close()

    def refuse(self, message: str) -> RoiError:
        return InputFormatError(message, file=self.source)

    def named(self, name: str) -> tuple[_Grid, int, int, int, int] | None:
        """(sheet, first row, first column, last row, last column) of a defined name, or None if absent."""
        target = self.names.get(name)
        if target is None or "!" not in target:
            return None
        sheet, _, reference = target.rpartition("!")
        grid = self.grids.get(sheet.strip("'").replace("''", "'"))
        if grid is None or "#REF" in reference.upper():
            return None
        first_col, first_row, last_col, last_row = range_boundaries(reference.replace("$", ""))
        return grid, first_row, first_col, last_row, last_col


def read_edited_workbook(data: bytes, source: str) -> EditedWorkbook:
    """The scenario a workbook exported by the app holds now: its scenario file with the edited cells over it.

    Raises:
        InputFormatError: not a workbook the app exported (no Scenario file sheet), or damaged.
        ScenarioError: an edited cell holds what the scenario does not allow; the message names the
            sheet and cell, e.g. ``plan.xlsx, Assumptions!B5: must be at least 1 …``.
    """
    safety.check_size(source, len(data))
    safety.inspect_zip_container(source, data)
    book = _Book(source, data)
    exported = _embedded_scenario(book)
    reader = _Reader(book, exported)
    return reader.read()


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
    return parse_scenario("".join(chunks), source=f"{book.source}, sheet '{SCENARIO_SHEET}'")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) \
            and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return bool(a == b)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, float):
        return f"{value:.10g}"
    return str(value)


class _Reader:
    def __init__(self, book: _Book, exported: Scenario) -> None:
        self.book = book
        self.exported = exported
        self.edits: list[WorkbookEdit] = []
        self.notes: list[str] = []

    def fail(self, grid: _Grid, row: int, column: int, message: str) -> ScenarioError:
        return ScenarioError(f"{grid.where(row, column)}: {message}", file=self.book.source)

    def number(self, grid: _Grid, row: int, column: int, label: str, *, whole: bool = False) -> float | None:
        """A cell's number (None when blank); text that is a plain number is read as that number."""
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
            if value != int(value):
                raise self.fail(grid, row, column, f"{label} must be a whole number, got {value:g}")
            return int(value)
        return float(value)

    # --- Assumptions --------------------------------------------------------------------------

    def assumptions(self) -> tuple[Scenario, dict[str, str]]:
        """The exported scenario with the edited Assumptions; and each changed path's cell."""
        changes: dict[str, Any] = {}
        cells: dict[str, str] = {}
        inputs: list[Assumption] = all_assumptions(self.exported)
        for assumption in inputs:
            found = self.book.named(assumption.name)
            if found is None:
                raise self.book.refuse(
                    f"has no cell named '{assumption.name}' ({assumption.label}) any more: its row on the "
                    "Assumptions sheet was deleted; export the workbook again from the app")
            grid, row, column, _, _ = found
            whole = assumption.fmt == "int"
            value = self.number(grid, row, column, assumption.label, whole=whole)
            before = get_path(self.exported, assumption.path)
            if value is None and assumption.blank_means is None:
                raise self.fail(grid, row, column, f"{assumption.label} is empty; type a value (it was "
                                f"{_shown(before)})")
            if not _same(value, before):
                changes[assumption.path] = value
                cells[assumption.path] = grid.where(row, column)
                self.edits.append(WorkbookEdit(grid.where(row, column), assumption.label, _shown(before), _shown(value)))
        for index, tool in enumerate(self.exported.costs.tools):
            found = self.book.named(f"tool_{index + 1}_name")
            if found is None:
                continue
            grid, row, column, _, _ = found
            name = grid.value(row, column)
            name = "" if name is None else str(name).strip()
            if name != tool.name:
                path = f"costs.tools.{index}.name"
                changes[path] = name
                cells[path] = grid.where(row, column)
                self.edits.append(WorkbookEdit(grid.where(row, column), f"Tool {index + 1}: name", tool.name,
                                               _shown(name)))
        limit = self.book.named("pr_size_limit_loc")
        if limit is not None and limit[0].value(limit[1], limit[2]) not in (None, ""):
            self.notes.append(
                f"{limit[0].where(limit[1], limit[2])} holds a PR size limit: a what-if the scenario does not "
                "hold, so it was not taken; try it on the Review capacity page (\"PR size limit\").")
        scenario = self.apply(self.exported, assumption_changes(self.exported, changes), cells)
        return scenario, cells

    def apply(self, scenario: Scenario, changes: dict[str, Any], cells: dict[str, str]) -> Scenario:
        """``with_values``, its error naming the cell of the field it is about."""
        try:
            return with_values(scenario, changes)
        except ScenarioError as error:
            where = next((cell for path, cell in cells.items()
                          if error.field and (error.field == path or error.field.startswith(path + "."))), None)
            if where is None and cells:
                where = ", ".join(cells.values())
            raise ScenarioError(f"{where}: {error.describe()}" if where else error.describe(),
                                file=self.book.source) from None

    # --- Rollout plan -------------------------------------------------------------------------

    def row_of(self, label: str, waves: int) -> tuple[_Grid, int, list[int]] | None:
        found = self.book.named(WAVE_ROW_NAMES[label])
        if found is None:
            return None
        grid, row, first, _, last = found
        return grid, row, list(range(first, last + 1))[:waves]

    def waves(self, plan: RolloutPlan) -> list[Wave]:
        """The plan's waves with the edited start weeks, shares, training hours and reviewers."""
        names = self.row_of("Wave", len(plan.waves))
        if names is None:
            return list(plan.waves)
        grid, row, columns = names
        waves = []
        for index, (wave, column) in enumerate(zip(plan.waves, columns, strict=False)):
            shown = grid.value(row, column)
            if shown is not None and str(shown).strip() != wave.name:
                self.notes.append(f"{grid.where(row, column)}: the wave '{wave.name}' is called "
                                  f"'{safety.quote(shown)}' there; wave names are not read back, rename it in the "
                                  "app.")
            update: dict[str, Any] = {}
            for label, key in (("Start week", "start_week"), ("Share of developers", "seat_share"),
                               ("Training h / developer", "training_hours_per_dev"), ("Reviewers", "reviewers")):
                found = self.row_of(label, len(plan.waves))
                if found is None or index >= len(found[2]):
                    continue
                cells, at, wave_columns = found
                column_at = wave_columns[index]
                linked = _LINKED_WAVE_INPUTS.get(label)
                if linked is not None and cells.formula(at, column_at) == linked:
                    continue  # still the link to the Assumption, as exported
                value: Any = self.number(cells, at, column_at, f"{label} of '{wave.name}'",
                                         whole=key in ("start_week", "reviewers"))
                if value is None and key in ("start_week", "seat_share"):
                    raise self.fail(cells, at, column_at, f"{label} of '{wave.name}' is empty; type a value")
                before = getattr(wave, key)
                if not _same(value, before):
                    update[key] = value
                    self.edits.append(WorkbookEdit(cells.where(at, column_at), f"{wave.name}: {label}",
                                                   "the Assumption's" if before is None else _shown(before),
                                                   _shown(value)))
            waves.append(wave.model_copy(update=update) if update else wave)
        return waves

    def gates(self, scenario: Scenario, plan: RolloutPlan, waves: list[Wave]) -> tuple[list[Wave], dict[str, float]]:
        """The waves' gates with the edited measured values, and the plan's baseline with the edited ones."""
        found = self.book.named(GATE_ROWS)
        gates = [(w, g) for w, wave in enumerate(waves) for g in range(len(wave.gates))]
        baseline: dict[str, float] = {str(metric): value for metric, value in plan.baseline.items()}
        if found is None or not gates:
            return waves, baseline
        grid, first, _, last, _ = found
        self.own_gates(grid, last)
        rows = [r for r in range(first, last + 1) if grid.value(r, 2) not in (None, "")]
        labels = [METRICS[waves[w].gates[g].metric].label for w, g in gates]
        if [grid.value(r, 2) for r in rows] != labels:
            self.notes.append(f"The gates table ({grid.title}!A{first}:F{last}) was rearranged (its metrics are no "
                              "longer the exported ones, in order): its baselines and measured values were not read; "
                              "enter them on the app's Rollout page.")
            return waves, baseline
        shown_baselines = rollout_report(self.exported).baseline
        measured: dict[tuple[int, int], float | None] = {}
        typed_baselines: dict[str, list[tuple[str, float | None]]] = {}
        for r, (w, g) in zip(rows, gates, strict=True):
            gate = waves[w].gates[g]
            label = f"{waves[w].name}: gate {METRICS[gate.metric].label}"
            value = self.number(grid, r, 6, f"{label}, Measured")
            measured[(w, g)] = value
            if not _same(value, gate.measured):
                self.edits.append(WorkbookEdit(grid.where(r, 6), f"{label}, Measured", _shown(gate.measured),
                                               _shown(value)))
            base = self.number(grid, r, 4, f"{label}, Baseline")
            before = shown_baselines.get(gate.metric)
            if not _same(base, before):
                typed_baselines.setdefault(gate.metric, []).append((grid.where(r, 4), base))
                self.edits.append(WorkbookEdit(grid.where(r, 4), f"{label}, Baseline", _shown(before), _shown(base)))
        for metric, typed in typed_baselines.items():
            values = {value for _, value in typed}
            if len(values) > 1:
                raise ScenarioError(
                    f"{' and '.join(cell for cell, _ in typed)} give different baselines for "
                    f"{METRICS[metric].label} ({', '.join(_shown(v) for _, v in typed)}): the plan keeps one "
                    "baseline per metric; make them the same", file=self.book.source)
            value = values.pop()
            if value is not None:
                baseline[metric] = value
            elif metric in baseline:
                del baseline[metric]
            else:
                self.notes.append(f"{typed[0][0]}: the baseline of {METRICS[metric].label} was cleared, but it is the "
                                  "scenario's own (Assumptions); it was kept. Change it on the Assumptions sheet.")
        new_waves = []
        for w, wave in enumerate(waves):
            new_gates = [gate if _same(measured[(w, g)], gate.measured)
                         else Gate.model_validate({**gate.model_dump(), "measured": measured[(w, g)]})
                         for g, gate in enumerate(wave.gates)]
            new_waves.append(wave.model_copy(update={"gates": new_gates}))
        return new_waves, baseline

    def own_gates(self, grid: _Grid, last: int) -> None:
        """Say the gates a PM added in the spare rows under the table: the app cannot take them (a metric of
        free text, a result typed rather than judged), so they would otherwise vanish unsaid."""
        end = next((r for r in range(last + 1, grid.last_row + 1) if grid.value(r, 1) == SPARE_GATES_NOTE), None)
        if end is None:
            return
        added = [r for r in range(last + 1, end)
                 if any(grid.value(r, c) not in (None, "") for c in range(1, 10))]
        if added:
            rows = ", ".join(str(r) for r in added)
            self.notes.append(f"{grid.title} rows {rows}: gates added in the workbook are not taken (the app judges "
                              "a gate on a metric it measures); add them on the app's Rollout page.")

    # --- Checklist ----------------------------------------------------------------------------

    def start_date(self, plan: RolloutPlan) -> date | None:
        found = self.book.named(START_DATE_CELL)
        if found is None:
            return plan.start_date
        grid, row, column, _, _ = found
        value = grid.value(row, column)
        if isinstance(value, datetime):
            value = value.date()
        elif isinstance(value, str) and value.strip():
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
            self.edits.append(WorkbookEdit(grid.where(row, column), "Week 0 starts on", _shown(plan.start_date),
                                           _shown(value)))
        return value

    def checklist_rows(self) -> Iterator[tuple[_Grid, int, dict[str, Any], dict[str, int]]]:
        found = self.book.named(CHECKLIST_HEADER)
        if found is None:
            return
        grid, header, first, _, last = found
        columns = {str(grid.value(header, c)).strip(): c for c in range(first, last + 1)
                   if grid.value(header, c) is not None}
        wanted = ("Item", "Action", "Owner", "Due week", "Status", "Notes")
        if any(name not in columns for name in wanted):
            missing = [name for name in wanted if name not in columns]
            self.notes.append(f"The Checklist's header row ({grid.title}!{header}) has no {', '.join(missing)} column: "
                              "its statuses, owners, due weeks and notes were not read.")
            return
        for row in range(header + 1, grid.last_row + 1):
            values = {name: grid.value(row, columns[name]) for name in wanted}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values()):
                continue
            if values["Item"] == SPARE_ACTIONS_NOTE:  # the line closing the spare rows
                continue
            yield grid, row, values, columns

    def checklist(self, scenario: Scenario, plan: RolloutPlan) -> list[ChecklistTracking]:
        """The tracked checklist as the sheet's rows now have it (rows deleted there keep what was tracked)."""
        exported = {item.id: item for item in rollout_report(self.exported).checklist}
        report = rollout_report(scenario.model_copy(update={"rollout": plan}))
        defaults = default_tracking(report, compute(scenario))
        recorded = {entry.item_id: entry for entry in plan.checklist}
        rows: list[dict[str, Any]] = []
        kept: list[ChecklistTracking] = []
        seen: set[str] = set()
        for grid, row, values, columns in self.checklist_rows():
            item = str(values["Item"] or "").strip()
            title = str(values["Action"] or "").strip()
            if not item:
                item = _item_id(title)
                self.notes.append(f"{grid.where(row, columns['Item'])}: the action '{safety.quote(title)}' had no item "
                                  f"id; it is tracked as '{item}'.")
            if item in seen:
                raise self.fail(grid, row, columns["Item"], f"the item '{item}' is listed twice; keep one row per item")
            seen.add(item)
            status = str(values["Status"] or "todo").strip().lower()
            if status not in _STATUSES:
                raise self.fail(grid, row, columns["Status"], f"'{safety.quote(values['Status'])}' is not a status; "
                                f"choose one of {', '.join(_STATUSES)}")
            due_column = columns["Due week"]
            formula = grid.formula(row, due_column)
            tied = formula is not None and "ROLLOUTPLAN" in formula.replace("'", "")  # follows a wave's start
            due = None if tied else self.number(grid, row, due_column, f"the due week of '{item}'", whole=True)
            owner = str(values["Owner"] or "").strip() or None  # blank: the engine's owner
            notes = str(values["Notes"] or "")
            before = exported.get(item)
            label = f"Checklist: {item}"
            if before is None:  # a row the PM added
                rows.append({"id": item, "title": title, "owner_role": owner, "due_week": due, "status": status,
                             "notes": notes})
                self.edits.append(WorkbookEdit(grid.where(row, columns["Item"]), label, "(not listed)",
                                               f"{title or item} ({status})"))
                continue
            tracked = recorded.get(item)
            changes = {
                "Owner": (owner or "") != (before.owner_role or ""),
                "Status": status != before.status,
                "Notes": notes != before.notes,
                "Due week": (tracked is not None and tracked.due_week is not None) if tied else due != before.due_week,
            }
            for name, old, new in (("Owner", before.owner_role, owner), ("Status", before.status, status),
                                   ("Notes", before.notes, notes), ("Due week", before.due_week, due)):
                if changes[name]:
                    self.edits.append(WorkbookEdit(grid.where(row, columns[name]), f"{label}, {name}", _shown(old),
                                                   "(follows the waves)" if name == "Due week" and new is None
                                                   else _shown(new)))
            if not any(changes.values()):
                if tracked is not None:
                    kept.append(tracked)  # as exported: what the team recorded stays, nothing is made up
                continue
            rows.append({
                "id": item,
                "title": before.title,
                "owner_role": owner if changes["Owner"] else tracked.owner_role if tracked is not None else None,
                "due_week": due if changes["Due week"] else tracked.due_week if tracked is not None else None,
                "status": status,
                "notes": notes,
            })
        tracking = tracking_from_rows(rows, defaults) if rows else []
        kept += [entry for entry in plan.checklist if entry.item_id not in seen]  # a row deleted in the sheet
        order = {entry.item_id: index for index, entry in enumerate(plan.checklist)}  # the plan's order, then new
        return sorted(kept + tracking, key=lambda entry: order.get(entry.item_id, len(order)))

    # --- Everything ---------------------------------------------------------------------------

    def validated(self, data: dict[str, Any]) -> RolloutPlan:
        try:
            return RolloutPlan.model_validate(data)
        except ValidationError as error:
            where, message = validation_message(error)
            raise ScenarioError(f"the Rollout plan or Checklist as edited is not a plan the app allows: {message}",
                                file=self.book.source, field=where or None) from None

    def read(self) -> EditedWorkbook:
        scenario, _ = self.assumptions()
        plan = rollout_report(self.exported).plan  # the plan the workbook showed (the default one if none)
        edits_before = len(self.edits)
        start = self.start_date(plan)
        waves = self.waves(plan)
        waves, baseline = self.gates(scenario, plan, waves)
        new_plan = self.validated({**plan.model_dump(), "start_date": start, "waves": [w.model_dump() for w in waves],
                                   "baseline": baseline})
        checklist = self.checklist(scenario, new_plan)
        new_plan = self.validated({**new_plan.model_dump(), "checklist": [e.model_dump() for e in checklist]})
        if len(self.edits) > edits_before:  # else the plan stays as exported (or none: the default one)
            plan_data = json.loads(new_plan.model_dump_json())
            scenario = self.apply(scenario, {"rollout": plan_data}, {"rollout": "Rollout plan"})
        return EditedWorkbook(scenario, tuple(self.edits), tuple(self.notes))


def _item_id(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60]
    return f"own-{slug or 'action'}"


def edits_summary(edited: EditedWorkbook, limit: int = 8) -> str:
    """The edits as one sentence for the app's notice: "3 edits: Developers in scope (n) 50 → 60; …"."""
    shown = [f"{edit.label} {edit.before} → {edit.after}" for edit in edited.edits[:limit]]
    more = len(edited.edits) - len(shown)
    if not shown:
        return "No input was edited in the workbook."
    return (f"{formatting.count(len(edited.edits), 'edit')} made in the workbook: " + "; ".join(shown)
            + (f"; and {more} more" if more else "") + ".")
