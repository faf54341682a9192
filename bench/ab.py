"""Old against new code on the bench's DevLake CSV files, alternating in fresh processes.

    git worktree add /tmp/roi-old origin/main
    .venv/bin/python -m bench.ab /tmp/roi-old . 7            # 7 runs each; [data dir] defaults to bench/data

Each run is ``read_exports`` + ``measure`` (as ``bench/ingest.py`` times ours) in a fresh process
whose ``PYTHONPATH`` is one source tree; the two trees take turns (old, new, then new, old …), so a
busy machine slows both alike.  Prints every run, then the median and the minimum of each tree's
wall seconds (total, read, metrics) and CPU seconds (user + system, both cores).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from bench.ingest import ADOPTION, DATA

_CHILD = """
import json, resource, sys, time
from datetime import date
from roi.ingest import read_exports
from roi.metrics import measure
def cpu():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
files = json.loads(sys.argv[1])
started_cpu, started = cpu(), time.perf_counter()  # after the imports, like bench/ingest.py
data = read_exports(files)
read = time.perf_counter() - started
measure(data, date.fromisoformat(sys.argv[2]))
total = time.perf_counter() - started
print(json.dumps({"total": total, "read": read, "metrics": total - read, "cpu": cpu() - started_cpu}))
"""


def run(root: Path, files: list[str]) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(files), ADOPTION], cwd=root, env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(old: str, new: str, runs: int = 5, data: Path = DATA) -> None:
    files = sorted(str(p) for p in Path(data).glob("*.csv"))
    if not files:
        raise SystemExit(f"no CSV files in {data}: run `python -m bench ingest` once to write them")
    trees = {"old": Path(old).resolve(), "new": Path(new).resolve()}
    found: dict[str, list[dict]] = {"old": [], "new": []}
    for index in range(runs):
        for label in ("old", "new") if index % 2 == 0 else ("new", "old"):
            found[label].append(run(trees[label], files))
            print(label, {k: round(v, 3) for k, v in found[label][-1].items()}, flush=True)
    for key in ("total", "read", "metrics", "cpu"):
        old_s, new_s = ([r[key] for r in found[label]] for label in ("old", "new"))
        print(f"{key:8s} median {statistics.median(old_s):.2f} -> {statistics.median(new_s):.2f} s, "
              f"min {min(old_s):.2f} -> {min(new_s):.2f} s")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 5,
         Path(sys.argv[4]) if len(sys.argv) > 4 else DATA)
