"""Zip archives of exports: each export file in one is read as if it had been uploaded on its own.

A consultant often receives a client's exports as one ``exports.zip``.  :func:`files_in` gives the files an
input stands for: the input itself, or each export file of a zip archive, named ``exports.zip:
folder/pulls.json`` wherever a file's name is shown (messages with their row and column, the Data page's
table, a scenario's sources).  The archive's directory is checked by :func:`roi.safety.check_archive`
before any file is decompressed, and each file is decompressed only when it is read
(:func:`roi.ingest.read_exports` reads two at a time), by :func:`roi.safety.read_zip_member`, within the
upload limit.  Then it is read like any other file: a ``.gz`` one gunzipped (and counted unpacked against the
archive's total), its format told from its content.

Skipped without a word: folders and what an OS adds (``__MACOSX/``, ``.DS_Store``, ``Thumbs.db``, any name
starting with a dot).  Skipped with a note: files of other types (``contract.pdf``), listed.  Refused: a zip
inside the archive (unzip it first: reading one level down would stack one archive's limits on another's),
and whatever :func:`roi.safety.check_archive` refuses.

A workbook (``.xlsx``) is a zip too: one holding ``[Content_Types].xml``, or named ``.xlsx``/``.xlsm``, is
read as the one file it is (the estimates template, or a workbook to map).
"""

from __future__ import annotations

import io
import re
import threading
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from roi import safety
from roi.errors import InputFormatError

__all__ = ["EXPORT_TYPES", "ExportFile", "FileInput", "SEPARATOR", "export_names", "files_in", "is_export_archive",
           "is_zip", "member_name", "shown_name", "split_name"]

FileInput = str | Path | tuple[str, bytes]
"""A file given to read: a path, or its name and bytes (an upload)."""

SEPARATOR = ": "
"""Between an archive's name and the path of one of its files: ``exports.zip: data/pulls.json``."""

EXPORT_TYPES = ("json", "ndjson", "jsonl", "csv", "tsv", "txt", "xlsx", "gz")
"""Extensions of the files of an archive that are read (the Data page's uploader takes these and ``zip``);
``txt`` and ``tsv`` are Excel's "Unicode text", which a Jira CSV re-saved in Excel often becomes."""

NESTED = ("is a zip archive inside the archive, which this tool does not open; unzip it first and load the "
          "files it holds (or put them in the outer archive)")

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first file, or an empty zip's directory
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")
_OS_FILES = frozenset({"thumbs.db", "desktop.ini"})  # Windows' own; macOS' start with a dot or are in __MACOSX/
_PROSE = re.compile(r"(?i)(read ?me|licen[cs]e|notes?|changelog)([ ._-].*)?$")
"""A README or notes file beside the exports (``.txt`` is read, as Excel's Unicode text): skipped with the rest."""
_LISTED = 8
"""Files named when a list of skipped files is given."""
_UNREADABLE = (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError)


@dataclass(frozen=True)
class ExportFile:
    """One file to read: its name as messages show it, its bytes on demand, and notes for its report."""

    name: str
    read: Callable[[], bytes]
    """The file's bytes, read (or unzipped) only when called: files are read two at a time."""
    notes: tuple[str, ...] = ()


def is_zip(data: bytes) -> bool:
    """Whether ``data`` is a zip (an archive or a workbook), from its first bytes."""
    return bytes(data[:4]) in _ZIP_MAGIC


_MEMBER_PATH_SHOWN = 200
"""Characters of a path inside an archive a name shows; a longer one keeps its end (the file's own name)."""

_ARCHIVE_PART = re.compile(r"^(.*?\.zip): ", re.IGNORECASE)
"""An archive's name and the separator before the path of one of its files (a plain file named "Acme: Q1.json"
has none: only an archive's name ends in .zip)."""


def member_name(archive: str, path: str) -> str:
    """The name of the file at ``path`` inside ``archive`` in messages (control characters shown as ``?``)."""
    shown = safety.quote(path, len(path) + 1)
    if len(shown) > _MEMBER_PATH_SHOWN:  # two files under one long folder kept apart by their own names
        shown = "…" + shown[-(_MEMBER_PATH_SHOWN - 1):]
    return f"{archive}{SEPARATOR}{shown}"


def split_name(file: str) -> tuple[str, str | None]:
    """(the file to upload, the path inside it): an archive's name and its file's path, or the file and None."""
    found = _ARCHIVE_PART.match(file)
    return (found.group(1), file[found.end():]) if found else (file, None)


def shown_name(file: str) -> str:
    """A file's name as the Data page and a scenario's sources show it: without the folders of a path (they are
    the machine's, not the file's), and for a file of an archive the archive's name and the path inside it."""
    archive, inside = split_name(file)
    return Path(archive).name + ("" if inside is None else SEPARATOR + inside)


def is_export_archive(name: str, data: bytes) -> bool:
    """Whether ``data`` is a zip archive of exports rather than a workbook (or no zip at all); a damaged zip
    counts as one when it is named ``.zip``, so that reading it says so.

    Raises:
        InputFormatError: the zip lists more entries than an archive of exports may
            (:func:`roi.safety.check_archive_entries`).
    """
    if not is_zip(data) or Path(name).suffix.lower() in _WORKBOOK_SUFFIXES:
        return False
    safety.check_archive_entries(name, data)  # before zipfile reads the directory, an object per entry
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return not _is_workbook(archive.infolist())
    except _UNREADABLE:
        return name.lower().endswith(".zip")


def files_in(item: FileInput) -> list[ExportFile]:
    """The files ``item`` stands for: itself, or each export file of a zip archive of exports.

    Only the archive's directory is read here; each file is unzipped when its :attr:`ExportFile.read` is called.

    Raises:
        InputFormatError: the input cannot be read, or its archive is refused (naming the archive, and the
            file in it at fault).
    """
    name = str(item[0]) if isinstance(item, tuple) else str(item)
    if isinstance(item, tuple):
        data = item[1]
        if not is_export_archive(name, data):
            return [ExportFile(name, partial(bytes, data))]
    else:
        if not _starts_as_zip(Path(item)):
            return [ExportFile(name, partial(safety.read_file, item))]
        data = safety.read_file(item)  # the directory is at the end: the whole archive, within the upload limit
        if not is_export_archive(name, data):
            return [ExportFile(name, partial(bytes, data))]
    return _members(name, data)


def export_names(files: Iterable[FileInput]) -> list[str]:
    """The names of the files :func:`files_in` gives for each of ``files`` (an archive refused: its own name)."""
    names = []
    for item in files:
        try:
            names += [file.name for file in files_in(item)]
        except InputFormatError:
            names.append(str(item[0]) if isinstance(item, tuple) else str(item))
    return names


def _starts_as_zip(path: Path) -> bool:
    try:
        if not path.is_file():  # a pipe would block; safety.read_file says what it is
            return False
        with path.open("rb") as handle:
            return is_zip(handle.read(4))
    except OSError:
        return False  # safety.read_file says why


def _is_workbook(members: list[zipfile.ZipInfo]) -> bool:
    return any(m.filename.lower() == "[content_types].xml" for m in members)


def _os_junk(path: str) -> bool:
    """A folder's metadata an OS adds to what it zips: macOS' ``__MACOSX/`` and ``.DS_Store``, Windows'
    ``Thumbs.db``, Office's lock files (``~$estimates.xlsx``), or any hidden file or folder (a name starting with
    a dot)."""
    parts = [p for p in path.split("/") if p not in ("", ".")]  # some tools write ./exports/pulls.json
    return (not parts or parts[0] == "__MACOSX" or parts[-1].lower() in _OS_FILES or parts[-1].startswith("~$")
            or any(p.startswith(".") and p != ".." for p in parts))


def _listing(paths: list[str]) -> str:
    shown = ", ".join(safety.quote(p, 80) for p in paths[:_LISTED])
    return shown + (f" and {len(paths) - _LISTED:,} other files" if len(paths) > _LISTED else "")


def _members(name: str, data: bytes) -> list[ExportFile]:
    """The export files of archive ``name``, checked from its directory; the rest listed in a note."""
    safety.check_size(name, len(data))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except _UNREADABLE:
        raise InputFormatError("is not a complete zip archive (damaged or cut short); download it again, or zip "
                               "the files again", file=name) from None
    safety.refuse_workshop(name, archive, infos)
    readable: list[zipfile.ZipInfo] = []
    skipped: list[str] = []
    for info in infos:
        path = info.filename.replace("\\", "/")  # PowerShell 5's Compress-Archive writes exports\pulls.json
        if not path or path.endswith("/") or _os_junk(path):  # an empty name: no file of anyone's
            continue
        base = path.rsplit("/", 1)[-1]
        suffix = base.rpartition(".")[2].lower() if "." in base else ""
        if suffix == "zip":
            raise InputFormatError(NESTED, file=member_name(name, info.filename))
        if suffix in EXPORT_TYPES and not _PROSE.match(base):
            readable.append(info)
        else:
            skipped.append(info.filename)
    types = ", ".join(f".{t}" for t in EXPORT_TYPES)
    if not readable:
        raise InputFormatError(
            f"holds no export files: it has {_listing(skipped)}; only {types} files are read" if skipped else
            "holds no files; zip the export files themselves", file=name)
    named: list[tuple[str, zipfile.ZipInfo]] = []
    taken: set[str] = set()
    copies: dict[str, int] = {}
    for info in readable[:safety.MAX_ARCHIVE_FILES + 1]:
        source = shown = member_name(name, info.filename)
        while shown in taken:  # one name each, in every report: pulls.json, pulls.json (2), …
            copies[source] = copies.get(source, 1) + 1
            shown = f"{source} ({copies[source]})"
        taken.add(shown)
        named.append((shown, info))
    safety.check_archive(name, named, files=len(readable), archive_bytes=len(data))
    notes = (f"{shown_name(name)} also holds {_listing(skipped)}: skipped, as only {types} files are read",
             ) if skipped else ()
    unpacked = _Unpacked(name, sum(info.file_size for _, info in named))
    return [ExportFile(source, partial(_read_member, source, archive, info, unpacked), notes if index == 0 else ())
            for index, (source, info) in enumerate(named)]


class _Unpacked:
    """The bytes an archive's files unpack to [bytes], held to :data:`roi.safety.MAX_ARCHIVE_BYTES`: the
    directory's sizes, checked before any file is read, plus what each ``.gz`` file in it expands by once
    read (a thousand small ``.gz`` files could otherwise unpack to hundreds of GB)."""

    def __init__(self, archive: str, declared: int) -> None:
        self.archive, self.total = archive, declared
        self._lock = threading.Lock()  # files are read two at a time

    def add(self, source: str, more: int) -> None:
        if not more:  # no .gz: nothing grew, and nothing of this file's to refuse
            return
        with self._lock:
            self.total += more
            over = self.total > safety.MAX_ARCHIVE_BYTES
        if over:
            limit = safety.MAX_ARCHIVE_BYTES / 1024**2
            raise InputFormatError(
                f"is gzip-compressed, and gunzipped it takes the files of {shown_name(self.archive)} past "
                f"{limit:,.0f} MB together, the limit for one archive; refused. Load its files in several "
                "archives, or a shorter date range per file", file=source)


def _read_member(source: str, archive: zipfile.ZipFile, info: zipfile.ZipInfo, unpacked: _Unpacked) -> bytes:
    """One file of an archive, unzipped (:func:`roi.safety.read_zip_member`); a zip in it that is no workbook is
    refused here, whatever its name, and a ``.gz`` one counted unpacked against the archive's total."""
    data = safety.read_zip_member(source, archive, info)
    if is_export_archive(source, data):
        raise InputFormatError(NESTED, file=source)
    unpacked.add(source, safety.growth_when_read(source, data))  # a .gz counted here, gunzipped in roi.ingest
    return data
