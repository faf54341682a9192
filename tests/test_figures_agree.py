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
from tests.conftest import SCENARIOS, metric_value

LOSS = "Chance of a loss (NPV ≤ 0)"


def sheet_rows(scenario, title: str) -> dict[str, object]:
    """Label (column A) → stored value (column B) of one sheet of the scenario's workbook."""
    book = load_workbook(io.BytesIO(build_workbook(scenario, compute(scenario))), data_only=True)
    return {row[0].value: row[1].value for row in book[title].iter_rows(max_col=2) if row[0].value}


@pytest.mark.parametrize(
    ("file", "shown", "loss"),
    [("demo_org.json", "0%", 0.0), ("worked_example.json", "45%", 0.4513)],
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
