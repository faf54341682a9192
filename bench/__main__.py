"""``python -m bench [SECTION...]``: run the benchmarks, print a table, write bench/results.json.

Sections: engine, ingest, app, export (all by default).  Figures are medians of several runs;
the machine (cores, Python, library versions) is recorded with them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import time
from pathlib import Path

from bench.common import Row, machine

SECTIONS = ("engine", "ingest", "app", "export")
RESULTS = Path(__file__).resolve().parent / "results.json"


def _format(row: Row) -> str:
    target = f"≤ {row.target:,.4g} {row.unit}" if row.target is not None else ""
    status = {True: "met", False: "MISSED", None: ""}[row.met]
    baseline = f"  (baseline {row.baseline:,.1f} {row.unit})" if row.baseline is not None else ""
    note = f"  {row.note}" if row.note else ""
    return (f"{row.section:8s} {row.what:58s} {row.value:12,.2f} {row.unit:4s} {target:14s} {status:6s}"
            f"{baseline}{note}")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("sections", nargs="*", metavar="SECTION", help=f"{', '.join(SECTIONS)} (default: all)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="ingest and app data size (1.0 = 1M PRs + 3M reviews)")
    args = parser.parse_args()
    if unknown := [s for s in args.sections if s not in SECTIONS]:
        parser.error(f"unknown section {unknown[0]!r}: choose from {', '.join(SECTIONS)}")
    rows: list[Row] = []
    started = time.time()
    load = [round(x, 2) for x in os.getloadavg()]  # 1, 5, 15 min: figures are only as quiet as the machine
    print(f"load average at start: {load[0]:.2f} (1 min), {load[1]:.2f} (5 min) on {os.cpu_count()} cores",
          flush=True)
    for section in args.sections or SECTIONS:
        module = importlib.import_module(f"bench.{section}")
        kwargs = {"scale": args.scale} if section in ("ingest", "app") else {}
        for row in module.run(**kwargs):
            rows.append(row)
            print(_format(row), flush=True)
    RESULTS.write_text(json.dumps(
        {"machine": {**machine(), "load_average_at_start": load}, "seconds": round(time.time() - started, 1),
         "rows": [r.as_dict() for r in rows]},
        indent=2,
    ) + "\n")
    print(f"\nwritten {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
