"""The live model: Productivity, Review capacity and Cash flow as formulas over the named assumptions.

Every formula of methodology §1 and §3, and the utilisation and backlog of §2, is a spreadsheet
formula here, so editing an assumption moves NPV, ROI and payback exactly as the engine
would.  Only the Erlang C queue (wait, time in review, reviewers needed) is written as
values computed by :mod:`roi.capacity`, with a cell that says when they are out of date; so is
the delivery against the DORA tiers below Productivity's formulas (:mod:`roi.dora`).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from roi import capacity, dora
from roi.defaults import HOURS_PER_YEAR_FTE
from roi.export.assumptions import PR_SIZE_LIMIT, same_as_exported
from roi.export.layout import Cell, Chart, Format, Formula, Role, Series, Sheet, col, text, unit_beside
from roi.finance import MONTHS_PER_YEAR
from roi.formatting import PAYBACK_NEVER, not_within
from roi.inputs import FAILURE_INPUTS, REWORK_INPUTS
from roi.models import Results, Scenario

NPV_LABEL = "Net present value (NPV)"
ROI_LABEL = "Return on investment (ROI)"
"""The app's tile names, with the abbreviations the formulas use: one name for one figure."""

NO_COSTS = "no costs"
"""What the ``roi`` cell holds when nothing is spent (ROI is undefined)."""

NO_BREAK_EVEN = "none"
"""What ``break_even_net_hours`` holds when NPV does not depend on the net hours."""

UNSTABLE = "unstable"
"""Shown instead of a wait when the review queue cannot drain."""

COST_LINES = "Cost lines: insert a row anywhere from here down to the total and type a cost into it"
"""Label of the row that opens the cost lines (its year cells blank): the first row of each year's
cost total, so a line inserted directly above the first cost line (set-up) is summed too."""

ADD_COST_LINES = "Other costs: type them here, or insert cost lines above or below this row"
"""Label of the blank row that closes the cost lines: type a cost into it, or insert rows around it."""

CAPPED_POST_PR_SIZE = "post_pr_size_capped_loc"
"""Defined name of the mean PR size after adoption the model uses [LOC]: ``post_pr_size_loc`` capped
at the PR size limit (``pr_size_limit_loc``), as :func:`roi.whatif.with_pr_size_limit` caps it."""

EFFORT_INPUTS = ("loc_per_hour",)
"""The named inputs E(L) = t0 + L / r divides by.  Each tuple below names the inputs a quantity divides
by, directly or through the cells it uses: while one of them is blank or 0 (the Delete key passes any
validation) the quantity's cell is blank, not #DIV/0!, and the Summary's verdict names the input."""
OUTPUT_INPUTS = ("baseline_tasks_per_dev_week",)
"""g = T1 / T0 − 1."""
NET_INPUTS = (*OUTPUT_INPUTS, *EFFORT_INPUTS, "developers")
"""N = G − ΔR − ΔD − ΔI (ΔI divides by n), and every cash flow line built on it."""
ARRIVAL_INPUTS = ("hours_per_week",)
"""λ = n · P / H."""
LOAD_INPUTS = (*ARRIVAL_INPUTS, "review_share", *EFFORT_INPUTS)
"""a = λ / μ with μ = f / E(L)."""
UTILIZATION_INPUTS = (*LOAD_INPUTS, "reviewers")
"""ρ = a / c."""


def guarded(formula: str, inputs: tuple[str, ...]) -> str:
    """``formula`` while every named input in ``inputs`` holds a number above 0, else blank ("")."""
    if not inputs:
        return formula
    tests = ",".join(f"N({name})>0" for name in inputs)
    return f'IF({tests if len(inputs) == 1 else f"AND({tests})"},{formula},"")'


MAX_CURVE_ROWS = 60
"""Reviewer counts listed in the wait table (evenly spaced when the range is wider)."""


def _output(sheet: Sheet, label: str, formula: str, fmt: Format, unit: str, how: str, name: str) -> int:
    """A named model output: label, live formula, unit, the formula in words, the defined name."""
    return sheet.add(
        text(label),
        Cell(Formula(formula), fmt, "output", name=name),
        text(unit_beside(unit, fmt, "")),
        text(how, "note"),
        text(name),
    )


def productivity_sheet(scenario: Scenario) -> Sheet:
    """G, ΔR, ΔD, ΔI, N and QAPI per adopting developer-week (methodology §1) as formulas; below them the
    scenario's delivery metrics against the DORA tiers (values, as the app's Productivity page)."""
    sheet = Sheet("Productivity", widths={1: 50, 2: 16, 3: 14, 4: 70, 5: 26}, freeze="A4")
    sheet.add(text("Quality-adjusted productivity per adopting developer (docs/methodology.md §1)", "title"))
    sheet.add(
        text("Live formulas over the Assumptions sheet. Hours are working hours per developer-week.", "note")
    )
    sheet.add(*(text(h, "header") for h in ("Quantity", "Value", "Unit", "Formula", "Name")))
    rows: tuple[tuple[str, str, Format, str, str, str], ...] = (
        (
            "Review effort per PR, baseline E(L0)",
            guarded("overhead_hours+baseline_pr_size_loc/loc_per_hour", EFFORT_INPUTS),
            "hours",
            "h",
            "E(L) = t0 + L / r (SmartBear/Cisco review speed)",
            "effort_baseline_hours",
        ),
        (
            "Mean PR size after adoption, with the PR size limit",
            f"IF(ISNUMBER({PR_SIZE_LIMIT.name}),MIN(post_pr_size_loc,{PR_SIZE_LIMIT.name}),post_pr_size_loc)",
            "number",
            "LOC",
            "L1 = min(L1, limit) with a PR size limit (Assumptions; roi.whatif.with_pr_size_limit), else L1",
            CAPPED_POST_PR_SIZE,
        ),
        (
            "Review effort per PR, after adoption E(L1)",
            guarded(f"overhead_hours+{CAPPED_POST_PR_SIZE}/loc_per_hour", EFFORT_INPUTS),
            "hours",
            "h",
            "E(L1) = t0 + L1 / r, L1 with the PR size limit",
            "effort_post_hours",
        ),
        (
            "Output change g",
            guarded("post_tasks_per_dev_week/baseline_tasks_per_dev_week-1", OUTPUT_INPUTS),
            "percent",
            "",
            "g = T1 / T0 − 1",
            "output_change",
        ),
        (
            "Gross gain G",
            guarded("output_change*delivery_hours_per_week", OUTPUT_INPUTS),
            "hours",
            "h/dev-week",
            "G = g · H_task",
            "gross_gain_hours",
        ),
        (
            "Review tax ΔR",
            guarded(
                "post_prs_per_dev_week*effort_post_hours-baseline_prs_per_dev_week*effort_baseline_hours",
                EFFORT_INPUTS,
            ),
            "hours",
            "h/dev-week",
            "ΔR = P1·E(L1) − P0·E(L0): hours the developer's PRs now cost reviewers",
            "review_tax_hours",
        ),
        (
            "Extra defect-fix hours ΔD",
            "(post_bugs_per_dev_week-baseline_bugs_per_dev_week)*fix_hours_per_bug",
            "hours",
            "h/dev-week",
            "ΔD = (B1 − B0) · h_fix",
            "defect_hours",
        ),
        (
            "Failed-deployment recovery, baseline",
            _delivery_term("baseline", FAILURE_INPUTS),
            "hours",
            "h/week",
            "D0·CFR0·M0 (0 unless D, CFR and M are given for both periods)",
            "failure_hours_baseline",
        ),
        (
            "Failed-deployment recovery, after adoption",
            _delivery_term("post", FAILURE_INPUTS),
            "hours",
            "h/week",
            "D1·CFR1·M1 (0 unless D, CFR and M are given for both periods)",
            "failure_hours_post",
        ),
        (
            "Rework deployments, baseline",
            _delivery_term("baseline", REWORK_INPUTS),
            "number",
            "deploys/week",
            "D0·RW0 (0 unless D and RW are given for both periods)",
            "rework_deploys_baseline",
        ),
        (
            "Rework deployments, after adoption",
            _delivery_term("post", REWORK_INPUTS),
            "number",
            "deploys/week",
            "D1·RW1 (0 unless D and RW are given for both periods)",
            "rework_deploys_post",
        ),
        (
            "Incident and rework hours ΔI",
            guarded(
                "((failure_hours_post-failure_hours_baseline)*responders_per_incident"
                "+(rework_deploys_post-rework_deploys_baseline)*rework_hours_per_deploy)/developers",
                ("developers",),
            ),
            "hours",
            "h/dev-week",
            "ΔI = [Δ(D·CFR·M)·resp + Δ(D·RW)·h_rw] / n",
            "incident_hours",
        ),
        (
            "Net hours N",
            guarded("gross_gain_hours-review_tax_hours-defect_hours-incident_hours", NET_INPUTS),
            "hours",
            "h/dev-week",
            "N = G − ΔR − ΔD − ΔI",
            "net_hours",
        ),
        (
            "Quality-adjusted productivity index QAPI",
            guarded("1+net_hours/delivery_hours_per_week", (*NET_INPUTS, "delivery_hours_per_week")),
            "factor",
            "",
            "QAPI = 1 + N / H_task (1 + g when there are no side effects)",
            "qapi",
        ),
        (
            "Naive index (contrast only)",
            guarded(
                "(1+output_change)*MAX(0,1-IF(baseline_bugs_per_dev_week>0,"
                "(post_bugs_per_dev_week-baseline_bugs_per_dev_week)/baseline_bugs_per_dev_week,0))",
                OUTPUT_INPUTS,
            ),
            "factor",
            "",
            "(1 + g)·max(0, 1 − bug growth per developer): ignores the review tax",
            "naive_index",
        ),
    )
    for label, formula, fmt, unit, how, name in rows:
        _output(sheet, label, formula, fmt, unit, how, name)
    sheet.blank()
    _delivery_tiers(sheet, scenario)
    return sheet


DORA_HEADING = f"Delivery against the DORA tiers ({dora.REFERENCE_LABEL})"
"""The heading of the Productivity page's section, and of its block on the Productivity sheet."""

_DORA_FORMATS: dict[str, tuple[Format, str]] = {
    "h": ("hours", " (calendar hours)"),
    "share": ("percent", ""),
    "per week": ("rate", " (per calendar week)"),
}
"""A :class:`roi.dora.Reference` unit → the number format of its values and what its label adds
(the hours format shows "h", read elsewhere in the workbook as working hours; these are calendar, and
deployments are per calendar week as DORA counts them, where the Assumptions' rate is per working week)."""


def _dora_value(value: float | None, fmt: Format) -> Cell:
    return text(dora.NOT_GIVEN) if value is None else Cell(value, fmt)


def _delivery_tiers(sheet: Sheet, scenario: Scenario) -> None:
    """The scenario's delivery metrics before and after adoption, each placed among the DORA 2024
    tiers by :func:`roi.dora.placements`, and the tiers as published: values at export, with a live
    cell that says when the Assumptions they were placed from changed."""
    same = ",".join(
        same_as_exported(f"{period}_{r.metric}", getattr(getattr(scenario, period), r.metric))
        for r in dora.REFERENCES
        for period in ("baseline", "post")
    )
    stale = Cell(Formula(f'IF(AND({same}),"","{STALE_NOTE}")', cached=""), "text", "warning")
    sheet.add(text(DORA_HEADING, "heading"), None, None, stale)
    found = dora.placements(scenario)
    if not found:
        sheet.add(
            text(
                "No delivery metrics in this scenario: give deployments, change failure rate, recovery "
                "time or change lead time on the Assumptions sheet (or load deployment and incident "
                "exports in the app) and export again to see them against the DORA tiers.",
                "note",
            )
        )
        return
    sheet.add(
        text(
            "Values computed by the app at export, not formulas: each period's value (Assumptions) placed "
            "among the four clusters of the DORA 2024 State of DevOps report, inside a tier's published "
            "range or, for the change failure rate, at the nearest published rate (the report's rates are "
            "not in tier order). Deployment frequency is the team's production deployments across all its "
            "services; DORA counts it per application, so a team with many services reads faster here.",
            "note",
        )
    )
    sheet.add(*(text(h, "header") for h in ("Metric", "Before", "Tier before", "After", "Tier after")))
    for p in found:
        fmt, unit = _DORA_FORMATS[p.reference.unit]
        sheet.add(
            text(p.reference.label + unit),
            _dora_value(p.before, fmt),
            text(p.before_tier),
            _dora_value(p.after, fmt),
            text(p.after_tier),
        )
    sheet.blank()
    sheet.add(text(f"The DORA tiers as published ({dora.REFERENCE_LABEL})", "heading"))
    published = dora.reference_table()
    sheet.add(*(text(h, "header") for h in (published.index.name, *published.columns)))
    for metric, tiers in published.iterrows():
        sheet.add(text(metric), *(text(tier) for tier in tiers))


def _delivery_term(period: str, fields: tuple[str, ...]) -> str:
    """One period's product of a ΔI term's inputs (``FAILURE_INPUTS``: D·CFR·M, ``REWORK_INPUTS``: D·RW),
    0 unless every input is given for both periods (``roi.inputs.delivery_term_counted``)."""
    both = ",".join(f"{p}_{field}" for p in ("baseline", "post") for field in fields)
    product = "*".join(f"{period}_{field}" for field in fields)
    return f"IF(COUNT({both})={2 * len(fields)},{product},0)"


def reviewer_counts(current: int, needed: int | None, offered_baseline: float) -> list[int]:
    """Pool sizes for the wait table: from where the baseline queue is stable to a few past the need."""
    low = max(1, min(current, math.floor(offered_baseline) + 1))
    high = max(current, needed or current) + 5
    counts = set(range(low, high + 1))
    if len(counts) > MAX_CURVE_ROWS:
        counts = set(np.linspace(low, high, MAX_CURVE_ROWS).round().astype(int).tolist())
    counts |= {current} | ({needed} if needed else set())
    return sorted(counts)


def _queue_value(value: float | None, fmt: Format) -> Cell:
    return Cell(value, fmt, "plain") if value is not None else text(UNSTABLE, "warning")


def review_capacity_sheet(scenario: Scenario, results: Results) -> Sheet:
    """Workload, capacity, utilisation and backlog as formulas; the Erlang C queue as values."""
    review = results.review
    sheet = Sheet("Review capacity", widths={1: 52, 2: 21, 3: 21, 4: 21, 5: 21, 6: 22, 7: 60}, freeze="A4")
    sheet.add(text("Review capacity: the reviewer pool as a queue (docs/methodology.md §2)", "title"))
    sheet.add(
        text(
            "Workload, capacity, utilisation and backlog are live formulas. Times are working hours.", "note"
        )
    )
    sheet.add(
        *(text(h, "header") for h in ("Quantity", "Baseline", "After adoption", "Unit", "", "", "Formula"))
    )

    def both(
        label: str,
        baseline: str,
        post: str,
        fmt: Format,
        unit: str,
        how: str,
        names: tuple[str | None, str | None] = (None, None),
    ) -> None:
        sheet.add(
            text(label),
            Cell(Formula(baseline), fmt, "output", name=names[0]),
            Cell(Formula(post), fmt, "output", name=names[1]),
            text(unit_beside(unit, fmt, "")),
            None,
            None,
            text(how, "note"),
        )

    both(
        "PRs merged per week (team)",
        "developers*baseline_prs_per_dev_week",
        "developers*post_prs_per_dev_week",
        "number",
        "PRs/week",
        "n · P",
    )
    both(
        "Review effort per PR E(L)", "effort_baseline_hours", "effort_post_hours", "hours", "h", "t0 + L / r"
    )
    both(
        "Review workload",
        guarded("developers*baseline_prs_per_dev_week*effort_baseline_hours", EFFORT_INPUTS),
        guarded("developers*post_prs_per_dev_week*effort_post_hours", EFFORT_INPUTS),
        "hours",
        "h/week",
        "n · P · E(L)",
        ("review_workload_baseline_hours", "review_workload_post_hours"),
    )
    both(
        "Review capacity",
        "reviewers*review_share*hours_per_week",
        "review_capacity_hours",
        "hours",
        "h/week",
        "c · f · H",
        ("review_capacity_hours", None),
    )
    both(
        "Arrival rate λ",
        guarded("developers*baseline_prs_per_dev_week/hours_per_week", ARRIVAL_INPUTS),
        guarded("developers*post_prs_per_dev_week/hours_per_week", ARRIVAL_INPUTS),
        "number",
        "PRs/working h",
        "λ = n · P / H",
        ("arrival_baseline_per_hour", "arrival_post_per_hour"),
    )
    both(
        "Offered load a",
        guarded("arrival_baseline_per_hour/(review_share/effort_baseline_hours)", LOAD_INPUTS),
        guarded("arrival_post_per_hour/(review_share/effort_post_hours)", LOAD_INPUTS),
        "number",
        "reviewers busy",
        "a = λ / μ with μ = f / E(L)",
        ("offered_load_baseline", "offered_load_post"),
    )
    both(
        "Utilisation ρ",
        guarded("offered_load_baseline/reviewers", UTILIZATION_INPUTS),
        guarded("offered_load_post/reviewers", UTILIZATION_INPUTS),
        "percent",
        "",
        "ρ = a / c = workload / capacity; 100% or more is unstable",
        ("utilization_baseline", "utilization_post"),
    )
    both(
        "Queue",
        guarded(f'IF(utilization_baseline<1,"stable","{UNSTABLE}")', UTILIZATION_INPUTS),
        guarded(f'IF(utilization_post<1,"stable","{UNSTABLE}")', UTILIZATION_INPUTS),
        "text",
        "",
        "stable only if ρ < 1",
    )
    both(
        "Backlog growth",
        guarded("MAX(0,review_workload_baseline_hours-review_capacity_hours)", EFFORT_INPUTS),
        guarded("MAX(0,review_workload_post_hours-review_capacity_hours)", EFFORT_INPUTS),
        "hours",
        "review h/week",
        "max(0, n·P·E(L) − c·f·H): review hours that pile up every week",
        ("backlog_growth_baseline_hours_per_week", "backlog_growth_hours_per_week"),
    )
    both(
        "Minimum time in review",
        guarded("effort_baseline_hours/review_share", ("review_share", *EFFORT_INPUTS)),
        guarded("effort_post_hours/review_share", ("review_share", *EFFORT_INPUTS)),
        "hours",
        "h",
        "E(L) / f: no staffing beats it; only smaller PRs lower it",
        (None, "min_time_in_review_hours"),
    )

    sheet.blank()
    sheet.add(
        text(
            "Queue at the exported staffing (Erlang C, Allen–Cunneen): values computed by the app", "heading"
        )
    )
    message, flag = _staleness_check(scenario, results)
    sheet.add(message, flag, None, text("1 = stale", "note"))
    queue_rows: tuple[tuple[str, str, Format, str], ...] = (
        ("Probability a PR waits", "p_wait", "percent", ""),
        ("Mean wait for a reviewer Wq", "wait_hours", "hours", "working h"),
        ("Time in review Wq + E(L)/f", "time_in_review_hours", "hours", "working h"),
        ("PRs in review (Little's law)", "wip_prs", "number", "PRs"),
    )
    for label, field, fmt, unit in queue_rows:
        sheet.add(
            text(label),
            _queue_value(getattr(review.baseline, field), fmt),
            _queue_value(getattr(review.post, field), fmt),
            text(unit_beside(unit, fmt, "")),
        )
    sheet.add(
        text("Target wait"),
        None,
        Cell(review.target_wait_hours, "hours"),
        text("working time"),
        None,
        None,
        text("the scenario's target, or the baseline wait (at least 1 second) when it gives none", "note"),
    )
    sheet.add(
        text("Reviewers needed to meet the target"),
        None,
        Cell(review.reviewers_needed, "int") if review.reviewers_needed else text("none found", "warning"),
        text("people"),
        None,
        None,
        text("smallest c with Wq ≤ target", "note"),
    )

    sheet.blank()
    _calibration(sheet, results)

    sheet.blank()
    sheet.add(text("Wait by pool size (utilisation live; waits are values computed by the app)", "heading"))
    header = sheet.add(
        *(
            text(h, "header")
            for h in (
                "Reviewers",
                "Utilisation, baseline",
                "Wait, baseline",
                "Utilisation, after",
                "Wait, after",
                "Time in review, after",
            )
        )
    )
    counts = reviewer_counts(scenario.review.reviewers, review.reviewers_needed, review.baseline.offered_load)
    share, ca2, cs2 = scenario.review.review_share, scenario.review.arrival_cv2, scenario.review.service_cv2
    _, _, wait_before = capacity.wait_curve(
        review.baseline.arrival_per_hour, review.baseline.effort_hours, share, counts[-1], ca2, cs2
    )
    _, _, wait_after = capacity.wait_curve(
        review.post.arrival_per_hour, review.post.effort_hours, share, counts[-1], ca2, cs2
    )
    floor_after = capacity.min_time_in_review_hours(review.post.effort_hours, share)
    for row, count in enumerate(counts, start=header + 1):
        before, after = wait_before[count - 1], wait_after[count - 1]
        sheet.add(
            Cell(count, "int", "key" if count == scenario.review.reviewers else "plain"),
            Cell(Formula(guarded(f"offered_load_baseline/A{row}", LOAD_INPUTS)), "percent"),
            _queue_value(None if math.isnan(before) else float(before), "hours"),
            Cell(Formula(guarded(f"offered_load_post/A{row}", LOAD_INPUTS)), "percent"),
            _queue_value(None if math.isnan(after) else float(after), "hours"),
            _queue_value(None if math.isnan(after) else float(after) + floor_after, "hours"),
        )
    return sheet


CALIBRATED_INPUTS = (*ARRIVAL_INPUTS, *EFFORT_INPUTS, "reviewers")
"""ρ at the calibrated f = λ · E(L) / (f · c), f a value above 0."""

CALIBRATED_NOTE = "calibrated by the engine from the observed review time; re-export after changing inputs"
"""What the calibrated review share says about itself: a value the workbook cannot recompute."""


def _calibration(sheet: Sheet, results: Results) -> None:
    """The review share f solved from the observed baseline review time, and the queue it predicts.

    The engine's headline queue (and the app's verdict) uses f from Assumptions; the calibration
    is its check against the data (``results.review.calibration``), shown beside it: f is a
    value, the utilisation and backlog at that f are live.
    """
    sheet.add(
        text("Calibration to the observed review time (docs/methodology.md §2): f computed by the app", "heading")
    )
    calibration = results.review.calibration
    if calibration is None:
        sheet.add(
            text(
                "No observed median time in review for the baseline (Assumptions): nothing to calibrate "
                "against; the queue uses f from Assumptions.",
                "note",
            )
        )
        return
    sheet.add(
        text("Observed median time in review, baseline"),
        Cell(Formula("baseline_review_hours*hours_per_week/168"), "hours", "output"),
        None,
        text("working time"),
        None,
        None,
        text("observed calendar hours × H / 168", "note"),
    )
    if calibration.review_share is None or calibration.post is None:
        sheet.add(text(f"Not calibrated: {calibration.reason}.", "warning"))
        return
    sheet.add(
        text("Review share f, calibrated"),
        Cell(calibration.review_share, "percent", "key", name="calibrated_review_share"),
        None,
        text("share"),
        stale_note(QUEUE_STALE),
        None,
        text(f"{CALIBRATED_NOTE}: the f whose Wq + E(L0)/f equals the observed time", "note"),
    )
    both = (
        ("arrival_baseline_per_hour*effort_baseline_hours", "utilization_baseline_calibrated"),
        ("arrival_post_per_hour*effort_post_hours", "utilization_post_calibrated"),
    )
    sheet.add(
        text("Utilisation ρ at the calibrated f"),
        *(
            Cell(Formula(guarded(f"{load}/calibrated_review_share/reviewers", CALIBRATED_INPUTS)), "percent",
                 "output", name=name)
            for load, name in both
        ),
        None,
        None,
        None,
        text("λ · E(L) / (f · c)", "note"),
    )
    sheet.add(
        text("Queue at the calibrated f"),
        *(
            Cell(Formula(guarded(f'IF({name}<1,"stable","{UNSTABLE}")', CALIBRATED_INPUTS)), "text", "output")
            for _, name in both
        ),
    )
    sheet.add(
        text("Time in review at the calibrated f"),
        None,
        _queue_value(calibration.post.time_in_review_hours, "hours"),
        text("working time"),
        None,
        None,
        text("Wq + E(L1)/f, computed by the app; compare with the observed post-adoption time", "note"),
    )
    sheet.add(
        text("Backlog growth at the calibrated f"),
        None,
        Cell(
            Formula(guarded("MAX(0,review_workload_post_hours-reviewers*calibrated_review_share*hours_per_week)",
                            EFFORT_INPUTS)),
            "hours",
            "output",
            name="backlog_growth_calibrated_hours_per_week",
        ),
        text("review time per week"),
        None,
        None,
        text("max(0, n·P1·E(L1) − c·f·H)", "note"),
    )


def queue_inputs(scenario: Scenario, results: Results) -> dict[str, float | None]:
    """Every named cell the app's queue values (Erlang C, reviewers needed, calibration) depend on,
    with the value it had at export: λ and E(L) of both periods, f, c, ca², cs², the target wait
    (blank = the baseline wait), the observed baseline review time and H (calibration)."""
    review = results.review
    return {
        "arrival_baseline_per_hour": review.baseline.arrival_per_hour,
        "arrival_post_per_hour": review.post.arrival_per_hour,
        "effort_baseline_hours": review.baseline.effort_hours,
        "effort_post_hours": review.post.effort_hours,
        "review_share": scenario.review.review_share,
        "reviewers": scenario.review.reviewers,
        "arrival_cv2": scenario.review.arrival_cv2,
        "service_cv2": scenario.review.service_cv2,
        "target_wait_hours": scenario.review.target_wait_hours,
        "baseline_review_hours": scenario.baseline.review_hours,
        "hours_per_week": scenario.team.hours_per_week,
    }


QUEUE_STALE = "queue_values_stale"
"""Defined name of the cell that is 0 while the queue values match the assumptions, 1 once not."""

BACK_IN_THE_APP = "to refresh them, open this workbook on the app's Export page (Resume), which takes its edits, and export again"
"""How to refresh what the app computed without losing the workbook's edits (:mod:`roi.workbook_edits`)."""
STALE_NOTE = f"Stale: inputs changed since export; {BACK_IN_THE_APP}."
"""What a value computed by the app says next to it once the inputs it came from changed (an assumption, or a
wave's share or reviewers)."""


def stale_note(flag: str) -> Cell:
    """A live cell beside a value computed by the app: empty while ``flag`` is 0, the warning once not."""
    return Cell(Formula(f'IF({flag}=0,"","{STALE_NOTE}")', cached=""), "text", "warning")  # fresh at export


def _staleness_check(scenario: Scenario, results: Results) -> tuple[Cell, Cell]:
    """Live cells: a sentence saying whether the queue values are up to date, and the 0/1 flag."""
    same = ",".join(same_as_exported(name, value) for name, value in queue_inputs(scenario, results).items())
    message = Cell(
        Formula(
            f'IF({QUEUE_STALE}=0,"Up to date with the assumptions.",'
            f'"Assumptions changed since export: these queue values are stale; {BACK_IN_THE_APP}.")'
        ),
        "text",
        "warning",
    )
    return message, Cell(Formula(f"IFERROR(IF(AND({same}),0,1),1)"), "int", "output", name=QUEUE_STALE)


def _tool_label(k: int, kind: str, name: str) -> Formula:
    """Label of tool ``k``'s licence or usage line: live over its name (``tool_k_name``, Assumptions)."""
    return Formula(f'"Tool {k} {kind} ("&tool_{k}_name&")"', cached=f"Tool {k} {kind} ({name})")


def cash_flow_sheet(scenario: Scenario) -> Sheet:
    """Years 0..Y: benefits, costs, discount factors, PV, NPV, ROI, payback, break-even (methodology §3)."""
    years = scenario.finance.horizon_years
    first, last = 2, 2 + years  # columns of year 0 and year Y
    sheet = Sheet(
        "Cash flow", widths={1: 58, **{c: 15 for c in range(first, last + 1)}, last + 1: 60}, freeze="B4"
    )
    sheet.add(
        text(
            f"Cash flow ({scenario.currency}): TEI style, year 0 undiscounted, later years at year end",
            "title",
        )
    )
    sheet.add(
        text(
            "Live formulas over Assumptions and Productivity. To add a cost, type it into the \"Other costs\" "
            "row or insert a row anywhere from the \"Cost lines\" row down to the total.",
            "note",
        )
    )
    header = sheet.add(
        text("Item", "header"),
        *(text(f"Year {t}", "header") for t in range(years + 1)),
        text("Formula", "header"),
    )

    # by_year(t, column); `...` not [int, str]: mypy cannot infer the tool rows' lambdas (they bind k=k).
    def line(label: str | Formula, fmt: Format, by_year: Callable[..., str | float | None], how: str = "",
             role: Role = "plain", name: str | None = None) -> int:
        """A row with one cell per year; ``by_year(t, column)`` gives a formula, a number or None.
        ``label``: its text, or a live formula giving it (a tool's name, an input)."""
        cells = []
        for t in range(years + 1):
            value = by_year(t, col(first + t))
            cells.append(
                None
                if value is None
                else Cell(Formula(value) if isinstance(value, str) else value, fmt, role)
            )
        style: Role = "key" if role == "output" else "plain"
        first_cell = Cell(label, "text", style) if isinstance(label, Formula) else text(label, style)
        row = sheet.add(first_cell, *cells, text(how, "note"))
        if name:
            sheet.name_range(name, row, first, row, last)
        return row

    year = line("Year t", "int", lambda t, c: t)
    adoption = line(
        "Adoption a_t",
        "percent",
        lambda t, c: f"adoption_year_{t}" if t else None,
        "share of developers using the tool (Assumptions)",
    )
    line("Active developers", "number", lambda t, c: f"developers*{c}{adoption}" if t else None, "n · a_t")
    value = line(
        "Value of freed time",
        "money",
        lambda t, c: (
            guarded(
                f"developers*{c}{adoption}*net_hours*working_weeks_per_year*loaded_cost_per_hour*capture_factor",
                NET_INPUTS,
            )
            if t
            else None
        ),
        "n · a_t · N · W · rate · φ",
    )
    downtime = line(
        "Downtime cost change",
        "money",
        lambda t, c: f"{c}{adoption}*downtime_cost_change_per_year" if t else None,
        "a_t · ΔDT",
    )
    benefits = line(
        "Benefits, risk-adjusted",
        "money",
        lambda t, c: guarded(f"({c}{value}-{c}{downtime})*(1-benefit_risk)", NET_INPUTS) if t else 0.0,
        "[n·a_t·N·W·rate·φ − a_t·ΔDT] · (1 − r_b)",
        "output",
        "benefits_by_year",
    )
    opening = sheet.add(
        text(COST_LINES, "note"),
        *(None for _ in range(years + 1)),
        text("the total sums every row from here to the row just above it", "note"),
    )
    line(
        "Set-up: training and one-off cost",
        "money",
        lambda t, c: None if t else "training_hours_per_dev*developers*loaded_cost_per_hour+one_off_cost",
        "training h · n · rate + one-off (year 0)",
    )
    line("Governance", "money", lambda t, c: "governance_fte*fte_cost_used" if t else None, "FTE · FTE cost")
    tool_rows = []
    for k, tool in enumerate(scenario.costs.tools, start=1):
        tool_rows.append(
            line(
                _tool_label(k, "licences", tool.name),
                "money",
                lambda t, c, k=k: (
                    f"developers*tool_{k}_seat_coverage*tool_{k}_price_per_seat_month*12" if t else None
                ),
                "seats · price · 12 (seats = n · coverage)",
            )
        )
        tool_rows.append(
            line(
                _tool_label(k, "usage", tool.name),
                "money",
                lambda t, c, k=k: (
                    f"MIN(developers*tool_{k}_seat_coverage,developers*{c}{adoption})*tool_{k}_usage_per_dev_month*12"
                    if t
                    else None
                ),
                "min(seats, n · a_t) · usage · 12",
            )
        )

    sheet.add(
        text(ADD_COST_LINES, "note"),
        *(Cell(None, "money", "input") for _ in range(years + 1)),
        text(
            "counted in the total below, like any row inserted between the cost lines' first row and "
            "the total; the app's Monte Carlo, tornado and rollout do not know about it",
            "note",
        ),
    )
    # To the row just above the total wherever it is (INDEX … ROW()-1): a row inserted right above the
    # total is summed too, where a fixed end (the "Other costs" row) would leave it out.
    costs = line(
        "Costs, risk-adjusted",
        "money",
        lambda t, c: f"SUM({c}{opening}:INDEX({c}:{c},ROW()-1))*(1+cost_risk)",
        "Σ rows from the cost lines' first row to the row above (set-up in year 0; governance + licences "
        "+ usage after) · (1 + r_c)",
        "output",
        "costs_by_year",
    )

    def idle(t: int, c: str) -> str | float:
        terms = [
            f"MAX(0,developers*tool_{k}_seat_coverage-developers*{c}{adoption})*tool_{k}_price_per_seat_month*12"
            for k in range(1, len(scenario.costs.tools) + 1)
        ]
        return "+".join(terms) if t and terms else 0.0

    line(
        "Idle seat cost (part of licences)",
        "money",
        idle,
        "Σ max(0, seats − n · a_t) · price · 12",
        "output",
        "idle_seat_cost_by_year",
    )
    # Named, so they are stored with their results: a mail preview showed the cash flow's bottom lines blank.
    net = line("Net cash flow", "money", lambda t, c: guarded(f"{c}{benefits}-{c}{costs}", NET_INPUTS),
               "benefits − costs",
               name="net_cash_flow_by_year")
    cumulative = sheet.next_row
    line(
        "Cumulative net cash flow",
        "money",
        lambda t, c: guarded(f"{col(first + t - 1)}{cumulative}+{c}{net}" if t else f"{c}{net}", NET_INPUTS),
        "undiscounted",
        name="cumulative_cash_flow_by_year",
    )
    payback = sheet.next_row

    def payback_so_far(t: int, c: str) -> str:
        """Months to payback if reached by year t and not undone since (carried forward while the cumulative
        stays ≥ 0), else empty text: the cumulative back at 0 from below (roi.finance.payback_months), never at
        year 0."""
        if not t:
            return '""'
        prev, months = col(first + t - 1), f"{MONTHS_PER_YEAR:g}"
        inside_year = f"{months}*({t}-1)+{months}*(-{prev}{cumulative})/{c}{net}"
        back_at_zero = f"AND({prev}{cumulative}<0,{c}{cumulative}>=0)"
        return guarded(f'IF({c}{cumulative}<0,"",IF({back_at_zero},{inside_year},'
                       f'IF(ISNUMBER({prev}{payback}),{prev}{payback},"")))', NET_INPUTS)

    line(
        "Payback reached (months)",
        "months",
        payback_so_far,
        "last year the cumulative is back at ≥ 0 from below, if it stays there: 12(t − 1) + 12 · (−cum_{t−1}) / "
        "net_t",
    )
    factor = line("Discount factor", "factor", lambda t, c: f"1/(1+discount_rate)^{c}{year}", "1 / (1 + d)^t")
    pv_benefit_row = line("Present value of benefits", "money",
                          lambda t, c: guarded(f"{c}{benefits}*{c}{factor}", NET_INPUTS))
    pv_cost_row = line("Present value of costs", "money", lambda t, c: f"{c}{costs}*{c}{factor}")
    per_hour = line(
        "Benefit of one net hour per developer-week",
        "money",
        lambda t, c: (
            f"developers*{c}{adoption}*1*working_weeks_per_year*loaded_cost_per_hour*capture_factor*(1-benefit_risk)"
            if t
            else 0.0
        ),
        "n · a_t · W · rate · φ · (1 − r_b), for the break-even",
    )

    def span(row: int) -> str:
        return f"{col(first)}{row}:{col(last)}{row}"

    sheet.blank()
    sheet.add(text("Summary", "heading"))
    summary: tuple[tuple[str, str, Format, str, str], ...] = (
        ("PV of benefits", f"SUM({span(pv_benefit_row)})", "money", "Σ benefit_t / (1 + d)^t", "pv_benefits"),
        ("PV of costs", f"SUM({span(pv_cost_row)})", "money", "Σ cost_t / (1 + d)^t", "pv_costs"),
        (NPV_LABEL, "pv_benefits-pv_costs", "money", "PV(benefits) − PV(costs)", "npv"),
        (ROI_LABEL, f'IF(pv_costs>0,npv/pv_costs,"{NO_COSTS}")', "percent", "NPV / PV(costs)", "roi"),
        (
            "Payback",
            # Not paid back: "never" by the app's rule (roi.verdict.payback_text), no year's net cash flow above 0.
            f"IF(ISNUMBER({col(last)}{payback}),{col(last)}{payback},"
            f"IF(AND(MIN({span(cumulative)})>=0,SUMPRODUCT(ABS({span(benefits)}))+SUMPRODUCT(ABS({span(costs)}))>0),0,"
            f'IF(COUNTIF({col(first + 1)}{net}:{col(last)}{net},">0")=0,"{PAYBACK_NEVER}","{not_within(years)}")))',
            "months",
            f"months until cumulative net cash flow, once below 0, is back at 0 for good; 0 if it never goes below 0; "
            f'"{PAYBACK_NEVER}" if no year\'s net cash flow is above 0; "{not_within(years)}" otherwise',
            "payback_months",
        ),
        (
            "NPV per net hour",
            f"SUMPRODUCT({span(per_hour)},{span(factor)})",
            "money",
            "dNPV/dN: NPV is linear in N",
            "npv_per_net_hour",
        ),
        (
            "Break-even net hours",
            f'IF(npv_per_net_hour>0,net_hours-npv/npv_per_net_hour,"{NO_BREAK_EVEN}")',
            "hours",
            "the N that makes NPV = 0 [h/dev-week]",
            "break_even_net_hours",
        ),
        (
            "FTE cost used",
            f"IF(ISNUMBER(fte_annual_cost),fte_annual_cost,loaded_cost_per_hour*{HOURS_PER_YEAR_FTE:g})",
            "money",
            "fte_annual_cost, or the loaded rate × 2080 h when blank",
            "fte_cost_used",
        ),
        (
            "Downtime cost change per year ΔDT",
            "(failure_hours_post-failure_hours_baseline)*working_weeks_per_year*downtime_cost_per_hour*impact_share",
            "money",
            "(D1·CFR1·M1 − D0·CFR0·M0) · W · C_dt · s",
            "downtime_cost_change_per_year",
        ),
    )
    on_net_hours = {"pv_benefits", "npv", "roi", "payback_months", "break_even_net_hours"}  # SUM skips a blank
    for label, formula, fmt, how, name in summary:
        sheet.add(
            text(label, "key"),
            Cell(Formula(guarded(formula, NET_INPUTS) if name in on_net_hours else formula), fmt, "output",
                 name=name),
            text(f"{name}: {how}", "note"),
        )
    sheet.blank()
    sheet.charts.append(
        cash_flow_chart(
            sheet.title,
            header,
            first,
            last,
            benefits,
            costs,
            net,
            scenario.currency,
            anchor=f"A{sheet.next_row}",
        )
    )
    return sheet


def cash_flow_chart(
    data_sheet: str,
    header: int,
    first: int,
    last: int,
    benefits: int,
    costs: int,
    net: int,
    currency: str,
    anchor: str,
) -> Chart:
    """Benefits, costs and net cash flow by year as clustered columns."""

    def span(row: int) -> str:
        return f"${col(first)}${row}:${col(last)}${row}"

    return Chart(
        "column",
        "Cash flow by year",
        data_sheet,
        span(header),
        (
            Series("Benefits", span(benefits)),
            Series("Costs", span(costs)),
            Series("Net cash flow", span(net)),
        ),
        anchor=anchor,
        y_title=currency,
    )
