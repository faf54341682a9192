"""Helpers shared by the readers: decoding, JSON records into Arrow, CSV tables, timestamps.

Readers are pure functions ``bytes -> tables``.  Every user-caused problem is an
:class:`~roi.errors.InputFormatError` naming the file, the row (spreadsheet row for CSV: the
header is row 1; record number for JSON, counting from 1) and the column, and saying what was
expected.  Rows a reader leaves out are counted in a :class:`SourceReport`, never dropped silently.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.json as pa_json

from roi import safety
from roi.errors import InputFormatError, NoRecordsError, json_syntax

UTC = "UTC"
_MAX_JSON_BLOCK = 2**31 - 64
"""pyarrow parses one JSON array as one block, and a block is at most 2 GiB."""


@dataclass
class SourceReport:
    """What one file contributed: its format, rows read, rows used, rows skipped by reason."""

    file: str
    format: str
    rows: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    """The notes that may mean the file was misread (an ambiguous date order, two teams' copies of a day):
    the app shows them as warnings, not with the other notes."""
    tables: set[str] = field(default_factory=set)
    """Canonical tables the file provided (a metric is null only when no file provided its table)."""
    columns: dict[str, str] = field(default_factory=dict)
    """The file's own name for a canonical ``table.column`` (``incidents.resolved_at`` → ``time_resolved``),
    so that messages name what the user sees; a column not listed has our name."""

    def skip(self, reason: str, count: int) -> None:
        """Count ``count`` rows left out for ``reason`` (zero counts are not recorded)."""
        if count:
            self.skipped[reason] += int(count)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def caution(self, text: str) -> None:
        """A note the user must check: the numbers may be wrong if the assumption made is."""
        self.note(text)
        if text not in self.cautions:
            self.cautions.append(text)

    def name_columns(self, table: str, names: dict[str, str | None]) -> None:
        """Record the file's name for each canonical column of ``table`` (our name → theirs; None: none)."""
        self.columns.update({f"{table}.{ours}": theirs for ours, theirs in names.items() if theirs})

    def column_name(self, table: str, column: str) -> str:
        """The file's name for canonical ``column`` of ``table``."""
        return self.columns.get(f"{table}.{column}", column)

    @property
    def used_rows(self) -> int:
        return self.rows - sum(self.skipped.values())


# --- Bytes -------------------------------------------------------------------------------


def decompress(data: bytes, name: str = "export") -> bytes:
    """Unpack gzip content (exports are often saved as ``.json.gz``) within the size limit; other bytes pass through."""
    if data[:2] == safety.GZIP_MAGIC:
        return safety.gunzip(name, data)
    return data


def decode_text(data: bytes, name: str, report: SourceReport | None = None) -> str:
    """Text by :func:`roi.safety.decode_text`: UTF-8/16/32 by BOM, else UTF-8, else Windows-1252
    (Excel re-saves) with a note saying so; binary content is refused."""
    decoded = safety.decode_text(name, data)
    if decoded.note and report is not None:
        report.note(decoded.note)
    return decoded.text


# --- JSON --------------------------------------------------------------------------------


def first_json_value(text: str) -> Any:
    """The first complete JSON value of ``text`` (enough to recognise a format)."""
    stripped = text.lstrip()
    try:
        value, _ = json.JSONDecoder().raw_decode(stripped)
        return value
    except (json.JSONDecodeError, RecursionError):
        return None


def first_record(text: str) -> dict[str, Any] | None:
    """The first object of a JSON array (or array of pages), of NDJSON or of a single object, without parsing
    the rest."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        body = stripped[1:].lstrip()
        if body.startswith("{"):
            value = first_json_value(body)
            return value if isinstance(value, dict) else None
        if body.startswith("[") and not body[1:].lstrip().startswith("["):  # `gh api --paginate --slurp`
            return first_record(body)
        return None
    value = first_json_value(stripped)
    return value if isinstance(value, dict) else None


def json_object(value: object) -> dict[str, Any]:
    """``value`` if it is a JSON object, else ``{}`` (a damaged page holds a number or a list where an object
    belongs)."""
    return value if isinstance(value, dict) else {}


def connection_nodes(connection: dict[str, Any]) -> list[object]:
    """The items of a GraphQL connection, given as ``nodes`` or as ``edges[].node`` (a non-object item is kept,
    for the reader to count)."""
    nodes = connection.get("nodes")
    if isinstance(nodes, list):
        return nodes
    edges = connection.get("edges")
    return [json_object(edge).get("node") for edge in edges] if isinstance(edges, list) else []


def _too_deep(name: str) -> InputFormatError:
    return InputFormatError("nests JSON more deeply than any export does (about 1,000 levels or more); export it "
                            "again", file=name)


class _NotFinite(ValueError):
    """A JSON number no export holds: ``1e1000`` (infinity), ``NaN``, ``Infinity``, a 30-digit integer."""


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotFinite(text)
    return value


def _whole_number(text: str) -> int:
    if len(text.lstrip("-")) > 19 or not -2**63 <= int(text) < 2**63:  # beyond 64 bits: no count or id is that big
        raise _NotFinite(text)
    return int(text)


def _no_constant(text: str) -> float:
    raise _NotFinite(text)


def _not_finite(name: str, text: str, error: _NotFinite) -> InputFormatError:
    literal = str(error)
    line = text.count("\n", 0, max(text.find(literal), 0)) + 1
    return InputFormatError(f"holds the number {safety.quote(literal, 30)} (line {line}), out of the range of real "
                            "counts and ids; export the file again", file=name)


def load_json(data: bytes, name: str) -> Any:
    """The whole document decoded, or every value of a stream of JSON values (NDJSON, ``gh --paginate``).

    Numbers that are not finite (``1e1000`` overflows to infinity; ``NaN`` and ``Infinity`` are
    not JSON) are refused: they would pass as counts and poison every sum.
    """
    text = decode_text(data, name)
    decoder = json.JSONDecoder(parse_float=_finite_float, parse_int=_whole_number, parse_constant=_no_constant)
    try:
        value = _load_json_values(text, name, decoder)
    except _NotFinite as error:
        raise _not_finite(name, text, error) from None
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):
        return [item for page in value for item in page]  # pages in one array (`gh api --paginate --slurp`)
    return value


def _load_json_values(text: str, name: str, decoder: json.JSONDecoder) -> Any:
    try:
        return decoder.decode(text)
    except RecursionError:
        raise _too_deep(name) from None
    except json.JSONDecodeError:
        values = []
        position, end = 0, len(text)
        while True:
            while position < end and text[position] in " \t\r\n":
                position += 1
            if position >= end:
                break
            try:
                value, position = decoder.raw_decode(text, position)
            except RecursionError:
                raise _too_deep(name) from None
            except json.JSONDecodeError as error:  # where the stream breaks ("Extra data" from the whole is no help)
                raise _invalid_json(name, text, error) from None
            values.append(value)
        _refuse_api_error_among(values, name)
        if len(values) > 1 and any(isinstance(v, list) for v in values):  # concatenated pages
            return [item for page in values for item in (page if isinstance(page, list) else [page])]
        return values


def _invalid_json(name: str, text: str, error: json.JSONDecodeError) -> InputFormatError:
    """Where the JSON breaks; a file that stops inside a value was cut short (a download stopped)."""
    line, problem = text.count("\n", 0, error.pos) + 1, json_syntax(error.msg)
    if not text[error.pos:].strip() or error.msg.startswith("Unterminated string"):
        return InputFormatError(f"ends before its JSON is complete (line {line}: {problem}): the download or copy "
                                "was cut short; export it again", file=name)
    return InputFormatError(f"is not valid JSON (line {line}: {problem}); export it again or check the file is "
                            "complete", file=name)


def is_api_error(value: object) -> TypeGuard[dict[str, Any]]:
    """An API's error answer saved as data: ``{"message": "Bad credentials", "documentation_url": …}``."""
    return isinstance(value, dict) and isinstance(value.get("message"), str) and bool(
        {"documentation_url", "status", "errors"} & set(value) or len(value) == 1)


def _refuse_api_error_among(values: list[Any], name: str) -> None:
    """An API error answer after the pages (a rate limit hit by `gh api --paginate`) names itself and where the
    download stopped: its pages were dropped and the error taken for the only record."""
    for index, value in enumerate(values):
        if index and is_api_error(value):
            records = sum(len(v) if isinstance(v, list) else 1 for v in values[:index])
            raise InputFormatError(
                f"holds an error response from the API after {records} record(s) ('{safety.quote(value['message'], 120)}'): "
                "the download stopped there; export it again (once a rate limit has reset) and load the "
                "complete file", file=name)


def records_table(data: bytes | list[Any], schema: pa.Schema, name: str) -> pa.Table:
    """JSON records (array, concatenated arrays or NDJSON) as an Arrow table of ``schema``'s fields.

    Bytes take the vectorised path: pyarrow's C++ JSON parser reads only the schema's fields
    (extra fields are ignored), with no Python object per record.  A top-level array is parsed
    as the single field of a wrapper object; NDJSON is read as it is.
    """
    if isinstance(data, list):
        try:
            return pa.Table.from_pylist([r for r in data if isinstance(r, dict)], schema=schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            raise _typed_error(data, schema, name, error) from None
    data = decompress(data)
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    start = len(data) - len(data.lstrip())
    options = pa_json.ParseOptions(explicit_schema=pa.schema([("items", pa.list_(pa.struct(schema)))]),
                                   unexpected_field_behavior="ignore", newlines_in_values=True)
    if data[start:start + 1] == b"[":
        if len(data) > _MAX_JSON_BLOCK:
            raise InputFormatError(
                "is a single JSON array larger than 2 GB; save it as several pages or as NDJSON "
                "(one record per line, e.g. with jq -c '.[]')", file=name)
        wrapped = b'{"items":' + data + b"}"
        try:
            table = pa_json.read_json(pa.BufferReader(wrapped), read_options=pa_json.ReadOptions(
                block_size=len(wrapped) + 1), parse_options=options)
            table.validate(full=True)  # Arrow does not check UTF-8 while parsing: invalid text takes the slow path
        except pa.ArrowInvalid:
            # Concatenated pages (`gh api --paginate`) or a type surprise: the slow, precise path.
            return records_table(_as_list(load_json(data, name)), schema, name)
        items = table.column("items").combine_chunks()
        if len(items) == 0 or items.null_count:
            return pa.table({f.name: pa.array([], f.type) for f in schema})
        return pa.Table.from_struct_array(items.flatten())
    try:
        table = pa_json.read_json(pa.BufferReader(data), parse_options=pa_json.ParseOptions(
            explicit_schema=schema, unexpected_field_behavior="ignore", newlines_in_values=True))
        table.validate(full=True)
        return table
    except pa.ArrowInvalid:
        return records_table(_as_list(load_json(data, name)), schema, name)


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, dict) else []


def _typed_error(records: list[Any], schema: pa.Schema, name: str, error: Exception) -> InputFormatError:
    """Find the record and field whose value does not have the type the format defines."""
    for index, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            continue
        for f in schema:
            value = record.get(f.name)
            try:
                pa.array([value], type=f.type)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                if quoted_number(value) and (pa.types.is_integer(f.type) or pa.types.is_floating(f.type)):
                    return InputFormatError(quoted_number_message(value), file=name, row=index, column=f.name)
                if (flattened := _powershell_text(value)) is not None:
                    return InputFormatError(
                        f"holds PowerShell's text for an object ({safety.quote(flattened, 40)}) where JSON belongs: "
                        "the file was written by ConvertTo-Json with too small a -Depth (2 unless given), which "
                        "turns objects nested deeper into text; write it again with ConvertTo-Json -Depth 10",
                        file=name, row=index, column=f.name)
                return InputFormatError(
                    f"{safety.quote(repr(value), 80)} is not a {_type_name(f.type)}; the field should hold one",
                    file=name, row=index, column=f.name)
    return InputFormatError(f"cannot be read as JSON records ({error})", file=name)


def _powershell_text(value: object, depth: int = 0) -> str | None:
    """The first ``@{…}`` string in ``value`` (PowerShell's text for an object, which ``ConvertTo-Json`` writes for
    an object past its ``-Depth``, 2 by default), or None."""
    if isinstance(value, str):
        return value if value.startswith("@{") else None
    if depth < 20:
        items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        for item in items:
            if (found := _powershell_text(item, depth + 1)) is not None:
                return found
    return None


def quoted_number_message(value: object) -> str:
    """What is wrong with a number written as JSON text (``"376"``), and how to get the file right."""
    return (f"is the text {safety.quote(json.dumps(value), 40)}, not a JSON number: a tool that quotes numbers (a "
            "script, a PowerShell or Excel round trip) rewrote the file; save the API's JSON unchanged")


def quoted_number(value: object) -> bool:
    """A number written as JSON text (``"376"``, ``"1.5"``)."""
    if not isinstance(value, str):
        return False
    try:
        return math.isfinite(float(value.strip()))
    except ValueError:
        return False


def _type_name(kind: pa.DataType) -> str:
    if pa.types.is_integer(kind):
        return "whole number"
    if pa.types.is_floating(kind):
        return "number"
    if pa.types.is_boolean(kind):
        return "true/false value"
    if pa.types.is_struct(kind):
        return "JSON object"
    if pa.types.is_list(kind):
        return "JSON array"
    return "text value"


def column(table: pa.Table, path: str) -> pa.ChunkedArray | pa.Array:
    """A (possibly nested) field such as ``user.login`` of an Arrow table."""
    first, *rest = path.split(".")
    values = table.column(first).combine_chunks()
    for part in rest:
        values = pa.compute.struct_field(values, part)
    return values


def list_text(values: pa.Array, field_name: str | None = None, separator: str = ",") -> pd.Series:
    """A list column (of strings, or of structs with ``field_name``) as one joined string per row."""
    if field_name is not None:
        flat = pa.compute.struct_field(values.flatten(), field_name)
        values = pa.ListArray.from_arrays(values.offsets, flat, mask=values.is_null())
    return pa.compute.fill_null(pa.compute.binary_join(values, separator), "").to_pandas()


# --- CSV ---------------------------------------------------------------------------------


_DELIMITERS = (",", ";", "\t", "|")

_SNIFF_CHARS = 65_536
"""Characters of a file's start the delimiter is told from: a header and some rows, however large the file."""


def _outside_quotes(text: str) -> str:
    """``text`` without its quoted parts, as CSV quotes them (``""`` inside a quoted cell opens nothing): a
    summary ``"EUR, USD, GBP"`` or a Four Keys ``changes`` JSON string in a ``;`` file holds no delimiter.
    Quoted line breaks go too, so each line left is one record."""
    return "".join(text.split('"')[0::2])


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a CSV header line: the most frequent of ``, ; tab |`` outside quotes."""
    outside = _outside_quotes(header_line[:_SNIFF_CHARS])
    counts = {d: outside.count(d) for d in _DELIMITERS}
    return max(counts, key=counts.__getitem__) if max(counts.values()) > 0 else ","


def sniff_lines_delimiter(lines: list[str]) -> str:
    """The delimiter of CSV text's first lines: that of the record richest in one outside quotes (the header,
    not a bare title row such as "Jira-Export" above it, nor a row whose quoted summary is full of commas).
    Only the first :data:`_SNIFF_CHARS` characters are read (a 20 MB description cell is not scanned)."""
    records = _outside_quotes("\n".join(lines)[:_SNIFF_CHARS]).splitlines()
    richest = max(records, key=lambda record: max(record.count(d) for d in _DELIMITERS), default="")
    return sniff_delimiter(richest)


_HEADER_CHARS = 1 << 20
"""Characters of a line tried as a header row [characters]; a Jira export with every custom field has ~30,000."""


def record_cells(record: str, delimiter: str) -> list[str] | None:
    """The cells of one CSV record (its lines, when a quoted cell spans several); None when a cell is longer than
    the :mod:`csv` module reads (131,072 characters), which pandas reads and a header never has."""
    try:
        return next(csv.reader(io.StringIO(record), delimiter=delimiter), [])
    except csv.Error:
        return None


def header_row(lines: list[str], delimiter: str, is_header: Callable[[list[str]], bool]) -> int:
    """Index of the first of ``lines`` that ``is_header`` accepts (title rows above it are skipped)."""
    for index, line in enumerate(lines):
        # A header is a few kB: a line of millions of cells is not parsed into a list (the row's width is
        # refused by read_csv_text).
        cells = record_cells(line[:_HEADER_CHARS], delimiter)
        if cells is not None and is_header([c.strip().strip('"').strip() for c in cells]):
            return index
    return 0


class _LastCsvRead(threading.local):
    """(file name, title rows above its header) of the CSV this thread last read with :func:`read_csv_text`; None
    once :func:`read_file <roi.ingest.read_file>` starts another file.  A thread reads one file at a time."""

    read: tuple[str, int] | None = None


LAST_CSV_READ = _LastCsvRead()


def row_in_sheet(name: str, data: bytes, row: int) -> int:
    """The spreadsheet row of the record a reader numbered ``row`` in CSV file ``name`` (its bytes ``data``), read
    last in this thread: pandas skips blank lines, and the readers count a frame's rows without them (a bad date
    on row 6 below two blank lines was "row 4").  Counted on the error's path only, up to that row; a file
    this thread did not read as CSV last keeps ``row``."""
    read = LAST_CSV_READ.read
    if read is None or read[0] != name:
        return row
    title_rows, counted = read[1], row
    try:
        records = csv.reader(io.StringIO(safety.decode_text(name, data).text))
        for number, record in enumerate(records, start=1):
            if number > row:
                break
            # a blank or spaces-only line below the header: pandas skipped it, the spreadsheet shows its row
            if number > title_rows + 1 and (not record or (len(record) == 1 and not record[0].strip())):
                row += 1
    except (csv.Error, InputFormatError):  # a cell over the csv module's limit: the row as the reader counted it
        return counted
    return row


def read_csv_text(text: str, name: str, delimiter: str | None = None, skip_rows: int = 0) -> pd.DataFrame:
    """All cells as text (empty cells are ''), duplicate headers renamed ``X``, ``X.1`` ...

    Its rows are numbered without the blank lines pandas skips: :func:`row_in_sheet` gives a message the
    spreadsheet's row."""
    lines = text.splitlines()[skip_rows:skip_rows + 1]
    if not lines or not lines[0].strip():
        raise NoRecordsError("is empty: there is no header row", file=name)
    safety.check_rows(name, safety.count_lines(text) - skip_rows - 1)  # before pandas builds the table
    delimiter = delimiter or sniff_delimiter(lines[0])
    safety.check_columns(name, text, delimiter)  # pandas makes a column per cell of the widest row
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                            skiprows=skip_rows, skip_blank_lines=True, engine="c")
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        unclosed = re.search(r"EOF inside string starting at row (\d+)", str(error))
        if unclosed:  # pandas counts from 0 at the header
            raise InputFormatError("ends inside a quoted cell that this row opens: the file may be cut short (a "
                                   "download or copy that stopped); export it again", file=name,
                                   row=int(unclosed.group(1)) + skip_rows + 1) from None
        raise InputFormatError(f"cannot be read as CSV ({error}); check the delimiter and quoting",
                               file=name) from None
    LAST_CSV_READ.read = (name, skip_rows)  # pandas' own row above counts blank lines; the frame's rows do not
    # (a header cell over the csv module's limit is no format's: recognising the file said so before)
    header = [cell.strip() for cell in record_cells(lines[0], delimiter) or []]
    frame.columns = _unique([str(c).strip() for c in frame.columns])
    # Rows of empty cells below the data (",,": Excel keeps formatted rows) are not records.
    # pandas-stubs leave a str scalar out of DataFrame.ne's operands (pandas compares every cell with it).
    filled = np.flatnonzero(frame.ne("").any(axis=1).to_numpy())  # type: ignore[arg-type]
    frame = frame.iloc[: filled[-1] + 1 if len(filled) else 0]
    named = len(header) - next((i for i, cell in enumerate(reversed(header)) if cell), len(header))
    _refuse_cut_short(text, frame, name, delimiter, named, skip_rows + 1 + len(frame))
    refuse_repeated_header(frame, name, skip_rows + 2, header if len(header) == frame.shape[1] else None)
    return frame


_LINE_BREAK = re.compile(r"[\r\n]")
_BACKWARD_STEP = 1 << 16
"""Characters searched for line breaks at a time, from the end back [characters]."""


def _last_record(text: str) -> str:
    """The last record of CSV text (a quoted cell may span lines): it starts after the last line break with an
    even number of quotes before it.  The text is searched back from its end a block at a time, each character
    once (a search of the whole text for each of a 40,000-line cell's lines took 41 s for 20 MB)."""
    total, end = text.count('"'), len(text.rstrip("\r\n"))
    quotes, counted = 0, len(text)  # the quotes of text[counted:]
    while end > 0:
        block = max(0, end - _BACKWARD_STEP)
        for found in reversed(list(_LINE_BREAK.finditer(text, block, end))):
            start = found.end()
            quotes, counted = quotes + text.count('"', start, counted), start
            if (total - quotes) % 2 == 0:
                return text[start:]
        end = block
    return text


def _refuse_cut_short(text: str, frame: pd.DataFrame, name: str, delimiter: str, columns: int, row: int) -> None:
    """Refuse a file whose last row has fewer cells than its header names (``columns``) and no line break after
    it: a download or copy cut short, whose missing cells pandas reads as empty (a Done issue became not done).

    A short row that ends with a line break is left alone (Excel leaves out the trailing empty cells of long
    files' rows), and so is a row of one cell (a footer or note, which the readers skip and count).  ``row``
    is the spreadsheet row of the frame's last row.
    """
    if not len(frame) or not text or text[-1] in "\r\n":
        return
    record = _last_record(text)
    cells = record_cells(record, delimiter)
    # a cell longer than the csv module reads (a 200,000-character description): the delimiters outside quotes
    count = len(cells) if cells is not None else _outside_quotes(record).count(delimiter) + 1
    # The frame's last row must agree (empty where the record stops): else the quotes were not as counted.
    if not 1 < count < columns or frame.iloc[-1, count:].ne("").any():
        return
    raise InputFormatError(f"has {count} of the header's {columns} cells and the file ends in it, without a "
                           "line break: the file may be cut short (a download or copy that stopped), which would "
                           "leave the missing cells empty; export it again", file=name, row=row)


def _folded_cells(values: pd.Series) -> pd.Series:
    """Cells compared as header names: without case, spaces, quotes or a byte-order mark."""
    return values.astype(str).str.replace("\ufeff", "", regex=False).str.strip().str.strip('"').str.strip() \
        .str.casefold()


def refuse_repeated_header(frame: pd.DataFrame, name: str, first_row: int,
                           header: list[str] | None = None) -> None:
    """Refuse a data row that repeats the header row (``header``, else the frame's column names).

    Exports joined as ``cat a.csv b.csv`` keep the second file's header among the data, where it
    would be reported as a bad date or number.  ``first_row`` is the spreadsheet row of the first
    data row.
    """
    if frame.empty:
        return
    header = list(frame.columns) if header is None else header
    first = str(header[0]).strip()
    # Candidates by an exact look-up first (hashing is cheap, folding a million cells is not).
    variants = [first, f" {first}", f"{first} ", f"\ufeff{first}"]
    near = np.flatnonzero(frame.iloc[:, 0].isin(variants).to_numpy())
    if not len(near):  # the usual case
        return
    rows = frame.iloc[near]
    repeats = np.ones(len(rows), bool)
    for position, cell in enumerate(header):
        repeats &= _folded_cells(rows.iloc[:, position]).eq(str(cell).strip().casefold()).to_numpy()
    if repeats.any():
        row = int(near[np.flatnonzero(repeats)[0]]) + first_row
        raise InputFormatError("repeats the header row; remove it (the files were probably joined, each with "
                               "its header)", file=name, row=row)


def _unique(names: list[str]) -> list[str]:
    """Names made unique as pandas does (``X``, ``X.1``): stripping can make two headers equal again.  A suffix
    is never another column's name (``a``, ``a ``, ``a.1`` became ``a``, ``a.1``, ``a.1``)."""
    later = Counter(names)  # the names of the columns still to come
    taken: set[str] = set()
    copies: Counter[str] = Counter()  # the last suffix tried for each name: 16,384 copies searched from .1 took 35 s
    out = []
    for name in names:
        later[name] -= 1
        unique = name
        while unique in taken or (unique != name and later[unique] > 0):
            copies[name] += 1
            unique = f"{name}.{copies[name]}"
        taken.add(unique)
        out.append(unique)
    return out


def find_column(columns: Iterable[str], *aliases: str) -> str | None:
    """The first column whose name matches one of ``aliases`` (case and spacing ignored)."""
    wanted = [a.casefold() for a in aliases]
    normal = {str(c).strip().casefold(): c for c in columns}
    for alias in wanted:
        if alias in normal:
            return normal[alias]
    return None


def require_columns(frame: pd.DataFrame, name: str, fmt: str, columns: Mapping[str, tuple[str, ...]]
                    ) -> dict[str, str]:
    """Our name -> the file's column for every required column; a missing one is an error naming it."""
    found = {}
    for ours, aliases in columns.items():
        theirs = find_column(frame.columns, *aliases)
        if theirs is None:
            raise InputFormatError(
                f"looks like {fmt} but has no '{aliases[0]}' column; export it with that column "
                f"(columns found: {', '.join(map(str, frame.columns[:12]))}{'…' if len(frame.columns) > 12 else ''})",
                file=name, column=aliases[0])
        found[ours] = theirs
    return found


# --- Values ------------------------------------------------------------------------------

EARLIEST_DATE = pd.Timestamp("2000-01-01", tz=UTC)
LATEST_DATE = pd.Timestamp("2200-01-01", tz=UTC)
"""Dates outside these are typos ("0025" for "2025") or placeholders: no export this tool reads holds one."""


GO_ZERO_TIME = "0001-01-01"
"""The date of Go's zero time (``0001-01-01T00:00:00Z``), which tools written in Go (gh among them) can write for
a time that was never set, such as an open PR's close time: read as empty, not refused as "a mistyped year"."""


def implausible_date(value: Any, name: str, row: int, column_name: str) -> InputFormatError:
    """The error for a date outside EARLIEST_DATE..LATEST_DATE, naming its row and column."""
    return InputFormatError(f"'{safety.quote(value)}' is not a plausible date (exports hold dates from 2000 to "
                            "2200: a mistyped year?)", file=name, row=row, column=column_name)


def absent_throughout(name: str, column_name: str, rows: int, *, in_header: bool = False) -> InputFormatError:
    """The error for a required date no row has: the field was renamed or left out of the whole export (or, for
    a column the header names, ``in_header``, the column is empty), which naming row 1 as empty would hide."""
    where = "its only row" if rows == 1 else f"all {rows} rows"
    if in_header:
        return InputFormatError(f"is empty in {where}, yet every row needs this date: export the file again with the "
                                "column filled in", file=name, column=column_name)
    return InputFormatError(f"the file has no '{column_name}' at all (missing or empty in {where}), yet every row "
                            "needs this date: export the file again with that field, under that name",
                            file=name, column=column_name)


def _not_a_date(value: Any, name: str, row: int, column_name: str) -> InputFormatError:
    return InputFormatError(f"{safety.quote(repr(value))} is not a date-time; expected text such as "
                            "2025-03-12T15:04:00Z", file=name, row=row, column=column_name)


def timestamps(values: pd.Series | pa.Array | pa.ChunkedArray, name: str, column_name: str,
               report: SourceReport | None = None, *, timezone: str = UTC, row_offset: int = 1,
               required: bool = False, in_header: bool = False) -> pd.Series:
    """ISO-8601-like text as UTC timestamps (``datetime64[ns, UTC]``); empty or null stays NaT.

    Offsets (``Z``, ``-06:00``, `` UTC``) are honoured.  Values without one are read in
    ``timezone`` and the assumption is written to ``report``.  An unparsable value is an error
    naming its row (``row_offset`` is the row number of the first value).  ``required``: an empty value is an
    error too, and no value at all is said to be (:func:`absent_throughout`; ``in_header``: the values are a
    CSV column the header names).  Vectorised (Arrow compute and pandas' C parser): no Python code per value.
    """
    index = values.index if isinstance(values, pd.Series) else None
    if isinstance(values, pd.Series):
        objects = values.astype("object").where(values.notna(), None)
        try:
            values = pa.array(objects, type=pa.string(), from_pandas=True)
        except (pa.ArrowTypeError, pa.ArrowInvalid):  # a list, object or number where a date belongs
            position = next(i for i, v in enumerate(objects) if v is not None and not isinstance(v, str))
            raise _not_a_date(objects.iloc[position], name, position + row_offset, column_name) from None
    elif isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if pa.types.is_timestamp(values.type) and values.type.tz is not None:  # parsed by the CSV reader, offsets honoured
        return _checked_times(values.cast(pa.timestamp("us", tz=UTC)), values, name, column_name, row_offset, required,
                              in_header)
    if not pa.types.is_string(values.type) and not pa.types.is_large_string(values.type):
        try:
            values = values.cast(pa.string())
        except (pa.ArrowNotImplementedError, pa.ArrowInvalid, pa.ArrowTypeError):
            position = pa.compute.index(pa.compute.is_valid(values), True).as_py()
            raise _not_a_date(values[position].as_py(), name, position + row_offset, column_name) from None
    unset = pa.compute.starts_with(values, GO_ZERO_TIME)
    if pa.compute.any(unset).as_py():  # Go's zero time: a date never set, as null is
        values = pa.compute.if_else(unset, pa.scalar(None, values.type), values)
    try:  # fast path: every value has an offset (GitHub, GitLab, DevLake); Arrow parses in C++
        # Microseconds first: Arrow's string cast to nanoseconds wraps silently outside 1677-2262.
        parsed = pa.compute.cast(values, pa.timestamp("us", tz=UTC))
        if not required or not parsed.null_count:
            checked = _checked_times(parsed, values, name, column_name, row_offset, required, in_header)
            if index is not None:
                checked.index = index
            return checked
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    text = pa.compute.utf8_trim_whitespace(values)
    present = pa.compute.fill_null(pa.compute.not_equal(text, ""), False).to_numpy(zero_copy_only=False)
    out = np.full(len(text), np.datetime64("NaT"), dtype="datetime64[ns]")
    if required and len(text) and not present.any():
        raise absent_throughout(name, column_name, len(text), in_header=in_header)
    if required and not present.all():
        raise InputFormatError("is empty; every row needs this date", file=name,
                               row=int(np.flatnonzero(~present)[0]) + row_offset, column=column_name)
    if present.any():
        where = np.flatnonzero(present)
        clean = pa.compute.replace_substring_regex(text.take(pa.array(where)), r"\s*(UTC|GMT)$", "Z")
        zoned = pa.compute.match_substring_regex(clean, r"(Z|[+-]\d\d:?\d\d)$").to_numpy(zero_copy_only=False)
        strings = pd.Series(clean.to_pandas(), dtype="object")
        parsed = pd.to_datetime(strings, utc=True, format="ISO8601", errors="coerce")
        if not zoned.all():
            naive = ~zoned
            try:
                local = pd.to_datetime(strings[naive], format="ISO8601", errors="coerce")
            except ValueError:  # an offset the pattern above does not know ("12+0:00"): those values are errors
                each = [pd.to_datetime(v, format="ISO8601", errors="coerce") for v in strings[naive]]
                local = pd.Series([t if t is not pd.NaT and t.tzinfo is None and 2000 <= t.year < 2200 else pd.NaT
                                   for t in each],
                                  index=strings[naive].index, dtype="datetime64[ns]")
            if getattr(local.dt, "tz", None) is None:
                parsed[naive] = localize(local, timezone)
            if report is not None:
                report.note(f"'{column_name}' has times without a time zone: read as {timezone}")
        odd = (parsed.notna() & ((parsed < EARLIEST_DATE) | (parsed >= LATEST_DATE))).to_numpy()
        if odd.any():
            first = int(np.flatnonzero(odd)[0])
            raise implausible_date(text[int(where[first])].as_py(), name, int(where[first]) + row_offset, column_name)
        bad = parsed.isna().to_numpy()
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            written = values[int(where[first])].as_py()  # as the file has it: not trimmed, not " UTC" → "Z"
            excel = (" (a date as Excel writes it: the file was opened and saved in Excel, which rewrites dates; "
                     "export it again and load it without saving it in Excel)"
                     if re.match(r"\s*\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b", str(written)) else "")
            raise InputFormatError(
                f"'{safety.quote(written)}' is not a date-time; expected ISO 8601 such as 2025-03-12T15:04:00Z{excel}",
                file=name, row=int(where[first]) + row_offset, column=column_name)
        out[where] = parsed.dt.tz_convert(UTC).dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    return pd.Series(out, index=index).dt.tz_localize(UTC)


def _checked_times(parsed: pa.Array, values: pa.Array, name: str, column_name: str, row_offset: int,
                   required: bool, in_header: bool) -> pd.Series:
    """Microsecond UTC times as ``datetime64[ns, UTC]``; a date outside 2000–2200, or an empty
    required one, is an error naming its row (``values`` is what the file holds, for the message)."""
    odd = pa.compute.or_(pa.compute.less(parsed, EARLIEST_DATE), pa.compute.greater_equal(parsed, LATEST_DATE))
    if pa.compute.any(odd).as_py():
        position = pa.compute.index(pa.compute.fill_null(odd, False), True).as_py()
        shown = values[position].as_py()
        raise implausible_date(shown if isinstance(shown, str) else shown.isoformat(), name,
                               position + row_offset, column_name)
    if required and len(parsed) and parsed.null_count == len(parsed):
        raise absent_throughout(name, column_name, len(parsed), in_header=in_header)
    if required and parsed.null_count:
        position = pa.compute.index(pa.compute.is_null(parsed), True).as_py()
        raise InputFormatError("is empty; every row needs this date", file=name, row=position + row_offset,
                               column=column_name)
    # Microseconds first: Arrow's cast to nanoseconds would wrap silently outside 1677-2262.
    return parsed.cast(pa.timestamp("ns", tz=UTC)).to_pandas()


def localize(naive: pd.Series, timezone: str) -> pd.Series:
    """Naive local times as UTC.

    A time repeated when DST ends is read as standard time; a time skipped when DST starts
    (02:30 on the spring-forward night) is read one hour later, as a clock that was not moved
    forward would have shown it.
    """
    if timezone == UTC:
        return naive.dt.tz_localize(UTC)
    ambiguous = np.zeros(len(naive), dtype=bool)
    return naive.dt.tz_localize(timezone, ambiguous=ambiguous, nonexistent=pd.Timedelta(hours=1)).dt.tz_convert(UTC)


def numbers(values: pd.Series, name: str, column_name: str, *, row_offset: int = 2, whole: bool = False) -> pd.Series:
    """Text cells as floats ('' → NaN); decimal commas (``3,0``) are accepted.

    ``1,200`` is refused: a thousands separator to an English Excel, a decimal comma to a German one.
    ``whole``: the column counts things (lines), so a value with a fraction is refused, and so is
    ``2.220``, which a German Excel writes for 2220 and a decimal point reads as 2.22.
    """
    text = values.astype(str).str.strip()
    text = text.where(text != "", None)
    ambiguous = text.str.fullmatch(r"-?[1-9]\d{0,2}([.,]\d{3})+" if whole else r"-?[1-9]\d{0,2},\d{3}", na=False)
    if ambiguous.any():
        position = int(np.flatnonzero(ambiguous.to_numpy())[0])
        value = text.iloc[position]
        plain = value.replace(",", "").replace(".", "")
        how = (f"write {plain} without a thousands separator (the column holds whole numbers)" if whole else
               f"write {plain} without a thousands separator, or {value.replace(',', '.')} with a decimal point")
        raise InputFormatError(f"'{value}' is ambiguous: {how}", file=name, row=position + row_offset,
                               column=column_name)
    comma = text.str.fullmatch(r"-?\d+,\d+", na=False)
    text = text.where(~comma, text.str.replace(",", ".", regex=False))
    parsed = pd.to_numeric(text, errors="coerce")
    bad = (parsed.isna() & text.notna()) | np.isinf(parsed)  # "1e310" and "inf" parse to infinity
    if bad.any():
        position = int(np.flatnonzero(bad.to_numpy())[0])
        shown = str(text.iloc[position])
        percent = pd.to_numeric(shown.removesuffix("%").strip().replace(",", "."), errors="coerce")
        hint = f"; write {percent / 100:g} for {percent:g}%" if shown.endswith("%") and np.isfinite(percent) else ""
        raise InputFormatError(f"'{safety.quote(values.iloc[position])}' is not a number{hint}", file=name,
                               row=position + row_offset, column=column_name)
    if whole and (fraction := (parsed % 1).fillna(0).ne(0)).any():
        position = int(np.flatnonzero(fraction.to_numpy())[0])
        raise InputFormatError(f"'{safety.quote(values.iloc[position])}' is not a whole number; the column counts "
                               "things (lines): export it again without decimals", file=name,
                               row=position + row_offset, column=column_name)
    return parsed.astype(float)


def source_column(name: str, rows: int) -> pd.Categorical:
    """A table's ``source`` column: the file's name stored once, not once per row (3M reviews)."""
    # pandas-stubs want an Index of categories; pandas takes any list-like.
    return pd.Categorical.from_codes(np.zeros(rows, np.int8), categories=[name])  # type: ignore[call-overload]


def without_epics(items: pd.DataFrame, report: SourceReport) -> pd.DataFrame:
    """Work items less their epics, skipped and counted: an epic groups other issues and is no work of its
    own, so it neither counts as a task nor stretches the periods or the weeks an export covers."""
    epics = items["kind"].eq("epic").to_numpy()
    report.skip("epic (it groups other issues: no completed work of its own)", int(epics.sum()))
    return items[~epics]


def work_item_tables(name: str, items: pd.DataFrame, report: SourceReport) -> dict[str, pd.DataFrame]:
    """A reader's ``work_items`` and, from the items of kind incident, the ``incidents`` they also are.

    A file of incidents only (a search filtered to them) gives incidents and no work items: they are no
    sample of the team's work, and would otherwise be its tasks per developer-week. Epics are skipped
    (:func:`without_epics`).
    """
    items = without_epics(items, report)
    incidents = items[items["kind"].eq("incident")]
    out = {}
    if len(items) and len(incidents) == len(items):
        report.note("every item is an incident: read as incidents only, not as completed work (export every "
                    "issue type for tasks and bugs)")
    else:
        report.tables.add("work_items")
        out["work_items"] = items
    report.name_columns("incidents", {ours: report.columns.get(f"work_items.{theirs}") for ours, theirs in
                                      (("incident_id", "key"), ("created_at", "created_at"),
                                       ("resolved_at", "resolved_at"))})
    if len(incidents):
        out["incidents"] = pd.DataFrame({"source": name, "incident_id": incidents["key"],
                                         "created_at": incidents["created_at"],
                                         "resolved_at": incidents["resolved_at"]})
        report.tables.add("incidents")
    return out


def empty_frame(columns: dict[str, str]) -> pd.DataFrame:
    """An empty canonical table with typed columns."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})


def conform(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    """``frame`` with exactly the canonical ``columns`` (missing ones added as nulls)."""
    out = {}
    for name, kind in columns.items():
        if name in frame:
            out[name] = frame[name]
        else:
            out[name] = pd.Series(pd.NaT if kind.startswith("datetime") else None, index=frame.index, dtype=kind)
    return pd.DataFrame(out, index=frame.index).reset_index(drop=True)


AUTHORLESS_SHARE = 0.1
"""Above this share of records without an author (but not all of them), the file gets a caution.  A deleted
account has no author (GitHub's GraphQL and gh say null; GitHub shows it as "ghost"): a few in an old repository
are normal and stay silent; a tenth of the PRs or more is one "ghost" developer big enough to move the
per-developer rates."""


def check_authors(login: pd.Series, name: str, report: SourceReport, *, field: str, what: str,
                  export_with: str) -> None:
    """Refuse a file none of whose ``what`` records (``"PR"``, ``"review"``) has an author ``field``; caution when
    more than :data:`AUTHORLESS_SHARE` of them have none.

    Records without an author are counted as one person, "ghost" (right for a deleted account).  When no record
    has one the field was left out of the export (``gh pr list --json`` without ``author``, a slimmed REST file):
    every PR would be one developer's, and bots' and AI agents' PRs (or reviews) a person's, so the numbers would
    be silently wrong and re-exporting with the field, as ``export_with`` says, is the fix.
    """
    rows = len(login)
    missing = int(login.isna().sum())
    if not rows or not missing:
        return
    reviews = what == "review"
    kind = "reviewer" if reviews else "developer"
    also = "the PR authors' replies on their own PRs and bots' reviews" if reviews else f"bots' and AI agents' {what}s"
    if missing == rows:
        every = f"its only {what}" if rows == 1 else f"any of its {rows} {what}s"
        raise InputFormatError(
            f"has no '{field}' (the {what}'s author) in {every}: all would count as one {kind}'s ('ghost'), "
            f"{also} included; export again with it: {export_with}", file=name, column=field)
    if missing > AUTHORLESS_SHARE * rows:
        report.caution(
            f"{missing} of {rows} {what}s have no '{field}' (deleted accounts, or the field left out of some "
            f"records): they count as one {kind}, 'ghost', and {also} among them cannot be told apart, so "
            f"per-{kind} numbers are less certain; if the export left it out: {export_with}")
