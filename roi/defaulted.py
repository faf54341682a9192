"""The fields a scenario file left out, which therefore took their defaults.

A file saved by an older version lacks the fields added since (``rollout``, and
``measurement.kept_from_base`` and ``few_events``); a hand-written one may leave out any field with a
default.  Validation fills them in without a word; the app names them when it loads a file.  A field
whose default is null is not named: null already says "not given" (not measured, no plan yet, blank =
the baseline wait), and the pages say so where it shows; nor is an empty one in the rollout plan (a
wave's teams or gates, the checklist record): the plan's pages show what it holds.  Read off
the scenario's ``model_fields_set`` (the keys its file gave), so it means something only for a scenario
just read from a file (an edited one gives every field).
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import BaseModel

from roi import defaults
from roi.models import Scenario

NOT_DEFAULTS = frozenset({"schema_version"})
"""Left out without taking a value anyone relies on: version 1 is the only one."""

QUIET_WHEN_EMPTY = "rollout."
"""Where a field left out empty (no text, no items) is not named: a hand-written plan leaves out every
wave's teams and gates, and listing them buried what mattered."""


def defaulted_fields(scenario: Scenario) -> list[str]:
    """Dotted paths (as :func:`roi.models.get_path`) of the fields the file did not give, in model order.

    A section left out whole (``quality``) is given as its fields (``quality.fix_hours_per_bug`` …).
    """
    return [path for path in _left_out(scenario, "") if path not in NOT_DEFAULTS]


def _left_out(model: BaseModel, prefix: str) -> Iterator[str]:
    for name in type(model).model_fields:
        path, value = f"{prefix}{name}", getattr(model, name)
        if isinstance(value, BaseModel):  # given or not: a default section has none of its fields set
            yield from _left_out(value, f"{path}.")
        elif name not in model.model_fields_set:
            if value is not None and not (path.startswith(QUIET_WHEN_EMPTY) and value in ("", [], {})):
                yield path
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _left_out(item, f"{path}.{index}.")


US_DOLLARS = frozenset({"USD", "US$", "$"})
"""Currencies the defaults' money figures are in (the loaded cost: US wages)."""


def currency_default_warning(scenario: Scenario) -> str | None:
    """A sentence when a file in another currency left out the loaded cost of a developer hour: its default is
    a US dollar figure (BLS wages), and taken as ¥90.6 an hour it valued every benefit, training hour and
    governance FTE (loaded rate × 2080 h) at a sixth of a US dollar.  Said as the file is opened (the CLI's
    warning, the app's notice), not written into the scenario: a note there outlived the fix."""
    currency = scenario.currency.strip()
    if currency.upper() in US_DOLLARS or "team.loaded_cost_per_hour" not in defaulted_fields(scenario):
        return None
    rate = f"{defaults.LOADED_COST_PER_HOUR:g}"
    return (f"The loaded cost of a developer hour is not in the file, so it took its default, {rate} an hour: a US "
            f"dollar figure (US wages), read here as {currency} {rate}. Give team.loaded_cost_per_hour in "
            f"{currency} (Team tab of ROI & risk): every benefit, training hour and the governance FTE rest on it.")


def no_costs_warning(scenario: Scenario) -> str | None:
    """A sentence when the file has no ``costs`` section: its defaults price no licence, training, set-up or
    governance, so the NPV counts the benefits alone and the rollout cannot fail to pay back (``python -m roi
    compute`` on such a file exited 0 without a word, where ``python -m roi scenario`` without ``--base`` warns)."""
    if "costs" in scenario.model_fields_set:
        return None
    return ("The file has no costs section, so no licence, training, set-up or governance cost is priced: the NPV "
            "counts the benefits alone and the rollout cannot fail to pay back. Add costs.tools (name, "
            "price_per_seat_month) and the other costs (ROI & risk → Licences and costs in the app).")
