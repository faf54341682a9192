"""The people directory: a CSV of logins and emails, or GitHub's SAML identities (GraphQL), read into ``people``.

Fixtures: tests/fixtures/ingest/people.csv (alice with two emails, bob, carol without an email) and
github_saml_identities.json (one GraphQL page: alice with SAML and SCIM emails, bob whose nameId is an
opaque id, carol's identity not linked to an account).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from roi.errors import InputFormatError
from roi.ingest import detect, read_exports, read_file

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
PEOPLE = FIXTURES / "people.csv"
SAML = FIXTURES / "github_saml_identities.json"
ALICE_BOB = [("alice", "alice@example.com"), ("alice", "alice.adams@example.com"), ("bob", "bob@example.com")]


def _pairs(tables: dict) -> list[tuple[str, str]]:
    return list(zip(tables["people"]["login"], tables["people"]["email"]))


# --- CSV ---------------------------------------------------------------------------------------------


def test_csv_pairs_logins_with_emails_lower_cased_and_skips_a_row_without_email():
    tables, report = read_file("people.csv", PEOPLE.read_bytes())
    assert report.format == "people_csv"
    assert _pairs(tables) == ALICE_BOB  # 'Alice' / 'Alice@Example.com' read lower-cased; Name and Team ignored
    assert (report.rows, report.used_rows) == (4, 3)
    assert report.skipped == {"row without an email": 1}  # carol
    assert list(tables["people"]["source"].astype(str)) == ["people.csv"] * 3


def test_semicolons_a_byte_order_mark_and_other_header_names_read_the_same():
    text = "\ufeffUsername;E-Mail Address;Department\n Alice ;alice@example.com ;R&D\nalice;alice.adams@example.com;R&D\n" \
           "bob;BOB@example.com;Ops\n"
    data = text.replace("E-Mail Address", "Email Address").encode("utf-8")
    assert detect("people.csv", data) == "people_csv"
    tables, report = read_file("people.csv", data)
    assert _pairs(tables) == ALICE_BOB
    assert report.skipped == {}


def test_login_keeps_its_bot_suffix_and_rows_without_a_login_are_counted():
    tables, report = read_file("p.csv", b"login,email\nRenovate[bot] ,bot@example.com\n,nobody@example.com\n,\nx,\n")
    assert _pairs(tables) == [("renovate[bot]", "bot@example.com")]
    assert report.skipped == {"row without a login": 2, "row without an email": 1}


def test_an_email_without_at_names_file_row_and_column():
    with pytest.raises(InputFormatError) as error:
        read_file("people.csv", b"login,work email\nalice,alice@example.com\nbob,bob.example.com\n")
    assert (error.value.file, error.value.row, error.value.column) == ("people.csv", 3, "work email")
    assert "'bob.example.com' is not an email address" in error.value.message


def test_an_email_paired_with_two_logins_is_left_out_with_a_note_and_a_repeat_is_kept_once():
    data = (b"login,email\nalice,alice@example.com\nalice,alice@example.com\nbob,shared@example.com\n"
            b"carol,shared@example.com\ndave,team@example.com\nerin,team@example.com\n")
    tables, report = read_file("people.csv", data)
    assert _pairs(tables) == [("alice", "alice@example.com")]
    assert report.notes == ["2 email(s) are paired with two or more different logins: left out, as they cannot say "
                            "who the person is; correct the directory to match them"]
    assert report.skipped == {"pair of login and email repeated in the file (kept once)": 1,
                              "email paired with two or more different logins (ambiguous, left out)": 4}
    assert report.used_rows == 1


def test_one_of_the_two_columns_is_a_near_miss_and_a_wide_table_is_not():
    with pytest.raises(InputFormatError, match="looks like a people directory .'Email'. but has no login column"):
        read_file("people.csv", b"Name,Email\nAlice,alice@example.com\n")
    with pytest.raises(InputFormatError, match="looks like a people directory .'login'. but has no email column"):
        read_file("people.csv", b"login,team\nalice,x\n")
    wide = b"username,a,b,c,d,e,f\nalice,1,2,3,4,5,6\n"
    with pytest.raises(InputFormatError) as error:
        read_file("wide.csv", wide)
    assert "looks like a people directory" not in error.value.message and "not an export format" in error.value.message


def test_a_jira_export_with_an_assignee_email_is_still_jira():
    data = b"Issue key,Issue Type,Created,Resolved,Username,Email\nA-1,Bug,2025-01-01 10:00,,alice,a@example.com\n"
    assert detect("jira.csv", data) == "jira_csv"


def test_every_existing_fixture_keeps_its_format():
    for path in sorted(FIXTURES.iterdir()):
        if path.name in (PEOPLE.name, SAML.name):
            continue
        try:
            found = detect(path.name, path.read_bytes())
        except InputFormatError:
            continue
        assert found not in ("people_csv", "github_saml_identities"), path.name


# --- GitHub SAML identities --------------------------------------------------------------------------


def test_saml_identities_give_every_email_of_a_linked_account_and_skip_unlinked_ones():
    tables, report = read_file("saml.json", SAML.read_bytes())
    assert report.format == "github_saml_identities"
    # alice: nameId and SAML email are one address, the SCIM email another; bob's nameId is no email (left out).
    assert _pairs(tables) == ALICE_BOB
    assert report.rows == 3
    assert report.skipped == {"identity not linked to a GitHub account (user: null)": 1}  # carol


def _edges_page(nodes: list, enterprise: bool = False) -> dict:
    provider = {"samlIdentityProvider": {"externalIdentities": {"edges": [{"node": n} for n in nodes],
                                                                "pageInfo": {"hasNextPage": False}}}}
    return {"data": {"enterprise": {"ownerInfo": provider}} if enterprise else {"organization": provider}}


def test_saml_edges_enterprise_and_pages_as_gh_paginate_writes_them():
    nodes = json.loads(SAML.read_text())["data"]["organization"]["samlIdentityProvider"]["externalIdentities"]["nodes"]
    first, second = _edges_page(nodes[:1]), _edges_page(nodes[1:], enterprise=True)
    for data in (json.dumps(first) + json.dumps(second),  # gh api --paginate: pages back to back
                 json.dumps(first) + "\n" + json.dumps(second) + "\n",
                 json.dumps([first, second])):  # --slurp
        assert detect("saml.json", data.encode()) == "github_saml_identities"
        tables, report = read_file("saml.json", data.encode())
        assert _pairs(tables) == ALICE_BOB
        assert (report.rows, report.used_rows) == (3, 2)


def test_saml_emails_naming_two_accounts_are_left_out_with_a_note():
    nodes = [{"samlIdentity": {"nameId": "shared@example.com"}, "user": {"login": "alice"}},
             {"samlIdentity": {"nameId": "shared@example.com", "emails": [{"value": "bob@example.com"}]},
              "user": {"login": "bob"}},
             {"samlIdentity": {"nameId": "opaque-id"}, "scimIdentity": {"emails": None}, "user": {"login": "carol"}}]
    tables, report = read_file("saml.json", json.dumps(_edges_page(nodes)).encode())
    assert _pairs(tables) == [("bob", "bob@example.com")]
    assert report.notes[0].startswith("1 email(s) are paired with two or more different logins")
    assert report.skipped == {"identity without an email (no SAML or SCIM email, nameId not an email)": 1}


def test_an_organization_without_saml_is_said_so_not_read_as_pull_requests():
    data = json.dumps({"data": {"organization": {"samlIdentityProvider": None}}}).encode()
    assert detect("saml.json", data) == "github_saml_identities"
    with pytest.raises(InputFormatError, match="has no SAML identity provider"):
        read_file("saml.json", data)


def test_graphql_pull_request_pages_are_still_pull_requests():
    page = {"data": {"repository": {"nameWithOwner": "o/r", "pullRequests": {"nodes": []}}}}
    assert detect("prs.json", json.dumps(page).encode()) == "github_graphql"


def test_the_directory_joins_the_dataset_as_its_own_table():
    data = read_exports([PEOPLE, SAML])
    assert len(data.people) == 6 and data.has("people")
    assert set(data.people["source"].astype(str)) == {str(PEOPLE), str(SAML)}


def test_an_hr_list_with_other_column_names_is_read_through_a_column_mapping():
    hr = b"Employee,Git account,Corporate mail address,Team\nAlice A,alice,Alice@Example.com,web\nBob B,bob,bob,web\n"
    with pytest.raises(InputFormatError) as error:  # mapped columns are checked like the CSV's own
        read_exports([("hr.csv", hr)], {"hr.csv": {"table": "people", "login": "Git account",
                                                   "email": "Corporate mail address"}})
    assert (error.value.row, error.value.column) == (3, "Corporate mail address")
    data = read_exports([("hr.csv", hr.replace(b"bob,bob,web", b"bob,bob@example.com,web"))],
                        {"hr.csv": {"table": "people", "login": "Git account", "email": "Corporate mail address"}})
    assert data.people[["login", "email"]].values.tolist() == [["alice", "alice@example.com"],
                                                              ["bob", "bob@example.com"]]
    assert data.sources[0].format == "mapped CSV/XLSX (people)"


def test_common_header_spellings_are_recognised():
    for header in ("GitHub handle,Work e-mail", "gitlab username,Primary Email", "GitHub_Username,E-mail address"):
        assert detect("people.csv", f"{header}\nalice,alice@example.com\n".encode()) == "people_csv"
