"""The workshop file: every scenario of a workshop in one zip of ordinary scenario files.

Each member is a scenario file (docs/scenario-file.md), so any one of them can be taken out and
used on its own (``python -m roi compute``).  Reading is bounded before anything is decompressed:
at most ``MAX_SCENARIOS`` members, each within the scenario file's own size limit as the zip
directory declares it, which :mod:`zipfile` then enforces while reading.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Sequence

from roi import formatting as fmt
from roi.comparison import unique_names
from roi.errors import ScenarioError
from roi.models import MAX_SCENARIO_BYTES, Scenario, parse_scenario, scenario_to_json

MAX_SCENARIOS = 50
"""Most scenarios one workshop file may hold (a workshop compares a handful)."""

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a zip's first member, or an empty zip's directory
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # the same scenarios give the same bytes
OPEN_MARK = b"open"
"""The zip comment of the member that was the open scenario when the workshop was saved (a comment, so
the member is still an ordinary scenario file)."""


def workshop_zip(scenarios: Sequence[Scenario], open_index: int | None = None) -> bytes:
    """The scenarios as a zip, one ``<name>.json`` each, in the given order; ``open_index`` marks the one
    open in the app (:data:`OPEN_MARK`), which :func:`read_workshop` gives back."""
    stems = unique_names([fmt.file_stem(s.name) for s in scenarios])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, (stem, scenario) in enumerate(zip(stems, scenarios, strict=True)):
            member = zipfile.ZipInfo(f"{fmt.file_stem(stem)}.json", date_time=_FIXED_TIME)
            member.compress_type = zipfile.ZIP_DEFLATED
            if index == open_index:
                member.comment = OPEN_MARK
            archive.writestr(member, scenario_to_json(scenario))
    return buffer.getvalue()


def _is_scenario_member(member: zipfile.ZipInfo) -> bool:
    """A ``.json`` file, not a folder or the metadata macOS adds when it zips a folder."""
    base = member.filename.rsplit("/", 1)[-1]
    return (
        not member.is_dir()
        and base.lower().endswith(".json")
        and not base.startswith(".")
        and not member.filename.startswith("__MACOSX/")
    )


def read_scenarios(name: str, data: bytes) -> list[Scenario]:
    """The scenarios in an uploaded file: a workshop zip, or one scenario file (JSON).

    Raises :class:`~roi.errors.ScenarioError` naming the file (and the member of a zip).
    """
    return read_workshop(name, data)[0]


def read_workshop(name: str, data: bytes) -> tuple[list[Scenario], int | None]:
    """:func:`read_scenarios`, and the index of the scenario that was open when the workshop was saved
    (None: not marked, or a single scenario file)."""
    if not data.startswith(_ZIP_MAGIC):
        if name.lower().endswith(".zip"):  # a .zip that is none: "is not UTF-8 text" would send them astray
            raise ScenarioError("is not a zip file, so not a workshop file (a .zip saved on the Compare page); "
                                "choose the workshop file itself, or a scenario file (.json)", file=name)
        return [parse_scenario(data, source=name)], None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if _is_scenario_member(m)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ScenarioError(
            "is not a complete zip file; download the workshop file again", file=name
        ) from None
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
    opened = next((index for index, member in enumerate(members) if member.comment == OPEN_MARK), None)
    for member in members:
        source = f"{name}: {member.filename}"
        if member.file_size > MAX_SCENARIO_BYTES:
            raise ScenarioError(
                f"is {member.file_size:,} bytes, but a scenario file is a few kilobytes (limit "
                f"{MAX_SCENARIO_BYTES:,}); check that this is a workshop file",
                file=source,
            )
        try:
            content = archive.read(member)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, OSError, EOFError,
                ValueError):
            raise ScenarioError(
                "cannot be unpacked (damaged, encrypted or an unusual compression); save the workshop again",
                file=source,
            ) from None
        scenarios.append(parse_scenario(content, source=source))
    return scenarios, opened
