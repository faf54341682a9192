"""roi.formatting: one format for money, percentages, hours and months everywhere in the app."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roi import formatting as fmt

M = fmt.MINUS


class TestMoney:
    @pytest.mark.parametrize(
        ("value", "kwargs", "expected"),
        [
            (-8499.023657701386, {}, f"{M}$8,499"),  # worked example NPV (METHODS §5)
            (-8499.023657701386, {"compact": True}, f"{M}$8.5k"),
            (884455.55, {"compact": True}, "$884k"),  # 3 significant digits from 100 up
            (-750543.54, {"compact": True}, f"{M}$751k"),
            (1_426_850.88, {"compact": True}, "$1.4M"),
            (2.5e9, {"compact": True}, "$2.5bn"),
            (999_600, {"compact": True}, "$1.0M"),  # rounds up into the next step, never "1000k"
            (850, {"compact": True}, "$850"),
            (146059.16559849697, {"digits": 2}, "$146,059.17"),
            (1200, {"signed": True}, "+$1,200"),
            (0, {"signed": True}, "$0"),
            (-0.4, {}, "$0"),  # no minus on an amount that rounds to zero
        ],
    )
    def test_usd(self, value, kwargs, expected):
        assert fmt.money(value, "USD", **kwargs) == expected

    def test_symbol_currencies_and_codes(self):
        assert fmt.money(1234.4, "EUR") == "€1,234"
        assert fmt.money(-1234.4, "gbp") == f"{M}£1,234"
        assert fmt.money(1234.4, "CHF") == "1,234 CHF"
        assert fmt.money(-2_000_000, "SEK", compact=True) == f"{M}2.0M SEK"

    def test_currencies_without_cents_have_no_decimals(self):
        # The ROI page asked for the loaded cost to 2 decimals and wrote "¥13,590.00/h"; yen have no cents.
        assert fmt.money(13590.0, "JPY", digits=2) == "¥13,590"
        assert fmt.money(-1234.56, "KRW", digits=2) == f"{M}1,235 KRW"
        assert fmt.money(1_234_567, "JPY", compact=True) == "¥1.2M"  # compact keeps its one decimal
        assert fmt.money(90.6, "EUR", digits=2) == "€90.60"
        assert fmt.input_value("team.loaded_cost_per_hour", 13.5, "JPY") == "¥14"

    @pytest.mark.parametrize("value", [None, float("nan"), float("inf")])
    def test_not_applicable(self, value):
        assert fmt.money(value) == "n/a"
        assert fmt.money(value, missing="none") == "none"


class TestPercent:
    @pytest.mark.parametrize(
        ("value", "kwargs", "expected"),
        [
            (0.20999999999999996, {"signed": True}, "+21%"),  # worked example g
            (2.1008382352941175, {}, "210%"),  # post utilisation
            (0.5514705882352942, {}, "55%"),
            (-0.054989151326127764, {"digits": 1}, f"{M}5.5%"),  # worked example ROI
            (0.028405, {"signed": True, "digits": 1}, "+2.8%"),  # QAPI − 1
            (-0.0001, {"signed": True}, "0%"),  # no sign on a value that rounds to zero
            (0.4513, {}, "45%"),
        ],
    )
    def test_values(self, value, kwargs, expected):
        assert fmt.percent(value, **kwargs) == expected

    def test_none(self):
        assert fmt.percent(None) == "n/a"


class TestHoursMonthsIndex:
    def test_hours(self):
        assert fmt.hours(0.8521499999999977, digits=2) == "0.85 h"
        assert fmt.hours(187.14250000000004, digits=0, unit="h/week") == "187 h/week"
        assert fmt.hours(-5.26785, digits=2, signed=True) == f"{M}5.27 h"
        assert fmt.hours(-0.0, digits=2, signed=True) == "0.00 h"
        assert fmt.hours(None) == "n/a"
        assert fmt.hours(None, missing="unstable") == "unstable"

    def test_months(self):
        # To 0.1 month, as the workbook's '0.0" months"' cell shows it: the demo organisation paid back in
        # 0.54 months, which the app showed as "1 month" and the workbook as "0.5 months".
        assert fmt.months(None, horizon_years=3) == "not within 3 years"
        assert fmt.months(None, horizon_years=1) == "not within 1 year"  # "not within 1 years"
        assert fmt.months(None) == "never"
        assert fmt.months(None, horizon_years=3, never=True) == "never: no year makes money"
        assert fmt.months(14.23) == "14.2 months"
        assert fmt.months(0.5368159033688169) == "0.5 months"
        assert fmt.months(0.96) == "1.0 month"
        assert fmt.months(1234.0) == "1,234.0 months"
        assert fmt.months(0.0) == "immediately"
        # 0.03 months (about a day) is not "immediately" nor "0.0 months": the year-0 set-up cost is
        # still being paid back.
        assert fmt.months(0.03) == "under 0.1 months"
        assert fmt.months(0.05) == "0.1 months"

    def test_payback_tile(self):
        # "Not within 3 years" was cut to "Not withi…" in a quarter of a 1366-pixel laptop screen.
        assert fmt.payback(None, 3) == "> 3 years"
        assert fmt.payback(None, 1) == "> 1 year"
        assert fmt.payback(float("nan"), 10) == "> 10 years"
        assert fmt.payback(14.23, 3) == "14.2 months"

    def test_number(self):
        assert fmt.number(1234.6) == "1,235"
        assert fmt.number(-3.14159, digits=2) == f"{M}3.14"

    def test_count_agrees_with_its_noun(self):
        # "Today's 1 reviewers meet …", "Money over 1 years": the noun follows the number shown.
        assert fmt.count(1, "reviewer") == "1 reviewer"
        assert fmt.count(2, "reviewer") == "2 reviewers"
        assert fmt.count(16885, "reviewer") == "16,885 reviewers"
        assert fmt.count(0, "year") == "0 years"
        assert fmt.count(1, "person", "people") == "1 person"
        assert fmt.count(2, "person", "people") == "2 people"


class TestInputs:
    def test_both_ends_of_a_range_take_the_decimals_of_the_larger(self):
        ends = [fmt.input_value("team.loaded_cost_per_hour", x, like=130.0) for x in (75.0, 130.0)]
        assert ends == ["$75", "$130"]
        assert fmt.input_value("finance.capture_factor", 0.48, like=1.0) == "48%"

    @pytest.mark.parametrize(
        ("key", "value", "expected"),
        [
            ("productivity_uplift", 0.05751586666759115, "+5.8%"),  # tornado P10 of the worked example
            ("pr_size_growth", 1.793068560238115, "+179%"),
            ("review.loc_per_hour", 317.61329075439346, "318 LOC/h"),
            ("team.loaded_cost_per_hour", 82.0501571018189, "$82.05"),
            ("quality.fix_hours_per_bug", 7.45334050433582, "7.45 h"),
            ("finance.capture_factor", 0.39430957995681715, "39.4%"),
            ("costs.tools.0.seat_coverage", 0.8, "80.0%"),
        ],
    )
    def test_values(self, key, value, expected):
        assert fmt.input_value(key, value, "USD") == expected

    def test_labels(self):
        assert fmt.input_label("review.loc_per_hour") == "Review speed"
        assert fmt.input_label("costs.tools.0.seat_coverage") == "Seat coverage"


@given(st.floats(-1e11, 1e11, allow_nan=False))
def test_compact_money_keeps_sign_and_is_short(value):
    text = fmt.money(value, "USD", compact=True)
    shows_digits = any(ch in "123456789" for ch in text)
    assert text.startswith(M) == (value < 0 and shows_digits)
    assert len(text) <= 8  # "−$999.9k" is the longest: fits a metric tile on a projector


class TestMetrics:
    @pytest.mark.parametrize(
        ("metric", "value", "expected"),
        [
            ("prs_merged", 3872, "3,872"),
            ("prs_per_dev_week", 1.2449725857481664, "1.24"),
            ("bugs_per_dev_week", 0.21421034118889865, "0.214"),
            ("change_failure_rate", 0.04132231404958678, "4.1%"),
            ("cycle_hours_median", 21.66638888888889, "21.7 h"),
            ("lead_time_hours", 72.0, "3.0 days"),
            ("pickup_hours_median", 0.5, "30 min"),
            ("recovery_hours", None, "not measured"),
            ("ai_active_users", 55.0621, "55.1"),
        ],
    )
    def test_values(self, metric, value, expected):
        assert fmt.metric_value(metric, value) == expected

    def test_p_value(self):
        assert fmt.p_value(0.0004).replace(fmt.NBSP, " ") == "p < 0.001"
        assert fmt.p_value(0.004).replace(fmt.NBSP, " ") == "p = 0.004"
        assert fmt.p_value(0.2345).replace(fmt.NBSP, " ") == "p = 0.23"

    def test_duration_and_chance(self):
        assert fmt.duration(0.007259801573367768) == "under 1 min"  # worked example baseline wait
        assert fmt.duration(0.25) == "15 min"
        assert fmt.duration(4.81) == "4.8 h"
        assert fmt.duration(None, missing="unstable") == "unstable"
        # A metric tile's short form: "under 1 min" was cut in the Review capacity tile at 1280 px.
        assert fmt.duration(0.007259801573367768, short=True) == "<1 min"
        assert fmt.duration(0.25, short=True) == "15 min"

    def test_a_model_wait_in_working_hours_is_never_written_in_calendar_days(self):
        # 99.5 working hours (8 developers, 3 reviewers at 23%) read "4.1 days": 24-hour days, 3-4x too short.
        assert fmt.working_wait(99.46) == "99.5 h" and fmt.working_wait(55.0, short=True) == "55.0 h"
        assert fmt.working_wait(0.0073) == "under 1 min" and fmt.working_wait(0.0073, short=True) == "<1 min"
        assert fmt.working_wait(0.25) == "15 min" and fmt.working_wait(None, missing="unstable") == "unstable"
        assert fmt.working_wait(float("nan"), missing="unstable") == "unstable"

    def test_a_before_and_after_pair_shares_one_unit(self):
        # The demo organisation's change lead time read "29.6 h" before and "2.8 days" after on the Data page.
        assert fmt.metric_value("lead_time_hours", 29.5975, like=66.89) == "1.2 days"
        assert fmt.metric_value("lead_time_hours", 66.89, like=29.5975) == "2.8 days"
        assert fmt.duration(0.5, like=2.0) == "0.5 h" and fmt.duration(2.0, like=0.5) == "2.0 h"
        assert fmt.duration(0.005, like=0.5) == "under 1 min"
        assert fmt.duration(29.6, like=None) == "29.6 h" and fmt.duration(29.6, like=float("nan")) == "29.6 h"
        assert fmt.metric_value("lead_time_hours", None, like=66.89) == "not measured"
        assert fmt.chance(0.0) == "<1%" and fmt.chance(1.0) == ">99%"  # no draw lost is no certainty
        assert [fmt.a_or_an(x) for x in ("85%", "8%", "11%", "18.2%", "45%", "1%", "110%", "180%", "<1%")] == [
            "an", "an", "an", "an", "a", "a", "a", "a", "a"]
        assert fmt.chance(0.003) == "<1%"
        assert fmt.chance(0.997) == ">99%"
        assert fmt.chance(0.4513) == "45%"


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("Demo organisation (measured, 120 developers)", "demo-organisation-measured-120-developers"),
        ("Faros-style shock, 50 developers", "faros-style-shock-50-developers"),
        ("../../etc/passwd", "etc-passwd"),
        ("Équipe 🚀", "quipe"),
        ("???", "scenario"),
    ],
)
def test_file_stem(name, stem):
    assert fmt.file_stem(name) == stem


def test_file_size():
    assert fmt.file_size(43695) == "44 kB"
    assert fmt.file_size(120) == "1 kB"
    assert fmt.file_size(3175539) == "3.2 MB"


def test_payback_tile_puts_the_unit_in_the_chip():
    # "0.5 months" was cut to "0.5 mon…" in a quarter of a 1280-pixel screen with the sidebar open.
    assert fmt.payback_tile(0.537, 3) == ("0.5", "months")
    assert fmt.payback_tile(0.96, 3) == ("1.0", "month")
    assert fmt.payback_tile(14.23, 3) == ("14.2", "months")
    assert fmt.payback_tile(0.04, 3) == ("< 0.1", "months")
    assert fmt.payback_tile(0.0, 3) == ("immediately", None)
    assert fmt.payback_tile(None, 3) == ("> 3 years", "not within the horizon")
    assert fmt.payback_tile(None, 3, never=True) == ("Never", "no year makes money")  # fmt.PAYBACK_NEVER's words


def test_listed_joins_names_as_a_sentence_does():
    assert [fmt.listed(["a", "b", "c"][:n]) for n in (1, 2, 3)] == ["a", "a and b", "a, b and c"]


def test_file_names_name_the_first_three_then_count_the_rest():
    assert fmt.file_names([]) == ""
    assert fmt.file_names(["a.json", "b.json", "c.json", "d.json"]) == "a.json, b.json, c.json, d.json"
    # 18 PR pages: an error about the periods listed all of them; the workbook repeated 28 names on every row.
    pages = [f"pulls_{i}.json" for i in range(1, 19)]
    assert fmt.file_names(pages) == "pulls_1.json, pulls_2.json, pulls_3.json and 15 other files"


def test_a_small_share_keeps_its_first_decimal():
    """A capture factor of 0.4% read "of which 0% becomes business value" on ROI & risk."""
    assert [fmt.share(v) for v in (0.004, 0.039, 0.02, 0.5, 0.105)] == ["0.4%", "3.9%", "2%", "50%", "10%"]
