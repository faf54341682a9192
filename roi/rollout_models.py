"""The rollout plan as saved in the scenario file (``Scenario.rollout``): waves, gates, tracking.

A plan is *input*: what the PM decided (waves, gate criteria, checklist status, how freed
time is spent).  Everything derived from it — costs, reviewers needed, gate verdicts — is
computed by :mod:`roi.rollout` and never stored.  Weeks count from the rollout's start
(week 0 = the pilot's first week).  Rates and shares are fractions in [0, 1].

This module must not import :mod:`roi.models` (which imports it for the ``rollout`` field).
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from roi.percent_slip import fraction_meant, percent_meant


def _plain_number(value: Any) -> Any:
    """Refuse text and true/false where a number goes (pydantic would read "1e300" and true as numbers)."""
    if isinstance(value, bool):
        raise ValueError(f"must be a number, not {str(value).lower()}; write the number itself")
    if isinstance(value, (str, bytes)):
        raise ValueError(f"must be a number, not the text {value!r}; write a plain number, without quotes")
    return value


PlainNumber = BeforeValidator(_plain_number)
"""Put in every numeric field's ``Annotated`` (roi.models imports it: this module is the lower one)."""

# The same conventions as roi.models (duplicated: importing it here would be circular).
Share = Annotated[float, PlainNumber, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
NonNegative = Annotated[float, PlainNumber, Field(ge=0.0, allow_inf_nan=False)]
Finite = Annotated[float, PlainNumber, Field(allow_inf_nan=False)]

MAX_WAVES = 20
WEEKS_PER_YEAR = 52
"""Rollout weeks in a plan year [weeks] (week 52 starts year 2; roi.rollout maps weeks to months with it)."""
MAX_WEEK = 10 * WEEKS_PER_YEAR
"""Latest start week accepted [weeks]: ten years, the longest finance horizon."""

MAX_TRACKED_ITEMS = 1000
"""Checklist entries one plan may track (the engine's rules give a few dozen items)."""

ALLOCATION_TOLERANCE = 1e-6

GateMetric = Literal[
    "change_failure_rate",
    "pickup_hours_median",
    "review_hours_median",
    "cycle_hours_median",
    "pr_size_loc_median",
    "pr_size_loc",
    "bugs_per_task",
    "bugs_per_dev_week",
    "tasks_per_dev_week",
    "prs_per_dev_week",
    "deployments_per_week",
    "recovery_hours",
    "rework_rate",
    "lead_time_hours",
    "ai_active_users",
    "ai_acceptance_rate",
]
"""Metrics a gate can test: the period fields of the metrics JSON (CONTRACT.md), plus
``bugs_per_task`` = bugs_per_dev_week / tasks_per_dev_week (methodology §1: quality per task)."""

ChecklistStatus = Literal["todo", "doing", "done", "not applicable"]

CLOSED_STATUSES: frozenset[ChecklistStatus] = frozenset({"done", "not applicable"})
"""Statuses of a checklist item the team has closed: no longer an action to take first."""

FRACTION_METRICS = frozenset({"change_failure_rate", "rework_rate", "ai_acceptance_rate"})
"""Gate metrics that are shares, fractions in [0, 1] as in the metrics JSON (CONTRACT.md)."""


def _check_fraction(metric: str, value: float | None, what: str) -> None:
    """A share's value in [0, 1]: 8 typed for a change failure rate of 8% made a gate that could never fail; and
    no value below 0: every gate metric is a count, a size, a time or a share (−50 lines passed a size gate)."""
    if value is not None and value < 0 and metric not in FRACTION_METRICS:
        raise ValueError(f"{what} of {metric} cannot be negative, got {value:g}; enter 0 or more")
    if metric in FRACTION_METRICS and value is not None and not 0.0 <= value <= 1.0:
        meant = fraction_meant(value)
        raise ValueError(f"{what} of {metric} is a fraction from 0 to 1 (0.08 = 8%), got {value:g}"
                         + (f"; {meant}" if meant else ""))


def _percent(share: float) -> str:
    """A share as a percentage with the digits it needs: 0.004 → "0.4%" (":.0%" wrote "0%"), 0.4 → "40%"."""
    return f"{share * 100:.3g}%"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Gate(_Model):
    """A go/no-go criterion on one measured metric, checked on data covering the wave's period.

    The threshold is ``threshold`` itself (basis ``absolute``), the baseline plus it
    (``baseline_plus``, e.g. +0.02 = two points of change failure rate) or the baseline
    times it (``baseline_times``, e.g. 1.0 = "not above the baseline").
    """

    metric: GateMetric
    comparison: Literal["at_most", "at_least"] = Field(
        "at_most", description="pass if measured ≤ (or ≥) threshold"
    )
    basis: Literal["absolute", "baseline_plus", "baseline_times"] = "absolute"
    threshold: Finite = Field(description="in the metric's unit; a multiplier for baseline_times")
    measured: Finite | None = Field(None, description="value measured over the wave's period; null = not yet")

    @model_validator(mode="after")
    def _multiplier_not_negative(self) -> Gate:
        if self.basis == "baseline_times" and self.threshold < 0:
            raise ValueError(
                f"a baseline_times threshold is a multiplier and cannot be negative (got {self.threshold:g})"
            )
        _check_fraction(self.metric, self.measured, "the measured value")
        if self.basis == "absolute":
            _check_fraction(self.metric, self.threshold, "the threshold")
        return self


class Wave(_Model):
    """One step of the rollout: from ``start_week`` the first ``seat_share`` of developers have seats."""

    name: str = Field(min_length=1, max_length=80)
    start_week: Annotated[int, PlainNumber, Field(ge=0, le=MAX_WEEK)] = Field(
        description="week the wave starts [week of rollout]"
    )
    seat_share: Annotated[float, PlainNumber, Field(gt=0.0, le=1.0, allow_inf_nan=False)] = Field(
        description="cumulative share of developers with a seat once this wave starts [fraction]"
    )
    teams: str = Field("", max_length=500, description="teams or cohort joining in this wave")
    training_hours_per_dev: NonNegative | None = Field(
        None, le=1000,
        description="training per developer joining [h]; null = the scenario's costs.training_hours_per_dev",
    )
    reviewers: Annotated[int, PlainNumber, Field(gt=0, le=1_000_000)] | None = Field(
        None, description="planned reviewer pool during the wave; null = the scenario's pool"
    )
    gates: list[Gate] = Field(default_factory=list, max_length=50)

    @field_validator("name")
    @classmethod
    def _stripped(cls, name: str) -> str:
        if not name.strip():
            raise ValueError("a wave needs a name")
        return name.strip()


class ChecklistTracking(_Model):
    """What the team recorded against one checklist item; null fields follow the engine and the waves."""

    item_id: str = Field(min_length=1, max_length=80)
    title: str = Field(
        "", max_length=300, description="the item's title when last seen (kept if it stops firing)"
    )
    status: ChecklistStatus = "todo"
    owner_role: str | None = Field(None, max_length=100, description="null = the engine's owner")
    due_week: Annotated[int, PlainNumber, Field(ge=0, le=MAX_WEEK)] | None = Field(
        None, description="null = tied to the waves"
    )
    notes: str = Field("", max_length=5000)

    @property
    def touched(self) -> bool:
        """True when the team recorded anything: such an item is kept even once it stops firing."""
        overridden = self.owner_role is not None or self.due_week is not None
        return self.status != "todo" or bool(self.notes.strip()) or overridden


class TimeAllocation(_Model):
    """How developer time freed by the tool is spent [fractions adding up to 1]."""

    quality: Share = Field(description="reviews, tests, fixing: paying the review tax and quality debt")
    learning: Share = Field(description="learning the tool and the new practices")
    roadmap: Share = Field(description="extra roadmap work")

    @model_validator(mode="after")
    def _adds_up(self) -> TimeAllocation:
        total = self.quality + self.learning + self.roadmap
        if not math.isclose(total, 1.0, abs_tol=ALLOCATION_TOLERANCE):
            raise ValueError(
                f"quality + learning + roadmap must add up to 100%, got {total:.1%}; adjust one of them"
            )
        return self


class Expectations(_Model):
    """Expectation-setting choices; null fields are generated from the numbers (roi.rollout.expectations)."""

    plan_gain_basis: Literal["p10", "likely"] = Field(
        "p10",
        description="plan roadmaps on the quality-adjusted gain at P10 (downside) or at the likely values",
    )
    time_allocation: TimeAllocation | None = None
    guardrails: list[Annotated[str, Field(min_length=1, max_length=500)]] | None = Field(None, max_length=30)


class RolloutPlan(_Model):
    """Waves with their gates, the tracked checklist and the expectations, saved with the scenario."""

    start_date: date | None = Field(None, description="date of week 0 (the pilot's first day)")
    waves: list[Wave] = Field(min_length=1, max_length=MAX_WAVES)
    baseline: dict[GateMetric, Finite] = Field(
        default_factory=dict,
        description="pre-rollout values of gate metrics (e.g. from exports), overriding the scenario's",
    )
    checklist: list[ChecklistTracking] = Field(default_factory=list, max_length=MAX_TRACKED_ITEMS)
    expectations: Expectations = Field(default_factory=Expectations)

    @model_validator(mode="after")
    def _baseline_shares(self) -> RolloutPlan:
        for metric, value in self.baseline.items():
            _check_fraction(metric, value, "the baseline")
        return self

    @model_validator(mode="after")
    def _waves_in_order(self) -> RolloutPlan:
        names = [wave.name for wave in self.waves]
        for index, wave in enumerate(self.waves):
            if names.index(wave.name) != index:
                raise ValueError(f"two waves are called '{wave.name}'; give each wave its own name")
            if index == 0:
                continue
            before = self.waves[index - 1]
            if wave.start_week <= before.start_week:
                raise ValueError(
                    f"wave '{wave.name}' starts in week {wave.start_week}, not after '{before.name}' "
                    f"(week {before.start_week}); waves must start in order"
                )
            if wave.seat_share <= before.seat_share:
                # a fraction typed where percent is asked (0.4 in the "Seats %" column)
                hint = f"; {percent_meant(wave.seat_share)}" if wave.seat_share < 0.01 else ""
                raise ValueError(
                    f"wave '{wave.name}' (week {wave.start_week}) covers {_percent(wave.seat_share)} of developers, "
                    f"not more than '{before.name}' (week {before.start_week}, {_percent(before.seat_share)}); "
                    f"each later wave must add seats{hint}"
                )
        counts = Counter(entry.item_id for entry in self.checklist)  # ids.count() per id was quadratic
        duplicates = sorted(item for item, count in counts.items() if count > 1)
        if duplicates:
            raise ValueError(f"checklist item '{duplicates[0]}' is tracked twice; keep one entry per item")
        return self
