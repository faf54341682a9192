"""Messy real-world exports that used to give silently wrong numbers (the input audit): each is now refused
with what to do, or read with a caution saying what the numbers rest on."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from roi.errors import InputFormatError
from roi.ingest import read_exports, read_file

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def _json(name: str) -> object:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _refusal(name: str, data: bytes) -> str:
    with pytest.raises(InputFormatError) as caught:
        read_file(name, data)
    return caught.value.describe()


GH_EXPORT = ("gh pr list --state all --json number,url,author,createdAt,mergedAt,closedAt,isDraft,additions,"
             "deletions,labels,reviews")


# --- H1, H2: no author in the export -------------------------------------------------------------------------


def test_gh_output_without_author_is_refused_naming_the_field_and_the_command():
    """`gh pr list --json` without `author`: the 6 PRs were one developer 'ghost', the dependabot PR a person's."""
    records = _json("gh_pr_list.json")
    for record in records:
        del record["author"]
    assert _refusal("prs.json", json.dumps(records).encode()) == (
        "prs.json, column 'author': has no 'author' (the PR's author) in any of its 6 PRs: all would count as one "
        "developer's ('ghost'), bots' and AI agents' PRs included; export again with it: " + GH_EXPORT)


def test_a_few_deleted_accounts_stay_ghost_and_more_than_a_tenth_get_a_caution():
    records = _json("gh_pr_list.json")
    records[0]["author"] = None  # a deleted account: gh writes null
    tables, report = read_file("prs.json", json.dumps(records).encode())
    assert tables["pull_requests"]["author"].tolist() == ["ghost", "app/dependabot", "erin", "dana", "erin", "erin"]
    assert report.cautions == [
        "1 of 6 PRs have no 'author' (deleted accounts, or the field left out of some records): they count as one "
        "developer, 'ghost', and bots' and AI agents' PRs among them cannot be told apart, so per-developer numbers "
        f"are less certain; if the export left it out: {GH_EXPORT}"]


def test_graphql_reviews_without_author_are_refused_with_the_query_field_to_add():
    page = _json("github_graphql_page.json")
    for node in page["data"]["repository"]["pullRequests"]["nodes"]:
        for review in node["reviews"]["nodes"]:
            del review["author"]
    assert _refusal("page.json", json.dumps(page).encode()) == (
        "page.json, column 'reviews.author': has no 'reviews.author' (the review's author) in any of its 3 reviews: "
        "all would count as one reviewer's ('ghost'), the PR authors' replies on their own PRs and bots' reviews "
        "included; export again with it: add author { login __typename } to the query's reviews nodes")


def test_rest_reviews_without_user_are_refused():
    """The audit's file: reviewers 6 → 1, the Copilot bot's reviews and self-replies counted, without a word."""
    records = _json("github_reviews.json")
    for record in records:
        del record["user"]
    assert _refusal("reviews.json", json.dumps(records).encode()) == (
        "reviews.json, column 'user': has no 'user' (the review's author) in any of its 10 reviews: all would count "
        "as one reviewer's ('ghost'), the PR authors' replies on their own PRs and bots' reviews included; export "
        "again with it: save the API's review objects whole, not a selection of their fields "
        "(gh api --paginate repos/OWNER/REPO/pulls/NUMBER/reviews)")


def test_one_review_in_ten_without_user_is_a_deleted_account_and_no_caution():
    records = _json("github_reviews.json")
    records[0]["user"] = None
    tables, report = read_file("reviews.json", json.dumps(records).encode())
    assert tables["reviews"]["reviewer"].iloc[0] == "ghost"
    assert report.cautions == []


def test_gitlab_merge_requests_without_author_are_refused():
    records = _json("gitlab_merge_requests.json")
    for record in records:
        del record["author"]
    assert _refusal("mrs.json", json.dumps(records).encode()) == (
        "mrs.json, column 'author': has no 'author' (the MR's author) in any of its 3 MRs: all would count as one "
        "developer's ('ghost'), bots' and AI agents' MRs included; export again with it: save the API's merge "
        "request objects whole, not a selection of their fields (GET /projects/:id/merge_requests?state=all)")


def test_devlake_pull_requests_with_author_name_empty_throughout_are_refused():
    rows = list(csv.DictReader(io.StringIO((FIXTURES / "devlake_pull_requests.csv").read_text(encoding="utf-8"))))
    for row in rows:
        row["author_name"] = ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    assert _refusal("pull_requests.csv", out.getvalue().encode()) == (
        "pull_requests.csv, column 'author_name': has no 'author_name' (the PR's author) in any of its 4 PRs: all "
        "would count as one developer's ('ghost'), bots' and AI agents' PRs included; export again with it: export "
        "the table with its author_name column filled (SELECT * FROM pull_requests)")


def test_rest_pulls_without_user_are_named_as_such_not_called_unknown():
    """M4: the same slimming on the pulls file was 'not an export format this tool recognises'."""
    records = _json("github_pulls_page1.json")
    for record in records:
        del record["user"]
    assert _refusal("pulls.json", json.dumps(records).encode()) == (
        "pulls.json: looks like GitHub REST pull requests but has no 'user' (the PR's author); save the API's "
        "pull-request objects whole, not a selection of their fields "
        "(gh api --paginate 'repos/OWNER/REPO/pulls?state=all&per_page=100')")


# --- H6: Four Keys deployments' changes that name no commit of the changes table ---------------------------------

FK_CHANGES = (FIXTURES / "fourkeys_changes.csv").read_bytes()


def _deployments(changes_d2: str, others: tuple[str, str] = ('"[""c3""]"', '"[""c1""]"')) -> bytes:
    return ("source,deploy_id,time_created,main_commit,changes\n"
            f"github,d3,2025-03-12 22:00:00 UTC,c3,{others[0]}\n"
            f"github,d2,2025-03-05 10:00:00 UTC,c2,{changes_d2}\n"
            f"github,d1,2025-02-10 09:00:00 UTC,c1,{others[1]}\n").encode()


@pytest.mark.parametrize("joined", ["c2 c2b", '"c2, c2b"', "c2;c2b", '"c2 ; c2b "'])
def test_changes_joined_by_spaces_or_semicolons_are_split_like_commas(joined):
    """ARRAY_TO_STRING(changes, ' ') made one long 'sha' of them, so lead time was null without a word."""
    tables, _ = read_file("deployments.csv", _deployments(joined))
    links = tables["deployment_changes"]
    assert links[links["deploy_id"] == "github:d2"]["sha"].tolist() == ["c2", "c2b"]


def test_a_changes_table_no_deployment_ships_is_left_out_with_a_caution():
    dataset = read_exports([("deployments.csv", _deployments("[]", ("[]", "[]"))), ("changes.csv", FK_CHANGES)])
    report = {r.file: r for r in dataset.sources}["changes.csv"]
    assert (report.rows, report.used_rows) == (4, 0)
    assert report.skipped == {"commit no deployment in the exports ships (not in any deployment's changes): "
                              "lead time cannot use it": 4}
    assert report.cautions == [
        "0 of 4 changes are shipped by a deployment in the exports, so lead time cannot be measured: check the "
        "deployments' 'changes' column; it should list the commit ids this file's change_id holds (a JSON array, "
        "or ids separated by commas, spaces or semicolons)"]


def test_one_unshipped_commit_of_four_is_counted_left_out_without_a_caution():
    """c2b is on no deployment: 3 of 4 changes shipped is a normal export (a commit on a branch never merged)."""
    dataset = read_exports([("deployments.csv", _deployments('"[""c2""]"')), ("changes.csv", FK_CHANGES)])
    report = {r.file: r for r in dataset.sources}["changes.csv"]
    assert report.used_rows == 3 and report.cautions == []


# --- H3: Jira resolutions outside the word lists ----------------------------------------------------------------

WONT_DO = "resolved as won't do, duplicate, cannot reproduce or declined (not completed work)"


def _jira(header: str, resolutions: list[str], category: str = "Done") -> bytes:
    rows = [f"X-{n},Task,{category},{resolution},{category},03/Feb/25 9:15 AM,04/Feb/25 3:04 PM"
            for n, resolution in enumerate(resolutions, start=1)]
    return "\n".join([header, *rows, ""]).encode()


ITALIAN = "Chiave,Tipo di ticket,Stato,Risoluzione,Categoria di stato,Creato,Risolto"
ENGLISH = "Issue key,Issue Type,Status,Resolution,Status Category,Created,Resolved"


@pytest.mark.parametrize(("header", "resolutions", "category"), [
    (ITALIAN, ["Completato", "Non verrà eseguito", "Duplicato", "Impossibile riprodurre"], "Completato"),
    ("Chave,Tipo de item,Situação,Resolução,Status Category,Criado,Resolvido",
     ["Concluído", "Não será feito", "Duplicado", "Não é possível reproduzir"], "Done"),
    (ENGLISH, ["Done", "Not a Bug", "Obsolete", "Works as Designed"], "Done"),
    (ENGLISH, ["Fixed", "Cannot Reproduce", "Won’t Do", "Out of Scope"], "Done"),
])
def test_won_t_do_resolutions_in_italian_portuguese_and_custom_english_are_not_completed_work(
        header, resolutions, category):
    """The Italian export counted 3 won't-do issues as completed tasks (post tasks/dev-week +10%)."""
    tables, report = read_file("jira.csv", _jira(header, resolutions, category))
    assert tables["work_items"]["key"].tolist() == ["X-1"]
    assert report.skipped == {WONT_DO: 3}
    assert report.cautions == []


def test_resolutions_counted_as_done_that_are_not_known_done_words_are_named_with_their_counts():
    tables, report = read_file("jira.csv", _jira(ENGLISH, ["Done", "Parked", "Fixed", "Parked", "Moved to Trello"]))
    assert tables["work_items"]["key"].tolist() == ["X-1", "X-2", "X-3", "X-4", "X-5"]
    assert report.cautions == [
        "'Resolution' values counted as done that are not known done words: Parked (2), Moved to Trello (1); if one "
        "means the work was not done (won't do, duplicate, obsolete …), those issues count as completed tasks: give "
        "them a resolution such as Won't Do, or leave them out of the export"]


# --- H5: partial downloads that say so ----------------------------------------------------------------------------

PAGINATE = ("the download stopped before the last page, so the periods miss PRs; save every page: gh api graphql "
            "--paginate -f query=… with $endCursor in pullRequests(first: 100, after: $endCursor) and "
            "pageInfo { hasNextPage endCursor } in the query")


def _page(numbers: list[int] | None = None, *, total: int | None = 2, more: bool = False) -> dict:
    """The fixture's GraphQL page (acme/web, PRs 11 and 12) with its nodes, totalCount and hasNextPage set."""
    page = _json("github_graphql_page.json")
    connection = page["data"]["repository"]["pullRequests"]
    connection["nodes"] = [n for n in connection["nodes"] if numbers is None or n["number"] in numbers]
    connection["pageInfo"]["hasNextPage"] = more
    if total is None:
        del connection["totalCount"]
    else:
        connection["totalCount"] = total
    return page


def _cautions(*files: tuple[str, object]) -> dict[str, list[str]]:
    dataset = read_exports([(name, json.dumps(content).encode()) for name, content in files])
    return {r.file: r.cautions for r in dataset.sources}


def test_a_graphql_page_with_fewer_prs_than_its_total_count_is_cautioned():
    """The sample's first page holds 15 of 56 PRs with hasNextPage true: measured as if whole, without a word."""
    assert _cautions(("page.json", _page(total=5, more=True))) == {"page.json": [
        f"holds 2 of the 5 PRs of acme/web GitHub counted (totalCount): {PAGINATE}"]}


def test_pages_saved_apart_and_loaded_together_are_whole():
    assert _cautions(("p1.json", _page([11], more=True)), ("p2.json", _page([12]))) == {"p1.json": [], "p2.json": []}
    assert _cautions(("p1.json", _page([11], more=True))) == {"p1.json": [
        f"holds 1 of the 2 PRs of acme/web GitHub counted (totalCount): {PAGINATE}"]}


def test_a_last_page_that_says_more_follow_is_cautioned_without_a_total_count():
    assert _cautions(("page.json", _page(total=None, more=True))) == {"page.json": [
        f"its last page of acme/web says more PRs follow (pageInfo.hasNextPage: true): {PAGINATE}"]}


def test_errors_beside_the_data_are_quoted():
    page = _page()
    page["errors"] = [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."}]
    assert _cautions(("page.json", page)) == {"page.json": [
        "GitHub answered with errors beside the data (API rate limit exceeded for user ID 1.): the PRs it gave are "
        "read, but the answer may stop part way; run the query again once the error is resolved (a rate limit: "
        "after it resets)"]}


def test_prs_holding_fewer_reviews_than_their_total_count_are_cautioned():
    """reviews(first: 1) dropped the baseline's reviewers from 5 to 4 without a word."""
    page = _page()
    page["data"]["repository"]["pullRequests"]["nodes"][1]["reviews"]["totalCount"] = 5  # PR 12 holds 2
    assert _cautions(("page.json", page)) == {"page.json": [
        "1 of 2 PRs hold fewer reviews than GitHub counted (reviews totalCount; #12: 2 of 5): first-review times, "
        "reviewers and the bot and self-review filters see only those; query reviews(first: 100)"]}


def _gh(count: int) -> list[dict]:
    return [{"number": n, "url": f"https://github.com/acme/app/pull/{n}", "author": {"login": "dana"},
             "createdAt": "2025-03-19T12:00:00Z", "mergedAt": "2025-03-20T12:00:00Z", "isDraft": False}
            for n in range(1, count + 1)]


def test_gh_output_of_exactly_the_default_limit_asks_whether_it_was_cut():
    assert _cautions(("prs.json", _gh(30))) == {"prs.json": [
        "holds exactly 30 PRs of acme/app, gh pr list's default --limit: was the export cut there? If the "
        f"repository has more, export again with --limit 10000 ({GH_EXPORT} --limit 10000)"]}
    assert _cautions(("prs.json", _gh(31))) == {"prs.json": []}


def _rest(numbers: range) -> list[dict]:
    record = _json("github_pulls_page1.json")[0]
    return [{**record, "number": n, "url": f"https://api.github.com/repos/acme/api/pulls/{n}"} for n in numbers]


def test_a_rest_file_of_one_full_page_asks_whether_it_was_cut_unless_the_next_page_is_loaded():
    assert _cautions(("page1.json", _rest(range(1, 101)))) == {"page1.json": [
        "holds exactly 100 PRs of acme/api, one full page at the REST API's largest page size (per_page=100): was "
        "the export cut there? If the repository has more, save every page "
        "(gh api --paginate 'repos/OWNER/REPO/pulls?state=all&per_page=100')"]}
    assert _cautions(("page1.json", _rest(range(1, 101))), ("page2.json", _rest(range(101, 113)))) == {
        "page1.json": [], "page2.json": []}


# --- H4: one absurd PR size --------------------------------------------------------------------------------------


def test_a_merged_pr_of_more_than_50000_lines_is_named_in_a_caution():
    """One PR of 10,000,000 lines made the post mean PR size 500,458 and the reviewers needed 239, without a word.
    A bot's (never counted) and one of exactly 50,000 lines are not named."""
    records = _gh(5)
    records[0].update(author={"login": "dependabot[bot]", "is_bot": True}, additions=60_000, deletions=0)
    records[1].update(additions=10_000_000, deletions=31)
    records[2].update(additions=49_990, deletions=10)
    records[3].update(additions=120, deletions=30)
    assert _cautions(("prs.json", records)) == {"prs.json": [
        "1 merged PR changes more than 50,000 lines: acme/app#2 (10,000,031 lines); the mean PR size (pr_size_loc) "
        "counts it in the period it was merged in, and so do the reviewers a scenario built from it needs (the "
        "median, pr_size_loc_median, hardly moves); if such a PR is vendored or generated code, a lockfile or "
        "data, leave it out of the export"]}


def test_several_huge_prs_are_named_largest_first():
    records = _gh(4)
    for record, lines in zip(records, (70_000, 2_000_000, 100, 50_001)):
        record.update(additions=lines, deletions=0)
    assert _cautions(("prs.json", records))["prs.json"] == [
        "3 merged PRs change more than 50,000 lines: acme/app#2 (2,000,000 lines), acme/app#1 (70,000 lines), "
        "acme/app#4 (50,001 lines); the mean PR size (pr_size_loc) counts them in the period they were merged in, "
        "and so do the reviewers a scenario built from it needs (the median, pr_size_loc_median, hardly moves); "
        "if such a PR is vendored or generated code, a lockfile or data, leave it out of the export"]


# --- M5: GitHub's error answers --------------------------------------------------------------------------------


def test_a_graphql_answer_of_repository_null_and_not_found_quotes_github_s_error():
    """It was 'holds no merged pull request by a person (no rows)'."""
    answer = {"data": {"repository": None}, "errors": [{"type": "NOT_FOUND", "message": "Could not resolve"}]}
    assert _refusal("page.json", json.dumps(answer).encode()) == (
        "page.json: is an error response from a GraphQL API (Could not resolve), not exported data: the repository "
        "was not found at the owner and name the query gives, the token cannot read it, or the query has a mistake; "
        "correct it and run the query again")


# --- M1: numbers written as JSON text; a JSON record is no row ------------------------------------------------


def test_a_number_written_as_json_text_is_called_text_in_record_n():
    """It was "row 1, column 'additions': '376' is not a whole number" of a JSON record holding a whole number."""
    records = _json("github_pulls_page1.json")
    records[1]["additions"] = "376"
    assert _refusal("pulls.json", json.dumps(records).encode()) == (
        "pulls.json, record 2, column 'additions': is the text \"376\", not a JSON number: a tool that quotes "
        "numbers (a script, a PowerShell or Excel round trip) rewrote the file; save the API's JSON unchanged")


def test_a_value_of_the_wrong_type_is_quoted_short():
    records = _json("github_pulls_page1.json")
    records[0]["base"] = "x" * 500
    message = _refusal("pulls.json", json.dumps(records).encode())
    assert message == ("pulls.json, record 1, column 'base': '" + "x" * 78 + "… is not a JSON object; the field should "
                       "hold one")


# --- H5: a Copilot seats download of its first page(s) only --------------------------------------------------


def _seats(keep: slice, total: int) -> dict:
    """The fixture's seats page (3 seats, total_seats 3) with some of its seats and another total_seats."""
    page = _json("copilot_seats.json")
    return {**page, "total_seats": total, "seats": page["seats"][keep]}


def test_a_seats_file_with_fewer_seats_than_total_seats_is_cautioned():
    """48 counted, 8 in the file (the API's first page saved alone): read as if every seat, without a word."""
    assert _cautions(("seats.json", _seats(slice(None), 10))) == {"seats.json": [
        "the seats files hold 3 of the 10 seats GitHub counts (total_seats): the download stopped after the first "
        "page(s), so adopters are missing from the AI users, the adoption date and the seats held; save every "
        "page (gh api --paginate /orgs/ORG/copilot/billing/seats)"]}


def test_seat_pages_saved_apart_and_loaded_together_are_whole():
    both = _cautions(("seats_1.json", _seats(slice(0, 2), 3)), ("seats_2.json", _seats(slice(2, 3), 3)))
    assert both == {"seats_1.json": [], "seats_2.json": []}
    assert _cautions(("seats.json", _json("copilot_seats.json"))) == {"seats.json": []}


# --- M7: a header and no rows ----------------------------------------------------------------------------------


def test_a_file_of_its_header_alone_beside_others_says_it_adds_nothing():
    jira = (FIXTURES / "jira_all_fields.csv").read_bytes()
    header = jira.splitlines(keepends=True)[0]
    dataset = read_exports([("empty_search.csv", header), ("jira.csv", jira)])
    notes = {r.file: r.notes for r in dataset.sources}
    said = "holds its header and no rows: it adds nothing; if it should hold data, export it again"
    assert said in notes["empty_search.csv"] and said not in notes["jira.csv"]
    alone = read_exports([("jira.csv", jira)])
    assert dataset.work_items.equals(alone.work_items) and dataset.incidents.equals(alone.incidents)


# --- L3: MySQL's \N for NULL ------------------------------------------------------------------------------------


def test_a_devlake_table_dumped_by_mysql_reads_its_backslash_n_as_empty():
    r"""`SELECT … INTO OUTFILE` and `mysqldump --tab` write NULL as \N: "'\N' is not a date-time" refused the table."""
    original = (FIXTURES / "devlake_pull_requests.csv").read_text(encoding="utf-8")
    dumped = original
    while ",," in dumped:  # every empty cell (the open PR's merged and closed dates among them) as \N
        dumped = dumped.replace(",,", ",\\N,")
    assert dumped.count("\\N") > 10
    read = [read_exports([("devlake_pull_requests.csv", text.encode())]).pull_requests for text in (original, dumped)]
    assert read[1].equals(read[0])


# --- M3: curl -i ------------------------------------------------------------------------------------------------


def test_a_file_saved_with_its_http_headers_says_how_to_save_it():
    body = (FIXTURES / "github_pulls_page1.json").read_bytes()
    saved = b"HTTP/2 200\r\ncontent-type: application/json; charset=utf-8\r\nlink: <https://api.github.com/x>\r\n\r\n"
    assert _refusal("pulls.json", saved + body) == (
        "pulls.json: starts with the HTTP response's headers (HTTP/2 200): it was saved with curl -i or gh api -i; "
        "save it again without -i, or delete the lines before the first [ or {")


# --- L6: a Jira issue resolved before it was created ------------------------------------------------------------


def test_a_jira_story_resolved_before_it_was_created_is_kept_and_said():
    header = "Issue key,Issue Type,Status Category,Created,Resolved\n"
    rows = ("LED-245,Story,Done,01/Jul/25 9:00 AM,02/Jul/25 5:00 PM\n"
            "LED-246,Story,Done,03/Jul/25 7:14 AM,02/Jul/25 6:45 PM\n")
    tables, report = read_file("jira.csv", (header + rows).encode())
    assert list(tables["work_items"]["key"]) == ["LED-245", "LED-246"]  # both completed work
    assert ("1 issue(s) resolved before they were created (first: LED-246, row 3; moved or imported issues keep "
            "their old dates): counted, completed work by its resolution date, bugs by their creation") in report.notes


# --- L4: Go's zero time -----------------------------------------------------------------------------------------


def test_gos_zero_time_is_a_date_never_set_not_a_mistyped_year():
    """gh (written in Go) can write an unset time as 0001-01-01T00:00:00Z: an open PR's closedAt was refused
    as "not a plausible date (… a mistyped year?)"; it is empty, as null is."""
    prs = _json("gh_pr_list.json")
    unset = [pr for pr in prs if pr.get("closedAt") is None]
    assert unset  # the fixture's open PRs
    for pr in unset:
        pr["closedAt"] = "0001-01-01T00:00:00Z"
        if pr.get("mergedAt") is None:
            pr["mergedAt"] = "0001-01-01T00:00:00Z"
    zero = read_exports([("gh.json", json.dumps(prs).encode())]).pull_requests
    same = read_exports([("gh.json", (FIXTURES / "gh_pr_list.json").read_bytes())]).pull_requests
    assert zero.equals(same)


# --- L7: a CSV export saved as a workbook -----------------------------------------------------------------------


def test_a_jira_export_saved_as_a_workbook_is_named_as_one():
    """It was "an Excel workbook in no format this tool recognises (its header is Summary, Issue key, …)"."""
    import openpyxl

    book = openpyxl.Workbook()
    for row in csv.reader(io.StringIO((FIXTURES / "jira_all_fields.csv").read_text(encoding="utf-8"))):
        book.active.append(row)
    saved = io.BytesIO()
    book.save(saved)
    with pytest.raises(InputFormatError) as refused:
        read_exports([("jira.xlsx", saved.getvalue())])
    assert refused.value.describe() == (
        "jira.xlsx: is an Excel workbook of a Jira CSV export (a CSV opened and saved in Excel), which this tool "
        "reads as CSV only: export it again as CSV, or save the sheet as CSV UTF-8 (Excel: File → Save As → CSV "
        "UTF-8) and load the CSV")


# --- L2: a Four Keys table re-saved by Excel --------------------------------------------------------------------


def test_a_four_keys_table_re_saved_by_excel_says_so():
    """Excel rewrote '2025-01-15T08:16:00Z' as '15/01/2025 08:16' (and the commas as ';'): the refusal said only
    that ISO 8601 was expected."""
    deployments = ("source;deploy_id;time_created;main_commit;changes\n"
                   'github;101;15/01/2025 08:16;a1;"[""a1""]"\n').encode()
    assert _refusal("fourkeys_deployments.csv", deployments) == (
        "fourkeys_deployments.csv, row 2, column 'time_created': '15/01/2025 08:16' is not a date-time; expected "
        "ISO 8601 such as 2025-03-12T15:04:00Z (a date as Excel writes it: the file was opened and saved in Excel, "
        "which rewrites dates; export it again and load it without saving it in Excel)")


# --- M2: PowerShell's ConvertTo-Json without -Depth -------------------------------------------------------------


def test_objects_powershell_cut_to_text_say_which_option_writes_them_whole():
    """`Invoke-RestMethod … | ConvertTo-Json` writes objects deeper than 2 levels as "@{login=acme; id=1}": the
    error quoted the whole record (5,300 characters) and said the object 'is not a JSON object'."""
    pulls = _json("github_pulls_page1.json")
    pulls[0]["base"]["repo"] = "@{id=812345678; name=api; full_name=acme/api; private=True}"
    message = _refusal("pulls.json", json.dumps(pulls).encode())
    assert message == (
        "pulls.json, record 1, column 'base': holds PowerShell's text for an object (@{id=812345678; name=api; "
        "full_name=acm…) where JSON belongs: the file was written by ConvertTo-Json with too small a -Depth "
        "(2 unless given), which turns objects nested deeper into text; write it again with ConvertTo-Json -Depth 10")
