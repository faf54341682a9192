"""Before/after metrics from exports: the Metrics JSON of ``python -m roi metrics`` (CONTRACT.md).

``measure(dataset, adoption_date, ramp_weeks)`` splits the events at the adoption date, normalises
throughput per developer-week, takes medians per PR for size and latency, computes the DORA
metrics and AI use, and gives every change a cluster-bootstrap 95% interval (resampling
developers, fixed seed) and a Mann–Whitney p-value (docs/metrics.md).  When AI users can be told
from non-users it adds the two cohorts and a difference-in-differences; otherwise it says the
comparison is before/after only.  :data:`DEFINITIONS` says what each metric means; the app shows
it beside the number and docs/metrics.md repeats it.

Units: hours are calendar hours; rates per week are per calendar week (7 days); shares are
fractions in [0, 1].  A metric whose source is absent is ``None`` (JSON null), never 0.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal, TypeAlias

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from scipy import sparse, special, stats

from roi import formatting as fmt
from roi.errors import DataError, InputFormatError
from roi.ingest.identity import per_unique
from roi.ingest.people import email_logins
from roi.ingest.tables import UNNAMED_REVIEWER, Dataset, shipping_deployments

BOOTSTRAP_DRAWS = 1000
"""Bootstrap resamples per metric; percentile intervals from 1,000 draws are stable to ~±1%."""

BOOTSTRAP_SEED = 20260101
"""Fixed seed: the same exports always give the same intervals."""

MIN_SAMPLE = 30
"""Below this many events (PRs, deployments …) in a period, no interval or test (docs/metrics.md)."""

RATE_TABLES = frozenset({"pull_requests", "deployments", "incidents", "work_items"})
"""Tables whose dated events (merges, deployments, incidents, resolved work items and bugs) feed rates per week."""

AI_TABLES = frozenset({"ai_daily", "ai_user_days"})
"""Tables of AI usage days: means over days, so they bound the periods but set no rate's weeks."""

EVENT_TABLES = RATE_TABLES | AI_TABLES
"""Tables whose dated events bound the periods: a day of an AI usage export outside them would be unused."""

MEDIAN_BINS = 2048
"""Value bins for bootstrapping medians of large samples (exact below this many distinct values)."""

MIN_MEDIAN_BINS = 256
"""Fewest bins used for very many developers: each bin then holds 0.4% of the values."""

DENSE_HISTOGRAM_CELLS = 50_000_000
"""Largest units × bins histogram built dense (up to 400 MB); above it, a sparse matrix."""

EDGE_GAP_DAYS = 7
"""An edge of a period with no event of a source for longer than this (and than three of its mean intervals)
means the export starts late or stops early there; shorter gaps are a week's rhythm (``_Period.covered``)."""

HOUR = np.timedelta64(3600, "s")

MEASURED = {
    "tasks_per_dev_week": "tasks_per_dev_week", "prs_per_dev_week": "prs_per_dev_week",
    "pr_size_loc": "pr_size_loc", "bugs_per_dev_week": "bugs_per_dev_week",
    "deployments_per_week": "deployments_per_week", "change_failure_rate": "change_failure_rate",
    "recovery_hours": "recovery_hours", "rework_rate": "rework_rate", "lead_time_hours": "lead_time_hours",
    "review_hours": "review_hours_median",
}
"""Scenario period field → Metrics period field."""


def period_label(field: str) -> str:
    """A scenario period field's reader-facing name, its measured metric's ("Merged PRs per developer-week")."""
    return fmt.METRICS[MEASURED[field]][0]


DEFINITIONS: dict[str, str] = {
    "developers": "Active developers: distinct people (not bots) who authored at least one merged PR in the "
                  "period; without a PR export, distinct assignees of the work items completed in the period.",
    "reviewers": "Distinct people (not bots, not the PR's author) who reviewed a counted PR of the period.",
    "prs_merged": "Merged pull requests of the period by people. A PR belongs to the period of its merge time; "
                  "unmerged, draft, bot and AI-agent PRs are skipped and counted under 'skipped'.",
    "prs_per_dev_week": "Merged PRs / (active developers × weeks the PR export's merges cover).",
    "pr_size_loc": "Mean lines added + deleted per merged PR.",
    "pr_size_loc_median": "Median lines added + deleted per merged PR.",
    "pickup_hours_median": "Median calendar hours from PR creation to its first review by someone other than the "
                           "author (bots and the author's own thread replies excluded, and reviews dated before the "
                           "PR was created, a broken export), among PRs reviewed before they were merged.",
    "review_hours_median": "Median calendar hours from a PR's first review by someone other than the author "
                           "to its merge.",
    "cycle_hours_median": "Median calendar hours from PR creation to merge.",
    "tasks_per_dev_week": "Work items completed in the period (done, resolved in the period, not epics, not "
                          "resolved as won't do/duplicate) / (active developers × weeks the work-item export's "
                          "completions cover).",
    "bugs_per_dev_week": "Work items of type bug created in the period / (active developers × weeks the work-item "
                         "export's created issues cover).",
    "deployments_per_week": "Successful production deployments / weeks the deployment export covers (team "
                            "total).",
    "change_failure_rate": "Deployments that needed immediate intervention / deployments. A deployment failed when "
                           "an incident names one of its commits as the root cause (Four Keys); an incident without "
                           "commit links, or whose root-cause commits no deployment in the exports lists (a "
                           "deployment lists only the commits of its push, or the export starts after it), is "
                           "charged to the last deployment before it (DevLake's rule; the notes count incidents "
                           "charged so despite their links).",
    "recovery_hours": "Median calendar hours from an incident's creation to its resolution (failed deployment "
                      "recovery time), over incidents created in the period and resolved.",
    "rework_rate": "Deployments made while an incident was open (unplanned deployments made because of a production "
                   "incident) / deployments. An incident is open from its creation until its resolution (a "
                   "deployment at the instant it is resolved is not rework); an incident with no resolution time "
                   "stays open, so every later deployment counts as rework (the notes say how many).",
    "lead_time_hours": "Median calendar hours from a commit to the first production deployment that shipped it. A "
                       "commit counts in the period of that deployment, not of its merge. Commit times come from a "
                       "changes table (Four Keys); without one, a PR's creation time stands in for its commits "
                       "(matched through the merge commit). A deployment that names only its project (GitLab) or "
                       "only the commit it deployed in a repository (DevLake) ships each PR of that project or "
                       "repository merged before it and not yet deployed. Bots' changes count too: DORA measures "
                       "every change that reaches production.",
    # In words, not field names: "total_engaged_users" cannot wrap, and cut the Data page's table at 1024 px.
    "ai_active_users": "Mean daily active users of the AI assistant over the period's days with data. Copilot "
                       "metrics days give GitHub's active users (people with any Copilot activity that day, passive "
                       "use such as being shown a suggestion included), not its engaged users; a zero-usage day, "
                       "which GitHub collapses to a record of 0 engaged users and nothing else, counts as 0 users, "
                       "while a day with engaged users but no active count is left out (its active users are "
                       "unknown). A day with organisation totals (Copilot metrics) takes those alone: per-person "
                       "rows of that day (a Cursor export) are not added, as the same person cannot be told apart in"
                       " both, and the notes say on how many days. Per-person rows count people: a person active in "
                       "two tools that day counts once (an email the people directory pairs with a login counts as "
                       "that login).",
    "ai_acceptance_rate": "Σ code-completion acceptances / Σ suggestions over the period's days, by count (as "
                          "GitHub's metrics viewer computes it).",
    "change": "Relative change post / baseline − 1, with a 95% cluster-bootstrap interval (developers resampled "
              "for PR metrics; days, deployments, incidents or deployed changes for team metrics) and a two-sided "
              "Mann–Whitney U p-value; effect_size is the probability that a post value exceeds a baseline value. "
              "Below 30 events in a period the interval and test are left out: the sample is too small.",
    "did": "Difference-in-differences on logs: (ln AI_post − ln AI_pre) − (ln non-users_post − ln non-users_pre); "
           "did_change = e^did − 1 is the change attributable to AI use if both cohorts shared the same trend.",
}
"""Metric → definition, shown beside each number (also in docs/metrics.md)."""

PR_METRICS = ("prs_per_dev_week", "pr_size_loc", "pr_size_loc_median", "pickup_hours_median",
              "review_hours_median", "cycle_hours_median")
"""Metrics computed per cohort and compared by difference-in-differences."""


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class SourceSummary(_Model):
    """What one file contributed."""

    file: str
    format: str
    rows: int
    used_rows: int
    skipped: dict[str, int] = Field(description="rows left out, by reason")
    notes: list[str] = Field(default_factory=list, description="assumptions made reading the file")
    cautions: list[str] = Field(default_factory=list, description="the notes that may mean the file was misread")


class PeriodMetrics(_Model):
    """One period (baseline or post-adoption); null where no export provides the metric."""

    start: datetime | None = Field(description="first instant of the period (UTC)")
    end: datetime | None = Field(description="last instant of the period (UTC)")
    weeks: float | None = Field(description="period length in days / 7")
    developers: int | None = None
    reviewers: int | None = None
    prs_merged: int | None = None
    prs_per_dev_week: float | None = None
    pr_size_loc: float | None = Field(None, description="mean lines added + deleted per merged PR")
    pr_size_loc_median: float | None = None
    pickup_hours_median: float | None = None
    review_hours_median: float | None = None
    cycle_hours_median: float | None = None
    tasks_per_dev_week: float | None = None
    bugs_per_dev_week: float | None = None
    deployments_per_week: float | None = None
    change_failure_rate: float | None = Field(None, ge=0, le=1)
    recovery_hours: float | None = None
    rework_rate: float | None = Field(None, ge=0, le=1)
    lead_time_hours: float | None = None
    ai_active_users: float | None = None
    ai_acceptance_rate: float | None = Field(None, ge=0, le=1)


class ChangeStat(_Model):
    """The change of one metric from baseline to post."""

    change: float | None = Field(description="post / baseline − 1 [fraction]")
    ci_low: float | None = Field(None, description="2.5th percentile of the bootstrap change")
    ci_high: float | None = Field(None, description="97.5th percentile of the bootstrap change")
    p_value: float | None = Field(None, description="two-sided Mann–Whitney U")
    effect_size: float | None = Field(None, description="P(post value > baseline value), U / (n1·n2)")
    n_baseline: int = Field(description="events behind the baseline value")
    n_post: int = Field(description="events behind the post value")
    note: str | None = None


class CohortPeriods(_Model):
    baseline: PeriodMetrics
    post: PeriodMetrics


class Cohorts(_Model):
    """AI users versus non-users, where the exports tell them apart."""

    ai_users: int = Field(description="active developers identified as AI users")
    non_users: int = Field(description="active developers with no sign of AI use")
    identified_by: list[str] = Field(description="the evidence used: seat activity, usage reports, labels, trailers")
    did: dict[str, float | None] = Field(description="log difference-in-differences per metric")
    did_change: dict[str, float | None] = Field(description="e^did − 1 per metric [fraction]")
    did_ci: dict[str, tuple[float, float] | None] = Field(description="95% bootstrap interval of did_change")
    ai: CohortPeriods
    control: CohortPeriods


class Estimate(_Model):
    baseline: float | None
    post: float | None
    low: float | None
    high: float | None


class Metrics(_Model):
    """The Metrics JSON (CONTRACT.md)."""

    adoption_date: date
    ramp_weeks: int
    comparison: Literal["difference-in-differences", "before/after only"]
    sources: list[SourceSummary]
    baseline: PeriodMetrics
    post: PeriodMetrics
    changes: dict[str, ChangeStat]
    cohorts: Cohorts | None
    estimates: dict[str, Estimate] | None = Field(None, description="values from the estimates template")
    all_ai_users: bool = Field(False, description="every active developer after adoption shows AI use: no "
                                                  "comparison cohort, and the org-wide changes are an adopter's")
    notes: list[str] = Field(default_factory=list)


# --- Samples for the statistics ----------------------------------------------------------


@dataclass
class _Sample:
    """What the bootstrap and the test need for one metric in one period.

    ``ratio``: statistic = scale · Σ a / Σ b over resampled units.  ``median``: the median of
    ``values`` when each value's unit (``unit_of``) is resampled with its cluster.  Samples with
    the same ``group`` (e.g. the baseline's developers) share one set of bootstrap weights, so
    their replicates are drawn jointly and the weights are drawn once.
    """

    kind: Literal["ratio", "median"]
    group: str
    n_units: int
    events: int
    test_values: np.ndarray
    a: np.ndarray | None = None
    b: np.ndarray | None = None
    scale: float = 1.0
    values: np.ndarray | None = None
    unit_of: np.ndarray | None = None


_Values: TypeAlias = dict[str, Any]
"""One period's metric values by name: int counts (``prs_merged``, ``developers``), float rates, None when not
measured.  Any, as the type of a value depends on its name (keys are set in loops, so no TypedDict)."""
_Samples: TypeAlias = dict[str, _Sample]
"""One period's bootstrap samples by metric name."""


def _ratio(group: str, a: np.ndarray, b: np.ndarray, events: int, test: np.ndarray, scale: float = 1.0) -> _Sample:
    return _Sample("ratio", group, len(a), events, test, a=a.astype(float), b=b.astype(float), scale=scale)


def _median(group: str | None, values: np.ndarray, unit_of: np.ndarray | None = None, units: int = 0) -> _Sample:
    """A median over ``values``; ``unit_of`` gives each value's cluster (None: values resampled alone) out of
    ``units`` clusters (0: as many as the highest cluster index says)."""
    values = np.asarray(values, dtype=float)  # the same array is the test's values: sorted once for both
    if unit_of is None:
        return _Sample("median", "", len(values), len(values), values, values=values)
    return _Sample("median", group or "", units or (int(unit_of.max()) + 1 if len(unit_of) else 0), len(values),
                   values, values=values, unit_of=unit_of)


_POISSON_CDF = np.cumsum([np.exp(-1.0) / math.factorial(k) for k in range(18)])
"""P(X ≤ k) for X ~ Poisson(1), k = 0..17 (the rest of the tail is below 1e-16)."""

_COMMON = 6
"""Thresholds compared on every weight; P(X ≥ 6) ≈ 6e-4, so the others are looked up where needed."""


class _Bootstrap:
    """State shared by the statistics of one ``measure`` call (fixed seed).

    - Poisson(1) weights per unit group, drawn once per group.  Poisson weights approximate the
      multinomial bootstrap (Hanley & MacGibbon 2006) and cost one vectorised draw instead of a
      multinomial per replicate; they are drawn by inverting the CDF of uniforms, a few times
      cheaper than numpy's Poisson sampler on millions of draws.
    - Sorted copies of sample values: sorting is the costly step of both the median's bins and
      the Mann–Whitney ranks, so each array is sorted once.
    """

    def __init__(self, seed: int, draws: int) -> None:
        self.seed, self.draws = seed, draws
        self._weights: dict[tuple[str, int], np.ndarray] = {}
        self._single: dict[tuple[str, int], np.ndarray] = {}
        self._sorted: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def weights(self, group: str, n: int) -> np.ndarray:
        """``draws × n`` Poisson(1) weights (float64) of the units of ``group``."""
        key = (group, n)
        if key not in self._weights:
            uniform = np.random.default_rng([self.seed, len(self._weights)]).random((self.draws, n))
            counts = np.zeros((self.draws, n), np.uint8)
            for threshold in _POISSON_CDF[:_COMMON]:  # inverse CDF: X = #{k : U ≥ P(X ≤ k)}
                counts += uniform >= threshold
            # The rare tail (X ≥ 6, about 6 in 10,000) is counted where it occurs, not in 12 more passes.
            tail = np.flatnonzero(counts.reshape(-1) == _COMMON)
            counts.reshape(-1)[tail] += np.searchsorted(_POISSON_CDF[_COMMON:], uniform.reshape(-1)[tail],
                                                        side="right").astype(np.uint8)
            self._weights[key] = counts.astype(np.float64)
        return self._weights[key]

    def weights_single(self, group: str, n: int) -> np.ndarray:
        """The same weights as float32: integer products summed exactly below 2**24, at twice the speed."""
        key = (group, n)
        if key not in self._single:
            self._single[key] = self.weights(group, n).astype(np.float32)
        return self._single[key]

    def sorted(self, values: np.ndarray) -> np.ndarray:
        """``values`` sorted ascending (cached by identity; the cache keeps the array alive)."""
        found = self._sorted.get(id(values))
        if found is None or found[0] is not values:
            found = self._sorted[id(values)] = (values, np.sort(values))
        return found[1]


def _sorted_quantiles(ordered: np.ndarray, q: np.ndarray) -> np.ndarray:
    """``np.quantile(ordered, q)`` (its default linear method, to the last bit) for sorted ``ordered``.

    ``np.quantile`` partitions its input around every requested index, which costs as much as
    a sort on half a million values; on sorted values the neighbours are simply at their index.
    The interpolation repeats numpy's own (``_lerp``: from the upper neighbour when the weight
    is at least one half), so the bins, and every reported interval, stay exactly as they were.
    """
    n = len(ordered)
    virtual = (n - 1) * q
    below = np.floor(virtual)
    above = below + 1
    last = virtual >= n - 1
    below[last] = above[last] = -1  # numpy's convention: the top quantile is the last value
    weight = virtual - below
    low, high = ordered[below.astype(np.intp)], ordered[above.astype(np.intp)]
    step = high - low
    out = low + step * weight
    np.subtract(high, step * (1 - weight), out=out, where=weight >= 0.5)
    return out


def _bins(values: np.ndarray, ordered: np.ndarray, most: int) -> tuple[np.ndarray, np.ndarray]:
    """Each value's bin and each bin's representative value (exact below ``most`` distinct values).

    ``ordered`` is ``values`` sorted.  Above ``most`` distinct values the bins are quantile bins
    and a bin's representative is the mean of its values.
    """
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if len(ordered) else np.zeros(0, np.int64)
    if len(starts) <= most:
        uniques = ordered[starts]
        return np.searchsorted(uniques, values), uniques
    edges = _sorted_quantiles(ordered, np.linspace(0.0, 1.0, most + 1))
    bins = np.clip(np.searchsorted(edges, values, side="right") - 1, 0, most - 1)
    counts = np.bincount(bins, minlength=most)
    # Summed in sorted order (bins rise with the values), so the last bits do not depend on the files' order.
    sums = np.bincount(np.repeat(np.arange(most), counts), ordered, minlength=most)
    return bins, sums / np.maximum(counts, 1)


def _draws(sample: _Sample, boot: _Bootstrap, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap replicates of the sample's statistic."""
    if sample.kind == "ratio":
        w = boot.weights(sample.group, sample.n_units)
        with np.errstate(divide="ignore", invalid="ignore"):
            return sample.scale * (w @ sample.a) / (w @ sample.b)
    assert sample.values is not None  # a median sample (made by _median) always has its values
    # Clustered: fewer bins when the units × bins product is large (BLAS cost ∝ draws·units·bins).
    most = MEDIAN_BINS if sample.unit_of is None else int(
        np.clip(5e8 / (boot.draws * max(sample.n_units, 1)), MIN_MEDIAN_BINS, MEDIAN_BINS))
    bins, representative = _bins(sample.values, boot.sorted(sample.values), most)
    k = len(representative)
    if sample.unit_of is None:
        return representative[_median_bins_of_resamples(np.bincount(bins, minlength=k), boot.draws, rng)]
    else:
        w = boot.weights(sample.group, sample.n_units)
        # Every product and partial sum is a whole number: float32 is exact while the total stays below 2**24.
        exact_single = len(sample.values) * float(w.max(initial=0.0)) < 2**24
        if exact_single:
            w = boot.weights_single(sample.group, sample.n_units)
        if sample.n_units * k <= DENSE_HISTOGRAM_CELLS:  # dense units × bins histogram: BLAS products
            cells = np.bincount(sample.unit_of * k + bins, minlength=sample.n_units * k)
            return representative[_half_mass_bins(w, cells.reshape(sample.n_units, k).astype(w.dtype))]
        histogram = sparse.csr_matrix((np.ones(len(bins)), (sample.unit_of, bins)), shape=(sample.n_units, k))
        mass = np.asarray((histogram.T @ w.T).T)
    cumulative = np.cumsum(mass, axis=1)
    return representative[np.argmax(cumulative >= cumulative[:, -1:] / 2.0, axis=1)]


def _median_bins_of_resamples(counts: np.ndarray, draws: int, rng: np.random.Generator) -> np.ndarray:
    """Median bins of ``draws`` resamples (with replacement) of values binned as ``counts``.

    The median's bin is the first bin whose cumulative count reaches half of n.  In a resample,
    the count at or below bin b is Binomial(n, F_b), F_b the share of the values at or below b,
    so P(median bin ≤ b) = P(Binomial(n, F_b) ≥ ⌈n/2⌉): the bins are drawn from that exact
    distribution by inverting it, the same distribution as drawing n values per resample (a
    multinomial over thousands of bins, ~0.3 s per metric on 7,000 values) at no cost.
    """
    n = int(counts.sum())
    share_below = np.minimum(np.cumsum(counts) / n, 1.0)
    at_most = special.bdtrc(-(-n // 2) - 1, n, share_below)  # P(X > ⌈n/2⌉ − 1) = P(X ≥ ⌈n/2⌉)
    at_most[-1] = 1.0
    return np.minimum(np.searchsorted(at_most, rng.random(draws), side="right"), len(counts) - 1)


def _half_mass_bins(weights: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Per replicate, the first bin whose cumulative mass reaches half the total: the median's bin.

    ``weights`` (replicates × units) and ``cells`` (units × bins) hold whole numbers, so every
    sum is exact and the answer equals ``argmax(cumsum(weights @ cells) >= total / 2)``.  The
    full product costs replicates · units · bins; here the bins are summed in blocks of about
    √bins first, the block holding each replicate's median is found, and only the few blocks
    that hold one (medians of resamples stay close together) are multiplied out bin by bin.
    """
    units, k = cells.shape
    draws = len(weights)
    size = max(int(np.ceil(np.sqrt(k))), 1)
    blocks = -(-k // size)
    padded = np.zeros((units, blocks * size), cells.dtype)
    padded[:, :k] = cells
    coarse = weights @ padded.reshape(units, blocks, size).sum(axis=2)
    cumulative = np.cumsum(coarse, axis=1)
    half = cumulative[:, -1:] / 2.0
    block = np.argmax(cumulative >= half, axis=1)
    rows = np.arange(draws)
    before = cumulative[rows, block] - coarse[rows, block]  # the mass of the blocks below
    used = np.unique(block)
    if len(used) * size * 2 > k:  # medians spread over most blocks: the full product is cheaper
        cumulative = np.cumsum(weights @ cells, axis=1)
        return np.argmax(cumulative >= cumulative[:, -1:] / 2.0, axis=1)
    columns = (used[:, None] * size + np.arange(size)).ravel()
    fine = (weights @ padded[:, columns]).reshape(draws, len(used), size)[rows, np.searchsorted(used, block)]
    inside = before[:, None] + np.cumsum(fine, axis=1)
    return block * size + np.argmax(inside >= half, axis=1)


def _mann_whitney(x_sorted: np.ndarray, y_sorted: np.ndarray) -> tuple[float, float]:
    """Two-sided Mann–Whitney U test of ``x`` against ``y`` (both sorted ascending): (p-value, U of x).

    The normal approximation with tie and continuity corrections, as ``scipy.stats.mannwhitneyu``
    computes it when both samples exceed 8 values (smaller samples go to scipy's exact test).  The
    ranks come from merging the two sorted samples, which is linear, instead of sorting their union.
    """
    n1, n2 = len(x_sorted), len(y_sorted)
    if n1 <= 8 or n2 <= 8:
        test = stats.mannwhitneyu(x_sorted, y_sorted, alternative="two-sided")
        return float(test.pvalue), float(test.statistic)
    union = np.concatenate([x_sorted, y_sorted])
    order = np.argsort(union, kind="stable")  # timsort merges two sorted runs in linear time
    merged = union[order]
    starts = np.flatnonzero(np.r_[True, merged[1:] != merged[:-1]])
    ends = np.r_[starts[1:], len(merged)]
    from_x = np.add.reduceat((order < n1).astype(np.int64), starts)
    rank_sum = float(np.dot(from_x, (starts + 1 + ends) / 2.0))  # a tie group shares its mean rank
    u1 = rank_sum - n1 * (n1 + 1) / 2.0
    ties = (ends - starts).astype(float)
    n = n1 + n2
    spread = np.sqrt(n1 * n2 / 12.0 * ((n + 1) - float(np.sum(ties**3 - ties)) / (n * (n - 1))))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (max(u1, n1 * n2 - u1) - n1 * n2 / 2.0 - 0.5) / spread
    return float(np.clip(2.0 * special.ndtr(-z), 0.0, 1.0)), u1


def _change(base: float | None, post: float | None, samples: tuple[_Sample | None, _Sample | None],
            boot: _Bootstrap, rng: np.random.Generator, event_name: str) -> ChangeStat | None:
    if base is None or post is None:
        return None
    sample_base, sample_post = samples
    n_base = sample_base.events if sample_base else 0
    n_post = sample_post.events if sample_post else 0
    change = post / base - 1.0 if base > 0 else None
    if change is None:
        return ChangeStat(change=None, n_baseline=n_base, n_post=n_post,
                          note="baseline is zero: a relative change is not defined")
    if sample_base is None or sample_post is None or min(n_base, n_post) < MIN_SAMPLE:
        return ChangeStat(change=change, n_baseline=n_base, n_post=n_post,
                          note=f"sample too small: fewer than {MIN_SAMPLE} {event_name} in a period, so no "
                               "interval or test")
    with np.errstate(divide="ignore", invalid="ignore"):
        replicate = _draws(sample_post, boot, rng) / _draws(sample_base, boot, rng) - 1.0
    replicate = replicate[np.isfinite(replicate)]
    low, high = (float(np.percentile(replicate, 2.5)), float(np.percentile(replicate, 97.5))) \
        if len(replicate) else (None, None)
    p_value = effect = None
    x, y = sample_post.test_values, sample_base.test_values
    if len(x) and len(y) and not (np.all(x == x[0]) and np.all(y == x[0])):
        p_value, u_post = _mann_whitney(boot.sorted(x), boot.sorted(y))
        effect = u_post / (len(x) * len(y))
    return ChangeStat(change=change, ci_low=low, ci_high=high, p_value=p_value, effect_size=effect,
                      n_baseline=n_base, n_post=n_post)


# --- Periods -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Period:
    name: str
    start: pd.Timestamp
    end: pd.Timestamp  # inclusive last instant
    # The period stops at an instant it excludes (the baseline at adoption, a post period at midnight after
    # `until`) and `end` is the microsecond before it: its weeks run to that instant. Measured to `end`, two
    # equally long periods differed by 1e-12 weeks and equal per-developer rates no longer tied in the test.
    open_end: bool = False

    @property
    def weeks(self) -> float:
        stop = self.end + pd.Timedelta(microseconds=1) if self.open_end else self.end
        return max((stop - self.start) / pd.Timedelta(days=7), 0.0)

    def mask(self, times: pd.Series) -> np.ndarray:
        values = _ns(times)
        return (values >= self.start.to_datetime64()) & (values <= self.end.to_datetime64())

    def covered(self, times: pd.Series, reach: pd.Series | None = None) -> "_Period":
        """The part of the period a source covers: all of it, except an edge its events clearly miss.

        An edge counts as missed when the source has no event beyond it and the gap from the edge to its
        nearest event inside exceeds :data:`EDGE_GAP_DAYS` days and three of the source's mean intervals
        between events (a Poisson gap that long has a 5 % chance): the export started late or stopped
        early. A shorter gap is the source's own rhythm (weekends, a release every other week), and
        counting only from its first to its last event would inflate its rate by about one interval.
        A source with no event inside covers nothing.

        The mean interval is the longer of the one inside the period and the one over all the source's
        events. Inside alone, one event (or two close together) gave an interval of about 0, so a week's
        gap cut the period: one deployment in 7.9 weeks read as 2 a week. Over the export alone, a source
        that slowed after adoption would be judged by its faster baseline rhythm. An export with a single
        event has no rhythm to judge a gap by: it covers the whole period.

        ``reach``: the export's other timestamps (a work item's creation beside its completion). They show
        how late the export was taken, so the end edge is missed only before the latest of them too: a Jira
        export with issues created in August covers July's weeks without a completion. They say nothing of
        the start (an export of the issues updated since a date holds issues created long before it)."""
        values = _ns(times)  # NaT compares false: neither inside nor beyond an edge
        start, end = self.start.to_datetime64(), self.end.to_datetime64()
        inside = values[(values >= start) & (values <= end)]
        if not len(inside):
            return _Period(self.name, self.start, self.start)
        first, last = inside.min(), inside.max()
        own = values[~np.isnat(values)]
        gaps = [(x.max() - x.min()) / (len(x) - 1) for x in (inside, own) if len(x) > 1]
        if not gaps:
            return self
        tolerance = max(np.timedelta64(EDGE_GAP_DAYS, "D"), 3 * max(gaps))
        late_start = first - start > tolerance and not (values < start).any()
        if reach is not None:
            seen = _ns(reach)
            seen = seen[~np.isnat(seen)]
            if len(seen):
                values = np.concatenate([values, seen])
                last = max(last, min(seen.max(), end))
        early_end = end - last > tolerance and not (values > end).any()
        return _Period(self.name, pd.Timestamp(first, tz="UTC") if late_start else self.start,
                       pd.Timestamp(last, tz="UTC") if early_end else self.end, self.open_end and not early_end)


def _finite(value: Any) -> float | None:
    """``value`` as a float; None for None, NaN or ±inf (a metric value, or a cell of the estimates table)."""
    if value is None:
        return None
    value = float(value)
    return value if np.isfinite(value) else None


def _ns(times: pd.Series) -> np.ndarray:
    """UTC timestamps as ``datetime64[ns]`` (NaT kept), for fast numpy comparisons."""
    return times.to_numpy(dtype="datetime64[ns]")


def _hours(later: pd.Series, earlier: pd.Series) -> np.ndarray:
    return ((_ns(later) - _ns(earlier)) / HOUR).astype(float)


@dataclass
class _Prepared:
    """The dataset reduced to what the periods need, with skip counts per source."""

    prs: pd.DataFrame  # counted PRs: author (and its integer code), created, merged, size, first_review
    has_prs: bool
    has_sizes: bool
    has_reviews: bool
    names_reviewers: bool  # some reviews name their reviewer (not only mapped first-review times)
    reviewer_pairs: pd.DataFrame  # (pr index, reviewer) of qualifying reviews by a named reviewer
    skipped: dict[str, Counter[str]]  # file -> reason -> PRs and reviews left out
    skipped_reviews: dict[str, Counter[str]]  # the reviews among them (a reviews file's rows; nested in gh's PRs)
    agent_humans: set[str]
    ramp_merged: pd.Series  # merge times of the PRs skipped as merged during the ramp-up weeks: events all the same
    covered_weeks: dict[str, float] = field(default_factory=dict)  # per period: the weeks the PRs cover, once


def _lower(logins: pd.Series) -> pd.Series:
    """Lower-cased logins (GitHub logins are case-insensitive), computed once per distinct login."""
    return per_unique(logins, lambda u: u.astype(str).str.lower(), "")


def _joint_codes(first: pd.Series, second: pd.Series, nobody: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of two login columns over their joint lower-cased values (equal logins, equal codes);
    ``nobody`` in ``second`` (a placeholder, not a login) gets code -1.

    Each big column is factorised once; lower-casing and matching run on the distinct logins only.
    """
    codes_a, uniques_a = pd.factorize(first)
    codes_b, uniques_b = pd.factorize(second)
    lowered = pd.Series(np.concatenate([np.asarray(uniques_a, dtype=object), np.asarray(uniques_b, dtype=object)]),
                        dtype="object").astype(str).str.lower()
    joint = pd.factorize(lowered, sort=True)[0]  # in login order: the bootstrap's units whatever the files' order
    missing = int(joint.max()) + 1 if len(joint) else 0  # a null login matches nobody
    a = np.where(codes_a < 0, missing, joint[: len(uniques_a)][codes_a] if len(uniques_a) else missing)
    b = np.where(codes_b < 0, missing + 1, joint[len(uniques_a):][codes_b] if len(uniques_b) else missing + 1)
    if nobody is not None:
        placeholder = np.flatnonzero(np.asarray(uniques_b, dtype=object) == nobody)
        if len(placeholder):
            b[codes_b == placeholder[0]] = -1
    return a, b


def _review_positions(dataset: Dataset, prs: pd.DataFrame, keep: np.ndarray) -> np.ndarray:
    """Each review's row in ``prs`` (the kept rows ``keep`` of ``pull_requests``), -1 if its PR is not counted."""
    known = dataset.review_rows()
    if known is not None and (known >= 0).all():
        # The reader already matched every review to its PR's row (DevLake's string-id join): 3M
        # reviews are not matched a second time on (repo, number), a 3M-into-1M hash look-up.
        kept_row = np.full(len(keep), -1, np.int64)
        kept_row[keep] = np.arange(len(prs))
        return kept_row[known]
    reviews = dataset.reviews
    # (repo, number) as one integer; each repo column is factorised on its own (no 4M-row concat)
    # and the few distinct repositories are matched between them.
    pr_repo, pr_repos = pd.factorize(prs["repo"], use_na_sentinel=False)
    review_repo, review_repos = pd.factorize(reviews["repo"], use_na_sentinel=False)
    repo_of_review = pd.Index(pr_repos).get_indexer(review_repos)[review_repo]
    pr_key = pr_repo.astype(np.int64) << 32 | prs["number"].to_numpy(np.int64)
    review_key = repo_of_review.astype(np.int64) << 32 | reviews["number"].to_numpy(np.int64)
    return np.where(repo_of_review >= 0, pd.Index(pr_key).get_indexer(review_key), -1)


def _of_unnamed_prs(dataset: Dataset, unmatched: np.ndarray) -> np.ndarray:
    """Unmatched reviews that name a repository, of a PR number that PRs naming none hold (gh or GraphQL output
    without 'url' beside reviews of several repositories): their PR may be there, but cannot be told."""
    # Only these formats leave a PR's repository empty: a REST or DevLake export of a million PRs is not searched.
    if not unmatched.any() or not any(report.format in ("github_gh_cli", "github_graphql")
                                      or report.format.startswith("mapped") for report in dataset.sources):
        return np.zeros(len(unmatched), bool)
    pulls, reviews = dataset.pull_requests, dataset.reviews
    numbers = pulls.loc[pulls["repo"].eq("").to_numpy(), "number"]
    return unmatched & reviews["repo"].ne("").to_numpy() & reviews["number"].isin(numbers).to_numpy()


def _prepare_prs(dataset: Dataset, ramp: tuple[pd.Timestamp, pd.Timestamp]) -> _Prepared:
    skipped: dict[str, Counter[str]] = {}
    skipped_reviews: dict[str, Counter[str]] = {}

    def skip(frame: pd.DataFrame, mask: np.ndarray, reason: str, of_reviews: bool = False) -> None:
        if mask.any():
            for source, count in frame.loc[mask, "source"].value_counts().items():
                skipped.setdefault(source, Counter())[reason] += int(count)
                if of_reviews:
                    skipped_reviews.setdefault(source, Counter())[reason] += int(count)

    pulls = dataset.pull_requests
    agent = pulls["ai_agent"].to_numpy(bool)
    bot = pulls["author_is_bot"].to_numpy(bool) & ~agent
    draft = pulls["is_draft"].to_numpy(bool) & ~agent & ~bot
    unmerged = pulls["merged_at"].isna().to_numpy() & ~agent & ~bot & ~draft
    skip(pulls, agent, "opened by an AI coding agent (left out of the PR metrics; its human assignee counts as an "
                       "AI user)")
    skip(pulls, bot, "bot author")
    skip(pulls, draft, "draft")
    skip(pulls, unmerged, "not merged (open, or closed without merging)")
    keep = ~(agent | bot | unmerged | draft)
    merged_at = pulls["merged_at"]
    in_ramp = keep & (_ns(merged_at) >= ramp[0].to_datetime64()) & (_ns(merged_at) < ramp[1].to_datetime64())
    skip(pulls, in_ramp, "merged during the ramp-up weeks")
    keep &= ~in_ramp
    agent_humans = set(pulls.loc[agent, "assignee"].dropna().str.lower())
    ramp_merged = merged_at[in_ramp].reset_index(drop=True)
    prs = pulls.loc[keep, ["source", "repo", "number", "author", "created_at", "merged_at", "additions", "deletions",
                           "ai_evidence"]].reset_index(drop=True)
    prs["author_key"] = _lower(prs["author"])
    prs["size"] = prs["additions"] + prs["deletions"]
    prs["first_review"] = pd.Series(pd.NaT, index=prs.index, dtype="datetime64[ns, UTC]")

    reviews = dataset.reviews
    pairs = pd.DataFrame({"pr": pd.Series(dtype="int64"), "reviewer": pd.Series(dtype="int64")})
    if len(reviews):
        position = _review_positions(dataset, prs, keep)
        matched = position >= 0
        unnamed = _of_unnamed_prs(dataset, ~matched)
        skip(reviews, unnamed, "review of a PR whose export names no repository (add url to the gh or GraphQL "
                               "export of the PRs)", of_reviews=True)
        skip(reviews, ~matched & ~unnamed, "review of a PR that is not counted (bot, draft, unmerged or not exported)",
             of_reviews=True)
        is_bot = reviews["reviewer_is_bot"].to_numpy(bool) & matched
        skip(reviews, is_bot, "review by a bot (Copilot code review and the like)", of_reviews=True)
        ok = matched & ~is_bot
        author_code, reviewer_code = _joint_codes(prs["author"], reviews["reviewer"], nobody=UNNAMED_REVIEWER)
        # Each review's PR row (row 0 stands in for unmatched reviews, which `ok` leaves out): whole-array
        # gathers, instead of compressing 3M-row arrays for every check.
        of_pr = np.where(matched, position, 0)
        own = ok & (reviewer_code == author_code[of_pr]) if len(prs) else np.zeros_like(ok)
        skip(reviews, own, "by the PR's own author (thread reply)", of_reviews=True)
        ok &= ~own
        submitted = _ns(reviews["submitted_at"])
        merged = _ns(prs["merged_at"])
        after = ok & (submitted > merged[of_pr]) if len(prs) else np.zeros_like(ok)
        skip(reviews, after, "submitted after the merge", of_reviews=True)
        ok &= ~after
        created = _ns(prs["created_at"])
        before = ok & (submitted < created[of_pr]) if len(prs) else np.zeros_like(ok)
        skip(reviews, before, "submitted before its PR was created (a broken export)", of_reviews=True)
        ok &= ~before
        # Each PR's earliest dated review: a running minimum over nanoseconds ("never" starts at the
        # int64 maximum and is turned back into NaT; an undated review, NaT, is left out).
        never = np.iinfo(np.int64).max
        first = np.full(len(prs), never, np.int64)
        dated = ok & ~np.isnat(submitted)
        np.minimum.at(first, position[dated], submitted[dated].view(np.int64))
        first[first == never] = np.iinfo(np.int64).min  # no review: NaT (numpy stores NaT as the int64 minimum)
        prs["first_review"] = pd.to_datetime(first.view("datetime64[ns]"), utc=True)
        # A first review known only by its time (a mapped export's per-PR timing) dates the PR's first review
        # but names no reviewer: it is not a person of the review pool.
        named = ok & (reviewer_code >= 0)
        pairs = pd.DataFrame({"pr": position[named], "reviewer": reviewer_code[named]})
        names_reviewers = bool((reviewer_code >= 0).any())
        prs["author_code"] = author_code
    else:
        prs["author_code"] = pd.factorize(prs["author_key"], sort=True)[0]  # in login order, as _joint_codes
        names_reviewers = dataset.has("reviews")
    return _Prepared(prs=prs, has_prs=dataset.has("pull_requests"), has_sizes=bool(prs["size"].notna().any()),
                     has_reviews=dataset.has("reviews"), names_reviewers=names_reviewers, reviewer_pairs=pairs, skipped=skipped,
                     skipped_reviews=skipped_reviews, agent_humans=agent_humans,
                     ramp_merged=ramp_merged)


def _pr_period(prep: _Prepared, period: _Period, authors: set[str] | None = None,
               label: str = "all") -> tuple[_Values, _Samples]:
    """PR metrics of one period (optionally for a subset of authors) and their samples."""
    if not prep.has_prs:
        return {}, {}
    prs = prep.prs
    mask = period.mask(prs["merged_at"])
    if authors is not None:
        mask &= prs["author_key"].isin(authors).to_numpy()
    chosen = prs.loc[mask, ["author_code", "size", "created_at", "merged_at", "first_review"]]
    values: _Values = {"prs_merged": int(len(chosen))}
    samples: _Samples = {}
    if chosen.empty:
        values["developers"] = 0
        return values, samples
    # The bootstrap's units are the developers of both periods (every author's code), one group per cohort,
    # not per period: a developer's baseline and post PRs are drawn together, as a cluster bootstrap of a
    # before/after change on the same people does. Drawn apart, the periods' correlation (r ≈ 0.7 in PRs per
    # developer on the demo) was lost and the change's interval was 1.5–1.8 times too wide.
    group = f"{label}:developers"
    dev_codes = chosen["author_code"].to_numpy()
    units = int(prs["author_code"].max()) + 1
    if period.name not in prep.covered_weeks:  # the same for every cohort of the period
        prep.covered_weeks[period.name] = period.covered(prs["merged_at"]).weeks
    weeks = prep.covered_weeks[period.name]
    per_dev = np.bincount(dev_codes, minlength=units).astype(float)
    present = per_dev > 0  # a developer of the other period only adds nothing to this one's sums
    n_dev = int(present.sum())
    values["developers"] = n_dev
    pairs = prep.reviewer_pairs
    reviewers = pairs["reviewer"].to_numpy()[mask[pairs["pr"].to_numpy()]]  # reviews of this period's PRs
    values["reviewers"] = int(len(pd.unique(reviewers))) if prep.names_reviewers else None
    if weeks > 0:
        values["prs_per_dev_week"] = len(chosen) / (n_dev * weeks)
        samples["prs_per_dev_week"] = _ratio(group, per_dev, present * weeks, len(chosen), per_dev[present] / weeks)
    size = chosen["size"].to_numpy(float)
    sized = ~np.isnan(size)
    if prep.has_sizes and sized.any():
        sizes = size[sized]  # one array for both samples: sorted and tested once
        values["pr_size_loc"] = float(sizes.mean())
        values["pr_size_loc_median"] = float(np.median(sizes))
        sum_size = np.bincount(dev_codes[sized], sizes, minlength=units)
        count = np.bincount(dev_codes[sized], minlength=units).astype(float)
        samples["pr_size_loc"] = _ratio(group, sum_size, count, int(sized.sum()), sizes)
        samples["pr_size_loc_median"] = _median(group, sizes, dev_codes[sized], units)
    latencies = {"cycle_hours_median": _hours(chosen["merged_at"], chosen["created_at"])}
    if prep.has_reviews:
        latencies["pickup_hours_median"] = _hours(chosen["first_review"], chosen["created_at"])
        latencies["review_hours_median"] = _hours(chosen["merged_at"], chosen["first_review"])
    for name, hours in latencies.items():
        ok = ~np.isnan(hours)
        if ok.any():
            values[name] = float(np.median(hours[ok]))
            samples[name] = _median(group, hours[ok], dev_codes[ok], units)
    return values, samples


def _daily(times: pd.Series, period: _Period) -> tuple[np.ndarray, np.ndarray]:
    """Counts per calendar day (00:00 UTC) of the period, and the share of each day inside it: the units for
    team rates.

    Calendar days in UTC, where the periods split (--timezone only reads times written without a zone); they
    were 24-hour windows from the period's first event (08:44 on the demo). The first and last day are cut
    where the period starts or ends at an event: their share is their weight in the bootstrap (Σ counts /
    Σ shares is then the reported rate), and the test leaves them out, as their counts are of fewer hours
    than a whole day's."""
    day = np.timedelta64(1, "D")
    start, end = period.start.to_datetime64(), period.end.to_datetime64()
    stop = end + np.timedelta64(1, "us") if period.open_end else end  # the instant the period's weeks run to
    first = start.astype("datetime64[D]").astype(start.dtype)
    days = int((end - first) // day) + 1  # through the day that holds the period's last instant
    edges = first + np.arange(days + 1) * day
    share = (np.minimum(edges[1:], stop) - np.maximum(edges[:-1], start)) / day
    index = np.clip(((_ns(times) - first) // day).astype(np.int64), 0, days - 1)
    return np.bincount(index, minlength=days).astype(float), np.clip(share.astype(float), 0.0, 1.0)


def _day_rates(group: str, times: pd.Series, period: _Period, scale: float) -> _Sample:
    """A team rate's sample: calendar days weighted by their share inside the period, whole days tested."""
    counts, share = _daily(times, period)
    return _ratio(group, counts, share, len(times), counts[share == 1.0], scale)


def _work_items(dataset: Dataset, period: _Period, developers: int | None) -> tuple[_Values, _Samples]:
    items = dataset.work_items
    if not dataset.has("work_items") or not developers:
        return {}, {}
    values, samples = {}, {}
    done = items[items["done"].to_numpy(bool) & items["kind"].ne("epic").to_numpy() & items["resolved_at"].notna().to_numpy()]
    # Each rate over the weeks its own events cover: an export of the issues updated since a date holds old
    # issues' creations long before its first completion, and their span diluted the completions. A period
    # with none of a rate's events but some of the other's counts 0 over those (0, not null: the export is there).
    # The end edge also reaches as far as the other timestamp does (:meth:`_Period.covered`).
    by_resolved = period.covered(items["resolved_at"], reach=items["created_at"])
    by_created = period.covered(items["created_at"], reach=items["resolved_at"])
    covered = by_resolved if by_resolved.weeks > 0 else by_created
    if covered.weeks > 0:
        finished = done[period.mask(done["resolved_at"])]
        values["tasks_per_dev_week"] = len(finished) / (developers * covered.weeks)
        samples["tasks_per_dev_week"] = _day_rates(f"{period.name}:days", finished["resolved_at"], covered,
                                                   7.0 / developers)
    covered = by_created if by_created.weeks > 0 else by_resolved
    if covered.weeks > 0 and items["kind"].eq("bug").any():
        bugs = items[items["kind"].eq("bug").to_numpy() & period.mask(items["created_at"])]
        values["bugs_per_dev_week"] = len(bugs) / (developers * covered.weeks)
        samples["bugs_per_dev_week"] = _day_rates(f"{period.name}:days", bugs["created_at"], covered, 7.0 / developers)
    return values, samples


def _open_incidents_note(dataset: Dataset) -> str | None:
    """A note when incidents have no resolution time while deployments follow them: each stays open in the rework
    rate for ever (one left open in the tracker made every later deployment rework), and is not in recovery."""
    incidents, deployments = dataset.incidents, dataset.deployments
    if not len(incidents) or not len(deployments):
        return None
    unresolved = incidents["resolved_at"].isna().to_numpy()
    if not unresolved.any():
        return None
    first = _ns(incidents["created_at"])[unresolved].min()
    after = int((_ns(deployments["deployed_at"]) > first).sum())
    if not after:
        return None
    return (f"{int(unresolved.sum())} incident(s) have no resolution time (open in the export): each counts as "
            f"open from its creation on, so the {after} deployment(s) after the first of them count as rework, and "
            "recovery time leaves them out; if they were resolved, export the incidents again with their "
            "resolution times")


def _failed_deployments(dataset: Dataset) -> tuple[np.ndarray, int, int]:
    """Per deployment: True when an incident is charged to it (root-cause commit, else the last one before);
    the number of incidents charged to none (not matched through a commit, created before every deployment);
    and the number of incidents whose root-cause commits no deployment lists, charged to the one before them.

    The last-deployment rule (DevLake's) serves incidents without commit links and also those whose commits
    are in no deployment's list: a Four Keys deployment lists only the commits of its push event, and a
    deployment export taken from a later date than the incidents misses the one that shipped the cause.
    Charged to nothing, such an incident would lower the change failure rate; the notes count them."""
    deployments, incidents = dataset.deployments, dataset.incidents
    failed = np.zeros(len(deployments), bool)
    if not len(deployments) or not len(incidents):
        return failed, 0, 0
    matched = set()
    if len(dataset.incident_changes) and len(dataset.deployment_changes):
        causes = dataset.incident_changes.merge(dataset.deployment_changes, on="sha")
        failed |= deployments["deploy_id"].isin(set(causes["deploy_id"])).to_numpy()
        matched = set(causes["incident_id"])
    unmatched = incidents[~incidents["incident_id"].isin(matched)]
    if not len(unmatched):
        return failed, 0, 0
    order = np.argsort(_ns(deployments["deployed_at"]), kind="stable")
    times = _ns(deployments["deployed_at"])[order]
    before = np.searchsorted(times, _ns(unmatched["created_at"]), side="right") - 1
    failed[order[before[before >= 0]]] = True
    with_links = unmatched["incident_id"].isin(set(dataset.incident_changes["incident_id"])).to_numpy()
    return failed, int((before < 0).sum()), int((with_links & (before >= 0)).sum())


def _dora(dataset: Dataset, period: _Period, commit_times: pd.DataFrame, failed: np.ndarray
          ) -> tuple[_Values, _Samples]:
    values, samples = {}, {}
    deployments, incidents = dataset.deployments, dataset.incidents
    if dataset.has("deployments"):
        covered = period.covered(deployments["deployed_at"])
        weeks = covered.weeks
        in_period = period.mask(deployments["deployed_at"])
        count = int(in_period.sum())
        if weeks > 0:
            values["deployments_per_week"] = count / weeks
            samples["deployments_per_week"] = _day_rates(f"{period.name}:days", deployments["deployed_at"][in_period],
                                                         covered, 7.0)
        if count and dataset.has("incidents"):
            # In time order (then id): the bootstrap weighs deployments by position, whatever the files' order.
            chosen = deployments.loc[in_period, ["deployed_at", "source", "deploy_id"]].reset_index(drop=True)
            order = chosen.sort_values(["deployed_at", "source", "deploy_id"], kind="stable").index.to_numpy()
            flags = failed[in_period][order].astype(float)
            values["change_failure_rate"] = float(flags.mean())
            samples["change_failure_rate"] = _ratio(f"{period.name}:deployments", flags, np.ones_like(flags), count, flags)
            opened = np.sort(_ns(incidents["created_at"]))
            closed = np.sort(_ns(incidents["resolved_at"].dropna()))
            times = _ns(deployments["deployed_at"])[in_period][order]
            open_now = np.searchsorted(opened, times, side="right") - np.searchsorted(closed, times, side="right")
            rework = (open_now > 0).astype(float)
            values["rework_rate"] = float(rework.mean())
            samples["rework_rate"] = _ratio(f"{period.name}:deployments", rework, np.ones_like(rework), count, rework)
        if len(commit_times):
            lead = commit_times[period.mask(commit_times["deployed_at"])]
            if len(lead):
                hours = _hours(lead["deployed_at"], lead["committed_at"])
                values["lead_time_hours"] = float(np.median(hours))
                samples["lead_time_hours"] = _median(None, hours)
    if dataset.has("incidents"):
        chosen = incidents[period.mask(incidents["created_at"]) & incidents["resolved_at"].notna().to_numpy()]
        if len(chosen):
            hours = _hours(chosen["resolved_at"], chosen["created_at"])
            values["recovery_hours"] = float(np.median(hours))
            samples["recovery_hours"] = _median(None, hours)
    return values, samples


def _commit_times(dataset: Dataset) -> pd.DataFrame:
    """(deployed_at, committed_at) for every commit's first production deployment: through the commits each
    deployment shipped, and for deployments that name only their project (GitLab), through the project's PRs."""
    found = [times for times in (_linked_commit_times(dataset), _repo_commit_times(dataset)) if len(times)]
    if not found:
        return pd.DataFrame(columns=["deployed_at", "committed_at"])
    return found[0] if len(found) == 1 else pd.concat(found, ignore_index=True)


def _repo_commit_times(dataset: Dataset) -> pd.DataFrame:
    """(deployed_at, PR created_at) for each merged PR shipped by a deployment that names only its project: the
    first production deployment of the PR's repository at or after its merge (GitLab's deployments name the
    commit deployed, not the commits shipped; :func:`~roi.ingest.tables.shipping_deployments`).  The PR's creation
    stands in for its commits, as in :func:`_linked_commit_times` without a changes table."""
    deployments = dataset.deployments.dropna(subset=["repo"])
    if not len(deployments):  # before touching the PRs: a million of them cost 0.1 s
        return pd.DataFrame(columns=["deployed_at", "committed_at"])
    shipping, shipped = shipping_deployments(deployments, dataset.pull_requests)
    if not len(shipped):
        return pd.DataFrame(columns=["deployed_at", "committed_at"])
    return pd.DataFrame({"deployed_at": deployments["deployed_at"].iloc[shipping].reset_index(drop=True),
                         "committed_at": dataset.pull_requests["created_at"].iloc[shipped].reset_index(drop=True)})


def _linked_commit_times(dataset: Dataset) -> pd.DataFrame:
    """(deployed_at, committed_at) for every commit linked to a deployment, at its first production one."""
    links = dataset.deployment_changes
    if not len(links) or not len(dataset.deployments):
        return pd.DataFrame(columns=["deployed_at", "committed_at"])
    shipped = links.merge(dataset.deployments[["deploy_id", "deployed_at"]], on="deploy_id")
    # pandas-stubs type a column of groupby(as_index=False) as a SeriesGroupBy; .min() gives a DataFrame.
    shipped = shipped.groupby("sha", as_index=False)["deployed_at"].min()  # type: ignore[assignment]
    commits = dataset.changes[["sha", "committed_at"]]
    if not len(commits):
        pulls = dataset.pull_requests.dropna(subset=["merge_commit_sha"])
        commits = pulls.rename(columns={"merge_commit_sha": "sha", "created_at": "committed_at"})[["sha", "committed_at"]]
    out = shipped.merge(commits.drop_duplicates("sha"), on="sha")
    return out[out["deployed_at"] >= out["committed_at"]]


def _people(users: pd.Series, directory: dict[str, str]) -> pd.Series:
    """Each user as one person: an email the people directory knows becomes its login (lower case), so the
    same person in Copilot's report (by login) and in Cursor's (by email) is one; without a directory the
    users are left as they are."""
    if not directory:
        return users
    codes, uniques = pd.factorize(users)  # a few hundred people on a million user-days: map each once
    lower = pd.Series(uniques, dtype="object").str.lower()
    person = lower.map(directory).fillna(lower).to_numpy(dtype=object)
    return pd.Series(np.append(person, [None])[codes], index=users.index, dtype="object")


def _ai_days(dataset: Dataset) -> tuple[pd.DataFrame, int]:
    """Daily active users, suggestions and acceptances: org-level days, else summed user reports; and the
    number of days whose user reports the org-level totals replaced."""
    daily = dataset.ai_daily[["date", "active_users", "suggestions", "acceptances"]]
    users = dataset.ai_user_days
    replaced = 0
    if len(users):
        by_day = users.groupby("date")
        # A person active in two tools' exports (Cursor and Claude Code by the same email, or Copilot by login
        # and Cursor by an email the people directory pairs with that login) is one active user.
        used = users.loc[users["active"].to_numpy(bool)]
        person = _people(used["user"], email_logins(dataset.people)[0])
        active = person.groupby(used["date"]).nunique()
        # A day on which no record has a code-completion breakdown has unknown counts, not zero ones.
        from_users = pd.DataFrame({"active_users": active.reindex(by_day.size().index, fill_value=0),
                                   "suggestions": by_day["suggestions"].sum(min_count=1),
                                   "acceptances": by_day["acceptances"].sum(min_count=1)}).reset_index()
        org_day = from_users["date"].isin(set(daily["date"])).to_numpy()
        replaced = int(org_day.sum())  # one row per day
        from_users = from_users[~org_day]
        daily = pd.concat([daily, from_users], ignore_index=True) if len(daily) else from_users
    return daily, replaced


def _ai(days: pd.DataFrame, period: _Period, present: bool) -> tuple[_Values, _Samples]:
    if not present:
        return {}, {}
    chosen = days[period.mask(days["date"])]
    values, samples = {}, {}
    active = chosen["active_users"].dropna().to_numpy(float)
    if len(active):
        values["ai_active_users"] = float(active.mean())
        samples["ai_active_users"] = _ratio(f"{period.name}:ai-days", active, np.ones_like(active), len(active), active)
    rated = chosen.dropna(subset=["suggestions", "acceptances"])
    suggested, accepted = rated["suggestions"].to_numpy(float), rated["acceptances"].to_numpy(float)
    if suggested.sum() > 0:
        values["ai_acceptance_rate"] = float(min(accepted.sum() / suggested.sum(), 1.0))
        with np.errstate(divide="ignore", invalid="ignore"):
            daily_rate = accepted[suggested > 0] / suggested[suggested > 0]
        samples["ai_acceptance_rate"] = _ratio(f"{period.name}:ai-days", accepted, suggested, len(suggested), daily_rate)
    return values, samples


# --- Cohorts -----------------------------------------------------------------------------


_USAGE_EVIDENCE = {"copilot_user_report": "Copilot usage report (active user-days)",
                   "cursor_usage": "Cursor usage (active user-days)",
                   "claude_code_usage": "Claude Code usage (active user-days)"}
"""The evidence label of each format that gives ``ai_user_days``."""

_PR_EVIDENCE = {"label": "PR labels", "co-author trailer": "Co-authored-by trailers of AI tools"}
"""A PR's ``ai_evidence`` → the evidence label it gives."""
_AGENT_EVIDENCE = "assignees of AI coding-agent PRs"
_POSITIVE_ONLY_EVIDENCE = (*_PR_EVIDENCE.values(), _AGENT_EVIDENCE)
"""Evidence that names some users but no non-user: a developer without an AI label may still use the tool."""

_BY_EMAIL = {"cursor_usage": "Cursor", "claude_code_usage": "Claude Code"}
"""Usage exports that name people by email, where the PRs name them by login."""


def _ai_users(dataset: Dataset, prep: _Prepared, post: _Period
              ) -> tuple[set[str], set[str], list[str], list[str]]:
    """Logins (lower case) with evidence of AI use, logins known not to use it, the evidence kinds, and notes.

    Usage exports keyed by email (Cursor, Claude Code) match PR authors exactly (case-insensitive) or
    through the people directory, which pairs emails with logins: a login is never guessed from an
    email's local part.  The notes say how many of such an export's users were matched, and when none
    was, how to fix it.
    """
    users: set[str] = set()
    non_users: set[str] = set()
    evidence = []
    notes = []
    seats = dataset.seats
    if len(seats):
        active = seats["last_activity_at"].notna()
        users |= set(pd.unique(seats.loc[active, "user"].str.lower()))
        non_users |= set(pd.unique(seats.loc[~active, "user"].str.lower()))
        evidence.append("Copilot seat activity (last_activity_at)")
    directory, ambiguous = email_logins(dataset.people)
    directory_files = ", ".join(s.file for s in dataset.sources if "people" in s.tables)
    if ambiguous:
        notes.append(f"{ambiguous} email(s) are paired with different logins in different people directory files "
                     f"({directory_files}): left out, as they cannot say who the person is")
    days = dataset.ai_user_days
    if len(days):
        formats = {source.file: source.format for source in dataset.sources}
        tools = days["source"].astype("object").map(formats).fillna("")
        used = days["active"].to_numpy(bool)
        authors = set(pd.unique(prep.prs["author_key"].dropna()))
        for tool in pd.unique(tools):
            found = set(pd.unique(days.loc[used & tools.eq(tool).to_numpy(), "user"].str.lower()))
            users |= found
            evidence.append(_USAGE_EVIDENCE.get(tool, "AI usage export (active user-days)"))
            if tool in _BY_EMAIL and found:
                # An email that is itself a PR author matches as it is; any other goes through the directory.
                mapped = {directory[e] for e in found - authors if e in directory}
                users |= mapped
                note = _email_note(_BY_EMAIL[tool], found, authors, directory, directory_files)
                if note:
                    notes.append(note)
    prs = prep.prs
    flagged = prs[prs["ai_evidence"].ne("").to_numpy() & post.mask(prs["merged_at"])]
    for kind, label in _PR_EVIDENCE.items():
        found = set(pd.unique(flagged.loc[flagged["ai_evidence"].eq(kind), "author_key"]))
        if found:
            users |= found
            evidence.append(label)
    if prep.agent_humans:
        users |= prep.agent_humans
        evidence.append(_AGENT_EVIDENCE)
    return users, non_users - users, evidence, notes


def _email_note(tool: str, found: set[str], authors: set[str], directory: dict[str, str], files: str) -> str | None:
    """What became of an email-keyed export's active users: matched to PR authors exactly or through the
    people directory, in the directory without a counted PR, or not in it (None: nothing worth saying)."""
    exact = found & authors
    listed = {e for e in found - exact if e in directory}
    through = {e for e in listed if directory[e] in authors}
    missing = len(found - exact - listed)
    no_pr = len(listed - through)
    if not exact and not through:
        known = (f", even through the people directory ({files}): {missing} are not in it and {no_pr} are in it "
                 "but authored no counted PR" if directory else "")
        fix = ("correct or complete the people directory" if directory else
               "upload a people directory (a CSV pairing logins with emails, from the client's HR or identity-"
               "provider list, or GitHub's SAML identities)")
        return (f"{tool} identifies people by email, the PRs by login: none of its {len(found)} active user(s) "
                f"could be matched to a PR author{known} (logins are not guessed from emails), so its usage puts no "
                "one in the AI cohort and, without other evidence, the comparison is before/after only; to compare "
                f"cohorts, {fix}, or add exports that name AI users by login (Copilot seats or usage report, AI PR "
                "labels, Co-authored-by trailers) or PR exports whose authors are emails")
    if not directory:
        return None  # matched exactly (PR exports whose authors are emails), as before the people directory
    directory_name = "it" if through else f"the people directory ({files})"
    parts = [f"{tool}: {len(exact) + len(through)} of {len(found)} active users matched to PR authors"
             + (f" through the people directory ({files})" if through else " by their email")
             + (f" ({len(exact)} by their email)" if exact and through else "")]
    if missing:
        parts.append(f"{missing} {'are' if missing != 1 else 'is'} not in {directory_name}")
    if no_pr:
        parts.append(f"{no_pr} {'are' if no_pr != 1 else 'is'} in {directory_name} but authored no counted PR")
    return "; ".join(parts)


def _did(ai: tuple[_Values, _Values], control: tuple[_Values, _Values]
         ) -> tuple[dict[str, float | None], dict[str, float | None]]:
    """Per PR metric: the log difference-in-differences and e^did − 1, from each cohort's (baseline, post)."""
    did: dict[str, float | None] = {}
    did_change: dict[str, float | None] = {}
    for name in PR_METRICS:
        found = [ai[0].get(name), ai[1].get(name), control[0].get(name), control[1].get(name)]
        values = [v for v in found if not (v is None or v <= 0)]
        if len(values) < len(found):
            did[name] = did_change[name] = None
            continue
        value = (np.log(values[1]) - np.log(values[0])) - (np.log(values[3]) - np.log(values[2]))
        did[name], did_change[name] = float(value), float(np.expm1(value))
    return did, did_change


def _did_ci(samples: list[dict[str, _Sample]], boot: _Bootstrap, rng: np.random.Generator
            ) -> dict[str, tuple[float, float] | None]:
    out: dict[str, tuple[float, float] | None] = {}
    for name in PR_METRICS:
        group = [s.get(name) for s in samples]
        complete = [g for g in group if g is not None and g.events >= MIN_SAMPLE]
        if len(complete) < len(group):
            out[name] = None
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = [np.log(_draws(g, boot, rng)) for g in complete]
            replicate = np.expm1((logs[1] - logs[0]) - (logs[3] - logs[2]))
        replicate = replicate[np.isfinite(replicate)]
        out[name] = (float(np.percentile(replicate, 2.5)), float(np.percentile(replicate, 97.5))) \
            if len(replicate) else None
    return out


# --- Putting it together -----------------------------------------------------------------


def _event_times(dataset: Dataset, prep: _Prepared) -> pd.Series:
    """The dated events of the rate sources: merged PRs (those merged during the ramp-up weeks too: the data
    runs through them), deployments, incidents, completed work items and bugs.  Each source's rates use only
    the weeks that source covers."""
    items = dataset.work_items
    parts = [prep.prs["merged_at"], prep.ramp_merged, dataset.deployments["deployed_at"],
             dataset.incidents["created_at"], items["resolved_at"], items.loc[items["kind"].eq("bug"), "created_at"]]
    return pd.concat([p for p in parts if len(p)] or [pd.Series(dtype="datetime64[ns, UTC]")]).dropna()


def _ai_times(dataset: Dataset) -> pd.Series:
    """The days of the AI usage exports (00:00 UTC of each), organisation totals and per-person rows alike."""
    parts = [dataset.ai_daily["date"], dataset.ai_user_days["date"]]
    days = pd.concat([p for p in parts if len(p)] or [pd.Series(dtype="datetime64[ns, UTC]")]).dropna()
    return pd.to_datetime(days, utc=True)  # two tools' user-days may come as Timestamps of object dtype


def _rate_period(period: _Period, events: pd.Series) -> _Period:
    """The part of ``period`` within the rate sources' events (none: an empty period at its start).

    AI usage days reach further than the other exports when the usage export was taken later: the period
    runs on to them for the AI metrics, which are means over days, but a rate per week divides by the weeks
    the rate sources' own events span, so loading a usage export changes no other metric.  Left to
    :meth:`_Period.covered` alone, the days after the last merge diluted the PR rate whenever they were fewer
    than the gap its edge rule lets a source miss (a week, or three of the source's mean intervals)."""
    if events.empty:
        return _Period(period.name, period.start, period.start)
    end = min(period.end, events.max())
    return _Period(period.name, max(period.start, events.min()), end, period.open_end and end == period.end)


def _skip_ramp_days(dataset: Dataset, prep: _Prepared, ramp: tuple[pd.Timestamp, pd.Timestamp]) -> None:
    """Count the AI usage days of the ramp-up weeks under ``prep.skipped``, as the PRs merged then: they are in
    neither period."""
    for frame, reason in ((dataset.ai_daily, "day during the ramp-up weeks"),
                          (dataset.ai_user_days, "user-day during the ramp-up weeks")):
        days = frame["date"]  # compared as pandas does: a reader's days may be Timestamps of object dtype
        in_ramp = ((days >= ramp[0]) & (days < ramp[1])).to_numpy(bool)
        if in_ramp.any():
            for source, count in frame.loc[in_ramp, "source"].value_counts().items():
                if count:
                    prep.skipped.setdefault(str(source), Counter())[reason] += int(count)


def _period_model(period: _Period | None, values: _Values) -> PeriodMetrics:
    if period is None:
        return PeriodMetrics(start=None, end=None, weeks=None)
    clean = {k: (_finite(v) if isinstance(v, float) else v) for k, v in values.items()}
    return PeriodMetrics(start=period.start.floor("us").to_pydatetime(), end=period.end.floor("us").to_pydatetime(),
                         weeks=round(period.weeks, 6), **clean)


def _summaries(dataset: Dataset, prep: _Prepared) -> list[SourceSummary]:
    """Each file's rows, the rows used and what was left out, by reason.

    ``rows`` counts a file's records as its reader does: PRs in a file of pull requests, reviews
    in a file of reviews.  gh and GraphQL files (and a generic CSV with first-review times) hold
    reviews inside their PRs: the reviews left out of those are listed under ``skipped`` too, but
    they are not rows of the file, so ``rows - used_rows`` is the skipped PRs only.
    """
    out = []
    for report in dataset.sources:
        skipped = Counter(report.skipped) + prep.skipped.get(report.file, Counter())
        nested = (sum(prep.skipped_reviews.get(report.file, Counter()).values())
                  if "pull_requests" in report.tables else 0)
        notes = list(report.notes)
        if nested:
            notes.append(f"{nested} review(s) inside its PRs left out too, each under its reason; the file's rows "
                         "and rows used count its PRs only")
        out.append(SourceSummary(file=report.file, format=report.format, rows=report.rows,
                                 used_rows=max(report.rows - (sum(skipped.values()) - nested), 0),
                                 skipped=dict(skipped), notes=notes, cautions=list(report.cautions)))
    return out


def measure(dataset: Dataset, adoption_date: date, ramp_weeks: int = 0, *, until: date | None = None,
            draws: int = BOOTSTRAP_DRAWS, seed: int = BOOTSTRAP_SEED) -> Metrics:
    """Baseline and post-adoption metrics of ``dataset`` split at ``adoption_date`` (UTC midnight).

    The periods run from the first event to the adoption date and from the adoption date plus the ramp-up
    weeks to the last event.  AI usage days are events too, so that no day of a usage export taken after the
    last merge is left out unseen; but as the AI metrics are means over days, they bound the periods for
    those alone: rates per week use the weeks the other exports' events span (:func:`_rate_period`), and
    loading a usage export changes no other metric.  PRs and AI usage days of the ramp-up weeks are skipped
    and counted in their file's ``skipped``.

    Parameters:
        adoption_date: first day with the AI tool; events before it are the baseline.
        ramp_weeks: weeks after the adoption date left out while people learn the tool [weeks].
        until: last day of the post period (UTC, whole day); ``None``: the last event (a rollout wave
            measured from exports that run past its end).
        draws, seed: bootstrap resamples and the seed of ``numpy.random.default_rng``.

    Raises:
        DataError: exports of pull requests hold no merged PR by a person, or the adoption date
            (plus ramp) leaves no data on one side (the message gives the range of every event, the PRs
            merged during the ramp-up weeks included).
    """
    if isinstance(adoption_date, datetime):
        adoption_date = adoption_date.date()
    if not isinstance(ramp_weeks, int) or isinstance(ramp_weeks, bool) or not 0 <= ramp_weeks <= 104:
        raise InputFormatError(f"ramp weeks must be a whole number from 0 to 104, got {ramp_weeks!r}",
                               field="ramp_weeks")
    adoption = pd.Timestamp(adoption_date, tz="UTC")
    post_start = adoption + pd.Timedelta(weeks=ramp_weeks)
    prep = _prepare_prs(dataset, (adoption, post_start))
    pr_files = [s.file for s in dataset.sources if "pull_requests" in s.tables]
    if prep.has_prs and prep.prs.empty:
        counts: Counter[str] = Counter()
        for source in pr_files:
            counts.update(prep.skipped.get(source, {}))
        detail = "; ".join(f"{count} {reason}" for reason, count in counts.items()) or "no rows"
        verb = "hold" if len(pr_files) > 1 else "holds"  # the subject is the file, or the files
        raise DataError(f"{verb} no merged pull request by a person ({detail}); export a period with merged PRs "
                        "(state=all)", file=", ".join(pr_files))
    _skip_ramp_days(dataset, prep, (adoption, post_start))
    events = _event_times(dataset, prep)
    ai_times = _ai_times(dataset)
    # AI usage days are events too: a usage export running past the last merge had its later days left out
    # unseen (docs/metrics.md, "Periods").
    every = pd.concat([events, ai_times]) if len(ai_times) else events
    if every.empty and not len(dataset.estimates):
        rows = sum(source.rows for source in dataset.sources)
        raise DataError(f"the exports hold no dated events (merged PRs, deployments, work items, incidents or "
                        f"AI usage days; "
                        f"{rows} data row(s) in all) to split at the adoption date; add such an export",
                        file=", ".join(source.file for source in dataset.sources) or None)
    notes: list[str] = []
    baseline = post = None
    spans: dict[str, _Period] = {}  # per period: the part of it the rate sources' events span
    if not every.empty:
        first, last = every.min(), every.max()
        stop = pd.Timestamp(until, tz="UTC") + pd.Timedelta(days=1) if until is not None else None
        if stop is not None:
            last = min(last, stop - pd.Timedelta(microseconds=1))
        if not first < adoption or not post_start <= last:
            ramp = f" plus {ramp_weeks} ramp-up week(s)" if ramp_weeks else ""
            # Which side is empty: "events run from 2025-10-01" beside an adoption on 2025-10-01 read as inside.
            side = "before it" if not first < adoption else "after it" + (" and its ramp-up" if ramp_weeks else "")
            raise DataError(
                f"adoption date {adoption_date.isoformat()}{ramp} is outside the data: its events run from "
                f"{first.date().isoformat()} to {last.date().isoformat()}, so none falls {side}; choose a date "
                "with data on both sides",
                # CONTRACT: an error names the file; here every file whose dated events set that span (only the
                # PR exports were named, and a Jira export's earlier start was put on them)
                file=fmt.file_names([s.file for s in dataset.sources if s.tables & (RATE_TABLES | AI_TABLES)]) or None,
                field="adoption_date")
        baseline = _Period("baseline", first, adoption - pd.Timedelta(microseconds=1), open_end=True)
        post = _Period("post", post_start, last, open_end=stop is not None and last == stop - pd.Timedelta(microseconds=1))
        spans = {period.name: _rate_period(period, events) for period in (baseline, post)}
        if len(ai_times) and len(events) and (ai_times.min() < events.min() or ai_times.max() > events.max()):
            notes.append(f"the AI usage days run from {ai_times.min():%Y-%m-%d} to {ai_times.max():%Y-%m-%d}, "
                         f"beyond the other exports' events ({events.min():%Y-%m-%d} to {events.max():%Y-%m-%d}): "
                         "the periods reach them for the AI metrics, while rates per week use the weeks their "
                         "own exports cover")

    values: dict[str, _Values] = {"baseline": {}, "post": {}}
    samples: dict[str, _Samples] = {"baseline": {}, "post": {}}
    if baseline is not None and post is not None:  # both or neither
        commit_times = _commit_times(dataset)
        failed, uncharged, unlisted = _failed_deployments(dataset)
        if uncharged:
            notes.append(f"{uncharged} incident(s) without a root-cause commit were created before the first "
                         "deployment in the exports: charged to no deployment, they count in no change failure "
                         "rate (recovery time still counts them); export deployments from further back to charge "
                         "them")
        if unlisted:
            notes.append(f"{unlisted} incident(s) name root-cause commits that no deployment in the exports lists: "
                         "each is charged, as an incident without commit links is, to the last deployment before "
                         "it (change failure rate); export the deployments with the commits they shipped, from "
                         "as far back as the incidents, to charge the deployment that shipped the cause")
        if note := _open_incidents_note(dataset):
            notes.append(note)
        ai_days, replaced = _ai_days(dataset)
        ai_present = dataset.has("ai_daily") or dataset.has("ai_user_days")
        if replaced:  # people cannot be matched across an organisation's totals and per-person rows
            notes.append(f"{replaced} day(s) have both "
                         "organisation totals (Copilot metrics) and per-person usage: those days' AI metrics are "
                         "the organisation totals alone, as the same person cannot be told apart in both (another "
                         "tool's users, such as Cursor's, are not added on those days)")
        for key, period in (("baseline", baseline), ("post", post)):
            span = spans[key]  # rates per week over the rate sources' own weeks, AI days aside
            parts = [_pr_period(prep, span)]
            developers = parts[0][0].get("developers")
            if not prep.has_prs and len(dataset.work_items):
                done = dataset.work_items
                developers = int(done.loc[span.mask(done["resolved_at"]), "assignee"].dropna().nunique()) or None
                parts[0][0]["developers"] = developers
                counted = ("no PR export: active developers are the distinct assignees of the work items completed "
                           "in each period, not the authors of merged PRs")
                if developers is not None and counted not in notes:
                    notes.append(counted)
                if developers is None and not done["assignee"].notna().any():
                    note = ("the work items name no assignee and no PR export names authors: developers cannot be "
                            "counted, so per-developer rates (tasks, bugs) are null; export the issues with the "
                            "Assignee column, or add a pull-request export")
                    if note not in notes:
                        notes.append(note)
            parts += [_work_items(dataset, span, developers), _dora(dataset, span, commit_times, failed),
                      _ai(ai_days, period, ai_present)]
            for v, s in parts:
                values[key].update(v)
                samples[key].update(s)
        coverage = ((prep.prs, "merged_at", None, "the pull-request export covers", "its rates use the weeks it covers"),
                    (dataset.work_items, "resolved_at", "created_at", "the work-item export's completions cover",
                     "tasks per developer-week use the weeks they cover"),
                    (dataset.work_items, "created_at", "resolved_at", "the work-item export's created issues cover",
                     "bugs per developer-week use the weeks they cover"),
                    (dataset.deployments, "deployed_at", None, "the deployment export covers",
                     "its rates use the weeks it covers"))
        for frame, column, other, covers, rates in coverage:
            if len(frame):
                reach = frame[other] if other else None
                covered = sum(span.covered(frame[column], reach).weeks for span in spans.values())
                total = baseline.weeks + post.weeks  # AI days beyond the other events are weeks no rate uses
                if covered < total:
                    notes.append(f"{covers} {covered:.1f} of the {total:.1f} measured weeks; {rates}")
        if prep.has_prs and not prep.has_sizes:
            notes.append("no PR sizes in the exports (list pages only; GitHub PR details, gh or GraphQL output and "
                         "GitLab GraphQL mergeRequests pages have them): pr_size_loc is null")
        for key in ("baseline", "post"):
            if prep.has_prs and not values[key].get("developers"):
                notes.append(f"the {key} period has no merged PRs by people: its per-developer PR metrics are null")

    changes: dict[str, ChangeStat] = {}
    event_names = {"prs_per_dev_week": "PRs", "pr_size_loc": "PRs", "pr_size_loc_median": "PRs",
                   "pickup_hours_median": "PRs", "review_hours_median": "PRs", "cycle_hours_median": "PRs",
                   "tasks_per_dev_week": "completed work items", "bugs_per_dev_week": "bugs",
                   "deployments_per_week": "deployments", "change_failure_rate": "deployments",
                   "rework_rate": "deployments", "lead_time_hours": "deployed changes",
                   "recovery_hours": "incidents", "ai_active_users": "days", "ai_acceptance_rate": "days"}
    boot = _Bootstrap(seed, draws)
    for index, (name, event_name) in enumerate(event_names.items()):
        rng = np.random.default_rng([seed, 1000 + index])
        found = _change(values["baseline"].get(name), values["post"].get(name),
                        (samples["baseline"].get(name), samples["post"].get(name)), boot, rng, event_name)
        if found is not None:
            if event_name == "PRs" and min(values["baseline"].get("prs_merged", 0), values["post"].get("prs_merged", 0)) < MIN_SAMPLE:
                found = ChangeStat(change=found.change, n_baseline=values["baseline"]["prs_merged"],
                                   n_post=values["post"]["prs_merged"],
                                   note=f"sample too small: fewer than {MIN_SAMPLE} PRs in a period, so no interval or test")
            changes[name] = found

    cohorts = None
    all_ai_users = False
    comparison: Literal["difference-in-differences", "before/after only"] = "before/after only"
    if baseline is not None and post is not None and prep.has_prs:
        users, known_non_users, evidence, user_notes = _ai_users(dataset, prep, post)
        notes += user_notes
        active = set(pd.unique(prep.prs.loc[post.mask(prep.prs["merged_at"]), "author_key"]))
        ai_group = users & active
        control_group = active - users
        if not evidence:
            notes.append("AI users cannot be told from non-users (no seats, usage reports, AI labels or co-author "
                         "trailers): the comparison is before/after only, so changes are 'associated with' adoption")
        elif (set(evidence) <= set(_POSITIVE_ONLY_EVIDENCE)
              and len(ai_group) < (daily := values["post"].get("ai_active_users") or 0) <= len(active)):
            # More people use the tool on an average day than were found: the rest hide among the "non-users".
            notes.append(f"the AI metrics' mean daily users ({daily:.2f}) exceed the {len(ai_group)} AI users "
                         f"identified by {', '.join(evidence)} among the {len(active)} active developers, so the "
                         "others include users: no comparison cohort, the comparison is before/after only")
        elif not ai_group or not control_group:
            all_ai_users = bool(ai_group)
            notes.append(f"{'no' if not ai_group else 'every'} active developer shows AI use: without a comparison "
                         "cohort the comparison is before/after only")
        else:
            periods = {}
            cohort_samples = []
            for label, group in (("ai", ai_group), ("control", control_group)):
                (b_values, b_samples), (p_values, p_samples) = (_pr_period(prep, spans["baseline"], group, label),
                                                                _pr_period(prep, spans["post"], group, label))
                periods[label] = (b_values, p_values)
                cohort_samples += [b_samples, p_samples]
            if not periods["ai"][0].get("prs_merged") or not periods["control"][0].get("prs_merged"):
                notes.append("a cohort has no merged PRs before adoption: the comparison is before/after only")
            else:
                did, did_change = _did(periods["ai"], periods["control"])
                did_ci = _did_ci(cohort_samples, boot, np.random.default_rng([seed, 999]))
                cohorts = Cohorts(
                    ai_users=len(ai_group), non_users=len(control_group), identified_by=evidence, did=did,
                    did_change=did_change, did_ci=did_ci,
                    ai=CohortPeriods(baseline=_period_model(baseline, periods["ai"][0]),
                                     post=_period_model(post, periods["ai"][1])),
                    control=CohortPeriods(baseline=_period_model(baseline, periods["control"][0]),
                                          post=_period_model(post, periods["control"][1])))
                comparison = "difference-in-differences"
                if known_non_users & control_group:
                    idle = len(known_non_users & control_group)
                    notes.append(f"{idle} non-user{'s hold' if idle != 1 else ' holds'} a seat they never used")

    estimates = None
    if len(dataset.estimates):
        estimates = {row.metric: Estimate(baseline=_finite(row.baseline), post=_finite(row.post),
                                          low=_finite(row.low), high=_finite(row.high))
                     for row in dataset.estimates.itertuples(index=False)}
    return Metrics(adoption_date=adoption_date, ramp_weeks=ramp_weeks, comparison=comparison,
                   sources=_summaries(dataset, prep), baseline=_period_model(baseline, values["baseline"]),
                   post=_period_model(post, values["post"]), changes=changes, cohorts=cohorts,
                   estimates=estimates, all_ai_users=all_ai_users, notes=notes)


def metrics_json(metrics: Metrics) -> str:
    """The Metrics JSON as printed by ``python -m roi metrics``."""
    return metrics.model_dump_json(indent=2) + "\n"


__all__ = ["BOOTSTRAP_DRAWS", "BOOTSTRAP_SEED", "DEFINITIONS", "MEASURED", "MIN_SAMPLE", "ChangeStat", "Cohorts",
           "Metrics", "PeriodMetrics", "SourceSummary", "measure", "metrics_json", "period_label"]
