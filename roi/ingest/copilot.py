"""GitHub Copilot: ``/copilot/metrics`` days, the legacy ``/copilot/usage``, usage reports, seats.

FORMATS.md §2.  Copilot days are UTC calendar days.  Acceptance counts come from code
completions only and must be summed over ``editors[].models[].languages[]`` (there is no
top-level total); a zero-usage day collapses to ``{"total_engaged_users": 0}`` (read as 0 active users).  In the usage
reports they are the ``code_completion`` row of ``totals_by_feature[]``: the top-level activity
counts also hold chat, agent and edit activity.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from roi.errors import InputFormatError
from roi.ingest._common import (SourceReport, decode_text, find_column, load_json, quoted_number,
                                quoted_number_message, read_csv_text, timestamps)
from roi.safety import quote


def _records(name: str, data: bytes) -> list[dict[str, Any]]:
    document = load_json(data, name)
    records = document if isinstance(document, list) else [document]
    return [r for r in records if isinstance(r, dict)]


def _list(value: Any) -> list[Any]:
    """A JSON array field; anything else (null, or a damaged value) holds no items."""
    return value if isinstance(value, list) else []


def _login(user: Any) -> str | None:
    login = user.get("login") if isinstance(user, dict) else None
    return login if isinstance(login, str) else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _count(record: dict[str, Any], key: str, name: str, row: int, path: str = "") -> float | None:
    """A count field of a record (absent or null: None); text such as ``"50"`` is a broken export, not no value."""
    value = record.get(key)
    number = _number(value)
    if number is None and value is not None:
        said = (quoted_number_message(value) if quoted_number(value)
                else f"should be a number, got {quote(repr(value))}; export the file again")
        raise InputFormatError(said, file=name, row=row, column=f"{path}{key}")
    return number


def _unused_count(record: dict[str, Any], key: str) -> float | None:
    """A count that feeds no metric (lines, engaged users): a damaged value (text, negative) is no value,
    not an error that would refuse the file's usage."""
    number = _number(record.get(key))
    return number if number is not None and number >= 0 else None


def _objects(value: Any, name: str, row: int, path: str) -> list[dict[str, Any]]:
    """The objects of a JSON array field (null = none); anything else is a broken export, not zero."""
    if value is None:
        return []
    if isinstance(value, list) and all(v is None or isinstance(v, dict) for v in value):
        return [v for v in value if v]
    raise InputFormatError(f"'{path}' should be an array of objects, got {quote(repr(value))}; export the day again",
                           file=name, row=row, column=path)


def _completion_totals(day: dict[str, Any], name: str = "", row: int = 0) -> tuple[float | None, ...]:
    """Σ suggestions, acceptances, lines suggested, lines accepted over editors → models → languages."""
    completions = day.get("copilot_ide_code_completions")
    if not isinstance(completions, dict):
        return (None, None, None, None)
    sums = [0.0, 0.0, 0.0, 0.0]
    keys = ("total_code_suggestions", "total_code_acceptances", "total_code_lines_suggested",
            "total_code_lines_accepted")
    path = "copilot_ide_code_completions.editors"
    for editor in _objects(completions.get("editors"), name, row, path):
        for model in _objects(editor.get("models"), name, row, f"{path}[].models"):
            for language in _objects(model.get("languages"), name, row, f"{path}[].models[].languages"):
                for i, key in enumerate(keys[:2]):
                    sums[i] += _count(language, key, name, row, f"{path}[].models[].languages[].") or 0.0
                for i, key in enumerate(keys[2:], start=2):
                    sums[i] += _unused_count(language, key) or 0.0
    return tuple(sums)


def _days(name: str, values: list[object], column: str, report: SourceReport) -> pd.Series:
    """Copilot days are UTC calendar days by definition: no time-zone assumption to report."""
    return timestamps(pd.Series(values, dtype="object"), name, column).dt.floor("D")


def read_metrics(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """``GET /orgs/{org}/copilot/metrics`` (also enterprise and team): one record per day."""
    days = _records(name, data)
    report.rows = len(days)
    rows = []
    collapsed = unknown = 0
    for row, day in enumerate(days, start=1):
        suggestions, acceptances, lines_suggested, lines_accepted = _completion_totals(day, name, row)
        active = _count(day, "total_active_users", name, row)
        engaged = _unused_count(day, "total_engaged_users")
        if "total_active_users" not in day and engaged is not None:
            if engaged == 0:
                # FORMATS.md §2a: a zero-usage day collapses to {"total_engaged_users": 0}: a day with data
                # and no user, so 0 (left out, it lifted the daily mean to a weekday mean).
                active = 0.0
                suggestions = 0.0 if suggestions is None else suggestions
                acceptances = 0.0 if acceptances is None else acceptances
                collapsed += 1
            else:
                # Engaged users are a subset of the active ones (passive use, such as seeing a suggestion,
                # counts as active only): the active count is unknown, not the engaged one.
                unknown += 1
        rows.append((day.get("date"), active, engaged, suggestions, acceptances, lines_suggested, lines_accepted))
    if collapsed:
        report.note(f"{collapsed} day(s) without total_active_users and with total_engaged_users 0 (a zero-usage "
                    "day as GitHub collapses it): counted as days with 0 active users")
    if unknown:
        report.note(f"{unknown} day(s) with total_engaged_users but no total_active_users: their active users "
                    "are unknown (at least the engaged ones) and left out of ai_active_users")
    frame = pd.DataFrame(rows, columns=["date", "active_users", "engaged_users", "suggestions", "acceptances",
                                        "lines_suggested", "lines_accepted"])
    report.name_columns("ai_daily", {"active_users": "total_active_users",
                                     "suggestions": "total_code_suggestions",
                                     "acceptances": "total_code_acceptances"})
    frame["date"] = _days(name, frame["date"].tolist(), "date", report)
    missing = frame["date"].isna()
    report.skip("day without a date", int(missing.sum()))
    frame["source"] = name
    report.tables.add("ai_daily")
    daily = _dedupe_days(frame[~missing], report)
    _note_more_accepted_than_suggested(daily, "ai_daily", report)
    _note_missing_days(daily["date"], report)
    return {"ai_daily": daily}


def _note_missing_days(dates: pd.Series, report: SourceReport) -> None:
    """Days between a file's first and last without a record: GitHub leaves out days with fewer than five
    active licensed users, so a daily mean is over the days reported, which the note says."""
    if dates.empty:
        return
    first, last = dates.min(), dates.max()
    span = (last - first).days + 1
    missing = span - dates.nunique()
    if missing > 0:
        report.note(f"{missing} of the {span} days from {first:%Y-%m-%d} to {last:%Y-%m-%d} have no record (GitHub "
                    "leaves out days with fewer than five active users): daily means count the days reported")


def read_usage_legacy(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """The retired ``GET /orgs/{org}/copilot/usage`` (``day``, ``total_suggestions_count`` …)."""
    days = _records(name, data)
    report.rows = len(days)

    def counts(key: str) -> list[float | None]:
        return [_count(d, key, name, row) for row, d in enumerate(days, start=1)]

    frame = pd.DataFrame({
        "date": [d.get("day") for d in days],
        "active_users": counts("total_active_users"),
        "suggestions": counts("total_suggestions_count"),
        "acceptances": counts("total_acceptances_count"),
        "lines_suggested": [_unused_count(d, "total_lines_suggested") for d in days],
        "lines_accepted": [_unused_count(d, "total_lines_accepted") for d in days],
    })
    report.name_columns("ai_daily", {"date": "day", "active_users": "total_active_users",
                                     "suggestions": "total_suggestions_count",
                                     "acceptances": "total_acceptances_count"})
    frame["date"] = _days(name, frame["date"].tolist(), "day", report)
    missing = frame["date"].isna()
    report.skip("day without a date", int(missing.sum()))
    frame["source"] = name
    report.tables.add("ai_daily")
    daily = _dedupe_days(frame[~missing], report)
    _note_more_accepted_than_suggested(daily, "ai_daily", report)
    _note_missing_days(daily["date"], report)
    return {"ai_daily": daily}


def _listed(items: list[str], limit: int = 3) -> str:
    return ", ".join(items[:limit]) + (", …" if len(items) > limit else "")


def _dedupe_days(frame: pd.DataFrame, report: SourceReport) -> pd.DataFrame:
    """One row per day, the last copy kept (a file of appended pulls repeats days).

    The repeated days are named in the skip reason; copies that differ in a count we use are
    named in a note, since a file that joins two teams' exports would lose one team's usage.
    """
    duplicated = frame.duplicated("date", keep="last")
    if not duplicated.any():
        return frame
    days = frame.loc[duplicated, "date"].drop_duplicates()
    named = _listed([f"{d:%Y-%m-%d}" for d in days])
    report.skip(f"copy of a day repeated in the file ({named}; the last copy is kept)", int(duplicated.sum()))
    repeated = frame[frame["date"].isin(days)]
    differ = repeated.groupby("date")[_USED_COUNTS].nunique(dropna=False).gt(1)
    if differ.any(axis=None):
        day = differ.index[differ.any(axis=1).to_numpy()][0]
        column = differ.columns[differ.loc[day].to_numpy()][0]
        values = repeated.loc[repeated["date"].eq(day), column].astype(float)
        copies = ", then ".join("none" if pd.isna(v) else f"{v:g}" for v in values)
        theirs = report.column_name("ai_daily", column)
        report.caution(f"the copies of {day:%Y-%m-%d} carry other numbers ({theirs} {copies}): the last copy is "
                       "kept; if the file joins two teams' exports, load one organisation-wide export instead")
    return frame[~duplicated]


def _note_more_accepted_than_suggested(frame: pd.DataFrame, table: str, report: SourceReport,
                                       reporter: str = "GitHub") -> None:
    """Name the days (user-days) with more acceptances than suggestions.

    GitHub counts partial acceptances too, so such counts are kept as reported, but they lift
    ai_acceptance_rate (capped at 100%): the user is told which days, in the file's own fields.
    """
    more = frame["acceptances"].astype(float) > frame["suggestions"].astype(float)  # None (no count): False
    over = frame[more.to_numpy()]
    if over.empty:
        return
    accepted, suggested = (report.column_name(table, c) for c in ("acceptances", "suggestions"))
    users = "user" in over
    listed = _listed([f"{f'{r.user} on ' if users else ''}{r.date:%Y-%m-%d} "
                      f"({r.acceptances:g} of {r.suggestions:g})" for r in over.itertuples()])
    what = "user-day record(s)" if users else "day(s)"
    why = " (partial acceptances count too)" if reporter == "GitHub" else ""
    report.note(f"{len(over)} {what} with more {accepted} than {suggested}: {listed}; ai_acceptance_rate "
                f"counts them as {reporter} reports them{why} and is capped at 100%")


_USED_COUNTS = ["active_users", "suggestions", "acceptances"]
"""The daily counts a metric uses (a repeated day whose copies differ in one of them is named)."""

_USER_ACTIVITY = ("user_initiated_interaction_count", "code_generation_activity_count",
                  "code_acceptance_activity_count")
_FEATURE_COUNTS = {"suggestions": "totals_by_feature[].code_generation_activity_count",
                   "acceptances": "totals_by_feature[].code_acceptance_activity_count"}
"""The usage reports' fields behind our suggestions and acceptances (of the code_completion feature)."""
_NO_FEATURES = ("record(s) without a totals_by_feature breakdown: their code-completion suggestions and "
                "acceptances are unknown and left out of ai_acceptance_rate (the all-feature counts would "
                "mix in chat and agent activity)")


def _completion_counts(record: dict[str, Any], name: str, row: int, path: str = "totals_by_feature"
                       ) -> tuple[float | None, float | None]:
    """Code-completion suggestions and acceptances of a usage-report record [count per day].

    CONTRACT.md: the acceptance rate is code completions only, so these are the generation and
    acceptance counts of the ``totals_by_feature[]`` row whose ``feature`` is ``code_completion``
    (FORMATS.md §2c), not the record's all-feature totals.  A breakdown without that row means no
    completions that day: (0, 0).  No breakdown (absent or null, or empty although the record
    shows activity) means unknown: (None, None).
    """
    features = record.get("totals_by_feature")
    if features is None:
        return None, None
    features = _objects(features, name, row, path)
    completion = [f for f in features if f.get("feature") == "code_completion"]
    if not completion:
        active = any(_count(record, key, name, row) for key in _USER_ACTIVITY[1:])
        return (None, None) if active and not features else (0.0, 0.0)
    return (sum(_count(f, "code_generation_activity_count", name, row, f"{path}[].") or 0.0 for f in completion),
            sum(_count(f, "code_acceptance_activity_count", name, row, f"{path}[].") or 0.0 for f in completion))


def _note_unknown(counts: list[tuple[float | None, float | None]], report: SourceReport) -> None:
    unknown = sum(suggested is None for suggested, _ in counts)
    if unknown:
        report.note(f"{unknown} {_NO_FEATURES}")


def read_user_report(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """Usage-metrics report, user level (NDJSON from the download links): one record per user and day.

    A user counts as active on a day with any interaction, generation or acceptance, or with
    ``used_chat``/``used_agent``/``used_cli`` set.  Suggestions and acceptances are code completions
    only, by count (:func:`_completion_counts`).
    """
    records = _records(name, data)
    report.rows = len(records)
    completions = [_completion_counts(r, name, row) for row, r in enumerate(records, start=1)]
    _note_unknown(completions, report)
    frame = pd.DataFrame({
        "date": [r.get("day") for r in records],
        "user": [r.get("user_login") for r in records],
        **{key: [_count(r, key, name, row) or 0.0 for row, r in enumerate(records, start=1)] for key in _USER_ACTIVITY},
        "flags": [any(bool(r.get(k)) for k in ("used_chat", "used_agent", "used_cli")) for r in records],
        "suggestions": pd.Series([c[0] for c in completions], dtype="float64"),
        "acceptances": pd.Series([c[1] for c in completions], dtype="float64"),
    })
    report.name_columns("ai_user_days", {"date": "day", "user": "user_login", **_FEATURE_COUNTS})
    frame["date"] = _days(name, frame["date"].tolist(), "day", report)
    no_user = frame["user"].isna() | frame["user"].astype(str).str.strip().eq("")
    report.skip("record without user_login", int(no_user.sum()))
    frame = frame[~no_user]
    out = pd.DataFrame({
        "source": name, "date": frame["date"], "user": frame["user"].astype(str),
        "active": (frame[list(_USER_ACTIVITY)].sum(axis=1) > 0) | frame["flags"],
        "suggestions": frame["suggestions"], "acceptances": frame["acceptances"],
    })
    _note_more_accepted_than_suggested(out, "ai_user_days", report)
    report.tables.add("ai_user_days")
    return {"ai_user_days": out}


def read_org_report(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """Usage-metrics report, organisation/enterprise level: ``day_totals[]`` per report.

    Suggestions and acceptances are code completions only, by count (:func:`_completion_counts`).
    """
    numbered = [(row, d) for row, r in enumerate(_records(name, data), start=1)
                for d in _list(r.get("day_totals")) if isinstance(d, dict)]
    days = [d for _, d in numbered]
    report.rows = len(days)
    completions = [_completion_counts(d, name, row, "day_totals[].totals_by_feature") for row, d in numbered]
    _note_unknown(completions, report)
    frame = pd.DataFrame({
        "date": [d.get("day") for d in days],
        "active_users": [_count(d, "daily_active_users", name, row, "day_totals[].") for row, d in numbered],
        "suggestions": pd.Series([c[0] for c in completions], dtype="float64"),
        "acceptances": pd.Series([c[1] for c in completions], dtype="float64"),
        "lines_suggested": [_unused_count(d, "loc_suggested_to_add_sum") for d in days],
        "lines_accepted": [_unused_count(d, "loc_added_sum") for d in days],
    })
    fields = {"date": "day", "active_users": "daily_active_users", **_FEATURE_COUNTS}
    report.name_columns("ai_daily", {ours: f"day_totals[].{theirs}" for ours, theirs in fields.items()})
    frame["date"] = _days(name, frame["date"].tolist(), "day_totals[].day", report)
    frame["source"] = name
    report.tables.add("ai_daily")
    daily = _dedupe_days(frame[frame["date"].notna()], report)
    _note_more_accepted_than_suggested(daily, "ai_daily", report)
    return {"ai_daily": daily}


def _unused_dates(values: list[object], name: str, column: str, report: SourceReport) -> pd.Series:
    """Dates that feed no metric: an unreadable one leaves the column empty with a note, never refuses the
    file."""
    try:
        return timestamps(pd.Series(values, dtype="object"), name, column)
    except InputFormatError as error:
        report.note(f"'{column}' not read (row {error.row}: {error.message}); it feeds no metric")
        return pd.Series(pd.NaT, index=range(len(values)), dtype="datetime64[ns, UTC]")


SEAT_COUNTS = "_copilot_seat_counts"
"""A side table of seats files: the seats the file holds (``held``) and the largest ``total_seats`` its pages
give (``total``, NaN without one).  :func:`roi.ingest.read_exports` cautions when every seats file together
holds fewer: the API pages 50 seats at a time, and a file of page 1 alone missed most adopters."""


def read_seats(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """``GET /orgs/{org}/copilot/billing/seats`` pages: ``{total_seats, seats[]}``."""
    pages = load_json(data, name)
    pages = pages if isinstance(pages, list) else [pages]
    seats = [s for page in pages if isinstance(page, dict) for s in _list(page.get("seats")) if isinstance(s, dict)]
    totals = [total for page in pages if isinstance(page, dict)
              if isinstance(total := page.get("total_seats"), int) and not isinstance(total, bool) and total >= 0]
    counts = pd.DataFrame({"source": [name], "held": [len(seats)], "total": [max(totals) if totals else np.nan]})
    report.rows = len(seats)
    users = pd.Series([_login(s.get("assignee")) for s in seats], dtype="object")
    frame = pd.DataFrame({
        "source": name, "user": users,
        "assigned_at": timestamps(pd.Series([s.get("created_at") for s in seats], dtype="object"), name,
                                  "created_at", report),
        "last_activity_at": timestamps(pd.Series([s.get("last_activity_at") for s in seats], dtype="object"), name,
                                       "last_activity_at", report),
        "pending_cancellation": _unused_dates([s.get("pending_cancellation_date") for s in seats], name,
                                              "pending_cancellation_date", report),
        "plan": pd.Series([str(s.get("plan_type") or "").strip().lower() or None for s in seats], dtype="object"),
    })
    no_user = users.isna()
    report.skip("seat without an assignee login (team or enterprise seat)", int(no_user.sum()))
    report.name_columns("seats", {"user": "assignee.login", "assigned_at": "created_at"})
    report.tables.add("seats")
    return {"seats": frame[~no_user.to_numpy()], SEAT_COUNTS: counts}


ACTIVITY_HEADER = ("login", "last activity at")
"""Columns (case-insensitive) that make a CSV the seat activity report of an organisation's Copilot
access-management page ("Get report"): Report Time, Login, Last Authenticated At, Last Activity At,
Last Surface Used."""


def is_activity_header(columns: list[str]) -> bool:
    """The header of the Copilot seat activity report (it has no email: not a people directory)."""
    return {c.strip().casefold() for c in columns} >= set(ACTIVITY_HEADER)


def read_seat_activity(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """The seat activity report CSV: one seat per login, with its last activity ('None' when the seat saw
    none in the 90 days GitHub keeps).  It gives no assignment dates, so the adoption date is not
    suggested from it."""
    frame = read_csv_text(decode_text(data, name, report), name)
    report.rows = len(frame)
    login_column = find_column(frame.columns, "Login")
    activity_column = find_column(frame.columns, "Last Activity At")
    if login_column is None or activity_column is None:
        raise InputFormatError("looks like a Copilot seat activity report but has no 'Login' or 'Last Activity "
                               "At' column; download the report again", file=name)
    users = frame[login_column].str.strip().replace("", None)
    activity = frame[activity_column].str.strip()
    last = timestamps(activity.mask(activity.str.casefold().isin(["none", "null", "nil", "never"]), ""), name,
                      activity_column, report, timezone=timezone, row_offset=2)
    seats = pd.DataFrame({
        "source": name, "user": users, "assigned_at": pd.Series(pd.NaT, index=frame.index, dtype=last.dtype),
        "last_activity_at": last, "pending_cancellation": pd.Series(pd.NaT, index=frame.index, dtype=last.dtype),
        "plan": None,
    })
    no_user = users.isna().to_numpy()
    report.skip("seat without an assignee login (team or enterprise seat)", int(no_user.sum()))
    report.name_columns("seats", {"user": login_column, "last_activity_at": activity_column})
    report.note("the seat activity report gives no assignment dates or plan: the adoption date is not suggested "
                "from it (the seats API export, /copilot/billing/seats, has both)")
    report.tables.add("seats")
    return {"seats": seats[~no_user]}


def refuse_download_links(name: str, data: bytes, report: SourceReport, timezone: str) -> dict[str, pd.DataFrame]:
    """The reports endpoint returns only signed links; the data is in the NDJSON files behind them."""
    raise InputFormatError(
        "holds only 'download_links' of a Copilot usage report; download the NDJSON files those "
        "links point to (they expire within hours) and add those files instead", file=name)
