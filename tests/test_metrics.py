"""Metrics (CONTRACT.md "Metrics JSON", METHODS §6–7) on the fixture exports, values computed by hand."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from roi.errors import DataError, InputFormatError
from roi.ingest import read_exports
from roi.ingest.tables import build_dataset
from roi.metrics import DEFINITIONS, PeriodMetrics, _Period, measure, metrics_json
from tests.conftest import ROOT

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
GITHUB = [FIXTURES / n for n in ("github_pulls_page1.json", "github_pulls_page2.json", "github_pulls_detail.ndjson",
                                 "github_reviews.json")]
ADOPTION = date(2025, 3, 3)
DAY = 86400.0

# Baseline: first merged PR 2025-02-04 09:00 → adoption; post: adoption → last merge 2025-03-18 09:00.
BASE_WEEKS = (26 * DAY + 15 * 3600) / (7 * DAY)  # 3.80357
POST_WEEKS = (15 * DAY + 9 * 3600) / (7 * DAY)  # 2.19643


@pytest.fixture(scope="module")
def github():
    return measure(read_exports(GITHUB), ADOPTION)


def test_pr_metrics_by_hand(github):
    b, p = github.baseline, github.post
    # Counted: #101 alice, #102 bob before; #107 bob, #108 carol, #109 alice after.
    assert (b.prs_merged, b.developers, p.prs_merged, p.developers) == (2, 2, 3, 3)
    assert b.weeks == pytest.approx(BASE_WEEKS, abs=1e-6) and p.weeks == pytest.approx(POST_WEEKS, abs=1e-6)
    assert b.prs_per_dev_week == pytest.approx(2 / (2 * BASE_WEEKS))
    assert p.prs_per_dev_week == pytest.approx(3 / (3 * POST_WEEKS))
    # Sizes 120, 60 → 400, 40, 200.
    assert (b.pr_size_loc, b.pr_size_loc_median) == (90, 90)
    assert p.pr_size_loc == pytest.approx(640 / 3) and p.pr_size_loc_median == 200
    # Cycle 24, 6 → 36, 12, 24 h.  First review by someone else (self-reply, bot and post-merge
    # reviews ignored): pickup 4, 2 → 10, 2 (#108 unreviewed before merge); review 20, 4 → 26, 22.
    assert (b.cycle_hours_median, p.cycle_hours_median) == (15, 24)
    assert (b.pickup_hours_median, p.pickup_hours_median) == (3, 6)
    assert (b.review_hours_median, p.review_hours_median) == (12, 24)
    assert (b.reviewers, p.reviewers) == (3, 2)  # carol, bob, alice; alice, bob


def test_absent_sources_are_null_never_zero(github):
    for period in (github.baseline, github.post):
        assert period.deployments_per_week is None and period.change_failure_rate is None
        assert period.tasks_per_dev_week is None and period.ai_active_users is None


def test_skipped_rows_are_counted_per_file_with_their_reason(github):
    sources = {Path(s.file).name: s for s in github.sources}
    page1, page2 = sources["github_pulls_page1.json"], sources["github_pulls_page2.json"]
    agent = "opened by an AI coding agent (left out of the PR metrics; its human assignee counts as an AI user)"
    assert page1.skipped == {"duplicate of a PR in another page or file": 4, agent: 1}
    assert page2.skipped == {"duplicate of a PR in another page or file": 2, "draft": 1, "bot author": 1,
                             "not merged (open, or closed without merging)": 1}
    assert page2.used_rows == 0
    reviews = sources["github_reviews.json"]
    assert reviews.skipped == {"review not submitted (PENDING, no submitted_at)": 1,
                               "review of a PR that is not counted (bot, draft, unmerged or not exported)": 1,
                               "review by a bot (Copilot code review and the like)": 1,
                               "by the PR's own author (thread reply)": 1, "submitted after the merge": 1}
    assert reviews.rows == 10 and reviews.used_rows == 5


def test_used_rows_of_a_gh_file_count_its_prs_not_the_reviews_inside_them():
    """CONTRACT sources[]: rows - used_rows = the skipped PR rows; the reviews nested in those rows
    that are left out stay listed under skipped, but they are not rows of the file."""
    done = subprocess.run([sys.executable, "-m", "roi", "metrics", str(FIXTURES / "gh_pr_list.json"),
                           "--adoption-date", "2025-03-15"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    (source,) = payload["sources"]
    # Used: #4 and #5 (merged before 03-15) and #7 (after); skipped: #6 unmerged, #8 dependabot, #9 draft.
    assert payload["baseline"]["prs_merged"] + payload["post"]["prs_merged"] == 3
    assert (source["rows"], source["used_rows"]) == (6, 3)  # used_rows was 0: 6 - (3 PRs + 4 reviews)
    assert source["skipped"] == {
        "bot author": 1, "draft": 1, "not merged (open, or closed without merging)": 1,
        "review of a PR that is not counted (bot, draft, unmerged or not exported)": 1,  # on #6
        "review by a bot (Copilot code review and the like)": 1,  # Copilot's reviewer on #7
        "by the PR's own author (thread reply)": 1,  # dana on her #4
        "submitted after the merge": 1}  # dana on #5, a day after the merge
    assert any(note.startswith("4 review(s) inside its PRs left out") for note in source["notes"])


def test_small_samples_say_so_instead_of_an_interval(github):
    change = github.changes["prs_per_dev_week"]
    assert change.change == pytest.approx((3 / (3 * POST_WEEKS)) / (2 / (2 * BASE_WEEKS)) - 1)
    assert change.ci_low is None and change.p_value is None and "too small" in change.note
    assert (change.n_baseline, change.n_post) == (2, 3)


@pytest.mark.parametrize("baseline_prs, interval", [(29, False), (30, True)])
def test_an_interval_needs_thirty_events_in_each_period(baseline_prs, interval):
    # 40 PRs after adoption; 29 before gives the change alone, 30 gives an interval and a test.
    prs = _weekday_prs("2025-01-06", "2025-04-25")
    before = prs[prs["merged_at"] < pd.Timestamp(ADOPTION, tz="UTC")]
    after = prs[prs["merged_at"] >= pd.Timestamp(ADOPTION, tz="UTC")]
    parts = {"pull_requests": [pd.concat([before.tail(baseline_prs), after.head(40)])]}
    change = measure(build_dataset(parts, [], "UTC"), ADOPTION).changes["prs_per_dev_week"]
    assert (change.n_baseline, change.n_post) == (baseline_prs, 40)
    assert (change.ci_low is not None, change.p_value is not None) == (interval, interval)
    assert ("too small" in (change.note or "")) != interval


def test_evidence_without_a_pre_period_control_is_before_after_only(github):
    # bob (agent assignee, label) and alice (co-author trailer) use AI; carol has no PR before adoption.
    assert github.comparison == "before/after only" and github.cohorts is None
    assert any("no merged PRs before adoption" in note for note in github.notes)


def test_dora_metrics_from_four_keys():
    files = GITHUB + [FIXTURES / n for n in ("fourkeys_deployments.csv", "fourkeys_incidents.csv",
                                             "fourkeys_changes.csv")]
    m = measure(read_exports(files), ADOPTION)
    # Deployments 2025-02-10 09:00, 03-05 10:00, 03-12 22:00 cover both periods: d1 comes 6 days after the
    # first merge (under a week), and the later ones 2.4 and 5.5 days from the post period's edges.
    assert m.baseline.deployments_per_week == pytest.approx(1 / BASE_WEEKS)
    assert m.post.deployments_per_week == pytest.approx(2 / POST_WEEKS)
    # d2 shipped c2b (i1's root cause); i2 names no commit: charged to the last deployment before it, d3.
    assert (m.baseline.change_failure_rate, m.post.change_failure_rate) == (0.0, 1.0)
    assert m.changes["change_failure_rate"].change is None  # from zero: no relative change
    assert (m.baseline.rework_rate, m.post.rework_rate) == (0.0, 0.0)
    assert m.baseline.recovery_hours is None and m.post.recovery_hours == 6.0  # i2 still open
    # Lead time per commit: c1 24 h; c2 24 h 0.25 s, c2b 6 h 0.25 s, c3 2 h → median 6 h 0.25 s.
    assert m.baseline.lead_time_hours == 24.0 and m.post.lead_time_hours == pytest.approx(6 + 0.25 / 3600)


def test_an_incident_whose_root_cause_no_deployment_lists_is_charged_to_the_deployment_before_it():
    """Weekly deployments 101-103 before adoption and 201-203 after, each listing one commit. Incident 1 names
    commit zz, which no deployment lists: charged to 102, the last deployment before it (1/3 before, not 0/3),
    and the notes count it. Incident 2 names d1, shipped by 201; incident 3 names no commit: charged to 203."""
    deployments = "source,deploy_id,time_created,main_commit,changes\n" + "".join(
        f'github,{d},2025-{day} 10:00:00 UTC,{c},"[""{c}""]"\n' for d, day, c in (
            (101, "02-03", "a1"), (102, "02-10", "b1"), (103, "02-17", "c1"),
            (201, "03-04", "d1"), (202, "03-11", "e1"), (203, "03-18", "f1")))
    incidents = ("source,incident_id,time_created,time_resolved,changes\n"
                 'github,1,2025-02-12 10:00:00 UTC,2025-02-12 12:00:00 UTC,"[""zz""]"\n'
                 'github,2,2025-03-12 10:00:00 UTC,2025-03-12 11:00:00 UTC,"[""d1""]"\n'
                 'github,3,2025-03-19 10:00:00 UTC,2025-03-19 13:00:00 UTC,"[]"\n')
    m = measure(read_exports([("fourkeys_deployments.csv", deployments.encode()),
                              ("fourkeys_incidents.csv", incidents.encode())]), ADOPTION)
    assert (m.baseline.change_failure_rate, m.post.change_failure_rate) == (1 / 3, 2 / 3)
    assert ("1 incident(s) name root-cause commits that no deployment in the exports lists: each is charged, as "
            "an incident without commit links is, to the last deployment before it (change failure rate); export "
            "the deployments with the commits they shipped, from as far back as the incidents, to charge the "
            "deployment that shipped the cause") in m.notes


def test_rework_counts_an_incident_open_from_creation_to_resolution_and_an_unresolved_one_for_ever():
    """Deployments 03-04, 03-11, 03-18 and 03-25 at 10:00. Incident 1: 03-10 09:00 → 03-11 10:00, resolved at
    the instant of 03-11's deployment, which is then no rework. Incident 2: 03-17 09:00, never resolved: 03-18
    and 03-25 are rework. Post rework 2/4. Lead time: c0, committed 02-28 09:00 and first deployed 03-04
    10:00 (after adoption), counts in the post period, as its deployment does: 97 h."""
    deployments = "source,deploy_id,time_created,main_commit,changes\n" + "".join(
        f'github,{d},2025-{day} 10:00:00 UTC,{c},"[""{c}""]"\n' for d, day, c in (
            (100, "02-25", "b0"), (101, "03-04", "c0"), (102, "03-11", "c1"), (103, "03-18", "c2"),
            (104, "03-25", "c3")))
    incidents = ("source,incident_id,time_created,time_resolved,changes\n"
                 'github,1,2025-03-10 09:00:00 UTC,2025-03-11 10:00:00 UTC,"[]"\n'
                 'github,2,2025-03-17 09:00:00 UTC,,"[]"\n')
    changes = ("source,event_type,change_id,time_created\n"
               "github,push,b0,2025-02-25 08:00:00 UTC\ngithub,push,c0,2025-02-28 09:00:00 UTC\n")
    m = measure(read_exports([("fourkeys_deployments.csv", deployments.encode()),
                              ("fourkeys_incidents.csv", incidents.encode()),
                              ("fourkeys_changes.csv", changes.encode())]), ADOPTION)
    assert (m.baseline.rework_rate, m.post.rework_rate) == (0.0, 2 / 4)
    assert (m.baseline.lead_time_hours, m.post.lead_time_hours) == (2.0, 97.0)
    # Said, as one incident left open in the tracker makes every later deployment rework (03-18 and 03-25).
    assert ("1 incident(s) have no resolution time (open in the export): each counts as open from its creation "
            "on, so the 2 deployment(s) after the first of them count as rework, and recovery time leaves them "
            "out; if they were resolved, export the incidents again with their resolution times") in m.notes


def test_tasks_and_bugs_from_jira_over_the_periods_jira_widens():
    m = measure(read_exports(GITHUB + [FIXTURES / "jira_all_fields.csv"]), ADOPTION)
    # Jira spans 2025-02-03 09:15 (API-1 created) … 2025-03-21 01:30 (API-5 resolved), so the periods do; the
    # epic API-6 (resolved 03-25) is skipped: it groups other issues and bounds no period.
    base_weeks = (27 * DAY + 14 * 3600 + 45 * 60) / (7 * DAY)
    post_weeks = (18 * DAY + 1.5 * 3600) / (7 * DAY)
    assert (m.baseline.weeks, m.post.weeks) == (pytest.approx(base_weeks, abs=1e-6), pytest.approx(post_weeks, abs=1e-6))
    # Done, not won't-do: API-1 and API-2 before; API-5 (an incident) after.
    assert m.baseline.tasks_per_dev_week == pytest.approx(2 / (2 * base_weeks), rel=1e-6)
    assert m.post.tasks_per_dev_week == pytest.approx(1 / (3 * post_weeks), rel=1e-6)
    assert m.baseline.bugs_per_dev_week == pytest.approx(1 / (2 * base_weeks), rel=1e-6)
    assert m.post.bugs_per_dev_week == 0.0
    # The PRs start 23.75 h after Jira and stop 2 days 16.5 h before it: gaps of a week at most are a team's
    # rhythm, not a shorter export, so the PR rates use the whole periods too.
    assert m.baseline.prs_per_dev_week == pytest.approx(2 / (2 * base_weeks), rel=1e-6)
    assert m.post.prs_per_dev_week == pytest.approx(3 / (3 * post_weeks), rel=1e-6)
    assert not any("covers" in note for note in m.notes)
    assert m.post.recovery_hours == 3.5  # API-5, an incident issue: 20/Mar 10:00 PM → 21/Mar 1:30 AM


def test_an_issue_not_done_keeps_its_resolution_date_but_is_no_completed_task():
    # Jira keeps the Resolved date of a re-opened issue: only Status Category Done completes a task, so a
    # not-done story resolved inside the post period leaves tasks per developer-week at API-5 alone.
    import dataclasses

    data = read_exports(GITHUB + [FIXTURES / "jira_all_fields.csv"])
    reopened = pd.DataFrame({"source": data.work_items["source"].iloc[0], "key": ["API-99"], "kind": ["story"],
                             "done": [False], "created_at": [pd.Timestamp("2025-03-10T09:00:00Z")],
                             "resolved_at": [pd.Timestamp("2025-03-15T09:00:00Z")], "story_points": [None],
                             "assignee": [data.work_items["assignee"].dropna().iloc[0]]})
    items = pd.concat([data.work_items, reopened.astype(data.work_items.dtypes.to_dict())], ignore_index=True)
    m = measure(dataclasses.replace(data, work_items=items), ADOPTION)
    post_weeks = (18 * DAY + 1.5 * 3600) / (7 * DAY)  # 2.580357, as the Jira export widens it
    assert m.post.tasks_per_dev_week == pytest.approx(1 / (3 * post_weeks), rel=1e-6)  # 0.129181, not 2 tasks


def _weekday_prs(first: str, last: str, authors: int = 4) -> pd.DataFrame:
    """One PR per author merged at 15:00 UTC every weekday from ``first`` to ``last``."""
    rows = [{"source": "prs", "repo": "r", "number": number, "author": f"dev{number % authors}",
             "author_is_bot": False, "ai_agent": False, "is_draft": False, "created_at": merged - pd.Timedelta(hours=5),
             "merged_at": merged, "closed_at": merged, "additions": 50.0, "deletions": 10.0, "labels": "",
             "ai_evidence": ""}
            for number, merged in enumerate(
                m for day in pd.bdate_range(first, last, tz="UTC") for m in [day + pd.Timedelta(hours=15)] * authors)]
    return pd.DataFrame(rows)


def _deployments(times: list[pd.Timestamp]) -> pd.DataFrame:
    return pd.DataFrame({"source": "deploys", "deploy_id": [f"d{i}" for i in range(len(times))],
                         "deployed_at": times, "repo": None})


def _prs_at(merges: dict[str, list[pd.Timestamp]]) -> pd.DataFrame:
    """PRs merged at the given times by each author, created 5 h before, 60 lines each."""
    rows = [{"source": "prs", "repo": "r", "number": number, "author": author, "author_is_bot": False,
             "ai_agent": False, "is_draft": False, "created_at": merged - pd.Timedelta(hours=5), "merged_at": merged,
             "closed_at": merged, "additions": 50.0, "deletions": 10.0, "labels": "", "ai_evidence": ""}
            for number, (author, merged) in enumerate((a, t) for a, times in merges.items() for t in times)]
    return pd.DataFrame(rows)


def test_equal_periods_measure_equal_weeks_so_equal_rates_tie_in_the_test():
    # Baseline 2025-01-06 00:00 → adoption 03-03 00:00 and post 03-03 → 04-28 00:00 are both exactly 8 weeks.
    # Baseline PRs per developer 16, 8, 4, 4; post 16, 8, 8, 4, 16 (a fifth developer): rates /8 tie across
    # the periods. The baseline was measured to 1 µs before adoption, its rates were a hair higher and
    # the ties broke (the audit's hand set 2: p 0.712 instead of scipy's 0.379).
    first, adoption, last = (pd.Timestamp(d, tz="UTC") for d in ("2025-01-06", "2025-03-03", "2025-04-28"))
    span = adoption - first
    base, post = (16, 8, 4, 4), (16, 8, 8, 4, 16)
    merges: dict[str, list[pd.Timestamp]] = {f"dev{k}": [] for k in range(5)}
    for k, n in enumerate(base):
        merges[f"dev{k}"] += [first + span * i / n for i in range(n)]
    for k, n in enumerate(post):
        merges[f"dev{k}"] += [last - span * i / n for i in range(n)]
    m = measure(build_dataset({"pull_requests": [_prs_at(merges)]}, [], "UTC"), ADOPTION)
    assert (m.baseline.weeks, m.post.weeks) == (8.0, 8.0)
    assert m.baseline.prs_per_dev_week == 32 / (4 * 8.0) and m.post.prs_per_dev_week == 52 / (5 * 8.0)
    expected = stats.mannwhitneyu(np.array(post) / 8.0, np.array(base) / 8.0, alternative="two-sided")
    change = m.changes["prs_per_dev_week"]
    assert change.p_value == pytest.approx(expected.pvalue, rel=1e-12)
    assert change.effect_size == pytest.approx(expected.statistic / (5 * 4), rel=1e-12)


def test_daily_counts_are_calendar_days_and_days_cut_by_the_period_are_not_tested():
    """Deployments at 09:00 and 20:00 UTC from 2025-01-07 to 04-24; PRs (the periods) run 01-06 15:00 …
    04-25 15:00. The test compares deployments per calendar day (00:00 UTC) over the whole days: 01-07 …
    03-02 before, 03-03 … 04-24 after (01-06 and 04-25 are cut at 15:00 by the periods' first and last
    event). Windows of 24 hours from 01-06 15:00 paired each 20:00 deployment with the next morning's."""
    morning_base, evening_base = {0: 1, 1: 0, 2: 2}, {0: 2, 1: 0}  # by day index mod 3, mod 2
    morning_post, evening_post = {0: 1, 1: 2, 2: 2}, {0: 1, 1: 1}
    times, base_counts, post_counts = [], [], []
    for day in pd.date_range("2025-01-07", "2025-04-24", tz="UTC"):
        d = (day - pd.Timestamp("2025-01-07", tz="UTC")).days
        post = day >= pd.Timestamp(ADOPTION, tz="UTC")
        morning, evening = ((morning_post, evening_post) if post else (morning_base, evening_base))
        n_morning, n_evening = morning[d % 3], evening[d % 2]
        times += [day + pd.Timedelta(hours=9)] * n_morning + [day + pd.Timedelta(hours=20)] * n_evening
        (post_counts if post else base_counts).append(n_morning + n_evening)
    parts = {"pull_requests": [_weekday_prs("2025-01-06", "2025-04-25")], "deployments": [_deployments(times)]}
    m = measure(build_dataset(parts, [], "UTC"), ADOPTION)
    base_weeks, post_weeks = (55 * DAY + 9 * 3600) / (7 * DAY), (53 * DAY + 15 * 3600) / (7 * DAY)
    assert m.baseline.deployments_per_week == pytest.approx(sum(base_counts) / base_weeks)
    assert m.post.deployments_per_week == pytest.approx(sum(post_counts) / post_weeks)
    assert (len(base_counts), len(post_counts)) == (55, 53)
    expected = stats.mannwhitneyu(post_counts, base_counts, alternative="two-sided")
    change = m.changes["deployments_per_week"]
    assert change.p_value == pytest.approx(expected.pvalue, rel=1e-9)
    assert change.effect_size == pytest.approx(expected.statistic / (55 * 53), rel=1e-12)
    assert change.ci_low < change.change < change.ci_high


def test_a_source_with_gaps_at_the_edges_is_counted_over_the_whole_period():
    # PRs every weekday 2025-01-06 (Mon) … 2025-04-25 (Fri), adoption 2025-03-03: baseline 2025-01-06 15:00 …
    # adoption = 7 weeks 6 days 9 h; post 2025-03-03 … 2025-04-25 15:00 = 7 weeks 4 days 15 h.
    base_weeks, post_weeks = (55 * DAY + 9 * 3600) / (7 * DAY), (53 * DAY + 15 * 3600) / (7 * DAY)
    # A release every other Thursday, 10 days after the periods start: 4 before adoption, 4 after. Counting
    # from the first to the last release (6 weeks) would give 0.67 a week; they cover the whole periods.
    releases = list(pd.date_range("2025-01-16 10:00", periods=8, freq="14D", tz="UTC"))
    parts = {"pull_requests": [_weekday_prs("2025-01-06", "2025-04-25")], "deployments": [_deployments(releases)]}
    m = measure(build_dataset(parts, [], "UTC"), ADOPTION)
    assert (m.baseline.weeks, m.post.weeks) == (pytest.approx(base_weeks, abs=1e-6), pytest.approx(post_weeks, abs=1e-6))
    assert m.baseline.deployments_per_week == pytest.approx(4 / base_weeks)
    assert m.post.deployments_per_week == pytest.approx(4 / post_weeks)
    # PRs stop on a Friday at 15:00, 8 h before the baseline ends (the weekend): the whole period too.
    assert m.baseline.prs_per_dev_week == pytest.approx(40 * 4 / (4 * base_weeks))
    assert not any("covers" in note for note in m.notes)


def test_a_source_that_starts_late_or_stops_early_uses_the_weeks_it_covers():
    # Daily deployments only from 2025-02-10 09:00 (3 weeks before adoption) to 2025-03-28 09:00 (4 weeks
    # before the post period's end): gaps of 5 and 4 weeks, far over a week and 3 days, at the outer edges.
    daily = list(pd.date_range("2025-02-10 09:00", "2025-03-28 09:00", freq="D", tz="UTC"))
    parts = {"pull_requests": [_weekday_prs("2025-01-06", "2025-04-25")], "deployments": [_deployments(daily)]}
    m = measure(build_dataset(parts, [], "UTC"), ADOPTION)
    # 21 deployments over 02-10 09:00 … adoption (20 days 15 h); 26 over adoption … 03-28 09:00 (25 days 9 h).
    assert m.baseline.deployments_per_week == pytest.approx(21 / ((20 * DAY + 15 * 3600) / (7 * DAY)))
    assert m.post.deployments_per_week == pytest.approx(26 / ((25 * DAY + 9 * 3600) / (7 * DAY)))
    assert "the deployment export covers 6.6 of the 15.6 measured weeks; its rates use the weeks it covers" in m.notes


@settings(max_examples=200)
@given(st.lists(st.integers(min_value=-20 * 24, max_value=80 * 24), max_size=40), st.integers(1, 60))
def test_the_weeks_a_source_covers_hold_its_events_and_stay_inside_the_period(offsets_hours, period_days):
    start = pd.Timestamp("2025-01-06", tz="UTC")
    period = _Period("p", start, start + pd.Timedelta(days=period_days))
    times = pd.Series(start + pd.to_timedelta(offsets_hours, unit="h"), dtype="datetime64[ns, UTC]")
    covered = period.covered(times)
    inside = times[(times >= period.start) & (times <= period.end)]
    if inside.empty:
        assert covered.weeks == 0
        return
    assert period.start <= covered.start <= inside.min() and inside.max() <= covered.end <= period.end
    # A week's gap at an edge is never a shorter export; evenly spread events cover the whole period.
    if inside.min() - period.start <= pd.Timedelta(days=7) or (times < period.start).any():
        assert covered.start == period.start
    if period.end - inside.max() <= pd.Timedelta(days=7) or (times > period.end).any():
        assert covered.end == period.end


@given(st.integers(2, 500), st.integers(1, 400))
def test_evenly_spread_events_cover_the_whole_period(events, period_days):
    start = pd.Timestamp("2025-01-06", tz="UTC")
    period = _Period("p", start, start + pd.Timedelta(days=period_days))
    step = (period.end - period.start) / events  # an interval's gap before the first event, none after the last
    times = pd.Series([period.start + step * (i + 1) for i in range(events)], dtype="datetime64[ns, UTC]")
    assert period.covered(times).weeks == pytest.approx(period.weeks)


def test_ai_use_from_copilot_metrics():
    m = measure(read_exports(GITHUB + [FIXTURES / "copilot_metrics.json"]), ADOPTION)
    assert m.baseline.ai_active_users is None and m.baseline.ai_acceptance_rate is None
    # Days 03-03 (10 users, 60/200), 03-08 (0, 0/0), 03-10 (14, no completions data).
    assert m.post.ai_active_users == pytest.approx(8.0)
    assert m.post.ai_acceptance_rate == pytest.approx(0.3)


def test_ai_acceptance_rate_from_usage_reports_counts_code_completions_only(tmp_path):
    """CONTRACT.md: Σ code-completion acceptances / Σ suggestions, by count (not chat and agent activity)."""
    prs = [{"number": n, "author": {"login": "alice", "is_bot": False}, "state": "MERGED", "isDraft": False,
            "createdAt": created, "mergedAt": merged, "additions": 1, "deletions": 1, "reviews": []}
           for n, created, merged in ((1, "2025-09-29T09:00:00Z", "2025-09-30T09:00:00Z"),
                                      (2, "2025-10-02T09:00:00Z", "2025-10-03T09:00:00Z"))]
    (tmp_path / "prs.json").write_text(json.dumps(prs))
    exports = read_exports([tmp_path / "prs.json", FIXTURES / "copilot_users_1d.ndjson"])
    m = measure(exports, date(2025, 10, 1))
    assert m.baseline.ai_acceptance_rate is None
    # alice's code_completion rows 3/7 and 2/4; dave's record has no breakdown and is left out.
    assert m.post.ai_acceptance_rate == pytest.approx(5 / 11)
    assert m.post.ai_active_users == 2.0  # alice and bob, then alice and dave


def test_ramp_weeks_leave_out_the_learning_period():
    m = measure(read_exports(GITHUB), ADOPTION, ramp_weeks=1)  # 03-03 … 03-10 left out: #107 merged 03-11
    assert m.post.prs_merged == 3 and m.post.start.isoformat().startswith("2025-03-10")
    m = measure(read_exports(GITHUB), ADOPTION, ramp_weeks=2)
    assert m.post.prs_merged == 1  # only #109 (merged 03-18) is after 03-17
    skipped = {Path(s.file).name: s.skipped for s in m.sources}["github_pulls_detail.ndjson"]
    assert skipped == {"merged during the ramp-up weeks": 2}


def _copilot_days(first: str, last: str) -> bytes:
    """Copilot metrics days from ``first`` to ``last``: day d of the month has d active users, 100 code
    suggestions and d acceptances."""
    days = []
    for day in pd.date_range(first, last):
        n = day.day
        language = {"name": "python", "total_engaged_users": n, "total_code_suggestions": 100,
                    "total_code_acceptances": n, "total_code_lines_suggested": 200, "total_code_lines_accepted": n}
        model = {"name": "default", "is_custom_model": False, "total_engaged_users": n, "languages": [language]}
        days.append({"date": f"{day:%Y-%m-%d}", "total_active_users": n, "total_engaged_users": n,
                     "copilot_ide_code_completions": {"total_engaged_users": n, "editors": [
                         {"name": "vscode", "total_engaged_users": n, "models": [model]}]}})
    return json.dumps(days).encode()


def test_ai_usage_days_after_the_last_merge_extend_the_post_period():
    """Copilot days are events too: a usage export taken after the last merge (2025-03-18 09:00) counts every
    day it holds, 03-03 … 03-31. It counted only the 16 days up to the last merge and said nothing (used_rows 29,
    no skip, no note). The PR rate still divides by the weeks its merges cover, not by the AI days'."""
    copilot = ("copilot.json", _copilot_days("2025-03-03", "2025-03-31"))
    m = measure(read_exports([*GITHUB, copilot]), ADOPTION)
    assert m.post.end.isoformat() == "2025-03-31T00:00:00+00:00" and m.post.weeks == pytest.approx(4.0)
    assert m.post.ai_active_users == pytest.approx(17.0)  # mean of 3 … 31
    assert m.post.ai_acceptance_rate == pytest.approx(493 / 2900)  # Σ 3 … 31 / (29 × 100)
    assert m.baseline.ai_active_users is None
    # The merges stop 12.6 days before the period's end: PRs per developer-week as without the Copilot file.
    assert m.post.prs_per_dev_week == pytest.approx(3 / (3 * POST_WEEKS))
    assert m.baseline == measure(read_exports(GITHUB), ADOPTION).baseline
    summary = {Path(s.file).name: s for s in m.sources}["copilot.json"]
    assert (summary.rows, summary.used_rows, summary.skipped) == (29, 29, {})
    weeks = f"{BASE_WEEKS + POST_WEEKS:.1f} of the {BASE_WEEKS + 4:.1f} measured weeks"
    assert f"the pull-request export covers {weeks}; its rates use the weeks it covers" in m.notes


def test_ai_usage_changes_no_rate_of_another_source():
    """AI days bound the periods for the AI metrics only: days up to 6 days after the last merge (within the PR
    export's own rhythm, so no edge it clearly misses) must not dilute PRs per developer-week either."""
    copilot = ("copilot.json", _copilot_days("2025-01-20", "2025-03-24"))
    without = measure(read_exports(GITHUB), ADOPTION)
    m = measure(read_exports([*GITHUB, copilot]), ADOPTION)
    assert m.baseline.start.isoformat() == "2025-01-20T00:00:00+00:00"
    assert m.post.end.isoformat() == "2025-03-24T00:00:00+00:00"
    assert (m.baseline.prs_per_dev_week, m.post.prs_per_dev_week) == (without.baseline.prs_per_dev_week,
                                                                      without.post.prs_per_dev_week)
    assert m.changes["prs_per_dev_week"] == without.changes["prs_per_dev_week"]
    # 01-20 … 03-02: days 20 … 31, 1 … 28 (Feb) and 1, 2; 03-03 … 03-24: 3 … 24.
    assert m.baseline.ai_active_users == pytest.approx((sum(range(20, 32)) + sum(range(1, 29)) + 3) / 42)
    assert m.post.ai_active_users == pytest.approx(13.5)


def test_ai_usage_days_during_the_ramp_up_weeks_are_skipped_and_counted():
    copilot = ("copilot.json", _copilot_days("2025-03-03", "2025-03-31"))
    m = measure(read_exports([*GITHUB, copilot]), ADOPTION, ramp_weeks=1)
    summary = {Path(s.file).name: s for s in m.sources}["copilot.json"]
    assert summary.skipped == {"day during the ramp-up weeks": 7}  # 03-03 … 03-09
    assert (summary.rows, summary.used_rows) == (29, 22)
    assert m.post.ai_active_users == pytest.approx(20.5)  # mean of 10 … 31



def test_ai_user_days_during_the_ramp_up_weeks_are_skipped_and_counted(tmp_path):
    """Cursor and Claude Code user-days of 10-01 and 10-02 fall in the ramp-up week 10-01 … 10-07: left out of
    both periods, so counted under their reason beside the readers' own (they were counted as used)."""
    prs = [{"number": n, "author": {"login": "alice", "is_bot": False}, "state": "MERGED", "isDraft": False,
            "createdAt": f"{merged}T08:00:00Z", "mergedAt": f"{merged}T09:00:00Z", "additions": 1, "deletions": 1,
            "reviews": []} for n, merged in enumerate(("2025-09-16", "2025-09-23", "2025-10-09", "2025-10-14"))]
    (tmp_path / "prs.json").write_text(json.dumps(prs))
    exports = read_exports([tmp_path / "prs.json", FIXTURES / "cursor_daily_usage.json",
                            FIXTURES / "claude_code_usage.json"])
    m = measure(exports, date(2025, 10, 1), ramp_weeks=1)
    summary = {Path(s.file).name: s for s in m.sources}
    assert summary["cursor_daily_usage.json"].skipped == {"record without an email": 1,
                                                          "user-day during the ramp-up weeks": 4}
    assert summary["claude_code_usage.json"].skipped["user-day during the ramp-up weeks"] == 3
    assert summary["cursor_daily_usage.json"].used_rows == summary["claude_code_usage.json"].used_rows == 0
    assert m.post.ai_active_users is None and m.baseline.ai_active_users is None

def test_adoption_date_outside_the_data_is_an_error():
    data = read_exports(GITHUB)
    with pytest.raises(DataError) as error:
        measure(data, date(2026, 1, 1))
    assert "2025-02-04 to 2025-03-18" in error.value.message and error.value.field == "adoption_date"
    with pytest.raises(DataError):
        measure(data, date(2025, 1, 1))
    with pytest.raises(DataError, match="ramp-up") as error:
        measure(data, ADOPTION, ramp_weeks=3)
    # The PRs merged during the ramp-up weeks are events of the data too: it said "… to 2025-02-10".
    assert ("plus 3 ramp-up week(s) is outside the data: its events run from 2025-02-04 to 2025-03-18, so none "
            "falls after it and its ramp-up") in error.value.message
    # An adoption on the first event's day leaves nothing before it: "events run from 2025-02-04" beside an
    # adoption date of 2025-02-04 read as inside the data.
    with pytest.raises(DataError) as error:
        measure(data, date(2025, 2, 4))
    assert "its events run from 2025-02-04 to 2025-03-18, so none falls before it" in error.value.message
    with pytest.raises(InputFormatError):
        measure(data, ADOPTION, ramp_weeks=-1)


def test_no_merged_pr_is_an_error_naming_the_files():
    records = [r for r in json.loads((FIXTURES / "gh_pr_list.json").read_text()) if r["mergedAt"] is None]
    with pytest.raises(DataError) as error:
        measure(read_exports([("open.json", json.dumps(records).encode())]), ADOPTION)
    assert error.value.file == "open.json" and "no merged pull request" in error.value.message
    assert "1 draft" in error.value.message and "1 bot author" in error.value.message


def test_metrics_json_has_the_contract_shape(github):
    payload = json.loads(metrics_json(github))
    assert list(payload)[:7] == ["adoption_date", "ramp_weeks", "comparison", "sources", "baseline", "post",
                                 "changes"]
    contract = {"start", "end", "weeks", "developers", "prs_merged", "prs_per_dev_week", "pr_size_loc",
                "pr_size_loc_median", "pickup_hours_median", "review_hours_median", "cycle_hours_median",
                "tasks_per_dev_week", "bugs_per_dev_week", "deployments_per_week", "change_failure_rate",
                "recovery_hours", "rework_rate", "lead_time_hours", "ai_active_users", "ai_acceptance_rate"}
    assert contract <= set(payload["baseline"]) and contract <= set(payload["post"])
    assert {"file", "format", "rows", "used_rows", "skipped"} <= set(payload["sources"][0])
    assert {"change", "ci_low", "ci_high", "p_value"} <= set(payload["changes"]["prs_per_dev_week"])
    assert payload["baseline"]["deployments_per_week"] is None
    assert "NaN" not in metrics_json(github)
    assert set(PeriodMetrics.model_fields) - {"start", "end", "weeks"} <= set(DEFINITIONS)


# --- Cohorts: the METHODS §6 example --------------------------------------------------------


def _cohort_dataset(per_dev: dict[str, tuple[int, int]], seats: dict[str, bool]):
    """PRs merged evenly over 8 weeks before and 8 weeks after 2025-03-03 for each developer."""
    start, adoption, end = (pd.Timestamp(d, tz="UTC") for d in ("2025-01-06", "2025-03-03", "2025-04-28"))
    rows, number = [], 0
    for author, (before, after) in per_dev.items():
        for count, first, last in ((before, start, adoption - pd.Timedelta(hours=1)), (after, adoption, end)):
            for merged in pd.date_range(first, last, periods=count):
                number += 1
                rows.append({"source": "prs", "repo": "r", "number": number, "author": author,
                             "author_is_bot": False, "ai_agent": False, "is_draft": False,
                             "created_at": merged - pd.Timedelta(hours=10), "merged_at": merged,
                             "closed_at": merged, "additions": 100.0, "deletions": 0.0, "labels": "",
                             "ai_evidence": ""})
    seat_rows = [{"source": "seats", "user": user, "assigned_at": adoption,
                  "last_activity_at": adoption + pd.Timedelta(days=3) if active else pd.NaT} for user, active in seats.items()]
    return build_dataset({"pull_requests": [pd.DataFrame(rows)], "seats": [pd.DataFrame(seat_rows)]}, [], "UTC")


def test_difference_in_differences_matches_the_methods_example():
    # 10 adopters 5.0 → 6.2 PRs/dev-week, 10 controls 4.8 → 5.1, over 8-week periods (METHODS §6).
    adopters = {f"a{i}": (40, 50 if i < 6 else 49) for i in range(10)}  # 400 → 496 PRs
    controls = {f"c{i}": (38 + (i < 4), 41 - (i < 2)) for i in range(10)}  # 384 → 408 PRs
    assert sum(v[0] for v in controls.values()) == 384 and sum(v[1] for v in controls.values()) == 408
    data = _cohort_dataset({**adopters, **controls}, {**{a: True for a in adopters}, "c0": False})
    m = measure(data, ADOPTION, draws=200)
    assert m.comparison == "difference-in-differences"
    cohorts = m.cohorts
    assert (cohorts.ai_users, cohorts.non_users) == (10, 10)
    assert cohorts.ai.baseline.prs_per_dev_week == pytest.approx(5.0, rel=1e-6)
    assert cohorts.ai.post.prs_per_dev_week == pytest.approx(6.2, rel=1e-6)
    assert cohorts.control.post.prs_per_dev_week == pytest.approx(5.1, rel=1e-6)
    assert cohorts.did["prs_per_dev_week"] == pytest.approx(0.1545, abs=5e-5)
    assert cohorts.did_change["prs_per_dev_week"] == pytest.approx(0.167, abs=5e-4)
    # … against the naive before/after change of the adopters, 6.2/5.0 − 1 = +24%.
    assert cohorts.ai.post.prs_per_dev_week / cohorts.ai.baseline.prs_per_dev_week - 1 == pytest.approx(0.24, rel=1e-6)
    low, high = cohorts.did_ci["prs_per_dev_week"]
    assert low <= cohorts.did_change["prs_per_dev_week"] <= high
    assert cohorts.did["pr_size_loc"] == pytest.approx(0.0)  # every PR is 100 lines
    assert any("never used" in note for note in m.notes)
    assert m.changes["prs_per_dev_week"].p_value is not None


@pytest.mark.parametrize("daily_users, cohort", [(1.0, True), (3.0, False)])
def test_labels_that_find_fewer_users_than_use_the_tool_daily_leave_no_control_cohort(daily_users, cohort):
    # a0's PRs after adoption carry an AI label; the Copilot metrics say how many use it on an average day.
    data = _cohort_dataset({"a0": (40, 50), "c0": (40, 44), "c1": (40, 42), "c2": (40, 41)}, {})
    pulls = data.pull_requests.assign(ai_evidence="")
    pulls.loc[pulls["author"].eq("a0") & pulls["merged_at"].ge(pd.Timestamp("2025-03-03", tz="UTC")),
              "ai_evidence"] = "label"
    days = pd.date_range("2025-03-03", "2025-04-27", freq="D", tz="UTC")
    daily = pd.DataFrame({"source": "copilot", "date": days, "active_users": daily_users, "engaged_users": daily_users,
                          "suggestions": 10.0, "acceptances": 3.0, "lines_suggested": 20.0, "lines_accepted": 6.0})
    data = build_dataset({"pull_requests": [pulls], "ai_daily": [daily]}, [], "UTC")
    m = measure(data, ADOPTION, draws=100)
    assert m.post.ai_active_users == pytest.approx(daily_users)
    if cohort:  # 1 a day, 1 found: the label finds who uses it
        assert m.comparison == "difference-in-differences" and (m.cohorts.ai_users, m.cohorts.non_users) == (1, 3)
    else:  # 3 a day, 1 found: at least two "non-users" use it, so they are no control
        assert m.comparison == "before/after only" and m.cohorts is None
        assert any("mean daily users (3.00) exceed the 1 AI users identified by PR labels among the 4 active "
                   "developers" in note for note in m.notes)


def test_everyone_using_ai_leaves_no_control_cohort():
    data = _cohort_dataset({"a": (40, 50), "b": (40, 60)}, {"a": True, "b": True})
    m = measure(data, ADOPTION, draws=100)
    assert m.cohorts is None and m.comparison == "before/after only"
    assert any("every active developer" in note for note in m.notes)


def test_no_evidence_says_associated_with():
    data = _cohort_dataset({"a": (40, 50), "b": (40, 60)}, {})
    m = measure(data, ADOPTION, draws=100)
    assert any("associated with" in note for note in m.notes)


def test_bootstrap_is_seeded_and_intervals_contain_the_estimate():
    data = _cohort_dataset({f"d{i}": (30 + i, 45 + 2 * i) for i in range(12)}, {})
    first, second = measure(data, ADOPTION, draws=300), measure(data, ADOPTION, draws=300)
    assert first == second
    change = first.changes["prs_per_dev_week"]
    assert change.ci_low < change.change < change.ci_high
    assert np.isclose(change.change, sum(45 + 2 * i for i in range(12)) / sum(30 + i for i in range(12)) - 1, rtol=1e-3)


def test_docs_repeat_every_definition():
    text = (Path(__file__).resolve().parent.parent / "docs" / "metrics.md").read_text()
    for name, definition in DEFINITIONS.items():
        assert f"| `{name}` | {definition} |" in text, name


def test_first_review_is_the_earliest_dated_review_by_someone_else():
    from roi.metrics import _prepare_prs

    created = pd.Timestamp("2025-02-03T08:00:00Z")
    prs = [{"source": "p", "repo": "r", "number": n, "author": "alice", "author_is_bot": False, "ai_agent": False,
            "is_draft": False, "created_at": created, "merged_at": created + pd.Timedelta(hours=9),
            "closed_at": created + pd.Timedelta(hours=9), "additions": 1.0, "deletions": 0.0, "labels": "",
            "ai_evidence": ""} for n in (1, 2, 3)]
    review = lambda number, who, hours: {"source": "v", "repo": "r", "number": number, "reviewer": who,  # noqa: E731
                                         "reviewer_is_bot": False, "state": "COMMENTED",
                                         "submitted_at": created + pd.Timedelta(hours=hours) if hours else pd.NaT}
    reviews = [review(1, "bob", None), review(1, "bob", 3), review(1, "carol", 1), review(1, "ALICE", 0.5),
               review(2, "bob", None), review(3, "bob", 10)]  # #2: undated only; #3: after the merge
    data = build_dataset({"pull_requests": [pd.DataFrame(prs)], "reviews": [pd.DataFrame(reviews)]}, [], "UTC")
    prep = _prepare_prs(data, (pd.Timestamp("2025-03-03", tz="UTC"),) * 2)
    first = prep.prs.set_index("number")["first_review"]
    assert first[1] == created + pd.Timedelta(hours=1)  # carol; not alice's own reply, not the undated one
    assert pd.isna(first[2]) and pd.isna(first[3])
    assert str(first.dtype) == "datetime64[ns, UTC]"


def test_work_items_without_assignees_say_why_their_rates_are_null():
    """A Jira export re-saved without its Assignee column: no developers to divide by, and the notes say so."""
    from roi.ingest import read_exports

    fixture = Path(__file__).parent / "fixtures" / "ingest" / "jira_excel_de_cp1252.csv"
    metrics = measure(read_exports([fixture]), date(2025, 3, 15))
    assert metrics.baseline.developers is None and metrics.baseline.tasks_per_dev_week is None
    assert any(note.startswith("the work items name no assignee") for note in metrics.notes)


def test_without_pr_exports_developers_are_the_assignees_and_the_notes_say_so():
    """METHODS §6 counts authors of merged PRs; a Jira export alone counts the distinct assignees of the issues
    completed in each period instead, which the notes must say (the definition beside the number is the PRs')."""
    jira = sorted((ROOT / "sample_data" / "demo").glob("jira_export_*.csv"))
    data = read_exports(jira)
    metrics = measure(data, date(2025, 3, 3))
    done = data.work_items
    before = done["resolved_at"] < pd.Timestamp("2025-03-03", tz="UTC")
    assert metrics.baseline.developers == done.loc[before, "assignee"].dropna().nunique()
    assert any(note.startswith("no PR export: active developers are the distinct assignees") for note in metrics.notes)
    with_prs = measure(read_exports(jira + sorted((ROOT / "sample_data" / "demo").glob("github_*.json.gz"))),
                       date(2025, 3, 3))
    assert not any(note.startswith("no PR export") for note in with_prs.notes)


def test_a_day_without_any_completion_breakdown_is_unknown_not_zero():
    """Usage-report records without totals_by_feature have unknown completion counts: a day made only of
    them is no unit of the acceptance rate (a 0/0 day would still be resampled by the bootstrap)."""
    from roi.ingest import read_exports
    from roi.metrics import _ai_days

    def record(day: str, user: str, features: list | None) -> str:
        data = {"day": day, "user_login": user, "code_generation_activity_count": 9,
                "code_acceptance_activity_count": 3}
        if features is not None:
            data["totals_by_feature"] = features
        return json.dumps(data)

    completion = [{"feature": "code_completion", "code_generation_activity_count": 5,
                   "code_acceptance_activity_count": 2}]
    lines = [record("2025-10-01", "alice", completion), record("2025-10-01", "bob", None),
             record("2025-10-02", "alice", None), record("2025-10-02", "bob", None)]
    days = _ai_days(read_exports([("users.ndjson", "\n".join(lines).encode())]))[0].set_index("date")
    assert days["active_users"].tolist() == [2, 2]
    # Day 1: alice's completions; bob's unknown counts are left out, not read as 0.
    assert days["suggestions"].iloc[0] == 5 and days["acceptances"].iloc[0] == 2
    assert days["suggestions"].isna().iloc[1] and days["acceptances"].isna().iloc[1]


# --- CONTRACT "Metrics JSON": null sources, the bot rule, the cohorts shape -----------------------


def test_pr_metrics_whose_source_is_absent_are_null_not_zero():
    """Without a reviews export pickup and review times are null; list pages carry no sizes, so size is null."""
    no_reviews = measure(read_exports(GITHUB[:3]), ADOPTION)
    list_only = measure(read_exports(GITHUB[:2]), ADOPTION)
    payload = json.loads(metrics_json(list_only))
    for metrics in (no_reviews, list_only):
        for period in (metrics.baseline, metrics.post):
            assert period.pickup_hours_median is None and period.review_hours_median is None
            assert period.cycle_hours_median is not None  # created → merged needs no review
    assert no_reviews.baseline.pr_size_loc == 90 and no_reviews.post.pr_size_loc_median == 200
    for key in ("baseline", "post"):
        assert payload[key]["pr_size_loc"] is None and payload[key]["pr_size_loc_median"] is None
        assert payload[key]["pickup_hours_median"] is None
    assert "pr_size_loc" not in payload["changes"] and "pickup_hours_median" not in payload["changes"]


def _rest_pr(number: int, login: str, kind: str, merged: str | None = "2025-02-10T09:00:00Z") -> dict:
    return {"number": number, "state": "closed", "draft": False, "user": {"login": login, "type": kind},
            "url": f"https://api.github.com/repos/acme/api/pulls/{number}",
            "created_at": "2025-02-10T08:00:00Z" if merged and merged < "2025-03" else "2025-03-10T08:00:00Z",
            "merged_at": merged, "closed_at": merged, "additions": 10, "deletions": 5}


def test_bot_prs_are_skipped_by_user_type_or_by_a_bot_login_each_alone():
    """CONTRACT: bot PRs (user type `Bot` or login ending `[bot]`) are skipped and counted under skipped."""
    records = [_rest_pr(1, "alice", "User"), _rest_pr(2, "renovate", "Bot"),  # type Bot, no suffix
               _rest_pr(3, "ci-helper[bot]", "User"),  # suffix, type not Bot
               _rest_pr(4, "alice", "User", "2025-03-11T09:00:00Z")]
    m = measure(read_exports([("pulls.json", json.dumps(records).encode())]), ADOPTION)
    (source,) = m.sources
    assert source.skipped == {"bot author": 2} and (source.rows, source.used_rows) == (4, 2)
    assert (m.baseline.prs_merged, m.baseline.developers, m.post.prs_merged) == (1, 1, 1)
    assert m.baseline.pr_size_loc == 15  # size = additions + deletions


def test_cohorts_in_the_json_have_the_contract_shape():
    """CONTRACT: cohorts is null or {ai_users, non_users, did: {metric: value}}."""
    adopters = {f"a{i}": (40, 50) for i in range(4)}
    controls = {f"c{i}": (40, 42) for i in range(4)}
    m = measure(_cohort_dataset({**adopters, **controls}, {a: True for a in adopters}), ADOPTION, draws=100)
    cohorts = json.loads(metrics_json(m))["cohorts"]
    assert (cohorts["ai_users"], cohorts["non_users"]) == (4, 4)
    assert isinstance(cohorts["did"], dict) and "prs_per_dev_week" in cohorts["did"]
    assert cohorts["did"]["prs_per_dev_week"] == pytest.approx(np.log(50 / 40) - np.log(42 / 40), abs=1e-9)
    assert all(value is None or isinstance(value, float) for value in cohorts["did"].values())


def test_first_review_times_of_a_mapped_export_date_reviews_but_name_no_reviewer():
    """swarmia_like_prs.csv: PR 1 (merged 4 Feb 2025) first reviewed 3 h after opening, PR 3 (10 Mar) 1 h after;
    PR 2 is not merged.  The reviews they stand for name no one, so the review pool is not measured (a pool of
    one "(first reviewer)" sized the queue for a whole team)."""
    mapping = {"table": "pull_requests", "number": "PR", "author": "Author", "created_at": "Opened",
               "merged_at": "Merged", "size": "Lines changed", "first_review_at": "First review"}
    data = read_exports([FIXTURES / "swarmia_like_prs.csv"], {"swarmia_like_prs.csv": mapping})
    metrics = measure(data, date(2025, 3, 1))
    assert metrics.baseline.pickup_hours_median == pytest.approx(3.0)
    assert metrics.post.pickup_hours_median == pytest.approx(1.0)
    assert metrics.baseline.reviewers is None and metrics.post.reviewers is None


def test_an_export_of_issues_updated_since_a_date_counts_completions_over_the_weeks_they_cover():
    """Jira filtered on `updated >= 2025-02-01`: completions start on 1 Feb, but ten old bugs updated since
    were created from 8 Jan.  Tasks divide by the weeks the completions cover (from the first, 1 Feb 12:00,
    to the adoption: 29.5 days), not by the weeks from the old bugs' creation (53.6 days: 0.49 a week)."""
    from tests.conftest import github_pulls

    rows = ["Issue key,Issue Type,Status,Created,Resolved"]
    for number, day in enumerate(pd.date_range("2025-02-01", "2025-04-20"), start=1):
        rows.append(f"T-{number},Task,Done,{day:%d/%b/%y} 9:00 AM,{day:%d/%b/%y} 12:00 PM")
    for number, day in enumerate(pd.date_range("2025-01-08", periods=10), start=1):
        rows.append(f"B-{number},Bug,Done,{day:%d/%b/%y} 10:00 AM,10/Mar/25 12:00 PM")
    data = read_exports([("pulls.json", github_pulls()), ("jira.csv", ("\n".join(rows) + "\n").encode())])
    metrics = measure(data, date(2025, 3, 3))
    assert metrics.baseline.developers == 8
    assert metrics.baseline.tasks_per_dev_week == pytest.approx(30 / (8 * 29.5 / 7))  # 1 Feb … 2 Mar
    assert any(n.startswith("the work-item export's completions cover") for n in metrics.notes)
    # Bugs are counted when created: the creations reach back to 8 Jan, so they cover the baseline from there
    # (10 bugs in the 7.7 weeks from the period's start, 8 Jan 10:00 or before).
    assert metrics.baseline.bugs_per_dev_week == pytest.approx(10 / (8 * metrics.baseline.weeks))


def test_issues_created_after_the_last_completion_show_the_export_covers_those_weeks():
    """Completions stop on 20 Mar, but the same export holds issues created every day to 20 Apr: it was taken
    after them, so the weeks without a completion are weeks of none done, not weeks the export misses. Tasks
    divide by the whole post period (they were cut at the last completion: the spec's samples read 0.176 a
    week for 0.103)."""
    from tests.conftest import github_pulls

    rows = ["Issue key,Issue Type,Status,Created,Resolved"]
    for number, day in enumerate(pd.date_range("2025-03-03", "2025-03-20"), start=1):
        rows.append(f"T-{number},Task,Done,{day:%d/%b/%y} 9:00 AM,{day:%d/%b/%y} 12:00 PM")
    for number, day in enumerate(pd.date_range("2025-03-21", "2025-04-20"), start=1):
        rows.append(f"O-{number},Task,To Do,{day:%d/%b/%y} 9:00 AM,")
    data = read_exports([("pulls.json", github_pulls()), ("jira.csv", ("\n".join(rows) + "\n").encode())])
    metrics = measure(data, date(2025, 3, 3))
    assert metrics.post.weeks > 7
    assert metrics.post.tasks_per_dev_week == pytest.approx(18 / (8 * metrics.post.weeks))
    # The note counts the whole post period as covered (the baseline, before the first completion, is not).
    total = metrics.baseline.weeks + metrics.post.weeks
    assert f"the work-item export's completions cover {metrics.post.weeks:.1f} of the {total:.1f} measured weeks; " \
        "tasks per developer-week use the weeks they cover" in metrics.notes


@given(st.lists(st.integers(0, 60 * 24), min_size=1, max_size=20), st.lists(st.integers(-30 * 24, 90 * 24), max_size=20))
def test_an_exports_other_timestamps_only_extend_its_end(own_hours, other_hours):
    start = pd.Timestamp("2025-01-06", tz="UTC")
    period = _Period("p", start, start + pd.Timedelta(days=60))
    times = pd.Series(start + pd.to_timedelta(own_hours, unit="h"), dtype="datetime64[ns, UTC]")
    reach = pd.Series(start + pd.to_timedelta(other_hours, unit="h"), dtype="datetime64[ns, UTC]")
    alone, reached = period.covered(times), period.covered(times, reach)
    assert reached.start == alone.start  # old creations say nothing of when completions start
    assert alone.end <= reached.end <= period.end
    if other_hours and max(other_hours) >= 60 * 24:
        assert reached.end == period.end


def test_a_post_period_can_end_before_the_last_event():
    """`until` ends the post period with that day (a rollout wave measured from exports that run on): PRs
    merged later are not counted, and the rate divides by the weeks up to it."""
    from tests.conftest import github_pulls

    data = read_exports([("pulls.json", github_pulls())])
    whole = measure(data, date(2025, 3, 3))
    cut = measure(data, date(2025, 3, 3), until=date(2025, 3, 30))
    merged = data.pull_requests["merged_at"]
    people = ~data.pull_requests["author_is_bot"]
    in_window = (merged >= pd.Timestamp("2025-03-03", tz="UTC")) & (merged < pd.Timestamp("2025-03-31", tz="UTC"))
    assert cut.post.prs_merged == int((in_window & people).sum()) < whole.post.prs_merged
    assert cut.post.weeks == pytest.approx(4.0, abs=1e-9)  # 3 Mar 00:00 to the end of 30 Mar
    assert cut.baseline == whole.baseline
    with pytest.raises(DataError, match="outside the data"):
        measure(data, date(2025, 3, 3), 2, until=date(2025, 3, 10))  # ends inside the ramp-up


def test_a_period_without_completions_has_zero_tasks_not_null():
    """The work-item export is there, with issues created after adoption but none resolved yet: 0 tasks per
    developer-week (docs: a metric is null only when no export provides it)."""
    from tests.conftest import github_pulls

    rows = ["Issue key,Issue Type,Status,Created,Resolved"]
    rows += [f"T-{n},Task,Done,{day:%d/%b/%y} 9:00 AM,{day:%d/%b/%y} 12:00 PM"
             for n, day in enumerate(pd.date_range("2025-01-13", "2025-02-28"), start=1)]
    rows += [f"B-{n},Bug,Open,{day:%d/%b/%y} 9:00 AM," for n, day in enumerate(pd.date_range("2025-03-03", "2025-04-20"))]
    data = read_exports([("pulls.json", github_pulls()), ("jira.csv", ("\n".join(rows) + "\n").encode())])
    metrics = measure(data, date(2025, 3, 3))
    assert metrics.post.tasks_per_dev_week == 0.0
    assert metrics.post.bugs_per_dev_week == pytest.approx(49 / (8 * metrics.post.weeks))  # 3 Mar … 20 Apr
    assert metrics.baseline.bugs_per_dev_week == 0.0  # created issues in the baseline: tasks only


def test_the_bootstrap_draws_each_developer_with_both_periods():
    """Cluster bootstrap (METHODS §6) of a before/after change on the same people: a developer's baseline and
    post PRs are drawn together. Here developer a merges a + 1 PRs a week before and exactly twice that after,
    so every resample of developers doubles its PRs per developer-week: the interval is the change itself.
    Drawn apart (each period's developers on their own), the same data gave a wide interval."""
    start = pd.Timestamp("2025-01-06 09:00", tz="UTC")
    pulls = []
    for a in range(8):
        for week in range(16):
            for k in range((a + 1) * (2 if week >= 8 else 1)):
                created = start + pd.Timedelta(weeks=week, hours=a, minutes=k)
                merged = created + pd.Timedelta(hours=20)
                pulls.append({"number": len(pulls) + 1, "state": "closed", "user": {"login": f"dev{a}", "type": "User"},
                              "created_at": f"{created:%Y-%m-%dT%H:%M:%SZ}", "merged_at": f"{merged:%Y-%m-%dT%H:%M:%SZ}",
                              "draft": False, "additions": 80, "deletions": 20, "labels": [],
                              "base": {"ref": "main", "repo": {"full_name": "acme/app"}}})
    metrics = measure(read_exports([("pulls.json", json.dumps(pulls).encode())]), date(2025, 3, 3))
    change = metrics.changes["prs_per_dev_week"]
    assert change.change == pytest.approx(metrics.post.prs_per_dev_week / metrics.baseline.prs_per_dev_week - 1)
    assert (change.ci_low, change.ci_high) == (pytest.approx(change.change), pytest.approx(change.change))


def test_an_edge_gap_longer_than_a_week_and_three_intervals_is_cut():
    """The other direction of the rule above (EDGE_GAP_DAYS = 7 is stated in docs/metrics.md): daily events
    from day 7.5 of a 60-day period start the source's weeks there; from day 6.5 they cover the whole period."""
    start = pd.Timestamp("2025-01-06", tz="UTC")
    period = _Period("p", start, start + pd.Timedelta(days=60))

    def daily(first_day: float) -> pd.Series:
        return pd.Series(start + pd.to_timedelta(np.arange(first_day, 60, 1.0), unit="D"))

    assert period.covered(daily(7.5)).start == pd.Timestamp("2025-01-13 12:00", tz="UTC")
    assert period.covered(daily(6.5)).start == start


def test_one_event_inside_a_period_is_judged_by_the_exports_rhythm_not_cut_to_itself():
    """The audit's hand set 2: deployments 01-10 10:00, 02-10 10:00, 02-10 12:00 and 03-20 12:00; PRs every
    weekday 01-06 … 05-09 at 15:00; 2 ramp-up weeks. The post period 03-17 … 05-09 15:00 holds one deployment
    with a 50-day gap after it. Its mean interval inside was 0, so a week's gap cut the period to 03-17 …
    03-20 12:00 (0.5 weeks, 2.0 a week); over the export it is 69 days / 3 = 23 days, and 50 < 3 × 23."""
    times = [pd.Timestamp(t, tz="UTC") for t in ("2025-01-10 10:00", "2025-02-10 10:00", "2025-02-10 12:00",
                                                  "2025-03-20 12:00")]
    parts = {"pull_requests": [_weekday_prs("2025-01-06", "2025-05-09")], "deployments": [_deployments(times)]}
    m = measure(build_dataset(parts, [], "UTC"), ADOPTION, ramp_weeks=2)
    base_weeks, post_weeks = (55 * DAY + 9 * 3600) / (7 * DAY), (53 * DAY + 15 * 3600) / (7 * DAY)
    assert m.baseline.deployments_per_week == pytest.approx(3 / base_weeks)  # 0.3783
    assert m.post.deployments_per_week == pytest.approx(1 / post_weeks)  # 0.1305, not 2.0
    assert not any("deployment export covers" in note for note in m.notes)


def test_a_source_that_slowed_is_judged_by_its_own_rhythm_in_the_period():
    # Daily events for 60 days before the period, then weekly inside it from day 9 (a 9-day gap at the start).
    # Over the whole export the mean interval is about 1.4 days (tolerance: a week), so the start would be cut;
    # inside it is 7 days (tolerance 21 days): the slower rhythm, not a late export.
    start = pd.Timestamp("2025-03-03", tz="UTC")
    period = _Period("p", start, start + pd.Timedelta(days=70))
    before = start - pd.to_timedelta(np.arange(1, 61), unit="D")
    inside = start + pd.to_timedelta(np.arange(9, 70, 7), unit="D")
    times = pd.Series(before.append(inside))
    assert period.covered(times).start == start
    # A single event in the whole export: no rhythm to judge a gap by, the whole period.
    one = pd.Series([start + pd.Timedelta(days=30)])
    assert period.covered(one).weeks == period.weeks


def _gh_prs(reviews_at: tuple[str, ...] = ()) -> bytes:
    """gh pr list JSON: alice's PRs created 2025-02-03 and 2025-03-03 at 10:00Z, each merged a day later; each
    reviewed at the given times of its creation day by bob, carol, … in turn."""
    prs = [{"number": n, "author": {"login": "alice", "is_bot": False}, "state": "MERGED", "isDraft": False,
            "createdAt": f"{day}T10:00:00Z", "mergedAt": f"{day[:-2]}{int(day[-2:]) + 1:02d}T10:00:00Z",
            "additions": 1, "deletions": 1,
            "reviews": [{"author": {"login": who}, "state": "COMMENTED", "submittedAt": f"{day}T{at}:00Z"}
                        for who, at in zip(("bob", "carol"), reviews_at)]}
           for n, day in ((1, "2025-02-03"), (2, "2025-03-03"))]
    return json.dumps(prs).encode()


def test_a_review_dated_before_its_pr_was_created_is_left_out_of_the_pickup_time():
    # bob's reviews at 09:00 precede their PRs (10:00): a broken export, counted as skipped and not used, so the
    # first review is carol's at 12:00 — 2 h, not −1 h.
    m = measure(read_exports([("prs.json", _gh_prs(("09:00", "12:00")))]), date(2025, 3, 1))
    assert (m.baseline.pickup_hours_median, m.post.pickup_hours_median) == (2.0, 2.0)
    (source,) = m.sources
    assert source.skipped == {"submitted before its PR was created (a broken export)": 2}


def _copilot_day(day: str, users: int | None, suggested: int = 0, accepted: int = 0) -> dict:
    return {"date": day, "total_active_users": users, "copilot_ide_code_completions": {"editors": [
        {"name": "vscode", "models": [{"name": "default", "languages": [
            {"name": "python", "total_code_suggestions": suggested, "total_code_acceptances": accepted}]}]}]}}


def test_ai_acceptance_rate_is_capped_at_one_hundred_percent():
    # GitHub counts partial acceptances, so a period can hold more acceptances (12) than suggestions (10);
    # the rate is capped at 100% as the reader's note says, never 120%.
    days = [_copilot_day("2025-03-03", 4, 6, 7), _copilot_day("2025-03-04", 4, 4, 5)]
    m = measure(read_exports([("prs.json", _gh_prs()), ("copilot.json", json.dumps(days).encode())]),
                date(2025, 3, 1))
    assert m.post.ai_acceptance_rate == 1.0


def test_a_day_without_an_active_user_count_is_left_out_of_the_mean_not_zero():
    # 03-03: 5 users, 03-04: unknown → the post mean is 5, not (5 + 0) / 2 = 2.5.
    days = [_copilot_day("2025-02-03", 4), _copilot_day("2025-03-03", 5), _copilot_day("2025-03-04", None)]
    m = measure(read_exports([("prs.json", _gh_prs()), ("copilot.json", json.dumps(days).encode())]),
                date(2025, 3, 1))
    assert (m.baseline.ai_active_users, m.post.ai_active_users) == (4.0, 5.0)


def test_a_collapsed_zero_usage_day_counts_zero_users_and_an_engaged_only_day_stays_unknown():
    # FORMATS.md §2a: a zero-usage day collapses to {"total_engaged_users": 0}. Post days 03-03 (2 users),
    # 03-04 collapsed (0), 03-05 (4), 03-12 (6): (2 + 0 + 4 + 6) / 4 = 3.0 (4.0 when the collapsed day was
    # dropped). 03-06 gives 3 engaged users but no active count: at least 3, unknown, so left out.
    days = [_copilot_day("2025-02-03", 1), _copilot_day("2025-03-03", 2),
            {"date": "2025-03-04", "total_engaged_users": 0}, _copilot_day("2025-03-05", 4),
            {"date": "2025-03-06", "total_engaged_users": 3}, _copilot_day("2025-03-12", 6)]
    m = measure(read_exports([("prs.json", _gh_prs()), ("copilot.json", json.dumps(days).encode())]),
                date(2025, 3, 1))
    assert (m.baseline.ai_active_users, m.post.ai_active_users) == (1.0, 3.0)
    notes = next(s.notes for s in m.sources if s.file == "copilot.json")
    assert any(n.startswith("1 day(s) without total_active_users and with total_engaged_users 0") for n in notes)
    assert any(n.startswith("1 day(s) with total_engaged_users but no total_active_users") for n in notes)


@pytest.mark.parametrize("extra_change, extra_deployment", [
    # c4, committed an hour after d3 that lists it (clock skew, a bad join): a −1 h lead time is left out.
    ("github,push,c4,2025-03-12 23:00:00 UTC", 'github,d3,2025-03-12 22:00:00 UTC,c3,"[""c3"",""c4""]"'),
    # c3 listed again under a re-deploy d4 two days later: measured to its first deployment d3 (2 h), not 50 h.
    ("", 'github,d4,2025-03-14 22:00:00 UTC,c3,"[""c3""]"'),
], ids=["committed-after-its-deployment", "re-deployed-later"])
def test_lead_time_is_to_a_commits_first_deployment_and_never_negative(extra_change, extra_deployment):
    changes = (FIXTURES / "fourkeys_changes.csv").read_text().rstrip("\n") + ("\n" + extra_change if extra_change else "")
    deployments = (FIXTURES / "fourkeys_deployments.csv").read_text().splitlines()
    if extra_deployment.startswith("github,d3,"):
        deployments = [line for line in deployments if not line.startswith("github,d3,")]
    deployments.append(extra_deployment)
    files = [*GITHUB, FIXTURES / "fourkeys_incidents.csv", ("fourkeys_changes.csv", (changes + "\n").encode()),
             ("fourkeys_deployments.csv", ("\n".join(deployments) + "\n").encode())]
    m = measure(read_exports(files), ADOPTION)
    # As in test_dora_metrics_from_four_keys: c2 24 h 0.25 s, c2b 6 h 0.25 s, c3 2 h → median 6 h 0.25 s.
    assert m.post.lead_time_hours == pytest.approx(6 + 0.25 / 3600)


def _with_ai_evidence(data, author: str, before_adoption: bool):
    """``data`` with the first PR of ``author`` merged before (or after) adoption labelled as AI-assisted."""
    pulls = data.pull_requests.copy()
    side = pulls["merged_at"].lt(pd.Timestamp("2025-03-03", tz="UTC")) == before_adoption
    pulls.loc[pulls.index[pulls["author"].eq(author) & side][0], "ai_evidence"] = "label"
    return build_dataset({"pull_requests": [pulls], "seats": [data.seats]}, [], "UTC")


def test_an_ai_label_from_before_adoption_is_no_evidence_of_ai_use_now():
    # erin's only AI-labelled PR is from a trial before the rollout: she stays in the control cohort with c0,
    # beside b, the one active seat holder (cohorts 1 and 2, not 2 and 1).
    data = _with_ai_evidence(_cohort_dataset({"b": (40, 50), "erin": (40, 42), "c0": (40, 41)}, {"b": True}),
                             "erin", before_adoption=True)
    m = measure(data, ADOPTION, draws=100)
    assert m.comparison == "difference-in-differences"
    assert (m.cohorts.ai_users, m.cohorts.non_users) == (1, 2)


def test_a_seat_holder_with_other_evidence_of_ai_use_is_no_known_non_user():
    # alice never used her Copilot seat, but her PR after adoption is AI-labelled: she is a user, and only a
    # user — a control cohort holding her would understate the effect.
    from roi.metrics import _ai_users, _Period, _prepare_prs

    data = _with_ai_evidence(_cohort_dataset({"alice": (40, 50), "bob": (40, 42)}, {"alice": False, "bob": False}),
                             "alice", before_adoption=False)
    adoption = pd.Timestamp("2025-03-03", tz="UTC")
    prep = _prepare_prs(data, (adoption, adoption))
    users, non_users, evidence, _ = _ai_users(data, prep, _Period("post", adoption, pd.Timestamp("2025-04-28", tz="UTC")))
    assert "alice" in users and not users & non_users
    assert non_users == {"bob"} and "PR labels" in evidence


def test_the_human_assignee_of_an_ai_agent_pr_is_an_ai_user():
    # dave's own PRs carry no evidence; the Copilot coding agent's PR assigned to him is his (and is left out of
    # the PR metrics): he forms the AI cohort, c0 and c1 the control.
    data = _cohort_dataset({"dave": (40, 50), "c0": (40, 42), "c1": (40, 41)}, {})
    merged = pd.Timestamp("2025-03-20T12:00:00Z")
    agent = {"source": "prs", "repo": "r", "number": 9999, "author": "Copilot", "author_is_bot": True,
             "ai_agent": True, "assignee": "Dave", "is_draft": False, "created_at": merged - pd.Timedelta(hours=3),
             "merged_at": merged, "closed_at": merged, "additions": 10.0, "deletions": 0.0, "labels": "",
             "ai_evidence": ""}
    pulls = pd.concat([data.pull_requests, pd.DataFrame([agent])], ignore_index=True)
    m = measure(build_dataset({"pull_requests": [pulls]}, [], "UTC"), ADOPTION, draws=100)
    assert m.comparison == "difference-in-differences"
    assert (m.cohorts.ai_users, m.cohorts.non_users) == (1, 2)
    assert "assignees of AI coding-agent PRs" in m.cohorts.identified_by
