"""Quality-adjusted productivity (methodology §1): output gains net of review tax, defects and incidents.

All functions accept floats or numpy arrays (the Monte Carlo passes arrays of draws) and
return hours per *adopting* developer per working week unless said otherwise.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np

# Floats in, a float out; arrays (or a mix: the Monte Carlo overrides some inputs only) in, an array out.
Num = TypeVar("Num", float, np.ndarray, float | np.ndarray)


def review_effort_hours(pr_size_loc: Num, overhead_hours: Num, loc_per_hour: Num) -> Num:
    """Review effort per PR, E(L) = t0 + L / r [h].

    Parameters: pr_size_loc L [LOC], overhead_hours t0 [h], loc_per_hour r [LOC/h].
    Source: SmartBear/Cisco code review study (review speed in LOC/h).
    """
    return overhead_hours + pr_size_loc / loc_per_hour


def gross_gain_hours(output_change: Num, delivery_hours_per_week: Num) -> Num:
    """G = g · H_task [h/dev-week]: the delivery time the output change is worth."""
    return output_change * delivery_hours_per_week


def review_tax_hours(
    prs_before: Num, effort_before: Num, prs_after: Num, effort_after: Num
) -> Num:
    """ΔR = P1·E(L1) − P0·E(L0) [h/dev-week]: extra reviewer hours a developer's PRs now cost."""
    return prs_after * effort_after - prs_before * effort_before


def defect_hours(bugs_before: Num, bugs_after: Num, fix_hours_per_bug: Num) -> Num:
    """ΔD = (B1 − B0) · h_fix [h/dev-week]: extra bug-fixing hours (bugs per developer-week)."""
    return (bugs_after - bugs_before) * fix_hours_per_bug


def failure_hours_per_week(
    deployments_per_week: float | None, change_failure_rate: float | None, recovery_hours: float | None
) -> float:
    """D · CFR · M [h/week]: hours a team spends in failed-deployment recovery; 0 where any input is null."""
    if deployments_per_week is None or change_failure_rate is None or recovery_hours is None:
        return 0.0
    return deployments_per_week * change_failure_rate * recovery_hours


def rework_deploys_per_week(deployments_per_week: float | None, rework_rate: float | None) -> float:
    """D · RW [deployments/week]: unplanned deployments; 0 where an input is null."""
    if deployments_per_week is None or rework_rate is None:
        return 0.0
    return deployments_per_week * rework_rate


def incident_hours(
    failure_hours_change: Num,
    rework_deploys_change: Num,
    responders_per_incident: Num,
    rework_hours_per_deploy: Num,
    developers: Num,
) -> Num:
    """ΔI = [Δ(D·CFR·M)·resp + Δ(D·RW)·h_rw] / n [h/dev-week]: incident and rework load per developer."""
    return (failure_hours_change * responders_per_incident + rework_deploys_change * rework_hours_per_deploy) / developers


def net_hours(gross: Num, review_tax: Num, defects: Num, incidents: Num) -> Num:
    """N = G − ΔR − ΔD − ΔI [h/dev-week]."""
    return gross - review_tax - defects - incidents


def qapi(net: Num, delivery_hours_per_week: Num) -> Num:
    """Quality-adjusted productivity index, 1 + N / H_task (1 + g when there are no side effects)."""
    return 1.0 + net / delivery_hours_per_week


def naive_index(output_change: float, bugs_before: float, bugs_after: float) -> float:
    """(1 + g)·(1 − quality loss), the usual headline figure; hides the review tax.

    Quality loss is the relative growth in bugs per developer (0 when there were none
    before).  Faros 2025: 1.21 × 0.91 = 1.101.  Shown only as a contrast to QAPI.  The quality
    factor stops at 0: bugs tripling (a loss of 200%) made the index −1.21, output below nothing.
    """
    loss = (bugs_after - bugs_before) / bugs_before if bugs_before > 0 else 0.0
    return (1.0 + output_change) * max(0.0, 1.0 - loss)
