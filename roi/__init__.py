"""ROI engine for AI coding assistants: pure functions and pydantic models, no UI.

The one entry point is :func:`roi.compute`; the scenario file is :class:`roi.Scenario`.
"""

from roi.arrow_memory import prefer_jemalloc

prefer_jemalloc()  # before any Arrow table exists (Arrow reads the choice once)

from roi.engine import compute  # noqa: E402
from roi.errors import RoiError  # noqa: E402
from roi.models import Results, Scenario, load_scenario, parse_scenario, save_scenario, scenario_to_json  # noqa: E402

__all__ = [
    "compute",
    "RoiError",
    "Results",
    "Scenario",
    "load_scenario",
    "parse_scenario",
    "save_scenario",
    "scenario_to_json",
]
