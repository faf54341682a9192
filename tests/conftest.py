"""Shared fixtures and hypothesis profiles."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "sample_data" / "scenarios"

# Bounded example counts keep `make test` predictable; HYPOTHESIS_PROFILE=thorough for more.
settings.register_profile("default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def worked_example():
    """The METHODS §5 worked example (Faros-style shock, 50 developers)."""
    from roi.models import load_scenario

    return load_scenario(SCENARIOS / "worked_example.json")


# --- The Streamlit app (AppTest) ---------------------------------------------------------------

APP_TIMEOUT = 180
"""Seconds one AppTest run may take: the first run on the demo organisation reads and measures its
exports (a few seconds, then cached for the whole test session)."""


@pytest.fixture
def open_app():
    """Open ``app.py`` in AppTest, optionally on a given scenario and page; fails on any exception.

    ``open_app(page="pages/review.py", scenario=worked_example)`` → the AppTest after the first run.
    """
    from streamlit.testing.v1 import AppTest

    def _open(page: str | None = None, scenario=None):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
        if scenario is not None:
            at.session_state["scenario"] = scenario
        at.run()
        if page is not None:
            at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return _open


def metric_value(at, label: str) -> str:
    """The value shown by the metric tile with this label (fails if there is none)."""
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric labelled {label!r}; have {[m.label for m in at.metric]}"
    return found[0].value


def metric_delta(at, label: str) -> str:
    return next(m for m in at.metric if m.label == label).delta
