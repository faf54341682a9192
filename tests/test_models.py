"""The scenario file: validation names the field and the fix; versions; round trip."""

from __future__ import annotations

import json

import pytest

from roi.errors import ScenarioError, SchemaVersionError
from roi.models import Scenario, load_scenario, parse_scenario, save_scenario, scenario_to_json
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


@pytest.mark.parametrize(
    ("mutate", "field", "words"),
    [
        (lambda d: d["team"].update(developers=-5), "team.developers", "greater than 0"),
        (lambda d: d["team"].update(developers=0), "team.developers", "greater than 0"),
        (lambda d: d["review"].update(review_share=1.5), "review.review_share", "less than or equal to 1"),
        (lambda d: d["finance"].update(capture_factor=-0.1), "finance.capture_factor", "greater than or equal to 0"),
        (lambda d: d["finance"].update(adoption_by_year=[0.5, 0.9]), "finance", "adoption_by_year has 2 values"),
        (lambda d: d["team"].update(developers="fifty"), "team.developers", "must be a number"),
        (lambda d: d["uncertainty"]["ranges"].update(productivity_uplift=[0.3, 0.2, 0.4]), "uncertainty.ranges",
         "low <= likely <= high"),
        (lambda d: d["uncertainty"]["ranges"].update({"review.no_such": [1, 2, 3]}), "", "does not name a number"),
        (lambda d: d.update(colour="blue"), "colour", "unknown key"),
        (lambda d: d["review"].update(reveiwers=3), "review.reveiwers", "unknown key"),
        (lambda d: d.pop("team"), "team", "is required"),
    ],
)
def test_invalid_field_is_named_with_the_fix(mutate, field, words):
    data = base()
    mutate(data)
    error = error_for(data)
    assert error.file == "s.json"
    assert (error.field or "").startswith(field)
    assert words in error.message


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
