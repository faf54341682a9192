"""The Assumptions sheet: every scenario input as an editable, named cell with its unit and source.

Each assumption gets a defined name (``developers``, ``capture_factor``, ``post_pr_size_loc``,
``tool_1_price_per_seat_month``, ``adoption_year_2`` …) and the model sheets' formulas use
only these names, so changing a value here moves every live output.  One input is not a scenario
field: the PR size limit (:data:`PR_SIZE_LIMIT`), a what-if the Review capacity page applies with
:func:`roi.whatif.with_pr_size_limit`.
"""

from __future__ import annotations

import ast
import inspect
import math
from dataclasses import dataclass
from functools import cache

from roi import defaults
from roi.defaulted import US_DOLLARS
from roi.export.layout import Cell, Format, Formula, Sheet, Validation, text, unit_beside, wrapped_lines
from roi.export.rules import FRACTION_HINT, Rule, rule_for
from roi.formatting import file_names
from roi.models import Scenario, get_path

ASSUMPTION_ROWS_END = 400
"""Last row the Assumptions sheet's per-input columns are counted to (the sheet holds far fewer)."""

CHECKS = "assumption_checks"
"""Defined name of the Assumptions column holding, per input, what is wrong with it (empty when valid)."""

AT_MOST = {"delivery_hours_per_week": "hours_per_week"}
"""Inputs bounded by another input (``roi.models.Team``: delivery hours cannot exceed the week)."""

CHANGES = "assumption_changes"
"""Defined name of the Assumptions column saying, per input, whether it differs from its exported value."""


@dataclass(frozen=True)
class Assumption:
    """One input: where it lives in the scenario, its workbook name, label, unit and format."""

    path: str
    name: str
    label: str
    unit: str
    fmt: Format
    default: str | None = None
    """Name of the constant in ``roi.defaults`` that supplies the value when the file omits it."""
    blank_means: str | None = None
    """What an empty cell means, for inputs that may be null."""
    at_most: tuple[str, str] | None = None
    """(formula, words): a bound set by other inputs, as ``roi.models.Scenario`` checks it."""


PERIOD_FIELDS: tuple[tuple[str, str, str, Format, str | None], ...] = (
    ("tasks_per_dev_week", "Completed tasks per developer-week", "tasks/dev-week", "number", None),
    ("prs_per_dev_week", "Merged PRs per developer-week", "PRs/dev-week", "number", None),
    ("pr_size_loc", "Mean PR size (lines added + deleted)", "LOC", "number", None),
    ("bugs_per_dev_week", "Bugs created per developer-week", "bugs/dev-week", "number", None),
    (
        "deployments_per_week",
        "Production deployments per week (team)",
        "deploys/week",
        "number",
        "not measured",
    ),
    ("change_failure_rate", "Change failure rate", "share", "percent", "not measured"),
    ("recovery_hours", "Failed deployment recovery time", "calendar h", "hours", "not measured"),
    ("rework_rate", "Deployment rework rate", "share", "percent", "not measured"),
    (
        "lead_time_hours",
        "Change lead time (shown, not used by the model)",
        "calendar h",
        "hours",
        "not measured",
    ),
    (
        "review_hours",
        "Observed median time in review (baseline: calibrates f)",
        "calendar h",
        "hours",
        "not measured",
    ),
)

PERIOD_LABELS: dict[tuple[str, str], str] = {
    ("baseline", "review_hours"): "Observed median time in review (calibrates f: see Review capacity)",
    ("post", "review_hours"): "Observed median time in review (to compare with the calibrated prediction)",
}
"""Labels that differ between the two periods (the default is the label in ``PERIOD_FIELDS``)."""


def _period(period: str) -> list[Assumption]:
    return [
        Assumption(
            f"{period}.{field}",
            f"{period}_{field}",
            PERIOD_LABELS.get((period, field), label),
            unit,
            fmt,
            blank_means=blank,
        )
        for field, label, unit, fmt, blank in PERIOD_FIELDS
    ]


SECTIONS: tuple[tuple[str, tuple[Assumption, ...]], ...] = (
    (
        "Team",
        (
            Assumption("team.developers", "developers", "Developers in scope (n)", "people", "int"),
            Assumption(
                "team.hours_per_week",
                "hours_per_week",
                "Working hours per week (H)",
                "h/week",
                "number",
                "HOURS_PER_WEEK",
            ),
            Assumption(
                "team.delivery_hours_per_week",
                "delivery_hours_per_week",
                "Delivery hours per week (H_task)",
                "h/week",
                "number",
                "DELIVERY_HOURS_PER_WEEK",
            ),
            Assumption(
                "team.working_weeks_per_year",
                "working_weeks_per_year",
                "Working weeks per year (W)",
                "weeks/year",
                "number",
                "WORKING_WEEKS_PER_YEAR",
            ),
            Assumption(
                "team.loaded_cost_per_hour",
                "loaded_cost_per_hour",
                "Loaded cost per developer hour (rate)",
                "{currency}/h",
                "money_exact",
                "LOADED_COST_PER_HOUR",
            ),
        ),
    ),
    ("Baseline period (before adoption)", tuple(_period("baseline"))),
    ("After adoption (an adopting developer)", tuple(_period("post"))),
    (
        "Review",
        (
            Assumption("review.reviewers", "reviewers", "Reviewers in the pool (c)", "people", "int"),
            Assumption(
                "review.review_share",
                "review_share",
                "Share of a reviewer's time spent reviewing (f)",
                "share",
                "percent",
                "REVIEW_SHARE",
            ),
            Assumption(
                "review.overhead_hours",
                "overhead_hours",
                "Fixed effort per review (t0)",
                "h",
                "hours",
                "REVIEW_OVERHEAD_HOURS",
            ),
            Assumption(
                "review.loc_per_hour",
                "loc_per_hour",
                "Review speed (r)",
                "LOC/h",
                "number",
                "REVIEW_LOC_PER_HOUR",
            ),
            Assumption(
                "review.arrival_cv2", "arrival_cv2", "Arrival variability (ca²)", "", "number", "ARRIVAL_CV2"
            ),
            Assumption(
                "review.service_cv2",
                "service_cv2",
                "Review effort variability (cs²)",
                "",
                "number",
                "SERVICE_CV2",
            ),
            Assumption(
                "review.target_wait_hours",
                "target_wait_hours",
                "Target wait for a review",
                "h",
                "hours",
                blank_means="the baseline wait",
            ),
        ),
    ),
    (
        "Quality",
        (
            Assumption(
                "quality.fix_hours_per_bug",
                "fix_hours_per_bug",
                "Hours to fix a bug (h_fix)",
                "h",
                "hours",
                "FIX_HOURS_PER_BUG",
            ),
            Assumption(
                "quality.responders_per_incident",
                "responders_per_incident",
                "Responders per failed deployment",
                "people",
                "number",
                "RESPONDERS_PER_INCIDENT",
            ),
            Assumption(
                "quality.rework_hours_per_deploy",
                "rework_hours_per_deploy",
                "Effort per rework deployment",
                "h",
                "hours",
                "REWORK_HOURS_PER_DEPLOY",
            ),
            Assumption(
                "quality.downtime_cost_per_hour",
                "downtime_cost_per_hour",
                "Business cost of downtime",
                "{currency}/h",
                "money",
            ),
            Assumption(
                "quality.impact_share",
                "impact_share",
                "Share of downtime that hurts the business",
                "share",
                "percent",
            ),
        ),
    ),
    (
        "Costs",
        (
            Assumption(
                "costs.training_hours_per_dev",
                "training_hours_per_dev",
                "Training per developer (year 0)",
                "h",
                "hours",
            ),
            Assumption(
                "costs.one_off_cost", "one_off_cost", "One-off set-up cost (year 0)", "{currency}", "money"
            ),
            Assumption(
                "costs.governance_fte", "governance_fte", "People running the programme", "FTE", "number"
            ),
            Assumption(
                "costs.fte_annual_cost",
                "fte_annual_cost",
                "Cost of one FTE per year",
                "{currency}/year",
                "money",
                "HOURS_PER_YEAR_FTE",
                blank_means="loaded cost per hour × 2080 h",
            ),
        ),
    ),
    (
        "Finance",
        (
            Assumption(
                "finance.discount_rate",
                "discount_rate",
                "Discount rate (d)",
                "per year",
                "percent",
                "DISCOUNT_RATE",
            ),
            Assumption(
                "finance.capture_factor",
                "capture_factor",
                "Capture factor (φ): freed time that becomes value",
                "share",
                "percent",
                "CAPTURE_FACTOR",
            ),
            Assumption(
                "finance.benefit_risk",
                "benefit_risk",
                "Benefit risk adjustment (r_b)",
                "share",
                "percent",
                "BENEFIT_RISK",
            ),
            Assumption(
                "finance.cost_risk",
                "cost_risk",
                "Cost risk adjustment (r_c)",
                "share",
                "percent",
                "COST_RISK",
            ),
        ),
    ),
)

PR_SIZE_LIMIT = Assumption(
    "",
    "pr_size_limit_loc",
    "PR size limit after adoption (what-if)",
    "LOC",
    "number",
    blank_means="no limit",
)
"""The PR size limit [LOC]: the mean PR size after adoption is capped at it, L1' = min(L1, limit),
PR count unchanged (:func:`roi.whatif.with_pr_size_limit`).  Not a scenario field (``path`` is
empty): the scenario file holds no limit (applying one writes the capped size into
``post.pr_size_loc``), so it starts blank."""

PR_SIZE_LIMIT_RULE = Rule(low=0.0, low_open=True, blank_ok=True)
"""A limit is above 0 lines (``with_pr_size_limit`` refuses 0), or blank for none."""

SOURCE_WIDTH = 90
"""Width of the Assumptions' Source column [characters]."""

PR_SIZE_LIMIT_SOURCE = (
    "What-if, not saved in the scenario file (blank = no limit): the mean PR size after adoption used "
    "by the model is min(L1, limit), the PR count unchanged, as the Review capacity page's \"PR size "
    "limit\" (roi.whatif.with_pr_size_limit); see post_pr_size_capped_loc on Productivity"
)

TOOL_FIELDS: tuple[tuple[str, str, str, Format], ...] = (
    ("price_per_seat_month", "list price per seat", "{currency}/seat-month", "money_exact"),
    ("usage_per_dev_month", "usage billing per active developer", "{currency}/dev-month", "money_exact"),
    ("seat_coverage", "share of developers given a seat", "share", "percent"),
)


def tool_assumptions(scenario: Scenario) -> list[tuple[int, list[Assumption]]]:
    """(tool number from 1, its numeric assumptions) for every licence line of the scenario."""
    return [
        (
            k,
            [
                Assumption(
                    f"costs.tools.{k - 1}.{field}", f"tool_{k}_{field}", f"Tool {k}: {label}", unit, fmt
                )
                for field, label, unit, fmt in TOOL_FIELDS
            ],
        )
        for k in range(1, len(scenario.costs.tools) + 1)
    ]


def adoption_assumptions(scenario: Scenario) -> list[Assumption]:
    """One assumption per year of the horizon: the share of developers using the tool, at most the share
    with a seat (the seat coverages of the licence lines together, up to 1)."""
    tools = len(scenario.costs.tools)
    seated = None
    if tools:
        coverages = "+".join(f"tool_{k}_seat_coverage" for k in range(1, tools + 1))
        seated = (f"MIN(1,{coverages})", "the share of developers given a seat"
                  + (" (the tools' seat coverages together)" if tools > 1 else " (seat coverage)"))
    return [
        Assumption(
            f"finance.adoption_by_year.{t - 1}",
            f"adoption_year_{t}",
            f"Adoption in year {t} (a_{t})",
            "share",
            "percent",
            "ADOPTION_BY_YEAR",
            at_most=seated,
        )
        for t in range(1, scenario.finance.horizon_years + 1)
    ]


def all_assumptions(scenario: Scenario) -> list[Assumption]:
    """Every numeric input of the scenario that the workbook exposes, in sheet order."""
    listed = [a for _, section in SECTIONS for a in section]
    listed += [a for _, tools in tool_assumptions(scenario) for a in tools]
    return listed + adoption_assumptions(scenario)


@cache
def default_sources() -> dict[str, str]:
    """Each constant of ``roi.defaults`` → its docstring (the value's source), read from the module."""
    try:
        tree = ast.parse(inspect.getsource(defaults))
    except (OSError, TypeError):  # no source shipped: the sheet just says "default"
        return {}
    sources: dict[str, str] = {}
    for node, following in zip(tree.body, tree.body[1:], strict=False):
        if (
            isinstance(node, ast.Assign)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    sources[target.id] = " ".join(following.value.value.split())
    return sources


def _was_given(scenario: Scenario, path: str) -> bool:
    """True when the scenario file set the field itself (rather than leaving the default)."""
    *parents, leaf = path.split(".")
    if leaf.isdigit():  # an item of a list (tools, adoption): given when the list was
        *parents, leaf = parents
    owner = get_path(scenario, ".".join(parents)) if parents else scenario
    return owner is not None and leaf in owner.model_fields_set


def source_of(scenario: Scenario, assumption: Assumption) -> str:
    """Where the value comes from: measured exports, the scenario file, or a default (with its source)."""
    section = assumption.path.split(".")[0]
    measurement = scenario.measurement
    counted = measurement.counted.get(assumption.path) if measurement is not None else None
    if measurement is not None and (section in ("baseline", "post") or counted == get_path(scenario, assumption.path)):
        files = file_names(measurement.sources) or "exports"
        measured = f"Measured from {files} (adoption {measurement.adoption_date.isoformat()})"
        scaled_to = measurement.deployments_developers
        team = measurement.counted.get("team.developers")
        if assumption.path.endswith(".deployments_per_week") and scaled_to is not None and team is not None:
            # roi.team_rates.with_deployments_scaled: the team's rate × n / n_counted
            return f"{measured}, scaled from the {team:,} developers counted to {scaled_to:,} (× {scaled_to:,}/{team:,})"
        return measured
    note = f" (blank = {assumption.blank_means})" if assumption.blank_means else ""
    if assumption.default is None or (_was_given(scenario, assumption.path) and not _is_default(scenario, assumption)):
        return f"Scenario file{note}"
    source = f"Default{note}: {default_sources().get(assumption.default, assumption.default)}"
    currency = scenario.currency.strip()
    if assumption.default == "LOADED_COST_PER_HOUR" and currency.upper() not in US_DOLLARS:
        # beside amounts in EUR the US wages' "$90.6/h" read as if it had been converted
        source += f" A US dollar figure, not converted: type your own rate in {currency}."
    return source


def _is_default(scenario: Scenario, assumption: Assumption) -> bool:
    """True when the value equals its default: a file that writes the default still uses it (the app said
    "Default" where the workbook said "Scenario file")."""
    default = getattr(defaults, assumption.default, None) if assumption.default else None
    if isinstance(default, tuple):  # one value per year: compare this year's
        default = default[min(int(assumption.path.rsplit(".", 1)[1]), len(default) - 1)]
    value = get_path(scenario, assumption.path)
    return (isinstance(default, (int, float)) and isinstance(value, (int, float))
            and math.isclose(value, default))


def same_as_exported(ref: str, value: float | None) -> str:
    """A spreadsheet condition: the cell ``ref`` (a defined name or address) still holds ``value``.

    Equal to 1e-9 relative; ``None`` (a blank input) must still be blank.  Never an error value:
    text or an error in the cell counts as changed.
    """
    if value is None:
        return f"ISBLANK({ref})"
    return f"IF(ISNUMBER({ref}),ABS({ref}-{value!r})<=1E-9*MAX(1,ABS({value!r})),FALSE)"


def _changed_cell(value: float | None, row: int) -> Cell:
    """Live: empty while the input in row ``row`` holds its exported ``value``, else what it was."""
    was = "blank" if value is None else f"{value:g}"
    return Cell(
        Formula(f'IF({same_as_exported(f"B{row}", value)},"","changed (was {was})")'), "text", "warning"
    )


def _exported_value(scenario: Scenario, assumption: Assumption) -> float | None:
    value = get_path(scenario, assumption.path)
    return None if isinstance(value, bool) or not isinstance(value, (int, float)) else value


def rule_of(assumption: Assumption) -> Rule:
    """What the input may hold: the scenario model's bounds for its field."""
    formula, words = assumption.at_most or (AT_MOST.get(assumption.name), None)
    return rule_for(assumption.path, fraction=assumption.fmt == "percent", at_most=formula, at_most_words=words)


def _validations(cells: dict[tuple[Rule, str | None], list[str]]) -> list[Validation]:
    """One data validation per (rule, meaning of a blank), over every input cell that follows it."""
    found = []
    for (rule, blank_means), refs in cells.items():
        words = rule.words()
        prompt = (f"Enter {FRACTION_HINT}. " if rule.fraction else "") + f"Allowed: {words}."
        if blank_means:
            prompt += f" Blank = {blank_means}."
        found.append(
            Validation(
                " ".join(refs),
                rule.whole,
                rule.low,
                rule.high,
                prompt=prompt,
                error=f"This input must be {words}.",
                low_open=rule.low_open,
            )
        )
    return found


def _unit(assumption: Assumption, currency: str) -> str:
    return unit_beside(assumption.unit.replace("{currency}", currency), assumption.fmt, currency)


def assumptions_sheet(scenario: Scenario) -> Sheet:
    """The Assumptions sheet: section headings, then one named, editable row per input."""
    sheet = Sheet("Assumptions", widths={1: 52, 2: 16, 3: 20, 4: SOURCE_WIDTH, 5: 34, 6: 36, 7: 50, 8: 24})
    sheet.add(text("Assumptions: every input of the model", "title"))
    sheet.add(
        text(
            "Yellow cells with a border are inputs: change one and every live output (Productivity, Review capacity, "
            "Cash flow, Summary) recalculates. Each input has the defined name in column E; column G says "
            "when a value is not allowed, column H when it differs from the export.",
            "note",
        )
    )
    sheet.add(
        *(
            text(h, "header")
            for h in (
                "Assumption",
                "Value",
                "Unit",
                "Source / note",
                "Name",
                "Scenario field",
                "Check (live)",
                "Since export (live)",
            )
        )
    )
    sheet.freeze = "B4"
    sheet.name_range(CHECKS, 4, 7, ASSUMPTION_ROWS_END, 7)
    sheet.name_range(CHANGES, 4, 8, ASSUMPTION_ROWS_END, 8)
    ruled: dict[tuple[Rule, str | None], list[str]] = {}

    def input_row(assumption: Assumption, value: float | None, rule: Rule, source: str) -> None:
        number = sheet.next_row
        ruled.setdefault((rule, assumption.blank_means), []).append(f"B{number}")
        sheet.add(
            text(assumption.label),
            Cell(value, assumption.fmt, "input", name=assumption.name),
            text(_unit(assumption, scenario.currency)),
            # Wrapped over the lines it needs: the PR size limit's 275 characters ran under the next column.
            Cell(source, "text", "note", wrap=True, lines=wrapped_lines(source, SOURCE_WIDTH)),
            text(assumption.name),
            text(assumption.path or None),
            Cell(Formula(rule.check(f"B{number}", assumption.name)), "text", "warning"),
            _changed_cell(value, number),
        )

    def row(assumption: Assumption) -> None:
        value = _exported_value(scenario, assumption)
        input_row(assumption, value, rule_of(assumption), source_of(scenario, assumption))

    for title, section in SECTIONS:
        sheet.add(text(title, "heading"))
        for assumption in section:
            row(assumption)
        if title == "Review":
            input_row(PR_SIZE_LIMIT, None, PR_SIZE_LIMIT_RULE, PR_SIZE_LIMIT_SOURCE)

    sheet.add(text("AI tools (licence lines)", "heading"))
    for k, tools in tool_assumptions(scenario):
        tool = scenario.costs.tools[k - 1]
        sheet.add(
            text(f"Tool {k}: name"),
            Cell(tool.name, "text", "input", name=f"tool_{k}_name"),
            None,
            text("Scenario file", "note"),
            text(f"tool_{k}_name"),
            text(f"costs.tools.{k - 1}.name"),
        )
        for assumption in tools:
            row(assumption)
    if not scenario.costs.tools:
        sheet.add(text("No AI tool licences in this scenario.", "note"))

    sheet.add(text("Adoption and horizon", "heading"))
    sheet.add(
        text("Horizon (years of cash flow after year 0)"),
        Cell(scenario.finance.horizon_years, "int", "plain", name="horizon_years"),
        text("years"),
        text(
            "Fixed in this workbook: each year is a column of the Cash flow sheet. To change it, change the "
            "scenario and export again.",
            "note",
        ),
        text("horizon_years"),
        text("finance.horizon_years"),
    )
    for assumption in adoption_assumptions(scenario):
        row(assumption)
    sheet.validations = _validations(ruled)
    return sheet
