"""GitLab merge requests with their notes (FORMATS.md §3): comments and approvals become reviews, joined to
their MRs by (project, iid), so the review pool, pickup and review time are measured for GitLab too."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from roi.errors import InputFormatError
from roi.ingest import detect, read_exports, read_file
from roi.metrics import measure

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "ingest"
ADOPTION = date(2025, 3, 3)
APPROVED = "approved this merge request"


def _mr(iid: int, author: str, created: str, merged: str, project: str = "acme/app") -> dict:
    return {"id": 1000 + iid, "iid": iid, "project_id": 7, "title": f"MR {iid}", "description": "", "state": "merged",
            "created_at": created, "updated_at": merged, "merged_at": merged, "closed_at": None,
            "author": {"id": 1, "username": author, "name": author.title(), "state": "active"},
            "labels": [], "draft": False, "work_in_progress": False, "source_branch": f"b{iid}",
            "merge_commit_sha": f"c{iid}", "squash_commit_sha": None,
            "web_url": f"https://gitlab.example.com/{project}/-/merge_requests/{iid}"}


def _note(note_id: int, iid: int, author: str, created: str, body: str = "a comment", system: bool = False,
          kind: str = "MergeRequest", note_type: str | None = None) -> dict:
    return {"id": note_id, "type": note_type, "body": body, "attachment": None,
            "author": {"id": note_id, "username": author, "name": author, "state": "active",
                       "avatar_url": None, "web_url": f"https://gitlab.example.com/{author}"},
            "created_at": created, "updated_at": created, "system": system, "noteable_id": 1000 + iid,
            "noteable_type": kind, "noteable_iid": iid, "project_id": 7, "resolvable": not system,
            "confidential": False, "internal": False, "commands_changes": {}}


MRS = [
    _mr(1, "alice", "2025-02-03T09:00:00.000Z", "2025-02-04T09:00:00.000Z"),
    _mr(2, "bob", "2025-02-05T10:00:00.000Z", "2025-02-06T16:00:00.000Z"),
    _mr(3, "alice", "2025-02-10T08:00:00.000Z", "2025-02-10T20:00:00.000Z"),
    _mr(4, "bob", "2025-03-10T09:00:00.000Z", "2025-03-11T09:00:00.000Z"),
    _mr(5, "carol", "2025-03-12T09:00:00.000Z", "2025-03-12T15:00:00.000Z"),
]
NOTES = [
    # MR 1 (alice, created 02-03 09:00, merged 02-04 09:00)
    _note(1, 1, "alice", "2025-02-03T09:30:00.000Z", "requested review from @bob", system=True),  # system: skipped
    _note(2, 1, "alice", "2025-02-03T10:00:00.000Z", "pushed a fix"),  # the author's own reply: not a review
    _note(3, 1, "bob", "2025-02-03T11:00:00.000Z", "why this loop?", note_type="DiffNote"),  # first review: 2 h
    _note(4, 1, "carol", "2025-02-03T15:00:00.000Z", APPROVED, system=True),  # approval by carol
    # MR 2 (bob, created 02-05 10:00, merged 02-06 16:00)
    _note(5, 2, "project_7_bot_3f1c", "2025-02-05T11:00:00.000Z", "Pipeline passed"),  # bot: not a review
    _note(6, 2, "bob", "2025-02-05T13:00:00.000Z", "added 1 commit", system=True),  # system: skipped
    _note(7, 2, "alice", "2025-02-05T14:00:00.000Z", APPROVED, system=True),  # first review: 4 h
    # MR 3 (alice, created 02-10 08:00, merged 02-10 20:00)
    _note(8, 3, "dave", "2025-02-10T09:00:00.000Z", "nit", note_type="DiffNote"),  # first review: 1 h
    _note(9, 3, "erin", "2025-02-11T09:00:00.000Z", "late thought"),  # after the merge: not counted
    # MR 4 (bob, created 03-10 09:00, merged 03-11 09:00); MR 5 has no notes
    _note(10, 4, "carol", "2025-03-10T12:00:00.000Z", "LGTM", note_type="DiscussionNote"),  # first review: 3 h
    _note(11, 4, "carol", "2025-03-10T12:05:00.000Z", "10 issue notes", kind="Issue"),  # not an MR: skipped
]
"""Hand-computed, baseline (MRs 1–3): reviewers {bob, carol, alice, dave} = 4 (erin reviewed after the
merge, the bot and each MR's author do not count); pickup 2, 4, 1 h → median 2 h (counting the author's
reply would make MR 1's 1 h, the bot's note MR 2's 1 h: median 1 h); review time (first review → merge)
22, 26, 11 h → median 22 h.  Post (MRs 4, 5): reviewers {carol} = 1, pickup 3 h, review time 21 h."""

SKIPPED_BY_READER = {"system note other than an approval (commits pushed, review requested, labels…)": 2,
                     "note on an issue, commit or snippet, not a merge request": 1}
SKIPPED_BY_METRICS = {"by the PR's own author (thread reply)": 1,
                      "review by a bot (Copilot code review and the like)": 1, "submitted after the merge": 1}


def _exports(notes: list[dict] = NOTES) -> list[tuple[str, bytes]]:
    return [("mrs.json", json.dumps(MRS).encode()), ("notes.json", json.dumps(notes).encode())]


def test_notes_are_recognised_from_content():
    assert detect("export.bin", json.dumps(NOTES).encode()) == "gitlab_mr_notes"
    assert detect("export.bin", (FIXTURES / "gitlab_mr_notes.json").read_bytes()) == "gitlab_mr_notes"
    assert detect("export.bin", "\n".join(json.dumps(n) for n in NOTES).encode()) == "gitlab_mr_notes"  # NDJSON


def test_comments_and_approvals_become_reviews_other_system_notes_are_skipped():
    tables, report = read_file("notes.json", json.dumps(NOTES).encode())
    reviews = tables["reviews"]
    assert report.format == "gitlab_mr_notes" and report.rows == 11
    assert dict(report.skipped) == SKIPPED_BY_READER and report.used_rows == 8
    assert reviews["reviewer"].tolist() == ["alice", "bob", "carol", "project_7_bot_3f1c", "alice", "dave", "erin",
                                            "carol"]
    assert reviews["state"].tolist() == ["COMMENTED", "COMMENTED", "APPROVED", "COMMENTED", "APPROVED",
                                         "COMMENTED", "COMMENTED", "COMMENTED"]
    assert reviews["reviewer_is_bot"].tolist() == [False, False, False, True, False, False, False, False]
    assert reviews["number"].tolist() == [1, 1, 1, 2, 2, 3, 3, 4]
    assert reviews["repo"].eq("7").all()  # the project id, until read_exports names the project
    assert reviews["submitted_at"].iloc[0] == pd.Timestamp("2025-02-03T10:00:00Z")


def test_notes_join_their_merge_requests_by_project_path_and_iid():
    data = read_exports(_exports())
    assert data.reviews["repo"].eq("acme/app").all()  # project 7's MRs are acme/app (from web_url)
    assert set(data.pull_requests["repo"]) == {"acme/app"}


def test_review_pool_pickup_and_review_time_by_hand():
    m = measure(read_exports(_exports()), ADOPTION)
    assert (m.baseline.prs_merged, m.post.prs_merged) == (3, 2)
    assert m.baseline.reviewers == 4 and m.post.reviewers == 1
    assert m.baseline.pickup_hours_median == pytest.approx(2.0)
    assert m.baseline.review_hours_median == pytest.approx(22.0)
    assert m.post.pickup_hours_median == pytest.approx(3.0)
    assert m.post.review_hours_median == pytest.approx(21.0)
    notes = next(s for s in m.sources if s.file == "notes.json")
    assert notes.skipped == {**SKIPPED_BY_READER, **SKIPPED_BY_METRICS}
    assert (notes.rows, notes.used_rows) == (11, 5)


def test_an_approval_alone_is_a_review():
    only = [_note(7, 2, "alice", "2025-02-05T14:00:00.000Z", "  Approved this merge request ", system=True),
            _note(12, 2, "carol", "2025-02-05T15:00:00.000Z", "unapproved this merge request", system=True)]
    data = read_exports(_exports(only))
    assert data.reviews[["reviewer", "state"]].values.tolist() == [["alice", "APPROVED"]]
    m = measure(data, ADOPTION)
    assert m.baseline.reviewers == 1 and m.baseline.pickup_hours_median == pytest.approx(4.0)
    assert m.baseline.review_hours_median == pytest.approx(26.0)


def test_a_notes_file_without_its_merge_requests_loads_and_its_reviews_are_unmatched():
    data = read_exports([("notes.json", json.dumps(NOTES).encode())])
    assert data.has("reviews") and len(data.reviews) == 8 and data.reviews["repo"].eq("7").all()
    # With MRs of another project: every note is a review of a PR not in the exports, as for GitHub reviews.
    other = [("other.json", json.dumps([_mr(1, "alice", "2025-02-03T09:00:00.000Z", "2025-02-04T09:00:00.000Z",
                                            project="acme/other") | {"project_id": 8},
                                        _mr(4, "bob", "2025-03-10T09:00:00.000Z", "2025-03-11T09:00:00.000Z",
                                            project="acme/other") | {"project_id": 8}]).encode()),
             ("notes.json", json.dumps(NOTES).encode())]
    m = measure(read_exports(other), ADOPTION)
    assert m.baseline.reviewers == 0 and m.baseline.pickup_hours_median is None
    notes = next(s for s in m.sources if s.file == "notes.json")
    assert notes.skipped == {**SKIPPED_BY_READER,
                             "review of a PR that is not counted (bot, draft, unmerged or not exported)": 8}


def test_ndjson_and_gzip_notes_are_read():
    ndjson = "\n".join(json.dumps(n) for n in NOTES).encode()
    for name, data in (("notes.ndjson", ndjson), ("notes.json.gz", gzip.compress(json.dumps(NOTES).encode()))):
        tables, report = read_file(name, data)
        assert report.format == "gitlab_mr_notes" and len(tables["reviews"]) == 8


def test_offsets_are_honoured():
    shifted = [_note(3, 1, "bob", "2025-02-03T12:00:00+01:00")]  # 11:00 UTC
    m = measure(read_exports(_exports(shifted)), ADOPTION)
    assert m.baseline.pickup_hours_median == pytest.approx(2.0)


def test_a_note_without_created_at_names_its_file_and_record():
    broken = [dict(n) for n in NOTES]
    del broken[2]["created_at"]
    with pytest.raises(InputFormatError) as error:
        read_exports(_exports(broken))
    assert (error.value.file, error.value.row, error.value.column) == ("notes.json", 3, "created_at")
    assert "every row needs this date" in error.value.message


def test_a_note_without_its_merge_request_iid_names_its_record():
    broken = [dict(n) for n in NOTES]
    broken[1]["noteable_iid"] = None
    with pytest.raises(InputFormatError) as error:
        read_file("notes.json", json.dumps(broken).encode())
    assert (error.value.file, error.value.row, error.value.column) == ("notes.json", 2, "noteable_iid")
    assert "which merge request the note belongs to" in error.value.message


def test_the_fixture_notes_join_the_fixture_merge_requests():
    data = read_exports([FIXTURES / "gitlab_merge_requests.json", FIXTURES / "gitlab_mr_notes.json"])
    # MR acme/core!15 by gina: hana's DiffNote, gina's own reply (kept here, left out by the metrics) and
    # ivan's approval; the "added 1 commit" system note is skipped.
    assert data.reviews[["repo", "number", "reviewer", "state"]].values.tolist() == [
        ["acme/core", 15, "hana", "COMMENTED"], ["acme/core", 15, "gina", "COMMENTED"],
        ["acme/core", 15, "ivan", "APPROVED"]]
    notes = next(s for s in data.sources if s.file.endswith("gitlab_mr_notes.json"))
    assert dict(notes.skipped) == {"system note other than an approval (commits pushed, review requested, "
                                   "labels…)": 1}


def test_cli_metrics_from_merge_requests_and_notes(tmp_path):
    mrs, notes = tmp_path / "mrs.json", tmp_path / "notes.json"
    mrs.write_text(json.dumps(MRS))
    notes.write_text(json.dumps(NOTES))
    done = subprocess.run([sys.executable, "-m", "roi", "metrics", str(mrs), str(notes), "--adoption-date",
                           "2025-03-03"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["baseline"]["reviewers"], out["post"]["reviewers"]) == (4, 1)
    assert out["baseline"]["pickup_hours_median"] == pytest.approx(2.0)
    assert out["baseline"]["review_hours_median"] == pytest.approx(22.0)
    assert out["post"]["pickup_hours_median"] == pytest.approx(3.0)
    assert out["post"]["review_hours_median"] == pytest.approx(21.0)
    source = next(s for s in out["sources"] if s["file"] == str(notes))
    assert source["format"] == "gitlab_mr_notes" and source["skipped"] == {**SKIPPED_BY_READER, **SKIPPED_BY_METRICS}


def test_merged_mrs_without_merged_at_take_closed_at_else_updated_at():
    """GitLab sets closed_at only on MRs closed without merging: a merged MR without merged_at found no closed_at
    to stand in for it, was counted as not merged (3 of the 4 merged before adoption counted), and the note said
    closed_at was used.  updated_at (the MR's last change, usually its merge) dates it now, and the caution says
    which time each took."""
    mrs = [*MRS[:2],
           {**_mr(3, "alice", "2025-02-10T08:00:00.000Z", None), "updated_at": "2025-02-10T20:00:30.000Z"},
           {**_mr(6, "carol", "2025-02-11T08:00:00.000Z", None), "closed_at": "2025-02-11T14:00:00.000Z",
            "updated_at": "2025-02-12T09:00:00.000Z"},  # closed_at, where a merged MR has one, comes first
           {**_mr(7, "bob", "2025-02-12T08:00:00.000Z", None), "state": "closed",
            "closed_at": "2025-02-12T10:00:00.000Z"},  # closed without merging: not merged
           *MRS[3:]]
    data = read_exports([("mrs.json", json.dumps(mrs).encode())])
    merged = data.pull_requests.set_index("number")["merged_at"]
    assert merged[3] == pd.Timestamp("2025-02-10T20:00:30Z") and merged[6] == pd.Timestamp("2025-02-11T14:00:00Z")
    assert pd.isna(merged[7])
    metrics = measure(data, ADOPTION)
    assert (metrics.baseline.prs_merged, metrics.post.prs_merged) == (4, 2)
    # Cycle hours 24, 30, 12 h 0.5 min and 6: the median is about 18 h.
    assert metrics.baseline.cycle_hours_median == pytest.approx((12 + 0.5 / 60 + 24) / 2)
    report = metrics.sources[0]
    assert report.skipped == {"not merged (open, or closed without merging)": 1}
    assert report.cautions == ["2 merged MR(s) without merged_at: the merge time taken is closed_at for 1 and "
                               "updated_at for 1 (the MR's last change, usually its merge: a later comment or label "
                               "dates it later)"]


def test_the_synthetic_gitlab_ledger_with_merge_times_missing_counts_what_github_counts():
    """The 56 ledger-api PRs as GitLab MRs, 10 merged ones without merged_at (updated_at seconds after the merge):
    22 merged before 2025-04-28, as the GitHub export of the same PRs has (13 were counted)."""
    data = read_exports([FIXTURES / "gitlab_ledger_mrs_without_merged_at.json"])
    metrics = measure(data, date(2025, 4, 28))
    assert (metrics.baseline.prs_merged, metrics.post.prs_merged) == (22, 20)
    assert metrics.baseline.prs_per_dev_week == pytest.approx(0.2971, abs=1e-4)
    assert metrics.baseline.cycle_hours_median == pytest.approx(29.50, abs=0.01)
    report = metrics.sources[0]
    assert report.skipped["not merged (open, or closed without merging)"] == 5
    assert report.cautions == ["10 merged MR(s) without merged_at: the merge time taken is updated_at for 10 (the "
                               "MR's last change, usually its merge: a later comment or label dates it later)"]


def test_a_merged_mr_without_any_time_to_date_its_merge_is_refused():
    """Counting it as not merged would drop it silently: the file is named, with the field to export."""
    mr = {**_mr(1, "alice", "2025-02-03T09:00:00.000Z", None)}
    del mr["updated_at"]
    with pytest.raises(InputFormatError) as refused:
        read_exports([("mrs.json", json.dumps([MRS[1], mr]).encode())])
    assert (refused.value.file, refused.value.row, refused.value.column) == ("mrs.json", 2, "merged_at")
    assert refused.value.message == (
        "merge request !1 is merged but has no merged_at, closed_at or updated_at: its merge time is unknown, and "
        "counting it as not merged would drop it; export the MRs again with updated_at (GraphQL: add updatedAt to "
        "the query's nodes)")
