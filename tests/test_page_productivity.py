"""AppTest of the productivity page: the waterfall terms, naive vs quality-adjusted, distributions."""

from __future__ import annotations

import json

import pytest

from roi import formatting as fmt
from roi.metrics import DEFINITIONS
from roi.models import load_scenario
from roi.whatif import with_values
from tests.conftest import SCENARIOS, metric_value

PAGE = "pages/productivity.py"
M = fmt.MINUS


def _chart_titles(at) -> list[str]:
    return [json.loads(chart.proto.spec).get("title", {}).get("text") for chart in at.get("vega_lite_chart")]


def test_worked_example_terms(open_app, worked_example):
    # METHODS §5: G, ΔR, ΔD, N = 6.30, 5.268, 0.180, 0.852 h; naive 1.101; QAPI 1.0284.
    at = open_app(page=PAGE, scenario=worked_example)
    # The unit in the chip: "+11.98 h" (the demo's G) was cut to "+11.9…" in a fifth of a 1280-px screen.
    assert metric_value(at, "Gross gain (G)") == "+6.30"
    assert {m.delta for m in at.metric} == {"h / dev-week"}
    # The tiles show what each term takes off N = G − ΔR − ΔD − ΔI: −ΔR = −5.27 h, not "ΔR = −5.27 h".
    assert metric_value(at, "Review tax (−ΔR)") == f"{M}5.27"
    assert metric_value(at, "Bug fixing (−ΔD)") == f"{M}0.18"
    # Five tiles share the row: a longer label ("Extra bug fixing (−ΔD)") is cut off on a 1366-pixel laptop.
    assert max(len(m.label) for m in at.metric) <= 16
    # The table's rates are per working week (W = 46): the Data page's measured ones differ by 365.25/7/46.
    assert any(c.value.startswith("Rates are per working week (46 a year, the scenario's W); a rate measured per "
                                  "calendar week (7 days), as the Data page's measured table shows it, is × 1.1343")
               for c in at.caption)
    assert metric_value(at, "Incidents (−ΔI)") == "0.00"
    assert metric_value(at, "Net gain (N)") == "+0.85"
    text = " ".join(md.value for md in at.markdown)
    assert "**+21.0%**" in text and "**+10.1%**" in text and "**+2.8%**" in text and "**5.27 h**" in text
    table = at.dataframe[0].value.set_index("Measure")
    assert table.loc["Mean PR size (lines changed)", "Change"] == "+154.0%"
    assert (
        table.loc["Bugs per completed task", "Change"] == f"{M}9.9%"
    )  # METHODS §1: +9% per dev is −9.9% per task
    assert _chart_titles(at) == [
        "Where the gain goes, hours per developer-week",
        "Headline vs quality-adjusted productivity",
    ]
    assert "Load pull-request exports" in at.info[0].value  # no event data behind the worked example
    assert not any("Per adopting developer" in c.value for c in at.caption)  # estimates: nothing to reconcile


def test_fewer_prs_save_review_time_and_the_page_says_so(open_app):
    # METR 2025: 16% fewer tasks and PRs, so reviewers save 0.30 h per developer-week. The page said the
    # naive index "ignores the −0.30 h per developer-week that reviewers now spend on more and larger PRs".
    at = open_app(page=PAGE, scenario=load_scenario(SCENARIOS / "metr_2025.json"))
    assert metric_value(at, "Review tax (−ΔR)") == "+0.30"
    text = " ".join(md.value for md in at.markdown)
    assert "reviewers save on fewer or smaller PRs" in text and "**0.30 h**" in text
    assert "now spend on more and larger PRs" not in text and f"{M}0.30 h" not in text


def test_demo_shows_pr_distributions(open_app):
    at = open_app(page=PAGE)
    titles = _chart_titles(at)
    assert "PR size: before vs after" in titles and "Cycle time: before vs after" in titles
    assert not at.info
    # Measured: the table is per adopting developer, and says why it differs from the Data page's.
    assert any(c.value.startswith("Per adopting developer") and "**Data** page" in c.value for c in at.caption)


def test_a_delivery_metric_missing_after_adoption_is_named_not_counted_as_a_gain(open_app, worked_example):
    # METHODS §1, a term is 0 where its inputs are null: the baseline's 10·0.2·8 = 16 h of recovery a week,
    # never entered after adoption, counted as −0.72 h of ΔI (a gain). It counts 0, and the page says why.
    scenario = with_values(worked_example, {
        "baseline.deployments_per_week": 10.0, "baseline.change_failure_rate": 0.2,
        "baseline.recovery_hours": 8.0, "post.deployments_per_week": 12.0, "post.recovery_hours": 10.0,
    })
    at = open_app(page=PAGE, scenario=scenario)
    assert metric_value(at, "Incidents (−ΔI)") == "0.00"
    assert metric_value(at, "Net gain (N)") == "+0.85"
    (note,) = [i.value for i in at.info if "counts 0 in ΔI" in i.value]
    assert note.startswith("**Failed-deployment recovery counts 0 in ΔI:** Change failure rate (after adoption) is")
    assert "Estimates" in note
    assert not any("Rework" in i.value for i in at.info)  # no rework rate in either period: not measured


def test_delivery_metrics_are_shown_against_the_dora_2024_reference(open_app, worked_example):
    # METHODS §7: the demo's lead time 29.6 h → 66.9 h stays in High (1 day to 1 week); its change failure
    # rate 4.1% → 8.5% moves from nearest Elite (5%) to nearest Medium (10%).
    at = open_app(page=PAGE)
    assert "Delivery against the DORA tiers (2024 reference)" in [s.value for s in at.subheader]
    placed = at.table[0].value
    assert placed.loc["Change lead time"].tolist() == [f"1.2{fmt.NBSP}days", "High", f"2.8{fmt.NBSP}days", "High"]
    assert placed.loc["Change failure rate", "Tier after"] == "nearest Medium (10%)"
    # How each is counted, as the Data page says it beside measured exports (a client's estimates too).
    assert at.expander[0].label == "How each is counted"
    counted = at.expander[0].markdown[0].value
    assert f"- **Change failure rate**: {DEFINITIONS['change_failure_rate']}" in counted.splitlines()
    assert counted.count("\n- ") == 3  # lead time, deployment frequency, change failure rate, recovery time
    assert at.expander[1].label == "The DORA tiers (2024 reference)"
    assert at.table[1].value.loc["Failed deployment recovery time", "Elite"] == "under an hour"
    assert any("per application" in c.value for c in at.caption)
    at = open_app(page=PAGE, scenario=worked_example)  # no delivery metrics: where to get them
    assert not at.table
    assert any(c.value.startswith("No delivery metrics in this scenario") for c in at.caption)


def test_a_naive_index_below_the_quality_adjusted_one_is_explained_as_such(open_app):
    """The demo: naive +1.7% under QAPI +14.0%. "Still ignores the 2.48 h reviewers spend" read as if the
    naive figure were the kinder one; it is lower because it takes the bug growth off all output."""
    at = open_app(page=PAGE)
    text = next(m.value for m in at.markdown if "usual correction" in m.value)
    assert text == (
        "The headline counts output: **+22.9%**. The usual correction for quality, output × (1 − bug growth), "
        "gives **+1.7%**: it takes the bug growth off all output, though fixing the extra bugs takes **0.17 h** "
        "per developer-week, and it ignores the **2.48 h** that reviewers now spend on more and larger PRs. "
        "Quality-adjusted productivity counts each in hours: **+14.0%**.")


def test_fewer_developers_than_the_deployments_were_measured_on_are_warned_and_scaled_on_request(open_app):
    """The demo's deployments are its 120 developers': with 1 in scope, ΔI = 3.02054 h instead of 0.025171 h
    (tests/test_team_rates.py) and the quality-adjusted gain +4.0% instead of +14.0%. The page says so and
    scales them only when asked: D0 = 10.5790 / 120 = 0.0882, D1 = 11.3049 / 120 = 0.0942."""
    demo = load_scenario(SCENARIOS / "demo_org.json")
    at = open_app(page=PAGE, scenario=with_values(demo, {"team.developers": 1}))
    assert metric_value(at, "Incidents (−ΔI)") == f"{M}3.02"  # as entered: nothing scaled silently
    (warning,) = [w.value for w in at.warning if "deployments per week" in w.value]
    assert warning.startswith("The deployments per week (10.6 before, 11.3 after adoption, a working week) are the "
                              "team's, measured on the 120 developers the exports counted, but the scenario has 1 "
                              "developer in scope.")
    assert "3.02 h per developer-week instead of 0.03 h, and the quality-adjusted gain is +4.0% instead of +14.0%" \
        in warning
    assert "scale the deployments to 1 developer with the button below (× 1/120: 0.0882 before, 0.0942 after " \
        "adoption); otherwise set “Developers in scope (n)” (ROI & risk → Team) back to 120." in warning
    button = at.button(key="productivity_scale_deployments")
    assert button.label == "Scale deployments to 1 developer"
    button.click().run()
    assert not at.exception
    scenario = at.session_state["scenario"]
    assert scenario.team.developers == 1  # the developers stay as entered
    assert scenario.baseline.deployments_per_week * 120 == pytest.approx(10.579023063978328)
    assert scenario.post.deployments_per_week * 120 == pytest.approx(11.304860854881406)
    assert metric_value(at, "Incidents (−ΔI)") == f"{M}0.03"  # 3.02054 / 120 = 0.025171 h
    assert not [w.value for w in at.warning if "deployments per week" in w.value]
    assert not [b for b in at.button if b.key == "productivity_scale_deployments"]
    assert any("Deployments per week scaled to 1 developer: 0.0882 before, 0.0942 after adoption" in s.value
               for s in at.success)
    at.switch_page("pages/summary.py").run()  # the Summary agrees: +14.0%, no warning left
    assert metric_value(at, "Quality-adjusted") == "+14.0%"
    assert not [w.value for w in at.warning if "deployments per week" in w.value]


def test_a_stale_click_on_scale_deployments_says_there_is_nothing_to_scale(open_app):
    """A second click, or a click on a page drawn before the scenario changed, raised an uncaught error."""
    demo = load_scenario(SCENARIOS / "demo_org.json")
    at = open_app(page=PAGE, scenario=with_values(demo, {"team.developers": 1}))
    button = at.button(key="productivity_scale_deployments")
    at.session_state["scenario"] = demo  # meanwhile back at the 120 developers the deployments describe
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.session_state["scenario"] == demo  # nothing scaled
    assert any(w.value.startswith("The deployments per week need no scaling") for w in at.warning), [
        w.value for w in at.warning
    ]


def test_the_summary_warns_of_the_same_mismatch(open_app):
    demo = load_scenario(SCENARIOS / "demo_org.json")
    at = open_app(scenario=with_values(demo, {"team.developers": 3}))
    (warning,) = [w.value for w in at.warning if "deployments per week" in w.value]
    # 3.02054 / 3 = 1.01 h; × 3/120: 0.264 and 0.283 deployments a working week.
    assert "the incidents of 120 developers fall on 3: 1.01 h per developer-week instead of 0.03 h" in warning
    assert "scale the deployments to 3 developers on the Productivity page (× 3/120: 0.264 before, 0.283 after" \
        in warning
