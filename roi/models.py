"""The scenario file (input) and the results (output) as frozen pydantic models.

The field names are a public interface (see docs/scenario-file.md): never rename or drop
one.  Units: hours are working hours, money is in the scenario's ``currency``, rates per
week are per working week, shares are fractions in [0, 1].
"""

from __future__ import annotations

import difflib
import json
import math
import re
import zoneinfo
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Final, Literal, TypeGuard, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic.fields import FieldInfo

from roi import defaults
from roi.errors import ScenarioError, SchemaVersionError, json_syntax
from roi.percent_slip import fraction_meant
from roi.rollout_models import WEEKS_PER_YEAR, PlainNumber, RolloutPlan

SCHEMA_VERSION: Final = 1  # Final: the type is Literal[1], as Scenario.schema_version's

Share = Annotated[float, PlainNumber, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
MIN_POSITIVE = 1e-9
Positive = Annotated[float, PlainNumber, Field(ge=MIN_POSITIVE, allow_inf_nan=False)]
"""Strictly positive; at least 1e-9 because the engine divides by these (0.000… LOC/h overflows to infinity)."""
NonNegative = Annotated[float, PlainNumber, Field(ge=0.0, allow_inf_nan=False)]
Finite = Annotated[float, PlainNumber, Field(allow_inf_nan=False)]

# The largest magnitude we accept anywhere: beyond it products overflow to infinity.
MAX_ABS_VALUE = 1e12


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


DELIVERY_RULE = "delivery_hours_per_week cannot exceed hours_per_week"
"""The start of Team's message when delivery hours exceed the working week (the app words it per field)."""


class Team(_Model):
    """Who is in scope."""

    developers: Annotated[int, PlainNumber, Field(gt=0, le=1_000_000)] = Field(
        description="developers in scope [people]"
    )
    hours_per_week: Positive = Field(defaults.HOURS_PER_WEEK, le=168, description="working hours per week [h]")
    delivery_hours_per_week: Positive = Field(
        defaults.DELIVERY_HOURS_PER_WEEK, le=168, description="hours on delivery work per week [h]"
    )
    working_weeks_per_year: Positive = Field(defaults.WORKING_WEEKS_PER_YEAR, le=52, description="[weeks/year]")
    loaded_cost_per_hour: Positive = Field(defaults.LOADED_COST_PER_HOUR, description="[currency/h]")

    @model_validator(mode="after")
    def _delivery_within_week(self) -> Team:
        if self.delivery_hours_per_week > self.hours_per_week:
            raise ValueError(
                f"{DELIVERY_RULE} ({self.delivery_hours_per_week:g} > {self.hours_per_week:g}); lower "
                f"delivery_hours_per_week to at most {self.hours_per_week:g} or raise hours_per_week to at "
                f"least {self.delivery_hours_per_week:g}"
            )
        return self


class PeriodMetrics(_Model):
    """Metrics of one period (baseline or post-adoption), per developer-week unless noted.

    The post period describes an *adopting* developer; benefits are scaled by adoption.
    """

    tasks_per_dev_week: Positive = Field(description="completed tasks per developer-week")
    prs_per_dev_week: Positive = Field(description="merged PRs per developer-week")
    pr_size_loc: Positive = Field(description="mean lines added + deleted per merged PR [LOC]")
    bugs_per_dev_week: NonNegative = Field(0.0, description="bugs created per developer-week")
    deployments_per_week: NonNegative | None = Field(None, description="production deployments per week (team)")
    change_failure_rate: Share | None = Field(None, description="failed deployments / deployments")
    recovery_hours: NonNegative | None = Field(
        None, description="failed deployment recovery time [calendar h]"
    )
    rework_rate: Share | None = Field(None, description="unplanned deployments / deployments")
    lead_time_hours: NonNegative | None = Field(
        None, description="change lead time, commit to production [calendar h]"
    )
    review_hours: NonNegative | None = Field(None, description="observed median time in review [calendar h]")

    @field_validator("bugs_per_dev_week")
    @classmethod
    def _bugs_zero_or_countable(cls, value: float) -> float:
        # The naive index divides by the baseline's bugs: a rate of 1e-320 overflowed it to −infinity.
        if 0.0 < value < MIN_POSITIVE:
            raise ValueError(f"is {value:g}; enter 0 for no bugs, or at least {MIN_POSITIVE:g} bugs per developer-week")
        return value

    @property
    def bugs_per_task(self) -> float:
        """B / T: bugs created per completed task [bugs per task] (quality per task, methodology §1)."""
        return self.bugs_per_dev_week / self.tasks_per_dev_week


class Review(_Model):
    """The shared reviewer pool (methodology §2)."""

    reviewers: Annotated[int, PlainNumber, Field(gt=0, le=1_000_000)] = Field(description="people who review")
    review_share: Annotated[float, PlainNumber, Field(ge=1e-9, le=1.0, allow_inf_nan=False)] = Field(
        defaults.REVIEW_SHARE, description="share of a reviewer's time spent reviewing"
    )
    overhead_hours: NonNegative = Field(defaults.REVIEW_OVERHEAD_HOURS, description="fixed effort per review [h]")
    loc_per_hour: Positive = Field(defaults.REVIEW_LOC_PER_HOUR, description="review speed [LOC/h]")
    arrival_cv2: NonNegative = Field(defaults.ARRIVAL_CV2, le=100)
    service_cv2: NonNegative = Field(defaults.SERVICE_CV2, le=100)
    target_wait_hours: Positive | None = Field(None, description="target wait for a review [h]; null = baseline wait")


class Quality(_Model):
    fix_hours_per_bug: NonNegative = Field(defaults.FIX_HOURS_PER_BUG, description="[h]")
    responders_per_incident: NonNegative = Field(defaults.RESPONDERS_PER_INCIDENT, description="[people]")
    rework_hours_per_deploy: NonNegative = Field(defaults.REWORK_HOURS_PER_DEPLOY, description="[h]")
    downtime_cost_per_hour: NonNegative = Field(0.0, description="business cost of downtime [currency/h]")
    impact_share: Share = Field(0.0, description="share of downtime that hurts the business")


class Tool(_Model):
    """One AI assistant licence line (methodology §3)."""

    name: str = Field(min_length=1, max_length=200)
    price_per_seat_month: NonNegative = Field(description="list price per seat [currency/month]")
    usage_per_dev_month: NonNegative = Field(0.0, description="usage billing per active developer [currency/month]")
    seat_coverage: Share = Field(1.0, description="share of developers given a seat")


MAX_TOOLS = 50
"""Licence lines one scenario may price (a handful in practice); the model loops over them per draw."""


class Costs(_Model):
    tools: list[Tool] = Field(default_factory=list, max_length=MAX_TOOLS)
    training_hours_per_dev: NonNegative = Field(0.0, description="[h per developer], year 0")
    one_off_cost: NonNegative = Field(0.0, description="set-up cost in year 0 [currency]")
    governance_fte: NonNegative = Field(0.0, description="people running the programme [FTE]")
    fte_annual_cost: NonNegative | None = Field(None, description="[currency/year]; null = loaded rate × 2080 h")


def _default_adoption(years: int) -> list[float]:
    """Adoption when the file gives none, following the horizon: 0.7 in year 1, 0.9 afterwards."""
    first, later = defaults.ADOPTION_BY_YEAR[0], defaults.ADOPTION_BY_YEAR[-1]
    return [first] + [later] * (years - 1)


class Finance(_Model):
    horizon_years: Annotated[int, PlainNumber, Field(ge=1, le=10)] = defaults.HORIZON_YEARS
    discount_rate: Annotated[float, PlainNumber, Field(ge=0.0, le=1.0, allow_inf_nan=False)] = (
        defaults.DISCOUNT_RATE
    )
    capture_factor: Share = defaults.CAPTURE_FACTOR
    benefit_risk: Share = defaults.BENEFIT_RISK
    cost_risk: Annotated[float, PlainNumber, Field(ge=0.0, le=10.0, allow_inf_nan=False)] = defaults.COST_RISK
    adoption_by_year: list[Share] | None = Field(
        default_factory=lambda data: _default_adoption(data.get("horizon_years", defaults.HORIZON_YEARS)),
        description="share of developers using the tool in years 1..Y; null = 0.7, then 0.9",
    )

    @model_validator(mode="before")
    @classmethod
    def _null_adoption(cls, data: Any) -> Any:
        # null means the default, as an omitted list does.  Omitted, the field's default_factory fills it,
        # which keeps it out of model_fields_set: a default is not taken for a value the file gave.
        if isinstance(data, dict) and "adoption_by_year" in data and data["adoption_by_year"] is None:
            years = data.get("horizon_years", defaults.HORIZON_YEARS)
            # 3.0 is a whole number too (the field accepts it); text and true are refused by the field.
            if isinstance(years, (int, float)) and not isinstance(years, bool) and years in range(1, 11):
                data = {**data, "adoption_by_year": _default_adoption(int(years))}
        return data

    @model_validator(mode="after")
    def _adoption_matches_horizon(self) -> Finance:
        if self.adoption_by_year is None or len(self.adoption_by_year) != self.horizon_years:
            got = 0 if self.adoption_by_year is None else len(self.adoption_by_year)
            raise ValueError(
                f"adoption_by_year has {got} values but horizon_years is {self.horizon_years}; "
                "give one adoption share per year"
            )
        return self

    @property
    def adoption(self) -> list[float]:
        """Adoption shares for years 1..Y (never None after validation)."""
        return list(self.adoption_by_year or [])


RANGE_SPECIAL_KEYS = ("productivity_uplift", "pr_count_growth", "pr_size_growth")
"""Range keys that are not scenario fields: g, and P1/P0 − 1, L1/L0 − 1 (methodology §4)."""

GROWTH_RANGE_OF = {"post.tasks_per_dev_week": "productivity_uplift", "post.prs_per_dev_week": "pr_count_growth",
                   "post.pr_size_loc": "pr_size_growth"}
"""Post values that a growth range replaces in every draw when both are ranged."""
OUTSIDE_THE_MONEY = ("team.hours_per_week", "review.reviewers", "review.review_share", "review.arrival_cv2",
                     "review.service_cv2", "review.target_wait_hours", "baseline.review_hours", "post.review_hours",
                     "baseline.lead_time_hours", "post.lead_time_hours")
"""Scenario numbers the NPV never reads: the review queue's, and observed times shown for context (a test
checks this against what roi.inputs reads).  A range over one would change no simulated outcome."""
_NOT_MODEL_INPUTS = ("schema_version", "finance.horizon_years")
_SETTINGS = ("uncertainty", "measurement", "rollout")
"""Numbers a range cannot vary: the Monte Carlo reads them as settings (or not at all), so a range over
them was silently ignored (a tornado row with no swing)."""


MAX_RANGES = 100
"""Uncertain inputs one scenario may have (the tornado evaluates the model twice for each)."""

MAX_SAMPLED_VALUES = 20_000_000
"""draws × ranges: every draw of every range is held at once (8 bytes each, so 160 MB here, and
the model's intermediate arrays on top); 1,000,000 draws still allow 20 ranges."""


class Uncertainty(_Model):
    draws: Annotated[int, PlainNumber, Field(ge=100, le=1_000_000)] = defaults.MONTE_CARLO_DRAWS
    seed: Annotated[int, PlainNumber, Field(ge=0, le=2**63 - 1)] = defaults.MONTE_CARLO_SEED
    distribution: Literal["pert", "triangular"] = "pert"
    ranges: dict[str, tuple[Finite, Finite, Finite]] = Field(default_factory=dict, max_length=MAX_RANGES)

    @model_validator(mode="after")
    def _fits_in_memory(self) -> Uncertainty:
        values = self.draws * len(self.ranges)
        if values > MAX_SAMPLED_VALUES:
            raise ValueError(
                f"{len(self.ranges)} ranges × {self.draws:,} draws are {values:,} sampled values, more than "
                f"the {MAX_SAMPLED_VALUES:,} the Monte Carlo holds at once; lower draws to at most "
                f"{MAX_SAMPLED_VALUES // len(self.ranges):,} or remove ranges"
            )
        return self

    @field_validator("ranges")
    @classmethod
    def _ordered(cls, ranges: dict[str, tuple[float, float, float]]) -> dict[str, tuple[float, float, float]]:
        for key, (low, likely, high) in ranges.items():
            if not low <= likely <= high:
                raise ValueError(
                    f"range '{key}' must satisfy low <= likely <= high, got [{low:g}, {likely:g}, {high:g}]; "
                    "write it as [low, likely, high]"
                )
        return ranges


class Measurement(_Model):
    """Where the scenario's baseline and post metrics were measured (absent = estimates)."""

    adoption_date: date = Field(description="day the AI tool was rolled out (UTC)")
    ramp_weeks: Annotated[int, PlainNumber, Field(ge=0, le=104)] = 0
    sources: list[str] = Field(default_factory=list, description="files the metrics were read from")
    column_mappings: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="per file name: our column -> the user's column"
    )
    timezone: str | None = Field(
        None, max_length=64,
        description="IANA time zone the exports' times without an offset (Jira's) were read in; null: UTC",
    )
    kept_from_base: list[str] = Field(
        default_factory=list,
        description="period fields (tasks_per_dev_week, …) the exports did not measure: their values are the "
        "base scenario's",
    )
    few_events: list[str] = Field(
        default_factory=list,
        description="period fields measured from fewer than 30 events in a period (no interval or test)",
    )
    adoption_share: Share | None = Field(
        None, description="share of active developers after adoption the exports identify as AI users (cohorts); "
        "null: not identified"
    )
    counted: dict[str, Annotated[int, Field(gt=0)]] = Field(
        default_factory=dict,
        description="team.developers and review.reviewers as the exports counted them (active developers, distinct "
        "reviewers before adoption); an edited value no longer equals its count",
    )
    control_cohort: bool | None = Field(
        None,
        description="true: the exports told AI users from non-users, so the changes are compared with the "
        "non-users' (difference-in-differences); false: before/after only, so the changes are associated with "
        "adoption, not shown to be caused by it; null: not recorded (files saved before 28 November 2026)",
    )
    deployments_developers: Annotated[int, PlainNumber, Field(gt=0, le=1_000_000)] | None = Field(
        None,
        description="developers the team's deployments per week describe once scaled to the developers in scope "
        "(roi.team_rates.with_deployments_scaled); null: the developers the exports counted (counted)",
    )

    @field_validator("counted")
    @classmethod
    def _counted_fields(cls, counted: dict[str, int]) -> dict[str, int]:
        unknown = set(counted) - {"team.developers", "review.reviewers"}
        if unknown:
            raise ValueError(f"counts only team.developers and review.reviewers, not {', '.join(sorted(unknown))}")
        return counted

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str | None) -> str | None:
        if zone is not None:
            try:
                zoneinfo.ZoneInfo(zone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"'{zone}' is not a time zone name; use an IANA name such as Europe/Berlin, "
                                 "or null for UTC") from None
        return zone


class Scenario(_Model):
    """A complete what-if: team, the two periods, review pool, quality, costs, finance."""

    schema_version: Literal[1] = SCHEMA_VERSION
    name: str = Field("Untitled scenario", max_length=200)
    currency: str = Field("USD", min_length=1, max_length=10)
    notes: str | None = Field(None, max_length=20_000, description="sources and caveats, shown with the scenario")
    team: Team
    baseline: PeriodMetrics
    post: PeriodMetrics
    review: Review
    quality: Quality = Field(default_factory=Quality)
    costs: Costs = Field(default_factory=Costs)
    finance: Finance = Field(default_factory=Finance)
    uncertainty: Uncertainty | None = None
    measurement: Measurement | None = None
    rollout: RolloutPlan | None = Field(None, description="the rollout plan (roi.rollout_models); null = none yet")

    @field_validator("name")
    @classmethod
    def _named(cls, value: str) -> str:
        # A blank name titled every page with nothing, "****" on the Export page, files "scenario.json".
        if not value.strip():
            raise ValueError("is empty; give the scenario a name: it titles every page and names the saved files")
        return value

    @model_validator(mode="after")
    def _ranges_name_fields(self) -> Scenario:
        if self.uncertainty is None:
            return self
        for key in self.uncertainty.ranges:
            if key in RANGE_SPECIAL_KEYS:
                low = self.uncertainty.ranges[key][0]
                if low < -1.0:
                    raise ValueError(
                        f"uncertainty range '{key}' starts at {low:g}, a fall of more than 100%, which would "
                        "make the count or size negative; raise the low end to -1 or more"
                    )
                continue
            if key in OUTSIDE_THE_MONEY:
                raise ValueError(
                    f"uncertainty range '{key}' varies a number the NPV does not use (it sizes the review queue "
                    "or is shown for context), so every simulated outcome would ignore it; remove the range"
                )
            if GROWTH_RANGE_OF.get(key) in self.uncertainty.ranges:
                raise ValueError(
                    f"uncertainty ranges '{key}' and '{GROWTH_RANGE_OF[key]}' vary the same number, and the "
                    f"growth range replaces this one in every draw; remove one of the two"
                )
            if key in _NOT_MODEL_INPUTS or key.startswith(tuple(f"{section}." for section in _SETTINGS)):
                raise ValueError(
                    f"uncertainty range '{key}' names a setting, not an input of the model (the model would "
                    "ignore it); remove it, or vary an input such as 'review.loc_per_hour'"
                )
            value = get_path(self, key)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise ValueError(
                    f"uncertainty range '{key}' does not name a number in the scenario; use one of "
                    f"{', '.join(RANGE_SPECIAL_KEYS)} or a dotted path such as 'review.loc_per_hour'"
                )
            low, _, high = self.uncertainty.ranges[key]
            for bound in _field_bounds(self, key):
                if not _within(bound, low, high):
                    raise ValueError(
                        f"uncertainty range '{key}' runs from {low:g} to {high:g}, but the field must be "
                        f"{_bound_text(bound)}; narrow the range"
                    )
            week = self.team.hours_per_week
            if key == "team.delivery_hours_per_week" and high > week:
                raise ValueError(  # the rule Team enforces on the value, for every draw
                    f"uncertainty range '{key}' runs up to {high:g}, above hours_per_week ({week:g}); lower "
                    f"its high end to at most {week:g}"
                )
        return self

    @model_validator(mode="after")
    def _adopters_have_seats(self) -> Scenario:
        # Benefits count n·a_t adopters (methodology §3), costs n·coverage seats: adopters beyond the seats
        # were counted as gaining hours from a tool nobody paid for (coverage 0 raised the NPV).  Checked
        # for every draw too: a range may lower the seats or raise adoption, each at its own end.
        tools = self.costs.tools
        if not tools:  # no licence line: the tool's cost is not modelled, so neither are its seats
            return self
        lines = "the licence line gives" if len(tools) == 1 else f"the {len(tools)} licence lines give"
        seated = min(1.0, sum(tool.seat_coverage for tool in tools))
        for year, share in enumerate(self.finance.adoption, start=1):
            if share > seated + 1e-9:
                raise ValueError(
                    f"adoption in year {year} is {_share_text(share)} of developers, but {lines} a seat to "
                    f"{_share_text(seated)} (seat coverage): an adopter needs a seat; give more developers a "
                    "seat, or lower adoption")
        ranges = self.uncertainty.ranges if self.uncertainty else {}
        fewest = min(1.0, sum(ranges.get(f"costs.tools.{k}.seat_coverage", (tool.seat_coverage,))[0]
                              for k, tool in enumerate(tools)))
        for year, share in enumerate(self.finance.adoption, start=1):
            high = ranges.get(f"finance.adoption_by_year.{year - 1}", (share, share, share))[2]
            if high > fewest + 1e-9:
                raise ValueError(
                    f"with the uncertainty ranges, adoption in year {year} reaches {_share_text(high)} of "
                    f"developers while {lines} a seat to as few as {_share_text(fewest)}: an adopter needs a "
                    "seat; narrow the ranges or give more developers a seat")
        return self

    @model_validator(mode="after")
    def _waves_start_within_the_horizon(self) -> Scenario:
        # The rollout's costs and reviews are planned month by month over the horizon (roi.rollout); a
        # wave starting after it has no month to land in.  Checked here so that shortening the horizon
        # is refused like any other inconsistent edit, instead of failing every page that plans waves.
        if self.rollout is None:
            return self
        last_week = self.finance.horizon_years * WEEKS_PER_YEAR
        for index, wave in enumerate(self.rollout.waves):
            if wave.start_week >= last_week:
                raise ValueError(
                    f"rollout wave {index + 1} ('{wave.name}') starts in week {wave.start_week}, after the "
                    f"{self.finance.horizon_years}-year horizon (weeks 0–{last_week - 1}); start the wave earlier "
                    "or choose a longer horizon"
                )
        return self

    @property
    def fte_annual_cost(self) -> float:
        """Cost of one governance FTE [currency/year]; defaults to the loaded rate × 2080 h."""
        if self.costs.fte_annual_cost is not None:
            return self.costs.fte_annual_cost
        return self.team.loaded_cost_per_hour * defaults.HOURS_PER_YEAR_FTE


def _share_text(share: float) -> str:
    """0.875 → '87.5%'."""
    return f"{share * 100:.4g}%"


_MISSING = object()


def field_limits(model: BaseModel, path: str) -> tuple[float, float]:
    """The smallest and largest value the number at ``path`` may take (±inf where unbounded)."""
    low, high = -math.inf, math.inf
    for bound in _field_bounds(model, path):
        if hasattr(bound, "ge"):
            low = max(low, float(bound.ge))
        elif hasattr(bound, "gt"):
            low = max(low, math.nextafter(float(bound.gt), math.inf))
        elif hasattr(bound, "le"):
            high = min(high, float(bound.le))
        else:
            high = min(high, math.nextafter(float(bound.lt), -math.inf))
    if path == "team.delivery_hours_per_week" and isinstance(model, Scenario):
        high = min(high, model.team.hours_per_week)  # Team's rule: delivery hours fit in the week
    return low, high


def _field_bounds(model: BaseModel, path: str) -> list[Any]:
    """The numeric bounds (annotated_types Gt/Ge/Lt/Le) of the field at a dotted path."""
    parts = path.split(".")
    parent = get_path(model, ".".join(parts[:-1])) if len(parts) > 1 else model
    if isinstance(parent, BaseModel):
        info = type(parent).model_fields[parts[-1]]
        # An optional field (``Share | None``) keeps its bounds inside the union, not in the field's metadata.
        return [m for m in info.metadata if _is_bound(m)] or _nested_bounds(info.annotation)
    if isinstance(parent, (list, tuple)) and len(parts) > 1:  # an element of a list field
        owner = get_path(model, ".".join(parts[:-2])) if len(parts) > 2 else model
        return _nested_bounds(type(owner).model_fields[parts[-2]].annotation)
    return []


def _nested_bounds(annotation: Any) -> list[Any]:
    found = []
    for arg in get_args(annotation):
        if isinstance(arg, FieldInfo):
            found += [m for m in arg.metadata if _is_bound(m)]
        else:
            found += _nested_bounds(arg)
    return found


def _is_bound(item: Any) -> bool:
    return any(hasattr(item, name) for name in ("gt", "ge", "lt", "le"))


def _within(bound: Any, low: float, high: float) -> bool:
    if hasattr(bound, "gt"):
        return low > bound.gt
    if hasattr(bound, "ge"):
        return low >= bound.ge
    if hasattr(bound, "lt"):
        return high < bound.lt
    return high <= bound.le


def _bound_text(bound: Any) -> str:
    for name, words in (("gt", "above"), ("ge", "at least"), ("lt", "below"), ("le", "at most")):
        if hasattr(bound, name):
            return f"{words} {getattr(bound, name):g}"
    return str(bound)  # pragma: no cover


def _is_index(part: str) -> bool:
    """A list index as the engine writes it: "0", "12"; not "00", "²" or "١" (the engine's overrides
    would never match such a path, so a range over it was silently ignored)."""
    return part.isascii() and part.isdigit() and part == str(int(part))


def get_path(model: BaseModel, path: str) -> Any:
    """Value at a dotted path such as ``review.loc_per_hour`` or ``costs.tools.0.price_per_seat_month``.

    Returns ``None`` where the path leads nowhere.
    """
    node: Any = model
    for part in path.split("."):
        if isinstance(node, BaseModel):
            node = getattr(node, part, _MISSING) if part in type(node).model_fields else _MISSING
        elif isinstance(node, (list, tuple)) and _is_index(part) and int(part) < len(node):
            node = node[int(part)]
        else:
            node = _MISSING
        if node is _MISSING:
            return None
    return node


# --- Loading and saving ----------------------------------------------------------------


_WIDE_INTEGER_FIELDS = frozenset({"uncertainty.seed"})
"""Integer fields whose valid range goes beyond MAX_ABS_VALUE (they are never used in arithmetic)."""


def _reject_non_finite(value: Any, path: str = "") -> None:
    """NaN, infinity and numbers beyond ±1e12 are refused with the field that holds them."""
    if isinstance(value, dict):
        for key, item in value.items():
            _reject_non_finite(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, (list, tuple)):  # tuples: a dict built from model_dump() (uncertainty ranges)
        for index, item in enumerate(value):
            _reject_non_finite(item, f"{path}.{index}")
    elif isinstance(value, _JsonConstant):
        raise ScenarioError(f"{value.literal} is not a number JSON allows; give a finite value", field=path)
    elif isinstance(value, float) and (not math.isfinite(value) or abs(value) > MAX_ABS_VALUE):
        raise ScenarioError(
            f"{value!r} is not a usable number; give a finite value below {MAX_ABS_VALUE:g} in magnitude",
            field=path,
        )
    elif (
        isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_ABS_VALUE
        and path not in _WIDE_INTEGER_FIELDS
    ):
        # JSON integers are exact and unbounded: 10**300 would otherwise become 1e300 in a float field.
        raise ScenarioError(
            f"a whole number over {MAX_ABS_VALUE:g} in magnitude is not usable; give a smaller value",
            field=path,
        )


def _json_words(value: Any) -> str:
    """``value`` as the file wrote it, in JSON's words: null, a list, an object, or the value itself."""
    if value is None:
        return "null"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, bool):  # as written in the file, not Python's True
        return json.dumps(value)
    if isinstance(value, str):  # as PlainNumber says it
        return f"the text {value!r}"
    return repr(value)


def _number_type_message(kind: str, received: Any) -> str | None:
    """What to enter for a value of the wrong type in a number field, or None for any other error.

    pydantic says "Input should be a valid integer, got a number with a fractional part": neither which
    value would do nor that a count takes no fraction.  Text and true/false are refused earlier
    (:data:`~roi.rollout_models.PlainNumber`), with the same wording."""
    if kind == "int_from_float" and isinstance(received, float):
        return f"must be a whole number, not {received!r}; write {math.floor(received)} or {math.ceil(received)}"
    if kind in ("int_type", "int_parsing"):
        return f"must be a whole number, not {_json_words(received)}; write a plain whole number, without quotes " \
               "or decimals"
    if kind in ("float_type", "float_parsing"):
        return f"must be a number, not {_json_words(received)}; write a plain number, without quotes"
    return None


_RANGE_ITEM = re.compile(r"(uncertainty\.ranges\..+)\.[0-2]")
"""A missing item of an uncertainty range: pydantic names its index, the user wrote the whole range."""


def _shape_message(path: str, kind: str, first: Any) -> tuple[str, str] | None:
    """(field, message) for a value of the wrong shape: pydantic's "Input should be a valid dictionary or instance
    of Quality" names a class the user never wrote and says nothing of what to write."""
    received = _json_words(first.get("input"))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return path, f"must be an object ({{…}}), not {received}; write its fields between braces"
    range_item = _RANGE_ITEM.fullmatch(path)
    if kind == "missing" and range_item:
        return range_item[1], "has fewer than three values; write three numbers [low, likely, high]"
    if path.startswith("uncertainty.ranges.") and kind in ("tuple_type", "too_long", "too_short"):
        given = first.get("input")
        received = f"{len(given)} values" if isinstance(given, (list, tuple)) else received
        return path, f"must be three numbers [low, likely, high], not {received}"
    if kind in ("list_type", "tuple_type"):
        return path, f"must be a list ([…]), not {received}; write its items between square brackets"
    if kind == "string_type":
        return path, f"must be text in double quotes, not {received}"
    return None


def validation_message(error: ValidationError) -> tuple[str, str]:
    """(field path, message) of the first validation error, phrased for a user."""
    errors = error.errors()
    # An unknown key first: "Team" for "team" was reported as "field 'team': is required".
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    path = ".".join(str(p) for p in first["loc"])
    kind = first["type"]
    if kind == "extra_forbidden":
        parent, key = first["loc"][:-1], str(first["loc"][-1])
        missing = [str(e["loc"][-1]) for e in errors if e["type"] == "missing" and e["loc"][:-1] == parent]
        close = difflib.get_close_matches(key.lower(), missing, n=1, cutoff=0.6)
        if close:
            return path, f"unknown key; did you mean '{close[0]}' (required)? Rename it"
        return path, "unknown key; remove it or check its spelling against docs/scenario-file.md"
    shaped = _shape_message(path, kind, first)
    if shaped is not None:
        return shaped
    if kind == "missing":
        return path, "is required; add it to the file"
    typed = _number_type_message(kind, first.get("input"))
    if typed is not None:
        return path, typed
    limits = first.get("ctx") or {}
    if kind == "string_too_long" and isinstance(first.get("input"), str):
        return path, (f"is {len(first['input']):,} characters long; shorten it to at most "
                      f"{limits.get('max_length', 0):,}")
    if kind == "string_too_short":
        return path, "is empty; type at least one character"
    if kind == "literal_error":  # "Input should be 'pert' or 'triangular'": the choices, and the fix
        return path, f"is {first.get('input')!r}; write one of {limits.get('expected', '')}"
    if kind.startswith(("date_", "datetime_")) and isinstance(first.get("input"), str):
        why = f" ({limits['error']})" if limits.get("error") else ""
        return path, f"is {first['input']!r}, not a date{why}; write a date as YYYY-MM-DD (2025-03-03)"
    message = first["msg"].removeprefix("Value error, ")
    received = first.get("input")
    if kind in _BOUND_ERRORS:  # "must be at most 1", not pydantic's "Input should be less than or equal to 1"
        bound = float(limits.get(_BOUND_ERRORS[kind][0], 0))
        message = "must be more than 0" if kind == "greater_than_equal" and 0 < bound <= MIN_POSITIVE \
            else f"must be {_BOUND_ERRORS[kind][1]} {bound:g}"
    if kind not in ("value_error",) and not isinstance(received, (dict, list)):
        message = f"{message} (got {received!r})"
    if kind in _BOUND_ERRORS:  # how to fix it, as every error must say
        share = kind == "less_than_equal" and limits.get("le") == 1
        meant = fraction_meant(received) if share and isinstance(received, (int, float)) else None
        if meant:
            message += f"; a share is a fraction from 0 to 1: {meant}"
        else:
            message += "; change it to a value in that range (docs/scenario-file.md gives each field's)"
    return path, message


_BOUND_ERRORS = {"greater_than": ("gt", "more than"), "greater_than_equal": ("ge", "at least"),
                 "less_than": ("lt", "less than"), "less_than_equal": ("le", "at most")}
"""pydantic's error types for a number out of a field's range: the bound's key in the error, and its words."""


def looks_like_scenario(data: Any) -> TypeGuard[dict[str, Any]]:
    """True for a decoded JSON object with a scenario's team, baseline or post section: a scenario file
    (possibly a broken one) rather than an export."""
    return isinstance(data, dict) and bool({"team", "baseline", "post"} & set(data))


def _without_ignored_ranges(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` without the uncertainty ranges every draw ignored, which versions before 27 November 2026 saved
    (the estimates template turned a low/high for time in review into one), and a line of its notes saying so:
    no simulated NPV depended on them, so a file holding one opens rather than being refused (the other ranges are
    drawn afresh: the P10–P90 moves by sampling noise only)."""
    uncertainty = data.get("uncertainty")
    if not isinstance(uncertainty, dict) or not isinstance(ranges := uncertainty.get("ranges"), dict):
        return data
    ignored = [key for key in ranges if key in OUTSIDE_THE_MONEY or GROWTH_RANGE_OF.get(key) in ranges]
    if not ignored:
        return data
    kept = {key: value for key, value in ranges.items() if key not in ignored}
    line = (f"Opened without the uncertainty range{'s' if len(ignored) > 1 else ''} over {', '.join(ignored)}: "
            "no simulated NPV depended on them (a number the NPV does not read, or one its growth range replaces).")
    notes = data.get("notes")
    return {**data, "uncertainty": {**uncertainty, "ranges": kept},
            "notes": f"{notes}\n{line}" if isinstance(notes, str) and notes else line}


def scenario_from_dict(data: Any, *, source: str = "scenario") -> Scenario:
    """Validate a decoded scenario file, migrating older schema versions.

    Raises:
        SchemaVersionError: the file comes from a newer version of the tool.
        ScenarioError: any field is missing, unknown or out of range (the message names it).
    """
    if not looks_like_scenario(data):
        # An export given as a scenario (dropped on the wrong uploader): not "field 'team' is required".
        raise ScenarioError(
            "is not a scenario file: it has no team, baseline or post section (an export? Exports are "
            "loaded on the app's Data page, or with 'python -m roi scenario')",
            file=source,
        )
    version = data.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, float) and version.is_integer():  # 1.0, as the whole-number fields take 3.0
        version = int(version)
        data = {**data, "schema_version": version}
    if not isinstance(version, int) or isinstance(version, bool):
        raise ScenarioError(f"schema_version must be a whole number, not {_json_words(version)}; write "
                            f"{SCHEMA_VERSION}", file=source)
    if version > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"schema_version {version} was written by a newer version of this tool (this one reads "
            f"up to {SCHEMA_VERSION}); upgrade the tool to open it",
            file=source,
        )
    if version < 1:
        raise ScenarioError(f"schema_version {version} is not a known version; use {SCHEMA_VERSION}", file=source)
    try:
        _reject_non_finite(data)
    except ScenarioError as error:
        raise ScenarioError(error.message, file=source, field=error.field) from None
    data = _without_ignored_ranges(data)
    try:
        return Scenario.model_validate(data)
    except ValidationError as error:
        field, message = validation_message(error)
        raise ScenarioError(message, file=source, field=field or None) from None


def notes_added(scenario: Scenario, text: str | bytes) -> list[str]:
    """The lines ``scenario``'s notes gained as it was read from the file ``text`` (a range no draw used,
    dropped): the results and the pages do not show notes, so the CLI warns with them and the app adds them
    to its notice."""
    try:
        written = json.loads(text).get("notes")
    except (ValueError, AttributeError):  # read a moment ago: not the file that was validated
        written = None
    before = set(written.splitlines()) if isinstance(written, str) else set()
    return [line for line in (scenario.notes or "").splitlines() if line not in before]


_OPENDOCUMENT = b"mimetypeapplication/vnd.oasis.opendocument."
"""The stored first entry of an OpenDocument file (a zip): its name, ``mimetype``, then its content."""


def parse_scenario(text: str | bytes, *, source: str = "scenario") -> Scenario:
    """Parse scenario JSON text; errors name ``source`` and the line of a JSON syntax error."""
    _check_scenario_size(len(text), source)
    head = text[:4].encode("latin-1", "replace") if isinstance(text, str) else text[:4]
    if head.startswith(b"PK\x03\x04") and _OPENDOCUMENT in (text[:100] if isinstance(text, bytes) else b""):
        raise ScenarioError(
            "is an OpenDocument spreadsheet (.ods, LibreOffice's own format), which is not read; save it as .xlsx "
            "(File > Save As > Excel 2007-365) and give that: a workbook the app exported keeps its edits as .xlsx",
            file=source,
        )
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        raise ScenarioError(
            "is a zip file (a workshop file or an Excel workbook), not a scenario file; give the scenario's "
            ".json, or compare a workshop file's scenarios with 'compare'",
            file=source,
        )
    if head.startswith(b"\x1f\x8b"):
        raise ScenarioError("is gzip-compressed; unpack it and give the scenario's .json", file=source)
    try:
        data = json.loads(
            text, parse_constant=_JsonConstant, parse_int=_whole_number, object_pairs_hook=_unique_keys
        )
    except json.JSONDecodeError as error:
        raise ScenarioError(
            f"not valid JSON at line {error.lineno}, column {error.colno}: {json_syntax(error.msg)}; "
            "fix the syntax or re-save the scenario from the app",
            file=source,
        ) from None
    except UnicodeDecodeError:
        raise ScenarioError("is not UTF-8 text; save the scenario file as UTF-8 JSON", file=source) from None
    except ValueError as error:
        raise ScenarioError(str(error), file=source) from None
    except RecursionError:
        raise ScenarioError("is nested too deeply to be a scenario file; re-save it from the app", file=source) from None
    return scenario_from_dict(data, source=source)


MAX_SCENARIO_BYTES = 5 * 1024 * 1024
"""A scenario file is a few kilobytes (notes and a tracked checklist included); refuse anything
this large before decoding it, so a wrong or hostile file cannot exhaust memory."""


def _check_scenario_size(size: int, source: str, *, known: bool = True) -> None:
    """Refuse more than MAX_SCENARIO_BYTES; ``known=False``: ``size`` is only what was read (a device or
    a pipe has no size of its own, and reading stops one byte past the limit), so only that it is over
    the limit is said."""
    if size <= MAX_SCENARIO_BYTES:
        return
    if known:
        raise ScenarioError(f"is {size:,} bytes, but a scenario file is a few kilobytes (limit "
                            f"{MAX_SCENARIO_BYTES:,}); check that this is the scenario file", file=source)
    raise ScenarioError(f"is larger than the {MAX_SCENARIO_BYTES:,}-byte limit, but a scenario file is a few "
                        "kilobytes; check that this is the scenario file", file=source)


class _JsonConstant(float):
    """``NaN``, ``Infinity`` or ``-Infinity`` as written in the file (not JSON): kept while parsing, so that
    :func:`_reject_non_finite` refuses it naming its field."""

    literal: str

    def __new__(cls, literal: str) -> "_JsonConstant":
        value = super().__new__(cls, literal.replace("Infinity", "inf"))
        value.literal = literal
        return value


_MAX_INTEGER_DIGITS = 4000
"""Longer whole numbers are refused while parsing, before Python's own limit (4300 digits) refuses
them with advice about a sys setting; shorter ones too large for their field are refused by
``_reject_non_finite``, which names the field.  No field takes more than 19 digits."""


def _whole_number(text: str) -> int:
    """A JSON integer; one thousands of digits long is refused with a message a user can act on."""
    digits = len(text.lstrip("-"))
    if digits > _MAX_INTEGER_DIGITS:
        raise ValueError(
            f"holds a whole number of {digits} digits, beyond any field's range; give a smaller value"
        )
    return int(text)


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, refusing a key given twice (json.loads would silently keep the last)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"the key '{key}' is given twice in one section; keep only the value you mean")
        found[key] = value
    return found


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file from disk."""
    path = Path(path)
    try:
        _check_scenario_size(path.stat().st_size, str(path))
        with path.open("rb") as handle:  # bounded: a pipe or a device has no size to check first
            raw = handle.read(MAX_SCENARIO_BYTES + 1)
        _check_scenario_size(len(raw), str(path), known=False)  # what was read, not the file's size
    except OSError as error:
        raise ScenarioError(f"cannot be read ({error.strerror}); check the path", file=str(path)) from None
    return parse_scenario(raw, source=str(path))


def scenario_to_json(scenario: Scenario) -> str:
    """The scenario as indented JSON; ``parse_scenario`` of it gives back an equal scenario."""
    return scenario.model_dump_json(indent=2) + "\n"


def save_scenario(scenario: Scenario, path: str | Path) -> None:
    """Write the scenario atomically (a temporary file renamed into place: nothing half-written).

    Raises:
        RoiError: the folder does not exist or ``path`` cannot be written (the message names it).
    """
    from roi.export.files import write_atomic  # imported here: roi.export imports this module

    write_atomic(path, scenario_to_json(scenario).encode("utf-8"))


# --- Results ---------------------------------------------------------------------------


class ProductivityResult(_Model):
    """Quality-adjusted productivity per adopting developer (methodology §1), hours per week."""

    output_change: float = Field(description="g = T1/T0 − 1 [fraction]")
    gross_gain_hours: float = Field(description="G = g · H_task [h/dev-week]")
    review_tax_hours: float = Field(description="ΔR = P1·E(L1) − P0·E(L0) [h/dev-week]")
    defect_hours: float = Field(description="ΔD = (B1 − B0) · h_fix [h/dev-week]")
    incident_hours: float = Field(description="ΔI, incident and rework hours [h/dev-week]")
    net_hours: float = Field(description="N = G − ΔR − ΔD − ΔI [h/dev-week]")
    qapi: float = Field(description="quality-adjusted productivity index, 1 + N / H_task")
    naive_index: float = Field(description="(1 + g)·(1 − bug growth per developer); a contrast only")

    @property
    def quality_adjustment(self) -> float:
        """(QAPI − 1) − g: what review, bugs and incidents take off the output gain [fraction; < 0 when
        they cost time]."""
        return self.qapi - 1.0 - self.output_change


class QueueStats(_Model):
    """The review queue in one period (methodology §2). Wait fields are null when unstable."""

    arrival_per_hour: float = Field(description="λ, PRs arriving for review per working hour")
    effort_hours: float = Field(description="E(L), review effort per PR [h]")
    offered_load: float = Field(description="a = λ/μ [reviewers busy on average]")
    utilization: float = Field(description="ρ = a/c [fraction; ≥ 1 is unstable]")
    stable: bool
    p_wait: float | None = Field(description="Erlang C: probability a PR waits [fraction]")
    wait_hours: float | None = Field(description="Wq, Allen–Cunneen mean wait [working h]")
    time_in_review_hours: float | None = Field(description="Wq + E(L)/f [working h]")
    wip_prs: float | None = Field(description="PRs in review, Little's law")
    null_reasons: dict[str, str] = Field(
        default_factory=dict, description="why each null field above is null (field name -> reason)"
    )


class Calibration(_Model):
    """review_share solved from the observed baseline median time in review."""

    observed_hours: float = Field(description="baseline median time in review [h]")
    review_share: float | None = Field(description="f that reproduces it; null if none in (0, 1]")
    reason: str | None = Field(None, description="why no f was found")
    post: QueueStats | None = Field(None, description="the post period predicted with that f")


class ReviewResult(_Model):
    baseline: QueueStats
    post: QueueStats
    target_wait_hours: float | None = Field(description="target used [h]; null if none could be set")
    reviewers_needed: int | None = Field(description="smallest pool meeting the target after adoption")
    backlog_growth_hours_per_week: float = Field(description="review hours piling up per week after adoption")
    min_time_in_review_hours: float = Field(description="E(L1)/f, time in review no staffing beats [h]")
    calibration: Calibration | None = None
    null_reasons: dict[str, str] = Field(
        default_factory=dict, description="why each null field above is null (field name -> reason)"
    )


class FinanceResult(_Model):
    """Cash flows by year (index 0 = year 0) and their summary (methodology §3)."""

    benefits_by_year: list[float]
    costs_by_year: list[float]
    idle_seat_cost_by_year: list[float]
    pv_benefits: float
    pv_costs: float
    npv: float
    roi: float | None = Field(description="NPV / PV(costs) [fraction]; null when there are no costs")
    payback_months: float | None = Field(description="null if not within the horizon")
    break_even_net_hours: float | None = Field(description="N that makes NPV = 0; null if NPV ignores N")
    null_reasons: dict[str, str] = Field(
        default_factory=dict, description="why each null field above is null (field name -> reason)"
    )

    @property
    def net_by_year(self) -> list[float]:
        """Benefits − costs of each year, year 0 first [currency; undiscounted, risk-adjusted]."""
        return [b - c for b, c in zip(self.benefits_by_year, self.costs_by_year, strict=True)]

    @property
    def idle_seat_cost(self) -> float:
        """Idle-seat cost over the horizon, the sum of ``idle_seat_cost_by_year`` [currency; undiscounted]."""
        return sum(self.idle_seat_cost_by_year)


class TornadoRow(_Model):
    input: str
    low: float = Field(description="the input's P10")
    high: float = Field(description="the input's P90")
    npv_low: float
    npv_high: float
    swing: float = Field(description="|npv_high − npv_low|")


class MedianShift(_Model):
    """One input at its median instead of its likely value, the others likely (``roi.uncertainty.median_gap``)."""

    input: str
    likely: float = Field(description="the input's likely value (the range's mode)")
    median: float = Field(description="the input's median draw")
    npv_shift: float = Field(description="NPV at the median − NPV at the likely values [currency]")


class MedianGap(_Model):
    """Why the simulated median NPV differs from the NPV at the likely values: lopsided ranges."""

    npv_likely: float = Field(description="NPV with every input at its likely value [currency]")
    npv_median: float = Field(description="median of the simulated NPVs [currency]")
    shifts: list[MedianShift] = Field(description="inputs moving the NPV the gap's way, largest first")


class UncertaintyResult(_Model):
    """Monte Carlo over the whole model; P10 is the downside (10% of outcomes are worse)."""

    draws: int
    npv_p10: float
    npv_p50: float
    npv_p90: float
    npv_mean: float
    prob_npv_positive: float
    tornado: list[TornadoRow] | None = Field(description="null when the scenario has no ranges")
    histogram_edges: list[float] = Field(description="NPV histogram bin edges")
    histogram_counts: list[int] = Field(description="draws per bin")


class ChecklistItem(_Model):
    id: str
    category: str
    priority: int = Field(description="1 = do first")
    title: str
    reason: str = Field(description="the numbers that triggered the item")
    owner_role: str
    due_week: int = Field(description="week of the rollout by which it should be done")
    status: Literal["todo", "doing", "done", "not applicable"] = "todo"


class Results(_Model):
    """Everything ``compute`` returns; ``python -m roi compute`` prints it as JSON."""

    scenario_name: str
    currency: str
    productivity: ProductivityResult
    review: ReviewResult
    finance: FinanceResult
    uncertainty: UncertaintyResult | None
    checklist: list[ChecklistItem]
