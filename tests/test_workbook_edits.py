"""Opening an exported workbook edited in a spreadsheet: the scenario it holds now (roi.workbook_edits).

A PM kept the plan in the workbook for weeks (statuses, owners, due weeks, notes, moved waves, measured
gates), and every export from the app started again from the app's plan: all of it was lost.  These tests
edit workbooks the way a spreadsheet does (openpyxl for typed values; LibreOffice itself, rows inserted,
for the real thing) and check the scenario read back field by field.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.workbook.defined_name import DefinedName

from roi import compute
from roi.errors import InputFormatError, ScenarioError
from roi.export.rollout_sheets import SPARE_GATES_NOTE
from roi.export.scenario_sheet import SCENARIO_SHEET, scenario_file_sheet
from roi.export.workbook import build_layout, build_workbook
from roi.export.xlsx import render
from roi.models import Scenario, load_scenario
from roi.rollout import default_plan, rollout_report
from roi.rollout_models import ChecklistTracking
from roi.whatif import with_assumption, with_value
from roi.workbook_edits import EditedWorkbook, edits_summary, read_edited_workbook
from tests.conftest import SCENARIOS
from tests.libreoffice_macro import edit_in_libreoffice


def exported(scenario: Scenario) -> bytes:
    return build_workbook(scenario, compute(scenario))


def edited(data: bytes, edit) -> bytes:
    """The workbook after ``edit(workbook)``, saved by openpyxl (formulas kept, no results saved)."""
    book = load_workbook(io.BytesIO(data))
    edit(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read(data: bytes, name: str = "plan.xlsx") -> EditedWorkbook:
    return read_edited_workbook(data, name)


@pytest.fixture(scope="module")
def demo() -> Scenario:
    return load_scenario(SCENARIOS / "demo_org.json")


@pytest.fixture(scope="module")
def planned(worked_example) -> Scenario:
    """The worked example with a plan of its own: a start date, tracked items, an entered baseline."""
    plan = default_plan(worked_example, compute(worked_example))
    plan = plan.model_copy(update={
        "start_date": date(2026, 3, 2),
        "baseline": {"change_failure_rate": 0.08},
        "checklist": [
            ChecklistTracking(item_id="baseline-first", title="Measure a baseline", status="doing",
                              owner_role="Jane (PM)", due_week=3, notes="export from GitHub on Monday"),
            ChecklistTracking(item_id="gone-item", title="An item that stopped firing", status="done"),
        ],
    })
    return with_value(worked_example, "rollout", plan.model_dump(mode="json"))


# --- Nothing edited: the same scenario ---------------------------------------------------------


@pytest.mark.parametrize("name", ["worked_example", "demo_org", "faros_paradox_2025", "metr_2025"])
def test_an_unedited_workbook_gives_back_its_scenario_exactly(name):
    scenario = load_scenario(SCENARIOS / f"{name}.json")
    found = read(exported(scenario))
    assert found.scenario == scenario
    assert found.edits == () and found.notes == ()
    assert edits_summary(found) == "No input was edited in the workbook."


def test_a_plan_of_its_own_and_its_tracking_come_back_unchanged(planned):
    found = read(exported(planned))
    assert found.scenario == planned
    assert found.edits == ()


def test_a_workbook_saved_by_a_spreadsheet_without_edits_is_unchanged(planned):
    # openpyxl drops every formula's saved result: the links (training hours, reviewers, tied due weeks) still read
    found = read(edited(exported(planned), lambda book: None))
    assert found.scenario == planned and found.edits == ()


def test_the_scenario_sheet_splits_long_json_over_cells_and_keeps_every_character(worked_example):
    # leading and trailing spaces at the cells' edges, quotes, backslashes, characters XML cannot hold
    named = worked_example.model_copy(update={"name": '  "Q3"  \\ plan — été \U0001F680  '})
    sheet = scenario_file_sheet(named, chunk=7)
    assert sheet.hidden and len(sheet.rows) > 50
    layout = build_layout(named, compute(named))
    layout.sheets[-1] = sheet
    found = read(render(layout))
    assert found.scenario == named


# --- Assumptions --------------------------------------------------------------------------------


def test_edited_assumptions_are_taken_and_their_ranges_move_with_them(worked_example):
    data = exported(worked_example)
    cells = {name: cell_of(data, name)
             for name in ("developers", "capture_factor", "loc_per_hour", "fte_annual_cost", "tool_1_name")}

    def typed(book):
        sheet = book["Assumptions"]
        sheet[cells["developers"]] = 60
        sheet[cells["capture_factor"]] = 0.6
        sheet[cells["loc_per_hour"]] = "500"  # a number stored as text, as Excel's green triangle marks it
        sheet[cells["fte_annual_cost"]] = None  # blank = loaded cost per hour × 2080 h
        sheet[cells["tool_1_name"]] = "Cursor Business"

    found = read(edited(data, typed))
    expected = with_assumption(worked_example, "team.developers", 60)
    expected = with_assumption(expected, "finance.capture_factor", 0.6)
    expected = with_assumption(expected, "review.loc_per_hour", 500.0)
    expected = with_value(expected, "costs.fte_annual_cost", None)
    expected = with_value(expected, "costs.tools.0.name", "Cursor Business")
    assert found.scenario == expected
    # the capture factor's range [0.3, 0.5, 0.8] moved with its likely value, as an edit in the app moves it
    assert found.scenario.uncertainty.ranges["finance.capture_factor"] == pytest.approx([0.36, 0.6, 0.96])
    assert [(e.cell, e.label, e.before, e.after) for e in found.edits] == [
        (f"Assumptions!{cells['developers']}", "Developers in scope (n)", "50", "60"),
        (f"Assumptions!{cells['loc_per_hour']}", "Review speed (r)", "400", "500"),
        (f"Assumptions!{cells['fte_annual_cost']}", "Cost of one FTE per year", "188419", "(blank)"),
        (f"Assumptions!{cells['capture_factor']}", "Capture factor (φ): freed time that becomes value", "0.5", "0.6"),
        (f"Assumptions!{cells['tool_1_name']}", "Tool 1: name", "GitHub Copilot Enterprise", "Cursor Business"),
    ]
    assert edits_summary(found).startswith("5 edits made in the workbook: Developers in scope (n) 50 → 60; ")


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("developers", "fifty", "Assumptions!B5: Developers in scope (n) holds the text 'fifty'; type a number"),
        ("developers", 50.5, "Assumptions!B5: Developers in scope (n) must be a whole number, got 50.5"),
        # the fraction shown as typed (it said "got 50")
        ("developers", 50.000001, "Assumptions!B5: Developers in scope (n) must be a whole number, got 50.000001"),
        ("developers", None, "Assumptions!B5: Developers in scope (n) is empty; type a value (it was 50)"),
        ("developers", True, "Assumptions!B5: Developers in scope (n) holds True; type a number"),
        ("developers", time(1, 30), "Assumptions!B5: Developers in scope (n) holds 01:30:00; type a number"),
    ],
)
def test_an_assumption_cell_that_is_not_a_value_names_its_cell(worked_example, name, value, message):
    def edit(book):
        book["Assumptions"]["B5"] = value

    with pytest.raises(ScenarioError) as caught:
        read(edited(exported(worked_example), edit))
    assert caught.value.describe() == f"plan.xlsx: {message}"


def test_a_value_the_scenario_does_not_allow_names_the_cell_and_the_rule(worked_example):
    def edit(book):
        book["Assumptions"]["B5"] = 0  # developers

    with pytest.raises(ScenarioError) as caught:
        read(edited(exported(worked_example), edit))
    assert caught.value.describe() == (
        "plan.xlsx: Assumptions!B5: field 'team.developers': must be more than 0 (got 0); change it to a value in "
        "that range (docs/scenario-file.md gives each field's)")


def test_a_rule_between_fields_names_the_edited_cell_that_breaks_it_not_every_edit(demo):
    """Seat coverage 0.8 under 90% adoption was refused "at" Assumptions!B5, B33, B59, B61: every edited cell."""
    data = exported(demo)
    cells = {name: cell_of(data, name) for name in
             ("developers", "reviewers", "tool_1_price_per_seat_month", "tool_1_seat_coverage")}

    def edit(book):
        for name, value in zip(cells, (130, 40, 25, 0.8), strict=True):
            book["Assumptions"][cells[name]] = value

    with pytest.raises(ScenarioError) as caught:
        read(edited(data, edit))
    assert caught.value.describe() == (
        f"plan.xlsx: Assumptions!{cells['tool_1_seat_coverage']}: adoption in year 2 is 90% of developers, but the "
        "licence line gives a seat to 80% (seat coverage): an adopter needs a seat; give more developers a seat, or "
        "lower adoption")


def test_a_pr_size_limit_typed_there_is_said_not_taken(worked_example):
    data = exported(worked_example)
    at = cell_of(data, "pr_size_limit_loc")

    def edit(book):
        book["Assumptions"][at] = 400

    found = read(edited(data, edit))
    assert found.scenario == worked_example and found.edits == ()
    assert found.notes == (
        f"Assumptions!{at} holds a PR size limit: a what-if the scenario does not hold, so it was not taken; "
        "try it on the Review capacity page (\"PR size limit\").",)


# --- Rollout plan --------------------------------------------------------------------------------


def test_waves_gates_and_the_start_date_are_taken(demo):
    def edit(book):
        plan = book["Rollout plan"]
        plan["C10"] = 6  # Expansion's start week
        plan["D15"] = 0.9  # Full rollout's share of developers
        plan["C29"] = 20  # Expansion's reviewers (was the link to the Assumption)
        plan["B22"] = 6  # Pilot's training hours
        plan["F43"] = 0.05  # Pilot's measured change failure rate
        plan["D44"] = 10  # a baseline for time to first review (the scenario has none)
        book["Checklist"]["B3"] = datetime(2027, 1, 4)

    found = read(edited(exported(demo), edit))
    plan = found.scenario.rollout
    assert plan is not None and plan.start_date == date(2027, 1, 4)
    assert [(w.name, w.start_week, w.seat_share, w.training_hours_per_dev, w.reviewers) for w in plan.waves] == [
        # the default plan's waves whose training cells are still links follow the Assumption (None) in the plan
        ("Pilot", 0, 0.1, 6.0, None), ("Expansion", 6, 0.3, None, 20), ("Full rollout", 8, 0.9, None, None)]
    assert [g.measured for g in plan.waves[0].gates] == [0.05, None, None, None, None]
    assert all(g.measured is None for w in plan.waves[1:] for g in w.gates)
    assert plan.baseline == {"pickup_hours_median": 10.0}
    # everything but the plan is the exported scenario's
    assert found.scenario.model_copy(update={"rollout": None}) == demo
    report = rollout_report(found.scenario)
    # the Pilot's change failure rate gate: 5% ≤ the baseline 0.0413 (10 of 242 deployments) + 2 points
    assert report.waves[0].gates[0].threshold == pytest.approx(10 / 242 + 0.02)
    assert report.waves[0].gates[0].passed is True
    assert [(e.cell, e.before, e.after) for e in found.edits] == [
        ("Checklist!B3", "(blank)", "2027-01-04"),
        ("Rollout plan!B22", "the Assumption's", "6"),
        ("Rollout plan!C10", "4", "6"),
        ("Rollout plan!C29", "the Assumption's", "20"),
        ("Rollout plan!D15", "1", "0.9"),
        ("Rollout plan!F43", "(blank)", "5.0%"),  # as the Rollout page shows rates (0.05 read as 0.05%)
        ("Rollout plan!D44", "(blank)", "10.0 h"),
    ]


def test_a_number_typed_into_the_start_date_is_refused_not_read_as_1900(demo):
    def edit(book):
        book["Checklist"]["B3"] = 5  # the cell keeps its date format: a spreadsheet shows 1900-01-05

    with pytest.raises(ScenarioError) as caught:
        read(edited(exported(demo), edit))
    assert caught.value.describe() == (
        "plan.xlsx: Checklist!B3: the start date reads 1900-01-05, which is how a plain number shows in a date "
        "cell; type a date, e.g. 2026-03-02")
    with pytest.raises(ScenarioError, match="the start date reads 1905-07-18, which is how a plain number shows"):
        read(edited(exported(demo), lambda book: book["Checklist"].__setitem__("B3", 2026)))  # a year typed
    # a real date long ago is a date: a plan may start in 1999
    old = demo.model_copy(update={"rollout": default_plan(demo, compute(demo)).model_copy(
        update={"start_date": date(1999, 12, 6)})})
    assert read(edited(exported(old), lambda book: None)).scenario == old


def test_a_plan_the_app_would_refuse_is_refused_with_its_reason(demo):
    def edit(book):
        book["Rollout plan"]["C10"] = 9  # Expansion after Full rollout (week 8)

    with pytest.raises(ScenarioError) as caught:
        read(edited(exported(demo), edit))
    assert caught.value.describe() == (
        "plan.xlsx: Rollout plan!D10: wave 'Full rollout' starts in week 8, not after 'Expansion' (week 9); waves "
        "start in order, left to right")


def test_two_different_baselines_for_one_metric_are_refused(demo):
    def edit(book):
        book["Rollout plan"]["D43"] = 0.05
        book["Rollout plan"]["D48"] = 0.06

    with pytest.raises(ScenarioError) as caught:
        read(edited(exported(demo), edit))
    assert caught.value.describe() == (
        "plan.xlsx: Rollout plan!D43 and Rollout plan!D48 give different baselines for Change failure rate "
        "(0.05, 0.06): the plan keeps one baseline per metric; make them the same")


def test_gates_typed_into_the_spare_rows_are_said_not_taken(demo):
    data = exported(demo)
    sheet = load_workbook(io.BytesIO(data))["Rollout plan"]
    closing = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == SPARE_GATES_NOTE)

    def edit(book):
        book["Rollout plan"][f"A{closing - 5}"] = "Pilot"
        book["Rollout plan"][f"B{closing - 5}"] = "Developer survey score"
        book["Rollout plan"][f"H{closing - 5}"] = "pass"

    found = read(edited(data, edit))
    assert found.scenario == demo and found.edits == ()
    assert found.notes == (
        f"Rollout plan rows {closing - 5}: gates added in the workbook are not taken (the app judges a gate on a "
        "metric it measures, of a wave of the plan); add them on the app's Rollout page.",)


# --- Checklist -----------------------------------------------------------------------------------


def test_statuses_owners_due_weeks_notes_and_added_rows_are_taken(planned):
    data = exported(planned)
    sheet = load_workbook(io.BytesIO(data))["Checklist"]
    rows = {sheet.cell(r, 1).value: r for r in range(5, sheet.max_row + 1)}
    spare = max(rows[item.item_id] for item in planned.rollout.checklist) + 1  # the first blank yellow row
    while sheet.cell(spare, 1).value:
        spare += 1

    def edit(book):
        checklist = book["Checklist"]
        checklist[f"I{rows['ai-policy']}"] = "done"
        checklist[f"E{rows['pr-size-limit']}"] = "Priya (tech lead)"
        checklist[f"J{rows['review-depth']}"] = "pairs on the big PRs"
        checklist[f"F{rows['review-capacity']}"] = 2
        checklist[f"B{spare}"] = "Book the AI training room"  # a spare row filled in, no id
        checklist[f"I{spare}"] = "Doing"
        checklist[f"F{spare}"] = 1
        checklist[f"A{sheet.max_row + 1}"] = "vendor-review"  # and one typed below the closing line
        checklist[f"B{sheet.max_row + 1}"] = "Security review of the vendor"

    found = read(edited(data, edit))
    tracked = {entry.item_id: entry for entry in found.scenario.rollout.checklist}
    assert tracked["ai-policy"].status == "done"
    assert tracked["pr-size-limit"].owner_role == "Priya (tech lead)"
    assert tracked["review-depth"].notes == "pairs on the big PRs"
    assert tracked["review-capacity"].due_week == 2
    assert tracked["own-book-the-ai-training-room"] == ChecklistTracking(
        item_id="own-book-the-ai-training-room", title="Book the AI training room", status="doing", due_week=1)
    # what was tracked before is kept as it was, the untouched items stay untracked (their weeks follow the waves)
    assert tracked["baseline-first"] == planned.rollout.checklist[0]
    assert tracked["gone-item"] == planned.rollout.checklist[1]
    assert tracked["vendor-review"] == ChecklistTracking(item_id="vendor-review",
                                                         title="Security review of the vendor")
    assert set(tracked) == {"ai-policy", "pr-size-limit", "review-depth", "review-capacity", "baseline-first",
                            "gone-item", "own-book-the-ai-training-room", "vendor-review"}
    assert found.notes == (
        f"Checklist!A{spare}: the action 'Book the AI training room' had no item id; it is tracked as "
        "'own-book-the-ai-training-room'.",)
    # the app shows the added action beside the engine's
    shown = {item.id: item for item in rollout_report(found.scenario).checklist}
    assert shown["own-book-the-ai-training-room"].status == "doing"


def test_a_deleted_checklist_row_keeps_what_was_tracked(planned):
    data = exported(planned)
    sheet = load_workbook(io.BytesIO(data))["Checklist"]
    row = next(r for r in range(5, sheet.max_row + 1) if sheet.cell(r, 1).value == "baseline-first")

    found = read(edited(data, lambda book: book["Checklist"].delete_rows(row)))
    assert found.scenario == planned


def test_an_unknown_status_names_its_cell(planned):
    def edit(book):
        book["Checklist"]["I5"] = "finished"

    with pytest.raises(ScenarioError) as caught:
        read(edited(exported(planned), edit))
    assert caught.value.describe() == (
        "plan.xlsx: Checklist!I5: 'finished' is not a status; choose one of todo, doing, done, not applicable")


# --- Not a workbook of the app's -----------------------------------------------------------------


def test_a_workbook_the_app_did_not_export_is_refused_with_what_to_do():
    book = Workbook()
    book.active["A1"] = "developers"
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(InputFormatError) as caught:
        read(out.getvalue(), "budget.xlsx")
    assert caught.value.describe() == (
        f"budget.xlsx: has no '{SCENARIO_SHEET}' sheet, so it is not a workbook this app exported (or it was "
        "exported before the app could read workbooks back, or its sheets were copied into a new file): open the "
        "scenario file (.json) instead, or export the workbook again")


def test_a_damaged_workbook_is_refused():
    with pytest.raises(InputFormatError) as caught:
        read(b"PK\x03\x04 not really a zip", "cut.xlsx")
    assert caught.value.describe().startswith("cut.xlsx: is not a valid .xlsx workbook")


def test_a_deleted_assumption_row_keeps_its_value_and_says_so(worked_example):
    # refusing the whole workbook would throw away weeks of checklist work for one row
    def edit(book):
        del book.defined_names["developers"]
        book["Checklist"]["I5"] = "done"

    found = read(edited(exported(worked_example), edit))
    assert found.scenario.team.developers == 50
    assert [entry.status for entry in found.scenario.rollout.checklist] == ["done"]
    assert found.notes == ("The workbook has no cell named 'developers' (Developers in scope (n)) any more (its row "
                           "was deleted): the value exported, 50, was kept.",)


# --- LibreOffice itself: rows inserted, values typed, saved with its results ---------------------


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice (soffice) is not installed; `make test` installs libreoffice-calc-nogui")
def test_edits_made_in_libreoffice_with_rows_inserted_are_read_back(planned, tmp_path):
    data = exported(planned)
    sheet = load_workbook(io.BytesIO(data))["Checklist"]
    rows = {sheet.cell(r, 1).value: r for r in range(5, sheet.max_row + 1)}
    steps = [
        "insrow|Assumptions|5",  # a row above the developers: every name moves down one
        "num|Assumptions|B6|64",
        "insrow|Rollout plan|9",  # a row inside the wave table
        "num|Rollout plan|C11|10",  # Expansion's start week, one row lower
        "insrow|Checklist|5",  # a row of the PM's own at the top of the checklist
        "text|Checklist|A5|vendor-review",
        "text|Checklist|B5|Security review of the vendor",
        "text|Checklist|I5|done",
        f"text|Checklist|I{rows['ai-policy'] + 1}|doing",
        f"text|Checklist|J{rows['ai-policy'] + 1}|draft with legal",
    ]
    saved = edit_in_libreoffice({"plan": (data, steps)}, tmp_path)["plan"]
    found = read(saved, "plan-lo.xlsx")
    scenario = found.scenario
    assert scenario.team.developers == 64
    assert [w.start_week for w in scenario.rollout.waves] == [w.start_week for w in planned.rollout.waves][:1] + [
        10] + [w.start_week for w in planned.rollout.waves][2:]
    tracked = {entry.item_id: entry for entry in scenario.rollout.checklist}
    assert tracked["vendor-review"].status == "done"
    assert tracked["vendor-review"].title == "Security review of the vendor"
    assert (tracked["ai-policy"].status, tracked["ai-policy"].notes) == ("doing", "draft with legal")
    assert tracked["baseline-first"] == planned.rollout.checklist[0]  # its typed due week 3 kept, not a formula
    assert found.notes == ()
    assert {e.cell for e in found.edits} >= {"Assumptions!B6", "Rollout plan!C11", "Checklist!A5"}


def test_sheets_deleted_in_libreoffice_are_named_not_blamed_on_a_cell(planned, tmp_path):
    """Deleting the Assumptions sheet was reported as "Checklist!F10 … holds the text '#REF!'"; deleting the
    Checklist or Rollout plan sheet said "No input was edited in the workbook"."""
    data = exported(planned)
    saved = edit_in_libreoffice({
        "assumptions": (data, ["delsheet|Assumptions"]),
        "plan_and_checklist": (data, ["delsheet|Rollout plan", "delsheet|Checklist"]),
    }, tmp_path)
    with pytest.raises(InputFormatError) as refused:
        read(saved["assumptions"])
    assert str(refused.value) == (
        "plan.xlsx: its Assumptions sheet was deleted (each of its named cells now refers to #REF!): every other "
        "sheet computes from it, so the workbook's inputs cannot be read; undo the deletion, or start again from "
        "the workbook as exported")
    found = read(saved["plan_and_checklist"])
    assert found.scenario == planned and found.edits == ()
    assert found.notes == (
        "The Rollout plan sheet was deleted: the plan's waves, gates and measured values are kept as exported.",
        "The Checklist sheet was deleted: the plan's start date and what it tracked are kept as exported.")


# --- What a PM really does to a workbook over weeks ------------------------------------------------


def cell_of(data: bytes, name: str) -> str:
    """The cell a defined name points at (its first, for a range), e.g. ``B5``."""
    target = load_workbook(io.BytesIO(data)).defined_names[name].attr_text.split("!")[1].replace("$", "")
    return target.split(":")[0]


def test_a_measured_share_typed_as_a_percentage_names_its_cell(demo):
    # 5 typed for 5% in a change failure rate gate was a traceback in the app and the CLI
    def edit(book):
        book["Rollout plan"]["F43"] = 5

    with pytest.raises(ScenarioError) as caught:
        read(edited(exported(demo), edit))
    message = caught.value.describe()
    assert message.startswith("plan.xlsx: Rollout plan!F43: Change failure rate, Measured: ")
    assert "0.05" in message  # the fraction meant


def test_sheets_renamed_in_the_spreadsheet_are_found_through_their_names(demo):
    """A spreadsheet moves the defined names with a renamed sheet; the reader follows them (it looked for the
    sheets' exported titles, and said "No input was edited" of a renamed Checklist)."""
    def edit(book):
        book["Checklist"]["I5"] = "done"
        book["Rollout plan"]["C10"] = 6
        for old, new in (("Checklist", "Plan"), ("Rollout plan", "Waves 2027"), ("Assumptions", "Inputs")):
            book[old].title = new
            for name in book.defined_names.values():  # what Excel and LibreOffice do on a rename
                name.attr_text = name.attr_text.replace(f"'{old}'!", f"'{new}'!").replace(f"{old}!", f"'{new}'!")
        book["Inputs"]["B5"] = 100

    found = read(edited(exported(demo), edit))
    assert found.scenario.team.developers == 100
    assert found.scenario.rollout.waves[1].start_week == 6
    assert {entry.item_id: entry.status for entry in found.scenario.rollout.checklist}["ai-policy"] == "done"
    assert {edit.cell for edit in found.edits} == {"Inputs!B5", "Waves 2027!C10", "Plan!I5"}


def test_a_default_plan_follows_the_edited_numbers_whether_or_not_the_plan_was_edited(demo):
    """The demo has no plan of its own: its waves' training hours are links to the Assumption. 4 → 8 h gave the
    waves 8 h alone, but 4 h once a status was also edited (the exported default plan was frozen)."""
    data = exported(demo)
    training = cell_of(data, "training_hours_per_dev")

    def hours(status: bool):
        def edit(book):
            book["Assumptions"][training] = 8
            if status:
                book["Checklist"]["I5"] = "done"
        return edit

    alone, with_status = (read(edited(data, hours(status))) for status in (False, True))
    assert alone.scenario.rollout is None  # still the default plan, which follows the numbers
    assert [w.training_hours_per_dev for w in rollout_report(alone.scenario).waves] == [8, 8, 8]
    # a plan of its own now, whose waves still follow the Assumption as the workbook's links did
    assert [w.training_hours_per_dev for w in with_status.scenario.rollout.waves] == [None, None, None]
    assert [w.training_hours_per_dev for w in rollout_report(with_status.scenario).waves] == [8, 8, 8]


def test_a_number_typed_over_a_waves_link_is_the_waves_own_even_equal_to_the_old_assumption(demo):
    data = exported(demo)
    training = cell_of(data, "training_hours_per_dev")

    def edit(book):
        book["Assumptions"][training] = 8
        book["Rollout plan"]["B22"] = 4  # the pilot keeps 4 h, typed over the link, while the others follow 8 h

    found = read(edited(data, edit))
    assert [w.training_hours_per_dev for w in found.scenario.rollout.waves] == [4, None, None]
    assert [w.training_hours_per_dev for w in rollout_report(found.scenario).waves] == [4, 8, 8]


def test_a_default_plan_of_other_numbers_is_said(demo):
    found = read(edited(exported(demo), lambda book: book["Assumptions"].__setitem__("B5", 12)))
    assert found.scenario.rollout is None
    starts = [w.start_week for w in rollout_report(found.scenario).plan.waves]
    assert starts != [0, 4, 8]
    assert found.notes == (
        "The scenario has no plan of its own, so its default plan follows the edited numbers: its waves now start in "
        f"weeks {', '.join(map(str, starts))} (the workbook showed 0, 4, 8).",)


def test_a_wave_typed_in_a_column_of_its_own_is_added(demo):
    def edit(book):
        plan = book["Rollout plan"]
        plan["D15"] = 0.6
        plan["E7"], plan["E10"], plan["E15"], plan["E29"] = "Phase 4", 12, 1, 30

    found = read(edited(exported(demo), edit))
    waves = found.scenario.rollout.waves
    assert [(w.name, w.start_week, w.seat_share, w.reviewers) for w in waves][2:] == [
        ("Full rollout", 8, 0.6, None), ("Phase 4", 12, 1.0, 30)]
    # the last wave's gates, not yet measured, as a wave added on the Rollout page gets
    assert [g.metric for g in waves[3].gates] == [g.metric for g in waves[2].gates]
    assert ("Rollout plan!E7", "Wave 4 added", "(none)", "Phase 4, week 12, 100% of developers") in [
        (e.cell, e.label, e.before, e.after) for e in found.edits]


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        ("C15", 30, "Rollout plan!C15: wave 'Expansion': must be at most 1 (got 30.0); a share is a fraction from 0 "
                    "to 1: did you mean 0.3 (30%)?"),
        ("D43", 5, "Rollout plan!D43: the baseline of Change failure rate is a share from 0 to 1 (0.08 = 8%), got 5"),
    ],
)
def test_plan_refusals_name_their_cell(demo, cell, value, message):
    def edit(book):
        book["Rollout plan"][cell] = value

    with pytest.raises(ScenarioError) as caught:
        read(edited(exported(demo), edit))
    assert caught.value.describe().startswith(f"plan.xlsx: {message}")


@pytest.mark.parametrize(
    ("cell", "value", "message"),
    [
        ("F6", -2, "must be at least 0 (got -2); change it to a value in that range (docs/scenario-file.md gives "
                   "each field's)"),
        ("J7", "x" * 5001, "is 5,001 characters long; shorten it to at most 5,000"),
    ],
)
def test_checklist_refusals_name_their_cell(planned, cell, value, message):
    # they said "row 1, field 'due_week'": no file, no cell, and not the sheet's row
    def edit(book):
        book["Checklist"][cell] = value

    with pytest.raises(ScenarioError) as caught:
        read(edited(exported(planned), edit))
    assert caught.value.describe() == f"plan.xlsx: Checklist!{cell}: {message}"


def test_what_is_typed_over_a_formula_or_a_fixed_cell_is_said(demo):
    data = exported(demo)
    horizon = cell_of(data, "horizon_years")

    def edit(book):
        book["Checklist"]["G5"] = datetime(2027, 3, 1)  # a due date typed over its formula
        book["Rollout plan"]["B16"] = 20  # "Developers with a seat"
        book["Assumptions"][horizon] = 5
        book["Checklist"].delete_rows(6)  # an engine item's row

    found = read(edited(data, edit))
    assert found.scenario == demo and found.edits == ()
    said = " ".join(found.notes)
    assert "Checklist!G5 holds a date typed over its formula" in said
    assert "Rollout plan!B16 ('Developers with a seat') holds a value typed over its formula" in said
    assert f"Assumptions!{horizon} holds another horizon than the 3 years exported" in said
    assert "rows of 'Limit PR size to 400 lines changed' were deleted" in said


def test_costs_typed_on_the_cash_flow_sheet_are_said_not_lost_without_a_word(demo):
    """A PM's cost lines are summed by the workbook, which the scenario cannot hold: opened again, they vanished
    from the NPV while the app said "No input was edited in the workbook"."""
    data = exported(demo)

    def edit(book):
        sheet = book["Cash flow"]
        other = next(c.row for c in sheet["A"] if isinstance(c.value, str) and c.value.startswith("Other costs"))
        for column in "CDE":
            sheet[f"{column}{other}"] = 50000
        licence = next(c.row for c in sheet["A"] if isinstance(c.value, str) and "licences" in c.value)
        sheet[f"C{licence}"] = 99  # typed over the licence line's formula
        edit.cells = [f"C{licence}", *(f"{c}{other}" for c in "CDE")]

    found = read(edited(data, edit))
    assert found.scenario == demo and found.edits == ()
    assert found.notes == (
        f"Cash flow!{edit.cells[0]}, Cash flow!{edit.cells[1]}, Cash flow!{edit.cells[2]}, Cash flow!{edit.cells[3]}: "
        "costs typed on the Cash flow sheet (the \"Other costs\" row, a cost line inserted, or a value typed over a "
        "formula) that the scenario has no place for: the app's figures, and the workbook it exports, leave them out. "
        "A set-up cost belongs in 'One-off set-up cost (year 0)' on the Assumptions sheet, a cost per seat or per "
        "developer in a licence line; keep any other in this workbook.",)


def test_rows_that_are_no_actions_are_left_out_or_said(planned):
    data = exported(planned)
    sheet = load_workbook(io.BytesIO(data))["Checklist"]
    first_spare = next(r for r in range(5, sheet.max_row) if not sheet.cell(r, 1).value)
    below = sheet.max_row + 2

    def edit(book):
        checklist = book["Checklist"]
        checklist[f"J{first_spare}"] = "a note alone"
        checklist[f"J{first_spare + 1}"] = "another note alone"
        checklist[f"I{below}"] = '=COUNTIF(I5:I24,"done")'  # the PM's own count of the done items
        checklist[f"A{below + 1}"] = "Last reviewed by Jane on 3 March"
        checklist[f"B{first_spare + 2}"] = "Check Jira!"
        checklist[f"B{first_spare + 3}"] = "check jira"

    found = read(edited(data, edit))
    tracked = {entry.item_id: entry.title for entry in found.scenario.rollout.checklist}
    assert {key: tracked[key] for key in ("own-check-jira", "own-check-jira-2")} == {
        "own-check-jira": "Check Jira!", "own-check-jira-2": "check jira"}
    assert not any("note alone" in title or "Jane" in title for title in tracked.values())
    said = " ".join(found.notes)
    assert f"Checklist row {first_spare} has something under Notes but no Item or Action: left out" in said
    assert f"Checklist!A{below + 1}: 'Last reviewed by Jane on 3 March' is no item id" in said


def test_an_engine_row_whose_id_was_cleared_is_still_that_item(planned):
    def edit(book):
        checklist = book["Checklist"]
        row = next(r for r in range(5, 30) if checklist.cell(r, 1).value == "ai-policy")
        checklist[f"A{row}"] = None
        checklist[f"I{row}"] = "done"

    found = read(edited(exported(planned), edit))
    statuses = {entry.item_id: entry.status for entry in found.scenario.rollout.checklist}
    assert statuses["ai-policy"] == "done" and not any(key.startswith("own-") for key in statuses)


def test_an_own_action_renamed_in_a_second_round_is_taken(planned):
    first = read(edited(exported(planned), lambda book: book["Checklist"].__setitem__("B16", "Book the room")))
    own = [entry for entry in first.scenario.rollout.checklist if entry.item_id.startswith("own-")]
    assert [entry.title for entry in own] == ["Book the room"]
    again = exported(first.scenario)
    sheet = load_workbook(io.BytesIO(again))["Checklist"]
    row = next(r for r in range(5, sheet.max_row + 1) if sheet.cell(r, 1).value == own[0].item_id)
    second = read(edited(again, lambda book: book["Checklist"].__setitem__(f"B{row}", "Book the big room")))
    assert [entry.title for entry in second.scenario.rollout.checklist if entry.item_id == own[0].item_id] == [
        "Book the big room"]


def test_clearing_an_owner_or_a_tied_week_that_was_the_engines_is_no_edit(demo):
    def edit(book):
        book["Checklist"]["E5"] = None  # the engine's owner: blank means the same
        book["Checklist"]["F5"] = None  # a week tied to a wave: blank follows the waves, as it did

    found = read(edited(exported(demo), edit))
    assert found.edits == () and found.scenario == demo


def test_two_licence_lines_of_one_name_are_refused(worked_example):
    two = with_value(worked_example, "costs.tools", [
        *[tool.model_dump() for tool in worked_example.costs.tools],
        {**worked_example.costs.tools[0].model_dump(), "name": "Cursor"}])
    data = exported(two)
    first, second = cell_of(data, "tool_1_name"), cell_of(data, "tool_2_name")

    def edit(book):
        book["Assumptions"][second] = "github copilot enterprise"

    with pytest.raises(ScenarioError) as caught:
        read(edited(data, edit))
    assert caught.value.describe() == (
        f"plan.xlsx: Assumptions!{second}: two licence lines are called 'github copilot enterprise' "
        f"(Assumptions!{first} too); give each its own name")


def test_a_date_typed_in_notes_is_kept_as_the_day(demo):
    found = read(edited(exported(demo), lambda book: book["Checklist"].__setitem__("J5", datetime(2026, 3, 4))))
    assert [entry.notes for entry in found.scenario.rollout.checklist] == ["2026-03-04"]


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice (soffice) is not installed; `make test` installs libreoffice-calc-nogui")
def test_waves_deleted_and_inserted_as_columns_in_libreoffice_keep_their_gates(demo, tmp_path):
    """A spreadsheet removes or adds a wave as a column, which shifts the gates table beside it too: waves were
    matched by place (a measured gate moved to the wrong wave) and the gates read from fixed columns."""
    data = exported(demo)
    measured = ["num|Rollout plan|F48|0.035", "num|Rollout plan|F53|0.05"]  # Expansion's and Full rollout's CFR
    books = {
        "deleted": (data, [*measured, "delcol|Rollout plan|3"]),  # Expansion's column
        "inserted": (data, [*measured, "inscol|Rollout plan|3", "text|Rollout plan|C7|Pilot 2",
                            "num|Rollout plan|C10|2", "num|Rollout plan|C15|0.2"]),
        "due_formula": (data, ["formula|Checklist|F6|='Rollout plan'.$C$10+2",  # the link + 2: the PM's own week
                               "text|Checklist|A26|Done:", 'formula|Checklist|B26|=COUNTIF(I5:I23;"done")']),
    }
    saved = edit_in_libreoffice(books, tmp_path)

    deleted = read(saved["deleted"]).scenario.rollout
    assert [w.name for w in deleted.waves] == ["Pilot", "Full rollout"]
    assert [g.measured for g in deleted.waves[1].gates if g.metric == "change_failure_rate"] == [0.05]

    inserted = read(saved["inserted"])
    waves = inserted.scenario.rollout.waves
    assert [(w.name, w.start_week, w.seat_share) for w in waves] == [
        ("Pilot", 0, 0.1), ("Pilot 2", 2, 0.2), ("Expansion", 4, 0.3), ("Full rollout", 8, 1.0)]
    cfr = {w.name: [g.measured for g in w.gates if g.metric == "change_failure_rate"] for w in waves}
    assert cfr == {"Pilot": [None], "Pilot 2": [None], "Expansion": [0.035], "Full rollout": [0.05]}

    formula = read(saved["due_formula"])
    tracked = {entry.item_id: entry for entry in formula.scenario.rollout.checklist}
    assert tracked["pr-size-limit"].due_week == 6  # week 4 + 2, not "follows the waves"
    assert set(tracked) == {"pr-size-limit"}  # the count under the table is no action


def test_a_wave_whose_name_alone_was_cleared_is_refused_not_removed(demo):
    with pytest.raises(ScenarioError) as caught:
        read(edited(exported(demo), lambda book: book["Rollout plan"].__setitem__("C7", None)))
    assert caught.value.describe() == (
        "plan.xlsx: Rollout plan!C7: the wave's name is empty while its start week is not; type a name, or clear the "
        "whole column to remove the wave")


def test_a_default_plans_gate_threshold_moved_by_the_edited_numbers_is_said(demo):
    data = exported(demo)
    hours = cell_of(data, "hours_per_week")

    def edit(book):
        book["Assumptions"][hours] = 30
        book["Checklist"]["I5"] = "done"

    found = read(edited(data, edit))
    shown, now = (rollout_report(s).plan.waves[0].gates for s in (demo, found.scenario))
    moved = [(a.threshold, b.threshold) for a, b in zip(shown, now, strict=True) if a.threshold != b.threshold]
    assert moved  # the time to first review's threshold is derived from the working week
    assert any("its gates' thresholds are Time to first review" in note for note in found.notes), found.notes


def test_a_checklist_column_deleted_keeps_what_it_held(planned):
    def edit(book):
        book["Checklist"].delete_cols(10)  # Notes (openpyxl moves the cells, not the names: the header range ends blank)
        book["Checklist"]["I5"] = "done"

    found = read(edited(exported(planned), edit))
    tracked = {entry.item_id: entry for entry in found.scenario.rollout.checklist}
    assert tracked["baseline-first"].notes == "export from GitHub on Monday"  # as exported
    assert found.notes[0] == ("The Checklist's header row (Checklist!4) has no Notes column: what it held was kept as "
                              "exported.")
    assert not any("were deleted" in note for note in found.notes)


@pytest.mark.parametrize(("typed", "said"), [("AI-Policy", False), ("ai-polcy", True)])
def test_a_mistyped_item_id_with_its_action_is_still_that_item(demo, typed, said):
    def edit(book):
        book["Checklist"]["A5"] = typed
        book["Checklist"]["I5"] = "done"

    found = read(edited(exported(demo), edit))
    assert [(e.item_id, e.status) for e in found.scenario.rollout.checklist] == [("ai-policy", "done")]
    assert bool(found.notes) == said
    if said:
        assert found.notes == ("Checklist!A5: the Item 'ai-polcy' is none of the plan's, but its Action is 'Publish "
                               "a clear AI-use policy': read as 'ai-policy'.",)


def test_a_wave_after_the_horizon_names_its_cell(demo):
    with pytest.raises(ScenarioError) as caught:
        read(edited(exported(demo), lambda book: book["Rollout plan"].__setitem__("D10", 200)))
    assert caught.value.describe() == (
        "plan.xlsx: Rollout plan!D10: wave 'Full rollout' starts in week 200, after the 3-year horizon; start it "
        "earlier or lengthen finance.horizon_years")


def test_a_wave_typed_a_column_too_far_is_said(demo):
    def edit(book):
        book["Rollout plan"]["F7"], book["Rollout plan"]["F10"], book["Rollout plan"]["F15"] = "Phase 4", 12, 1

    found = read(edited(exported(demo), edit))
    assert found.scenario == demo
    assert found.notes == ("Rollout plan!F7: a wave typed with a blank column before it is not taken; type it in the "
                           "column right after the last wave.",)


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice (soffice) is not installed; `make test` installs libreoffice-calc-nogui")
def test_waves_renamed_and_moved_in_libreoffice_keep_their_own_gates(demo, tmp_path):
    """Each wave's name cell has a defined name that follows its column: a wave renamed while another's column was
    deleted, or renamed to another wave's old name, was matched to the wrong wave and its measured gates lost."""
    data = exported(demo)
    measured = ["num|Rollout plan|F43|0.05", "num|Rollout plan|F48|0.06", "num|Rollout plan|F53|0.07"]
    books = {
        # Expansion renamed, then Pilot's column deleted (it takes the gates' Metric column, B, with it)
        "renamed_then_deleted": (data, [*measured, "text|Rollout plan|C7|Scale", "delcol|Rollout plan|2"]),
        # Pilot takes Expansion's old name, Expansion a new one
        "old_name_reused": (data, [*measured, "text|Rollout plan|B7|Expansion", "text|Rollout plan|C7|Scale"]),
    }
    saved = edit_in_libreoffice(books, tmp_path)

    def cfr(found):
        return {w.name: [g.measured for g in w.gates if g.metric == "change_failure_rate"]
                for w in found.scenario.rollout.waves}

    moved = read(saved["renamed_then_deleted"])
    assert cfr(moved) == {"Scale": [0.06], "Full rollout": [0.07]}
    assert [(e.label, e.before, e.after) for e in moved.edits if "name" in e.label or "removed" in e.label] == [
        ("Wave 1: name", "Expansion", "Scale"), ("Wave 1 removed", "Pilot", "(removed)")]
    assert any("lost its Metric column" in note and "read by their wave, in the order exported" in note for note in moved.notes)

    reused = read(saved["old_name_reused"])
    assert cfr(reused) == {"Expansion": [0.05], "Scale": [0.06], "Full rollout": [0.07]}
    assert [w.start_week for w in reused.scenario.rollout.waves] == [0, 4, 8]  # renamed, not moved
    assert not any("gates added" in note for note in reused.notes)


def test_an_id_made_for_a_blank_item_is_none_typed_below_it(planned):
    data = exported(planned)
    sheet = load_workbook(io.BytesIO(data))["Checklist"]
    spare = next(r for r in range(5, sheet.max_row) if not sheet.cell(r, 1).value)

    def edit(book):
        book["Checklist"][f"B{spare}"] = "Buy pizza"
        book["Checklist"][f"A{spare + 1}"], book["Checklist"][f"B{spare + 1}"] = "own-buy-pizza", "Buy more pizza"

    found = read(edited(data, edit))
    assert {e.item_id: e.title for e in found.scenario.rollout.checklist if e.item_id.startswith("own-")} == {
        "own-buy-pizza-2": "Buy pizza", "own-buy-pizza": "Buy more pizza"}


def test_a_default_plan_of_fewer_waves_is_said_as_the_app_shows_it(demo):
    found = read(edited(exported(demo), lambda book: book["Assumptions"].__setitem__("B5", 4)))
    assert found.scenario.rollout is None
    waves = len(rollout_report(found.scenario).plan.waves)
    assert waves < 3
    assert found.notes == (f"The scenario has no plan of its own: the default plan of the edited numbers has {waves} "
                           "waves, the workbook showed 3; it is the plan the app shows, as no wave was edited.",)


def test_text_beginning_with_an_equals_sign_is_text_not_a_formula(planned):
    """The exporter writes such text as a string: it was taken for a formula, so an action titled "=Budget sign-off
    by CFO" was skipped, its status edit lost, and a note said its row was deleted."""
    own = ChecklistTracking(item_id="own-sign-off", title="=Budget sign-off by CFO", status="doing",
                            owner_role="Jane", notes="=see JIRA-12")
    scenario = with_value(planned, "rollout.checklist",
                          [*(e.model_dump() for e in planned.rollout.checklist), own.model_dump()])
    data = exported(scenario)
    sheet = load_workbook(io.BytesIO(data))["Checklist"]
    row = next(r for r in range(5, sheet.max_row + 1) if sheet.cell(r, 1).value == "own-sign-off")

    unedited = read(data)
    assert unedited.scenario == scenario and unedited.notes == ()
    found = read(edited(data, lambda book: book["Checklist"].__setitem__(f"I{row}", "done")))
    assert [(e.cell, e.label, e.before, e.after) for e in found.edits] == [
        (f"Checklist!I{row}", "Checklist: own-sign-off, Status", "doing", "done")]
    assert found.notes == ()
    tracked = {entry.item_id: entry for entry in found.scenario.rollout.checklist}
    assert tracked["own-sign-off"] == own.model_copy(update={"status": "done"})


def with_sheet_xml(data: bytes, title: str, change) -> bytes:
    """The workbook with the XML of its sheet ``title`` replaced by ``change(xml)`` (``title`` None: the workbook's
    own part, xl/workbook.xml)."""
    book = load_workbook(io.BytesIO(data), read_only=True)
    part = "xl/workbook.xml" if title is None else book[title]._worksheet_path.lstrip("/")
    book.close()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry)
            target.writestr(entry.filename, change(content) if entry.filename == part else content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("title", "xml", "damaged"),
    [
        # the sheets are parsed as they are read, after the workbook opened: an XML ParseError was a traceback
        ("Checklist", b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                      b'<dimension ref="A1"/><sheetData><row r="1">', "its sheet 'Checklist' is damaged: no element "
                                                                      "found: line 1, column 120"),
        (None, b"<workbook", "unclosed token: line 1, column 0"),
    ],
)
def test_a_workbook_whose_xml_is_damaged_is_refused_naming_the_file(demo, title, xml, damaged):
    with pytest.raises(InputFormatError) as caught:
        read(with_sheet_xml(exported(demo), title, lambda _: xml))
    assert caught.value.describe() == (
        f"plan.xlsx: cannot be opened as a workbook ({damaged}); open it in Excel or LibreOffice and save it again "
        "as .xlsx")


def test_a_sheet_numbering_a_row_past_excels_last_is_refused_before_it_is_read(demo):
    # openpyxl yields an empty row for each row number skipped: a 66 kB workbook with row 40,000,000 took 14 s
    def far_row(xml: bytes) -> bytes:
        return xml.replace(b"</sheetData>", b'<row r="2000000"><c r="B2000000" t="inlineStr"><is><t>x</t></is></c>'
                                            b"</row></sheetData>")

    with pytest.raises(InputFormatError) as caught:
        read(with_sheet_xml(exported(demo), SCENARIO_SHEET, far_row))
    assert caught.value.describe() == (
        f"plan.xlsx: sheet '{SCENARIO_SHEET}' numbers a row 2,000,000, beyond the limit of 1,048,576 rows (Excel's "
        "own): it would be read as millions of empty rows, so it is not a saved export, or it is damaged; open it in "
        "Excel and save it again as .xlsx or CSV UTF-8")


def test_a_wave_name_typed_with_spaces_keeps_its_measured_gates(demo):
    # the wave table's names were stripped, its gate rows' links not: "Pilot " matched no wave, so its measured value
    # was dropped and its rows said to be gates added in the workbook
    def edit(book):
        book["Rollout plan"]["B7"] = " Pilot "
        book["Rollout plan"]["F43"] = 0.05  # Pilot's measured change failure rate

    found = read(edited(exported(demo), edit))
    assert [(e.cell, e.label, e.before, e.after) for e in found.edits] == [
        ("Rollout plan!F43", "Pilot: gate Change failure rate, Measured", "(blank)", "5.0%")]
    assert found.notes == ()
    assert [(w.name, [g.measured for g in w.gates]) for w in found.scenario.rollout.waves] == [
        ("Pilot", [0.05, None, None, None, None]), ("Expansion", [None] * 5), ("Full rollout", [None] * 5)]


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                    reason="LibreOffice (soffice) is not installed; `make test` installs libreoffice-calc-nogui")
def test_gates_without_their_metric_column_are_read_by_their_wave_never_given_to_another(demo, tmp_path):
    """Pilot's column deleted takes the gates' Metric column (B) with it; the PM then deletes Pilot's five gate rows,
    which show #REF!. The rows were paired with the exported gates by place, so Full rollout's measured value went to
    Expansion. Rows 43-47 are now Expansion's gates, 48-52 Full rollout's (Rule in column B, Measured in E)."""
    data = exported(demo)
    pilot_gone = ["delcol|Rollout plan|2", *["delrow|Rollout plan|43"] * 5]
    books = {
        "cleaned": (data, [*pilot_gone, "num|Rollout plan|E48|0.05"]),  # Full rollout's change failure rate
        # one of Expansion's rows deleted too: its rows cannot be told apart
        "row_deleted": (data, [*pilot_gone, "delrow|Rollout plan|44", "num|Rollout plan|E43|0.03",
                               "num|Rollout plan|E47|0.05"]),
        # Expansion's first two rows swapped (sorted): as many rows, but not in the order exported
        "rows_swapped": (data, [*pilot_gone, "text|Rollout plan|B43|at most 16.8 h",
                                "text|Rollout plan|B44|at most baseline +2.0 points", "num|Rollout plan|E43|0.03",
                                "num|Rollout plan|E48|0.05"]),
    }
    saved = edit_in_libreoffice(books, tmp_path)

    def measured(found):
        return {w.name: [g.measured for g in w.gates] for w in found.scenario.rollout.waves}

    cleaned = read(saved["cleaned"])
    assert measured(cleaned) == {"Expansion": [None] * 5, "Full rollout": [0.05, None, None, None, None]}
    assert [(e.cell, e.label, e.before, e.after) for e in cleaned.edits] == [
        ("Rollout plan", "Wave 1 removed", "Pilot", "(removed)"),  # B7 holds Expansion now
        ("Rollout plan!E48", "Full rollout: gate Change failure rate, Measured", "(blank)", "5.0%")]
    assert cleaned.notes[0] == ("The gates table (Rollout plan!42) lost its Metric column (deleted with a wave's "
                                "column?); its rows were read by their wave, in the order exported.")

    for name, rows in (("row_deleted", "43, 44, 45, 46"), ("rows_swapped", "43, 44, 45, 46, 47")):
        found = read(saved[name])
        assert measured(found) == {"Expansion": [None] * 5, "Full rollout": [0.05, None, None, None, None]}, name
        assert found.notes[1] == (
            f"Rollout plan rows {rows} (Expansion's gates) were not read: the gates table lost its Metric column and "
            "they are no longer the 5 rows exported (a row deleted, added or moved?), so which gate each row is cannot "
            "be told; enter their measured values and baselines on the app's Rollout page.")


def test_a_gates_table_without_its_wave_column_is_said_unread(demo):
    def edit(book):
        book["Rollout plan"]["A42"] = None  # the header "Wave": no row can be told to a wave
        book["Rollout plan"]["F43"] = 0.05

    found = read(edited(exported(demo), edit))
    assert found.scenario == demo and found.edits == ()
    assert found.notes == ("The gates table (Rollout plan!42) lost its Wave column (deleted with a wave's column?): its "
                           "baselines and measured values were not read; enter them on the app's Rollout page.",)


def test_a_whole_number_with_a_formulas_float_noise_is_that_number(worked_example):
    # =B5*1.2 in Excel gives 60.00000000000001: it was refused as "must be a whole number, got 60"
    found = read(edited(exported(worked_example), lambda book: book["Assumptions"].__setitem__("B5", 60.00000000000001)))
    assert found.scenario == with_assumption(worked_example, "team.developers", 60)
    assert [(e.cell, e.label, e.before, e.after) for e in found.edits] == [
        ("Assumptions!B5", "Developers in scope (n)", "50", "60")]


def test_a_cleared_horizon_is_said_cleared_and_kept(demo):
    data = exported(demo)
    horizon = cell_of(data, "horizon_years")
    found = read(edited(data, lambda book: book["Assumptions"].__setitem__(horizon, None)))
    assert found.scenario == demo and found.edits == ()
    # it said the cell "holds another horizon than the 3 years exported"
    assert found.notes == (f"Assumptions!{horizon} (the horizon) was cleared: each year is a column of Cash flow, so "
                           "the horizon stays the 3 years exported; change it in the app (ROI & risk) and export "
                           "again.",)


@pytest.mark.parametrize(
    ("name", "reference", "taken"),
    [
        # a TypeError traceback, and "Assumptions!BNone: Developers in scope (n) is empty"
        ("wave_names", "'Rollout plan'!$7:$7", ("Assumptions!B5", "Developers in scope (n)", "120", "200")),
        ("developers", "Assumptions!$B:$B", ("Rollout plan!C10", "Expansion: Start week", "4", "6")),
    ],
)
def test_a_defined_name_changed_to_a_whole_row_or_column_is_said_and_not_read(demo, name, reference, taken):
    def edit(book):
        del book.defined_names[name]
        book.defined_names[name] = DefinedName(name, attr_text=reference)
        book["Assumptions"]["B5"] = 200  # the developers
        book["Rollout plan"]["C10"] = 6  # Expansion's start week

    found = read(edited(exported(demo), edit))
    assert [(e.cell, e.label, e.before, e.after) for e in found.edits] == [taken]
    assert found.notes == (
        f"The defined name '{name}' now refers to {reference}, not a cell or a block of cells (a whole row or "
        "column?): it was not read, and what was exported there was kept; point the name at its cells again (the "
        "spreadsheet's Name Manager), or export the workbook again.",)


def test_the_idle_seat_reviews_due_week_link_follows_its_constant(planned, monkeypatch):
    # the reader knew the link as "the last wave's start week +4": with the constant at 6, an unedited workbook saved
    # by a spreadsheet was refused ("the due week of 'idle-seats' holds a formula without a saved result")
    import roi.export.rollout_sheets
    import roi.rollout
    import roi.workbook_edits

    for module in (roi.rollout, roi.export.rollout_sheets, roi.workbook_edits):
        monkeypatch.setattr(module, "IDLE_SEAT_REVIEW_WEEKS", 6)
    data = exported(planned)
    sheet = load_workbook(io.BytesIO(data))["Checklist"]
    row = next(r for r in range(5, sheet.max_row + 1) if sheet.cell(r, 1).value == "idle-seats")
    assert sheet[f"F{row}"].value.endswith("+6,520)")
    found = read(edited(data, lambda book: None))
    assert found.scenario == planned and found.edits == () and found.notes == ()


def test_the_idle_seat_review_is_due_at_most_in_the_last_week_a_plan_holds(planned):
    """Last wave in week 518 of a ten-year plan: the engine gave week 522 and the workbook's link 522, past the
    520 a due week may be ("Due week must be 0–520"). A workbook exported before the MIN reads as linked too."""
    years = 10
    long = planned.model_copy(update={"finance": planned.finance.model_copy(
        update={"horizon_years": years, "adoption_by_year": [0.7] + [0.9] * (years - 1)})})
    waves = [wave.model_copy(update={"start_week": 518}) if index == len(long.rollout.waves) - 1 else wave
             for index, wave in enumerate(long.rollout.waves)]
    long = long.model_copy(update={"rollout": long.rollout.model_copy(update={"waves": waves})})
    item = next(i for i in rollout_report(long).checklist if i.id == "idle-seats")
    assert item.due_week == 520
    data = exported(long)
    sheet = load_workbook(io.BytesIO(data))["Checklist"]
    row = next(r for r in range(5, sheet.max_row + 1) if sheet.cell(r, 1).value == "idle-seats")
    link = sheet[f"F{row}"].value
    assert re.fullmatch(r"=MIN\('Rollout plan'!\$[A-Z]+\$\d+\+4,520\)", link), link

    def before_the_min(book):  # as exported before the due week was capped, saved by a spreadsheet
        book["Checklist"][f"F{row}"] = link.removeprefix("=MIN(").removesuffix(",520)").join(("=", ""))

    for workbook in (edited(data, lambda book: None), edited(data, before_the_min), _uncapped_as_exported(data)):
        found = read(workbook)
        assert found.scenario == long and found.edits == () and found.notes == ()


def _uncapped_as_exported(data: bytes) -> bytes:
    """``data`` with the idle-seat review's link as the exporter wrote it before the cap, its result saved: the
    last start + 4 = 522 (such a workbook was refused: "must be at most 520 (got 522)")."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            part = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                part, count = re.subn(rb"<f>MIN\(([^<]*?)\+4,520\)</f><v>520(?:\.0)?</v>", rb"<f>\1+4</f><v>522</v>", part)
                assert count <= 1
            target.writestr(info, part)
    assert out.getvalue() != data
    return out.getvalue()
