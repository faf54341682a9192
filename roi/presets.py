"""Presets from published research: the post-adoption change a study found, applied to your baseline.

Each preset gives relative changes per adopting developer (fractions): tasks (g), merged PRs,
PR size and bugs per developer.  Applying one keeps the scenario's baseline and every other
assumption, sets ``post = baseline × (1 + change)``, and moves the uncertainty range of each
changed input so that its likely value is the study's (keeping the range's width), so the
Monte Carlo and tornado follow.  Speed findings are converted to output: a task done x% faster
(time × (1 − x)) gives 1/(1 − x) − 1 more output; x% slower gives 1/(1 + x) − 1.
Sources: METHODS.md §8.
"""

from __future__ import annotations

from dataclasses import dataclass

from roi.models import Scenario
from roi.whatif import with_values


@dataclass(frozen=True)
class Preset:
    """A published finding as relative changes per adopting developer [fractions]."""

    key: str
    label: str
    source: str
    tasks_change: float
    prs_change: float
    pr_size_change: float
    bugs_change: float
    note: str


def _faster(share: float) -> float:
    """Output change of doing a task ``share`` faster: time × (1 − share) → output × 1/(1 − share)."""
    return 1.0 / (1.0 - share) - 1.0


def _slower(share: float) -> float:
    """Output change of taking ``share`` longer: time × (1 + share) → output × 1/(1 + share)."""
    return 1.0 / (1.0 + share) - 1.0


PRESETS: tuple[Preset, ...] = (
    Preset(
        key="faros-2025", label="Faros AI Productivity Paradox (2025)",
        source="Faros AI, The AI Productivity Paradox, 2025 (10,000+ developers)",
        tasks_change=0.21, prs_change=0.98, pr_size_change=1.54, bugs_change=0.09,
        note="Tasks +21%, PRs merged +98%, PR size +154%, bugs per developer +9%; review time +91% and no "
        "company-level DORA change.",
    ),
    Preset(
        key="cui-rct", label="Field experiments at three companies (Cui et al.)",
        source="Cui, Demirer, Jaffe, Musolff, Peng, Salz: field RCTs with 4,867 developers",
        tasks_change=0.261, prs_change=0.261, pr_size_change=0.0, bugs_change=0.0,
        note="+26.1% completed tasks. PR count assumed to grow with tasks and PR size unchanged (not reported).",
    ),
    Preset(
        key="google-rct-2024", label="Google internal RCT (2024)",
        source="Google randomised controlled trial, 2024 (~21% faster on an enterprise task)",
        tasks_change=_faster(0.21), prs_change=_faster(0.21), pr_size_change=0.0, bugs_change=0.0,
        note="~21% less time per task = +26.6% output. PR count assumed to follow tasks, size unchanged.",
    ),
    Preset(
        key="peng-2023", label="GitHub Copilot lab study (Peng et al., 2023)",
        source="Peng, Kalliamvakou, Cihon, Demirer 2023, arXiv:2302.06590",
        tasks_change=_faster(0.558), prs_change=_faster(0.558), pr_size_change=0.0, bugs_change=0.0,
        note="55.8% less time on one greenfield task (an HTTP server in JavaScript) = 2.26× output: an "
        "upper bound, not a team forecast.",
    ),
    Preset(
        key="dora-2024", label="DORA State of DevOps (2024)",
        source="DORA Accelerate State of DevOps Report 2024",
        tasks_change=-0.015, prs_change=-0.015, pr_size_change=0.0, bugs_change=0.072,
        note="Per +25% AI adoption: delivery throughput −1.5%, stability −7.2% (read here as +7.2% bugs per "
        "developer).",
    ),
    Preset(
        key="uplevel-2024", label="Uplevel Data Labs (2024)",
        source="Uplevel, Can GenAI actually improve developer productivity?, 2024",
        tasks_change=0.0, prs_change=0.0, pr_size_change=0.0, bugs_change=0.41,
        note="No change in cycle time or throughput; bug rate +41%.",
    ),
    Preset(
        key="metr-2025", label="METR randomised trial, experienced OSS developers (2025)",
        source="METR 2025, Measuring the impact of early-2025 AI on experienced open-source developer productivity",
        tasks_change=_slower(0.19), prs_change=_slower(0.19), pr_size_change=0.0, bugs_change=0.0,
        note="19% slower (while believing they were 20% faster) = −16.0% output.",
    ),
)

PRESETS_BY_KEY = {preset.key: preset for preset in PRESETS}

# The uncertainty ranges a preset re-centres, by the change they describe.
_RANGE_KEYS = {"productivity_uplift": "tasks_change", "pr_count_growth": "prs_change", "pr_size_growth": "pr_size_change"}


def apply_preset(scenario: Scenario, preset: Preset) -> Scenario:
    """The scenario with its post period set from ``preset`` applied to its baseline (see module doc)."""
    base = scenario.baseline
    changes: dict[str, object] = {
        "post.tasks_per_dev_week": base.tasks_per_dev_week * (1.0 + preset.tasks_change),
        "post.prs_per_dev_week": base.prs_per_dev_week * (1.0 + preset.prs_change),
        "post.pr_size_loc": base.pr_size_loc * (1.0 + preset.pr_size_change),
        "post.bugs_per_dev_week": base.bugs_per_dev_week * (1.0 + preset.bugs_change),
    }
    if scenario.uncertainty is not None:
        for key, attribute in _RANGE_KEYS.items():
            if key in scenario.uncertainty.ranges:
                low, likely, high = scenario.uncertainty.ranges[key]
                shift = getattr(preset, attribute) - likely
                changes[f"uncertainty.ranges.{key}"] = [low + shift, likely + shift, high + shift]
    return with_values(scenario, changes)
