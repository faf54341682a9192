"""Presets from published research: each loads, cites its source and encodes the published ratios."""

from __future__ import annotations

import pytest

from roi.engine import compute
from roi.models import load_scenario
from tests.conftest import SCENARIOS

# (file, tasks ratio, PRs ratio, PR size ratio, bugs ratio, words its notes must cite)
PUBLISHED = [
    ("faros_paradox_2025.json", 1.21, 1.98, 2.54, 1.09, "Faros"),
    ("dora_2024.json", 0.985, 0.985, 1.0, 1.0, "DORA"),
    ("metr_2025.json", 1 / 1.19, 1 / 1.19, 1.0, 1.0, "METR"),  # 19% more time per task
    ("github_peng_2023.json", 1 / (1 - 0.558), 1 / (1 - 0.558), 1.0, 1.0, "Peng"),  # 55.8% less time per task
    ("cui_field_rcts.json", 1.261, 1.261, 1.0, 1.0, "Cui"),
    ("uplevel_2024.json", 1.0, 1.0, 1.0, 1.41, "Uplevel"),
]


@pytest.mark.parametrize(("name", "tasks", "prs", "size", "bugs", "source"), PUBLISHED)
def test_preset_encodes_the_published_finding(name, tasks, prs, size, bugs, source):
    s = load_scenario(SCENARIOS / name)
    assert source in (s.notes or "")
    assert s.post.tasks_per_dev_week / s.baseline.tasks_per_dev_week == pytest.approx(tasks)
    assert s.post.prs_per_dev_week / s.baseline.prs_per_dev_week == pytest.approx(prs)
    assert s.post.pr_size_loc / s.baseline.pr_size_loc == pytest.approx(size)
    assert s.post.bugs_per_dev_week / s.baseline.bugs_per_dev_week == pytest.approx(bugs)


def test_dora_preset_raises_change_failure_rate_by_7_2_percent():
    s = load_scenario(SCENARIOS / "dora_2024.json")
    assert s.post.change_failure_rate / s.baseline.change_failure_rate == pytest.approx(1.072)
    # Worse stability costs incident hours: ΔI = (9.85·0.1608·8 − 10·0.15·8)·2 / 50 = 0.5348 − … h.
    expected = (9.85 * 0.1608 * 8 - 10 * 0.15 * 8) * 2 / 50
    assert compute(s).productivity.incident_hours == pytest.approx(expected)


def test_metr_preset_loses_money():
    results = compute(load_scenario(SCENARIOS / "metr_2025.json"))
    assert results.productivity.qapi < 1 and results.finance.npv < 0
