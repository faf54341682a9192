"""A zip archive of exports: each file in it read as if it had been uploaded on its own (roi.archive), and every
archive the limits refuse named with the file in it at fault.  Archives are built here, never committed."""

from __future__ import annotations

import gzip
import io
import json
import re
import tarfile
import zipfile

import pytest

from roi import archive, safety
from roi.archive import files_in, is_export_archive, shown_name
from roi.errors import InputFormatError
from roi.ingest import DEMO_ADOPTION_DATE, SCHEMAS, demo_files, read_exports
from roi.ingest.template import template_xlsx
from roi.metrics import measure, metrics_json
from tests.conftest import github_pulls

TYPES = ".json, .ndjson, .jsonl, .csv, .tsv, .txt, .xlsx, .gz"
DEPLOYS = "source,deploy_id,time_created\ngithub,d1,2025-03-12 22:00:00 UTC\ngithub,d2,2025-13-45 10:00 UTC\n"
BAD_DATE = ", column 'time_created': '2025-13-45 10:00 UTC' is not a date-time; expected ISO 8601 such as " \
           "2025-03-12T15:04:00Z"


def _zip(files: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zipped:
        for name, data in files.items():
            zipped.writestr(name, data)
    return buffer.getvalue()


def _patch(data: bytes, member: str, *, flags: int | None = None, method: int | None = None,
           size: int | None = None, packed: int | None = None) -> bytes:
    """``data`` with ``member``'s local and central headers saying other flags, method, unzipped or zipped size."""
    out, name = bytearray(data), member.encode()
    # signature, then the offsets of: flags, method, compressed size, uncompressed size, name length, name
    for signature, at_flags, at_method, at_packed, at_size, at_length, at_name in (
            (b"PK\x03\x04", 6, 8, 18, 22, 26, 30), (b"PK\x01\x02", 8, 10, 20, 24, 28, 46)):
        start = 0
        while (at := out.find(signature, start)) >= 0:
            length = int.from_bytes(out[at + at_length: at + at_length + 2], "little")
            if bytes(out[at + at_name: at + at_name + length]) == name:
                for offset, value, width in ((at_flags, flags, 2), (at_method, method, 2), (at_packed, packed, 4),
                                             (at_size, size, 4)):
                    if value is not None:
                        out[at + offset: at + offset + width] = value.to_bytes(width, "little")
            start = at + 4
    return bytes(out)


def _refusal(files, **kwargs) -> str:
    with pytest.raises(InputFormatError) as info:
        read_exports(files, **kwargs)
    return info.value.describe()


# --- Read as the files are ---------------------------------------------------------------------------------


def test_a_zip_of_the_demo_exports_reads_and_measures_as_the_files_do(tmp_path):
    files = demo_files()
    separate = read_exports([(p.name, p.read_bytes()) for p in files])
    path = tmp_path / "exports.zip"
    path.write_bytes(_zip({"exports/": b"", "__MACOSX/exports/._jira_export_01.csv": b"\0\5\26\7junk",
                           "exports/.DS_Store": b"\0\0\0\1Bud1",
                           **{f"exports/{p.name}": p.read_bytes() for p in files}}))
    zipped = read_exports([path])
    prefix = f"{path}: exports/"
    assert [s.file for s in zipped.sources] == [prefix + p.name for p in files]  # in the archive's order
    assert all(not s.notes or "also holds" not in s.notes[0] for s in zipped.sources)  # OS junk: not a word
    for table in SCHEMAS:
        assert len(getattr(zipped, table)) == len(getattr(separate, table)), table
    assert [(s.format, s.rows, s.used_rows) for s in zipped.sources] == [
        (s.format, s.rows, s.used_rows) for s in separate.sources]
    measured = metrics_json(measure(separate, DEMO_ADOPTION_DATE, 2))
    assert metrics_json(measure(zipped, DEMO_ADOPTION_DATE, 2)).replace(prefix, "") == measured


def test_files_of_other_types_are_skipped_with_a_note_naming_them():
    data = _zip({"exports/pulls.json": github_pulls(), "exports/contract.pdf": b"%PDF-1.7",
                 "exports/notes.docx": b"PK\x03\x04", "Thumbs.db": b"\0", ".git/config": b"[core]"})
    (source,) = read_exports([("exports.zip", data)]).sources
    assert source.file == "exports.zip: exports/pulls.json"
    assert source.notes[-1] == ("exports.zip also holds exports/contract.pdf, exports/notes.docx: skipped, as only "
                                f"{TYPES} files are read")


def test_a_path_written_from_the_current_folder_is_not_taken_for_a_hidden_one():
    data = _zip({"./exports/a.json": b"[]", "./.DS_Store": b"\0", "./__MACOSX/._a.json": b"\0"})
    assert [f.name for f in files_in(("e.zip", data))] == ["e.zip: ./exports/a.json"]


def test_an_archive_with_nothing_to_read_says_what_it_holds():
    data = _zip({"x.pdf": b"%PDF-1.7", "y.docx": b"PK", "__MACOSX/._x.pdf": b"\0"})
    assert _refusal([("exports.zip", data)]) == (
        f"exports.zip: holds no export files: it has x.pdf, y.docx; only {TYPES} files are read")
    assert _refusal([("exports.zip", _zip({"exports/": b"", ".DS_Store": b"\0"}))]) == (
        "exports.zip: holds no files; zip the export files themselves")


def test_a_message_names_the_archive_and_the_file_in_it_with_its_row_or_record():
    records = [dict(zip(("source", "deploy_id", "time_created"), line.split(","), strict=True))
               for line in DEPLOYS.splitlines()[1:]]
    for member, content, where in (("data/deploys.csv", DEPLOYS, "row 3"),
                                   ("data/deploys.json", json.dumps(records), "record 2"),
                                   ("data/deploys.json.gz", gzip.compress(json.dumps(records).encode()), "record 2")):
        data = _zip({member: content})
        assert _refusal([("exports.zip", data)]) == f"exports.zip: {member}, {where}{BAD_DATE}"


def test_each_file_is_unzipped_only_when_read(monkeypatch):
    unzipped = []
    real = safety.read_zip_member
    monkeypatch.setattr(safety, "read_zip_member", lambda source, *rest: unzipped.append(source) or real(source, *rest))
    files = files_in(("e.zip", _zip({"a.json": github_pulls(), "b.csv": DEPLOYS})))
    assert [f.name for f in files] == ["e.zip: a.json", "e.zip: b.csv"] and unzipped == []
    assert files[1].read() == DEPLOYS.encode() and unzipped == ["e.zip: b.csv"]


def test_a_workbook_stays_a_workbook_and_a_zip_of_exports_is_an_archive():
    book = template_xlsx()
    assert not is_export_archive("estimates.xlsx", book) and not is_export_archive("estimates.zip", book)
    assert is_export_archive("exports.zip", _zip({"a.json": b"[]"}))
    assert not is_export_archive("exports.xlsx", _zip({"a.json": b"[]"}))  # a damaged workbook: said as one
    (source,) = read_exports([("estimates.xlsx", book)]).sources
    assert source.format == "estimates_template"
    # The template inside an archive is a file of it, read as the workbook it is.
    dataset = read_exports([("exports.zip", _zip({"estimates.xlsx": book, "pulls.json": github_pulls()}))])
    assert [(s.file, s.format) for s in dataset.sources] == [("exports.zip: estimates.xlsx", "estimates_template"),
                                                             ("exports.zip: pulls.json", "github_pulls")]


def test_a_file_of_an_archive_is_read_through_its_column_mapping(tmp_path):
    table = "Ref,Opened,Merged,Author\n1,2025-01-06 09:00,2025-01-07 09:00,ann\n"
    mapping = {"table": "pull_requests", "number": "Ref", "created_at": "Opened", "merged_at": "Merged",
               "author": "Author"}
    path = tmp_path / "exports.zip"
    path.write_bytes(_zip({"swarmia.csv": table}))
    # The app names it as uploaded, a scenario as shown; the command line gives the path.
    for files in ([("exports.zip", path.read_bytes())], [path]):
        (source,) = read_exports(files, {"exports.zip: swarmia.csv": mapping}).sources
        assert source.format.startswith("mapped") and source.rows == 1
    assert shown_name(f"{path}: swarmia.csv") == "exports.zip: swarmia.csv" and shown_name(str(path)) == "exports.zip"


# --- Refused, naming the archive and the file in it ----------------------------------------------------------


def test_too_many_files(monkeypatch):
    monkeypatch.setattr(safety, "MAX_ARCHIVE_FILES", 3)
    data = _zip({f"pulls_{n}.json": b"[]" for n in range(4)} | {"__MACOSX/._a": b"", "b.pdf": b""})
    assert _refusal([("exports.zip", data)]) == (
        "exports.zip: holds 4 files, more than the 3 one archive of exports may hold; split it into several .zip "
        "files, or load the files themselves")


def test_a_file_that_would_unzip_over_the_upload_limit(monkeypatch):
    monkeypatch.setattr(safety, "MAX_UPLOAD_BYTES", 1000)
    data = _zip({"ok.json": b"[]", "data/big.json": json.dumps(list(range(400))).encode()})
    assert _refusal([("exports.zip", data)]) == (
        "exports.zip: data/big.json: unzips to 1,890 bytes, over the limit of 1,000 bytes (0 MB) per file; refused "
        "without opening it. Export a shorter date range (or fewer repositories/projects) per file and load the "
        "files together")


def test_the_bytes_unzipped_are_counted_not_the_directory_s_word_for_them():
    pulls = github_pulls()
    data = _zip({"pulls.json": pulls})
    # A directory that understates a file: zipfile stops at the size declared, and the checksum fails.
    lied = _patch(data, "pulls.json", size=100)
    assert _refusal([("exports.zip", lied)]) == (
        "exports.zip: pulls.json: cannot be unzipped (the archive is damaged or cut short); download it again, "
        "or zip the files again")
    # The limit is on the bytes produced, a chunk at a time.
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        with pytest.raises(InputFormatError) as info:
            safety.read_zip_member("exports.zip: pulls.json", zipped, zipped.infolist()[0], limit=len(pulls) - 1)
    assert info.value.describe().startswith(
        f"exports.zip: pulls.json: unzips to more than {len(pulls) - 1:,} bytes (0 MB), the limit per file; refused.")


def test_a_zip_bomb_is_refused_unopened():
    data = _zip({"pulls.json": b"[]", "logs/bomb.json": b"0" * (3 * 1024 * 1024)})
    message = _refusal([("exports.zip", data)])
    assert message.startswith("exports.zip: logs/bomb.json: would expand ") and message.endswith(
        "-fold to 3 MB (over the 200× limit: a 'zip bomb', not an export); refused without opening it. Export the "
        "data again from its source")
    # Files each under the size the ratio is judged from, together expanding like one bomb.
    together = _zip({f"part_{n}.json": b"0" * 700_000 for n in range(3)})
    assert _refusal([("exports.zip", together)]).startswith("exports.zip: holds files that would expand ")


def test_a_directory_overstating_the_zipped_sizes_cannot_pass_the_ratio_check():
    data = _zip({"pulls.json": b"[]", "logs/bomb.json": b"0" * (3 * 1024 * 1024)})
    forged = _patch(data, "logs/bomb.json", packed=1024 * 1024)  # 3 MB from "1 MB": 3-fold, under the ratio
    assert len(forged) < 1024 * 1024
    assert _refusal([("exports.zip", forged)]) == (
        "exports.zip: is damaged: its directory says its files take more bytes than the archive holds; download it "
        "again, or zip the files again")


def test_files_over_the_total_limit(monkeypatch):
    monkeypatch.setattr(safety, "MAX_ARCHIVE_BYTES", 3 * 1024 * 1024)
    text = "".join(f"{n:08x}\n" for n in range(250_000)).encode()  # 2.4 MB of text, compressing as text does
    assert _refusal([("exports.zip", _zip({"a.csv": text, "b.csv": text}))]) == (
        "exports.zip: holds files that would unzip to more than 3 MB together, over the limit for one archive; "
        "refused without opening them. Export a shorter date range (or fewer repositories/projects) per file and "
        "load the files together, in several archives")


def test_gz_files_are_counted_unpacked_against_the_total_limit(monkeypatch):
    """Small .gz files each under the per-file limits, together unpacking past the archive's total."""
    monkeypatch.setattr(safety, "MAX_ARCHIVE_BYTES", 3 * 1024 * 1024)
    records = github_pulls(authors=100)  # 1.1 MB of PRs, packing small
    packed = gzip.compress(records)
    assert len(packed) * 3 < 3 * 1024 * 1024 < len(records) * 3  # the directory's sizes pass; unpacked they do not
    message = _refusal([("exports.zip", _zip({f"pulls_{n}.json.gz": packed for n in range(3)}))])
    # the file read last takes the total over (files are read two at a time: which one that is may vary)
    assert re.fullmatch(
        r"exports\.zip: pulls_[012]\.json\.gz: is gzip-compressed, and gunzipped it takes the files of exports\.zip "
        r"past 3 MB together, the limit for one archive; refused\. Load its files in several archives, or a "
        r"shorter date range per file", message)


def test_a_gz_inside_a_gz_is_named_as_such():
    twice = gzip.compress(gzip.compress(b"[]"))
    expected = ("is compressed twice with gzip (a .gz inside the .gz); decompress it until it is no longer gzip, "
                "and load that")
    assert _refusal([("pulls.json.gz", twice)]) == f"pulls.json.gz: {expected}"
    assert _refusal([("exports.zip", _zip({"pulls.json.gz": twice}))]) == f"exports.zip: pulls.json.gz: {expected}"


def test_an_encrypted_file():
    data = _patch(_zip({"pulls.json": github_pulls(), "secret/seats.json": b"[]"}), "secret/seats.json", flags=1)
    assert _refusal([("exports.zip", data)]) == (
        "exports.zip: secret/seats.json: is encrypted (the archive has a password), and this tool never asks for "
        "one; unzip the archive with its password and load the files, or zip them again without a password")


@pytest.mark.parametrize(("method", "said"), [(9, "Deflate64, zip method 9"), (zipfile.ZIP_BZIP2, "bzip2, zip method 12"),
                                             (zipfile.ZIP_LZMA, "LZMA, zip method 14"), (97, "zip method 97")])
def test_a_compression_method_other_than_deflate(method, said):
    # Deflate64 (7-Zip's Ultra) zipfile cannot unzip; bzip2 and LZMA it unzips without bounding a read's output.
    data = _patch(_zip({"pulls.json": github_pulls()}), "pulls.json", method=method)
    assert _refusal([("exports.zip", data)]) == (
        f"exports.zip: pulls.json: is compressed with a method this tool does not unzip ({said}); zip the files "
        "again with the ordinary method, Deflate (Windows' 'Send to › Compressed (zipped) folder', macOS' "
        "'Compress'), or load them unzipped")
    if method in (zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):  # written so, too
        real = _zip({"pulls.json": github_pulls()}, compression=method)
        assert _refusal([("exports.zip", real)]).startswith(f"exports.zip: pulls.json: is compressed with a method "
                                                          f"this tool does not unzip ({said})")


def test_a_zip_inside_the_archive_is_to_be_unzipped_first():
    inner = _zip({"pulls.json": github_pulls()})
    said = ("is a zip archive inside the archive, which this tool does not open; unzip it first and load the files "
            "it holds (or put them in the outer archive)")
    assert _refusal([("exports.zip", _zip({"a.csv": DEPLOYS, "old/more.zip": inner}))]) == (
        f"exports.zip: old/more.zip: {said}")
    # Whatever its name: known from its content when it is read.
    assert _refusal([("exports.zip", _zip({"pulls.json": inner}))]) == f"exports.zip: pulls.json: {said}"


def test_a_damaged_archive_a_gzipped_one_and_a_workshop_file_are_named(worked_example):
    from roi.workshop import workshop_zip

    data = _zip({"pulls.json": github_pulls()})
    assert _refusal([("exports.zip", data[: len(data) // 2])]) == (
        "exports.zip: is not a complete zip archive (damaged or cut short); download it again, or zip the files "
        "again")
    assert _refusal([("exports.zip.gz", gzip.compress(data))]) == (
        "exports.zip.gz: is a zip archive compressed again with gzip; decompress it (gunzip) and load the .zip")
    assert _refusal([("workshop.zip", workshop_zip([worked_example]))]).startswith(
        "workshop.zip: is a workshop file (saved scenarios), not an export: open it on Compare scenarios")


def test_archives_of_other_kinds_and_programs_are_named_with_what_to_do(tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        tar.add(_write(tmp_path / "pulls.json", github_pulls()), arcname="exports/pulls.json")
    extract = "which this tool does not open; extract its files and load them, or zip them as a .zip"
    self_extracting = b"MZ\x90\x00" + b"\x00" * 1000 + _zip({"pulls.json": github_pulls()})
    for name, data, said in (
            ("exports.tar.gz", buffer.getvalue(), f"is a tar archive (.tar, or .tar.gz once gunzipped), {extract}"),
            ("exports.7z", b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(64), f"is a 7-Zip archive, {extract}"),
            ("exports.rar", b"Rar!\x1a\x07\x01\x00" + bytes(64), f"is a RAR archive, {extract}"),
            ("exports.exe", self_extracting, "is a Windows program (a self-extracting archive?), which this tool "
             "never opens or runs; extract its files on a machine you trust and load them, or zip them as a .zip")):
        assert _refusal([(name, data)]) == f"{name}: {said}"
    # text never is one of them: a CSV whose header starts with "MZ" is text
    assert safety.decode_text("teams.csv", b"MZ team,size\nA,3\n").text == "MZ team,size\nA,3\n"


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_a_bad_archive_beside_other_files_is_named_with_them():
    data = _patch(_zip({"pulls.json": github_pulls()}), "pulls.json", flags=1)
    message = _refusal([("a.json", github_pulls()), ("exports.zip", data), ("b.csv", b"hello")])
    assert message.startswith("2 files cannot be read, so none was loaded: (1) exports.zip: pulls.json: is encrypted")
    assert "(2) b.csv: is not an export format" in message


def test_member_names_are_one_line():
    assert archive.member_name("e.zip", "a\nb\x1b[31m.json") == "e.zip: a?b?[31m.json"


# --- From the audit of real and hostile archives (27 November) -------------------------------------------------


def test_a_member_with_an_empty_name_is_no_file_not_a_traceback():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr(zipfile.ZipInfo(""), b"[]")
    with pytest.raises(InputFormatError) as caught:
        read_exports([("odd.zip", buffer.getvalue())])
    assert caught.value.describe() == "odd.zip: holds no files; zip the export files themselves"


def test_a_readme_and_an_office_lock_file_beside_the_exports_do_not_block_them():
    pulls = github_pulls()
    data = read_exports([("exports.zip", _zip({"README.txt": "Exported on Monday by Jane.", "pulls.json": pulls,
                                                "~$estimates.xlsx": b"\0lock"}))])
    report = data.sources[0]
    assert [r.file for r in data.sources] == ["exports.zip: pulls.json"]
    assert report.notes[0] == ("exports.zip also holds README.txt: skipped, as only .json, .ndjson, .jsonl, .csv, "
                               ".tsv, .txt, .xlsx, .gz files are read")


def test_files_of_one_name_or_one_long_folder_keep_names_of_their_own():
    pulls = github_pulls()
    folder = "client/" + "very-long-folder-name/" * 12
    data = read_exports([("exports.zip", _zip({f"{folder}acme_pulls.json": pulls, f"{folder}beta_pulls.json": pulls}))])
    names = [r.file for r in data.sources]
    assert len(set(names)) == 2 and names[0].endswith("/acme_pulls.json") and names[1].endswith("/beta_pulls.json")
    assert all(len(name) <= len("exports.zip: ") + 200 for name in names)
    infos = [zipfile.ZipInfo(path) for path in ("pulls.json (copy).json", "pulls.json", "pulls.json")]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out, pytest.warns(UserWarning, match="Duplicate name"):
        for info in infos:
            out.writestr(info, pulls)  # as some tools write them
    # a name that only starts like another's is no copy of it
    assert [file.name for file in files_in(("dup.zip", buffer.getvalue()))] == [
        "dup.zip: pulls.json (copy).json", "dup.zip: pulls.json", "dup.zip: pulls.json (2)"]


def test_a_scenario_file_beside_exports_is_named_not_taken_for_a_workshop(worked_example):
    from roi.models import scenario_to_json

    files = {"a-scenario.json": scenario_to_json(worked_example), "pulls.json": github_pulls()}
    with pytest.raises(InputFormatError) as caught:
        read_exports([("exports.zip", _zip(files))])
    assert caught.value.describe().startswith("exports.zip: a-scenario.json: is a scenario file, not an export")


@pytest.mark.parametrize("how", ["as written", "count forged to 1", "zip64", "offset forged to the record's mark"])
def test_an_archive_listing_too_many_entries_is_refused_before_its_directory_is_read(monkeypatch, how):
    """The entries are counted from the directory's own headers: zipfile ignores the end record's count (a forged
    1 passed), and zip64 writes it as 0xFFFF (an archive of over 65,535 entries passed)."""
    monkeypatch.setattr(safety, "MAX_ARCHIVE_ENTRIES", 20)
    if how == "zip64":
        monkeypatch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 5)  # zipfile writes zip64's records past this count
    data = bytearray(_zip({f"p{n}.json": "[]" for n in range(21)}))
    end = data.rfind(b"PK\x05\x06")
    if how in ("count forged to 1", "zip64"):  # 0xFFFF, as zip64 writes it past 65,535 entries (zipfile: min(n, 0xFFFF))
        data[end + 8:end + 12] = (1 if how == "count forged to 1" else 0xFFFF).to_bytes(2, "little") * 2
    if how == "offset forged to the record's mark":  # a search from the end found the offset field first: 0 entries
        data[end + 16:end + 20] = b"PK\x05\x06"
    assert (data.find(b"PK\x06\x06") >= 0) == (how == "zip64")
    assert int.from_bytes(data[end + 10:end + 12], "little") == {"count forged to 1": 1, "zip64": 0xFFFF}.get(how, 21)

    def unread(*args, **kwargs):
        raise AssertionError("the directory was read")

    monkeypatch.setattr(zipfile, "ZipFile", unread)
    with pytest.raises(InputFormatError) as caught:
        files_in(("many.zip", bytes(data)))
    assert caught.value.describe() == (
        "many.zip: lists 21 entries, more than the 20 one archive of exports may list; split it into several .zip "
        "files, or load the files themselves")
    assert safety.zip_entries(bytes(data)) == 21


def test_a_workbook_or_workshop_file_of_too_many_parts_is_refused_before_its_directory_is_read(monkeypatch):
    from roi.errors import ScenarioError
    from roi.workshop import read_workshop

    data = _zip({f"p{n}.json": "[]" for n in range(21)})
    monkeypatch.setattr(safety, "MAX_ZIP_MEMBERS", 20)
    monkeypatch.setattr("roi.workshop.MAX_ARCHIVE_ENTRIES", 20)
    monkeypatch.setattr(zipfile, "ZipFile", None)  # any read of the directory fails the test
    with pytest.raises(InputFormatError, match="^book.xlsx: holds 21 parts, more than the 20 a workbook ever needs"):
        safety.inspect_zip_container("book.xlsx", data)
    with pytest.raises(ScenarioError) as caught:
        read_workshop("workshop.zip", data)
    assert caught.value.describe() == (
        "workshop.zip: lists 21 entries, more than the 20 a workshop file may hold, so it is no workshop file saved "
        "by this app; choose that file")


def test_a_colon_in_a_plain_file_name_is_no_archive():
    assert archive.split_name("Acme: pulls Q1.json") == ("Acme: pulls Q1.json", None)
    assert archive.split_name("odd: folder/exports.zip: pulls.json") == ("odd: folder/exports.zip", "pulls.json")
    assert shown_name("/home/me/odd: folder/exports.zip: a/pulls.json") == "exports.zip: a/pulls.json"


def test_the_errors_of_files_read_in_turn_do_not_keep_their_bytes():
    """Each file's error is kept until every file is read: with its traceback it kept the file's bytes too (a zip of
    40 small .gz files that each unpacked to 64 MB of nothing peaked at 2.9 GB)."""
    from roi.ingest import _read_each

    nothing = gzip.compress(b" " * 1024)
    found = _read_each([("exports.zip", _zip({f"p{i}.json.gz": nothing for i in range(3)}))], None, "UTC")
    assert len(found) == 3 and all(isinstance(error, InputFormatError) for error in found)
    assert all(error.__traceback__ is None and error.__context__ is None for error in found)


def test_an_archive_of_windows_paths_skips_its_folders_and_junk_as_one_with_slashes():
    """PowerShell 5's Compress-Archive writes backslashes: its folder entry, .DS_Store and Thumbs.db were listed as
    skipped files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, content in (("exports\\", b""), ("exports\\.DS_Store", b"\0"), ("exports\\Thumbs.db", b"\0"),
                              ("exports\\pulls.json", github_pulls())):
            out.writestr(zipfile.ZipInfo(name), content)
    files = files_in(("exports.zip", buffer.getvalue()))
    assert [(file.name, file.notes) for file in files] == [("exports.zip: exports\\pulls.json", ())]
