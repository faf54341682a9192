"""Recognise an export's format from its content (never from its file name).

JSON: the keys of the first record (or the top-level object) decide.  CSV: the header row
(title rows above it are searched through).  XLSX: the estimates template, else a column
mapping is needed.  :data:`FORMATS` names every format with the reader that handles it.
"""

from __future__ import annotations

from collections.abc import Callable
import re
from dataclasses import dataclass

import pandas as pd

from roi import safety
from roi.errors import InputFormatError, NoRecordsError
from roi.ingest import ai_tools, copilot, devlake, fourkeys, github, gitlab, jira, people, template
from roi.ingest._common import (SourceReport, decode_text, find_column, first_json_value, first_record, header_row,
                               record_cells, sniff_lines_delimiter)

Reader = Callable[[str, bytes, SourceReport, str], dict[str, pd.DataFrame]]


@dataclass(frozen=True)
class Format:
    """A recognised export format: its id, a human name, and its reader."""

    id: str
    title: str
    reader: Reader


FORMATS: dict[str, Format] = {f.id: f for f in (
    Format("github_pulls", "GitHub REST pull requests (list or detail)", github.read_pulls),
    Format("github_reviews", "GitHub REST pull request reviews", github.read_reviews),
    Format("github_gh_cli", "gh pr list --json", github.read_gh),
    Format("github_graphql", "GitHub GraphQL pullRequests pages", github.read_gh),
    Format("gitlab_merge_requests", "GitLab merge requests API", gitlab.read_merge_requests),
    Format("gitlab_graphql", "GitLab GraphQL mergeRequests pages (with sizes)", gitlab.read_graphql),
    Format("gitlab_mr_notes", "GitLab merge request notes API (/merge_requests/:iid/notes)", gitlab.read_notes),
    Format("gitlab_deployments", "GitLab deployments API (/projects/:id/deployments)", gitlab.read_deployments),
    Format("gitlab_issues", "GitLab issues API (/projects/:id/issues)", gitlab.read_issues),
    Format("copilot_metrics", "GitHub Copilot metrics API (/copilot/metrics)", copilot.read_metrics),
    Format("copilot_usage_legacy", "GitHub Copilot usage API (retired /copilot/usage)", copilot.read_usage_legacy),
    Format("copilot_user_report", "GitHub Copilot usage report, users (NDJSON)", copilot.read_user_report),
    Format("copilot_org_report", "GitHub Copilot usage report, organisation", copilot.read_org_report),
    Format("copilot_report_links", "GitHub Copilot usage report download links", copilot.refuse_download_links),
    Format("copilot_seats", "GitHub Copilot seats (billing/seats)", copilot.read_seats),
    Format("copilot_seat_activity", "GitHub Copilot seat activity report (CSV from the access management page)",
           copilot.read_seat_activity),
    Format("cursor_usage", "Cursor Admin API daily usage (/teams/daily-usage-data)", ai_tools.read_cursor),
    Format("claude_code_usage", "Claude Code Analytics API usage report (/usage_report/claude_code)",
           ai_tools.read_claude_code),
    Format("jira_csv", "Jira CSV export", jira.read_jira),
    Format("fourkeys_deployments", "Four Keys deployments", fourkeys.read_deployments),
    Format("fourkeys_incidents", "Four Keys incidents", fourkeys.read_incidents),
    Format("fourkeys_changes", "Four Keys changes", fourkeys.read_changes),
    *(Format(fid, f"Apache DevLake {fid.removeprefix('devlake_')} table", reader)
      for fid, reader in devlake.READERS.items()),
    Format("estimates_template", "Estimates template", template.read_estimates),
    Format("people_csv", "People directory CSV (logins and emails)", people.read_people_csv),
    Format("github_saml_identities", "GitHub SAML identities (GraphQL externalIdentities pages)",
           people.read_saml_identities),
)}

EXPECTED = ("GitHub pulls/reviews JSON, gh or GraphQL output, GitLab merge requests (REST list or GraphQL pages), "
            "their notes, deployments or issues, Copilot metrics/usage/seats JSON or seat activity CSV, Cursor or Claude Code usage JSON, "
            "a Jira CSV export, Four Keys or DevLake tables, a people directory (a CSV of logins and emails, or GitHub "
            "SAML identities), or the estimates template")


def _json_format(text: str) -> str | None:
    stripped = text.lstrip()
    record = first_record(stripped)
    if record is not None and isinstance(record.get("data"), list):  # a page (or pages) of an AI tool's usage API
        found = ai_tools.page_format(record)
        if found is not None:
            return found
    if record is not None and people.is_saml_page(record):  # one page, pages in an array or concatenated
        return "github_saml_identities"  # GraphQL too: before the rule that takes any 'data' object for PRs
    if record is not None and gitlab.is_graphql_page(record):  # data.project/group.mergeRequests: likewise
        return "gitlab_graphql"
    if record is not None:  # one page, pages concatenated, or an array of pages (`gh api --paginate --slurp`)
        if "data" in record and isinstance(record["data"], dict):
            return "github_graphql"
        if "seats" in record or "total_seats" in record:
            return "copilot_seats"
        if "download_links" in record:
            return "copilot_report_links"
        if "day_totals" in record:
            return "copilot_org_report"
    if record is None:
        return None
    keys = set(record)
    if "number" in keys and "user" in keys and keys & {"merged_at", "head", "base", "created_at"}:
        return "github_pulls"
    if "state" in keys and ("pull_request_url" in keys or {"user", "submitted_at", "commit_id"} <= keys):
        return "github_reviews"
    if "number" in keys and keys & {"createdAt", "mergedAt", "isDraft", "author"}:
        return "github_gh_cli"
    if "deployable" in keys or {"iid", "sha", "ref", "environment"} <= keys:
        return "gitlab_deployments"
    if "iid" in keys and keys & {"issue_type", "task_completion_status"} and "source_branch" not in keys:
        return "gitlab_issues"  # issues also have iid, project_id and web_url: before the MR rule
    if "iid" in keys and keys & {"project_id", "merged_at", "web_url"}:
        return "gitlab_merge_requests"
    if "noteable_iid" in keys or {"noteable_type", "system", "body"} <= keys:
        return "gitlab_mr_notes"
    if "date" in keys and keys & {"total_active_users", "total_engaged_users", "copilot_ide_code_completions"}:
        return "copilot_metrics"
    if "day" in keys and keys & {"total_suggestions_count", "total_acceptances_count", "breakdown"}:
        return "copilot_usage_legacy"
    if "user_login" in keys and "day" in keys:
        return "copilot_user_report"
    if ai_tools.is_cursor_record(keys):
        return "cursor_usage"
    if ai_tools.is_claude_code_record(keys):
        return "claude_code_usage"
    if "deploy_id" in keys and "time_created" in keys:
        return "fourkeys_deployments"
    if "incident_id" in keys and "time_created" in keys:
        return "fourkeys_incidents"
    if "change_id" in keys and "time_created" in keys:
        return "fourkeys_changes"
    return None


def _csv_format(columns: list[str]) -> str | None:
    names = {c.strip() for c in columns}
    lower = {c.casefold() for c in names}
    for fid, required in devlake.HEADERS.items():
        if required <= names:
            return fid
    if {"deploy_id", "time_created"} <= lower:
        return "fourkeys_deployments"
    if {"incident_id", "time_created"} <= lower:
        return "fourkeys_incidents"
    if {"change_id", "time_created"} <= lower:
        return "fourkeys_changes"
    if template.is_template_header(columns):
        return "estimates_template"
    if jira.is_jira_header(columns):
        return "jira_csv"
    if copilot.is_activity_header(columns):  # a login without an email: before the people directory's rule
        return "copilot_seat_activity"
    if people.is_people_header(columns):  # last: any table with a login and an email column would do
        return "people_csv"
    return None


def near_miss(data: bytes) -> str | None:
    """For a CSV no format accepts: the format it almost is and the columns it lacks, if any.

    A Jira export whose 'Created' column was renamed, or a DevLake table exported without a
    column, should say so rather than be called an unknown format.
    """
    text = decode_text(data[:_PEEK], "export")
    if text.lstrip().startswith(("[", "{")):
        return None
    return header_near_miss(csv_header(text))


def json_near_miss(data: bytes) -> str | None:
    """For JSON no format accepts: what it almost is, what it lacks and how to export it with that, if known.

    GitHub REST pull requests slimmed without ``user`` (a ``jq`` or ``Select-Object`` that kept other fields)
    lack the field that tells them from other records; the author is what is missing, not the format.
    """
    text = decode_text(data[:_PEEK], "export").lstrip()
    record = first_record(text) if text.startswith(("[", "{")) else None
    if record is None:
        return None
    keys = set(record)
    if "number" in keys and "user" not in keys and keys & {"merged_at", "head", "base"}:
        return (f"looks like GitHub REST pull requests but has no 'user' (the PR's author); "
                f"{github.REST_PULLS_EXPORT}")
    return None


def header_near_miss(header: list[str]) -> str | None:
    """:func:`near_miss` of a table's header (a workbook's, or a file offered for a column mapping)."""
    columns = [c for c in header if c]
    names = {c.casefold() for c in columns}
    key = find_column(columns, *jira.KEY)
    if key is not None:
        return f"looks like a Jira CSV export ('{key}') but has no 'Created' column"
    for fid, required in devlake.HEADERS.items():
        present = {c for c in required if c.casefold() in names}
        if len(present) >= max(2, len(required) // 2 + 1):
            missing = ", ".join(f"'{c}'" for c in sorted(required - present))
            return f"looks like the DevLake {fid.removeprefix('devlake_')} table but has no {missing} column"
    for key, table in (("deploy_id", "deployments"), ("incident_id", "incidents"), ("change_id", "changes")):
        if key in names:
            return f"looks like the Four Keys {table} table but has no 'time_created' column"
    return people.near_miss(columns)


def csv_header(text: str) -> list[str]:
    """The header cells of CSV text, skipping title rows above a Jira header."""
    lines = text.splitlines()[:30]
    delimiter = sniff_lines_delimiter(lines)
    index = header_row(lines, delimiter, jira.is_jira_header)
    return [c.strip() for c in record_cells(lines[index] if lines else "", delimiter) or []]


_GITLAB_APPROVALS = frozenset({"approved_by", "approvals_left", "approvals_required", "user_has_approved"})
"""Keys of GitLab's MR approvals object, which also has the MR's iid, project_id and state."""

_PEEK = 262_144
"""Bytes read to recognise a format (a whole GitHub PR object is ~20 kB)."""


def detect(name: str, data: bytes) -> str | None:
    """The format id of an export, or ``None`` when the content is not one we know.

    Raises:
        InputFormatError: the file is empty.
    """
    if not data[:65536].strip() and not data.strip():  # the full scan only for a blank start
        raise NoRecordsError("is empty; export it again", file=name)
    if data[:4] == b"PK\x03\x04":
        frame = template.read_table(name, data)
        return "estimates_template" if template.is_template_header(frame.columns) else None
    text = decode_text(data[:_PEEK], name)
    stripped = text.lstrip()
    if re.match(r"HTTP/[0-9.]+ [0-9]{3}", stripped):
        # `curl -i` or `gh api -i` output: the response's status line and headers, then the JSON.
        raise InputFormatError(
            f"starts with the HTTP response's headers ({safety.quote(stripped.splitlines()[0], 40)}): it was saved "
            "with curl -i or gh api -i; save it again without -i, or delete the lines before the first [ or {",
            file=name)
    if stripped.startswith(("[", "{")):
        found = _json_format(stripped)
        if found is None and len(data) > _PEEK:  # a first record longer than the peek
            stripped = decode_text(data, name).lstrip()
            found = _json_format(stripped)
        if found is None and (empty := first_json_value(stripped)) in ([], {}, [[]]):
            what = "an empty JSON object" if empty == {} else "an empty JSON array"
            raise NoRecordsError(f"holds no records ({what}); export a period with data", file=name)
        if found == "gitlab_merge_requests" and set(first_record(stripped) or {}) & _GITLAB_APPROVALS:
            # It has an MR's iid, state and dates: it was read as one MR (merged, without merged_at) and skipped.
            raise InputFormatError(
                "is a GitLab merge request approvals response (/merge_requests/:iid/approvals), which this tool "
                "does not read; leave it out and upload the merge request list "
                "(/projects/:id/merge_requests?state=all), and for review times the MRs' notes "
                "(/merge_requests/:iid/notes), which date each comment and approval", file=name)
        return found
    return _csv_format(csv_header(text))
