"""Apache DevLake domain-layer tables exported as CSV.

FORMATS.md §5: ``pull_requests``, ``pull_request_comments``, ``cicd_deployments``,
``cicd_deployment_commits``, ``issues``, ``incidents``.  Timestamps look like
``2018-07-25T08:19:30.000+00:00``; line counts are whole numbers (an Excel re-save's ``2.220`` is refused,
not read as 2.22).  Read with pyarrow's CSV reader, only the columns used, so a
million-row ``pull_requests`` table costs about what parsing it does.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from roi.errors import InputFormatError
from roi.ingest._common import (SourceReport, absent_throughout, check_authors, decode_text, decompress, numbers, refuse_repeated_header,
                                sniff_delimiter, source_column, timestamps, work_item_tables)
from roi.ingest.identity import agent_mask, ai_evidence, bot_mask

HEADERS = {
    "devlake_pull_requests": {"base_repo_id", "author_name", "created_date", "merged_date", "pull_request_key"},
    "devlake_pull_request_comments": {"pull_request_id", "account_id", "created_date", "type"},
    "devlake_cicd_deployment_commits": {"cicd_deployment_id", "commit_sha", "environment", "result"},
    "devlake_cicd_deployments": {"cicd_scope_id", "environment", "result", "finished_date"},
    "devlake_issues": {"issue_key", "type", "status", "created_date", "resolution_date"},
    "devlake_incidents": {"incident_key", "created_date", "resolution_date"},
    "devlake_accounts": {"id", "user_name", "full_name", "avatar_url"},
}
"""Columns that identify each table (checked in this order: commits before deployments)."""

_KINDS = {"BUG": "bug", "INCIDENT": "incident", "REQUIREMENT": "story", "STORY": "story", "TASK": "task",
          "SUBTASK": "subtask", "SUB_TASK": "subtask", "EPIC": "epic"}

PR_ID_MAP = "_devlake_pr_ids"
"""Internal table: DevLake PR ``id`` → (repo, number), to attach comments to their PRs."""

ACCOUNT_NAMES = "_devlake_account_names"
"""Internal table: DevLake account id (``github:GithubAccount:1:7496278``) → login: ``account_id``, ``login`` and
``rank`` (0: from the ``accounts`` table, 1: from a PR's ``author_id``/``author_name``).  Comments name their
author by account id only: without it a PR author's reply could not be told from a review, nor a bot from a
person."""

REVIEWER_IDS = "_devlake_reviewer_ids"
"""Internal table: the distinct ``account_id`` of a comments file (``source``, ``reviewer``), in the order of the
codes of :data:`REVIEWER_CODE`, found in its reading thread: reviewers are renamed (:data:`ACCOUNT_NAMES`) per
distinct id, and only in files that name one by an id it pairs."""

REVIEWER_CODE = "_reviewer_code"
"""Column of a DevLake comments file's reviews: each review's code into :data:`REVIEWER_IDS` (-1: no account id);
not a canonical column, so the dataset leaves it out."""

DEPLOYED_REPOS = "_devlake_deployed_repos"
"""Internal table: the repositories each kept deployment deployed (``deploy_id``, ``repo``), to ship every PR
merged before it (:func:`roi.ingest.ship_merged_prs`)."""

ACCOUNT_ID = r"^[A-Za-z]+:[A-Za-z]*Account:\d+:"
"""A DevLake account id (``github:GithubAccount:1:7496278``, ``gitlab:GitlabAccount:2:17``)."""


_TIME = pa.timestamp("us", tz="UTC")
"""Times the CSV parser reads itself, on both cores, when every value has an offset (DevLake's do)."""


def _table(name: str, data: bytes, report: SourceReport, wanted: list[str], optional: Sequence[str] = (),
           times: tuple[str, ...] = ()) -> pa.Table:
    """The columns ``wanted`` (required) and ``optional`` (when present) as text, ``times`` as UTC times.

    When the times do not parse (no offset, a date only, a typo) the file is parsed again as text
    and :func:`~roi.ingest._common.timestamps` reads them, or names the value it cannot read.  A
    table that is not UTF-8 (Excel on Windows saves Windows-1252) is decoded as
    :func:`~roi.ingest._common.decode_text` does, with its note, and parsed again.
    """
    data = decompress(data)
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    elif data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16, Excel's "Unicode text": Arrow reads UTF-8 only
        data = decode_text(data, name).encode("utf-8")
    first_line = data[: data.find(b"\n")].decode("utf-8", "replace").strip()
    delimiter = sniff_delimiter(first_line)  # Excel re-saves with ';' or tabs
    header = [h.strip().strip('"') for h in first_line.split(delimiter)]
    for column in wanted:
        if column not in header:
            raise InputFormatError(f"looks like a DevLake table but has no '{column}' column; export the whole table",
                                   file=name, column=column)
    include = [c for c in (*wanted, *optional) if c in header]
    text = {c: pa.string() for c in include}
    typed = {**text, **{c: _TIME for c in times if c in text}}
    attempts = [(typed, pa_csv.ParseOptions(delimiter=delimiter))] if typed != text else []
    # Parallel parse; a quoted line break cut at a block boundary fails loudly, then the safe parse.
    attempts += [(text, pa_csv.ParseOptions(delimiter=delimiter)),
                 (text, pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=True))]
    for number, (types, parse) in enumerate(attempts, start=1):
        convert = pa_csv.ConvertOptions(include_columns=include, column_types=types, strings_can_be_null=True,
                                        null_values=_NULLS)
        try:
            table = pa_csv.read_csv(pa.BufferReader(data), convert_options=convert, parse_options=parse)
            if types is text:  # a header row among the data cannot pass the typed parse of the times
                _refuse_repeated_header(table, name)
            return table
        except pa.ArrowInvalid as error:
            if "invalid UTF8" in str(error):  # Arrow reads UTF-8 only
                return _table(name, decode_text(data, name, report).encode("utf-8"), report, wanted, optional,
                              times)
            if number == len(attempts):
                raise InputFormatError(f"cannot be read as CSV ({error})", file=name) from None
        except pa.ArrowKeyError as error:  # the header holds control characters or quotes our check did not see
            raise InputFormatError(f"has a header Arrow reads differently ({error}); export the table again",
                                   file=name) from None
    raise AssertionError("unreachable: the last attempt returns or raises")


_NULLS = [*pa_csv.ConvertOptions().null_values, "\\N"]
"""Arrow's empty values ("", NULL, null, N/A …) and MySQL's ``\\N``, which ``SELECT … INTO OUTFILE`` and
``mysqldump --tab`` write for NULL: a DevLake table dumped so was refused on "'\\N' is not a date-time"."""


def _refuse_repeated_header(table: pa.Table, name: str) -> None:
    """A second header row among the data (tables joined with ``cat``): named, not reported as a bad date."""
    first = table.column_names[0]
    if not pa.types.is_string(table.schema.field(first).type):
        return
    cells = pc.utf8_lower(pc.utf8_trim(table.column(first), characters=' \t"\ufeff'))
    if pc.any(pc.equal(cells, first.lower())).as_py():  # rare: only then are the rows compared in full
        refuse_repeated_header(table.to_pandas(), name, first_row=2)


def _text(table: pa.Table, column: str) -> pd.Series:
    if column not in table.column_names:
        return pd.Series(pd.NA, index=range(table.num_rows), dtype="str")
    return table.column(column).to_pandas()


def _pr_ids(table: pa.Table) -> pd.Series:
    """The comments' PR ids as a categorical: a PR's comments repeat its id, so the join that finds
    their PRs hashes each distinct id once (encoded here, in the file's reading thread)."""
    ids = table.column("pull_request_id").combine_chunks().dictionary_encode()
    return pd.Series(pd.Categorical.from_codes(ids.indices.fill_null(-1).to_numpy(),
                                               categories=pd.Index(ids.dictionary.to_pandas())))


def _ints(table: pa.Table, column: str, name: str, *, required: bool = False) -> np.ndarray:
    """A column of whole numbers (lines added, a PR's number) as floats, NaN where empty.

    DevLake writes plain digits, which Arrow casts in C++.  Anything else (a table re-saved by Excel) is read
    by :func:`~roi.ingest._common.numbers`, which refuses what is not a whole number with its row: a German
    Excel writes 2220 as ``2.220``, which a decimal point reads as 2.22 lines.
    """
    if column not in table.column_names:
        return np.full(table.num_rows, np.nan)
    try:
        values = pc.cast(pc.cast(table.column(column), pa.int64()), pa.float64()).to_numpy(zero_copy_only=False)
    except pa.ArrowInvalid:
        values = numbers(_text(table, column).fillna(""), name, column, row_offset=2, whole=True).to_numpy()
    empty = np.isnan(values)
    if required and empty.any():
        raise InputFormatError("is empty; every row needs a whole number here", file=name,
                               row=int(np.flatnonzero(empty)[0]) + 2, column=column)
    return values


def _flag(table: pa.Table, column: str) -> np.ndarray:
    return _text(table, column).fillna("").str.strip().str.lower().isin(["1", "true", "t", "yes"]).to_numpy()


def read_pull_requests(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    table = _table(name, data, report, ["id", "base_repo_id", "author_name", "created_date", "merged_date",
                                "pull_request_key"],
                   ["closed_date", "additions", "deletions", "is_draft", "merge_commit_sha", "head_ref", "status",
                    "title", "description", "author_id"], times=("created_date", "merged_date", "closed_date"))
    report.rows = table.num_rows
    report.name_columns("pull_requests", {
        "repo": "base_repo_id", "number": "pull_request_key", "created_at": "created_date",
        "merged_at": "merged_date",
        "closed_at": "closed_date" if "closed_date" in table.column_names else "merged_date"})
    ts = {c: timestamps(table.column(c), name, c, report, timezone=timezone, row_offset=2)
          for c in ("created_date", "merged_date", "closed_date") if c in table.column_names}
    status = _text(table, "status").fillna("").str.upper()
    merged = ts["merged_date"]
    if "closed_date" not in ts:
        ts["closed_date"] = merged
    login = _text(table, "author_name")
    check_authors(login, name, report, field="author_name", what="PR", export_with=(
        "export the table with its author_name column filled (SELECT * FROM pull_requests)"))
    labels = pd.Series("", index=login.index)
    frame = pd.DataFrame({
        "source": source_column(name, table.num_rows), "repo": _text(table, "base_repo_id").fillna(""),
        "number": _ints(table, "pull_request_key", name, required=True).astype(np.int64),
        "author": login.fillna("ghost"), "author_is_bot": bot_mask(login).to_numpy(),
        "ai_agent": agent_mask(login, _text(table, "head_ref")).to_numpy(), "assignee": None,
        "is_draft": _flag(table, "is_draft"), "created_at": ts["created_date"],
        "merged_at": merged.where(~status.eq("OPEN").to_numpy()), "closed_at": ts["closed_date"],
        "additions": _ints(table, "additions", name), "deletions": _ints(table, "deletions", name),
        "labels": labels, "ai_evidence": ai_evidence(labels, _text(table, "description")),
        "merge_commit_sha": _text(table, "merge_commit_sha"),
    })
    if "created_date" in ts and len(frame) and ts["created_date"].isna().all():  # the whole column: not row 1's
        raise absent_throughout(name, "created_date", len(frame), in_header=True)
    if "created_date" in ts and ts["created_date"].isna().any():
        row = int(np.flatnonzero(ts["created_date"].isna().to_numpy())[0]) + 2
        raise InputFormatError("is empty; every pull request needs its creation date", file=name, row=row,
                               column="created_date")
    ids = pd.DataFrame({"pr_id": _text(table, "id"), "repo": frame["repo"], "number": frame["number"]})
    report.tables.add("pull_requests")
    return {"pull_requests": frame, PR_ID_MAP: ids, ACCOUNT_NAMES: _account_names(_text(table, "author_id"), login, rank=1)}


def _account_names(ids: pd.Series, logins: pd.Series, rank: int) -> pd.DataFrame:
    """(account id, login) once per account, where both are given; ``rank`` orders the sources (lower first).
    100,000 PRs have a few thousand authors: each id's first row with a login is found, then only those are
    cleaned."""
    given = (ids.notna() & logins.notna()).to_numpy()
    if not given.all():
        ids, logins = ids[given], logins[given]
    codes, uniques = pd.factorize(ids)
    first = np.empty(len(uniques), np.intp)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write to a code is its first row
    pairs = pd.DataFrame({"account_id": ids.iloc[first].str.strip().to_numpy(object),
                          "login": logins.iloc[first].str.strip().to_numpy(object)})
    pairs = pairs[pairs["account_id"].ne("").to_numpy() & pairs["login"].ne("").to_numpy()]
    return pairs.drop_duplicates("account_id").reset_index(drop=True).assign(rank=rank)


def read_pull_request_comments(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """Review rows (``type = REVIEW``) become reviews; other comments are counted and left out."""
    table = _table(name, data, report, ["pull_request_id", "account_id", "created_date", "type"], ["status"],
                   times=("created_date",))
    report.rows = table.num_rows
    report.name_columns("reviews", {"submitted_at": "created_date"})
    kind = table.column("type")
    is_review = pc.fill_null(pc.equal(kind, "REVIEW"), False).to_numpy(zero_copy_only=False)
    if not is_review.all():  # DevLake writes REVIEW; other spellings are rare, so normalise only then
        is_review = pc.fill_null(pc.equal(pc.utf8_upper(pc.utf8_trim_whitespace(kind)), "REVIEW"), False) \
            .to_numpy(zero_copy_only=False)
    report.skip("comment that is not a review (type NORMAL or DIFF)", int((~is_review).sum()))
    # Times before the filter, so an unreadable one is reported with its row in the file.
    submitted = timestamps(table.column("created_date"), name, "created_date", report, timezone=timezone,
                           row_offset=2)
    if not is_review.all():  # a review-only export (the usual one) is not copied
        submitted = submitted[is_review]
        table = table.filter(pa.array(is_review))
    reviewer = _text(table, "account_id")
    codes, uniques = pd.factorize(reviewer)  # 300,000 comments by a few thousand accounts: each looked at once
    ids = pd.Series(uniques, dtype=object)
    frame = pd.DataFrame({
        "source": source_column(name, table.num_rows), "repo": _pr_ids(table),
        "number": np.full(table.num_rows, -1, np.int64),
        "reviewer": reviewer.fillna("ghost"), "reviewer_is_bot": np.append(bot_mask(ids).to_numpy(), False)[codes],
        "state": _text(table, "status").fillna("").str.upper(),
        "submitted_at": submitted.reset_index(drop=True),
        REVIEWER_CODE: codes,
    })
    report.tables.add("reviews")
    return {"reviews": frame, REVIEWER_IDS: pd.DataFrame({"source": name, "reviewer": ids})}


def read_accounts(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """The ``accounts`` table: the login (``user_name``) of each account id the comments name their authors by."""
    table = _table(name, data, report, ["id", "user_name"])
    report.rows = table.num_rows
    names = _account_names(_text(table, "id"), _text(table, "user_name"), rank=0)
    report.skip("account without a user_name", table.num_rows - len(names))
    return {ACCOUNT_NAMES: names}


def _deployment_frame(name: str, table: pa.Table, id_column: str, report: SourceReport,
                      timezone: str) -> tuple[pd.DataFrame, np.ndarray]:
    environment = _text(table, "environment").fillna("").str.upper()
    result = _text(table, "result").fillna("").str.upper()
    production = environment.eq("PRODUCTION").to_numpy()
    success = result.eq("SUCCESS").to_numpy()
    report.skip("not a production deployment", int((~production).sum()))
    report.skip("deployment did not succeed (result is not SUCCESS)", int((production & ~success).sum()))
    keep = production & success
    when = None
    for column in ("finished_date", "started_date", "created_date"):
        if column in table.column_names:
            values = timestamps(table.column(column), name, column, report, timezone=timezone, row_offset=2)
            when = values if when is None else when.fillna(values)
    if when is None:
        raise InputFormatError("has no finished_date column; export the whole table", file=name,
                               column="finished_date")
    first = next(c for c in ("finished_date", "started_date", "created_date") if c in table.column_names)
    report.name_columns("deployments", {"deploy_id": id_column, "deployed_at": first})
    no_time = when.isna().to_numpy() & keep
    report.skip("deployment without a finish time", int(no_time.sum()))
    keep &= ~no_time
    frame = pd.DataFrame({"source": name, "deploy_id": _text(table, id_column), "deployed_at": when})
    return frame, keep


def read_cicd_deployments(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    table = _table(name, data, report, ["id", "environment", "result"],
                   ["finished_date", "started_date", "created_date"])
    report.rows = table.num_rows
    frame, keep = _deployment_frame(name, table, "id", report, timezone)
    report.tables.add("deployments")
    return {"deployments": frame[keep]}


def read_cicd_deployment_commits(name: str, data: bytes, report: SourceReport,
                                 timezone: str) -> dict[str, pd.DataFrame]:
    """One row per deployed commit: the deployments (once each) and the commits they shipped."""
    table = _table(name, data, report, ["cicd_deployment_id", "commit_sha", "environment", "result"],
                   ["finished_date", "started_date", "created_date", "repo_id"])
    report.rows = table.num_rows
    frame, keep = _deployment_frame(name, table, "cicd_deployment_id", report, timezone)
    links = pd.DataFrame({"deploy_id": frame["deploy_id"], "sha": _text(table, "commit_sha")})[keep]
    repos = pd.DataFrame({"deploy_id": frame["deploy_id"], "repo": _text(table, "repo_id").str.strip()})[keep]
    repos = repos[repos["repo"].fillna("").ne("").to_numpy()].drop_duplicates()
    report.tables.add("deployments")
    return {"deployments": frame[keep].drop_duplicates("deploy_id"), "deployment_changes": links,
            DEPLOYED_REPOS: repos}


def read_issues(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    table = _table(name, data, report, ["issue_key", "type", "status", "created_date", "resolution_date"],
                   ["story_point", "assignee_name"])
    report.rows = table.num_rows
    report.name_columns("work_items", {"key": "issue_key", "created_at": "created_date",
                                       "resolved_at": "resolution_date"})
    kind = _text(table, "type").fillna("").str.upper().map(_KINDS).fillna("other")
    created = timestamps(table.column("created_date"), name, "created_date", report, timezone=timezone,
                         row_offset=2, required=True, in_header=True)
    resolved = timestamps(table.column("resolution_date"), name, "resolution_date", report, timezone=timezone,
                          row_offset=2)
    items = pd.DataFrame({
        "source": name, "key": _text(table, "issue_key"), "kind": kind,
        "done": _text(table, "status").fillna("").str.upper().eq("DONE").to_numpy(),
        "created_at": created, "resolved_at": resolved,
        "story_points": pd.to_numeric(_text(table, "story_point"), errors="coerce"),
        "assignee": _text(table, "assignee_name"),
    })
    return work_item_tables(name, items, report)


def read_incidents(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    table = _table(name, data, report, ["incident_key", "created_date", "resolution_date"])
    report.rows = table.num_rows
    report.name_columns("incidents", {"incident_id": "incident_key", "created_at": "created_date",
                                      "resolved_at": "resolution_date"})
    report.tables.add("incidents")
    return {"incidents": pd.DataFrame({
        "source": name, "incident_id": _text(table, "incident_key"),
        "created_at": timestamps(table.column("created_date"), name, "created_date", report, timezone=timezone,
                                 row_offset=2, required=True, in_header=True),
        "resolved_at": timestamps(table.column("resolution_date"), name, "resolution_date", report,
                                  timezone=timezone, row_offset=2),
    })}


READERS = {
    "devlake_pull_requests": read_pull_requests,
    "devlake_pull_request_comments": read_pull_request_comments,
    "devlake_cicd_deployment_commits": read_cicd_deployment_commits,
    "devlake_cicd_deployments": read_cicd_deployments,
    "devlake_issues": read_issues,
    "devlake_incidents": read_incidents,
    "devlake_accounts": read_accounts,
}
