"""Cached results for formula cells: what a viewer that does not recalculate shows.

openpyxl writes a formula with an empty result (``<f>npv</f><v />``).  Excel and LibreOffice
recalculate on opening (``fullCalcOnLoad``), but file previews, mail and chat viewers and
scripts reading the file (``pandas.read_excel``) show the stored result only, so the Summary's
key numbers would be blank there.  A formula whose result for the exported scenario is known
(the engine's value: the workbook equals the engine until an input is edited, which the tests
check after a LibreOffice recalculation) is stored with that result.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from xml.sax.saxutils import escape

CachedValue = float | int | bool | str


def _result(value: CachedValue) -> tuple[str, str] | None:
    """(type attribute, ``<v>`` text) of a cached result; ``None`` for a number no cell can hold."""
    if isinstance(value, bool):
        return ' t="b"', "1" if value else "0"
    if isinstance(value, int | float):
        number = float(value)
        return ("", repr(number)) if math.isfinite(number) else None
    return ' t="str"', escape(value)


def with_cached_values(sheet_xml: str, values: Mapping[str, CachedValue]) -> str:
    """``sheet_xml`` with the formula cells at the given coordinates (``"B16"``) holding their result."""

    def cache(match: re.Match[str]) -> str:
        found = values.get(match.group(1))
        result = _result(found) if found is not None else None
        if result is None:
            return match.group(0)
        kind, text = result
        return f'<c r="{match.group(1)}"{match.group(2)}{kind}><f>{match.group(3)}</f><v>{text}</v></c>'

    return re.sub(r'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?)><f>([^<]*)</f><v ?/></c>', cache, sheet_xml)
