"""Build a scenario from measured metrics (docs/metrics.md, "Building a scenario").

The scenario's post metrics describe an *adopting* developer (benefits are later scaled by
``finance.adoption_by_year``).  When the exports tell AI users from non-users, the AI-user
cohort's own baseline and post metrics are used for the metrics the cohorts have: PR
throughput, size and review time.  Every other per-developer change (tasks, bugs) is the
organisation-wide change divided by the adoption share: the identified AI users over the active
developers (the cohorts).  Only when AI users cannot be told apart is it the post period's mean
daily AI users over its active developers, as docs/metrics.md ("Building a scenario") writes it:
change per adopter = org-wide change / (ai_active_users / developers).  Team-level DORA metrics are
taken as measured.  Whatever the exports cannot measure comes from the estimates template,
else from the base scenario; the scenario's ``notes`` say which and how.

Units: the exports' rates are per calendar week (days / 7, CONTRACT "Metrics JSON"); the
scenario's are per working week (docs/methodology.md, "Units"), since the engine annualises them with the
W working weeks of a year.  Measured rates per week are therefore multiplied by
(365.25 / 7) / W (1.1343 at W = 46): a year's work done in its W working weeks.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from scipy import stats

from roi import defaults
from roi import formatting as fmt
from roi import team_rates
from roi.archive import shown_name
from roi.errors import DataError, ScenarioError
from roi.ingest.tables import EMPTY_FORMAT
from roi.metrics import MEASURED, MIN_SAMPLE, ChangeStat, Estimate, Metrics, period_label
from roi.models import Scenario, Tool, scenario_from_dict
from roi.whatif import names_tool

REQUIRED = ("tasks_per_dev_week", "prs_per_dev_week", "pr_size_loc")
"""Period fields a scenario cannot do without."""

PR_SIZE_EXPORTS = ("GitHub PR details, gh or GraphQL output, GitLab GraphQL mergeRequests pages (diffStatsSummary), "
                   "or DevLake's pull_requests table")
"""The exports that carry PR sizes (lines added and deleted)."""

NEEDED_EXPORT = {
    "tasks_per_dev_week": "tasks need a work-item export such as Jira",
    "prs_per_dev_week": "PR throughput needs a PR or MR export",
    "pr_size_loc": f"PR size needs {PR_SIZE_EXPORTS}; GitLab's REST MR lists have no line counts",
}
"""What each :data:`REQUIRED` field needs, said when it cannot be measured."""

PER_ADOPTER = ("tasks_per_dev_week", "prs_per_dev_week", "pr_size_loc", "bugs_per_dev_week", "review_hours")
"""Fields whose change is attributed to adopters (scaled by the adoption share); the rest are team-level."""

VERDICT_INPUTS = (*REQUIRED, "bugs_per_dev_week")
"""Period fields of the productivity terms G, ΔR and ΔD, which drive the NPV and the verdict."""

COHORT_FIELDS = ("prs_per_dev_week", "pr_size_loc", "review_hours")
"""Fields the AI-user cohort provides directly when cohorts exist."""

RANGE_KEYS = {"tasks_per_dev_week": "productivity_uplift", "prs_per_dev_week": "pr_count_growth",
              "pr_size_loc": "pr_size_growth"}
"""Scenario fields whose growth has a special uncertainty key (methodology §4)."""

WEEKLY_RATES = ("tasks_per_dev_week", "prs_per_dev_week", "bugs_per_dev_week", "deployments_per_week")
"""Scenario fields that are rates per week: measured per calendar week, used per working week."""

CALENDAR_WEEKS_PER_YEAR = 365.25 / 7
"""Calendar weeks in a mean (Julian) year [weeks]: 52.18."""

MIN_FRACTION_OF_BASELINE = 0.01
"""A scaled post value is kept at or above 1% of its baseline (a scaled fall cannot pass −100%)."""


def _cohort_share(metrics: Metrics) -> float | None:
    """AI users / active developers after adoption, from the cohorts; ``None`` without cohorts."""
    cohorts = metrics.cohorts
    if cohorts is None:
        return None
    return max(cohorts.ai_users / max(cohorts.ai_users + cohorts.non_users, 1), 1e-6)


def _adoption_share(metrics: Metrics, notes: list[str]) -> float:
    """Share of active developers using the tool after adoption, in (0, 1] (docs/metrics.md).

    1 when every active developer shows AI use; else the identified AI users / active developers
    (the cohorts); else ai_active_users / developers of the post period; else 1 (org-wide changes
    used as they are).  The note names the share used.

    Identified users come first: mean daily AI users say how often people use the tool, not who does.
    They count weekends (GitHub reports 0–1 users on a Saturday) and days an adopter did not open it,
    so on a client with 18 of 24 developers using Copilot the daily share read 0.50 and turned tasks
    +26% org-wide into +51% per adopter, where 18 / 24 gives +34%.
    """
    users, developers = metrics.post.ai_active_users, metrics.post.developers
    cohorts = metrics.cohorts
    daily = (f"mean daily AI users {users:.2f} of {developers} is how often they use it, not who"
             if users and developers else None)
    if metrics.all_ai_users:
        notes.append("Adoption share 1 (100%): every active developer after adoption shows AI use, so the "
                     "org-wide changes are an adopter's and are used as they are"
                     + (f" ({daily})" if daily else "") + ".")
        return 1.0
    if cohorts is not None:
        cohort_share = _cohort_share(metrics)
        assert cohort_share is not None  # None only without cohorts
        total = cohorts.ai_users + cohorts.non_users
        notes.append(f"Adoption share {cohort_share:.3f} ({cohort_share:.1%}) = {cohorts.ai_users} identified AI "
                     f"users / {total} active developers after adoption; the org-wide changes of tasks and bugs are "
                     "divided by it to describe an adopter (docs/metrics.md, Building a scenario)"
                     + (f"; the {daily}" if daily else "") + ".")
        return cohort_share
    if users and developers:
        share = min(users / developers, 1.0)
        notes.append(f"Adoption share {share:.3f} ({share:.1%}) = mean daily AI users {users:.2f} / "
                     f"{developers} active developers after adoption (the exports do not tell every AI user from "
                     "non-users); org-wide changes are divided by it to describe an adopter (docs/metrics.md, "
                     "Building a scenario). "
                     "Days nobody works (weekends) count as days with data, so it understates who uses the tool.")
        return max(share, 1e-6)
    notes.append("Adoption share unknown (no Copilot activity data): org-wide changes are used as they are, "
                 "which understates the effect per adopter if not everyone used the tool.")
    return 1.0


MEASURED_NOTE = "Measured from exports"
NO_BASE_NOTE = (
    "No base scenario: the assumptions not measured are defaults, which price no licences, training, set-up "
    "or governance, so the NPV counts the benefits alone and the rollout cannot fail to pay back. Enter the "
    "client's costs on ROI & risk → Licences and costs, or build the scenario again with --base SCENARIO.json."
)
"""A measured scenario without a base has no costs: said in its notes (and by the command line, on stderr),
because a "free tool" verdict is the wrong investment decision."""
"""The start of a measured scenario's first note (which later edits recognise)."""


def working_week_factor(working_weeks_per_year: float) -> float:
    """Rate per working week / rate per calendar week = (365.25 / 7) / W.

    Parameters:
        working_weeks_per_year: W [weeks/year], the scenario's ``team.working_weeks_per_year``.

    Notes:
        What a developer does in a year is done in its W working weeks, so a rate measured over
        calendar weeks (holidays and leave included, as a year's average) times 52.18 weeks is
        the yearly count, and that divided by W is the rate per working week.

    Examples:
        >>> round(working_week_factor(46), 4)
        1.1343
    """
    return CALENDAR_WEEKS_PER_YEAR / working_weeks_per_year


def week_units(working_weeks_per_year: float, *, measured: bool) -> str:
    """The sentence saying which weeks a page's rates are per, and the factor between the two.

    ``measured``: the page shows rates as measured (per calendar week), else the scenario's.

    Examples:
        >>> week_units(46, measured=True)[:60]
        'Rates are per calendar week (7 days), as measured; the scena'
    """
    factor = fmt.number(working_week_factor(working_weeks_per_year), digits=4)
    weeks = fmt.number(working_weeks_per_year)
    if measured:
        return (f"Rates are per calendar week (7 days), as measured; the scenario and the other pages count "
                f"working weeks ({weeks} a year): their rates are these × {factor}.")
    return (f"Rates are per working week ({weeks} a year, the scenario's W); a rate measured per calendar "
            f"week (7 days), as the Data page's measured table shows it, is × {factor} here.")


def _scaled(base: float, change: float, share: float) -> float:
    return max(base * (1.0 + change / share), base * MIN_FRACTION_OF_BASELINE)


COUNT_RATES = ("tasks_per_dev_week", "prs_per_dev_week")
"""Range fields that are counts of events over an exposure (developer-weeks): with too few events for the
bootstrap they still get an exact interval (:func:`poisson_ratio_interval`)."""


def poisson_ratio_interval(stat: ChangeStat, level: float = 0.95) -> tuple[float, float] | None:
    """(low, high) change of a ratio of two Poisson rates, exact and conditional: given the n_b + n_p events,
    the post period's n_p are binomial with p = E_p·λ_p / (E_b·λ_b + E_p·λ_p), so the Clopper–Pearson
    interval of p gives one for the ratio (Przyborowski & Wilenski 1940) [fractions].

    The exposures' ratio E_b / E_p follows from the change and the counts: (change + 1)·n_b / n_p.  ``None``
    without events in both periods.  For 10 completed tasks the bootstrap (docs/metrics.md: 30 events) gives no
    interval, and the Monte Carlo took a −48% measured from them as certain ("100% chance of a loss")."""
    n_base, n_post = stat.n_baseline, stat.n_post
    if stat.change is None or n_base <= 0 or n_post <= 0:
        return None
    exposures = (stat.change + 1.0) * n_base / n_post
    tail = (1.0 - level) / 2.0
    p_low = float(stats.beta.ppf(tail, n_post, n_base + 1))
    p_high = float(stats.beta.ppf(1.0 - tail, n_post + 1, n_base))
    return exposures * p_low / (1.0 - p_low) - 1.0, exposures * p_high / (1.0 - p_high) - 1.0


def _range(likely_growth: float, stat: ChangeStat | None, share: float,
           counts: bool = False) -> tuple[float, float, float] | None:
    """(low, likely, high) growth for an uncertainty key from a change's bootstrap interval, or, for a count
    rate (``counts``) measured from too few events for one, from :func:`poisson_ratio_interval`."""
    if stat is None or stat.change is None:
        return None
    interval = (stat.ci_low, stat.ci_high)
    if (interval[0] is None or interval[1] is None) and counts:
        interval = poisson_ratio_interval(stat) or (None, None)
    ci_low, ci_high = interval
    if ci_low is None or ci_high is None:
        return None
    low = likely_growth - (stat.change - ci_low) / share
    high = likely_growth + (ci_high - stat.change) / share
    low = max(min(low, likely_growth), -1.0 + MIN_FRACTION_OF_BASELINE)
    # The likely value unrounded: it is the scenario's own change, and the tornado's "NPV at the likely values"
    # is the NPV only if they agree (rounded to 6 decimals, the demo's g = 0.2289015 gave $5.51 apart).
    return min(round(low, 6), likely_growth), likely_growth, max(round(high, 6), likely_growth)


def _check_estimate(field: str, estimate: Estimate, metrics: Metrics) -> None:
    """The estimates form's rules (roi.whatif.with_estimates): a row gives both baseline and post or
    neither, and both low and high or neither; a half-filled row was silently replaced by the base."""
    files = ", ".join(s.file for s in metrics.sources if s.format == "estimates_template") or None
    if (estimate.baseline is None) != (estimate.post is None):
        raise DataError("the estimates template gives only one of baseline and post; give both the value "
                        "before and the value after adoption, or neither", file=files, field=field)
    if estimate.baseline is not None and (estimate.low is None) != (estimate.high is None):
        raise DataError("the estimates template gives only one of low and high; give both, or neither",
                        file=files, field=field)


def _with_change(scenario: Scenario, field: str) -> str:
    """A period field's reader-facing name with its change after adoption: "completed tasks … (+21.0% …)"."""
    before, after = getattr(scenario.baseline, field), getattr(scenario.post, field)
    change = f" ({fmt.percent(after / before - 1.0, signed=True, digits=1)} after adoption)" \
        if before and after is not None else ""
    return f"{fmt.in_sentence(period_label(field))}{change}"


GITLAB_HAS_NO_SIZES = (" If your PRs come from GitLab: its MR lists carry no PR sizes and no reviews; PR size "
                       f"needs {PR_SIZE_EXPORTS}; review time needs reviews, such as the "
                       "GitLab MRs' notes (/merge_requests/:iid/notes), GitHub reviews or DevLake's "
                       "pull_request_comments table.")
"""Said with a caveat on PR size or review time: "GitHub or GitLab for PRs" alone sent GitLab users in circles."""


EXPORTS_FOR: tuple[tuple[frozenset[str], str], ...] = (
    (frozenset({"tasks_per_dev_week", "bugs_per_dev_week"}), "a work-item export such as Jira for tasks and bugs"),
    (frozenset({"prs_per_dev_week", "pr_size_loc", "review_hours"}),
     "GitHub or GitLab pull requests, with their reviews, for PRs, their size and review time"),
    (frozenset({"deployments_per_week", "change_failure_rate", "recovery_hours", "rework_rate", "lead_time_hours"}),
     "deployments and incidents (GitHub or GitLab deployments, Four Keys or DevLake tables) for the delivery "
     "metrics"),
)
"""Which exports measure which scenario fields, as a caveat on fields the exports did not measure names them."""


def before_after_reason(notes: list[str]) -> str:
    """Why the metrics have no cohorts, from their notes: AI users were often identified, but one cohort had
    no PRs before adoption ("AI users not identified" was said whatever the reason)."""
    return next((note.split(":")[0] for note in notes if "before/after only" in note), "AI users not identified")


BEFORE_AFTER_CAVEAT = (
    "Measured before and after adoption only, with no group of non-users to compare with (the Data page says "
    "why): the changes below are associated with adoption, not shown to be caused by it. Anything else that "
    "changed over the same months (a reorganisation, a release crunch, the season) is in them too."
)
"""The Summary's caveat on a scenario measured without a control cohort (METHODS §6: say "associated with"); the
reason, which differs (no seats, every developer a user, no PRs before adoption…), is the Data page's."""
BEFORE_AFTER_NOTE = "Before/after comparison only"
"""How a measured scenario's notes start the line saying it was compared before/after only."""


def measurement_caveats(scenario: Scenario) -> list[str]:
    """Sentences on the period metrics of a measured scenario that its exports did not back: those they
    did not measure (the base's values, :attr:`roi.models.Measurement.kept_from_base`), the lack of a control
    cohort (``control_cohort`` false), and those measured from too few events (``few_events``); empty when there
    are none, or nothing was measured."""
    measurement = scenario.measurement
    if measurement is None:
        return []
    caveats = []
    if measurement.kept_from_base:
        kept = set(measurement.kept_from_base)
        # The exports that would measure what is missing, and only those ("Jira for tasks and bugs" was said
        # for missing deployments).
        where = [source for fields, source in EXPORTS_FOR if kept & fields]
        caveats.append(
            f"Not in these exports: {', '.join(_with_change(scenario, f) for f in measurement.kept_from_base)}. "
            "These come from the scenario used before the upload, not from your data; upload the exports "
            f"that measure them ({'; '.join(where) or 'see the Data page'}) or enter estimates on the "
            "Data page." + (GITLAB_HAS_NO_SIZES if {"pr_size_loc", "review_hours"} & kept else ""))
    # METHODS §6: without a control cohort, say "associated with" (a file saved before control_cohort existed
    # says it in its notes)
    if measurement.control_cohort is False or (measurement.control_cohort is None and any(
            line.startswith(BEFORE_AFTER_NOTE) for line in (scenario.notes or "").splitlines())):
        caveats.append(BEFORE_AFTER_CAVEAT)
    # Incidents and deployments are few by nature; only the productivity inputs carry the verdict.
    few = [field for field in measurement.few_events if field in VERDICT_INPUTS]
    if few:
        caveats.append(
            f"Measured from fewer than {MIN_SAMPLE} events in a period: "
            f"{', '.join(_with_change(scenario, f) for f in few)}. Too few to tell a real change from "
            "chance; read these as indications, or measure a longer period.")
    return caveats


ADOPTION_GAP = 0.1
"""Gap between the measured adoption share and year 1's assumed adoption from which the Adoption tab says so."""


def adoption_caveat(scenario: Scenario) -> str | None:
    """A sentence when the exports' share of developers using the tool and year 1's adoption differ by
    :data:`ADOPTION_GAP` or more: the demo measured 80% while its money assumed 70% (kept from the base scenario).
    """
    measurement = scenario.measurement
    share = measurement.adoption_share if measurement is not None else None
    year_1 = scenario.finance.adoption_by_year[0] if scenario.finance.adoption_by_year else None
    if share is None or year_1 is None or abs(share - year_1) < ADOPTION_GAP - 1e-9:
        return None
    return (f"The exports show {fmt.share(share)} of active developers using the tool after adoption; the money "
            f"assumes {fmt.share(year_1)} in year 1. Set year 1 (and the years after) to what you expect: the "
            "measured share covers the period after the adoption date, not a whole year of the horizon.")


AI_TOOL_FORMATS = {
    "Copilot": frozenset({"copilot_metrics", "copilot_usage_legacy", "copilot_user_report", "copilot_org_report",
                          "copilot_seats", "copilot_seat_activity"}),
    "Cursor": frozenset({"cursor_usage"}),
    "Claude Code": frozenset({"claude_code_usage"}),
}
"""The AI tools whose use an export format shows, by the word a licence line's name would hold."""


@dataclass(frozen=True)
class SeatsHeld:
    """The Copilot seats an export lists: ``count`` people holding one (none pending cancellation) and the
    ``plans`` they are on (``business``, ``enterprise``)."""

    count: int
    plans: frozenset[str]


COPILOT_PLANS = ("business", "enterprise")
"""Copilot's ``plan_type`` values a licence line's name may name."""

SEAT_COUNT_TOLERANCE = 0.1
"""A licence line pricing more than this share more or fewer seats than the export lists is named."""


def seats_held(seats: pd.DataFrame) -> SeatsHeld | None:
    """The seats of a dataset's ``seats`` table still held (not pending cancellation); ``None`` without any."""
    held = seats[seats["pending_cancellation"].isna().to_numpy()]
    if held.empty:
        return None
    return SeatsHeld(count=int(held["user"].nunique()),
                     plans=frozenset(p for p in held["plan"].dropna() if p in COPILOT_PLANS))


def _seat_parts(scenario: Scenario, seats: SeatsHeld) -> list[str]:
    """Where the one Copilot licence line disagrees with the seats export: its plan, its number of seats."""
    lines = [tool for tool in scenario.costs.tools if names_tool(tool.name, "Copilot")]
    if len(lines) != 1:  # none: said as unpriced; several: which one the export bills cannot be told
        return []
    line, developers, parts = lines[0], scenario.team.developers, []
    named = [plan for plan in COPILOT_PLANS if plan in line.name.casefold()]
    if len(seats.plans) == 1 and named and named[0] not in seats.plans:
        parts.append(f"the seats export shows Copilot {next(iter(seats.plans)).capitalize()} seats, but “{line.name}” "
                     f"prices {named[0].capitalize()}")
    priced = line.seat_coverage * developers
    if abs(seats.count - priced) <= max(1.0, SEAT_COUNT_TOLERANCE * priced):
        return parts
    if seats.count > developers:  # no coverage up to 100% matches (it suggested 100%, the value in use)
        parts.append(_seats_beyond_team(line, developers, seats.count, scenario.currency))
    else:
        parts.append(f"the seats export lists {fmt.number(seats.count)} Copilot seats, but “{line.name}” prices "
                     f"{fmt.number(round(priced))} ({fmt.share(line.seat_coverage)} of {fmt.count(developers, 'developer')}; "
                     "a seat coverage of "
                     f"{fmt.share(seats.count / developers)} matches the export)")
    return parts


def _seats_beyond_team(line: Tool, developers: int, seats: int, currency: str) -> str:
    """The seats export holds more seats than the scenario has developers in scope: the costs price
    n·coverage seats with a coverage of at most 100% (:func:`roi.finance.running_cost`), so no coverage
    matches; the seats not priced [seats] and their list price [currency/month] are named."""
    priced = round(line.seat_coverage * developers)
    extra = seats - priced
    people = fmt.count(developers, "developer")
    return (f"the seats export lists {fmt.number(seats)} Copilot seats, more than the {people} in scope: "
            f"“{line.name}” prices {fmt.number(priced)} ({fmt.share(line.seat_coverage)} of {people}), and "
            "the costs count at most one seat per developer in scope (a seat coverage of 100%). If the seats cover a "
            "larger team, raise “Developers in scope (n)” (ROI & risk → Team) to it; if this scenario covers only "
            "part of that team, "
            f"the other {fmt.count(extra, 'seat')} cost "
            f"{fmt.money(extra * line.price_per_seat_month, currency)} a month at "
            f"{fmt.money(line.price_per_seat_month, currency)} per seat-month and are not in this scenario's costs")


def licence_caveat(scenario: Scenario, formats: set[str], seats: SeatsHeld | None = None) -> str | None:
    """A sentence when the licences priced and the AI tools the exports show use of disagree, else None.

    A measured scenario takes its licences from the base scenario (the demo prices GitHub Copilot
    Enterprise): a Claude Code client would be costed for a tool it does not use, without a word.  Lines
    and tools are matched by :func:`roi.whatif.names_tool`.  With a Copilot seats export (``seats``), the
    Copilot line's plan and number of seats are checked against it too (a Business client was priced at
    Enterprise's price for 25 seats where it held 20).
    Nothing is said when no export shows AI use: then there is nothing to compare with.
    """
    seen = [tool for tool, ids in AI_TOOL_FORMATS.items() if ids & formats]
    if scenario.measurement is None or not seen:
        return None
    names = [tool.name for tool in scenario.costs.tools]
    unpriced = [tool for tool in seen if not any(names_tool(name, tool) for name in names)]
    unseen = [name for name in names if not any(names_tool(name, tool) for tool in seen)]
    parts = []
    if unpriced:
        parts.append(f"the exports show use of {' and '.join(unpriced)}, which no licence line prices")
    if unseen:
        parts.append(f"{' and '.join(f'“{name}”' for name in unseen)} {'is' if len(unseen) == 1 else 'are'} priced, "
                     "but no export shows its use")
    if seats is not None:
        parts += _seat_parts(scenario, seats)
    if not parts:
        return None
    return ("Licences: " + "; ".join(parts) + ". The costs, and so the verdict, price the tools on ROI & risk → "
            "Licences and costs: check them there.")


def _typed_over_counts(base: Scenario | None, sources: list[str], counts: dict[str, int]) -> dict[str, int]:
    """The counts (``measurement.counted``: developers, reviewers) the user typed over in ``base``, by field path:
    their typed values [count], when these exports are the ones ``base`` was measured from: the same files
    (``sources``) counting the same (``counts``; a name alone matched another client's ``pulls.json``).  Other
    exports, or counts left as measured, give none."""
    if base is None or base.measurement is None or sorted(base.measurement.sources) != sorted(sources):
        return {}
    if any(counts.get(path) != count for path, count in base.measurement.counted.items()):
        return {}
    now = {"team.developers": base.team.developers, "review.reviewers": base.review.reviewers}
    return {path: now[path] for path, count in base.measurement.counted.items() if now[path] != count}


def scenario_from_metrics(metrics: Metrics, base: Scenario | None = None, *, name: str | None = None,
                          column_mappings: dict[str, dict[str, str]] | None = None,
                          timezone: str = "UTC") -> Scenario:
    """A scenario whose team, periods and review pool are measured; every other assumption from ``base``.

    ``column_mappings`` and ``timezone`` are how the exports were read; the measurement keeps them so that
    the same files read the same way again.

    Raises:
        DataError: tasks, PRs or PR size can be neither measured nor taken from ``base`` or the
            estimates template.
    """
    # The files read: an empty file skipped beside them contributed nothing, so the scenario neither names it
    # nor asks for it when it is opened again.
    used = [shown_name(s.file) for s in metrics.sources if s.format != EMPTY_FORMAT]
    templates = [shown_name(s.file) for s in metrics.sources if s.format == "estimates_template"]
    # Only the estimates template: nothing was measured, so the scenario says so and has no measurement.
    estimates_only = bool(templates) and len(templates) == len(used)
    if estimates_only:
        notes: list[str] = [f"Estimates from the template file{'s' if len(templates) != 1 else ''} "
                            f"{', '.join(templates)}; nothing measured from exports."]
        share = 1.0
    else:
        notes = [f"{MEASURED_NOTE}, adoption date {metrics.adoption_date.isoformat()}"
                 + (f", {metrics.ramp_weeks} ramp-up week(s) left out." if metrics.ramp_weeks else ".")]
        share = _adoption_share(metrics, notes)
    identified = 1.0 if metrics.all_ai_users else _cohort_share(metrics)  # who uses it, not how often
    notes += [f"{source.file}: {note}" for source in metrics.sources if source.format == "estimates_template"
              for note in source.notes]  # which sheet of a workbook was read
    estimates = metrics.estimates or {}
    baseline: dict[str, float | None] = {}
    post: dict[str, float | None] = {}
    ranges: dict[str, tuple[float, float, float]] = {}
    templated: set[str] = set()  # range keys from the template's low and high (the others are measured)
    measured_fields: list[str] = []
    estimated_fields: list[str] = []  # from the estimates template
    kept_fields: list[str] = []  # neither measured nor estimated: the base scenario's values
    cohort = metrics.cohorts
    cohort_share = _cohort_share(metrics) or share
    if cohort is not None:
        notes.append("AI users were told apart by " + ", ".join(cohort.identified_by) + "; PR throughput, size and "
                     f"review time are the AI-user cohort's own before/after values ({cohort.ai_users} of "
                     f"{cohort.ai_users + cohort.non_users} active developers). Difference-in-differences "
                     "against non-users: " + ", ".join(f"{k} {v:+.1%}" for k, v in cohort.did_change.items()
                                                         if v is not None) + ".")
    elif not estimates_only:
        notes.append(f"{BEFORE_AFTER_NOTE} ({before_after_reason(metrics.notes)}): the changes are "
                     "associated with adoption, not proven to be caused by it.")

    for field, measured in MEASURED.items():
        b_value = getattr(metrics.baseline, measured)
        p_value = getattr(metrics.post, measured)
        if cohort is not None and field in COHORT_FIELDS:
            cb, cp = getattr(cohort.ai.baseline, measured), getattr(cohort.ai.post, measured)
            if cb is not None and cp is not None:
                baseline[field], post[field] = cb, cp
                measured_fields.append(field)
                stat = metrics.changes.get(measured)
                if field in RANGE_KEYS and cb > 0:
                    # The org-wide interval scaled to the cohort like the cohort's change is to the org's.
                    found = _range(cp / cb - 1.0, stat, cohort_share, field in COUNT_RATES)
                    if found:
                        ranges[RANGE_KEYS[field]] = found
                continue
        if b_value is not None and p_value is not None:
            baseline[field] = b_value
            measured_fields.append(field)
            if field in PER_ADOPTER and b_value > 0:
                change = p_value / b_value - 1.0
                post[field] = _scaled(b_value, change, share)
                if post[field] == b_value * MIN_FRACTION_OF_BASELINE:
                    notes.append(f"{field}: the org-wide change {change:+.0%} divided by the adoption share falls "
                                 f"below −99%; held at 1% of the baseline. Check the exports cover the same teams.")
                if field in RANGE_KEYS:
                    found = _range(post[field] / b_value - 1.0, metrics.changes.get(measured), share,
                                   field in COUNT_RATES)
                    if found:
                        ranges[RANGE_KEYS[field]] = found
            else:
                post[field] = p_value
            continue
        estimate = estimates.get(field)
        if estimate is not None:
            _check_estimate(field, estimate, metrics)
        if estimate is not None and estimate.baseline is not None and estimate.post is not None:
            baseline[field], post[field] = estimate.baseline, estimate.post
            estimated_fields.append(field)  # not the base's values any more (nor its range: see below)
            notes.append(f"{field}: from the estimates template ({estimate.baseline:g} → {estimate.post:g}).")
            if estimate.low is not None and estimate.high is not None:
                if field in RANGE_KEYS and estimate.baseline > 0:
                    key = RANGE_KEYS[field]
                    low, likely, high = (round(v / estimate.baseline - 1.0, 6) for v in
                                         (estimate.low, estimate.post, estimate.high))
                    ranges[key] = (low, likely, high)
                else:
                    key = f"post.{field}"
                    ranges[key] = (estimate.low, estimate.post, estimate.high)
                templated.add(key)
            continue
        if base is not None:
            baseline[field], post[field] = getattr(base.baseline, field), getattr(base.post, field)
            if field in REQUIRED or baseline[field] is not None:
                why = "not in the estimates template" if estimates_only else "not measured by these exports"
                notes.append(f"{field}: {why}; kept from the base scenario.")
                kept_fields.append(field)
            continue
        baseline[field] = post[field] = None

    few_events = [f for f in measured_fields if (stat := metrics.changes.get(MEASURED[f])) is not None
                  and stat.change is not None and min(stat.n_baseline, stat.n_post) < MIN_SAMPLE]
    zeros = [f"{key}.{f}" for f in REQUIRED for key, period in (("baseline", baseline), ("post", post))
             if period.get(f) == 0]
    if zeros:
        verb = "is" if len(zeros) == 1 else "are"
        raise DataError(f"{', '.join(zeros)} {verb} 0, but a scenario needs a value above 0 (the model "
                        "divides by it); check the exports or the estimates template",
                        file=", ".join(s.file for s in metrics.sources) or None, field=zeros[0])
    missing = [f for f in REQUIRED if baseline.get(f) is None or post.get(f) is None]
    if missing:
        needs = "; ".join(NEEDED_EXPORT[f] for f in missing)  # only what is missing: tasks said PR size's too
        raise DataError(f"{', '.join(missing)} cannot be measured from these exports ({needs}); add such an export, "
                        "fill in the estimates template, or give a base scenario with --base",
                        file=", ".join(s.file for s in metrics.sources) or None, field=missing[0])
    weeks_per_year = base.team.working_weeks_per_year if base is not None else defaults.WORKING_WEEKS_PER_YEAR
    factor = working_week_factor(weeks_per_year)
    converted = [f for f in WEEKLY_RATES if f in measured_fields]
    for field in converted:  # growth ratios (and so the ranges) are unit-free
        before, after = baseline[field], post[field]
        assert before is not None and after is not None  # a measured field has both values (the loop above)
        baseline[field], post[field] = before * factor, after * factor
    if converted:
        notes.append(f"Rates per week ({', '.join(converted)}) are measured per calendar week and converted "
                     f"to the scenario's working weeks: × (365.25 / 7) / {weeks_per_year:g} working weeks a "
                     f"year = {factor:.4f}.")
    for period in (baseline, post):  # the scenario model requires these to be positive
        if period.get("bugs_per_dev_week") is None:
            period["bugs_per_dev_week"] = 0.0

    developers = max(metrics.baseline.developers or 0, metrics.post.developers or 0)
    team = base.team.model_dump() if base is not None else None
    if developers:
        team = {**(team or {}), "developers": developers}
        notes.append(f"Team: {developers} active developers (the larger period).")
    elif team is None:
        raise DataError("the number of developers cannot be measured (no PR or work-item export with people); "
                        "give a base scenario with --base", file=", ".join(s.file for s in metrics.sources) or None,
                        field="team.developers")
    # What the user typed over the counts of these same exports stays: re-reading a resumed scenario's own
    # exports reset its 40 planned reviewers to the 36 counted, without a word.
    counts = {"team.developers": developers, "review.reviewers": metrics.baseline.reviewers or 0}
    typed = _typed_over_counts(base, used, counts)
    if "team.developers" in typed:
        team = {**(team or {}), "developers": typed["team.developers"]}
        notes.append(f"Team: {fmt.number(typed['team.developers'])} developers as typed, not the {developers} counted.")
    reviewers = metrics.baseline.reviewers
    review = base.review.model_dump() if base is not None else None
    if reviewers:
        review = {**(review or {}), "reviewers": reviewers}
        notes.append(f"Review pool: {fmt.count(reviewers, 'distinct reviewer')} before adoption.")
    elif review is not None and developers:
        # Without reviews (GitLab MR lists without their notes) the base's pool stays; a pool larger than the measured team
        # described another organisation (the demo's 36 reviewers for a client's 3 developers).
        if review["reviewers"] > developers:
            everyone = "that developer is" if developers == 1 else f"all {fmt.number(developers)} are"
            notes.append(f"Review pool not measured (no reviewer named in these exports): the base scenario's "
                         f"{fmt.count(review['reviewers'], 'reviewer')} are more than the "
                         f"{fmt.count(developers, 'active developer')}, so {everyone} assumed to review.")
            review = {**review, "reviewers": developers}
        else:
            notes.append(f"Review pool not measured (no reviewer named in these exports): "
                         f"{fmt.count(review['reviewers'], 'reviewer')} kept from the base scenario.")
    elif review is None:
        review = {"reviewers": max(1, round(developers * defaults.REVIEW_SHARE))}
        notes.append("Review pool not measured (no reviews): a quarter of the developers assumed.")
    if "review.reviewers" in typed and reviewers:
        review = {**(review or {}), "reviewers": typed["review.reviewers"]}
        notes.append(f"Review pool: {fmt.count(typed['review.reviewers'], 'reviewer')} as typed, not the "
                     f"{reviewers} counted.")

    uncertainty = base.uncertainty.model_dump() if base is not None and base.uncertainty else None
    # The base's range of a value replaced here described the base's value, not this one: a client's
    # tasks −70% with the demo's measured +21% to +65% range gave an NPV of −$499k "with P10 +$96k to
    # P90 +$299k".
    replaced = {RANGE_KEYS.get(f, f"post.{f}") for f in [*measured_fields, *estimated_fields]}
    stale = sorted(key for key in replaced - set(ranges)
                   if uncertainty is not None and key in uncertainty.get("ranges", {}))
    if stale and uncertainty is not None:
        uncertainty["ranges"] = {k: v for k, v in uncertainty["ranges"].items() if k not in stale}
        notes.append("Uncertainty ranges " + ", ".join(stale) + " of the base scenario are left out: they "
                     "were the range of its own values, which these replace.")
    if ranges:
        uncertainty = {**(uncertainty or {}), "ranges": {**(uncertainty or {}).get("ranges", {}), **ranges}}
        measured_ranges = sorted(set(ranges) - templated)
        if measured_ranges:
            notes.append("Uncertainty ranges " + ", ".join(measured_ranges)
                         + " come from the measured 95% intervals (scaled per adopter like the values).")
            exact = sorted(RANGE_KEYS[f] for f in few_events if f in COUNT_RATES and RANGE_KEYS[f] in measured_ranges)
            if exact:
                notes.append("Of these, " + ", ".join(exact) + " come from an exact Poisson interval of the few "
                             f"events counted: the bootstrap needs {MIN_SAMPLE} in each period.")
        if templated & set(ranges):
            notes.append("Uncertainty ranges " + ", ".join(sorted(templated & set(ranges)))
                         + " come from the template's low and high values.")
    if base is None:
        notes.append(NO_BASE_NOTE)
    data = {} if base is None else base.model_dump(exclude={"team", "baseline", "post", "review", "uncertainty",
                                                            "measurement", "notes", "name"})
    data.update(
        name=name or (f"{base.name} — {'estimates' if estimates_only else 'measured'}" if base is not None
                      else "Estimates from the template" if estimates_only
                      else "Measured from exports")[:200],
        notes="\n".join(notes)[:20_000],
        team=team, baseline=baseline, post=post, review=review, uncertainty=uncertainty,
        # CONTRACT: present only when the periods were measured from exports (absent = estimates).
        measurement=None if estimates_only else {
            "adoption_date": metrics.adoption_date, "ramp_weeks": metrics.ramp_weeks,
            "sources": used, "column_mappings": dict(column_mappings or {}), "kept_from_base": kept_fields,
            "few_events": few_events, "timezone": None if timezone == "UTC" else timezone,
            "adoption_share": None if estimates_only else identified,
            "control_cohort": cohort is not None,  # as the notes' "Before/after comparison only" line
            "counted": {path: count for path, count in (("team.developers", developers),
                                                        ("review.reviewers", reviewers)) if count}},
    )
    # The checks of a scenario file: what is written here must load again (a value the exports or the
    # estimates template give can be outside a field's range, e.g. a baseline of 1e-12 tasks).
    files = ", ".join(s.file for s in metrics.sources) or None
    try:
        built = scenario_from_dict(data, source=files or "the measured scenario")
    except ScenarioError as error:
        raise DataError(
            f"the scenario built from these exports is not valid: {error.message}; check that value in the "
            "exports or the estimates template", file=files, field=error.field,
        ) from None
    scaled_to = base.measurement.deployments_developers if base is not None and base.measurement else None
    if typed.get("team.developers") is not None and scaled_to == typed["team.developers"] \
            and team_rates.deployments_mismatch(built) is not None:
        built = team_rates.with_deployments_scaled(built)  # as the user had scaled them to the developers typed
    return built
