"""ROI engine for AI coding assistants: pure functions and pydantic models, no UI.

The one entry point is :func:`roi.compute`; the scenario file is :class:`roi.Scenario`.
"""

from roi.engine import compute
from roi.errors import RoiError
from roi.models import Results, Scenario, load_scenario, parse_scenario, save_scenario, scenario_to_json

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
