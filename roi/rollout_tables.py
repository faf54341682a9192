"""The rollout plan as tables: rows to show or export, and edited rows back into a plan.

*Output tables* (``wave_table``, ``schedule_table``, ``gate_table``, ``checklist_table``) are
lists of dicts with reader-facing column names in a fixed order: the Rollout page shows
them and the workbook's "Rollout plan" and "Checklist" sheets write them, so both show the
same numbers.  Money is in the report's currency, hours per week are working hours.

*Input tables* (``wave_input_rows`` / ``waves_from_rows`` and the like) are what the page's
editors hold; the ``*_from_rows`` functions turn edited rows back into plan models and raise
:class:`~roi.errors.ScenarioError` naming the row (1-based) and column of a bad cell.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypeVar, overload

from pydantic import BaseModel, ValidationError

from roi import formatting
from roi.errors import ScenarioError
from roi.models import Results, Scenario, validation_message
from roi.percent_slip import percent_meant, slipped_beside
from roi.rollout import (
    METRICS,
    ExpectationsResult,
    GateResult,
    RolloutReport,
    TrackedChecklistItem,
    baseline_metrics,
    developers_with_seats,
    format_metric,
    kept_tracking,
    track_checklist,
)
from roi.rollout_models import (
    ChecklistTracking,
    Expectations,
    Gate,
    RolloutPlan,
    TimeAllocation,
    Wave,
)

Key = TypeVar("Key")
Model = TypeVar("Model", bound=BaseModel)

COMPARISON_LABELS = {"at_most": "at most", "at_least": "at least"}
RULE_LABELS = {
    ("at_most", "absolute"): "≤",
    ("at_least", "absolute"): "≥",
    ("at_most", "baseline_plus"): "≤ baseline +",
    ("at_least", "baseline_plus"): "≥ baseline +",
    ("at_most", "baseline_times"): "≤ baseline ×",
    ("at_least", "baseline_times"): "≥ baseline ×",
}
"""A gate's comparison and basis as one editor cell: pass if the measured value is ≤ or ≥ the threshold,
the baseline + the threshold or the baseline × the threshold."""
STATUSES = ("todo", "doing", "done", "not applicable")
DECISION_LABELS = {"go": "go", "no-go": "no-go", "incomplete": "not measured yet", "no gates": "no gates"}


# --- Output tables -------------------------------------------------------------------------


def wave_table(report: RolloutReport) -> list[dict[str, Any]]:
    """One row per wave: seats, monthly cost, review load and staffing, decision."""
    return [
        {
            "Wave": w.name,
            "Teams": w.teams,
            "Start week": w.start_week,
            "End week": w.end_week,
            "Measure from week": w.measure_from_week,
            "Share of developers": w.seat_share,
            "Developers with a seat": w.developers,
            "Developers added": w.developers_added,
            "Seats": w.seats,
            "Seat cost / month": w.seat_cost_per_month,
            "Usage cost / month": w.usage_cost_per_month,
            "Licence cost / month": w.licence_cost_per_month,
            "Training h / developer": w.training_hours_per_dev,
            "Training cost": w.training_cost,
            "PRs / week": w.prs_per_week,
            "Extra PRs / week": w.extra_prs_per_week,
            "Review h / week": w.review_hours_per_week,
            "Extra review h / week": w.extra_review_hours_per_week,
            "Review capacity h / week": w.review_capacity_hours_per_week,
            "Reviewers": w.reviewers,
            "Reviewers needed": w.reviewers_needed,
            "Reviewers to add": w.reviewers_to_add,
            "Reviewer utilisation": w.utilization,
            "Modelled review wait (working h)": w.wait_hours,
            "Review backlog growth h / week": w.backlog_growth_hours_per_week,
            "Freed h / week": w.net_hours_per_week,
            "Extra bugs / week": w.extra_bugs_per_week,
            "Go / no-go": DECISION_LABELS[w.decision],
        }
        for w in report.waves
    ]


def schedule_table(report: RolloutReport) -> list[dict[str, Any]]:
    """One row per month of the horizon: cost by kind, total and running total (not risk-adjusted)."""
    return [
        {
            "Month": m.month,
            "Year": m.year,
            "Wave": m.wave or "",
            "Developers with a seat": m.developers,
            "Seats": m.seats,
            "Seat cost": m.seat_cost,
            "Usage cost": m.usage_cost,
            "Training cost": m.training_cost,
            "Governance cost": m.governance_cost,
            "One-off cost": m.one_off_cost,
            "Total cost": m.total_cost,
            "Cumulative cost": m.cumulative_cost,
        }
        for m in report.schedule
    ]


def _rule(basis: str, comparison: str, threshold: float, metric: str) -> str:
    """The gate's rule in words: "at most baseline +2.0 points", "at most 400 LOC"."""
    if basis == "absolute":
        return f"{COMPARISON_LABELS[comparison]} {format_metric(metric, threshold)}"
    if basis == "baseline_plus":
        amount = f"{threshold * 100:+.1f} points" if METRICS[metric].unit == "fraction" else f"{threshold:+g}"
        return f"{COMPARISON_LABELS[comparison]} baseline {amount}"
    return f"{COMPARISON_LABELS[comparison]} baseline × {threshold:g}"


NOT_MEASURED = "not measured yet"
NO_BASELINE = "no baseline"


def gate_state(result: GateResult) -> str:
    """A gate's result in a few words: pass, fail, or why it cannot be judged (no baseline for a relative
    threshold, or no measurement yet)."""
    if result.passed is not None:
        return "pass" if result.passed else "fail"
    return NO_BASELINE if result.threshold is None else NOT_MEASURED


def gate_table(report: RolloutReport, *, formatted: bool = False) -> list[dict[str, Any]]:
    """One row per gate: the rule, baseline, threshold and measured value side by side, and the verdict.

    ``formatted=True`` gives the values as text in their unit and the result in a few words
    (:func:`gate_state`; what to do about an unjudged gate is said once, by :func:`gate_advice`), for the
    page, where a sentence per row wrapped one word a line beside the sidebar at 1024 px.  Otherwise
    numbers with a unit column, "not judged" and the engine's reason for each gate (for the workbook).
    """
    rows = []
    for wave, result in ((w, g) for w in report.waves for g in w.gates):
        numbers = {"Baseline": result.baseline, "Threshold": result.threshold, "Measured": result.measured}
        values: Mapping[str, float | str | None] = numbers
        if formatted:
            values = {
                key: format_metric(result.metric, value) if value is not None else "—"
                for key, value in numbers.items()
            }
        verdict = {"Result": gate_state(result)} if formatted else {
            "Unit": METRICS[result.metric].unit,
            "Result": gate_state(result) if result.passed is not None else "not judged",
            "Reason": result.reason,
        }
        rows.append(
            {
                "Wave": wave.name,
                "Metric": result.label,
                "Rule": _rule(result.basis, result.comparison, result.setting, result.metric),
                **values,
                **verdict,
            }
        )
    return rows


def gate_advice(report: RolloutReport) -> list[str]:
    """What to do about the gates that cannot be judged, once for all of them: the metrics without a
    baseline, then the gates not measured yet (the page's table says only which state each gate is in)."""
    unjudged = [(wave.name, gate) for wave in report.waves for gate in wave.gates if gate.passed is None]
    no_baseline = list(dict.fromkeys(gate.label.lower() for _, gate in unjudged if gate_state(gate) == NO_BASELINE))
    not_measured = list(dict.fromkeys(name for name, gate in unjudged if gate_state(gate) == NOT_MEASURED))
    advice = []
    if no_baseline:
        advice.append(
            f"No baseline for {formatting.listed(no_baseline)}: enter it under “Baselines the gates compare with”, or measure "
            "the pre-rollout period from exports (the first wave's earlier data becomes the baseline)."
        )
    if not_measured:
        advice.append(
            f"Not measured yet ({formatting.listed(not_measured)}): load exports covering the wave's measured period and use "
            "“Measure a wave from the loaded exports”, or enter the measured value in the gates table above."
        )
    return advice


LATE_FOR = "late for "
"""How "Due before wave" names the wave an item is due after the start of (the workbook's formula says the same)."""


def due_before_label(item: TrackedChecklistItem) -> str:
    """The "Due before wave" cell: the wave the item is done before, "late for <wave>" when its due week falls
    after that wave starts, or blank when it is tied to no wave."""
    return item.wave or (LATE_FOR + item.late_for if item.late_for else "")


def checklist_table(report: RolloutReport) -> list[dict[str, Any]]:
    """One row per tracked checklist item, engine order, then items that no longer fire."""
    return [
        {
            "Item": item.id,
            "Action": item.title,
            "Category": item.category or "",
            "Priority": item.priority,
            "Owner": item.owner_role,
            "Due week": item.due_week,
            "Due before wave": due_before_label(item),
            "Status": item.status,
            "Notes": item.notes,
            "Still triggered": item.fires,
            "Why": item.reason,
        }
        for item in report.checklist
    ]


def late_checklist_items(report: RolloutReport) -> list[str]:
    """A warning for each checklist item whose due week, set by the team, falls after the start of the wave it
    should be done before: the wave would start without it (the table's "Wave" cell goes blank)."""
    starts = {wave.name: wave.start_week for wave in report.waves}
    return [
        f"'{item.title}' is due in week {item.due_week}, after '{item.late_for}' starts in week "
        f"{starts[item.late_for]}, which it should come before: move it to week {starts[item.late_for]} or "
        "earlier, or the wave starts without it."
        for item in report.checklist
        if item.late_for is not None and item.late_for in starts
    ]


# --- Cell parsing ----------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or (isinstance(value, str) and not value.strip())
    )


@overload
def _number(row: Mapping[str, Any], column: str, index: int, *, required: Literal[True] = True) -> float: ...
@overload
def _number(row: Mapping[str, Any], column: str, index: int, *, required: bool) -> float | None: ...
def _number(row: Mapping[str, Any], column: str, index: int, *, required: bool = True) -> float | None:
    value: Any = row.get(column)  # a table cell, of any type; None is blank
    if _blank(value):
        if required:
            raise ScenarioError("is empty; enter a number", row=index + 1, column=column)
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ScenarioError(f"{value!r} is not a number", row=index + 1, column=column) from None
    if not math.isfinite(number):
        raise ScenarioError("is not a finite number", row=index + 1, column=column)
    return number


@overload
def _whole(row: Mapping[str, Any], column: str, index: int, *, required: Literal[True] = True) -> int: ...
@overload
def _whole(row: Mapping[str, Any], column: str, index: int, *, required: bool) -> int | None: ...
def _whole(row: Mapping[str, Any], column: str, index: int, *, required: bool = True) -> int | None:
    number = _number(row, column, index, required=required)
    if number is None:
        return None
    if number != int(number):
        raise ScenarioError(f"{number:g} is not a whole number", row=index + 1, column=column)
    return int(number)


def _text(row: Mapping[str, Any], column: str) -> str:
    value = row.get(column)
    return "" if _blank(value) else str(value).strip()


def _choice(row: Mapping[str, Any], column: str, index: int, labels: Mapping[Key, str]) -> Key:
    """The key whose label (or, for a string key, the key itself) is the cell's text."""
    value = _text(row, column)
    for key, label in labels.items():
        if value in (key, label):
            return key
    raise ScenarioError(
        f"{value!r} is not one of {', '.join(labels.values())}"
        if value
        else f"is empty; choose one of {', '.join(labels.values())}",
        row=index + 1,
        column=column,
    )


def _validated(model: type[Model], data: dict[str, Any], index: int | None = None) -> Model:
    """``model.model_validate(data)``; a validation error becomes a ScenarioError naming the field."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        field, message = validation_message(error)  # "must be at most 1000 (got 5000); change it …"
        raise ScenarioError(message, row=None if index is None else index + 1, field=field or None) from None


def update_plan(plan: RolloutPlan, **changes: Any) -> RolloutPlan:
    """The plan with ``changes`` applied and the whole plan re-validated (ScenarioError if invalid)."""
    data = plan.model_dump()
    for key, value in changes.items():
        if isinstance(value, list):
            value = [item.model_dump() if hasattr(item, "model_dump") else item for item in value]
        elif hasattr(value, "model_dump"):
            value = value.model_dump()
        data[key] = value
    return _validated(RolloutPlan, data)


# --- Waves -----------------------------------------------------------------------------------


def wave_input_rows(plan: RolloutPlan) -> list[dict[str, Any]]:
    """The waves as editable rows; the share is in percent (10 = 10% of developers)."""
    return [
        {
            "name": wave.name,
            "start_week": wave.start_week,
            "seat_share_pct": round(wave.seat_share * 100, 6),
            "teams": wave.teams,
            "training_hours_per_dev": wave.training_hours_per_dev,
            "reviewers": wave.reviewers,
        }
        for wave in plan.waves
    ]


def waves_from_rows(rows: Sequence[Mapping[str, Any]], previous: Sequence[Wave], developers: int | None = None
                    ) -> list[Wave]:
    """Edited wave rows back into waves, sorted by start week.

    A row's ``source`` (its position in ``previous``, absent for a new row) keeps that wave's
    gates; a new wave copies the last wave's gates without their measurements.  Fully empty
    rows are ignored.
    """
    waves: list[tuple[int, Wave]] = []
    for index, row in enumerate(rows):
        cells = {key: value for key, value in row.items() if key != "source"}
        if all(_blank(value) for value in cells.values()):
            continue
        name = _text(row, "name")
        if not name:
            raise ScenarioError("is empty; give the wave a name", row=index + 1, column="name")
        share_pct = _number(row, "seat_share_pct", index)
        if not 0 < share_pct <= 100:
            raise ScenarioError(
                f"{share_pct:g}% is outside 0–100%; enter the share of developers with a seat once "
                "the wave starts",
                row=index + 1,
                column="seat_share_pct",
            )
        source: Any = row.get("source")  # a table cell, of any type; None is blank
        if not _blank(source) and 0 <= int(source) < len(previous):
            gates = previous[int(source)].gates
        else:
            gates = (
                [gate.model_copy(update={"measured": None}) for gate in previous[-1].gates]
                if previous
                else []
            )
        data = {
            "name": name,
            "start_week": _whole(row, "start_week", index),
            "seat_share": share_pct / 100,
            "teams": _text(row, "teams"),
            "training_hours_per_dev": _number(row, "training_hours_per_dev", index, required=False),
            "reviewers": _whole(row, "reviewers", index, required=False),
            "gates": [gate.model_dump() for gate in gates],
        }
        waves.append((index, _validated(Wave, data, index)))
    if not waves:
        raise ScenarioError("the plan needs at least one wave; add a row", row=1, column="name")
    ordered = sorted(waves, key=lambda pair: pair[1].start_week)
    if developers is not None:  # a wave that seats nobody (0.1 typed for 10%) would plan $0 and no one silently
        seated = 0
        for index, wave in ordered:
            now = developers_with_seats(developers, wave.seat_share)
            if now <= seated:
                least = 100 * (seated + 0.5) / developers
                meant = f" (did you mean {100 * wave.seat_share * 100:g}%?)" if wave.seat_share * 100 <= 1 else ""
                raise ScenarioError(
                    f"{100 * wave.seat_share:g}% of {formatting.count(developers, 'developer')} seats nobody new{meant}; "
                    "enter at least "
                    f"{math.ceil(least * 10) / 10:g}% so that it adds a developer, or remove the wave",
                    row=index + 1, column="seat_share_pct")
            seated = now
    return [wave for _, wave in ordered]


# --- Gates -----------------------------------------------------------------------------------


def shown_unit(metric: str) -> str:
    """The unit a gate metric is typed and shown in on the page: shares in percent, others in their own."""
    return "%" if METRICS[metric].unit == "fraction" else METRICS[metric].unit


def _is_share(metric: str, basis: str = "absolute") -> bool:
    """Whether the value is a share typed in percent (a multiplier of the baseline is not)."""
    return METRICS[metric].unit == "fraction" and basis != "baseline_times"


def _to_shown(metric: str, value: float | None, basis: str = "absolute") -> float | None:
    """A model value as the page shows it: a share 0.08 as 8 (percent), a point change 0.02 as 2."""
    return value * 100 if value is not None and _is_share(metric, basis) else value


def _from_shown(metric: str, value: float | None, index: int, column: str, basis: str = "absolute") -> float | None:
    """A typed value back into the model's unit: 8 (%) → 0.08.

    A share outside 0–100% is refused here, in percent, before the model's check (which speaks in fractions).
    15 significant digits undo the float noise of ×100 (0.07 was shown as 7.000000000000001).
    """
    if value is not None and value < 0 and (basis == "absolute" or column == "measured") \
            and not _is_share(metric, basis):  # a share says so below, in percent
        raise ScenarioError(f"{METRICS[metric].label} cannot be negative, got {value:g}; enter 0 or more",
                            row=index + 1, column=column)
    if value is None or not _is_share(metric, basis):
        return value
    if basis == "absolute" and not 0.0 <= value <= 100.0:
        raise ScenarioError(
            f"{METRICS[metric].label} is a percentage from 0 to 100 (8 = 8%), got {value:g}",
            row=index + 1,
            column=column,
        )
    return float(f"{value / 100:.15g}")


def gate_input_rows(plan: RolloutPlan) -> list[dict[str, Any]]:
    """Every gate of every wave as an editable row (metric, rule and measured value).

    Shares are in percent (8 = 8%; a "baseline +" threshold in points, 2 = two points); a "baseline ×"
    threshold is a multiplier.
    """
    return [
        {
            "wave": wave.name,
            "metric": METRICS[gate.metric].label,
            "rule": RULE_LABELS[(gate.comparison, gate.basis)],
            "threshold": _to_shown(gate.metric, gate.threshold, gate.basis),
            "unit": shown_unit(gate.metric),
            "measured": _to_shown(gate.metric, gate.measured),
        }
        for wave in plan.waves
        for gate in wave.gates
    ]


def gates_from_rows(rows: Sequence[Mapping[str, Any]], waves: Sequence[Wave]) -> list[Wave]:
    """The waves with their gates replaced by the edited gate rows (fully empty rows are ignored).

    Values are read in the row's metric and rule as :func:`gate_input_rows` shows them (shares in percent).
    """
    labels = {key: info.label for key, info in METRICS.items()}
    by_wave: dict[str, list[Gate]] = {wave.name: [] for wave in waves}
    for index, row in enumerate(rows):
        if all(_blank(value) for key, value in row.items() if key != "unit"):
            continue
        wave = _text(row, "wave")
        if wave not in by_wave:
            raise ScenarioError(
                f"{wave!r} is not a wave of the plan; choose one of {', '.join(by_wave)}"
                if wave
                else f"is empty; choose one of {', '.join(by_wave)}",
                row=index + 1,
                column="wave",
            )
        comparison, basis = _choice(row, "rule", index, RULE_LABELS)
        metric = _choice(row, "metric", index, labels)
        threshold = _number(row, "threshold", index)
        data = {
            "metric": metric,
            "comparison": comparison,
            "basis": basis,
            "threshold": _from_shown(metric, threshold, index, "threshold", basis),
            "measured": _from_shown(metric, _number(row, "measured", index, required=False), index, "measured"),
        }
        by_wave[wave].append(_validated(Gate, data, index))
    return [wave.model_copy(update={"gates": by_wave[wave.name]}) for wave in waves]


def gate_slips(scenario: Scenario, plan: RolloutPlan) -> list[str]:
    """Warnings for the gate and baseline cells holding a rate under 1% that was more likely typed as a fraction
    (0.08 for 8%): kept as typed, since under 1% can be right, but said beside the tables.

    A measured value or a "≤ / ≥" threshold is compared with the metric's baseline (a measured value, without
    one, with its gate's threshold); an entered baseline with the scenario's value.
    """
    baselines = baseline_metrics(scenario, plan)
    from_scenario = baseline_metrics(scenario)
    cells: list[tuple[str, str, float | None, float | None]] = []  # where, metric, value, compared with
    row = 0
    for wave in plan.waves:
        for gate in wave.gates:
            row += 1
            if not _is_share(gate.metric):  # a share's measured value is in percent whatever the rule
                continue
            baseline = baselines.get(gate.metric)
            if gate.basis == "absolute":
                cells.append((f"Gates, row {row} ({wave.name}), Threshold", gate.metric, gate.threshold, baseline))
            fallback = gate.threshold if gate.basis == "absolute" else None
            cells.append((f"Gates, row {row} ({wave.name}), Measured", gate.metric, gate.measured,
                          baseline if baseline is not None else fallback))
    cells += [(f"Baselines, {METRICS[metric].label}", metric, value, from_scenario.get(metric))
              for metric, value in plan.baseline.items() if METRICS[metric].unit == "fraction"]
    return [
        f"{where}: {value * 100:.4g}% for {METRICS[metric].label.lower()}, {percent_meant(value)} Rates are "
        f"typed in percent (8 = 8%); it is compared with {format_metric(metric, reference)}."
        for where, metric, value, reference in cells
        if value is not None and reference is not None and slipped_beside(value, reference)
    ]


def baseline_input_rows(scenario: Scenario, plan: RolloutPlan) -> list[dict[str, Any]]:
    """One row per gated metric: its pre-rollout value (shares in percent) and where it comes from."""
    from_scenario = baseline_metrics(scenario)
    merged = baseline_metrics(scenario, plan)
    metrics = dict.fromkeys(gate.metric for wave in plan.waves for gate in wave.gates)
    return [
        {
            "metric": METRICS[metric].label,
            "baseline": _to_shown(metric, merged.get(metric)),
            "unit": shown_unit(metric),
            "source": "entered"
            if metric in plan.baseline
            else "scenario"
            if metric in from_scenario
            else "missing",
        }
        for metric in metrics
    ]


def baseline_from_rows(
    rows: Sequence[Mapping[str, Any]], scenario: Scenario, plan: RolloutPlan
) -> dict[str, float]:
    """The plan's baseline overrides: the entered ones kept, and values (shares in percent) that differ from what
    the table showed.  Compared with the shown value, not the scenario's: bugs per task, derived from the tasks
    baseline, was frozen as "entered" once the tasks baseline was entered."""
    labels = {key: info.label for key, info in METRICS.items()}
    shown = baseline_metrics(scenario, plan)
    overrides: dict[str, float] = {}
    for index, row in enumerate(rows):
        metric = _choice(row, "metric", index, labels)
        value = _from_shown(metric, _number(row, "baseline", index, required=False), index, "baseline")
        differs = not math.isclose(value, shown.get(metric, math.nan)) if value is not None else False
        if value is not None and (metric in plan.baseline or differs):
            overrides[metric] = value
    return overrides


# --- Checklist -------------------------------------------------------------------------------


def checklist_input_rows(report: RolloutReport) -> list[dict[str, Any]]:
    """The tracked checklist as editable rows keyed by item id."""
    return [
        {
            "id": item.id,
            "title": item.title,
            "owner_role": item.owner_role,
            "due_week": item.due_week,
            "wave": item.wave or "",
            "status": item.status,
            "notes": item.notes,
            "fires": item.fires,
        }
        for item in report.checklist
    ]


def tracking_from_rows(
    rows: Sequence[Mapping[str, Any]], defaults: Sequence[TrackedChecklistItem]
) -> list[ChecklistTracking]:
    """What the team recorded, from edited checklist rows: only what differs from the defaults.

    ``defaults`` is ``track_checklist(results.checklist, [], waves)`` (the engine's items with
    due weeks tied to the waves).  Rows equal to their default are not stored, so their due
    week keeps following the waves.
    """
    by_id = {item.id: item for item in defaults}
    tracking = []
    for index, row in enumerate(rows):
        item_id = _text(row, "id")
        status = _text(row, "status") or "todo"
        if status not in STATUSES:
            raise ScenarioError(
                f"{status!r} is not one of {', '.join(STATUSES)}", row=index + 1, column="status"
            )
        default = by_id.get(item_id)
        owner = _text(row, "owner_role") or None
        due = _whole(row, "due_week", index, required=False)
        if default is not None:
            owner = None if owner in (None, default.owner_role) else owner
            due = None if due in (None, default.due_week) else due
        entry = _validated(
            ChecklistTracking,
            {
                "item_id": item_id,
                "title": _text(row, "title"),
                "status": status,
                "owner_role": owner,
                "due_week": due,
                "notes": _text(row, "notes"),
            },
            index,
        )
        if kept_tracking(entry):
            tracking.append(entry)
    return tracking


def default_tracking(report: RolloutReport, results: Results) -> list[TrackedChecklistItem]:
    """The checklist with nothing recorded: the defaults ``tracking_from_rows`` compares with."""
    return track_checklist(results.checklist, [], report.waves)


# --- Expectations -----------------------------------------------------------------------------


def expectations_from_inputs(
    previous: Expectations,
    shown: ExpectationsResult,
    *,
    basis: str,
    allocation_pct: tuple[float, float, float],
    guardrails_text: str,
) -> Expectations:
    """Expectations from the page's inputs.

    ``shown`` is what the inputs were filled with; an allocation or guardrail text left as
    shown keeps ``previous``'s choice (null = keep following the numbers), a changed one is
    stored.  ``allocation_pct`` is (quality, learning, roadmap) in percent; guardrails one per line.
    """
    if basis not in ("p10", "likely"):
        raise ScenarioError(
            f"{basis!r} is not a planning basis; choose p10 or likely", field="plan_gain_basis"
        )
    quality, learning, roadmap = (value / 100 for value in allocation_pct)
    unchanged = all(
        math.isclose(value, getattr(shown.allocation, use), abs_tol=1e-9)
        for value, use in zip((quality, learning, roadmap), ("quality", "learning", "roadmap"), strict=True)
    )
    allocation = (
        previous.time_allocation
        if unchanged
        else _validated(TimeAllocation, {"quality": quality, "learning": learning, "roadmap": roadmap})
    )
    lines = [line.strip() for line in guardrails_text.splitlines() if line.strip()]
    guardrails = previous.guardrails if lines == shown.guardrails else lines
    return _validated(
        Expectations,
        {
            "plan_gain_basis": basis,
            "time_allocation": allocation.model_dump() if allocation is not None else None,
            "guardrails": guardrails,
        },
    )
