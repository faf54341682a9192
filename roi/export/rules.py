"""What each Assumptions cell may hold, read from the scenario model's own bounds.

``roi.models`` already says what a valid scenario is (``developers`` a whole number > 0,
shares in [0, 1], hours > 0 …).  :func:`rule_for` turns a field's pydantic bounds into a
:class:`Rule` that the workbook uses twice: as Excel data validation on the input cell (with an
input message and an error message saying what is allowed), and as a live check formula that
catches what validation cannot stop (pasted values, blanks, text), so the Summary says
"Check the assumptions: … must be …" instead of showing #DIV/0! or a verdict built on a blank.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from roi.models import Scenario

_TINY = 1e-6
"""A lower bound ``ge`` this small (the model's ``Positive`` uses 1e-9) means "above 0"."""

FRACTION_HINT = "as a fraction, 0.25 = 25%"
"""The input message of every percentage input: the cell holds a fraction."""


@dataclass(frozen=True)
class Rule:
    """Allowed values of one input: a whole number or any number within bounds, maybe blank."""

    whole: bool = False
    low: float | None = None
    low_open: bool = False
    """The value must be above ``low`` rather than at least ``low``."""
    high: float | None = None
    blank_ok: bool = False
    fraction: bool = False
    """Shown as a percentage: typed as a fraction (0.25 = 25%)."""
    at_most: str | None = None
    """Defined name of another input this one may not exceed (or a formula over such names)."""
    at_most_words: str | None = None
    """What ``at_most`` is, in words, when it is a formula rather than one input's name."""

    def words(self) -> str:
        """What is allowed, e.g. "a whole number from 1 to 1,000,000" or "a number above 0"."""
        fraction = self.fraction and self.high is not None and self.high <= 1
        kind = "a whole number" if self.whole else ("a fraction" if fraction else "a number")
        if self.low is not None and self.high is not None and not self.low_open:
            bounds = f" from {_number(self.low)} to {_number(self.high)}"
        elif self.low is not None and self.high is None and not self.low_open:
            bounds = f" of {_number(self.low)} or more"
        else:
            parts = []
            if self.low is not None:
                parts.append(f"above {_number(self.low)}")
            if self.high is not None:
                parts.append(f"at most {_number(self.high)}")
            bounds = " " + " and ".join(parts) if parts else ""
        if self.at_most:
            bounds += f" and at most {self.at_most_words or self.at_most}"
        text = kind + bounds
        if self.fraction:
            text += " (0.25 = 25%)"
        return text + (", or blank" if self.blank_ok else "")

    def conditions(self, ref: str) -> list[str]:
        """Spreadsheet conditions on a number in ``ref``."""
        found = [f"{ref}=INT({ref})"] if self.whole else []
        if self.low is not None:
            found.append(f"{ref}{'>' if self.low_open else '>='}{self.low!r}")
        if self.high is not None:
            found.append(f"{ref}<={self.high!r}")
        if self.at_most:
            found.append(f"{ref}<={self.at_most}")
        return found

    def valid(self, ref: str) -> str:
        """A spreadsheet condition that is TRUE when ``ref`` holds an allowed value (never an error)."""
        conditions = self.conditions(ref)
        if not conditions:
            number = f"ISNUMBER({ref})"
        else:
            joined = conditions[0] if len(conditions) == 1 else f"AND({','.join(conditions)})"
            number = f"IF(ISNUMBER({ref}),{joined},FALSE)"
        return f"OR(ISBLANK({ref}),{number})" if self.blank_ok else number

    def check(self, ref: str, name: str) -> str:
        """Formula text: empty when ``ref`` is allowed, else "<name> must be …"."""
        message = '"' + f"{name} must be {self.words()}".replace('"', '""') + '"'
        return f'IFERROR(IF({self.valid(ref)},"",{message}),{message})'


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def _bounds(items: list[Any]) -> dict[str, float]:
    found: dict[str, float] = {}
    for item in items:
        for key in ("gt", "ge", "lt", "le"):
            if getattr(item, key, None) is not None:
                found[key] = float(getattr(item, key))
    return found


def _unwrap(annotation: Any) -> tuple[Any, list[Any], bool]:
    """(the plain type, bounds in Annotated metadata, whether None is allowed) of a field's annotation."""
    optional = False
    metadata: list[Any] = []
    while True:
        origin = get_origin(annotation)
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            optional = optional or len(args) < len(get_args(annotation))
            annotation = args[0]
        elif origin is Annotated:
            annotation, *extra = get_args(annotation)
            for item in extra:
                metadata += item.metadata if isinstance(item, FieldInfo) else [item]
        else:
            return annotation, metadata, optional


def rule_for(path: str, *, fraction: bool = False, at_most: str | None = None,
             at_most_words: str | None = None) -> Rule:
    """The rule of the scenario field at a dotted ``path`` (``team.developers``,
    ``costs.tools.0.seat_coverage``, ``finance.adoption_by_year.1``) from its pydantic bounds."""
    model: type[BaseModel] = Scenario
    parts = path.split(".")
    info: FieldInfo | None = None
    annotation: Any = None
    metadata: list[Any] = []
    optional = False
    for index, part in enumerate(parts):
        if part.isdigit():  # an item of a list field: its own type and bounds
            (annotation,) = get_args(annotation)
            annotation, metadata, optional = _unwrap(annotation)
            continue
        info = model.model_fields[part]
        annotation, metadata, optional = _unwrap(info.annotation)
        metadata = [*info.metadata, *metadata]
        if get_origin(annotation) is list and index + 1 < len(parts):
            (item,) = get_args(annotation)
            item, _, _ = _unwrap(item)
            if isinstance(item, type) and issubclass(item, BaseModel):
                model = item
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model = annotation
    bounds = _bounds(metadata)
    whole = annotation is int
    low, low_open = None, False
    if "gt" in bounds:
        low, low_open = (bounds["gt"] + 1, False) if whole else (bounds["gt"], True)
    elif "ge" in bounds:
        low = bounds["ge"]
        if 0 < low < _TINY:
            low, low_open = 0.0, True
    high = bounds.get("le", bounds.get("lt"))
    return Rule(whole, low, low_open, high, optional, fraction, at_most, at_most_words)
