"""How numbers read on screen: money, percentages, hours and months, one format everywhere.

Pure functions (no streamlit) so every page, chart tooltip and test agrees on the text.
Negative numbers use the true minus sign (U+2212), which stays legible on a projector.
``None`` (not applicable, e.g. the wait of an unstable queue) is rendered as ``NOT_APPLICABLE``
unless the caller gives its own text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

MINUS = "\u2212"
NBSP = "\u00a0"
NOT_APPLICABLE = "n/a"

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "AUD": "A$", "CAD": "C$"}
"""Currencies written with a symbol before the number; any other code follows the number."""

NO_MINOR_UNIT = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND", "VUV", "XAF",
     "XOF", "XPF"}
)
"""ISO 4217 currencies without a minor unit (app and workbook): "¥13,590", not "¥13,590.00"."""

_COMPACT_STEPS = ((1e9, "bn"), (1e6, "M"), (1e3, "k"))


def _sign(value: float, signed: bool) -> str:
    if value < 0:
        return MINUS
    return "+" if signed and value > 0 else ""


def _magnitude(value: float, compact: bool, digits: int | None) -> str:
    """|value| with thousands separators, or compacted to k / M / bn with 2–3 significant digits."""
    size = abs(value)
    if compact:
        for step, suffix in _COMPACT_STEPS:
            if size >= step * 0.9995:
                scaled = size / step
                places = (1 if round(scaled, 1) < 100 else 0) if digits is None else digits
                return f"{scaled:,.{places}f}{suffix}"
    places = 0 if digits is None else digits
    return f"{size:,.{places}f}"


def money(
    value: float | None,
    currency: str = "USD",
    *,
    compact: bool = False,
    signed: bool = False,
    digits: int | None = None,
    missing: str = NOT_APPLICABLE,
) -> str:
    """A sum of money: ``money(-8499.02, "USD")`` → "−$8,499"; ``compact=True`` → "−$8.5k".

    Parameters: value [currency]; currency an ISO code (symbol where one is listed in
    ``CURRENCY_SYMBOLS``, otherwise the code after the number: "1,200 CHF"); ``signed`` adds "+"
    to positive values; ``digits`` fixes the decimal places (none for a currency without cents,
    ``NO_MINOR_UNIT``, unless compacted: "¥1.2M").
    """
    if value is None or not math.isfinite(value):
        return missing
    if currency.upper() in NO_MINOR_UNIT and not compact:
        digits = 0
    number = _magnitude(value, compact, digits)
    sign = _sign(value, signed) if any(ch in "123456789" for ch in number) else ""
    symbol = CURRENCY_SYMBOLS.get(currency.upper())
    return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"


def capitalised(text: str) -> str:
    """``text`` with its first letter upper-case and the rest as it is (an error's message, made a sentence
    of its own; ``str.capitalize`` lowered "Copilot")."""
    return text[:1].upper() + text[1:]


def in_sentence(label: str) -> str:
    """A heading-style label inside a sentence: lower-case, but an abbreviation kept ("Merged PRs per
    developer-week" → "merged PRs per developer-week", not "merged prs …")."""
    return " ".join(w if w[:2].isupper() else w.lower() for w in label.split(" "))


def ended(text: str) -> str:
    """``text`` as a sentence that a further one can follow: a full stop added unless it ends in ``. ? !``
    ("… did you mean 0.015 (1.5%)?" took a stray ".").

    Examples:
        >>> ended("is empty"), ended("did you mean 8%?"), ended("done.")
        ('is empty.', 'did you mean 8%?', 'done.')
    """
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def percent(
    value: float | None, *, signed: bool = False, digits: int = 0, missing: str = NOT_APPLICABLE
) -> str:
    """A fraction as a percentage: ``percent(0.21, signed=True)`` → "+21%"; ``percent(2.1008)`` → "210%"."""
    if value is None or not math.isfinite(value):
        return missing
    shown = round(abs(value) * 100, digits)
    sign = _sign(value, signed) if shown != 0 else ""
    return f"{sign}{shown:,.{digits}f}%"


def share(value: float) -> str:
    """A share to the 0.1 point below 10% ("3.9%", "0.4%"), whole points above, and no ".0" ("2%")."""
    text = percent(value, digits=1 if value < 0.1 else 0)
    return text.replace(".0%", "%")


def assumption_percent(value: float) -> str:
    """A percentage as the assumption boxes show it: one decimal, none when whole ("18.3%", "25%")."""
    return percent(value, digits=1).replace(".0%", "%")


def hours(
    value: float | None,
    *,
    digits: int = 1,
    unit: str = "h",
    signed: bool = False,
    missing: str = NOT_APPLICABLE,
) -> str:
    """Hours with their unit.

    ``hours(0.85215, digits=2)`` → "0.85 h"; ``hours(187.1, digits=0, unit="h/week")`` → "187 h/week".
    """
    if value is None or not math.isfinite(value):
        return missing
    shown = round(abs(value), digits)
    sign = _sign(value, signed) if shown != 0 else ""
    return f"{sign}{shown:,.{digits}f} {unit}"


def number(
    value: float | None, *, digits: int = 0, signed: bool = False, missing: str = NOT_APPLICABLE
) -> str:
    """A plain count or rate with thousands separators: ``number(1234.5)`` → "1,235"."""
    if value is None or not math.isfinite(value):
        return missing
    shown = round(abs(value), digits)
    sign = _sign(value, signed) if shown != 0 else ""
    return f"{sign}{shown:,.{digits}f}"


def count(value: float, noun: str, plural: str | None = None) -> str:
    """A whole number of things, the noun agreeing with it: ``count(1, "reviewer")`` → "1 reviewer",
    ``count(16885, "reviewer")`` → "16,885 reviewers" ("Today's 1 reviewers meet …" at a pool of one).

    ``plural`` for a noun that does not just take an "s" (``count(2, "person", "people")``).
    """
    shown = number(value)
    return f"{shown} {noun if shown == '1' else plural or noun + 's'}"


NEVER, NEVER_BECAUSE = "never", "no year makes money"
"""A payback that will not come (:func:`roi.finance.never_pays_back`: no year's benefits exceed its costs), and why:
the app's tiles, sentences and comparison, and the workbook's payback cell, all say it in these words."""
PAYBACK_NEVER = f"{NEVER}: {NEVER_BECAUSE}"


def not_within(horizon_years: int) -> str:
    """A payback beyond the horizon, the cumulative net still below 0 at its end: "not within 3 years"."""
    return f"not within {count(horizon_years, 'year')}"


def months(value: float | None, *, horizon_years: int | None = None, never: bool = False) -> str:
    """Payback time to 0.1 month, as the workbook shows it ('0.0" months"'): ``months(14.23)`` →
    "14.2 months", ``months(0.54)`` → "0.5 months"; ``None`` → "not within 3 years" (given the horizon,
    :func:`not_within`), or with ``never`` (:func:`roi.finance.never_pays_back`) :data:`PAYBACK_NEVER`.

    A payback under 0.05 months is "under 0.1 months", not "0.0 months" nor "immediately": the
    year-0 set-up cost is still being paid back.
    """
    if value is None or not math.isfinite(value):
        if never:
            return PAYBACK_NEVER
        return not_within(horizon_years) if horizon_years else NEVER
    if value <= 0:
        return "immediately"
    rounded = round(value, 1)
    if rounded == 0:
        return "under 0.1 months"
    return "1.0 month" if rounded == 1 else f"{rounded:,.1f} months"


def payback(value: float | None, horizon_years: int) -> str:
    """A payback metric tile's value: :func:`months`, or "> 3 years" when it is not within the horizon.

    Short enough for a quarter of a laptop screen ("Not within 3 years" was cut to "Not withi…").
    """
    if value is None or not math.isfinite(value):
        return f"> {count(horizon_years, 'year')}"
    return months(value)


def payback_tile(value: float | None, horizon_years: int, never: bool = False) -> tuple[str, str | None]:
    """A payback tile's value and chip: ("0.5", "months"), ("> 3 years", "not within the horizon"), or with
    ``never`` (:func:`roi.finance.never_pays_back`) ("Never", "no year makes money"): :data:`PAYBACK_NEVER`.

    The unit goes in the chip: "0.5 months" was cut to "0.5 mon…" in a quarter of a 1280-pixel screen
    with the sidebar open, and "not within the 3-year horizon" to "not within the 3-year h…" (the value
    names the years). The same rounding as :func:`months` (to 0.1 month, as in the workbook).
    """
    if value is None or not math.isfinite(value):
        if never:
            return NEVER.capitalize(), NEVER_BECAUSE  # shorter than "not within the horizon": it fits 1280 px
        return payback(value, horizon_years), "not within the horizon"
    text = months(value)  # "0.5 months", "under 0.1 months", "1.0 month" or "immediately"
    if " " not in text:
        return text, None
    number, unit = text.rsplit(" ", 1)
    return number.replace("under ", "< "), unit


# --- Names of inputs, as a reader knows them ----------------------------------------------

INPUT_LABELS = {
    "productivity_uplift": "Output change per developer",
    "pr_count_growth": "Growth in PRs per developer",
    "pr_size_growth": "Growth in PR size",
    "review.loc_per_hour": "Review speed",
    "review.review_share": "Reviewers' time spent reviewing",
    "review.reviewers": "Reviewers",
    "review.overhead_hours": "Fixed effort per review",
    "finance.capture_factor": "Share of freed time turned into value",
    "finance.discount_rate": "Discount rate",
    "finance.benefit_risk": "Benefit risk adjustment",
    "finance.cost_risk": "Cost risk adjustment",
    "team.loaded_cost_per_hour": "Loaded cost of a developer hour",
    "team.developers": "Developers",
    "quality.fix_hours_per_bug": "Hours to fix a bug",
    "costs.training_hours_per_dev": "Training hours per developer",
    "costs.one_off_cost": "One-off set-up cost",
    "costs.governance_fte": "Programme staff",
}
"""Reader-facing names of the inputs that uncertainty ranges and the tornado name."""

_PERCENT_INPUTS = {
    "productivity_uplift",
    "pr_count_growth",
    "pr_size_growth",
    "review.review_share",
    "finance.capture_factor",
    "finance.discount_rate",
    "finance.benefit_risk",
    "finance.cost_risk",
}
_INPUT_UNITS = {
    "review.loc_per_hour": "LOC/h",
    "quality.fix_hours_per_bug": "h",
    "review.overhead_hours": "h",
    "costs.training_hours_per_dev": "h",
    "costs.governance_fte": "FTE",
}
_MONEY_INPUTS = {"team.loaded_cost_per_hour", "costs.one_off_cost"}


def input_label(key: str, *, in_sentence: bool = False) -> str:
    """The reader-facing name of an input: ``input_label("review.loc_per_hour")`` → "Review speed".

    Unknown dotted paths read as their last part: ``costs.tools.0.seat_coverage`` → "Seat coverage".
    ``in_sentence`` lower-cases the first letter only, for the middle of a sentence ("growth in PR size",
    not "growth in pr size").
    """
    label = INPUT_LABELS.get(key) or key.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    return label[:1].lower() + label[1:] if in_sentence else label


def input_value(key: str, value: float, currency: str = "USD", *, like: float | None = None) -> str:
    """An input's value in its unit: growth and shares as %, money with its currency, else the unit.

    Decimals follow the size of ``like`` when given (both ends of a range: "$75 to $130", not
    "$75.00 to $130"), else of ``value``.
    """
    size = abs(value if like is None else like)
    if key in _PERCENT_INPUTS or key.endswith(("_share", "_rate", "_coverage", "_factor")):
        return percent(value, signed=key in RANGE_GROWTH_KEYS, digits=1 if size < 1 else 0)
    if key in _MONEY_INPUTS or "price" in key or "cost" in key:
        return money(value, currency, digits=0 if size >= 100 else 2)
    unit = _INPUT_UNITS.get(key)
    shown = number(value, digits=0 if size >= 100 else 2)
    return f"{shown} {unit}" if unit else shown


RANGE_GROWTH_KEYS = {"productivity_uplift", "pr_count_growth", "pr_size_growth"}
"""Range keys that are changes relative to the baseline (shown with a sign)."""


def duration(
    value: float | None, *, missing: str = NOT_APPLICABLE, like: float | None = None, short: bool = False
) -> str:
    """A measured latency [calendar h] in the unit a reader expects: "under 1 min", "25 min", "4.0 h", "3.2 days".

    Days are 24-hour days: for calendar latencies only (a model's wait in working hours: :func:`working_wait`).
    ``like`` is the value shown beside this one (before and after adoption): both take the unit of
    the larger, so a row reads "1.2 days → 2.8 days", not "29.6 h → 2.8 days".  ``short`` writes
    "<1 min" (as :func:`chance` writes "<1%") for a metric tile, where "under 1 min" did not fit.
    """
    if value is None or not math.isfinite(value):
        return missing
    size = max(value, like) if like is not None and math.isfinite(like) else value
    minutes = value * 60.0
    if size < 1.0:
        if minutes < 1.0:
            return "<1 min" if short else "under 1 min"
        return f"{minutes:.0f} min"
    if size < 48.0:
        return hours(value)
    return f"{value / 24.0:,.1f} days"


PERIOD_NAMES = {"baseline": "before adoption", "post": "after adoption"}
"""A scenario section's period in words, to tell its fields from the other period's of the same label."""


def digits_apart(smaller: float, larger: float, digits: int = 0, most: int = 6) -> int:
    """Decimals (from ``digits``, at most ``most``) at which ``smaller`` rounds below ``larger``: the figures a
    sentence compares never read alike ("4.19 h … below the 4.19 h", "0.5% → 0.5%", "400 LOC; above 400 LOC")."""
    while digits < most and round(smaller, digits) >= round(larger, digits):
        digits += 1
    return digits


def working_wait(value: float | None, *, short: bool = False, missing: str = NOT_APPLICABLE) -> str:
    """A wait of the queue model [working h]: minutes under an hour ("0.0 h" read as no wait at all), else hours,
    never days: :func:`duration`'s are 24-hour calendar days, and a 99.5 working-hour wait read "4.1 days"."""
    if value is None or not math.isfinite(value):
        return missing
    return duration(value, short=short) if value < 1.0 else hours(value)


def chance(value: float | None, *, missing: str = NOT_APPLICABLE) -> str:
    """A simulated probability as a percentage that never rounds a possibility away, nor claims a certainty
    a finite number of draws cannot show: 0.003 and 0 → "<1%", 0.997 and 1 → ">99%"."""
    if value is None or not math.isfinite(value):
        return missing
    if value < 0.005:
        return "<1%"
    if value >= 0.995:
        return ">99%"
    return percent(value)


def a_or_an(figure: str) -> str:
    """The article a number takes when read aloud: "an 85%", "an 8%", "an 11%", "an 18%", else "a 45%"."""
    spoken = figure.lstrip("+$€£")
    return "an" if spoken.startswith("8") or re.match(r"1[18](?![\d,])", spoken) else "a"


# --- Measured metrics (roi.metrics), as the Data page and reports show them ----------------------

METRICS: dict[str, tuple[str, str]] = {
    "developers": ("Active developers", "count"),
    "reviewers": ("Reviewers", "count"),
    "prs_merged": ("Merged PRs", "count"),
    "prs_per_dev_week": ("Merged PRs per developer-week", "rate"),
    "pr_size_loc": ("Mean PR size (lines changed)", "count"),
    "pr_size_loc_median": ("Median PR size (lines changed)", "count"),
    "pickup_hours_median": ("Time to first review (median)", "duration"),
    "review_hours_median": ("Time in review (median)", "duration"),
    "cycle_hours_median": ("Cycle time, opened to merged (median)", "duration"),
    "tasks_per_dev_week": ("Completed tasks per developer-week", "rate"),
    "bugs_per_dev_week": ("Bugs per developer-week", "small rate"),
    "deployments_per_week": ("Production deployments per week", "rate"),
    "change_failure_rate": ("Change failure rate", "share"),
    "recovery_hours": ("Failed deployment recovery time (median)", "duration"),
    "rework_rate": ("Deployment rework rate", "share"),
    "lead_time_hours": ("Change lead time (median)", "duration"),
    "ai_active_users": ("Daily AI assistant users (mean)", "mean"),
    "ai_acceptance_rate": ("AI suggestion acceptance rate", "share"),
}
"""Measured metric → (reader-facing name, kind of number), in the order the app lists them."""


def metric_value(
    metric: str, value: float | None, *, missing: str = "not measured", like: float | None = None
) -> str:
    """A measured metric in its unit: counts whole, rates to 2 decimals, shares in %, latencies as time
    (in the unit of ``like`` when that is larger: before and after in one unit, see :func:`duration`)."""
    kind = METRICS.get(metric, ("", "rate"))[1]
    if value is None:
        return missing
    if kind == "count":
        return number(value)
    if kind == "share":
        return percent(value, digits=1)
    if kind == "duration":
        return duration(value, missing=missing, like=like)
    return number(value, digits={"small rate": 3, "mean": 1}.get(kind, 2))


def p_value(value: float | None) -> str:
    """A p-value as a reader expects it: "p < 0.001", "p = 0.03" (non-breaking spaces: never split)."""
    if value is None or not math.isfinite(value):
        return NOT_APPLICABLE
    if value < 0.001:
        return f"p{NBSP}<{NBSP}0.001"
    return f"p{NBSP}={NBSP}{value:.3f}" if value < 0.01 else f"p{NBSP}={NBSP}{value:.2f}"


def listed(names: Sequence[str]) -> str:
    """Names in a sentence: "a", "a and b", "a, b and c"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def file_names(names: list[str], shown: int = 3) -> str:
    """Files named in a sentence, the first ``shown`` of them: "a.json, b.json, c.json and 15 other files"
    (an error about the periods listed all 18 PR pages of an upload)."""
    if len(names) <= shown + 1:
        return ", ".join(names)
    return f"{', '.join(names[:shown])} and {len(names) - shown} other files"


def file_stem(name: str, fallback: str = "scenario") -> str:
    """A safe file-name stem from a scenario name: "Demo organisation (measured, 120 developers)" →
    "demo-organisation-measured-120-developers" (ASCII letters, digits and hyphens, at most 60)."""
    stem = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in name.lower())
    stem = "-".join(part for part in stem.split("-") if part)[:60].strip("-")
    return stem or fallback


def file_size(size_bytes: int) -> str:
    """A download's size: "43 kB", "3.2 MB"."""
    if size_bytes < 1_000_000:
        return f"{max(1, round(size_bytes / 1000)):,} kB"
    return f"{size_bytes / 1e6:,.1f} MB"
