"""GitLab merge requests (``GET /projects/:id/merge_requests?state=all``).

FORMATS.md §3.  ``iid`` is the MR number; timestamps have milliseconds (``…43.743Z``); a
list has no line counts (``changes_count`` is a string of files, detail only), so MR sizes stay
empty; approvals live elsewhere (``/approvals``), so there are no reviews.  Bot users created by
project or group access tokens are named ``project_<id>_bot_…`` / ``group_<id>_bot_…``.
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from roi.errors import InputFormatError
from roi.ingest._common import SourceReport, column, records_table, timestamps
from roi.ingest.identity import agent_mask, ai_evidence, bot_mask

MR_SCHEMA = pa.schema([
    ("iid", pa.int64()), ("project_id", pa.int64()), ("state", pa.string()), ("draft", pa.bool_()),
    ("work_in_progress", pa.bool_()), ("created_at", pa.string()), ("merged_at", pa.string()),
    ("closed_at", pa.string()), ("author", pa.struct([("username", pa.string())])),
    ("labels", pa.list_(pa.string())), ("source_branch", pa.string()), ("merge_commit_sha", pa.string()),
    ("squash_commit_sha", pa.string()), ("web_url", pa.string()), ("description", pa.string()),
])


def read_merge_requests(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    table = records_table(data, MR_SCHEMA, name)
    report.rows = table.num_rows
    report.name_columns("pull_requests", {"number": "iid"})
    iid = column(table, "iid")
    if iid.null_count:
        row = pc.index(pc.is_null(iid), True).as_py() + 1
        raise InputFormatError("has no merge request 'iid'", file=name, row=row, column="iid")
    project = pc.struct_field(pc.extract_regex(column(table, "web_url"), r"https?://[^/]+/(?P<p>.+?)/-/merge_requests/"),
                              "p")
    repo = pd.Series(pc.coalesce(project, pc.cast(column(table, "project_id"), pa.string())).to_pandas(),
                     dtype="object").fillna("")
    login = pd.Series(column(table, "author.username").to_pandas())
    labels = pd.Series(pc.binary_join(column(table, "labels"), ",").to_pandas()).fillna("")
    state = pd.Series(column(table, "state").to_pandas()).fillna("").str.lower()
    merged = timestamps(column(table, "merged_at"), name, "merged_at", report, timezone=timezone)
    draft = pc.fill_null(pc.or_kleene(column(table, "draft"), column(table, "work_in_progress")), False)
    frame = pd.DataFrame({
        "source": name, "repo": repo, "number": iid.to_numpy(), "author": login.fillna("ghost"),
        "author_is_bot": (bot_mask(login) | login.fillna("").str.match(r"^(project|group)_\d+_bot")).to_numpy(),
        "ai_agent": agent_mask(login, pd.Series(column(table, "source_branch").to_pandas())).to_numpy(),
        "assignee": None, "is_draft": draft.to_numpy(zero_copy_only=False),
        "created_at": timestamps(column(table, "created_at"), name, "created_at", report, timezone=timezone,
                                 required=True),
        "merged_at": merged.where(state.eq("merged").to_numpy() | merged.notna().to_numpy()),
        "closed_at": timestamps(column(table, "closed_at"), name, "closed_at", report, timezone=timezone),
        "additions": float("nan"), "deletions": float("nan"), "labels": labels,
        "ai_evidence": ai_evidence(labels, pd.Series(column(table, "description").to_pandas())),
        "merge_commit_sha": pd.Series(pc.coalesce(column(table, "merge_commit_sha"),
                                                  column(table, "squash_commit_sha")).to_pandas()),
    })
    merged_without_time = state.eq("merged") & frame["merged_at"].isna()
    if merged_without_time.any():
        report.note(f"{int(merged_without_time.sum())} merged MR(s) without merged_at (GitLab before 13.x): "
                    "their closed_at is used as the merge time")
        frame.loc[merged_without_time.to_numpy(), "merged_at"] = frame.loc[merged_without_time.to_numpy(), "closed_at"]
    report.note("GitLab MR lists carry no line counts and no approvals: PR size and review times stay empty")
    report.tables.add("pull_requests")
    return {"pull_requests": frame}
