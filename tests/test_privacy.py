"""roi.privacy: salted pseudonyms, the same across tables, bots kept, nothing reversible without the salt."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from roi import privacy
from tests.conftest import exports_uploader


def test_pseudonym_is_hmac_sha256_of_the_casefolded_login():
    # Independent computation of the documented construction.
    expected = "dev-" + hmac.new(b"pepper", b"octocat", hashlib.sha256).hexdigest()[:10]
    assert privacy.pseudonymise("OctoCat", b"pepper") == expected
    assert privacy.pseudonymise(" octocat ", b"pepper") == expected


def test_salt_changes_every_pseudonym():
    assert privacy.pseudonymise("octocat", b"a") != privacy.pseudonymise("octocat", b"b")


def test_new_salt_is_random():
    assert len(privacy.new_salt()) == 16
    assert privacy.new_salt() != privacy.new_salt()


@given(
    st.lists(st.text(min_size=1, max_size=12).filter(str.strip), max_size=40),
    st.binary(min_size=1, max_size=8),
)
def test_map_keeps_people_distinct_and_equal_logins_equal(logins, salt):
    mapping = privacy.pseudonym_map(logins, salt)
    people = {}
    for login, pseudonym in mapping.items():
        assert pseudonym.startswith("dev-") and len(pseudonym) == 14
        people.setdefault(pseudonym, set()).add(login.strip().casefold())
    assert all(len(owners) == 1 for owners in people.values())


def test_collisions_are_resolved_by_lengthening(monkeypatch):
    monkeypatch.setattr(privacy, "_DIGITS", 1)  # 16 values: 40 people must collide
    logins = [f"user{i}" for i in range(40)]
    mapping = privacy.pseudonym_map(logins, b"s")
    assert len(set(mapping.values())) == 40
    assert len({len(v) for v in mapping.values()}) == 1


def test_frame_keeps_bots_and_empties():
    frame = pd.DataFrame(
        {
            "author": ["alice", "dependabot[bot]", None, "", "Alice"],
            "author_is_bot": [False, True, False, False, False],
        }
    )
    out = privacy.pseudonymise_frame(frame, {"author": "author_is_bot"}, b"k")
    assert out["author"][1] == "dependabot[bot]"
    assert pd.isna(out["author"][2]) and out["author"][3] == ""
    assert out["author"][0] == out["author"][4] == privacy.pseudonymise("alice", b"k")
    assert frame["author"][0] == "alice"  # the input is not modified


@given(
    st.lists(
        st.tuples(st.sampled_from(["alice", "Alice ", "bob", "ci[bot]", "", "  ", None]), st.booleans()),
        max_size=30,
    ),
    st.sampled_from(["object", "str"]),
)
def test_frame_is_pseudonymised_row_by_row_as_the_rule_says(rows, dtype):
    frame = pd.DataFrame(rows, columns=["reviewer", "reviewer_is_bot"]).astype({"reviewer": dtype})
    out = privacy.pseudonymise_frame(frame, {"reviewer": "reviewer_is_bot"}, b"k")
    for (login, bot), got in zip(rows, out["reviewer"], strict=True):
        if isinstance(login, str) and login.strip() and not bot:
            assert got == privacy.pseudonymise(login, b"k")
        elif login is None:
            assert pd.isna(got)
        else:
            assert got == login  # a bot, or an empty name, is kept as it is
    assert out["reviewer"].dtype == frame["reviewer"].dtype


def test_dataset_uses_one_mapping_across_tables():
    from roi.ingest.tables import SCHEMAS, Dataset, empty

    prs = empty("pull_requests")
    prs = pd.concat(
        [
            prs,
            pd.DataFrame(
                {"author": ["alice", "copilot"], "assignee": [None, "bob"], "author_is_bot": [False, True]}
            ),
        ],
        ignore_index=True,
    )
    reviews = pd.DataFrame({"reviewer": ["bob", "Alice"], "reviewer_is_bot": [False, False]})
    seats = pd.DataFrame({"user": ["bob"]})
    dataset = privacy.pseudonymise_dataset(Dataset(pull_requests=prs, reviews=reviews, seats=seats), b"salt")
    alice, bob = privacy.pseudonymise("alice", b"salt"), privacy.pseudonymise("bob", b"salt")
    assert list(dataset.pull_requests["author"]) == [alice, "copilot"]
    assert dataset.pull_requests["assignee"][1] == bob
    assert list(dataset.reviews["reviewer"]) == [bob, alice]
    assert list(dataset.seats["user"]) == [bob]
    # Every person column the canonical tables define is covered.
    for table, columns in privacy.PERSON_COLUMNS.items():
        assert set(columns) <= set(SCHEMAS[table])


def test_an_exported_workbook_of_pseudonymised_tables_names_nobody(worked_example):
    import io

    from openpyxl import load_workbook

    from roi.engine import compute
    from roi.export import build_workbook, tables_of
    from roi.ingest import read_exports
    from tests.conftest import ROOT

    fixtures = ROOT / "tests" / "fixtures" / "ingest"
    dataset = read_exports(
        [
            fixtures / name
            for name in (
                "github_pulls_page1.json",
                "github_pulls_page2.json",
                "github_reviews.json",
                "copilot_seats.json",
                "jira_all_fields.csv",
            )
        ]
    )
    people = {
        str(v).casefold()
        for table, columns in privacy.PERSON_COLUMNS.items()
        for column, flag in columns.items()
        for v, bot in zip(
            getattr(dataset, table)[column],
            getattr(dataset, table)[flag] if flag else [False] * len(getattr(dataset, table)),
            strict=True,
        )
        if isinstance(v, str) and v.strip() and not bot
    }
    assert {"alice", "bob"} <= people  # the fixtures do name people: the test can fail
    tables = privacy.pseudonymise_tables(tables_of(dataset), privacy.new_salt())
    book = load_workbook(io.BytesIO(build_workbook(worked_example, compute(worked_example), tables=tables)))
    shown = {
        str(c.value).casefold() for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value
    }
    assert not people & shown, people & shown
    assert any(value.startswith("dev-") for value in shown)


# --- nothing on the server's disk -------------------------------------------------------------

_WRITES: list[str] | None = None
_WRITE_FLAGS = 0o1 | 0o2 | 0o100  # O_WRONLY | O_RDWR | O_CREAT


def _audit(event: str, args: tuple) -> None:
    # Installed once (audit hooks cannot be removed); records only while a test sets _WRITES.
    if _WRITES is None:
        return
    if event == "open" and len(args) >= 3:
        path, mode, flags = args[0], args[1], args[2]
        writing = (
            any(c in mode for c in "wax+") if isinstance(mode, str) else bool((flags or 0) & _WRITE_FLAGS)
        )
        if writing and isinstance(path, (str, bytes)) and not str(path).endswith(".pyc"):
            _WRITES.append(str(path))
    elif event in ("os.rename", "os.replace", "shutil.copyfile", "shutil.move"):
        _WRITES.append(str(args[1]))


def test_the_app_writes_nothing_to_disk_for_uploads_and_exports(open_app, tmp_path, monkeypatch):
    """Uploads, measurement and a workbook with event tables: no file is written or left behind.

    The one exception is openpyxl itself, which streams each worksheet through a temporary file
    (``openpyxl.*`` in the temp folder) while it saves and deletes it at once; SECURITY.md says so
    and how to put the temp folder in memory.
    """
    import os
    import sys
    import tempfile

    from tests.conftest import github_pulls

    global _WRITES
    if not getattr(sys.modules[__name__], "_HOOKED", False):
        sys.addaudithook(_audit)
        sys.modules[__name__]._HOOKED = True
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    at = open_app(page="pages/data.py")
    _WRITES = []
    try:
        exports_uploader(at).set_value(
            ("acme_pulls.json", github_pulls(), "application/json")
        )
        at.run()
        at.switch_page("pages/export.py").run()
        at.checkbox(key="export_tables").check().run()
        assert not at.exception and not at.error
        assert [b for b in at.get("download_button") if b.proto.label == "Download the workbook"]
        written = list(_WRITES)
    finally:
        _WRITES = None
    transient = [
        p for p in written if os.path.basename(p).startswith("openpyxl.") and p.startswith(str(tmp_path))
    ]
    assert [p for p in written if p not in transient and p != str(tmp_path)] == []
    assert list(tmp_path.iterdir()) == []  # and removed them all


def test_the_exported_event_tables_are_pseudonymised_by_default(open_app, monkeypatch):
    import roi.export
    from tests.conftest import github_pulls

    built = []
    real = roi.export.build_workbook
    monkeypatch.setattr(
        roi.export, "build_workbook", lambda *a, **k: built.append(k.get("tables")) or real(*a, **k)
    )
    at = open_app(page="pages/data.py")
    exports_uploader(at).set_value(("acme_pulls.json", github_pulls(), "application/json"))
    at.run()
    at.switch_page("pages/export.py").run()
    assert at.checkbox(key="export_pseudonymise").value is True
    at.checkbox(key="export_tables").check().run()
    assert not at.exception and not at.error
    authors = set(built[-1]["pull_requests"]["author"])
    salt = at.session_state["privacy_salt"]
    assert privacy.pseudonymise("dev3", salt) in authors and "dependabot[bot]" in authors
    assert not {f"dev{i}" for i in range(8)} & authors
    at.checkbox(key="export_pseudonymise").uncheck().run()  # the user may choose real names
    assert "dev3" in set(built[-1]["pull_requests"]["author"])


def test_no_person_value_of_the_exports_survives_pseudonymisation():
    # Jira assignees (Alice Chen, Bob Li, Carol Diaz) are people like PR authors: a pseudonymous export that
    # hashed the authors but kept the assignees in clear would name them. Checked over every text cell of every
    # table, so a table that adds a person column later is caught too.
    from pathlib import Path

    from roi.ingest import read_exports

    fixtures = Path(__file__).parent / "fixtures" / "ingest"
    ds = read_exports([fixtures / name for name in ("jira_all_fields.csv", "github_pulls_page1.json",
                                                     "copilot_seats.json")])
    salt = b"0123456789abcdef"
    p = privacy.pseudonymise_dataset(ds, salt)
    assignees = p.work_items["assignee"].dropna().tolist()
    assert assignees and all(a.startswith(privacy.PSEUDONYM_PREFIX) for a in assignees)
    assert set(assignees) == {privacy.pseudonymise(n, salt) for n in ("Alice Chen", "Bob Li", "Carol Diaz")}
    people = set()
    for table, columns in privacy.PERSON_COLUMNS.items():
        frame = getattr(ds, table)
        for column, bot_flag in columns.items():
            rows = frame if bot_flag is None else frame[~frame[bot_flag].fillna(False).astype(bool)]
            people |= set(rows[column].dropna())
    assert {"Alice Chen", "Bob Li", "Carol Diaz"} <= people
    frames = [getattr(p, f.name) for f in dataclasses.fields(p) if isinstance(getattr(p, f.name), pd.DataFrame)]
    cells = {v for frame in frames for c in frame.columns for v in frame[c].dropna() if isinstance(v, str)}
    assert not cells & people
