"""Team-level rates measured on one team, used with another number of developers in scope.

Deployments per week D are the team's (methodology §0: "production deployments per week (whole team)"), and ΔI
divides the team's extra incident and rework hours by the developers in scope n (methodology §1:
ΔI = [Δ(D·CFR·M)·resp + Δ(D·RW)·h_rw] / n).  A measured scenario's D counts the deployments of the
developers the exports counted (``measurement.counted['team.developers']``).  With n edited to 1 of the
demo's 120 developers, ΔI put all 120 developers' incident hours on the 1: 0.03 h → 3.02 h per
developer-week, the quality-adjusted gain +14.0% → +4.0%.

Nothing here changes a number on its own: :func:`deployments_mismatch` finds the case and
:func:`deployments_caveat` says it; :func:`with_deployments_scaled` is the explicit fix (D × n / n_measured,
which keeps ΔI per developer as measured).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from roi import formatting as fmt
from roi.engine import compute_productivity
from roi.errors import ScenarioError
from roi.inputs import FAILURE_INPUTS, REWORK_INPUTS, delivery_term_counted
from roi.models import Scenario
from roi.whatif import with_values

FIELD = "deployments_per_week"
"""The period field that is a team-level rate (every other rate is per developer, or a share)."""

PATHS = (f"baseline.{FIELD}", f"post.{FIELD}")
"""D0 and D1 as dotted paths (their uncertainty ranges have the same keys)."""


def deployments_basis(scenario: Scenario) -> int | None:
    """Developers the scenario's deployments per week describe [people]: those they were scaled to
    (``measurement.deployments_developers``), else those the exports counted; ``None`` when the deployments
    were not measured (no measurement, kept from the base scenario) or the exports counted no developers."""
    measurement = scenario.measurement
    if measurement is None or FIELD in measurement.kept_from_base:
        return None
    if measurement.deployments_developers is not None:
        return measurement.deployments_developers
    return measurement.counted.get("team.developers")


@dataclass(frozen=True)
class DeploymentsMismatch:
    """The developers in scope differ from those the deployments per week describe.

    ``developers`` n and ``measured_on`` [people]; ``baseline``, ``post``: D0, D1 [deployments per working
    week, the team's]; ``incident_hours``, ``scaled_incident_hours``: ΔI as the scenario stands and with D
    scaled by n / ``measured_on`` [h per developer-week]; ``qapi``, ``scaled_qapi``: QAPI likewise [index].
    """

    developers: int
    measured_on: int
    baseline: float | None
    post: float | None
    incident_hours: float
    scaled_incident_hours: float
    qapi: float
    scaled_qapi: float

    @property
    def factor(self) -> float:
        """n / n_measured: what scaling multiplies D by [ratio]."""
        return self.developers / self.measured_on


def deployments_mismatch(scenario: Scenario) -> DeploymentsMismatch | None:
    """The mismatch when the developers in scope are not those the deployments describe and the deployments
    count in ΔI (both periods give a term's inputs, :func:`roi.inputs.delivery_term_counted`); else ``None``."""
    basis = deployments_basis(scenario)
    developers = scenario.team.developers
    if basis is None or basis == developers:
        return None
    if not (delivery_term_counted(scenario, FAILURE_INPUTS) or delivery_term_counted(scenario, REWORK_INPUTS)):
        return None
    now, scaled = compute_productivity(scenario), compute_productivity(_scaled(scenario, developers / basis))
    return DeploymentsMismatch(
        developers=developers, measured_on=basis,
        baseline=scenario.baseline.deployments_per_week, post=scenario.post.deployments_per_week,
        incident_hours=now.incident_hours, scaled_incident_hours=scaled.incident_hours,
        qapi=now.qapi, scaled_qapi=scaled.qapi,
    )


def _scaled(scenario: Scenario, factor: float) -> Scenario:
    """D0, D1 and their uncertainty ranges × ``factor``, ``measurement.deployments_developers`` = n."""
    ranges = scenario.uncertainty.ranges if scenario.uncertainty is not None else {}
    changes: dict[str, object] = {}
    for path, value in zip(PATHS, (scenario.baseline.deployments_per_week, scenario.post.deployments_per_week),
                           strict=True):
        if value is not None:
            changes[path] = value * factor
        if path in ranges:
            changes[f"uncertainty.ranges.{path}"] = [x * factor for x in ranges[path]]
    measurement = scenario.measurement
    counted = measurement.counted.get("team.developers") if measurement is not None else None
    developers = scenario.team.developers
    # Back at the count the exports made: the deployments describe it again, as measured.
    changes["measurement.deployments_developers"] = None if developers == counted else developers
    return with_values(scenario, changes)


def with_deployments_scaled(scenario: Scenario) -> Scenario:
    """The scenario with deployments per week (both periods, and their ranges) × n / n_measured, so that they
    describe its developers in scope [deployments per working week]; the measurement records the new basis.

    Raises:
        ScenarioError: nothing to scale (:func:`deployments_mismatch` finds no mismatch).
    """
    found = deployments_mismatch(scenario)
    if found is None:
        raise ScenarioError("the deployments per week need no scaling: they describe the developers in scope, "
                            "were not measured, or count in no incident term", field="baseline.deployments_per_week")
    return _scaled(scenario, found.factor)


def _rate(value: float | None) -> str:
    """A deployment rate to 3 significant figures or 1 decimal (10.6, 0.0882)."""
    if value is None:
        return fmt.NOT_APPLICABLE
    if value == 0 or abs(value) >= 10:
        return fmt.number(value, digits=1)
    return fmt.number(value, digits=2 - math.floor(math.log10(abs(value))))


def _people(count: int) -> str:
    return fmt.count(count, "developer")


def rates(baseline: float | None, post: float | None) -> str:
    """D0 and D1 as "10.6 before, 11.3 after adoption" (a period without deployments reads "n/a")."""
    return f"{_rate(baseline)} before, {_rate(post)} after adoption"


def deployments_caveat(scenario: Scenario, *, here: bool = False) -> str | None:
    """The mismatch in words, with both counts, what it does to ΔI (and QAPI, when it shows) and the two
    fixes; ``None`` without one.  ``here``: said on the page whose button scales them (else it names it)."""
    found = deployments_mismatch(scenario)
    if found is None:
        return None
    n, basis = found.developers, found.measured_on
    measurement = scenario.measurement
    counted = measurement.counted.get("team.developers") if measurement is not None else None
    described = (f"measured on the {_people(basis)} the exports counted" if basis == counted
                 else f"scaled to {_people(basis)}")
    moved = "fall on" if n < basis else "are spread over"
    gain, scaled_gain = (fmt.percent(q - 1, signed=True, digits=1) for q in (found.qapi, found.scaled_qapi))
    scaled = [None if d is None else d * found.factor for d in (found.baseline, found.post)]
    where = "with the button below" if here else "on the Productivity page"
    applies = (f"If this scenario covers {fmt.number(n)} of the {_people(basis)}" if n < basis else
               f"If the {_people(n)} deploy as often per developer as the {_people(basis)}")
    return (
        f"The deployments per week ({rates(found.baseline, found.post)}, a working week) are the team's, "
        f"{described}, but the scenario has {_people(n)} in scope. Incidents (ΔI) divide the team's extra "
        f"incident and rework hours by the developers in scope, so the incidents of {_people(basis)} {moved} "
        f"{fmt.number(n)}: {fmt.hours(found.incident_hours, digits=2)} per developer-week instead of "
        f"{fmt.hours(found.scaled_incident_hours, digits=2)}"
        + (f", and the quality-adjusted gain is {gain} instead of {scaled_gain}" if gain != scaled_gain else "")
        + f". {applies}, scale the deployments to {_people(n)} {where} (× {fmt.number(n)}/{fmt.number(basis)}: "
        f"{rates(*scaled)}); otherwise set “Developers in scope (n)” (ROI & risk → Team) back to "
        f"{fmt.number(basis)}."
    )
