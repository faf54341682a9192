"""Adversarial inputs found by fuzzing the command line, each pinned as a plain worked case.

Every case here once broke the contract (a traceback, a silently wrong number, a file that
could not be read back, a misleading message); the test says what the input is and what the
user must see instead.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from roi.cli import main
from roi.errors import ScenarioError
from roi.models import parse_scenario
from tests.conftest import ROOT, SCENARIOS

WORKED = json.loads((SCENARIOS / "worked_example.json").read_text())


def _edited(section: str | None, key: str, value) -> str:
    data = copy.deepcopy(WORKED)
    (data[section] if section else data)[key] = value
    return json.dumps(data)


def _one_error_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert "Traceback" not in err[0]
    return err[0]


# --- numbers written as text or true/false ------------------------------------------------------


@pytest.mark.parametrize(
    "section, key, value",
    [
        ("team", "loaded_cost_per_hour", "1e308"),  # was read past the 1e12 check: NPV overflowed, traceback
        ("costs", "one_off_cost", "1e308"),
        ("team", "loaded_cost_per_hour", "1e13"),  # was accepted although the number 1e13 is refused
        ("team", "loaded_cost_per_hour", True),  # was read as 1.0 currency/h
        ("team", "developers", True),  # was read as 1 developer
        ("team", "developers", "50"),
        ("finance", "horizon_years", "3"),  # named adoption_by_year instead of the horizon
        ("finance", "adoption_by_year", [True, 0.9, 0.9]),  # was read as 100% adoption
    ],
)
def test_text_and_true_false_are_not_numbers(section, key, value):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(_edited(section, key, value), source="s.json")
    error = info.value
    assert error.field.startswith(f"{section}.{key}")
    assert "must be a number" in error.message


def test_a_quoted_huge_number_exits_2_on_the_command_line(tmp_path, capsys):
    path = tmp_path / "s.json"
    path.write_text(_edited("team", "loaded_cost_per_hour", "1e308"))
    assert main(["compute", str(path)]) == 2
    line = _one_error_line(capsys)
    assert "team.loaded_cost_per_hour" in line and "without quotes" in line


# --- the JSON text itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, key",
    [
        # A hand edit adding "developers" again at the end of "team": the last one was silently used.
        (json.dumps(WORKED).replace('"developers": 50', '"developers": 50, "developers": 80'), "developers"),
        (json.dumps(WORKED)[:-1] + ', "name": "copy"}', "name"),
    ],
)
def test_a_key_given_twice_is_refused(text, key):
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, source="s.json")
    assert info.value.file == "s.json"
    assert f"the key '{key}' is given twice" in info.value.message


def test_a_whole_number_of_thousands_of_digits_gets_a_message_a_user_can_act_on():
    # Python refused it with "use sys.set_int_max_str_digits() to increase the limit".
    text = json.dumps(WORKED).replace('"developers": 50', '"developers": ' + "9" * 5000)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(text, source="s.json")
    assert "5000 digits" in info.value.message and "give a smaller value" in info.value.message
    assert "sys." not in info.value.message


def test_a_horizon_written_as_3_point_0_gets_the_default_adoption():
    # It was accepted as 3 years but left adoption_by_year empty: "adoption_by_year has 0 values".
    data = copy.deepcopy(WORKED)
    data["finance"] = {"horizon_years": 4.0}
    assert parse_scenario(json.dumps(data)).finance.adoption_by_year == [0.7, 0.9, 0.9, 0.9]


# --- where the output goes --------------------------------------------------------------------


ESTIMATES = ROOT / "tests" / "fixtures" / "ingest" / "estimates.csv"


@pytest.mark.parametrize("out", ["missing-folder/new.json", "a-folder.json"])
def test_scenario_out_that_cannot_be_written_is_one_error_line(tmp_path, capsys, out):
    # Both were a traceback (save_scenario let OSError through), and a folder left 'a-folder.json.tmp'.
    (tmp_path / "a-folder.json").mkdir()
    code = main(["scenario", str(ESTIMATES), "--adoption-date", "2025-03-01",
                 "--base", str(SCENARIOS / "worked_example.json"), "--out", str(tmp_path / out)])
    assert code == 2
    line = _one_error_line(capsys)
    assert str(tmp_path / out) in line and "cannot" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder.json"]
    assert list((tmp_path / "a-folder.json").iterdir()) == []


# --- the scenario command must write only what loads again ---------------------------------------


@pytest.mark.parametrize(
    "rows, field",
    [
        # A baseline of 1e-12 tasks (below the field's 1e-9): a pydantic traceback.
        ("tasks_per_dev_week,1e-12,5,,\npr_size_loc,150,300,,", "baseline.tasks_per_dev_week"),
        # A post PR size of 1e13 LOC was written to the file, which 'compute' then refused (over 1e12).
        ("tasks_per_dev_week,4,5,,\npr_size_loc,150,1e13,,", "post.pr_size_loc"),
        # Growth 1e18 (1e-9 → 1e9 tasks): its range was written, then refused on loading (over 1e12).
        (
            "tasks_per_dev_week,1e-9,1e9,1e8,1e10\npr_size_loc,150,300,,",
            "uncertainty.ranges.productivity_uplift.0",
        ),
    ],
)
def test_scenario_from_estimates_outside_a_fields_range_writes_nothing(tmp_path, capsys, rows, field):
    estimates = tmp_path / "estimates.csv"
    estimates.write_text(f"metric,baseline,post,low,high\nprs_per_dev_week,3,5,,\n{rows}\n")
    out = tmp_path / "new.json"
    code = main(["scenario", str(estimates), "--adoption-date", "2025-03-01",
                 "--base", str(SCENARIOS / "worked_example.json"), "--out", str(out)])
    assert code == 2
    line = _one_error_line(capsys)
    assert str(estimates) in line and f"field '{field}'" in line and "estimates template" in line
    assert not out.exists()


# --- uncertainty ranges -----------------------------------------------------------------------


@pytest.mark.parametrize("key", ["productivity_uplift", "pr_count_growth", "pr_size_growth"])
def test_a_growth_range_below_minus_100_percent_is_refused(key):
    # [-5, 0.2, 0.3] for pr_size_growth drew negative PR sizes and gave a tornado row from them.
    data = copy.deepcopy(WORKED)
    data["uncertainty"]["ranges"][key] = [-5, 0.2, 0.3]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(data))
    assert f"'{key}' starts at -5" in info.value.message and "-1 or more" in info.value.message
    data["uncertainty"]["ranges"][key] = [-1, 0.2, 0.3]  # -100% is still a possible outcome
    parse_scenario(json.dumps(data))


@pytest.mark.parametrize(
    "key, values",
    [
        ("finance.horizon_years", [1, 2, 3]),  # a tornado row with swing 0: the horizon never varied
        ("uncertainty.draws", [100, 200, 300]),
        ("uncertainty.seed", [1, 2, 3]),
        ("schema_version", [1, 1, 1]),
    ],
)
def test_a_range_over_a_setting_is_refused(key, values):
    data = copy.deepcopy(WORKED)
    data["uncertainty"]["ranges"][key] = values
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(data))
    assert f"'{key}' names a setting, not an input of the model" in info.value.message


# --- workshop files ---------------------------------------------------------------------------


def test_an_empty_zip_is_named_as_a_zip_without_scenarios(tmp_path, capsys):
    import zipfile

    empty = tmp_path / "workshop.zip"
    with zipfile.ZipFile(empty, "w"):
        pass
    assert main(["compare", str(empty)]) == 2
    line = _one_error_line(capsys)  # was "not valid JSON at line 1, column 1"
    assert line == f"error: {empty}: holds no scenario files (.json); choose a workshop file saved by the app"


def _scenario_from_estimates(tmp_path, row: str):
    """``python -m roi scenario`` on an estimates CSV of ``row`` plus PR rows, over the worked example;
    it must refuse (exit 2).  Returns (estimates path, --out path)."""
    estimates = tmp_path / "estimates.csv"
    estimates.write_text(f"metric,baseline,post,low,high\n{row}\nprs_per_dev_week,3,5,,\n"
                         "pr_size_loc,150,300,,\n")
    out = tmp_path / "new.json"
    code = main(["scenario", str(estimates), "--adoption-date", "2025-03-01",
                 "--base", str(SCENARIOS / "worked_example.json"), "--out", str(out)])
    assert code == 2
    return estimates, out


def test_a_zero_in_the_estimates_is_named_as_zero_not_as_unmeasurable(tmp_path, capsys):
    # It was "tasks_per_dev_week cannot be measured from these exports ... fill in the estimates
    # template", about a template that was filled in.
    estimates, out = _scenario_from_estimates(tmp_path, "tasks_per_dev_week,0,5,,")
    line = _one_error_line(capsys)
    assert line.startswith(f"error: {estimates}, field 'baseline.tasks_per_dev_week': ")
    assert "baseline.tasks_per_dev_week is 0" in line and "cannot be measured" not in line
    assert not out.exists()


# --- command-line options ---------------------------------------------------------------------


@pytest.mark.parametrize("weeks", ["-1", "105", "99999999999999999999999"])
def test_ramp_weeks_out_of_range_names_the_option(capsys, weeks):
    # It named "field 'ramp_weeks'" only after every export had been read.
    with pytest.raises(SystemExit) as info:
        main(["metrics", str(ESTIMATES), "--adoption-date", "2025-03-01", "--ramp-weeks", weeks])
    assert info.value.code == 2
    line = _one_error_line(capsys)
    assert line.startswith(f"error: argument --ramp-weeks: '{weeks}' is not a whole number of weeks from 0")


@pytest.mark.parametrize(
    "key",
    [
        "costs.tools.00.price_per_seat_month",  # accepted, then ignored: a tornado row with swing 0
        "finance.adoption_by_year.01",
        "finance.adoption_by_year.\u0661",  # Arabic-Indic digit one: the same
        "costs.tools.\u00b2.price_per_seat_month",  # superscript two: "invalid literal for int()"
    ],
)
def test_a_range_path_with_an_unusual_index_is_refused(key):
    data = copy.deepcopy(WORKED)
    data["uncertainty"]["ranges"][key] = [0, 0.5, 1]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(data))
    assert f"uncertainty range '{key}' does not name a number in the scenario" in info.value.message


def test_a_workshop_zip_given_to_compute_is_named_as_a_zip(tmp_path, capsys):
    # It said "is not UTF-8 text; save the scenario file as UTF-8 JSON" about a file the app wrote.
    from roi.models import load_scenario
    from roi.workshop import workshop_zip

    workshop = tmp_path / "acme-workshop.zip"
    workshop.write_bytes(workshop_zip([load_scenario(SCENARIOS / "worked_example.json")]))
    assert main(["compute", str(workshop)]) == 2
    line = _one_error_line(capsys)
    assert line.startswith(f"error: {workshop}: is a zip file") and "'compare'" in line


def _ods() -> bytes:
    """An OpenDocument spreadsheet's container: its first entry ``mimetype``, stored (ODF 1.2 §3.3)."""
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet",
                      compress_type=zipfile.ZIP_STORED)
        book.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def test_a_workbook_saved_as_ods_is_named_with_how_to_save_it(tmp_path, capsys):
    """LibreOffice saves .ods by default: it was called "a zip file (a workshop file or an Excel workbook)"."""
    plan = tmp_path / "plan.ods"
    plan.write_bytes(_ods())
    assert main(["compute", str(plan)]) == 2
    assert _one_error_line(capsys) == (
        f"error: {plan}: is an OpenDocument spreadsheet (.ods, LibreOffice's own format), which is not read; save it "
        "as .xlsx (File > Save As > Excel 2007-365) and give that: a workbook the app exported keeps its edits as "
        ".xlsx")


def test_a_gzipped_scenario_is_named_as_compressed():
    import gzip

    with pytest.raises(ScenarioError) as info:
        parse_scenario(gzip.compress(json.dumps(WORKED).encode()), source="s.json.gz")
    assert info.value.message == "is gzip-compressed; unpack it and give the scenario's .json"


# --- sizes that would exhaust memory or time -------------------------------------------------------


def _tools(count: int) -> list[dict]:
    return [{"name": f"tool {i}", "price_per_seat_month": 10, "usage_per_dev_month": 5} for i in range(count)]


def test_more_than_50_tools_are_refused():
    # The model loops over tools for every year and draw: 100,000 tools fit in a 5 MB file and the
    # Monte Carlo then ran for hours.
    data = copy.deepcopy(WORKED)
    data["costs"]["tools"] = _tools(51)
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(data))
    assert info.value.field == "costs.tools" and "at most 50" in info.value.message
    data["costs"]["tools"] = _tools(50)
    parse_scenario(json.dumps(data))


def test_more_than_100_ranges_are_refused():
    data = copy.deepcopy(WORKED)
    data["costs"]["tools"] = _tools(50)
    data["uncertainty"]["draws"] = 1000
    for i in range(50):
        data["uncertainty"]["ranges"][f"costs.tools.{i}.price_per_seat_month"] = [5, 10, 20]
    for i in range(47):
        data["uncertainty"]["ranges"][f"costs.tools.{i}.usage_per_dev_month"] = [0, 5, 20]
    assert len(data["uncertainty"]["ranges"]) == 104
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(data))
    assert info.value.field == "uncertainty.ranges" and "at most 100" in info.value.message


def test_draws_times_ranges_beyond_memory_are_refused():
    # 100 ranges at 1,000,000 draws held over 1 GB; the worked example's 7 ranges at 1,000,000 draws
    # (200 MB) are still fine.
    data = copy.deepcopy(WORKED)
    data["uncertainty"]["draws"] = 1_000_000
    parse_scenario(json.dumps(data))
    for key in ("team.developers", "team.working_weeks_per_year", "review.overhead_hours",
                "costs.one_off_cost", "costs.governance_fte", "finance.discount_rate",
                "costs.tools.0.price_per_seat_month", "costs.tools.0.usage_per_dev_month",
                "quality.responders_per_incident", "quality.rework_hours_per_deploy",
                "post.bugs_per_dev_week", "baseline.bugs_per_dev_week", "costs.training_hours_per_dev",
                "finance.adoption_by_year.0"):
        data["uncertainty"]["ranges"][key] = [0.1, 0.5, 0.9]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(data))
    assert info.value.field == "uncertainty"
    assert "21 ranges × 1,000,000 draws" in info.value.message and "at most 952,380" in info.value.message


def test_a_long_tracked_checklist_is_refused():
    # 200,000 entries fit in a 5 MB file; the duplicate check counted each id across the whole list
    # (quadratic: minutes of CPU before any message; 60,000 entries took half a minute).  The limit
    # is checked first; the time itself belongs to benchmarks, not to a test.
    data = copy.deepcopy(WORKED)
    data["rollout"] = {"waves": [{"name": "pilot", "start_week": 0, "seat_share": 0.1}],
                       "checklist": [{"item_id": f"item {i}"} for i in range(60_000)]}
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(data))
    assert info.value.field == "rollout.checklist" and "at most 1000" in info.value.message


@pytest.mark.parametrize(
    "row, words",
    [
        # Post left empty (or a merged cell, or a formula without a cached value): the base
        # scenario's baseline AND post were used instead, so the 1.0 typed was dropped too.
        ("tasks_per_dev_week,1.0,,,", "only one of baseline and post"),
        # High left empty: the base's productivity_uplift range was kept, not the 4.4 typed.
        ("tasks_per_dev_week,4,4.84,4.4,", "only one of low and high"),
    ],
)
def test_a_half_filled_estimates_row_is_refused_as_the_form_refuses_it(tmp_path, capsys, row, words):
    estimates, out = _scenario_from_estimates(tmp_path, row)
    line = _one_error_line(capsys)
    assert line.startswith(f"error: {estimates}, field 'tasks_per_dev_week': ") and words in line
    assert not out.exists()


def test_a_delivery_hours_range_above_the_working_week_is_refused():
    # Draws up to 60 delivery hours in a 40-hour week, which the scenario refuses as a value.
    data = copy.deepcopy(WORKED)
    data["uncertainty"]["ranges"]["team.delivery_hours_per_week"] = [10, 30, 60]
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(data))
    assert "above hours_per_week (40); lower its high end to at most 40" in info.value.message
    data["uncertainty"]["ranges"]["team.delivery_hours_per_week"] = [10, 30, 40]
    parse_scenario(json.dumps(data))


def test_editing_delivery_hours_keeps_its_range_within_the_week():
    # The what-if scales the range with the value and clips it to the field's limits; those limits
    # must include hours_per_week, or a valid edit (38 h) fails on its own range (up to 44.3 h).
    from roi.whatif import with_assumption

    data = copy.deepcopy(WORKED)
    data["uncertainty"]["ranges"]["team.delivery_hours_per_week"] = [25, 30, 35]
    edited = with_assumption(parse_scenario(json.dumps(data)), "team.delivery_hours_per_week", 38)
    assert edited.uncertainty.ranges["team.delivery_hours_per_week"] == pytest.approx((38 * 25 / 30, 38, 40))


# --- inputs that are not regular files ----------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_compute_on_an_endless_device_stops_at_the_size_limit(capsys):
    # /dev/zero has size 0 on stat, so the size check passed and read_bytes() never returned.
    assert main(["compute", "/dev/zero"]) == 2
    line = _one_error_line(capsys)
    # Not "is 5,242,881 bytes": that is only what was read before stopping, not the device's size.
    assert line.startswith("error: /dev/zero: is larger than the 5,242,880-byte limit, but a scenario "
                           "file is a few kilobytes")
    assert "5,242,881" not in line


@pytest.mark.skipif(not Path("/dev/fd").exists(), reason="needs /dev/fd")
def test_compute_still_reads_a_scenario_from_a_pipe(capsys):
    # What `python -m roi compute <(cat scenario.json)` hands over: a pipe, not a file.
    import os
    import threading

    read_end, write_end = os.pipe()
    text = (SCENARIOS / "worked_example.json").read_bytes()
    writer = threading.Thread(target=lambda: (os.write(write_end, text), os.close(write_end)))
    writer.start()
    try:
        assert main(["compute", f"/dev/fd/{read_end}"]) == 0
    finally:
        writer.join()
        os.close(read_end)
    assert json.loads(capsys.readouterr().out)["review"]["reviewers_needed"] == 37


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("command", [["compare"], ["metrics", "--adoption-date", "2025-03-01"]])
def test_an_export_path_that_is_a_device_is_not_called_missing(capsys, command):
    assert main([command[0], "/dev/zero", *command[1:]]) == 2
    line = _one_error_line(capsys)  # was "cannot be read (it does not exist)"
    assert line == ("error: /dev/zero: cannot be read (it is a device or a pipe, not a file; save it as a "
                    "file first); check the path")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["compute", "worked_example.json"], ["compare", "worked_example.json"]])
def test_output_that_cannot_be_written_is_one_error_line(args):
    # stdout on a full disk (or a closed pipe) was an OSError traceback, twice.
    import subprocess
    import sys

    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "roi", *args], stdout=full, stderr=subprocess.PIPE,
                              text=True, cwd=SCENARIOS, env={"PYTHONPATH": str(ROOT)})
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "error: standard output: cannot be written (No space left on device); check the disk or the program "
        "reading it"
    ]


def test_a_scenario_name_over_200_characters_is_a_usage_error(capsys):
    # It was a pydantic traceback (then an error blaming "the exports or the estimates template").
    with pytest.raises(SystemExit) as info:
        main(["scenario", str(ESTIMATES), "--adoption-date", "2025-03-01", "--out", "new.json",
              "--name", "x" * 300])
    assert info.value.code == 2
    line = _one_error_line(capsys)
    assert line.startswith("error: argument --name: a scenario name has 1 to 200 characters, this one 300")


def test_scenario_out_naming_one_of_the_exports_is_refused(tmp_path, capsys):
    # The export (here a GitHub PR list) was read, then replaced by the scenario.
    export = tmp_path / "pulls.json"
    original = (ROOT / "tests" / "fixtures" / "ingest" / "github_pulls_page1.json").read_bytes()
    export.write_bytes(original)
    code = main(["scenario", str(export), str(ESTIMATES), "--adoption-date", "2025-03-18",
                 "--base", str(SCENARIOS / "worked_example.json"), "--out", str(export)])
    assert code == 2
    line = _one_error_line(capsys)
    assert line.startswith(f"error: {export}: is one of the exports being read")
    assert export.read_bytes() == original
