"""The other downloads (metrics and comparisons as CSV, the scenario as JSON) and writing any of them safely."""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from roi import comparison
from roi.errors import RoiError
from roi.export.report_sheets import metric_label, plain
from roi.export.safety import csv_safe_text
from roi.models import Results, Scenario, scenario_to_json

_NEW_FILE_MODE = 0o644

CHANGE_FIELDS = ("change", "ci_low", "ci_high", "p_value", "effect_size", "n_baseline", "n_post", "note")
METRICS_CSV_COLUMNS = ("metric", "label", "baseline", "post", *CHANGE_FIELDS)


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value)  # every digit: the CSV is for further analysis
    return csv_safe_text(value)


def metrics_csv(metrics: Any) -> bytes:
    """The measured metrics (CONTRACT "Metrics JSON", as a mapping or model) as UTF-8 CSV.

    One row per metric: baseline and post values, the relative change with its 95% interval,
    p-value, effect size and sample sizes (empty where not applicable).  Text that could run as a
    formula is prefixed with "'".
    """
    data = plain(metrics)
    baseline, post = data.get("baseline") or {}, data.get("post") or {}
    changes = data.get("changes") or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(METRICS_CSV_COLUMNS)
    for key in dict.fromkeys([*baseline, *post, *changes]):
        change = changes.get(key) or {}
        writer.writerow(
            [
                csv_safe_text(key),
                csv_safe_text(metric_label(key)[0]),
                _csv_value(baseline.get(key)),
                _csv_value(post.get(key)),
                *(_csv_value(change.get(part)) for part in CHANGE_FIELDS),
            ]
        )
    return buffer.getvalue().encode("utf-8")


def scenario_json(scenario: Scenario) -> bytes:
    """The scenario file as UTF-8 JSON bytes (``roi.models.scenario_to_json``)."""
    return scenario_to_json(scenario).encode("utf-8")


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file renamed into place: never half-written.

    A symlink is written through (its target is replaced, the link stays); a path that is a folder,
    a device or a pipe is refused, never replaced (``--out /dev/stdout`` run as root would otherwise
    replace the link in /dev).

    Raises:
        RoiError: the folder does not exist or cannot be written, or ``path`` is not a regular file
            (the message names the path).
    """
    path = Path(path)
    if path.exists() and not path.is_file():
        raise RoiError(
            "is a folder, a device or a pipe, not a file; give the name of a file to write, such as "
            "report.xlsx",
            file=str(path),
        )
    path = Path(os.path.realpath(path))
    try:
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise RoiError(
            f"cannot write here ({error.strerror}); choose an existing, writable folder", file=str(path)
        ) from None
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        # mkstemp makes the file private; give it the mode a plain write would (or the old file's).
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else _NEW_FILE_MODE)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise RoiError(f"cannot be written ({error.strerror})", file=str(path)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def comparison_csv(pairs: Sequence[tuple[Scenario, Results]]) -> bytes:
    """Scenarios side by side (``roi.comparison.values``) as UTF-8 CSV.

    One row per figure: its key, label and unit, then one column per scenario with every digit
    (fractions as fractions, money in the scenario's currency, empty where not applicable).
    """
    frame = comparison.values(pairs)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["figure", "label", "unit", *(csv_safe_text(name) for name in frame.columns[1:])])
    for figure in comparison.FIGURES:
        row = frame.loc[figure.key]
        writer.writerow([figure.key, figure.label, row["unit"], *(_csv_value(v) for v in row.iloc[1:])])
    return buffer.getvalue().encode("utf-8")
