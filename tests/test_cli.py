"""``python -m roi``: results on stdout; bad input exits 2 with one ``error:`` line."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from roi.cli import main
from tests.conftest import ROOT, SCENARIOS


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "roi", *args], capture_output=True, text=True, cwd=ROOT)


def test_compute_prints_the_worked_example_numbers():
    done = run("compute", str(SCENARIOS / "worked_example.json"))
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert results["productivity"]["net_hours"] == pytest.approx(0.85215, rel=1e-4)
    assert results["finance"]["npv"] == pytest.approx(-8499.02, rel=1e-4)
    assert results["review"]["reviewers_needed"] == 37
    assert results["review"]["post"]["wait_hours"] is None
    assert set(results) >= {"productivity", "review", "finance", "uncertainty", "checklist"}


def test_bad_scenario_exits_2_with_one_error_line(tmp_path):
    bad = tmp_path / "bad.json"
    data = json.loads((SCENARIOS / "worked_example.json").read_text())
    data["team"]["developers"] = -3
    bad.write_text(json.dumps(data))
    done = run("compute", str(bad))
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert str(bad) in lines[0] and "team.developers" in lines[0]
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_usage_mistake_is_one_error_line(capsys):
    with pytest.raises(SystemExit) as info:
        main(["compute"])
    assert info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ")


def test_missing_file_exit_2(capsys):
    assert main(["compute", "no/such/file.json"]) == 2
    assert capsys.readouterr().err.startswith("error: no/such/file.json: cannot be read")


def test_compare_a_workshop_and_a_file(tmp_path, capsys):
    import csv
    import io

    from roi.models import load_scenario
    from roi.workshop import workshop_zip

    worked = load_scenario(SCENARIOS / "worked_example.json")
    workshop = tmp_path / "acme-workshop.zip"
    workshop.write_bytes(workshop_zip([worked, worked.model_copy(update={"name": "Second"})]))
    assert main(["compare", str(workshop), str(SCENARIOS / "dora_2024.json")]) == 0
    rows = {row[0]: row for row in csv.reader(io.StringIO(capsys.readouterr().out))}
    assert rows["figure"][3:] == [worked.name, "Second", load_scenario(SCENARIOS / "dora_2024.json").name]
    assert float(rows["npv"][3]) == pytest.approx(-8499.02, rel=1e-4)  # METHODS §5
    assert rows["reviewers_needed"][3:5] == ["37", "37"]

    out = tmp_path / "comparison.csv"
    assert main(["compare", str(workshop), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("figure,label,unit,")


def test_compare_refuses_a_wrong_output_and_names_a_bad_member(tmp_path, capsys):
    assert main(["compare", str(SCENARIOS / "worked_example.json"), "--out", str(tmp_path / "x.xlsx")]) == 2
    assert "the comparison must be a .csv file" in capsys.readouterr().err
    import zipfile

    broken = tmp_path / "w.zip"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("a.json", "{")
    assert main(["compare", str(broken)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {broken}: a.json: not valid JSON at line 1")
