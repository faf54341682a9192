"""``build_workbook``: the stakeholder workbook as .xlsx bytes, a live Excel model of the scenario.

Sheets: Summary, Assumptions, Metrics, Productivity, Review capacity, Cash flow, Sensitivity,
Rollout plan, Checklist, Data, and the hidden Scenario file (:mod:`roi.workbook_edits` reads it
back).  Productivity, Review capacity (utilisation, backlog) and Cash
flow are formulas over the named Assumption cells, so the workbook recalculates when an
assumption changes and agrees with ``roi.compute`` to floating-point precision.  See
docs/workbook.md for every sheet and defined name.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from roi.export.assumptions import assumptions_sheet
from roi.export.data_sheets import ROW_LIMIT, data_sheets
from roi.export.known_results import model_results, store_results
from roi.export.layout import DocumentProperties, WorkbookLayout
from roi.export.model_sheets import cash_flow_sheet, productivity_sheet, review_capacity_sheet
from roi.export.report_sheets import metrics_sheet, sensitivity_sheet, summary_sheet
from roi.export.rollout_sheets import checklist_sheet, rollout_sheet
from roi.export.scenario_sheet import scenario_file_sheet
from roi.export.xlsx import render
from roi.models import Results, Scenario
from roi.rollout import rollout_report
from roi.rollout_models import RolloutPlan

SHEET_ORDER = (
    "Summary",
    "Assumptions",
    "Metrics",
    "Productivity",
    "Review capacity",
    "Cash flow",
    "Sensitivity",
    "Rollout plan",
    "Checklist",
)
"""Tab order of the fixed sheets; the Data sheet(s) follow."""


def build_layout(
    scenario: Scenario,
    results: Results,
    *,
    metrics: Any | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    plan: RolloutPlan | None = None,
    created: datetime | None = None,
    row_limit: int = ROW_LIMIT,
) -> WorkbookLayout:
    """The workbook's description (see :func:`build_workbook`), before rendering."""
    created = created or datetime.now(timezone.utc)
    rollout = rollout_report(
        scenario if plan is None else scenario.model_copy(update={"rollout": plan}), results
    )
    cash_flow = cash_flow_sheet(scenario)
    sensitivity = sensitivity_sheet(scenario, results)
    charts = [*cash_flow.charts, *sensitivity.charts]
    sheets = [
        summary_sheet(scenario, results, created, charts),
        assumptions_sheet(scenario),
        metrics_sheet(scenario, metrics),
        productivity_sheet(scenario),
        review_capacity_sheet(scenario, results),
        cash_flow,
        sensitivity,
        rollout_sheet(scenario, rollout),
        checklist_sheet(rollout),
    ]
    assert [s.title for s in sheets] == list(SHEET_ORDER)
    store_results(sheets, model_results(scenario, results))  # for viewers that do not recalculate
    sources = scenario.measurement.sources if scenario.measurement else []
    sheets += data_sheets(tables, {s.title for s in sheets}, row_limit, sources)
    # the scenario as exported (with the plan shown), for the app to open the edited workbook again
    sheets.append(scenario_file_sheet(scenario if plan is None else scenario.model_copy(update={"rollout": plan})))
    return WorkbookLayout(
        sheets=sheets,
        properties=DocumentProperties(
            title=f"AI coding assistant ROI: {scenario.name}",
            subject=scenario.name,
            created=created,
            description="Live model: edit the yellow cells on the Assumptions sheet and every output "
            "recalculates.",
            keywords="ROI, NPV, AI coding assistant, review capacity",
        ),
        currency=scenario.currency,
        custom_properties={"Scenario": scenario.name, "Exported": created.date().isoformat()},
    )


def build_workbook(
    scenario: Scenario,
    results: Results,
    *,
    metrics: Any | None = None,
    tables: Mapping[str, pd.DataFrame] | None = None,
    plan: RolloutPlan | None = None,
    created: datetime | None = None,
    row_limit: int = ROW_LIMIT,
) -> bytes:
    """The stakeholder workbook of ``scenario`` as .xlsx bytes.

    Parameters:
        scenario: the scenario; its inputs become the named Assumption cells.
        results: ``roi.compute(scenario)``; values the workbook cannot recompute (Erlang C queue,
            Monte Carlo, tornado, checklist) are taken from it.
        metrics: measured metrics (a mapping or pydantic model shaped like CONTRACT "Metrics
            JSON"), shown with their intervals on the Metrics sheet; ``None`` for estimates.
        tables: normalised event tables by name, one Data sheet each, cut at ``row_limit``
            rows with a note.
        plan: the rollout plan to show instead of ``scenario.rollout``; with neither, the
            default plan of ``roi.rollout`` (pilot, expansion, full rollout).
        created: export time for the document properties (default: now, UTC).
        row_limit: rows of each event table written; the rest are left out with a note.
    """
    return render(
        build_layout(
            scenario, results, metrics=metrics, tables=tables, plan=plan, created=created, row_limit=row_limit
        )
    )
