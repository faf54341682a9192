"""The one exception family of the project.

Every error a user can cause (a bad scenario file, an export in an unknown format, a
date outside the data) is a :class:`RoiError` whose message says *where* the problem is
(file, row, column or field) and *how to fix it*.  The command line prints it as one
``error:`` line; the app shows it with ``st.error``.  Anything else escaping the engine is
a bug.
"""

from __future__ import annotations


class RoiError(Exception):
    """Base class: a problem with the user's input, with an actionable message."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        field: str | None = None,
        row_label: str = "row",
    ) -> None:
        self.message = message
        self.file = file
        self.row = row
        self.row_label = row_label
        """How the message names ``row``: ``record`` for a JSON file's records (counting from 1), which are no rows;
        :func:`roi.ingest.read_file` sets it from the file's format, so a reader need not."""
        self.column = column
        self.field = field
        super().__init__(self.describe())

    def __str__(self) -> str:
        # The location as it is now: a caller may learn the file's name or format after the raise.
        return self.describe()

    def describe(self, *, field: bool = True) -> str:
        """The message prefixed with the location, e.g. ``pulls.json, row 3, column 'merged_at': …``.

        ``field=False`` leaves out the scenario field's name (``field 'adoption_date'``): the app
        shows the message beside the box that sets it, where the name would only be jargon.
        """
        where = []
        if self.file:
            where.append(self.file)
        if self.row is not None:
            where.append(f"{self.row_label} {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        if self.field and field:
            where.append(f"field '{self.field}'")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class ScenarioError(RoiError):
    """The scenario file is invalid (a field out of range, an unknown key, bad JSON)."""


class SchemaVersionError(ScenarioError):
    """The scenario file was written by a newer version of the tool."""


class InputFormatError(RoiError):
    """An export file cannot be read: unknown format, missing column, unparsable value."""


class NoRecordsError(InputFormatError):
    """An export holds nothing: an empty file, or an empty page of a paginated download.

    Beside other exports it is skipped and said (``roi.ingest.read_exports``); alone it is refused."""


class DataError(RoiError):
    """The data read fine but cannot answer the question (no merged PRs, date outside the data)."""


def json_syntax(message: str) -> str:
    """Python's JSON error (``JSONDecodeError.msg``) in words that stand alone: its messages that end in
    "at" expect the position after them ("Unterminated string starting at" read as cut off in a sentence)."""
    readable = {
        "Unterminated string starting at": "a text value that never ends (a closing quote missing, or the file "
                                           "cut short)",
        "Invalid control character at": "a line break or tab inside a text value (write it as \\n or \\t)",
        "Expecting value": "a value missing (or a trailing comma, or a word JSON does not know)",
        "Expecting property name enclosed in double quotes": "a key that is not in double quotes (or a trailing "
                                                              "comma)",
        "Extra data": "more data after the end of the JSON",
    }
    if message in readable:
        return readable[message]
    return message.removesuffix(" starting at").removesuffix(" at")
