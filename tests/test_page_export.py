"""AppTest of the export page: downloads offered, and a scenario saved and resumed exactly."""

from __future__ import annotations

import json

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
    # A PM kept editing the workbook for weeks, and "export again" dropped every status typed there: it opens here.
    assert any("open the edited workbook under **Resume** below" in m.value for m in at.markdown)


def test_the_scenario_file_is_one_scenario_and_the_workshop_is_saved_on_compare(open_app):
    # A consultant saved from here after a session of several scenarios and lost the comparison.
    at = open_app(page=PAGE)
    assert "Save and resume this scenario" in [s.value for s in at.subheader]
    assert not any("workshop" in s.value for s in at.subheader)
    caption = next(c.value for c in at.caption if "this one scenario" in c.value)
    assert "nor the scenarios kept for comparison" in caption
    assert "download the workshop on **Compare scenarios**" in caption


def test_estimates_offer_no_metrics(open_app, worked_example):
    at = open_app(page=PAGE, scenario=worked_example)
    labels = {button.label for button in at.get("download_button")}
    assert labels == {"Download the workbook", "Download the scenario file"}


def test_resume_a_saved_scenario_exactly(open_app, worked_example):
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


def notice(at, file_name):
    """The load notice naming ``file_name`` (a warning when fields were left out, else a success)."""
    found = [box for box in (*at.warning, *at.success) if f"loaded from {file_name}." in box.value]
    assert len(found) == 1, [box.value for box in (*at.warning, *at.success)]
    return found[0]


def test_a_file_from_an_older_version_names_the_fields_set_to_defaults(open_app):
    """A save from before measurement.kept_from_base and few_events existed loaded with them empty and no
    notice: the summary then claimed every metric measured, on enough events."""
    at = open_app(page=PAGE)  # the demo organisation, measured from its own exports
    demo = at.session_state["scenario"]
    assert demo.measurement.few_events == ["recovery_hours"]
    older = json.loads(scenario_to_json(demo))
    del older["measurement"]["kept_from_base"], older["measurement"]["few_events"]
    at.file_uploader(key="export_scenario_upload").set_value(
        ("demo-2025.json", json.dumps(older).encode(), "application/json")
    ).run()
    assert not at.exception and not at.error
    box = notice(at, "demo-2025.json")
    assert box.proto.format == box.proto.WARNING  # told, not a plain "loaded"
    assert box.value == (
        f"Scenario '{demo.name}' loaded from demo-2025.json. Not in this file, so set to their defaults: "
        "Metrics the exports did not measure, Metrics measured from fewer than 30 events."
    )
    # Everything the file holds is kept; only the two missing lists took their default (empty).
    measurement = demo.measurement.model_copy(update={"few_events": []})
    assert at.session_state["scenario"] == demo.model_copy(update={"measurement": measurement})


def test_a_currency_without_its_own_loaded_cost_is_questioned_on_loading(open_app, worked_example):
    at = open_app(page=PAGE, scenario=worked_example)
    yen = json.loads(scenario_to_json(worked_example))
    yen["currency"] = "JPY"
    del yen["team"]["loaded_cost_per_hour"]
    at.file_uploader(key="export_scenario_upload").set_value(
        ("yen.json", json.dumps(yen).encode(), "application/json")
    ).run()
    box = notice(at, "yen.json")
    assert box.proto.format == box.proto.WARNING
    assert box.value == (
        f"Scenario '{worked_example.name}' loaded from yen.json. Not in this file, so set to their defaults: Loaded "
        "cost per developer hour (rate). The loaded cost of a developer hour is not in the file, so it took its "
        "default, 90.6 an hour: a US dollar figure (US wages), read here as JPY 90.6. Give team.loaded_cost_per_hour "
        "in JPY (Team tab of ROI & risk): every benefit, training hour and the governance FTE rest on it."
    )


def test_a_file_without_costs_is_questioned_on_loading(open_app, worked_example):
    at = open_app(page=PAGE, scenario=worked_example)
    free = json.loads(scenario_to_json(worked_example))
    del free["costs"]
    at.file_uploader(key="export_scenario_upload").set_value(
        ("free.json", json.dumps(free).encode(), "application/json")
    ).run()
    box = notice(at, "free.json")
    assert box.proto.format == box.proto.WARNING
    assert box.value.endswith(
        "The file has no costs section, so no licence, training, set-up or governance cost is priced: the NPV counts "
        "the benefits alone and the rollout cannot fail to pay back. Add costs.tools (name, price_per_seat_month) and "
        "the other costs (ROI & risk → Licences and costs in the app).")


def test_fields_left_out_are_named_as_the_pages_label_them(open_app, worked_example):
    at = open_app(page=PAGE, scenario=worked_example)
    edited = with_value(worked_example, "review.reviewers", 29)
    short = json.loads(scenario_to_json(edited))
    left_out = (
        ("quality", "impact_share"), ("review", "service_cv2"), ("baseline", "bugs_per_dev_week"),
        ("finance", "adoption_by_year"),
    )
    for section, field in left_out:
        del short[section][field]
    at.file_uploader(key="export_scenario_upload").set_value(
        ("short.json", json.dumps(short).encode(), "application/json")
    ).run()
    assert notice(at, "short.json").value == (
        f"Scenario '{worked_example.name}' loaded from short.json. "
        "Not in this file, so set to their defaults: Bugs created per developer-week (before adoption), Review effort variability (cs²), "
        "Share of downtime that hurts the business, Adoption in each year."
    )
    assert at.session_state["scenario"].review.reviewers == 29  # what the file gave is kept


def test_a_complete_file_loads_without_a_list_of_defaults(open_app, worked_example):
    at = open_app(page=PAGE)
    at.file_uploader(key="export_scenario_upload").set_value(
        ("full.json", scenario_to_json(worked_example).encode(), "application/json")
    ).run()
    box = notice(at, "full.json")
    assert box.proto.format == box.proto.SUCCESS
    assert box.value == f"Scenario '{worked_example.name}' loaded from full.json."


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


def test_a_refusal_ending_in_a_question_takes_no_stray_full_stop(open_app, worked_example):
    at = open_app(page=PAGE, scenario=worked_example)
    percent = scenario_to_json(worked_example).replace('"capture_factor": 0.5', '"capture_factor": 50')
    at.file_uploader(key="export_scenario_upload").set_value(("p.json", percent.encode(), "application/json"))
    at.run()
    assert at.error[0].value.endswith("did you mean 0.5 (50%)? The current scenario is unchanged.")


@pytest.mark.parametrize("text", [b"{", b"[1, 2]", b'{"schema_version": 9}'])
def test_not_a_scenario(open_app, worked_example, text):
    at = open_app(page=PAGE, scenario=worked_example)
    at.file_uploader(key="export_scenario_upload").set_value(("x.json", text, "application/json"))
    at.run()
    assert at.error[0].value.startswith("x.json")
    assert at.session_state["scenario"] == worked_example


def test_an_export_given_as_the_scenario_file_is_named_as_such(open_app, worked_example):
    """A Copilot seats export on this uploader said "field 'team': is required; add it to the file The current
    scenario is unchanged." (no full stop, and a fix that would have the client add a team to an export)."""
    from tests.conftest import ROOT

    at = open_app(page=PAGE, scenario=worked_example)
    seats = (ROOT / "tests/fixtures/ingest/copilot_seats.json").read_bytes()
    at.file_uploader(key="export_scenario_upload").set_value(("seats.json", seats, "application/json")).run()
    assert [e.value for e in at.error] == [
        "seats.json: is not a scenario file: it has no team, baseline or post section (an export? Exports "
        "are loaded on the app's Data page, or with 'python -m roi scenario'). "
        "The current scenario is unchanged."
    ]
    assert at.session_state["scenario"] == worked_example


def test_a_workbook_saved_as_ods_here_says_to_save_it_as_xlsx(open_app, worked_example):
    """Streamlit refused an .ods ("files are not allowed") without saying that an .xlsx would do."""
    from tests.test_adversarial import _ods

    at = open_app(page=PAGE, scenario=worked_example)
    at.file_uploader(key="export_scenario_upload").set_value(
        ("plan.ods", _ods(), "application/vnd.oasis.opendocument.spreadsheet")).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "plan.ods: is an OpenDocument spreadsheet (.ods, LibreOffice's own format), which is not read; save it as "
        ".xlsx (File \\> Save As \\> Excel 2007-365) and give that: a workbook the app exported keeps its edits as "
        ".xlsx. The current scenario is unchanged."]  # Markdown-safe: '>' would start a quote
    assert at.session_state["scenario"] == worked_example


def test_a_workshop_file_here_says_where_it_opens(open_app, worked_example):
    """A workshop .zip on this uploader got Streamlit's "application/zip files are not allowed", which said
    neither what the file is for nor where it opens."""
    from roi.workshop import workshop_zip

    at = open_app(page=PAGE, scenario=worked_example)
    saved = workshop_zip([worked_example])
    at.file_uploader(key="export_scenario_upload").set_value(("workshop.zip", saved, "application/zip")).run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "workshop.zip is a zip archive, which this box does not open: a workshop file opens on Compare scenarios "
        "(\"Add saved scenario files or a workshop file\"), with its kept scenarios and exports; a zip of exports "
        "is loaded on the Data page. The current scenario is unchanged."
    ]
    assert at.session_state["scenario"] == worked_example


def test_a_saved_measured_workshop_never_shows_other_exports_metrics(open_app):
    """Resuming a client's workshop in a new session (the demo's exports loaded) must not present the demo's
    measurements as the client's: the Data page, the metrics download and the workbook would all show them."""
    from tests.conftest import exports_uploader, github_pulls

    client = open_app(page="pages/data.py")
    exports_uploader(client).set_value(("acme_pulls.json", github_pulls(), "application/json")).run()
    saved = client.session_state["scenario"]
    assert saved.measurement.sources == ["acme_pulls.json"]

    at = open_app(page=PAGE)  # a new session: the demo organisation and its 20 exports
    at.file_uploader(key="export_scenario_upload").set_value(
        ("acme.json", scenario_to_json(saved).encode(), "application/json")
    ).run()
    assert not at.exception and not at.error
    assert at.session_state["scenario"] == saved
    assert at.session_state["exports"] is None  # the demo's exports are not the client's
    assert "acme_pulls.json" in at.success[0].value  # says which exports to upload again
    labels = {button.label for button in at.get("download_button")}
    assert labels == {"Download the workbook", "Download the scenario file"}  # no metrics of another org
    at.switch_page("pages/data.py").run()
    assert not at.table  # no measured table
    assert "The demo organisation's exports" not in [s.value for s in at.subheader]
    assert "runs on estimates" not in at.info[0].value  # it runs on the saved measured values
    assert "acme_pulls.json" in at.info[0].value


def test_a_saved_workshop_on_the_loaded_exports_keeps_them_and_its_adoption_date(open_app):
    from datetime import date

    at = open_app(page="pages/data.py")
    at.date_input(key="data_adoption").set_value(date(2025, 2, 3)).run()
    saved = at.session_state["scenario"]
    at.date_input(key="data_adoption").set_value(date(2025, 4, 7)).run()  # explored on, then reopen the save
    at.switch_page(PAGE).run()
    at.file_uploader(key="export_scenario_upload").set_value(
        ("demo.json", scenario_to_json(saved).encode(), "application/json")
    ).run()
    assert at.session_state["scenario"] == saved
    assert at.session_state["exports"] is not None  # the exports it was measured from stay loaded
    assert at.session_state["adoption_date"] == date(2025, 2, 3)  # the saved split, not the last one tried
    at.switch_page("pages/data.py").run()
    assert at.date_input(key="data_adoption").value == date(2025, 2, 3)
    assert at.session_state["scenario"] == saved


def test_the_same_saved_file_can_be_opened_again_to_undo_edits(open_app, worked_example):
    """Open the saved workshop, edit on, then open the same file again to go back to it: the second
    upload must not be taken for the first one still in the uploader (it was silently ignored)."""
    saved = ("workshop.json", scenario_to_json(worked_example).encode(), "application/json")
    at = open_app(page=PAGE)
    at.file_uploader(key="export_scenario_upload").set_value(saved).run()
    assert at.session_state["scenario"] == worked_example
    at.session_state["scenario"] = with_value(worked_example, "review.reviewers", 29)  # edits on other pages
    at.file_uploader(key="export_scenario_upload").set_value(None).run()  # the file removed from the uploader
    at.file_uploader(key="export_scenario_upload").set_value(saved).run()  # and chosen again
    assert not at.exception and not at.error
    assert at.session_state["scenario"] == worked_example
    assert at.success[0].value == "Scenario 'Faros-style shock, 50 developers' loaded from workshop.json."


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_an_edited_workbook_resumes_with_its_edits_listed(open_app, worked_example):
    """A PM kept the workbook for weeks: opened here, its edits come back and are named."""
    import io

    from openpyxl import load_workbook

    from roi import compute
    from roi.export.workbook import build_workbook

    book = load_workbook(io.BytesIO(build_workbook(worked_example, compute(worked_example))))
    book["Assumptions"]["B5"] = 60  # developers
    book["Checklist"]["I5"] = "done"
    item = book["Checklist"]["A5"].value
    saved = io.BytesIO()
    book.save(saved)
    at = open_app(page=PAGE)  # the demo organisation is open
    at.file_uploader(key="export_scenario_upload").set_value(("plan-week-6.xlsx", saved.getvalue(), XLSX)).run()
    assert not at.exception and not at.error
    scenario = at.session_state["scenario"]
    assert scenario.team.developers == 60
    assert {entry.item_id: entry.status for entry in scenario.rollout.checklist} == {item: "done"}
    assert notice(at, "plan-week-6.xlsx").value == (
        f"Scenario '{worked_example.name}' loaded from plan-week-6.xlsx. 2 edits made in the workbook: "
        f"Developers in scope (n) 50 → 60; Checklist: {item}, Status todo → done.")
    # every edit, with its cell, listed while the scenario is open (the notice names eight at most)
    assert at.expander[-1].label == "Every edit read from plan-week-6.xlsx"
    listed = at.dataframe[-1].value
    assert listed.to_dict("records") == [
        {"Cell": "Assumptions!B5", "Input": "Developers in scope (n)", "Before": "50", "After": "60"},
        {"Cell": "Checklist!I5", "Input": f"Checklist: {item}, Status", "Before": "todo", "After": "done"}]
    at.switch_page("pages/rollout.py").run()
    assert not at.exception


def test_a_workbook_that_is_not_the_apps_keeps_the_current_scenario(open_app, worked_example):
    import io

    from openpyxl import Workbook

    at = open_app(page=PAGE, scenario=worked_example)
    other = Workbook()
    other.active["A1"] = "budget"
    saved = io.BytesIO()
    other.save(saved)
    at.file_uploader(key="export_scenario_upload").set_value(("budget.xlsx", saved.getvalue(), XLSX)).run()
    assert not at.exception
    assert at.error[0].value.startswith("budget.xlsx: has no 'Scenario file' sheet, so it is not a workbook this app "
                                        "exported")
    assert at.error[0].value.endswith("The current scenario is unchanged.")
    assert at.session_state["scenario"] == worked_example
