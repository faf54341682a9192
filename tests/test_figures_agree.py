"""One figure, one value, one name: the Summary and ROI & risk pages against the exported workbook.

What a CFO puts side by side in a meeting: the app's tiles (AppTest) and the workbook's Summary and
Sensitivity sheets (openpyxl, the values stored for viewers that do not recalculate), on the demo
organisation and on the worked example.
"""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from roi import compute
from roi import formatting as fmt
from roi.export import build_workbook
from roi.models import load_scenario
from tests.conftest import SCENARIOS, metric_delta, metric_value

LOSS = "Chance of a loss (NPV ≤ 0)"


def sheet_rows(scenario, title: str) -> dict[str, object]:
    """Label (column A) → stored value (column B) of one sheet of the scenario's workbook."""
    book = load_workbook(io.BytesIO(build_workbook(scenario, compute(scenario))), data_only=True)
    return {row[0].value: row[1].value for row in book[title].iter_rows(max_col=2) if row[0].value}


@pytest.mark.parametrize(
    ("file", "shown", "loss"),
    [("demo_org.json", "<1%", 0.0045), ("worked_example.json", "45%", 0.4513)],
)
def test_the_chance_of_a_loss_has_the_apps_name_and_sign_in_the_workbook(open_app, file, shown, loss):
    """The tiles say "Chance of a loss 45%"; the workbook said "Probability NPV > 0 54.9%", the same
    Monte Carlo figure the other way round."""
    scenario = load_scenario(SCENARIOS / file)
    for page in ("pages/summary.py", "pages/finance.py"):
        assert metric_value(open_app(page=page, scenario=scenario), "Chance of a loss") == shown
    for title in ("Summary", "Sensitivity"):
        rows = sheet_rows(scenario, title)
        assert "Probability NPV > 0" not in rows
        assert rows[LOSS] == pytest.approx(loss, abs=1e-4), title
        assert fmt.chance(rows[LOSS]) == shown


def test_without_ranges_the_workbook_claims_no_range_nor_chance_the_app_does_not(open_app, worked_example):
    """An uncertainty section with no ranges: every draw is the NPV. The app shows "not simulated" and no
    P10–P90 chip; the workbook gave P10 = P50 = P90 = −$8,499 and a 100% chance of a loss."""
    spec = worked_example.uncertainty.model_copy(update={"ranges": {}})
    scenario = worked_example.model_copy(update={"uncertainty": spec})
    for page in ("pages/summary.py", "pages/finance.py"):
        at = open_app(page=page, scenario=scenario)
        assert metric_value(at, "Chance of a loss") == "not simulated"
        assert metric_delta(at, "Net present value") in (None, "", "no uncertainty ranges")
    summary = sheet_rows(scenario, "Summary")
    assert summary["Net present value (NPV)"] == pytest.approx(-8499.02, abs=0.01)
    assert not [label for label in summary if "P10" in label or "P90" in label or label == LOSS]
    sensitivity = sheet_rows(scenario, "Sensitivity")
    assert sensitivity["Draws"] == 20000  # the settings stay; the outcomes, all the NPV, do not
    assert not [label for label in sensitivity if label.startswith("NPV P") or label == LOSS]
    assert "No uncertainty ranges: no tornado." in sensitivity


@pytest.mark.parametrize("file", ["demo_org.json", "worked_example.json"])
def test_the_money_tiles_and_the_workbook_name_and_round_each_figure_alike(open_app, file):
    """Net present value, Return on investment and Payback: the tiles' names on the workbook's Summary and
    Cash flow (it said "NPV" and "ROI"), and its stored values shown by the tiles' rules give the tiles.
    The workbook keeps exact values ($3,486,382; 1197.7%), the tiles a compact one (+$3.5M)."""
    scenario = load_scenario(SCENARIOS / file)
    years = scenario.finance.horizon_years
    for title in ("Summary", "Cash flow"):
        rows = sheet_rows(scenario, title)
        payback = rows["Payback"]
        shown = {
            "Net present value": fmt.money(rows["Net present value (NPV)"], compact=True, signed=True),
            "Return on investment": fmt.percent(rows["Return on investment (ROI)"], signed=True, digits=1),
            "Payback": fmt.payback_tile(payback if isinstance(payback, float) else None, years)[0],
        }
        for page in ("pages/summary.py", "pages/finance.py"):
            at = open_app(page=page, scenario=scenario)
            assert {label: metric_value(at, label) for label in shown} == shown, (title, page)


def test_the_workbook_groups_the_thousands_of_a_percentage_as_the_tiles_do(open_app):
    """The GitHub (Peng et al.) preset's ROI: "+3,837.5%" on the tiles; the workbook's 0.0% format showed
    "3837.5%"."""
    scenario = load_scenario(SCENARIOS / "github_peng_2023.json")
    book = load_workbook(io.BytesIO(build_workbook(scenario, compute(scenario))))
    rows = {row[0].value: row[1] for row in book["Summary"].iter_rows(max_col=2) if row[0].value}
    roi = rows["Return on investment (ROI)"]
    assert roi.number_format == "#,##0.0%"  # 38.375 → "3,837.5%"
    at = open_app(page="pages/summary.py", scenario=scenario)
    assert metric_value(at, "Return on investment") == "+3,837.5%"


def test_a_payback_that_never_comes_is_named_alike_everywhere(open_app, worked_example):
    """$2,000 a seat-month: year 1 costs 50 · 2,000 · 12 · 1.1 = $1.32M more against $49.7k of benefits, and so
    every year. The summary and ROI & risk said "Never", Compare scenarios "not within 3 years" and the
    workbook "not within horizon"; the worked example itself (year 2 gains, too little) is not within 3 years."""
    from roi.comparison import table
    from roi.whatif import with_value

    dear = with_value(worked_example, "costs.tools.0.price_per_seat_month", 2000.0)
    results = compute(dear)
    assert all(b < c for b, c in zip(results.finance.benefits_by_year, results.finance.costs_by_year, strict=True))
    for page in ("pages/summary.py", "pages/finance.py"):
        at = open_app(page=page, scenario=dear)
        assert (metric_value(at, "Payback"), metric_delta(at, "Payback")) == ("Never", "no year makes money")
    summary = open_app(page="pages/summary.py", scenario=dear).main.get_by_key("summary_verdict").markdown[-1]
    assert summary.value.endswith("; payback never: no year makes money.")
    compared = table([(dear, results), (worked_example, compute(worked_example))])
    assert list(compared.loc["Payback"]) == ["never: no year makes money", "not within 3 years"]
    for title in ("Summary", "Cash flow"):
        assert sheet_rows(dear, title)["Payback"] == "never: no year makes money", title
        assert sheet_rows(worked_example, title)["Payback"] == "not within 3 years", title
