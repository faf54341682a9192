"""The command line: ``python -m roi compute|metrics|scenario|export|template|compare``.

Exit status 0 on success; on bad input exit status 2 and one ``error:`` line on stderr that
names the file (and row/column or field) and how to fix it.  A result that is written but may mislead
adds ``warning:`` lines on stderr, exit status 0.  Never a traceback for a user's
mistake, never a half-written output file.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from roi.errors import RoiError
from roi.safety import one_line

if TYPE_CHECKING:  # annotations only: each command imports what it uses when it runs
    from datetime import date

    from roi.metrics import Metrics
    from roi.models import Scenario

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def _print(text: str) -> None:
    """Write the output; a full disk or a closed pipe is one error line, not a traceback."""
    if sys.stdout is None:  # started with standard output closed (`>&-`): Python gives no stream at all
        raise RoiError("is closed; send the output to a file or a pipe", file="standard output")
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as error:
        try:  # what could not be written would fail again when Python flushes at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        raise RoiError(f"cannot be written ({error.strerror or error}); check the disk or the program "
                       "reading it", file="standard output") from None


_SAID: list[str] = []
"""The ``warning:`` and ``note:`` lines of the command running, said on stderr once it succeeds: a failed run
says one ``error:`` line (CONTRACT), which a script reads as the first line of stderr."""


def _warn(text: str) -> None:
    """A line on stderr for a result that is written but may mislead (exit status stays 0)."""
    _SAID.append(f"warning: {one_line(text)}")


def _note(text: str) -> None:
    _SAID.append(f"note: {one_line(text)}")


def _opened(path: str) -> Scenario:
    """The scenario file at ``path``, with a warning for each line its notes gained as it was opened (an
    uncertainty range no draw used, dropped): the results JSON has no notes, so a script never saw it.

    A workbook the app exported (``.xlsx``) gives its scenario with the edits made in it
    (:mod:`roi.workbook_edits`): the edits are listed on stderr, what it could not take is a warning."""
    from pathlib import Path

    from roi.models import load_scenario, notes_added

    if Path(path).suffix.lower() == ".xlsx":
        from roi.safety import read_file
        from roi.workbook_edits import edits_summary, read_edited_workbook

        edited = read_edited_workbook(read_file(path), path)
        _note(edits_summary(edited, limit=len(edited.edits)))
        for note in edited.notes:
            _warn(note)
        return edited.scenario
    scenario = load_scenario(path)
    try:
        added = notes_added(scenario, Path(path).read_bytes())
    except OSError:  # read a moment ago; a file gone since keeps its warnings
        added = []
    for line in added:
        _warn(line)
    _warn_defaults(scenario)
    return scenario


def _warn_defaults(scenario: Scenario) -> None:
    from roi.defaulted import currency_default_warning, no_costs_warning

    for warning in (currency_default_warning(scenario), no_costs_warning(scenario)):
        if warning:
            _warn(f"{scenario.name}: {warning}")


def _compute(args: argparse.Namespace) -> int:
    from roi.rollout import planned_results

    results = planned_results(_opened(args.scenario))  # the checklist as the app and workbook schedule it
    _print(results.model_dump_json(indent=2) + "\n")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from roi.engine import compute
    from roi.export import build_workbook, write_atomic

    if Path(args.out).suffix.lower() != ".xlsx":
        raise RoiError("the workbook must be an .xlsx file; give --out REPORT.xlsx", file=args.out)
    scenario = _opened(args.scenario)
    write_atomic(args.out, build_workbook(scenario, compute(scenario)))
    return EXIT_OK


_ISO_DAY = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
"""A date as CONTRACT.md writes it: YYYY-MM-DD, nothing else."""


def _adoption_date(text: str) -> date:
    """A ``YYYY-MM-DD`` day.  ``date.fromisoformat`` alone also takes 20250303 and 2025-W10-1 (Python 3.11+),
    which the contract does not promise and a script would not expect to work elsewhere."""
    import re
    from datetime import date

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; give YYYY-MM-DD") from None
    if not re.fullmatch(_ISO_DAY, text):
        raise argparse.ArgumentTypeError(f"'{text}' is not written YYYY-MM-DD; give {day.isoformat()}")
    return day


def _timezone(text: str) -> str:
    """An IANA time zone name; an empty one was read as UTC, which the user did not say."""
    import zoneinfo

    if not text.strip():
        raise argparse.ArgumentTypeError("is empty; give an IANA time zone name such as Europe/Berlin, or leave "
                                         "--timezone out for UTC")
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise argparse.ArgumentTypeError(f"'{text}' is not a time zone name; use an IANA name such as "
                                         "Europe/Berlin") from None
    return text


def _ramp_weeks(text: str) -> int:
    try:
        weeks = int(text)
    except ValueError:
        weeks = -1
    if not 0 <= weeks <= 104:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of weeks from 0 to 104")
    return weeks


def _path(text: str) -> str:
    """A file's path; an empty one would be read as the folder "." ("error: .: cannot be read")."""
    if not text.strip():
        raise argparse.ArgumentTypeError(f"{'an empty' if not text else 'a blank'} file name; give the file's path")
    return text


def _scenario_name(text: str) -> str:
    if not 1 <= len(text) <= 200:
        raise argparse.ArgumentTypeError(f"a scenario name has 1 to 200 characters, this one {len(text)}")
    return text


def _read_and_measure(
    args: argparse.Namespace, mappings: Mapping[str, Mapping[str, str]] | None = None, timezone: str = "UTC"
) -> Metrics:
    from roi.ingest import read_exports
    from roi.metrics import measure

    dataset = read_exports(args.files, mappings, timezone=timezone)
    return measure(dataset, args.adoption_date, args.ramp_weeks)


def _metrics(args: argparse.Namespace) -> int:
    from roi.metrics import metrics_json

    _print(metrics_json(_read_and_measure(args, timezone=args.timezone if args.timezone is not None else "UTC")))
    return EXIT_OK


def _scenario(args: argparse.Namespace) -> int:
    from pathlib import Path

    from roi.ingest import read_exports
    from roi.metrics import measure
    from roi.models import save_scenario
    from roi.scenario_builder import NO_BASE_NOTE, licence_caveat, scenario_from_metrics, seats_held

    if Path(args.out).suffix.lower() != ".json":
        raise RoiError("the scenario must be a .json file; give --out NEW.json", file=args.out)
    if Path(args.out).resolve() in {Path(file).resolve() for file in args.files}:
        raise RoiError("is one of the exports being read, and would be replaced by the scenario; give "
                       "another --out", file=args.out)
    if args.base and Path(args.out).resolve() == Path(args.base).resolve():
        # Its estimates (developers, reviewers, ranges typed) would be lost, and each run appends " — measured".
        raise RoiError("is the --base scenario, and would be replaced by the scenario built on it; give another "
                       "--out", file=args.out)
    base = _opened(args.base) if args.base else None
    measured = base.measurement if base is not None else None
    mappings = dict(measured.column_mappings) if measured is not None else None
    # As the base's exports were read, unless told otherwise: its mappings and its time zone.
    timezone = args.timezone if args.timezone is not None else (measured.timezone if measured is not None else None) or "UTC"
    dataset = read_exports(args.files, mappings, timezone=timezone)
    scenario = scenario_from_metrics(measure(dataset, args.adoption_date, args.ramp_weeks), base, name=args.name,
                                     column_mappings=mappings, timezone=timezone)
    save_scenario(scenario, args.out)
    if base is None:
        _warn(NO_BASE_NOTE)
    # The app says this beside the verdict while the exports are loaded; a scenario file from here has no exports.
    if licences := licence_caveat(scenario, dataset.formats(), seats_held(dataset.seats)):
        _warn(licences)
    return EXIT_OK


def _template(args: argparse.Namespace) -> int:
    from pathlib import Path

    from roi.export import write_atomic
    from roi.ingest.template import template_csv, template_xlsx

    suffix = Path(args.out).suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise RoiError("the template must be an .xlsx or .csv file; give --out ESTIMATES.xlsx", file=args.out)
    write_atomic(args.out, template_xlsx() if suffix == ".xlsx" else template_csv())
    return EXIT_OK


def _compare(args: argparse.Namespace) -> int:
    from pathlib import Path

    from roi.comparison import mixed_currencies
    from roi.engine import compute
    from roi.export import comparison_csv, write_atomic
    from roi.safety import read_file
    from roi.workshop import read_scenarios

    if args.out and Path(args.out).suffix.lower() != ".csv":
        raise RoiError("the comparison must be a .csv file; give --out COMPARISON.csv", file=args.out)
    scenarios = [s for path in args.files for s in read_scenarios(path, read_file(path))]
    for scenario in scenarios:
        _warn_defaults(scenario)
    if mixed := mixed_currencies(scenarios):
        _warn(mixed)
    table = comparison_csv([(s, compute(s)) for s in scenarios])
    if args.out:
        write_atomic(args.out, table)
    else:
        _print(table.decode("utf-8"))
    return EXIT_OK


def _add_export_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("files", nargs="+", type=_path, metavar="FILE",
                         help="exports (format recognised from content; .gz files and .zip archives of them are "
                              "unpacked)")
    command.add_argument("--adoption-date", required=True, type=_adoption_date, metavar="YYYY-MM-DD",
                         help="first day with the AI tool (UTC)")
    command.add_argument("--ramp-weeks", type=_ramp_weeks, default=0, metavar="N",
                         help="weeks after adoption left out while people learn the tool")
    command.add_argument("--timezone", type=_timezone, metavar="ZONE",
                         help="time zone of timestamps written without one, e.g. Jira's (default UTC; for "
                              "'scenario', the --base scenario's when it gives one)")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m roi",
        description="ROI calculator and rollout planner for AI coding assistants.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    compute = commands.add_parser("compute", help="print the results JSON of a scenario")
    compute.add_argument("scenario", type=_path, metavar="SCENARIO.json",
                         help="a scenario file, or a workbook exported by the app (.xlsx) with the edits made in it")
    compute.set_defaults(handler=_compute)

    export = commands.add_parser("export", help="write the stakeholder workbook (a live Excel model)")
    export.add_argument("scenario", type=_path, metavar="SCENARIO.json",
                        help="a scenario file, or a workbook exported by the app (.xlsx): a new workbook keeping its edits")
    export.add_argument("--out", required=True, type=_path, metavar="REPORT.xlsx",
                        help="where to write the workbook")
    export.set_defaults(handler=_export)

    metrics = commands.add_parser("metrics", help="read exports and print the before/after metrics JSON")
    _add_export_arguments(metrics)
    metrics.set_defaults(handler=_metrics)

    scenario = commands.add_parser("scenario", help="build a scenario from exports (other assumptions from --base)")
    _add_export_arguments(scenario)
    scenario.add_argument("--base", type=_path, metavar="SCENARIO.json",
                          help="scenario giving every unmeasured assumption")
    scenario.add_argument("--out", required=True, type=_path, metavar="NEW.json", help="where to write the scenario")
    scenario.add_argument("--name", type=_scenario_name,
                          help="the new scenario's name (default: the base's name + ' — measured')")
    scenario.set_defaults(handler=_scenario)

    template = commands.add_parser("template", help="write the estimates template (metric, baseline, post, low, high)")
    template.add_argument("--out", required=True, type=_path, metavar="ESTIMATES.xlsx",
                          help="an .xlsx or .csv file")
    template.set_defaults(handler=_template)

    compare = commands.add_parser(
        "compare", help="scenarios side by side as CSV (one row per figure, one column per scenario)"
    )
    compare.add_argument("files", nargs="+", type=_path, metavar="FILE",
                         help="scenario files (.json) or workshop files (.zip) saved by the app")
    compare.add_argument("--out", type=_path, metavar="COMPARISON.csv",
                         help="where to write the CSV (default: print it)")
    compare.set_defaults(handler=_compare)

    # Each further sub-command adds its sub-parser here, with a `handler`.
    return parser


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one ``error:`` line with exit status 2, and takes options only
    as spelled in full: a script writing ``--adoption`` would break the day an option starting so is added."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        # One line even when the argument quoted holds a line break.
        self.exit(EXIT_BAD_INPUT, f"error: {one_line(message)}; see 'python -m roi --help'\n")


_OPTION_FIELDS = frozenset({"adoption_date", "ramp_weeks"})
"""Fields of an error that the command line takes as options (--adoption-date, --ramp-weeks), not from a file."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    args, extra = parser.parse_known_args(argv)
    # Files after an option (metrics a.json --adoption-date D b.csv) are files too, as a shell user expects.
    if extra and hasattr(args, "files") and all(item.strip() and not item.startswith("-") for item in extra):
        args.files = [*args.files, *extra]
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    _SAID.clear()
    try:
        status = int(args.handler(args))
    except RoiError as error:
        # One line whatever the message quotes (a multi-line cell, an escape sequence in a name). A value given
        # as an option (the adoption date) is named by the message, not as a field of the file before it.
        _to_stderr(f"error: {one_line(error.describe(field=error.field not in _OPTION_FIELDS))}")
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    finally:
        said = list(_SAID)
        _SAID.clear()
    for line in said:  # only when it succeeded
        _to_stderr(line)
    return status


def _to_stderr(line: str) -> None:
    """A line on stderr; none when it is closed (`2>&-`): print() would put it on stdout, after the JSON."""
    if sys.stderr is not None:
        print(line, file=sys.stderr)
