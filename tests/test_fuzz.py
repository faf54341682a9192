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
import os
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from roi.engine import compute
from roi.errors import RoiError
from roi.models import parse_scenario, scenario_from_dict
from tests.conftest import SCENARIOS

WORKED = json.loads((SCENARIOS / "worked_example.json").read_text())

_leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0, -1, 1e308, -1e308, 1e-308, 2**63, 10**13, 0.5, 1.0, 100, 1e12])
    | st.text(max_size=20)
)
json_values = st.recursive(
    _leaves,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
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
    st.tuples(st.sampled_from(DICT_PATHS), st.text(min_size=1, max_size=10), json_values).map(
        lambda pkv: _add_key(*pkv)
    ),
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


NUMBER_PATHS = [
    p for p in PATHS if isinstance(_get(WORKED, p), (int, float)) and not isinstance(_get(WORKED, p), bool)
]
_extremes = st.sampled_from([0, 1e-9, 1e-6, 0.001, 0.999, 1, 2, 52, 100, 168, 1e6, 1e9, 1e12, -1e-9])


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(NUMBER_PATHS), _extremes, min_size=1, max_size=8))
def test_extreme_values_never_give_nan_or_infinity(changes):
    # Several numbers pushed to the edges at once: queues at ρ → 1, zero denominators, huge teams.
    data = WORKED
    for path, value in changes.items():
        data = _set(
            data, path, int(value) if isinstance(_get(WORKED, path), int) and value == int(value) else value
        )
    _load_and_compute(json.dumps(data))


RANGE_KEYS = sorted(
    {".".join(map(str, p)) for p in NUMBER_PATHS if p[0] not in ("uncertainty", "schema_version")}
    | {"productivity_uplift", "pr_size_growth", "pr_count_growth"}
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(
        st.sampled_from(RANGE_KEYS),
        st.lists(_extremes | st.floats(-2, 2), min_size=3, max_size=3).map(sorted),
        min_size=1,
        max_size=5,
    )
)
def test_extreme_uncertainty_ranges(ranges):
    data = copy.deepcopy(WORKED)
    data["uncertainty"]["ranges"].update(ranges)
    data["uncertainty"]["draws"] = 200
    _load_and_compute(json.dumps(data))


# --- readers -----------------------------------------------------------------------------------
# Every format the readers know, seeded with a valid file of that format (the ingest fixtures,
# plus three small seeds for formats without one), then truncated, bit-flipped, stripped of a
# column or given a field of the wrong type.  Both the entry point (detection + safety checks +
# reader) and the format's reader called directly must raise nothing but RoiError.

from pathlib import Path  # noqa: E402

from roi.ingest import read_file  # noqa: E402
from roi.ingest.detect import FORMATS  # noqa: E402
from roi.ingest.template import template_xlsx  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"
READER_EXAMPLES = int(os.environ.get("ROI_FUZZ_EXAMPLES", "25"))
"""Examples per seed file in ``make test``; ROI_FUZZ_EXAMPLES=2000 for a long hunt."""
_EXTRA_SEEDS = {
    "copilot_org_report": (
        "org_report.json",
        json.dumps(
            {
                "report_start_day": "2025-03-01",
                "report_end_day": "2025-03-02",
                "organization_id": "1",
                "day_totals": [
                    {
                        "day": "2025-03-01",
                        "daily_active_users": 5,
                        "code_generation_activity_count": 40,
                        "code_acceptance_activity_count": 12,
                        "loc_suggested_to_add_sum": 300,
                        "loc_added_sum": 90,
                    },
                    {"day": "2025-03-02", "daily_active_users": 6},
                ],
            }
        ).encode(),
    ),
    "devlake_cicd_deployments": (
        "deployments.csv",
        b"id,cicd_scope_id,name,result,status,environment,finished_date\n"
        b"d:1,s,deploy,SUCCESS,DONE,PRODUCTION,2025-03-01T10:00:00.000+00:00\n"
        b"d:2,s,deploy,FAILURE,DONE,PRODUCTION,2025-03-02T10:00:00.000+00:00\n",
    ),
    "devlake_incidents": (
        "incidents.csv",
        b"id,incident_key,title,created_date,resolution_date\n"
        b"i:1,INC-1,down,2025-03-01T10:00:00.000+00:00,2025-03-01T12:00:00.000+00:00\n"
        b"i:2,INC-2,slow,2025-03-03T10:00:00.000+00:00,\n",
    ),
    "estimates_template_xlsx": ("estimates.xlsx", template_xlsx()),
}


def _seeds() -> list[tuple[str, str, bytes]]:
    """(format id, file name, valid content) for every format."""
    seeds, seen = [], set()
    for path in sorted(FIXTURES.iterdir()):
        try:
            _, report = read_file(path.name, path.read_bytes())
        except RoiError:
            continue
        seeds.append((report.format, path.name, path.read_bytes()))
        seen.add(report.format)
    for format_id, (name, data) in _EXTRA_SEEDS.items():
        seeds.append((format_id.removesuffix("_xlsx"), name, data))
        seen.add(format_id.removesuffix("_xlsx"))
    return seeds


SEEDS = _seeds()


def test_every_format_has_a_fuzz_seed():
    assert {f for f, _, _ in SEEDS} >= set(FORMATS) - {"copilot_report_links"}  # that one only refuses


def _json_mutation(data: bytes, draw) -> bytes:
    """A record of the JSON document with one field deleted or given a value of another type."""
    text = data.decode("utf-8-sig")
    try:
        document = json.loads(text)
        lines = None
    except json.JSONDecodeError:  # NDJSON
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        document = lines
    records = _dicts(document)
    if not records:
        return data
    record = draw(st.sampled_from(records))
    if not record:
        return data
    key = draw(st.sampled_from(sorted(record, key=str)))
    if draw(st.booleans()):
        del record[key]
    else:
        record[key] = draw(json_values)
    if lines is not None:
        return "\n".join(json.dumps(line) for line in lines).encode()
    return json.dumps(document).encode()


def _dicts(node: Any) -> list[dict]:
    found = []
    if isinstance(node, dict):
        found.append(node)
        for value in node.values():
            found += _dicts(value)
    elif isinstance(node, list):
        for value in node:
            found += _dicts(value)
    return found


def _csv_column_dropped(data: bytes, draw) -> bytes:
    text = data.decode("utf-8-sig", errors="replace")
    lines = text.splitlines()
    if not lines:
        return data
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    column = draw(st.integers(0, max(0, lines[0].count(delimiter))))
    out = []
    for line in lines:
        cells = line.split(delimiter)
        out.append(delimiter.join(cells[:column] + cells[column + 1 :]))
    return "\n".join(out).encode()


@st.composite
def mutated(draw, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "flip", "splice", "structure"]))
    if kind == "truncate":
        return data[: draw(st.integers(0, len(data)))]
    if kind == "flip":
        out = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            position = draw(st.integers(0, len(out) - 1))
            out[position] = draw(st.integers(0, 255))
        return bytes(out)
    if kind == "splice":
        position = draw(st.integers(0, len(data)))
        return (
            data[:position]
            + draw(
                st.binary(max_size=40)
                | st.sampled_from(
                    [
                        b'"',
                        b",",
                        b";",
                        b"\n",
                        b"\x00",
                        b"null",
                        b"[]",
                        b"{}",
                        b"-1",
                        b"1e999",
                        b"NaN",
                        b"\xff\xfe",
                    ]
                )
            )
            + data[position:]
        )
    if data[:2] == b"PK":
        return data
    stripped = data.lstrip(b"\xef\xbb\xbf").lstrip()
    if stripped[:1] in (b"[", b"{"):
        return _json_mutation(data, draw)
    return _csv_column_dropped(data, draw)


MAPPED_SEED = (FIXTURES / "swarmia_like_prs.csv").read_bytes()
MAPPING = {
    "table": "pull_requests",
    "number": "PR",
    "author": "Author",
    "created_at": "Opened",
    "merged_at": "Merged",
    "size": "Lines changed",
    "first_review_at": "First review",
}


def _only_roi_errors(name: str, data: bytes, mapping: dict | None = None) -> None:
    # The entry point the CLI and the app use: safety checks, detection, then the format's reader.
    try:
        tables, _ = read_file(name, data, timezone="Europe/Berlin", mapping=mapping)
    except RoiError as error:
        assert error.describe()
        return
    # What was read is plausible: no date outside 2000-2200 (Arrow once wrapped year 0025 to 1778),
    # no infinite number.
    for table, frame in tables.items():
        for column in frame.columns:
            values = frame[column]
            if isinstance(values.dtype, pd.DatetimeTZDtype):
                present = values.dropna()
                assert present.empty or (present.min().year >= 2000 and present.max().year < 2200), (
                    table,
                    column,
                )
            elif pd.api.types.is_float_dtype(values.dtype):
                assert not np.isinf(values.to_numpy()).any(), (table, column)


@pytest.mark.parametrize("format_id, name, seed", SEEDS, ids=[f"{f}:{n}" for f, n, _ in SEEDS])
@settings(
    max_examples=READER_EXAMPLES, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(data=st.data())
def test_mutated_exports_raise_only_roi_errors(format_id, name, seed, data):
    _only_roi_errors(name, data.draw(mutated(seed)))


@settings(
    max_examples=READER_EXAMPLES, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(data=st.data())
def test_mutated_column_mapped_csv_raises_only_roi_errors(data):
    _only_roi_errors("prs.csv", data.draw(mutated(MAPPED_SEED)), MAPPING)


@settings(max_examples=40)
@given(
    st.dictionaries(
        st.sampled_from(sorted(MAPPING) + ["repo", "labels", "is_bot", "deploy_id"]),
        st.sampled_from(["PR", "Author", "Opened", "Merged", "Lines changed", "nope", "", "table"])
        | st.sampled_from(["pull_requests", "reviews", "deployments", "incidents", "work_items"]),
        max_size=8,
    )
)
def test_random_column_mappings_raise_only_roi_errors(mapping):
    _only_roi_errors("prs.csv", MAPPED_SEED, mapping)


@given(st.binary(max_size=600), st.sampled_from(["f.json", "f.csv", "f.xlsx", "f.json.gz", "f.ndjson"]))
@example(b"\x1f\x8b\x08\x00", "f.json.gz")
@example(b"PK\x03\x04", "f.xlsx")
@example(b"\xef\xbb\xbf", "f.csv")
@example(b"[" * 5000, "f.json")
@example(b'"' * 200_000, "f.csv")
def test_random_bytes_raise_only_roi_errors(data, name):
    try:
        read_file(name, data)
    except RoiError:
        pass
