"""The engine's value of each named model output, stored as the result of its formula cell.

The Productivity, Review capacity and Cash flow sheets are formulas; a viewer that does not
recalculate (mail and chat previews, ``pandas.read_excel``) shows a formula's stored result only
(``roi.export.cached_values``).  For the exported scenario the workbook equals the engine (the
LibreOffice tests check it), so each named output — and each year of a named by-year row — is
stored with the engine's value.  Other formula cells (intermediate rows, discount factors) stay
without a result: a spreadsheet computes them on opening (``fullCalcOnLoad``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

from roi import capacity, finance, productivity
from roi.export.cached_values import CachedValue
from roi.export.layout import Cell, Formula, Sheet
from roi.export.model_sheets import NO_BREAK_EVEN, NO_COSTS
from roi.inputs import FAILURE_INPUTS, REWORK_INPUTS, delivery_term_counted, npv_per_net_hour, resolve_inputs
from roi.models import QueueStats, Results, Scenario
from roi.verdict import payback_text

Known = CachedValue | Sequence[float]


def model_results(scenario: Scenario, results: Results) -> dict[str, Known]:
    """Named output → the engine's value for ``scenario`` (a list for a by-year range)."""
    p, review, fin = results.productivity, results.review, results.finance
    team, s = scenario.team, scenario

    def workload(prs: float, effort: float) -> float:
        return team.developers * prs * effort

    failures_counted = delivery_term_counted(s, FAILURE_INPUTS)
    rework_counted = delivery_term_counted(s, REWORK_INPUTS)
    failure, rework = {}, {}
    for period, values in (("baseline", s.baseline), ("post", s.post)):  # 0 unless both periods give a term
        failure[period] = productivity.failure_hours_per_week(
            values.deployments_per_week, values.change_failure_rate, values.recovery_hours
        ) if failures_counted else 0.0
        rework[period] = productivity.rework_deploys_per_week(
            values.deployments_per_week, values.rework_rate
        ) if rework_counted else 0.0
    found: dict[str, Known | None] = {
        "output_change": p.output_change,
        "gross_gain_hours": p.gross_gain_hours,
        "review_tax_hours": p.review_tax_hours,
        "defect_hours": p.defect_hours,
        "incident_hours": p.incident_hours,
        "net_hours": p.net_hours,
        "qapi": p.qapi,
        "naive_index": p.naive_index,
        "post_pr_size_capped_loc": s.post.pr_size_loc,  # the engine's L1 is the capped one
        "effort_baseline_hours": review.baseline.effort_hours,
        "effort_post_hours": review.post.effort_hours,
        "failure_hours_baseline": failure["baseline"],
        "failure_hours_post": failure["post"],
        "rework_deploys_baseline": rework["baseline"],
        "rework_deploys_post": rework["post"],
        "arrival_baseline_per_hour": review.baseline.arrival_per_hour,
        "arrival_post_per_hour": review.post.arrival_per_hour,
        "offered_load_baseline": review.baseline.offered_load,
        "offered_load_post": review.post.offered_load,
        "utilization_baseline": review.baseline.utilization,
        "utilization_post": review.post.utilization,
        "review_workload_baseline_hours": workload(s.baseline.prs_per_dev_week, review.baseline.effort_hours),
        "review_workload_post_hours": workload(s.post.prs_per_dev_week, review.post.effort_hours),
        "review_capacity_hours": s.review.reviewers * s.review.review_share * team.hours_per_week,
        "backlog_growth_baseline_hours_per_week": capacity.backlog_growth_hours_per_week(
            team.developers,
            s.baseline.prs_per_dev_week,
            review.baseline.effort_hours,
            s.review.reviewers,
            s.review.review_share,
            team.hours_per_week,
        ),
        "backlog_growth_hours_per_week": review.backlog_growth_hours_per_week,
        "min_time_in_review_hours": review.min_time_in_review_hours,
        "benefits_by_year": fin.benefits_by_year,
        "costs_by_year": fin.costs_by_year,
        "idle_seat_cost_by_year": fin.idle_seat_cost_by_year,
        "net_cash_flow_by_year": [b - c for b, c in zip(fin.benefits_by_year, fin.costs_by_year)],
        "cumulative_cash_flow_by_year": finance.cumulative_net(fin.benefits_by_year, fin.costs_by_year),
        "pv_benefits": fin.pv_benefits,
        "pv_costs": fin.pv_costs,
        "npv": fin.npv,
        "roi": NO_COSTS if fin.roi is None else fin.roi,
        "payback_months": payback_text(results) if fin.payback_months is None else fin.payback_months,
        "break_even_net_hours": NO_BREAK_EVEN if fin.break_even_net_hours is None else fin.break_even_net_hours,
        # Floats, not arrays: the scenario's own inputs, no Monte Carlo draws.
        "npv_per_net_hour": float(npv_per_net_hour(resolve_inputs(scenario))),
        "fte_cost_used": scenario.fte_annual_cost,
        "downtime_cost_change_per_year": float(finance.downtime_cost_change_per_year(
            failure["post"] - failure["baseline"],
            team.working_weeks_per_year,
            s.quality.downtime_cost_per_hour,
            s.quality.impact_share,
        )),
        "queue_values_stale": 0,
        "model_changed": 0,
    }
    calibration = review.calibration
    if calibration is not None and calibration.review_share is not None:
        share = calibration.review_share

        def utilization(queue: QueueStats) -> float:
            return queue.arrival_per_hour * queue.effort_hours / share / s.review.reviewers

        found |= {
            "utilization_baseline_calibrated": utilization(review.baseline),
            "utilization_post_calibrated": utilization(review.post),
            "backlog_growth_calibrated_hours_per_week": capacity.backlog_growth_hours_per_week(
                team.developers,
                s.post.prs_per_dev_week,
                review.post.effort_hours,
                s.review.reviewers,
                share,
                team.hours_per_week,
            ),
        }
    return {name: value for name, value in found.items() if value is not None}


def _stored(cell: Cell | None, value: CachedValue) -> Cell | None:
    """``cell`` with ``value`` as its formula's stored result (a cell already holding one is kept)."""
    if cell is None or not isinstance(cell.value, Formula) or cell.value.cached is not None:
        return cell
    return dataclasses.replace(cell, value=dataclasses.replace(cell.value, cached=value))


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index


def store_results(sheets: Sequence[Sheet], known: Mapping[str, Known]) -> None:
    """Give every named formula cell (and each cell of a named one-row range) of ``sheets`` its
    value from ``known`` as its stored result."""
    for sheet in sheets:
        for row in sheet.rows:
            for index, cell in enumerate(row):
                if cell is None or cell.name is None or cell.name not in known:
                    continue
                value = known[cell.name]
                if not isinstance(value, list):  # a by-year list goes to its named range, below
                    # Not a list, so one CachedValue (mypy cannot narrow Sequence[float] away by `list`).
                    row[index] = _stored(cell, value)  # type: ignore[arg-type]
        for name, cells in sheet.range_names.items():
            values = known.get(name)
            found = re.fullmatch(r"\$([A-Z]+)\$([0-9]+):\$([A-Z]+)\$([0-9]+)", cells)
            if not isinstance(values, list) or found is None or found.group(2) != found.group(4):
                continue
            row = sheet.rows[int(found.group(2)) - 1]
            first, last = _column_index(found.group(1)), _column_index(found.group(3))
            if last - first + 1 != len(values):
                continue
            for offset, value in enumerate(values):
                if first - 1 + offset < len(row):
                    row[first - 1 + offset] = _stored(row[first - 1 + offset], value)
