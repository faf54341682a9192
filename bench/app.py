"""App: server-side time of a rerun after a widget change, on the demo organisation and on 1M PRs.

Streamlit's AppTest runs ``app.py`` as the server would (session state, caches, page scripts)
without a browser; the time of ``at.<widget>(key=...).set_value(...).run()`` is the server's
share of a slider move (the browser's drawing is not included).  Each change sets a new value,
so the scenario's results are recomputed as in a workshop; the first change on a page is a
warm-up and not counted.  Changes timed:

- Review capacity: the number of reviewers (the scenario changes: full compute, queue curve);
- ROI & risk: the capture factor (full compute, cash flow, Monte Carlo charts);
- Data: the research study shown (the page reads the loaded exports and their metrics, cached);
- Productivity: a rerun of the page (PR size and cycle-time distributions from the exports).

The same four on the 1M-PR data set: bench/ingest.py's GitHub JSON variant (1,000,000 PRs in ten
files + 3,000,000 reviews in ten, each under the 200 MB upload limit) uploaded through the Data
page's uploader exactly as a user would; the first run reads and measures it (timed, not a
target) and fills the caches.  That part runs in a child process so its memory is its own.

Targets: under 300 ms (demo organisation), under 500 ms (cached 1M-PR set).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import Row

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
RUNS = 7
TIMEOUT = 3600  # seconds one AppTest run may take: the upload of 1M PRs reads and measures them


def _check(at, what: str) -> None:
    problems = [e.value for e in at.exception] + [e.value for e in at.error]
    if problems:
        raise RuntimeError(f"{what}: {problems[0]}")


def _rerun_ms(at, change: Callable[[object, int], object], what: str, runs: int = RUNS) -> float:
    """Median milliseconds of ``change(at, i).run()`` over ``runs`` changes, after one warm-up change."""
    times = []
    for i in range(runs + 1):
        widget = change(at, i)
        start = time.perf_counter()
        widget.run()
        times.append((time.perf_counter() - start) * 1000.0)
        _check(at, what)
    return statistics.median(times[1:])


def _changes(at) -> dict[str, float]:
    """Median rerun time of each timed change, in milliseconds, on the exports loaded in ``at``."""
    from appstate import PRESET_FILES

    found = {}
    # The Data page first: after an upload the user is still on it (its uploader must not hold the files).
    at.switch_page("pages/data.py").run()
    found["data"] = _rerun_ms(
        at, lambda a, i: a.selectbox(key="data_preset").set_value(PRESET_FILES[(i + 1) % len(PRESET_FILES)]),
        "study")
    at.switch_page("pages/review.py").run()
    reviewers = at.session_state["scenario"].review.reviewers
    found["review"] = _rerun_ms(
        at, lambda a, i: a.number_input(key="review_reviewers").set_value(reviewers + 1 + i), "reviewers")
    at.switch_page("pages/finance.py").run()
    capture = at.number_input(key="finance_capture_factor").value
    found["finance"] = _rerun_ms(
        at, lambda a, i: a.number_input(key="finance_capture_factor").set_value(capture - 1 - i), "capture")
    at.switch_page("pages/productivity.py").run()
    if not at.session_state["scenario"].measurement:
        raise RuntimeError("the scenario is not measured from the exports")
    found["productivity"] = _rerun_ms(at, lambda a, i: a, "productivity")
    return found


def _open():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    _check(at, "first run")
    return at


def demo() -> dict:
    """Timings on the demo organisation (what the app opens on)."""
    return _changes(_open())


def big(scale: float) -> dict:
    """Timings after uploading bench/ingest.py's 1M-PR JSON exports through the Data page."""
    from bench.ingest import DATA, generate

    files = generate(DATA, scale)["json"]
    uploads = [(Path(f).name, Path(f).read_bytes(), "application/json") for f in files]
    at = _open()
    at.switch_page("pages/data.py").run()
    start = time.perf_counter()
    at.file_uploader(key="data_uploader_0").set_value(uploads).run()  # a fresh session's uploader
    upload_s = time.perf_counter() - start
    _check(at, "upload")
    measurement = at.session_state["scenario"].measurement
    if measurement is None or len(measurement.sources) != len(files):
        raise RuntimeError("the upload did not become the scenario's measurement")
    found = _changes(at)
    return {**found, "upload_s": upload_s, "files": len(files), "mb": sum(len(u[1]) for u in uploads) / 1e6,
            "peak_rss_gb": _peak_rss_gb()}


def _peak_rss_gb() -> float:
    """This process's peak RSS (VmHWM; ru_maxrss would carry the forking parent's peak across exec)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024 / 1024


LABELS = {
    "review": "Review capacity: reviewers changed",
    "finance": "ROI & risk: capture factor changed",
    "data": "Data: research study changed",
    "productivity": "Productivity: rerun (PR distributions)",
}


def run(scale: float = 1.0) -> list[Row]:
    rows = [Row("app", f"demo org, {LABELS[k]}", v, "ms", target=300.0) for k, v in demo().items()]
    done = subprocess.run([sys.executable, "-m", "bench.app", str(scale)], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "child failed")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    size = f"{int(1_000_000 * scale):,} PRs"
    note = (f"first run: upload, read and measure {found['files']} files ({found['mb']:,.0f} MB) in "
            f"{found['upload_s']:.0f} s; peak RSS {found['peak_rss_gb']:.1f} GB")
    rows += [Row("app", f"{size}, {LABELS[k]}", found[k], "ms", target=500.0,
                 note=note if k == "review" else "") for k in LABELS]
    return rows


if __name__ == "__main__":
    print(json.dumps(big(float(sys.argv[1]) if len(sys.argv) > 1 else 1.0)))
