"""roi.charts: pure chart builders, checked on their data and spec without streamlit."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable

import altair as alt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi import charts
from roi import formatting as fmt
from roi.engine import compute, compute_productivity
from roi.inputs import npv
from roi.uncertainty import likely_values
from roi.whatif import review_curve, with_value, with_values
from tests.strategies import scenarios


@pytest.fixture(scope="module")
def results(worked_example):
    return compute(worked_example)


def _layers(spec: dict, inherited: dict | None = None) -> list[dict]:
    """Every single-view spec inside a (nested) layer / concat spec, with the data it inherits."""
    data = spec.get("data", inherited)
    found = []
    for key in ("layer", "vconcat", "hconcat"):
        for child in spec.get(key, []):
            found.extend(_layers(child, data))
    if "mark" in spec:
        found.append({**spec, "data": data})
    return found


def _data(chart_spec: dict, view: dict) -> list[dict]:
    return chart_spec["datasets"][view["data"]["name"]]


def test_roi_never_imports_streamlit():
    code = "import sys, roi.charts, roi.formatting, roi.whatif; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


class TestWaterfall:
    def test_steps_from_the_worked_example(self, results):
        data = charts.waterfall_data(results.productivity)
        # METHODS §5: G, ΔR, ΔD, N = 6.30, 5.268, 0.180, 0.852 h.
        assert list(data["value"].round(3)) == [6.3, -5.268, -0.18, 0.0, 0.852]
        assert list(data["kind"]) == ["gain", "cost", "cost", "cost", "net"]
        assert data["end"].iloc[3] == pytest.approx(data["end"].iloc[4])  # the steps land on N
        assert list(data["label"]) == [
            "+6.30 h",
            f"{fmt.MINUS}5.27 h",
            f"{fmt.MINUS}0.18 h",
            "0.00 h",
            "+0.85 h",
        ]

    @settings(max_examples=30)
    @given(scenario=scenarios())
    def test_steps_always_land_on_net(self, scenario):
        data = charts.waterfall_data(compute_productivity(scenario))
        assert data["end"].iloc[3] == pytest.approx(data["end"].iloc[4], rel=1e-9, abs=1e-9)

    def test_spec_is_valid_and_readable(self, results):
        spec = charts.waterfall(results.productivity).to_dict()  # to_dict validates against Vega-Lite
        assert spec["config"]["axis"]["labelFontSize"] >= 14
        assert spec["title"]["text"] == "Where the gain goes, hours per developer-week"
        assert spec["layer"][0]["encoding"]["x"]["axis"]["labelExpr"] == "split(datum.label, '|')"

    def test_axis_labels_fit_a_half_width_chart(self, results):
        """At 1280 px with the sidebar open each step has about 65 px: "(more, larger PRs)" on one line ran
        into "Gross gain from AI" (checked on screen at 1280 and 1920 px).  Every line of a label is 11
        characters or fewer (about 65 px at the axis font), and the words are all still there."""
        steps = list(charts.waterfall_data(results.productivity)["step"])
        assert max(len(line) for step in steps for line in step.split("|")) <= 11, steps
        assert [step.replace("|", " ") for step in steps] == [
            "Gross gain from AI", "Review tax (more, larger PRs)", "Extra bug fixing", "Incidents and rework",
            "Net gain (N)",
        ]


def test_index_bars(results):
    data = charts.index_data(results.productivity)
    # Faros: 1.21 × 0.91 = 1.101 (METHODS §1); QAPI 1.0284.
    assert list(data["change"].round(4)) == [0.21, 0.1011, 0.0284]
    assert list(data["label"]) == ["+21.0%", "+10.1%", "+2.8%"]
    charts.index_bars(results.productivity).to_dict()


def test_index_bar_labels_stay_clear_of_the_bars_and_the_edge():
    # The demo organisation: +39.9%, naive −2.1%, +30.6%. The "+39.9%" label was cut off at the right edge
    # and the "−2.1%" label was drawn across its own bar and the zero line.
    spec = charts.index_bars(ProductivityFromChanges(0.399, -0.021, 0.306)).to_dict()
    texts = [v for v in _layers(spec) if v["mark"]["type"] == "text"]
    by_align = {v["mark"]["align"]: v for v in texts}
    assert by_align["left"]["mark"]["dx"] > 0 and by_align["right"]["mark"]["dx"] < 0
    assert by_align["right"]["transform"] == [{"filter": "datum.change < 0"}]
    low, high = texts[0]["encoding"]["x"]["scale"]["domain"]
    assert low < -0.021 - 0.1 and high > 0.399 + 0.1  # room for a label beyond each end
    assert charts.index_domain([0.21, 0.1011, 0.0284]) == [0.0, pytest.approx(0.21 + 0.35 * 0.21)]


class ProductivityFromChanges:
    """The three numbers index_bars reads, without computing a scenario."""

    def __init__(self, output_change: float, naive_change: float, qapi_change: float):
        self.output_change, self.naive_index, self.qapi = output_change, 1 + naive_change, 1 + qapi_change


class TestCapacity:
    def test_todays_long_wait_is_inside_the_axis(self):
        """The demo at 8 developers and 3 reviewers at 23%: today's 99.5 h wait had no point under the 12 h cap
        (UI check 7); a wait far above it (over 10× the cap) still does not flatten the curve."""
        from roi.models import load_scenario
        from tests.conftest import SCENARIOS

        small = with_values(load_scenario(SCENARIOS / "demo_org.json"),
                            {"team.developers": 8, "review.reviewers": 3, "review.review_share": 0.23})
        curve = review_curve(small)
        today = float(curve.loc[curve["reviewers"] == 3, "wait_hours"].iloc[0])
        assert today == pytest.approx(99.46, abs=0.01)

        def domain(current: int) -> list[float]:
            spec = charts.wait_chart(curve, current=current, needed=4, target_wait_hours=4.0).to_dict()
            return next(v["encoding"]["y"]["scale"]["domain"] for v in _layers(spec)
                        if v["encoding"].get("y", {}).get("field") == "wait_hours")

        assert domain(3) == [0, pytest.approx(1.1 * today)]
        assert domain(4) == [0, 12.0]  # a pool that meets the target: the 3× target cap, as before
        curve.loc[curve["reviewers"] == 3, "wait_hours"] = 1_000.0  # over 10× the cap: the curve is not flattened
        assert domain(3) == [0, 12.0]

    def test_unstable_waits_are_never_drawn(self, worked_example):
        spec = charts.wait_chart(
            review_curve(worked_example), current=17, needed=37, target_wait_hours=4.0
        ).to_dict()
        views = _layers(spec)
        wait_views = [v for v in views if v["encoding"].get("y", {}).get("field") == "wait_hours"]
        assert len(wait_views) == 1
        plotted = _data(spec, wait_views[0])
        assert min(row["reviewers"] for row in plotted) == 36  # first stable pool (a = 35.71)
        assert all(row["wait_hours"] is not None for row in plotted)
        texts = [row["label"] for v in views if v["mark"]["type"] == "text" for row in _data(spec, v)]
        assert "Today: 17" in texts and "Needed: 37" in texts and "Target 4.0 h" in texts
        # No target set: the engine's, today's wait of seconds, read "Target 0.0 h".
        derived = charts.wait_chart(review_curve(worked_example), current=17, needed=37, target_wait_hours=0.004)
        assert "Target <1 min" in [row["label"] for v in _layers(derived.to_dict()) if v["mark"]["type"] == "text"
                                   for row in _data(derived.to_dict(), v)]
        assert "Unstable: the backlog grows every week" in texts
        # Today's and the needed pool's labels on separate lines: a pool apart they would overprint.
        marker_text = next(v for v in views if v["mark"]["type"] == "text" and v["encoding"]["y"].get("field") == "top")
        tops = {row["label"]: row["top"] for row in _data(spec, marker_text)}
        assert tops == {"Today: 17": 30, "Needed: 37": 48}
        shade = next(v for v in views if v["mark"]["type"] == "rect")
        assert _data(spec, shade)[0]["x2"] == 35.5

    def test_utilisation_marks_full_capacity(self, worked_example):
        spec = charts.utilisation_chart(review_curve(worked_example), current=17, needed=37).to_dict()
        views = _layers(spec)
        line = next(v for v in views if v["mark"]["type"] == "line")
        assert line["encoding"]["y"]["axis"]["format"] == ".0%"
        at_17 = next(row for row in _data(spec, line) if row["reviewers"] == 17)
        assert at_17["util_label"] == "210%" and at_17["wait_label"] == "unstable"
        rules = [row for v in views if v["mark"]["type"] == "rule" for row in _data(spec, v) if "y" in row]
        assert rules == [{"y": 1.0}]

    @pytest.mark.parametrize(("developers", "words"), [
        (2, "Today's 1 reviewer: utilisation 143%, mean wait unstable. Reviewers needed for the target wait: 2. "
            "A pool of 1 reviewer is unstable: the backlog grows every week."),
        (3, "Today's 1 reviewer: utilisation 214%, mean wait unstable. Reviewers needed for the target wait: 3. "
            "Pools of 1 to 2 reviewers are unstable: the backlog grows every week."),
    ])
    def test_a_pool_of_one_is_described_in_the_singular(self, worked_example, developers, words):
        # "Today's 1 reviewers", "Pools of 1 to 1 reviewers are unstable" (2 and 3 developers, one reviewer).
        small = with_values(worked_example, {"team.developers": developers, "review.reviewers": 1,
                                             "review.target_wait_hours": 40.0})
        needed = compute(small).review.reviewers_needed
        spec = charts.utilisation_chart(review_curve(small), current=1, needed=needed).to_dict()
        assert spec["description"].endswith(words)

    def test_large_pools_are_labelled_with_separators(self):
        # 50,000 developers in the demo: the marker read "Needed: 16885" beside a "16,885" tile.
        from roi.models import load_scenario
        from tests.conftest import SCENARIOS

        huge = with_value(load_scenario(SCENARIOS / "demo_org.json"), "team.developers", 50_000)
        spec = charts.utilisation_chart(review_curve(huge), current=36, needed=16_885).to_dict()
        texts = {row["label"] for v in _layers(spec) if v["mark"]["type"] == "text" for row in _data(spec, v)
                 if "label" in row}
        assert {"Today: 36", "Needed: 16,885"} <= texts
        assert "Reviewers needed for the target wait: 16,885. Pools of 1 to 16,882 reviewers" in spec["description"]

    def test_a_single_pr_is_counted_in_the_singular(self):
        spec = charts.distribution([100], [200, 300], "PR size", "LOC").to_dict()
        assert "Before AI: median 100 LOC over 1 PR; After AI: median 250 LOC over 2 PRs." in spec["description"]

    def test_the_pool_axis_ticks_whole_reviewers(self, worked_example):
        # A small pool's half-step domain (0.5 to 10.5) gave ticks at 0.5, 1.5 … 10.5.
        curve = review_curve(worked_example)
        for top, values in ((10, list(range(1, 11))), (52, list(range(5, 51, 5)))):  # the curve ends at 52
            spec = charts.utilisation_chart(curve[curve["reviewers"] <= top], current=3, needed=None).to_dict()
            line = next(v for v in _layers(spec) if v["mark"]["type"] == "line")
            assert line["encoding"]["x"]["axis"] == {"format": ",d", "values": values}

    def test_the_unstable_label_is_drawn_over_the_curve(self, worked_example):
        # The utilisation curve starts high inside the unstable region and ran through its label.
        for chart in (
            charts.utilisation_chart(review_curve(worked_example), current=17, needed=37),
            charts.wait_chart(review_curve(worked_example), current=17, needed=37, target_wait_hours=4.0),
        ):
            spec = chart.to_dict()
            views = _layers(spec)
            labelled = [
                i
                for i, v in enumerate(views)
                if v["mark"]["type"] == "text"
                and any(r.get("label", "").startswith("Unstable") for r in _data(spec, v))
            ]
            line = next(i for i, v in enumerate(views) if v["mark"]["type"] == "line")
            assert len(labelled) == 2 and min(labelled) > line  # halo and text, both after the curve
            assert views[labelled[0]]["mark"]["stroke"] == charts.UNSTABLE_FILL
            assert "stroke" not in views[labelled[1]]["mark"]

    def test_the_staffing_labels_sit_on_a_halo_of_their_background(self, worked_example):
        # The wait curve, steep at the stability bound, ran through "Today: 36" on the demo organisation.
        spec = charts.wait_chart(
            review_curve(worked_example), current=17, needed=37, target_wait_hours=4.0
        ).to_dict()
        views = _layers(spec)
        halo, text = [  # the halo first, under the text
            v for v in views if v["mark"]["type"] == "text" and v["encoding"]["y"].get("field") == "top"
        ]
        stroke = {"field": "halo", "type": "nominal", "scale": None, "legend": None}
        assert halo["encoding"]["stroke"] == stroke
        assert halo["mark"]["strokeWidth"] == 5 and "stroke" not in text["encoding"]
        assert {row["label"]: row["halo"] for row in _data(spec, halo)} == {
            "Today: 17": charts.UNSTABLE_FILL,  # inside the shading (pools up to 35 are unstable)
            "Needed: 37": "white",
        }

    def test_unstable_label_only_where_it_fits(self, worked_example):
        from roi.whatif import with_value

        # 120 reviewers: the axis runs to 168 and the unstable region (1–35) is too narrow for its label.
        big = with_value(worked_example, "review.reviewers", 120)
        spec = charts.wait_chart(review_curve(big), current=120, needed=37, target_wait_hours=4.0).to_dict()
        texts = [row["label"] for v in _layers(spec) if v["mark"]["type"] == "text" for row in _data(spec, v)]
        assert "Unstable: the backlog grows every week" not in texts
        assert _data(spec, next(v for v in _layers(spec) if v["mark"]["type"] == "rect"))[0]["x2"] == 35.5

    def test_no_target_no_needed(self, worked_example):
        spec = charts.wait_chart(
            review_curve(worked_example), current=17, needed=None, target_wait_hours=None
        ).to_dict()
        texts = [row["label"] for v in _layers(spec) if v["mark"]["type"] == "text" for row in _data(spec, v)]
        assert "Today: 17" in texts and not any(t.startswith(("Needed", "Target")) for t in texts)


class TestFinanceCharts:
    def test_cash_flow(self, results):
        data = charts.cash_flow_data(results.finance, "USD")
        assert list(data["year"].unique()) == ["Year 0 (set-up)", "Year 1", "Year 2", "Year 3"]
        costs = data[data["flow"] == "Costs"]["amount"].round(2).tolist()
        assert costs == [-25432.0, -51086.09, -52406.09, -52406.09]  # METHODS §5 costs by year
        benefits = data[data["flow"] == "Benefits"]["amount"].round(2).tolist()
        assert benefits == [0.0, 49719.88, 63925.57, 63925.57]
        final = data["cumulative"].iloc[-1]
        assert final == pytest.approx(
            sum(results.finance.benefits_by_year) - sum(results.finance.costs_by_year)
        )
        spec = json.dumps(charts.cash_flow(results.finance, "USD").to_dict())
        assert '"title": ["USD per year (bars)", "cumulative (line)"]' in spec  # the cumulative line is no yearly amount

    def test_cash_flow_years_fit_a_ten_year_horizon(self, worked_example):
        # At 10 years "Year 0 (set-up)", "Year 1" … "Year 10" printed over each other in the 306 px chart of
        # 1024 px (23 px a year), and the 46 px bars merged into one band; at 1440 px "Year 0 (set-up)" still
        # ran into "Year 1". The axis shows the years as numbers under a title that says so.
        from roi.whatif import with_horizon

        finance = compute(with_horizon(worked_example, 10)).finance
        spec = charts.cash_flow(finance, "USD").to_dict()
        bars = next(v for v in _layers(spec) if v["mark"]["type"] == "bar")
        x = bars["encoding"]["x"]
        assert x["title"] == "Year (0 = set-up)"
        assert x["axis"]["labelAngle"] == 0 and x["axis"]["labelExpr"] == charts.CASH_FLOW_YEARS

        def shown(label: str) -> str:  # the label expression, as Vega's replace (the first match) reads it
            return label.replace(" (set-up)", "", 1).replace("Year ", "", 1)

        assert [shown(year) for year in x["sort"]] == [str(t) for t in range(11)]  # two digits at most
        tooltips = [row["year"] for row in _data(spec, bars)]
        assert tooltips[:3] == ["Year 0 (set-up)", "Year 0 (set-up)", "Year 1"]
        assert bars["mark"]["width"] == {"expr": "min(46, 0.7 * bandwidth('x'))"}  # 16 px bars in 23 px years

    def test_histogram_marks_percentiles(self, results):
        data = charts.histogram_data(results.uncertainty, "USD")
        assert data["share"].sum() == pytest.approx(1.0)
        assert data["count"].sum() == 20000
        assert set(data.loc[data["end"] <= 0, "outcome"]) == {"Loss"}
        spec = charts.npv_histogram(results.uncertainty, "USD").to_dict()
        texts = [v for v in _layers(spec) if v["mark"]["type"] == "text"]
        labels = [row["label"] for v in texts if "stroke" not in v["mark"] for row in _data(spec, v)]
        u = results.uncertainty
        assert labels == [
            f"P10 {fmt.MINUS}$751k",
            "P50 +$78.7k",
            "P90 +$884k",
        ]  # METHODS §5: −750k, 79k, 884k
        # Each label over a white halo of itself: the P50 label is centred on its own dashed line, which
        # struck it through ("P50 +$3.8M" on the demo organisation).
        halos = [v for v in texts if v["mark"].get("stroke") == "white"]
        assert [row["label"] for v in halos for row in _data(spec, v)] == labels
        assert [texts.index(h) for h in halos] == [0, 2, 4]  # each drawn before (under) its label
        rules = next(v for v in _layers(spec) if v["mark"]["type"] == "rule")
        assert [row["x"] for row in _data(spec, rules)] == [u.npv_p10, u.npv_p50, u.npv_p90]
        # The tallest bar reaches 1 / 1.4 of the height: the labels' two lines sit above every bar.
        bars = next(v for v in _layers(spec) if v["mark"]["type"] == "bar")
        assert bars["encoding"]["y"]["scale"]["domain"] == [0, pytest.approx(data["share"].max() * 1.4)]
        # Labels 6 px apart or every other one hidden: at 10 years "14M16M" touched at 1164 px.
        assert bars["encoding"]["x"]["axis"]["labelSeparation"] == 6

    def test_tornado_order_and_origin(self, worked_example, results):
        base = float(npv(worked_example, likely_values(worked_example)))
        assert base == pytest.approx(results.finance.npv)  # the likely values are the scenario's own
        data = charts.tornado_data(results.uncertainty, base, "USD")
        names = list(dict.fromkeys(data["input"]))
        # METHODS §5 tornado order.
        assert names[0].startswith("Output change per developer (+5.8% to +33.5%)")
        assert [n.split(" (")[0] for n in names] == [
            "Output change per developer",
            "Review speed",
            "Growth in PR size",
            "Growth in PRs per developer",
            "Share of freed time turned into value",
            "Loaded cost of a developer hour",
            "Hours to fix a bug",
        ]
        assert len(data) == 2 * len(results.uncertainty.tornado)
        assert (data["base"] == base).all()
        spec = charts.tornado(results.uncertainty, base, "USD").to_dict()
        # Not anchored at zero (the bars start at the likely NPV), with a handful of ticks: from 0 the
        # demo organisation's bars filled the right half under 28 crowded ticks.
        bars = next(v for v in _layers(spec) if v["mark"]["type"] == "bar")
        assert bars["encoding"]["x"]["scale"]["zero"] is False
        assert bars["encoding"]["x"]["axis"]["tickCount"] == 6
        # 32 px beyond the outermost bars for "P10" / "P90" whatever the width: a tenth of the range alone was
        # 20 px at 1024 px, and at 10 years the longest bar's "P90" ran 5 px past the chart.
        assert bars["encoding"]["x"]["scale"]["padding"] == 32

    def test_money_axes_read_like_the_money_on_the_page(self, worked_example, results):
        # d3's "~s" wrote a billion yen as "1G" on the histogram's axis and zero as "0k" on the rollout
        # cost chart; every money axis relabels both the way fmt.money compacts them ("1bn", "0").
        from roi.charts_rollout import monthly_cost_chart
        from roi.rollout import rollout_report

        u = results.uncertainty
        specs = [
            charts.cash_flow(results.finance, "JPY").to_dict(),
            charts.npv_histogram(u, "JPY").to_dict(),
            charts.tornado(u, results.finance.npv, "JPY").to_dict(),
            monthly_cost_chart(rollout_report(worked_example, results)).to_dict(),
        ]
        money_axes = [
            (channel, encoding[channel]["axis"])
            for spec in specs
            for view in _layers(spec)
            for channel, encoding in [(c, view["encoding"]) for c in ("x", "y")]
            if channel in encoding and encoding[channel].get("axis", {}).get("format") == "~s"
        ]
        assert len(money_axes) == 5  # cash flow, histogram, tornado, cost per month and its cumulative
        assert all(axis.get("labelExpr") == charts.MONEY_LABELS for _, axis in money_axes), money_axes
        assert "replace(format(datum.value, '~s'), 'G', 'bn')" in charts.MONEY_LABELS
        assert charts.MONEY_LABELS.startswith("datum.value == 0 ? '0'")

    def test_break_even(self, results):
        spec = charts.break_even(
            results.productivity.net_hours, results.finance.break_even_net_hours
        ).to_dict()
        bars = next(v for v in _layers(spec) if v["mark"]["type"] == "bar")
        rows = _data(spec, bars)
        assert [r["label"] for r in rows] == ["0.85 h", "0.90 h"]  # METHODS §5: break-even N = 0.9017 h
        assert bars["encoding"]["color"]["scale"]["range"][0] == charts.LOSS  # short of break-even

    def test_a_negative_net_gain_is_drawn_as_a_loss(self, worked_example):
        # 4.4 tasks after adoption: N = 3.00 − 5.26785 − 0.18 = −2.44785 h; benefit_t = 83,352 · a_t · N
        # (n · W · rate · φ · (1 − r_b) = 50 · 46 · 90.6 · 0.5 · 0.8): −142,823 in year 1, −183,630 after.
        results = compute(with_value(worked_example, "post.tasks_per_dev_week", 4.4))
        data = charts.cash_flow_data(results.finance, "USD")
        benefits = data[data["flow"] != "Costs"]
        assert benefits["amount"].round(0).tolist() == [0, -142_823, -183_630, -183_630]
        # Below 0 they are not "Benefits" in the gain's green: a loss, in a colour of their own.
        assert benefits["flow"].tolist() == ["Benefits"] + [charts.NEGATIVE_BENEFITS] * 3
        spec = charts.cash_flow(results.finance, "USD").to_dict()
        bars = next(v for v in _layers(spec) if v["mark"]["type"] == "bar")
        scale = bars["encoding"]["color"]["scale"]
        assert scale["domain"] == ["Benefits", "Benefits below 0 (a loss)", "Costs", "Cumulative net"]
        assert scale["range"] == [charts.GAIN, charts.LOST, charts.LOSS, "#333333"]
        # The break-even's "−2.45 h" starts on its bar: over a white halo, not black on the loss colour.
        spec = charts.break_even(results.productivity.net_hours, results.finance.break_even_net_hours).to_dict()
        texts = [v for v in _layers(spec) if v["mark"]["type"] == "text"]
        assert [v["mark"].get("stroke") for v in texts] == ["white", None]  # the halo first, under the label
        assert all([r["label"] for r in _data(spec, v)] == [f"{fmt.MINUS}2.45 h", "0.90 h"] for v in texts)

    def test_a_cash_flow_without_negative_benefits_has_no_such_entry(self, results):
        spec = charts.cash_flow(results.finance, "USD").to_dict()
        bars = next(v for v in _layers(spec) if v["mark"]["type"] == "bar")
        assert bars["encoding"]["color"]["scale"]["domain"] == ["Benefits", "Costs", "Cumulative net"]


def test_distribution_medians():
    chart = charts.distribution([100, 150, 200], [200, 381, 900, 1200], "PR size", "LOC")
    spec = chart.to_dict()
    text = next(v for v in _layers(spec) if v["mark"]["type"] == "text")
    assert [r["label"] for r in _data(spec, text)] == ["median 150 LOC", "median 640 LOC"]
    assert isinstance(chart, alt.LayerChart)


def test_distribution_log_axis_ticks_do_not_run_together():
    # Vega's default log ticks (…, 100, 200, 300, …) ran together as "100200" and "200300" on the
    # Productivity page's PR-size and cycle-time box plots: powers of ten only, or 1-2-5 on a short span.
    spec = charts.distribution([3, 108, 2_900], [8, 244, 7_100], "PR size", "LOC").to_dict()
    box = next(v for v in _layers(spec) if v["mark"]["type"] == "boxplot")
    axis = box["encoding"]["x"]["axis"]
    assert axis["values"] == [10.0, 100.0, 1_000.0, 10_000.0] and axis["format"] == ","
    assert charts.log_ticks(0.67, 1_500) == [1.0, 10.0, 100.0, 1_000.0]
    assert charts.log_ticks(27, 900) == [50.0, 100.0, 200.0, 500.0]
    assert charts.log_ticks(0, 10) == []


def test_distribution_log_axis_drops_non_positive():
    spec = charts.distribution([0, 2.0, 4.0], [1.0, -1.0, 3.0], "Cycle time", "hours").to_dict()
    box = next(v for v in _layers(spec) if v["mark"]["type"] == "boxplot")
    assert sorted(r["value"] for r in _data(spec, box)) == [1.0, 2.0, 3.0, 4.0]


def test_distribution_of_many_prs_draws_the_same_box_from_five_values():
    rng = np.random.default_rng(3)
    before, after = rng.lognormal(4, 1, 5_000), rng.lognormal(5, 1, 1_200)
    spec = charts.distribution(before, after, "PR size", "LOC").to_dict()
    box = next(v for v in _layers(spec) if v["mark"]["type"] == "boxplot")
    for period, values in (("Before AI", before), ("After AI", after)):
        sent = sorted(r["value"] for r in _data(spec, box) if r["period"] == period)
        assert len(sent) == 5
        # Vega-Lite's quartile of n sorted values: linear between ranks at (n − 1)·p; n = 5 → ranks 1, 2, 3.
        assert sent[0] == values.min() and sent[4] == values.max()
        for rank, p in ((1, 0.25), (2, 0.5), (3, 0.75)):
            position = (len(values) - 1) * p
            low = np.sort(values)[int(position)]
            high = np.sort(values)[min(int(position) + 1, len(values) - 1)]
            assert sent[rank] == pytest.approx(low + (high - low) * (position - int(position)), rel=1e-12)
    # The medians labelled and the counts described are all the values', not the five sent.
    assert (f"Before AI: median {np.median(before):.0f} LOC over 5,000 PRs; After AI: median "
            f"{np.median(after):.0f} LOC over 1,200 PRs") in spec["description"]
    small = charts.distribution([1.0, 2.0, 3.0], [4.0], "Cycle time", "hours").to_dict()
    box = next(v for v in _layers(small) if v["mark"]["type"] == "boxplot")
    assert sorted(r["value"] for r in _data(small, box)) == [1.0, 2.0, 3.0, 4.0]  # few values: all sent


def test_horizontal_legend_entries_do_not_touch(worked_example, results):
    # With Vega's default 10 px between entries, "Training" ran into the next swatch on the rollout's cost
    # chart and "ramp-up" into "measured" on its timeline (1366 px laptop and 1920 px projector alike).
    from roi.charts_rollout import monthly_cost_chart, timeline_chart
    from roi.rollout import rollout_report

    report = rollout_report(worked_example, results)
    shown = (monthly_cost_chart(report), timeline_chart(report), charts.cash_flow(results.finance, "USD"))
    for chart in shown:
        legend = chart.to_dict()["config"]["legend"]
        assert legend["orient"] == "bottom" and legend["columnPadding"] >= 20
        # Titles and labels in the text colour: Vega's grey legend titles were 3.7:1 on white (AA asks 4.5:1).
        assert legend["titleColor"] == legend["labelColor"] == charts.TEXT


def test_the_rollout_timelines_two_legends_are_kept_apart(worked_example, results):
    # Side by side under the timeline the two legends took 540 px: "not applicable" ran into the "ramp-up"
    # swatch at 1280 px, and "measured" was cut off the 564 px chart of 1024 px. The Phase legend stands
    # above the chart, the status legend under it (the config's bottom).
    from roi.charts_rollout import timeline_chart
    from roi.rollout import rollout_report

    spec = timeline_chart(rollout_report(worked_example, results)).to_dict()
    bars, points = _layers(spec)
    phase, status = bars["encoding"]["color"], points["encoding"]["fill"]
    assert (phase["title"], phase["legend"]["orient"]) == ("Phase", "top")
    assert status["title"] == "Checklist status" and "legend" not in status
    assert spec["config"]["legend"]["orient"] == "bottom"


def _colour_domains(spec: dict) -> list[list[str]]:
    return [
        v["encoding"]["color"]["scale"]["domain"]
        for v in _layers(spec)
        if "color" in v.get("encoding", {}) and v["encoding"]["color"].get("field") == "outcome"
    ]


def test_histogram_legend_names_only_the_outcomes_drawn(worked_example):
    from roi.models import load_scenario
    from tests.conftest import SCENARIOS

    # The Cui et al. field trials preset: every simulated NPV is a gain (P(NPV > 0) = 100%), so no "Loss" in the
    # legend, not even for a bin that straddles zero.
    gains = compute(load_scenario(SCENARIOS / "cui_field_rcts.json")).uncertainty
    assert gains.prob_npv_positive == 1.0
    assert set(charts.histogram_data(gains, "USD")["outcome"]) == {"Gain"}
    assert _colour_domains(charts.npv_histogram(gains, "USD").to_dict()) == [["Gain"]]
    # A scenario where every draw loses: "Loss" only (the reverse).
    demo_file = load_scenario(SCENARIOS / "demo_org.json")
    dear = with_value(demo_file, "costs.tools.0.price_per_seat_month", 5000.0)
    losing = compute(dear).uncertainty
    assert losing.prob_npv_positive == 0.0
    assert _colour_domains(charts.npv_histogram(losing, "USD").to_dict()) == [["Loss"]]
    # Both when both happen (the worked example: a 45% chance of a loss), red and green as before.
    both = charts.npv_histogram(compute(worked_example).uncertainty, "USD").to_dict()
    assert _colour_domains(both) == [["Loss", "Gain"]]


def test_index_axis_reads_0_percent_at_zero():
    # d3's "+.0%" wrote the zero tick as "+0%"; the other ticks keep their sign.
    spec = charts.index_bars(ProductivityFromChanges(0.399, -0.021, 0.306)).to_dict()
    axes = {json.dumps(v["encoding"]["x"].get("axis")) for v in _layers(spec) if "x" in v.get("encoding", {})}
    axis = next(json.loads(a) for a in axes if a != "null" and "format" in a)
    assert axis["format"] == "+.0%"
    assert axis["labelExpr"] == "datum.value == 0 ? '0%' : datum.label"


# --- Accessibility: colour-blind-safe colours, a second channel, and the numbers in words -------------

_CVD = {  # Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
}


def _linear(colour: str) -> np.ndarray:
    srgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > 0.008856, np.cbrt(t), 7.787 * t + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _seen_apart(a: str, b: str, vision: str) -> float:
    """CIELAB distance between two colours as a person with ``vision`` sees them."""
    see = _CVD[vision]
    seen = [_lab(np.clip(see @ _linear(colour), 0, 1)) for colour in (a, b)]
    return float(np.linalg.norm(seen[0] - seen[1]))


def _contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio."""
    lum = sorted((float(np.array([0.2126, 0.7152, 0.0722]) @ _linear(c)) for c in (a, b)), reverse=True)
    return (lum[0] + 0.05) / (lum[1] + 0.05)


@pytest.mark.parametrize("vision", ["deuteranopia", "protanopia"])
def test_gain_and_loss_stay_apart_for_colour_blind_readers(vision):
    # Material green #2e7d32 and red #c62828 were 16 (deuteranopia) and 19 (protanopia) CIELAB units apart:
    # the same olive brown, on the NPV histogram, the cash flow and the break-even bar.
    assert _seen_apart(charts.GAIN, charts.LOSS, vision) >= 30


def test_gain_and_loss_are_readable_as_text():
    # Both colour text too ("Needed: 42", "Target 4.0 h", "Unstable: …" on its shading): WCAG AA, 4.5:1.
    assert _contrast(charts.GAIN, "#ffffff") >= 4.5
    assert _contrast(charts.LOSS, "#ffffff") >= 4.5
    assert _contrast(charts.LOSS, charts.UNSTABLE_FILL) >= 4.5


def test_the_rollout_cost_kinds_stay_apart_for_colour_blind_readers():
    from itertools import combinations

    from roi.charts_rollout import COST_COLOURS

    for a, b in combinations(COST_COLOURS, 2):
        for vision in _CVD:
            assert _seen_apart(a, b, vision) >= 25, (a, b, vision)


def test_the_histogram_marks_break_even_where_outcomes_fall_either_side(worked_example):
    # Loss and gain bins told apart by their side of a solid zero line, not by colour alone.
    spec = charts.npv_histogram(compute(worked_example).uncertainty, "USD").to_dict()
    rules = [v for v in _layers(spec) if v["mark"]["type"] == "rule" and "strokeDash" not in v["mark"]]
    assert [row["x"] for v in rules for row in _data(spec, v)] == [0.0]
    assert rules[0]["mark"]["color"] == charts.TEXT


def test_the_tornado_names_each_bar_end(worked_example, results):
    # "P10" / "P90" beyond each bar's end: orange and blue need not be told apart.
    base = float(npv(worked_example, likely_values(worked_example)))
    spec = charts.tornado(results.uncertainty, base, "USD").to_dict()
    texts = [v for v in _layers(spec) if v["mark"]["type"] == "text" and "stroke" not in v["mark"]]
    assert [v["transform"][0]["filter"] for v in texts] == [test for test, _, _ in charts.TORNADO_ENDS]
    assert [v["mark"]["align"] for v in texts] == ["right", "left"]  # beyond the end, not over the bar
    assert all(v["encoding"]["text"]["field"] == "end_label" for v in texts)
    rows = _data(spec, texts[0])
    assert {row["end_label"] for row in rows} == {"P10", "P90"}
    assert all(row["end_label"] == ("P10" if row["side"].endswith("P10") else "P90") for row in rows)
    # The axis leaves room for the labels beyond the outermost bars.
    bars = next(v for v in _layers(spec) if v["mark"]["type"] == "bar")
    low, high = bars["encoding"]["x"]["scale"]["domain"]
    assert low < min(row["npv"] for row in rows) and high > max(row["npv"] for row in rows)


def _every_chart(scenario, results) -> dict[str, tuple[Callable[[], alt.TopLevelMixin], list[str]]]:
    """Each chart the app draws: how to build it from the worked example, and numbers its description says."""
    from roi.charts_rollout import monthly_cost_chart, timeline_chart
    from roi.comparison import values
    from roi.rollout import rollout_report

    p, f, u = results.productivity, results.finance, results.uncertainty
    curve = review_curve(scenario)
    report = rollout_report(scenario, results)
    compared = values([(scenario, results), (scenario, results)])
    return {
        "waterfall": (
            lambda: charts.waterfall(p), [fmt.hours(p.net_hours, digits=2, signed=True), "Net gain (N)"]
        ),
        "index": (lambda: charts.index_bars(p), [fmt.percent(p.qapi - 1.0, signed=True, digits=1)]),
        "distribution": (
            lambda: charts.distribution([100, 150, 200], [200, 381, 900, 1200], "PR size", "LOC"),
            ["Before AI: median 150 LOC over 3 PRs", "After AI: median 640 LOC over 4 PRs"],
        ),
        "utilisation": (
            lambda: charts.utilisation_chart(curve, current=17, needed=19),
            ["Today's 17 reviewers: utilisation", "Reviewers needed for the target wait: 19."],
        ),
        "wait": (
            lambda: charts.wait_chart(curve, current=17, needed=19, target_wait_hours=4.0),
            ["Today's 17 reviewers", "Target wait: 4.0 h."],
        ),
        "cash flow": (
            lambda: charts.cash_flow(f, "USD"),
            ["Year 1: benefits $49.7k, costs", f"cumulative net {fmt.MINUS}$3.8k."],
        ),
        "histogram": (
            lambda: charts.npv_histogram(u, "USD"),
            [f"P10 {fmt.MINUS}$751k", "P50 +$78.7k", "P90 +$884k", "chance of a loss"],
        ),
        "tornado": (
            lambda: charts.tornado(u, f.npv, "USD"), ["Output change per developer (+5.8% to +33.5%): NPV"]
        ),
        "break-even": (
            lambda: charts.break_even(p.net_hours, f.break_even_net_hours), ["0.85 h", "0.90 h", "short"]
        ),
        "NPV comparison": (lambda: charts.npv_comparison(compared, "USD"), [f"P10 to P90: {fmt.MINUS}$751k"]),
        "timeline": (lambda: timeline_chart(report), [report.waves[0].name]),
        "cost by month": (lambda: monthly_cost_chart(report), ["month 1: "]),
    }


def test_every_chart_says_its_numbers_to_a_screen_reader(worked_example, results):
    # Vega sets a chart's description as its aria-label; none had one, so a screen reader heard nothing.
    for name, (build, numbers) in _every_chart(worked_example, results).items():
        description = build().to_dict().get("description", "")
        assert all(n in description for n in numbers), (name, description)


def test_every_chart_names_its_channels_so_altair_need_not_search_its_schema(
    worked_example, results, monkeypatch
):
    # Altair resolves a channel given as a bare string ("x:Q"), alt.value() or alt.datum() by hashing all
    # ~570 classes of its schema, about 2 ms each time: the ROI & risk page's charts had 31, some 70 ms of
    # its 340-ms rerun. alt.X("x:Q"), alt.YValue(0), alt.Y2Datum(0) … are already channels and cost nothing.
    def search(*args):
        raise AssertionError("a channel given as a string or alt.value()/alt.datum(): use alt.X(...) etc.")

    built = _every_chart(worked_example, results)  # its inputs first: only the charts are watched
    monkeypatch.setattr(alt.utils.schemapi._FromDict, "__init__", search)
    for name, (build, _) in built.items():
        build().to_dict()


def test_the_checklist_status_reads_by_shape_as_well_as_colour(worked_example, results):
    # "todo" orange and "doing" yellow were one colour to a deuteranope (13 CIELAB units), and the points
    # differed in nothing else.
    from roi.charts_rollout import STATUS_COLOURS, timeline_chart
    from roi.rollout import rollout_report

    assert _seen_apart(STATUS_COLOURS["done"], STATUS_COLOURS["not applicable"], "deuteranopia") < 25  # shapes
    spec = timeline_chart(rollout_report(worked_example, results)).to_dict()
    points = next(v for v in _layers(spec) if v["mark"]["type"] == "point")
    assert "shape" not in points["mark"]
    shape, fill = points["encoding"]["shape"], points["encoding"]["fill"]
    assert shape["field"] == fill["field"] == "status" and shape["title"] == fill["title"]  # one legend
    assert shape["scale"]["domain"] == fill["scale"]["domain"] == list(STATUS_COLOURS)
    assert len(set(shape["scale"]["range"])) == len(STATUS_COLOURS)


def test_the_rollout_timeline_colours_stand_out_from_white_and_from_each_other(worked_example, results):
    # WCAG 1.4.11 asks 3:1 of a graphic against its background: the ramp-up bars (#9fb8d6) and the "doing"
    # points (#f9a825) were 2.0:1 on white, and Vega-Lite drew the points at 70% opacity, paler still.
    from roi.charts_rollout import PHASE_COLOURS, STATUS_COLOURS, timeline_chart
    from roi.rollout import rollout_report

    for colour in [*PHASE_COLOURS.values(), *STATUS_COLOURS.values()]:
        assert _contrast(colour, "#ffffff") >= 3, colour
    spec = timeline_chart(rollout_report(worked_example, results)).to_dict()
    points = next(v for v in _layers(spec) if v["mark"]["type"] == "point")
    assert points["mark"]["opacity"] == 1
    for vision in ("deuteranopia", "protanopia"):
        # The two phases of a wave, bar against bar, stay clearly apart (as far as lightness, which colour
        # blindness keeps, allows with both 3:1 on white) ...
        assert _seen_apart(PHASE_COLOURS["ramp-up"], PHASE_COLOURS["measured"], vision) >= 25, vision
        # ... and "doing" is a colour of its own, not the "todo" orange's yellow (13 units to a deuteranope).
        for status, colour in STATUS_COLOURS.items():
            if status != "doing":
                assert _seen_apart(STATUS_COLOURS["doing"], colour, vision) >= 30, (status, vision)


def test_a_scenario_name_breaks_into_lines_that_fit_beside_its_bar():
    """Names break at spaces; a word longer than a line breaks after its last ``_ - / .`` that fits, or at
    the width (a file-like name stayed whole and was cut with "…" at the axis's label limit)."""
    assert charts.name_lines("Demo organisation (120 developers), doubled pool", 30) == [
        "Demo organisation (120",
        "developers), doubled pool",
    ]
    assert charts.name_lines("Acme_Copilot_rollout_2027_conservative", 30) == [
        "Acme_Copilot_rollout_2027_",
        "conservative",
    ]
    assert charts.name_lines("x" * 65, 30) == ["x" * 30, "x" * 30, "x" * 5]
    assert charts.name_lines("Acme_Copilot_rollout_2027_conservative", 30, break_words=False) == [
        "Acme_Copilot_rollout_2027_conservative"
    ]


def test_two_names_whose_breaks_fall_alike_keep_their_own_bars():
    """``"A…A_ bbb"`` and ``"A…A_bbb"`` both break into "A…A_" / "bbb": the long words then stay whole."""
    first, second = "A" * 29 + "_ bbb", "A" * 29 + "_bbb"
    assert charts.name_lines(first) == charts.name_lines(second)
    assert charts._name_labels([first, second]) == ["A" * 29 + "_\nbbb", "A" * 29 + "_bbb"]
    assert charts._name_labels(["Acme_Copilot_rollout_2027_conservative", "Demo"]) == [
        "Acme_Copilot_rollout_2027_\nconservative",
        "Demo",
    ]


@settings(deadline=None)
@given(st.lists(st.text(alphabet="ab _-/.", min_size=0, max_size=70), min_size=1, max_size=6, unique=True))
def test_every_name_gets_its_own_label_and_loses_no_character(names):
    labels = charts._name_labels(names)
    assert len(set(labels)) == len(names)
    for name, label in zip(names, labels, strict=True):
        lines = label.split("\n")
        assert "".join(lines).replace(" ", "") == name.replace(" ", "")  # every character kept, in order
        assert all(len(line) <= charts.NAME_LINE for line in lines) or label == "\n".join(
            charts.name_lines(name, break_words=False)
        )


def test_every_chart_is_valid_vega_lite(worked_example, results):
    # The app draws charts without checking them (appstate.chart: 110 ms a ROI & risk rerun), and _finish sets
    # their size and config without Altair's per-property check: this is where every chart is checked whole.
    for name, (build, _) in _every_chart(worked_example, results).items():
        assert build().to_dict(validate=True)["$schema"].startswith("https://vega.github.io/schema/vega-lite/"), name
