"""roi.presets: published findings applied to the scenario's own baseline."""

from __future__ import annotations

import pytest

from roi.engine import compute
from roi.presets import PRESETS, PRESETS_BY_KEY, apply_preset


def test_faros_reproduces_the_worked_example(worked_example):
    # The worked example *is* the Faros ratios on a 50-developer team (METHODS §5).
    applied = apply_preset(worked_example, PRESETS_BY_KEY["faros-2025"])
    assert applied.post.tasks_per_dev_week == pytest.approx(4.84)
    assert applied.post.prs_per_dev_week == pytest.approx(5.94)
    assert applied.post.pr_size_loc == pytest.approx(381)
    assert applied.post.bugs_per_dev_week == pytest.approx(0.545)
    assert applied.uncertainty.ranges["productivity_uplift"] == pytest.approx((-0.10, 0.21, 0.45))
    assert compute(applied).productivity.net_hours == pytest.approx(0.85215, abs=1e-5)


@pytest.mark.parametrize(
    ("key", "tasks_change"),
    [
        ("metr-2025", 1 / 1.19 - 1),  # 19% slower → −16.0% output
        ("google-rct-2024", 1 / 0.79 - 1),  # 21% faster → +26.6%
        ("peng-2023", 1 / 0.442 - 1),  # 55.8% faster → 2.26×
        ("cui-rct", 0.261),
    ],
)
def test_speed_findings_become_output(worked_example, key, tasks_change):
    applied = apply_preset(worked_example, PRESETS_BY_KEY[key])
    assert applied.post.tasks_per_dev_week == pytest.approx(4.0 * (1 + tasks_change))
    assert applied.post.pr_size_loc == pytest.approx(150)  # size not reported: unchanged
    assert compute(applied).productivity.output_change == pytest.approx(tasks_change)


def test_ranges_are_recentred_keeping_their_width(worked_example):
    applied = apply_preset(worked_example, PRESETS_BY_KEY["cui-rct"])
    assert applied.uncertainty.ranges["productivity_uplift"] == pytest.approx((-0.049, 0.261, 0.501))
    assert applied.uncertainty.ranges["pr_size_growth"] == pytest.approx((-1.29, 0.0, 0.46))
    # Inputs the preset does not describe keep their ranges.
    assert applied.uncertainty.ranges["review.loc_per_hour"] == (250, 400, 800)


def test_uplevel_raises_bugs_only(worked_example):
    applied = apply_preset(worked_example, PRESETS_BY_KEY["uplevel-2024"])
    assert applied.post.bugs_per_dev_week == pytest.approx(0.5 * 1.41)
    assert applied.post.tasks_per_dev_week == pytest.approx(4.0)


def test_every_preset_applies_to_the_worked_example(worked_example):
    keys = [preset.key for preset in PRESETS]
    assert len(keys) == len(set(keys))
    for preset in PRESETS:
        assert compute(apply_preset(worked_example, preset)).finance.pv_costs > 0
