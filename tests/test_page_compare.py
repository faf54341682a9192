"""AppTest of the Compare scenarios page: keep, compare, open, remove, save and resume a workshop."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date

import pandas as pd

from roi import formatting as fmt
from roi.engine import compute
from roi.models import scenario_to_json
from roi.whatif import with_value, with_values
from roi.workshop import read_workshop, workshop_zip
from tests.conftest import exports_uploader, github_pulls, metric_value

PAGE = "pages/compare.py"


def table(at):
    """The side-by-side table as {column: {figure label: text}}, without the word joiners that hold a sign to its
    amount (:func:`appstate.unbroken_amounts`)."""
    return at.table[0].value.map(lambda cell: cell.replace("\u2060", "") if isinstance(cell, str) else cell).to_dict()


def test_nothing_to_compare_at_first(open_app):
    at = open_app(page=PAGE)
    assert "Nothing to compare yet" in at.info[0].value
    assert not at.table
    # Kept twice under the demo's name, the columns read "Demo organisation (120 developers)" and "… (2)".
    assert any("rename it in the sidebar (**Scenario name**) to say what changed" in m.value for m in at.markdown)


def test_keep_then_edit_shows_both_as_their_pages_do(open_app, worked_example):
    at = open_app(page=PAGE, scenario=worked_example)
    at.button(key="compare_keep").click().run()
    assert at.success[0].value == "Kept 'Faros-style shock, 50 developers' for comparison (1 kept)."
    assert at.button(key="compare_keep").disabled
    # One scenario is nothing to compare yet, but it can already be saved and managed.
    assert "Nothing to compare yet" in at.info[0].value
    assert "Download the workshop (1 scenario)" in [b.proto.label for b in at.get("download_button")]
    assert at.button(key="compare_remove")

    at.switch_page("pages/review.py").run()
    at.number_input(key="review_reviewers").set_value(40).run()
    needed_on_its_page = metric_value(at, "Reviewers needed")
    at.switch_page(PAGE).run()
    assert not at.exception

    shown = table(at)
    kept, edited = "Faros-style shock, 50 developers", "Faros-style shock, 50 developers (open, not kept)"
    assert list(shown) == [kept, edited]
    assert shown[kept]["Reviewers today"] == "17" and shown[edited]["Reviewers today"] == "40"
    assert shown[kept]["Reviewers needed"] == shown[edited]["Reviewers needed"] == needed_on_its_page == "37"
    assert shown[kept]["Reviewer utilisation after"] == "210%"
    assert shown[edited]["Reviewer utilisation after"] == "89%"  # 2.101 × 17 / 40
    assert shown[kept]["Net present value"] == "−$8.5k"
    assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")  # the NPV chart
    # what was changed, without opening each: the one input edited, as the Assumptions sheet names it
    inputs = at.main.get_by_key("compare_inputs").table[0].value
    assert inputs.to_dict(orient="index") == {"Reviewers in the pool (c)": {kept: "17", edited: "40"}}


def test_the_same_name_twice_is_told_apart(open_app, worked_example):
    at = open_app(page=PAGE, scenario=worked_example)
    at.button(key="compare_keep").click().run()
    at.session_state["scenario"] = with_value(worked_example, "review.reviewers", 20)
    at.run()
    at.button(key="compare_keep").click().run()
    assert at.success[0].value == "Kept 'Faros-style shock, 50 developers (2)' for comparison (2 kept)."
    assert list(table(at)) == ["Faros-style shock, 50 developers", "Faros-style shock, 50 developers (2)"]
    # The open scenario is that snapshot, under the same name, until it is edited again.
    assert at.session_state["scenario"].name == "Faros-style shock, 50 developers (2)"
    assert at.button(key="compare_keep").disabled


def test_open_a_kept_scenario_keeps_the_one_you_had(open_app, worked_example):
    demo_at = open_app(page=PAGE)
    demo = demo_at.session_state["scenario"]
    at = open_app(page=PAGE, scenario=worked_example)
    at.session_state["compared"] = [demo]
    at.run()
    at.selectbox(key="compare_pick").set_value(demo.name).run()
    at.button(key="compare_open").click().run()
    assert not at.exception
    assert at.session_state["scenario"] == demo
    assert at.session_state["compared"] == [demo, worked_example]  # nothing lost
    opened = f"Opened '{demo.name}': every page now shows it. The scenario you had"
    assert at.success[0].value.startswith(opened)
    at.switch_page("pages/summary.py").run()
    npv = fmt.money(compute(demo).finance.npv, compact=True, signed=True)
    assert metric_value(at, "Net present value") == npv


def test_a_kept_scenario_measured_elsewhere_does_not_show_the_loaded_exports(open_app):
    at = open_app(page=PAGE)  # the demo's 20 exports are loaded
    demo = at.session_state["scenario"]
    client = demo.model_copy(update={
        "name": "Acme (measured)",
        "measurement": demo.measurement.model_copy(update={"sources": ["acme_pulls.json"]}),
    })
    at.session_state["compared"] = [client]
    at.run()
    at.button(key="compare_open").click().run()
    assert at.session_state["scenario"] == client
    assert at.session_state["exports"] is None  # not the demo's files under Acme's name
    assert "measured from 1 export (acme_pulls.json): upload it on the Data page" in at.success[0].value


def test_remove(open_app, worked_example):
    other = with_value(worked_example, "name", "Other")
    at = open_app(page=PAGE, scenario=worked_example)
    at.session_state["compared"] = [worked_example, other]
    at.run()
    at.selectbox(key="compare_pick").set_value("Other").run()
    at.button(key="compare_remove").click().run()
    assert at.session_state["compared"] == [worked_example]
    assert at.success[0].value == "Removed 'Other' from the comparison."


def test_after_a_removal_the_picker_names_the_scenario_its_buttons_act_on(open_app, worked_example):
    """Picked by position, the box kept showing a removed scenario's name while the next one took its slot:
    "Download its scenario file" then saved that other scenario, and a second Remove dropped it (compare audit 1)."""
    first, second, third = (with_value(worked_example, "name", name) for name in ("First", "Second", "Third"))
    at = open_app(page=PAGE, scenario=worked_example)
    at.session_state["compared"] = [first, second, third]
    at.run()
    at.selectbox(key="compare_pick").set_value("Second").run()
    at.button(key="compare_remove").click().run()
    assert at.session_state["compared"] == [first, third]
    assert at.selectbox(key="compare_pick").value == "Third"  # the scenario now in its place, named
    assert at.selectbox(key="compare_pick").options == ["First", "Third"]
    at.button(key="compare_remove").click().run()
    assert at.session_state["compared"] == [first]
    assert at.selectbox(key="compare_pick").value == "First"


def test_the_open_scenario_alone_can_be_saved_as_a_workshop(open_app, worked_example, downloads):
    """A consultant who had kept nothing could not save the workshop ("Keep a scenario to save the workshop")."""
    edited = with_value(worked_example, "finance.discount_rate", 0.05)
    at = open_app(page=PAGE, scenario=edited)
    assert "The workshop file holds the open scenario; keep scenarios (above) to save them with it." in [
        c.value for c in at.caption]
    saved = downloads(at, "Download the workshop (1 scenario)")
    again = open_app(page=PAGE)  # a fresh session
    again.file_uploader(key="compare_upload_0").set_value(("acme-workshop.zip", saved, "application/zip")).run()
    assert not again.exception and not again.error
    assert again.session_state["scenario"] == edited and again.session_state["compared"] == []


def test_a_pr_size_limit_tried_and_not_applied_is_named_where_the_workshop_is_saved(open_app, worked_example):
    """A reload keeps the limit tried on Review capacity; the workshop file does not, and said nothing: reopened,
    the Review page's figures differed."""
    said = "The PR size limit tried on **Review capacity** (300 lines) is a what-if, so it is not in"
    at = open_app(page="pages/review.py", scenario=worked_example)
    at.number_input(key="review_pr_limit").set_value(300).run()
    at.switch_page(PAGE).run()
    assert [w.value for w in at.warning if w.value.startswith(said)] == [
        f"{said} the workshop file: click **Apply the limit** there to keep it in the scenario."]
    at.switch_page("pages/export.py").run()
    assert [w.value for w in at.warning if w.value.startswith(said)] == [
        f"{said} the workbook or the scenario file below: click **Apply the limit** there to keep it in the scenario."]
    at.switch_page("pages/review.py").run()
    at.button(key="review_apply_limit").click().run()
    at.switch_page(PAGE).run()
    assert not [w for w in at.warning if w.value.startswith(said)]


def test_save_and_resume_a_workshop(open_app, worked_example):
    other = with_value(worked_example, "name", "Other")
    saved = workshop_zip([worked_example, other])
    at = open_app(page=PAGE, scenario=worked_example)
    at.file_uploader(key="compare_upload_0").set_value(("acme-workshop.zip", saved, "application/zip")).run()
    assert not at.exception and not at.error
    assert at.session_state["compared"] == [worked_example, other]
    assert at.file_uploader(key="compare_upload_1").value == []  # emptied for the next files
    assert "Download the workshop (2 scenarios)" in [b.proto.label for b in at.get("download_button")]
    # The resumed workshop compares exactly what was saved: the open scenario is one of them.
    assert list(table(at)) == ["Faros-style shock, 50 developers", "Other"]


def test_the_workshop_saves_the_open_scenario_edited_after_the_last_keep(open_app, worked_example):
    """Three kept, then an assumption changed: the comparison showed four columns, the fourth "(open, not
    kept)", but the workshop file held the three kept ones and the edit was lost."""
    edited = with_value(worked_example, "finance.discount_rate", 0.05)
    at = open_app(page=PAGE, scenario=edited)
    at.session_state["compared"] = [worked_example]
    at.run()
    assert list(table(at)) == ["Faros-style shock, 50 developers", "Faros-style shock, 50 developers (open, not kept)"]
    assert "Download the workshop (2 scenarios)" in [b.proto.label for b in at.get("download_button")]


def test_a_reopened_workshop_opens_the_scenario_open_when_it_was_saved(open_app, worked_example):
    """In a fresh session (the demo open, as the app starts) the workshop's scenarios are kept and the one
    marked open is opened; the untouched demo is not added to the workshop."""
    other = with_value(worked_example, "name", "Other")
    saved = workshop_zip([worked_example, other], open_index=1)
    at = open_app(page=PAGE)  # a fresh session: the demo organisation
    at.file_uploader(key="compare_upload_0").set_value(("acme-workshop.zip", saved, "application/zip")).run()
    assert not at.exception and not at.error
    assert at.session_state["compared"] == [worked_example, other]
    assert at.session_state["scenario"] == other
    assert "Opened 'Other': every page now shows it." in at.success[0].value
    assert "kept as" not in at.success[0].value


def test_a_reopened_workshop_leaves_the_open_scenario_unkept_as_it_was(open_app, worked_example, downloads):
    """One kept and the open one edited after: reopened, both were kept ("3 kept", "The open scenario is already
    kept") where the comparison had shown one kept and the open one, not kept."""
    edited = with_value(worked_example, "finance.discount_rate", 0.05)
    at = open_app(page=PAGE, scenario=edited)
    at.session_state["compared"] = [worked_example]
    at.run()
    before = table(at)
    saved = downloads(at, "Download the workshop (2 scenarios)")
    assert read_workshop("w.zip", saved).open_kept is False
    again = open_app(page=PAGE)  # a fresh session
    again.file_uploader(key="compare_upload_0").set_value(("acme-workshop.zip", saved, "application/zip")).run()
    assert not again.exception and not again.error
    assert again.session_state["compared"] == [worked_example]
    assert again.session_state["scenario"] == edited
    assert table(again) == before  # the same columns: one kept, the open one not kept


def test_a_reopened_workshop_keeps_an_edited_open_scenario_first(open_app, worked_example):
    other = with_value(worked_example, "name", "Other")
    edited = with_value(worked_example, "name", "Mine")
    at = open_app(page=PAGE, scenario=edited)
    saved = workshop_zip([worked_example, other], open_index=0)
    at.file_uploader(key="compare_upload_0").set_value(("acme-workshop.zip", saved, "application/zip")).run()
    assert at.session_state["scenario"] == worked_example
    assert at.session_state["compared"] == [worked_example, other, edited]  # nothing lost


def test_a_bad_file_adds_nothing(open_app, worked_example):
    broken = scenario_to_json(worked_example).replace('"reviewers": 17', '"reviewers": -3')
    at = open_app(page=PAGE, scenario=worked_example)
    at.file_uploader(key="compare_upload_0").set_value(
        [("good.json", scenario_to_json(worked_example).encode(), "application/json"),
         ("broken.json", broken.encode(), "application/json")]
    ).run()
    assert not at.exception
    assert at.error[0].value.startswith("broken.json, field 'review.reviewers': ")
    assert at.session_state["compared"] == []


def test_other_currencies_are_not_drawn_on_one_axis(open_app, worked_example):
    euros = with_value(with_value(worked_example, "currency", "EUR"), "name", "In euros")
    at = open_app(page=PAGE, scenario=worked_example)
    at.session_state["compared"] = [worked_example, euros]
    at.run()
    assert table(at)["In euros"]["Net present value"] == "−€8.5k"
    assert at.table[0].value["In euros"]["Net present value"] == "−\u2060€8.5k"  # never "−" above "€8.5k"
    assert any("different currencies (USD, EUR)" in c.value for c in at.caption)
    # Above the table, not only under the chart: "+$1.4M … +€1.4M" on one row read as one comparison.
    assert [w.value for w in at.warning] == [
        "The scenarios' money is in different currencies (USD, EUR) and no amount is converted: compare NPVs, costs "
        "and benefits only between scenarios in the same currency, or set one currency and its amounts in each."]


def test_npvs_over_different_horizons_are_said_to_be(open_app, worked_example):
    longer = with_values(worked_example, {"name": "Five years", "finance.horizon_years": 5,
                                          "finance.adoption_by_year": [0.7, 0.9, 0.9, 0.9, 0.9]})
    at = open_app(page=PAGE, scenario=worked_example)
    at.session_state["compared"] = [worked_example, longer]
    at.run()
    assert ("The NPVs are over different horizons (3 and 5 years): a longer one counts more years of benefits and "
            "costs (the table's Horizon row).") in [c.value for c in at.caption]


def test_kept_from_the_sidebar_and_kept_through_a_reset(open_app, worked_example):
    at = open_app(scenario=worked_example)  # AppTest draws the sidebar only before a page switch
    at.sidebar.button(key="sidebar_keep").click().run()
    assert at.success[0].value == "Kept 'Faros-style shock, 50 developers' for comparison (1 kept)."
    assert at.session_state["compared"] == [worked_example]
    fresh = open_app(scenario=worked_example)  # (and only on its first run)
    fresh.session_state["compared"] = [worked_example]
    fresh.sidebar.button(key="sidebar_reset").click().run()
    assert fresh.session_state["compared"] == [worked_example]
    assert fresh.session_state["scenario"] != worked_example


def test_a_workshop_member_from_an_older_version_names_the_fields_set_to_defaults(open_app, worked_example):
    import io
    import json
    import zipfile

    older = json.loads(scenario_to_json(with_value(worked_example, "name", "Other")))
    del older["quality"]["impact_share"], older["review"]["arrival_cv2"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("current.json", scenario_to_json(worked_example))
        archive.writestr("other.json", json.dumps(older))
    at = open_app(page=PAGE, scenario=worked_example)
    at.file_uploader(key="compare_upload_0").set_value(("old.zip", buffer.getvalue(), "application/zip")).run()
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == [
        f"Kept '{worked_example.name}' for comparison (1 kept). Kept 'Other' for comparison (2 kept). "
        "Not in its file, so set to their defaults: Arrival variability (ca²), "
        "Share of downtime that hurts the business."
    ]
    assert [s.name for s in at.session_state["compared"]] == [worked_example.name, "Other"]


def test_names_in_the_table_cannot_form_images_or_links(open_app, worked_example):
    """st.table renders Markdown: a scenario or tool named ``![a](http://…)`` made the browser fetch it."""
    image = "![a](http://evil.example/a.png)"
    hostile = with_value(worked_example, "name", f"A {image}")
    hostile = with_value(hostile, "costs.tools.0.name", f"Tool {image}")
    at = open_app(page=PAGE, scenario=hostile)
    at.button(key="compare_keep").click().run()
    at.switch_page("pages/review.py").run()
    at.number_input(key="review_reviewers").set_value(40).run()
    at.switch_page(PAGE).run()
    shown = table(at)
    escaped = "!\\[a\\](http://evil.example/a.png)"
    assert list(shown) == [f"A {escaped}", f"A {escaped} (open, not kept)"]
    assert all(f"Tool {escaped}" in column["AI tools priced"] for column in shown.values())
    assert image not in str(shown)


def test_the_downloads_hold_what_the_page_compares(open_app, worked_example, downloads):
    # One kept, the open one edited after: the workshop, the CSV and the scenario file are each checked
    # against what they must hold, read back as a user's next visit or spreadsheet would.
    edited = with_value(worked_example, "review.reviewers", 40)
    at = open_app(page=PAGE, scenario=edited)
    at.session_state["compared"] = [worked_example]
    at.run()
    saved = read_workshop("saved.zip", downloads(at, "Download the workshop (2 scenarios)"))
    assert saved.scenarios == [worked_example, edited] and saved.open_index == 1 and saved.exports is None

    rows = list(csv.reader(io.StringIO(downloads(at, "Download the comparison (CSV)").decode("utf-8"))))
    assert rows[0] == ["figure", "label", "unit", "Faros-style shock, 50 developers",
                       "Faros-style shock, 50 developers (open, not kept)"]
    by_key = {row[0]: row[3:] for row in rows[1:]}
    for column, scenario in enumerate((worked_example, edited)):
        results = compute(scenario)
        assert float(by_key["npv"][column]) == results.finance.npv  # every digit, not the table's "−$8.5k"
        assert float(by_key["utilisation_after"][column]) == results.review.post.utilization
        assert int(by_key["reviewers"][column]) == scenario.review.reviewers

    at.selectbox(key="compare_pick").set_value(worked_example.name).run()
    assert downloads(at, "Download its scenario file") == scenario_to_json(worked_example).encode("utf-8")


def _workshop_button(at) -> str:
    """The label of the workshop's download button (it says the file's size when it holds exports)."""
    labels = [b.proto.label for b in at.get("download_button") if b.proto.label.startswith("Download the workshop")]
    assert len(labels) == 1, labels
    return labels[0]


def _measured_client(open_app):
    """A session whose exports were uploaded on the Data page, an assumption edited after the measurement, and the
    scenario kept: (the AppTest on the Compare page, the Data page's measured table and files table)."""
    at = open_app(page="pages/data.py")
    exports_uploader(at).set_value(("acme_pulls.json", github_pulls(), "application/json")).run()
    at.date_input(key="data_adoption").set_value(date(2025, 3, 3)).run()
    at.number_input(key="data_ramp").set_value(1).run()
    measured_table = next(t.value for t in at.table if "Definition" in t.value.columns)
    files_table = at.dataframe[0].value
    at.switch_page("pages/review.py").run()
    at.number_input(key="review_reviewers").set_value(40).run()  # an edit the measurement must not undo
    at.switch_page(PAGE).run()
    at.button(key="compare_keep").click().run()
    assert not at.exception and not at.error
    return at, measured_table, files_table


def test_a_reopened_workshop_brings_back_its_exports_as_loaded(open_app, downloads):
    at, measured_table, files_table = _measured_client(open_app)
    edited = at.session_state["scenario"]
    assert edited.review.reviewers == 40 and edited.measurement.ramp_weeks == 1
    assert at.checkbox(key="compare_workshop_exports").value  # included unless left out
    label = _workshop_button(at)
    saved = downloads(at, label)
    assert label == f"Download the workshop (1 scenario, 1 export, {fmt.file_size(len(saved))})"
    assert read_workshop("saved.zip", saved).exports.files == (("acme_pulls.json", github_pulls()),)

    fresh = open_app(page=PAGE)  # another day: the demo organisation, as the app starts
    fresh.file_uploader(key="compare_upload_0").set_value(("acme-workshop.zip", saved, "application/zip")).run()
    assert not fresh.exception and not fresh.error
    assert fresh.session_state["scenario"] == edited  # the edit stays: not measured again over it
    assert fresh.session_state["compared"] == [edited]
    assert fresh.session_state["exports"] == (("acme_pulls.json", github_pulls()),)
    assert (fresh.session_state["adoption_date"], fresh.session_state["ramp_weeks"]) == (date(2025, 3, 3), 1)
    assert fresh.success[0].value.endswith(
        "The workshop's 1 export (acme_pulls.json) is loaded again, as when it was saved (the Data page lists it).")
    fresh.switch_page("pages/data.py").run()
    assert not fresh.exception and not fresh.error
    pd.testing.assert_frame_equal(next(t.value for t in fresh.table if "Definition" in t.value.columns),
                                  measured_table)
    pd.testing.assert_frame_equal(fresh.dataframe[0].value, files_table)
    # 8 developers × 2 PRs a week after adoption, the first week left out as ramp-up: 7 weeks, not 8.
    assert list(measured_table.loc["Merged PRs", ["Before", "After"]]) == ["64", "112"]
    assert fresh.date_input(key="data_adoption").value == date(2025, 3, 3)
    assert fresh.session_state["scenario"] == edited
    fresh.switch_page("pages/productivity.py").run()
    assert fresh.get("arrow_vega_lite_chart") or fresh.get("vega_lite_chart")
    assert not any("Load pull-request exports" in i.value for i in fresh.info)  # the PR distributions are back


def test_a_workshop_can_leave_the_exports_out(open_app, downloads):
    at, _, _ = _measured_client(open_app)
    at.checkbox(key="compare_workshop_exports").uncheck().run()
    saved = downloads(at, "Download the workshop (1 scenario)")
    assert read_workshop("saved.zip", saved).exports is None
    at.switch_page("pages/review.py").run()
    at.switch_page(PAGE).run()
    assert not at.checkbox(key="compare_workshop_exports").value  # the choice outlives a visit to another page

    fresh = open_app(page=PAGE)
    fresh.file_uploader(key="compare_upload_0").set_value(("acme-workshop.zip", saved, "application/zip")).run()
    assert fresh.session_state["scenario"].review.reviewers == 40
    assert fresh.session_state["exports"] is None  # not the demo's files under the client's scenario
    assert "measured from 1 export (acme_pulls.json): upload it on the Data page" in fresh.success[0].value


def test_exports_a_reopened_workshop_replaced_can_be_brought_back(open_app, downloads):
    at, _, _ = _measured_client(open_app)
    saved = downloads(at, _workshop_button(at))
    other = ("other_pulls.json", github_pulls(authors=4))
    fresh = open_app(page="pages/data.py")
    exports_uploader(fresh).set_value((*other, "application/json")).run()
    mine = fresh.session_state["scenario"]
    fresh.switch_page(PAGE).run()
    fresh.file_uploader(key="compare_upload_0").set_value(("acme-workshop.zip", saved, "application/zip")).run()
    assert fresh.session_state["exports"] == (("acme_pulls.json", github_pulls()),)
    # The scenario open before is kept, as ever (under " (2)": the workshop's has the same name).
    assert fresh.session_state["compared"][-1] == mine.model_copy(update={"name": f"{mine.name} (2)"})
    fresh.switch_page("pages/data.py").run()
    fresh.button(key="data_bring_back").click().run()
    assert not fresh.exception and not fresh.error
    assert fresh.session_state["exports"] == (other,)
    assert fresh.session_state["scenario"] == mine


def test_exports_no_scenario_of_the_workshop_was_measured_from_stay_out(open_app, worked_example):
    """Client A's exports loaded, client B's scenario (estimates) open and kept: A's raw exports with their
    logins went into B's workshop file, ticked by default."""
    at, _, _ = _measured_client(open_app)
    at.session_state["compared"] = [worked_example]
    at.session_state["scenario"] = worked_example
    at.run()
    assert not at.exception
    assert _workshop_button(at) == "Download the workshop (1 scenario)"
    assert not [box for box in at.checkbox if box.key == "compare_workshop_exports"]


def test_large_exports_are_left_out_unless_ticked(open_app, downloads, monkeypatch):
    # Packed again after every edit: over 50 MB (here 1 kB) they cost a visit seconds, so they are asked for.
    import appstate

    monkeypatch.setattr(appstate, "INCLUDE_EXPORTS_UP_TO", 1000)
    at, _, _ = _measured_client(open_app)
    assert not at.checkbox(key="compare_workshop_exports").value
    assert _workshop_button(at) == "Download the workshop (1 scenario)"
    at.checkbox(key="compare_workshop_exports").check().run()
    assert read_workshop("w.zip", downloads(at, _workshop_button(at))).exports is not None


def test_a_workshop_whose_open_mark_was_lost_says_its_exports_were_not_loaded(open_app, worked_example):
    # Unzipped and zipped again (Finder drops the zip comments): the exports cannot be told to belong to a scenario.
    from roi.workshop import Exports

    saved = zipfile.ZipFile(io.BytesIO(workshop_zip([worked_example], 0, Exports((("a.json", b"[]"),)))))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member in saved.infolist():
            archive.writestr(member.filename, saved.read(member))  # without its comment
    at = open_app(page=PAGE)
    at.file_uploader(key="compare_upload_0").set_value(("acme-workshop.zip", buffer.getvalue(), "application/zip"))
    at.run()
    assert not at.exception and not at.error
    assert at.warning[0].value.endswith(
        "acme-workshop.zip also holds exports, but no longer marks which scenario was open (zipped again by hand?), "
        "so they were not loaded: upload them on the Data page.")


def test_a_failed_upload_beside_a_workshop_does_not_unpack_its_exports(open_app, worked_example, monkeypatch):
    # The uploader keeps a failed upload, so every click read it again: the exports too (hundreds of MB).
    from roi import workshop
    from roi.workshop import Exports

    unpacked = []
    read_exports = workshop._read_exports
    monkeypatch.setattr(workshop, "_read_exports", lambda *args: unpacked.append(1) or read_exports(*args))
    saved = workshop_zip([worked_example], 0, Exports((("a.json", b"[]"),)))
    at = open_app(page=PAGE)
    at.file_uploader(key="compare_upload_0").set_value(
        [("w.zip", saved, "application/zip"), ("bad.json", b"{not json", "application/json")]).run()
    at.run()
    assert at.error and unpacked == []


def test_keeping_the_same_scenario_twice_keeps_it_once(worked_example):
    # The Keep buttons are disabled once a scenario is kept, but a double click runs the callback twice before
    # the page is drawn again: the second keep must not add an "X (2)" column (and a second workshop member).
    from streamlit.testing.v1 import AppTest

    from tests.conftest import APP_TIMEOUT

    def twice():
        import streamlit as st

        import appstate

        first = appstate.keep(st.session_state["to_keep"])[1]
        second = appstate.keep(st.session_state["to_keep"])[1]
        st.session_state["notes"] = (first, second)

    at = AppTest.from_function(twice, default_timeout=APP_TIMEOUT)
    at.session_state["compared"] = []
    at.session_state["to_keep"] = worked_example
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["compared"] == [worked_example]
    assert at.session_state["notes"] == (
        "Kept 'Faros-style shock, 50 developers' for comparison (1 kept).",
        "'Faros-style shock, 50 developers' is already in the comparison.",
    )


def test_a_zip_archive_of_exports_counts_its_files_as_the_data_page_does(open_app):
    """"Include the 1 loaded export" beside "Measured from 20 exports": the zip was counted as one."""
    import json

    pulls = json.loads(github_pulls())
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("exports/a_pulls.json", json.dumps(pulls[: len(pulls) // 2]))
        zipped.writestr("exports/b_pulls.json", json.dumps(pulls[len(pulls) // 2:]))
    at = open_app(page="pages/data.py")
    exports_uploader(at).set_value(("acme.zip", archive.getvalue(), "application/zip")).run()
    at.date_input(key="data_adoption").set_value(date(2025, 3, 3)).run()
    assert len(at.session_state["scenario"].measurement.sources) == 2
    at.switch_page(PAGE).run()
    at.button(key="compare_keep").click().run()
    assert at.checkbox(key="compare_workshop_exports").label.startswith("Include the 2 loaded exports (")
    assert _workshop_button(at).startswith("Download the workshop (1 scenario, 2 exports, ")
