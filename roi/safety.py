"""Defences every reader applies to a user's file *before* parsing it.

Consultants load exports from clients' systems they have never seen, so every file is
treated as hostile until these checks pass:

* :func:`check_size` / :func:`read_file` — the upload limit, checked before the bytes are read.
* :func:`gunzip` — ``.gz`` content decompressed with a hard output limit (no gzip bomb);
  :func:`gunzipped_size` counts what it would produce.
* :func:`inspect_zip_container` — an ``.xlsx``/``.xlsm`` checked from its zip directory
  *before* any member is decompressed: member count, total declared size, compression ratio,
  compression method, encryption, macros (``vbaProject.bin``), and any part with a ``DOCTYPE`` or
  ``ENTITY`` declaration (the "billion laughs" entity bomb) — refused with a message, never
  expanded.  openpyxl then parses with defusedxml as a second line of defence.
* :func:`check_archive` / :func:`read_zip_member` — a zip archive of exports (:mod:`roi.archive`): its files
  counted, sized and checked for encryption, compression method and ratio from the zip directory before any
  is decompressed; then each file decompressed alone, its bytes counted as they come (a directory can lie).
* :func:`decode_text` — text encodings (UTF-8 with or without BOM, UTF-16/32 with BOM, else
  Windows-1252 with the assumption written down); binary files refused.
* :func:`check_rows` / :func:`count_lines` — the row limit, checked before a table is built.
* :func:`check_columns` — the column limit of CSV text (:data:`MAX_COLUMNS`), checked before a table
  is built: pandas makes a column per field of the widest record, and a few rows of a million empty
  cells exhaust memory.
* :func:`check_sheet_rows` — a worksheet's row numbers against :data:`MAX_ROWS`, read from its XML
  before openpyxl yields an empty row for every number skipped (``<row r="20000000">``).
* :func:`quote` — user text quoted in a message: one line, no control characters, short;
  :func:`one_line` — a whole message on one line (the CLI's ``error:`` line).
* :func:`markdown_safe` — a message made inert for Markdown renderers (``st.error``).

Nothing here pickles, evaluates or executes anything from a file.  Every refusal is an
:class:`~roi.errors.InputFormatError` naming the file and saying what to do instead.
"""

from __future__ import annotations

import gzip
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from roi.errors import InputFormatError

if TYPE_CHECKING:  # only its methods are used: importing pandas stays the readers' business
    from collections.abc import Iterator

    import pandas as pd

__all__ = [
    "MAX_UPLOAD_BYTES",
    "MAX_UNCOMPRESSED_BYTES",
    "MAX_COMPRESSION_RATIO",
    "MAX_ZIP_MEMBERS",
    "MAX_ROWS",
    "MAX_COLUMNS",
    "DecodedText",
    "check_size",
    "read_file",
    "GZIP_MAGIC",
    "gunzip",
    "gunzipped_size",
    "growth_when_read",
    "inspect_zip_container",
    "refuse_workshop",
    "MAX_ARCHIVE_FILES",
    "MAX_ARCHIVE_BYTES",
    "check_archive",
    "check_archive_entries",
    "zip_entries",
    "MAX_ARCHIVE_ENTRIES",
    "read_zip_member",
    "decode_text",
    "check_rows",
    "count_lines",
    "check_columns",
    "widest_record",
    "check_sheet_rows",
    "quote",
    "one_line",
    "markdown_safe",
    "markdown_safe_table",
]

MAX_UPLOAD_BYTES = 200 * 1024 * 1024
"""Largest file accepted [bytes]: Streamlit's default upload limit, set explicitly as
``server.maxUploadSize = 200`` (MB) in ``.streamlit/config.toml``; the CLI applies the same."""

MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
"""Largest decompressed content of a ``.gz`` file or of all parts of a workbook [bytes]."""

MAX_COMPRESSION_RATIO = 200
"""Largest uncompressed/compressed ratio of one workbook part over 1 MiB (and of a gzip file
past 64 MiB).  Exports are varied text and compress far less; deflate tops out near 1032× on
constant data, which is what bombs are made of."""

_RATIO_CHECK_FROM_BYTES = 1024 * 1024
"""Parts smaller than this are never a threat, whatever their ratio."""

_GZIP_RATIO_CHECK_FROM_BYTES = 64 * 1024 * 1024
"""A gzip file is judged by its ratio only once it has produced this much."""

MAX_ZIP_MEMBERS = 10_000
"""Most parts a workbook may hold (Excel writes a few dozen)."""

MAX_ARCHIVE_FILES = 1_000
"""Most export files one zip archive of exports may hold (a paginated API download saved page by page is a
few hundred files); folders and what the OS adds (``__MACOSX/``, ``.DS_Store``) are not counted."""

MAX_ARCHIVE_BYTES = 2 * 1024**3
"""Most bytes the files of one zip archive of exports may unzip to together [bytes]: what a session can hold
(the app was measured with 1.6 GB of uploads, docs/benchmarks.md).  Each file is also held to
:data:`MAX_UPLOAD_BYTES`, as if it had been uploaded on its own."""

MAX_ROWS = 1_048_576
"""Most data rows in one file: Excel's own sheet limit (2^20 rows)."""

MAX_COLUMNS = 16_384
"""Most fields in one CSV record: Excel's own sheet limit (2^14 columns, XFD).  Exports have a few
dozen (a Jira export with every custom field a few hundred)."""

MAX_QUOTES_SCANNED = 4_000_000
"""Most quote characters followed one by one when a CSV has quotes inside unquoted cells (``12" screen``)
and the vectorised scan cannot tell its records apart [quotes]: about two seconds."""

_MIB = 1024 * 1024
_CHUNK = 1024 * 1024
"""Bytes decompressed per read while streaming."""
_SPLIT_ADVICE = (
    "export a shorter date range (or fewer repositories/projects) per file and load the files together"
)

# Magic numbers of binary files people upload by mistake, with what to do instead.
_BINARY_KINDS = (
    (
        b"PK\x03\x04",
        "is a zip archive (an .xlsx workbook?); give it its .xlsx extension, or save it as CSV UTF-8",
    ),
    (
        b"\xd0\xcf\x11\xe0",
        "is an old .xls or a password-protected workbook; open it in Excel, remove any "
        "password and save it as .xlsx or CSV UTF-8",
    ),
    (b"%PDF", "is a PDF; load the export itself (CSV, JSON or .xlsx), not a printout of it"),
    (b"\x1f\x8b", "is gzip-compressed; give it a .gz extension or decompress it first"),
)

_EXTRACT = "which this tool does not open; extract its files and load them, or zip them as a .zip"
# Archives of other kinds and programs, told apart only in binary content (a text export never starts with NUL-
# bearing bytes, so a CSV whose header starts "MZ" stays a CSV): (offset, magic, what it is).
_ARCHIVE_KINDS = (
    (257, b"ustar", f"is a tar archive (.tar, or .tar.gz once gunzipped), {_EXTRACT}"),
    (0, b"7z\xbc\xaf\x27\x1c", f"is a 7-Zip archive, {_EXTRACT}"),
    (0, b"Rar!\x1a\x07", f"is a RAR archive, {_EXTRACT}"),
    (0, b"MZ", "is a Windows program (a self-extracting archive?), which this tool never opens or runs; extract "
               "its files on a machine you trust and load them, or zip them as a .zip"),
)

# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)

# Also the invisible characters that reorder or hide text (bidi overrides and isolates, zero-width spaces): a
# file named "exe." + U+202E + "fdp" reads as "exe.pdf".
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_MARKDOWN_LINKS = re.compile(r"([\\\[\]<>])")


# --- Size ---------------------------------------------------------------------------------


def check_size(name: str, size: int, limit: int = MAX_UPLOAD_BYTES) -> None:
    """Refuse a file of ``size`` bytes over ``limit`` bytes, naming the limit and how to split."""
    if size > limit:
        raise InputFormatError(
            f"is {size:,} bytes, over the limit of {limit:,} bytes ({limit / _MIB:,.0f} MB) per file; "
            f"{_SPLIT_ADVICE}",
            file=name,
        )


def read_file(path: str | Path, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """The bytes of the file at ``path``; its size is checked from the directory entry before reading."""
    path = Path(path)
    try:
        if not path.is_file():
            what = (
                "it is a folder, not a file" if path.is_dir()
                else "it is a device or a pipe, not a file; save it as a file first" if path.exists()
                else "it does not exist"
            )
            raise InputFormatError(f"cannot be read ({what}); check the path", file=str(path))
        size = path.stat().st_size
        check_size(str(path), size, limit)
        with path.open("rb") as handle:
            # Read what stat promised, +1 to see a file that grew since: read(limit + 1) would
            # allocate (and the kernel zero) 200 MB for every file, whatever its size.
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(limit + 1 - len(data))
    except OSError as error:
        raise InputFormatError(
            f"cannot be read ({error.strerror or error}); check the path", file=str(path)
        ) from None
    check_size(str(path), len(data), limit)
    return data


# --- Compression --------------------------------------------------------------------------


GZIP_MAGIC = b"\x1f\x8b"
"""The first two bytes of gzip content."""


def gunzip(name: str, data: bytes, limit: int = MAX_UNCOMPRESSED_BYTES) -> bytes:
    """Decompress gzip ``data`` (several members allowed), refusing more than ``limit`` bytes of output.

    The output is produced a chunk at a time and abandoned as soon as it passes ``limit``, or
    passes 64 MiB while expanding more than :data:`MAX_COMPRESSION_RATIO`-fold (a bomb, not
    an export), so a gzip bomb costs a bounded amount of memory and time.  Gzip content inside the
    gzip is refused: no export is compressed twice on purpose.
    """
    unpacked = b"".join(_gunzipped(name, data, limit))
    if unpacked[:2] == GZIP_MAGIC:
        raise InputFormatError("is compressed twice with gzip (a .gz inside the .gz); decompress it until it is no "
                               "longer gzip, and load that", file=name)
    return unpacked


def gunzipped_size(name: str, data: bytes, limit: int = MAX_UNCOMPRESSED_BYTES) -> int:
    """The bytes gzip ``data`` decompresses to [bytes], counted a chunk at a time without keeping them, within
    the limits of :func:`gunzip` (whose errors it raises)."""
    return sum(len(chunk) for chunk in _gunzipped(name, data, limit))


def growth_when_read(name: str, data: bytes) -> int:
    """The bytes a file of an archive or a workshop grows by when read [bytes]: what a ``.gz`` one gunzips to
    beyond its own size (counted, not kept), 0 for any other."""
    return gunzipped_size(name, data) - len(data) if data[:2] == GZIP_MAGIC else 0


def _gunzipped(name: str, data: bytes, limit: int) -> Iterator[bytes]:
    size = 0
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
            while chunk := stream.read(_CHUNK * 4):
                size += len(chunk)
                bomb = size > _GZIP_RATIO_CHECK_FROM_BYTES and size > MAX_COMPRESSION_RATIO * len(data)
                if size > limit or bomb:
                    why = (
                        f"over {MAX_COMPRESSION_RATIO}-fold: a gzip bomb, not an export); refused. Download "
                        "the export again from its source"
                        if bomb
                        else f"over the limit); refused. {_SPLIT_ADVICE[0].upper()}{_SPLIT_ADVICE[1:]}"
                    )
                    raise InputFormatError(
                        f"decompresses to more than {min(size, limit) / _MIB:,.0f} MB ({why}", file=name
                    )
                yield chunk
    except (OSError, EOFError, zlib.error):
        raise InputFormatError(
            "is not a complete gzip file (damaged or cut short); download or compress it again", file=name
        ) from None


def inspect_zip_container(name: str, data: bytes) -> None:
    """Check an ``.xlsx``/``.xlsm`` before any XML parser sees it; raise if it is unsafe or broken.

    Reads the zip directory (sizes as declared, which :mod:`zipfile` then enforces on every
    read), refuses bombs and macros, then streams every part once (XML or not: the workbook's
    relationships may point at any name), decompressing at most :data:`MAX_UNCOMPRESSED_BYTES` in
    total, to refuse ``DOCTYPE``/``ENTITY`` declarations.
    """
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise InputFormatError(dict(_BINARY_KINDS)[b"\xd0\xcf\x11\xe0"], file=name)
    parts = zip_entries(data)
    if parts > MAX_ZIP_MEMBERS:  # before zipfile builds an object for each
        raise InputFormatError(
            f"holds {parts:,} parts, more than the {MAX_ZIP_MEMBERS:,} a workbook ever needs; "
            "this is not a normal .xlsx: save the data again from Excel as .xlsx or CSV UTF-8",
            file=name,
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, NotImplementedError):
        raise InputFormatError(
            "is not a valid .xlsx workbook (the file is damaged, cut short or not a workbook); "
            "open it in Excel and save it again as .xlsx",
            file=name,
        ) from None
    with archive:
        members = archive.infolist()
        refuse_workshop(name, archive, members)
        _check_members(name, members)
        for member in members:  # every part, whatever its name: a worksheet may be called sheet1.dat
            _refuse_dtd(name, archive, member)


_WORKSHOP_TOPS_READ = 20
"""Top-level JSON files of a zip read to tell a workshop file (scenarios alone) from an archive of exports."""


def refuse_workshop(name: str, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """The app's own workshop file (scenario files at the zip's top, :mod:`roi.workshop`), named as such: given
    as an export it read "a zip archive but not an .xlsx workbook".  Only the start of one small member is read."""
    tops = [m for m in members if "/" not in m.filename and m.filename.endswith(".json") and m.file_size < 1024**2]
    if len(members) > MAX_ZIP_MEMBERS or not tops or any(m.filename == "[Content_Types].xml" for m in members):
        return
    heads = []
    for top in tops[:_WORKSHOP_TOPS_READ]:  # every top file a scenario (or the manifest): a scenario beside exports
        try:                                # is named as the file it is, by the reader
            with archive.open(top) as member:
                heads.append(member.read(4096))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
            return  # encrypted or damaged: _check_members says what
    if all(b'"schema_version"' in head or top.filename == "_exports.json" for head, top in zip(heads, tops, strict=False)):
        raise InputFormatError(
            "is a workshop file (saved scenarios), not an export: open it on Compare scenarios, under 'Add saved "
            "scenario files or a workshop file'",
            file=name,
        )


def _check_members(name: str, members: list[zipfile.ZipInfo]) -> None:
    names = {m.filename.lower() for m in members}
    if any(n.endswith("vbaproject.bin") for n in names):
        raise InputFormatError(
            "contains macros (VBA), which this tool never opens; in Excel use File › Save As › "
            "'Excel Workbook (.xlsx)' to save the data without them, and load that file",
            file=name,
        )
    if "[content_types].xml" not in names:
        raise InputFormatError(
            "is a zip archive but not an .xlsx workbook (no [Content_Types].xml); load the export "
            "files themselves, or save the workbook again from Excel as .xlsx",
            file=name,
        )
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise InputFormatError(
                "is encrypted; remove the password in Excel and save it again as .xlsx", file=name
            )
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InputFormatError(
                f"part '{quote(member.filename)}' uses a compression method Excel never writes "
                f"(zip method {member.compress_type}); open it in Excel and save it again as .xlsx",
                file=name,
            )
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_CHECK_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise InputFormatError(
                f"part '{quote(member.filename)}' would expand {ratio:,.0f}-fold to "
                f"{member.file_size / _MIB:,.0f} MB (over the {MAX_COMPRESSION_RATIO}× limit: a "
                "'zip bomb'); refused without opening it. Export the data again from its source",
                file=name,
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise InputFormatError(
            f"would expand to {total / _MIB:,.0f} MB, over the {MAX_UNCOMPRESSED_BYTES / _MIB:,.0f} MB limit "
            f"for a workbook's content; refused without opening it. "
            f"{_SPLIT_ADVICE[0].upper()}{_SPLIT_ADVICE[1:]}",
            file=name,
        )


_ZIP_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "Deflate"}
"""Compression methods read from an archive of exports: the ones Windows and macOS write.  :mod:`zipfile` bounds
each read's output only for these (bzip2 and LZMA decompress a whole compressed chunk at once, however far it
expands), and has no Deflate64 (7-Zip's "Ultra"), Zstandard or AES."""
_ZIP_METHOD_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA", 9: "Deflate64", 93: "Zstandard"}


_END_OF_DIRECTORY = b"PK\x05\x06"
_ZIP64_LOCATOR, _ZIP64_END = b"PK\x06\x07", b"PK\x06\x06"
_CENTRAL_HEADER = b"PK\x01\x02"
MAX_ARCHIVE_ENTRIES = 10 * MAX_ARCHIVE_FILES
"""Most entries (files, folders, what the OS adds) a zip archive of exports may list: counted before
:mod:`zipfile` builds an object for each (4 million one-byte names took 92 s and 2 GB)."""


def zip_entries(data: bytes) -> int:
    """The most entries :mod:`zipfile` can find in zip ``data``'s directory [count]: the central-directory
    headers in the bytes it reads the directory from, located as it locates them (from the end record, or zip64's
    end record when there is one); 0 without an end record (zipfile then says the archive is damaged).

    Counted, not read from the end record: zipfile ignores the record's count (a forged 1 passed), and zip64
    writes it as 0xFFFF (any archive of over 65,535 entries passed)."""
    # Found as zipfile finds it: at the end when there is no comment, else the last one in the comment's reach
    # (only searched, the record's own offset field holding "PK\x05\x06" was taken for it, and counted 0).
    end = len(data) - 22
    if end < 0 or data[end:end + 4] != _END_OF_DIRECTORY or data[-2:] != b"\0\0":
        end = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - 65_557))  # the record and its comment of ≤ 64 KiB
    if end < 0 or end + 22 > len(data):
        return 0
    size, location = int.from_bytes(data[end + 12:end + 16], "little"), end
    zip64 = end - 20 - 56  # zip64's end record (56 bytes), then its locator (20), then the end record
    if zip64 >= 0 and data[end - 20:end - 16] == _ZIP64_LOCATOR and data[zip64:zip64 + 4] == _ZIP64_END:
        size, location = int.from_bytes(data[zip64 + 40:zip64 + 48], "little"), zip64
    return data.count(_CENTRAL_HEADER, max(0, location - size), location)


def check_archive_entries(name: str, data: bytes) -> None:
    """Refuse a zip that lists more than :data:`MAX_ARCHIVE_ENTRIES` entries (:func:`zip_entries`), before
    :mod:`zipfile` reads its directory."""
    entries = zip_entries(data)
    if entries > MAX_ARCHIVE_ENTRIES:
        raise InputFormatError(
            f"lists {entries:,} entries, more than the {MAX_ARCHIVE_ENTRIES:,} one archive of exports may list; split "
            "it into several .zip files, or load the files themselves", file=name)


def check_archive(name: str, members: list[tuple[str, zipfile.ZipInfo]], files: int | None = None,
                  archive_bytes: int | None = None) -> None:
    """Check the export files of zip archive ``name`` from its directory, before any is decompressed.

    ``members``: each file to read, with the name messages give it (``exports.zip: pulls.json``); ``files``:
    how many there are, when ``members`` lists only the first of them (names are not made for a million).  Refuses
    more than :data:`MAX_ARCHIVE_FILES` files, an encrypted file, a compression method :mod:`zipfile` cannot
    unpack, a file over :data:`MAX_UPLOAD_BYTES` or expanding more than :data:`MAX_COMPRESSION_RATIO`-fold, and
    files over :data:`MAX_ARCHIVE_BYTES` (or that ratio) together.  The sizes are as the directory declares
    them; :func:`read_zip_member` counts the bytes really produced.  ``archive_bytes``, the archive's own size:
    a directory declaring more compressed bytes than that is forged (to pass the ratio checks) or damaged.
    """
    files = len(members) if files is None else files
    if files > MAX_ARCHIVE_FILES:
        raise InputFormatError(
            f"holds {files:,} files, more than the {MAX_ARCHIVE_FILES:,} one archive of exports may hold; "
            "split it into several .zip files, or load the files themselves", file=name)
    if archive_bytes is not None and sum(member.compress_size for _, member in members) > archive_bytes:
        raise InputFormatError(
            "is damaged: its directory says its files take more bytes than the archive holds; download it again, "
            "or zip the files again", file=name)
    total, packed = 0, 0
    for source, member in members:
        if member.flag_bits & 0x1:
            raise InputFormatError(
                "is encrypted (the archive has a password), and this tool never asks for one; unzip the archive "
                "with its password and load the files, or zip them again without a password", file=source)
        if member.compress_type not in _ZIP_METHODS:
            method = f"zip method {member.compress_type}"
            named = _ZIP_METHOD_NAMES.get(member.compress_type)
            raise InputFormatError(
                f"is compressed with a method this tool does not unzip ({f'{named}, ' if named else ''}{method}); zip "
                "the files again with the ordinary method, Deflate (Windows' 'Send to › Compressed (zipped) folder', "
                "macOS' 'Compress'), or load them unzipped", file=source)
        if member.file_size > MAX_UPLOAD_BYTES:
            raise InputFormatError(
                f"unzips to {member.file_size:,} bytes, over the limit of {MAX_UPLOAD_BYTES:,} bytes "
                f"({MAX_UPLOAD_BYTES / _MIB:,.0f} MB) per file; refused without opening it. {_SPLIT_ADVICE[0].upper()}"
                f"{_SPLIT_ADVICE[1:]}", file=source)
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_CHECK_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise InputFormatError(
                f"would expand {ratio:,.0f}-fold to {member.file_size / _MIB:,.0f} MB (over the "
                f"{MAX_COMPRESSION_RATIO}× limit: a 'zip bomb', not an export); refused without opening it. "
                "Export the data again from its source", file=source)
        total, packed = total + member.file_size, packed + member.compress_size
        if total > _RATIO_CHECK_FROM_BYTES and total > MAX_COMPRESSION_RATIO * max(packed, 1):
            # Many small files, each under the ratio checked alone, together expanding like one bomb.
            raise InputFormatError(
                f"holds files that would expand {total / max(packed, 1):,.0f}-fold together (over the "
                f"{MAX_COMPRESSION_RATIO}× limit: a 'zip bomb', not exports); refused without opening them. "
                "Export the data again from its source", file=name)
        if total > MAX_ARCHIVE_BYTES:
            raise InputFormatError(
                f"holds files that would unzip to more than {MAX_ARCHIVE_BYTES / _MIB:,.0f} MB together, over the "
                f"limit for one archive; refused without opening them. {_SPLIT_ADVICE[0].upper()}"
                f"{_SPLIT_ADVICE[1:]}, in several archives", file=name)


def read_zip_member(source: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo,
                    limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """The bytes of one file of a zip archive :func:`check_archive` passed, named ``source`` in messages.

    Decompressed a chunk at a time and abandoned as soon as it passes ``limit`` bytes: the bytes produced are
    counted, not the directory's word for them (a forged directory understates them; :mod:`zipfile` then stops at
    the size declared, and the checksum of what it cut short fails: "damaged").
    """
    chunks, size = [], 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise InputFormatError(
                        f"unzips to more than {limit:,} bytes ({limit / _MIB:,.0f} MB), the limit per file; "
                        f"refused. {_SPLIT_ADVICE[0].upper()}{_SPLIT_ADVICE[1:]}", file=source)
                chunks.append(chunk)
    except InputFormatError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError):
        raise InputFormatError(
            "cannot be unzipped (the archive is damaged or cut short); download it again, or zip the files again",
            file=source) from None
    return b"".join(chunks)


# Declarations in UTF-8/ASCII and in UTF-16 (both byte orders); XML keywords are upper case,
# the search is case-insensitive anyway.
_DTD_MARKERS = tuple(
    marker.encode(codec)
    for marker in ("<!doctype", "<!entity")
    for codec in ("ascii", "utf-16-le", "utf-16-be")
)


def _refuse_dtd(name: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Stream one XML part and refuse it if it declares a DOCTYPE or an ENTITY."""
    overlap = max(len(m) for m in _DTD_MARKERS) - 1
    tail = b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                window = (tail + chunk).lower()
                if any(marker in window for marker in _DTD_MARKERS):
                    raise InputFormatError(
                        f"part '{quote(member.filename)}' declares a DOCTYPE or XML entities, which Excel "
                        "never writes (an 'entity expansion' attack); refused without expanding it. "
                        "Save the workbook again from Excel as .xlsx",
                        file=name,
                    )
                tail = window[-overlap:]
    except InputFormatError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError, ValueError):
        raise InputFormatError(
            f"part '{quote(member.filename)}' is damaged (it cannot be decompressed); open the workbook "
            "in Excel and save it again as .xlsx",
            file=name,
        ) from None


# --- Text ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecodedText:
    """Text decoded from a file, the codec used and, when it was a guess, a note saying so."""

    text: str
    encoding: str
    note: str | None = None


def decode_text(name: str, data: bytes) -> DecodedText:
    """Decode an export's bytes as text.

    A byte-order mark decides (UTF-8, UTF-16, UTF-32); without one the text must be UTF-8,
    else it is read as Windows-1252 (what Excel writes when it re-saves a CSV), else as
    Latin-1 — both with a ``note`` for the user, since accented names may then be wrong
    (numbers and dates are ASCII and unaffected).  Binary content (NUL bytes, a zip, an old
    ``.xls``, a PDF) is refused with what to load instead.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(codec), codec.removesuffix("-sig"))
            except UnicodeDecodeError as error:
                raise InputFormatError(
                    f"starts with a {codec.removesuffix('-sig').upper()} byte-order mark but is not valid "
                    f"{codec.removesuffix('-sig').upper()} (byte {error.start:,}); "
                    "save it again as CSV UTF-8",
                    file=name,
                ) from None
    for magic, message in _BINARY_KINDS:
        if data.startswith(magic):
            raise InputFormatError(message, file=name)
    if b"\x00" in data:
        for offset, magic, message in _ARCHIVE_KINDS:
            if data[offset:offset + len(magic)] == magic:
                raise InputFormatError(message, file=name)
        raise InputFormatError(
            f"contains binary data (a NUL byte at position {data.index(0):,}), so it is not a "
            "text export; load the CSV, JSON or .xlsx file itself, saved as UTF-8",
            file=name,
        )
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    for codec, label in (("cp1252", "Windows-1252"), ("latin-1", "Latin-1")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        return DecodedText(
            text,
            codec,
            f"not UTF-8: read as {label} ({codec}), the encoding Excel uses when it re-saves a CSV; "
            "check accented names, or save the file as CSV UTF-8",
        )
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


# --- Rows ---------------------------------------------------------------------------------


def count_lines(data: bytes | str) -> int:
    """Lines in ``data`` (an upper bound on its CSV/NDJSON records), counted without parsing."""
    newline = b"\n" if isinstance(data, bytes) else "\n"
    lines = data.count(newline)  # type: ignore[arg-type]
    return lines + (1 if data and not data.endswith(newline) else 0)  # type: ignore[arg-type]


def check_rows(name: str, rows: int, limit: int = MAX_ROWS) -> None:
    """Refuse a file of more than ``limit`` rows before a table is built from it."""
    if rows > limit:
        raise InputFormatError(
            f"has {rows:,} rows, over the limit of {limit:,} per file; {_SPLIT_ADVICE}", file=name
        )


# --- Columns --------------------------------------------------------------------------------

_QUOTE, _LF, _CR = ord('"'), ord("\n"), ord("\r")


def widest_record(data: bytes, delimiter: str, limit: int = MAX_COLUMNS) -> tuple[int, int] | None:
    """The widest record of CSV ``data`` (UTF-8 or ASCII) with more than ``limit`` fields, as (fields, row;
    the first record is row 1), or ``None`` when no record has that many.

    Quoted cells are honoured as pandas' parser reads them (a delimiter or line break inside one
    separates nothing; ``""`` is a quote).  Vectorised with numpy over the bytes: the positions of
    quotes and line ends give each record's span, and only a record longer than ``limit`` bytes,
    which alone can hold that many fields, has its delimiters counted (at most ``len(data) / limit``
    records).  A quote inside an unquoted cell (``12" screen``), which pandas keeps as text, is
    found, and the quotes are then followed one by one, up to :data:`MAX_QUOTES_SCANNED`.
    """
    if data.count(delimiter.encode()) < limit:  # the usual small file: no record can be too wide
        return None
    code = ord(delimiter)
    raw = np.frombuffer(data, np.uint8)
    quotes = _structural_quotes(raw, code) if b'"' in data else np.empty(0, np.int64)
    ends = np.flatnonzero((raw == _LF) | (raw == _CR) if b"\r" in data else raw == _LF)
    ends = ends[np.searchsorted(quotes, ends) % 2 == 0]  # line breaks outside quoted cells end records
    bounds = np.concatenate(([-1], ends, [len(raw)]))
    widest, where = limit, -1
    for index in np.flatnonzero(np.diff(bounds) > limit).tolist():  # record i: bounds[i] + 1 .. bounds[i + 1]
        start, stop = int(bounds[index]) + 1, int(bounds[index + 1])
        found = np.flatnonzero(raw[start:stop] == code) + start
        fields = int(np.count_nonzero(np.searchsorted(quotes, found) % 2 == 0)) + 1
        if fields > widest:
            widest, where = fields, start
    if where < 0:
        return None
    before = ends[ends < where]  # a CR LF pair ends one record, not two
    crlf = np.count_nonzero((raw[before] == _CR) & (raw[np.minimum(before + 1, len(raw) - 1)] == _LF))
    return widest, len(before) - int(crlf) + 1


def _structural_quotes(raw: np.ndarray, delimiter: int) -> np.ndarray:
    """Positions of the quotes that open or close a quoted cell (pandas keeps others as text).

    A quote opens a cell only at its start: after a delimiter, a line break, the file's start, or
    the quote that closed a cell (``""`` inside a quoted cell).  When every quote that parity makes
    an opener is such a one, all quotes are structural; else they are followed in order.
    """
    quotes = np.flatnonzero(raw == _QUOTE)
    if not len(quotes):
        return quotes
    openers, closers = quotes[0::2], quotes[1::2]
    before = raw[np.maximum(openers - 1, 0)]
    after_closer = np.concatenate(([-2], closers))[: len(openers)] == openers - 1
    starts = (openers == 0) | (before == delimiter) | (before == _LF) | (before == _CR) | after_closer
    if starts.all():
        return quotes
    if len(quotes) > MAX_QUOTES_SCANNED:
        raise _IrregularQuotes(int(openers[np.flatnonzero(~starts)[0]]))
    data = raw.tobytes()
    kept, inside, closed = [], False, -2
    for position in quotes.tolist():
        if inside:
            inside, closed = False, position
        elif position == 0 or data[position - 1] in (delimiter, _LF, _CR) or position == closed + 1:
            inside = True
        else:
            continue  # a quote inside an unquoted cell: text
        kept.append(position)
    return np.array(kept, dtype=np.int64)


class _IrregularQuotes(Exception):
    """Too many quotes to follow one by one, and some inside unquoted cells (at byte ``args[0]``)."""


def check_columns(name: str, data: bytes | str, delimiter: str, limit: int = MAX_COLUMNS) -> None:
    """Refuse CSV ``data`` with a record of more than ``limit`` fields, before a table is built from it.

    pandas makes one column per field of the widest record it meets first (the header or the first
    row): four rows of 500,000 empty cells took two minutes and 2.7 GB, five million aborted Python.
    """
    if isinstance(data, str):
        if data.count(delimiter) < limit:  # the usual small file: not encoded for nothing
            return
        data = data.encode("utf-8", "surrogatepass")
    try:
        found = widest_record(data, delimiter, limit)
    except _IrregularQuotes as error:
        row = data.count(b"\n", 0, error.args[0]) + 1
        raise InputFormatError(
            f"has quote characters inside unquoted cells (the first in row {row:,}) and more than "
            f"{MAX_QUOTES_SCANNED:,} quotes in all, too many to tell its rows apart safely; open it in Excel "
            "and save it again as CSV UTF-8 (which quotes such cells), or export it again",
            file=name, row=row,
        ) from None
    if found is not None:
        fields, row = found
        raise InputFormatError(
            f"has {fields:,} cells in one row, over the limit of {limit:,} columns (Excel's own): this is "
            "not an export, or it is damaged (a wrong delimiter, or a cell's closing quote missing); "
            "export it again from its source, or check the delimiter",
            file=name, row=row,
        )


_SHEET_ROW = re.compile(rb'(?:\sr="[A-Za-z]{0,3}|<(?:\w+:)?dimension\s+ref="[^"]*?)(\d{7,})"')
"""A row number of seven digits or more in a worksheet's XML: a row's ``r="2000000"``, a cell's
``r="A2000000"``, the used range ``<dimension ref="A1:D2000000"/>``."""


def check_sheet_rows(name: str, data: bytes, part: str, sheet: str, limit: int = MAX_ROWS) -> None:
    """Refuse a worksheet whose XML numbers a row beyond ``limit``, before any row is read.

    openpyxl yields an empty row for every row number a sheet skips, so a 5 kB workbook holding
    ``<row r="20000000">`` became 20 million rows (31 s, 2.5 GB).  Excel numbers rows up to
    :data:`MAX_ROWS`, so no saved sheet goes beyond it.  ``part`` is the sheet's path in the zip,
    streamed a chunk at a time (the container was checked by :func:`inspect_zip_container`).
    """
    tail = b""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(part.lstrip("/")) as stream:
        while chunk := stream.read(_CHUNK):
            window = tail + chunk
            for found in _SHEET_ROW.finditer(window):
                row = int(found.group(1))
                if row > limit:
                    raise InputFormatError(
                        f"sheet '{quote(sheet, 40)}' numbers a row {row:,}, beyond the limit of {limit:,} rows "
                        "(Excel's own): it would be read as millions of empty rows, so it is not a saved "
                        "export, or it is damaged; open it in Excel and save it again as .xlsx or CSV UTF-8",
                        file=name,
                    )
            tail = window[-64:]


# --- Messages -----------------------------------------------------------------------------


def quote(value: object, limit: int = 60) -> str:
    """User text for an error message: on one line, control characters shown as ``?``, cut to ``limit``.

    A cell from a CSV can hold line breaks, escape sequences or 30,000 characters; quoting it
    raw would break the one-line ``error:`` contract and bury the message.
    """
    text = _CONTROL.sub("?", str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def one_line(text: str) -> str:
    """``text`` on one line: line breaks and tabs become spaces, other control characters ``?``.

    Keeps the CLI's single ``error:`` line single, and terminal escape sequences from a file
    name or a cell out of the user's terminal.
    """
    return _CONTROL.sub("?", " ".join(text.split()))


def markdown_safe_table(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """``frame`` with :func:`markdown_safe` applied to its text cells (of ``columns`` only, if given: those that
    quote what people typed) and its column and row labels.

    ``st.table`` renders each cell as Markdown: a scenario or tool name ``![a](http://…)`` in the Compare
    page's table made the browser fetch that address (checked in Chromium).
    """
    def safe(value: object) -> object:
        return markdown_safe(value) if isinstance(value, str) else value

    shown = frame.copy()
    for column in columns if columns is not None else list(frame.columns):
        shown[column] = frame[column].map(safe)
    shown.columns = [safe(c) for c in frame.columns]
    shown.index = [safe(i) for i in frame.index]
    return shown


def markdown_safe(text: str) -> str:
    """``text`` on one line, ``\\ [ ] < >`` backslash-escaped: no Markdown link, image or autolink can form.

    ``st.error`` renders Markdown.  A file name or a quoted cell such as
    ``![x](https://attacker.example/p.png)`` would otherwise make the viewer's browser fetch
    that address the moment the error is shown (checked in Chromium), and ``[text](url)``
    would put a link in the app's own error box.  Other characters are left alone, so field
    names such as ``loaded_cost_per_hour`` read exactly as written.
    """
    return _MARKDOWN_LINKS.sub(r"\\\1", one_line(text))
