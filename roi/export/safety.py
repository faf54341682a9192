"""Text from users' files made safe for a spreadsheet: never a formula, never a broken file.

PR titles, Jira summaries, people's names and scenario names are user data.  In a workbook
they are always written as string cells (the renderer never lets text become a formula),
and text that *looks* like a formula also gets Excel's quote prefix, so editing the cell
keeps it text.  In CSV, where every field is re-parsed by the spreadsheet that opens it,
such text is prefixed with an apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import re
from collections.abc import Collection

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make Excel or LibreOffice read text as a formula (OWASP)."""

CELL_TEXT_LIMIT = 32_767
"""Characters Excel holds in one cell."""

SHEET_TITLE_LIMIT = 31
"""Characters Excel allows in a sheet name."""

# Control characters XML 1.0 cannot carry (tab, line feed and carriage return are allowed).
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\*?:/\[\]]")
_RESERVED_SHEET_TITLES = frozenset({"history"})


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula if it were typed in."""
    return text.startswith(FORMULA_PREFIXES)


def safe_text(value: object) -> str:
    """The text to store in a cell: characters XML cannot hold removed, cut to 32,767 characters.

    Carriage returns become line feeds (an XML reader turns a lone CR into LF anyway, so this
    keeps what is written equal to what is read).  The leading ``=``/``+``/``-``/``@`` is kept:
    the renderer writes the result as a string cell (with the quote prefix when
    :func:`looks_like_formula`), so it shows literally.
    """
    text = _ILLEGAL_XML.sub("", str(value)).replace("\r\n", "\n").replace("\r", "\n")
    return text[:CELL_TEXT_LIMIT]


def csv_safe_text(value: object) -> str:
    """Text for a CSV field, with an apostrophe before text a spreadsheet would run as a formula."""
    text = str(value)
    return "'" + text if looks_like_formula(text) else text


def safe_sheet_title(title: str, taken: Collection[str] = ()) -> str:
    """A valid, unique sheet name for ``title``.

    Removes ``\\ * ? : / [ ]`` and control characters, trims apostrophes and spaces at the ends
    (Excel refuses them), avoids the reserved name "History", cuts to 31 characters and adds
    " (2)", " (3)" … when the name (compared case-insensitively) is already in ``taken``.
    """
    cleaned = _SHEET_TITLE_FORBIDDEN.sub(" ", _ILLEGAL_XML.sub("", title))
    cleaned = " ".join(cleaned.split()).strip("'").strip() or "Sheet"
    if cleaned.lower() in _RESERVED_SHEET_TITLES:
        cleaned += " sheet"
    cleaned = cleaned[:SHEET_TITLE_LIMIT].rstrip("' ")
    used = {name.lower() for name in taken}
    candidate, number = cleaned, 1
    while candidate.lower() in used:
        number += 1
        suffix = f" ({number})"
        candidate = cleaned[: SHEET_TITLE_LIMIT - len(suffix)].rstrip("' ") + suffix
    return candidate
