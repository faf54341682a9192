"""Scenario from measured metrics (METHODS §6), the CLI's metrics/scenario/template sub-commands, and
invariants of the metrics (hypothesis)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi import compute
from roi.cli import main
from roi.errors import DataError
from roi.ingest import read_exports
from roi.ingest.tables import build_dataset
from roi.metrics import ChangeStat, CohortPeriods, Cohorts, Metrics, PeriodMetrics, measure
from roi.scenario_builder import BEFORE_AFTER_CAVEAT, measurement_caveats, scenario_from_metrics
from roi.verdict import simulated

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
GITHUB = [FIXTURES / n for n in ("github_pulls_page1.json", "github_pulls_page2.json", "github_pulls_detail.ndjson",
                                 "github_reviews.json")]


def _period(**values) -> PeriodMetrics:
    return PeriodMetrics(start=None, end=None, weeks=26.0, **values)


def _metrics(baseline: dict, post: dict, changes: dict | None = None, cohorts: Cohorts | None = None,
             **extra) -> Metrics:
    comparison = "before/after only" if cohorts is None else "difference-in-differences"
    return Metrics(adoption_date=date(2025, 3, 3), ramp_weeks=2, comparison=comparison, sources=[],
                   baseline=_period(**baseline), post=_period(**post), changes=changes or {}, cohorts=cohorts,
                   **extra)


WORKING_WEEK = 365.25 / (7 * 46)
"""Rate per working week / rate per calendar week at W = 46: 52.1786 / 46 = 1.134317 (by hand)."""


def test_org_wide_change_is_scaled_by_the_adoption_share():
    # 40 of 100 developers use the tool daily; PRs/dev-week 3.0 → 3.6 org-wide (+20%).
    # Per adopter: +20% / 0.4 = +50% → 4.5 per calendar week (METHODS §6), × 1.134317 per working week.
    metrics = _metrics(
        {"developers": 100, "reviewers": 30, "prs_per_dev_week": 3.0, "tasks_per_dev_week": 4.0, "pr_size_loc": 150,
         "deployments_per_week": 10.0, "change_failure_rate": 0.1},
        {"developers": 100, "prs_per_dev_week": 3.6, "tasks_per_dev_week": 4.2, "pr_size_loc": 180,
         "deployments_per_week": 11.0, "change_failure_rate": 0.12, "ai_active_users": 40.0},
        {"prs_per_dev_week": ChangeStat(change=0.2, ci_low=0.1, ci_high=0.3, n_baseline=500, n_post=600)})
    scenario = scenario_from_metrics(metrics)
    assert scenario.post.prs_per_dev_week == pytest.approx(4.5 * WORKING_WEEK)
    assert scenario.post.tasks_per_dev_week == pytest.approx(4.0 * (1 + 0.05 / 0.4) * WORKING_WEEK)
    assert scenario.post.pr_size_loc == pytest.approx(150 * (1 + 0.2 / 0.4))
    # Team-level DORA metrics are taken as measured, not scaled (deployments only per working week).
    assert scenario.post.deployments_per_week == pytest.approx(11.0 * WORKING_WEEK)
    assert scenario.post.change_failure_rate == 0.12
    assert (scenario.team.developers, scenario.review.reviewers) == (100, 30)
    # The interval is scaled like the value: 0.5 ± 0.1/0.4.
    assert scenario.uncertainty.ranges["pr_count_growth"] == pytest.approx((0.25, 0.5, 0.75))
    assert "Adoption share 0.400 (40.0%) = mean daily AI users 40.00 / 100" in scenario.notes
    assert "to describe an adopter (docs/metrics.md, Building a scenario)." in scenario.notes  # a doc users have
    assert "associated with" in scenario.notes
    assert scenario.measurement.ramp_weeks == 2


def _cohorts(ai_users: int, non_users: int, ai_baseline: dict, ai_post: dict) -> Cohorts:
    return Cohorts(ai_users=ai_users, non_users=non_users, identified_by=["Copilot seat activity"], did={},
                   did_change={}, did_ci={},
                   ai=CohortPeriods(baseline=_period(**ai_baseline), post=_period(**ai_post)),
                   control=CohortPeriods(baseline=_period(), post=_period()))


COHORT_BASELINE = {"developers": 100, "prs_per_dev_week": 3.0, "tasks_per_dev_week": 4.0, "pr_size_loc": 150,
                   "bugs_per_dev_week": 0.5}
COHORT_POST = {"developers": 100, "prs_per_dev_week": 3.6, "tasks_per_dev_week": 4.2, "pr_size_loc": 180,
               "bugs_per_dev_week": 0.55}


def test_with_cohorts_tasks_and_bugs_are_divided_by_the_identified_ai_users_not_the_daily_ones():
    # 80 of 100 developers are in the AI-user cohort, but only 40 use the tool on a mean day (weekends and days
    # off included). The adoption share is who uses it, 80 / 100 = 0.8: tasks +5% → +6.25% (4.25), bugs +10% →
    # +12.5% (0.5625). The daily share would have doubled both. PRs and size are the cohort's own, unscaled.
    metrics = _metrics(COHORT_BASELINE, {**COHORT_POST, "ai_active_users": 40.0},
                       cohorts=_cohorts(80, 20, {"prs_per_dev_week": 3.0, "pr_size_loc": 140},
                                        {"prs_per_dev_week": 3.9, "pr_size_loc": 200}))
    scenario = scenario_from_metrics(metrics)
    assert scenario.post.tasks_per_dev_week / scenario.baseline.tasks_per_dev_week == pytest.approx(1.0625)
    assert scenario.post.bugs_per_dev_week / scenario.baseline.bugs_per_dev_week == pytest.approx(1.125)
    assert scenario.post.prs_per_dev_week / scenario.baseline.prs_per_dev_week == pytest.approx(1.3)
    assert (scenario.baseline.pr_size_loc, scenario.post.pr_size_loc) == (140, 200)
    assert ("Adoption share 0.800 (80.0%) = 80 identified AI users / 100 active developers after adoption; the "
            "org-wide changes of tasks and bugs are divided by it to describe an adopter (docs/metrics.md, Building "
            "a scenario); the mean daily AI users 40.00 of 100 is how often they use it, not who.") in scenario.notes
    assert "(80 of 100 active developers)" in scenario.notes


def test_with_cohorts_and_no_daily_ai_users_the_cohort_share_is_used():
    # No Copilot metrics: the same cohort share 80 / 100 = 0.8: tasks +5% → +6.25%, bugs +10% → +12.5%.
    metrics = _metrics(COHORT_BASELINE, COHORT_POST,
                       cohorts=_cohorts(80, 20, {"prs_per_dev_week": 3.0, "pr_size_loc": 140},
                                        {"prs_per_dev_week": 3.9, "pr_size_loc": 200}))
    scenario = scenario_from_metrics(metrics)
    assert scenario.post.tasks_per_dev_week / scenario.baseline.tasks_per_dev_week == pytest.approx(1.0625)
    assert scenario.post.bugs_per_dev_week / scenario.baseline.bugs_per_dev_week == pytest.approx(1.125)
    assert ("Adoption share 0.800 (80.0%) = 80 identified AI users / 100 active developers after adoption; the "
            "org-wide changes of tasks and bugs are divided by it to describe an adopter (docs/metrics.md, Building "
            "a scenario).") in scenario.notes


def test_measured_rates_per_calendar_week_become_rates_per_working_week(worked_example):
    # METHODS: rates per week are per working week; CONTRACT: measured weeks = days / 7.  With
    # W = 48 working weeks: 2.0 PRs per calendar week = 2.0 · 52.1786 = 104.357 PRs a year
    # = 104.357 / 48 = 2.174107 per working week (× 365.25 / 336 = 1.0870536, by hand).
    base = worked_example.model_copy(update={"team": worked_example.team.model_copy(
        update={"working_weeks_per_year": 48.0})})
    metrics = _metrics(
        {"developers": 20, "prs_per_dev_week": 2.0, "pr_size_loc": 100, "bugs_per_dev_week": 0.4,
         "deployments_per_week": 5.0, "change_failure_rate": 0.1, "review_hours_median": 10.0},
        {"developers": 20, "prs_per_dev_week": 2.5, "pr_size_loc": 120, "bugs_per_dev_week": 0.5,
         "deployments_per_week": 6.0, "change_failure_rate": 0.2, "review_hours_median": 20.0,
         "ai_active_users": 20.0},
        {"prs_per_dev_week": ChangeStat(change=0.25, ci_low=0.1, ci_high=0.4, n_baseline=500, n_post=600)})
    scenario = scenario_from_metrics(metrics, base)
    assert scenario.baseline.prs_per_dev_week == pytest.approx(2.174107, abs=1e-6)
    assert scenario.post.prs_per_dev_week == pytest.approx(2.717634, abs=1e-6)  # 2.5 · 1.0870536
    assert (scenario.baseline.bugs_per_dev_week, scenario.post.bugs_per_dev_week) == pytest.approx(
        (0.434821, 0.543527), abs=1e-6)
    assert (scenario.baseline.deployments_per_week, scenario.post.deployments_per_week) == pytest.approx(
        (5.435268, 6.522321), abs=1e-6)
    # Sizes, shares and hours are not rates per week; growth ratios (the ranges) are unit-free.
    assert (scenario.baseline.pr_size_loc, scenario.post.pr_size_loc) == (100, 120)
    assert scenario.post.change_failure_rate == 0.2
    assert (scenario.baseline.review_hours, scenario.post.review_hours) == (10.0, 20.0)  # calendar h
    assert scenario.uncertainty.ranges["pr_count_growth"] == pytest.approx((0.1, 0.25, 0.4))
    # Tasks come from the base scenario, already per working week: unchanged.
    assert (scenario.baseline.tasks_per_dev_week, scenario.post.tasks_per_dev_week) == (4.0, 4.84)
    assert ("Rates per week (prs_per_dev_week, bugs_per_dev_week, deployments_per_week) are measured per "
            "calendar week and converted to the scenario's working weeks: × (365.25 / 7) / 48 working weeks a "
            "year = 1.0871.") in scenario.notes


def test_unmeasured_fields_come_from_the_base_or_the_estimates(worked_example):
    metrics = _metrics({"developers": 20, "prs_per_dev_week": 2.0, "pr_size_loc": 100},
                       {"developers": 20, "prs_per_dev_week": 2.5, "pr_size_loc": 120})
    scenario = scenario_from_metrics(metrics, worked_example)
    assert scenario.baseline.tasks_per_dev_week == 4.0 and scenario.post.tasks_per_dev_week == 4.84
    assert "tasks_per_dev_week: not measured" in scenario.notes
    # Recorded for the summary: 4.0 → 4.84 tasks (+21.0%) and 0.5 → 0.545 bugs (+9.0%) are the base's.
    assert scenario.measurement.kept_from_base == ["tasks_per_dev_week", "bugs_per_dev_week"]
    assert measurement_caveats(scenario) == [
        "Not in these exports: completed tasks per developer-week (+21.0% after adoption), bugs per "
        "developer-week (+9.0% after adoption). These come from the scenario used before the upload, not from "
        "your data; upload the exports that measure them (a work-item export such as Jira for tasks and bugs) "
        "or enter estimates on the Data page.", BEFORE_AFTER_CAVEAT]  # no cohorts: before/after only
    assert measurement_caveats(worked_example) == []  # not measured: nothing to single out
    assert scenario.finance == worked_example.finance and scenario.costs == worked_example.costs
    assert scenario.team.developers == 20 and scenario.review.reviewers == worked_example.review.reviewers
    with pytest.raises(DataError) as error:
        scenario_from_metrics(metrics)
    assert error.value.field == "tasks_per_dev_week"


def test_the_base_range_of_a_measured_value_is_not_kept(worked_example):
    """The base's range of a value these exports replace described the base's value: the real-format
    GitHub samples measured on the demo kept its tasks range +21% to +65% around their own −70%, so the
    summary read "NPV −$499k (P10 +$96.2k to P90 +$299k), with a 0% chance of losing money"."""
    metrics = _metrics(
        {"developers": 6, "prs_per_dev_week": 2.0, "pr_size_loc": 100, "tasks_per_dev_week": 0.4},
        {"developers": 6, "prs_per_dev_week": 1.5, "pr_size_loc": 120, "tasks_per_dev_week": 0.12},
    )
    scenario = scenario_from_metrics(metrics, worked_example)  # too few events: no measured interval
    growth = {"productivity_uplift", "pr_count_growth", "pr_size_growth"}
    assert growth <= set(worked_example.uncertainty.ranges)
    assert not growth & set(scenario.uncertainty.ranges)
    assert scenario.uncertainty.ranges["finance.capture_factor"] == (  # an assumption kept from the base
        worked_example.uncertainty.ranges["finance.capture_factor"])
    assert "of the base scenario are left out" in scenario.notes
    results = compute(scenario)
    simulated_npv = simulated(results)
    assert simulated_npv.npv_p10 <= results.finance.npv <= simulated_npv.npv_p90


def test_estimates_template_alone_builds_a_scenario(worked_example):
    data = read_exports([FIXTURES / "estimates.csv"])
    m = measure(data, date(2025, 3, 3))
    assert m.baseline.prs_per_dev_week is None and m.estimates["prs_per_dev_week"].post == 5.94
    scenario = scenario_from_metrics(m, worked_example)
    assert scenario.post.prs_per_dev_week == 5.94 and scenario.post.change_failure_rate == 0.12
    assert scenario.uncertainty.ranges["productivity_uplift"] == pytest.approx((0.1, 0.21, 0.3))


def test_mixed_exports_and_template_say_which_ranges_are_measured_and_which_estimated(worked_example):
    # PR count measured with a 95% interval; tasks from the template's low / likely / high (4.4 / 4.84 / 5.2
    # on a 4.0 baseline: +10% / +21% / +30%). The note said every range came from measured intervals.
    from roi.metrics import Estimate

    metrics = _metrics(
        {"developers": 20, "prs_per_dev_week": 2.0, "pr_size_loc": 100},
        {"developers": 20, "prs_per_dev_week": 2.5, "pr_size_loc": 120},
        {"prs_per_dev_week": ChangeStat(change=0.25, ci_low=0.1, ci_high=0.4, n_baseline=500, n_post=600)},
        estimates={"tasks_per_dev_week": Estimate(baseline=4.0, post=4.84, low=4.4, high=5.2)})
    scenario = scenario_from_metrics(metrics, worked_example)
    assert scenario.uncertainty.ranges["productivity_uplift"] == pytest.approx((0.1, 0.21, 0.3))
    assert "pr_count_growth" in scenario.uncertainty.ranges
    assert [line for line in scenario.notes.splitlines() if line.startswith("Uncertainty ranges")] == [
        # PR size measured without an interval: the base's range of its own PR size growth is not kept.
        "Uncertainty ranges pr_size_growth of the base scenario are left out: they were the range of its own "
        "values, which these replace.",
        "Uncertainty ranges pr_count_growth come from the measured 95% intervals (scaled per adopter like the "
        "values).",
        "Uncertainty ranges productivity_uplift come from the template's low and high values.",
    ]


def test_cli_metrics_prints_json_and_errors_are_one_line(capsys):
    files = [str(p) for p in GITHUB]
    assert main(["metrics", *files, "--adoption-date", "2025-03-03"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["baseline"]["prs_merged"] == 2 and payload["adoption_date"] == "2025-03-03"
    assert main(["metrics", *files, "--adoption-date", "2031-01-01"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "outside the data" in err
    assert main(["metrics", str(ROOT / "pyproject.toml"), "--adoption-date", "2025-03-03"]) == 2
    assert "pyproject.toml" in capsys.readouterr().err


def test_cli_bad_adoption_date_is_a_usage_error():
    done = subprocess.run([sys.executable, "-m", "roi", "metrics", str(GITHUB[0]), "--adoption-date", "3/3/25"],
                          cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.startswith("error:") and "YYYY-MM-DD" in done.stderr


def test_cli_scenario_writes_nothing_on_error(tmp_path, capsys):
    out = tmp_path / "s.json"
    assert main(["scenario", *map(str, GITHUB), "--adoption-date", "2025-03-03", "--out", str(out)]) == 2
    assert "tasks_per_dev_week" in capsys.readouterr().err and not out.exists()


def test_cli_template_writes_xlsx_and_csv(tmp_path):
    assert main(["template", "--out", str(tmp_path / "e.xlsx")]) == 0
    assert openpyxl.load_workbook(tmp_path / "e.xlsx")["Estimates"]["A2"].value == "tasks_per_dev_week"
    assert main(["template", "--out", str(tmp_path / "e.csv")]) == 0
    assert (tmp_path / "e.csv").read_text().startswith("metric,baseline,post,low,high")
    assert main(["template", "--out", str(tmp_path / "e.txt")]) == 2


# --- Invariants ----------------------------------------------------------------------------

ADOPTION = pd.Timestamp("2025-03-03", tz="UTC")


def _dataset(rows: list[tuple[str, float, float, int]]):
    """PRs (author, hours before/after adoption of the merge, cycle hours, size)."""
    frame = pd.DataFrame([{"source": "p", "repo": "r", "number": i, "author": author, "author_is_bot": False,
                           "ai_agent": False, "is_draft": False, "merged_at": ADOPTION + pd.Timedelta(hours=offset),
                           "created_at": ADOPTION + pd.Timedelta(hours=offset - cycle), "closed_at": pd.NaT,
                           "additions": float(size), "deletions": 0.0, "labels": "", "ai_evidence": ""}
                          for i, (author, offset, cycle, size) in enumerate(rows)])
    return build_dataset({"pull_requests": [frame]}, [], "UTC")


prs = st.lists(st.tuples(st.sampled_from(["ann", "bo", "cy", "di"]), st.floats(-2000, 2000).filter(lambda h: abs(h) > 1),
                         st.floats(0.5, 300), st.integers(1, 3000)), min_size=4, max_size=40).filter(
    lambda rows: any(r[1] < 0 for r in rows) and any(r[1] > 0 for r in rows))


@settings(max_examples=25, deadline=None)
@given(prs)
def test_renaming_developers_changes_nothing(rows):
    renamed = [({"ann": "zed", "bo": "yu", "cy": "xi", "di": "wo"}[a], o, c, s) for a, o, c, s in rows]
    first, second = measure(_dataset(rows), ADOPTION.date(), draws=50), measure(_dataset(renamed), ADOPTION.date(), draws=50)
    assert first.baseline == second.baseline and first.post == second.post


@settings(max_examples=25, deadline=None)
@given(prs)
def test_a_twin_team_leaves_every_rate_and_median_unchanged(rows):
    twins = rows + [(author + "-twin", o, c, s) for author, o, c, s in rows]
    single, double = measure(_dataset(rows), ADOPTION.date(), draws=50), measure(_dataset(twins), ADOPTION.date(), draws=50)
    for a, b in ((single.baseline, double.baseline), (single.post, double.post)):
        assert b.developers == 2 * a.developers and b.prs_merged == 2 * a.prs_merged
        for field in ("prs_per_dev_week", "pr_size_loc", "pr_size_loc_median", "cycle_hours_median"):
            assert getattr(b, field) == pytest.approx(getattr(a, field))


@settings(max_examples=25, deadline=None)
@given(prs)
def test_periods_partition_the_merged_prs(rows):
    m = measure(_dataset(rows), ADOPTION.date(), draws=50)
    assert m.baseline.prs_merged + m.post.prs_merged == len(rows)
    assert m.baseline.prs_merged == sum(1 for r in rows if r[1] < 0)
    assert m.baseline.end < m.post.start and m.baseline.weeks > 0 and m.post.weeks >= 0


def test_a_scenario_from_the_estimates_template_alone_says_it_was_not_measured(worked_example):
    """It said 'Measured from exports, adoption date …' and kept a measurement, with nothing measured."""
    m = measure(read_exports([FIXTURES / "estimates.csv"]), date(2025, 3, 3))
    scenario = scenario_from_metrics(m, worked_example)
    first = scenario.notes.splitlines()[0]
    assert first == "Estimates from the template file estimates.csv; nothing measured from exports."
    assert "Measured" not in scenario.notes and "measured 95%" not in scenario.notes
    assert "bugs_per_dev_week: not in the estimates template; kept from the base scenario." in scenario.notes
    assert scenario.measurement is None and scenario.name == f"{worked_example.name} — estimates"


def test_metrics_measured_from_too_few_events_are_named(worked_example):
    # 12 tasks before and 9 after: below the 30 events an interval needs (docs/metrics.md); PRs had 500 / 600.
    metrics = _metrics(
        {"developers": 6, "prs_per_dev_week": 2.0, "pr_size_loc": 100, "tasks_per_dev_week": 0.4},
        {"developers": 6, "prs_per_dev_week": 2.5, "pr_size_loc": 120, "tasks_per_dev_week": 0.3},
        {"tasks_per_dev_week": ChangeStat(change=-0.25, n_baseline=12, n_post=9, note="sample too small"),
         "prs_per_dev_week": ChangeStat(change=0.25, ci_low=0.1, ci_high=0.4, n_baseline=500, n_post=600)})
    scenario = scenario_from_metrics(metrics, worked_example)
    assert scenario.measurement.few_events == ["tasks_per_dev_week"]
    assert measurement_caveats(scenario)[-1] == (
        "Measured from fewer than 30 events in a period: completed tasks per developer-week (−25.0% after "
        "adoption). Too few to tell a real change from chance; read these as indications, or measure a longer "
        "period.")


def test_only_the_verdicts_inputs_measured_from_too_few_events_are_named():
    """As docs/app.md, scenario-file.md and metrics.md say: the demo's recovery time comes from fewer than 30
    failed deployments, but deployments and incidents are few by nature, so the summary does not name it."""
    from roi.models import load_scenario
    from tests.conftest import SCENARIOS

    demo = load_scenario(SCENARIOS / "demo_org.json")
    assert demo.measurement.few_events == ["recovery_hours"]
    assert measurement_caveats(demo) == []


def test_a_base_review_pool_larger_than_the_measured_team_is_capped_and_said(worked_example):
    """GitLab MR lists carry no reviews: on the Data page the demo's 36 reviewers were kept for a client
    with 3 active developers, and the summary said "Today's 36 reviewers meet the 4.0 h wait target"."""
    metrics = _metrics({"developers": 2, "prs_per_dev_week": 2.0, "pr_size_loc": 100, "tasks_per_dev_week": 1.0},
                       {"developers": 3, "prs_per_dev_week": 2.5, "pr_size_loc": 120, "tasks_per_dev_week": 1.2})
    scenario = scenario_from_metrics(metrics, worked_example)  # 17 reviewers for 50 developers
    assert scenario.team.developers == 3 and scenario.review.reviewers == 3
    assert ("Review pool not measured (no reviewer named in these exports): the base scenario's 17 reviewers are more "
            "than the 3 active developers, so all 3 are assumed to review.") in scenario.notes
    kept = _metrics({"developers": 20, "prs_per_dev_week": 2.0, "pr_size_loc": 100, "tasks_per_dev_week": 1.0},
                    {"developers": 20, "prs_per_dev_week": 2.5, "pr_size_loc": 120, "tasks_per_dev_week": 1.2})
    scenario = scenario_from_metrics(kept, worked_example)
    assert scenario.review.reviewers == 17
    assert "Review pool not measured (no reviewer named in these exports): 17 reviewers kept from the base scenario." \
        in scenario.notes


@pytest.mark.parametrize(("developers", "said"), [
    (1, "the base scenario's 17 reviewers are more than the 1 active developer, so that developer is assumed to review."),
    (2, "the base scenario's 17 reviewers are more than the 2 active developers, so all 2 are assumed to review."),
])
def test_a_team_of_one_capping_the_review_pool_is_said_in_the_singular(worked_example, developers, said):
    metrics = _metrics({"developers": developers, "prs_per_dev_week": 2.0, "pr_size_loc": 100, "tasks_per_dev_week": 1.0},
                       {"developers": developers, "prs_per_dev_week": 2.5, "pr_size_loc": 120, "tasks_per_dev_week": 1.2})
    scenario = scenario_from_metrics(metrics, worked_example)
    assert scenario.review.reviewers == developers
    assert f"Review pool not measured (no reviewer named in these exports): {said}" in scenario.notes


def test_missing_delivery_metrics_name_the_exports_that_have_them(worked_example):
    """Deployments missing: the caveat said to upload "Jira for tasks and bugs, GitHub or GitLab for PRs"."""
    scenario = worked_example.model_copy(update={"measurement": None})
    from roi.models import Measurement

    scenario = scenario.model_copy(update={"measurement": Measurement(
        adoption_date=date(2025, 3, 3), sources=["pulls.json"], kept_from_base=["deployments_per_week"])})
    (caveat,) = measurement_caveats(scenario)
    assert "measure them (deployments and incidents (GitHub or GitLab deployments, Four Keys or DevLake tables) " \
        "for the delivery metrics)" in caveat
    assert "Jira" not in caveat and "GitLab: its MR lists" not in caveat


def test_pr_size_and_review_time_missing_from_gitlab_lists_name_the_exports_that_have_them(worked_example):
    """GitLab MR lists have no line counts and no reviews; the summary said to upload "GitHub or GitLab for
    PRs" to measure PR size and review time, which the GitLab file just uploaded cannot do."""
    metrics = _metrics({"developers": 3, "prs_per_dev_week": 0.3, "tasks_per_dev_week": 0.3},
                       {"developers": 3, "prs_per_dev_week": 0.4, "tasks_per_dev_week": 0.5})
    scenario = scenario_from_metrics(metrics, worked_example)
    assert scenario.measurement.kept_from_base == ["pr_size_loc", "bugs_per_dev_week"]
    caveat = measurement_caveats(scenario)[0]
    assert caveat.startswith("Not in these exports: mean PR size (lines changed) (+")  # not "mean pr size"
    assert "measure them (a work-item export such as Jira for tasks and bugs; GitHub or GitLab pull requests, " \
        "with their reviews, for PRs, their size and review time)" in caveat  # what each missing one needs
    assert caveat.endswith("or enter estimates on the Data page. If your PRs come from GitLab: its MR lists carry no "
                           "PR sizes and no reviews; "
                           "PR size needs GitHub PR details, gh or GraphQL output, GitLab GraphQL mergeRequests pages "
                           "(diffStatsSummary), or DevLake's pull_requests table; "
                           "review time needs reviews, such as the GitLab MRs' notes (/merge_requests/:iid/notes), "
                           "GitHub reviews or DevLake's pull_request_comments table.")
    with pytest.raises(DataError) as error:
        scenario_from_metrics(metrics)
    assert ("PR size needs GitHub PR details, gh or GraphQL output, GitLab GraphQL mergeRequests pages "
            "(diffStatsSummary), or DevLake's pull_requests table; GitLab's REST MR lists have no line counts") \
        in error.value.message


def test_a_ratio_of_poisson_rates_has_an_exact_interval():
    # 20 events before and 10 after over equal exposures: the ratio 0.5 (change −50%). Given the 30 events, those
    # after adoption are Binomial(30, p); Clopper–Pearson for 10 of 30 is [0.1729, 0.5281] (scipy's binomtest,
    # an independent implementation), so the ratio p/(1−p) runs 0.2090 to 1.1190.
    from scipy.stats import binomtest

    from roi.scenario_builder import poisson_ratio_interval

    p = binomtest(10, 30).proportion_ci(confidence_level=0.95, method="exact")
    low, high = poisson_ratio_interval(ChangeStat(change=-0.5, n_baseline=20, n_post=10))
    assert (low, high) == pytest.approx((p.low / (1 - p.low) - 1, p.high / (1 - p.high) - 1), rel=1e-9)
    assert (round(low, 3), round(high, 3)) == (-0.791, 0.119)
    # Twice the exposure before adoption: the same counts are a ratio of 1.0, the interval scaled with it.
    low2, high2 = poisson_ratio_interval(ChangeStat(change=0.0, n_baseline=20, n_post=10))
    assert (low2 + 1, high2 + 1) == pytest.approx((2 * (low + 1), 2 * (high + 1)))
    assert poisson_ratio_interval(ChangeStat(change=-1.0, n_baseline=20, n_post=0)) is None


def test_few_events_still_give_a_count_rate_its_range(worked_example):
    """10 completed tasks after adoption: no bootstrap interval (30 events), and the scenario took the measured
    −48% as certain: "100% chance of losing money" on a sample the app called too small."""
    metrics = _metrics(
        {"developers": 6, "prs_per_dev_week": 2.0, "pr_size_loc": 100, "tasks_per_dev_week": 0.4},
        {"developers": 6, "prs_per_dev_week": 1.5, "pr_size_loc": 120, "tasks_per_dev_week": 0.208},
        {"tasks_per_dev_week": ChangeStat(change=-0.48, n_baseline=25, n_post=10),
         "pr_size_loc": ChangeStat(change=0.2, n_baseline=20, n_post=15)},
    )
    scenario = scenario_from_metrics(metrics, worked_example)
    low, likely, high = scenario.uncertainty.ranges["productivity_uplift"]
    interval = poisson_ratio_interval_of(-0.48, 25, 10)
    assert likely == pytest.approx(-0.48, abs=1e-6)  # every developer an adopter here (no AI metrics)
    assert (low, high) == pytest.approx(interval, abs=1e-6)
    assert "pr_size_growth" not in scenario.uncertainty.ranges  # a median's change has no count interval
    assert "productivity_uplift come from an exact Poisson interval of the few events counted" in scenario.notes


def poisson_ratio_interval_of(change: float, n_baseline: int, n_post: int) -> tuple[float, float]:
    from roi.scenario_builder import poisson_ratio_interval

    found = poisson_ratio_interval(ChangeStat(change=change, n_baseline=n_baseline, n_post=n_post))
    assert found is not None
    return found


def test_the_seat_count_caveat_writes_numbers_as_the_tiles_do():
    """At 100,000 developers it said "prices 100000 (… a seat coverage of 0% matches …)" for 108 seats."""
    from roi.models import load_scenario
    from roi.scenario_builder import SeatsHeld, licence_caveat
    from roi.whatif import with_value
    from tests.conftest import SCENARIOS

    scenario = with_value(load_scenario(SCENARIOS / "demo_org.json"), "team.developers", 100_000)
    caveat = licence_caveat(scenario, {"copilot_seats"}, SeatsHeld(count=108, plans=frozenset({"enterprise"})))
    assert caveat is not None and ("the seats export lists 108 Copilot seats, but “GitHub Copilot Enterprise” prices "
                                   "100,000 (100% of 100,000 developers; a seat coverage of 0.1% matches the export)"
                                   ) in caveat


@pytest.mark.parametrize(("developers", "coverage", "said"), [
    # 1 developer at 100%: 1 seat priced, 108 − 1 = 107 not, × $39 = $4,173 a month.
    (1, 1.0, "more than the 1 developer in scope: “GitHub Copilot Enterprise” prices 1 (100% of 1 developer), "
             "and the costs count at most one seat per developer in scope (a seat coverage of 100%). If the seats "
             "cover a larger team, raise “Developers in scope (n)” (ROI & risk → Team) to it; if this scenario covers "
             "only part of that team, the other 107 seats cost $4,173 a month at $39 per seat-month and are not in "
             "this scenario's costs."),
    # 3 developers: 108 − 3 = 105 seats, × $39 = $4,095.
    (3, 1.0, "more than the 3 developers in scope: “GitHub Copilot Enterprise” prices 3 (100% of 3 developers), "),
    (3, 1.0, "the other 105 seats cost $4,095 a month"),
    # 100 developers at 80%: 80 priced, 108 − 80 = 28 seats not, × $39 = $1,092.
    (100, 0.8, "prices 80 (80% of 100 developers), and the costs count at most one seat per developer in scope"),
    (100, 0.8, "the other 28 seats cost $1,092 a month at $39 per seat-month"),
])
def test_more_seats_than_developers_in_scope_are_named_as_such(developers, coverage, said):
    """At 1 developer it said "… prices 1 (100% of 1 developer; a seat coverage of 100% matches the export)": a
    coverage is at most 100% (the costs price n·coverage seats), so it suggested the value in use, matching nothing."""
    from roi.models import load_scenario
    from roi.scenario_builder import SeatsHeld, licence_caveat
    from roi.whatif import with_values
    from tests.conftest import SCENARIOS

    scenario = with_values(load_scenario(SCENARIOS / "demo_org.json"), {
        "team.developers": developers, "costs.tools.0.seat_coverage": coverage,
        "finance.adoption_by_year": [0.7, 0.8, 0.8]})
    caveat = licence_caveat(scenario, {"copilot_seats"}, SeatsHeld(count=108, plans=frozenset({"enterprise"})))
    assert caveat is not None and caveat.startswith("Licences: the seats export lists 108 Copilot seats, ")
    assert said in caveat and "matches the export" not in caveat


def test_a_scenario_measured_without_a_control_cohort_says_associated_with(worked_example):
    """METHODS §6: without a control cohort, say "associated with". The Data page said it; the Summary, where an
    executive reads "Output per developer rises 22.9%", did not (CFO audit A5)."""
    metrics = _metrics({"developers": 20, "prs_per_dev_week": 2.0, "pr_size_loc": 100, "tasks_per_dev_week": 4.0,
                        "bugs_per_dev_week": 0.5},
                       {"developers": 20, "prs_per_dev_week": 2.5, "pr_size_loc": 120, "tasks_per_dev_week": 4.4,
                        "bugs_per_dev_week": 0.5})
    before_after = scenario_from_metrics(metrics, worked_example)
    assert before_after.measurement.control_cohort is False
    assert measurement_caveats(before_after) == [BEFORE_AFTER_CAVEAT]
    assert BEFORE_AFTER_CAVEAT.startswith("Measured before and after adoption only") and (
        "associated with adoption, not shown to be caused by it" in BEFORE_AFTER_CAVEAT)
    assert "Before/after comparison only (" in before_after.notes  # the reason, for the Data page
    compared = scenario_from_metrics(_metrics(COHORT_BASELINE, COHORT_POST, cohorts=_cohorts(
        80, 20, {"prs_per_dev_week": 3.0, "pr_size_loc": 140}, {"prs_per_dev_week": 3.9, "pr_size_loc": 200})),
        worked_example)
    assert compared.measurement.control_cohort is True and measurement_caveats(compared) == []
    # A file saved before the field existed: its notes say whether it was before/after only.
    older = before_after.measurement.model_copy(update={"control_cohort": None})
    assert measurement_caveats(before_after.model_copy(update={"measurement": older})) == [BEFORE_AFTER_CAVEAT]
    older = compared.measurement.model_copy(update={"control_cohort": None})
    assert measurement_caveats(compared.model_copy(update={"measurement": older})) == []
