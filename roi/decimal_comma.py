"""A decimal comma typed into a number box that takes a decimal point: "90,60" read as 9,060.

Streamlit's number box drops a comma as a thousands separator, so a decimal written the European way in a
box that shows decimals becomes a whole number ten to a thousand times too large, with no message: a loaded
cost of "90,60" an hour became 9,060 and the demo's NPV +$78.6M.  The value is kept (a large change can be
meant) and :func:`comma_warning` questions it beside the box.
"""

from __future__ import annotations

from roi import formatting as fmt

JUMP = 10.0
"""A whole number at least this many times the value it replaced is questioned ("90,60" over 90.60 is 100×,
"19,50" over a $39 seat 50×; one digit after the comma, "4,5" over 4 hours, still 11×)."""


def comma_warning(value: float | None, previous: float | None) -> str | None:
    """What to say beside a box with decimals now holding ``value``, or None when it does not look like a
    decimal comma read as a thousands separator: a whole number, at least :data:`JUMP` × a positive
    ``previous`` (units: the field's own)."""
    if value is None or previous is None or not previous > 0:
        return None
    if not float(value).is_integer() or value < JUMP * previous:
        return None
    return (
        f"{fmt.number(value, digits=2)} is {fmt.number(value / previous)} times the earlier "
        f"{fmt.number(previous, digits=2)}. If you typed a decimal comma, this box read it as a thousands "
        "separator (“90,60” becomes 9,060): type a decimal point (90.60). The value is kept as entered."
    )
