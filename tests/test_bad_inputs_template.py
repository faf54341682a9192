"""The estimates template as consultants fill it in: formulas, extra sheets, empty files, units, merged
cells."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from roi.cli import main
from roi.errors import InputFormatError
from roi.ingest import read_exports
from roi.ingest.template import (
    EXAMPLE,
    EXAMPLE_NOTE,
    cell_text,
    template_csv,
    template_xlsx,
    typed_estimates,
)
from tests.conftest import SCENARIOS


def _template(edit=None) -> bytes:
    """The template workbook, changed by ``edit(book)``."""
    book = load_workbook(io.BytesIO(template_xlsx()))
    if edit is not None:
        edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _set(**cells):
    def edit(book):
        for coordinate, value in cells.items():
            book["Estimates"][coordinate] = value
    return edit


def _with_cached_results(data: bytes, results: dict[str, str]) -> bytes:
    """``data`` with saved results for formula cells, as Excel and LibreOffice store them (openpyxl stores
    none)."""
    out = io.BytesIO()
    with (zipfile.ZipFile(io.BytesIO(data)) as source,
          zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target):
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                for coordinate, value in results.items():
                    start = content.index(f'<c r="{coordinate}">'.encode())
                    end = content.index(b"</c>", start)
                    cell = content[start:end].replace(b"<v />", f"<v>{value}</v>".encode())
                    assert b"<f>" in cell and f"<v>{value}</v>".encode() in cell, cell
                    content = content[:start] + cell + content[end:]
            target.writestr(item, content)
    return out.getvalue()


def _scenario(capsys, tmp_path, data: bytes, name: str = "estimates.xlsx"):
    """``python -m roi scenario`` on the file, the worked example as base: (exit code, scenario, stderr)."""
    (tmp_path / name).write_bytes(data)
    out = tmp_path / "out.json"
    code = main(["scenario", str(tmp_path / name), "--adoption-date", "2025-03-01",
                 "--base", str(SCENARIOS / "worked_example.json"), "--out", str(out)])
    _, err = capsys.readouterr()
    assert "Traceback" not in err, err
    return code, (json.loads(out.read_text()) if code == 0 else None), err.strip()


def test_formulas_without_a_saved_result_are_refused_not_read_as_empty(capsys, tmp_path):
    # openpyxl (and other scripts) write formulas without calculating them: both cells read as empty, so the
    # row was skipped and the base scenario's 4.0 tasks kept, with exit status 0.
    code, _, err = _scenario(capsys, tmp_path, _template(_set(B2="=2+2", C2="=2*2.5")))
    assert code == 2 and len(err.splitlines()) == 1, err
    assert ("estimates.xlsx, row 2, column 'baseline': sheet 'Estimates', cell B2 holds the formula '=2+2'"
            in err), err
    assert "no saved result" in err and "Open the file in Excel or LibreOffice and save it" in err, err
    assert "or type the value" in err, err


def test_formulas_with_a_saved_result_are_read_as_their_value(capsys, tmp_path):
    data = _with_cached_results(_template(_set(B2="=2+2", C2="=2*2.5")), {"B2": "4", "C2": "5"})
    code, scenario, err = _scenario(capsys, tmp_path, data)
    assert code == 0, err
    assert (scenario["baseline"]["tasks_per_dev_week"], scenario["post"]["tasks_per_dev_week"]) == (4, 5)


def _sheet_before(book, title: str = "Notes") -> None:
    book.create_sheet(title, 0)["A1"] = "Agreed with the team on 3 March"


def test_a_sheet_inserted_before_the_estimates_sheet_is_passed_over_and_named(capsys, tmp_path):
    code, scenario, err = _scenario(capsys, tmp_path, _template(lambda book: (
        _sheet_before(book), _set(B2=3.5)(book))))
    assert code == 0, err
    assert scenario["baseline"]["tasks_per_dev_week"] == 3.5
    assert "estimates read from sheet 'Estimates'; other sheet(s) not read: 'Notes'" in scenario["notes"]


def test_the_only_sheet_with_the_template_header_is_read_whatever_its_name(capsys, tmp_path):
    def edit(book):
        _sheet_before(book)
        book["Estimates"].title = "Team A"
        book["Team A"]["B2"] = 3.5
    code, scenario, err = _scenario(capsys, tmp_path, _template(edit))
    assert code == 0, err
    assert scenario["baseline"]["tasks_per_dev_week"] == 3.5
    assert "sheet 'Team A'" in scenario["notes"]


def test_two_sheets_with_the_template_header_and_none_named_estimates_are_refused(capsys, tmp_path):
    def edit(book):
        book.copy_worksheet(book["Estimates"]).title = "Team B"
        book["Estimates"].title = "Team A"
    code, _, err = _scenario(capsys, tmp_path, _template(edit))
    assert code == 2, err
    assert ("estimates.xlsx: sheets 'Team A', 'Team B' all have the estimates template's header (metric, "
            "baseline, post); delete the ones not filled in, or name the filled-in one 'Estimates'"
            in err), err


def test_the_template_as_written_reads_without_a_note_about_sheets():
    dataset = read_exports([("estimates.xlsx", template_xlsx())])
    assert dataset.sources[0].notes == [] and len(dataset.estimates) == 4


NOTHING_FILLED_IN = ("no estimates filled in: fill in the baseline and post of at least one metric's row "
                     "(e.g. tasks_per_dev_week), save the file and load it again")


def _blank(book) -> None:
    for row in book["Estimates"].iter_rows(min_row=2, min_col=2, max_col=5):
        for cell in row:
            cell.value = None


@pytest.mark.parametrize("edit", [_blank, lambda book: book["Estimates"].delete_rows(2, 20)],
                         ids=["value cells blank", "rows deleted"])
def test_an_empty_template_says_no_estimates_are_filled_in(capsys, tmp_path, edit):
    # It said "the exports hold no dated events (merged PRs, deployments, …)": nothing about the template.
    code, _, err = _scenario(capsys, tmp_path, _template(edit))
    assert code == 2 and err.endswith(f"/estimates.xlsx: {NOTHING_FILLED_IN}"), err


def test_an_empty_csv_template_says_no_estimates_are_filled_in(capsys, tmp_path):
    csv = b"metric,baseline,post,low,high\ntasks_per_dev_week,,,,\n"
    code, _, err = _scenario(capsys, tmp_path, csv, "estimates.csv")
    assert code == 2 and err.endswith(f"/estimates.csv: {NOTHING_FILLED_IN}"), err


@pytest.mark.parametrize(("csv", "where", "message"), [
    (b"metric,baseline,post\n,3,4\n", "row 2, column 'metric'", "the row has values but no metric"),
    (b"metric,baseline,post,low,high\ntasks_per_dev_week,4,5,,\npr_size_loc,,,150,200\n",
     "row 3, column 'baseline'", "low/high are filled in but baseline and post are empty; fill in"),
], ids=["no metric", "range only"])
def test_values_the_template_would_leave_out_are_refused(csv, where, message):
    # Both rows were left out silently (counted as 'metric left empty').
    with pytest.raises(InputFormatError) as caught:
        read_exports([("estimates.csv", csv)])
    assert f"estimates.csv, {where}: {message}" in str(caught.value), caught.value


def test_the_template_says_its_filled_in_rows_are_the_worked_examples_to_replace():
    """A user who filled in only the rows they knew uploaded the example's values for the others, and they were
    used: the first instruction says what the filled-in rows are."""
    book = load_workbook(io.BytesIO(template_xlsx()))
    notes = [row[0] for row in book["How to fill"].iter_rows(values_only=True)]
    assert notes[0] == EXAMPLE_NOTE
    assert "are examples: the worked example's values" in notes[0] and "Replace them with yours" in notes[0]
    filled = {row[0] for row in book["Estimates"].iter_rows(min_row=2, values_only=True) if row[1] is not None}
    assert filled == set(EXAMPLE) == {"tasks_per_dev_week", "prs_per_dev_week", "pr_size_loc", "bugs_per_dev_week"}
    rows = list(csv.DictReader(io.StringIO(template_csv().decode())))
    assert {row["metric"] for row in rows if row["baseline"]} == filled  # the CSV holds the same examples


def test_the_template_writes_rates_as_shares_the_way_the_reader_takes_them(capsys, tmp_path):
    book = load_workbook(io.BytesIO(template_xlsx()))
    rates = [row for row in book["Estimates"].iter_rows(values_only=True) if row[0] in ("change_failure_rate",
                                                                                       "rework_rate")]
    assert [row[5] for row in rates] == ["share: 0.25 = 25%"] * 2  # was "fraction 0-1"
    notes = [row[0] for row in book["How to fill"].iter_rows(values_only=True)]
    assert any("type 0.12 or 12% for 12%" in line for line in notes), notes
    # Both ways the unit says are read the same: 0.25, and 25% (text in a CSV; in Excel, a percent cell).
    code, scenario, err = _scenario(capsys, tmp_path, _template(_set(B7="25%", C7=0.2, B9=0.1, C9="8%")))
    assert code == 0, err
    baseline, post = scenario["baseline"], scenario["post"]
    assert (baseline["change_failure_rate"], post["change_failure_rate"]) == (0.25, 0.2)
    assert (baseline["rework_rate"], post["rework_rate"]) == (0.1, 0.08)


@pytest.mark.parametrize(("cells", "where", "message"), [
    ({"B2": "4 h"}, "row 2, column 'baseline'",
     "'4 h' has a unit; type the number alone (tasks_per_dev_week is in tasks/dev-week)"),
    ({"C10": "30 hours", "B10": 40}, "row 10, column 'post'",
     "'30 hours' has a unit; type the number alone (lead_time_hours is in calendar hours)"),
    ({"B2": "25%"}, "row 2, column 'baseline'",
     "'25%' is a percentage, but tasks_per_dev_week is in tasks/dev-week; type the number alone"),
    ({"B7": 12, "C7": 0.1}, "row 7, column 'baseline'",
     "12 is more than 1 (100%): rates are shares; write 0.12 (or 12%) for 12%"),
])
def test_values_with_units_are_refused_saying_how_to_type_them(capsys, tmp_path, cells, where, message):
    code, _, err = _scenario(capsys, tmp_path, _template(_set(**cells)))
    assert code == 2 and err.endswith(f"estimates.xlsx, {where}: {message}"), err


def test_a_date_where_a_number_goes_is_refused(capsys, tmp_path):
    from datetime import datetime

    def edit(book):
        book["Estimates"]["B2"] = datetime(2025, 3, 4)
        book["Estimates"]["C2"] = 4.5
        book["Estimates"]["C2"].number_format = "yyyy-mm-dd"  # 4.5 in a cell formatted as a date
    code, _, err = _scenario(capsys, tmp_path, _template(edit))
    assert code == 2, err
    assert ("row 2, column 'baseline': '2025-03-04 00:00:00' is a date, not a number: the cell holds a date "
            "or is formatted as one; format it as a number (Excel: Format Cells › Number) and type the value "
            "(tasks_per_dev_week is in tasks/dev-week)") in err, err
    def only_c2(book):
        edit(book)
        book["Estimates"]["B2"] = 4
        book["Estimates"]["B2"].number_format = "General"
    code, _, err = _scenario(capsys, tmp_path, _template(only_c2))
    assert code == 2 and "row 2, column 'post': '1900-01-04 12:00:00' is a date, not a number" in err, err


def test_a_date_in_a_csv_is_refused_as_a_date():
    with pytest.raises(InputFormatError) as caught:
        read_exports([("estimates.csv", b"metric,baseline,post\nrecovery_hours,3/4/2025,2\n")])
    assert "row 2, column 'baseline': '3/4/2025' is a date, not a number" in str(caught.value), caught.value


def test_a_unit_typed_in_a_rate_row_names_the_share():
    with pytest.raises(InputFormatError) as caught:
        read_exports([("estimates.csv", b"metric,baseline,post\nrework_rate,0.1,0.2 share\n")])
    assert caught.value.message == ("'0.2 share' has a unit; type the number alone (rework_rate is a share: "
                                    "0.25 = 25%)")


@pytest.mark.parametrize(("cells", "where"), [("B2:C2", "row 2, column 'baseline'"),
                                              ("A3:A4", "row 3, column 'metric'")])
def test_merged_cells_are_refused_not_read_as_empty(capsys, tmp_path, cells, where):
    # B2:C2 said "gives only one of baseline and post" without a row; A3:A4 left row 4 without its metric.
    code, _, err = _scenario(capsys, tmp_path, _template(lambda book: book["Estimates"].merge_cells(cells)))
    assert code == 2, err
    assert err.endswith(f"estimates.xlsx, {where}: sheet 'Estimates', cells {cells} are merged, so only "
                        "the first holds a value and the others read as empty; unmerge them (Excel: Home › "
                        "Merge & Center) and type each value in its own cell"), err


def test_a_metric_typed_twice_in_the_workbook_is_refused(capsys, tmp_path):
    code, _, err = _scenario(capsys, tmp_path, _template(_set(A5="tasks_per_dev_week")))
    assert code == 2 and err.endswith("estimates.xlsx, row 5, column 'metric': 'tasks_per_dev_week' is given "
                                      "again (first in row 2); keep one row per metric"), err


def test_typed_estimates_read_empty_cells_of_every_kind_as_no_value():
    """The app's estimates table hands over None, NaN or pandas' NA for an emptied cell (str(pd.NA) is
    '<NA>', which would be 'not a number'), and numbers as well as text."""
    import numpy as np
    import pandas as pd

    typed = typed_estimates(
        {"recovery_hours": (pd.NA, None, np.nan, " "), "review_hours": ("1,5", 2.0, None, pd.NA)}
    )
    assert typed == {"recovery_hours": (None, None, None, None), "review_hours": (1.5, 2.0, None, None)}
    assert [cell_text(v) for v in (0.04132, 386.67, 188419.0, None)] == ["0.0413", "387", "188419", ""]
    assert [cell_text(v, percent=True) for v in (0.04132, 0.0, 1.0, None)] == ["4.13%", "0%", "100%", ""]


def test_the_app_s_table_takes_rates_as_percentages_and_the_file_as_fractions():
    cells = {"change_failure_rate": ("4.1", "8,5", "0,085", "9.5%"), "rework_rate": ("1", None, None, None),
             "tasks_per_dev_week": ("4", "4,5", None, None)}
    assert typed_estimates(cells, rates_in_percent=True) == {
        "change_failure_rate": (0.041, 0.085, 0.00085, 0.095),  # "0,085" is 0.085%, as "0.085" would be
        "rework_rate": (0.01, None, None, None),  # "1" is 1%, not 100%
        "tasks_per_dev_week": (4.0, 4.5, None, None),  # not a rate: as typed
    }
    with pytest.raises(InputFormatError, match="'abc' is not a number"):  # not made "abc%"
        typed_estimates({"rework_rate": ("abc", None, None, None)}, rates_in_percent=True)
    # The template's rule: a bare number is the fraction itself (4.1 is refused later as more than 1, 100%).
    assert typed_estimates({"change_failure_rate": ("4.1", None, None, None)}) == {
        "change_failure_rate": (4.1, None, None, None)}


def test_a_range_on_a_time_the_money_does_not_use_names_its_cell(capsys, tmp_path):
    # Row 11 is review_hours: its range became 'post.review_hours', which no simulated outcome reads.
    code, _, err = _scenario(capsys, tmp_path, _template(_set(A11="review_hours", B11=10, C11=12, D11=11, E11=14)))
    assert code == 2
    assert err == (f"error: {tmp_path / 'estimates.xlsx'}, row 11, column 'low': low/high are given for a time the money does not "
                   "depend on (it is shown for context), so no simulated outcome would use them; clear low and "
                   "high in this row")
    code, scenario, err = _scenario(capsys, tmp_path, _template(_set(A11="review_hours", B11=10, C11=12)))
    assert code == 0 and scenario["post"]["review_hours"] == 12, err


def test_the_app_s_own_workbook_given_as_an_export_is_named_as_such(worked_example):
    # It was offered for a column mapping of its Summary sheet, as "in none of the formats above".
    from roi.engine import compute
    from roi.export import build_workbook
    from roi.export.workbook import SHEET_ORDER
    from roi.ingest.template import OWN_WORKBOOK_SHEETS

    assert OWN_WORKBOOK_SHEETS <= set(SHEET_ORDER)
    with pytest.raises(InputFormatError) as caught:
        read_exports([("client-roi.xlsx", build_workbook(worked_example, compute(worked_example)))])
    assert caught.value.describe() == (
        "client-roi.xlsx: is a workbook this app exported, not an export to measure: open it on the Export page "
        "(Resume), which takes the edits made in it, or load the exports it was measured from here")
