"""Old against new code, alternating in fresh processes: the ingest of the bench's CSV files, or app reruns.

    git worktree add /tmp/roi-old origin/main
    .venv/bin/python -m bench.ab /tmp/roi-old . 7            # 7 runs each; [data dir] defaults to bench/data
    .venv/bin/python -m bench.ab /tmp/roi-old . 7 app        # the demo organisation's app reruns instead

Each run is, in a fresh process whose ``PYTHONPATH`` and working directory are one source tree,
either ``read_exports`` + ``measure`` (as ``bench/ingest.py`` times ours) or ``bench.app.demo()``
(the median rerun after each timed widget change, as ``bench/app.py``); the two trees take turns
(old, new, then new, old …), so a busy machine slows both alike.  Prints every run, then the median
and the minimum of each tree's figures: wall seconds (total, read, metrics) and CPU seconds (user +
system, both cores) for the ingest, milliseconds per change for the app.
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

_APP_CHILD = """
import json
from bench.app import demo
print(json.dumps(demo()))
"""


def run(root: Path, args: list[str], child: str = _CHILD) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root)}
    done = subprocess.run([sys.executable, "-c", child, *args], cwd=root, env=env,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(old: str, new: str, runs: int = 5, data: Path | str = DATA) -> None:
    if str(data) == "app":
        args, child, unit = [], _APP_CHILD, "ms"
    else:
        args = sorted(str(p) for p in Path(data).glob("*.csv"))
        if not args:
            raise SystemExit(f"no CSV files in {data}: run `python -m bench ingest` once to write them")
        args, child, unit = [json.dumps(args), ADOPTION], _CHILD, "s"
    trees = {"old": Path(old).resolve(), "new": Path(new).resolve()}
    found: dict[str, list[dict]] = {"old": [], "new": []}
    for index in range(runs):
        for label in ("old", "new") if index % 2 == 0 else ("new", "old"):
            found[label].append(run(trees[label], args, child))
            print(label, {k: round(v, 3) for k, v in found[label][-1].items()}, flush=True)
    for key in found["new"][0]:
        old_s, new_s = ([r[key] for r in found[label]] for label in ("old", "new"))
        print(f"{key:12s} median {statistics.median(old_s):.2f} -> {statistics.median(new_s):.2f} {unit}, "
              f"min {min(old_s):.2f} -> {min(new_s):.2f} {unit}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 5,
         sys.argv[4] if len(sys.argv) > 4 else DATA)
