"""GitHub readers on fixtures in the real shapes (FORMATS.md §1): REST list/detail pages, reviews,
gh pr list --json and GraphQL pages, with their quirks (nulls, drafts, bots, duplicates across pages)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from roi.errors import InputFormatError
from roi.ingest import detect, read_exports, read_file
from roi.metrics import measure

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
PULLS = [FIXTURES / n for n in ("github_pulls_page1.json", "github_pulls_page2.json", "github_pulls_detail.ndjson")]


def _file(name: str) -> tuple[str, bytes]:
    return name, (FIXTURES / name).read_bytes()


@pytest.mark.parametrize(("name", "expected"), [
    ("github_pulls_page1.json", "github_pulls"),
    ("github_pulls_detail.ndjson", "github_pulls"),
    ("github_reviews.json", "github_reviews"),
    ("gh_pr_list.json", "github_gh_cli"),
    ("github_graphql_page.json", "github_graphql"),
    ("gitlab_merge_requests.json", "gitlab_merge_requests"),
])
def test_format_is_recognised_from_content_not_name(name, expected):
    assert detect("export.bin", (FIXTURES / name).read_bytes()) == expected


def test_list_page_keeps_nulls_drafts_and_bots():
    tables, report = read_file(*_file("github_pulls_page1.json"))
    pulls = tables["pull_requests"].set_index("number")
    assert report.rows == 5 and list(pulls.index) == [109, 108, 107, 106, 105]
    assert pulls.loc[105, "is_draft"] and pd.isna(pulls.loc[105, "merged_at"]) and pd.isna(pulls.loc[105, "closed_at"])
    # The Copilot coding agent: type Bot, login "Copilot" without [bot]; credited to its assignee.
    assert pulls.loc[106, "author_is_bot"] and pulls.loc[106, "ai_agent"] and pulls.loc[106, "assignee"] == "bob"
    assert not pulls.loc[107, "author_is_bot"] and pulls.loc[107, "repo"] == "acme/api"
    assert pulls.loc[107, "ai_evidence"] == "label"  # "AI-assisted" label, any case
    assert pulls.loc[109, "ai_evidence"] == "co-author trailer"
    assert pulls["additions"].isna().all()  # list items carry no sizes
    assert any("no PR sizes" in note for note in report.notes)
    assert pulls.loc[109, "created_at"] == pd.Timestamp("2025-03-17T09:00:00Z")


def test_pages_and_detail_merge_into_one_row_per_pr_with_sizes():
    data = read_exports(PULLS)
    pulls = data.pull_requests.set_index("number")
    assert sorted(pulls.index) == list(range(101, 110))
    assert pulls.loc[107, ["additions", "deletions"]].tolist() == [300, 100]
    assert pulls.loc[104, "closed_at"] == pd.Timestamp("2025-02-13T09:00:00Z") and pd.isna(pulls.loc[104, "merged_at"])
    reports = {Path(s.file).name: s for s in data.sources}
    # 5 + 5 list rows and 5 detail rows: every list copy of a PR that has a detail copy is a
    # duplicate, and #105 appears on both pages (the list shifted between requests).
    skipped = {n: sum(r.skipped.values()) for n, r in reports.items()}
    assert skipped == {"github_pulls_page1.json": 4, "github_pulls_page2.json": 2, "github_pulls_detail.ndjson": 0}
    # "Add the detail objects" beside the detail file loaded: the note says how many PRs have their sizes.
    sizes = {n: [note for note in r.notes if "sizes" in note] for n, r in reports.items()}
    assert sizes == {
        "github_pulls_page1.json": ["list pages carry no PR sizes (additions/deletions): 3 of its 5 PRs have them "
                                    "from another file; add the detail objects, gh or GraphQL output of the others "
                                    "for their pr_size_loc"],
        "github_pulls_page2.json": ["list pages carry no PR sizes (additions/deletions): 2 of its 5 PRs have them "
                                    "from another file; add the detail objects, gh or GraphQL output of the others "
                                    "for their pr_size_loc"],
        "github_pulls_detail.ndjson": [],
    }
    assert reports["github_pulls_page2.json"].used_rows == 3  # #103, #104 and #105 (the later copy is kept)


def test_a_list_page_whose_prs_all_have_details_says_so():
    from tests.conftest import github_pulls

    detail = json.loads(github_pulls())
    listed = [{k: v for k, v in pr.items() if k not in ("additions", "deletions")} for pr in detail]
    data = read_exports([("list.json", json.dumps(listed).encode()), ("detail.json", json.dumps(detail).encode())])
    assert [n for n in data.sources[0].notes if "sizes" in n] == [
        f"list pages carry no PR sizes (additions/deletions): every one of its {len(listed)} PRs has them from "
        "another file (the detail objects, gh or GraphQL output of the same PRs)"]


@pytest.mark.parametrize(("count", "said"), [(1, "its one PR has"), (2, "every one of its 2 PRs has")])
def test_a_list_page_of_one_pr_with_details_says_so_in_the_singular(count, said):
    from tests.conftest import github_pulls

    detail = json.loads(github_pulls())[:count]
    listed = [{k: v for k, v in pr.items() if k not in ("additions", "deletions")} for pr in detail]
    data = read_exports([("list.json", json.dumps(listed).encode()), ("detail.json", json.dumps(detail).encode())])
    assert [n for n in data.sources[0].notes if "sizes" in n] == [
        f"list pages carry no PR sizes (additions/deletions): {said} them from another file (the detail objects, "
        "gh or GraphQL output of the same PRs)"]


def test_reviews_drop_pending_and_keep_the_link_to_their_pr():
    tables, report = read_file(*_file("github_reviews.json"))
    reviews = tables["reviews"]
    assert report.rows == 10 and report.skipped == {"review not submitted (PENDING, no submitted_at)": 1}
    assert len(reviews) == 9 and set(reviews["number"]) == {101, 102, 103, 107, 108, 109}
    bot = reviews[reviews["reviewer"] == "copilot-pull-request-reviewer[bot]"]
    assert bot["reviewer_is_bot"].all() and not reviews.loc[reviews["reviewer"] == "alice", "reviewer_is_bot"].any()


def test_gh_cli_output_flags_bots_without_type_and_flattens_reviews():
    tables, report = read_file(*_file("gh_pr_list.json"))
    pulls = tables["pull_requests"].set_index("number")
    assert pulls.loc[8, "author_is_bot"]  # {"is_bot": true, "login": "app/dependabot"}
    assert pulls.loc[9, "is_draft"] and not pulls.loc[7, "is_draft"]
    assert pulls.loc[7, ["additions", "deletions"]].tolist() == [40, 2]
    assert pulls.loc[7, "ai_evidence"] == "label" and pulls.loc[7, "repo"] == "acme/web"
    reviews = tables["reviews"]
    # gh names Copilot's reviewer without [bot] and without a type: known login.
    assert reviews.set_index("reviewer").loc["copilot-pull-request-reviewer", "reviewer_is_bot"]
    assert not reviews.set_index("reviewer").loc["erin", "reviewer_is_bot"]


def test_graphql_page_bot_has_no_suffix_but_typename_bot():
    tables, report = read_file(*_file("github_graphql_page.json"))
    pulls = tables["pull_requests"].set_index("number")
    assert pulls.loc[11, "author"] == "dependabot" and pulls.loc[11, "author_is_bot"]
    assert pulls.loc[12, "repo"] == "acme/web" and pulls.loc[12, "additions"] == 120
    assert len(tables["reviews"]) == 3
    assert pulls.loc[12, "merged_at"] - pulls.loc[12, "created_at"] == pd.Timedelta(hours=24)


def test_gitlab_merge_requests_drafts_project_bots_and_millisecond_times():
    tables, report = read_file(*_file("gitlab_merge_requests.json"))
    mrs = tables["pull_requests"].set_index("number")
    assert mrs.loc[14, "is_draft"] and pd.isna(mrs.loc[14, "merged_at"])
    assert mrs.loc[15, "created_at"] == pd.Timestamp("2025-03-02T10:00:00.500Z")
    assert mrs.loc[15, "repo"] == "acme/core" and mrs.loc[15, "ai_evidence"] == "co-author trailer"
    assert mrs.loc[16, "author_is_bot"]  # project_3_bot_… access-token user
    assert mrs["additions"].isna().all()


def test_concatenated_pages_from_gh_api_paginate_are_read():
    page1 = (FIXTURES / "github_pulls_page1.json").read_bytes()
    page2 = (FIXTURES / "github_pulls_page2.json").read_bytes()
    tables, report = read_file("paginate.json", page1 + b"\n" + page2)
    assert report.rows == 10 and tables["pull_requests"]["number"].tolist()[:2] == [109, 108]


def test_gzip_content_is_unpacked():
    import gzip

    tables, report = read_file("pulls.json.gz", gzip.compress((FIXTURES / "github_pulls_page1.json").read_bytes()))
    assert report.format == "github_pulls" and report.rows == 5


def test_a_value_of_the_wrong_type_names_its_record_and_field():
    records = json.loads((FIXTURES / "github_pulls_page1.json").read_text())
    records[2]["number"] = "one hundred and seven"
    with pytest.raises(InputFormatError) as error:
        read_file("pulls.json", json.dumps(records).encode())
    assert (error.value.file, error.value.row, error.value.column) == ("pulls.json", 3, "number")


def test_an_unparsable_timestamp_names_its_record():
    records = json.loads((FIXTURES / "github_pulls_page1.json").read_text())
    records[1]["created_at"] = "yesterday"
    with pytest.raises(InputFormatError) as error:
        read_file("pulls.json", json.dumps(records).encode())
    assert (error.value.row, error.value.column) == (2, "created_at")
    assert "ISO 8601" in error.value.message


def test_review_without_a_pr_link_is_an_error():
    records = json.loads((FIXTURES / "github_reviews.json").read_text())
    del records[0]["pull_request_url"], records[0]["html_url"]
    with pytest.raises(InputFormatError) as error:
        read_file("reviews.json", json.dumps(records).encode())
    assert (error.value.row, error.value.column) == (1, "pull_request_url")


def test_an_agent_is_known_by_its_login_or_by_a_copilot_branch_opened_by_a_bot():
    from roi.ingest.identity import agent_mask

    logins = pd.Series(["Copilot", "alice", "ci-helper[bot]", "bob", None])
    branches = pd.Series(["fix-1", "copilot/fix-2", "copilot/fix-3", "main", "copilot/x"])
    assert agent_mask(logins, branches).tolist() == [True, False, True, False, False]
    assert agent_mask(logins, pd.Series([None] * 5)).tolist() == [True, False, False, False, False]
    assert agent_mask(logins).tolist() == [True, False, False, False, False]


REFUSED_ALONE = {"copilot_report_links.json", "swarmia_like_prs.csv"}  # tested elsewhere: refused with a message
WITHOUT_URL = {"gh_ledger_pr_list_without_url.json", "github_ledger_graphql_page_without_url.json"}
"""PRs that name no repository: beside PRs of several repositories they are refused (tested below)."""


def test_every_readable_export_loads_together_with_the_others():
    """Readers build their tables differently (Arrow, records, gh's nested lists); any mix must join."""
    files = sorted(p for p in FIXTURES.iterdir() if p.name not in REFUSED_ALONE | WITHOUT_URL)
    data = read_exports(files)
    assert set(data.pull_requests["source"].astype(str).map(lambda s: Path(s).name)) >= {
        "github_pulls_detail.ndjson", "gh_pr_list.json", "github_graphql_page.json", "gitlab_merge_requests.json",
        "devlake_pull_requests.csv"}
    assert len(data.reviews) and len(data.work_items) and len(data.deployments)


@pytest.mark.parametrize("pair", [
    ("github_pulls_detail.ndjson", "gh_pr_list.json"), ("github_pulls_page1.json", "github_graphql_page.json"),
    ("gh_pr_list.json", "github_reviews.json"), ("devlake_pull_requests.csv", "gitlab_merge_requests.json"),
    ("github_graphql_page.json", "github_reviews.json"),
])
def test_two_pull_request_formats_read_together(pair):
    data = read_exports([FIXTURES / name for name in pair])
    assert {Path(s).name for s in data.pull_requests["source"].astype(str)} <= set(pair)
    assert data.pull_requests["source"].dtype == "category"


def test_a_gitlab_approvals_response_is_refused_not_read_as_a_merge_request():
    """GET /merge_requests/:iid/approvals has the MR's iid, project_id, state and dates: it was read as one
    merged MR without merged_at, noted as "closed_at is used as the merge time" and skipped as not merged."""
    approvals = {"id": 85, "iid": 15, "project_id": 3, "title": "Fix login", "state": "merged",
                 "created_at": "2025-03-02T10:00:00.500Z", "updated_at": "2025-03-03T12:30:00.000Z",
                 "merge_status": "can_be_merged", "approved": True, "approvals_required": 1, "approvals_left": 0,
                 "approved_by": [{"user": {"id": 3, "username": "hana", "name": "Hana", "state": "active"}}],
                 "suggested_approvers": [], "approvers": [], "approver_groups": [], "user_has_approved": False}
    with pytest.raises(InputFormatError) as error:
        read_file("approvals_15.json", json.dumps(approvals).encode())
    assert error.value.file == "approvals_15.json"
    assert "GitLab merge request approvals response" in error.value.message
    assert "upload the merge request list (/projects/:id/merge_requests?state=all)" in error.value.message


def test_graphql_pages_of_several_repositories_in_one_file_keep_each_page_s_repository():
    """A loop over repositories (`gh api graphql --paginate` per repo, appended to one file) gives pages of
    different repositories with the same PR numbers: each PR takes its own page's nameWithOwner (all took the
    last page's, and the first repository's PRs were dropped as duplicates of the second's)."""
    page = (FIXTURES / "github_graphql_page.json").read_text()
    other = page.replace('"nameWithOwner": "acme/web"', '"nameWithOwner": "acme/api"')
    assert other != page
    data = read_exports([("two_repos.json", (page + "\n" + other).encode())])
    pulls = data.pull_requests
    assert sorted(zip(pulls["repo"], pulls["number"])) == [("acme/api", 11), ("acme/api", 12),
                                                            ("acme/web", 11), ("acme/web", 12)]
    assert len(data.reviews) == 6 and sorted(set(data.reviews["repo"])) == ["acme/api", "acme/web"]
    assert not data.sources[0].skipped


def test_a_pr_in_two_exports_keeps_the_copy_further_along_whichever_file_comes_last():
    """An export taken in June (PRs 106–109 still open) loaded after September's (merged): the merged copies
    stay, in either order (the last file's copy won, and 771 of the demo's PRs read as never merged)."""
    september = json.loads((FIXTURES / "github_pulls_page1.json").read_text())
    june = [{**pr, "state": "open", "merged_at": None, "closed_at": None} for pr in september]
    for files in ([("sep.json", september), ("jun.json", june)], [("jun.json", june), ("sep.json", september)]):
        data = read_exports([(name, json.dumps(pulls).encode()) for name, pulls in files])
        merged = data.pull_requests.set_index("number")["merged_at"]
        assert merged.notna().to_dict() == {109: True, 108: True, 107: True, 106: True, 105: False}
        assert len(data.pull_requests) == 5
        assert sum(s.skipped.get("duplicate of a PR in another page or file", 0) for s in data.sources) == 5


def test_bots_on_user_accounts_are_told_by_their_names_and_people_are_not():
    from roi.ingest.identity import bot_mask

    logins = pd.Series(["renovatebot", "semantic-release-bot", "ci_bot", "bot-deploy", "dependabot-gitlab",
                        "project_42_bot_5f1e", "group_7_bot", "talbot", "abbot", "botond", "robot-ann", "ann", None])
    assert bot_mask(logins).tolist() == [True, True, True, True, True, True, True, False, False, False, False,
                                         False, False]


def test_pages_saved_as_one_array_with_slurp_are_read_as_the_pages():
    """`gh api graphql --paginate --slurp` writes an array of pages: it was refused ("its records have the
    fields data"); so were the Copilot seats' pages slurped the same way."""
    page = json.loads((FIXTURES / "github_graphql_page.json").read_text())
    slurped = json.dumps([page, page]).encode()
    assert detect("prs.json", slurped) == "github_graphql"
    assert read_exports([("prs.json", slurped)]).pull_requests["number"].tolist() == [11, 12]  # a copy, once
    seats = json.loads((FIXTURES / "copilot_seats.json").read_text())
    assert detect("seats.json", json.dumps([seats]).encode()) == "copilot_seats"
    tables, _ = read_file("seats.json", json.dumps([seats]).encode())
    assert len(tables["seats"]) == len(read_file(*_file("copilot_seats.json"))[0]["seats"])


def test_an_api_error_after_the_pages_names_itself_and_where_the_download_stopped():
    """`gh api --paginate` that hits the rate limit appends the error to the file: the pages were dropped and
    the error object read as the only PR ("row 1, column 'number': has no PR 'number'")."""
    pages = (FIXTURES / "github_pulls_page1.json").read_bytes()
    error = b'{"message": "API rate limit exceeded for user ID 1.", "documentation_url": "https://docs.github.com/rest"}'
    with pytest.raises(InputFormatError) as refused:
        read_exports([("pulls.json", pages + error)])
    assert refused.value.message == (
        "holds an error response from the API after 5 record(s) ('API rate limit exceeded for user ID 1.'): the "
        "download stopped there; export it again (once a rate limit has reset) and load the complete file")
    assert refused.value.file == "pulls.json"


def test_gh_output_without_merge_times_says_how_to_export_them():
    """`gh search prs --json` has no mergedAt (merged PRs read "closed"): every PR was "not merged" and the
    error said to export merged PRs, which the file held."""
    records = [{"number": 1, "url": "https://github.com/acme/shop/pull/1", "author": {"login": "ana"},
                "createdAt": "2025-10-06T08:00:00Z", "closedAt": "2025-10-06T18:00:00Z", "state": "closed"}]
    with pytest.raises(InputFormatError, match="does not say which PRs were merged") as refused:
        read_exports([("search.json", json.dumps(records).encode())])
    assert refused.value.column == "mergedAt"


# The synthetic ledger-api set (56 PRs of acme-payments/ledger-api, adopted 2025-04-28): REST detail objects and
# reviews, a GraphQL page of 15 of the same PRs without url, and gh pr list output of all 56 without url.
LEDGER_ADOPTION = date(2025, 4, 28)
LEDGER = "acme-payments/ledger-api"
LEDGER_CAUTION = ("its PRs name no repository (no 'url'): they are taken as acme-payments/ledger-api's, the only "
                  "repository the other files' {whose} name, so {outcome}; if they are another repository's, export "
                  "it again with the repository (gh pr list --state all --json url,number,author,createdAt,mergedAt,"
                  "closedAt,isDraft,additions,deletions,labels,reviews; a GraphQL query: url in the pullRequests "
                  "nodes, or nameWithOwner under repository)")


def _ledger(*names: str, edit=None):
    files = [_file(name) for name in names]
    if edit:
        files = [(name, edit(name, data)) for name, data in files]
    return read_exports(files)


@pytest.mark.parametrize("order", [1, -1])
def test_a_graphql_page_without_url_beside_the_rest_export_of_its_repository_counts_each_pr_once(order):
    """The GraphQL page names no repository: its PRs were keyed ("", number) and counted beside the same PRs of
    the REST export, (acme-payments/ledger-api, number): 34 merged PRs before adoption instead of 22, 0.459 PRs
    per developer-week instead of 0.297, a mean size of 203.0 lines instead of 188.6, a median of 138.5, not 132.
    """
    names = ["github_ledger_pulls_detail.json", "github_ledger_graphql_page_without_url.json"][::order]
    data = _ledger(*names)
    assert len(data.pull_requests) == 56 and set(data.pull_requests["repo"]) == {LEDGER}
    before = measure(data, LEDGER_ADOPTION).baseline
    assert before.prs_merged == 22
    assert before.prs_per_dev_week == pytest.approx(0.2971, abs=1e-4)
    assert before.pr_size_loc == pytest.approx(188.64, abs=0.01)
    assert before.pr_size_loc_median == 132
    alone = measure(_ledger("github_ledger_pulls_detail.json"), LEDGER_ADOPTION).baseline
    assert (alone.prs_merged, alone.prs_per_dev_week, alone.pr_size_loc, alone.pr_size_loc_median) == (
        before.prs_merged, before.prs_per_dev_week, before.pr_size_loc, before.pr_size_loc_median)
    # The GraphQL page's own reviews now name the PRs' repository and still date their first reviews.
    assert set(data.reviews["repo"]) == {LEDGER} and before.reviewers == 5
    reports = {Path(r.file).name: r for r in data.sources}
    assert reports[names[0]].skipped["duplicate of a PR in another page or file"] == 15  # the later file's copy stays
    graphql = reports["github_ledger_graphql_page_without_url.json"]
    assert graphql.cautions == [LEDGER_CAUTION.format(whose="PRs", outcome="a PR in both is counted once")]


def test_a_graphql_page_without_url_beside_prs_of_two_repositories_is_refused():
    """Which of two repositories the unnamed PRs belong to cannot be told: the file is named, with how to export
    the repository, rather than its PRs counted a second time."""
    detail = json.loads((FIXTURES / "github_ledger_pulls_detail.json").read_text())
    other = [{**pr, "base": {"repo": {"full_name": "acme-payments/web"}}, "url": None, "html_url": None}
             for pr in detail[:5]]
    with pytest.raises(InputFormatError) as refused:
        read_exports([_file("github_ledger_pulls_detail.json"), ("web.json", json.dumps(other).encode()),
                      _file("github_ledger_graphql_page_without_url.json")])
    assert refused.value.file == "github_ledger_graphql_page_without_url.json"
    assert refused.value.column == "url"
    assert refused.value.message == (
        "its PRs name no repository (no 'url'), while the other files hold PRs of 2 repositories "
        "(acme-payments/ledger-api, acme-payments/web): which one they belong to cannot be told, and a PR in both "
        "would be counted twice; export it again with the repository (gh pr list --state all --json url,number,"
        "author,createdAt,mergedAt,closedAt,isDraft,additions,deletions,labels,reviews; a GraphQL query: url in the "
        "pullRequests nodes, or nameWithOwner under repository)")


def test_unnamed_prs_that_are_not_the_named_repository_s_are_refused():
    """A GraphQL page of another repository, without url, beside the REST export: its PR #415 was created at
    another time than ledger-api's #415, so it is not that PR, and one of them would have been dropped."""
    def other_repository(name: str, data: bytes) -> bytes:
        return data.replace(b'"createdAt": "2025-01-08T09:13:15Z"', b'"createdAt": "2025-01-07T11:00:00Z"') \
            if "graphql" in name else data

    with pytest.raises(InputFormatError) as refused:
        _ledger("github_ledger_pulls_detail.json", "github_ledger_graphql_page_without_url.json",
                edit=other_repository)
    assert refused.value.message.startswith(
        "holds PR #415 created 2025-01-08 09:13 UTC, but github_ledger_graphql_page_without_url.json holds PR #415 "
        "created 2025-01-07 11:00 UTC: github_ledger_graphql_page_without_url.json's PRs name no repository and were "
        "taken as acme-payments/ledger-api's, the only one the other files name, but they are another "
        "repository's; export it again with the repository (gh pr list"), refused.value.message


def test_a_graphql_search_node_names_its_repository():
    """GraphQL search pages have no repository above the nodes: each node's repository { nameWithOwner } names
    its PR's."""
    page = json.loads((FIXTURES / "github_ledger_graphql_page_without_url.json").read_text())
    nodes = page["data"]["repository"]["pullRequests"]["nodes"][:2]
    search = {"data": {"search": {"nodes": [{**node, "repository": {"nameWithOwner": f"acme/r{i}"}}
                                            for i, node in enumerate(nodes)]}}}
    tables, report = read_file("search.json", json.dumps(search).encode())
    assert tables["pull_requests"]["repo"].tolist() == ["acme/r0", "acme/r1"]
    assert tables["reviews"]["repo"].tolist() == ["acme/r0"] * len(nodes[0]["reviews"]["nodes"]) + \
        ["acme/r1"] * len(nodes[1]["reviews"]["nodes"])
    assert report.cautions == []


def test_gh_output_without_url_and_rest_reviews_of_one_repository_match_them():
    """Every REST review was skipped as "of a PR that is not counted": the gh PRs were keyed ("", number). The
    reviews name one repository, so the PRs are taken as its: the review metrics are those of the REST export
    (first human review 7.1 h before adoption, as the samples' README says)."""
    data = _ledger("gh_ledger_pr_list_without_url.json", "github_ledger_reviews.json")
    metrics = measure(data, LEDGER_ADOPTION)
    rest = measure(_ledger("github_ledger_pulls_detail.json", "github_ledger_reviews.json"), LEDGER_ADOPTION)
    before = metrics.baseline
    assert (before.prs_merged, before.reviewers) == (22, 6)
    assert before.pickup_hours_median == pytest.approx(7.07, abs=0.01)
    assert before.review_hours_median == pytest.approx(20.82, abs=0.01)
    for period in ("baseline", "post"):
        ours, theirs = getattr(metrics, period), getattr(rest, period)
        assert (ours.reviewers, ours.pickup_hours_median, ours.review_hours_median) == (
            theirs.reviewers, theirs.pickup_hours_median, theirs.review_hours_median)
    reports = {Path(r.file).name: r for r in metrics.sources}
    reviews = reports["github_ledger_reviews.json"]
    assert reviews.used_rows == 81
    assert reviews.skipped["review of a PR that is not counted (bot, draft, unmerged or not exported)"] == 20
    assert reports["gh_ledger_pr_list_without_url.json"].cautions == [
        LEDGER_CAUTION.format(whose="reviews", outcome="their reviews are matched to its PRs")]


def test_gh_output_without_url_beside_reviews_of_two_repositories_says_why_no_review_matches():
    """Reviews of two repositories: which one the PRs are cannot be told, so no review matches; the reviews are
    skipped for that reason, not as reviews "of a PR that is not counted", and the caution says how to fix it."""
    def two_repositories(name: str, data: bytes) -> bytes:
        if "reviews" not in name:
            return data
        reviews = json.loads(data)
        for review in reviews[::2]:
            review["pull_request_url"] = review["pull_request_url"].replace("ledger-api", "web")
        return json.dumps(reviews).encode()

    data = _ledger("gh_ledger_pr_list_without_url.json", "github_ledger_reviews.json", edit=two_repositories)
    metrics = measure(data, LEDGER_ADOPTION)
    assert metrics.baseline.prs_merged == 22
    assert metrics.baseline.pickup_hours_median is None
    reports = {Path(r.file).name: r for r in metrics.sources}
    assert reports["github_ledger_reviews.json"].skipped == {
        "review not submitted (PENDING, no submitted_at)": 1,
        "review of a PR whose export names no repository (add url to the gh or GraphQL export of the PRs)": 133}
    assert reports["gh_ledger_pr_list_without_url.json"].cautions == [
        "its PRs name no repository (no 'url'), and the reviews name 2 repositories (acme-payments/ledger-api, "
        "acme-payments/web): no review can be matched to its PRs, so they have no review times and no reviewers; "
        "export it again with the repository (gh pr list --state all --json url,number,author,createdAt,mergedAt,"
        "closedAt,isDraft,additions,deletions,labels,reviews; a GraphQL query: url in the pullRequests nodes, or "
        "nameWithOwner under repository)"]


def test_the_merged_copy_outranks_the_sized_one_and_takes_its_sizes():
    """A September list page (merged, no sizes) beside June detail objects (open, with sizes): the merged copy
    is kept, in either order, and the sizes come from the June copy (ranking sizes above merge progress
    passed every other test)."""
    september = json.loads((FIXTURES / "github_pulls_page1.json").read_text())  # a list page: no sizes
    june = [{**pr, "state": "open", "merged_at": None, "closed_at": None, "additions": 10 * pr["number"],
             "deletions": 1, "changed_files": 1, "commits": 1} for pr in september]
    for files in ([("sep.json", september), ("jun.json", june)], [("jun.json", june), ("sep.json", september)]):
        pulls = read_exports([(name, json.dumps(data).encode()) for name, data in files]).pull_requests
        kept = pulls.set_index("number")
        assert kept["merged_at"].notna().to_dict() == {109: True, 108: True, 107: True, 106: True, 105: False}
        assert kept["additions"].to_dict() == {n: 10.0 * n for n in (109, 108, 107, 106, 105)}


def _rest_pull(number: int, login: str, kind: str, **extra) -> dict:
    return {"number": number, "user": {"login": login, "type": kind},
            "url": f"https://api.github.com/repos/acme/api/pulls/{number}", "state": "closed", "draft": False,
            "created_at": "2025-03-01T00:00:00Z", "merged_at": "2025-03-02T00:00:00Z", **extra}


def test_a_bot_with_a_plain_login_is_told_by_its_account_type_or_is_bot_flag():
    # FORMATS.md §1: a GitHub App named like a person (acme-deployer, deploy-helper) is a bot by its type
    # (REST user.type "Bot") or gh's is_bot, not by any name rule; else it would count as a developer.
    tables, _ = read_file("pulls.json", json.dumps([_rest_pull(5, "acme-deployer", "Bot"),
                                                    _rest_pull(6, "acme-dev", "User")]).encode())
    assert tables["pull_requests"]["author_is_bot"].tolist() == [True, False]
    gh = [{"number": 2, "author": {"login": "deploy-helper", "is_bot": True}, "createdAt": "2025-03-01T00:00:00Z",
           "mergedAt": None, "url": "https://github.com/acme/api/pull/2", "reviews": []},
          {"number": 3, "author": {"login": "dana", "is_bot": False}, "createdAt": "2025-03-01T00:00:00Z",
           "mergedAt": None, "url": "https://github.com/acme/api/pull/3", "reviews": []}]
    tables, _ = read_file("gh.json", json.dumps(gh).encode())
    assert tables["pull_requests"]["author_is_bot"].tolist() == [True, False]
    review = {"user": {"login": "acme-checker", "type": "Bot"}, "state": "COMMENTED",
              "submitted_at": "2025-03-01T10:00:00Z", "pull_request_url": "https://api.github.com/repos/acme/api/pulls/5"}
    tables, _ = read_file("reviews.json", json.dumps([review]).encode())
    assert tables["reviews"]["reviewer_is_bot"].tolist() == [True]


def test_a_copilot_branch_opened_by_an_unlisted_bot_is_an_ai_agent_pr_in_a_rest_page():
    # The REST reader passes the head branch to the agent rule: acme-agent[bot] is in no list of agents, but its
    # copilot/ branch makes the PR an agent's, whose assignee dave is then credited as an AI user.
    pull = _rest_pull(6, "acme-agent[bot]", "Bot", head={"ref": "copilot/fix-6"}, assignees=[{"login": "dave"}])
    tables, _ = read_file("pulls.json", json.dumps([pull]).encode())
    prs = tables["pull_requests"]
    assert prs["ai_agent"].tolist() == [True] and prs["assignee"].tolist() == ["dave"]


def test_a_pending_review_in_gh_output_is_left_out_as_its_note_says():
    # carol's review is PENDING (no submittedAt): the note says it is left out, so it must not stay in the rows
    # (it would join the reviewer pool).
    gh = [{"number": 1, "author": {"login": "alice"}, "createdAt": "2025-03-01T00:00:00Z",
           "mergedAt": "2025-03-02T00:00:00Z", "url": "https://github.com/acme/api/pull/1",
           "reviews": [{"author": {"login": "bob"}, "state": "APPROVED", "submittedAt": "2025-03-01T10:00:00Z"},
                       {"author": {"login": "carol"}, "state": "PENDING", "submittedAt": None}]}]
    tables, report = read_file("gh.json", json.dumps(gh).encode())
    assert tables["reviews"]["reviewer"].tolist() == ["bob"]
    assert "1 review(s) without submittedAt (pending) left out" in report.notes


def test_ai_labels_are_whole_labels_not_prefixes():
    # airflow, llm-infra are not AI labels (a prefix match would move their authors into the AI cohort);
    # "AI" alone and "ai-assisted" in a list of labels are.
    from roi.ingest.identity import ai_evidence

    labels = pd.Series(["airflow", "llm-infra", "AI", "ai-assisted,backend"])
    assert ai_evidence(labels).tolist() == ["", "", "label", "label"]


def test_a_first_record_longer_than_the_peek_is_still_recognised():
    # A PR whose description embeds a big log (300,000 characters, over the 256 KiB peek) comes first:
    # the file is still GitHub pulls, not an unknown format.
    record = {"number": 1, "user": {"login": "a"}, "created_at": "2025-03-01T00:00:00Z", "merged_at": None,
              "body": "x" * 300_000}
    assert detect("p.json", json.dumps([record]).encode()) == "github_pulls"
