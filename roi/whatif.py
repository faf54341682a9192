"""What-ifs: a changed scenario, and the review-pool views the engine does not give directly.

Every what-if is a *new* validated :class:`~roi.models.Scenario` passed to the engine, so a
what-if and a saved scenario can never disagree.  Units as in docs/methodology.md: hours are working
hours, rates are per developer-week, shares are fractions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from roi import capacity, formatting
from roi.engine import compute_review
from roi.errors import ScenarioError
from roi.estimates_note import ESTIMATES_NOTE, OVER_MEASUREMENT, RANGE_ONLY, entered_before
from roi.models import MAX_TOOLS, OUTSIDE_THE_MONEY, QueueStats, Scenario, Tool, field_limits, scenario_from_dict

_EDIT_SOURCE = ""  # edits come from the screen, not a file: errors name only the field


def with_values(scenario: Scenario, changes: dict[str, Any]) -> Scenario:
    """The scenario with each dotted path in ``changes`` set, re-validated as a whole.

    Paths are as in :func:`roi.models.get_path` (``review.reviewers``,
    ``costs.tools.0.price_per_seat_month``, ``finance.adoption_by_year.1``).  An uncertainty range
    is ``uncertainty.ranges.<key>`` (the key may hold dots: ``uncertainty.ranges.review.loc_per_hour``)
    set to ``[low, likely, high]``, or to ``None`` to drop it; the first range creates the section.

    Raises:
        ScenarioError: a path names no field, or the new value breaks a rule (the message
        names the field and the fix, e.g. "delivery_hours_per_week cannot exceed ...").
    """
    data = scenario.model_dump(mode="json")
    for path, value in changes.items():
        if path.startswith(_RANGES):
            _set_range(data, path.removeprefix(_RANGES), value)
            continue
        node: Any = data
        parts = path.split(".")
        for part in parts[:-1]:
            node = _child(node, part, path)
        last = parts[-1]
        if isinstance(node, dict) and last in node:
            node[last] = value
        elif isinstance(node, list) and last.isdigit() and int(last) < len(node):
            node[int(last)] = value
        else:
            raise ScenarioError("is not a field of the scenario", field=path)
    return scenario_from_dict(data, source=_EDIT_SOURCE)


_RANGES = "uncertainty.ranges."


def _set_range(data: dict[str, Any], key: str, value: Any) -> None:
    spec = data.get("uncertainty") or {}
    ranges = dict(spec.get("ranges") or {})
    if value is None:
        ranges.pop(key, None)
    else:
        ranges[key] = list(value)
    data["uncertainty"] = {**spec, "ranges": ranges} if ranges or spec else None


def with_value(scenario: Scenario, path: str, value: Any) -> Scenario:
    """The scenario with one dotted path set (see :func:`with_values`)."""
    return with_values(scenario, {path: value})


def with_assumption(scenario: Scenario, path: str, value: Any) -> Scenario:
    """The scenario with one assumption set, its uncertainty range (if any) moved along with it.

    An edited value with a range ``[low, likely, high]`` on the same path would leave the Monte
    Carlo drawing around the old value (an NPV above its own P90).  The range is scaled by
    ``value / likely``, keeping its relative spread around the new likely value, and clipped to
    the field's limits (a share stays within [0, 1]); a range whose likely value is 0 is shifted
    instead.  Without a range, or for a value of ``None``, this is :func:`with_value`.
    """
    return with_values(scenario, assumption_changes(scenario, {path: value}))


def assumption_changes(scenario: Scenario, values: Mapping[str, Any]) -> dict[str, Any]:
    """The changes for :func:`with_values` that set each path in ``values`` as :func:`with_assumption`
    sets one: the path's uncertainty range, if any, moved along with it."""
    ranges = scenario.uncertainty.ranges if scenario.uncertainty else {}
    changes = dict(values)
    for path, value in values.items():
        if path not in ranges or value is None:
            continue
        low, likely, high = ranges[path]
        low, high = moved_range(low, likely, high, value, field_limits(scenario, path))
        changes[_RANGES + path] = [low, value, high]  # the likely value as given
    return changes


def moved_range(low: float, likely: float, high: float, value: float,
                limits: tuple[float, float]) -> tuple[float, float]:
    """``low`` and ``high`` moved with their ``likely`` value to ``value`` (the field's unit): scaled by
    ``value / likely``, keeping the range's relative spread (shifted by ``value`` when ``likely`` is 0), clipped
    to the field's ``limits`` (floor, ceiling) and widened, if need be, to hold ``value``."""
    ends = [x * (value / likely) for x in (low, high)] if likely != 0 else [x + value for x in (low, high)]
    floor, ceiling = limits
    ends = [min(max(x, floor), ceiling) for x in ends]
    return min(*ends, value), max(*ends, value)


def estimate_range_moved(scenario: Scenario, field: str, estimate: Estimate,
                         likely_before: float | None) -> Estimate | None:
    """``estimate`` with its low and high moved along with its likely value (:func:`moved_range`) when the
    likely value, changed from ``likely_before``, left the range kept from before; None when the range still
    holds it (or there is none).  For the estimates table: a likely value typed for a client beside the demo's
    range was refused with "low 2.55 ≤ likely 1.6 ≤ high 3 does not hold", for values the user never typed."""
    baseline, post, low, high = estimate
    if post is None or low is None or high is None or likely_before is None or low <= post <= high:
        return None
    low, high = moved_range(low, likely_before, high, post, field_limits(scenario, f"post.{field}"))
    return baseline, post, low, high


def _child(node: Any, part: str, path: str) -> Any:
    if isinstance(node, dict) and isinstance(node.get(part), (dict, list)):
        return node[part]
    if isinstance(node, list) and part.isdigit() and int(part) < len(node):
        return node[int(part)]
    raise ScenarioError("is not a field of the scenario (or is empty)", field=path)


_TOOL_RANGE = re.compile(r"^costs\.tools\.(\d+)\.(.+)$")
"""An uncertainty range keyed by a licence line's position: ``costs.tools.<i>.<field>``."""


def _tool_name(scenario: Scenario, name: str, field: str, *, other_than: int | None = None) -> str:
    """``name`` stripped, refused if empty or already another licence line's name (case aside)."""
    name = name.strip()
    if not name:
        raise ScenarioError("give the tool a name (e.g. 'Cursor Business')", field=field)
    taken = [
        k
        for k, tool in enumerate(scenario.costs.tools)
        if k != other_than and tool.name.casefold() == name.casefold()
    ]
    if taken:
        # Two lines of one name read as a mistake (a double-clicked "Add") and cannot be told apart.
        raise ScenarioError(
            f"the scenario already prices a tool named '{scenario.costs.tools[taken[0]].name}' (tool "
            f"{taken[0] + 1}); edit that line, or give this one another name",
            field=field,
        )
    return name


def with_tool_added(scenario: Scenario, tool: Tool | Mapping[str, Any]) -> Scenario:
    """The scenario with one more licence line at the end, re-validated as a whole.

    ``tool`` is a :class:`~roi.models.Tool` or its fields (``name``, ``price_per_seat_month`` and,
    optionally, ``usage_per_dev_month`` [default 0] and ``seat_coverage`` [default 1]); a mapping is
    validated here, so a bad value is a :class:`ScenarioError` naming ``costs.tools.<i>.<field>``.
    The existing lines and their uncertainty ranges (keyed by position) are untouched: the new line
    comes last.

    Raises:
        ScenarioError: already :data:`~roi.models.MAX_TOOLS` lines, an empty or duplicate name, or a
        value out of range.
    """
    index = len(scenario.costs.tools)
    if index >= MAX_TOOLS:
        raise ScenarioError(
            f"a scenario prices at most {MAX_TOOLS} tools; remove one before adding another", field="costs.tools"
        )
    fields = tool.model_dump(mode="json") if isinstance(tool, Tool) else dict(tool)
    fields["name"] = _tool_name(scenario, str(fields.get("name") or ""), f"costs.tools.{index}.name")
    data = scenario.model_dump(mode="json")
    data["costs"]["tools"].append(fields)
    return scenario_from_dict(data, source=_EDIT_SOURCE)


def with_tool_removed(scenario: Scenario, index: int) -> Scenario:
    """The scenario without licence line ``index`` (from 0), its uncertainty ranges dropped and those of
    the lines after it renumbered (``costs.tools.2.seat_coverage`` becomes ``costs.tools.1.…``).

    The last line may go too: a scenario without tools is valid and prices no licences (its costs are
    training, set-up and governance only), as a scenario file without ``tools`` does.

    Raises:
        ScenarioError: no line ``index``.
    """
    tools = scenario.costs.tools
    if not 0 <= index < len(tools):
        raise ScenarioError(
            f"there is no tool {index + 1}; the scenario prices {len(tools)} tool(s)", field="costs.tools"
        )
    data = scenario.model_dump(mode="json")
    del data["costs"]["tools"][index]
    if data.get("uncertainty"):
        ranges = {}
        for key, value in data["uncertainty"]["ranges"].items():
            found = _TOOL_RANGE.match(key)
            if found is None:
                ranges[key] = value
            elif (k := int(found.group(1))) != index:  # a range of the removed line goes with it
                ranges[f"costs.tools.{k - 1 if k > index else k}.{found.group(2)}"] = value
        data["uncertainty"]["ranges"] = ranges
    return scenario_from_dict(data, source=_EDIT_SOURCE)


def names_tool(line_name: str, tool: str) -> bool:
    """Whether a licence line's name names ``tool``: the tool's first word in it, case ignored ("GitHub Copilot
    Enterprise" names Copilot, "Claude Team Premium" names Claude Code)."""
    return tool.split()[0].casefold() in line_name.casefold()


def with_measured_usage(scenario: Scenario, line: int | None, tool: str, per_dev_month: float
                        ) -> tuple[Scenario, int]:
    """The scenario with a measured usage billing [currency per active developer-month, to the cent] on licence
    line ``line`` (its uncertainty range moved along), or on a new line named ``tool`` with no seat price
    (``line`` None: usage billed on API terms has none); and the line's index.

    Raises:
        ScenarioError: no such line, or a new line's name is taken.
    """
    value = round(per_dev_month, 2)
    if line is None:
        added = with_tool_added(scenario, {"name": tool, "price_per_seat_month": 0.0, "usage_per_dev_month": value})
        return added, len(added.costs.tools) - 1
    return with_assumption(scenario, f"costs.tools.{line}.usage_per_dev_month", value), line


def with_tool_renamed(scenario: Scenario, index: int, name: str) -> Scenario:
    """The scenario with licence line ``index`` (from 0) named ``name`` (stripped).

    Raises:
        ScenarioError: no line ``index``, or the name is empty, too long or another line's.
    """
    field = f"costs.tools.{index}.name"
    if not 0 <= index < len(scenario.costs.tools):
        raise ScenarioError("is not a field of the scenario", field=field)
    return with_value(scenario, field, _tool_name(scenario, name, field, other_than=index))


def with_horizon(scenario: Scenario, years: int, remembered: Sequence[float] = ()) -> Scenario:
    """The scenario over ``years`` years; adoption is cut, or extended.

    ``remembered`` are adoption shares [fractions] for the years after the scenario's horizon, year Y + 1
    first: those a shorter horizon cut off, so that trying one and coming back restores what the user had.
    A longer horizon takes them first, then repeats the last share: [0.7] with (0.9, 0.95) over 4 years is
    [0.7, 0.9, 0.95, 0.95]; without them [0.7, 0.7, 0.7, 0.7].  An uncertainty range over a year cut off is
    dropped.
    """
    shares = scenario.finance.adoption + list(remembered)
    resized = (shares + [shares[-1]] * years)[:years] if shares else None
    changes: dict[str, Any] = {"finance.horizon_years": years, "finance.adoption_by_year": resized}
    # A range over a year the horizon no longer has names nothing: dropped (it refused the shorter horizon).
    prefix = "finance.adoption_by_year."
    for key in scenario.uncertainty.ranges if scenario.uncertainty is not None else {}:
        if key.startswith(prefix) and int(key.removeprefix(prefix)) >= years:
            changes[_RANGES + key] = None
    return with_values(scenario, changes)


def adoption_set_aside(scenario: Scenario, years: int, remembered: Sequence[float] = ()) -> tuple[float, ...]:
    """The adoption shares [fractions] :func:`with_horizon` leaves beyond a horizon of ``years``, year Y + 1 first:
    the scenario's own and the ``remembered`` ones after them, for a longer horizon to bring back."""
    return tuple([*scenario.finance.adoption, *remembered][years:])


def with_pr_size_limit(scenario: Scenario, limit_loc: float) -> Scenario:
    """The scenario with post-adoption PR size capped at ``limit_loc`` [LOC], PR count unchanged.

    L1' = min(L1, limit), and so is each Monte Carlo draw of it (the ``pr_size_growth`` range is
    capped at the limit's growth).  As in methodology §5 ("PR size held to +25%: L1 = 187.5 → N = 3.726 h"),
    the PR count is held: a limit is taken to stop AI-inflated diffs, not to split the same
    code into more PRs (splitting would add t0 overhead per extra PR).
    """
    if not limit_loc > 0:
        raise ScenarioError(
            f"a PR size limit must be above 0 lines, got {limit_loc:g}", field="post.pr_size_loc"
        )
    capped = with_value(scenario, "post.pr_size_loc", min(scenario.post.pr_size_loc, float(limit_loc)))
    growth_range = (scenario.uncertainty.ranges if scenario.uncertainty else {}).get("pr_size_growth")
    if growth_range is None:
        return capped
    # The Monte Carlo's PR size L0·(1 + x) is capped too: every draw above the limit is the limit.
    most = float(limit_loc) / scenario.baseline.pr_size_loc - 1.0
    return with_value(capped, _RANGES + "pr_size_growth", [min(x, most) for x in growth_range])


CURVE_POINTS = 400
"""Pool sizes a review curve holds at most: every size up to it, beyond it evenly spread sizes plus those
next to today's pool, the pool the target needs and the stability bound.  A million reviewers drew 1.4
million points (a 112 MB page that took 10 s)."""


def review_curve(scenario: Scenario) -> pd.DataFrame:
    """Post-adoption utilisation and mean wait for pools of 1..max_reviewers reviewers.

    Columns: ``reviewers``, ``utilization`` [fraction], ``wait_hours`` [working h; NaN where the
    queue is unstable], ``stable``.  ``max_reviewers`` spans today's pool, the pool the target
    needs and the stability bound with room to spare (at least 10); above :data:`CURVE_POINTS` sizes,
    a spread of them (the lines between are what a chart draws anyway).
    """
    review = compute_review(scenario)
    post = review.post
    needed = review.reviewers_needed or 0
    # The smallest stable pool; past the largest pool a scenario holds, the curve ends at 1.4 × that, unstable
    # throughout: a load no pool carries (a 10⁹-line PR) ran it to 1.4 × the load.
    stable_from = min(post.offered_load, field_limits(scenario, "review.reviewers")[1]) // 1 + 1
    max_reviewers = max(10, math.ceil(1.4 * max(scenario.review.reviewers, needed, stable_from)))
    queue = (post.arrival_per_hour, post.effort_hours, scenario.review.review_share, scenario.review.arrival_cv2,
             scenario.review.service_cv2)
    if max_reviewers <= CURVE_POINTS:
        servers, utilization, wait = capacity.wait_curve(*queue[:3], max_reviewers, *queue[3:])
    else:  # only the sizes drawn: every size up to 1.4 × a billion-reviewer load took 12 s, or ran out of memory
        marks = [scenario.review.reviewers, needed, int(stable_from)]
        sizes = np.concatenate([np.linspace(1, max_reviewers, CURVE_POINTS).round(),
                                *(np.arange(m - 2, m + 3) for m in marks if m > 0)])
        servers = np.unique(sizes.astype(np.int64).clip(1, max_reviewers))
        utilization, wait = capacity.waits_at(servers, *queue)
    return pd.DataFrame(
        {"reviewers": servers, "utilization": utilization, "wait_hours": wait, "stable": utilization < 1.0}
    )


@dataclass(frozen=True)
class TeamPools:
    """The post-adoption review queue split into ``teams`` separate pools (or pooled, teams = 1).

    Attributes:
        teams: number of separate reviewer pools.
        reviewers_per_team: pool sizes, as even as whole people allow.
        pools: queue statistics of each pool.
        stable: every pool keeps up with its PRs.
        mean_wait_hours: mean wait for review over all PRs [working h]; None when any pool is unstable.
        reviewers_needed: reviewers in total so that *every* pool meets the target wait; None if no target.
    """

    teams: int
    reviewers_per_team: tuple[int, ...]
    pools: tuple[QueueStats, ...]
    stable: bool
    mean_wait_hours: float | None
    reviewers_needed: int | None


MAX_TEAM_POOLS = 100
"""Separate team pools one comparison splits the reviewers into, at most."""


def pool_sizes(sizes: tuple[int, ...]) -> str:
    """Pool sizes in words: up to five as a sum, (6, 6, 5) → "6 + 6 + 5"; more with equal ones counted,
    (2, 2, 2, 2, 2, 1, 1) → "5 × 2 + 2 × 1" (a million pools wrote a million terms)."""
    if len(sizes) <= 5:
        return " + ".join(str(size) for size in sizes)
    counts: dict[int, int] = {}
    for size in sizes:
        counts[size] = counts.get(size, 0) + 1
    return " + ".join(f"{count} × {size}" if count > 1 else str(size) for size, count in counts.items())


def team_pools(scenario: Scenario, teams: int) -> TeamPools:
    """Per-team review: ``teams`` pools each with n/k developers and about c/k reviewers (post period).

    The pooling effect (Smith & Whitt, "Resource sharing for efficiency in traffic systems",
    Bell System Technical Journal 60(1), 1981): one pool of c servers waits less than k pools
    of c/k servers at the same utilisation, because in separate pools a PR can queue for a busy
    team while another team's reviewer is idle.  So per-team review needs more reviewers in total
    for the same target.  Developers split evenly (arrivals λ/k each); reviewers split as whole
    people, the first c mod k teams getting one more.

    Raises:
        ScenarioError: fewer reviewers than teams, or fewer than one team.
    """
    reviewers = scenario.review.reviewers
    if teams < 1:
        raise ScenarioError(f"the number of teams must be at least 1, got {teams}", field="teams")
    if teams > MAX_TEAM_POOLS:  # a million pools took 26 s to compare
        raise ScenarioError(f"compare at most {MAX_TEAM_POOLS} team pools, not {teams}", field="teams")
    if teams > reviewers:
        raise ScenarioError(
            f"{formatting.count(reviewers, 'reviewer')} cannot staff {teams} separate teams; use at most "
            f"{formatting.count(reviewers, 'team')} or add reviewers",
            field="teams",
        )
    review, pooled = scenario.review, compute_review(scenario)
    arrivals = pooled.post.arrival_per_hour / teams
    effort = pooled.post.effort_hours
    sizes = tuple(reviewers // teams + (1 if t < reviewers % teams else 0) for t in range(teams))
    pools = tuple(
        capacity.queue_stats(
            arrivals, effort, review.review_share, size, review.arrival_cv2, review.service_cv2
        )
        for size in sizes
    )
    stable = all(pool.stable for pool in pools)
    # Every pool receives the same share of PRs, so the mean wait over PRs is the plain mean.
    mean_wait = sum(pool.wait_hours for pool in pools) / teams if stable else None  # type: ignore[misc]
    target = pooled.target_wait_hours
    per_team = (
        capacity.reviewers_needed(
            arrivals, effort, review.review_share, review.arrival_cv2, review.service_cv2, target
        )
        if target is not None and target > 0
        else None
    )
    return TeamPools(
        teams=teams,
        reviewers_per_team=sizes,
        pools=pools,
        stable=stable,
        mean_wait_hours=mean_wait,
        reviewers_needed=per_team * teams if per_team is not None else None,
    )


_FINDING_RATES = ("tasks_per_dev_week", "prs_per_dev_week", "pr_size_loc", "bugs_per_dev_week")
_FINDING_DELIVERY = ("deployments_per_week", "change_failure_rate", "recovery_hours", "rework_rate", "lead_time_hours")
_SHARES = ("change_failure_rate", "rework_rate")
_RELATIVE_RANGES = ("productivity_uplift", "pr_count_growth", "pr_size_growth")


_FINDING_SUFFIX = " · with the finding of "


def finding_name(name: str, preset_name: str) -> str:
    """``'Acme (measured) · with the finding of METR 2025 RCT'``: the study's short name (before its first
    colon or comma) after the scenario's, replacing a finding applied before; at most 200 characters.

    The name used to stay as it was, so that the Compare page listed the scenario before and after under
    one name."""
    short = re.split(r"[:,]", preset_name, maxsplit=1)[0].strip()
    own = name.split(_FINDING_SUFFIX)[0]
    suffix = f"{_FINDING_SUFFIX}{short}"
    return own[: 200 - len(suffix)].rstrip() + suffix


def apply_finding(scenario: Scenario, preset: Scenario) -> Scenario:
    """The scenario with a published finding (a preset scenario's post / baseline ratios) on its own baseline.

    Keeps the scenario's team, review pool, costs and finance.  ``post = baseline × (preset post /
    preset baseline)`` for tasks, PRs, PR size and bugs, and for each delivery metric (deployments,
    change failure rate, recovery, rework, lead time) this baseline has (unchanged where the preset
    reports none: a measured post value is not what the finding describes).  The
    uncertainty ranges that are relative to the baseline (``productivity_uplift``,
    ``pr_count_growth``, ``pr_size_growth``) are the preset's, and dropped where the preset has
    none (a finding that reports no PR-size change must not be simulated with one); ranges over
    the scenario's own assumptions stay.  The observed time in review after adoption is cleared
    (it was measured, the new post period is not), and so is ``measurement``.
    """
    base, found_before, found_after = scenario.baseline, preset.baseline, preset.post
    changes: dict[str, Any] = {}
    for field in _FINDING_RATES + _FINDING_DELIVERY:
        before, after, own = getattr(found_before, field), getattr(found_after, field), getattr(base, field)
        if own is None:
            continue
        ratio = after / before if before and after is not None else 1.0
        value = own * ratio
        changes[f"post.{field}"] = min(value, 1.0) if field in _SHARES else value
    if scenario.post.review_hours is not None:  # observed after adoption: not what the finding describes
        changes["post.review_hours"] = None
    ranges = {
        k: v
        for k, v in (scenario.uncertainty.ranges if scenario.uncertainty else {}).items()
        if k not in _RELATIVE_RANGES
    }
    ranges |= {
        k: v
        for k, v in (preset.uncertainty.ranges if preset.uncertainty else {}).items()
        if k in _RELATIVE_RANGES
    }
    data = with_values(scenario, changes).model_dump(mode="json")
    if ranges:
        spec = data["uncertainty"] or {}
        data["uncertainty"] = {**spec, "ranges": {k: list(v) for k, v in ranges.items()}}
    else:
        data["uncertainty"] = None
    note = f"Post-adoption change from the preset '{preset.name}'."
    if scenario.measurement is not None:  # the post period is no longer measured: say where the baseline was
        measured = scenario.measurement
        note = (f"Baseline measured from {len(measured.sources)} export(s) (AI adopted "
                f"{measured.adoption_date.isoformat()}); p{note[1:]}")
    data["notes"] = f"{scenario.notes}\n{note}" if scenario.notes else note
    data["name"] = finding_name(scenario.name, preset.name)
    data["measurement"] = None  # CONTRACT: present only when the periods were measured from exports
    return scenario_from_dict(data, source=_EDIT_SOURCE)


def npv_at_likely(scenario: Scenario) -> float:
    """NPV [currency] with every uncertain input at its likely value: the tornado's common origin.

    Equals the scenario's NPV when the likely values are the scenario's own; without ranges it is
    simply the scenario's NPV.
    """
    from roi.inputs import npv
    from roi.uncertainty import likely_values

    overrides = likely_values(scenario) if scenario.uncertainty is not None else {}
    return float(npv(scenario, overrides))


Estimate = tuple[float | None, float | None, float | None, float | None]
"""(baseline, post, low, high) of one period field, as in the estimates template; None = not given."""


ESTIMATES_SUFFIX = " · with estimates"
"""Added to a measured scenario's name once values are typed over it, so that Compare tells the two apart
(they had one name, one of them marked "open, not kept"), as a finding's name does (:func:`finding_name`)."""


def with_estimates(scenario: Scenario, estimates: dict[str, Estimate]) -> Scenario:
    """The scenario with period fields from estimates (the form or the filled-in template).

    Same rules as the scenario builder reads the template with: ``baseline`` and ``post`` set the
    two periods; a ``low``/``high`` pair bounds the post value and becomes its uncertainty range,
    as a growth range for tasks, PRs and PR size (``productivity_uplift``, ``pr_count_growth``,
    ``pr_size_growth``: value / baseline − 1), else as ``post.<field>``; a row with neither drops
    the field's earlier range.  Rows with neither baseline nor post are ignored; a row with only
    one of them, or only one of low and high, is an error.

    Only what differs from the scenario counts as entered (the page gives every row of its table): a
    measured scenario stays measured when only ranges were entered, and stops being measured once a
    value before or after adoption is; a line of the notes names the fields entered, those of earlier
    entries too.

    Raises:
        ScenarioError: a value breaks a rule of the scenario, naming the field.
    """
    from roi.ingest.template import SHARES, UNUSED_RANGE
    from roi.scenario_builder import MEASURED_NOTE, RANGE_KEYS  # the builder's, so both paths agree

    by_field: dict[str, dict[str, Any]] = {}
    range_keys: dict[str, str] = {}  # field -> the uncertainty key its low and high set
    for field, (baseline, post, low, high) in estimates.items():
        if baseline is None and post is None:
            continue
        if baseline is None or post is None:
            raise ScenarioError("give both the value before and the value after adoption", field=field)
        over = [v for v in (baseline, post, low, high) if v is not None and v > 1]
        if field in SHARES and over:
            value = over[0]
            raise ScenarioError(f"{value:g} is more than 1 (100%): rates are shares; write {value / 100:g} "
                                f"for {value:g}%", field=field)
        changes = by_field[field] = {f"baseline.{field}": baseline, f"post.{field}": post}
        key = RANGE_KEYS.get(field)
        range_keys[field] = key or f"post.{field}"
        if low is None and high is None:  # no range believed: an earlier one must not outlive its values
            changes[_RANGES + range_keys[field]] = None
            continue
        if low is None or high is None:
            raise ScenarioError("give both the low and the high value after adoption, or neither", field=field)
        if f"post.{field}" in OUTSIDE_THE_MONEY:
            raise ScenarioError(UNUSED_RANGE, field=field)
        if not low <= post <= high:  # said in the values typed, before they become a growth range
            raise ScenarioError(
                f"after adoption, low {low:.3g} ≤ likely {post:.3g} ≤ high {high:.3g} does not hold; put the "
                "three values in that order", field=field)
        if key is not None:
            if not baseline > 0:
                raise ScenarioError(
                    "the value before adoption must be above 0 to express a range as growth", field=field
                )
            changes[_RANGES + key] = [low / baseline - 1.0, post / baseline - 1.0, high / baseline - 1.0]
        else:
            changes[_RANGES + range_keys[field]] = [low, post, high]
    # What differs from the scenario, to the 6 decimals a saved range keeps (a measured growth range read back
    # as values and divided again differs in its 7th).
    values = [f for f, changes in by_field.items()
              if not _close([changes[f"baseline.{f}"], changes[f"post.{f}"]], _period_values(scenario, f))]
    before = scenario.uncertainty.ranges if scenario.uncertainty is not None else {}
    ranges = [f for f, changes in by_field.items()
              if f not in values and not _close(changes[_RANGES + range_keys[f]], before.get(range_keys[f]))]
    if not values and not ranges:
        return scenario
    updated = with_values(scenario, {k: v for f in (*values, *ranges) for k, v in by_field[f].items()})
    # Values entered: the periods are the user's estimates, so the scenario no longer claims to be measured,
    # and its notes say so (they went on describing the exports, in the saved file and the workbook).
    lines = (scenario.notes or "").splitlines()
    kept = [line for line in lines if not line.startswith(ESTIMATES_NOTE)]
    entered = entered_before(lines)
    entered.update(dict.fromkeys(values, False))
    entered.update({f: entered.get(f, True) for f in ranges})
    note = ESTIMATES_NOTE + ", ".join(f + (RANGE_ONLY if only else "") for f, only in entered.items())
    if any(line.startswith(MEASURED_NOTE) for line in kept):
        note += OVER_MEASUREMENT
    measurement = None if values else scenario.measurement
    name = scenario.name
    if values and scenario.measurement is not None and not name.endswith(ESTIMATES_SUFFIX):
        name = name[: 200 - len(ESTIMATES_SUFFIX)].rstrip() + ESTIMATES_SUFFIX
    return updated.model_copy(
        update={"measurement": measurement, "notes": "\n".join([*kept, note + "."]), "name": name})


def _period_values(scenario: Scenario, field: str) -> list[Any]:
    """A period field's [baseline, post] values."""
    return [getattr(scenario.baseline, field), getattr(scenario.post, field)]


def _close(new: Sequence[float | None] | None, old: Sequence[float | None] | None) -> bool:
    """The same values (or both None), to 1e-6."""
    if new is None or old is None:
        return new is None and old is None

    def same(a: float | None, b: float | None) -> bool:
        if a is None or b is None:
            return a is None and b is None
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-6)

    return len(new) == len(old) and all(same(a, b) for a, b in zip(new, old, strict=True))


def estimates_of(scenario: Scenario, fields: tuple[str, ...]) -> dict[str, Estimate]:
    """The scenario's period fields as estimates rows (baseline, post, low, high): the inverse of
    :func:`with_estimates`, so a form can open on the current scenario."""
    from roi.scenario_builder import RANGE_KEYS

    ranges = scenario.uncertainty.ranges if scenario.uncertainty is not None else {}
    rows: dict[str, Estimate] = {}
    for field in fields:
        baseline, post = getattr(scenario.baseline, field), getattr(scenario.post, field)
        low = high = None
        key = RANGE_KEYS.get(field)
        if key in ranges and baseline:
            low, high = baseline * (1.0 + ranges[key][0]), baseline * (1.0 + ranges[key][2])
        elif f"post.{field}" in ranges:
            low, high = ranges[f"post.{field}"][0], ranges[f"post.{field}"][2]
        rows[field] = (baseline, post, low, high)
    return rows
