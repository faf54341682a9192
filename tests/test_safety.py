"""roi.safety: size, decompression, workbook-container and text-decoding defences."""

from __future__ import annotations

import gzip
import io
import os
import re
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from roi import safety
from roi.errors import InputFormatError
from tests.bad_inputs import generate


def _refused(call, *words: str) -> InputFormatError:
    with pytest.raises(InputFormatError) as info:
        call()
    message = info.value.describe()
    for word in words:
        assert word in message, message
    return info.value


# --- size ---------------------------------------------------------------------------------


def test_size_limit_names_the_limit_and_the_fix():
    error = _refused(
        lambda: safety.check_size("pulls.json", 3 * 1024 * 1024, limit=2 * 1024 * 1024),
        "3,145,728 bytes",
        "limit of 2,097,152 bytes (2 MB)",
        "shorter date range",
    )
    assert error.file == "pulls.json"


def test_size_at_the_limit_is_accepted():
    safety.check_size("a.csv", 100, limit=100)


def test_read_file_checks_size_before_reading(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:  # sparse: no disk used
        handle.truncate(safety.MAX_UPLOAD_BYTES + 1)
    _refused(lambda: safety.read_file(big), "209,715,201 bytes", "(200 MB)")


def test_read_file_missing_and_folder(tmp_path):
    _refused(lambda: safety.read_file(tmp_path / "nope.csv"), "cannot be read (it does not exist)")
    _refused(lambda: safety.read_file(tmp_path), "it is a folder")


def test_read_file_returns_the_bytes(tmp_path):
    path = tmp_path / "ok.csv"
    path.write_bytes(b"a,b\n1,2\n")
    assert safety.read_file(path) == b"a,b\n1,2\n"


def test_read_file_sees_a_file_that_grew_after_stat(tmp_path, monkeypatch):
    """Only the size stat reported is read at first; what was appended since is read too, up to the limit."""
    path = tmp_path / "growing.csv"
    path.write_bytes(b"a,b\n" + b"1,2\n" * 5)
    real_stat = type(path).stat

    def stale_stat(self, *args, **kwargs):  # the size the directory entry had before the file grew
        found = real_stat(self, *args, **kwargs)
        return os.stat_result((*found[:6], 4, *found[7:])) if self == path else found

    monkeypatch.setattr(type(path), "stat", stale_stat)
    assert safety.read_file(path) == b"a,b\n" + b"1,2\n" * 5
    _refused(lambda: safety.read_file(path, limit=10), "over the limit of 10 bytes")


# --- gzip ---------------------------------------------------------------------------------


def test_gunzip_round_trip_and_several_members():
    data = gzip.compress(b'[{"a": 1}]') + gzip.compress(b'[{"a": 2}]')
    assert safety.gunzip("x.json.gz", data) == b'[{"a": 1}][{"a": 2}]'


def test_gunzip_output_is_cut_at_the_limit():
    data = gzip.compress(bytes(range(256)) * 16 * 1024)  # 4 MiB that compress poorly: no bomb
    _refused(
        lambda: safety.gunzip("big.json.gz", data, limit=1024 * 1024), "more than 1 MB", "over the limit"
    )


def test_gunzip_bomb_is_stopped_by_its_ratio():
    _refused(lambda: safety.gunzip("bomb.json.gz", generate.gzip_bomb()), "gzip bomb", "200-fold")


def test_gunzip_truncated():
    data = gzip.compress(b"x" * 1000)[:-10]
    _refused(lambda: safety.gunzip("cut.json.gz", data), "not a complete gzip file")


# --- zip containers -----------------------------------------------------------------------


def test_a_plain_workbook_passes():
    safety.inspect_zip_container("ok.xlsx", generate.plain_workbook())


def test_macros_are_refused():
    _refused(
        lambda: safety.inspect_zip_container("m.xlsm", generate.macro_workbook()),
        "macros",
        "Save As",
        ".xlsx",
    )


def test_entity_bomb_is_refused_before_parsing():
    _refused(
        lambda: safety.inspect_zip_container("e.xlsx", generate.entity_bomb_workbook()),
        "xl/sharedStrings.xml",
        "DOCTYPE",
        "entity",
    )


def test_doctype_in_utf16_xml_is_found():
    xml = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><sst/>'.encode("utf-16")
    data = generate.workbook_with_part("xl/sharedStrings.xml", xml)
    _refused(lambda: safety.inspect_zip_container("u.xlsx", data), "DOCTYPE")


def test_doctype_split_across_read_chunks_is_found(monkeypatch):
    monkeypatch.setattr(safety, "_CHUNK", 7)
    data = generate.workbook_with_part("xl/styles.xml", b"<?xml version='1.0'?><!DOCTYPE z><a/>")
    _refused(lambda: safety.inspect_zip_container("s.xlsx", data), "DOCTYPE")


def test_zip_bomb_by_ratio_is_refused_without_decompressing():
    _refused(
        lambda: safety.inspect_zip_container("b.xlsx", generate.ratio_bomb_workbook()),
        "zip bomb",
        "xl/worksheets/sheet1.xml",
    )


def test_zip_bomb_by_declared_size_is_refused():
    _refused(
        lambda: safety.inspect_zip_container("d.xlsx", generate.declared_size_bomb_workbook()),
        "would expand",
        "10,240 MB",
        "zip bomb",
    )


def test_total_uncompressed_size_limit(monkeypatch):
    monkeypatch.setattr(safety, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    data = generate.workbook_with_part("xl/media/noise.bin", bytes(range(256)) * 8 * 1024, zipfile.ZIP_STORED)
    _refused(lambda: safety.inspect_zip_container("t.xlsx", data), "would expand to 2 MB", "1 MB limit")


def test_too_many_parts(monkeypatch):
    monkeypatch.setattr(safety, "MAX_ZIP_MEMBERS", 5)
    _refused(lambda: safety.inspect_zip_container("p.xlsx", generate.plain_workbook()), "parts")


def test_bzip2_parts_are_refused():
    data = generate.workbook_with_part("xl/extra.bin", b"x" * 100, compress_type=zipfile.ZIP_BZIP2)
    _refused(lambda: safety.inspect_zip_container("z.xlsx", data), "compression method")


def test_a_zip_that_is_not_a_workbook():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("pulls.json", "[]")
    _refused(lambda: safety.inspect_zip_container("exports.xlsx", buffer.getvalue()), "not an .xlsx workbook")


def test_a_workshop_file_is_named_as_one(worked_example):
    from roi.workshop import workshop_zip

    _refused(lambda: safety.inspect_zip_container("w.zip", workshop_zip([worked_example])),
             "is a workshop file (saved scenarios), not an export: open it on Compare scenarios")


@pytest.mark.parametrize(
    "data, words",
    [
        (b"", "not a valid .xlsx"),
        (b"hello", "not a valid .xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "password-protected"),
    ],
)
def test_not_a_zip(data, words):
    _refused(lambda: safety.inspect_zip_container("x.xlsx", data), words)


def test_corrupt_part_is_a_clear_error():
    data = bytearray(generate.plain_workbook())
    start = data.index(b"xl/worksheets/sheet1.xml") + 40  # inside the local header's compressed data
    data[start : start + 20] = b"\xff" * 20
    _refused(lambda: safety.inspect_zip_container("c.xlsx", bytes(data)), "c.xlsx")


# --- text ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoded, encoding",
    [
        ("Clé,Ünïcode\n".encode(), "utf-8"),
        ("\ufeffClé,Ünïcode\n".encode("utf-8"), "utf-8"),
        ("Clé,Ünïcode\n".encode("utf-16"), "utf-16"),
        ("Clé,Ünïcode\n".encode("utf-32"), "utf-32"),
    ],
)
def test_unicode_encodings_are_exact(encoded, encoding):
    decoded = safety.decode_text("f.csv", encoded)
    assert decoded.text == "Clé,Ünïcode\n"
    assert decoded.encoding == encoding and decoded.note is None


def test_windows_1252_is_read_with_a_note():
    decoded = safety.decode_text("f.csv", "Schlüssel;Zusammenfassung €\n".encode("cp1252"))
    assert decoded.text == "Schlüssel;Zusammenfassung €\n"
    assert decoded.encoding == "cp1252" and "Windows-1252" in decoded.note


def test_bytes_cp1252_leaves_undefined_fall_back_to_latin1():
    decoded = safety.decode_text("f.csv", b"a\x81b")
    assert decoded.encoding == "latin-1" and decoded.text == "a\x81b" and "Latin-1" in decoded.note


@pytest.mark.parametrize(
    "data, words",
    [
        (b"PK\x03\x04rest", "zip archive"),
        (b"\xd0\xcf\x11\xe0rest", "old .xls"),
        (b"%PDF-1.7", "PDF"),
        (b"\x1f\x8b\x08\x00", "gzip"),
        (b"a,b\n1,\x00\n", "NUL byte at position 6"),
        (b"\xff\xfeA\x00\x00\xd8", "UTF-16 byte-order mark but is not valid"),
    ],
)
def test_binary_and_broken_text_is_refused(data, words):
    _refused(lambda: safety.decode_text("f.csv", data), words)


@given(st.binary(max_size=300))
def test_decode_text_only_raises_input_format_error(data):
    try:
        decoded = safety.decode_text("f", data)
    except InputFormatError:
        return
    assert isinstance(decoded.text, str)


# --- rows and messages --------------------------------------------------------------------


def test_count_lines():
    assert safety.count_lines(b"") == 0
    assert safety.count_lines(b"a\nb\n") == 2
    assert safety.count_lines("a\nb") == 2


def test_row_limit():
    safety.check_rows("f.csv", 10, limit=10)
    _refused(lambda: safety.check_rows("f.csv", 11, limit=10), "11 rows", "limit of 10")


def test_quote_keeps_messages_on_one_short_line():
    assert safety.quote("a\nb\x1b[31m") == "a?b?[31m"
    assert safety.quote("x" * 500, limit=10) == "x" * 9 + "…"


def test_markdown_safe_makes_images_and_links_inert():
    escaped = safety.markdown_safe(
        "x.json: column '![x](https://attacker.example/p.png)' [y](https://a.example) <https://b>"
    )
    assert "![" not in escaped and "[y]" not in escaped and " <https" not in escaped
    assert escaped == (
        "x.json: column '!\\[x\\](https://attacker.example/p.png)' \\[y\\](https://a.example) \\<https://b\\>"
    )


def test_markdown_safe_leaves_ordinary_messages_as_they_are():
    message = "scenario.json, field 'team.loaded_cost_per_hour': 1e+308 is not a usable number; give 5.0"
    assert safety.markdown_safe(message) == message
    assert (
        safety.markdown_safe("a\\b\nc") == "a\\\\b c"
    )  # an existing backslash cannot un-escape the next one


def test_server_config_no_telemetry_no_tracebacks_and_the_same_upload_limit():
    import tomllib

    from tests.conftest import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False  # Streamlit's usage statistics: off
    assert config["client"]["showErrorDetails"] in (False, "none")  # no tracebacks in the browser
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == safety.MAX_UPLOAD_BYTES


def test_the_app_listens_on_this_machine_only():
    """`make run`'s command (no --server.address) must not listen on the network: the app has no login, and a
    workshop's Wi-Fi is shared. Checked in the kernel's table of listening sockets, not in the config file."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request
    from pathlib import Path

    from tests.conftest import ROOT

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    streamlit = str(Path(sys.executable).with_name("streamlit"))
    server = subprocess.Popen(
        [streamlit, "run", "app.py", "--server.port", str(port), "--server.fileWatcherType", "none"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.5)
        listening = []
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, _, hex_port = local.rpartition(":")
                if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                    listening.append(address)
    finally:
        server.terminate()
        server.wait(timeout=30)
    loopback = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1 and ::1, as the kernel writes them
    assert listening, "the server never listened"
    assert set(listening) <= loopback, listening


def test_no_code_path_unpickles_evaluates_or_executes_anything():
    """Static check of the engine and the app: no pickle/marshal/shelve, no eval/exec/compile, no
    pandas.read_pickle or numpy.load (which unpickles), no shell.  User files are only ever parsed."""
    import ast

    from tests.conftest import ROOT

    banned_modules = {"pickle", "cPickle", "dill", "marshal", "shelve", "subprocess", "joblib"}
    banned_builtins = {"eval", "exec", "compile", "__import__"}  # re.compile is fine: only the bare builtins
    banned_methods = {"read_pickle", "load_pickle", "system", "popen", "literal_eval"}
    sources = [*ROOT.glob("roi/**/*.py"), ROOT / "app.py", ROOT / "appstate.py", *ROOT.glob("pages/*.py")]
    assert len(sources) > 20
    found = []
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found += [(path.name, a.name) for a in node.names if a.name.split(".")[0] in banned_modules]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in banned_modules:
                found.append((path.name, node.module))
            elif isinstance(node, ast.Call):
                bare = isinstance(node.func, ast.Name)
                name = node.func.id if bare else getattr(node.func, "attr", "")
                if (bare and name in banned_builtins) or (not bare and name in banned_methods):
                    found.append((path.name, name))
                if (
                    name == "load"
                    and isinstance(node.func, ast.Attribute)
                    and getattr(node.func.value, "id", "") in ("np", "numpy")
                ):
                    found.append((path.name, "np.load"))
    assert found == []


def test_a_zip_needing_a_newer_zip_version_is_a_clear_error():
    # Found by fuzzing: zipfile raises NotImplementedError for "version needed to extract" above 6.3.
    data = bytearray(generate.plain_workbook())
    entry = data.index(b"PK\x01\x02")
    data[entry + 6 : entry + 8] = (64).to_bytes(2, "little")
    _refused(lambda: safety.inspect_zip_container("v.xlsx", bytes(data)), "not a valid .xlsx workbook")


def test_markdown_safe_table_escapes_cells_and_labels_but_not_numbers():
    import pandas as pd

    from roi.safety import markdown_safe_table

    frame = pd.DataFrame({"![c](http://e.example/c.png)": ["[x](http://e.example)", 1.5]},
                         index=["<http://i.example>", "plain"])
    shown = markdown_safe_table(frame)
    assert list(shown.columns) == ["!\\[c\\](http://e.example/c.png)"]
    assert list(shown.index) == ["\\<http://i.example\\>", "plain"]
    assert shown.iloc[0, 0] == "\\[x\\](http://e.example)" and shown.iloc[1, 0] == 1.5
    only = markdown_safe_table(pd.DataFrame({"Wave": ["[w](http://e.example)"], "Reason": ["380 > 350"]}), ["Wave"])
    assert only.to_dict("records") == [{"Wave": "\\[w\\](http://e.example)", "Reason": "380 > 350"}]


# --- columns and sheet rows ---------------------------------------------------------------


def test_widest_record_counts_cells_as_pandas_reads_them():
    assert safety.widest_record(b"a,b\n1,2\n", ",", 1) == (2, 1)
    assert safety.widest_record(b"a\n1,2,3\n", ",", 2) == (3, 2)
    assert safety.widest_record(b"a\r\nb\r\n1,2,3\r\n", ",", 2) == (3, 3)  # CR LF ends one row
    assert safety.widest_record(b"a\r1;2;3\r", ";", 2) == (3, 2)  # old Mac line ends
    assert safety.widest_record(b'a\n"1,2,3",x\n', ",", 2) is None  # commas in a quoted cell
    assert safety.widest_record(b'a\n"x""y",1,2,3\n', ",", 3) == (4, 2)  # "" is a quote, not a close
    assert safety.widest_record(b'a\n"x\ny",1,2,3\nb\n', ",", 3) == (4, 2)  # a quoted line break
    assert safety.widest_record(b"a,b\n1,2\n", ",") is None


def test_a_quote_inside_an_unquoted_cell_does_not_hide_a_wide_row():
    # pandas keeps the quote of 's"' as text, so every comma after it separates cells; taking it for an
    # opening quote would read the rest of the file as one cell.  Here pandas sees 56 cells in row 2.
    data = b'h\na"b' + (b'"' + b"," * 10 + b',"\n') * 5 + b'"\n'
    assert safety.widest_record(data, ",", 20) == (56, 2)
    assert safety.widest_record(b'a\nA-1,s"' + b"," * 10 + b"\n", ",", 5) == (12, 2)


def test_too_many_quotes_to_follow_one_by_one_are_refused(monkeypatch):
    monkeypatch.setattr(safety, "MAX_QUOTES_SCANNED", 3)
    data = b'h\nA-1,s"x,"y",z' + b"," * 10 + b'\n"q"\n'
    _refused(lambda: safety.check_columns("q.csv", data, ",", limit=5), "q.csv, row 2", "quote characters inside "
             "unquoted cells", "save it again as CSV UTF-8")


def test_a_csv_row_of_too_many_cells_is_refused_before_pandas_builds_the_table():
    # The audit's file, smaller: four rows of 17,000 empty cells under a Jira header (pandas took seconds and
    # hundreds of MB for it; 500,000 cells took two minutes and 2.7 GB).
    from roi.ingest import read_file

    data = ("Issue key,Summary,Created\n" + ("A-1,s,2025-01-01" + "," * 17_000 + "\n") * 4).encode()
    error = _refused(lambda: read_file("wide.csv", data), "wide.csv, row 2", "17,003 cells in one row",
                     "16,384 columns", "not an export")
    assert error.row == 2


def test_a_wide_row_is_refused_on_the_column_mapping_path():
    from roi.ingest import read_file

    data = ("when,who\n" + "2025-01-02,b" + "," * 17_000 + "\n2025-01-03,c\n").encode()
    _refused(lambda: read_file("hr.csv", data, mapping={"pull_requests.created_at": "when"}), "hr.csv, row 2",
             "17,002 cells")


def _sheet_xml_edited(edit) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["pr_id", "author", "created_at", "merged_at"])
    book.active.append(["1", "alice", "2025-01-01", "2025-01-02"])
    buffer = io.BytesIO()
    book.save(buffer)
    source, out = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            part = source.read(item.filename)
            target.writestr(item, edit(part) if item.filename == "xl/worksheets/sheet1.xml" else part)
    return out.getvalue()


def test_a_sparse_row_number_is_refused_before_openpyxl_fills_the_rows_it_skips():
    # 5 kB; read, it was 20 million empty rows (31 s, 2.5 GB).
    from roi.ingest import read_file

    data = _sheet_xml_edited(lambda xml: xml.replace(
        b"</sheetData>", b'<row r="20000000"><c r="A20000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'))
    _refused(lambda: read_file("sparse.xlsx", data), "sparse.xlsx", "sheet 'Sheet'", "row 20,000,000",
             "1,048,576 rows", "save it again")


def test_a_used_range_beyond_excels_rows_is_refused():
    data = _sheet_xml_edited(lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:D9999999"', xml))
    _refused(lambda: safety.check_sheet_rows("dim.xlsx", data, "/xl/worksheets/sheet1.xml", "Data"),
             "sheet 'Data'", "row 9,999,999")
    safety.check_sheet_rows("ok.xlsx", generate.plain_workbook(), "xl/worksheets/sheet1.xml", "Sheet")


def test_the_last_row_excel_has_is_read():
    data = _sheet_xml_edited(lambda xml: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:D1048576"', xml))
    safety.check_sheet_rows("full.xlsx", data, "xl/worksheets/sheet1.xml", "Sheet")


def test_a_doctype_in_a_part_not_named_xml_is_refused():
    # A worksheet renamed sheet1.dat (its relationship points at the new name) was not scanned.
    data = generate.workbook_with_part("xl/worksheets/sheet1.dat", generate.BILLION_LAUGHS)
    _refused(lambda: safety.inspect_zip_container("dat.xlsx", data), "xl/worksheets/sheet1.dat", "DOCTYPE")


@pytest.mark.parametrize("hidden", ["\u202e", "\u2066", "\u200b", "\u200f", "\ufeff"])
def test_characters_that_reorder_or_hide_text_are_shown_as_question_marks(hidden):
    # A workshop's export named "exe." + RLO + "fdp" read as "exe.pdf" in the app's notices.
    name = f"exe.{hidden}fdp"
    assert safety.quote(name) == safety.one_line(name) == "exe.?fdp"
    assert safety.markdown_safe(name) == "exe.?fdp"
