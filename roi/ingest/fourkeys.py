"""Google Four Keys tables (``deployments``, ``incidents``, ``changes``) as CSV or NDJSON.

FORMATS.md §6.  BigQuery writes TIMESTAMPs as ``2025-01-15 08:16:15 UTC``.  The repeated
``changes`` field cannot be exported as CSV, so CSV files carry it as a JSON string
(``TO_JSON_STRING``) or a joined list (``ARRAY_TO_STRING`` with a comma, space or semicolon); NDJSON carries
arrays.
Every Four Keys deployment is a production deployment.  Deployments and incidents are keyed as Four Keys
keys them, by ``source`` and id (``github:101``, ``gitlab:101``); a change by its commit id alone, which
names one commit whichever system reported it (and is what deployments list in ``changes``).
"""

from __future__ import annotations

import json
import re

import pandas as pd

from roi.errors import InputFormatError
from roi.ingest._common import (SourceReport, decode_text, find_column, load_json, read_csv_text, require_columns,
                                timestamps)

DEPLOYMENT_COLUMNS = {"deploy_id": ("deploy_id",), "time_created": ("time_created",)}
INCIDENT_COLUMNS = {"incident_id": ("incident_id",), "time_created": ("time_created",),
                    "time_resolved": ("time_resolved",)}
CHANGE_COLUMNS = {"change_id": ("change_id",), "time_created": ("time_created",)}


def _frame(name: str, data: bytes, report: SourceReport) -> tuple[pd.DataFrame, int]:
    """The table and the row number of its first record (2 for CSV below a header, 1 for NDJSON)."""
    text = decode_text(data, name, report)
    if text.lstrip().startswith(("{", "[")):
        records = load_json(data, name)
        records = records if isinstance(records, list) else [records]
        return pd.DataFrame([r for r in records if isinstance(r, dict)]), 1
    return read_csv_text(text, name), 2


_SEPARATORS = re.compile(r"[\s,;]+")


def _changes(values: pd.Series, name: str, row_offset: int) -> list[list[str]]:
    """The repeated ``changes`` field: a list, a JSON array string, or text separated by commas, white space or
    semicolons (``ARRAY_TO_STRING(changes, ' ')``: commit ids hold none of them)."""
    out = []
    for position, value in enumerate(values.tolist()):
        if isinstance(value, list):
            out.append([str(v) for v in value])
        elif value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
            out.append([])
        elif str(value).strip().startswith("["):
            try:
                out.append([str(v) for v in json.loads(value)])
            except (json.JSONDecodeError, RecursionError, TypeError):
                raise InputFormatError(f"'{str(value)[:40]}…' is not a JSON array of commit ids", file=name,
                                       row=position + row_offset, column="changes") from None
        else:
            out.append([v for v in _SEPARATORS.split(str(value)) if v])
    return out


def _keys(frame: pd.DataFrame, column: str) -> pd.Series:
    """Each row's key as Four Keys' tables key it, ``source`` and id, written ``github:101``: GitHub's
    deployment 101 and GitLab's 101 are two deployments.  Without a ``source`` column, the id alone."""
    ids = frame[column].astype(str)
    source = find_column(frame.columns, "source")
    if source is None:
        return ids
    systems = frame[source].fillna("").astype(str).str.strip()
    return ids.where(systems.eq(""), systems + ":" + ids)


def _links(ids: pd.Series, changes: list[list[str]], id_column: str) -> pd.DataFrame:
    lengths = [len(c) for c in changes]
    return pd.DataFrame({id_column: ids.astype(str).repeat(lengths).to_numpy(),
                         "sha": [sha for c in changes for sha in c]})


def read_deployments(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    frame, offset = _frame(name, data, report)
    report.rows = len(frame)
    cols = require_columns(frame, name, "a Four Keys deployments table", DEPLOYMENT_COLUMNS)
    report.name_columns("deployments", {"deploy_id": cols["deploy_id"], "deployed_at": cols["time_created"]})
    deployed = timestamps(frame[cols["time_created"]], name, cols["time_created"], report, timezone=timezone,
                          row_offset=offset, required=True, in_header=True)
    ids = _keys(frame, cols["deploy_id"])
    out = {"deployments": pd.DataFrame({"source": name, "deploy_id": ids, "deployed_at": deployed})}
    if "changes" in frame:
        out["deployment_changes"] = _links(ids, _changes(frame["changes"], name, offset), "deploy_id")
    elif "main_commit" in frame:
        out["deployment_changes"] = pd.DataFrame({"deploy_id": ids, "sha": frame["main_commit"].astype(str)})
    report.tables.add("deployments")
    return out


def read_incidents(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    frame, offset = _frame(name, data, report)
    report.rows = len(frame)
    cols = require_columns(frame, name, "a Four Keys incidents table", INCIDENT_COLUMNS)
    report.name_columns("incidents", {"incident_id": cols["incident_id"], "created_at": cols["time_created"],
                                      "resolved_at": cols["time_resolved"]})
    ids = _keys(frame, cols["incident_id"])
    out = {"incidents": pd.DataFrame({
        "source": name, "incident_id": ids,
        "created_at": timestamps(frame[cols["time_created"]], name, cols["time_created"], report,
                                 timezone=timezone, row_offset=offset, required=True, in_header=True),
        "resolved_at": timestamps(frame[cols["time_resolved"]], name, cols["time_resolved"], report,
                                  timezone=timezone, row_offset=offset),
    })}
    if "changes" in frame:
        out["incident_changes"] = _links(ids, _changes(frame["changes"], name, offset), "incident_id")
    report.tables.add("incidents")
    return out


def read_changes(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    frame, offset = _frame(name, data, report)
    report.rows = len(frame)
    cols = require_columns(frame, name, "a Four Keys changes table", CHANGE_COLUMNS)
    report.name_columns("changes", {"sha": cols["change_id"], "committed_at": cols["time_created"]})
    report.tables.add("changes")
    return {"changes": pd.DataFrame({
        "source": name, "sha": frame[cols["change_id"]].astype(str),
        "committed_at": timestamps(frame[cols["time_created"]], name, cols["time_created"], report,
                                   timezone=timezone, row_offset=offset, required=True, in_header=True),
    })}
