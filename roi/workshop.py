"""The workshop file: every scenario of a workshop in one zip of ordinary scenario files, and the exports
they were measured from.

Each top-level ``.json`` member is a scenario file (docs/scenario-file.md), so any one of them can be taken
out and used on its own (``python -m roi compute``).  The exports loaded when the workshop was saved, if
any, are under ``exports/`` with their own names and bytes, and :data:`MANIFEST` (a name no scenario file
gets) says which they are and how they were read: adoption date, ramp-up weeks, time zone, column mappings.

Reading is bounded before anything is decompressed: at most ``MAX_SCENARIOS`` scenario members, each within
the scenario file's own size limit, and at most ``MAX_EXPORT_FILES`` exports, each within the upload limit
and :data:`MAX_EXPORT_BYTES` together, none expanding more than ``MAX_COMPRESSION_RATIO``-fold, as the zip
directory declares them, which :mod:`zipfile` then enforces while reading.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from roi import formatting as fmt
from roi.archive import export_names
from roi.comparison import unique_names
from roi.errors import ScenarioError
from roi.models import MAX_SCENARIO_BYTES, Scenario, validation_message, parse_scenario, scenario_to_json
from roi.safety import (MAX_ARCHIVE_BYTES, MAX_ARCHIVE_ENTRIES, MAX_ARCHIVE_FILES, MAX_COMPRESSION_RATIO,
                        MAX_UPLOAD_BYTES, growth_when_read, quote, zip_entries)

MAX_SCENARIOS = 50
"""Most scenarios one workshop file may hold (a workshop compares a handful)."""
MAX_EXPORT_FILES = MAX_ARCHIVE_FILES
"""Most exports one workshop file may hold: as many as one zip archive of exports (:mod:`roi.archive`)."""
MAX_EXPORT_BYTES = MAX_ARCHIVE_BYTES
"""Most bytes the exports of one workshop file may expand to together: as a zip archive of exports, what a
session can hold."""
EXPORTS_FOLDER = "exports/"
MANIFEST = "_exports.json"
"""The member that lists the exports and how they were read; scenario members are named by
:func:`roi.formatting.file_stem`, which writes no underscore, so none is ever called this."""
MANIFEST_VERSION = 1

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first member, or an empty zip's directory
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # the same scenarios give the same bytes
_RATIO_CHECK_FROM_BYTES = 1024 * 1024  # smaller members are never a threat, whatever their ratio
_UNREADABLE = (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError, ValueError)
OPEN_MARK = b"open"
"""The zip comment of the member that was the open scenario when the workshop was saved (a comment, so
the member is still an ordinary scenario file)."""
OPEN_NOT_KEPT_MARK = b"open, not kept"
"""The same for an open scenario that was not kept for comparison (edited after the last "Keep")."""

Files = tuple[tuple[str, bytes], ...]
_NOT_IN_A_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # control characters and line breaks


@dataclass(frozen=True)
class Exports:
    """Exports as the app had them loaded: the files (name, bytes) in order and what reads and splits them."""

    files: Files
    adoption_date: date | None = None
    ramp_weeks: int = 0
    """Weeks after adoption left out of the post period [weeks]."""
    timezone: str = "UTC"
    """IANA zone the files' times without an offset are read in."""
    column_mappings: dict[str, dict[str, str]] = field(default_factory=dict)
    """File name → its column mapping, for files in no known format."""

    @property
    def size(self) -> int:
        """The files' bytes together [bytes]."""
        return sum(len(data) for _, data in self.files)


@dataclass(frozen=True)
class Workshop:
    """A workshop file read back: its scenarios, the index of the one open when it was saved (None: not
    marked, or a single scenario file), and the exports it holds (None: none)."""

    scenarios: list[Scenario]
    open_index: int | None = None
    exports: Exports | None = None
    open_kept: bool = True
    """Whether the open scenario was also kept for comparison (it was not: it opens without being kept)."""
    has_exports: bool = False
    """Whether the file holds exports (read only ``with_exports``)."""


class _Export(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str = Field(min_length=1, max_length=255)
    member: str = Field(min_length=1, max_length=1000)

    @field_validator("file")
    @classmethod
    def _a_file_name(cls, name: str) -> str:
        # A NUL would collide with appstate's cache-key markers; a path is not what the uploader gives. Format
        # characters (a right-to-left mark in a Hebrew name) are allowed: every message quotes names safely.
        if any(ch in name for ch in "/\\") or _NOT_IN_A_NAME.search(name):
            raise ValueError(f"'{quote(name)}' is not a file name (it holds a path or control characters)")
        return name


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(ge=1)
    exports: list[_Export] = Field(max_length=MAX_EXPORT_FILES)
    adoption_date: date | None = None
    ramp_weeks: int = Field(0, ge=0, le=104)
    timezone: str = Field("UTC", max_length=64)
    column_mappings: dict[str, dict[str, str]] = Field(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"'{quote(zone)}' is not a time zone name") from None
        return zone


def workshop_zip(scenarios: Sequence[Scenario], open_index: int | None = None, exports: Exports | None = None,
                 *, open_kept: bool = True) -> bytes:
    """The scenarios as a zip, one ``<name>.json`` each, in the given order; ``open_index`` marks the one
    open in the app (:data:`OPEN_MARK`), which :func:`read_workshop` gives back; ``exports``, if given, go
    under :data:`EXPORTS_FOLDER` with :data:`MANIFEST`."""
    stems = unique_names([fmt.file_stem(s.name) for s in scenarios])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, (stem, scenario) in enumerate(zip(stems, scenarios, strict=True)):
            member = _member(f"{fmt.file_stem(stem)}.json")
            if index == open_index:
                member.comment = OPEN_MARK if open_kept else OPEN_NOT_KEPT_MARK
            archive.writestr(member, scenario_to_json(scenario))
        if exports is not None:
            paths = _export_paths([file for file, _ in exports.files])
            manifest = {
                "version": MANIFEST_VERSION,
                "exports": [{"file": file, "member": path}
                            for (file, _), path in zip(exports.files, paths, strict=True)],
                "adoption_date": exports.adoption_date.isoformat() if exports.adoption_date else None,
                "ramp_weeks": exports.ramp_weeks,
                "timezone": exports.timezone,
                "column_mappings": exports.column_mappings,
            }
            archive.writestr(_member(MANIFEST), json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False))
            for (_, data), path in zip(exports.files, paths, strict=True):
                archive.writestr(_member(path), data)
    return buffer.getvalue()


def _export_paths(files: list[str]) -> list[str]:
    """Each export's member: ``exports/<its name>``, a repeated name (two folders' pulls.json) in a numbered
    folder, ``exports/2/<its name>``."""
    paths: list[str] = []
    for file in files:
        path, n = EXPORTS_FOLDER + file, 1
        while path in paths:
            n += 1
            path = f"{EXPORTS_FOLDER}{n}/{file}"
        paths.append(path)
    return paths


def _member(name: str) -> zipfile.ZipInfo:
    member = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    member.compress_type = zipfile.ZIP_DEFLATED
    return member


def _is_scenario_member(member: zipfile.ZipInfo, exports_folder: str | None) -> bool:
    """A ``.json`` file, not a folder, the metadata macOS adds when it zips a folder, or the exports."""
    base = member.filename.rsplit("/", 1)[-1]
    return (
        bool(member.filename)  # an empty name (a forged archive): no file
        and not member.is_dir()
        and base.lower().endswith(".json")
        and not base.startswith(".")
        and not member.filename.startswith("__MACOSX/")
        and base != MANIFEST
        and not (exports_folder is not None and member.filename.startswith(exports_folder))
    )


def _in_exports_folder(path: str) -> bool:
    """A member under :data:`EXPORTS_FOLDER` at the top, or in the one folder a zipped folder adds."""
    parts = path.split("/")
    return not path.startswith("__MACOSX/") and (parts[0] + "/" == EXPORTS_FOLDER or (
        len(parts) > 2 and parts[1] + "/" == EXPORTS_FOLDER)) and not path.endswith("/")


def read_scenarios(name: str, data: bytes) -> list[Scenario]:
    """The scenarios in an uploaded file: a workshop zip, or one scenario file (JSON).

    Raises :class:`~roi.errors.ScenarioError` naming the file (and the member of a zip).
    """
    return read_workshop(name, data, with_exports=False).scenarios


def read_workshop(name: str, data: bytes, *, with_exports: bool = True) -> Workshop:
    """:func:`read_scenarios`, the index of the scenario that was open when the workshop was saved, and
    the exports it holds (left unread without ``with_exports``: comparing needs only the scenarios).

    Raises :class:`~roi.errors.ScenarioError` naming the file (and the member of a zip).
    """
    if not data.startswith(_ZIP_MAGIC):
        if name.lower().endswith(".zip"):  # a .zip that is none: "is not UTF-8 text" would send them astray
            raise ScenarioError("is not a zip file, so not a workshop file (a .zip saved on the Compare page); "
                                "choose the workshop file itself, or a scenario file (.json)", file=name)
        return Workshop([parse_scenario(data, source=name)])
    entries = zip_entries(data)
    if entries > MAX_ARCHIVE_ENTRIES:  # before zipfile builds an object for each
        raise ScenarioError(f"lists {entries:,} entries, more than the {MAX_ARCHIVE_ENTRIES:,} a workshop file may "
                            "hold, so it is no workshop file saved by this app; choose that file", file=name)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ScenarioError(
            "is not a complete zip file; download the workshop file again", file=name
        ) from None
    # The manifest beside the scenarios, at the top or in the one folder a zipped folder adds.
    manifest = next((m for m in infos if m.filename.rsplit("/", 1)[-1] == MANIFEST
                     and not m.filename.startswith("__MACOSX/")), None)
    folder = manifest.filename[: -len(MANIFEST)] if manifest is not None else None
    if manifest is None and (orphan := next((m.filename for m in infos if _in_exports_folder(m.filename)), None)):
        raise ScenarioError(  # else each export was read as a scenario file and refused as one
            f"holds exports ({quote(orphan, 80)}) but not the {MANIFEST} that lists them and how they were read: it "
            "was taken out of the zip; save the workshop again, or load the exports on the Data page", file=name)
    members = [m for m in infos if _is_scenario_member(m, None if folder is None else folder + EXPORTS_FOLDER)]
    if not members:
        raise ScenarioError(
            "holds no scenario files (.json); choose a workshop file saved by the app", file=name
        )
    if len(members) > MAX_SCENARIOS:
        raise ScenarioError(
            f"holds {len(members)} scenario files, more than the {MAX_SCENARIOS} a workshop file may hold; "
            "split it",
            file=name,
        )
    scenarios = []
    opened = next((index for index, member in enumerate(members)
                   if member.comment in (OPEN_MARK, OPEN_NOT_KEPT_MARK)), None)
    open_kept = opened is None or members[opened].comment == OPEN_MARK
    for member in members:
        source = f"{name}: {member.filename}"
        if member.file_size > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                f"is {member.file_size:,} bytes, but a scenario file is a few kilobytes (limit "
                f"{MAX_SCENARIO_BYTES:,}); check that this is a workshop file",
                file=source,
            )
        scenarios.append(parse_scenario(_read(archive, member, source), source=source))
    exports = None if manifest is None or not with_exports else _read_exports(name, archive, manifest, folder or "")
    return Workshop(scenarios, opened, exports, open_kept, manifest is not None)


def _read(archive: zipfile.ZipFile, member: zipfile.ZipInfo, source: str) -> bytes:
    try:
        return archive.read(member)
    except _UNREADABLE:
        raise ScenarioError(
            "cannot be unpacked (damaged, encrypted or an unusual compression); save the workshop again",
            file=source,
        ) from None


def _read_exports(name: str, archive: zipfile.ZipFile, manifest: zipfile.ZipInfo, folder: str) -> Exports:
    """The exports :data:`MANIFEST` lists, their sizes checked from the zip directory before any is read."""
    source = f"{name}: {manifest.filename}"
    if manifest.file_size > MAX_SCENARIO_BYTES:
        raise ScenarioError(f"is {manifest.file_size:,} bytes, but the list of a workshop's exports is a few "
                            f"kilobytes (limit {MAX_SCENARIO_BYTES:,}); save the workshop again", file=source)
    try:
        raw = json.loads(_read(archive, manifest, source))
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ScenarioError("is not valid JSON; save the workshop again", file=source) from None
    if isinstance(raw, dict) and isinstance(raw.get("version"), int) and raw["version"] > MANIFEST_VERSION:
        raise ScenarioError(f"version {raw['version']} was written by a newer version of this tool (this one "
                            f"reads up to {MANIFEST_VERSION}); upgrade the tool to open it", file=source)
    try:
        listed = _Manifest.model_validate(raw)
    except ValidationError as error:
        where, message = validation_message(error)
        raise ScenarioError(f"{message}; save the workshop again", file=source, field=where or None) from None
    by_name = {m.filename: m for m in archive.infolist()}
    entries, total, packed, seen = [], 0, 0, set()
    for export in listed.exports:
        member = by_name.get(folder + export.member)
        where = f"{name}: {folder}{export.member}"
        if export.member in seen:  # each listing would be unpacked again: a few kB could fill the memory
            raise ScenarioError(f"is listed twice in {MANIFEST}; save the workshop again", file=where)
        seen.add(export.member)
        if member is None or not export.member.startswith(EXPORTS_FOLDER) or member.is_dir():
            raise ScenarioError(f"is listed in {MANIFEST} as the export '{quote(export.file)}' but is not in the "
                                "workshop's exports folder; save the workshop again", file=where)
        if member.file_size > MAX_UPLOAD_BYTES:
            raise ScenarioError(f"is {member.file_size:,} bytes, over the limit of {MAX_UPLOAD_BYTES:,} bytes per "
                                "export; save the workshop without its exports", file=where)
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_CHECK_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise ScenarioError(f"would expand {ratio:,.0f}-fold (over the {MAX_COMPRESSION_RATIO}× limit: a "
                                "'zip bomb', not an export); refused without opening it", file=where)
        total, packed = total + member.file_size, packed + member.compress_size
        if total > _RATIO_CHECK_FROM_BYTES and total > MAX_COMPRESSION_RATIO * max(packed, 1):
            # Many small members, each under the per-member check, together expanding like one bomb.
            raise ScenarioError(f"holds exports that would expand {total / max(packed, 1):,.0f}-fold together "
                                f"(over the {MAX_COMPRESSION_RATIO}× limit: a 'zip bomb', not exports); refused "
                                "without opening them", file=name)
        if total > MAX_EXPORT_BYTES:
            raise ScenarioError(f"holds exports of more than {MAX_EXPORT_BYTES / 1024**3:,.0f} GB together, more "
                                "than a workshop may hold; refused without opening them. Save the workshop "
                                "without its exports", file=name)
        entries.append((export.file, member, where))
    files = tuple((file, _read(archive, member, where)) for file, member, where in entries)
    for (_, data), (_, _, where) in zip(files, entries, strict=True):
        total += growth_when_read(where, data)  # a .gz read gunzipped, as its reader will: counted so
        if total > MAX_EXPORT_BYTES:
            raise ScenarioError(f"is gzip-compressed, and gunzipped it takes the workshop's exports past "
                                f"{MAX_EXPORT_BYTES / 1024**3:,.0f} GB together, more than a workshop may hold; "
                                "refused. Save the workshop without its exports", file=where)
    # A mapping for another file would replace the user's own for it; a zip archive's files are named in theirs.
    names = set(export_names(files))
    mappings = {file: mapping for file, mapping in listed.column_mappings.items() if file in names}
    return Exports(files, listed.adoption_date, listed.ramp_weeks, listed.timezone, mappings)
