"""Pseudonymous developer identities: logins and e-mails replaced by salted hashes.

A consultant shows dashboards and forwards workbooks; neither needs to say *who* merged
fewer PRs.  With pseudonymisation on, every person column of the canonical tables
(:data:`PERSON_COLUMNS`) holds ``dev-`` and 10 hex digits of HMAC-SHA-256(salt, login) instead
of the login, so every table, chart and export built from the dataset carries only pseudonyms,
while the same person still joins across tables (PR author, reviewer, seat holder, and through the
people directory the emails of Cursor's and Claude Code's usage).

The salt decides linkability:

* :func:`new_salt` gives 16 random bytes.  The app draws one per browser session and keeps it
  only in memory: pseudonyms are stable while the session lasts and cannot be linked across
  sessions or reports.  The salt is never exported, never written to disk, and never part of
  a saved scenario (scenarios hold aggregates, no logins).
* Anyone who holds the salt can re-identify people by hashing the organisation's member list
  (logins have little entropy); this is pseudonymisation (GDPR Art. 4(5)), not anonymisation.

Accounts flagged as bots (``author_is_bot``, ``reviewer_is_bot``) keep their names: they are
not people, and "dependabot" explains a skipped PR better than a hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from roi.ingest.people import email_logins

if TYPE_CHECKING:
    from roi.ingest.tables import Dataset

__all__ = [
    "PERSON_COLUMNS",
    "PSEUDONYM_PREFIX",
    "new_salt",
    "pseudonymise",
    "pseudonym_map",
    "pseudonymise_frame",
    "pseudonymise_tables",
    "pseudonymise_dataset",
]

PSEUDONYM_PREFIX = "dev-"
_DIGITS = 10
"""Hex digits kept: 40 bits, so 10,000 people collide with probability ~5e-5 (and collisions are
resolved by lengthening, see :func:`pseudonym_map`)."""

PERSON_COLUMNS: dict[str, dict[str, str | None]] = {
    "pull_requests": {"author": "author_is_bot", "assignee": None},
    "reviews": {"reviewer": "reviewer_is_bot"},
    "work_items": {"assignee": None},
    "ai_user_days": {"user": None},
    "seats": {"user": None},
    "people": {"login": None, "email": None},
}
"""Table -> person column -> the column flagging bots in that row (None: none)."""


def new_salt() -> bytes:
    """16 random bytes from the OS generator: one per session, kept in memory only."""
    return secrets.token_bytes(16)


def _digest(login: str, salt: bytes) -> str:
    # GitHub logins and e-mail addresses are case-insensitive: "Alice" and "alice" are one person.
    return hmac.new(salt, login.strip().casefold().encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonymise(login: str, salt: bytes, digits: int = _DIGITS) -> str:
    """``dev-`` and the first ``digits`` hex digits of HMAC-SHA-256(salt, casefolded login).

    >>> pseudonymise("Alice", b"salt") == pseudonymise(" alice ", b"salt")
    True
    """
    return PSEUDONYM_PREFIX + _digest(login, salt)[:digits]


def pseudonym_map(logins: Iterable[object], salt: bytes) -> dict[str, str]:
    """Each distinct non-empty login -> its pseudonym, unique even if two 10-digit hashes collide.

    On a collision between different people every pseudonym is lengthened (12, 14 … digits),
    so distinct people never merge and equal logins always agree.
    """
    distinct = {str(x) for x in logins if isinstance(x, str) and x.strip()}
    people = {login: _digest(login, salt) for login in distinct}
    digits = _DIGITS
    while True:
        short = {login: digest[:digits] for login, digest in people.items()}
        owners: dict[str, str] = {}
        clash = False
        for login, value in short.items():
            person = login.strip().casefold()
            if owners.setdefault(value, person) != person:
                clash = True
                break
        if not clash or digits >= 64:
            return {login: PSEUDONYM_PREFIX + value for login, value in short.items()}
        digits += 2


def _distinct(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each row's code and the distinct values (nulls coded -1): 3M reviews have a few thousand logins."""
    codes, uniques = pd.factorize(values)
    return codes, np.asarray(uniques, dtype=object)


def _is_name(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())


def pseudonymise_frame(
    frame: pd.DataFrame, columns: dict[str, str | None], salt: bytes, mapping: dict[str, str] | None = None
) -> pd.DataFrame:
    """A copy of ``frame`` whose person ``columns`` hold pseudonyms (bot rows, empties kept as they are).

    Names are hashed and looked up once per distinct login, not once per row.
    """
    out = frame.copy()
    for column, bot_flag in columns.items():
        if column not in out:
            continue
        values = out[column]
        codes, uniques = _distinct(values)
        table_map = mapping if mapping is not None else pseudonym_map(uniques, salt)
        named = np.fromiter((_is_name(v) for v in uniques), bool, len(uniques))
        person = np.append(named, False)[codes]  # a null (code -1) is nobody
        if bot_flag is not None and bot_flag in out:
            person &= ~out[bot_flag].fillna(False).astype(bool).to_numpy()
        pseudonyms = np.array([table_map[v] if is_name else None for v, is_name in zip(uniques, named)] + [None],
                              dtype=object)
        replaced = pd.Series(pseudonyms[codes], index=values.index, dtype=values.dtype)
        out[column] = values.mask(pd.Series(person, index=values.index), replaced)
    return out


def pseudonymise_tables(tables: Mapping[str, pd.DataFrame], salt: bytes) -> dict[str, pd.DataFrame]:
    """Tables by name (as ``roi.export.tables_of`` gives them), person columns pseudonymised alike."""
    everyone = {
        v
        for name, frame in tables.items()
        for c in PERSON_COLUMNS.get(name, {})
        if c in frame
        for v in _distinct(frame[c])[1]
    }
    mapping = pseudonym_map(everyone, salt)
    if "people" in tables:
        # An email the people directory pairs with a login is that person: it takes the login's pseudonym, so
        # Cursor's or Claude Code's user-days still join the PRs (and the directory's two columns agree).
        directory = email_logins(tables["people"])[0]
        mapping.update({value: mapping[directory[value.strip().lower()]] for value in everyone
                        if isinstance(value, str) and directory.get(value.strip().lower()) in mapping})
    return {
        name: pseudonymise_frame(frame, PERSON_COLUMNS[name], salt, mapping)
        if name in PERSON_COLUMNS
        else frame
        for name, frame in tables.items()
    }


def pseudonymise_dataset(dataset: Dataset, salt: bytes) -> Dataset:
    """The :class:`roi.ingest.tables.Dataset` with every person column pseudonymised.

    One mapping serves all tables, so a developer is the same pseudonym as PR author,
    reviewer, Jira assignee and seat holder.
    """
    # The tables of PERSON_COLUMNS by name, each a DataFrame field; mypy cannot match a dict's keys to the fields.
    return replace(
        dataset,
        **pseudonymise_tables({name: getattr(dataset, name) for name in PERSON_COLUMNS}, salt),  # type: ignore[arg-type]
    )
