"""Scenarios side by side: the figures a workshop compares, one row per figure, one column each.

Every value is read off one scenario's own results (:func:`roi.engine.compute`), with the same
definitions and formats as the single-scenario pages, so a comparison never disagrees with them.
Money stays in each scenario's currency; no figure is converted.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from roi import formatting as fmt
from roi.models import Results, Scenario, get_path
from roi.defaults import UTILIZATION_LIMIT
from roi.verdict import (
    CONFIDENT_LOSS_CHANCE,
    REVIEW_BOTTLENECK,
    REVIEWERS_STRETCHED,
    MOST,
    loss_chance,
    badge_label,
    payback_text,
    simulated,
    verdict,
)

Value = float | int | str | None
Pair = tuple[Scenario, Results]


@dataclass(frozen=True)
class Figure:
    """One compared figure: how to read it off a result and how to write it.

    ``unit`` is the unit of the raw value (the CSV's); "currency" marks money, in each scenario's
    own currency (the "currency" figure).
    """

    key: str
    label: str
    unit: str
    value: Callable[[Scenario, Results], Value]
    text: Callable[[Any, Scenario], str] | None
    """The value in words; ``None`` where the value cannot say it and ``text_of`` writes it from the results."""
    help: str
    text_of: Callable[[Scenario, Results], str] | None = None
    """The text from the results themselves: no payback is "never" or "not within 3 years"
    (:func:`roi.verdict.payback_text`), as on the single-scenario pages."""
    whole: Callable[[Any, Scenario], str] | None = None
    """The value written whole, for a row whose different values ``text`` writes alike (two NPVs $39k apart
    both read "+$1.6M")."""

    def written(self, scenario: Scenario, results: Results) -> str:
        """The figure as the app writes it for one scenario."""
        if self.text_of is not None:
            return self.text_of(scenario, results)
        if self.text is None:  # a programming error in FIGURES, never a user's
            raise TypeError(f"figure {self.key!r} has neither text nor text_of")
        return self.text(self.value(scenario, results), scenario)


def _money(value: float | None, scenario: Scenario) -> str:
    return fmt.money(value, scenario.currency, compact=True, signed=True)


def _money_whole(value: float | None, scenario: Scenario) -> str:
    return fmt.money(value, scenario.currency, signed=True)


def _cost(value: float | None, scenario: Scenario) -> str:
    return fmt.money(value, scenario.currency, compact=True)


def _cost_whole(value: float | None, scenario: Scenario) -> str:
    return fmt.money(value, scenario.currency)


def _signed_percent(digits: int) -> Callable[[Any, Scenario], str]:
    return lambda value, _s: fmt.percent(value, signed=True, digits=digits)


def _verdict_text(scenario: Scenario, results: Results) -> str:
    return badge_label(verdict(scenario, results).tone, results)


def _post_wait(_scenario: Scenario, results: Results) -> Value:
    return results.review.post.wait_hours if results.review.post.stable else None


FIGURES: tuple[Figure, ...] = (
    Figure("currency", "Currency", "ISO code", lambda s, _r: s.currency, lambda v, _s: str(v),
           "The currency of the scenario's money (never converted)."),
    Figure("verdict", "Verdict", "text", lambda s, r: _verdict_text(s, r),
           lambda v, _s: str(v),
           f"Pays back: NPV ≥ 0 and at most a {fmt.percent(CONFIDENT_LOSS_CHANCE)} chance of a loss; "
           f"with risk: NPV ≥ 0 and at most {fmt.percent(MOST)}; does not pay back: NPV < 0 and a chance of a loss "
           f"of at least {fmt.percent(MOST)} (or no ranges); uncertain: the NPV at the likely values and most "
           "simulated outcomes fall on opposite sides of 0 (as on the Executive summary). "
           f"\"{REVIEW_BOTTLENECK}\" when reviewers are overrun after adoption (the queue never clears), "
           f"\"{REVIEWERS_STRETCHED}\" when they keep up above {fmt.percent(UTILIZATION_LIMIT)} utilisation: the "
           "money assumes the reviews get done."),
    Figure("developers", "Developers", "people", lambda s, _r: s.team.developers,
           lambda v, _s: fmt.number(v), "Developers in scope (team.developers)."),
    Figure("output_change", "Output per developer", "fraction", lambda _s, r: r.productivity.output_change,
           _signed_percent(1), "g = T1/T0 − 1: change in completed tasks per adopting developer-week."),
    Figure("quality_adjusted", "Quality-adjusted productivity", "fraction",
           lambda _s, r: r.productivity.qapi - 1.0, _signed_percent(1),
           "QAPI − 1 = N / delivery hours: the gain after the review tax, extra bugs and incidents."),
    Figure("net_hours", "Net time gained per adopting developer-week", "h per adopting developer-week",
           lambda _s, r: r.productivity.net_hours,
           lambda v, _s: fmt.hours(v, digits=2, signed=True),
           "N = G − ΔR − ΔD − ΔI, hours per adopting developer per week."),
    Figure("npv", "Net present value", "currency", lambda _s, r: r.finance.npv, _money,
           "PV(benefits) − PV(costs), risk-adjusted, over the scenario's horizon.", whole=_money_whole),
    Figure("pv_benefits", "Benefits (present value)", "currency", lambda _s, r: r.finance.pv_benefits, _money,
           "The net hours gained, valued and captured, risk-adjusted and discounted over the horizon.",
           whole=_money_whole),
    Figure("pv_costs", "Costs (present value)", "currency", lambda _s, r: r.finance.pv_costs, _cost,
           "Licences, usage billing, training, set-up and governance, risk-adjusted and discounted.",
           whole=_cost_whole),
    Figure("tools", "AI tools priced", "text",
           lambda s, _r: ", ".join(t.name for t in s.costs.tools) or "none",
           lambda v, _s: str(v),
           "The licence lines the costs price (ROI & risk → Licences and costs), each with its own seats and "
           "usage billing."),
    Figure("npv_p10", "NPV, P10 (downside)", "currency",
           lambda _s, r: (u.npv_p10 if (u := simulated(r)) else None), _money,
           "10% of the Monte Carlo outcomes are worse; n/a without uncertainty ranges.", whole=_money_whole),
    Figure("npv_p90", "NPV, P90", "currency",
           lambda _s, r: (u.npv_p90 if (u := simulated(r)) else None), _money,
           "10% of the Monte Carlo outcomes are better; n/a without uncertainty ranges.", whole=_money_whole),
    Figure("loss_chance", "Chance of a loss", "fraction", lambda _s, r: loss_chance(r),
           lambda v, _s: fmt.chance(v),
           "1 − P(NPV > 0) over the Monte Carlo draws; n/a without uncertainty ranges."),
    Figure("roi", "Return on investment", "fraction", lambda _s, r: r.finance.roi,
           lambda v, _s: fmt.percent(v, signed=True, digits=1, missing="no costs"),
           "NPV / PV(costs)."),
    Figure("payback_months", "Payback", "months", lambda _s, r: r.finance.payback_months, None,
           "When cumulative (undiscounted) benefits first cover cumulative costs; never when no year's benefits "
           "exceed its costs.", text_of=lambda _s, r: payback_text(r)),
    Figure("horizon_years", "Horizon", "years", lambda s, _r: s.finance.horizon_years,
           lambda v, _s: fmt.count(v, "year"), "Years the cash flows run (finance.horizon_years)."),
    Figure("utilisation_before", "Reviewer utilisation before", "fraction",
           lambda _s, r: r.review.baseline.utilization, lambda v, _s: fmt.percent(v),
           "Review demand / review capacity of the pool before adoption."),
    Figure("utilisation_after", "Reviewer utilisation after", "fraction",
           lambda _s, r: r.review.post.utilization, lambda v, _s: fmt.percent(v),
           "The same after adoption; at 100% and above the queue never clears."),
    Figure("wait_after", "Mean wait for a review after (working time)", "working hours", _post_wait,
           lambda v, _s: fmt.working_wait(v, missing="unstable"),
           "Mean time a PR waits for a reviewer after adoption (Allen–Cunneen); none when the queue "
           "never clears."),
    Figure("reviewers", "Reviewers today", "people", lambda s, _r: s.review.reviewers,
           lambda v, _s: fmt.number(v), "Reviewers in the pool (review.reviewers)."),
    Figure("reviewers_needed", "Reviewers needed", "people", lambda _s, r: r.review.reviewers_needed,
           lambda v, _s: fmt.number(v, missing="none set"),
           "Smallest pool whose mean wait meets the target after adoption."),
    Figure("backlog_growth", "Backlog growth", "h per week",
           lambda _s, r: r.review.backlog_growth_hours_per_week,
           lambda v, _s: fmt.hours(v, digits=0, unit="h/week"),
           "Review hours that pile up every week when demand exceeds the pool's capacity."),
)
"""The compared figures, in the order shown (the Executive summary's, plus the team's size)."""


def unique_names(names: Sequence[str]) -> list[str]:
    """``names`` with repeats told apart: ["A", "A", "B"] → ["A", "A (2)", "B"]."""
    seen: set[str] = set()
    out = []
    for name in names:
        candidate, n = name, 1
        while candidate in seen:
            n += 1
            candidate = f"{name} ({n})"
        seen.add(candidate)
        out.append(candidate)
    return out


def values(pairs: Sequence[Pair]) -> pd.DataFrame:
    """Raw values: one row per figure (index = its key), a ``unit`` column, one column per scenario.

    Money is in each scenario's currency (its unit reads "currency"), fractions are fractions,
    ``None`` where a figure does not apply (no uncertainty ranges, an unstable queue, no costs).
    """
    names = unique_names([s.name for s, _ in pairs])
    rows = {f.key: [f.unit, *(f.value(s, r) for s, r in pairs)] for f in FIGURES}
    frame = pd.DataFrame.from_dict(rows, orient="index", columns=["unit", *names], dtype=object)
    frame.index.name = "figure"
    return frame


def _read_alike(texts: list[str], values: list[Any]) -> bool:
    """Whether one of ``texts`` (each value's text, in order) stands for two different ``values``."""
    return len(set(zip(texts, map(repr, values), strict=True))) > len(set(texts))


def table(pairs: Sequence[Pair]) -> pd.DataFrame:
    """The figures as the app writes them: index = label, one text column per scenario.  A money row whose
    different values would read alike is written whole."""
    names = unique_names([s.name for s, _ in pairs])
    rows = {}
    for figure in FIGURES:
        texts = [figure.written(s, r) for s, r in pairs]
        if figure.whole is not None:
            values = [figure.value(s, r) for s, r in pairs]
            if _read_alike(texts, values):
                texts = [figure.whole(value, s) for value, (s, _) in zip(values, pairs, strict=True)]
        rows[figure.label] = texts
    return pd.DataFrame.from_dict(rows, orient="index", columns=names)


def _input_text(value: Any, form: str, scenario: Scenario, blank: str | None, exact: bool = False) -> str:
    """An input's value as the workbook's Assumptions sheet formats it (``form``: its number format); ``exact``:
    every significant digit, for values that would otherwise read alike."""
    if value is None:
        return blank or fmt.NOT_APPLICABLE
    if isinstance(value, str):
        return value
    if form.startswith("range:"):  # (low, likely, high) of the input named after the colon, in its unit
        key = form.removeprefix("range:")
        return " / ".join(f"{v:,.10g}" if exact else fmt.input_value(key, v, scenario.currency) for v in value)
    if exact:
        return f"{value * 100:.6g}%" if form == "percent" else f"{value:,.10g}"
    if form == "percent":
        return fmt.assumption_percent(value)
    if form in ("money", "money_exact"):
        return fmt.money(value, scenario.currency, digits=2 if form == "money_exact" else None)
    if form in ("int", "id"):
        return f"{int(value)}" if form == "id" else fmt.number(value)
    return f"{value:,.6g}"


@dataclass(frozen=True)
class _Input:
    """One compared input: its row label, its value in each scenario (None: the scenario has none) and format."""

    label: str
    values: list[Any]
    form: str = "number"
    blank: str | None = None


def _inputs(scenarios: list[Scenario]) -> list[_Input]:
    """Every input a scenario's results depend on, in each scenario: the workbook's Assumptions (the licence lines
    matched by their names, not their places), the currency, the horizon and the uncertainty ranges."""
    from roi.export.assumptions import SECTIONS, TOOL_FIELDS, adoption_assumptions, all_assumptions

    longest = max(scenarios, key=lambda s: s.finance.horizon_years)
    listed = [_Input("Currency", [s.currency for s in scenarios], "text"),
              _Input("Horizon (years)", [s.finance.horizon_years for s in scenarios], "int")]
    # Before and after adoption share their labels: keyed by label alone, the after value replaced the before one.
    # Units where the value does not carry its own (a plain number, hours).
    for _, section in SECTIONS:
        for a in section:
            notes = [fmt.PERIOD_NAMES.get(a.path.split(".")[0], ""), a.unit if a.fmt in ("number", "hours") else ""]
            shown = ", ".join(note for note in notes if note)
            listed.append(_Input(f"{a.label} ({shown})" if shown else a.label, [get_path(s, a.path) for s in scenarios],
                                 a.fmt, a.blank_means))
    listed += [_Input(a.label, [get_path(s, a.path) for s in scenarios], a.fmt) for a in adoption_assumptions(longest)]
    tools = list(dict.fromkeys(tool.name for s in scenarios for tool in s.costs.tools))
    for name in tools:
        lines = [next((t for t in s.costs.tools if t.name == name), None) for s in scenarios]
        listed += [_Input(f"{name}: {label}", [None if t is None else getattr(t, field) for t in lines], form,
                          "not priced") for field, label, _, form in TOOL_FIELDS]
    keys = list(dict.fromkeys(key for s in scenarios for key in (s.uncertainty.ranges if s.uncertainty else {})))
    labels = {a.path: a.label for a in all_assumptions(longest)}
    for key in keys:
        ranges = [s.uncertainty.ranges.get(key) if s.uncertainty else None for s in scenarios]
        # In the input's unit ("−31.0% / −16.0% / −1.0%", not "-0.3097 / -0.1597 / -0.0097"), under its name
        # ("Range of pr size growth" read as a field name).
        listed.append(_Input(f"Range of {fmt.in_sentence(labels.get(key) or fmt.input_label(key))} "
                             "(low / likely / high)",
                             ranges, f"range:{key}", "no range"))
    return listed


def mixed_currencies(scenarios: Sequence[Scenario]) -> str | None:
    """A warning when the scenarios' money is in more than one currency: no amount is converted, so "+$1.4M" and
    "+€1.4M" side by side are not one comparison (the page said so only under its chart, the CSV not at all)."""
    currencies = list(dict.fromkeys(s.currency for s in scenarios))
    if len(currencies) < 2:
        return None
    return (f"The scenarios' money is in different currencies ({', '.join(currencies)}) and no amount is "
            "converted: compare NPVs, costs and benefits only between scenarios in the same currency, or set one "
            "currency and its amounts in each.")


def differences(pairs: Sequence[Pair]) -> pd.DataFrame:
    """The inputs whose values differ between the scenarios (:func:`_inputs`), as the workbook's Assumptions sheet
    names and formats them: index = the input's label, one text column per scenario; no rows when they share
    every input.  A workshop's "(2)" copy says what was changed in it.  Values that would read alike are written
    with every digit ("50%" beside "50%" for 0.5 and 0.5004)."""
    names = unique_names([s.name for s, _ in pairs])
    scenarios = [s for s, _ in pairs]
    rows: dict[str, list[str]] = {}
    for item in _inputs(scenarios) if scenarios else []:
        if len(set(map(repr, item.values))) < 2:
            continue
        texts = [_input_text(v, item.form, s, item.blank) for v, s in zip(item.values, scenarios, strict=True)]
        if _read_alike(texts, item.values):
            texts = [_input_text(v, item.form, s, item.blank, exact=True)
                     for v, s in zip(item.values, scenarios, strict=True)]
        rows[item.label] = texts
    return pd.DataFrame.from_dict(rows, orient="index", columns=names, dtype=object)
