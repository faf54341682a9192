"""GitLab merge requests (``GET /projects/:id/merge_requests?state=all``, or GraphQL ``mergeRequests`` pages with
their sizes), their notes (``GET /projects/:id/merge_requests/:iid/notes``), deployments
(``GET /projects/:id/deployments``) and issues (``GET /projects/:id/issues``: work items, and incidents).

FORMATS.md §3.  ``iid`` is the MR number; timestamps have milliseconds (``…43.743Z``); the REST
list has no line counts (``changes_count`` is a string of files, detail only), so its MR sizes stay
empty.  GitLab's GraphQL API has them: ``MergeRequest.diffStatsSummary { additions deletions }``
(lines), in ``project(fullPath:)`` or ``group(fullPath:)`` ``mergeRequests`` pages, read as the REST
list is (:func:`read_graphql`; ``iid`` a String there, fields in camelCase).  Reviews come from the
notes: a comment (``system: false``) is a review, COMMENTED, and
the system note "approved this merge request" is an approval, APPROVED; other system notes
("added 1 commit", "requested review from @x", "marked as draft") are not review acts.  A note
names its MR by ``project_id`` and ``noteable_iid`` only, while an MR's ``repo`` is its project's
path (from ``web_url``): the notes reader gives ``repo`` the project id, and ``read_exports``
replaces it with the path the MR reader found for that project (:data:`PROJECT_PATHS`, from the
REST ``project_id`` or GraphQL ``projectId``).  Bot users created by project or group access tokens are
named ``project_<id>_bot_…`` / ``group_<id>_bot_…``.  GitLab leaves ``merged_at`` empty on some merged MRs and
sets ``closed_at`` only on MRs closed without merging: :func:`_date_merges_without_time` dates such a merge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from roi.errors import InputFormatError
from roi.ingest._common import (SourceReport, check_authors, column, connection_nodes, json_object, load_json, records_table,
                               source_column, timestamps, work_item_tables)
from roi.ingest.identity import agent_mask, ai_evidence, bot_mask
from roi.safety import quote

PROJECT_PATHS = "_gitlab_project_paths"
"""Internal table: a GitLab ``project_id`` (as text) → the ``repo`` its MRs were given, to join notes to MRs."""

APPROVAL_NOTE = "approved this merge request"
"""The body of the system note GitLab writes when someone approves an MR."""

_PROJECT_BOT = r"^(project|group)_\d+_bot"
"""Users of project and group access tokens."""

MR_SCHEMA = pa.schema([
    ("iid", pa.int64()), ("project_id", pa.int64()), ("state", pa.string()), ("draft", pa.bool_()),
    ("work_in_progress", pa.bool_()), ("created_at", pa.string()), ("merged_at", pa.string()),
    ("closed_at", pa.string()), ("updated_at", pa.string()), ("author", pa.struct([("username", pa.string())])),
    ("labels", pa.list_(pa.string())), ("source_branch", pa.string()), ("merge_commit_sha", pa.string()),
    ("squash_commit_sha", pa.string()), ("web_url", pa.string()), ("description", pa.string()),
])


def _project_path(urls: pa.Array | pa.ChunkedArray) -> pa.Array:
    """The project path in GitLab web URLs (``https://host/acme/app/-/merge_requests/7`` → ``acme/app``); null where
    a URL is missing or names no project page."""
    pattern = r"https?://[^/]+/(?P<p>.+?)/-/(?:merge_requests|issues|work_items|pipelines|jobs)/"
    return pc.struct_field(pc.extract_regex(urls, pattern), "p")


def _required(table: pa.Table, field: str, what: str, name: str) -> pa.Array:
    """The identifying ``field`` of every record; a record without it is an error naming the record."""
    values = column(table, field)
    if values.null_count:
        raise InputFormatError(f"has no {what} '{field}'", file=name,
                               row=pc.index(pc.is_null(values), True).as_py() + 1, column=field)
    return values


def read_merge_requests(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """The REST merge request list (``GET /projects/:id/merge_requests?state=all``): MRs without sizes."""
    table = records_table(data, MR_SCHEMA, name)
    report.rows = table.num_rows
    report.name_columns("pull_requests", {"number": "iid"})
    tables = _merge_requests(name, table, report, timezone)
    report.note("GitLab MR lists carry no line counts: PR size stays empty (review times need the MRs' notes, "
                "/merge_requests/:iid/notes); GraphQL mergeRequests pages with diffStatsSummary give sizes")
    return tables


def _merge_requests(name: str, table: pa.Table, report: SourceReport, timezone: str,
                    names: dict[str, str] | None = None) -> dict[str, pd.DataFrame]:
    """The ``pull_requests`` table and :data:`PROJECT_PATHS` of MR records shaped as the REST list's.

    ``table`` has :data:`MR_SCHEMA`'s fields; the GraphQL reader adds ``full_path`` (the project's path
    where ``web_url`` is missing) and ``additions``/``deletions`` (lines; absent: NaN).  ``names``: the
    file's own name of a field, for messages (GraphQL's ``createdAt`` for ``created_at``).
    """
    def theirs(field: str) -> str:
        return (names or {}).get(field, field)

    iid = _required(table, "iid", "merge request", name)
    project = _project_path(column(table, "web_url"))
    # The path in web_url first, as the REST list has it: a REST and a GraphQL copy of one MR share their repo.
    paths = [project, column(table, "full_path")] if "full_path" in table.column_names else [project]
    repo = pd.Series(pc.coalesce(*paths, pc.cast(column(table, "project_id"), pa.string())).to_pandas(),
                     dtype="object").fillna("")
    login = pd.Series(column(table, "author.username").to_pandas())
    check_authors(login, name, report, field="author", what="MR", export_with=(
        "add author { username } to the query's mergeRequests nodes" if names else
        "save the API's merge request objects whole, not a selection of their fields "
        "(GET /projects/:id/merge_requests?state=all)"))
    labels = pd.Series(pc.binary_join(column(table, "labels"), ",").to_pandas()).fillna("")
    state = pd.Series(column(table, "state").to_pandas()).fillna("").str.lower()
    merged = timestamps(column(table, "merged_at"), name, theirs("merged_at"), report, timezone=timezone)
    draft = pc.fill_null(pc.or_kleene(column(table, "draft"), column(table, "work_in_progress")), False)

    def lines(field: str) -> np.ndarray | float:
        if field not in table.column_names:
            return float("nan")
        return column(table, field).to_numpy(zero_copy_only=False).astype(float)

    frame = pd.DataFrame({
        "source": name, "repo": repo, "number": iid.to_numpy(), "author": login.fillna("ghost"),
        "author_is_bot": (bot_mask(login) | login.fillna("").str.match(_PROJECT_BOT)).to_numpy(),
        "ai_agent": agent_mask(login, pd.Series(column(table, "source_branch").to_pandas())).to_numpy(),
        "assignee": None, "is_draft": draft.to_numpy(zero_copy_only=False),
        "created_at": timestamps(column(table, "created_at"), name, theirs("created_at"), report, timezone=timezone,
                                 required=True),
        "merged_at": merged.where(state.eq("merged").to_numpy() | merged.notna().to_numpy()),
        "closed_at": timestamps(column(table, "closed_at"), name, theirs("closed_at"), report, timezone=timezone),
        "additions": lines("additions"), "deletions": lines("deletions"), "labels": labels,
        "ai_evidence": ai_evidence(labels, pd.Series(column(table, "description").to_pandas())),
        "merge_commit_sha": pd.Series(pc.coalesce(column(table, "merge_commit_sha"),
                                                  column(table, "squash_commit_sha")).to_pandas()),
    })
    _date_merges_without_time(frame, state.eq("merged").to_numpy(), table, name, report, timezone, theirs)
    report.tables.add("pull_requests")
    paths_table = pd.DataFrame({"project": pd.Series(pc.cast(column(table, "project_id"), pa.string()).to_pandas(),
                                                     dtype="object"), "repo": repo})
    return {"pull_requests": frame,
            PROJECT_PATHS: paths_table[paths_table["project"].notna()].drop_duplicates("project")}


def _date_merges_without_time(frame: pd.DataFrame, merged: np.ndarray, table: pa.Table, name: str,
                              report: SourceReport, timezone: str, theirs: Callable[[str], str]) -> None:
    """Give merged MRs without ``merged_at`` a merge time: ``closed_at``, else ``updated_at``.

    GitLab leaves ``merged_at`` empty on some merged MRs, and sets ``closed_at`` only on MRs closed without
    merging: such MRs were counted as not merged.  ``updated_at`` is the MR's last change, for a merged MR
    usually its merge (a later comment or label moves it later): the caution says how many took which.
    An MR in state merged is never counted as unmerged: one without any of the three times is refused.
    """
    missing = merged & frame["merged_at"].isna().to_numpy()
    if not missing.any():
        return
    closed = missing & frame["closed_at"].notna().to_numpy()
    updated = timestamps(column(table, "updated_at"), name, theirs("updated_at"), report, timezone=timezone)
    from_update = missing & ~closed & updated.notna().to_numpy()
    unknown = missing & ~closed & ~from_update
    if unknown.any():
        row = int(np.flatnonzero(unknown)[0])
        raise InputFormatError(
            f"merge request !{frame['number'].iloc[row]} is merged but has no {theirs('merged_at')}, "
            f"{theirs('closed_at')} or {theirs('updated_at')}: its merge time is unknown, and counting it as not "
            f"merged would drop it; export the MRs again with {theirs('updated_at')} (GraphQL: add updatedAt to the "
            "query's nodes)", file=name, row=row + 1, column=theirs("merged_at"))
    frame.loc[closed, "merged_at"] = frame.loc[closed, "closed_at"]
    frame.loc[from_update, "merged_at"] = updated[from_update]
    taken = [f"{theirs('closed_at')} for {int(closed.sum())}" if closed.any() else "",
             f"{theirs('updated_at')} for {int(from_update.sum())} (the MR's last change, usually its merge: a later "
             "comment or label dates it later)" if from_update.any() else ""]
    report.caution(f"{int(missing.sum())} merged MR(s) without {theirs('merged_at')}: the merge time taken is "
                   f"{' and '.join(t for t in taken if t)}")


GRAPHQL_SCHEMA = pa.schema([*MR_SCHEMA, ("full_path", pa.string()), ("additions", pa.int64()),
                            ("deletions", pa.int64())])
"""GraphQL nodes put in the REST list's terms, with the project's path and the MR's lines added and deleted."""

_GRAPHQL_NAMES = {"iid": "iid", "project_id": "projectId", "state": "state", "draft": "draft",
                  "work_in_progress": "workInProgress", "created_at": "createdAt", "merged_at": "mergedAt",
                  "closed_at": "closedAt", "updated_at": "updatedAt", "author": "author", "labels": "labels",
                  "source_branch": "sourceBranch", "merge_commit_sha": "mergeCommitSha",
                  "squash_commit_sha": "squashCommitSha", "web_url": "webUrl",
                  "description": "description", "full_path": "project.fullPath",
                  "additions": "diffStatsSummary.additions", "deletions": "diffStatsSummary.deletions"}
"""The GraphQL name of each REST field, for messages."""

_OWNERS = ("project", "group")
"""The objects whose ``mergeRequests`` a page can hold: a project's, or a group's (each node then names its project)."""


def is_graphql_page(record: dict[str, Any]) -> bool:
    """A GitLab GraphQL response page of a project's or group's ``mergeRequests``, or GitLab's answer that it
    has none to give (``project: null``): the reader then says why, rather than the page reading as no PRs."""
    data = json_object(record.get("data"))
    return any(key in data and (data[key] is None or "mergeRequests" in json_object(data[key])) for key in _OWNERS)


def _connection(page: object) -> tuple[dict[str, Any] | None, str]:
    """A page's ``mergeRequests`` connection (None: none) and its project's ``fullPath`` ('' for a group)."""
    data = json_object(json_object(page).get("data"))
    for key in _OWNERS:
        connection = json_object(data.get(key)).get("mergeRequests")
        if isinstance(connection, dict):
            path = json_object(data.get(key)).get("fullPath") if key == "project" else None
            return connection, path if isinstance(path, str) else ""
    return None, ""


def graphql_errors(pages: list[object]) -> list[str]:
    """The messages of the pages' GraphQL ``errors``, each once (GitLab's and GitHub's answers alike)."""
    found = []
    for page in pages:
        errors = json_object(page).get("errors")
        for error in errors if isinstance(errors, list) else []:
            message = json_object(error).get("message")
            found.append(message if isinstance(message, str) else str(error))
    return list(dict.fromkeys(found))


def _project_id(node: dict[str, Any]) -> object:
    """``projectId``, else the number in ``project { id }`` (a global id, ``gid://gitlab/Project/7``)."""
    if node.get("projectId") is not None:
        return node["projectId"]
    gid = json_object(node.get("project")).get("id")
    if isinstance(gid, str) and gid.rsplit("/", 1)[-1].isdigit():
        return int(gid.rsplit("/", 1)[-1])
    return gid


def _iid(value: object, name: str, row: int) -> int | None:
    """GraphQL's ``iid`` (a String) as a number; None stays None (the MR reader names the record)."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise InputFormatError(f"'{quote(value)}' is not a merge request number (iid); export the MRs' iid as GitLab "
                           "gives it", file=name, row=row, column="iid")


def _rest_record(node: dict[str, Any], page_path: str, name: str, row: int) -> dict[str, Any]:
    """A GraphQL ``MergeRequest`` node as the REST list's record (the fields :data:`GRAPHQL_SCHEMA` reads)."""
    labels = node.get("labels")
    titles = [json_object(label).get("title") for label in
              (labels if isinstance(labels, list) else connection_nodes(json_object(labels)))]
    sizes = json_object(node.get("diffStatsSummary"))
    return {
        "iid": _iid(node.get("iid"), name, row), "project_id": _project_id(node), "state": node.get("state"),
        "draft": node.get("draft"), "work_in_progress": node.get("workInProgress"),
        "created_at": node.get("createdAt"), "merged_at": node.get("mergedAt"), "closed_at": node.get("closedAt"),
        "updated_at": node.get("updatedAt"),
        "author": {"username": json_object(node.get("author")).get("username")},
        "labels": [t for t in titles if isinstance(t, str)], "source_branch": node.get("sourceBranch"),
        "merge_commit_sha": node.get("mergeCommitSha"), "squash_commit_sha": node.get("squashCommitSha"),
        "web_url": node.get("webUrl"), "description": node.get("description"),
        "full_path": json_object(node.get("project")).get("fullPath") or page_path or None,
        "additions": sizes.get("additions"), "deletions": sizes.get("deletions"),
    }


def read_graphql(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """GraphQL ``project``/``group`` ``mergeRequests`` pages: MRs with their sizes (``diffStatsSummary``).

    One page, an array of pages or pages concatenated (``glab api --paginate``); nodes as ``nodes`` or
    ``edges[].node``.  Read as the REST list is (:func:`read_merge_requests`), plus ``additions`` and
    ``deletions`` (lines).  A page where GitLab answered ``project: null`` or only ``errors`` is an error
    saying so: an empty success would read as a project without MRs.
    """
    document = load_json(data, name)
    pages: list[object] = document if isinstance(document, list) else [document]
    found = [(connection, path) for connection, path in map(_connection, pages) if connection is not None]
    errors = graphql_errors(pages)
    answered = "; ".join(quote(message, 200) for message in errors[:3])
    if not found:
        owner = next((key for key in _OWNERS for page in pages if key in json_object(json_object(page).get("data"))),
                     "project")
        raise InputFormatError(
            f"holds no merge requests: GitLab answered {f'with errors ({answered})' if errors else f'{owner}: null'}"
            f"; the {owner} was not found at that fullPath (its path, such as acme/app, not its URL) or the token "
            f"cannot read it (it needs the read_api scope and access to the {owner}); run the query again",
            file=name)
    nodes = [(node, path) for connection, path in found for node in connection_nodes(connection)]
    report.rows = len(nodes)
    records = [_rest_record(node, path, name, row) for row, (node, path) in enumerate(nodes, start=1)
               if isinstance(node, dict)]
    report.skip("node that is not a merge request (null: GitLab could not resolve it)", len(nodes) - len(records))
    if not records:
        raise InputFormatError("holds no merge requests (its mergeRequests are empty"
                               f"{f'; GitLab answered with errors: {answered}' if errors else ''}); check the "
                               "query's filters and the project's path, and export a period with MRs", file=name)
    if errors:
        report.caution(f"GitLab answered with errors as well ({answered}): the MRs it gave are read")
    try:
        table = records_table(records, GRAPHQL_SCHEMA, name)
    except InputFormatError as error:  # named in the file's terms: createdAt, not created_at
        raise InputFormatError(error.message, file=name, row=error.row, row_label=error.row_label,
                               column=_GRAPHQL_NAMES.get(error.column or "", error.column)) from None
    report.name_columns("pull_requests", {"number": "iid", "created_at": "createdAt", "merged_at": "mergedAt",
                                          "closed_at": "closedAt", "additions": "diffStatsSummary.additions",
                                          "deletions": "diffStatsSummary.deletions"})
    tables = _merge_requests(name, table, report, timezone, _GRAPHQL_NAMES)
    unsized = int(tables["pull_requests"]["additions"].isna().sum())
    if unsized:
        report.note(f"{unsized} MR(s) without diffStatsSummary (additions, deletions): their size is unknown and "
                    "left out of PR size; add diffStatsSummary { additions deletions } to the query")
    return tables


NOTE_SCHEMA = pa.schema([
    ("id", pa.int64()), ("body", pa.string()), ("author", pa.struct([("username", pa.string())])),
    ("created_at", pa.string()), ("system", pa.bool_()), ("noteable_type", pa.string()),
    ("noteable_iid", pa.int64()), ("project_id", pa.int64()),
])


def read_notes(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """MR notes: comments by anyone (COMMENTED) and "approved this merge request" system notes (APPROVED).

    Notes on other things (issues, commits, snippets) and other system notes are counted and left
    out.  The MR author's own replies and bots' notes are kept, flagged, as GitHub reviews are: the
    metrics leave them out (they know the MR's author) and count them under ``skipped``.
    """
    table = records_table(data, NOTE_SCHEMA, name)
    report.rows = table.num_rows
    report.name_columns("reviews", {"repo": "project_id", "number": "noteable_iid", "reviewer": "author.username",
                                    "submitted_at": "created_at"})
    kind = pd.Series(column(table, "noteable_type").to_pandas(), dtype="object")
    other = (kind.notna() & kind.ne("MergeRequest")).to_numpy()
    for field, what in (("noteable_iid", "merge request"), ("project_id", "project")):
        missing = pc.is_null(column(table, field)).to_numpy(zero_copy_only=False) & ~other
        if missing.any():
            raise InputFormatError(f"does not say which {what} the note belongs to; keep the note's '{field}' in "
                                   "the export", file=name, row=int(missing.argmax()) + 1, column=field)
    login = pd.Series(column(table, "author.username").to_pandas(), dtype="object")
    system = pc.fill_null(column(table, "system"), False).to_numpy(zero_copy_only=False)
    said = pc.equal(pc.utf8_lower(pc.utf8_trim_whitespace(column(table, "body"))), APPROVAL_NOTE)
    approval = system & pc.fill_null(said, False).to_numpy(zero_copy_only=False)  # in Arrow: no string per note
    frame = pd.DataFrame({
        "source": source_column(name, table.num_rows),
        "repo": pd.Series(pc.cast(column(table, "project_id"), pa.string()).to_pandas(), dtype="object").fillna(""),
        "number": pc.fill_null(column(table, "noteable_iid"), -1).to_numpy(),
        "reviewer": login.fillna("ghost"),
        "reviewer_is_bot": (bot_mask(login) | login.fillna("").str.match(_PROJECT_BOT)).to_numpy(),
        "state": np.where(approval, "APPROVED", "COMMENTED"),
        "submitted_at": timestamps(column(table, "created_at"), name, "created_at", report, timezone=timezone,
                                   required=True),
    })
    report.skip("note on an issue, commit or snippet, not a merge request", int(other.sum()))
    not_review = system & ~approval & ~other
    report.skip("system note other than an approval (commits pushed, review requested, labels…)",
                int(not_review.sum()))
    report.tables.add("reviews")
    return {"reviews": frame[~(other | not_review)]}


DEPLOYMENT_SCHEMA = pa.schema([
    ("id", pa.int64()), ("status", pa.string()), ("created_at", pa.string()), ("updated_at", pa.string()),
    ("finished_at", pa.string()), ("environment", pa.struct([("name", pa.string()), ("tier", pa.string())])),
    ("deployable", pa.struct([("finished_at", pa.string()), ("web_url", pa.string()),
                              ("pipeline", pa.struct([("project_id", pa.int64()), ("web_url", pa.string())]))])),
])

PRODUCTION_NAMES = r"^(production|prod|prd|live)(/.*)?$"
"""Environment names read as production when GitLab gives no ``tier`` (``production/eu`` is a review-app style
folder of production)."""


def read_deployments(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """Project deployments (``GET /projects/:id/deployments``): successful production deployments.

    Production = ``environment.tier`` ``production`` (GitLab 13.10+), else an environment named production,
    prod, prd or live.  Success = ``status`` ``success``.  The time is ``finished_at`` (GitLab 15.x+), else
    the deploy job's ``deployable.finished_at``, else ``updated_at`` (when the status last changed).  A
    deployment names only the commit it deployed, not every commit it shipped: its ``repo`` is its project
    (the pipeline's ``project_id``, put in terms of the MRs' paths by ``read_exports``, else the path in the
    job's or pipeline's ``web_url``), and the metrics take an MR as shipped by its project's first production
    deployment at or after its merge (``roi.metrics._commit_times``).
    """
    table = records_table(data, DEPLOYMENT_SCHEMA, name)
    report.rows = table.num_rows
    ids = _required(table, "id", "deployment", name)
    tier = pd.Series(column(table, "environment.tier").to_pandas(), dtype="object").str.strip().str.lower()
    environment = pd.Series(column(table, "environment.name").to_pandas(), dtype="object").fillna("")
    production = tier.eq("production").where(tier.notna(), environment.str.strip().str.lower().str.match(
        PRODUCTION_NAMES)).astype(bool).to_numpy()
    status = pd.Series(column(table, "status").to_pandas(), dtype="object").fillna("").str.lower()
    success = status.eq("success").to_numpy()
    failed = status.isin(["failed", "canceled"]).to_numpy()
    report.skip("not a production deployment (environment tier or name)", int((~production).sum()))
    report.skip("deployment did not succeed (status failed or canceled)", int((production & failed).sum()))
    report.skip("deployment not finished (status created, running or blocked)",
                int((production & ~success & ~failed).sum()))
    when = timestamps(column(table, "finished_at"), name, "finished_at", report, timezone=timezone)
    for field in ("deployable.finished_at", "updated_at"):  # older GitLab: the job's finish, the status change
        when = when.fillna(timestamps(column(table, field), name, field, report, timezone=timezone))
    keep = production & success
    no_time = when.isna().to_numpy() & keep
    report.skip("deployment without a finish time", int(no_time.sum()))
    keep &= ~no_time
    report.name_columns("deployments", {"deploy_id": "id", "deployed_at": "finished_at",
                                        "repo": "deployable.pipeline.project_id"})
    path = _project_path(pc.coalesce(column(table, "deployable.pipeline.web_url"), column(table, "deployable.web_url")))
    repo = pd.Series(pc.coalesce(pc.cast(column(table, "deployable.pipeline.project_id"), pa.string()), path)
                     .to_pandas(), dtype="object")
    if (keep & repo.isna().to_numpy()).any():
        report.note(f"{int((keep & repo.isna().to_numpy()).sum())} deployment(s) without their deploy job name no "
                    "project: they count as deployments, but no MR's change lead time is taken from them")
    report.tables.add("deployments")
    frame = pd.DataFrame({"source": name, "deploy_id": pd.Series(pc.cast(ids, pa.string()).to_pandas(), dtype="object"),
                          "deployed_at": when, "repo": repo})
    return {"deployments": frame[keep]}


ISSUE_SCHEMA = pa.schema([
    ("iid", pa.int64()), ("project_id", pa.int64()), ("issue_type", pa.string()), ("type", pa.string()),
    ("state", pa.string()), ("created_at", pa.string()), ("closed_at", pa.string()),
    ("labels", pa.list_(pa.string())), ("web_url", pa.string()),
    ("assignee", pa.struct([("username", pa.string())])),
])

_BUG_LABEL = r"^(type::|kind::|type:|kind:)?\s*(bug|defect)$"
"""Labels that mark a GitLab issue as a bug (``bug``, ``type::bug``, scoped or not)."""


def read_issues(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """Project or group issues (``GET /projects/:id/issues?state=all``) as work items, and incidents.

    ``issue_type`` (or ``type``) ``incident`` is an incident (created → closed); ``task`` a task; ``epic`` (a
    work item epic) an epic, which counts as no completed work; other
    issues are bugs when a label says so (``bug``, ``type::bug``), else stories.  Done = ``state`` closed,
    resolved at ``closed_at``.  GitLab has no won't-do resolution: a closed issue counts as done work.
    The key is the project path and iid (``group/app#12``), or the project id where ``web_url`` is missing.
    """
    table = records_table(data, ISSUE_SCHEMA, name)
    report.rows = table.num_rows
    iid = _required(table, "iid", "issue", name)
    project = _project_path(column(table, "web_url"))
    repo = pd.Series(pc.coalesce(project, pc.cast(column(table, "project_id"), pa.string())).to_pandas(),
                     dtype="object").fillna("")
    kind_text = pd.Series(pc.coalesce(column(table, "issue_type"), column(table, "type")).to_pandas(),
                          dtype="object").fillna("").str.strip().str.lower()
    labels = pd.Series(column(table, "labels").to_pandas(), dtype="object")
    bug = labels.map(lambda found: found is not None and any(
        pd.Series(found, dtype="object").str.strip().str.lower().str.match(_BUG_LABEL))).astype(bool)
    kind = pd.Series(np.select([kind_text.eq("incident"), kind_text.eq("task"), kind_text.eq("epic"), bug.to_numpy()],
                               ["incident", "task", "epic", "bug"], "story"), dtype="object")
    created = timestamps(column(table, "created_at"), name, "created_at", report, timezone=timezone, required=True)
    closed = timestamps(column(table, "closed_at"), name, "closed_at", report, timezone=timezone)
    done = pd.Series(column(table, "state").to_pandas(), dtype="object").fillna("").str.lower().eq("closed")
    report.name_columns("work_items", {"key": "web_url", "kind": "issue_type", "created_at": "created_at",
                                       "resolved_at": "closed_at"})
    items = pd.DataFrame({
        "source": name, "key": repo + "#" + pd.Series(iid.to_numpy(zero_copy_only=False)).astype(str),
        "kind": kind, "done": done.to_numpy(), "created_at": created,
        "resolved_at": closed.where(done.to_numpy()), "story_points": float("nan"),
        "assignee": pd.Series(column(table, "assignee.username").to_pandas(), dtype="object"),
    })
    return work_item_tables(name, items, report)
