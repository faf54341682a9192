"""AppTest of the whole app: navigation, the sidebar, and state that survives page switches."""

from __future__ import annotations

from roi.models import load_scenario
from tests.conftest import SCENARIOS, metric_value

PAGES = ["pages/summary.py", "pages/data.py", "pages/productivity.py", "pages/review.py", "pages/finance.py",
         "pages/rollout.py", "pages/export.py"]


def test_every_page_renders_on_the_demo_without_errors(open_app):
    at = open_app()
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, [e.value for e in at.error])
        assert at.title, page


def test_sidebar_rename_and_reset(open_app, worked_example):
    # AppTest draws the entry point's sidebar only on the first page of a session (in a browser it is on
    # every page, see test_browser.py), so the sidebar is driven from the summary here.
    at = open_app(scenario=worked_example)
    at.sidebar.text_input(key="sidebar_name").set_value("Board review, March").run()
    assert at.session_state["scenario"].name == "Board review, March"
    assert at.title[0].value == "Board review, March"
    assert at.session_state["scenario"].review == worked_example.review  # only the name changed
    at.sidebar.button(key="sidebar_reset").click().run()
    demo = load_scenario(SCENARIOS / "demo_org.json")
    assert at.session_state["scenario"] == demo
    assert at.sidebar.text_input(key="sidebar_name").value == demo.name


def test_edits_on_one_page_show_on_every_other(open_app, worked_example):
    at = open_app(page="pages/finance.py", scenario=worked_example)
    at.number_input(key="finance_capture_factor").set_value(90).run()
    npv = metric_value(at, "Net present value")
    at.switch_page("pages/summary.py").run()
    assert metric_value(at, "Net present value") == npv
    at.switch_page("pages/finance.py").run()
    assert at.number_input(key="finance_capture_factor").value == 90.0
