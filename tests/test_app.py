"""AppTest of the whole app: navigation, the sidebar, and state that survives page switches."""

from __future__ import annotations

import altair as alt
import pytest
from streamlit.testing.v1 import AppTest

import appstate
from roi import charts
from roi.engine import compute
from roi.models import load_scenario
from tests.conftest import APP_TIMEOUT, ROOT, SCENARIOS, metric_value

PAGES = [
    "pages/summary.py",
    "pages/data.py",
    "pages/productivity.py",
    "pages/review.py",
    "pages/finance.py",
    "pages/rollout.py",
    "pages/export.py",
]


def test_every_page_renders_on_the_demo_without_errors(open_app):
    at = open_app()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
        assert at.title, page


# AppTest draws the entry point's sidebar only in the first run of a session (in a browser it is on every
# page and after every click: test_browser.py), so each sidebar action gets its own fresh session here.


def test_sidebar_rename(open_app, worked_example):
    at = open_app(scenario=worked_example)
    at.sidebar.text_input(key="sidebar_name").set_value("Board review, March").run()
    assert at.session_state["scenario"].name == "Board review, March"
    assert at.title[0].value == "Board review, March"
    assert at.session_state["scenario"].review == worked_example.review  # only the name changed


def test_an_emptied_scenario_name_is_refused_and_the_earlier_one_kept(open_app, worked_example):
    # A blank name titled every page with nothing, showed "****" on the Export page and saved "scenario.json".
    at = open_app(scenario=worked_example)
    at.sidebar.text_input(key="sidebar_name").set_value("   ").run()
    assert at.session_state["scenario"].name == worked_example.name
    # Shown under the box on the next run that draws the sidebar (AppTest draws it only on a session's first).
    assert at.session_state[appstate._EDIT_ERRORS] == {"sidebar_name": (
        "“Scenario name”: is empty; give the scenario a name: it titles every page and names the saved files. The "
        "earlier value is kept.")}


def test_the_sidebar_says_where_the_workshop_is_saved(open_app, worked_example):
    """Saving and reopening the whole workshop was only on Compare scenarios, which a consultant did not find."""
    at = open_app(scenario=worked_example)
    links = [e.proto for e in at.sidebar.get("page_link")]
    assert [(link.label, link.page) for link in links] == [("Save or open the workshop", "compare")]


def test_sidebar_reset_back_to_the_demo(open_app, worked_example):
    at = open_app(scenario=worked_example)
    assert at.sidebar.caption[0].value == "Estimates or published findings (not measured from exports)"
    at.sidebar.button(key="sidebar_reset").click().run()
    demo = load_scenario(SCENARIOS / "demo_org.json")
    assert at.session_state["scenario"] == demo
    assert at.title[0].value == demo.name
    assert at.success[0].value == ("Back to the demo organisation. **Undo the reset** (in the sidebar) brings back "
                                   "what was open, until you change the demo.")


def test_a_reset_can_be_undone_until_the_demo_is_changed(open_app, worked_example):
    """The reset sits under "Keep for comparison": one click threw a client's scenario, exports and what-ifs
    away, with only "Back to the demo organisation." to show for it."""
    at = open_app(page="pages/review.py", scenario=worked_example)
    at.number_input(key="review_pr_limit").set_value(300.0).run()  # a what-if kept outside the scenario
    at.switch_page("app.py").run()
    assert not any(b.key == "sidebar_undo_reset" for b in at.sidebar.button)
    at.sidebar.button(key="sidebar_reset").click().run()
    assert at.session_state["scenario"] == load_scenario(SCENARIOS / "demo_org.json")
    at.sidebar.button(key="sidebar_undo_reset").click().run()
    assert not at.exception
    assert at.session_state["scenario"] == worked_example
    assert at.session_state["kept_review_pr_limit"] == 300.0
    assert at.success[0].value == "The reset is undone: your scenario, loaded exports and what-ifs are back."
    assert not any(b.key == "sidebar_undo_reset" for b in at.sidebar.button)
    # Offered only while the demo the reset opened is unchanged: an undo then would throw the edits away.
    at.sidebar.button(key="sidebar_reset").click().run()
    at.switch_page("pages/finance.py").run()
    at.number_input(key="finance_capture_factor").set_value(90).run()
    at.switch_page("app.py").run()
    assert not any(b.key == "sidebar_undo_reset" for b in at.sidebar.button)
    assert appstate.UNDO_RESET not in at.session_state


def test_edits_on_one_page_show_on_every_other(open_app, worked_example):
    at = open_app(page="pages/finance.py", scenario=worked_example)
    at.number_input(key="finance_capture_factor").set_value(90).run()
    npv = metric_value(at, "Net present value")
    at.switch_page("pages/summary.py").run()
    assert metric_value(at, "Net present value") == npv
    at.switch_page("pages/finance.py").run()
    assert at.number_input(key="finance_capture_factor").value == 90.0


def test_a_set_of_files_is_keyed_by_each_files_sha256_in_order_and_remembered():
    import hashlib

    import appstate

    files = (("pulls.json", b"[" + b"1," * 50_000 + b"1]"), ("reviews.csv", b"id\n1\n"), ("empty.csv", b""))
    key = appstate.digest(files)
    assert key == tuple((name, hashlib.sha256(data).hexdigest()) for name, data in files)
    assert appstate.digest(files) is key  # the same bytes again: not hashed twice
    assert appstate.digest(tuple(reversed(files))) == tuple(reversed(key))


def test_reset_forgets_the_what_ifs(open_app):
    """"Reset to the demo" promises to forget edits: the PR size what-if on Review capacity included."""
    at = open_app(page="pages/review.py")
    at.number_input(key="review_pr_limit").set_value(300.0).run()
    assert any("PRs capped at 300" in i.value for i in at.info)
    fresh = open_app()  # AppTest draws no sidebar after a page switch: reset from the first page
    fresh.session_state["kept_review_pr_limit"] = at.session_state["kept_review_pr_limit"]
    fresh.sidebar.button(key="sidebar_reset").click().run()
    fresh.switch_page("pages/review.py").run()
    assert fresh.number_input(key="review_pr_limit").value == 0.0
    assert not any("PRs capped" in i.value for i in fresh.info)


def test_opening_a_saved_scenario_clears_the_pr_size_what_if_and_says_so(open_app, worked_example):
    """Tried on the demo, the limit stayed on the scenario opened next: the Review page showed its capped PRs
    (86%, "today's 44 are enough") beside the Summary's 105% and 48 needed."""
    at = open_app(page="pages/review.py")
    at.number_input(key="review_pr_limit").set_value(300.0).run()
    at.switch_page("pages/export.py").run()
    at.file_uploader(key="export_scenario_upload").set_value(
        ("client.json", worked_example.model_dump_json().encode(), "application/json")).run()
    assert any(s.value.endswith("The PR size limit tried on Review capacity (300 lines, not applied) is cleared.")
               for s in at.success), [s.value for s in at.success]
    at.switch_page("pages/review.py").run()
    assert at.number_input(key="review_pr_limit").value == 0.0
    assert not any("PRs capped" in i.value for i in at.info)


def test_a_published_finding_on_measured_data_is_not_called_measured(open_app):
    at = open_app(page="pages/data.py")
    assert "Measured from 20 exports" in at.caption[0].value
    at.selectbox(key="data_preset").set_value("metr_2025.json").run()
    at.button(key="data_apply_preset").click().run()
    assert at.session_state["scenario"].measurement is None
    assert "Estimates or published findings (not measured from exports)" in at.caption[0].value


@pytest.mark.parametrize("page, title", [("pages/rollout.py", "Rollout plan"),
                                         ("pages/review.py", "Review capacity")])
def test_a_page_opened_by_its_address_first_is_shown_through_the_app(page, title):
    # The first request to a fresh server asking for …/rollout ran pages/rollout.py alone (Streamlit's
    # old pages/ mode until st.navigation has run): no sidebar, narrow layout, file names as navigation.
    # Other pages went through app.py but landed on the summary instead of the page asked for.
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
    at.switch_page(page)  # before the first run: as a link to the page's address
    at.run()
    assert not at.exception
    assert [t.value for t in at.title][:1] == [title]
    assert [w.label for w in at.sidebar.text_input] == ["Scenario name"]  # app.py's sidebar
    assert at.session_state[appstate.PAGE] == page.removeprefix("pages/").removesuffix(".py")


def test_sidebar_captions_meet_wcag_aa():
    # Streamlit draws captions in the text colour at 60% opacity over the background; in the sidebar that
    # was #717274 on #f3f6fa, 4.45:1, under the 4.5:1 WCAG AA asks of 14 px text ("Measured from …").
    import tomllib

    theme = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["theme"]
    sidebar = {**theme, **theme.get("sidebar", {})}

    def rgb(colour: str) -> list[float]:
        return [int(colour[i : i + 2], 16) for i in (1, 3, 5)]

    def luminance(channels: list[float]) -> float:
        scaled = [v / 255 for v in channels]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in scaled]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for area, back in ((theme, theme["backgroundColor"]), (sidebar, sidebar["secondaryBackgroundColor"])):
        caption = [0.6 * t + 0.4 * b for t, b in zip(rgb(area["textColor"]), rgb(back), strict=True)]
        light, dark = sorted((luminance(caption), luminance(rgb(back))), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (area["textColor"], back)


def test_page_links_show_keyboard_focus(open_app):
    # Streamlit marked a focused page link only with a 15% tint (1.1:1 on the sidebar): a keyboard user could
    # not see which link Tab had reached. The app adds a solid outline in the primary colour.
    import re

    at = open_app()
    styles = [element.proto.body for element in at.get("html")]
    assert appstate.FOCUS_STYLE in styles and appstate.TOP_STYLE in styles  # each drawn whole, on every page
    for link in ("stSidebarNavLink", "stPageLink-NavLink"):
        assert f'[data-testid="{link}"]:focus-visible' in appstate.FOCUS_STYLE
    outline = re.search(r"outline: (\d+)px solid (#[0-9a-f]{6})", appstate.FOCUS_STYLE)
    assert int(outline.group(1)) >= 2 and outline.group(2) == "#1f4e79"  # 8.0:1 on the sidebar's #f3f6fa


def test_a_column_of_figures_is_as_wide_as_its_widest_value_in_any_row():
    # The data grid sizes a column from its first ten rows, leaving out a value twice their average: with
    # 50,000 developers the monthly costs' Training column took the width of its heading (64 px) and the
    # training month's "12,684,000" was cut. Digits 7 px, separators 3.5 px, 16 px padding and 1 to spare.
    training = [5_436_000.0, 12_684_000.0] + [0.0] * 34
    assert appstate.figures_width(training, 64) == 8 * 7 + 2 * 3.5 + 16 + 1 == 80
    assert appstate.figures_width([0.0, 1_570.0], 64) == 64  # the heading is the wider
    assert appstate.figures_width([15_000, 50_000], 48) == 56  # "50,000": ceil(5 × 7 + 3.5) + 16 + 1
    assert appstate.figures_width([], 42) == 42


def test_a_chart_is_drawn_without_checking_its_spec_again(worked_example, monkeypatch):
    # Altair checked each chart against the whole Vega-Lite schema as Streamlit drew it: 110 ms of a ROI & risk
    # rerun. tests/test_charts.py checks every chart roi.charts builds; drawing must not pay for it again.
    finance = compute(worked_example).finance
    figure, same = charts.cash_flow(finance, "USD"), charts.cash_flow(finance, "USD")

    def check(*args, **kwargs):
        raise AssertionError("the chart was checked against the Vega-Lite schema as it was drawn")

    monkeypatch.setattr(alt.utils.schemapi, "validate_jsonschema", check)
    appstate.chart(figure, "test_chart")
    with pytest.raises(AssertionError, match="as it was drawn"):  # the check is the one a draw would run
        same.to_dict()
