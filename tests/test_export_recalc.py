"""The workbook recalculated by a real spreadsheet engine agrees with ``roi.compute``.

Every workbook is opened, recalculated and saved by LibreOffice headless (one process for
all of them, with a fresh profile set to recalculate on load), then read back with
openpyxl ``data_only=True``.  Every named formula output must equal the engine's value to
1e-6 relative: for the worked example (also against the published METHODS §5 vector), for
seeded random scenarios covering every optional input, and after an assumption cell is
edited in the file (the outputs must move exactly as ``compute`` of the changed scenario).
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from roi import capacity
from roi import formatting as fmt
from roi.engine import compute
from roi.errors import ScenarioError
from roi.export import build_workbook
from roi.export.assumptions import all_assumptions
from roi.export.known_results import model_results
from roi.export.layout import wrapped_lines
from roi.export.model_sheets import ADD_COST_LINES, COST_LINES, queue_inputs
from roi.export.model_sheets import STALE_NOTE
from roi.export.xlsx import LINE_HEIGHT_POINTS
from roi.export.rollout_sheets import (
    ADDED_WAVE_NOTE,
    CHECKLIST_HEADER,
    CHECKLIST_HEADER_ROW,
    CHECKLIST_PLAN_NOT_ALLOWED,
    CHECKLIST_STALE_NOTE,
    DUE_WEEK_PROBLEM,
    GATE_ROWS,
    NO_START_DATE,
    PLAN_NOT_ALLOWED,
    SPARE_ACTIONS_NOTE,
    SHARE_OVER_ONE,
    SPARE_GATES_NOTE,
    START_DATE_CELL,
    WAVE_CHECK_LABEL,
    WAVE_CHECKS,
    WAVE_ROW_NAMES,
    WAVE_VALUES_LABEL,
    assumption_problem,
)
from roi.models import Scenario, get_path, load_scenario, scenario_from_dict
from roi.rollout import METRICS, default_plan, rollout_report
from roi.rollout_models import RolloutPlan
from roi.rollout_tables import DECISION_LABELS, due_before_label, gate_table, schedule_table
from roi.verdict import loss_chance, verdict
from roi.whatif import with_pr_size_limit
from tests.conftest import SCENARIOS, WAVE_REVIEW_ROWS
from tests.libreoffice_macro import edit_in_libreoffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(
        SOFFICE is None,
        reason="LibreOffice (soffice) is not installed; `make test` installs libreoffice-calc-nogui",
    ),
]

RELATIVE = 1e-6
ERROR_VALUES = {"#NAME?", "#VALUE!", "#DIV/0!", "#REF!", "#N/A", "#NUM!", "#NULL!", "Err:502", "Err:504"}
INJECTION_TITLE = '=HYPERLINK("http://example.invalid","x")'
INJECTION_NAME = "@SUM(1)"

# LibreOffice's "recalculation on file load" for Excel files: 0 = always (the default asks).
_RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">
<value>0</value></prop></item>
</oor:items>
"""


def recalculate(workbooks: dict[str, bytes], folder: Path) -> dict[str, tuple[Any, Any]]:
    """Each workbook after LibreOffice opened, recalculated and saved it: (values, formulas) views."""
    source, target, profile = folder / "in", folder / "out", folder / "profile"
    source.mkdir()
    (profile / "user").mkdir(parents=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_RECALC_ALWAYS)
    paths = []
    for name, data in workbooks.items():
        paths.append(source / f"{name}.xlsx")
        paths[-1].write_bytes(data)
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(target),
            *map(str, paths),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    converted = {}
    for name in workbooks:
        out = target / f"{name}.xlsx"
        assert out.exists(), f"LibreOffice did not convert {name}: {done.stdout}\n{done.stderr}"
        converted[name] = (load_workbook(out, data_only=True), load_workbook(out))
    return converted


# --- What the engine says each named output must be ---------------------------------------


def _differs(before: float | None, after: float | None) -> bool:
    if before is None or after is None:
        return before is not after
    return abs(after - before) > 1e-9 * max(1.0, abs(before))


def _calibrated(scenario: Scenario, results, at_export) -> dict[str, float]:
    """The live outputs at the review share the engine calibrated at export (none without it)."""
    calibration = at_export.review.calibration
    if calibration is None or calibration.review_share is None:
        return {}
    share, reviewers, review = calibration.review_share, scenario.review.reviewers, results.review

    def utilization(queue) -> float:
        return queue.arrival_per_hour * queue.effort_hours / share / reviewers

    return {
        "calibrated_review_share": share,
        "utilization_baseline_calibrated": utilization(review.baseline),
        "utilization_post_calibrated": utilization(review.post),
        "backlog_growth_calibrated_hours_per_week": capacity.backlog_growth_hours_per_week(
            scenario.team.developers,
            scenario.post.prs_per_dev_week,
            review.post.effort_hours,
            reviewers,
            share,
            scenario.team.hours_per_week,
        ),
    }


def _live_verdict(scenario: Scenario, results, at_export, edited: bool) -> str:
    """The app's headline; after an edit, with the exported Monte Carlo (the workbook cannot rerun it)."""
    mixed = results.model_copy(update={"uncertainty": at_export.uncertainty})
    found = verdict(scenario, mixed)
    headline = found.headline
    loss = loss_chance(at_export)
    if edited and loss is not None and found.tone != "bad":
        headline += (
            f" (Chance of a loss {fmt.chance(loss)} from the Monte Carlo at export: export again to update it.)"
        )
    return headline


def expected_outputs(scenario: Scenario, exported: Scenario | None = None) -> dict[str, Any]:
    """Every named formula output of the workbook → the engine's value (text where the engine says null).

    ``exported`` is the scenario the workbook was written from, when its cells were edited since
    into ``scenario``: the live checks must then count the changed inputs and flag the queue values.
    """
    exported = exported or scenario
    results = compute(scenario)
    at_export = compute(exported)
    fin = results.finance
    # The engine's value of each named output, as the workbook stores it (roi.export.known_results);
    # LibreOffice recomputes every formula, so this checks the formulas, not the stored results.
    return {
        **model_results(scenario, results),
        **_calibrated(scenario, results, at_export),
        "verdict": _live_verdict(scenario, results, at_export, exported is not scenario),
        "input_problems": 0,
        "inputs_changed": sum(
            _differs(get_path(exported, a.path), get_path(scenario, a.path))
            for a in all_assumptions(scenario)
        ),
        "model_changed": int(
            any(_differs(get_path(exported, a.path), get_path(scenario, a.path)) for a in all_assumptions(scenario))
            or _differs(at_export.finance.npv, fin.npv)
        ),
        "queue_values_stale": int(
            any(
                _differs(before, after)
                for before, after in zip(
                    queue_inputs(exported, at_export).values(),
                    queue_inputs(scenario, results).values(),
                    strict=True,
                )
            )
        ),
    }


def _cells(workbook, name: str) -> list:
    ((title, ref),) = list(workbook.defined_names[name].destinations)
    found = workbook[title][ref.replace("$", "")]
    return [c for row in found for c in row] if isinstance(found, tuple) else [found]


PLAN_INPUTS = {START_DATE_CELL, WAVE_CHECKS, *WAVE_ROW_NAMES.values(), GATE_ROWS, CHECKLIST_HEADER}
"""Named cells outside the Assumptions sheet that are the rollout plan's, not the model's outputs: its
start date (an input), the live check of its wave inputs, and the rows the app reads back (waves, gates,
the Checklist's header)."""


def output_names(workbook) -> set[str]:
    """Every defined name outside the Assumptions sheet (the model's outputs), but the plan's inputs."""
    return {
        name
        for name in workbook.defined_names
        if _cells(workbook, name)[0].parent.title != "Assumptions" and name not in PLAN_INPUTS
        and not re.fullmatch(r"wave_\d+", name)  # each wave's name cell
    }


def workbook_value(values, name: str) -> Any:
    cells = [c.value for c in _cells(values, name)]
    return cells if len(cells) > 1 else cells[0]


def assert_outputs_match(values, formulas, scenario: Scenario, exported: Scenario | None = None) -> None:
    expected = expected_outputs(scenario, exported)
    assert output_names(formulas) == set(expected), "every named output must be checked"
    for name, want in expected.items():
        got = workbook_value(values, name)
        if isinstance(want, list) and len(want) == 1:
            want = want[0]
        if isinstance(want, str):
            assert got == want, name
        else:
            assert got == pytest.approx(want, rel=RELATIVE, abs=1e-9), name


def assert_no_error_values(values) -> None:
    for ws in values.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.value not in ERROR_VALUES, f"{ws.title}!{cell.coordinate} = {cell.value}"


# --- Scenarios -----------------------------------------------------------------------------


def worked_data() -> dict:
    return json.loads((SCENARIOS / "worked_example.json").read_text())


def random_data(seed: int) -> dict:
    """A valid scenario with every input drawn at random, optional inputs on or off by seed."""
    rng = np.random.default_rng(seed)

    def u(low: float, high: float) -> float:
        return float(rng.uniform(low, high))

    def period(tasks: float, prs: float, size: float, bugs: float, dora: str) -> dict:
        data = {
            "tasks_per_dev_week": tasks,
            "prs_per_dev_week": prs,
            "pr_size_loc": size,
            "bugs_per_dev_week": bugs,
        }
        if dora != "none":
            data.update(
                deployments_per_week=u(0.5, 20),
                change_failure_rate=u(0, 0.4),
                recovery_hours=u(0.2, 48),
                rework_rate=u(0, 0.3),
            )
        if dora == "partial":
            data["recovery_hours"] = None
        return data

    horizon = int(rng.integers(1, 7))
    tasks, prs, size, bugs = u(1, 8), u(0.5, 6), u(40, 600), u(0, 1.5)
    dora = ("both", "partial", "none")[seed % 3]
    data = {
        "name": f"random {seed}",
        "currency": ("USD", "EUR", "CHF")[seed % 3],
        "team": {
            "developers": int(rng.integers(3, 800)),
            "hours_per_week": u(35, 45),
            "delivery_hours_per_week": u(20, 34),
            "working_weeks_per_year": u(40, 48),
            "loaded_cost_per_hour": u(40, 160),
        },
        "baseline": period(tasks, prs, size, bugs, "none" if dora == "none" else "both"),
        "post": period(tasks * u(0.9, 1.8), prs * u(0.8, 2.2), size * u(0.6, 2.5), bugs * u(0.5, 2), dora),
        "review": {
            "reviewers": int(rng.integers(1, 80)),
            "review_share": u(0.1, 0.6),
            "overhead_hours": u(0, 0.5),
            "loc_per_hour": u(150, 900),
            "arrival_cv2": u(0.5, 2),
            "service_cv2": u(0.5, 3),
            "target_wait_hours": u(1, 12),
        },
        "quality": {
            "fix_hours_per_bug": u(1, 12),
            "responders_per_incident": u(1, 4),
            "rework_hours_per_deploy": u(1, 8),
            "downtime_cost_per_hour": u(0, 5000),
            "impact_share": u(0, 1),
        },
        "costs": {
            "tools": [
                {
                    "name": f"tool {k}",
                    "price_per_seat_month": u(0, 60),
                    "usage_per_dev_month": u(0, 200),
                    "seat_coverage": u(0.2, 1),
                }
                for k in range(seed % 4)
            ],
            "training_hours_per_dev": u(0, 16),
            "one_off_cost": u(0, 50_000),
            "governance_fte": u(0, 1),
            "fte_annual_cost": None if seed % 2 else u(80_000, 250_000),
        },
        "finance": {
            "horizon_years": horizon,
            "discount_rate": u(0, 0.2),
            "capture_factor": u(0.2, 0.9),
            "benefit_risk": u(0, 0.4),
            "cost_risk": u(0, 0.3),
            "adoption_by_year": [u(0.2, 1) for _ in range(horizon)],
        },
    }
    tools = data["costs"]["tools"]
    if tools:  # every adopter has a seat (roi.models.Scenario)
        tools[0]["seat_coverage"] = max(tools[0]["seat_coverage"], *data["finance"]["adoption_by_year"])
    return data


def edge_data() -> dict[str, dict]:
    """Scenarios that reach each branch of the text outputs and of payback."""
    pays_back = worked_data()
    pays_back["post"]["tasks_per_dev_week"] = 6.0  # a large gain: payback inside year 1 or 2
    no_costs = worked_data()
    no_costs["costs"] = {"tools": []}
    no_capture = worked_data()
    no_capture["finance"]["capture_factor"] = 0.0
    stretched = json.loads(json.dumps(pays_back))
    stretched["review"]["reviewers"] = 40  # utilisation 89%: stable, but past the app's 85% limit
    one_period = worked_data()  # delivery metrics before adoption only: ΔI's terms count 0 (METHODS §1)
    one_period["baseline"] |= {"deployments_per_week": 10, "change_failure_rate": 0.2, "recovery_hours": 8}
    one_period["post"] |= {"deployments_per_week": 12, "rework_rate": 0.1}
    one_period["baseline"]["rework_rate"] = 0.1  # the rework term has both periods: it counts
    no_setup = worked_data()  # cumulative 0 at year 0, below 0 after year 1, back at 0 in year 2
    no_setup["costs"] |= {"training_hours_per_dev": 0, "one_off_cost": 0}
    never = worked_data()  # $2,000 a seat-month: every year's costs exceed its benefits, payback "never"
    never["costs"]["tools"][0]["price_per_seat_month"] = 2000
    undone = worked_data()  # adoption 90% then 10%: paid back in year 1, below 0 again to the end: no payback
    undone["post"]["pr_size_loc"] = 150
    undone["finance"]["adoption_by_year"] = [0.9, 0.1, 0.1]
    undone["costs"] |= {"training_hours_per_dev": 0, "one_off_cost": 1}
    undone["costs"]["tools"][0]["price_per_seat_month"] = 200
    tripled = worked_data()  # bugs 0.5 → 1.5: the naive index's quality factor stops at 0
    tripled["post"]["bugs_per_dev_week"] = 1.5
    return {
        "pays_back": pays_back, "no_costs": no_costs, "no_capture": no_capture, "stretched": stretched,
        "delivery_one_period": one_period, "no_setup_cost": no_setup, "never_pays_back": never,
        "payback_undone": undone, "bugs_tripled": tripled,
    }


RANDOM_SEEDS = (11, 12, 13, 14, 15, 16)

EDITS: dict[str, dict[str, float | None]] = {
    "developers": {"developers": 80},
    "capture_factor": {"capture_factor": 0.7},
    "pr_size_held": {"post_pr_size_loc": 187.5},  # METHODS §5: PR size held to +25%
    "adoption": {"adoption_year_1": 0.8},
    "fte_cost_blank": {"fte_annual_cost": None},
    "bigger_gain": {"post_tasks_per_dev_week": 6.0},
    "seat_price": {"tool_1_price_per_seat_month": 19},
    "seat_price_never_paid_back": {"tool_1_price_per_seat_month": 2000},
    "review_and_costs": {  # every review and cost input a PM negotiates, at once
        "loc_per_hour": 250,
        "overhead_hours": 0.5,
        "review_share": 0.3,
        "one_off_cost": 20_000,
        "governance_fte": 0.5,
        "training_hours_per_dev": 8,
        "tool_1_usage_per_dev_month": 30,
        "tool_1_seat_coverage": 0.95,
        "cost_risk": 0.2,
        "benefit_risk": 0.1,
        "hours_per_week": 38,
        "working_weeks_per_year": 44,
    },
    "several": {
        "discount_rate": 0.05,
        "loaded_cost_per_hour": 120,
        "reviewers": 40,
        "post_bugs_per_dev_week": 0.7,
    },
}
"""Edits made to assumption cells in the written file, by their defined names."""

QUEUE_EDITS: dict[str, dict[str, float | None]] = {
    "target_wait": {"target_wait_hours": 1},  # the engine needs 39 reviewers, not the exported 37
    "target_blank": {"target_wait_hours": None},  # blank = the baseline wait: 50 reviewers
    "developers_100": {"developers": 100},  # 73 reviewers
}
"""Edits that change what the app's queue values (reviewers needed) would be."""

BAD_EDITS: dict[str, tuple[dict[str, Any], str]] = {
    "developers_0": ({"developers": 0}, "developers must be a whole number from 1 to 1,000,000"),
    "developers_text": ({"developers": "fifty"}, "developers must be a whole number"),
    "post_prs_blank": ({"post_prs_per_dev_week": None}, "post_prs_per_dev_week must be a number above 0"),
    "share_as_percent": (
        {"review_share": 25},
        "review_share must be a fraction above 0 and at most 1 (0.25 = 25%)",
    ),
    "tasks_0": ({"baseline_tasks_per_dev_week": 0}, "baseline_tasks_per_dev_week must be a number above 0"),
    "delivery_over_week": ({"delivery_hours_per_week": 45}, "at most hours_per_week"),
    "seats_under_adoption": (  # the worked example's adoption is 0.7, 0.9, 0.9: years 2 and 3 exceed 0.8
        {"tool_1_seat_coverage": 0.8},
        "adoption_year_2 must be a fraction from 0 to 1 and at most the share of developers given a seat "
        "(seat coverage)",
    ),
    "two_problems": ({"reviewers": 0, "capture_factor": None}, "reviewers must be a whole number"),
    "pr_limit_0": ({"pr_size_limit_loc": 0}, "pr_size_limit_loc must be a number above 0, or blank"),
}
"""Values validation would refuse but a paste can still bring, and what the verdict must then say."""

PROBLEMS = {"seats_under_adoption": 2}
"""Inputs flagged by an edit, where not one per edited cell: fewer seats make two years' adoption too high."""


def _set_path(data: dict, path: str, value: Any) -> None:
    *parents, leaf = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    if isinstance(node, list):
        node[int(leaf)] = value
    else:
        node[leaf] = value


def edited_scenario(base: dict, edits: dict[str, Any]) -> Scenario:
    """The scenario the edited workbook describes: each named assumption's field set to the new value."""
    paths = {a.name: a.path for a in all_assumptions(scenario_from_dict(base))}
    data = json.loads(json.dumps(base))
    for name, value in edits.items():
        _set_path(data, paths[name], value)
    return scenario_from_dict(data)


def edit_workbook(data: bytes, edits: dict[str, Any]) -> bytes:
    """Change assumption cells (found by defined name) with openpyxl, as a user would in Excel."""
    book = load_workbook(io.BytesIO(data))
    for name, value in edits.items():
        (cell,) = _cells(book, name)
        cell.value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PR_LIMITS = {"held": 187.5, "above": 1_000.0}
"""PR size limits typed into ``pr_size_limit_loc`` of the worked example (L1 = 381 LOC): 187.5 holds
PR size to +25% (METHODS §5, N = 3.726 h); 1,000 is above L1 and changes nothing."""

EXTRA_COST = 10_000.0
"""Typed into year 1 of the Cash flow's "other costs" row."""


def _spacer_row(sheet) -> int:
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == ADD_COST_LINES)


def _with_extra_cost(data: bytes, amount: float) -> bytes:
    """A cost typed into the blank row that closes the cost lines (year 1, column C)."""
    book = load_workbook(io.BytesIO(data))
    sheet = book["Cash flow"]
    sheet.cell(_spacer_row(sheet), 3).value = amount
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CLEARED_INPUTS: dict[str, tuple[str, ...]] = {
    "reviewers": ("utilization_post",),
    "review_share": ("offered_load_post", "utilization_post", "min_time_in_review_hours"),
    "loc_per_hour": ("effort_post_hours", "net_hours", "npv", "roi", "payback_months", "utilization_post"),
    "developers": ("incident_hours", "net_hours", "npv", "break_even_net_hours"),
    "delivery_hours_per_week": ("qapi",),
    "hours_per_week": ("arrival_post_per_hour", "utilization_post"),
    "baseline_tasks_per_dev_week": ("output_change", "net_hours", "npv"),
}
"""Inputs a model formula divides by, cleared (the Delete key passes any validation) or set to 0 → named
outputs that must then be blank (not #DIV/0!) while the Summary's verdict names the input."""

QUEUE_ONLY_INPUTS = {"reviewers", "review_share", "hours_per_week"}
"""Of :data:`CLEARED_INPUTS`, those only the review queue divides by: the cash flow keeps its NPV."""


START_DATE = datetime(2026, 2, 2)
"""Typed into the Checklist's "Week 0 starts on" cell."""


def _with_checklist_edits(data: bytes) -> bytes:
    """A PM's edits to the checklist: the start date, one due week moved to 9, one owner renamed, and
    review-depth (due before the expansion, week 6) brought forward to week 3."""
    book = load_workbook(io.BytesIO(data))
    sheet = book["Checklist"]
    sheet.cell(CHECKLIST_HEADER_ROW - 1, 2).value = START_DATE
    header = [c.value for c in sheet[CHECKLIST_HEADER_ROW]]
    first = CHECKLIST_HEADER_ROW + 1
    sheet.cell(first, header.index("Due week") + 1).value = 9
    sheet.cell(first, header.index("Owner") + 1).value = "=1+1 is not a formula"
    depth = next(row[0].row for row in sheet.iter_rows(min_row=first) if row[0].value == "review-depth")
    sheet.cell(depth, header.index("Due week") + 1).value = 3
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GATE_EDITS: dict[str, tuple[float | None, float]] = {
    "Change failure rate": (0.05, 0.09),  # baseline + 2 points = 7.0%: fail
    "Time to first review (median, created → first review)": (None, 10.0),  # at most 16.8 h: pass
    "PR size (median)": (None, 350.0),  # at most 400 LOC: pass
    "Bugs per task": (None, 0.1),  # at most baseline × 1.01 = 0.126: pass
    "Tasks per developer-week": (None, 4.5),  # at least baseline × 1 = 4.000: pass
}
"""The Pilot's gates after its weeks, as a PM enters them on the Rollout plan: metric → (baseline typed, or
None to keep the exported one; the measured value)."""


RENAMED_TOOL = "Cursor Business"
"""Typed over the worked example's tool_1_name."""


def _gates_note_row(sheet) -> int:
    return next(row[0].row for row in sheet.iter_rows() if row[0].value == SPARE_GATES_NOTE)


def _with_gate_typed_below(data: bytes) -> bytes:
    """A gate of the PM's own typed into the first spare row under the gates: the full rollout's, failed."""
    book = load_workbook(io.BytesIO(data))
    sheet = book["Rollout plan"]
    first_spare = _gates_note_row(sheet) - 5
    assert sheet.cell(first_spare - 1, 8).data_type == "f" and sheet.cell(first_spare, 1).value is None
    for column, value in zip("ABCFH", ("Full rollout", "Incidents per week", "at most 3", 5, "fail"), strict=True):
        sheet[f"{column}{first_spare}"] = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_gate_edits(data: bytes, edits: dict[str, tuple[float | None, float]] = GATE_EDITS) -> bytes:
    """``edits`` (:data:`GATE_EDITS`) typed into the Pilot's rows of the gates table."""
    book = load_workbook(io.BytesIO(data))
    sheet = book["Rollout plan"]
    header = next(row for row in sheet.iter_rows() if row[0].value == "Wave" and row[7].value == "Result")
    for row in sheet.iter_rows(min_row=header[0].row + 1, max_row=header[0].row + 5):
        baseline, measured = edits[row[1].value]
        if baseline is not None:
            row[3].value = baseline
        row[5].value = measured
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BAD_DUE_WEEKS: tuple[Any, ...] = ("next week", 2.5, -1, 600)
"""Due weeks typed or pasted into the first Checklist rows that validation would refuse."""


def _with_bad_due_weeks(data: bytes) -> bytes:
    """The start date set, and :data:`BAD_DUE_WEEKS` in the first rows' due weeks."""
    book = load_workbook(io.BytesIO(data))
    sheet = book["Checklist"]
    sheet.cell(CHECKLIST_HEADER_ROW - 1, 2).value = START_DATE
    column = [c.value for c in sheet[CHECKLIST_HEADER_ROW]].index("Due week") + 1
    for offset, week in enumerate(BAD_DUE_WEEKS, start=1):
        sheet.cell(CHECKLIST_HEADER_ROW + offset, column).value = week
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


PLAN_EDITS: dict[str, tuple[dict[int, dict[str, float | None]], dict[str, float]]] = {
    "moved": ({1: {"start_week": 9, "seat_share": 0.4}}, {"tool_1_price_per_seat_month": 50}),
    "pilot_share": ({0: {"seat_share": 0.2}}, {}),
    "expansion_pool": ({1: {"reviewers": 25}}, {}),
    "cleared_pool": ({2: {"reviewers": None}}, {"reviewers": 30}),
    "training": ({1: {"training_hours_per_dev": 10}, 2: {"training_hours_per_dev": None}}, {}),
}
"""A PM's edits to the Rollout plan: wave index → its new start week, seat share or reviewer pool, and
assumptions. "moved" starts the expansion (40%) in week 9, in the full rollout's month 3, at a dearer
seat; "expansion_pool" gives the expansion 25 reviewers instead of the Assumptions' 17; "cleared_pool"
clears the full rollout's reviewers cell (blank = the Assumption) and sets the Assumption to 30; "training"
gives the expansion 10 training hours and clears the full rollout's link (blank = the Assumption's 4 h: it
counted 0)."""

BAD_WAVE_EDITS: dict[str, tuple[dict[int, dict[str, Any]], list[str]]] = {
    "start_text": ({1: {"start_week": "six"}}, ["", "Start week must be a whole number from 0 to 520.", ""]),
    "share_as_percent": (
        {1: {"seat_share": 30}},
        [
            "",
            "Share of developers must be a fraction above 0 and at most 1 (0.25 = 25%).",
            "Share of developers must be above Expansion's: each wave adds seats.",
        ],
    ),
    "share_blank": (
        {0: {"seat_share": None}},
        ["Share of developers must be a fraction above 0 and at most 1 (0.25 = 25%).", "", ""],
    ),
    "out_of_order": ({2: {"start_week": 4}}, ["", "", "Start week must be after Expansion's: waves start in order."]),
    "after_horizon": (  # week 200 is in month 47 of a 36-month horizon
        {2: {"start_week": 200}},
        ["", "", "Start week is after the 3-year horizon: the wave would never bill (the app refuses it)."],
    ),
    "share_0": (  # two rules broken in a narrow wave column: both messages must show
        {1: {"seat_share": 0}},
        [
            "",
            "Share of developers must be a fraction above 0 and at most 1 (0.25 = 25%). "
            "Share of developers must be above Pilot's: each wave adds seats.",
            "",
        ],
    ),
    "week_600": (
        {2: {"start_week": 600}},
        [
            "",
            "",
            "Start week must be a whole number from 0 to 520. "
            "Start week is after the 3-year horizon: the wave would never bill (the app refuses it).",
        ],
    ),
    "pool_0_training_text": (
        {0: {"reviewers": 0, "training_hours_per_dev": "four"}},
        [
            "Training h / developer must be a number from 0 to 1,000, or blank. "
            "Reviewers must be a whole number from 1 to 1,000,000, or blank.",
            "",
            "",
        ],
    ),
}
"""Wave inputs pasted into the worked example's Rollout plan that the plan does not allow (its
``roi.rollout_models`` bounds, order and horizon), and what each wave's live check must then say."""

LINKED_ASSUMPTION_EDITS: dict[str, tuple[dict[int, dict[str, Any]], dict[str, Any], str]] = {
    "reviewers_cleared": ({}, {"reviewers": None}, assumption_problem("reviewers", "Reviewers", blank=True)),
    "reviewers_text": ({}, {"reviewers": "many"}, assumption_problem("reviewers", "Reviewers", blank=False)),
    "reviewers_cleared_waves_own": (  # the waves' own pools: not the waves' link, but still an input to fix
        {0: {"reviewers": 13}, 1: {"reviewers": 19}, 2: {"reviewers": 37}},
        {"reviewers": None},
        "Check the assumptions: reviewers ",
    ),
    # Not linked to a wave, yet the waves showed 0 developers and a budget of governance alone, with nothing here
    # to say why: the line says it, as the Summary's verdict does.
    "developers_cleared": ({}, {"developers": None}, "Check the assumptions: developers "),
    "training_text": (
        {},
        {"training_hours_per_dev": "four"},
        assumption_problem("training_hours_per_dev", "Training h / developer", blank=False),
    ),
}
"""Assumptions the worked example's waves link to (its default plan: every pool and training hours),
cleared or typed as text, and the line beside the "Waves" heading must then say it, once; with every
wave given its own pool a cleared ``reviewers`` is not the plan's concern (the Summary still says it)."""

_WAVE_ROWS = {
    "start_week": "Start week",
    "seat_share": "Share of developers",
    "training_hours_per_dev": "Training h / developer",
    "reviewers": "Reviewers",
}


def _wave_table(sheet) -> dict[str, list]:
    """The Rollout plan's waves: row label → one value per wave (columns B…)."""
    rows = list(sheet.iter_rows())
    first = next(i for i, row in enumerate(rows) if row[0].value == "Wave")
    found: dict[str, list] = {}
    for row in rows[first:]:
        if row[0].value is None:
            return found
        found[row[0].value] = [c.value for c in row[1:]]
    return found


def _month_table(sheet) -> list[dict[str, Any]]:
    rows = list(sheet.iter_rows(values_only=True))
    first = next(i for i, row in enumerate(rows) if row[0] == "Month")
    return [dict(zip(rows[first], row, strict=True)) for row in rows[first + 1 :] if row[0] is not None]


def _with_plan_edits(
    data: bytes, waves: dict[int, dict[str, float | None]], assumptions: dict[str, float]
) -> bytes:
    """Wave inputs typed into the Rollout plan's wave table, and assumptions into their cells."""
    book = load_workbook(io.BytesIO(edit_workbook(data, assumptions)))
    sheet = book["Rollout plan"]
    for row in sheet.iter_rows():
        for field, label in _WAVE_ROWS.items():
            if row[0].value == label:
                for index, edits in waves.items():
                    if field in edits:
                        row[1 + index].value = edits[field]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_wave_typed_after_the_last(data: bytes) -> bytes:
    """A wave typed in the column after the last one (name, start week, share): the app adds it on Resume."""
    book = load_workbook(io.BytesIO(data))
    sheet = book["Rollout plan"]
    for row in sheet.iter_rows():
        label = row[0].value
        if label in ("Wave", "Start week", "Share of developers"):
            spare = next(i for i, cell in enumerate(row) if i and cell.value is None)
            row[spare].value = {"Wave": "Late joiners", "Start week": 40, "Share of developers": 1}[label]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plan_edited_scenario(
    base: dict, waves: dict[int, dict[str, float | None]], assumptions: dict[str, float]
) -> Scenario:
    """The scenario the edited workbook describes: the edited assumptions and the exported (default)
    plan with the edited waves, as the app would hold it."""
    scenario = edited_scenario(base, assumptions)
    plan = default_plan(scenario_from_dict(base)).model_dump()
    for index, edits in waves.items():
        plan["waves"][index].update(edits)
    return scenario.model_copy(update={"rollout": RolloutPlan.model_validate(plan)})


def _injection_table() -> pd.DataFrame:
    return pd.DataFrame({"number": [1, 2], "title": [INJECTION_TITLE, "+1 plain"], "author": ["@dev", "-x"]})


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory):
    """Every workbook of this module, recalculated in one LibreOffice run.

    name → (scenario, values view, formulas view).
    """
    worked = worked_data()
    cases: dict[str, tuple[Scenario, bytes]] = {}

    def add(name: str, scenario: Scenario, data: bytes | None = None, **extra) -> None:
        cases[name] = (scenario, data or build_workbook(scenario, compute(scenario), **extra))

    add("worked", scenario_from_dict(worked))
    for seed in RANDOM_SEEDS:
        add(f"random_{seed}", scenario_from_dict(random_data(seed)))
    for name, data in edge_data().items():
        add(name, scenario_from_dict(data))
    add("demo", load_scenario(SCENARIOS / "demo_org.json"))
    slower = edit_workbook(cases["demo"][1], {"baseline_review_hours": 30})
    cases["demo_review_time"] = (cases["demo"][0], slower)
    base = cases["worked"][1]
    for name, edits in {**EDITS, **QUEUE_EDITS}.items():
        add(f"edit_{name}", edited_scenario(worked, edits), edit_workbook(base, edits))
    for name, (edits, _) in BAD_EDITS.items():
        cases[f"bad_{name}"] = (cases["worked"][0], edit_workbook(base, edits))
    for name, limit in PR_LIMITS.items():
        limited = with_pr_size_limit(cases["worked"][0], limit)
        cases[f"pr_limit_{name}"] = (limited, edit_workbook(base, {"pr_size_limit_loc": limit}))
    cases["extra_cost"] = (cases["worked"][0], _with_extra_cost(base, EXTRA_COST))
    for name in CLEARED_INPUTS:
        cases[f"cleared_{name}"] = (cases["worked"][0], edit_workbook(base, {name: None}))
        cases[f"zeroed_{name}"] = (cases["worked"][0], edit_workbook(base, {name: 0}))
    cases["tool_renamed"] = (cases["worked"][0], edit_workbook(base, {"tool_1_name": RENAMED_TOOL}))
    cases["gate_typed_below"] = (cases["worked"][0], _with_gate_typed_below(base))
    cases["checklist_edit"] = (cases["worked"][0], _with_checklist_edits(base))
    cases["gates_edit"] = (cases["worked"][0], _with_gate_edits(base))
    cases["gates_percent"] = (cases["worked"][0], _with_gate_edits(base, {**GATE_EDITS, "Change failure rate": (0.05, 9)}))
    cases["checklist_bad_weeks"] = (cases["worked"][0], _with_bad_due_weeks(base))
    cases["wave_added"] = (cases["worked"][0], _with_wave_typed_after_the_last(base))
    for name, (waves, assumptions) in PLAN_EDITS.items():
        cases[f"plan_{name}"] = (
            plan_edited_scenario(worked, waves, assumptions),
            _with_plan_edits(base, waves, assumptions),
        )
    for name, (waves, _) in BAD_WAVE_EDITS.items():
        cases[f"bad_wave_{name}"] = (cases["worked"][0], _with_plan_edits(base, waves, {}))
    for name, (waves, assumptions, _) in LINKED_ASSUMPTION_EDITS.items():
        cases[f"linked_{name}"] = (cases["worked"][0], _with_plan_edits(base, waves, assumptions))
    named = scenario_from_dict({**worked, "name": INJECTION_NAME})
    add("injection", named, tables={"pulls": _injection_table()})
    books = recalculate(
        {name: data for name, (_, data) in cases.items()}, tmp_path_factory.mktemp("libreoffice")
    )
    return {name: (cases[name][0], *books[name]) for name in cases}


# --- Tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["worked", "demo", *edge_data(), *(f"random_{seed}" for seed in RANDOM_SEEDS)]
)
def test_stored_results_equal_what_a_spreadsheet_computes(recalculated, name):
    """Formula cells stored with a result (for viewers that do not recalculate) hold exactly what
    LibreOffice computes for them: the Summary's verdict, key numbers and live checks, every named
    output of the model sheets (each year of a by-year row), the Rollout plan's adoption by year."""
    scenario, values, formulas = recalculated[name]
    stored = load_workbook(io.BytesIO(build_workbook(scenario, compute(scenario))), data_only=True)
    checked: dict[str, int] = {}
    for sheet in formulas.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                    continue
                cached = stored[sheet.title][cell.coordinate].value
                if cached is None:
                    continue  # not stored: a viewer shows it blank, a spreadsheet computes it
                computed = values[sheet.title][cell.coordinate].value
                where = f"{sheet.title}!{cell.coordinate}"
                if isinstance(computed, str) or isinstance(cached, str):
                    assert cached == (computed or ""), where
                else:
                    assert cached == pytest.approx(computed, rel=RELATIVE, abs=1e-9), where
                checked[sheet.title] = checked.get(sheet.title, 0) + 1
    assert checked["Summary"] >= 15  # verdict, two live checks, the key numbers and their stale notes
    for output in output_names(formulas):  # every named formula holds its result
        for cell in _cells(formulas, output):
            if isinstance(cell.value, str) and cell.value.startswith("="):
                assert stored[cell.parent.title][cell.coordinate].value is not None, (output, cell.coordinate)
    assert checked["Rollout plan"] >= 2 * scenario.finance.horizon_years


def test_worked_example_matches_the_engine(recalculated):
    scenario, values, formulas = recalculated["worked"]
    assert_outputs_match(values, formulas, scenario)
    assert_no_error_values(values)


def test_worked_example_matches_the_published_vector(recalculated):
    """METHODS §5, to the digits published there."""
    _, values, _ = recalculated["worked"]

    def v(name: str):
        return workbook_value(values, name)

    assert (
        round(v("gross_gain_hours"), 2),
        round(v("review_tax_hours"), 3),
        round(v("defect_hours"), 3),
        round(v("net_hours"), 3),
    ) == (6.30, 5.268, 0.180, 0.852)
    assert round(v("qapi"), 4) == 1.0284
    assert (round(v("utilization_baseline"), 4), round(v("utilization_post"), 3)) == (0.5515, 2.101)
    assert round(v("backlog_growth_hours_per_week"), 1) == 187.1
    assert round(v("min_time_in_review_hours"), 2) == 4.81
    assert [round(x, 2) for x in v("costs_by_year")] == [25_432, 51_086.09, 52_406.09, 52_406.09]
    assert [round(x, 2) for x in v("benefits_by_year")] == [0, 49_719.88, 63_925.57, 63_925.57]
    assert [round(x) for x in v("idle_seat_cost_by_year")] == [0, 7_020, 2_340, 2_340]
    assert (round(v("pv_benefits"), 2), round(v("pv_costs"), 2), round(v("npv"), 2)) == (
        146_059.17,
        154_558.19,
        -8_499.02,
    )
    assert round(v("roi"), 4) == -0.0550
    assert v("payback_months") == "not within 3 years"  # as the app says it: year 2 gains, too little
    assert round(v("break_even_net_hours"), 4) == 0.9017


def test_summary_shows_the_live_outputs(recalculated):
    _, values, _ = recalculated["worked"]
    summary = {row[0].value: row[1].value for row in values["Summary"].iter_rows() if row[0].value}
    assert summary["Net present value (NPV)"] == workbook_value(values, "npv")
    assert summary["Payback"] == "not within 3 years"
    assert summary["Verdict (live)"] == (
        "At the likely values the AI rollout does not pay back, but most simulated outcomes make money."
    )
    assert summary["The app's verdict at export"] == summary["Verdict (live)"]


@pytest.mark.parametrize("name", ["demo", "stretched"])
def test_the_live_verdict_names_an_overrun_pool_the_bottleneck_and_a_busy_one_stretched(recalculated, name):
    """Utilisation 112.6% (demo: the queue never clears) or 89% (stable, but past the app's 85% limit: "the
    bottleneck" there read against the tiles' "today's reviewers are enough")."""
    scenario, values, _ = recalculated[name]
    live = workbook_value(values, "verdict")
    assert live == verdict(scenario, compute(scenario)).headline
    assert live == {
        "demo": "The AI rollout pays back, but review capacity is now the bottleneck.",
        "stretched": "At the likely values the AI rollout pays back, but with real downside risk and "
                     "reviewers stretched to their limit.",
    }[name]


@pytest.mark.parametrize("seed", RANDOM_SEEDS)
def test_random_scenarios_match_the_engine(recalculated, seed):
    scenario, values, formulas = recalculated[f"random_{seed}"]
    assert_outputs_match(values, formulas, scenario)
    assert_no_error_values(values)


def test_random_scenarios_cover_the_optional_inputs(recalculated):
    """The random set is only worth something if it reaches every kind of input."""
    scenarios = [recalculated[f"random_{seed}"][0] for seed in RANDOM_SEEDS]
    assert any(s.post.recovery_hours is None and s.post.deployments_per_week is not None for s in scenarios)
    assert any(s.baseline.deployments_per_week is not None for s in scenarios)
    assert any(s.costs.fte_annual_cost is None for s in scenarios)
    assert any(len(s.costs.tools) >= 2 for s in scenarios) and any(not s.costs.tools for s in scenarios)
    assert len({s.finance.horizon_years for s in scenarios}) >= 3


@pytest.mark.parametrize("name", ["pays_back", "no_costs", "no_capture", "stretched", "demo", "never_pays_back",
                                  "payback_undone", "bugs_tripled"])
def test_edge_scenarios_match_the_engine(recalculated, name):
    scenario, values, formulas = recalculated[name]
    assert_outputs_match(values, formulas, scenario)
    assert_no_error_values(values)
    everything = compute(scenario)
    results, post = everything.finance, everything.review.post
    reached = {
        "pays_back": results.payback_months is not None and results.payback_months > 0,
        "no_costs": results.roi is None and results.payback_months == 0.0,
        "no_capture": results.break_even_net_hours is None,
        "stretched": results.npv > 0 and 0.85 <= post.utilization < 1,
        "demo": results.npv > 0 and post.utilization >= 1,  # pays back on paper, the queue never clears
        "never_pays_back": all(b < c for b, c in zip(results.benefits_by_year, results.costs_by_year, strict=True)),
        # a crossing in year 1 that a later fall undoes: no payback, in the workbook as in the engine
        "payback_undone": results.net_by_year[1] > 0 and results.payback_months is None,
        "bugs_tripled": everything.productivity.naive_index == 0.0,
    }
    assert reached[name], f"{name} no longer reaches the branch it is meant to test"


@pytest.mark.parametrize(("name", "edit"), [("never_pays_back", None), ("seat_price_never_paid_back", "edit_")])
def test_a_payback_that_never_comes_says_so_in_the_apps_words(recalculated, name, edit):
    """No year's benefits exceed its costs: "never", as the app's summary, ROI & risk and comparison say it
    (roi.verdict.payback_text), live when a seat price typed into the file makes it so; not "not within horizon"."""
    _, values, _ = recalculated[f"{edit or ''}{name}"]
    assert workbook_value(values, "payback_months") == "never: no year makes money"
    summary = {row[0].value: row[1].value for row in values["Summary"].iter_rows() if row[0].value}
    assert summary["Payback"] == "never: no year makes money"


@pytest.mark.parametrize("name", list(EDITS))
def test_editing_an_assumption_moves_outputs_as_the_engine_does(recalculated, name):
    scenario, values, formulas = recalculated[f"edit_{name}"]
    assert_outputs_match(values, formulas, scenario, exported=recalculated["worked"][0])
    assert_no_error_values(values)
    before = compute(recalculated["worked"][0]).finance.npv
    assert workbook_value(values, "npv") != pytest.approx(before, rel=1e-9), "the edit must move NPV"


def test_pr_size_held_to_a_quarter_gives_the_published_net_hours(recalculated):
    _, values, _ = recalculated["edit_pr_size_held"]
    assert (round(workbook_value(values, "net_hours"), 3), round(workbook_value(values, "qapi"), 3)) == (
        3.726,
        1.124,
    )


@pytest.mark.parametrize("name, stale", [("developers", True), ("several", True), ("capture_factor", False)])
def test_the_queue_values_say_when_they_are_stale(recalculated, name, stale):
    _, values, _ = recalculated[f"edit_{name}"]
    texts = [str(row[0].value) for row in values["Review capacity"].iter_rows()]
    assert any(t.startswith("Assumptions changed since export") for t in texts) == stale
    assert any(t.startswith("Up to date") for t in texts) == (not stale)


def _summary_rows(values) -> dict[str, list]:
    rows = values["Summary"].iter_rows()
    return {row[0].value: [c.value for c in row[1:5]] for row in rows if row[0].value}


@pytest.mark.parametrize("name, needed", [("target_wait", 39), ("target_blank", 50), ("developers_100", 73)])
def test_queue_values_are_flagged_stale_wherever_they_are_shown(recalculated, name, needed):
    """An edit that changes the staffing the engine would compute marks the exported 37 as stale."""
    scenario, values, formulas = recalculated[f"edit_{name}"]
    assert compute(scenario).review.reviewers_needed == needed
    assert_outputs_match(values, formulas, scenario, exported=recalculated["worked"][0])
    assert workbook_value(values, "queue_values_stale") == 1
    texts = [str(row[0].value) for row in values["Review capacity"].iter_rows()]
    assert any(t.startswith("Assumptions changed since export") for t in texts)
    summary = _summary_rows(values)
    staffing = summary["Reviewers needed for the target wait"]
    assert staffing[0] == 37 and staffing[3].startswith("Stale")
    assert summary["NPV P10 (downside)"][3].startswith("Stale")
    assert summary["Assumptions changed since export (live)"][0] == 1


def test_an_unedited_workbook_shows_no_stale_warning(recalculated):
    _, values, _ = recalculated["worked"]
    assert workbook_value(values, "queue_values_stale") == 0
    assert workbook_value(values, "inputs_changed") == 0 and workbook_value(values, "model_changed") == 0
    summary = _summary_rows(values)
    notes = [row[3] for label, row in summary.items() if label != "Key number"]
    assert len(notes) > 20 and not any(notes), "no Stale note on an unedited workbook"


@pytest.mark.parametrize("name", list(BAD_EDITS))
def test_an_input_that_is_not_allowed_replaces_the_verdict(recalculated, name):
    """A pasted blank, 0, text or percentage-as-number: the verdict names the input, never #DIV/0!."""
    _, values, _ = recalculated[f"bad_{name}"]
    edits, message = BAD_EDITS[name]
    live = workbook_value(values, "verdict")
    assert live.startswith("Check the assumptions: ") and message in live, live
    problems = PROBLEMS.get(name, len(edits))
    assert workbook_value(values, "input_problems") == problems
    if problems > 1:
        assert live.endswith(f"(and {problems - 1} more: see column G of Assumptions)")


def test_input_cells_are_validated_with_the_models_bounds(recalculated):
    """Data validation survives LibreOffice and says what is allowed."""
    scenario, _, formulas = recalculated["worked"]
    sheet = formulas["Assumptions"]
    by_cell = {}
    for validation in sheet.data_validations.dataValidation:
        for cells in validation.sqref.ranges:
            for row in range(cells.min_row, cells.max_row + 1):
                by_cell[row] = validation
    names = {sheet.cell(row, 5).value: row for row in range(4, sheet.max_row + 1)}
    developers = by_cell[names["developers"]]
    assert (developers.type, developers.operator, developers.formula1, developers.formula2) == (
        "whole",
        "between",
        "1",
        "1000000",
    )
    share = by_cell[names["capture_factor"]]
    assert share.type == "decimal" and (float(share.formula1), float(share.formula2)) == (0, 1)
    assert "as a fraction, 0.25 = 25%" in share.prompt
    assert share.error.startswith("This input must be a fraction")
    rate = by_cell[names["loaded_cost_per_hour"]]
    assert rate.operator == "greaterThanOrEqual" and 0 < float(rate.formula1) < 1e-6
    assert rate.error == "This input must be a number above 0."
    assert all(names[a.name] in by_cell for a in all_assumptions(scenario)), "every input is validated"
    assert names["horizon_years"] not in by_cell  # fixed, not an input


def test_the_cost_total_sums_every_line_from_the_label_row_to_the_row_above_it(recalculated):
    """Every year's SUM runs from the row that opens the cost lines (above set-up) to the row just above
    the total, wherever it is: rows inserted anywhere among the cost lines count (LibreOffice tests below)."""
    scenario, _, formulas = recalculated["worked"]
    sheet = formulas["Cash flow"]
    spacer = _spacer_row(sheet)
    ((_, ref),) = list(formulas.defined_names["costs_by_year"].destinations)
    costs = [c for row in sheet[ref.replace("$", "")] for c in row]
    assert costs[0].row == spacer + 1
    setup = next(row[0].row for row in sheet.iter_rows() if str(row[0].value).startswith("Set-up"))
    assert sheet.cell(setup - 1, 1).value == COST_LINES
    for cell in costs:
        column = cell.column_letter
        assert cell.value == f"=SUM({column}{setup - 1}:INDEX({column}:{column},ROW()-1))*(1+cost_risk)"
    assert scenario.costs.tools, "the worked example has a licence line between set-up and the blank row"


@pytest.mark.parametrize("name", list(PR_LIMITS))
def test_a_pr_size_limit_moves_outputs_as_the_engines_limit_does(recalculated, name):
    """A limit typed into pr_size_limit_loc: every named output (E(L1), the review tax, the queue, the
    cash flow) and each wave's review load equal the engine's for roi.whatif.with_pr_size_limit; the
    limit counts as a changed input (the post_pr_size_loc cell itself is unchanged)."""
    limited, values, formulas = recalculated[f"pr_limit_{name}"]
    worked = recalculated["worked"][0]
    expected = expected_outputs(limited, exported=worked.model_copy())
    expected |= {"inputs_changed": 1, "model_changed": 1}
    assert output_names(formulas) == set(expected)
    for output, want in expected.items():
        got = workbook_value(values, output)
        want = want[0] if isinstance(want, list) and len(want) == 1 else want
        assert got == (want if isinstance(want, str) else pytest.approx(want, rel=RELATIVE, abs=1e-9)), output
    assert_no_error_values(values)
    capped = min(worked.post.pr_size_loc, PR_LIMITS[name])
    assert workbook_value(values, "post_pr_size_capped_loc") == pytest.approx(capped, rel=1e-12)
    table = _wave_table(values["Rollout plan"])
    waves = rollout_report(limited).waves
    for label, field in WAVE_REVIEW_ROWS:
        assert table[label][: len(waves)] == pytest.approx([getattr(w, field) for w in waves], rel=RELATIVE)
    held = round(workbook_value(values, "net_hours"), 3), workbook_value(values, "queue_values_stale")
    assert held == {"held": (3.726, 1), "above": (0.852, 0)}[name]  # METHODS §5; the worked example


def test_a_cost_typed_into_the_blank_row_lowers_npv(recalculated):
    scenario, values, _ = recalculated["extra_cost"]
    finance = scenario.finance
    before = compute(scenario).finance
    expected = before.npv - EXTRA_COST * (1 + finance.cost_risk) / (1 + finance.discount_rate)
    assert workbook_value(values, "npv") == pytest.approx(expected, rel=RELATIVE)
    assert workbook_value(values, "costs_by_year")[1] == pytest.approx(
        before.costs_by_year[1] + EXTRA_COST * (1 + finance.cost_risk), rel=RELATIVE
    )
    # No assumption changed, but the Monte Carlo no longer describes this cash flow: it says so.
    assert (workbook_value(values, "inputs_changed"), workbook_value(values, "model_changed")) == (0, 1)
    summary = _summary_rows(values)
    assert summary["NPV P10 (downside)"][3].startswith("Stale")
    assert summary["The app's verdict at export"][3].startswith("Stale")
    # The three findings under the verdict hold the export's numbers ("+$137k … payback 15.2 months") too.
    findings = [row for row in values["Summary"].iter_rows(max_col=5) if row[0].value is None
                and str(row[1].value).startswith(("Output per developer", "Review", "Net present value"))]
    assert len(findings) == 3 and all(str(row[4].value).startswith("Stale") for row in findings)
    assert workbook_value(values, "queue_values_stale") == 0  # costs do not move the review queue


def test_the_demo_workbook_shows_the_engines_calibrated_queue(recalculated):
    """demo_org: f from Assumptions gives 112.6% (the app's headline); the f the engine solves from the
    observed 14.6 h review time (18.2%) gives 154% (the app's "Checked against your data")."""
    scenario, values, formulas = recalculated["demo"]
    review = compute(scenario).review
    calibration = review.calibration
    assert workbook_value(values, "utilization_post") == pytest.approx(review.post.utilization, rel=RELATIVE)
    share = workbook_value(values, "calibrated_review_share")
    assert share == pytest.approx(calibration.review_share, rel=1e-12)
    assert workbook_value(values, "utilization_post_calibrated") == pytest.approx(
        calibration.post.utilization, rel=RELATIVE
    )
    assert (round(review.post.utilization, 3), round(calibration.post.utilization, 2)) == (1.126, 1.54)
    sheet = values["Review capacity"]
    rows = {row[0].value: [c.value for c in row[1:7]] for row in sheet.iter_rows() if row[0].value}
    assert rows["Queue at the calibrated f"][:2] == ["stable", "unstable"]  # before, after adoption
    assert rows["Time in review at the calibrated f"][1] == "unstable"
    assert rows["Observed median time in review, baseline"][0] == pytest.approx(
        scenario.baseline.review_hours * scenario.team.hours_per_week / 168, rel=RELATIVE
    )
    assert "calibrated by the engine from the observed review time" in rows["Review share f, calibrated"][5]
    summary = _summary_rows(values)
    assert summary["Reviewer utilisation after adoption, at the calibrated f"][0] == pytest.approx(
        calibration.post.utilization, rel=RELATIVE
    )
    labels = [row[0].value for row in formulas["Assumptions"].iter_rows()]
    assert not any("shown, not used)" in str(label) and "review" in str(label) for label in labels)


def test_editing_the_observed_review_time_marks_the_calibration_stale(recalculated):
    _, values, _ = recalculated["demo_review_time"]
    assert workbook_value(values, "queue_values_stale") == 1
    sheet = values["Review capacity"]
    row = next(r for r in sheet.iter_rows() if r[0].value == "Review share f, calibrated")
    assert row[4].value.startswith("Stale")


def test_injected_text_stays_literal_after_libreoffice(recalculated):
    _, values, formulas = recalculated["injection"]
    for book in (values, formulas):
        assert (book["Summary"]["B2"].value, book["Summary"]["B2"].data_type) == (INJECTION_NAME, "s")
        data = book["Data pulls"]
        assert [(c.value, c.data_type) for c in (data["B3"], data["C3"], data["B4"], data["C4"])] == [
            (INJECTION_TITLE, "s"),
            ("@dev", "s"),
            ("+1 plain", "s"),
            ("-x", "s"),
        ]


def test_libreoffice_keeps_sheets_names_charts_and_validation(recalculated):
    """Opening and saving in LibreOffice loses nothing: no part of the file needed repairing."""
    scenario, _, formulas = recalculated["worked"]
    original = load_workbook(io.BytesIO(build_workbook(scenario, compute(scenario))))
    assert formulas.sheetnames == original.sheetnames
    assert set(original.defined_names) <= set(formulas.defined_names)
    for title in original.sheetnames:
        assert len(formulas[title]._charts) == len(original[title]._charts), title
    validations = formulas["Checklist"].data_validations.dataValidation
    assert sorted(v.type for v in validations) == ["decimal", "list", "list", "whole"]
    assert formulas["Checklist"].auto_filter.ref
    for title in original.sheetnames:  # long notes wrapped over merged cells; charts start a page
        merged = {str(r) for r in original[title].merged_cells.ranges}
        assert merged <= {str(r) for r in formulas[title].merged_cells.ranges}, title
        breaks = [b.id for b in original[title].row_breaks.brk]
        assert breaks == [b.id for b in formulas[title].row_breaks.brk][: len(breaks)], title


def _checklist_due(values) -> dict[str, tuple[Any, str | None]]:
    """The Checklist's items → (due week, due before wave or None)."""
    sheet = values["Checklist"]
    header = [c.value for c in sheet[CHECKLIST_HEADER_ROW]]
    week, wave = header.index("Due week"), header.index("Due before wave")
    rows = [row for row in sheet.iter_rows(min_row=CHECKLIST_HEADER_ROW + 1)
            if row[0].value and row[0].value != SPARE_ACTIONS_NOTE]
    return {row[0].value: (row[week].value, row[wave].value or None) for row in rows}


def _app_checklist_due(scenario: Scenario) -> dict[str, tuple[int | None, str | None]]:
    return {item.id: (item.due_week, due_before_label(item) or None) for item in rollout_report(scenario).checklist}


def test_checklist_due_before_wave_follows_an_edited_due_week(recalculated):
    """The due week typed into the first row (an item due before the pilot) unties it from the pilot,
    and review-depth brought forward stays due before its wave, as the app does for the same edits:
    every row's due week and "Due before wave" equal the app's."""
    worked, values, _ = recalculated["checklist_edit"]
    got = _checklist_due(values)
    first = next(iter(got))
    plan = default_plan(worked).model_dump()
    plan["checklist"] = [
        {"item_id": first, "due_week": 9, "owner_role": "=1+1 is not a formula"},
        {"item_id": "review-depth", "due_week": 3},
    ]
    app = _app_checklist_due(worked.model_copy(update={"rollout": RolloutPlan.model_validate(plan)}))
    assert got == app
    assert _checklist_due(recalculated["worked"][1])[first] == (0, "Pilot") and app[first] == (9, "late for Pilot")
    assert app["review-depth"] == (3, "Expansion")


def test_gates_judge_the_measured_values_a_pm_enters(recalculated):
    """The gates' results and the waves' go / no-go were the app's at export whatever was entered: a
    change failure rate above its threshold still read "not judged" and the Pilot "not measured yet". Each
    entered gate now gives the app's result and reason for the same plan, and the Pilot is a no-go."""
    worked, values, _ = recalculated["gates_edit"]
    sheet = values["Rollout plan"]
    header = next(row for row in sheet.iter_rows() if row[0].value == "Wave" and row[7].value == "Result")
    rows = [[c.value for c in row[:9]] for row in sheet.iter_rows(min_row=header[0].row + 1) if row[0].value]
    plan = default_plan(worked).model_dump()
    by_metric = {info.label: key for key, info in METRICS.items()}
    for gate in plan["waves"][0]["gates"]:
        gate["measured"] = GATE_EDITS[METRICS[gate["metric"]].label][1]
    plan["baseline"] = {by_metric[label]: base for label, (base, _) in GATE_EDITS.items() if base is not None}
    report = rollout_report(worked.model_copy(update={"rollout": RolloutPlan.model_validate(plan)}))
    app = [(r["Wave"], r["Metric"], r["Result"], r["Reason"]) for r in gate_table(report) if r["Wave"] == "Pilot"]
    assert [(r[0], r[1], r[7], r[8]) for r in rows if r[0] == "Pilot"] == app
    assert [r[7] for r in rows if r[0] == "Pilot"] == ["fail", "pass", "pass", "pass", "pass"]
    assert app[0][3] == "9.0% > 7.0%: fail"
    decisions = _wave_table(sheet)["Go / no-go"][: len(report.waves)]
    assert decisions == ["no-go", "not measured yet", "not measured yet"]
    assert decisions[0] == DECISION_LABELS[report.waves[0].decision]


def test_a_rate_pasted_as_a_percentage_is_not_judged_but_named(recalculated):
    """9 pasted for 9% (validation stops typing it, not pasting) read "900.0% > 7.0%: fail", a no-go."""
    _, values, _ = recalculated["gates_percent"]
    sheet = values["Rollout plan"]
    header = next(row for row in sheet.iter_rows() if row[0].value == "Wave" and row[7].value == "Result")
    rows = [[c.value for c in row[:9]] for row in sheet.iter_rows(min_row=header[0].row + 1) if row[0].value]
    assert [(r[7], r[8]) for r in rows if r[0] == "Pilot"][0] == ("not judged", SHARE_OVER_ONE)
    assert [r[7] for r in rows if r[0] == "Pilot"][1:] == ["pass", "pass", "pass", "pass"]
    assert _wave_table(sheet)["Go / no-go"][0] != "no-go"


def test_checklist_due_dates_follow_the_edited_start_date_and_weeks(recalculated):
    """A start date typed into the Checklist gives every item a due date (week 0 + 7 × its due week),
    including a due week the PM changed; before that the due dates are blank, not 1899-12-30."""
    _, values, _ = recalculated["checklist_edit"]
    sheet = values["Checklist"]
    header = [c.value for c in sheet[CHECKLIST_HEADER_ROW]]
    rows = [row for row in sheet.iter_rows(min_row=CHECKLIST_HEADER_ROW + 1) if row[0].value]
    week, due = header.index("Due week"), header.index("Due date")
    assert rows[0][week].value == 9
    for row in rows:
        if row[week].value is None:
            assert row[due].value in (None, ""), row[0].value
        else:
            assert row[due].value == START_DATE + timedelta(weeks=row[week].value), row[0].value
    unedited = recalculated["worked"][1]["Checklist"]
    dates = [row[due].value for row in unedited.iter_rows(min_row=CHECKLIST_HEADER_ROW + 1) if row[0].value]
    assert dates and all(d in (None, "") for d in dates)

    def start_on_rollout_plan(book) -> Any:
        rows = book["Rollout plan"].iter_rows()
        return next(row[1].value for row in rows if row[0].value == "Week 0 starts on")

    assert start_on_rollout_plan(values) == START_DATE
    assert start_on_rollout_plan(recalculated["worked"][1]) == NO_START_DATE
    waves = {row[0].value: [c.value for c in row[1:]] for row in values["Rollout plan"].iter_rows(max_row=40)}
    weeks = [w for w in waves["Start week"] if w is not None]
    assert waves["Starts on"][: len(weeks)] == [START_DATE + timedelta(weeks=w) for w in weeks]


def test_a_due_week_the_plan_does_not_allow_says_so_in_its_due_date(recalculated):
    """Text, a fraction, a negative week or one past week 520 pasted into a due week: its due date says
    what the week must be instead of going blank (or giving a date before the rollout); the other
    items keep their due dates (start date + 7 × due week) and no cell shows an error value."""
    _, values, _ = recalculated["checklist_bad_weeks"]
    sheet = values["Checklist"]
    header = [c.value for c in sheet[CHECKLIST_HEADER_ROW]]
    rows = [row for row in sheet.iter_rows(min_row=CHECKLIST_HEADER_ROW + 1) if row[0].value]
    week, due = header.index("Due week"), header.index("Due date")
    assert [row[week].value for row in rows[: len(BAD_DUE_WEEKS)]] == list(BAD_DUE_WEEKS)
    assert [row[due].value for row in rows[: len(BAD_DUE_WEEKS)]] == [DUE_WEEK_PROBLEM] * len(BAD_DUE_WEEKS)
    others = rows[len(BAD_DUE_WEEKS) :]
    assert others
    for row in others:
        expected = None if row[week].value is None else START_DATE + timedelta(weeks=row[week].value)
        assert (row[due].value or None) == expected, row[0].value
    assert_no_error_values(values)


@pytest.mark.parametrize("name", list(PLAN_EDITS))
def test_edited_waves_and_prices_cost_what_the_engine_computes(recalculated, name):
    """A wave's start week, seat share or reviewer pool and a seat price typed into the workbook: after
    LibreOffice recalculates, each wave's seats, costs and review load (PRs, review hours, capacity,
    utilisation, backlog, freed hours, extra bugs) and every month of the cost by month equal
    roi.rollout's for the edited plan and scenario (whole months from the month a wave starts, two
    waves starting in one month both named); only the Erlang C values stay the export's, flagged stale
    for the edited waves."""
    scenario, values, _ = recalculated[f"plan_{name}"]
    report = rollout_report(scenario)
    waves = report.waves
    sheet = values["Rollout plan"]
    table = _wave_table(sheet)
    count = len(waves)
    for label, field in (
        ("Start week", "start_week"),
        ("Start month", "start_month"),
        ("End week", "end_week"),
        ("Measure from week", "measure_from_week"),
        ("Developers with a seat", "developers"),
        ("Developers added", "developers_added"),
        ("Seats", "seats"),
        ("Seat cost / month", "seat_cost_per_month"),
        ("Usage cost / month", "usage_cost_per_month"),
        ("Licence cost / month", "licence_cost_per_month"),
        ("Training cost", "training_cost"),
        *WAVE_REVIEW_ROWS,
    ):
        expected = [getattr(w, field) for w in waves]
        got = table[label][:count]
        if label == "Reviewers":  # a cleared pool is blank: the wave reviews with the Assumption's
            got = [scenario.review.reviewers if pool is None else pool for pool in got]
        assert got == pytest.approx(expected, rel=RELATIVE), label
    months = _month_table(sheet)
    expected_months = schedule_table(report)
    assert len(months) == len(expected_months)
    for got, want in zip(months, expected_months, strict=True):
        assert (got["Wave"] or "") == want["Wave"], got["Month"]
        numbers = [k for k in want if k != "Wave"]
        expected = [want[k] for k in numbers]
        assert [got[k] for k in numbers] == pytest.approx(expected, rel=RELATIVE), got["Month"]
    assert_no_error_values(values)
    # The Erlang C values stay the export's, flagged stale for the waves whose share (or the model) changed.
    at_export = _wave_table(recalculated["worked"][1]["Rollout plan"])
    for label in ("Reviewers needed", "Reviewers to add", "Modelled review wait (working h)"):
        assert table[label][:count] == at_export[label][:count], label
    edited_waves, assumptions = PLAN_EDITS[name]
    flags = [bool(flag) for flag in table[WAVE_VALUES_LABEL][:count]]
    queue_inputs = {"seat_share", "reviewers"}  # what the Erlang C values depend on (training does not)
    assert flags == [
        bool(assumptions) or bool(queue_inputs & set(edited_waves.get(index, {}))) for index in range(count)
    ]
    assert all(flag == STALE_NOTE for flag in table[WAVE_VALUES_LABEL][:count] if flag)
    assert not any(table[WAVE_CHECK_LABEL][:count]), "the edited plan is one the app allows"
    # The Checklist's due weeks and "Due before wave" follow the edited waves as the app's do. Its items
    # are the app's at export: an edited assumption may stop one firing (30 reviewers: review-depth).
    got, app = _checklist_due(values), _app_checklist_due(scenario)
    common = got.keys() & app.keys()
    assert len(common) >= len(got) - (1 if assumptions else 0)
    assert {item: got[item] for item in common} == {item: app[item] for item in common}


def test_the_checklist_follows_moved_waves_and_pools(recalculated):
    """The edits reach the checklist: the moved expansion takes its items to week 9; with 25 reviewers
    the expansion needs no more (19), so review-capacity is due before the full rollout (37 > 17)."""
    before = _checklist_due(recalculated["worked"][1])
    moved = _checklist_due(recalculated["plan_moved"][1])
    assert (before["review-depth"], moved["review-depth"]) == ((6, "Expansion"), (9, "Expansion"))
    pooled = _checklist_due(recalculated["plan_expansion_pool"][1])
    assert (before["review-capacity"], pooled["review-capacity"]) == ((6, "Expansion"), (12, "Full rollout"))


def test_the_moved_expansion_starts_in_the_full_rollouts_month(recalculated):
    """The "moved" edit covers two waves starting in one month: both are named, as the engine does."""
    scenario, values, _ = recalculated["plan_moved"]
    assert rollout_report(scenario).schedule[2].wave == "Expansion + Full rollout"
    assert _month_table(values["Rollout plan"])[2]["Wave"] == "Expansion + Full rollout"


def test_an_unedited_rollout_plan_shows_no_stale_note(recalculated):
    _, values, _ = recalculated["worked"]
    table = _wave_table(values["Rollout plan"])
    assert not any(table[WAVE_VALUES_LABEL])
    assert not any(table[WAVE_CHECK_LABEL])
    texts = [c.value for row in values["Rollout plan"].iter_rows() for c in row if isinstance(c.value, str)]
    assert STALE_NOTE not in texts


def test_a_wave_typed_after_the_last_one_is_said_not_costed_by_the_workbook(recalculated):
    """The app adds a wave typed in the next column on Resume; the workbook has no formulas there, so its costs
    and totals went on without it, with nothing said."""
    _, values, _ = recalculated["wave_added"]
    checks = _wave_table(values["Rollout plan"])[WAVE_CHECK_LABEL]
    last = _wave_table(values["Rollout plan"])["Wave"].index("Late joiners") - 1
    assert checks[last] == ADDED_WAVE_NOTE + "."
    assert not any(checks[:last])


@pytest.mark.parametrize("name, stale", [("worked", False), ("edit_developers", True), ("extra_cost", True)])
def test_the_checklist_flags_its_actions_stale_once_the_model_changed(recalculated, name, stale):
    """After an edited assumption (80 developers) or a cost typed on Cash flow, the Checklist's actions and
    their "Why" numbers are the export's: its note says so; an unedited workbook shows none."""
    _, values, _ = recalculated[name]
    sheet = values["Checklist"]
    header = [c.value for c in sheet[CHECKLIST_HEADER_ROW]]
    note = sheet.cell(CHECKLIST_HEADER_ROW - 1, header.index("Due date") + 1).value
    assert (note or "") == (CHECKLIST_STALE_NOTE if stale else "")


def _column_width(sheet, column: int) -> float:
    """Width of ``column`` [characters]; LibreOffice saves columns of one width as one range (C:D)."""
    return next(d.width for d in sheet.column_dimensions.values() if d.min <= column <= d.max)


def test_a_delivery_term_missing_a_period_counts_zero_in_the_spreadsheet_too(recalculated):
    """METHODS §1, a term is 0 where its inputs are null: with recovery measured before adoption only, the
    recalculated recovery rows are 0 and ΔI is the rework term alone, (12·0.1 − 10·0.1)·4 / 50 = 0.016 h."""
    _, values, _ = recalculated["delivery_one_period"]
    assert workbook_value(values, "failure_hours_baseline") == 0
    assert workbook_value(values, "failure_hours_post") == 0
    assert workbook_value(values, "rework_deploys_baseline") == pytest.approx(1.0)
    assert workbook_value(values, "incident_hours") == pytest.approx(0.016, rel=1e-12)


@pytest.mark.parametrize("name", list(LINKED_ASSUMPTION_EDITS))
def test_a_cleared_assumption_the_waves_follow_is_named_once_not_blamed_on_the_waves(recalculated, name):
    """Clearing ``reviewers`` on Assumptions made every wave's check say "Reviewers must be a whole number
    …" (its link showed 0), blaming the waves. After LibreOffice recalculates, the waves' checks stay empty
    and one line beside the "Waves" heading says which Assumptions cell to fix, only while a wave follows
    it; the Summary's verdict still says what is wrong with the assumption. A cleared cell leaves no
    #DIV/0! on the sheet."""
    _, values, _ = recalculated[f"linked_{name}"]
    sheet = values["Rollout plan"]
    checks = _wave_table(sheet)[WAVE_CHECK_LABEL][:3]
    assert [check or "" for check in checks] == ["", "", ""]
    heading = next(row for row in sheet.iter_rows() if row[0].value == "Waves")
    expected = LINKED_ASSUMPTION_EDITS[name][2]
    shown = heading[1].value or ""
    if expected.startswith("Check the assumptions: "):  # the Summary verdict's words, the Assumptions rule's text
        assert shown.startswith(expected) and shown == workbook_value(values, "verdict"), shown
    else:
        assert shown == expected
    assert [c.value for c in heading[2:]] == [None] * len(heading[2:])  # one line, once
    if shown:  # the line is wide enough for its text: no taller row, nothing cut
        span = next(r for r in sheet.merged_cells.ranges if r.min_row == heading[1].row)
        width = sum(_column_width(sheet, c) for c in range(span.min_col, span.max_col + 1))
        assert wrapped_lines(shown, width) == 1 and heading[1].alignment.wrap_text
    assert workbook_value(values, "verdict").startswith("Check the assumptions: ")
    if None in LINKED_ASSUMPTION_EDITS[name][1].values():  # a cleared cell (text gives #VALUE!, as anywhere)
        errors = [(c.coordinate, c.value) for row in sheet.iter_rows() for c in row if c.value in ERROR_VALUES]
        assert errors == []  # the utilisation a cleared pool leaves no capacity for is blank, not #DIV/0!


@pytest.mark.parametrize("name", list(BAD_WAVE_EDITS))
def test_every_check_message_has_room_in_its_row(recalculated, name):
    """A spreadsheet does not grow a row for a formula's text: the Check row is made tall enough for a
    wave that breaks two rules, so after LibreOffice recalculates, each wave's messages fit the row's
    height in the wave's column (the second message was cut until the cell was opened)."""
    _, values, _ = recalculated[f"bad_wave_{name}"]
    sheet = values["Rollout plan"]
    row = next(r for r in sheet.iter_rows() if r[0].value == WAVE_CHECK_LABEL)
    height = sheet.row_dimensions[row[0].row].height
    shown = [c for c in row[1:4] if c.value]
    assert shown
    for cell in shown:
        assert cell.alignment.wrap_text, cell.coordinate
        lines = wrapped_lines(cell.value, _column_width(sheet, cell.column))
        assert height >= LINE_HEIGHT_POINTS * lines, (cell.coordinate, height, lines)


@pytest.mark.parametrize("name", list(BAD_WAVE_EDITS))
def test_a_wave_input_the_plan_does_not_allow_is_named_on_its_wave(recalculated, name):
    """Validation does not stop a pasted value: after LibreOffice recalculates, the wave's live check
    (under its name) says what is wrong — text, a blank, a share typed as a percentage, a pool of 0, a
    wave out of order or after the horizon, as roi.rollout_models would refuse the plan — and the
    other waves' checks stay empty."""
    waves, expected = BAD_WAVE_EDITS[name]
    _, values, _ = recalculated[f"bad_wave_{name}"]
    checks = _wave_table(values["Rollout plan"])[WAVE_CHECK_LABEL][:3]
    assert [check or "" for check in checks] == expected
    plan = default_plan(recalculated["worked"][0]).model_dump()
    for index, edits in waves.items():
        plan["waves"][index].update(edits)
    with pytest.raises((ValueError, ScenarioError)):  # the app refuses each of these plans
        plan_waves = RolloutPlan.model_validate(plan)
        rollout_report(recalculated["worked"][0].model_copy(update={"rollout": plan_waves}))
    # No budget from a plan the app refuses (a share typed as 30 gave months of −521,460, and a share of 1.5
    # "−25 developers added"): the waves' figures and the months blank, and said; the checks stay.
    table = _wave_table(values["Rollout plan"])
    for label in ("Start month", "Developers added", "Licence cost / month", "Reviewer utilisation", "Freed h / week"):
        assert all(value in (None, "") for value in table[label][:3]), (name, label, table[label][:3])
    months = _month_table(values["Rollout plan"])
    assert all(month[column] in (None, "") for month in months for column in ("Seat cost", "Total cost")), name
    rows = [[c.value for c in row] for row in values["Rollout plan"].iter_rows()]
    heading = next(i for i, row in enumerate(rows) if row[0] == "Cost by month (live, from the waves and Assumptions)")
    assert rows[heading + 1][0] == PLAN_NOT_ALLOWED
    # and the Checklist, whose due weeks follow those waves, says so above its table
    checklist = values["Checklist"]
    header = [c.value for c in checklist[CHECKLIST_HEADER_ROW]]
    assert checklist.cell(CHECKLIST_HEADER_ROW - 1, header.index("Due date") + 1).value == CHECKLIST_PLAN_NOT_ALLOWED


# --- Edits a PM makes in the workbook over weeks --------------------------------------------


@pytest.mark.parametrize("how", ["cleared", "zeroed"])
@pytest.mark.parametrize("name", list(CLEARED_INPUTS))
def test_a_cleared_or_zeroed_divisor_leaves_no_error_value_anywhere(recalculated, name, how):
    """loc_per_hour cleared filled 134 cells with #DIV/0! (NPV, ROI, payback among them): now the cells
    that divide by it are blank, the verdict names the input, and what does not depend on it keeps its value."""
    scenario, values, _ = recalculated[f"{how}_{name}"]
    assert_no_error_values(values)
    assert workbook_value(values, "verdict").startswith(f"Check the assumptions: {name} must be")
    for output in CLEARED_INPUTS[name]:
        assert workbook_value(values, output) in (None, ""), output
    if name in QUEUE_ONLY_INPUTS:
        assert workbook_value(values, "npv") == pytest.approx(compute(scenario).finance.npv, rel=RELATIVE)


def test_tool_line_labels_follow_an_edited_tool_name(recalculated):
    _, values, _ = recalculated["tool_renamed"]
    labels = [c.value for c in values["Cash flow"]["A"] if "Cursor" in str(c.value)]
    assert labels == [f"Tool 1 licences ({RENAMED_TOOL})", f"Tool 1 usage ({RENAMED_TOOL})"]
    _, unedited, _ = recalculated["worked"]
    name = recalculated["worked"][0].costs.tools[0].name
    assert [c.value for c in unedited["Cash flow"]["A"] if name in str(c.value)] == [
        f"Tool 1 licences ({name})", f"Tool 1 usage ({name})"
    ]


def _go_no_go(values) -> list[str]:
    return _wave_table(values["Rollout plan"])["Go / no-go"][:3]


def test_a_gate_typed_under_the_table_counts_in_its_waves_go_no_go(recalculated):
    """A gate typed in the row under the last one was ignored: its failure now makes the wave a no-go."""
    assert _go_no_go(recalculated["worked"][1]) == [DECISION_LABELS["incomplete"]] * 3
    assert _go_no_go(recalculated["gate_typed_below"][1]) == [DECISION_LABELS["incomplete"]] * 2 + [
        DECISION_LABELS["no-go"]
    ]


LO_AMOUNT = 10_000.0
"""A cost typed into a cost line inserted in LibreOffice."""


@pytest.fixture(scope="module")
def edited_in_libreoffice(tmp_path_factory):
    """The worked example after edits made in LibreOffice itself (rows inserted as a user inserts them,
    inputs cleared, recalculated and typed back): name → (values, formulas)."""
    scenario = scenario_from_dict(worked_data())
    base = build_workbook(scenario, compute(scenario))
    book = load_workbook(io.BytesIO(base))
    cash, plan = book["Cash flow"], book["Rollout plan"]
    setup = next(row[0].row for row in cash.iter_rows() if str(row[0].value).startswith("Set-up"))
    total = _spacer_row(cash) + 1
    note = _gates_note_row(plan)
    steps = {
        # directly above the first cost line (set-up), year 0; directly above the total, year 1
        "cost_above_setup": [f"insrow|Cash flow|{setup}", f"text|Cash flow|A{setup}|Security review",
                             f"num|Cash flow|B{setup}|{LO_AMOUNT}"],
        "cost_above_total": [f"insrow|Cash flow|{total}", f"text|Cash flow|A{total}|Security review",
                             f"num|Cash flow|C{total}|{LO_AMOUNT}"],
        # a row inserted above the line closing the gates' spare rows: a failed gate of the pilot's
        "gate_inserted": [f"insrow|Rollout plan|{note}", f"text|Rollout plan|A{note}|Pilot",
                          f"text|Rollout plan|B{note}|Incidents per week", f"text|Rollout plan|H{note}|fail"],
    }
    for name in CLEARED_INPUTS:
        (cell,) = _cells(book, name)
        where = f"Assumptions|{cell.coordinate}"
        steps[f"restored_{name}"] = [f"clear|{where}", "calc", f"num|{where}|{cell.value!r}"]
    edited = edit_in_libreoffice(
        {name: (base, ops) for name, ops in steps.items()}, tmp_path_factory.mktemp("libreoffice_edits")
    )
    return {
        name: (load_workbook(io.BytesIO(data), data_only=True), load_workbook(io.BytesIO(data)))
        for name, data in edited.items()
    }


@pytest.mark.parametrize("name, year", [("cost_above_setup", 0), ("cost_above_total", 1)])
def test_a_cost_line_inserted_first_or_last_lowers_npv_by_its_discounted_cost(edited_in_libreoffice, name, year):
    """A row inserted directly above "Set-up" (the first cost line) or directly above the total (below
    "Other costs") fell outside SUM(set-up:other costs) and NPV ignored it: now it counts, discounted."""
    values, formulas = edited_in_libreoffice[name]
    scenario = scenario_from_dict(worked_data())
    finance = compute(scenario).finance
    cost = LO_AMOUNT * (1 + scenario.finance.cost_risk) / (1 + scenario.finance.discount_rate) ** year
    assert workbook_value(values, "npv") == pytest.approx(finance.npv - cost, rel=RELATIVE)
    costs = list(finance.costs_by_year)
    costs[year] += LO_AMOUNT * (1 + scenario.finance.cost_risk)
    assert workbook_value(values, "costs_by_year") == pytest.approx(costs, rel=RELATIVE)
    assert workbook_value(values, "model_changed") == 1
    assert_no_error_values(values)
    assert any(row[0].value == "Security review" for row in formulas["Cash flow"].iter_rows())


def test_a_gate_row_inserted_above_the_closing_line_counts(edited_in_libreoffice):
    values, _ = edited_in_libreoffice["gate_inserted"]
    assert _go_no_go(values) == [DECISION_LABELS["no-go"]] + [DECISION_LABELS["incomplete"]] * 2


@pytest.mark.parametrize("name", list(CLEARED_INPUTS))
def test_a_cleared_input_typed_back_gives_the_exported_numbers(edited_in_libreoffice, name):
    """Cleared, recalculated, typed back: every named output is the engine's again (nothing stays blank)."""
    values, formulas = edited_in_libreoffice[f"restored_{name}"]
    assert_outputs_match(values, formulas, scenario_from_dict(worked_data()))
    assert_no_error_values(values)


def test_the_cost_lines_open_with_a_label_row_the_total_sums_from(recalculated):
    _, values, _ = recalculated["worked"]
    sheet = values["Cash flow"]
    opening = next(row for row in sheet.iter_rows() if row[0].value == COST_LINES)
    assert all(c.value is None for c in opening[1:5])  # blank year cells: nothing to add to the total
