"""The bad-input corpus through the app (AppTest): a specific ``st.error``, earlier data kept, session usable.

A representative set: broken JSON, an API error saved as a file, a bomb, macros disguised as
.xlsx, an entity bomb, a gzip bomb, an impossible value (future date, negative size, a PR merged
before it was created), a workbook in no known format, and a scenario file with NaN on the export page.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.bad_inputs import generate
from tests.conftest import ROOT, exports_uploader, github_pulls, xlsx

CORPUS = ROOT / "tests" / "bad_inputs"
GOOD = ("acme_pulls.json", github_pulls(), "application/json")
KEPT = " The data loaded before is still in use."

UPLOADS = [
    ("truncated.json", lambda: (CORPUS / "truncated.json").read_bytes(), "ends before its JSON is complete"),
    (
        "wrong_api_error.json",
        lambda: (CORPUS / "wrong_api_error.json").read_bytes(),
        "is an error response from the API ('Bad credentials')",
    ),
    (
        "future_dates.json",
        lambda: (CORPUS / "future_dates.json").read_bytes(),
        "PR acme/api#21 has created_at 2099",
    ),
    ("negative_additions.json", lambda: (CORPUS / "negative_additions.json").read_bytes(), "-400 additions"),
    ("zip_bomb.xlsx", generate.ratio_bomb_workbook, "zip bomb"),
    ("entity_bomb.xlsx", generate.entity_bomb_workbook, "declares a DOCTYPE or XML entities"),
    ("report.xlsx", generate.macro_workbook, "contains macros (VBA)"),  # an .xlsm renamed to pass the filter
    ("usage.json.gz", generate.gzip_bomb, "gzip bomb"),
    ("not_text.csv", lambda: (CORPUS / "not_text.csv").read_bytes(), "is a PDF"),
    ("jira.xlsx", lambda: xlsx(["Issue key", "Created"], ["P-1", "2025-01-06 09:00"]),
     "is an Excel workbook of a Jira CSV export (a CSV opened and saved in Excel)"),
    ("merged_early.json", lambda: _merged_before_created(), "PR acme/api#7 has merged_at 2025-01-06 08:00 UTC, "
     "before its created_at 2025-01-06 09:00 UTC"),
]


def _merged_before_created() -> bytes:
    pull = {"number": 7, "user": {"login": "dev0", "type": "User"}, "created_at": "2025-01-06T09:00:00Z",
            "merged_at": "2025-01-06T08:00:00Z", "base": {"repo": {"full_name": "acme/api"}}}
    return json.dumps([pull]).encode()


@pytest.fixture
def loaded(open_app):
    """The Data page after a good upload: 64 merged PRs before adoption, 128 after."""
    at = open_app(page="pages/data.py")
    exports_uploader(at).set_value(GOOD)
    at.run()
    assert not at.exception and not at.error
    return at


def _merged_before(at) -> str:
    for table in at.table:
        if "Definition" in table.value.columns:
            return table.value.loc["Merged PRs", "Before"]
    raise AssertionError("no metrics table")


@pytest.mark.parametrize("name, content, words", UPLOADS, ids=[u[0] for u in UPLOADS])
def test_bad_upload_shows_a_specific_error_and_keeps_the_data(loaded, name, content, words):
    scenario = loaded.session_state["scenario"]
    exports_uploader(loaded).set_value((name, content(), "application/octet-stream"))
    loaded.run()
    assert not loaded.exception, [e.value for e in loaded.exception]
    assert len(loaded.error) == 1
    message = loaded.error[0].value
    assert message.startswith(name) and words in message and message.endswith(KEPT), message
    assert loaded.session_state["scenario"] == scenario
    assert _merged_before(loaded) == "64"


def test_a_bad_upload_takes_away_the_success_notice_of_the_action_before(loaded):
    loaded.session_state["notice"] = ("success", "Loaded the scenario 'Client A'.")  # e.g. a scenario opened
    loaded.run()
    assert [s.value for s in loaded.success] == ["Loaded the scenario 'Client A'."]
    loaded.run()  # it stays while nothing else happens
    assert len(loaded.success) == 1
    exports_uploader(loaded).set_value(("truncated.json", (CORPUS / "truncated.json").read_bytes(), "application/json"))
    loaded.run()
    assert len(loaded.error) == 1 and not loaded.success  # above the error it read as if the upload had loaded
    loaded.run()
    assert not loaded.success


def test_the_session_stays_usable_after_a_bad_upload(loaded):
    exports_uploader(loaded).set_value(
        ("entity_bomb.xlsx", generate.entity_bomb_workbook(), "application/octet-stream")
    )
    loaded.run()
    assert len(loaded.error) == 1
    # The next actions work as before: a new adoption date re-measures, the good file loads again.
    loaded.date_input(key="data_adoption").set_value(date(2025, 2, 24)).run()
    assert not loaded.exception
    assert loaded.session_state["scenario"].measurement.adoption_date == date(2025, 2, 24)
    exports_uploader(loaded).set_value(GOOD)
    loaded.run()
    assert not loaded.exception and not loaded.error
    assert loaded.session_state["scenario"].measurement.sources == ["acme_pulls.json"]


@pytest.mark.parametrize(
    "name, words",
    [
        ("scenario_nan.json", "NaN is not a number JSON allows"),
        ("scenario_future_version.json", "schema_version 2 was written by a newer version"),
        ("scenario_unknown_key.json", "field 'review.reviewer_count': unknown key"),
    ],
)
def test_bad_scenario_file_on_the_export_page_keeps_the_current_scenario(open_app, name, words):
    at = open_app(page="pages/export.py")
    before = at.session_state["scenario"]
    at.file_uploader(key="export_scenario_upload").set_value(
        (name, (CORPUS / name).read_bytes(), "application/json")
    )
    at.run()
    assert not at.exception
    assert len(at.error) == 1
    message = at.error[0].value
    assert (
        message.startswith(name)
        and words in message
        and message.endswith("The current scenario is unchanged.")
    )
    assert at.session_state["scenario"] == before


def test_a_file_name_cannot_put_an_image_or_link_in_the_error(loaded):
    # st.error renders Markdown: unescaped, this name would make the browser fetch the address.
    name = "![x](http://example.invalid/pixel.png)[click](http://example.invalid).json"
    exports_uploader(loaded).set_value(
        (name, b'{"message": "Not Found"}', "application/json")
    )
    loaded.run()
    message = loaded.error[0].value
    assert message.startswith(
        "!\\[x\\](http://example.invalid/pixel.png)\\[click\\](http://example.invalid).json"
    )
    assert "![" not in message and "[click]" not in message
