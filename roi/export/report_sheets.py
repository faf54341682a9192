"""The report around the model: the Summary, Metrics and Sensitivity sheets.

Headline figures on the Summary are formulas that point at the live model's named cells;
Monte Carlo and tornado results are values computed by the engine for the exported
scenario (they are labelled so).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from roi.defaults import UTILIZATION_LIMIT
from roi.export.assumptions import CHANGES, CHECKS, PERIOD_FIELDS, all_assumptions, same_as_exported
from roi.export.cached_values import CachedValue
from roi.export.layout import (
    DEFAULT_WIDTH,
    Cell,
    Chart,
    Format,
    Formula,
    Series,
    Sheet,
    text,
    unit_beside,
    wrapped_lines,
)
from roi.export.model_sheets import (
    CALIBRATED_NOTE,
    CAPPED_POST_PR_SIZE,
    NO_BREAK_EVEN,
    NO_COSTS,
    NPV_LABEL,
    QUEUE_STALE,
    ROI_LABEL,
    stale_note,
)
from roi.formatting import INPUT_LABELS, RANGE_GROWTH_KEYS, chance, file_names, input_label
from roi.formatting import number as fmt_number
from roi.metrics import DEFINITIONS
from roi.models import Results, Scenario
from roi.scenario_builder import MEASURED, PER_ADOPTER, WEEKLY_RATES, working_week_factor
from roi.uncertainty import TORNADO_HIGH_QUANTILE, TORNADO_LOW_QUANTILE
from roi.verdict import (  # the headlines are the engine's own words: the live verdict must not drift
    HEADLINES,
    REASON_LABELS,
    STRAINED_HEADLINES,
    STRETCHED_HEADLINES,
    Tone,
    loss_chance,
    median_reason,
    payback_text,
    simulated,
    tone_of,
    verdict,
)
from roi.whatif import npv_at_likely

VALUES_NOTE = (
    "Values computed by the app for the exported scenario: they do not change when you edit Assumptions."
)

LOSS_CHANCE_LABEL = "Chance of a loss (NPV ≤ 0)"
"""The app's "Chance of a loss" tile, 1 − P(NPV > 0) (methodology §4), as Summary and Sensitivity say."""

INPUT_PROBLEMS = "input_problems"
"""Defined name of the Summary cell counting the inputs that hold a value they may not (Assumptions G)."""

INPUTS_CHANGED = "inputs_changed"
"""Defined name of the Summary cell counting the assumptions that differ from their exported values."""

MODEL_CHANGED = "model_changed"
"""Defined name of the Summary cell that is 0 while the model is as exported, 1 once an assumption
changed or the cash flow no longer gives the exported NPV (a cost line typed or inserted): the
app's values (Monte Carlo, tornado, rollout) are then stale."""


def formula_string(words: str) -> str:
    """``words`` as a string constant of a spreadsheet formula (a quote doubled)."""
    return '"' + words.replace('"', '""') + '"'


def live_verdict(results: Results) -> str:
    """The headline of :func:`roi.verdict.verdict` as a formula over the live model.

    The same rules and thresholds (:func:`roi.verdict.tone_of`) on the live NPV and the chance of a loss
    (Monte Carlo: the exported value, flagged when inputs changed since): "bad" when NPV < 0 and most
    outcomes lose, "split_loss" when most gain; "split_gain" when NPV ≥ 0 and most outcomes lose, "mixed"
    when the chance of a loss exceeds ``CONFIDENT_LOSS_CHANCE``;
    review is strained from ``defaults.UTILIZATION_LIMIT``: stretched reviewers, the bottleneck once unstable
    (ρ ≥ 1).
    While an input holds a value it may not (blank, text, 0 developers …) it says
    "Check the assumptions: <name> must be …" instead of a verdict built on it.
    """
    loss = loss_chance(results)
    strained = f"utilization_post>={min(UTILIZATION_LIMIT, 1.0)!r}"

    def tone(name: Tone) -> str:
        plain = formula_string(HEADLINES[name])
        if name not in STRAINED_HEADLINES:
            return plain
        stretched = f"IF({strained},{formula_string(STRETCHED_HEADLINES[name])},{plain})"
        return f"IF(utilization_post>=1,{formula_string(STRAINED_HEADLINES[name])},{stretched})"

    def branch(npv: float) -> str:  # the headline on one side of 0, by the app's own rule
        name = tone_of(npv, loss)
        if loss is None or name == "bad":
            return tone(name)
        note = formula_string(
            f" (Chance of a loss {chance(loss)} from the Monte Carlo at export: export again to update it.)"
        )
        return f'{tone(name)}&IF({MODEL_CHANGED}>0,{note},"")'

    positive, negative = branch(0.0), branch(-1.0)
    first_problem = f'INDEX({CHECKS},MATCH("?*",{CHECKS},0))'
    more = f'IF({INPUT_PROBLEMS}>1," (and "&({INPUT_PROBLEMS}-1)&" more: see column G of Assumptions)","")'
    return (
        f'IF({INPUT_PROBLEMS}>0,"Check the assumptions: "&{first_problem}&{more},'
        f"IF(npv<0,{negative},{positive}))"
    )


def summary_results(results: Results) -> dict[str, CachedValue]:
    """The engine's result for each named output the Summary shows [their sheets' units], as the
    workbook's formulas give it for the exported scenario (text where a formula answers in text)."""
    fin, productivity, review = results.finance, results.productivity, results.review
    found: dict[str, CachedValue] = {
        "npv": fin.npv,
        "roi": NO_COSTS if fin.roi is None else fin.roi,
        "payback_months": payback_text(results) if fin.payback_months is None else fin.payback_months,
        "pv_benefits": fin.pv_benefits,
        "pv_costs": fin.pv_costs,
        "net_hours": productivity.net_hours,
        "break_even_net_hours": NO_BREAK_EVEN if fin.break_even_net_hours is None
        else fin.break_even_net_hours,
        "qapi": productivity.qapi,
        "output_change": productivity.output_change,
        "review_tax_hours": productivity.review_tax_hours,
        "utilization_baseline": review.baseline.utilization,
        "utilization_post": review.post.utilization,
        "backlog_growth_hours_per_week": review.backlog_growth_hours_per_week,
    }
    calibration = review.calibration
    if calibration is not None and calibration.post is not None:
        found["utilization_post_calibrated"] = calibration.post.utilization
    return found


VERDICT_COLUMNS = 3
"""Columns the live verdict covers on the Summary (B:D, merged, 94 characters wide)."""
VERDICT_LINES = 3
"""Lines the live verdict's row holds: a strained "pays back, but with real downside risk" with the stale Monte Carlo
note is ~190 characters, and "Check the assumptions: " with the longest rule of an input and "(and N more …)" ~220 (two
lines cut it)."""


def summary_sheet(scenario: Scenario, results: Results, created: datetime, charts: list[Chart]) -> Sheet:
    """Verdict, headline numbers (live formulas), and the cash flow and tornado charts."""
    sheet = Sheet("Summary", widths={1: 44, 2: 18, 3: 16, 4: 60, 5: 60})
    sheet.add(text("AI coding assistant ROI: summary", "title"))
    sheet.add(text("Scenario", "key"), text(scenario.name))
    sheet.add(text("Currency", "key"), text(scenario.currency))
    sheet.add(text("Exported", "key"), Cell(created.date(), "date"))
    if scenario.notes:
        sheet.add(text("Notes", "key"), text(scenario.notes))
    sheet.blank()
    app_verdict = verdict(scenario, results)
    sheet.add(  # the verdict wraps over B:D: after an edit it may say more than at export
        text("Verdict (live)", "key"),
        Cell(
            Formula(live_verdict(results), cached=app_verdict.headline),
            "text",
            "key",
            name="verdict",
            wrap=True,
            span=VERDICT_COLUMNS,
            lines=VERDICT_LINES,
        ),
    )
    sheet.add(None, text("the app's rules: NPV < 0; chance of a loss; reviewer utilisation after adoption", "note"))
    sheet.add(
        text("Inputs not allowed (live)", "key"),
        Cell(Formula(f"SUMPRODUCT(--(LEN({CHECKS})>0))", cached=0), "int", "key", name=INPUT_PROBLEMS),
        None,
        text("Assumptions, column G says which input and what it may hold", "note"),
    )
    sheet.add(
        text("Assumptions changed since export (live)", "key"),
        Cell(Formula(f"SUMPRODUCT(--(LEN({CHANGES})>0))", cached=0), "int", "key", name=INPUTS_CHANGED),
        None,
        text(
            "inputs that differ from the exported scenario (Assumptions, column H); values computed by "
            "the app say \"Stale\" once an input they depend on changed",
            "note",
        ),
    )
    sheet.add(
        text("Model changed since export (live)", "key"),
        Cell(
            Formula(f"IF(AND({INPUTS_CHANGED}=0,{same_as_exported('npv', results.finance.npv)}),0,1)",
                    cached=0),
            "int",
            "key",
            name=MODEL_CHANGED,
        ),
        None,
        text(
            "1 once an assumption changed or the cash flow no longer gives the exported NPV (a cost line "
            "typed or inserted on Cash flow): the Monte Carlo and the app's verdict are then stale",
            "note",
        ),
    )
    sheet.add(
        text("The app's verdict at export", "key"),
        text(app_verdict.headline, "key"),
        None,
        None,
        stale_note(MODEL_CHANGED),
    )
    width = sum(sheet.widths.get(column, DEFAULT_WIDTH) for column in range(2, 2 + VERDICT_COLUMNS))

    def sentences(words: str) -> Cell:  # wrapped over the verdict's columns, as long as it needs
        return Cell(words, "text", wrap=True, span=VERDICT_COLUMNS, lines=wrapped_lines(words, width))

    if app_verdict.reason:  # why it loses, where its risk comes from, … (as under the app's headline)
        label = REASON_LABELS[app_verdict.tone]
        sheet.add(text(label, "key"), sentences(app_verdict.reason), None, None, stale_note(MODEL_CHANGED))
    for point in app_verdict.points:  # sentences with the numbers of the export: stale once an input changes
        sheet.add(None, sentences(point), None, None, stale_note(MODEL_CHANGED))
    sheet.blank()
    sheet.add(
        *(text(h, "header") for h in ("Key number", "Value", "Unit", "Where it comes from", "Up to date?"))
    )
    cur = scenario.currency
    known = summary_results(results)

    def output(name: str) -> Formula:
        """A named output, stored with the engine's result for viewers that do not recalculate."""
        return Formula(name, cached=known.get(name))

    rows: list[tuple[str, Any, Format, str, str] | tuple[str, Any, Format, str, str, str]] = [
        (NPV_LABEL, output("npv"), "money", cur, "Cash flow: PV(benefits) − PV(costs)"),
        (ROI_LABEL, output("roi"), "percent", "", "NPV / PV(costs)"),
        ("Payback", output("payback_months"), "months", "", "cumulative undiscounted cash flow back at 0 from below"),
        (
            "PV of benefits",
            output("pv_benefits"),
            "money",
            cur,
            "Cash flow: developer hours valued at their loaded cost × capture factor (capacity, not budget savings)",
        ),
        ("PV of costs", output("pv_costs"), "money", cur, "Cash flow"),
        (
            "Net hours per adopting developer-week (N)",
            output("net_hours"),
            "hours",
            "h/dev-week",
            "Productivity",
        ),
        (
            "Break-even net hours",
            output("break_even_net_hours"),
            "hours",
            "h/dev-week",
            "the N that makes NPV = 0",
        ),
        ("Quality-adjusted productivity index (QAPI)", output("qapi"), "factor", "", "1 + N / H_task"),
        (
            "Output change (g)",
            output("output_change"),
            "percent",
            "",
            "the headline gain, before side effects",
        ),
        ("Review tax (ΔR)", output("review_tax_hours"), "hours", "h/dev-week", "Productivity"),
        ("Reviewer utilisation, baseline", output("utilization_baseline"), "percent", "", "Review capacity"),
        (
            "Reviewer utilisation, after adoption",
            output("utilization_post"),
            "percent",
            "",
            "Review capacity, at f from Assumptions; 100% or more: the queue grows without end",
        ),
        (
            "Review backlog growth",
            output("backlog_growth_hours_per_week"),
            "hours",
            "review h/week",
            "Review capacity",
        ),
        (
            "Reviewers needed for the target wait",
            results.review.reviewers_needed,
            "int",
            "people",
            "Erlang C (value computed by the app)",
            QUEUE_STALE,
        ),
    ]
    calibration = results.review.calibration
    if calibration is not None and calibration.review_share is not None:
        rows.append(
            (
                "Reviewer utilisation after adoption, at the calibrated f",
                output("utilization_post_calibrated"),
                "percent",
                "",
                f"Review capacity: f = {calibration.review_share:.1%} {CALIBRATED_NOTE}",
                QUEUE_STALE,
            )
        )
    # As the app's tiles: without ranges every draw is the NPV, so no P10–P90 and no 0% or 100% chance.
    if (u := simulated(results)) is not None:
        rows += [
            (
                "NPV P10 (downside)",
                u.npv_p10,
                "money",
                cur,
                "Monte Carlo (value computed by the app)",
                MODEL_CHANGED,
            ),
            ("NPV P50", u.npv_p50, "money", cur, "Monte Carlo", MODEL_CHANGED),
            ("NPV P90", u.npv_p90, "money", cur, "Monte Carlo", MODEL_CHANGED),
            # The app's figure and sign: the share of outcomes that lose money, not P(NPV > 0).
            (LOSS_CHANCE_LABEL, 1.0 - u.prob_npv_positive, "percent", "", "Monte Carlo", MODEL_CHANGED),
        ]
    for label, value, fmt, unit, where, *flag in rows:
        sheet.add(
            text(label),
            Cell(value, fmt, "key") if value is not None else text("none found", "warning"),
            text(unit_beside(unit, fmt, cur)),
            text(where, "note"),
            stale_note(flag[0]) if flag else None,
        )
    sheet.blank()
    anchor = sheet.next_row
    for index, chart in enumerate(charts):
        sheet.charts.append(replace(chart, anchor=f"A{anchor + 18 * index}"))
    return sheet


METRIC_LABELS: dict[str, tuple[str, Format]] = {
    "start": ("Period start", "text"),
    "end": ("Period end", "text"),
    "weeks": ("Weeks", "number"),
    "developers": ("Active developers", "int"),
    "reviewers": ("Reviewers", "int"),
    "prs_merged": ("PRs merged", "int"),
    "prs_per_dev_week": ("PRs per developer-week", "number"),
    "pr_size_loc": ("PR size, mean", "number"),
    "pr_size_loc_median": ("PR size, median", "number"),
    "pickup_hours_median": ("Time to first review, median (calendar)", "hours"),  # the app's names
    "review_hours_median": ("Time in review, median (calendar)", "hours"),
    "cycle_hours_median": ("Cycle time, opened to merged, median (calendar)", "hours"),
    "tasks_per_dev_week": ("Tasks per developer-week", "number"),
    "bugs_per_dev_week": ("Bugs per developer-week", "number"),
    "deployments_per_week": ("Deployments per week", "number"),
    "change_failure_rate": ("Change failure rate", "percent"),
    "recovery_hours": ("Failed deployment recovery time (calendar)", "hours"),
    "rework_rate": ("Deployment rework rate", "percent"),
    "lead_time_hours": ("Change lead time (calendar)", "hours"),
    "ai_active_users": ("AI active users", "number"),
    "ai_acceptance_rate": ("AI suggestion acceptance rate", "percent"),
}
"""Label and number format of each measured metric; definitions come from ``roi.metrics.DEFINITIONS``."""


def metric_label(key: str) -> tuple[str, Format]:
    """(label, format) of a metric; an unknown key is shown as itself."""
    return METRIC_LABELS.get(key, (key, "number"))


def plain(value: Any) -> Any:
    """A pydantic model (or mapping, list of them) as plain JSON-like Python data."""
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def _metric_value(value: Any, fmt: Format) -> Cell:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return text(value)
    return Cell(value, fmt)


def _model_definition(scenario: Scenario, field: str) -> str:
    """What the model's value of a period field means, then how exports measure it.

    The measured definitions alone sat beside the model's values, though those are per working week and,
    after adoption, per adopting developer (methodology, Units): tasks 1.233 → 1.515 beside a definition
    of the measured 1.087 → 1.286.
    """
    weeks = scenario.team.working_weeks_per_year
    factor = fmt_number(working_week_factor(weeks), digits=4)
    basis = ""
    if field in WEEKLY_RATES:  # the fields a measured scenario converts to working weeks
        who = "for the whole team" if field == "deployments_per_week" else "per developer"
        basis = (f"Per working week, {who} (a rate measured per calendar week × {factor} at "
                 f"W = {fmt_number(weeks)} working weeks a year). ")
    if field in PER_ADOPTER:
        basis += "After adoption: of a developer who uses the tool. "
    return f"{basis}Measured as: {DEFINITIONS[MEASURED.get(field, field)]}"  # review_hours: review_hours_median


def metrics_sheet(scenario: Scenario, metrics: Any | None) -> Sheet:
    """The scenario's period metrics with live changes, and the measured metrics with intervals when given."""
    sheet = Sheet("Metrics", widths={1: 40, 2: 16, 3: 16, 4: 14, 5: 14, 6: 14, 7: 12, 8: 80}, freeze="A4")
    sheet.add(text("Metrics: baseline vs after adoption", "title"))
    sheet.add(
        text(
            "The model's period metrics (from Assumptions; blank = not measured; the PR size after "
            "adoption with the PR size limit, if one is set). Change = after / baseline − 1. Rates are per "
            "working week and the after-adoption values describe a developer who uses the tool; the measured "
            "metrics below are per calendar week, over everyone in the exports.",
            "note",
        )
    )
    sheet.add(
        *(
            text(h, "header")
            for h in ("Metric", "Baseline", "After adoption", "Change", "", "", "", "Definition")
        )
    )
    for field, label, _, fmt, _ in PERIOD_FIELDS:
        before, after = f"baseline_{field}", f"post_{field}"
        used = CAPPED_POST_PR_SIZE if after == "post_pr_size_loc" else after  # the PR size limit applied
        definition = _model_definition(scenario, field)
        then, now = getattr(scenario.baseline, field), getattr(scenario.post, field)
        change = now / then - 1 if then is not None and now is not None and then != 0 else ""
        sheet.add(
            text(label),
            Cell(Formula(f'IF(ISNUMBER({before}),{before},"")', cached="" if then is None else then), fmt),
            Cell(Formula(f'IF(ISNUMBER({after}),{used},"")', cached="" if now is None else now), fmt),
            Cell(
                Formula(
                    f'IF(AND(ISNUMBER({before}),ISNUMBER({after})),IF({before}<>0,{used}/{before}-1,""),"")',
                    cached=change,
                ),
                "percent",
            ),
            None,
            None,
            None,
            text(definition, "note", wrap=True),
        )
    if metrics is None:
        sheet.blank()
        measured = scenario.measurement
        # A measured scenario exported without its exports (python -m roi export): "the scenario's estimates"
        # contradicted the Assumptions sheet's "Measured from …".
        sheet.add(text(
            "No measured metrics were loaded: the periods above are the scenario's estimates." if measured is None
            else f"The periods above were measured from {file_names(measured.sources) or 'exports'} (adoption "
                 f"{measured.adoption_date.isoformat()}); their intervals, p-values and cohorts are not in this "
                 "workbook, as it was exported without the exports: export it from the app with them loaded.",
            "note"))
        return sheet
    _measured_metrics(sheet, plain(metrics))
    return sheet


def _measured_metrics(sheet: Sheet, data: dict[str, Any]) -> None:
    """The measured metrics (CONTRACT "Metrics JSON"): periods, changes with intervals, sources, cohorts."""
    sheet.blank()
    sheet.add(text("Measured from exports", "heading"))
    sheet.add(text("Adoption date", "key"), text(data.get("adoption_date")))
    sheet.add(text("Ramp weeks excluded", "key"), _metric_value(data.get("ramp_weeks"), "int"))
    if data.get("comparison"):
        sheet.add(text("Comparison", "key"), text(data["comparison"]))
    sheet.add(text(f"Change = post / baseline − 1. {DEFINITIONS['change']}", "note"))
    sheet.add(
        *(
            text(h, "header")
            for h in (
                "Metric",
                "Baseline",
                "After adoption",
                "Change",
                "95% CI low",
                "95% CI high",
                "p-value",
                "Definition",
            )
        )
    )
    baseline, post = data.get("baseline") or {}, data.get("post") or {}
    changes = data.get("changes") or {}
    for key in dict.fromkeys([*baseline, *post, *changes]):
        label, fmt = metric_label(key)
        change = changes.get(key) or {}
        sheet.add(
            text(label),
            _metric_value(baseline.get(key), fmt),
            _metric_value(post.get(key), fmt),
            *(_metric_value(change.get(part), "percent") for part in ("change", "ci_low", "ci_high")),
            _metric_value(change.get("p_value"), "factor"),
            text(DEFINITIONS.get(key, ""), "note", wrap=True),
        )
    for note in data.get("notes") or []:
        sheet.add(text(note, "note"))
    sources = data.get("sources") or []
    if sources:
        sheet.blank()
        sheet.add(text("Sources", "heading"))
        sheet.add(
            *(text(h, "header") for h in ("File", "Format", "Rows", "Used rows", "", "", "", "Skipped"))
        )
        for source in sources:
            skipped = source.get("skipped") or {}
            sheet.add(
                text(source.get("file")),
                text(source.get("format")),
                _metric_value(source.get("rows"), "int"),
                _metric_value(source.get("used_rows"), "int"),
                None,
                None,
                None,
                text("; ".join(f"{reason}: {count}" for reason, count in skipped.items()), wrap=True),
            )
    cohorts = data.get("cohorts")
    if cohorts:
        sheet.blank()
        sheet.add(text("Cohorts: AI users vs non-users (difference-in-differences on logs)", "heading"))
        sheet.add(text(DEFINITIONS["did"], "note"))
        sheet.add(text("AI users", "key"), _metric_value(cohorts.get("ai_users"), "int"))
        sheet.add(text("Non-users", "key"), _metric_value(cohorts.get("non_users"), "int"))
        sheet.add(text("Identified by", "key"), text(", ".join(cohorts.get("identified_by") or [])))
        sheet.add(
            *(
                text(h, "header")
                for h in ("Metric", "DiD (log)", "Change due to AI", "95% CI low", "95% CI high")
            )
        )
        did_change, did_ci = cohorts.get("did_change") or {}, cohorts.get("did_ci") or {}
        for key, value in (cohorts.get("did") or {}).items():
            low, high = did_ci.get(key) or (None, None)
            sheet.add(
                text(metric_label(key)[0]),
                _metric_value(value, "factor"),
                *(_metric_value(v, "percent") for v in (did_change.get(key), low, high)),
            )


def range_units(scenario: Scenario) -> dict[str, tuple[str, Format, str]]:
    """Range key → (reader's label, number format, unit column) of the inputs a range can vary:
    the growth keys are changes (percent), the others are Assumptions inputs with their format."""
    found: dict[str, tuple[str, Format, str]] = {
        key: (input_label(key), "percent", "change vs baseline") for key in RANGE_GROWTH_KEYS
    }
    for a in all_assumptions(scenario):
        unit = unit_beside(a.unit.replace("{currency}", scenario.currency), a.fmt, scenario.currency)
        label = INPUT_LABELS.get(a.path, a.label)  # the app's name, else the Assumptions sheet's
        found[a.path] = (label, a.fmt, "" if a.fmt == "percent" else unit)
    return found


EXACT_DIGITS = 15
"""Digits a spreadsheet number keeps exactly; a longer whole number would be rounded."""


def _seed_row(seed: int) -> tuple[str, int | str, Format]:
    """The seed is an identifier (to reproduce the draws): its digits as typed, no separators; one a
    number cell would round (a seed may be up to 2**63 - 1) is written as text."""
    return ("Seed", seed, "id") if len(str(seed)) <= EXACT_DIGITS else ("Seed", str(seed), "text")


def sensitivity_sheet(scenario: Scenario, results: Results) -> Sheet:
    """Monte Carlo percentiles and the tornado (table and chart), as values from the engine."""
    sheet = Sheet("Sensitivity", widths={1: 40, 2: 16, 3: 16, 4: 16, 5: 16, 6: 16, 7: 18, 8: 18, 9: 20})
    sheet.add(text("Sensitivity: Monte Carlo and tornado (docs/methodology.md §4)", "title"))
    sheet.add(text(VALUES_NOTE, "note"))
    sheet.add(stale_note(MODEL_CHANGED))
    spec, result = scenario.uncertainty, results.uncertainty
    if spec is None or result is None:
        sheet.add(
            text(
                "This scenario has no uncertainty ranges: add (low, likely, high) ranges to see the Monte "
                "Carlo percentiles and the tornado.",
                "note",
            )
        )
        return sheet
    at_likely = npv_at_likely(scenario)  # the tornado's origin; the median may sit elsewhere
    sheet.blank()
    sheet.add(text("Monte Carlo", "heading"))
    outcomes = (
        (
            ("NPV P10 (downside: 10% of outcomes are worse)", result.npv_p10, "money"),
            ("NPV P50", result.npv_p50, "money"),
            ("NPV P90", result.npv_p90, "money"),
            ("NPV mean", result.npv_mean, "money"),
            (LOSS_CHANCE_LABEL, 1.0 - result.prob_npv_positive, "percent"),
        )
        if simulated(results) is not None
        else ()  # no ranges: every draw is the NPV, and the app shows no range nor chance of a loss
    )
    for label, value, fmt in (
        ("Draws", result.draws, "int"),
        ("Distribution", spec.distribution, "text"),
        _seed_row(spec.seed),
        *outcomes,
    ):
        sheet.add(text(label), Cell(value, fmt, "key") if fmt != "text" else text(value, "key"))
    if not outcomes:
        sheet.add(
            text("No uncertainty ranges: every draw is the NPV, so no P10 to P90 range nor chance of a loss.",
                 "note")
        )
    elif reason := median_reason(scenario, results, at_likely):
        sheet.add(text(reason, "note"))  # as ROI & risk says it
    sheet.blank()
    sheet.add(text("Ranges (low, likely, high)", "heading"))
    units = range_units(scenario)

    def described(key: str) -> tuple[str, Format, str]:
        return units.get(key, (input_label(key), "number", ""))

    sheet.add(*(text(h, "header") for h in ("Input", "Low", "Likely", "High", "Unit", "Range key")))
    for key, ends in spec.ranges.items():
        label, fmt, unit = described(key)
        sheet.add(text(label), *(Cell(value, fmt) for value in ends), text(unit), text(key, "note"))
    sheet.blank()
    if not result.tornado:  # null without ranges: every draw is the same NPV, nothing to swing
        sheet.add(text("No uncertainty ranges: no tornado.", "note"))
        return sheet
    low_q, high_q = round(TORNADO_LOW_QUANTILE * 100), round(TORNADO_HIGH_QUANTILE * 100)
    sheet.add(
        text(
            f"Tornado: each input at its P{low_q} and P{high_q}, the others at their likely values", "heading"
        )
    )
    base_row = sheet.add(
        text("NPV with every input at its likely value", "key"), Cell(at_likely, "money", "key")
    )
    header = sheet.add(
        *(
            text(h, "header")
            for h in (
                "Input",
                f"Value at P{low_q}",
                f"Value at P{high_q}",
                f"NPV at P{low_q}",
                f"NPV at P{high_q}",
                "Swing",
                f"P{low_q} vs likely",
                f"P{high_q} vs likely",
                "Unit of the values",
            )
        )
    )
    for row in result.tornado:
        r = sheet.next_row
        label, fmt, unit = described(row.input)
        sheet.add(
            text(label),
            Cell(row.low, fmt),
            Cell(row.high, fmt),
            Cell(row.npv_low, "money"),
            Cell(row.npv_high, "money"),
            Cell(row.swing, "money"),
            Cell(Formula(f"D{r}-$B${base_row}"), "money"),
            Cell(Formula(f"E{r}-$B${base_row}"), "money"),
            text(unit),
        )
    first, last = header + 1, header + len(result.tornado)
    sheet.blank()
    sheet.charts.append(
        Chart(
            "tornado",
            "Tornado: NPV swing by input",
            sheet.title,
            f"$A${first}:$A${last}",
            (
                Series(f"Input at P{low_q}", f"$G${first}:$G${last}"),
                Series(f"Input at P{high_q}", f"$H${first}:$H${last}"),
            ),
            anchor=f"A{sheet.next_row}",
            x_title=scenario.currency,
        )
    )
    return sheet
