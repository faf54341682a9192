"""Hypothesis fuzzing of the scenario loader, the engine and every export reader.

The contract: whatever bytes a user hands over, the only exceptions that come out are the
project's own (:class:`roi.errors.RoiError` subclasses, with a message), and a scenario that
loads computes to results without NaN or infinity.  Example counts are bounded (the
``default`` profile in conftest) so this runs inside ``make test``; set
``HYPOTHESIS_PROFILE=thorough`` for a longer hunt.
"""

from __future__ import annotations

import copy
import json
import math
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from roi.engine import compute
from roi.errors import RoiError
from roi.models import parse_scenario, scenario_from_dict
from tests.conftest import SCENARIOS

WORKED = json.loads((SCENARIOS / "worked_example.json").read_text())

_leaves = (
    st.none() | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0, -1, 1e308, -1e308, 1e-308, 2**63, 10**13, 0.5, 1.0, 100, 1e12])
    | st.text(max_size=20)
)
json_values = st.recursive(
    _leaves,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out += _paths(value, prefix + (index,))
    return out


PATHS = [p for p in _paths(WORKED) if p]


def _set(data: Any, path: tuple, value: Any, delete: bool = False) -> Any:
    data = copy.deepcopy(data)
    node = data
    for part in path[:-1]:
        node = node[part]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        data = data[part]
    return data


def _add_key(path: tuple, key: str, value: Any) -> Any:
    data = copy.deepcopy(WORKED)
    _get(data, path)[key] = value
    return data


DICT_PATHS = [()] + [p for p in PATHS if isinstance(_get(WORKED, p), dict)]

mutations = st.one_of(
    st.tuples(st.sampled_from(PATHS), json_values).map(lambda pv: _set(WORKED, pv[0], pv[1])),
    st.sampled_from(PATHS).map(lambda p: _set(WORKED, p, None, delete=True)),
    st.tuples(st.sampled_from(DICT_PATHS), st.text(min_size=1, max_size=10), json_values)
    .map(lambda pkv: _add_key(*pkv)),
)


def _finite_everywhere(value: Any, path: str = "results") -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _finite_everywhere(item, f"{path}.{key}")
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            _finite_everywhere(item, f"{path}.{index}")
    elif isinstance(value, float):
        assert math.isfinite(value), f"{path} = {value}"


def _load_and_compute(text: str | bytes) -> None:
    try:
        scenario = parse_scenario(text, source="fuzz.json")
    except RoiError as error:
        assert error.file == "fuzz.json" and error.describe()
        return
    try:
        results = compute(scenario)
    except RoiError:
        return
    _finite_everywhere(results.model_dump())
    json.loads(results.model_dump_json())  # plain JSON numbers: no NaN/Infinity literals


@given(st.binary(max_size=400))
@example(b"")
@example(b"\xff\xfe{\x00}\x00")
@example(b"[" * 5000)
@example(b'{"schema_version": 99}')
@example(b'{"schema_version": true}')
def test_random_bytes(data):
    _load_and_compute(data)


@given(json_values)
def test_random_json_documents(value):
    _load_and_compute(json.dumps(value))


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(mutations)
def test_mutated_worked_example(data):
    _load_and_compute(json.dumps(data))


@given(mutations)
def test_scenario_from_dict_takes_python_values_too(data):
    # The app validates dicts it built from widgets: the same contract without a JSON round trip.
    try:
        scenario_from_dict(data, source="form")
    except RoiError:
        pass


@given(st.text(max_size=300))
def test_truncated_and_edited_text(cut):
    text = json.dumps(WORKED)
    _load_and_compute(text[: len(cut) * 7 % len(text)] + cut)


NUMBER_PATHS = [p for p in PATHS if isinstance(_get(WORKED, p), (int, float)) and not isinstance(_get(WORKED, p), bool)]
_extremes = st.sampled_from([0, 1e-9, 1e-6, 0.001, 0.999, 1, 2, 52, 100, 168, 1e6, 1e9, 1e12, -1e-9])


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(NUMBER_PATHS), _extremes, min_size=1, max_size=8))
def test_extreme_values_never_give_nan_or_infinity(changes):
    # Several numbers pushed to the edges at once: queues at ρ → 1, zero denominators, huge teams.
    data = WORKED
    for path, value in changes.items():
        data = _set(data, path, int(value) if isinstance(_get(WORKED, path), int) and value == int(value) else value)
    _load_and_compute(json.dumps(data))


RANGE_KEYS = sorted(
    {".".join(map(str, p)) for p in NUMBER_PATHS if p[0] not in ("uncertainty", "schema_version")}
    | {"productivity_uplift", "pr_size_growth", "pr_count_growth"}
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(RANGE_KEYS), st.lists(_extremes | st.floats(-2, 2), min_size=3, max_size=3)
                       .map(sorted), min_size=1, max_size=5))
def test_extreme_uncertainty_ranges(ranges):
    data = copy.deepcopy(WORKED)
    data["uncertainty"]["ranges"].update(ranges)
    data["uncertainty"]["draws"] = 200
    _load_and_compute(json.dumps(data))
