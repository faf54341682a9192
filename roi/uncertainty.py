"""Uncertainty (methodology §4): Monte Carlo over the whole model, and a tornado of single-input swings.

Every uncertain input has (low, likely, high).  PERT draws x = lo + (hi − lo)·Beta(α, β)
with α = 1 + 4(m − lo)/(hi − lo), β = 1 + 4(hi − m)/(hi − lo) (Vose, *Risk Analysis*,
2008); triangular is the alternative.  All draws are evaluated at once as numpy arrays.
Percentile convention: P10 is the downside — 10% of outcomes are worse.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from roi.inputs import npv
from roi.models import MedianGap, MedianShift, Scenario, TornadoRow, UncertaintyResult

HISTOGRAM_BINS = 40
TORNADO_LOW_QUANTILE = 0.10
TORNADO_HIGH_QUANTILE = 0.90
MEDIAN_GAP_SHARE = 0.05
"""A median NPV further than this share of the P10–P90 width from the likely-value NPV is explained."""


def pert_shape(low: float, likely: float, high: float) -> tuple[float, float]:
    """Beta shape parameters (α, β) of the PERT distribution on [low, high] with mode ``likely``."""
    span = high - low
    return 1.0 + 4.0 * (likely - low) / span, 1.0 + 4.0 * (high - likely) / span


def sample(
    rng: np.random.Generator, low: float, likely: float, high: float, size: int, distribution: str = "pert"
) -> np.ndarray:
    """``size`` draws of one uncertain input."""
    if high <= low:
        return np.full(size, likely)
    if distribution == "triangular":
        return rng.triangular(low, likely, high, size)
    alpha, beta = pert_shape(low, likely, high)
    return low + (high - low) * rng.beta(alpha, beta, size)


def quantile(low: float, likely: float, high: float, q: float, distribution: str = "pert") -> float:
    """Analytic quantile q of the input's distribution (regularised incomplete beta inverse for PERT)."""
    if high <= low:
        return likely
    if distribution == "triangular":
        split = (likely - low) / (high - low)
        if q <= split:
            return low + math.sqrt(q * (high - low) * (likely - low))
        return high - math.sqrt((1.0 - q) * (high - low) * (high - likely))
    alpha, beta = pert_shape(low, likely, high)
    return low + (high - low) * float(special.betaincinv(alpha, beta, q))


def likely_values(scenario: Scenario) -> dict[str, float]:
    """Each ranged input at its most likely value."""
    assert scenario.uncertainty is not None
    return {key: likely for key, (_, likely, _) in scenario.uncertainty.ranges.items()}


def tornado(scenario: Scenario) -> list[TornadoRow]:
    """NPV with each input at its P10 and P90, the others at their likely values; largest swing first."""
    assert scenario.uncertainty is not None
    spec = scenario.uncertainty
    base = likely_values(scenario)
    rows = []
    for key, (low, likely, high) in spec.ranges.items():
        at_low = quantile(low, likely, high, TORNADO_LOW_QUANTILE, spec.distribution)
        at_high = quantile(low, likely, high, TORNADO_HIGH_QUANTILE, spec.distribution)
        npv_low = float(npv(scenario, {**base, key: at_low}))
        npv_high = float(npv(scenario, {**base, key: at_high}))
        rows.append(
            TornadoRow(input=key, low=at_low, high=at_high, npv_low=npv_low, npv_high=npv_high,
                       swing=abs(npv_high - npv_low))
        )
    return sorted(rows, key=lambda row: row.swing, reverse=True)


def median_gap(scenario: Scenario, result: UncertaintyResult, npv_likely: float) -> MedianGap | None:
    """Why the simulated median NPV differs from ``npv_likely`` [currency], the NPV at the likely values.

    A lopsided range (the likely value nearer one end) puts an input's typical draw away from its likely
    value: with each input in turn at its median and the others likely, the shifts in the NPV approximate
    the gap (exactly when the NPV is linear in each input and the inputs do not interact). ``None`` when
    the gap is under :data:`MEDIAN_GAP_SHARE` of the P10–P90 width, or no input moves the NPV its way.
    """
    assert scenario.uncertainty is not None
    spec = scenario.uncertainty
    gap = result.npv_p50 - npv_likely
    if abs(gap) <= MEDIAN_GAP_SHARE * (result.npv_p90 - result.npv_p10):
        return None
    base = likely_values(scenario)
    shifts = []
    for key, (low, likely, high) in spec.ranges.items():
        median = quantile(low, likely, high, 0.5, spec.distribution)
        shift = float(npv(scenario, {**base, key: median})) - npv_likely
        if shift * gap > 0:
            shifts.append(MedianShift(input=key, likely=likely, median=median, npv_shift=shift))
    if not shifts:
        return None
    shifts.sort(key=lambda row: abs(row.npv_shift), reverse=True)
    return MedianGap(npv_likely=npv_likely, npv_median=result.npv_p50, shifts=shifts)


def draw_inputs(scenario: Scenario) -> dict[str, np.ndarray]:
    """One array of draws per ranged input, from one seeded generator in the ranges' order."""
    assert scenario.uncertainty is not None
    spec = scenario.uncertainty
    rng = np.random.default_rng(spec.seed)
    return {
        key: sample(rng, low, likely, high, spec.draws, spec.distribution)
        for key, (low, likely, high) in spec.ranges.items()
    }


def simulate_npv(scenario: Scenario) -> np.ndarray:
    """NPV [currency] of every Monte Carlo draw, evaluated in one vectorised pass."""
    assert scenario.uncertainty is not None
    values = np.asarray(npv(scenario, draw_inputs(scenario)), dtype=float)
    return np.broadcast_to(values, (scenario.uncertainty.draws,))


def _histogram_range(outcomes: np.ndarray) -> tuple[float, float]:
    """The draws' range, widened when (nearly) every draw is the same NPV so 40 bins still fit."""
    low, high = float(outcomes.min()), float(outcomes.max())
    scale = max(1.0, abs(low), abs(high))
    if high - low < 1e-6 * scale:
        pad = 1e-6 * scale
        return low - pad, high + pad
    return low, high


def analyse(scenario: Scenario) -> UncertaintyResult | None:
    """Monte Carlo percentiles, P(NPV > 0), histogram and tornado (CONTRACT "Results JSON").

    ``None`` when the scenario has no ``uncertainty`` section.  With the section but no ranges
    nothing is uncertain: every draw is the scenario's NPV (P10 = P50 = P90 = mean = NPV,
    P(NPV > 0) is 0 or 1) and the tornado is ``None``.
    """
    if scenario.uncertainty is None:
        return None
    outcomes = simulate_npv(scenario)
    p10, p50, p90 = np.percentile(outcomes, [10, 50, 90])
    counts, edges = np.histogram(outcomes, bins=HISTOGRAM_BINS, range=_histogram_range(outcomes))
    return UncertaintyResult(
        draws=int(outcomes.size),
        npv_p10=float(p10),
        npv_p50=float(p50),
        npv_p90=float(p90),
        npv_mean=float(outcomes.mean()),
        prob_npv_positive=float((outcomes > 0).mean()),
        tornado=tornado(scenario) if scenario.uncertainty.ranges else None,
        histogram_edges=[float(edge) for edge in edges],
        histogram_counts=[int(count) for count in counts],
    )
