"""``python -m roi``: results on stdout; bad input exits 2 with one ``error:`` line."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from roi.cli import main
from tests.conftest import ROOT, SCENARIOS

FIXTURES = ROOT / "tests" / "fixtures" / "ingest"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "roi", *args], capture_output=True, text=True, cwd=ROOT)


def test_compute_prints_the_worked_example_numbers():
    done = run("compute", str(SCENARIOS / "worked_example.json"))
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert results["productivity"]["net_hours"] == pytest.approx(0.85215, rel=1e-4)
    assert results["finance"]["npv"] == pytest.approx(-8499.02, rel=1e-4)
    assert results["review"]["reviewers_needed"] == 37
    assert results["review"]["post"]["wait_hours"] is None
    assert set(results) >= {"productivity", "review", "finance", "uncertainty", "checklist"}


def test_compute_prints_the_checklist_as_the_plan_and_the_team_schedule_it(tmp_path, capsys):
    """The results' checklist had the rules' owners, due weeks and "todo" while the app, the workbook and the
    scenario file said done, by Jane, in week 1 (docs audit): now the same owner, week and status as the app."""
    from roi.engine import compute
    from roi.models import load_scenario, save_scenario
    from roi.rollout import default_plan, planned_checklist
    from roi.rollout_models import ChecklistTracking

    demo = load_scenario(SCENARIOS / "demo_org.json")
    tracking = [ChecklistTracking(item_id="ai-policy", status="done", owner_role="Jane", due_week=1)]
    plan = default_plan(demo).model_copy(update={"checklist": tracking})
    tracked = tmp_path / "tracked.json"
    save_scenario(demo.model_copy(update={"rollout": plan}), tracked)
    for path, policy in ((SCENARIOS / "demo_org.json", None), (tracked, ("done", "Jane", 1))):
        assert main(["compute", str(path)]) == 0
        items = {item["id"]: item for item in json.loads(capsys.readouterr().out)["checklist"]}
        scenario = load_scenario(path)
        rules = {item.id: item for item in compute(scenario).checklist}
        assert list(items) == list(rules)  # what the numbers trigger, in the engine's order
        for item in planned_checklist(scenario, compute(scenario)):  # as the Summary and the Rollout page say
            assert (items[item.id]["owner_role"], items[item.id]["due_week"]) == (item.owner_role, item.due_week)
        ai_policy = items["ai-policy"]
        assert (ai_policy["status"], ai_policy["owner_role"], ai_policy["due_week"]) == (
            policy or ("todo", rules["ai-policy"].owner_role, ai_policy["due_week"])
        )
    # The demo's review-capacity item: due before the full rollout starts (week 8), not the rule's week 4.
    assert (rules["review-capacity"].due_week, items["review-capacity"]["due_week"]) == (4, 8)


def test_a_range_dropped_as_the_scenario_opens_is_said_on_stderr(tmp_path):
    """A range over a number the NPV does not read is dropped on opening, with a line in the notes; the results
    JSON and the workbook's file name carry no notes, so `compute` and `export` said nothing (docs audit L6)."""
    data = json.loads((SCENARIOS / "worked_example.json").read_text())
    data["uncertainty"]["ranges"]["review.reviewers"] = [15, 17, 20]
    path = tmp_path / "ranged.json"
    path.write_text(json.dumps(data))
    said = ("warning: Opened without the uncertainty range over review.reviewers: no simulated NPV depended on "
            "them (a number the NPV does not read, or one its growth range replaces).")
    for command in (["compute", str(path)], ["export", str(path), "--out", str(tmp_path / "r.xlsx")]):
        done = run(*command)
        assert done.returncode == 0 and done.stderr.splitlines() == [said], done.stderr
    done = run("compute", str(SCENARIOS / "worked_example.json"))  # its own notes are not news
    assert done.returncode == 0 and done.stderr == ""


def test_a_currency_without_its_own_loaded_cost_is_a_warning(tmp_path):
    """A yen scenario leaving out the loaded cost computes at ¥90.6 an hour, the US dollar default: said on
    stderr, exit status 0 (the contract lets the field be left out)."""
    data = json.loads((SCENARIOS / "worked_example.json").read_text())
    data["currency"] = "JPY"
    del data["team"]["loaded_cost_per_hour"]
    path = tmp_path / "yen.json"
    path.write_text(json.dumps(data))
    done = run("compute", str(path))
    assert done.returncode == 0 and json.loads(done.stdout)["finance"]["npv"] < 0
    said = [
        f"warning: {data['name']}: The loaded cost of a developer hour is not in the file, so it took its default, "
        "90.6 an hour: a US dollar figure (US wages), read here as JPY 90.6. Give team.loaded_cost_per_hour in JPY "
        "(Team tab of ROI & risk): every benefit, training hour and the governance FTE rest on it."
    ]
    assert done.stderr.splitlines() == said
    done = run("compare", str(path))  # scenarios compared are opened too (review of this session, 5)
    assert done.returncode == 0 and done.stderr.splitlines() == said


def test_a_scenario_without_costs_is_a_warning(tmp_path):
    """A file without a costs section priced nothing, and compute exited 0 without a word, an NPV of the benefits
    alone (CLI audit M3); `scenario` without --base already warned."""
    data = json.loads((SCENARIOS / "worked_example.json").read_text())
    del data["costs"]
    path = tmp_path / "free.json"
    path.write_text(json.dumps(data))
    done = run("compute", str(path))
    finance = json.loads(done.stdout)["finance"]
    assert done.returncode == 0 and sum(finance["costs_by_year"]) == 0
    assert done.stderr.splitlines() == [
        f"warning: {data['name']}: The file has no costs section, so no licence, training, set-up or governance "
        "cost is priced: the NPV counts the benefits alone and the rollout cannot fail to pay back. Add costs.tools "
        "(name, price_per_seat_month) and the other costs (ROI & risk → Licences and costs in the app)."]
    data["costs"] = {}  # given, even empty: the client's own statement that nothing is paid
    path.write_text(json.dumps(data))
    assert run("compute", str(path)).stderr == ""


def test_bad_scenario_exits_2_with_one_error_line(tmp_path):
    bad = tmp_path / "bad.json"
    data = json.loads((SCENARIOS / "worked_example.json").read_text())
    data["team"]["developers"] = -3
    bad.write_text(json.dumps(data))
    done = run("compute", str(bad))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert str(bad) in lines[0] and "team.developers" in lines[0]
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_usage_mistake_is_one_error_line(capsys):
    with pytest.raises(SystemExit) as info:
        main(["compute"])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")


def test_missing_file_exit_2(capsys):
    assert main(["compute", "no/such/file.json"]) == 2
    assert capsys.readouterr().err.startswith("error: no/such/file.json: cannot be read")


def test_compare_a_workshop_and_a_file(tmp_path, capsys):
    import csv
    import io

    from roi.models import load_scenario, scenario_to_json
    from roi.workshop import workshop_zip

    worked = load_scenario(SCENARIOS / "worked_example.json")
    workshop = tmp_path / "acme-workshop.zip"
    workshop.write_bytes(workshop_zip([worked, worked.model_copy(update={"name": "Second"})]))
    assert main(["compare", str(workshop), str(SCENARIOS / "dora_2024.json")]) == 0
    rows = {row[0]: row for row in csv.reader(io.StringIO(capsys.readouterr().out))}
    assert rows["figure"][3:] == [worked.name, "Second", load_scenario(SCENARIOS / "dora_2024.json").name]
    assert float(rows["npv"][3]) == pytest.approx(-8499.02, rel=1e-4)  # METHODS §5
    assert rows["reviewers_needed"][3:5] == ["37", "37"]

    out = tmp_path / "comparison.csv"
    assert main(["compare", str(workshop), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("figure,label,unit,")
    assert capsys.readouterr().err == ""

    euros = tmp_path / "euros.json"  # amounts in two currencies, side by side: said on stderr
    euros.write_text(scenario_to_json(worked.model_copy(update={"name": "In euros", "currency": "EUR"})))
    assert main(["compare", str(workshop), str(euros), "--out", str(out)]) == 0
    assert "warning: The scenarios' money is in different currencies (USD, EUR)" in capsys.readouterr().err


def test_compare_refuses_a_wrong_output_and_names_a_bad_member(tmp_path, capsys):
    assert main(["compare", str(SCENARIOS / "worked_example.json"), "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "the comparison must be a .csv file" in capsys.readouterr().err
    import zipfile

    broken = tmp_path / "w.zip"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("a.json", "{")
    assert main(["compare", str(broken)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {broken}: a.json: not valid JSON at line 1")


# --- CONTRACT.md, field by field ---------------------------------------------------------------

RESULTS_FIELDS = {
    "productivity": {"output_change", "gross_gain_hours", "review_tax_hours", "defect_hours", "incident_hours",
                     "net_hours", "qapi"},
    "review": {"baseline", "post", "target_wait_hours", "reviewers_needed", "backlog_growth_hours_per_week",
               "min_time_in_review_hours"},
    "finance": {"benefits_by_year", "costs_by_year", "idle_seat_cost_by_year", "pv_benefits", "pv_costs", "npv",
                "roi", "payback_months", "break_even_net_hours"},
    "uncertainty": {"npv_p10", "npv_p50", "npv_p90", "npv_mean", "prob_npv_positive", "tornado"},
}
QUEUE_FIELDS = {"arrival_per_hour", "effort_hours", "offered_load", "utilization", "stable", "p_wait", "wait_hours",
                "time_in_review_hours", "wip_prs"}
TORNADO_FIELDS = {"input", "low", "high", "npv_low", "npv_high", "swing"}
CHECKLIST_FIELDS = {"id", "category", "priority", "title", "reason", "owner_role", "due_week", "status"}


def _numbers(value, path=""):
    """Every number in a decoded JSON value, with its path (bools are not numbers)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _numbers(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _numbers(item, f"{path}[{index}]")
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        yield path, value


def test_compute_json_has_every_contract_field_with_its_type_and_unit():
    """CONTRACT "Results JSON": the names, nesting and shapes other tools read, as ``compute`` prints them."""
    done = run("compute", str(SCENARIOS / "worked_example.json"))
    assert done.returncode == 0 and done.stderr == ""
    results = json.loads(done.stdout, parse_constant=lambda name: pytest.fail(f"{name} in the results JSON"))
    for section, fields in RESULTS_FIELDS.items():
        assert fields <= set(results[section]), (section, fields - set(results[section]))
    for period in ("baseline", "post"):
        assert QUEUE_FIELDS <= set(results["review"][period]), period
    assert results["review"]["baseline"]["stable"] is True and results["review"]["post"]["stable"] is False
    # Unstable queue: wait fields null, never a number (METHODS §2); backlog growth instead.
    for field in ("p_wait", "wait_hours", "time_in_review_hours", "wip_prs"):
        assert results["review"]["post"][field] is None, field
    assert results["review"]["backlog_growth_hours_per_week"] == pytest.approx(187.1, abs=0.05)
    assert results["review"]["reviewers_needed"] == 37 and isinstance(results["review"]["reviewers_needed"], int)
    finance = results["finance"]
    # By year, index 0 = year 0 (training and set-up; no benefit yet): horizon 3 → 4 entries (METHODS §5).
    assert finance["costs_by_year"] == pytest.approx([25_432, 51_086.09, 52_406.09, 52_406.09], abs=0.01)
    assert finance["benefits_by_year"] == pytest.approx([0, 49_719.88, 63_925.57, 63_925.57], abs=0.01)
    assert finance["idle_seat_cost_by_year"] == pytest.approx([0, 7_020, 2_340, 2_340], abs=0.01)
    assert finance["roi"] == pytest.approx(-0.0550, abs=1e-4)  # a fraction, not -5.50 percent
    assert finance["payback_months"] is None  # not within the horizon: null
    uncertainty = results["uncertainty"]
    assert 0 <= uncertainty["prob_npv_positive"] <= 1
    assert uncertainty["npv_p10"] <= uncertainty["npv_p50"] <= uncertainty["npv_p90"]
    assert len(uncertainty["tornado"]) == 7
    for row in uncertainty["tornado"]:
        assert TORNADO_FIELDS <= set(row) and isinstance(row["input"], str)
    swings = [abs(row["swing"]) for row in uncertainty["tornado"]]
    assert swings == sorted(swings, reverse=True)  # rows sorted by |swing|
    assert results["checklist"]
    for item in results["checklist"]:
        assert CHECKLIST_FIELDS <= set(item), item
        assert isinstance(item["priority"], int) and isinstance(item["due_week"], int)
        assert item["status"] in ("todo", "doing", "done", "not applicable")
    for path, number in _numbers(results):  # plain numbers: no strings, NaN or infinity
        assert math.isfinite(number), path


@pytest.mark.parametrize("omit", [True, False], ids=["omitted", "null"])
def test_compute_without_an_uncertainty_section_prints_uncertainty_null(tmp_path, omit):
    data = json.loads((SCENARIOS / "worked_example.json").read_text())
    if omit:
        del data["uncertainty"]
    else:
        data["uncertainty"] = None
    path = tmp_path / "plain.json"
    path.write_text(json.dumps(data))
    done = run("compute", str(path))
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert "uncertainty" in results and results["uncertainty"] is None
    assert results["finance"]["npv"] == pytest.approx(-8499.02, rel=1e-4)


def test_metrics_prints_the_adoption_date_and_ramp_weeks_given(tmp_path):
    """`metrics FILE... --adoption-date YYYY-MM-DD [--ramp-weeks N]`: both echoed; the post period starts N
    weeks after adoption and runs to the last event (here the last merge, 2025-03-18 09:00)."""
    files = [str(FIXTURES / n) for n in ("github_pulls_detail.ndjson", "github_reviews.json")]
    done = run("metrics", *files, "--adoption-date", "2025-03-03", "--ramp-weeks", "1")
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["adoption_date"] == "2025-03-03" and payload["ramp_weeks"] == 1
    assert payload["post"]["start"].startswith("2025-03-10T00:00:00")
    assert payload["post"]["weeks"] == pytest.approx((8 + 9 / 24) / 7, abs=1e-6)
    assert "cohorts" in payload and payload["cohorts"] is None  # no AI evidence in these files
    default = json.loads(run("metrics", *files, "--adoption-date", "2025-03-03").stdout)
    assert default["ramp_weeks"] == 0 and default["post"]["start"].startswith("2025-03-03T00:00:00")
    # Files after the options are files too: "unrecognized arguments" refused them (CLI audit L8).
    mixed = run("metrics", files[0], "--adoption-date", "2025-03-03", files[1])
    assert mixed.returncode == 0, mixed.stderr
    assert json.loads(mixed.stdout) == default
    unknown = run("metrics", *files, "--adoption-date", "2025-03-03", "--bogus")
    assert unknown.returncode == 2 and unknown.stderr.startswith("error: unrecognized arguments: --bogus")
    assert run("compute", str(SCENARIOS / "worked_example.json"), "second.json").returncode == 2



def test_metrics_and_scenario_read_a_zip_of_exports_as_the_files_themselves(tmp_path, capsys):
    """A client's exports.zip: each file in it read as if given on its own (a .gz one gunzipped), named
    ``exports.zip: path`` in the scenario's sources and in an error line."""
    import gzip
    import zipfile

    from roi.models import load_scenario

    pulls, reviews = FIXTURES / "github_pulls_detail.ndjson", FIXTURES / "github_reviews.json"
    archive = tmp_path / "exports.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("client/pulls.ndjson", pulls.read_bytes())
        zipped.writestr("client/reviews.json.gz", gzip.compress(reviews.read_bytes()))
        zipped.writestr("__MACOSX/client/._pulls.ndjson", b"\0\5\26\7")
    assert main(["metrics", str(pulls), str(reviews), "--adoption-date", "2025-03-03"]) == 0
    separate = capsys.readouterr().out
    assert main(["metrics", str(archive), "--adoption-date", "2025-03-03"]) == 0
    zipped_out, err = capsys.readouterr()
    assert err == ""
    assert zipped_out.replace(f"{archive}: client/reviews.json.gz", str(reviews)).replace(
        f"{archive}: client/pulls.ndjson", str(pulls)) == separate
    out = tmp_path / "new.json"
    assert main(["scenario", str(archive), "--adoption-date", "2025-03-03", "--base",
                 str(SCENARIOS / "worked_example.json"), "--out", str(out)]) == 0
    assert load_scenario(out).measurement.sources == ["exports.zip: client/pulls.ndjson",
                                                      "exports.zip: client/reviews.json.gz"]
    capsys.readouterr()
    with zipfile.ZipFile(archive, "a") as zipped:
        zipped.writestr("client/deploys.csv", "source,deploy_id,time_created\ngithub,d1,2025-13-45 10:00 UTC\n")
    assert main(["metrics", str(archive), "--adoption-date", "2025-03-03"]) == 2
    out_text, err = capsys.readouterr()
    assert out_text == "" and err == (
        f"error: {archive}: client/deploys.csv, row 2, column 'time_created': '2025-13-45 10:00 UTC' is not a "
        "date-time; expected ISO 8601 such as 2025-03-12T15:04:00Z\n")


def _usage_error(capsys, argv: list[str]) -> str:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1
    return err


@pytest.mark.parametrize(("given", "message"), [
    # Python 3.11's date.fromisoformat took both as 3 March 2025; CONTRACT.md says YYYY-MM-DD.
    ("20250303", "'20250303' is not written YYYY-MM-DD; give 2025-03-03"),
    ("2025-W10-1", "'2025-W10-1' is not written YYYY-MM-DD; give 2025-03-03"),
    ("2025-3-3", "'2025-3-3' is not a date; give YYYY-MM-DD"),
    ("2025-03-03T00:00", "'2025-03-03T00:00' is not a date; give YYYY-MM-DD"),
    ("2025\n03-03", "'2025 03-03' is not a date; give YYYY-MM-DD"),  # one line, whatever is quoted
])
@pytest.mark.parametrize("command", ["metrics", "scenario"])
def test_the_adoption_date_is_written_yyyy_mm_dd(capsys, tmp_path, command, given, message):
    out = tmp_path / "new.json"
    argv = [command, str(FIXTURES / "github_pulls_detail.ndjson"), "--adoption-date", given]
    err = _usage_error(capsys, argv + (["--out", str(out)] if command == "scenario" else []))
    assert err == f"error: argument --adoption-date: {message}; see 'python -m roi --help'\n"
    assert not out.exists()


@pytest.mark.parametrize(("given", "message"), [
    ("", "is empty; give an IANA time zone name such as Europe/Berlin, or leave --timezone out for UTC"),
    ("  ", "is empty; give an IANA time zone name such as Europe/Berlin, or leave --timezone out for UTC"),
    ("Europe/Atlantis", "'Europe/Atlantis' is not a time zone name; use an IANA name such as Europe/Berlin"),
])
@pytest.mark.parametrize("command", ["metrics", "scenario"])
def test_an_empty_or_unknown_time_zone_is_refused(capsys, tmp_path, command, given, message):
    """`--timezone ""` was read as UTC (and, for `scenario --base`, as the base's zone) without a word."""
    out = tmp_path / "new.json"
    argv = [command, str(FIXTURES / "jira_all_fields.csv"), "--adoption-date", "2025-03-03", "--timezone", given]
    err = _usage_error(capsys, argv + (["--out", str(out)] if command == "scenario" else []))
    assert err == f"error: argument --timezone: {message}; see 'python -m roi --help'\n"
    assert not out.exists()

def test_errors_about_the_periods_name_the_files_without_a_pr_export():
    """CONTRACT: the error line names the file.  Without a PR export the date and the measured fields named
    no file ("error: field 'adoption_date': …")."""
    jira = str(FIXTURES / "jira_all_fields.csv")
    done = run("metrics", jira, "--adoption-date", "2030-01-01")
    assert done.returncode == 2 and done.stdout == ""
    # The option, not a field of the file before it ("field 'adoption_date'").
    assert done.stderr.startswith(f"error: {jira}: adoption date 2030-01-01 is outside")


def test_a_date_outside_the_data_names_every_file_that_sets_the_span():
    """The span ran from the Jira file's first day, and only the PR file was named (CLI audit 6)."""
    jira, pulls = FIXTURES / "jira_all_fields.csv", FIXTURES / "github_pulls_page1.json"
    done = run("metrics", str(jira), str(pulls), "--adoption-date", "2030-01-01")
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert done.stderr.startswith(f"error: {jira}, {pulls}: adoption date 2030-01-01 is outside the data")


def test_a_failed_run_says_one_error_line_and_no_warning_before_it(tmp_path):
    """CONTRACT: bad input gives one line on stderr starting `error:`. A --base whose opening warned printed the
    warning first, so a script reading the first line saw no error (CLI audit 1)."""
    data = json.loads((SCENARIOS / "worked_example.json").read_text())
    data["uncertainty"]["ranges"]["review.reviewers"] = [15, 17, 20]  # dropped as it opens, with a warning
    base = tmp_path / "base.json"
    base.write_text(json.dumps(data))
    done = run("scenario", str(tmp_path / "missing.json"), "--adoption-date", "2025-03-03", "--base", str(base),
               "--out", str(tmp_path / "new.json"))
    assert done.returncode == 2 and done.stderr.splitlines()[0].startswith("error: ")
    assert len(done.stderr.splitlines()) == 1, done.stderr
    done = run("compute", str(base))  # the same warning on a run that succeeds: said, after the work
    assert done.returncode == 0 and done.stderr.startswith("warning: Opened without the uncertainty range")


def test_scenario_refuses_to_write_over_its_base(tmp_path):
    """--out equal to --base replaced the base's estimates (developers 50 → 6) and appended " — measured" to its
    name on every run (CLI audit 2)."""
    base = tmp_path / "loop.json"
    base.write_bytes((SCENARIOS / "worked_example.json").read_bytes())
    before = base.read_bytes()
    done = run("scenario", str(FIXTURES / "github_pulls_page1.json"), "--adoption-date", "2025-03-03",
               "--base", str(base), "--out", str(tmp_path / "." / "loop.json"))
    assert done.returncode == 2 and done.stderr == (
        f"error: {tmp_path / '.' / 'loop.json'}: is the --base scenario, and would be replaced by the scenario "
        "built on it; give another --out\n")
    assert base.read_bytes() == before


def test_a_closed_standard_output_is_one_error_line(tmp_path):
    """`>&-` left Python no stdout at all: an AttributeError traceback (CLI audit 3)."""
    done = subprocess.run(f'"{sys.executable}" -m roi compute "{SCENARIOS / "worked_example.json"}" >&-',
                          shell=True, capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2
    assert done.stderr == "error: standard output: is closed; send the output to a file or a pipe\n"


def test_warnings_never_reach_standard_output_when_stderr_is_closed(tmp_path):
    """`2>&-` left Python no stderr, and print(file=None) wrote the warning to stdout after the JSON, which a
    script then could not parse (review of this session, 8)."""
    data = json.loads((SCENARIOS / "worked_example.json").read_text())
    data["uncertainty"]["ranges"]["review.reviewers"] = [15, 17, 20]  # a warning as it opens
    path = tmp_path / "warned.json"
    path.write_text(json.dumps(data))
    done = subprocess.run(f'"{sys.executable}" -m roi compute "{path}" 2>&-', shell=True, capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 0 and json.loads(done.stdout)["finance"]["npv"] == pytest.approx(-8499.02, rel=1e-4)


def test_an_empty_file_name_is_refused_as_such():
    done = run("compute", "")  # it was read as the folder ".": "error: .: cannot be read (Is a directory)"
    assert done.returncode == 2
    assert done.stderr == ("error: argument SCENARIO.json: an empty file name; give the file's path; see "
                           "'python -m roi --help'\n")


def test_options_are_taken_only_as_spelled_in_full():
    """--adoption for --adoption-date worked, until an option starting so is added (CLI audit 9)."""
    done = run("metrics", str(FIXTURES / "github_pulls_page1.json"), "--adoption", "2025-03-03")
    assert done.returncode == 2 and done.stderr.startswith("error: ")
    assert "--adoption-date" in done.stderr


def test_scenario_errors_name_the_exports(tmp_path):
    out = tmp_path / "new.json"
    pulls = str(FIXTURES / "github_pulls_detail.ndjson")
    done = run("scenario", pulls, "--adoption-date", "2025-03-03", "--out", str(out))
    assert done.returncode == 2 and not out.exists()
    assert done.stderr.startswith(f"error: {pulls}, field 'tasks_per_dev_week': tasks_per_dev_week")
    # What the missing field needs, not the other fields' exports too (it named PR size's beside tasks).
    assert "(tasks need a work-item export such as Jira); add such an export" in done.stderr
    estimates = str(FIXTURES / "estimates.csv")
    done = run("scenario", estimates, "--adoption-date", "2025-03-03", "--out", str(out))
    assert done.returncode == 2 and not out.exists()
    assert done.stderr.startswith(f"error: {estimates}, field 'team.developers': the number of developers")


def test_scenario_takes_measured_metrics_from_the_exports_and_the_rest_from_the_base(tmp_path):
    """`scenario FILE... --adoption-date D --base SCENARIO.json --out NEW.json`."""
    from roi.models import load_scenario

    out = tmp_path / "new.json"
    files = [str(FIXTURES / n) for n in ("github_pulls_detail.ndjson", "github_reviews.json")]
    base = SCENARIOS / "worked_example.json"
    done = run("scenario", *files, "--adoption-date", "2025-03-03", "--base", str(base), "--out", str(out))
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""
    new, old = load_scenario(out), load_scenario(base)
    assert json.loads(out.read_text())["schema_version"] == 1
    assert (new.costs, new.finance, new.quality) == (old.costs, old.finance, old.quality)
    assert new.baseline.tasks_per_dev_week == old.baseline.tasks_per_dev_week  # no work-item export: the base's
    assert new.team.developers == 3  # measured: bob, carol, alice after adoption
    assert new.baseline.pr_size_loc == 90 and new.post.pr_size_loc == pytest.approx(640 / 3)  # measured
    assert new.measurement.adoption_date.isoformat() == "2025-03-03"


def test_a_scenario_without_a_base_says_it_prices_nothing(tmp_path):
    """CONTRACT lets `--base` be left out ("or defaults"); the defaults price no licence, so the NPV was the
    benefits alone and the verdict "Pays back", without a word, while the exports showed Copilot in use."""
    from roi.models import load_scenario
    from roi.scenario_builder import NO_BASE_NOTE

    out = tmp_path / "new.json"
    files = sorted(str(path) for path in (ROOT / "sample_data" / "demo").iterdir())
    done = run("scenario", *files, "--adoption-date", "2025-03-03", "--out", str(out))
    assert done.returncode == 0 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"warning: {NO_BASE_NOTE}",
        "warning: Licences: the exports show use of Copilot, which no licence line prices. The costs, and "
        "so the verdict, price the tools on ROI & risk → Licences and costs: check them there.",
    ]
    scenario = load_scenario(out)
    assert scenario.costs.tools == [] and NO_BASE_NOTE in (scenario.notes or "").splitlines()
    results = json.loads(run("compute", str(out)).stdout)["finance"]
    assert results["pv_costs"] == 0 and results["npv"] == results["pv_benefits"] > 0  # what the warning is about


def test_other_tools_can_call_the_command_line_from_any_directory(tmp_path):
    """`make` installs the package (editable), so `python -m roi` is not tied to the checkout's directory."""
    done = subprocess.run([sys.executable, "-m", "roi", "compute", str(SCENARIOS / "worked_example.json")],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["scenario_name"] == "Faros-style shock, 50 developers"


def test_a_scenario_saves_the_time_zone_its_exports_were_read_in_and_reads_them_so_again(tmp_path):
    """Jira's times have no offset: `--timezone` reads them, the scenario keeps the zone, and a scenario built
    on it (`--base`) reads the next exports in the same zone unless told otherwise."""
    from roi.models import load_scenario

    files = [str(FIXTURES / n) for n in ("github_pulls_detail.ndjson", "jira_all_fields.csv")]
    berlin, again, utc = tmp_path / "berlin.json", tmp_path / "again.json", tmp_path / "utc.json"
    assert main(["scenario", *files, "--adoption-date", "2025-03-03", "--base", str(SCENARIOS / "worked_example.json"),
                 "--timezone", "Europe/Berlin", "--out", str(berlin)]) == 0
    assert load_scenario(berlin).measurement.timezone == "Europe/Berlin"
    assert main(["scenario", *files, "--adoption-date", "2025-03-03", "--base", str(berlin), "--out", str(again)]) == 0
    assert load_scenario(again).measurement.timezone == "Europe/Berlin"
    assert main(["scenario", *files, "--adoption-date", "2025-03-03", "--base", str(berlin), "--timezone", "UTC",
                 "--out", str(utc)]) == 0
    assert load_scenario(utc).measurement.timezone is None  # UTC, as a file without the field says


def test_a_scenario_file_with_an_unknown_time_zone_names_it(tmp_path, capsys):
    data = json.loads((SCENARIOS / "demo_org.json").read_text())
    data["measurement"]["timezone"] = "Europe/Atlantis"
    path = tmp_path / "client.json"
    path.write_text(json.dumps(data))
    assert main(["compute", str(path)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "measurement.timezone" in error
    assert "'Europe/Atlantis' is not a time zone name; use an IANA name such as Europe/Berlin" in error


def test_compute_and_export_open_a_workbook_with_the_edits_made_in_it(tmp_path, capsys):
    """`export edited.xlsx --out new.xlsx` refreshes a PM's workbook without losing what was typed in it."""
    import io

    from openpyxl import load_workbook

    from roi.engine import compute
    from roi.export import build_workbook
    from roi.models import load_scenario, scenario_from_dict
    from roi.workbook_edits import read_edited_workbook

    scenario = load_scenario(SCENARIOS / "worked_example.json")
    book = load_workbook(io.BytesIO(build_workbook(scenario, compute(scenario))))
    book["Assumptions"]["B5"] = 60  # developers
    book["Checklist"]["I5"] = "done"
    book["Rollout plan"]["B61"] = "Pilot"  # a gate of the PM's own, in a spare row: said, not taken
    edited = tmp_path / "plan week 6.xlsx"
    book.save(edited)
    assert main(["compute", str(edited)]) == 0
    out, err = capsys.readouterr()
    expected = compute(scenario_from_dict({**json.loads(scenario.model_dump_json()), "team": {
        **scenario.team.model_dump(), "developers": 60}}))
    assert json.loads(out)["finance"]["npv"] == pytest.approx(expected.finance.npv)
    assert err.splitlines()[0].startswith("note: 2 edits made in the workbook: Developers in scope (n) 50 → 60; "
                                          "Checklist: ")
    assert err.splitlines()[1].startswith("warning: Rollout plan rows 61: gates added in the workbook are not taken")
    refreshed = tmp_path / "refreshed.xlsx"
    assert main(["export", str(edited), "--out", str(refreshed)]) == 0
    again = read_edited_workbook(refreshed.read_bytes(), "refreshed.xlsx")
    assert again.edits == () and again.scenario.team.developers == 60
    assert [entry.status for entry in again.scenario.rollout.checklist] == ["done"]
