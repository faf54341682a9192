"""Cursor and Claude Code usage exports: per person and UTC day, into ``ai_user_days``.

FORMATS.md §8.  Both APIs answer with pages ``{"data": [...], ...}``; a file may hold one page,
an array of pages, pages as NDJSON, or the ``data`` records themselves.  People are named by
email, read lower-cased and trimmed; the pull requests name them by login, and the metrics
match the two exactly or through the people directory (``roi.ingest.people``; see
``roi.metrics._ai_users``), never by guessing a login from an email's local part.

Cursor (``POST /teams/daily-usage-data``): ``date`` is epoch milliseconds, read as a UTC calendar
day.  ``active`` is ``isActive``; suggestions and acceptances are ``totalTabsShown`` and
``totalTabsAccepted``: Tab completions, the analogue of Copilot's code completions, so a Cursor
ai_acceptance_rate is a completion acceptance rate like Copilot's.  Chat, composer, agent and
apply counts feed no rate.

Claude Code (``GET /v1/organizations/usage_report/claude_code``): one record per actor and day.
``api_actor`` records are usage by an API key, not a person, and are skipped and counted.  A person
is active on a day with ``core_metrics.num_sessions`` > 0 or any accepted or rejected tool action.
The ``tool_actions`` accept/reject counts are approvals of whole file edits the agent proposed, not
inline completions: mixed into one rate with Copilot's or Cursor's completions they would give a
number that is neither, so Claude Code's suggestions and acceptances are left unknown (null) and
it contributes to ai_active_users only (the file's notes say how many edits were accepted).

Claude Code's ``model_breakdown[].estimated_cost`` (``amount`` in cents of ``currency``) becomes the
user-day's ``cost`` [currency], for organisations billed by API usage (``customer_type`` ``api``) only:
on a subscription the same field values the usage at API prices, which the seat already pays for,
so those user-days keep no cost (a note says so).  ``roi.usage_cost`` turns the costs into a
measured usage billing per active developer-month.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from roi.errors import InputFormatError, NoRecordsError
from roi.ingest._common import EARLIEST_DATE, LATEST_DATE, SourceReport, load_json, timestamps
from roi.ingest.copilot import _count, _note_more_accepted_than_suggested, _objects
from roi.safety import quote

CURSOR_KEYS = frozenset({"isActive", "totalTabsShown", "totalTabsAccepted", "acceptedLinesAdded",
                         "composerRequests", "agentRequests", "mostUsedModel"})
"""Fields of a Cursor daily-usage record (with ``date`` and ``email``, two of these identify one)."""

CLAUDE_CODE_KEYS = frozenset({"actor", "core_metrics", "tool_actions", "terminal_type", "model_breakdown"})
"""Fields of a Claude Code usage record (``actor`` and one more of these identify one)."""

TOOLS = ("edit_tool", "multi_edit_tool", "write_tool", "notebook_edit_tool")
"""The Claude Code tools whose accepted/rejected counts are reported."""


def is_cursor_record(keys: set[str]) -> bool:
    return {"date", "email"} <= keys and len(keys & CURSOR_KEYS) >= 2


def is_claude_code_record(keys: set[str]) -> bool:
    return "actor" in keys and len(keys & CLAUDE_CODE_KEYS) >= 2


def page_format(page: dict[str, Any]) -> str | None:
    """The format of one API response page ``{"data": [...]}`` (None: not one of these)."""
    data = page.get("data")
    if not isinstance(data, list):
        return None
    first = next((r for r in data if isinstance(r, dict)), None)
    if first is not None:
        keys = set(first)
        return "cursor_usage" if is_cursor_record(keys) else "claude_code_usage" if is_claude_code_record(keys) \
            else None
    if data:
        return None
    if "period" in page:  # an empty Cursor page: the period asked for had no usage
        return "cursor_usage"
    if {"has_more", "next_page"} & set(page):
        return "claude_code_usage"
    return None


def _records(name: str, data: bytes, what: str) -> list[dict[str, Any]]:
    """The usage records of every page (or the records themselves), in file order."""
    document = load_json(data, name)
    values = document if isinstance(document, list) else [document]
    records: list[dict[str, Any]] = []
    for value in values:
        if isinstance(value, dict) and isinstance(value.get("data"), list):
            records += [r for r in value["data"] if isinstance(r, dict)]
        elif isinstance(value, dict):
            records.append(value)
    if not records:
        raise NoRecordsError(f"holds no {what} records (its 'data' is empty); export a period with usage",
                             file=name)
    return records


def _email(value: Any) -> str | None:
    return value.strip().lower() or None if isinstance(value, str) else None


def _epoch_day(value: Any, name: str, row: int) -> pd.Timestamp:
    """Cursor's ``date`` (epoch milliseconds, a number or digits) as its UTC calendar day."""
    if value is None or value == "":
        raise InputFormatError("is missing; every usage record needs its day (epoch milliseconds); export it "
                               "again", file=name, row=row, column="date")
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        if isinstance(value, str):  # an ISO date, as a re-saved file may hold
            return timestamps(pd.Series([value], dtype="object"), name, "date", row_offset=row).iloc[0].floor("D")
        raise InputFormatError(f"{quote(repr(value))} is not a date; expected epoch milliseconds such as "
                               "1735689600000", file=name, row=row, column="date")
    day = pd.Timestamp(int(value), unit="ms", tz="UTC") if EARLIEST_DATE.value // 10**6 <= value \
        < LATEST_DATE.value // 10**6 else None
    if day is None:
        raise InputFormatError(f"{quote(repr(value))} is not a plausible date in epoch milliseconds (2000 to 2200; "
                               "seconds instead of milliseconds?)", file=name, row=row, column="date")
    return day.floor("D")


def _iso_days(values: list[Any], name: str) -> pd.Series:
    """Claude Code's ``date`` (``YYYY-MM-DD`` or an ISO time) as UTC calendar days; every record needs one."""
    for row, value in enumerate(values, start=1):
        if value is None or (isinstance(value, str) and not value.strip()):
            raise InputFormatError("is missing; every usage record needs its day; export it again", file=name,
                                   row=row, column="date")
    return timestamps(pd.Series(values, dtype="object"), name, "date", required=True).dt.floor("D")


def read_cursor(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """Cursor Admin API ``/teams/daily-usage-data`` pages: one record per person and day.

    ``active`` = ``isActive`` (absent: any Tab acceptance or request that day); suggestions and
    acceptances = ``totalTabsShown`` and ``totalTabsAccepted`` (Tab completions, like Copilot's code
    completions; absent: unknown).
    """
    records = _records(name, data, "Cursor usage")
    report.rows = len(records)
    rows = []
    for row, record in enumerate(records, start=1):
        day = _epoch_day(record.get("date"), name, row)
        shown, accepted = (_count(record, key, name, row) for key in ("totalTabsShown", "totalTabsAccepted"))
        flag = record.get("isActive")
        if flag is not None and not isinstance(flag, bool):
            raise InputFormatError(f"should be true or false, got {quote(repr(flag))}; export the file again",
                                   file=name, row=row, column="isActive")
        if flag is None:
            requests = ("totalTabsAccepted", "totalApplies", "composerRequests", "chatRequests", "agentRequests",
                        "cmdkUsages")
            flag = any((_count(record, key, name, row) or 0) > 0 for key in requests)
        rows.append((day, _email(record.get("email")), flag, shown, accepted))
    frame = pd.DataFrame(rows, columns=["date", "user", "active", "suggestions", "acceptances"])
    no_user = frame["user"].isna()
    report.skip("record without an email", int(no_user.sum()))
    report.name_columns("ai_user_days", {"user": "email", "active": "isActive", "suggestions": "totalTabsShown",
                                         "acceptances": "totalTabsAccepted"})
    out = frame[~no_user.to_numpy()].assign(source=name)
    out["suggestions"] = out["suggestions"].astype("float64")
    out["acceptances"] = out["acceptances"].astype("float64")
    out = _one_per_day(out, report)
    _note_more_accepted_than_suggested(out, "ai_user_days", report, reporter="Cursor")
    report.tables.add("ai_user_days")
    return {"ai_user_days": out}


def _one_per_day(frame: pd.DataFrame, report: SourceReport) -> pd.DataFrame:
    """One row per person and day, the last copy kept (overlapping pages repeat records)."""
    duplicated = frame.duplicated(["date", "user"], keep="last")
    report.skip("copy of a person's day repeated in the file (the last copy is kept)", int(duplicated.sum()))
    return frame[~duplicated.to_numpy()]


def read_claude_code(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """Claude Code Analytics API ``/usage_report/claude_code`` pages: one record per actor and day.

    ``api_actor`` records (API keys) are skipped and counted.  ``active`` = ``num_sessions`` > 0 or
    any tool action; suggestions and acceptances are null (tool-edit approvals are not completions).
    Several records of one person and day (one per terminal, or a page saved twice) make one user-day.
    """
    records = _records(name, data, "Claude Code usage")
    report.rows = len(records)
    days = _iso_days([r.get("date") for r in records], name)
    rows = []
    decided = offered = 0.0
    for row, record in enumerate(records, start=1):
        actor = record.get("actor")
        kind = actor.get("type") if isinstance(actor, dict) else None
        if kind == "api_actor":
            report.skip("usage by an API key (api_actor), not a person", 1)
            continue
        if kind != "user_actor":
            report.skip("record whose actor is neither a user_actor nor an api_actor", 1)
            continue
        email = _email(actor.get("email_address")) if isinstance(actor, dict) else None
        if email is None:
            report.skip("user_actor record without an email_address", 1)
            continue
        core = record.get("core_metrics")
        if core is not None and not isinstance(core, dict):
            raise InputFormatError(f"should be an object, got {quote(repr(core))}; export the file again", file=name,
                                   row=row, column="core_metrics")
        sessions = _count(core or {}, "num_sessions", name, row, "core_metrics.") or 0.0
        tools = record.get("tool_actions")
        if tools is not None and not isinstance(tools, dict):
            raise InputFormatError(f"should be an object, got {quote(repr(tools))}; export the file again",
                                   file=name, row=row, column="tool_actions")
        actions = 0.0
        for tool in TOOLS:
            counts = (tools or {}).get(tool)
            if counts is None:
                continue
            if not isinstance(counts, dict):
                raise InputFormatError(f"should be an object, got {quote(repr(counts))}; export the file again",
                                       file=name, row=row, column=f"tool_actions.{tool}")
            accepted = _count(counts, "accepted", name, row, f"tool_actions.{tool}.") or 0.0
            rejected = _count(counts, "rejected", name, row, f"tool_actions.{tool}.") or 0.0
            actions += accepted + rejected
            decided += accepted
            offered += accepted + rejected
        cost, currency = _estimated_cost(record, name, row)
        rows.append((days.iloc[row - 1], email, sessions > 0 or actions > 0, json.dumps(record, sort_keys=True),
                     record.get("customer_type"), cost, currency))
    frame = pd.DataFrame(rows, columns=["date", "user", "active", "record", "customer", "cost", "currency"])
    frame["date"] = pd.Series(frame["date"], dtype="datetime64[ns, UTC]")
    frame["cost"] = frame["cost"].astype("float64")
    report.name_columns("ai_user_days", {"user": "actor.email_address", "active": "core_metrics.num_sessions",
                                         "cost": "model_breakdown.estimated_cost.amount"})
    # A page saved twice repeats its records word for word: their cost must not count twice.
    repeated = frame.duplicated("record")
    frame = frame[~repeated.to_numpy()]
    merged = frame.duplicated(["date", "user"])
    report.skip("another record of the same person and day (another terminal, or a repeated page): one user-day",
                int(merged.sum() + repeated.sum()))
    frame = _billed_costs(frame, report)
    grouped = frame.groupby(["date", "user"], sort=False)
    out = grouped["active"].max().reset_index()
    out["cost"] = grouped["cost"].sum(min_count=1).to_numpy()
    out["currency"] = grouped["currency"].first().to_numpy()
    out = out.assign(source=name, suggestions=float("nan"), acceptances=float("nan"))
    if offered:
        report.note(f"Claude Code tool edits: {decided:g} of {offered:g} accepted; these approve whole edits the "
                    "agent proposed and are not code completions, so they are left out of ai_acceptance_rate "
                    "(Claude Code counts in ai_active_users only)")
    report.tables.add("ai_user_days")
    return {"ai_user_days": out}


def _estimated_cost(record: dict[str, Any], name: str, row: int) -> tuple[float | None, str | None]:
    """A record's estimated cost [currency] and its currency: the sum over ``model_breakdown`` of
    ``estimated_cost.amount`` (cents).  None when the record has no breakdown (unknown, not free)."""
    breakdown = _objects(record.get("model_breakdown"), name, row, "model_breakdown") \
        if "model_breakdown" in record else None
    if breakdown is None:
        return None, None
    cents, currencies = 0.0, set()
    for model in breakdown:
        estimated = model.get("estimated_cost")
        if estimated is None:
            continue
        if not isinstance(estimated, dict):
            raise InputFormatError(f"should be an object, got {quote(repr(estimated))}; export the file again",
                                   file=name, row=row, column="model_breakdown.estimated_cost")
        amount = _count(estimated, "amount", name, row, "model_breakdown.estimated_cost.")
        if amount is not None and amount < 0:
            raise InputFormatError(f"is negative ({amount:g}); a cost cannot be; export the file again", file=name,
                                   row=row, column="model_breakdown.estimated_cost.amount")
        cents += amount or 0.0
        if isinstance(estimated.get("currency"), str) and estimated["currency"].strip():
            currencies.add(estimated["currency"].strip().upper())
    if len(currencies) > 1:
        raise InputFormatError(f"estimated costs in several currencies ({', '.join(sorted(currencies))}) in one "
                               "record; export the file again", file=name, row=row,
                               column="model_breakdown.estimated_cost.currency")
    return cents / 100, next(iter(currencies), "USD" if cents == 0 else None)


def _billed_costs(frame: pd.DataFrame, report: SourceReport) -> pd.DataFrame:
    """Costs kept only where they are billed on top of a seat: organisations on API billing.

    ``customer_type`` ``subscription``: the estimate values usage at API prices, inside the seat's price.
    A cost without a currency, or a file mixing currencies, keeps no cost either (said in a note).
    """
    subscription = frame["customer"].eq("subscription").to_numpy() & frame["cost"].notna().to_numpy()
    valued = subscription & (frame["cost"].fillna(0).to_numpy() > 0)
    if valued.any():
        report.note(f"Claude Code estimated costs of {int(valued.sum())} subscription record(s) left out of "
                    "the measured usage billing: on a subscription the usage is paid by the seat, and the estimate "
                    "values it at API prices")
    costed = frame["cost"].notna().to_numpy() & ~subscription
    currencies = sorted(set(frame.loc[costed, "currency"].dropna()))
    unpriced = costed & frame["currency"].isna().to_numpy()
    if len(currencies) > 1 or unpriced.any():
        report.note("Claude Code estimated costs left out of the measured usage billing: "
                    + (f"they are in several currencies ({', '.join(currencies)})" if len(currencies) > 1
                       else f"{int(unpriced.sum())} record(s) give an amount without a currency"))
        costed[:] = False
    return frame.assign(cost=frame["cost"].where(costed), currency=frame["currency"].where(costed))
