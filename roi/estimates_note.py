"""The scenario notes' line that says which period fields are the user's estimates.

``roi.whatif.with_estimates`` writes it ("Estimates entered for tasks_per_dev_week, prs_per_dev_week (range
only); the notes above describe the measurement that the other values are still from.") and reads it back to
carry earlier entries forward; the checklist reads it to name what is still to be measured.  The field names
are the scenario file's, so the line can be read back whatever the app's wording.
"""

from __future__ import annotations

from roi.models import Scenario

ESTIMATES_NOTE = "Estimates entered for "
"""The start of the notes' line saying which fields are estimates: the last such line replaces earlier ones,
naming their fields too."""
RANGE_ONLY = " (range only)"
"""After a field of that line whose uncertainty range alone was entered: its values are still measured."""
OVER_MEASUREMENT = "; the notes above describe the measurement that the other values are still from"
"""Ends that line when the scenario was measured before the values were entered."""


def _last_line(lines: list[str]) -> str:
    """The notes' last estimates line ("" without one): each replaces the one before, naming its fields too."""
    return next((line for line in reversed(lines) if line.startswith(ESTIMATES_NOTE)), "")


def entered_before(lines: list[str]) -> dict[str, bool]:
    """The fields the last estimates line of the notes names → whether only their range was entered."""
    names = _last_line(lines).removeprefix(ESTIMATES_NOTE).split(";")[0].removesuffix(".")
    return {name.removesuffix(RANGE_ONLY): name.endswith(RANGE_ONLY) for name in names.split(", ") if name}


def estimated_over_measurement(scenario: Scenario) -> list[str]:
    """The period fields whose values were typed as estimates over a scenario measured from exports (the other
    fields are still the measured ones), in the order entered; empty when it was not measured before or
    only ranges were typed."""
    lines = (scenario.notes or "").splitlines()
    if not _last_line(lines).removesuffix(".").endswith(OVER_MEASUREMENT):
        return []
    return [field for field, range_only in entered_before(lines).items() if not range_only]
