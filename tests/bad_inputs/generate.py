"""The binary and large members of the bad-input corpus, made at test time (never committed).

``python -m tests.bad_inputs.generate OUTDIR`` writes them to a folder to try by hand;
tests call :func:`write_corpus` into a temporary folder.  Every file is small on disk except
``over_limit.csv``, which is sparse (its size is a hole: no disk blocks).
"""

from __future__ import annotations

import gzip
import io
import struct
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook

BILLION_LAUGHS = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b"<!DOCTYPE sst [\n"
    b' <!ENTITY lol "lol">\n'
    + b"".join(
        b' <!ENTITY lol%d "%s">\n' % (level, (b"&lol%d;" % (level - 1) if level > 1 else b"&lol;") * 10)
        for level in range(1, 10)
    )
    + b"]>\n"
    b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    b"<si><t>&lol9;</t></si></sst>"
)
"""The classic entity bomb: 10^9 "lol"s (3 GB) from under 1 KB, if a parser expanded it."""


def plain_workbook() -> bytes:
    """A small valid estimates-style workbook written by openpyxl."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Estimates"
    sheet.append(["metric", "baseline", "post"])
    sheet.append(["prs_per_dev_week", 3.0, 4.0])
    sheet.append(["note", "shared string", "another"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def workbook_with_part(part: str, content: bytes, compress_type: int = zipfile.ZIP_DEFLATED) -> bytes:
    """:func:`plain_workbook` with ``part`` replaced (or added) by ``content``."""
    source = zipfile.ZipFile(io.BytesIO(plain_workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != part:
                out.writestr(info.filename, source.read(info.filename))
        out.writestr(zipfile.ZipInfo(part), content, compress_type=compress_type)
    return buffer.getvalue()


def entity_bomb_workbook() -> bytes:
    """An .xlsx whose shared strings declare the billion-laughs entities."""
    return workbook_with_part("xl/sharedStrings.xml", BILLION_LAUGHS)


def macro_workbook() -> bytes:
    """An .xlsm: a workbook carrying ``xl/vbaProject.bin`` (an OLE header; the code never runs)."""
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 504
        + b'Attribute VB_Name = "Module1"\nSub AutoOpen()\nEnd Sub\n'
    )
    return workbook_with_part("xl/vbaProject.bin", ole)


def ratio_bomb_workbook(megabytes: int = 64) -> bytes:
    """A sheet part of ``megabytes`` MB of one repeated byte: deflate compresses it ~1000-fold."""
    source = zipfile.ZipFile(io.BytesIO(plain_workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                out.writestr(info.filename, source.read(info.filename))
        sheet = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        sheet.compress_type = zipfile.ZIP_DEFLATED
        with out.open(sheet, "w", force_zip64=True) as part:
            block = b" " * (1024 * 1024)
            for _ in range(megabytes):
                part.write(block)
    return buffer.getvalue()


def declared_size_bomb_workbook(declared: int = 10 * 1024**3) -> bytes:
    """A tiny workbook whose zip directory claims a 10 GB part (the size a bomb would unpack to).

    Written small, then the central-directory entry of the sheet is rewritten as a ZIP64 entry
    with ``declared`` bytes uncompressed, as a crafted archive would be.
    """
    source = zipfile.ZipFile(io.BytesIO(plain_workbook()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            out.writestr(info.filename, source.read(info.filename))
    data = bytearray(buffer.getvalue())
    name = b"xl/worksheets/sheet1.xml"
    position = data.index(b"PK\x01\x02")  # the first central-directory entry
    while True:
        position = data.index(b"PK\x01\x02", position)
        name_length, extra_length, comment_length = struct.unpack("<HHH", data[position + 28 : position + 34])
        if data[position + 46 : position + 46 + name_length] == name:
            break
        position += 46 + name_length + extra_length + comment_length
    # Uncompressed size 0xFFFFFFFF means "see the ZIP64 extra field", which we append.
    zip64 = struct.pack("<HHQ", 0x0001, 8, declared)
    data[position + 24 : position + 28] = struct.pack("<I", 0xFFFFFFFF)
    old_extra = extra_length
    data[position + 30 : position + 32] = struct.pack("<H", old_extra + len(zip64))
    insert_at = position + 46 + name_length + old_extra
    data[insert_at:insert_at] = zip64
    # The end-of-central-directory record: its directory size grew by len(zip64).
    end = data.rindex(b"PK\x05\x06")
    size = struct.unpack("<I", data[end + 12 : end + 16])[0]
    data[end + 12 : end + 16] = struct.pack("<I", size + len(zip64))
    return bytes(data)


def gzip_bomb(megabytes: int = 640) -> bytes:
    """``megabytes`` MB of spaces as concatenated gzip members: about 1 KB per MB."""
    member = gzip.compress(b" " * (16 * 1024 * 1024))
    return member * (megabytes // 16)


def password_protected_workbook() -> bytes:
    """What Excel writes for a workbook with a password: an OLE compound file, not a zip."""
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le")


def write_corpus(folder: Path) -> dict[str, Path]:
    """Write the generated corpus into ``folder``; returns name -> path."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "entity_bomb.xlsx": entity_bomb_workbook(),
        "zip_bomb.xlsx": ratio_bomb_workbook(),
        "zip_bomb_declared.xlsx": declared_size_bomb_workbook(),
        "macros.xlsm": macro_workbook(),
        "gzip_bomb.json.gz": gzip_bomb(),
        "password_protected.xlsx": password_protected_workbook(),
    }
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    over = folder / "over_limit.csv"
    with over.open("wb") as handle:
        handle.write(b"number,created_at,merged_at\n")
        handle.truncate(200 * 1024 * 1024 + 1)  # sparse: one byte over the limit, no disk used
    paths["over_limit.csv"] = over
    return paths


if __name__ == "__main__":  # pragma: no cover
    for name, path in write_corpus(
        Path(sys.argv[1] if len(sys.argv) > 1 else "bad_inputs_generated")
    ).items():
        print(f"{name}\t{path.stat().st_size:,} bytes")
