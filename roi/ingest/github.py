"""GitHub pull requests and reviews: REST list and detail pages, reviews, ``gh pr list --json``, GraphQL.

FORMATS.md §1.  The REST path is the fast path for big exports: pyarrow's JSON parser reads
only the fields below, straight from the bytes.  Sizes (``additions``/``deletions``) exist only
in single-PR detail objects, gh and GraphQL output; the list shape leaves them null.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from roi import safety
from roi.errors import InputFormatError
from roi.ingest._common import (SourceReport, check_authors, column, connection_nodes, json_object, list_text,
                                load_json, records_table, source_column, timestamps)
from roi.ingest.gitlab import graphql_errors
from roi.ingest.identity import agent_mask, ai_evidence, bot_mask

_USER = pa.struct([("login", pa.string()), ("type", pa.string())])

PULLS_SCHEMA = pa.schema([
    ("url", pa.string()), ("html_url", pa.string()), ("number", pa.int64()), ("draft", pa.bool_()),
    ("body", pa.string()), ("user", _USER),
    ("assignees", pa.list_(pa.struct([("login", pa.string())]))),
    ("labels", pa.list_(pa.struct([("name", pa.string())]))),
    ("created_at", pa.string()), ("closed_at", pa.string()), ("merged_at", pa.string()),
    ("merge_commit_sha", pa.string()), ("head", pa.struct([("ref", pa.string())])),
    ("base", pa.struct([("repo", pa.struct([("full_name", pa.string())]))])),
    ("additions", pa.int64()), ("deletions", pa.int64()),
])

REVIEWS_SCHEMA = pa.schema([
    ("user", _USER), ("state", pa.string()), ("submitted_at", pa.string()),
    ("pull_request_url", pa.string()), ("html_url", pa.string()),
])

_GH_AUTHOR = pa.struct([("login", pa.string()), ("is_bot", pa.bool_()), ("__typename", pa.string())])
_GH_REVIEW = pa.struct([("author", _GH_AUTHOR), ("state", pa.string()), ("submittedAt", pa.string())])
GH_SCHEMA = pa.schema([
    ("number", pa.int64()), ("url", pa.string()), ("isDraft", pa.bool_()),
    ("createdAt", pa.string()), ("mergedAt", pa.string()), ("closedAt", pa.string()),
    ("additions", pa.int64()), ("deletions", pa.int64()), ("author", _GH_AUTHOR), ("headRefName", pa.string()),
    ("body", pa.string()), ("labels", pa.list_(pa.struct([("name", pa.string())]))),
    ("assignees", pa.list_(pa.struct([("login", pa.string())]))), ("reviews", pa.list_(_GH_REVIEW)),
    ("repository", pa.struct([("nameWithOwner", pa.string())])),
])

_REPO_FROM_API_URL = r"/repos/(?P<repo>[^/]+/[^/]+)/pulls/(?P<number>\d+)"
_REPO_FROM_HTML_URL = r"github\.com/(?P<repo>[^/]+/[^/]+)/pull/(?P<number>\d+)"


def _pandas(values: pa.ChunkedArray | pa.Array | pd.Series) -> pd.Series:
    return values if isinstance(values, pd.Series) else values.to_pandas()


def _fill(values: pa.Array, fallback: Callable[[], pa.Array]) -> pa.Array:
    """``values`` with nulls filled from ``fallback()`` — computed only when there are nulls."""
    return pc.coalesce(values, fallback()) if values.null_count else values


def _first(joined: pd.Series) -> pd.Series:
    """The first of comma-joined names (None when there is none)."""
    first = pc.struct_field(pc.extract_regex(pa.array(joined, pa.string()), r"^(?P<first>[^,]+)"), "first")
    return first.to_pandas()


NO_REPO_CAUTION = "no repository in the file (add 'url' to the query): PRs are keyed by number only"
"""A gh or GraphQL file's caution; :func:`roi.ingest._name_unnamed_prs` replaces it when it matches the PRs to the
one repository the other files name."""

GH_EXPORT = ("gh pr list --state all --json number,url,author,createdAt,mergedAt,closedAt,isDraft,additions,deletions,"
             "labels,reviews")
"""The gh command that exports every field the reader uses."""

REST_PULLS_EXPORT = ("save the API's pull-request objects whole, not a selection of their fields "
                     "(gh api --paginate 'repos/OWNER/REPO/pulls?state=all&per_page=100')")
REST_REVIEWS_EXPORT = ("save the API's review objects whole, not a selection of their fields "
                       "(gh api --paginate repos/OWNER/REPO/pulls/NUMBER/reviews)")

NO_SIZES_NOTE = ("list pages carry no PR sizes (additions/deletions): add the single-PR detail objects "
                 "(GET /pulls/{number}), gh or GraphQL output for pr_size_loc")
"""A list page's note; :func:`roi.ingest._deduplicate` rewrites it when other files give its PRs' sizes."""


def read_pulls(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """REST ``GET /pulls`` list pages or ``GET /pulls/{n}`` detail objects (array, NDJSON or one object)."""
    table = records_table(data, PULLS_SCHEMA, name)
    report.rows = table.num_rows
    number = column(table, "number")
    if number.null_count:
        row = pc.index(pc.is_null(number), True).as_py() + 1
        raise InputFormatError("has no PR 'number'; export whole pull-request objects", file=name, row=row,
                               column="number")
    repo = _fill(column(table, "base.repo.full_name"), lambda: pc.coalesce(
        pc.struct_field(pc.extract_regex(column(table, "url"), _REPO_FROM_API_URL), "repo"),
        pc.struct_field(pc.extract_regex(column(table, "html_url"), _REPO_FROM_HTML_URL), "repo")))
    login = _pandas(column(table, "user.login"))
    check_authors(login, name, report, field="user", what="PR", export_with=REST_PULLS_EXPORT)
    head_ref = _pandas(column(table, "head.ref"))
    labels = list_text(column(table, "labels"), "name")
    assignees = list_text(column(table, "assignees"), "login")
    frame = pd.DataFrame({
        "source": source_column(name, table.num_rows),
        "repo": _pandas(repo).fillna(""),
        "number": number.to_numpy(),
        "author": login.fillna("ghost"),
        "author_is_bot": bot_mask(login, _pandas(column(table, "user.type"))).to_numpy(),
        "ai_agent": agent_mask(login, head_ref).to_numpy(),
        "assignee": _first(assignees),
        "is_draft": pc.fill_null(column(table, "draft"), False).to_numpy(zero_copy_only=False),
        "created_at": timestamps(column(table, "created_at"), name, "created_at", report, timezone=timezone,
                                 required=True),
        "merged_at": timestamps(column(table, "merged_at"), name, "merged_at", report, timezone=timezone),
        "closed_at": timestamps(column(table, "closed_at"), name, "closed_at", report, timezone=timezone),
        "additions": column(table, "additions").to_numpy(zero_copy_only=False).astype(float),
        "deletions": column(table, "deletions").to_numpy(zero_copy_only=False).astype(float),
        "labels": labels,
        "ai_evidence": ai_evidence(labels, _pandas(column(table, "body"))),
        "merge_commit_sha": _pandas(column(table, "merge_commit_sha")),
    })
    if frame["additions"].isna().all() and len(frame):
        report.note(NO_SIZES_NOTE)
    report.tables.add("pull_requests")
    return {"pull_requests": frame}


def read_reviews(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """REST ``GET /pulls/{n}/reviews`` pages; PENDING reviews (no ``submitted_at``) are counted and left out."""
    table = records_table(data, REVIEWS_SCHEMA, name)
    report.rows = table.num_rows
    link = pc.extract_regex(column(table, "pull_request_url"), _REPO_FROM_API_URL)
    if link.null_count:  # reviews saved without pull_request_url: the web URL names the PR too
        link = pc.coalesce(link, pc.extract_regex(column(table, "html_url"), _REPO_FROM_HTML_URL))
    repo, number = pc.struct_field(link, "repo"), pc.struct_field(link, "number")
    if number.null_count:
        row = pc.index(pc.is_null(number), True).as_py() + 1
        raise InputFormatError("does not say which PR the review belongs to; keep the review's "
                               "'pull_request_url' in the export", file=name, row=row, column="pull_request_url")
    login = _pandas(column(table, "user.login"))
    check_authors(login, name, report, field="user", what="review", export_with=REST_REVIEWS_EXPORT)
    frame = pd.DataFrame({
        "source": source_column(name, table.num_rows),
        "repo": _pandas(repo),
        "number": pc.cast(number, pa.int64()).to_numpy(),
        "reviewer": login.fillna("ghost"),
        "reviewer_is_bot": bot_mask(login, _pandas(column(table, "user.type"))).to_numpy(),
        "state": _pandas(column(table, "state")).fillna("").str.upper(),
        "submitted_at": timestamps(column(table, "submitted_at"), name, "submitted_at", report, timezone=timezone),
    })
    pending = frame["submitted_at"].isna()
    report.skip("review not submitted (PENDING, no submitted_at)", int(pending.sum()))
    report.tables.add("reviews")
    return {"reviews": frame[~pending.to_numpy()]}


def graphql_nodes(document: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """The ``pullRequests.nodes`` of a GraphQL response page and the repository's name, if given."""
    # A damaged page holds a number or a list where an object belongs.
    def obj(value: object) -> dict[str, Any]:
        return value if isinstance(value, dict) else {}

    connection, name = _connection(document)
    edges = connection.get("edges")
    if not isinstance(edges, list):
        edges = []
    nodes = connection.get("nodes") or [e.get("node") for e in edges if isinstance(e, dict)]
    return [n for n in nodes if isinstance(n, dict)] if isinstance(nodes, list) else [], name


def _connection(document: object) -> tuple[dict[str, Any], str]:
    """A GraphQL page's ``pullRequests`` (or ``search``) connection and the repository's name, if given."""
    def obj(value: object) -> dict[str, Any]:
        return value if isinstance(value, dict) else {}

    document = obj(document)
    data = obj(document.get("data", document))
    repository = obj(data.get("repository"))
    connection = obj(repository.get("pullRequests") or data.get("search"))
    name = repository.get("nameWithOwner")
    return connection, name if isinstance(name, str) else ""


PAGINATE = ("save every page: gh api graphql --paginate -f query=… with $endCursor in pullRequests(first: 100, "
            "after: $endCursor) and pageInfo { hasNextPage endCursor } in the query")


GRAPHQL_COUNTS = "_github_graphql_counts"
"""A side table of GraphQL files: per repository (``repo``, '' when the pages name none), the PR nodes the file
holds (``held``), GitHub's ``totalCount`` (``total``, NaN when not queried) and whether its last page says more
follow (``more``).  :func:`roi.ingest.read_exports` cautions when the exports hold fewer PRs: a file that is
one page of several loaded together is complete."""


def graphql_counts(name: str, pages: list[object]) -> pd.DataFrame:
    """:data:`GRAPHQL_COUNTS` of a file's pages (a loop over repositories writes each one's pages in turn)."""
    by_repo: dict[str, list[dict[str, Any]]] = {}
    for page in pages:
        connection, repo = _connection(page)
        by_repo.setdefault(repo, []).append(connection)
    rows = []
    for repo, connections in by_repo.items():
        totals = [c.get("totalCount", c.get("issueCount")) for c in connections]
        total = next((t for t in totals if isinstance(t, int) and not isinstance(t, bool)), None)
        rows.append({"source": name, "repo": repo,
                     "held": sum(isinstance(node, dict) for c in connections for node in connection_nodes(c)),
                     "total": float("nan") if total is None else float(total),
                     "more": json_object(connections[-1].get("pageInfo")).get("hasNextPage") is True})
    return pd.DataFrame(rows, columns=["source", "repo", "held", "total", "more"])


def _refuse_error_answer(pages: list[object], records: list[dict[str, Any]], name: str) -> None:
    """A GraphQL file without PRs whose pages carry ``errors`` (``repository: null`` with NOT_FOUND) is GitHub's
    error, quoted, not a repository without merged PRs."""
    errors = graphql_errors(pages)
    if records or not errors:
        return
    answered = "; ".join(safety.quote(message, 200) for message in errors[:3])
    raise InputFormatError(
        f"is an error response from a GraphQL API ({answered}), not exported data: the repository was not found at "
        "the owner and name the query gives, the token cannot read it, or the query has a mistake; correct it and "
        "run the query again", file=name)


def _caution_partial_graphql(pages: list[object], records: list[dict[str, Any]], report: SourceReport) -> None:
    """Cautions for a GraphQL file that says it is incomplete: errors beside the data, PRs with fewer review
    nodes than their reviews' ``totalCount`` (missing pages of PRs: :data:`GRAPHQL_COUNTS`)."""
    errors = graphql_errors(pages)
    if errors:
        answered = "; ".join(safety.quote(message, 200) for message in errors[:3])
        report.caution(f"GitHub answered with errors beside the data ({answered}): the PRs it gave are read, but the "
                       "answer may stop part way; run the query again once the error is resolved (a rate limit: "
                       "after it resets)")
    cut = []
    for record in records:
        reviews = record.get("reviews")
        if isinstance(reviews, dict) and isinstance(reviews.get("totalCount"), int):
            nodes = reviews.get("nodes")
            held = len(nodes) if isinstance(nodes, list) else 0
            if reviews["totalCount"] > held:
                cut.append((record.get("number"), held, reviews["totalCount"]))
    if cut:
        number, held, total = cut[0]
        report.caution(f"{len(cut)} of {len(records)} PRs hold fewer reviews than GitHub counted (reviews totalCount; "
                       f"#{number}: {held} of {total}): first-review times, reviewers and the bot and self-review "
                       "filters see only those; query reviews(first: 100)")


def read_gh(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """``gh pr list --json`` output or GraphQL ``pullRequests`` pages: PRs with their reviews.

    A PR's repository is its ``url``'s, else its node's ``repository { nameWithOwner }`` (a GraphQL search), else
    its page's ``repository.nameWithOwner``; without any it is '' (:data:`NO_REPO_CAUTION`), and
    ``read_exports`` takes the PRs as the one repository the other GitHub files name, if they name one.
    """
    document = load_json(data, name)
    pages = document if isinstance(document, list) else [document]
    page_repos: list[str] = []  # each record's page's repository: a loop over repositories writes one file
    counts = None
    graphql = bool(pages) and isinstance(pages[0], dict) and "data" in pages[0]
    if graphql:
        records = []
        for page in pages:
            nodes, repo_name = graphql_nodes(page)
            records.extend(nodes)
            page_repos.extend([repo_name] * len(nodes))
        _refuse_error_answer(pages, records, name)
        _caution_partial_graphql(pages, records, report)
        counts = graphql_counts(name, pages)
        for record in records:  # GraphQL connections hold lists under 'nodes'
            for key in ("reviews", "labels", "assignees"):
                if isinstance(record.get(key), dict):
                    record[key] = record[key].get("nodes") or []
    else:
        records = [r for r in pages if isinstance(r, dict)]
        if records and not any("mergedAt" in r for r in records):
            # `gh search prs --json` has no such field (its merged PRs read "closed"): none would count.
            raise InputFormatError(
                "does not say which PRs were merged (no 'mergedAt' field: `gh search prs` output, or `gh pr list` "
                f"without it); export with {GH_EXPORT}", file=name, column="mergedAt")
    for record in records:  # a repository other than GraphQL's object (no name in it) names none
        if not isinstance(record.get("repository", {}), dict):
            del record["repository"]
    table = records_table(records, GH_SCHEMA, name)
    report.rows = table.num_rows
    number = column(table, "number")
    if number.null_count:
        row = pc.index(pc.is_null(number), True).as_py() + 1
        raise InputFormatError("has no PR 'number'; include number in --json", file=name, row=row, column="number")
    # The PR's url, else its node's repository { nameWithOwner } (a GraphQL search), else its page's repository.
    repo = _pandas(pc.coalesce(pc.struct_field(pc.extract_regex(column(table, "url"), _REPO_FROM_HTML_URL), "repo"),
                               column(table, "repository.nameWithOwner")))
    repo = repo.fillna(pd.Series(page_repos or [""] * len(repo), index=repo.index, dtype=object))
    if repo.eq("").any():
        report.caution(NO_REPO_CAUTION)
    login = _pandas(column(table, "author.login"))
    check_authors(login, name, report, field="author", what="PR", export_with=(
        "add author { login __typename } to the query's pullRequests nodes" if graphql else GH_EXPORT))
    kind = _pandas(column(table, "author.__typename"))
    labels = list_text(column(table, "labels"), "name")
    report.name_columns("pull_requests", {"created_at": "createdAt", "merged_at": "mergedAt",
                                          "closed_at": "closedAt"})
    report.name_columns("reviews", {"submitted_at": "reviews.submittedAt"})
    created = timestamps(column(table, "createdAt"), name, "createdAt", report, timezone=timezone, required=True)
    merged = timestamps(column(table, "mergedAt"), name, "mergedAt", report, timezone=timezone)
    pulls = pd.DataFrame({
        "source": name, "repo": repo, "number": number.to_numpy(), "author": login.fillna("ghost"),
        "author_is_bot": bot_mask(login, kind, _pandas(column(table, "author.is_bot"))).to_numpy(),
        "ai_agent": agent_mask(login, _pandas(column(table, "headRefName"))).to_numpy(),
        "assignee": _first(list_text(column(table, "assignees"), "login")),
        "is_draft": pc.fill_null(column(table, "isDraft"), False).to_numpy(zero_copy_only=False),
        "created_at": created, "merged_at": merged,
        "closed_at": timestamps(column(table, "closedAt"), name, "closedAt", report, timezone=timezone),
        "additions": column(table, "additions").to_numpy(zero_copy_only=False).astype(float),
        "deletions": column(table, "deletions").to_numpy(zero_copy_only=False).astype(float),
        "labels": labels, "ai_evidence": ai_evidence(labels, _pandas(column(table, "body"))),
    })
    reviews_list = column(table, "reviews")
    flat = reviews_list.flatten()
    parent = pc.list_parent_indices(reviews_list).to_numpy()
    reviewer = _pandas(pc.struct_field(pc.struct_field(flat, "author"), "login"))
    check_authors(reviewer, name, report, field="reviews.author", what="review", export_with=(
        "add author { login __typename } to the query's reviews nodes" if graphql else GH_EXPORT))
    reviews = pd.DataFrame({
        "source": name, "repo": repo.to_numpy()[parent] if len(parent) else [],
        "number": number.to_numpy()[parent] if len(parent) else [],
        "reviewer": reviewer.fillna("ghost"),
        "reviewer_is_bot": bot_mask(reviewer, _pandas(pc.struct_field(pc.struct_field(flat, "author"), "__typename")),
                                    _pandas(pc.struct_field(pc.struct_field(flat, "author"), "is_bot"))).to_numpy(),
        "state": _pandas(pc.struct_field(flat, "state")).fillna("").str.upper(),
        "submitted_at": timestamps(pc.struct_field(flat, "submittedAt"), name, "reviews.submittedAt", report,
                                   timezone=timezone),
    })
    pending = reviews["submitted_at"].isna()
    if pending.any():
        report.note(f"{int(pending.sum())} review(s) without submittedAt (pending) left out")
    report.tables.update({"pull_requests", "reviews"})
    out = {"pull_requests": pulls, "reviews": reviews[~pending.to_numpy()]}
    if counts is not None:
        out[GRAPHQL_COUNTS] = counts
    return out
