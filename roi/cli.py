"""The command line: ``python -m roi compute|metrics|scenario|export|template``.

Exit status 0 on success; on bad input exit status 2 and one ``error:`` line on stderr that
names the file (and row/column or field) and how to fix it.  Never a traceback for a user's
mistake, never a half-written output file.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from roi.errors import RoiError
from roi.safety import one_line

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def _compute(args: argparse.Namespace) -> int:
    from roi.engine import compute
    from roi.models import load_scenario

    results = compute(load_scenario(args.scenario))
    sys.stdout.write(results.model_dump_json(indent=2) + "\n")
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from pathlib import Path

    from roi.engine import compute
    from roi.export import build_workbook, write_atomic
    from roi.models import load_scenario

    if Path(args.out).suffix.lower() != ".xlsx":
        raise RoiError("the workbook must be an .xlsx file; give --out REPORT.xlsx", file=args.out)
    scenario = load_scenario(args.scenario)
    write_atomic(args.out, build_workbook(scenario, compute(scenario)))
    return EXIT_OK


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m roi",
        description="ROI calculator and rollout planner for AI coding assistants.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    compute = commands.add_parser("compute", help="print the results JSON of a scenario")
    compute.add_argument("scenario", metavar="SCENARIO.json")
    compute.set_defaults(handler=_compute)

    export = commands.add_parser("export", help="write the stakeholder workbook (a live Excel model)")
    export.add_argument("scenario", metavar="SCENARIO.json")
    export.add_argument("--out", required=True, metavar="REPORT.xlsx", help="where to write the workbook")
    export.set_defaults(handler=_export)

    # metrics, scenario, export, template: each adds its sub-parser here, with a `handler`.
    return parser


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage mistake as one ``error:`` line with exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_BAD_INPUT, f"error: {message}; see 'python -m roi --help'\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except RoiError as error:
        # One line whatever the message quotes (a multi-line cell, an escape sequence in a name).
        print(f"error: {one_line(error.describe())}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
