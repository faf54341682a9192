"""GitLab GraphQL mergeRequests pages (``gitlab_graphql``): the REST list's MRs with their sizes
(``diffStatsSummary``), so GitLab clients get PR size; notes and deployments join them as they join the
REST list's MRs, and a REST copy of the same MR is a duplicate, not a different PR."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from roi.errors import InputFormatError
from roi.ingest import detect, gitlab, read_exports, read_file
from roi.metrics import measure
from tests.test_ingest_gitlab import ADOPTION, FIXTURES, MRS, NOTES, _mr
from tests.test_ingest_gitlab_delivery import _deployment

SIZES = {1: (10, 5), 2: (100, 20), 3: (30, 0), 4: (200, 40), 5: (50, 10)}
"""Lines (added, deleted) of MRS by iid.  By hand: baseline MRs 1–3 are 15, 120 and 30 lines, mean 55;
post MRs 4–5 are 240 and 60 lines, mean 150."""


def _node(mr: dict, sizes: tuple[int, int] | None = None) -> dict:
    """A REST list MR (tests/test_ingest_gitlab.py) as GitLab's GraphQL gives it: camelCase, iid a String,
    labels a connection, sizes in diffStatsSummary."""
    node = {"iid": str(mr["iid"]), "title": mr["title"], "state": mr["state"], "draft": mr["draft"],
            "createdAt": mr["created_at"], "mergedAt": mr["merged_at"], "closedAt": mr["closed_at"],
            "webUrl": mr["web_url"], "projectId": mr["project_id"], "sourceBranch": mr["source_branch"],
            "mergeCommitSha": mr["merge_commit_sha"], "squashCommitSha": mr["squash_commit_sha"],
            "description": mr["description"], "author": {"username": mr["author"]["username"]},
            "labels": {"nodes": [{"title": title} for title in mr["labels"]]}}
    if sizes is not None:
        node["diffStatsSummary"] = {"additions": sizes[0], "deletions": sizes[1], "changes": sum(sizes),
                                    "fileCount": 1}
    return node


def _page(nodes: list[dict], *, owner: str = "project", edges: bool = False, next_page: bool = False) -> dict:
    items = [{"cursor": f"c{i}", "node": n} for i, n in enumerate(nodes)] if edges else nodes
    connection = {"pageInfo": {"hasNextPage": next_page, "endCursor": "c9"}, "edges" if edges else "nodes": items}
    holder = {"fullPath": "acme/app", "mergeRequests": connection} if owner == "project" else {
        "mergeRequests": connection}
    return {"data": {owner: holder}}


NODES = [_node(mr, SIZES[mr["iid"]]) for mr in MRS]


def _bytes(value: object) -> bytes:
    return json.dumps(value).encode()


FORMS = {
    "project, nodes": _bytes(_page(NODES)),
    "group, nodes": _bytes(_page(NODES, owner="group")),
    "project, edges": _bytes(_page(NODES, edges=True)),
    "group, edges": _bytes(_page(NODES, owner="group", edges=True)),
    "array of pages": _bytes([_page(NODES[:2], next_page=True), _page(NODES[2:])]),
    "concatenated pages": _bytes(_page(NODES[:3], next_page=True)) + b"\n" + _bytes(_page(NODES[3:])),
    "concatenated, no separator": _bytes(_page(NODES[:1], next_page=True)) + _bytes(_page(NODES[1:])),
}


@pytest.mark.parametrize("form", FORMS)
def test_every_form_is_recognised_and_read(form):
    assert detect("export.bin", FORMS[form]) == "gitlab_graphql"
    tables, report = read_file("mrs.json", FORMS[form])
    pulls = tables["pull_requests"]
    assert report.format == "gitlab_graphql" and report.rows == 5 and report.used_rows == 5
    assert pulls["number"].tolist() == [1, 2, 3, 4, 5] and pulls["repo"].eq("acme/app").all()
    assert pulls["additions"].tolist() == [10, 100, 30, 200, 50]
    assert pulls["deletions"].tolist() == [5, 20, 0, 40, 10]


def test_other_graphql_pages_are_still_what_they_were():
    """Any {"data": {...}} object was read as GitHub GraphQL: GitLab's pages are recognised before that rule."""
    assert detect("x", (FIXTURES / "gitlab_graphql_mrs.json").read_bytes()) == "gitlab_graphql"
    assert detect("x", (FIXTURES / "github_graphql_page.json").read_bytes()) == "github_graphql"
    assert detect("x", (FIXTURES / "github_saml_identities.json").read_bytes()) == "github_saml_identities"
    assert detect("x", _bytes({"data": {"repository": {"pullRequests": {"nodes": []}}}})) == "github_graphql"
    # A project query for something else than merge requests is not taken for one.
    assert detect("x", _bytes({"data": {"project": {"issues": {"nodes": []}}}})) == "github_graphql"


def test_the_fixture_rows_by_hand():
    tables, report = read_file("mrs.json", (FIXTURES / "gitlab_graphql_mrs.json").read_bytes())
    pulls = tables["pull_requests"]
    assert report.format == "gitlab_graphql" and report.rows == 4 and report.notes == []  # no "no line counts"
    assert pulls["repo"].eq("acme/core").all() and pulls["number"].tolist() == [15, 16, 17, 18]
    assert pulls["additions"].tolist() == [120, 8, 40, 300] and pulls["deletions"].tolist() == [30, 8, 2, 100]
    assert pulls["author"].tolist() == ["gina", "project_3_bot_5f2a", "fred", "hana"]
    assert pulls["author_is_bot"].tolist() == [False, True, False, False]  # a project access token's user
    assert pulls["is_draft"].tolist() == [False, False, True, False]
    assert pulls["labels"].tolist() == ["bug,backend", "", "", "ai-assisted"]
    assert pulls["ai_evidence"].tolist() == ["co-author trailer", "", "", "label"]
    assert pulls["merge_commit_sha"].fillna("").tolist() == ["c3", "d4", "", "e5"]  # MR 18: its squash commit
    assert pulls["merged_at"].tolist()[:2] == [pd.Timestamp("2025-03-03T12:30:00Z"), pd.Timestamp("2025-03-04T11:00Z")]
    assert pd.isna(pulls["merged_at"].iloc[2]) and pulls["closed_at"].iloc[2] == pd.Timestamp("2025-03-06T09:00Z")
    assert pulls["created_at"].iloc[0] == pd.Timestamp("2025-03-02T10:00:00Z")
    assert tables[gitlab.PROJECT_PATHS].values.tolist() == [["3", "acme/core"]]
    assert report.column_name("pull_requests", "created_at") == "createdAt"


def test_a_group_page_names_each_mr_project_from_its_path_url_or_id():
    nodes = [
        {**_node(_mr(1, "ann", "2025-02-03T09:00:00Z", "2025-02-04T09:00:00Z")), "webUrl": None, "projectId": None,
         "project": {"fullPath": "acme/api", "id": "gid://gitlab/Project/12"}},  # fullPath; the id from the gid
        {**_node(_mr(2, "ben", "2025-02-03T09:00:00Z", "2025-02-04T09:00:00Z", project="acme/web")),
         "projectId": 8},  # webUrl
        {**_node(_mr(3, "cat", "2025-02-03T09:00:00Z", "2025-02-04T09:00:00Z")), "webUrl": None,
         "projectId": 9},  # neither: the project id, as the REST list has it
    ]
    tables, _ = read_file("group.json", _bytes(_page(nodes, owner="group")))
    assert tables["pull_requests"]["repo"].tolist() == ["acme/api", "acme/web", "9"]
    assert tables[gitlab.PROJECT_PATHS].values.tolist() == [["12", "acme/api"], ["8", "acme/web"], ["9", "9"]]


def test_a_project_page_without_web_urls_takes_the_project_path():
    nodes = [{**node, "webUrl": None} for node in NODES[:2]]
    tables, _ = read_file("mrs.json", _bytes(_page(nodes)))
    assert tables["pull_requests"]["repo"].tolist() == ["acme/app", "acme/app"]


def test_states_drafts_and_a_merge_without_its_time():
    created = "2025-02-03T09:00:00Z"
    nodes = [
        {**_node(_mr(1, "ann", created, None)), "state": "opened", "mergedAt": None},
        {**_node(_mr(2, "ben", created, None)), "state": "locked", "mergedAt": None, "draft": None,
         "workInProgress": True},  # GitLab before 13.x named drafts work in progress
        {**_node(_mr(3, "cat", created, None)), "state": "merged", "mergedAt": None,
         "closedAt": "2025-02-05T10:00:00Z"},  # merged without mergedAt: closedAt is the merge time
        {**_node(_mr(4, "dan", created, "2025-02-04T09:00:00Z")), "squashCommitSha": "s4"},  # merge commit first
    ]
    tables, report = read_file("mrs.json", _bytes(_page(nodes)))
    pulls = tables["pull_requests"]
    assert pulls["is_draft"].tolist() == [False, True, False, False]
    assert pulls["merged_at"].isna().tolist() == [True, True, False, False]
    assert pulls["merged_at"].iloc[2] == pd.Timestamp("2025-02-05T10:00:00Z")
    assert pulls["merge_commit_sha"].tolist() == ["c1", "c2", "c3", "c4"]
    assert report.cautions == ["1 merged MR(s) without mergedAt: the merge time taken is closedAt for 1"]
    assert pulls["additions"].isna().all()
    assert ("4 MR(s) without diffStatsSummary (additions, deletions): their size is unknown and left out of PR "
            "size; add diffStatsSummary { additions deletions } to the query") in report.notes


def test_a_merged_node_without_merged_at_or_closed_at_takes_updated_at():
    """GitLab sets closedAt only on MRs closed without merging: a MERGED node with mergedAt null found no closedAt
    and was counted as not merged.  Its updatedAt dates the merge now; a query without updatedAt is refused,
    saying to add it, rather than the MR dropped."""
    created = "2025-02-03T09:00:00Z"
    node = {**_node(_mr(3, "cat", created, None)), "state": "MERGED", "mergedAt": None, "closedAt": None,
            "updatedAt": "2025-02-04T15:00:00Z"}
    tables, report = read_file("mrs.json", _bytes(_page([NODES[0], node])))
    assert tables["pull_requests"]["merged_at"].tolist() == [pd.Timestamp("2025-02-04T09:00:00Z"),
                                                             pd.Timestamp("2025-02-04T15:00:00Z")]
    assert report.cautions == ["1 merged MR(s) without mergedAt: the merge time taken is updatedAt for 1 (the MR's "
                               "last change, usually its merge: a later comment or label dates it later)"]
    del node["updatedAt"]
    with pytest.raises(InputFormatError) as refused:
        read_file("mrs.json", _bytes(_page([NODES[0], node])))
    assert (refused.value.row, refused.value.column) == (2, "mergedAt")
    assert refused.value.message == (
        "merge request !3 is merged but has no mergedAt, closedAt or updatedAt: its merge time is unknown, and "
        "counting it as not merged would drop it; export the MRs again with updatedAt (GraphQL: add updatedAt to "
        "the query's nodes)")


def test_pr_size_by_hand_and_the_notes_join_as_for_the_rest_list():
    """With MRS as GraphQL nodes and the same notes, pickup and review times are the REST list's, and PR size
    is measured: 55 lines before (15, 120, 30), 150 after (240, 60)."""
    notes = ("notes.json", _bytes(NOTES))
    rest = measure(read_exports([("mrs.json", _bytes(MRS)), notes]), ADOPTION)
    graphql = measure(read_exports([("mrs.json", _bytes(_page(NODES))), notes]), ADOPTION)
    assert rest.baseline.pr_size_loc is None
    assert graphql.baseline.pr_size_loc == pytest.approx(55.0) and graphql.post.pr_size_loc == pytest.approx(150.0)
    assert graphql.baseline.pr_size_loc_median == pytest.approx(30.0)
    for period in ("baseline", "post"):
        for field in ("prs_merged", "reviewers", "pickup_hours_median", "review_hours_median"):
            assert getattr(getattr(graphql, period), field) == getattr(getattr(rest, period), field)
    assert (graphql.baseline.pickup_hours_median, graphql.post.pickup_hours_median) == (2.0, 3.0)


@pytest.mark.parametrize("graphql_first", [False, True])
def test_the_rest_list_and_the_graphql_pages_together_keep_the_copy_with_sizes(graphql_first):
    files = [("rest.json", _bytes(MRS)), ("graphql.json", _bytes(_page(NODES)))]
    data = read_exports([*(reversed(files) if graphql_first else files), ("notes.json", _bytes(NOTES))])
    pulls = data.pull_requests
    assert len(pulls) == 5 and set(pulls["source"].astype(str)) == {"graphql.json"}
    assert (pulls["additions"] + pulls["deletions"]).tolist() == [15, 120, 30, 240, 60]
    rest = next(s for s in data.sources if s.file == "rest.json")
    assert dict(rest.skipped) == {"duplicate of a PR in another page or file": 5}
    assert measure(data, ADOPTION).baseline.pr_size_loc == pytest.approx(55.0)


def test_the_fixtures_together():
    """The REST fixture's MRs 15 and 16 are the GraphQL fixture's too: those copies (with sizes) are kept."""
    data = read_exports([FIXTURES / "gitlab_merge_requests.json", FIXTURES / "gitlab_graphql_mrs.json",
                         FIXTURES / "gitlab_mr_notes.json"])
    pulls = data.pull_requests.set_index("number")
    assert sorted(pulls.index) == [14, 15, 16, 17, 18]
    assert math.isnan(pulls.at[14, "additions"]) and pulls.loc[[15, 16, 17, 18], "additions"].tolist() == [
        120, 8, 40, 300]
    assert data.reviews["repo"].eq("acme/core").all() and data.reviews["number"].eq(15).all()


def test_an_mr_without_sizes_is_counted_in_a_note():
    nodes = [NODES[0], {**NODES[1], "diffStatsSummary": None}, NODES[2]]
    tables, report = read_file("mrs.json", _bytes(_page(nodes)))
    assert tables["pull_requests"]["additions"].isna().tolist() == [False, True, False]
    assert any(note.startswith("1 MR(s) without diffStatsSummary") for note in report.notes)


def test_a_null_node_is_skipped_and_counted():
    page = _page(NODES[:2])
    page["data"]["project"]["mergeRequests"]["nodes"].append(None)
    tables, report = read_file("mrs.json", _bytes(page))
    assert len(tables["pull_requests"]) == 2 and report.rows == 3
    assert dict(report.skipped) == {"node that is not a merge request (null: GitLab could not resolve it)": 1}


@pytest.mark.parametrize("iid", ["abc", "12a", "", 1.5, True])
def test_an_iid_that_is_not_a_number_names_file_row_and_column(iid):
    pages = _bytes(_page(NODES[:2], next_page=True)) + _bytes(_page([NODES[2], {**NODES[3], "iid": iid}]))
    with pytest.raises(InputFormatError) as error:
        read_file("mrs.json", pages)
    assert (error.value.file, error.value.row, error.value.column) == ("mrs.json", 4, "iid")  # node 4 of the file


def test_a_node_without_iid_or_created_at_names_its_row():
    with pytest.raises(InputFormatError) as error:
        read_file("mrs.json", _bytes(_page([NODES[0], {**NODES[1], "iid": None}])))
    assert (error.value.row, error.value.column) == (2, "iid")
    with pytest.raises(InputFormatError) as error:
        read_file("mrs.json", _bytes(_page([NODES[0], NODES[1], {**NODES[2], "createdAt": None}])))
    assert (error.value.row, error.value.column) == (3, "createdAt")
    assert "every row needs this date" in error.value.message
    with pytest.raises(InputFormatError) as error:
        read_file("mrs.json", _bytes(_page([{**NODES[0], "createdAt": 5}])))
    assert (error.value.row, error.value.column) == (1, "createdAt")


NOT_FOUND = "The resource that you are attempting to access does not exist or you don't have permission"


@pytest.mark.parametrize("answer, said", [
    ({"data": {"project": None}}, "GitLab answered project: null; the project was not found"),
    ({"data": {"group": None}}, "GitLab answered group: null; the group was not found"),
    ({"errors": [{"message": NOT_FOUND, "locations": [{"line": 1, "column": 9}], "path": ["project"]}],
      "data": {"project": None}}, f"GitLab answered with errors ({NOT_FOUND}); the project was not found"),
])
def test_gitlab_answering_no_project_is_an_error_saying_what_it_answered(answer, said):
    with pytest.raises(InputFormatError) as error:
        read_exports([("mrs.json", _bytes(answer))])
    assert error.value.file == "mrs.json"
    assert said in error.value.message and "the token cannot read it" in error.value.message


def test_a_graphql_error_without_data_names_the_server_answer():
    answer = {"errors": [{"message": "Field 'diffStats' doesn't exist on type 'MergeRequest'",
                          "locations": [{"line": 1, "column": 120}]}], "data": None}
    for value in (answer, {"errors": answer["errors"]}):
        with pytest.raises(InputFormatError) as error:
            read_exports([("mrs.json", _bytes(value))])
        assert error.value.file == "mrs.json"
        assert "is an error response from a GraphQL API (Field 'diffStats' doesn't exist on type " \
               "'MergeRequest')" in error.value.message


def test_empty_merge_requests_are_an_error_not_an_empty_success():
    with pytest.raises(InputFormatError) as error:
        read_file("mrs.json", _bytes(_page([])))
    assert "holds no merge requests (its mergeRequests are empty" in error.value.message


def test_errors_beside_merge_requests_are_noted():
    page = {**_page(NODES[:1]), "errors": [{"message": "Timeout on diffStatsSummary"}]}
    tables, report = read_file("mrs.json", _bytes(page))
    assert len(tables["pull_requests"]) == 1
    assert "GitLab answered with errors as well (Timeout on diffStatsSummary): the MRs it gave are read" \
        in report.notes


def test_a_negative_size_names_the_graphql_field():
    with pytest.raises(InputFormatError) as error:
        read_exports([("mrs.json", _bytes(_page([_node(MRS[0], (-3, 1))])))])
    assert error.value.column == "diffStatsSummary.additions"


def test_deployments_join_the_graphql_mrs_by_project_id():
    """A deployment names its project by id; the GraphQL MRs' projectId gives that project's path, as the REST
    list's project_id does: change lead time is the REST list's (143 h before, 25.5 h after, by hand in
    tests/test_ingest_gitlab_delivery.py)."""
    deployments = [_deployment(51, "success", "production", "2025-02-11T09:00:00Z", tier="production",
                               job_finished="2025-02-11T09:00:00Z"),
                   _deployment(49, "success", "production", "2025-03-11T12:00:00Z", tier="production",
                               job_finished="2025-03-11T12:00:00Z"),
                   _deployment(50, "success", "production", "2025-03-13T09:00:00Z", tier="production",
                               job_finished="2025-03-13T09:00:00Z")]
    data = read_exports([("mrs.json", _bytes(_page(NODES))), ("deployments.json", _bytes(deployments))])
    assert data.deployments["repo"].eq("acme/app").all()
    m = measure(data, ADOPTION)
    assert m.baseline.lead_time_hours == pytest.approx(143.0) and m.post.lead_time_hours == pytest.approx(25.5)
