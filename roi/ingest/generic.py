"""Any other CSV or XLSX, through a column mapping the user makes once (saved in the scenario).

A mapping is ``{"table": <canonical table>, <our column>: <their column>, ...}`` and lives in
``Scenario.measurement.column_mappings[<file name>]``.  Swarmia, LinearB, Jellyfish or a home-grown
BI export become canonical rows this way, and an HR list becomes the people directory.  ``first_review_at`` on pull requests stands in for a
review table when the export has only per-PR timings.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from roi.errors import InputFormatError
from roi.ingest import people
from roi.ingest._common import SourceReport, numbers, timestamps, without_epics
from roi.ingest.identity import agent_mask, ai_evidence, bot_mask
from roi.ingest.jira import issue_kind
from roi.ingest.tables import UNNAMED_REVIEWER
from roi.ingest.template import read_table

MAPPABLE: dict[str, dict[str, bool]] = {
    "pull_requests": {"author": True, "created_at": True, "merged_at": True, "number": False, "repo": False,
                      "closed_at": False, "additions": False, "deletions": False, "size": False, "is_draft": False,
                      "is_bot": False, "labels": False, "first_review_at": False},
    "reviews": {"number": True, "reviewer": True, "submitted_at": True, "repo": False, "state": False},
    "deployments": {"deployed_at": True, "deploy_id": False},
    "incidents": {"created_at": True, "resolved_at": False, "incident_id": False},
    "work_items": {"created_at": True, "key": False, "type": False, "resolved_at": False, "done": False},
    "people": {"login": True, "email": True},
}
"""Per canonical table: our column -> required?  The mapping UI offers exactly these."""

TABLE_TITLES = {
    "pull_requests": "pull or merge requests (one row per PR)",
    "reviews": "reviews (one row per review of a PR)",
    "deployments": "deployments to production (one row per deployment)",
    "incidents": "incidents (one row per incident)",
    "work_items": "work items: issues, tickets, tasks (one row per item)",
    "people": "people directory (a login and an email per person)",
}
"""What a file mapped to each table holds, in words the mapping step shows."""

COLUMN_HELP: dict[str, dict[str, str]] = {
    "pull_requests": {
        "author": "the login of the PR's author (matched with reviewers and AI-tool users)",
        "created_at": "when the PR was opened (a date and time; without an offset, read in the time zone chosen "
                      "on the Data page)",
        "merged_at": "when it was merged; empty for a PR not merged",
        "number": "the PR's number, which reviews name; without it, rows are numbered 1, 2, …",
        "repo": "the repository, when numbers repeat across repositories",
        "closed_at": "when it was closed",
        "additions": "lines added", "deletions": "lines deleted",
        "size": "lines changed, when the file has no separate additions and deletions",
        "is_draft": "yes/true/1 for a draft (left out)", "is_bot": "yes/true/1 for a bot's PR (left out)",
        "labels": "labels, which can mark AI-assisted PRs",
        "first_review_at": "when the first review came, for an export with per-PR timings instead of reviews",
    },
    "reviews": {
        "number": "the number of the PR reviewed", "reviewer": "the reviewer's login",
        "submitted_at": "when the review was submitted", "repo": "the repository of the PR reviewed",
        "state": "approved, changes requested or commented",
    },
    "deployments": {"deployed_at": "when it reached production", "deploy_id": "an id, so a row given twice counts once"},
    "incidents": {"created_at": "when it started or was opened", "resolved_at": "when service was restored",
                  "incident_id": "an id, so a row given twice counts once"},
    "work_items": {"created_at": "when the item was created", "key": "its key or id (e.g. PROJ-12)",
                   "type": "story, bug, task … (bugs are counted as such; epics are left out)",
                   "resolved_at": "when it was done", "done": "yes/true/1 when done, if the file has no done date"},
    "people": {"login": "the person's login on GitHub or GitLab", "email": "their work email"},
}
"""What each of our columns means, shown beside its choice in the mapping step."""

_SPELLINGS: dict[str, tuple[str, ...]] = {
    "author": ("author", "authorlogin", "user", "userlogin", "login", "creator", "openedby", "developer"),
    "created_at": ("createdat", "created", "createddate", "openedat", "opened", "startedat", "creationdate",
                   "createdon", "openedon"),
    "merged_at": ("mergedat", "merged", "mergeddate", "mergetime", "mergedon"),
    "number": ("number", "prnumber", "pullrequestnumber", "mrnumber", "iid", "pr", "prid", "pullrequestid"),
    "repo": ("repo", "repository", "repositoryname", "reponame", "project", "projectname"),
    "closed_at": ("closedat", "closed", "closeddate"),
    "additions": ("additions", "linesadded", "added", "insertions"),
    "deletions": ("deletions", "linesdeleted", "linesremoved", "deleted", "removed"),
    "size": ("size", "lineschanged", "changes", "changedlines", "prsize", "loc"),
    "is_draft": ("isdraft", "draft"), "is_bot": ("isbot", "bot"),
    "labels": ("labels", "label", "tags"),
    "first_review_at": ("firstreviewat", "firstreviewedat", "firstreview", "firstreviewtime"),
    "reviewer": ("reviewer", "reviewerlogin", "reviewedby"),
    "submitted_at": ("submittedat", "reviewedat", "reviewsubmittedat", "submitted"),
    "state": ("state", "reviewstate", "status"),
    "deployed_at": ("deployedat", "deploymenttime", "deployedon", "finishedat", "deploytime"),
    "deploy_id": ("deployid", "deploymentid", "id"),
    "incident_id": ("incidentid", "incident", "incidentkey", "ticket", "id"),
    "resolved_at": ("resolvedat", "resolved", "resolveddate", "restoredat", "restored", "recoveredat",
                    "mitigatedat", "completedat", "doneat"),
    "key": ("key", "issuekey", "issueid", "ticket", "id"),
    "type": ("type", "issuetype", "kind"),
    "done": ("done", "isdone", "completed"),
}
"""Header spellings the mapping step proposes for each of our columns (compared without case, spaces,
underscores or punctuation); the people directory's own header names are added below."""


def _folded(column: str) -> str:
    return "".join(ch for ch in column.casefold() if ch.isalnum())


_SPELLINGS["login"] = tuple(_folded(name) for name in people.LOGIN)
_SPELLINGS["email"] = (*(_folded(name) for name in people.EMAIL), "emailwork", "businessemail")


def propose(columns: Collection[str], table: str) -> dict[str, str]:
    """Our columns of ``table`` that have a known spelling in the header: ``{our column: their column}``."""
    folded: dict[str, str] = {}
    for column in columns:
        folded.setdefault(_folded(column), column)  # the first of two spellings that fold alike

    def found(ours: str) -> str | None:
        return next((folded[s] for s in _SPELLINGS[ours] if s in folded), None)

    return {ours: theirs for ours in MAPPABLE[table] if (theirs := found(ours))}


def suggest_mapping(columns: Collection[str]) -> dict[str, str]:
    """A first mapping for a header, to be checked by the user: the table with the most of its columns found
    in the header, among those with a required column found (a tie: one whose required columns are all found,
    then the earlier table of :data:`MAPPABLE`), with every column found; ``{}`` when no table has one.

    The proposal may miss a required column, which the user then chooses: a PR export whose merge column
    has an unknown name ("PR #, Opened by, Opened, Landed") was proposed as incidents, complete with
    "Opened" alone, and one click read its PRs as incidents.
    """
    best: dict[str, str] = {}
    best_rank = (0, False)
    for table, ours_columns in MAPPABLE.items():
        mapping = propose(columns, table)
        required = [ours for ours, needed in ours_columns.items() if needed]
        if not any(ours in mapping for ours in required):
            continue
        rank = (len(mapping), all(ours in mapping for ours in required))
        if rank > best_rank:
            best, best_rank = {"table": table, **mapping}, rank
    return best

TRUE_WORDS = {"1", "true", "yes", "y", "t", "x", "wahr", "sí", "si", "oui", "ja"}


def validate_mapping(name: str, mapping: dict[str, str], columns: Collection[str]) -> str:
    """The mapping's table, after checking every required column is mapped to a column that exists."""
    table = mapping.get("table")
    if table not in MAPPABLE:
        raise InputFormatError(f"the column mapping must name a table: one of {', '.join(MAPPABLE)}", file=name,
                               field="table")
    for ours, required in MAPPABLE[table].items():
        theirs = mapping.get(ours)
        if required and not theirs:
            raise InputFormatError(f"the column mapping for {table} needs '{ours}'; choose which column holds it",
                                   file=name, field=ours)
        if theirs and theirs not in columns:
            raise InputFormatError(f"the mapping names column '{theirs}' for '{ours}', but the file has no such "
                                   "column; map it again", file=name, column=theirs)
    unknown = set(mapping) - set(MAPPABLE[table]) - {"table"}
    if unknown:
        raise InputFormatError(f"the mapping has unknown keys {sorted(unknown)}; {table} accepts "
                               f"{', '.join(MAPPABLE[table])}", file=name, field=sorted(unknown)[0])
    return table


def _flag(values: pd.Series) -> np.ndarray:
    return values.astype(str).str.strip().str.casefold().isin(TRUE_WORDS).to_numpy()


def read_mapped(name: str, data: bytes, report: SourceReport, timezone: str,
                mapping: dict[str, str]) -> dict[str, pd.DataFrame]:
    frame = read_table(name, data, report)
    report.rows = len(frame)
    table = validate_mapping(name, mapping, frame.columns)
    report.format = f"mapped CSV/XLSX ({table})"
    report.name_columns(table, {ours: theirs for ours, theirs in mapping.items() if ours != "table"})
    if table == "pull_requests" and not mapping.get("additions"):
        report.name_columns(table, {"additions": mapping.get("size")})

    def text(ours: str, default: str | None = None) -> pd.Series:
        theirs = mapping.get(ours)
        if not theirs:
            return pd.Series(default, index=frame.index, dtype="object")
        return frame[theirs].astype(str).str.strip().replace("", None)

    def when(ours: str, required: bool = False) -> pd.Series:
        theirs = mapping.get(ours)
        if not theirs:
            return pd.Series(pd.NaT, index=frame.index, dtype="datetime64[ns, UTC]")
        return timestamps(frame[theirs], name, theirs, report, timezone=timezone, row_offset=2, required=required,
                          in_header=True)

    def number(ours: str, whole: bool = False) -> pd.Series:
        theirs = mapping.get(ours)
        return numbers(frame[theirs], name, theirs, whole=whole) if theirs else pd.Series(np.nan, index=frame.index)

    if table == "people":  # an HR list whose columns the directory's header names do not cover
        return people.read_pairs(name, frame, mapping["login"], mapping["email"], report)
    report.tables.add(table)
    if table == "pull_requests":
        login = text("author")
        size = number("size", whole=True)  # lines: "2.220" from a German Excel is 2220, not 2.22
        additions = number("additions", whole=True).fillna(size)
        deletions = number("deletions", whole=True).fillna(0.0 if mapping.get("size") else np.nan)
        labels = text("labels", "").fillna("")
        numbers_ = number("number")
        odd = numbers_.notna() & ((numbers_ % 1 != 0) | (numbers_.abs() > 2**53))
        if odd.any():
            position = int(np.flatnonzero(odd.to_numpy())[0])
            raise InputFormatError(f"{numbers_.iloc[position]:g} is not a PR number (a whole number)", file=name,
                                   row=position + 2, column=mapping["number"])
        pulls = pd.DataFrame({
            "source": name, "repo": text("repo", "").fillna(""),
            "number": numbers_.fillna(pd.Series(np.arange(1, len(frame) + 1), index=frame.index)).astype(np.int64),
            "author": login.fillna("ghost"),
            "author_is_bot": (bot_mask(login) | (_flag(text("is_bot", "")) if mapping.get("is_bot") else False)),
            "ai_agent": agent_mask(login), "is_draft": _flag(text("is_draft", "")),
            "created_at": when("created_at", True), "merged_at": when("merged_at"), "closed_at": when("closed_at"),
            "additions": additions, "deletions": deletions, "labels": labels, "ai_evidence": ai_evidence(labels),
        })
        out = {"pull_requests": pulls}
        if mapping.get("first_review_at"):
            first = when("first_review_at")
            has = first.notna().to_numpy()
            out["reviews"] = pd.DataFrame({"source": name, "repo": pulls["repo"], "number": pulls["number"],
                                           "reviewer": UNNAMED_REVIEWER, "reviewer_is_bot": False,
                                           "state": "COMMENTED", "submitted_at": first})[has]
            report.tables.add("reviews")
        return out
    if table == "reviews":
        reviewer = text("reviewer")
        return {"reviews": pd.DataFrame({
            "source": name, "repo": text("repo", "").fillna(""), "number": number("number").astype("Int64"),
            "reviewer": reviewer.fillna("ghost"), "reviewer_is_bot": bot_mask(reviewer),
            "state": text("state", "COMMENTED").fillna("COMMENTED").str.upper(),
            "submitted_at": when("submitted_at", True)})}
    if table == "deployments":
        ids = text("deploy_id").fillna(pd.Series([f"{name}:{i}" for i in range(len(frame))], index=frame.index))
        return {"deployments": pd.DataFrame({"source": name, "deploy_id": ids, "deployed_at": when("deployed_at", True)})}
    if table == "incidents":
        ids = text("incident_id").fillna(pd.Series([f"{name}:{i}" for i in range(len(frame))], index=frame.index))
        return {"incidents": pd.DataFrame({"source": name, "incident_id": ids, "created_at": when("created_at", True),
                                           "resolved_at": when("resolved_at")})}
    resolved = when("resolved_at")
    done = pd.Series(_flag(text("done", "")), index=frame.index) if mapping.get("done") else resolved.notna()
    return {"work_items": without_epics(pd.DataFrame({
        "source": name, "key": text("key"), "kind": issue_kind(text("type", "").fillna("")), "done": done,
        "created_at": when("created_at", True), "resolved_at": resolved, "story_points": np.nan, "assignee": None}),
        report)}
