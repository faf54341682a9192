"""GitLab deployments (/projects/:id/deployments) and issues (/projects/:id/issues): deployment frequency,
change failure, rework and recovery for GitLab clients, and issues as work items (tasks, bugs)."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from roi.ingest import detect, read_exports, read_file
from roi.metrics import measure
from tests.test_ingest_gitlab import MRS

ADOPTION = date(2025, 3, 3)


def _deployment(deploy_id: int, status: str, environment: str | None, finished: str | None, *, tier: str | None = None,
                job_finished: str | None = None, updated: str = "2025-03-06T12:00:00.000Z", project: int | None = 7,
                project_path: str = "acme/app") -> dict:
    """As GitLab's docs show a deployment: the deploy job (deployable) with its commit and pipeline."""
    return {"id": deploy_id, "iid": deploy_id - 40, "ref": "main", "sha": f"c{deploy_id}",
            "created_at": "2025-03-01T09:00:00.000Z", "updated_at": updated, "finished_at": finished,
            "status": status, "user": {"id": 1, "username": "deployer", "name": "Deployer", "state": "active"},
            "environment": None if environment is None else {"id": 9, "name": environment, "slug": environment,
                                                              "external_url": None, "tier": tier},
            "deployable": None if job_finished is None else {
                "id": 77, "status": status, "stage": "deploy", "name": "deploy", "ref": "main", "tag": False,
                "created_at": "2025-03-01T09:00:00.000Z", "started_at": "2025-03-01T09:00:00.000Z",
                "finished_at": job_finished, "commit": {"id": f"c{deploy_id}", "created_at": "2025-03-01T08:00:00Z"},
                "web_url": f"https://gitlab.example.com/{project_path}/-/jobs/77",
                "pipeline": {"id": 5, "project_id": project, "sha": f"c{deploy_id}", "ref": "main", "status": status,
                             "web_url": f"https://gitlab.example.com/{project_path}/-/pipelines/5"}}}


DEPLOYMENTS = [
    _deployment(41, "success", "production", "2025-03-04T10:00:00.000Z", tier="production"),  # kept
    _deployment(42, "failed", "production", "2025-03-04T11:00:00.000Z", tier="production"),  # did not succeed
    _deployment(43, "success", "staging", "2025-03-04T12:00:00.000Z", tier="staging"),  # not production
    _deployment(44, "success", "prod/eu", None, job_finished="2025-03-05T11:00:00.000Z"),  # kept: the job's time
    _deployment(45, "running", "production", None, tier="production"),  # not finished
    _deployment(46, "success", "production", None),  # kept: no tier, name; no finish time: updated_at
    _deployment(47, "success", "production-canary", "2025-03-07T09:00:00Z"),  # no tier, not a production name
    _deployment(48, "success", "review/feature-x", "2025-03-07T10:00:00Z", tier="production"),  # the tier decides
]


def _issue(iid: int, kind: str, state: str, created: str, closed: str | None, labels: list[str] | None = None) -> dict:
    return {"id": 500 + iid, "iid": iid, "project_id": 7, "title": f"issue {iid}", "description": "",
            "state": state, "created_at": created, "updated_at": created, "closed_at": closed,
            "closed_by": None, "labels": labels or [], "milestone": None, "assignees": [], "assignee": None,
            "author": {"id": 1, "username": "pm"}, "type": kind.upper(), "issue_type": kind,
            "user_notes_count": 0, "due_date": None, "web_url": f"https://gitlab.example.com/acme/app/-/issues/{iid}",
            "task_completion_status": {"count": 0, "completed_count": 0}, "confidential": False}


ISSUES = [
    _issue(1, "issue", "closed", "2025-02-03T09:00:00Z", "2025-02-05T09:00:00Z", ["type::bug"]),  # bug, done
    _issue(2, "issue", "closed", "2025-02-04T09:00:00Z", "2025-02-06T09:00:00Z", ["frontend"]),  # story, done
    _issue(3, "task", "opened", "2025-02-05T09:00:00Z", None),  # task, open
    _issue(4, "incident", "closed", "2025-03-04T12:00:00Z", "2025-03-04T15:00:00Z"),  # 3 h to recover
    _issue(5, "incident", "opened", "2025-03-06T13:00:00Z", None),  # still open
]


def _file(name: str, records: list[dict]) -> tuple[str, bytes]:
    return name, json.dumps(records).encode()


def test_deployments_and_issues_are_recognised_from_content():
    assert detect("deployments.json", _file("d", DEPLOYMENTS)[1]) == "gitlab_deployments"
    assert detect("issues.json", _file("i", ISSUES)[1]) == "gitlab_issues"
    # An MR also has iid, project_id, web_url and task_completion_status: still an MR.
    assert detect("mrs.json", _file("m", [dict(MRS[0], task_completion_status={"count": 0})])[1]) \
        == "gitlab_merge_requests"


def test_successful_production_deployments_only_at_their_finish_time():
    tables, report = read_file(*_file("deployments.json", DEPLOYMENTS))
    got = tables["deployments"].set_index("deploy_id")["deployed_at"]
    assert got.to_dict() == {"41": pd.Timestamp("2025-03-04T10:00:00Z"), "44": pd.Timestamp("2025-03-05T11:00:00Z"),
                             "46": pd.Timestamp("2025-03-06T12:00:00Z"), "48": pd.Timestamp("2025-03-07T10:00:00Z")}
    assert report.skipped == {"not a production deployment (environment tier or name)": 2,  # 43, 47
                              "deployment did not succeed (status failed or canceled)": 1,  # 42
                              "deployment not finished (status created, running or blocked)": 1}  # 45
    # Only 44 has its deploy job: its pipeline's project (7, a path once the MR list is loaded).
    repos = tables["deployments"].set_index("deploy_id")["repo"]
    assert repos["44"] == "7" and repos.drop("44").isna().all()
    assert "3 deployment(s) without their deploy job name no project" in " ".join(report.notes)
    assert "deployment_changes" not in tables


def test_issues_become_work_items_and_incidents():
    tables, report = read_file(*_file("issues.json", ISSUES))
    items = tables["work_items"].set_index("key")
    assert items["kind"].to_dict() == {"acme/app#1": "bug", "acme/app#2": "story", "acme/app#3": "task",
                                       "acme/app#4": "incident", "acme/app#5": "incident"}
    assert items["done"].to_dict() == {"acme/app#1": True, "acme/app#2": True, "acme/app#3": False,
                                       "acme/app#4": True, "acme/app#5": False}
    incidents = tables["incidents"].set_index("incident_id")
    assert incidents["resolved_at"]["acme/app#4"] == pd.Timestamp("2025-03-04T15:00:00Z")
    assert pd.isna(incidents["resolved_at"]["acme/app#5"])


@pytest.mark.parametrize("label", ["bugfix-release", "bug-bash", "defect-triage", "buggy-ci"])
def test_a_label_that_only_starts_like_bug_makes_no_bug(label):
    # Only bug / defect (scoped or not) is a bug label: a bug-bash or a bugfix release is other work, and
    # counting it as a bug would raise bugs per developer-week (and the defect hours).
    records = [_issue(1, "issue", "opened", "2025-02-03T09:00:00Z", None, [label]),
               _issue(2, "issue", "closed", "2025-02-03T09:00:00Z", "2025-02-05T09:00:00Z", ["type::bug"])]
    tables, _ = read_file(*_file("issues.json", records))
    assert tables["work_items"]["kind"].tolist() == ["story", "bug"]


def test_a_reopened_issue_keeps_no_resolution_time():
    # A re-opened issue keeps its stale closed_at: it is not done, so it has no resolution time (which would
    # bound the periods' coverage and show on the Data sheet).
    reopened = _issue(1, "issue", "opened", "2025-02-03T09:00:00Z", "2025-03-05T00:00:00Z")
    tables, _ = read_file(*_file("issues.json", [reopened, ISSUES[1]]))
    items = tables["work_items"].set_index("key")
    assert pd.isna(items.loc["acme/app#1", "resolved_at"]) and not items.loc["acme/app#1", "done"]
    assert items.loc["acme/app#2", "resolved_at"] == pd.Timestamp("2025-02-06T09:00:00Z")


def test_a_work_item_epic_is_skipped_and_counted():
    epic = dict(_issue(9, "epic", "closed", "2025-02-03T09:00:00Z", "2025-02-20T09:00:00Z"), type="EPIC")
    tables, report = read_file(*_file("issues.json", [ISSUES[0], epic]))
    assert tables["work_items"].set_index("key")["kind"].to_dict() == {"acme/app#1": "bug"}
    assert report.skipped == {"epic (it groups other issues: no completed work of its own)": 1}
    assert report.used_rows == 1


def test_a_file_of_incidents_only_gives_no_work_items():
    tables, report = read_file(*_file("incidents.json", ISSUES[3:]))
    assert "work_items" not in tables and len(tables["incidents"]) == 2
    assert any(note.startswith("every item is an incident") for note in report.notes)


def test_gitlab_delivery_metrics_by_hand():
    data = read_exports([_file("mrs.json", MRS), _file("deployments.json", DEPLOYMENTS),
                         _file("incidents.json", ISSUES[3:])])
    m = measure(data, ADOPTION)
    # The 4 deployments, 4 March 10:00 (41) to 7 March 10:00 (48), cover the whole post period, adoption → the
    # last merge (12 March 15:00, 9 days 15 h): 34 h and 5 days 5 h from its ends, under a week → 2.91 a week.
    assert m.post.deployments_per_week == pytest.approx(4 / ((9 * 24 + 15) / 168))
    # Incident 4 (03-04 12:00) is charged to the deployment before it, 41 (03-04 10:00); incident 5 (03-06 13:00)
    # to 46 (03-06 12:00): 2 of 4 failed.  Rework (deployed while an incident was open): 44 (03-05 11:00) no,
    # incident 4 closed 03-04 15:00; 48 (03-07 10:00) yes, incident 5 is open: 1 of 4.
    assert m.post.change_failure_rate == pytest.approx(0.5)
    assert m.post.rework_rate == pytest.approx(0.25)
    assert m.post.recovery_hours == pytest.approx(3.0)  # incident 4 only: 5 is not resolved
    # Lead time: only 44 names its project (acme/app, through project_id 7); it ships MRs 1–3, merged in
    # February (the baseline's MRs, deployed in the post period): 03-05 11:00 − their creation.
    assert m.post.lead_time_hours == pytest.approx(sorted([
        (pd.Timestamp("2025-03-05T11:00Z") - pd.Timestamp(created)) / pd.Timedelta(hours=1)
        for created in ("2025-02-03T09:00Z", "2025-02-05T10:00Z", "2025-02-10T08:00Z")])[1])


def test_gitlab_change_lead_time_by_hand():
    """Each MR is shipped by its project's first production deployment at or after its merge."""
    deployments = [
        _deployment(51, "success", "production", "2025-02-11T09:00:00Z", tier="production", job_finished="x"),
        _deployment(49, "success", "production", "2025-03-11T12:00:00Z", tier="production", job_finished="x"),
        # No project_id in the pipeline: the path in its web_url names the project.
        _deployment(50, "success", "production", "2025-03-13T09:00:00Z", tier="production", job_finished="x",
                    project=None),
        # Another project's deployment ships none of acme/app's MRs.
        _deployment(52, "success", "production", "2025-03-11T10:00:00Z", tier="production", job_finished="x",
                    project=8, project_path="acme/other"),
    ]
    for record in deployments:
        record["deployable"]["finished_at"] = record["finished_at"]
    data = read_exports([_file("mrs.json", MRS), _file("deployments.json", deployments)])
    assert sorted(data.deployments["repo"]) == ["8", "acme/app", "acme/app", "acme/app"]
    m = measure(data, ADOPTION)
    # Baseline, deployment 51 (02-11 09:00): MR 1 created 02-03 09:00 → 192 h, MR 2 02-05 10:00 → 143 h,
    # MR 3 02-10 08:00 → 25 h; median 143 h.  Post: MR 4 (created 03-10 09:00, merged 03-11 09:00) by 49
    # (03-11 12:00) → 27 h; MR 5 (created 03-12 09:00, merged 15:00) by 50 (03-13 09:00) → 24 h; median 25.5 h.
    assert m.baseline.lead_time_hours == pytest.approx(143.0)
    assert m.post.lead_time_hours == pytest.approx(25.5)


def test_broken_records_name_their_file_row_and_field():
    from roi.errors import InputFormatError

    broken = [DEPLOYMENTS[0], dict(DEPLOYMENTS[0], id=None)]
    with pytest.raises(InputFormatError) as error:
        read_file(*_file("deployments.json", broken))
    assert (error.value.file, error.value.row, error.value.column) == ("deployments.json", 2, "id")
    late = [DEPLOYMENTS[0], dict(DEPLOYMENTS[0], finished_at="next tuesday")]
    with pytest.raises(InputFormatError) as error:
        read_file(*_file("deployments.json", late))
    assert (error.value.row, error.value.column) == (2, "finished_at")
    undated = [ISSUES[0], dict(ISSUES[1], created_at=None)]
    with pytest.raises(InputFormatError) as error:
        read_file(*_file("issues.json", undated))
    assert (error.value.file, error.value.row, error.value.column) == ("issues.json", 2, "created_at")


def test_an_incident_before_every_deployment_is_named_in_the_notes():
    early = _issue(6, "incident", "closed", "2025-03-01T08:00:00Z", "2025-03-01T09:00:00Z")  # before 41 (03-04)
    m = measure(read_exports([_file("mrs.json", MRS), _file("deployments.json", DEPLOYMENTS),
                              _file("incidents.json", [*ISSUES[3:], early])]), ADOPTION)
    assert any(n.startswith("1 incident(s) without a root-cause commit were created before the first deployment")
               for n in m.notes)
    assert m.post.change_failure_rate == pytest.approx(0.5)  # as without it: charged to no deployment
    assert m.baseline.recovery_hours == pytest.approx(1.0)  # recovery still counts it (created before adoption)
