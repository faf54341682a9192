"""A client on GitLab alone (GraphQL MR pages, MR notes, deployments, issues): every scenario field a GitHub
client gets is measured, none is kept from the base scenario.  Values by hand."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from roi import compute
from roi.ingest import read_exports
from roi.metrics import measure
from roi.models import load_scenario
from roi.scenario_builder import scenario_from_metrics

ADOPTION = date(2025, 3, 3)
START = datetime(2025, 1, 6, 9, tzinfo=UTC)  # a Monday, 8 weeks before adoption
AUTHORS = ("ana", "ben", "cai", "dee")
REVIEWERS = {"ana": "ben", "ben": "cai", "cai": "dee", "dee": "ana"}
STAMP = "%Y-%m-%dT%H:%M:%SZ"


def _client() -> list[tuple[str, bytes]]:
    """Each author: one 100-line MR a week for 8 weeks before adoption, two 250-line MRs a week for 8 weeks after;
    each MR reviewed 2 h after it opens, merged 6 h after; a deployment every weekday at 18:00; one task and one
    bug per author a week, done in a day; an incident in week 3 and one in week 12, each closed in 2 h."""
    nodes, notes, iid = [], [], 0
    for week in range(16):
        after = week >= 8
        for author in AUTHORS:
            for k in range(2 if after else 1):
                iid += 1
                opened = START + timedelta(weeks=week, days=k * 2)
                nodes.append({
                    "iid": str(iid), "state": "merged", "draft": False, "createdAt": opened.strftime(STAMP),
                    "mergedAt": (opened + timedelta(hours=6)).strftime(STAMP), "closedAt": None,
                    "webUrl": f"https://gitlab.example.com/acme/app/-/merge_requests/{iid}", "projectId": 7,
                    "sourceBranch": f"b{iid}", "mergeCommitSha": f"m{iid}", "author": {"username": author},
                    "labels": {"nodes": []}, "diffStatsSummary": {"additions": 200 if after else 80,
                                                                  "deletions": 50 if after else 20}})
                notes.append({"id": iid, "body": "looks good", "author": {"username": REVIEWERS[author]},
                              "created_at": (opened + timedelta(hours=2)).strftime(STAMP), "system": False,
                              "noteable_type": "MergeRequest", "noteable_iid": iid, "project_id": 7})
    pages = {"data": {"project": {"fullPath": "acme/app", "mergeRequests": {"nodes": nodes}}}}
    deployments = [{"id": 1000 + day, "status": "success", "finished_at": (START + timedelta(days=day, hours=9))
                    .strftime(STAMP), "environment": {"name": "production", "tier": "production"},
                    "deployable": {"finished_at": None, "pipeline": {"project_id": 7}}}
                   for day in range(16 * 7) if day % 7 < 5]
    issues, number = [], 0
    for week in range(16):
        for author in AUTHORS:
            for kind, labels in (("issue", []), ("issue", ["type::bug"])):
                number += 1
                opened = START + timedelta(weeks=week, days=1)
                issues.append({"iid": number, "project_id": 7, "issue_type": kind, "state": "closed",
                               "created_at": opened.strftime(STAMP),
                               "closed_at": (opened + timedelta(days=1)).strftime(STAMP), "labels": labels,
                               "web_url": f"https://gitlab.example.com/acme/app/-/issues/{number}"})
    for week in (3, 12):
        number += 1
        opened = START + timedelta(weeks=week, days=2, hours=3)
        issues.append({"iid": number, "project_id": 7, "issue_type": "incident", "state": "closed",
                       "created_at": opened.strftime(STAMP), "closed_at": (opened + timedelta(hours=2)).strftime(STAMP),
                       "labels": [], "web_url": f"https://gitlab.example.com/acme/app/-/issues/{number}"})
    return [(name, json.dumps(value).encode()) for name, value in (
        ("mrs_graphql.json", pages), ("notes.json", notes), ("deployments.json", deployments),
        ("issues.json", issues))]


def test_a_gitlab_only_client_gets_every_scenario_field_measured():
    metrics = measure(read_exports(_client()), ADOPTION)
    before, after = metrics.baseline, metrics.post
    assert [s.format for s in metrics.sources] == ["gitlab_graphql", "gitlab_mr_notes", "gitlab_deployments",
                                                   "gitlab_issues"]
    assert (before.pr_size_loc, after.pr_size_loc) == (100, 250)
    assert (before.pickup_hours_median, after.pickup_hours_median) == (2, 2)
    assert (before.review_hours_median, after.review_hours_median) == (4, 4)
    # Every source covers both periods whole: the first merge (Monday 2025-01-06 15:00) → adoption, 7.9107
    # weeks; adoption → the last deployment (Friday 2025-04-25 18:00), 7.6786 weeks (CONTRACT.md: it ends at
    # the last event, so the last weekend is not in it).
    base_weeks, post_weeks = (55 * 24 + 9) / 168, (53 * 24 + 18) / 168
    assert (before.weeks, after.weeks) == (pytest.approx(base_weeks, abs=1e-6), pytest.approx(post_weeks, abs=1e-6))
    assert (before.prs_per_dev_week, after.prs_per_dev_week) == (pytest.approx(32 / (4 * base_weeks)),
                                                                 pytest.approx(64 / (4 * post_weeks)))
    # A task and a bug per author a week, and the period's incident (an issue, so a completed work item too).
    assert (before.tasks_per_dev_week, after.tasks_per_dev_week) == (pytest.approx(65 / (4 * base_weeks)),
                                                                     pytest.approx(65 / (4 * post_weeks)))
    assert (before.bugs_per_dev_week, after.bugs_per_dev_week) == (pytest.approx(32 / (4 * base_weeks)),
                                                                   pytest.approx(32 / (4 * post_weeks)))
    # Deployments every weekday at 18:00, 40 a period.  Each MR (opened 09:00, merged 15:00) ships with that
    # day's deployment: lead time 9 h from its creation (Monday's and Wednesday's alike).
    assert (before.deployments_per_week, after.deployments_per_week) == (pytest.approx(40 / base_weeks),
                                                                         pytest.approx(40 / post_weeks))
    assert (before.lead_time_hours, after.lead_time_hours) == (9, 9)
    assert (before.recovery_hours, after.recovery_hours) == (2, 2)
    # One incident in each period (weeks 3 and 12, a Wednesday 12:00), charged to the deployment before it
    # (Tuesday 18:00), of the period's 8 × 5 = 40 deployments.
    assert (before.change_failure_rate, after.change_failure_rate) == (1 / 40, 1 / 40)
    scenario = scenario_from_metrics(metrics)
    assert scenario.measurement.kept_from_base == []
    assert scenario.team.developers == 4 and scenario.review.reviewers == 4
    assert compute(scenario).finance.npv is not None


def test_licences_the_exports_do_not_show_are_named():
    """The measured scenario takes its licences from the base (the demo prices GitHub Copilot Enterprise): a
    Claude Code client was costed for Copilot without a word."""
    from roi.scenario_builder import licence_caveat
    from roi.whatif import with_tool_added, with_tool_removed

    demo = load_scenario(Path(__file__).resolve().parents[1] / "sample_data" / "scenarios" / "demo_org.json")
    assert [t.name for t in demo.costs.tools] == ["GitHub Copilot Enterprise"]
    assert licence_caveat(demo, {"copilot_metrics", "copilot_seats", "github_pulls"}) is None  # the demo's own
    assert licence_caveat(demo, {"github_pulls"}) is None  # no export shows AI use: nothing to compare with
    assert licence_caveat(demo, {"claude_code_usage", "gitlab_graphql"}) == (
        "Licences: the exports show use of Claude Code, which no licence line prices; “GitHub Copilot Enterprise” is "
        "priced, but no export shows its use. The costs, and so the verdict, price the tools on ROI & risk → "
        "Licences and costs: check them there.")
    claude = with_tool_added(with_tool_removed(demo, 0), {"name": "Claude Code", "price_per_seat_month": 0})
    assert licence_caveat(claude, {"claude_code_usage"}) is None
    both = with_tool_added(demo, {"name": "Cursor Teams", "price_per_seat_month": 40})
    assert licence_caveat(both, {"copilot_seats"}) == (
        "Licences: “Cursor Teams” is priced, but no export shows its use. The costs, and so the verdict, price the "
        "tools on ROI & risk → Licences and costs: check them there.")
    unmeasured = load_scenario(Path(__file__).resolve().parents[1] / "sample_data" / "scenarios" / "worked_example.json")
    assert licence_caveat(unmeasured, {"claude_code_usage"}) is None  # not measured from these exports


def test_the_copilot_line_is_checked_against_the_seats_export():
    """A Copilot Business client with 20 seats for 25 developers was priced as the demo's Enterprise line at
    100% coverage (25 seats at $39) with nothing said."""
    from roi.scenario_builder import SeatsHeld, licence_caveat, seats_held
    from roi.whatif import with_value

    demo = load_scenario(Path(__file__).resolve().parents[1] / "sample_data" / "scenarios" / "demo_org.json")
    client = with_value(demo, "team.developers", 25)
    formats = {"copilot_seats", "github_pulls"}
    assert licence_caveat(client, formats, SeatsHeld(25, frozenset({"enterprise"}))) is None  # as priced
    assert licence_caveat(client, formats, SeatsHeld(20, frozenset({"business"}))) == (
        "Licences: the seats export shows Copilot Business seats, but “GitHub Copilot Enterprise” prices Enterprise; "
        "the seats export lists 20 Copilot seats, but “GitHub Copilot Enterprise” prices 25 (100% of 25 developers; "
        "a seat coverage of 80% matches the export). The costs, and so the verdict, price the tools on ROI & risk → "
        "Licences and costs: check them there.")
    # Within 10% (or one seat) of the seats priced, and both plans held: nothing to say.
    assert licence_caveat(client, formats, SeatsHeld(23, frozenset({"business", "enterprise"}))) is None
    renamed = with_value(client, "costs.tools.0.name", "GitHub Copilot")  # no plan in the name: not checked
    assert licence_caveat(renamed, formats, SeatsHeld(25, frozenset({"business"}))) is None
    # The fixture's seats: alice (business), carol (business, pending cancellation), bob (enterprise).
    seats = read_exports([Path(__file__).parent / "fixtures" / "ingest" / "copilot_seats.json"]).seats
    assert seats.set_index("user")["plan"].to_dict() == {"alice": "business", "carol": "business", "bob": "enterprise"}
    assert seats_held(seats) == SeatsHeld(2, frozenset({"business", "enterprise"}))  # carol's is going
    assert seats_held(seats.iloc[0:0]) is None


def _claude_and_directory() -> list[tuple[str, bytes]]:
    """Claude Code usage in the 8 weeks after adoption: ana and ben active Mondays, Wednesdays and Fridays, cai and
    dee Tuesdays and Thursdays (2 of 4 a day on average, all 4 every week); and the directory of their emails."""
    records = []
    for day in range(8 * 7):
        when = START + timedelta(weeks=8, days=day)
        if when.weekday() > 4:
            continue
        for author in (("ana", "ben") if when.weekday() in (0, 2, 4) else ("cai", "dee")):
            records.append({"date": when.date().isoformat(), "customer_type": "api", "terminal_type": "vscode",
                            "actor": {"type": "user_actor", "email_address": f"{author}@acme.com"},
                            "core_metrics": {"num_sessions": 1}, "tool_actions": {}})
    people = "login,email\n" + "".join(f"{a},{a}@acme.com\n" for a in AUTHORS)
    return [("claude.json", json.dumps({"data": records, "has_more": False}).encode()),
            ("people.csv", people.encode())]


def test_when_every_developer_uses_ai_the_changes_are_not_divided_by_the_daily_share():
    """METHODS §6: the AI users' own metrics where they can be identified; here they are everyone.  Divided by
    the daily share (2 of 4 a day), a measured 100 → 250 LOC became 400 in the scenario."""
    metrics = measure(read_exports([*_client(), *_claude_and_directory()]), ADOPTION)
    assert metrics.all_ai_users and metrics.cohorts is None
    assert metrics.post.ai_active_users == pytest.approx(2.0)
    scenario = scenario_from_metrics(metrics)
    assert (scenario.baseline.pr_size_loc, scenario.post.pr_size_loc) == (100, 250)
    assert scenario.post.prs_per_dev_week == pytest.approx(
        scenario.baseline.prs_per_dev_week * (1 + metrics.changes["prs_per_dev_week"].change))
    assert "Adoption share 1 (100%): every active developer after adoption shows AI use" in scenario.notes
    # Without the directory nobody is identified: the daily share applies, as METHODS §6 says.
    unmatched = measure(read_exports([*_client(), _claude_and_directory()[0]]), ADOPTION)
    assert not unmatched.all_ai_users
    assert scenario_from_metrics(unmatched).post.pr_size_loc == pytest.approx(100 * (1 + 1.5 / 0.5))
