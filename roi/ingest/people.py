"""The people directory: which login goes with which email, into the ``people`` table.

Cursor and Claude Code name people by email, the PR exports (GitHub, GitLab) and Copilot by login.
The consultant uploads a file pairing the two, from the client's HR or identity-provider list or
from GitHub's SAML identities, and the metrics map emails to logins through it (never by guessing
a login from an email's local part; see ``roi.metrics._ai_users``).

``people_csv``: any CSV (comma or semicolon, a byte-order mark is fine) with a login column and an
email column (names below, case ignored); other columns are ignored.  A row without either value is
skipped and counted; an email without '@' is an error naming its row and column.

``github_saml_identities``: GitHub GraphQL ``organization.samlIdentityProvider.externalIdentities``
pages (or ``enterprise.ownerInfo.samlIdentityProvider``), as ``nodes`` or ``edges[].node``, one page,
an array of pages or pages concatenated by ``gh api --paginate``.  A node gives its ``user.login``
with every ``samlIdentity.emails[].value``, ``scimIdentity.emails[].value`` and the SAML ``nameId``
when that is an email.  A node with ``user: null`` (an identity no GitHub account has claimed) is
skipped and counted.

Both: logins and emails lower-cased and trimmed (GitHub's ``[bot]`` suffix is left on a login); a
pair repeated is kept once; an email paired with two different logins is ambiguous and left out,
with a note counting such emails.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from roi.errors import InputFormatError
from roi.ingest._common import (SourceReport, connection_nodes, decode_text, find_column, json_object, load_json,
                               read_csv_text, source_column)
from roi.safety import quote

LOGIN = ("login", "github_login", "github login", "github username", "github_username", "github handle",
         "github user", "username", "user_login", "user login", "gitlab_username", "gitlab username", "gitlab login",
         "handle")
"""Header names of the login column (case ignored), in order of preference."""

EMAIL = ("email", "e-mail", "email_address", "email address", "e-mail address", "mail", "work email", "work e-mail",
         "primary email", "corporate email")
"""Header names of the email column (case ignored), in order of preference."""

NEAR_MISS_COLUMNS = 6
"""A header with only one of the two columns is called an incomplete people directory only up to this many
columns: a wide table with a 'username' column is more likely something else."""


def is_people_header(columns: list[str]) -> bool:
    """A CSV header with both a login and an email column."""
    return find_column(columns, *LOGIN) is not None and find_column(columns, *EMAIL) is not None


def near_miss(columns: list[str]) -> str | None:
    """For a small header with exactly one of the two columns: what it looks like and what it lacks."""
    if len(columns) > NEAR_MISS_COLUMNS:
        return None
    login, email = find_column(columns, *LOGIN), find_column(columns, *EMAIL)
    if (login is None) == (email is None):
        return None
    missing = "email" if email is None else "login"
    return f"looks like a people directory ('{login or email}') but has no {missing} column"


def _normal(values: pd.Series) -> pd.Series:
    """Text lower-cased and trimmed ('' for a missing value)."""
    return values.fillna("").astype(str).str.strip().str.lower()


def read_people_csv(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """A CSV of logins and emails: one row per (login, email) pair."""
    frame = read_csv_text(decode_text(data, name, report), name)
    report.rows = len(frame)
    login_column, email_column = find_column(frame.columns, *LOGIN), find_column(frame.columns, *EMAIL)
    if login_column is None or email_column is None:  # detection found both; a mapping or a caller may not
        missing = "login" if login_column is None else "email"
        raise InputFormatError(f"looks like a people directory but has no {missing} column", file=name,
                               column=missing)
    return read_pairs(name, frame, login_column, email_column, report)


def read_pairs(name: str, frame: pd.DataFrame, login_column: str, email_column: str,
               report: SourceReport) -> dict[str, pd.DataFrame]:
    """The ``people`` table of a table's login and email columns (a header row above the first data row)."""
    report.name_columns("people", {"login": login_column, "email": email_column})
    logins, emails = _normal(frame[login_column]), _normal(frame[email_column])
    no_login, no_email = logins.eq("").to_numpy(), emails.eq("").to_numpy()
    report.skip("row without a login", int(no_login.sum()))
    report.skip("row without an email", int((no_email & ~no_login).sum()))
    keep = ~no_login & ~no_email
    not_email = keep & ~emails.str.contains("@", regex=False).to_numpy()
    if not_email.any():
        position = int(np.flatnonzero(not_email)[0])
        raise InputFormatError(f"'{quote(frame[email_column].iloc[position])}' is not an email address (no '@'); "
                               "check that the login and email columns are not swapped", file=name,
                               row=position + 2, column=email_column)
    pairs = pd.DataFrame({"login": logins[keep], "email": emails[keep]})
    return _directory(name, pairs, report, rows=True)


def _directory(name: str, pairs: pd.DataFrame, report: SourceReport, *, rows: bool) -> dict[str, pd.DataFrame]:
    """The ``people`` table of a file's (login, email) pairs: repeats kept once, ambiguous emails left out.

    ``rows``: each pair is a row of the file (CSV), so the pairs left out are counted as skipped rows;
    SAML identities give several pairs per record, so only the note counts them.
    """
    repeated = pairs.duplicated().to_numpy()
    if rows:
        report.skip("pair of login and email repeated in the file (kept once)", int(repeated.sum()))
    pairs = pairs[~repeated]
    logins_per_email = pairs.groupby("email")["login"].transform("nunique")
    ambiguous = logins_per_email.gt(1).to_numpy()
    if ambiguous.any():
        count = int(pairs.loc[ambiguous, "email"].nunique())
        if rows:
            report.skip("email paired with two or more different logins (ambiguous, left out)", int(ambiguous.sum()))
        report.note(f"{count} email(s) are paired with two or more different logins: left out, as they cannot say "
                    "who the person is; correct the directory to match them")
    pairs = pairs[~ambiguous].reset_index(drop=True)
    report.tables.add("people")
    return {"people": pd.DataFrame({"source": source_column(name, len(pairs)), "login": pairs["login"],
                                    "email": pairs["email"]})}


# --- GitHub SAML identities -----------------------------------------------------------------


def _owner(page: object) -> dict[str, Any]:
    """The object of a GraphQL page that holds ``samlIdentityProvider``: the organization, else the
    enterprise's ``ownerInfo`` ({} when neither does)."""
    data = json_object(json_object(page).get("data", page))
    enterprise = json_object(json_object(data.get("enterprise")).get("ownerInfo"))
    for owner in (json_object(data.get("organization")), enterprise):
        if "samlIdentityProvider" in owner:
            return owner
    return {}


def _identities(page: object) -> dict[str, Any] | None:
    """The ``externalIdentities`` connection of a GraphQL page, if it holds one."""
    connection = json_object(_owner(page).get("samlIdentityProvider")).get("externalIdentities")
    return connection if isinstance(connection, dict) else None


def is_saml_page(record: dict[str, Any]) -> bool:
    """A GraphQL response page of an organization's or enterprise's SAML identity provider (even a null one:
    the reader then says the organization has no SAML single sign-on, rather than reading it as no PRs)."""
    return "samlIdentityProvider" in _owner(record)


def _emails(node: dict[str, Any]) -> list[str]:
    """A node's email addresses (lower-cased, trimmed): the SAML and SCIM emails, and a nameId that is one."""
    found = []
    for identity in ("samlIdentity", "scimIdentity"):
        attributes = json_object(node.get(identity))
        values = attributes.get("emails")
        for entry in values if isinstance(values, list) else []:
            value = json_object(entry).get("value")
            if isinstance(value, str):
                found.append(value)
        name_id = attributes.get("nameId")
        if identity == "samlIdentity" and isinstance(name_id, str):  # often an email, but may be an opaque id
            found.append(name_id)
    clean = [value.strip().lower() for value in found]
    return list(dict.fromkeys(value for value in clean if "@" in value))


def read_saml_identities(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """GitHub GraphQL ``externalIdentities`` pages: each linked identity's login with its emails."""
    document = load_json(data, name)
    pages = document if isinstance(document, list) else [document]
    nodes: list[object] = []
    for page in pages:
        connection = _identities(page)
        if connection is not None:
            nodes += connection_nodes(connection)
    report.rows = len(nodes)
    pairs: list[tuple[str, str]] = []
    for node in nodes:
        identity = json_object(node)
        login = json_object(identity.get("user")).get("login")
        if not isinstance(login, str) or not login.strip():
            report.skip("identity not linked to a GitHub account (user: null)", 1)
            continue
        emails = _emails(identity)
        if not emails:
            report.skip("identity without an email (no SAML or SCIM email, nameId not an email)", 1)
            continue
        pairs += [(login.strip().lower(), email) for email in emails]
    if not any(_identities(page) is not None for page in pages):
        raise InputFormatError("has no SAML identity provider (samlIdentityProvider is null): the organization "
                               "does not use SAML single sign-on, or the token may not read it; upload a CSV of "
                               "logins and emails from the client's HR or identity-provider list instead", file=name)
    if not nodes:
        raise InputFormatError("holds no external identities (its externalIdentities are empty); check that the "
                               "organization uses SAML single sign-on and the token may read it", file=name)
    report.name_columns("people", {"login": "user.login", "email": "samlIdentity.emails"})
    return _directory(name, pd.DataFrame(pairs, columns=["login", "email"]), report, rows=False)


def email_logins(people: pd.DataFrame) -> tuple[dict[str, str], int]:
    """Each email of the ``people`` table -> its login, and the number of emails left out because the files
    pair them with different logins (each file's own ambiguous emails are already out)."""
    if not len(people):
        return {}, 0
    pairs = people[["email", "login"]].drop_duplicates()
    counts = pairs["email"].value_counts()
    ambiguous = set(counts.index[counts.gt(1).to_numpy()])
    mapping = {email: login for email, login in zip(pairs["email"], pairs["login"]) if email not in ambiguous}
    return mapping, len(ambiguous)


__all__ = ["EMAIL", "LOGIN", "email_logins", "is_people_header", "is_saml_page", "near_miss", "read_pairs",
           "read_people_csv", "read_saml_identities"]
