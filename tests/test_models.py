"""The scenario file: validation names the field and the fix; versions; round trip."""

from __future__ import annotations

import json
import math

import pytest

from roi import compute, inputs
from roi.errors import ScenarioError, SchemaVersionError
from roi.models import (
    OUTSIDE_THE_MONEY,
    Scenario,
    get_path,
    load_scenario,
    parse_scenario,
    save_scenario,
    scenario_to_json,
)
from tests.conftest import SCENARIOS


def base() -> dict:
    return json.loads((SCENARIOS / "worked_example.json").read_text())


def error_for(data: dict) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        parse_scenario(json.dumps(data), source="s.json")
    return info.value


def test_minimal_scenario_takes_documented_defaults():
    s = Scenario.model_validate({
        "team": {"developers": 10},
        "baseline": {"tasks_per_dev_week": 4, "prs_per_dev_week": 3, "pr_size_loc": 150},
        "post": {"tasks_per_dev_week": 5, "prs_per_dev_week": 4, "pr_size_loc": 200},
        "review": {"reviewers": 3},
    })
    assert s.team.loaded_cost_per_hour == 90.6 and s.team.delivery_hours_per_week == 30
    assert s.review.review_share == 0.25 and s.review.loc_per_hour == 400
    assert s.finance.adoption_by_year == [0.7, 0.9, 0.9] and s.finance.discount_rate == 0.10
    assert s.fte_annual_cost == pytest.approx(90.6 * 2080)
    assert s.uncertainty is None


def test_omitted_adoption_follows_a_longer_horizon():
    data = base()
    data["finance"] = {"horizon_years": 5}
    assert parse_scenario(json.dumps(data)).finance.adoption_by_year == [0.7, 0.9, 0.9, 0.9, 0.9]


def test_omitted_adoption_is_not_taken_as_given():
    """The default was put into the input before validation, so the file seemed to give it: the Assumptions
    sheet and the ROI & risk page cited "Scenario file" for a default, and a load could not name it."""
    from roi.export.assumptions import adoption_assumptions, source_of

    data = base()
    del data["finance"]["adoption_by_year"]
    scenario = parse_scenario(json.dumps(data))
    assert "adoption_by_year" not in scenario.finance.model_fields_set
    assert source_of(scenario, adoption_assumptions(scenario)[0]).startswith("Default: Share of developers")


def test_a_number_out_of_range_says_how_to_fix_it():
    """CONTRACT: an error says what is wrong and how to fix it; pydantic's words ("Input should be less than or
    equal to 1") said only the first, in a library's jargon."""
    data = base()
    data["review"]["review_share"] = 40
    assert error_for(data).message == ("must be at most 1 (got 40); a share is a fraction from 0 to 1: did you mean "
                                       "0.4 (40%)?")
    data = base()
    data["team"]["developers"] = -5
    assert error_for(data).message == ("must be more than 0 (got -5); change it to a value in that range "
                                       "(docs/scenario-file.md gives each field's)")


@pytest.mark.parametrize(
    ("mutate", "field", "words"),
    [
        (lambda d: d["team"].update(developers=-5), "team.developers", "must be more than 0"),
        (lambda d: d["team"].update(developers=0), "team.developers", "must be more than 0"),
        (lambda d: d["review"].update(review_share=1.5), "review.review_share", "must be at most 1"),
        (lambda d: d["finance"].update(capture_factor=-0.1), "finance.capture_factor", "must be at least 0"),
        (lambda d: d["finance"].update(adoption_by_year=[0.5, 0.9]), "finance", "adoption_by_year has 2 values"),
        (lambda d: d["team"].update(developers="fifty"), "team.developers", "must be a number"),
        (lambda d: d["uncertainty"]["ranges"].update(productivity_uplift=[0.3, 0.2, 0.4]), "uncertainty.ranges",
         "low <= likely <= high"),
        (lambda d: d["uncertainty"]["ranges"].update({"review.no_such": [1, 2, 3]}), "", "does not name a number"),
        (lambda d: d.update(colour="blue"), "colour", "unknown key"),
        (lambda d: d["review"].update(reveiwers=3), "review.reveiwers", "unknown key"),
        (lambda d: d.pop("team"), "team", "is required"),
        # A required key misspelt was named as missing, not as the unknown key typed (CLI audit L1).
        (lambda d: d.update(Team=d.pop("team")), "Team", "unknown key; did you mean 'team' (required)? Rename it"),
        (lambda d: d["review"].update(reveiwers=d["review"].pop("reviewers")), "review.reveiwers",
         "unknown key; did you mean 'reviewers' (required)? Rename it"),
        (lambda d: d.update(name=" "), "name", "is empty; give the scenario a name"),
        # pydantic's words had no fix: "Input should be 'pert' or 'triangular' (got 'normal')" (CLI audit L6).
        (lambda d: d["uncertainty"].update(distribution="normal"), "uncertainty.distribution",
         "is 'normal'; write one of 'pert' or 'triangular'"),
        (lambda d: d["uncertainty"]["ranges"].update({"team.loaded_cost_per_hour": [130, 90.6, 75]}),
         "uncertainty.ranges", "got [130, 90.6, 75]; write it as [low, likely, high]"),
    ],
)
def test_invalid_field_is_named_with_the_fix(mutate, field, words):
    data = base()
    mutate(data)
    error = error_for(data)
    assert error.file == "s.json"
    assert (error.field or "").startswith(field)
    assert words in error.message


def test_a_bug_rate_too_small_to_divide_by_is_refused_not_overflowed():
    # The naive index divides by the baseline's bugs: 1e-320 gave −infinity and a traceback from compute.
    data = base()
    data["baseline"]["bugs_per_dev_week"] = 1e-320
    error = error_for(data)
    assert error.field == "baseline.bugs_per_dev_week"
    assert error.message == "is 9.99989e-321; enter 0 for no bugs, or at least 1e-09 bugs per developer-week"
    data["baseline"]["bugs_per_dev_week"] = 1e-9  # the smallest accepted: finite, however absurd the index
    assert math.isfinite(compute(parse_scenario(json.dumps(data), source="s.json")).productivity.naive_index)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_refused(literal):
    text = (SCENARIOS / "worked_example.json").read_text().replace('"loaded_cost_per_hour": 90.6', f'"loaded_cost_per_hour": {literal}')
    with pytest.raises(ScenarioError, match="not a number JSON allows"):
        parse_scenario(text, source="s.json")


def test_huge_numbers_are_refused_with_the_field():
    data = base()
    data["costs"]["one_off_cost"] = 1e308
    error = error_for(data)
    assert error.field == "costs.one_off_cost" and "finite value below" in error.message


def test_newer_schema_version_is_refused_clearly():
    data = base()
    data["schema_version"] = 2
    with pytest.raises(SchemaVersionError, match="newer version of this tool"):
        parse_scenario(json.dumps(data))


def test_a_whole_schema_version_written_as_a_decimal_is_read_as_that_version():
    # The whole-number fields take 3.0 for 3; schema_version 1.0 was refused as "must be a whole number",
    # and 2.0 was told the same instead of that a newer tool wrote it.
    data = base()
    data["schema_version"] = 1.0
    assert parse_scenario(json.dumps(data)).schema_version == 1
    data["schema_version"] = 2.0
    with pytest.raises(SchemaVersionError, match="schema_version 2 was written by a newer version"):
        parse_scenario(json.dumps(data))
    data["schema_version"] = 1.5
    with pytest.raises(ScenarioError, match="schema_version must be a whole number, not 1.5; write 1"):
        parse_scenario(json.dumps(data))



@pytest.mark.parametrize(("section", "key", "value", "message"), [
    # It was "Input should be a valid integer, got a number with a fractional part (got 50.5)": no fix.
    ("team", "developers", 50.5, "must be a whole number, not 50.5; write 50 or 51"),
    ("finance", "horizon_years", 2.5, "must be a whole number, not 2.5; write 2 or 3"),
    ("team", "developers", None, "must be a whole number, not null; write a plain whole number, without quotes or "
                                 "decimals"),
    ("review", "reviewers", [17], "must be a whole number, not a list; write a plain whole number, without quotes "
                                  "or decimals"),
    ("team", "hours_per_week", None, "must be a number, not null; write a plain number, without quotes"),
    ("team", "hours_per_week", {"h": 40}, "must be a number, not an object; write a plain number, without quotes"),
])
def test_a_number_of_the_wrong_kind_says_what_to_write(section, key, value, message):
    data = base()
    data[section][key] = value
    error = error_for(data)
    assert (error.file, error.field, error.message) == ("s.json", f"{section}.{key}", message)


def _set(data: dict, path: str, value) -> dict:
    *parents, leaf = path.split("/")
    owner = data
    for key in parents:
        owner = owner[int(key)] if isinstance(owner, list) else owner[key]
    if isinstance(owner, list):
        owner[int(leaf)] = value
    else:
        owner[leaf] = value
    return data


@pytest.mark.parametrize(("path", "value", "field", "message"), [
    # It was "Input should be a valid dictionary or instance of Quality (got None)": a class name, no fix.
    ("quality", None, "quality", "must be an object ({…}), not null; write its fields between braces"),
    ("team", [], "team", "must be an object ({…}), not a list; write its fields between braces"),
    ("costs/tools/0", 5, "costs.tools.0", "must be an object ({…}), not 5; write its fields between braces"),
    ("costs/tools", {}, "costs.tools", "must be a list ([…]), not an object; write its items between square brackets"),
    ("finance/adoption_by_year", 0.5, "finance.adoption_by_year",
     "must be a list ([…]), not 0.5; write its items between square brackets"),
    ("name", 5, "name", "must be text in double quotes, not 5"),
    # It was "Input should be a valid tuple (got 'x')", and two values named the missing third by its index (.2).
    ("uncertainty/ranges/review.loc_per_hour", "x", "uncertainty.ranges.review.loc_per_hour",
     "must be three numbers [low, likely, high], not the text 'x'"),
    ("quality", True, "quality", "must be an object ({…}), not true; write its fields between braces"),
    ("uncertainty/ranges/review.loc_per_hour", [250, 400], "uncertainty.ranges.review.loc_per_hour",
     "has fewer than three values; write three numbers [low, likely, high]"),
    ("uncertainty/ranges/review.loc_per_hour", [250, 400, 600, 800], "uncertainty.ranges.review.loc_per_hour",
     "must be three numbers [low, likely, high], not 4 values"),
])
def test_a_value_of_the_wrong_shape_says_what_to_write(path, value, field, message):
    error = error_for(_set(base(), path, value))
    assert (error.file, error.field, error.message) == ("s.json", field, message)


def test_a_null_schema_version_is_named_as_the_file_wrote_it():
    data = base()
    data["schema_version"] = None
    assert error_for(data).message == "schema_version must be a whole number, not null; write 1"  # not "None"


def test_a_whole_number_written_as_a_decimal_is_still_read():
    data = base()
    data["team"]["developers"] = 50.0
    assert parse_scenario(json.dumps(data)).team.developers == 50

def test_broken_json_names_line_and_column():
    with pytest.raises(ScenarioError, match=r"line 1, column \d+"):
        parse_scenario('{"name": ', source="s.json")


def test_an_export_is_not_a_scenario_file():
    """An export given as a scenario (the wrong uploader) was 'must hold a JSON object', or for an object
    "field 'team': is required; add it to the file" (add a team to a Copilot seats file?)."""
    for text in ("[1, 2]", '{"total_seats": 1, "seats": []}'):
        with pytest.raises(ScenarioError, match="is not a scenario file: it has no team, baseline or post"):
            parse_scenario(text, source="seats.json")


def test_save_and_load_round_trip(tmp_path, worked_example):
    path = tmp_path / "s.json"
    save_scenario(worked_example, path)
    assert load_scenario(path) == worked_example
    assert path.read_text() == scenario_to_json(worked_example)
    assert not list(tmp_path.glob("*.tmp"))


def test_missing_file_is_a_scenario_error(tmp_path):
    with pytest.raises(ScenarioError, match="cannot be read"):
        load_scenario(tmp_path / "nope.json")


def test_models_are_frozen(worked_example):
    with pytest.raises(Exception):
        worked_example.team.developers = 3


def test_a_wave_after_the_horizon_is_refused_with_the_file(worked_example, tmp_path):
    # Week 52 starts year 2: a 1-year plan has no month for it (roi.rollout plans costs month by month).
    data = json.loads(scenario_to_json(worked_example))
    data["finance"].update(horizon_years=1, adoption_by_year=[0.7])
    data["rollout"] = {"waves": [{"name": "Pilot", "start_week": 0, "seat_share": 0.1},
                                 {"name": "Late", "start_week": 52, "seat_share": 1.0}]}
    path = tmp_path / "late.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    assert error.value.describe() == (
        f"{path}: rollout wave 2 ('Late') starts in week 52, after the 1-year horizon (weeks 0–51); start the wave "
        "earlier or choose a longer horizon")
    data["rollout"]["waves"][1]["start_week"] = 51  # the horizon's last week
    path.write_text(json.dumps(data))
    assert load_scenario(path).rollout.waves[1].start_week == 51


def test_adoption_above_the_seats_is_refused_naming_both(worked_example):
    # Benefits count n·a_t adopters, costs n·coverage seats: 0 seats raised the NPV (no seat cost, same benefits).
    data = json.loads(scenario_to_json(worked_example))
    data["costs"]["tools"][0]["seat_coverage"] = 0.8  # adoption 0.7, 0.9, 0.9: year 2 is over
    with pytest.raises(ScenarioError, match=r"adoption in year 2 is 90% of developers, but the licence line gives a "
                                            r"seat to 80% \(seat coverage\)"):
        parse_scenario(json.dumps(data))
    data["costs"]["tools"].append({"name": "Cursor", "price_per_seat_month": 40, "seat_coverage": 0.1})
    assert parse_scenario(json.dumps(data)).costs.tools[1].seat_coverage == 0.1  # two lines: 90% seated
    data["uncertainty"] = {"ranges": {"costs.tools.1.seat_coverage": [0.05, 0.1, 0.2]}}  # as few as 85% in a draw
    with pytest.raises(ScenarioError, match=r"with the uncertainty ranges, adoption in year 2 reaches 90% of "
                                            r"developers while the 2 licence lines give a seat to as few as 85%"):
        parse_scenario(json.dumps(data))
    data["costs"]["tools"] = []  # no licence line: seats are not modelled
    del data["uncertainty"]
    assert parse_scenario(json.dumps(data)).costs.tools == []


def test_every_methods_default_applies_when_omitted():
    """CONTRACT: every field with a default in METHODS §0 may be omitted; the values are §0's."""
    s = parse_scenario(json.dumps({
        "team": {"developers": 10},
        "baseline": {"tasks_per_dev_week": 4, "prs_per_dev_week": 3, "pr_size_loc": 150},
        "post": {"tasks_per_dev_week": 5, "prs_per_dev_week": 4, "pr_size_loc": 200},
        "review": {"reviewers": 3},
    }))
    assert (s.team.hours_per_week, s.team.delivery_hours_per_week, s.team.working_weeks_per_year,
            s.team.loaded_cost_per_hour) == (40, 30, 46, 90.6)
    for period in (s.baseline, s.post):
        assert period.bugs_per_dev_week == 0
        assert (period.deployments_per_week, period.change_failure_rate, period.recovery_hours, period.rework_rate,
                period.lead_time_hours, period.review_hours) == (None,) * 6
    assert (s.review.review_share, s.review.overhead_hours, s.review.loc_per_hour, s.review.arrival_cv2,
            s.review.service_cv2, s.review.target_wait_hours) == (0.25, 0.25, 400, 1.0, 1.5, None)
    assert (s.quality.fix_hours_per_bug, s.quality.responders_per_incident, s.quality.rework_hours_per_deploy,
            s.quality.downtime_cost_per_hour, s.quality.impact_share) == (4, 2, 4, 0, 0)
    assert (s.finance.horizon_years, s.finance.discount_rate, s.finance.capture_factor, s.finance.benefit_risk,
            s.finance.cost_risk, s.finance.adoption_by_year) == (3, 0.10, 0.5, 0.2, 0.1, [0.7, 0.9, 0.9])
    assert s.costs.fte_annual_cost is None and s.fte_annual_cost == pytest.approx(90.6 * 2080)
    assert s.schema_version == 1 and s.uncertainty is None


def test_uncertainty_defaults_and_null_section():
    data = base()
    data["uncertainty"] = {"ranges": {"productivity_uplift": [-0.1, 0.21, 0.45]}}
    spec = parse_scenario(json.dumps(data)).uncertainty
    assert (spec.draws, spec.distribution) == (20_000, "pert")  # METHODS §4
    data["uncertainty"] = None
    assert parse_scenario(json.dumps(data)).uncertainty is None


@pytest.mark.parametrize(("section", "field"), [("baseline", "review_hours"), ("post", "review_hours"),
                                                ("post", "lead_time_hours"), ("baseline", "rework_rate")])
def test_contract_period_fields_are_accepted_and_round_trip(section, field):
    data = base()
    data[section][field] = 0.3
    scenario = parse_scenario(json.dumps(data))
    assert getattr(getattr(scenario, section), field) == 0.3
    assert json.loads(scenario_to_json(scenario))[section][field] == 0.3


def test_the_contract_example_file_is_the_worked_example():
    """The CONTRACT.md scenario (copied here: tests never read ../shared) loads, field names unchanged."""
    contract = {
        "schema_version": 1, "name": "Faros-style shock, 50 developers", "currency": "USD",
        "team": {"developers": 50, "hours_per_week": 40, "delivery_hours_per_week": 30,
                 "working_weeks_per_year": 46, "loaded_cost_per_hour": 90.6},
        "baseline": {"tasks_per_dev_week": 4.0, "prs_per_dev_week": 3.0, "pr_size_loc": 150,
                     "bugs_per_dev_week": 0.5, "deployments_per_week": None, "change_failure_rate": None,
                     "recovery_hours": None, "rework_rate": None, "lead_time_hours": None, "review_hours": None},
        "post": {"tasks_per_dev_week": 4.84, "prs_per_dev_week": 5.94, "pr_size_loc": 381, "bugs_per_dev_week": 0.545},
        "review": {"reviewers": 17, "review_share": 0.25, "overhead_hours": 0.25, "loc_per_hour": 400,
                   "arrival_cv2": 1.0, "service_cv2": 1.5, "target_wait_hours": 4.0},
        "quality": {"fix_hours_per_bug": 4, "responders_per_incident": 2, "rework_hours_per_deploy": 4,
                    "downtime_cost_per_hour": 0, "impact_share": 0},
        "costs": {"tools": [{"name": "GitHub Copilot Enterprise", "price_per_seat_month": 39,
                             "usage_per_dev_month": 10, "seat_coverage": 1.0}],
                  "training_hours_per_dev": 4, "one_off_cost": 5000, "governance_fte": 0.1, "fte_annual_cost": 188419},
        "finance": {"horizon_years": 3, "discount_rate": 0.10, "capture_factor": 0.5, "benefit_risk": 0.2,
                    "cost_risk": 0.1, "adoption_by_year": [0.7, 0.9, 0.9]},
        "uncertainty": {"draws": 20000, "seed": 20260101, "distribution": "pert",
                        "ranges": {"productivity_uplift": [-0.10, 0.21, 0.45], "review.loc_per_hour": [250, 400, 800],
                                   "pr_size_growth": [0.25, 1.54, 2.0], "pr_count_growth": [0.3, 0.98, 1.2],
                                   "finance.capture_factor": [0.3, 0.5, 0.8],
                                   "team.loaded_cost_per_hour": [75, 90.6, 130],
                                   "quality.fix_hours_per_bug": [2, 4, 12]}},
    }
    sample = base()
    del sample["notes"]
    assert parse_scenario(json.dumps(contract)) == parse_scenario(json.dumps(sample))


def _number_paths(prefix: str, value) -> list[str]:
    """Dotted paths of every number under a dumped section (lists by index), true/false left out."""
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in _number_paths(f"{prefix}.{key}", item)]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _number_paths(f"{prefix}.{index}", item)]
    return [prefix] if isinstance(value, (int, float)) and not isinstance(value, bool) else []


def test_the_numbers_outside_the_money_are_the_ones_the_model_never_reads(monkeypatch):
    # Every optional number set, so that every term of the NPV is counted and reads its inputs.
    data = base()
    for period in ("baseline", "post"):
        data[period].update(deployments_per_week=5, change_failure_rate=0.1, recovery_hours=3, rework_rate=0.05,
                            lead_time_hours=20, review_hours=10)
    data["costs"]["fte_annual_cost"] = 150_000
    scenario = Scenario.model_validate(data)
    read: set[str] = set()
    get_path = inputs.get_path
    monkeypatch.setattr(inputs, "get_path", lambda s, path: (read.add(path), get_path(s, path))[1])
    inputs.resolve_inputs(scenario)
    dumped = scenario.model_dump()
    numbers = {p for section in ("team", "baseline", "post", "review", "quality", "costs", "finance")
               for p in _number_paths(section, dumped[section])}
    assert read <= numbers
    assert numbers - read == set(OUTSIDE_THE_MONEY) | {"finance.horizon_years"}


@pytest.mark.parametrize("key", ["review.reviewers", "post.review_hours", "team.hours_per_week"])
def test_a_range_over_a_number_the_money_does_not_use_is_refused(key):
    data = base()
    value = get_path(Scenario.model_validate(data), key) or 10
    data["uncertainty"]["ranges"][key] = [value * 0.9, value, value * 1.1]
    with pytest.raises(ValueError) as info:
        Scenario.model_validate(data)
    assert (f"uncertainty range '{key}' varies a number the NPV does not use (it sizes the review queue or is shown "
            "for context), so every simulated outcome would ignore it; remove the range") in str(info.value)


def test_a_range_and_a_growth_range_over_the_same_number_are_refused():
    data = base()
    data["uncertainty"]["ranges"]["post.tasks_per_dev_week"] = [4.4, 4.84, 5.2]
    assert "productivity_uplift" in data["uncertainty"]["ranges"]
    with pytest.raises(ValueError) as info:
        Scenario.model_validate(data)
    assert ("uncertainty ranges 'post.tasks_per_dev_week' and 'productivity_uplift' vary the same number, and the "
            "growth range replaces this one in every draw; remove one of the two") in str(info.value)


def test_a_file_saved_with_ignored_ranges_opens_without_them_and_says_so():
    """Older versions saved a range over post.review_hours from the estimates template: refusing the file would
    lose a consultant's scenario over a range that changed no result."""
    data = base()
    plain = parse_scenario(json.dumps(data), source="s.json")
    data["uncertainty"]["ranges"]["post.review_hours"] = [8, 10, 14]
    data["uncertainty"]["ranges"]["post.tasks_per_dev_week"] = [4.4, 4.84, 5.2]
    opened = parse_scenario(json.dumps(data), source="s.json")
    assert opened.uncertainty.ranges == plain.uncertainty.ranges
    assert opened.notes.endswith(
        "Opened without the uncertainty ranges over post.review_hours, post.tasks_per_dev_week: no simulated NPV "
        "depended on them (a number the NPV does not read, or one its growth range replaces).")
    assert compute(opened).uncertainty == compute(plain).uncertainty


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ('{"name": "Acme', "line 1, column 10: a text value that never ends (a closing quote missing, or the file "
                          "cut short); fix the syntax"),
        ('{"name": "Acme",}', "line 1, column 17: a key that is not in double quotes (or a trailing comma)"),
        ('{"name": "A"} x', "line 1, column 15: more data after the end of the JSON"),
    ],
)
def test_a_json_syntax_error_is_said_in_words_that_stand_alone(text, said):
    # "Unterminated string starting at; fix the syntax" read as a sentence cut off.
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, source="workshop.json")
    assert said in caught.value.describe()


def test_a_date_that_is_not_one_says_why_and_how_to_write_it():
    # It was "Input should be a valid date or datetime, month value is outside expected range of 1-12 (got …)".
    data = json.loads((SCENARIOS / "demo_org.json").read_text())
    data["measurement"]["adoption_date"] = "2025-13-01"
    error = error_for(data)
    assert error.field == "measurement.adoption_date"
    assert error.message == ("is '2025-13-01', not a date (month value is outside expected range of 1-12); write a "
                             "date as YYYY-MM-DD (2025-03-03)")
