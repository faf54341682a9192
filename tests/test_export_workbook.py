"""The stakeholder workbook, re-opened with openpyxl: sheets, names, formats, formulas, safety, CLI.

The numbers themselves are checked by recalculating in LibreOffice (test_export_recalc.py);
here the structure: every output a formula over defined names that exist, every input a
named cell holding the scenario's value, the formats, charts, drop-down, print set-up and
document properties, user text stored as text, and the other downloads (CSV, JSON).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from pydantic import BaseModel

from roi.cli import main
from roi.engine import compute
from roi.errors import RoiError
from roi.export import build_workbook, metrics_csv, scenario_json, write_atomic
from roi.export.assumptions import PERIOD_FIELDS, all_assumptions
from roi.export.layout import Cell, DocumentProperties, Sheet, WorkbookLayout
from roi.export.model_sheets import (
    DORA_HEADING,
    MAX_CURVE_ROWS,
    STALE_NOTE,
    reviewer_counts,
)
from roi.export.rollout_sheets import (
    CHECKLIST_HEADER_ROW,
    CHECKLIST_PLAN_NOT_ALLOWED,
    CHECKLIST_STALE_NOTE,
    CHECKLIST_STATUSES,
    OWNER_ROLES,
    SPARE_ACTION_ROWS,
    SPARE_ACTIONS_NOTE,
    SPARE_GATE_ROWS,
    SPARE_GATES_NOTE,
    WAVE_CHECK_LABEL,
    WAVE_CHECKS,
    WAVE_VALUES_LABEL,
    WAVES_HEADER_ROW,
    wave_labels,
)
from roi.export.safety import SHEET_TITLE_LIMIT, csv_safe_text, safe_sheet_title, safe_text
from roi.export.workbook import SHEET_ORDER
from roi.export.xlsx import render
from roi.models import PeriodMetrics, Scenario, load_scenario, parse_scenario, scenario_from_dict
from roi.rollout import default_plan, rollout_report
from roi.rollout_models import RolloutPlan
from roi.rollout_tables import due_before_label, schedule_table
from roi.verdict import verdict
from roi.whatif import with_value
from tests.conftest import SCENARIOS, WAVE_REVIEW_ROWS

FIXTURES = Path(__file__).parent / "fixtures" / "export"
KEY_OUTPUTS = ("npv", "roi", "payback_months", "pv_benefits", "pv_costs", "net_hours", "qapi")
CREATED = datetime(2026, 1, 15, 9, 30, tzinfo=timezone.utc)
INJECTION_TITLE = '=HYPERLINK("http://example.invalid","x")'
INJECTION_NAME = "@SUM(1)"


def worked_data() -> dict:
    return json.loads((SCENARIOS / "worked_example.json").read_text())


def rich_data() -> dict:
    """The worked example with every optional input in use: DORA metrics, two tools, downtime cost."""
    data = worked_data()
    data["baseline"].update(
        deployments_per_week=5, change_failure_rate=0.1, recovery_hours=3, rework_rate=0.05
    )
    data["post"].update(deployments_per_week=6, change_failure_rate=0.15, recovery_hours=4, rework_rate=0.08)
    data["quality"].update(downtime_cost_per_hour=2000, impact_share=0.3)
    data["costs"]["tools"].append(
        {"name": "Claude Team", "price_per_seat_month": 25, "usage_per_dev_month": 150, "seat_coverage": 0.4}
    )
    data["costs"]["fte_annual_cost"] = None
    return data


def load(data: bytes):
    return load_workbook(io.BytesIO(data))


def target(workbook, name: str):
    """(sheet title, coordinate or range) a defined name points at."""
    ((title, ref),) = list(workbook.defined_names[name].destinations)
    return title, ref.replace("$", "")


def named_cell(workbook, name: str):
    title, ref = target(workbook, name)
    return workbook[title][ref]


@pytest.fixture(scope="module")
def worked():
    scenario = scenario_from_dict(worked_data())
    return scenario, compute(scenario)


@pytest.fixture(scope="module")
def book(worked):
    scenario, results = worked
    return load(build_workbook(scenario, results, created=CREATED))


@pytest.fixture(scope="module")
def rich():
    scenario = scenario_from_dict(rich_data())
    return scenario, compute(scenario)


@pytest.fixture(scope="module")
def rich_book(rich):
    scenario, results = rich
    return load(build_workbook(scenario, results, created=CREATED))


# --- Sheets and defined names --------------------------------------------------------------


def test_sheets_come_in_the_documented_order(book):
    assert book.sheetnames == [*SHEET_ORDER, "Data", "Scenario file"]
    # the scenario as exported, for the app to open the edited workbook again: out of the way
    assert [sheet.title for sheet in book.worksheets if sheet.sheet_state != "visible"] == ["Scenario file"]


@pytest.mark.parametrize("name", KEY_OUTPUTS)
def test_key_outputs_are_named_formula_cells(book, name):
    cell = named_cell(book, name)
    assert cell.data_type == "f" and cell.value.startswith("="), (name, cell.value)


def test_cash_flow_rows_are_named_ranges_of_formulas(book, worked):
    scenario, _ = worked
    for name in ("benefits_by_year", "costs_by_year", "idle_seat_cost_by_year"):
        title, ref = target(book, name)
        cells = [c for row in book[title][ref] for c in row]
        assert len(cells) == scenario.finance.horizon_years + 1
        assert all(c.data_type == "f" for c in cells[1:]), name


def test_every_assumption_is_a_named_input_holding_the_scenario_value(rich_book, rich):
    scenario, _ = rich
    assumptions = all_assumptions(scenario)
    assert len({a.name for a in assumptions}) == len(assumptions)
    for assumption in assumptions:
        cell = named_cell(rich_book, assumption.name)
        assert cell.parent.title == "Assumptions"
        expected = get(scenario, assumption.path)
        assert cell.value == expected, assumption.name
        assert expected is None or cell.data_type == "n", assumption.name
        assert cell.fill.fgColor.rgb.endswith("FFF2CC"), f"{assumption.name} is not styled as an input"
        assert cell.protection.locked is False


def test_the_pr_size_limit_is_a_blank_named_input_that_caps_the_post_pr_size(book):
    """pr_size_limit_loc (Assumptions, blank = no limit, a number above 0) caps post_pr_size_loc for
    E(L1) and everything after it: L1 = min(L1, limit), as roi.whatif.with_pr_size_limit does."""
    limit = named_cell(book, "pr_size_limit_loc")
    sheet = limit.parent
    assert sheet.title == "Assumptions" and limit.value is None and limit.fill.fgColor.rgb == "00FFF2CC"
    row = [c.value for c in sheet[limit.row]]
    assert row[0] == "PR size limit after adoption (what-if)" and row[4] == "pr_size_limit_loc"
    assert "blank = no limit" in row[3] and "with_pr_size_limit" in row[3]
    assert "pr_size_limit_loc must be a number above 0, or blank" in row[6]
    rule = _validation_of(sheet, limit.coordinate)
    assert (rule.type, rule.operator) == ("decimal", "greaterThanOrEqual") and 0 < float(rule.formula1) < 1e-6
    capped = named_cell(book, "post_pr_size_capped_loc")
    assert capped.parent.title == "Productivity"
    assert capped.value == (
        "=IF(ISNUMBER(pr_size_limit_loc),MIN(post_pr_size_loc,pr_size_limit_loc),post_pr_size_loc)"
    )
    effort = named_cell(book, "effort_post_hours")
    assert effort.value == '=IF(N(loc_per_hour)>0,overhead_hours+post_pr_size_capped_loc/loc_per_hour,"")'


def get(scenario: Scenario, path: str):
    from roi.models import get_path

    return get_path(scenario, path)


def _numeric_leaves(model: BaseModel, prefix: str = "") -> set[str]:
    """Dotted paths of every number (or nullable number) a scenario holds, lists expanded."""
    paths = set()
    for field, info in type(model).model_fields.items():
        value, path = getattr(model, field), f"{prefix}{field}"
        if isinstance(value, BaseModel):
            paths |= _numeric_leaves(value, path + ".")
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            for index, item in enumerate(value):
                paths |= _numeric_leaves(item, f"{path}.{index}.")
        elif isinstance(value, list):
            paths |= {f"{path}.{index}" for index in range(len(value))}
        elif (
            isinstance(value, (int, float))
            and not isinstance(value, bool)
            or (value is None and "float" in str(info.annotation))
        ):
            paths.add(path)
    return paths


def test_every_number_of_the_scenario_has_an_assumption_cell(rich):
    """A field added to the scenario model later must get its cell (or be consciously left out here)."""
    scenario, _ = rich
    left_out = {"schema_version", "uncertainty", "measurement", "rollout"}
    expected = set()
    for field in type(scenario).model_fields:
        value = getattr(scenario, field)
        if field not in left_out and isinstance(value, BaseModel):
            expected |= _numeric_leaves(value, field + ".")
    covered = {a.path for a in all_assumptions(scenario)} | {"finance.horizon_years"}
    assert expected - covered == set()
    assert covered - expected == set()


def test_defined_names_are_valid_excel_names(rich_book):
    """Names Excel would refuse (or read as cell references) trigger a repair prompt."""
    cell_reference = re.compile(r"^[A-Za-z]{1,3}[0-9]+$|^[Rr][0-9]*([Cc][0-9]*)?$")
    for name in rich_book.defined_names:
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]{0,254}", name), name
        assert not cell_reference.match(name), name


_TOKEN = re.compile(
    r""""[^"]*"|'[^']*'!|[0-9]+(?:\.[0-9]*)?(?:[Ee][+-]?[0-9]+)?|\$?[A-Za-z_][A-Za-z0-9_.]*\$?[0-9]*\(?"""
)
"""Tokens of a formula: strings, sheet prefixes ('Rollout plan'!), numbers, names and functions."""


def _names_in(formula: str) -> set[str]:
    """Identifiers a formula refers to: not strings, functions, cell references or booleans."""
    found = set()
    formula = re.sub(r"\$?\b[A-Z]{1,3}:\$?[A-Z]{1,3}\b", "", formula)  # whole columns (B:B)
    for token in _TOKEN.findall(formula):
        if token[0] in "\"'0123456789" or token.endswith("(") or token.upper() in ("TRUE", "FALSE"):
            continue
        if re.fullmatch(r"\$?[A-Z]{1,3}\$?[0-9]+", token):
            continue
        found.add(token)
    return found


def test_every_name_a_formula_uses_is_defined(rich_book):
    """No formula can show #NAME?: every identifier it uses is one of the workbook's defined names."""
    defined = set(rich_book.defined_names)
    formulas = [
        (ws.title, c.coordinate, c.value)
        for ws in rich_book.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    assert len(formulas) > 100
    for title, coordinate, formula in formulas:
        assert _names_in(formula[1:]) <= defined, (title, coordinate, formula)


def test_model_sheets_hold_formulas_not_numbers(rich_book):
    """Productivity's values (above the DORA tiers, which are values) and every year of the cash flow
    are live formulas."""
    productivity = rich_book["Productivity"]
    dora_row = next(row[0].row for row in productivity.iter_rows() if row[0].value == DORA_HEADING)
    values = [row[1] for row in productivity.iter_rows(min_row=4, max_row=dora_row - 1) if row[0].value]
    assert len(values) >= 12 and all(c.data_type == "f" for c in values)
    cash = rich_book["Cash flow"]
    summary = next(row[0].row for row in cash.iter_rows() if row[0].value == "Summary")
    years = [row[2:5] for row in cash.iter_rows(min_row=5, max_row=summary - 1) if row[0].value]  # years 1..3
    assert len(years) >= 18
    assert all(c.data_type == "f" for row in years for c in row if c.value is not None)
    assert all(c.value is not None for c in years[-1])  # the break-even row spans every year


def test_utilisation_and_backlog_are_formulas_queue_values_are_numbers(book):
    for name in (
        "utilization_baseline",
        "utilization_post",
        "backlog_growth_hours_per_week",
        "review_workload_post_hours",
        "review_capacity_hours",
    ):
        assert named_cell(book, name).data_type == "f", name
    sheet = book["Review capacity"]
    header = next(row[0].row for row in sheet.iter_rows() if row[0].value == "Reviewers")
    rows = list(sheet.iter_rows(min_row=header + 1, max_col=6))
    counts = [row[0].value for row in rows]
    assert counts == list(range(10, 43))  # stable from ⌊a_baseline⌋ + 1 = 10 to 37 needed + 5
    by_count = {row[0].value: row for row in rows}
    assert by_count[17][1].data_type == "f" and by_count[17][3].data_type == "f"
    assert by_count[17][2].value == pytest.approx(0.007259801573, rel=1e-9)  # METHODS §5 baseline Wq
    assert by_count[17][4].value == "unstable"
    assert isinstance(by_count[37][4].value, float) and by_count[37][4].value <= 4.0


# --- Formats, layout, properties ----------------------------------------------------------


def test_number_formats_for_money_percent_and_hours(book):
    assert '"$"#,##0' in named_cell(book, "npv").number_format
    assert named_cell(book, "roi").number_format.endswith("%")
    assert named_cell(book, "net_hours").number_format.endswith('" h"')
    assert named_cell(book, "capture_factor").number_format == "#,##0.0%"
    assert named_cell(book, "developers").number_format == "#,##0"
    assert "months" in named_cell(book, "payback_months").number_format


def _contrast(foreground: str, background: str) -> float:
    def luminance(colour: str) -> float:
        scaled = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in scaled]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_negative_amounts_are_dark_red_by_a_conditional_format_that_meets_wcag_aa(book):
    # The money formats' [Red] drew a negative NPV in #FF0000, 4.0:1 on white (WCAG AA asks 4.5:1 of text).
    title, ref = target(book, "npv")
    assert "[" not in named_cell(book, "npv").number_format  # no colour code: the minus sign stays
    rules = [(range_, rule) for range_ in book[title].conditional_formatting for rule in range_.rules
             if ref in range_.sqref]
    assert [(rule.operator, rule.formula) for _, rule in rules] == [("lessThan", ["0"])]
    colour = rules[0][1].dxf.font.color.rgb[-6:]
    for fill in ("FFFFFF", "F2F2F2", "FFF2CC"):  # plain, output and input cells
        assert _contrast(colour, fill) >= 4.5, fill
    sheet = book["Cash flow"]
    net = next(row[0].row for row in sheet.iter_rows(max_col=1) if row[0].value == "Net cash flow")
    years = f"B{net}:E{net}"  # a row's amounts in one run
    assert any(years in str(range_.sqref).split() for range_ in sheet.conditional_formatting)


@pytest.mark.parametrize("currency, marker", [("EUR", '"€"'), ("CHF", '" CHF"'), ('X"Y', "#,##0")])
def test_money_format_follows_the_currency(currency, marker):
    data = worked_data()
    data["currency"] = currency
    scenario = scenario_from_dict(data)
    book = load(build_workbook(scenario, compute(scenario)))
    fmt = named_cell(book, "pv_costs").number_format
    assert marker in fmt and fmt.count('"') % 2 == 0


def test_a_measured_scenario_exported_without_its_exports_is_not_called_estimates(book):
    """python -m roi export of the demo (measured) wrote "No measured metrics were loaded: the periods above are the
    scenario's estimates" on Metrics, while Assumptions said "Measured from …" (CLI audit L5)."""
    from tests.conftest import SCENARIOS

    demo = load_scenario(SCENARIOS / "demo_org.json")
    notes = [c.value for row in load(build_workbook(demo, compute(demo)))["Metrics"].iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith(("No measured", "The periods above"))]
    assert len(notes) == 1 and notes[0].startswith(
        f"The periods above were measured from {demo.measurement.sources[0]}")
    assert "export it from the app with them loaded" in notes[0]
    estimated = [c.value for row in book["Metrics"].iter_rows() for c in row
                 if isinstance(c.value, str) and c.value.startswith("No measured metrics were loaded")]
    assert estimated == ["No measured metrics were loaded: the periods above are the scenario's estimates."]


def test_inputs_are_told_apart_by_their_border_not_only_by_yellow(book):
    # Yellow alone marked the inputs (no cue for a reader who cannot tell yellow from the outputs' grey): every
    # bordered cell is a yellow input and every yellow input has its border, and the sheets' notes say so.
    for title in ("Assumptions", "Rollout plan", "Checklist"):
        sheet = book[title]
        cells = [c for row in sheet.iter_rows() for c in row]
        bordered = {c.coordinate for c in cells if c.border.left.style == "thin" and c.border.bottom.style == "thin"}
        yellow = {c.coordinate for c in cells if c.fill.fgColor.rgb in ("00FFF2CC", "FFFFF2CC")}
        assert yellow and bordered == yellow, title
        assert "Yellow cells with a border" in sheet["A2"].value, title


def test_frozen_headers_widths_and_landscape_print_fit_to_width(book):
    assert book["Assumptions"].freeze_panes == "B4"
    assert book["Cash flow"].freeze_panes == "B4"
    assert book["Checklist"].freeze_panes == "A5"
    assert book["Checklist"].print_title_rows == "$1:$4"
    assert book["Rollout plan"].freeze_panes == "B1"  # the row labels beside waves scrolled sideways (PM audit)
    assert book["Rollout plan"].print_title_rows is None
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0, ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    assert book["Assumptions"].column_dimensions["A"].width == 52
    assert book["Assumptions"].print_title_rows == "$1:$3"


def test_the_unit_column_does_not_repeat_what_the_number_format_shows(book):
    """"-$8,499" is not followed by "USD", nor "0.85 h" by "h/dev-week"."""
    summary = {row[0].value: row for row in book["Summary"].iter_rows() if row[0].value}
    npv, net = summary["Net present value (NPV)"], summary["Net hours per adopting developer-week (N)"]
    assert '"$"' in npv[1].number_format and npv[2].value is None
    assert net[1].number_format.endswith('" h"') and net[2].value == "per dev-week"
    rate = named_cell(book, "loaded_cost_per_hour")
    assert book["Assumptions"].cell(rate.row, 3).value == "per h"


def test_measured_latencies_are_marked_as_calendar_time(book):
    """Recovery time, lead time and time in review are measured in calendar hours (docs/metrics.md):
    their unit cell says so, where a bare "h" would read as the workbook's working hours."""
    for name in ("recovery_hours", "lead_time_hours", "review_hours"):
        for period in ("baseline", "post"):
            cell = named_cell(book, f"{period}_{name}")
            assert book["Assumptions"].cell(cell.row, 3).value == "calendar time", (period, name)


def test_document_properties_name_the_scenario_and_date(book, worked):
    scenario, _ = worked
    assert book.properties.title == f"AI coding assistant ROI: {scenario.name}"
    assert book.properties.subject == scenario.name
    assert book.properties.created == datetime(2026, 1, 15, 9, 30)
    custom = {prop.name: prop.value for prop in book.custom_doc_props.props}
    assert custom == {"Scenario": scenario.name, "Exported": "2026-01-15"}


def test_native_charts_for_cash_flow_and_tornado(book):
    assert len(book["Summary"]._charts) == 2
    assert len(book["Cash flow"]._charts) == 1
    tornado = book["Sensitivity"]._charts[0]
    assert tornado.type == "bar" and tornado.overlap == 100 and len(tornado.series) == 2
    column = book["Cash flow"]._charts[0]
    assert column.type == "col" and len(column.series) == 3
    title, ref = target(book, "benefits_by_year")
    assert column.series[0].val.numRef.f.replace("$", "") == f"'{title}'!{ref}"


def test_without_ranges_there_is_no_tornado_and_the_sheet_says_why():
    data = worked_data()
    data["uncertainty"] = None
    scenario = scenario_from_dict(data)
    book = load(build_workbook(scenario, compute(scenario)))
    assert len(book["Summary"]._charts) == 1 and not book["Sensitivity"]._charts
    assert any(
        "no uncertainty ranges" in str(c.value) for row in book["Sensitivity"].iter_rows() for c in row
    )


def test_empty_ranges_give_percentiles_without_a_tornado():
    """CONTRACT: without ranges the results keep the percentiles (each is the NPV) and the tornado is
    null; the workbook, like the app, shows neither a P10–P90 range nor a chance of a loss."""
    data = worked_data()
    data["uncertainty"]["ranges"] = {}
    scenario = scenario_from_dict(data)
    results = compute(scenario)
    assert results.uncertainty.tornado is None
    assert results.uncertainty.npv_p10 == pytest.approx(-8499.02, abs=0.01)
    book = load(build_workbook(scenario, results))
    cells = [str(c.value) for row in book["Sensitivity"].iter_rows() for c in row if c.value is not None]
    assert "No uncertainty ranges: no tornado." in cells and not book["Sensitivity"]._charts
    assert not [c for c in cells if c.startswith(("NPV P10", "Chance of a loss"))]


def _validation_of(sheet, coordinate: str):
    (found,) = [v for v in sheet.data_validations.dataValidation if coordinate in v.sqref]
    return found


def test_checklist_status_has_a_drop_down(book, worked):
    _, results = worked
    sheet = book["Checklist"]
    header = [c.value for c in sheet[CHECKLIST_HEADER_ROW]]
    status = header.index("Status") + 1
    first = CHECKLIST_HEADER_ROW + 1
    validation = _validation_of(sheet, sheet.cell(first, status).coordinate)
    assert validation.type == "list" and validation.showErrorMessage
    assert validation.formula1 == '"' + ",".join(CHECKLIST_STATUSES) + '"'
    cells = [sheet.cell(row, status) for row in range(first, first + len(results.checklist))]
    assert all(c.value == "todo" for c in cells)
    assert all(c.coordinate in validation.sqref for c in cells)
    below = sheet.cell(first + len(results.checklist), status)
    assert below.value is None and below.coordinate in validation.sqref, "rows added below get it too"
    assert sheet.cell(200, status).coordinate in validation.sqref


def test_payback_is_text_when_not_within_the_horizon(book):
    """The worked example does not pay back in 3 years (METHODS §5): the formula's text branches, in the app's
    words (roi.verdict.payback_text): "never" when no year's net cash flow is above 0, else not within 3 years."""
    formula = named_cell(book, "payback_months").value
    assert 'COUNTIF(C' in formula and '">0")=0,"never: no year makes money","not within 3 years"' in formula


def _texts(workbook, title: str) -> list[str]:
    return [c.value for row in workbook[title].iter_rows() for c in row if isinstance(c.value, str)]


def test_sentences_copied_from_the_app_read_in_the_singular_and_with_separators():
    # "Today's 1 reviewers meet …", "over 1 years", "needs 1 reviewers" (one developer and reviewer, a year), and
    # "12397% → 46897% … add 16849 reviewers (36 → 16885)" (50,000 developers in the demo).
    worked = load_scenario(SCENARIOS / "worked_example.json")
    one = worked.model_copy(update={
        "team": worked.team.model_copy(update={"developers": 1}),
        "review": worked.review.model_copy(update={"reviewers": 1, "target_wait_hours": 40.0}),
        "finance": worked.finance.model_copy(update={"horizon_years": 1, "adoption_by_year": [0.7]})})
    book = load(build_workbook(one, compute(one), created=CREATED))
    summary = _texts(book, "Summary")
    assert any(t.endswith("Today's 1 reviewer meets the 40.0 working h wait target.") for t in summary)
    assert any(t.startswith("Net present value over 1 year: ") for t in summary)
    assert any(t.endswith("(the model needs 1 reviewer at full rollout, 1 today).") for t in _texts(book, "Rollout plan"))
    demo = load_scenario(SCENARIOS / "demo_org.json")
    huge = demo.model_copy(update={"team": demo.team.model_copy(update={"developers": 50_000})})
    checklist = _texts(load(build_workbook(huge, compute(huge), created=CREATED)), "Checklist")
    assert any(t.startswith("Reviewer utilisation goes 12,397% → 46,897% (unstable: 168,470 review hours pile up "
                            "every week). To meet the 4.0 h target: add 16,849 reviewers (36 → 16,885)")
               for t in checklist)


def test_sources_say_default_scenario_or_measured():
    data = worked_data()
    del data["review"]["review_share"]
    data["measurement"] = {"adoption_date": "2025-03-01", "sources": ["pulls.json"]}
    scenario = scenario_from_dict(data)
    sheet = load(build_workbook(scenario, compute(scenario)))["Assumptions"]
    source = {row[4].value: row[3].value for row in sheet.iter_rows(min_row=4) if row[4].value}
    assert source["review_share"].startswith("Default: Share of a reviewer's working time")
    assert source["developers"] == "Scenario file"
    assert source["post_pr_size_loc"] == "Measured from pulls.json (adoption 2025-03-01)"
    assert source["target_wait_hours"] == "Scenario file (blank = the baseline wait)"
    assert source["hours_per_week"].startswith("Default: ")  # the file writes 40, the default: as the app says


def test_the_team_and_pool_the_exports_counted_are_measured_until_edited():
    """The demo's 120 developers and 36 reviewers were counted in its exports, yet read "Scenario file"."""
    demo = load_scenario(SCENARIOS / "demo_org.json")
    assert demo.measurement is not None and demo.measurement.counted == {"team.developers": 120,
                                                                        "review.reviewers": 36}
    sheet = load(build_workbook(demo, compute(demo)))["Assumptions"]
    source = {row[4].value: row[3].value for row in sheet.iter_rows(min_row=4) if row[4].value}
    assert source["developers"].startswith("Measured from copilot_metrics.json, copilot_seats.json")
    assert source["reviewers"] == source["developers"]
    edited = with_value(demo, "team.developers", 150)
    sheet = load(build_workbook(edited, compute(edited)))["Assumptions"]
    source = {row[4].value: row[3].value for row in sheet.iter_rows(min_row=4) if row[4].value}
    assert source["developers"] == "Scenario file" and source["reviewers"].startswith("Measured from")


def test_a_given_plan_replaces_the_default_waves(worked):
    scenario, results = worked
    plan = RolloutPlan.model_validate(
        {
            "waves": [
                {"name": "Platform team", "start_week": 0, "seat_share": 0.2},
                {"name": "Everyone", "start_week": 6, "seat_share": 1.0},
            ]
        }
    )
    sheet = load(build_workbook(scenario, results, plan=plan))["Rollout plan"]
    header = next(row for row in sheet.iter_rows() if row[0].value == "Wave")
    assert [c.value for c in header[1:3]] == ["Platform team", "Everyone"]
    assert not any("default plan" in str(row[0].value) for row in sheet.iter_rows(max_row=3))
    # Neither wave gives its training hours: both train for the scenario's (4 h), a link to the assumption.
    waves, _ = _plan_blocks(sheet)
    assert [c.value for c in waves["Training h / developer"][:2]] == ["=training_hours_per_dev"] * 2
    given = plan.model_copy(update={"waves": [plan.waves[0].model_copy(update={"training_hours_per_dev": 8.0}),
                                              plan.waves[1]]})
    waves, _ = _plan_blocks(load(build_workbook(scenario, results, plan=given))["Rollout plan"])
    assert [c.value for c in waves["Training h / developer"][:2]] == [8, "=training_hours_per_dev"]


# --- User text stays text -----------------------------------------------------------------


def _pulls(rows: int = 3) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "number": np.arange(1, rows + 1),
            "title": [INJECTION_TITLE, "+1 fix", "-2 revert", *(f"PR {i}" for i in range(4, rows + 1))][
                :rows
            ],
            "author": ["\tTab", "\rReturn", "#N/A", *(f"dev{i}" for i in range(4, rows + 1))][:rows],
            "merged_at": pd.to_datetime(["2025-01-01T12:00:00+02:00"] * rows, utc=False),
            "additions": [10.5, np.nan, np.inf, *([1.0] * (rows - 3))][:rows],
            "draft": [False, True, None, *([False] * (rows - 3))][:rows],
        }
    )


def test_injection_strings_arrive_as_literal_text(worked):
    scenario, results = worked
    named = scenario.model_copy(update={"name": INJECTION_NAME})
    book = load(build_workbook(named, results, tables={"pulls": _pulls()}))
    name_cell = book["Summary"]["B2"]
    assert (name_cell.value, name_cell.data_type, name_cell.quotePrefix) == (INJECTION_NAME, "s", True)
    data = book["Data pulls"]
    assert [c.value for c in data[2]] == ["number", "title", "author", "merged_at", "additions", "draft"]
    texts = [
        (c.value, c.data_type)
        for c in (data["B3"], data["B4"], data["B5"], data["C3"], data["C4"], data["C5"])
    ]
    assert texts == [
        (INJECTION_TITLE, "s"),
        ("+1 fix", "s"),
        ("-2 revert", "s"),
        ("\tTab", "s"),
        ("\nReturn", "s"),
        ("#N/A", "s"),
    ]  # XML keeps no lone carriage return: it is a line break
    assert all(data[ref].quotePrefix for ref in ("B3", "B4", "B5", "C3"))


def test_event_values_are_spreadsheet_values(worked):
    scenario, results = worked
    data = load(build_workbook(scenario, results, tables={"pulls": _pulls()}))["Data pulls"]
    assert data["D3"].value == datetime(2025, 1, 1, 10, 0)  # +02:00 stored as UTC without a zone
    assert [data["E3"].value, data["E4"].value, data["E5"].value] == [10.5, None, None]  # NaN, inf → empty
    assert [data["F3"].value, data["F4"].value, data["F5"].value] == [False, True, None]


def test_large_tables_are_truncated_with_a_note(worked):
    scenario, results = worked
    tables = {"pulls/2025?": _pulls(25), "reviews": _pulls(4)}
    book = load(build_workbook(scenario, results, tables=tables, row_limit=10))
    assert book.sheetnames[-3:] == ["Data pulls 2025", "Data reviews", "Scenario file"]
    pulls = book["Data pulls 2025"]
    assert pulls.max_row == 2 + 10 and pulls["A12"].value == 10
    assert "Truncated: showing the first 10 of 25 rows" in pulls["A1"].value
    assert book["Data reviews"].max_row == 2 + 4 and "4 rows" in book["Data reviews"]["A1"].value


@given(st.text(max_size=300))
def test_any_text_is_written_as_that_text(value):
    layout = WorkbookLayout(
        [Sheet(safe_sheet_title(value), rows=[[Cell(value)]])],
        DocumentProperties(value, value, CREATED),
        "USD",
    )
    cell = load(render(layout)).worksheets[0]["A1"]
    if safe_text(value) == "":
        assert cell.value is None
    else:
        assert (cell.value, cell.data_type) == (safe_text(value), "s")


# --- Safety helpers -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "title, taken, expected",
    [
        ("Data pulls/2024?", (), "Data pulls 2024"),
        ("[x]:*y\\z", (), "x y z"),
        ("'quoted'", (), "quoted"),
        ("", (), "Sheet"),
        ("History", (), "History sheet"),
        ("A" * 40, (), "A" * 31),
        ("Summary", ("summary",), "Summary (2)"),
        ("B" * 40, ("B" * 31, "B" * 27 + " (2)"), "B" * 27 + " (3)"),
    ],
)
def test_safe_sheet_title(title, taken, expected):
    assert safe_sheet_title(title, taken) == expected


@given(st.text(max_size=60), st.lists(st.text(max_size=35), max_size=5))
def test_safe_sheet_title_is_always_valid_and_new(title, taken):
    result = safe_sheet_title(title, taken)
    assert 1 <= len(result) <= SHEET_TITLE_LIMIT
    assert not re.search(r"[\\*?:/\[\]\x00-\x1f]", result)
    assert not result.startswith("'") and not result.endswith("'")
    assert result.lower() not in {t.lower() for t in taken} and result.lower() != "history"


def test_safe_text_drops_xml_illegal_characters_and_cuts_at_the_cell_limit():
    assert safe_text("a\x00b\x07c\td\ne") == "abc\td\ne"
    assert safe_text("\r=1\r\nx\ry") == "\n=1\nx\ny"
    assert len(safe_text("x" * 40_000)) == 32_767


@pytest.mark.parametrize(
    "text, expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("plain", "plain"),
        ("a=b", "a=b"),
    ],
)
def test_csv_safe_text(text, expected):
    assert csv_safe_text(text) == expected


@given(st.integers(1, 500), st.one_of(st.none(), st.integers(1, 2000)), st.floats(0, 600))
def test_reviewer_counts_cover_the_pool_and_the_need(current, needed, offered):
    counts = reviewer_counts(current, needed, offered)
    assert counts == sorted(set(counts)) and counts[0] >= 1
    assert current in counts and (needed is None or needed in counts)
    assert len(counts) <= MAX_CURVE_ROWS + 2


# --- Metrics sheet, CSV, scenario JSON ----------------------------------------------------


@pytest.fixture(scope="module")
def metrics() -> dict:
    return json.loads((FIXTURES / "metrics.json").read_text())


def test_metrics_sheet_shows_measured_values_with_intervals(worked, metrics):
    scenario, results = worked
    sheet = load(build_workbook(scenario, results, metrics=metrics))["Metrics"]
    rows = {row[0].value: [c.value for c in row[1:8]] for row in sheet.iter_rows() if row[0].value}
    assert rows["PR size, median"] == [90, 130, 0.444, 0.21, 0.7, 0.003, rows["PR size, median"][6]]
    assert rows["Time in review, median (calendar)"][:6] == [20.25, 31.5, 0.556, -0.05, 1.1, 0.08]
    assert rows["Change failure rate"][:2] == [0.1, 0.125]
    assert rows["Tasks per developer-week"][:3] == [None, None, None]  # null stays empty, never 0
    file_cell = next(row[0] for row in sheet.iter_rows() if str(row[0].value).startswith("=cmd"))
    assert file_cell.data_type == "s"


def test_metrics_sheet_without_measurements_compares_the_scenario_periods(book):
    sheet = book["Metrics"]
    row = next(r for r in sheet.iter_rows() if r[0].value == "Mean PR size (lines added + deleted)")
    assert [c.data_type for c in row[1:4]] == ["f", "f", "f"]
    assert row[2].value == '=IF(ISNUMBER(post_pr_size_loc),post_pr_size_capped_loc,"")'  # with the limit
    assert (
        row[3].value == "=IF(AND(ISNUMBER(baseline_pr_size_loc),ISNUMBER(post_pr_size_loc)),"
        'IF(baseline_pr_size_loc<>0,post_pr_size_capped_loc/baseline_pr_size_loc-1,""),"")'
    )
    tasks = next(r for r in sheet.iter_rows() if r[0].value == "Completed tasks per developer-week")
    assert tasks[2].value == '=IF(ISNUMBER(post_tasks_per_dev_week),post_tasks_per_dev_week,"")'


def test_metrics_sheet_defines_every_scenario_period_metric(book):
    # The observed time in review is the measured review_hours_median (first review → merge, calendar
    # hours): its row must say so like every other metric row, not stand there without a definition.
    from roi.metrics import DEFINITIONS

    sheet = book["Metrics"]
    rows = {r[0].value: r[7].value for r in sheet.iter_rows(min_row=4, max_row=3 + len(PERIOD_FIELDS))}
    assert all(rows.values()), [label for label, definition in rows.items() if not definition]
    review = rows["Observed median time in review (baseline: calibrates f)"]
    assert review.endswith(DEFINITIONS["review_hours_median"])
    tasks = rows["Completed tasks per developer-week"]
    assert tasks.startswith("Per working week, per developer (a rate measured per calendar week × 1.1343 at W = 46")
    assert "After adoption: of a developer who uses the tool." in tasks
    assert "Per working week, for the whole team" in rows["Production deployments per week (team)"]
    assert rows["Change failure rate"] == "Measured as: " + DEFINITIONS["change_failure_rate"]
    assert "calendar hours" in review and "first review" in review and "merge" in review


def _dora_block(scenario_file: str):
    """The Productivity sheet, and its rows from the DORA heading down (the formulas' rows end above it)."""
    scenario = load_scenario(SCENARIOS / scenario_file)
    sheet = load(build_workbook(scenario, compute(scenario), created=CREATED))["Productivity"]
    heading = next(row[0].row for row in sheet.iter_rows() if row[0].value == DORA_HEADING)
    return sheet, [row for row in sheet.iter_rows(min_row=heading) if any(c.value is not None for c in row)]


def test_productivity_places_the_demos_delivery_among_the_dora_tiers_as_the_app_does():
    """The Productivity page's "Delivery against the DORA tiers (2024 reference)" on the Productivity
    sheet, below every formula (no named cell moves): the values of roi.dora.placements, before and after,
    with the tiers as published."""
    sheet, block = _dora_block("demo_org.json")
    assert "2024 reference" in DORA_HEADING and block[0][0].font.b
    naive = next(row[0].row for row in sheet.iter_rows() if row[4].value == "naive_index")
    assert naive == 18 and block[0][0].row > naive  # the last named output, where it was
    stale = block[0][3]  # live, empty at export: "Stale: …" once a delivery input changes
    assert stale.data_type == "f" and STALE_NOTE in stale.value and "post_lead_time_hours" in stale.value
    note = block[1][0].value
    assert note.startswith("Values computed by the app at export, not formulas")
    assert block[1][0].alignment.wrap_text
    header = next(i for i, row in enumerate(block) if row[0].value == "Metric")
    assert [c.value for c in block[header]] == ["Metric", "Before", "Tier before", "After", "Tier after"]
    rows = {row[0].value: row for row in block[header + 1 : header + 5]}
    assert list(rows) == [
        "Change lead time (calendar hours)",
        "Deployment frequency (per calendar week)",
        "Change failure rate",
        "Failed deployment recovery time (calendar hours)",
    ]
    lead = rows["Change lead time (calendar hours)"]
    assert [round(lead[1].value, 1), lead[2].value, round(lead[3].value, 1), lead[4].value] == [
        29.6, "High", 66.9, "High"
    ]
    assert lead[1].data_type == "n" and lead[1].number_format.endswith('" h"')
    failures = rows["Change failure rate"]
    assert failures[1].number_format.endswith("%") and round(failures[1].value, 3) == 0.041
    assert (failures[2].value, failures[4].value) == ("nearest Elite (5%)", "nearest Medium (10%)")
    assert failures[2].alignment.wrap_text  # wraps in its narrow column rather than being cut off
    deploys = rows["Deployment frequency (per calendar week)"]
    # 242 deployments in 25.948 weeks, 259 in 25.988 (tests/test_dora.py).
    assert (round(deploys[1].value, 1), deploys[2].value, round(deploys[3].value, 1)) == (9.3, "Elite", 10.0)
    assert deploys[1].number_format == "#,##0.0"  # 9.3, as the app shows it (it read 9.3263)
    recovery = rows["Failed deployment recovery time (calendar hours)"]
    assert (recovery[2].value, recovery[4].value) == ("High or Medium", "High or Medium")
    title = "The DORA tiers as published (2024 reference)"
    published = next(i for i, row in enumerate(block) if row[0].value == title)
    assert [c.value for c in block[published + 1]] == ["Metric", "Elite", "High", "Medium", "Low"]
    tiers = {row[0].value: [c.value for c in row[1:5]] for row in block[published + 2 :]}
    assert tiers["Change failure rate"] == ["5%", "20%", "10%", "40%"]
    lead_tiers = ["under a day", "1 day to 1 week", "1 week to 1 month", "1 to 6 months"]
    assert tiers["Change lead time"] == lead_tiers
    assert len(tiers) == 4


def test_without_delivery_metrics_the_dora_block_is_one_note_and_no_table():
    sheet, block = _dora_block("worked_example.json")
    assert len(block) == 2 and block[-1][0].row == sheet.max_row  # the heading and one note: nothing below
    note = block[1][0]
    assert note.value.startswith("No delivery metrics in this scenario: ") and note.font.i
    assert "DORA tiers" in note.value and "Metric" not in [row[0].value for row in sheet.iter_rows()]


def test_a_period_without_a_delivery_metric_says_not_given():
    data = worked_data()
    data["post"]["lead_time_hours"] = 30
    scenario = scenario_from_dict(data)
    sheet = load(build_workbook(scenario, compute(scenario)))["Productivity"]
    row = next(r for r in sheet.iter_rows() if r[0].value == "Change lead time (calendar hours)")
    assert [c.value for c in row] == ["Change lead time (calendar hours)", "not given", None, 30, "High"]


def test_metrics_csv(metrics):
    rows = list(csv.DictReader(io.StringIO(metrics_csv(metrics).decode("utf-8"))))
    by_metric = {row["metric"]: row for row in rows}
    assert list(rows[0]) == [
        "metric",
        "label",
        "baseline",
        "post",
        "change",
        "ci_low",
        "ci_high",
        "p_value",
        "effect_size",
        "n_baseline",
        "n_post",
        "note",
    ]
    assert by_metric["pr_size_loc_median"] == {
        "metric": "pr_size_loc_median",
        "label": "PR size, median",
        "baseline": "90",
        "post": "130",
        "change": "0.444",
        "ci_low": "0.21",
        "ci_high": "0.7",
        "p_value": "0.003",
        "effect_size": "0.64",
        "n_baseline": "180",
        "n_post": "220",
        "note": "",
    }
    assert by_metric["tasks_per_dev_week"]["baseline"] == ""
    assert by_metric["start"]["baseline"] == "2024-12-01"


def test_metrics_csv_quotes_formula_like_text():
    data = {"baseline": {"start": "=1+1"}, "post": {"start": "@SUM(1)"}, "changes": {}}
    (row,) = list(csv.DictReader(io.StringIO(metrics_csv(data).decode("utf-8"))))
    assert (row["baseline"], row["post"]) == ("'=1+1", "'@SUM(1)")


def test_metrics_may_be_a_pydantic_model(worked, metrics):
    class Metrics(BaseModel):
        baseline: dict
        post: dict
        changes: dict

    model = Metrics(baseline=metrics["baseline"], post=metrics["post"], changes=metrics["changes"])
    assert metrics_csv(model) == metrics_csv({k: metrics[k] for k in ("baseline", "post", "changes")})


def test_scenario_json_round_trips(rich):
    scenario, _ = rich
    assert parse_scenario(scenario_json(scenario)) == scenario


# --- Command line and atomic writes -------------------------------------------------------


def test_cli_export_writes_the_workbook(tmp_path, capsys):
    out = tmp_path / "report.xlsx"
    assert main(["export", str(SCENARIOS / "worked_example.json"), "--out", str(out)]) == 0
    assert load(out.read_bytes()).sheetnames[: len(SHEET_ORDER)] == list(SHEET_ORDER)
    assert [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]
    assert capsys.readouterr().err == ""


def test_cli_export_of_a_bad_scenario_leaves_the_old_file(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    data = worked_data()
    data["finance"]["capture_factor"] = 1.5
    bad.write_text(json.dumps(data))
    out = tmp_path / "report.xlsx"
    out.write_bytes(b"previous report")
    assert main(["export", str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {bad}") and "finance.capture_factor" in err[0]
    assert out.read_bytes() == b"previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.json", "report.xlsx"]


@pytest.mark.parametrize(
    "out, message",
    [
        ("report.csv", "must be an .xlsx file"),
        ("missing/report.xlsx", "cannot write here"),
    ],
)
def test_cli_export_refuses_a_bad_destination(tmp_path, capsys, out, message):
    assert main(["export", str(SCENARIOS / "worked_example.json"), "--out", str(tmp_path / out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and message in err[0]


def test_write_atomic_replaces_the_file_and_keeps_its_mode(tmp_path):
    path = tmp_path / "x.xlsx"
    write_atomic(path, b"one")
    assert path.stat().st_mode & 0o777 == 0o644
    path.chmod(0o600)
    write_atomic(path, b"two")
    assert path.read_bytes() == b"two" and path.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["x.xlsx"]


def test_write_atomic_writes_through_a_symlink_and_keeps_the_link(tmp_path):
    target = tmp_path / "reports" / "q3.xlsx"
    target.parent.mkdir()
    target.write_bytes(b"old")
    link = tmp_path / "latest.xlsx"
    link.symlink_to(target)
    write_atomic(link, b"new")
    assert link.is_symlink() and target.read_bytes() == b"new"


def test_write_atomic_refuses_a_pipe_or_a_folder_rather_than_replacing_it(tmp_path):
    # As root, "--out /dev/stdout" replaced the /dev/stdout link itself; a FIFO stands in for it here.
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for path in (fifo, tmp_path):
        with pytest.raises(RoiError, match="is a folder, a device or a pipe, not a file") as info:
            write_atomic(path, b"x")
        assert info.value.file == str(path)
    assert fifo.exists() and not fifo.is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_period_metric_fields_are_all_on_the_assumptions_sheet():
    from roi.export.assumptions import PERIOD_FIELDS

    assert [f[0] for f in PERIOD_FIELDS] == list(PeriodMetrics.model_fields)


def test_metrics_sheet_from_the_engine_metrics_model(worked):
    """The real ``roi.metrics.Metrics`` (measured from the demo organisation, kept as a fixture)."""
    from roi.metrics import Metrics

    scenario, results = worked
    model = Metrics.model_validate_json((FIXTURES / "metrics_demo.json").read_text())
    sheet = load(build_workbook(scenario, results, metrics=model))["Metrics"]
    did = next(row[0].row for row in sheet.iter_rows() if row[1].value == "DiD (log)")
    rows = {row[0].value: [c.value for c in row[1:6]] for row in sheet.iter_rows(max_row=did) if row[0].value}
    assert rows["Comparison"][0] == "difference-in-differences"
    assert rows["PR size, median"] == [
        108,
        244.5,
        pytest.approx(1.263888889),
        pytest.approx(1.042951788),
        1.5,
    ]
    assert rows["Period start"][:2] == ["2024-09-02T08:44:00Z", "2025-03-03T00:00:00Z"]
    did_rows = {row[0].value: [c.value for c in row[1:5]] for row in sheet.iter_rows(min_row=did + 1)}
    assert did_rows["PR size, median"] == [
        pytest.approx(0.9171646668),
        pytest.approx(1.5021857923),
        pytest.approx(1.0540031964),
        pytest.approx(2.1399662358),
    ]


def test_tables_of_a_dataset_skips_empty_tables():
    from roi.export import tables_of
    from roi.ingest.tables import Dataset

    pulls = _pulls()
    assert list(tables_of(Dataset(pull_requests=pulls))) == ["pull_requests"]
    assert tables_of(Dataset()) == {}


# --- What each input may hold --------------------------------------------------------------


@pytest.mark.parametrize(
    "path, words",
    [
        ("team.developers", "a whole number from 1 to 1,000,000"),
        ("team.hours_per_week", "a number above 0 and at most 168"),
        ("review.review_share", "a fraction above 0 and at most 1 (0.25 = 25%)"),
        ("review.target_wait_hours", "a number above 0, or blank"),
        ("baseline.change_failure_rate", "a fraction from 0 to 1 (0.25 = 25%), or blank"),
        ("costs.one_off_cost", "a number of 0 or more"),
        ("costs.tools.0.seat_coverage", "a fraction from 0 to 1 (0.25 = 25%)"),
        ("finance.adoption_by_year.2", "a fraction from 0 to 1 (0.25 = 25%)"),
        ("finance.cost_risk", "a number from 0 to 10 (0.25 = 25%)"),
    ],
)
def test_input_rules_come_from_the_scenario_models_bounds(path, words):
    """roi.models says what a valid scenario is; the workbook's rules are read from it."""
    from roi.export.rules import rule_for

    shown_as_percent = (
        "review_share",
        "change_failure_rate",
        "seat_coverage",
        "cost_risk",
        "adoption_by_year",
    )
    fraction = any(part in shown_as_percent for part in path.split("."))
    assert rule_for(path, fraction=fraction).words() == words


def test_every_input_cell_has_a_check_and_a_validation(rich_book, rich):
    scenario, _ = rich
    sheet = rich_book["Assumptions"]
    validated = set()
    for validation in sheet.data_validations.dataValidation:
        assert validation.showErrorMessage and validation.error.startswith("This input must be ")
        assert validation.showInputMessage
        assert validation.prompt.startswith(("Allowed: ", "Enter as a fraction"))
        validated |= {cell for cells in validation.sqref.ranges for cell in cells.cells}
    for assumption in all_assumptions(scenario):
        cell = named_cell(rich_book, assumption.name)
        assert (cell.row, cell.column) in validated, assumption.name
        check = sheet.cell(cell.row, 7).value
        assert check.startswith("=IFERROR(") and f'"{assumption.name} must be ' in check, assumption.name


@pytest.mark.parametrize("observed, says", [(None, "No observed median time"), (0.01, "Not calibrated: ")])
def test_without_a_calibration_the_review_sheet_says_why(observed, says):
    data = worked_data()
    data["baseline"]["review_hours"] = observed
    scenario = scenario_from_dict(data)
    book = load(build_workbook(scenario, compute(scenario)))
    texts = [str(row[0].value) for row in book["Review capacity"].iter_rows()]
    assert any(t.startswith(says) for t in texts)
    assert "calibrated_review_share" not in book.defined_names


def test_titles_cite_the_methodology_in_the_repository_not_the_spec():
    """The sheets cite docs/methodology.md's own sections; the spec's METHODS.md is not in the repository and
    numbers its sections differently."""
    scenario = load_scenario(SCENARIOS / "demo_org.json")  # observed review time: the calibration heading too
    book = load(build_workbook(scenario, compute(scenario)))
    texts = [c.value for ws in book.worksheets for row in ws.iter_rows() for c in row]
    texts = [t for t in texts if isinstance(t, str)]
    assert [t for t in texts if "METHODS" in t] == []
    for title in (
        "Quality-adjusted productivity per adopting developer (docs/methodology.md §1)",
        "Review capacity: the reviewer pool as a queue (docs/methodology.md §2)",
        "Calibration to the observed review time (docs/methodology.md §2): f computed by the app",
        "Sensitivity: Monte Carlo and tornado (docs/methodology.md §4)",
    ):
        assert title in texts, title


def test_the_observed_review_time_is_labelled_as_calibrating_f(book):
    labels = {row[4].value: row[0].value for row in book["Assumptions"].iter_rows(min_row=4) if row[4].value}
    baseline = labels["baseline_review_hours"]
    assert baseline == "Observed median time in review (calibrates f: see Review capacity)"
    assert "not used" not in labels["post_review_hours"]


def test_viewers_that_do_not_recalculate_see_the_summary(worked):
    """File previews and scripts read stored results only: the Summary's key numbers are stored."""
    scenario, results = worked
    summary = pd.read_excel(io.BytesIO(build_workbook(scenario, results)), sheet_name="Summary", header=None)
    rows = {row[0]: row[1] for row in summary.itertuples(index=False) if isinstance(row[0], str)}
    assert rows["Net present value (NPV)"] == pytest.approx(-8499.02, abs=0.01)
    assert rows["Payback"] == "not within 3 years"  # as the app says it (year 2 gains, too little)
    assert rows["Verdict (live)"] == (
        "At the likely values the AI rollout does not pay back, but most simulated outcomes make money."
    )


def test_stored_results_are_typed_and_escaped():
    from roi.export.cached_values import with_cached_values

    xml = ('<c r="A1" s="2"><f>npv</f><v /></c><c r="B1"><f>IF(x,"a","b")</f><v/></c>'
           '<c r="C1"><f>ok</f><v /></c><c r="D1"><f>inf</f><v /></c><c r="E1"><f>other</f><v /></c>')
    out = with_cached_values(xml, {"A1": -8499.02, "B1": "R&D <3", "C1": True, "D1": float("inf")})
    assert out == ('<c r="A1" s="2"><f>npv</f><v>-8499.02</v></c>'
                   '<c r="B1" t="str"><f>IF(x,"a","b")</f><v>R&amp;D &lt;3</v></c>'
                   '<c r="C1" t="b"><f>ok</f><v>1</v></c><c r="D1"><f>inf</f><v /></c>'
                   '<c r="E1"><f>other</f><v /></c>')


@pytest.mark.parametrize("currency, symbol", [("JPY", '"¥"'), ("KRW", '" KRW"')])
def test_a_currency_without_cents_has_no_decimals(currency, symbol):
    """A rate of ¥9,060 per hour or a ¥3,900 seat is not shown as "¥9,060.50" or "¥3,900.00"."""
    data = worked_data()
    data["currency"] = currency
    data["team"]["loaded_cost_per_hour"] = 9060
    scenario = scenario_from_dict(data)
    book = load(build_workbook(scenario, compute(scenario)))
    for name in ("loaded_cost_per_hour", "tool_1_price_per_seat_month", "pv_costs"):
        fmt = named_cell(book, name).number_format
        assert symbol in fmt and "." not in fmt, (name, fmt)
    usd = scenario_from_dict(worked_data())
    usd_book = load(build_workbook(usd, compute(usd)))
    assert "#,##0.00" in named_cell(usd_book, "loaded_cost_per_hour").number_format


def _checklist_rows(sheet) -> tuple[list[str], list[list]]:
    header = [c.value for c in sheet[CHECKLIST_HEADER_ROW]]
    rows = [list(row) for row in sheet.iter_rows(min_row=CHECKLIST_HEADER_ROW + 1)
            if row[0].value and row[0].value != SPARE_ACTIONS_NOTE]
    return header, rows


def test_the_checklist_is_a_plan_to_keep_editing(book, worked):
    """Owner, due week, status and notes are marked as inputs, sorted by due week, with filter buttons,
    a drop-down of owners that accepts any name, a checked due week, and long text wrapped."""
    _, results = worked
    sheet = book["Checklist"]
    header, rows = _checklist_rows(sheet)
    assert len(rows) == len(results.checklist)
    column = {name: header.index(name) for name in header}
    for row in rows:
        for name in ("Owner", "Due week", "Status", "Notes"):
            assert row[column[name]].fill.fgColor.rgb == "00FFF2CC", (name, row[0].value)
        for name in ("Item", "Action", "Why", "Due date"):
            assert row[column[name]].fill.fill_type is None, name
        for name in ("Action", "Notes", "Why"):
            assert row[column[name]].alignment.wrap_text, name
        assert row[column["Due week"]].number_format == "#,##0"
    values = load_workbook(io.BytesIO(build_workbook(*worked)), data_only=True)
    _, stored = _checklist_rows(values["Checklist"])
    weeks = [(r[column["Due week"]].value, r[column["Priority"]].value) for r in stored]
    assert weeks == sorted(weeks, key=lambda w: (w[0] is None, w[0] or 0, w[1] or 0))
    last = rows[-1][-1]
    # blank yellow rows for the PM's own actions, their due date's formula ready, in the filter's range
    spare = range(last.row + 1, last.row + 1 + SPARE_ACTION_ROWS)
    assert sheet.auto_filter.ref == f"A{CHECKLIST_HEADER_ROW}:{last.column_letter}{spare[-1]}"
    for number in spare:
        for name in ("Item", "Action", "Owner", "Due week", "Status", "Notes"):
            cell = sheet.cell(number, column[name] + 1)
            assert cell.fill.fgColor.rgb == "00FFF2CC" and cell.value in (None, ""), (name, number)
        due = sheet.cell(number, column["Due date"] + 1).value
        assert due.startswith("=IF(OR(ISBLANK(F") and f"rollout_start_date+7*F{number}" in due
    assert sheet.cell(spare[-1] + 1, 1).value == SPARE_ACTIONS_NOTE
    owner = _validation_of(sheet, rows[0][column["Owner"]].coordinate)
    assert owner.type == "list" and not owner.showErrorMessage, "suggestions: any owner may be typed"
    assert set(OWNER_ROLES) <= set(owner.formula1.strip('"').split(","))
    week = _validation_of(sheet, rows[0][column["Due week"]].coordinate)
    assert (week.type, week.formula1, week.formula2) == ("whole", "0", "520")
    assert sheet.cell(200, column["Due week"] + 1).coordinate in week.sqref
    start = sheet.cell(CHECKLIST_HEADER_ROW - 1, 2)
    assert sheet.cell(start.row, 1).value == "Week 0 starts on"
    assert start.value is None and start.number_format == "yyyy-mm-dd"
    date_rule = _validation_of(sheet, start.coordinate)
    assert (date_rule.type, date_rule.operator, date_rule.formula1) == ("decimal", "greaterThanOrEqual", "1")
    assert start.fill.fgColor.rgb == "00FFF2CC"


def _wave_cell(scenario: Scenario, label: str, index: int) -> str:
    """The Rollout plan's wave table cell of ``label`` for wave ``index``, as a formula refers to it."""
    row = WAVES_HEADER_ROW + wave_labels(rollout_report(scenario)).index(label)
    return f"'Rollout plan'!${'BCD'[index]}${row}"


def test_checklist_due_weeks_and_waves_follow_the_rollout_plan(worked):
    """An item the engine ties to a wave links its due week to that wave's start week (the last start
    + 4 for idle-seats) until the team types one, and is "due before" the wave while its due week is at
    or before that start week (roi.rollout.track_checklist); the stored values are the app's."""
    scenario, results = worked
    plan = default_plan(scenario).model_dump()
    plan["checklist"] = [{"item_id": "pr-size-limit", "due_week": 3}]
    scenario = scenario.model_copy(update={"rollout": RolloutPlan.model_validate(plan)})
    data = build_workbook(scenario, results)
    header, rows = _checklist_rows(load(data)["Checklist"])
    week, before = header.index("Due week"), header.index("Due before wave")
    by_item = {row[0].value: row for row in rows}

    def start(index: int) -> str:
        return _wave_cell(scenario, "Start week", index)

    def due_before(row, index: int) -> str:
        w = row[week].coordinate
        wave = _wave_cell(scenario, "Wave", index)
        return f'=IF(ISNUMBER({w}),IF({w}<={start(index)},"","late for ")&{wave},"")'

    for item, index in (("baseline-first", 0), ("review-depth", 1), ("workload-watch", 2)):
        assert by_item[item][week].value == f"={start(index)}", item
        assert by_item[item][before].value == due_before(by_item[item], index), item
    typed = by_item["pr-size-limit"]
    assert typed[week].value == 3 and typed[before].value == due_before(typed, 1)
    assert by_item["idle-seats"][week].value == f"=MIN({start(2)}+4,520)"  # at most the last week a plan holds
    assert by_item["idle-seats"][before].value is None
    capacity = by_item["review-capacity"][before].value  # the first wave short of reviewers, else the last
    assert capacity.count("IF(OR(NOT(ISNUMBER(") == 2 * 3  # three waves, for the week and the name
    assert _wave_cell(scenario, "Reviewers needed", 2) in capacity
    _, stored = _checklist_rows(load_workbook(io.BytesIO(data), data_only=True)["Checklist"])
    app = {item.id: item for item in rollout_report(scenario, results).checklist}
    for row in stored:
        item = app[row[0].value]
        assert (row[week].value, row[before].value or None) == (item.due_week, due_before_label(item) or None), \
            item.id
    assert app["pr-size-limit"].wave == "Expansion" == app["review-capacity"].wave  # week 3 is before week 6


def test_a_rollout_that_does_not_pay_back_is_on_the_checklist_before_the_second_wave(worked):
    """Without ranges the worked example does not pay back (NPV −8,499.02): "no-payback" is on the Checklist
    sheet, its due week the expansion's start week and due before it, as on the Rollout page."""
    scenario, _ = worked
    fixed = scenario.model_copy(update={"uncertainty": None})
    fixed = fixed.model_copy(update={"rollout": default_plan(fixed)})
    data = build_workbook(fixed, compute(fixed))
    header, rows = _checklist_rows(load(data)["Checklist"])
    week, before, action = header.index("Due week"), header.index("Due before wave"), header.index("Action")
    (row,) = [row for row in rows if row[0].value == "no-payback"]
    assert row[action].value == "Do not scale the rollout until the numbers pay back"
    assert row[week].value == f"={_wave_cell(fixed, 'Start week', 1)}"
    _, stored = _checklist_rows(load_workbook(io.BytesIO(data), data_only=True)["Checklist"])
    (row,) = [row for row in stored if row[0].value == "no-payback"]
    assert (row[week].value, row[before].value) == (6, "Expansion")


def test_checklist_due_dates_follow_the_start_date(worked):
    """With a start date, each due date is stored (for viewers that do not recalculate): week 0 + 7 × week."""
    scenario, results = worked
    plan = RolloutPlan.model_validate(
        {
            "start_date": "2026-01-05",
            "waves": [{"name": "Pilot", "start_week": 0, "seat_share": 0.1}],
            "checklist": [{"item_id": "pr-size-limit", "due_week": 3, "owner_role": "Ana, platform"}],
        }
    )
    data = build_workbook(scenario, results, plan=plan)
    sheet = load(data)["Checklist"]
    header, rows = _checklist_rows(sheet)
    due = header.index("Due date")
    assert sheet.cell(CHECKLIST_HEADER_ROW - 1, 2).value == datetime(2026, 1, 5)
    assert "rollout_start_date+7*F" in rows[0][due].value
    stored = pd.read_excel(io.BytesIO(data), sheet_name="Checklist", header=CHECKLIST_HEADER_ROW - 1)
    by_item = dict(zip(stored["Item"], stored["Due date"], strict=True))
    assert by_item["pr-size-limit"] == pd.Timestamp("2026-01-26")
    owner = _validation_of(sheet, rows[0][header.index("Owner")].coordinate)
    assert "Ana, platform" not in owner.formula1, "a comma would split the drop-down's options"
    plan_sheet = pd.read_excel(io.BytesIO(data), sheet_name="Rollout plan", header=None)
    starts = plan_sheet[plan_sheet[0] == "Starts on"].iloc[0, 1]
    assert starts == pd.Timestamp("2026-01-05"), "each wave's start date, live from the start date"


def test_viewers_that_do_not_recalculate_see_the_model_sheets_named_outputs(worked):
    """The model sheets' named outputs, each year of the by-year rows and the adoption by year are
    stored with the engine's value (METHODS §5: NPV −8,499.02, N = 0.852 h, ρ1 = 210%)."""
    scenario, results = worked
    data = build_workbook(scenario, results)
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None, header=None)

    def by_label(title: str) -> dict:
        rows = sheets[title].itertuples(index=False)
        return {row[0]: list(row[1:]) for row in rows if isinstance(row[0], str)}

    cash = by_label("Cash flow")
    assert cash["Net present value (NPV)"][0] == pytest.approx(-8499.02, abs=0.01)
    assert cash["Payback"][0] == "not within 3 years"
    costs = [25_432, 51_086.09, 52_406.09, 52_406.09]
    assert cash["Costs, risk-adjusted"][:4] == pytest.approx(costs, abs=0.01)
    book = load_workbook(io.BytesIO(data), data_only=True)
    assert named_cell(book, "net_hours").value == pytest.approx(0.852, abs=5e-4)
    assert named_cell(book, "utilization_post").value == pytest.approx(2.101, abs=5e-4)
    plan = sheets["Rollout plan"]
    year = plan.index[plan[0].astype(str) == "Year"][0]
    assert list(plan.iloc[year + 1 : year + 4, 1]) == pytest.approx([0.7, 0.9, 0.9])
    assert list(plan.iloc[year + 1 : year + 4, 2]) == pytest.approx([35, 45, 45])


def test_rollout_sheets_print_readably_and_cut_no_text(book):
    """Landscape, one page wide: the Checklist's columns add up to ~60% scale or better on A4/Letter,
    its headers and long text wrap; a wave's teams wrap instead of being cut off by the next wave;
    the cost-by-month columns are wide enough for a cumulative cost in the millions."""
    checklist = book["Checklist"]
    widths = [checklist.column_dimensions[c.column_letter].width for c in checklist[CHECKLIST_HEADER_ROW]]
    assert sum(widths) <= 225
    assert all(c.alignment.wrap_text for c in checklist[CHECKLIST_HEADER_ROW])
    plan = book["Rollout plan"]
    teams = next(row for row in plan.iter_rows() if row[0].value == "Teams")
    assert len(teams[1].value) > plan.column_dimensions["B"].width and teams[1].alignment.wrap_text
    assert all(plan.column_dimensions[c].width >= 14 for c in "JKL")


PAGE_CHARACTERS = 135
"""Characters of the default font a landscape A4 or Letter page holds at 100%."""


def _column_widths(ws) -> dict[int, float]:
    return {i: ws.column_dimensions[get_column_letter(i)].width or 8.43 for i in range(1, ws.max_column + 1)}


def _text_fits(ws, cell, widths: dict[int, float], room: float) -> bool:
    """Whether ``cell``'s unwrapped text is shown whole and within ``room`` [characters from column A's
    left edge]: it runs into empty cells to its right, and is cut off by the next cell with content."""
    start = sum(widths[i] for i in range(1, cell.column))
    longest = max(len(part) for part in cell.value.split("\n"))
    stop = next(
        (c.column for c in ws[cell.row][cell.column :] if c.value is not None and c.column > cell.column), None
    )
    limit = room if stop is None else sum(widths[i] for i in range(1, stop))
    return start + longest <= limit + 1e-9


@pytest.mark.parametrize("scenario_file", ["demo_org.json", "worked_example.json"])
def test_no_text_runs_past_the_sheets_columns_so_pages_print_at_the_tables_scale(scenario_file):
    """Printed one page wide, a sheet is scaled to its used width, and text overflowing into empty cells
    counts: one long unwrapped note (the Checklist's and Rollout plan's intro, the demo's scenario notes on
    the Summary, a formula note on Cash flow) shrank the whole page to half the scale its table allows.
    Such text wraps over the empty cells it ran into (merged) or in its own column, and so does text
    the next cell would cut off ("review time per wee"); text with line breaks wraps; rows are tall
    enough for the wrapped lines. The live verdict wraps over B:D."""
    scenario = load_scenario(SCENARIOS / scenario_file)
    book = load(build_workbook(scenario, compute(scenario)))
    for ws in book.worksheets:
        widths = _column_widths(ws)
        room = max(sum(widths.values()), PAGE_CHARACTERS)
        merged = {r.start_cell.coordinate: r for r in ws.merged_cells.ranges}
        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or cell.value.startswith("="):
                    continue
                where = f"{ws.title}!{cell.coordinate}"
                if not cell.alignment.wrap_text:
                    assert "\n" not in cell.value, where
                    long_note = cell.font.i and len(cell.value) > 3 * widths[cell.column]  # cut, whole in the cell
                    assert _text_fits(ws, cell, widths, room) or long_note, where
                    continue
                span = merged.get(cell.coordinate)
                width = sum(widths[i] for i in range(span.min_col, span.max_col + 1)) if span else widths[cell.column]
                lines = sum(-(-max(1, len(part)) // max(1, int(width * 0.95))) for part in cell.value.split("\n"))
                height = ws.row_dimensions[cell.row].height or 15
                assert height >= 15 * lines, (where, height, lines)
    checklist = book["Checklist"]  # nothing merged inside the table: it can still be sorted
    assert all(r.min_row < CHECKLIST_HEADER_ROW for r in checklist.merged_cells.ranges)
    for title in ("Checklist", "Rollout plan"):  # the intro wraps over the table's columns
        ws = book[title]
        assert f"A2:{get_column_letter(ws.max_column)}2" in {str(r) for r in ws.merged_cells.ranges}, title
    summary = book["Summary"]
    verdict = named_cell(book, "verdict")
    assert f"{verdict.coordinate}:D{verdict.row}" in {str(r) for r in summary.merged_cells.ranges}
    assert verdict.alignment.wrap_text and summary.row_dimensions[verdict.row].height >= 30
    if "\n" in (scenario.notes or ""):  # the demo's notes: eight lines, read as lines
        notes = next(row[1] for row in summary.iter_rows() if row[0].value == "Notes")
        assert notes.value == scenario.notes and notes.alignment.wrap_text
        assert f"{notes.coordinate}:E{notes.row}" in {str(r) for r in summary.merged_cells.ranges}


def test_the_checklist_says_when_its_actions_and_numbers_are_stale(book):
    """The actions listed and their "Why" (the numbers that triggered them) are the app's at export: a
    live note above the table, from "Due date" on (merged, two lines), turns stale with ``model_changed``
    like every other value computed by the app."""
    sheet = book["Checklist"]
    header = [c.value for c in sheet[CHECKLIST_HEADER_ROW]]
    note = sheet.cell(CHECKLIST_HEADER_ROW - 1, header.index("Due date") + 1)
    quoted, plan = (text.replace('"', '""') for text in (CHECKLIST_STALE_NOTE, CHECKLIST_PLAN_NOT_ALLOWED))
    assert note.value == (f'=IF(COUNTIF(wave_checks,"?*")=0,IF(model_changed=0,"","{quoted}"),"{plan}")')
    assert f"{note.coordinate}:{get_column_letter(len(header))}{note.row}" in {
        str(r) for r in sheet.merged_cells.ranges
    }
    assert note.alignment.wrap_text and sheet.row_dimensions[note.row].height >= 30


def test_charts_start_a_printed_page(book):
    """Now that the Summary and Sensitivity print at their tables' scale, a page break before the first
    chart keeps a page's end from cutting a chart in two."""
    for title in ("Summary", "Sensitivity"):
        ws = book[title]
        first = min(chart.anchor._from.row for chart in ws._charts)  # 0-based row of the top edge
        assert [brk.id for brk in ws.row_breaks.brk] == [first], title


def _seed_cell(workbook):
    return next(row[1] for row in workbook["Sensitivity"].iter_rows() if row[0].value == "Seed")


def test_the_monte_carlo_seed_is_shown_as_an_identifier(book, worked):
    """The seed says which draws to reproduce: 20260101, not a quantity "20,260,101"."""
    seed = _seed_cell(book)
    assert (seed.value, seed.number_format) == (20260101, "0")
    assert worked[0].uncertainty.seed == 20260101


def test_a_seed_longer_than_a_spreadsheet_keeps_is_written_whole_as_text(worked):
    """A seed may be up to 2**63 - 1; a number cell keeps 15 digits and would round it."""
    scenario, _ = worked
    seed = 2**63 - 1
    scenario = scenario.model_copy(
        update={"uncertainty": scenario.uncertainty.model_copy(update={"seed": seed})}
    )
    cell = _seed_cell(load(build_workbook(scenario, compute(scenario))))
    assert (cell.value, cell.data_type) == (str(seed), "s")


def test_sensitivity_shows_each_input_in_its_unit(book):
    """Ranges and tornado name inputs as the app does and show them in their unit: an uplift of
    +21% as a percentage, the loaded rate in money, a bug fix in hours (not 0.21, 75, 2)."""
    sheet = book["Sensitivity"]
    rows: dict = {}
    for row in sheet.iter_rows():  # the ranges table; the tornado repeats the labels below it
        if isinstance(row[0].value, str):
            rows.setdefault(row[0].value, row)
    uplift = rows["Output change per developer"]
    assert uplift[1].number_format == "#,##0.0%" and uplift[5].value == "productivity_uplift"
    assert rows["Share of freed time turned into value"][1].number_format == "#,##0.0%"
    assert '"$"' in rows["Loaded cost of a developer hour"][2].number_format
    assert rows["Hours to fix a bug"][3].number_format.endswith('" h"')
    assert rows["Review speed"][4].value == "LOC/h"
    tornado = {}  # the tornado's rows, below its header: the values at P10 and P90 say their unit too
    header = next(row for row in sheet.iter_rows() if row[0].value == "Input" and row[1].value == "Value at P10")
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        if isinstance(row[0].value, str):
            tornado[row[0].value] = row
    assert header[8].value == "Unit of the values"
    assert tornado["Review speed"][8].value == "LOC/h"
    assert tornado["Hours to fix a bug"][1].number_format.endswith('" h"') and not tornado["Hours to fix a bug"][8].value
    assert not any(str(label).startswith(("finance.", "team.", "review.")) for label in rows)


def test_viewers_that_do_not_recalculate_see_the_metrics_changes(worked):
    """The Metrics sheet's period values and changes are stored: tasks +21%, PRs +98%, PR size +154%."""
    scenario, results = worked
    data = build_workbook(scenario, results)
    metrics = pd.read_excel(io.BytesIO(data), sheet_name="Metrics", header=2)
    change = dict(zip(metrics["Metric"], metrics["Change"], strict=True))
    assert change["Completed tasks per developer-week"] == pytest.approx(0.21)
    assert change["Mean PR size (lines added + deleted)"] == pytest.approx(1.54)
    assert pd.isna(change["Change failure rate"])  # not measured: blank, as the formula gives


def test_a_long_owner_list_keeps_validation_messages_within_excels_limits(worked):
    """Owners the team typed join the drop-down; its list (255) and error message (225 characters)
    stay within what Excel opens without repairing the file."""
    scenario, results = worked
    owners = [f"Owner number {k} of the platform group" for k in range(12)]
    plan = RolloutPlan.model_validate(
        {
            "waves": [{"name": "Pilot", "start_week": 0, "seat_share": 0.1}],
            "checklist": [
                {"item_id": item.id, "owner_role": owner}
                for item, owner in zip(results.checklist, owners, strict=False)
            ],
        }
    )
    sheet = load(build_workbook(scenario, results, plan=plan))["Checklist"]
    for validation in sheet.data_validations.dataValidation:
        assert len(validation.error or "") <= 225 and len(validation.prompt or "") <= 255
        if validation.type == "list":
            assert len(validation.formula1) - 2 <= 255
    owner = next(v for v in sheet.data_validations.dataValidation if v.errorTitle == "Owner")
    assert owners[0] in owner.formula1


def test_owner_suggestions_are_the_engines_roles():
    """Every owner role the checklist rules assign (roi.checklist) is offered in the Owner drop-down."""
    import roi.checklist

    source = Path(roi.checklist.__file__).read_text()
    assert set(re.findall(r'owner_role="([^"]+)"', source)) == set(OWNER_ROLES)


def test_summary_says_why_a_losing_scenario_loses_as_the_app_does():
    # Worked example without ranges: G = 6.30 h, N = 0.85 h, break-even 0.90 h (tests/test_verdict.py).
    scenario = with_value(load_scenario(SCENARIOS / "worked_example.json"), "uncertainty", None)
    results = compute(scenario)
    rows = [[cell.value for cell in row] for row in load(build_workbook(scenario, results))["Summary"].iter_rows()]
    why = next(row for row in rows if row[0] == "Why")
    assert why[1] == verdict(scenario, results).reason == (
        "The review tax and extra bugs cut the gain from 6.30 h to 0.85 h per developer-week, "
        "below the 0.90 h it takes to pay back the costs "
        "($155k, 50% of them licences at $39 per seat-month)."
    )


def test_summary_says_why_the_likely_npv_and_most_outcomes_disagree(worked, book):
    scenario, results = worked  # NPV −$8.5k at the likely values, 55% of the outcomes gain
    rows = [[cell.value for cell in row] for row in book["Summary"].iter_rows()]
    why = next(row for row in rows if row[0] == "Why they disagree")
    assert why[1] == verdict(scenario, results).reason
    assert why[1].startswith("The median (+$78.7k) sits above the NPV at every input's likely value (−$8.5k)")


def test_summary_has_no_why_row_for_a_clear_verdict():
    demo = load_scenario(SCENARIOS / "demo_org.json")
    assert verdict(demo, results := compute(demo)).reason is None
    rows = [row[0].value for row in load(build_workbook(demo, results, created=CREATED))["Summary"].iter_rows()]
    assert "Why" not in rows


# --- The rollout plan's costs are live -------------------------------------------------------


def _plan_blocks(sheet) -> tuple[dict[str, list], list[list]]:
    """The Rollout plan's wave table (label → one cell per wave) and cost-by-month rows (cells)."""
    rows = list(sheet.iter_rows())
    first = next(i for i, row in enumerate(rows) if row[0].value == "Wave")
    waves: dict[str, list] = {}
    for row in rows[first:]:
        if row[0].value is None:
            break
        waves[row[0].value] = list(row[1:])
    header = next(i for i, row in enumerate(rows) if row[0].value == "Month")
    return waves, [list(row) for row in rows[header:] if row[0].value is not None]


def _figure(cell) -> str:
    """A wave figure's formula without the guard every one carries: blank while a wave's Check names a problem
    (a share of 1.5 pasted past validation showed "−25 developers added")."""
    guard, blank = '=IF(COUNTIF(wave_checks,"?*")=0,', ',"")'
    assert cell.value.startswith(guard) and cell.value.endswith(blank), (cell.coordinate, cell.value)
    return "=" + cell.value[len(guard) : -len(blank)]


def test_the_waves_costs_are_formulas_over_the_wave_inputs_and_the_assumptions(rich):
    """Seats, seat, usage, licence and training cost of each wave follow its start week, seat share and
    training hours (yellow inputs) and the named prices, coverage, usage and loaded rate."""
    scenario, results = rich
    waves, _ = _plan_blocks(load(build_workbook(scenario, results))["Rollout plan"])
    for label in ("Start week", "Share of developers", "Training h / developer"):
        assert all(c.fill.fgColor.rgb == "00FFF2CC" for c in waves[label][:3]), label
    assert [c.value for c in waves["Start week"][:3]] == [0, 6, 12]
    share = waves["Share of developers"][1].coordinate
    seated = waves["Developers with a seat"][1]
    assert _figure(seated) == f"=INT(developers*{share}+0.5+1E-9)"
    d = seated.coordinate
    assert _figure(waves["Seat cost / month"][1]) == (
        f"={d}*tool_1_seat_coverage*tool_1_price_per_seat_month"
        f"+{d}*tool_2_seat_coverage*tool_2_price_per_seat_month"
    )
    assert _figure(waves["Usage cost / month"][1]) == (
        f"=MIN({d}*tool_1_seat_coverage,{d})*tool_1_usage_per_dev_month"
        f"+MIN({d}*tool_2_seat_coverage,{d})*tool_2_usage_per_dev_month"
    )
    added, hours = waves["Developers added"][1].coordinate, waves["Training h / developer"][1].coordinate
    # A cleared cell is the Assumption's hours, as a wave without its own is in the app (it counted 0).
    assert _figure(waves["Training cost"][1]) == (
        f"={added}*IF(ISBLANK({hours}),training_hours_per_dev,{hours})*loaded_cost_per_hour"
    )
    assert waves["Training h / developer"][1].value == "=training_hours_per_dev"  # the default plan's rule
    week = waves["Start week"][1].coordinate
    assert _figure(waves["Start month"][1]) == f"=INT({week}*12/52+1E-9)+1"


def test_the_cost_by_month_is_formulas_over_the_waves(rich):
    """Each month bills the latest wave started by then, its training in its start month, governance
    every month and the one-off cost in month 1; the total and running total add up live."""
    scenario, results = rich
    _, months = _plan_blocks(load(build_workbook(scenario, results))["Rollout plan"])
    header = [c.value for c in months[0]]
    first, second = months[1], months[2]
    column = {name: header.index(name) for name in header}
    assert len(months) == 1 + 12 * scenario.finance.horizon_years
    allowed = '=IF(COUNTIF(wave_checks,"?*")=0,'  # blank while a wave's Check names a problem

    def formula(cell) -> str:
        assert cell.value.startswith(allowed) and cell.value.endswith(',"")'), cell.value
        return cell.value.removeprefix(allowed).removesuffix(',"")')

    developers = formula(first[column["Developers with a seat"]])
    assert developers.startswith("IF($D$") and developers.endswith(",0)))")
    assert formula(first[column["Training cost"]]).startswith("SUMIF(")
    assert formula(first[column["Governance cost"]]) == "governance_fte*fte_cost_used/12"
    assert formula(first[column["One-off cost"]]) == "one_off_cost"
    assert second[column["One-off cost"]].value == 0
    total = second[column["Total cost"]].coordinate
    before = first[column["Cumulative cost"]].coordinate
    assert formula(second[column["Cumulative cost"]]) == f"{before}+{total}"


def test_viewers_that_do_not_recalculate_see_the_engines_plan_costs(rich):
    """Every live wave cost and month of the schedule is stored with roi.rollout's value."""
    scenario, results = rich
    report = rollout_report(scenario, results)
    book = load_workbook(io.BytesIO(build_workbook(scenario, results)), data_only=True)
    waves, months = _plan_blocks(book["Rollout plan"])
    for label, field in (
        ("Developers with a seat", "developers"),
        ("Seats", "seats"),
        ("Seat cost / month", "seat_cost_per_month"),
        ("Usage cost / month", "usage_cost_per_month"),
        ("Licence cost / month", "licence_cost_per_month"),
        ("Training cost", "training_cost"),
        ("Start month", "start_month"),
        ("End week", "end_week"),
        ("Measure from week", "measure_from_week"),
        *WAVE_REVIEW_ROWS,
    ):
        stored = [c.value for c in waves[label][: len(report.waves)]]
        assert stored == pytest.approx([getattr(w, field) for w in report.waves]), label
    stored = [[c.value for c in row] for row in months[1:]]
    expected = [list(row.values()) for row in schedule_table(report)]
    for got, want in zip(stored, expected, strict=True):
        assert got[2] == want[2] and got[3:] == pytest.approx(want[3:])


def test_the_waves_review_load_is_formulas_over_the_share_and_the_assumptions(book):
    """PRs, review hours, capacity, utilisation, backlog, freed hours and extra bugs of each wave follow
    its developers with a seat (so its share) and the named Assumptions and model cells, by the rules
    of roi.rollout.plan_waves; only the Erlang C values sit below the "computed by the app" row."""
    waves, _ = _plan_blocks(book["Rollout plan"])
    d = waves["Developers with a seat"][1].coordinate
    work, capacity = waves["Review h / week"][1].coordinate, waves["Review capacity h / week"][1].coordinate
    pool = waves["Reviewers"][1].coordinate
    expected = {
        "PRs / week": f"=(developers-{d})*baseline_prs_per_dev_week+{d}*post_prs_per_dev_week",
        "Extra PRs / week": f"={d}*(post_prs_per_dev_week-baseline_prs_per_dev_week)",
        "Review h / week": f"=IF(N(loc_per_hour)>0,(developers-{d})*baseline_prs_per_dev_week*effort_baseline_hours"
        f'+{d}*post_prs_per_dev_week*effort_post_hours,"")',  # blank, not #DIV/0!, while E(L) is not defined
        "Extra review h / week": f'=IF(N(loc_per_hour)>0,{d}*review_tax_hours,"")',
        "Reviewers": "=reviewers",
        "Review capacity h / week": f"=IF(ISBLANK({pool}),reviewers,{pool})*review_share*hours_per_week",
        "Reviewer utilisation": f'=IF(N(loc_per_hour)>0,IF({capacity}>0,{work}/{capacity},""),"")',
        "Review backlog growth h / week": f'=IF(N(loc_per_hour)>0,MAX(0,{work}-{capacity}),"")',
        "Freed h / week": f'=IF(AND(N(baseline_tasks_per_dev_week)>0,N(loc_per_hour)>0,N(developers)>0),'
        f'{d}*net_hours,"")',
        "Extra bugs / week": f"={d}*(post_bugs_per_dev_week-baseline_bugs_per_dev_week)",
    }
    for label, formula in expected.items():
        cell = waves[label][1]
        assert (cell.value if label == "Reviewers" else _figure(cell)) == formula, label  # an input, unguarded
    labels = list(waves)
    assert labels[labels.index(WAVE_VALUES_LABEL) - 1 :] == [  # go / no-go is live (its gates'), above the flag
        "Go / no-go", WAVE_VALUES_LABEL, "Reviewers needed", "Reviewers to add", "Modelled review wait (working h)"
    ]
    assert all(labels.index(label) < labels.index(WAVE_VALUES_LABEL) for label in expected)


def test_a_wave_with_its_own_reviewer_pool_keeps_it(worked):
    """A plan's wave with its own pool (not an Assumption) is written as that number; capacity uses it.
    Every wave's pool is a yellow input, validated as the plan's (a whole number 1–1,000,000)."""
    scenario, _ = worked
    plan = default_plan(scenario).model_dump()
    plan["waves"][1]["reviewers"] = 30
    scenario = scenario.model_copy(update={"rollout": RolloutPlan.model_validate(plan)})
    sheet = load(build_workbook(scenario, compute(scenario)))["Rollout plan"]
    waves, _ = _plan_blocks(sheet)
    pools = waves["Reviewers"][:3]
    assert [c.value for c in pools] == ["=reviewers", 30, "=reviewers"]
    assert all(c.fill.fgColor.rgb == "00FFF2CC" for c in pools)
    pool = pools[1].coordinate
    assert _figure(waves["Review capacity h / week"][1]).startswith(f"=IF(ISBLANK({pool}),reviewers,{pool})*")
    (validation,) = [v for v in sheet.data_validations.dataValidation if pool in v.sqref]
    assert (validation.type, validation.formula1, validation.formula2) == ("whole", "1", "1000000")
    assert str(validation.sqref) == f"{pools[0].coordinate}:{pools[2].coordinate}"


def test_each_wave_has_a_live_check_of_its_inputs_under_its_name(book):
    """Validation does not stop a pasted value: under the wave names a live row says per wave what the
    plan does not allow, named ``wave_checks``; it checks
    the four inputs against the plan's bounds, the order of the waves and the horizon. The training
    hours' validation has the plan's bounds too (at most 1,000 h)."""
    sheet = book["Rollout plan"]
    waves, _ = _plan_blocks(sheet)
    assert list(waves).index(WAVE_CHECK_LABEL) == 1  # just under the names
    checks = waves[WAVE_CHECK_LABEL][:3]
    ((title, ref),) = list(book.defined_names[WAVE_CHECKS].destinations)
    assert (title, ref) == ("Rollout plan", f"${checks[0].column_letter}${checks[0].row}:$D${checks[0].row}")
    for index, check in enumerate(checks):
        formula = check.value
        assert formula.startswith("=TRIM(") and check.font.color.rgb == "00C00000"
        for label in ("Start week", "Share of developers", "Training h / developer", "Reviewers"):
            assert waves[label][index].coordinate in formula, (index, label)
        assert "Start week must be a whole number from 0 to 520" in formula
        assert "Share of developers must be a fraction above 0 and at most 1 (0.25 = 25%)" in formula
        assert "after the 3-year horizon" in formula
        assert ("waves start in order" in formula) == (index > 0)
        assert ("each wave adds seats" in formula) == (index > 0)
        if index:  # the previous wave's start week and its name, linked (no user text in a formula)
            assert waves["Start week"][index - 1].coordinate in formula
            previous = sheet.cell(WAVES_HEADER_ROW, index + 1)
            assert f'"Start week must be after "&{previous.coordinate}&"\'s: waves start in order. "' in formula
            assert previous.value not in formula
    training = waves["Training h / developer"][0].coordinate
    (rule,) = [v for v in sheet.data_validations.dataValidation if training in v.sqref]
    assert (rule.formula1, rule.formula2) == ("0", "1000")


def test_the_assumptions_the_waves_follow_are_checked_once_beside_the_waves_heading(book):
    """A wave input that shows the Assumption it links to is not blamed for it: the pool and training
    checks are skipped while the cell equals ``reviewers`` / ``training_hours_per_dev``, and one live
    line over B:L of the "Waves" heading row names the Assumptions cell (empty at export)."""
    sheet = book["Rollout plan"]
    waves, _ = _plan_blocks(sheet)
    for index, check in enumerate(waves[WAVE_CHECK_LABEL][:3]):
        pool = waves["Reviewers"][index].coordinate
        training = waves["Training h / developer"][index].coordinate
        assert f'IF(IFERROR(AND(NOT(ISBLANK({pool})),{pool}=reviewers),FALSE),"",' in check.value
        assert f"{training}=training_hours_per_dev" in check.value
    line = sheet.cell(WAVES_HEADER_ROW - 1, 2)
    assert sheet.cell(WAVES_HEADER_ROW - 1, 1).value == "Waves"
    assert f"B{line.row}:L{line.row}" in {str(r) for r in sheet.merged_cells.ranges}
    assert "Assumptions: the reviewers cell is empty" in line.value
    assert "NOT(IF(ISNUMBER(reviewers)" in line.value
    assert sheet.row_dimensions[line.row].height is None  # one line: no taller row to print


def test_the_live_wave_notes_have_room_in_their_wave_columns(book):
    """The check and stale rows wrap in the waves' columns, and their rows are tall enough for the
    stale note and for the two longest check messages (a wave breaking two rules) in the narrowest wave
    column: a spreadsheet does not grow a row for a formula's text, so the note ran over the rows below
    and the second message was cut."""
    sheet = book["Rollout plan"]
    waves, _ = _plan_blocks(sheet)
    longest = (
        "Start week is after the 3-year horizon: the wave would never bill (the app refuses it). "
        "Share of developers must be a fraction above 0 and at most 1 (0.25 = 25%)."
    )
    for label, message in ((WAVE_CHECK_LABEL, longest), (WAVE_VALUES_LABEL, STALE_NOTE)):
        cells = waves[label][:3]
        assert all(c.alignment.wrap_text for c in cells), label
        narrowest = min(sheet.column_dimensions[c.column_letter].width for c in cells)
        lines = -(-len(message) // int(narrowest * 0.95))
        assert lines > 1 and sheet.row_dimensions[cells[0].row].height >= 15 * lines, label


def test_the_reviewers_needed_say_they_are_the_apps_and_when_they_are_stale(book):
    """Reviewers needed, reviewers to add and the wait (Erlang C) stay the engine's values: a row above
    them says so and, per wave, turns into the stale note once the wave's share or an assumption
    changed."""
    waves, _ = _plan_blocks(book["Rollout plan"])
    assert list(waves).index(WAVE_VALUES_LABEL) + 1 == list(waves).index("Reviewers needed")
    assert [c.value for c in waves["Reviewers needed"][:3]] == [13, 19, 37]
    for share, pool, flag in zip(
        waves["Share of developers"][:3], waves["Reviewers"][:3], waves[WAVE_VALUES_LABEL][:3], strict=True
    ):
        assert flag.value.startswith(f"=IF(AND(model_changed=0,IF(ISNUMBER({share.coordinate})")
        assert f"IF(ISNUMBER(IF(ISBLANK({pool.coordinate}),reviewers,{pool.coordinate}))" in flag.value
        assert STALE_NOTE in flag.value


def test_the_data_sheet_says_why_it_has_no_tables(book):
    """Without the event tables, a measured scenario's workbook said "No event data was loaded" beside a Metrics
    sheet measured from six exports."""
    assert book["Data"]["A2"].value.startswith("No event data was loaded")  # the worked example: estimates
    demo = load_scenario(Path(__file__).resolve().parents[1] / "sample_data" / "scenarios" / "demo_org.json")
    data = load(build_workbook(demo, compute(demo), created=CREATED))["Data"]
    assert data["A2"].value.startswith(f"The event tables of the {len(demo.measurement.sources)} exports the "
                                       "metrics were measured from are not in this workbook")


def test_sensitivity_says_why_the_median_is_not_the_likely_value_npv(book, worked):
    """The sentence ROI & risk shows (tests/test_median_gap.py), below the Monte Carlo percentiles."""
    scenario, results = worked
    cells = [str(c.value) for row in book["Sensitivity"].iter_rows() for c in row if c.value is not None]
    sentence = next(c for c in cells if c.startswith("The median (+$78.7k) sits above the NPV"))
    assert "Review speed is likely 400 LOC/h" in sentence
    assert cells.index(sentence) > cells.index("NPV P50") and cells.index(sentence) < cells.index("Ranges (low, likely, high)")


def test_a_long_assumption_source_wraps_over_the_lines_it_needs(book):
    """The PR size limit's source (275 characters) sat unwrapped in the 90-character Source column, hidden
    under the next column's text: every source now wraps, its row as tall as its lines."""
    sheet = book["Assumptions"]
    header = next(row for row in sheet.iter_rows() if row[3].value == "Source / note")
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        source = row[3]
        lines = -(-len(source.value or "") // int(90 * 0.95))
        if lines > 1:  # longer than the column: wrapped, its row tall enough
            assert source.alignment.wrap_text, source.coordinate
            assert sheet.row_dimensions[source.row].height >= 15 * lines, source.coordinate


def test_the_live_verdict_fits_its_row_whatever_input_it_names(book):
    """"Check the assumptions: " with the longest message of column G and "(and N more …)" was ~220
    characters in a row two lines tall: its end was cut."""
    import re

    from roi.export.layout import wrapped_lines
    from roi.export.report_sheets import VERDICT_LINES

    messages = [
        text
        for row in book["Assumptions"].iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=")
        for text in re.findall(r'"([^"]* must be [^"]*)"', cell.value)
    ]
    assert messages
    longest = max(messages, key=len)
    verdict = f"Check the assumptions: {longest} (and 99 more: see column G of Assumptions)"
    assert wrapped_lines(verdict, (18 + 16 + 60) * 0.9) <= VERDICT_LINES  # bold: a tenth narrower
    summary = book["Summary"]
    cell = next(c for row in summary.iter_rows() for c in row if c.value and str(c.value).startswith("=IF(input_"))
    assert summary.row_dimensions[cell.row].height >= 15 * VERDICT_LINES


def test_a_share_gate_shows_its_values_in_percent_with_no_unit_that_contradicts_them(book):
    """The gate's unit read "fraction" beside cells formatted as 15.0%."""
    plan = book["Rollout plan"]
    gate = next(row for row in plan.iter_rows() if row[1].value == "Change failure rate")
    assert "%" in gate[3].number_format and "%" in gate[5].number_format  # baseline and measured inputs
    assert gate[6].value is None
    wait = next(row for row in plan.iter_rows() if str(row[1].value).startswith("Time to first review"))
    assert wait[6].value == "calendar h"


def test_gate_baselines_and_measured_values_are_validated_by_their_unit(book, worked):
    """A share typed as a whole number (5 for 5%) passed a gate of at most 7%: a share gate's Baseline
    and Measured accept a fraction from 0 to 1 and say how to type it, every other gate's at least 0."""
    scenario, _ = worked
    plan = book["Rollout plan"]
    gates = [g for wave in rollout_report(scenario).waves for g in wave.gates]
    rows = [row for row in plan.iter_rows() if row[0].data_type == "f" and row[1].value and row[7].data_type == "f"]
    assert len(rows) == len(gates) == 15
    shares = {"Change failure rate"}  # the worked example's only share gate (unit fraction)
    for row in rows:
        for cell in (row[3], row[5]):  # Baseline, Measured
            rule = _validation_of(plan, cell.coordinate)
            assert rule.type == "decimal" and rule.allow_blank, cell.coordinate
            if row[1].value in shares:
                assert (rule.operator, float(rule.formula1), float(rule.formula2)) == ("between", 0.0, 1.0)
                assert "0.05 for 5%" in rule.prompt and "0.05 for 5%" in rule.error
            else:
                assert (rule.operator, float(rule.formula1), rule.formula2) == ("greaterThanOrEqual", 0.0, None)
    assert sum(row[1].value in shares for row in rows) == 3  # one per wave


def test_spare_gate_rows_are_counted_by_every_waves_go_no_go(book):
    """Rows under the gates for a PM's own gates: yellow, a Result drop-down, and inside the ranges the
    waves' go / no-go count, down to the line that closes them (rows inserted above it count too)."""
    plan = book["Rollout plan"]
    note = next(row[0].row for row in plan.iter_rows() if row[0].value == SPARE_GATES_NOTE)
    spare = range(note - SPARE_GATE_ROWS, note)
    assert plan.cell(spare[0] - 1, 8).data_type == "f"  # the last exported gate's result
    assert all(plan.cell(r, c).value is None and plan.cell(r, c).fill.fgColor.rgb == "00FFF2CC"
               for r in spare for c in range(1, 10))
    (results,) = [v for v in plan.data_validations.dataValidation if f"H{spare[0]}" in v.sqref]
    assert results.type == "list" and results.formula1 == '"pass,fail,not judged"'
    waves, _ = _plan_blocks(plan)
    first = next(row[0].row for row in plan.iter_rows() if row[0].value == "Wave" and row[7].value == "Result") + 1
    for cell in waves["Go / no-go"][:3]:
        assert f"$A${first}:$A${note}" in cell.value and f"$H${first}:$H${note}" in cell.value


def test_an_unstable_waves_wait_says_unstable(book, worked):
    """The expansion's queue cannot drain: the app and Review capacity say "unstable", not a blank."""
    scenario, _ = worked
    waves, _ = _plan_blocks(book["Rollout plan"])
    report = rollout_report(scenario)
    expected = ["unstable" if w.wait_hours is None else pytest.approx(w.wait_hours) for w in report.waves]
    assert [c.value for c in waves["Modelled review wait (working h)"][:3]] == expected
    assert expected[1] == "unstable" and expected[0] != "unstable"  # the worked example has both kinds


def test_tool_line_labels_follow_the_tool_name_input(book, worked):
    """"Tool 1 licences (…)" is a formula over tool_1_name (an editable input), stored with its text."""
    scenario, _ = worked
    cash = book["Cash flow"]
    labels = [c.value for c in cash["A"] if isinstance(c.value, str) and "tool_1_name" in c.value]
    assert labels == ['="Tool 1 licences ("&tool_1_name&")"', '="Tool 1 usage ("&tool_1_name&")"']
    name = scenario.costs.tools[0].name
    assert named_cell(book, "tool_1_name").value == name


def test_every_sheet_declares_the_range_it_uses(worked):
    """Without a <dimension>, a reader parsed every row of every sheet to find it: opening a workbook with the
    demo's event tables (to read its edits back) took 7 s in openpyxl's read-only mode, for sheets never read."""
    scenario, results = worked
    data = build_workbook(scenario, results, tables={"pulls": _pulls(25), "reviews": _pulls(4)})
    full = load(data)
    fast = load_workbook(io.BytesIO(data), read_only=True)
    for sheet in full.worksheets:
        declared = fast[sheet.title]
        assert declared.calculate_dimension().startswith("A1:"), sheet.title
        # never less than the sheet holds (a reader trusting it would cut cells off), an empty last row at most more
        assert sheet.max_column <= declared.max_column and sheet.max_row <= declared.max_row <= sheet.max_row + 1
        cells = {(c.row, c.column): c.value for row in declared.iter_rows() for c in row if getattr(c, "value", None)}
        assert cells == {(c.row, c.column): c.value for row in sheet.iter_rows() for c in row if c.value}, sheet.title
    fast.close()
