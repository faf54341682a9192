"""AppTest of the export page: downloads offered, and a workshop saved and resumed exactly."""

from __future__ import annotations

import pytest

from roi.models import scenario_to_json
from roi.whatif import with_value
from tests.conftest import metric_value

PAGE = "pages/export.py"


def test_downloads_on_the_demo(open_app):
    at = open_app(page=PAGE)
    labels = {button.label for button in at.get("download_button")}
    assert labels == {"Download the workbook", "Download the scenario file", "Download the metrics"}
    assert "kB" in at.caption[1].value or "MB" in at.caption[1].value


def test_estimates_offer_no_metrics(open_app, worked_example):
    at = open_app(page=PAGE, scenario=worked_example)
    labels = {button.label for button in at.get("download_button")}
    assert labels == {"Download the workbook", "Download the scenario file"}


def test_resume_a_saved_workshop_exactly(open_app, worked_example):
    edited = with_value(worked_example, "review.reviewers", 29)
    at = open_app(page=PAGE)
    at.file_uploader(key="export_scenario_upload").set_value(
        ("workshop.json", scenario_to_json(edited).encode(), "application/json")
    )
    at.run()
    assert not at.exception and not at.error
    assert at.session_state["scenario"] == edited
    at.switch_page("pages/review.py").run()
    assert at.number_input(key="review_reviewers").value == 29
    assert metric_value(at, "Reviewers needed") == "37"


def test_a_bad_scenario_file_keeps_the_current_one(open_app, worked_example):
    at = open_app(page=PAGE, scenario=worked_example)
    broken = scenario_to_json(worked_example).replace('"reviewers": 17', '"reviewers": -3')
    at.file_uploader(key="export_scenario_upload").set_value(
        ("broken.json", broken.encode(), "application/json")
    )
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith("broken.json, field 'review.reviewers': ")
    assert at.error[0].value.endswith("The current scenario is unchanged.")
    assert at.session_state["scenario"] == worked_example


@pytest.mark.parametrize("text", [b"{", b"[1, 2]", b'{"schema_version": 9}'])
def test_not_a_scenario(open_app, worked_example, text):
    at = open_app(page=PAGE, scenario=worked_example)
    at.file_uploader(key="export_scenario_upload").set_value(("x.json", text, "application/json"))
    at.run()
    assert at.error[0].value.startswith("x.json")
    assert at.session_state["scenario"] == worked_example
