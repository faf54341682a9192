"""Ingest at scale: 1,000,000 PRs and 3,000,000 reviews, read and measured, against parse-only time.

``measure(out_dir, scale)`` writes the data once (bench/data/, git-ignored), then times in fresh
processes (so each peak RSS is its own):

- ours: ``read_exports`` + ``measure`` (the whole ``python -m roi metrics`` work) on
  - the JSON variant: GitHub REST detail pages (``pulls_NN.json``) and reviews (``reviews_NN.json``),
    compact JSON arrays as the API returns them, 100,000 PRs / 300,000 reviews per file;
  - the CSV variant: the same PRs and reviews as DevLake ``pull_requests`` and
    ``pull_request_comments`` tables, 100,000 PRs / 300,000 comments per file (every file stays
    under roi.safety's 200 MB upload limit), the comments naming their authors by account id, with the
    ``accounts`` table that gives each its login;
- baseline: pyarrow parsing the same files and nothing else (every column, schema inferred):
  ``pyarrow.json`` for the JSON arrays (wrapped as one object, pyarrow's only way to read a
  top-level array) and ``pyarrow.csv`` for the CSV files.  DuckDB's ``read_json``/``read_csv`` too,
  when it is installed.

Targets: ours ≤ 2 × parse-only, peak RSS < 4 GB.  ``run(scale)`` returns rows for ``python -m bench``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from bench.common import Row

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parent.parent
PRS, REVIEWS_PER_PR, DEVELOPERS = 1_000_000, 3, 5000
PER_FILE = 100_000
ACCOUNT, DEPENDABOT, COPILOT_REVIEWER = "github:GithubAccount:1:", 49699333, 175728472
"""DevLake account ids: a developer's is ACCOUNT + their number; the two bots' are GitHub's."""
ADOPTION = "2025-07-01"
START = np.datetime64("2025-01-01T00:00:00")


def _iso(values: np.ndarray) -> np.ndarray:
    return np.char.add(np.datetime_as_string(values.astype("datetime64[s]"), unit="s"), "Z")


def generate(out_dir: Path, scale: float = 1.0) -> dict:
    """Write both variants; returns file lists.  Reuses files already written for this scale."""
    out_dir = Path(out_dir)
    stamp = out_dir / f"done-v3-{scale:g}.json"
    if stamp.exists():
        return json.loads(stamp.read_text())
    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.iterdir():
        old.unlink()
    rng = np.random.default_rng(7)
    n = int(PRS * scale)
    devs = max(int(DEVELOPERS * scale), 50)
    author = rng.integers(0, devs, n)
    created = START + (rng.uniform(0, 364 * 86400, n)).astype("timedelta64[s]")
    after = created >= np.datetime64(ADOPTION)
    pickup = rng.lognormal(np.log(5), 0.9, n) * np.where(after, 1.5, 1.0) * 3600
    review = rng.lognormal(np.log(14), 0.8, n) * np.where(after, 1.9, 1.0) * 3600
    merged_ok = rng.random(n) > 0.1
    first_at = created + pickup.astype("timedelta64[s]")
    merged = first_at + review.astype("timedelta64[s]")
    additions = (rng.lognormal(np.log(90), 0.9, n) * np.where(after, 2.5, 1.0)).astype(np.int64) + 1
    deletions = (additions * rng.uniform(0.1, 0.5, n)).astype(np.int64)
    bot = rng.random(n) < 0.03
    number = np.arange(1, n + 1)
    repo = np.array([f"acme/repo-{i}" for i in range(20)])[number % 20]
    login = np.char.add("dev-", author.astype(str))
    login = np.where(bot, "dependabot[bot]", login)
    kind = np.where(bot, "Bot", "User")
    created_s, merged_s = _iso(created), _iso(merged)

    pull_files, review_files = [], []
    for part, start in enumerate(range(0, n, PER_FILE), start=1):
        stop = min(start + PER_FILE, n)
        lines = []
        for i in range(start, stop):
            m = f'"{merged_s[i]}"' if merged_ok[i] else "null"
            lines.append(
                f'{{"url":"https://api.github.com/repos/{repo[i]}/pulls/{number[i]}","id":{9000000 + i},'
                f'"number":{number[i]},"state":"closed","title":"Change {number[i]}",'
                f'"user":{{"login":"{login[i]}","id":{author[i]},"type":"{kind[i]}"}},'
                f'"body":"See ticket.","labels":[{{"name":"enhancement"}}],"created_at":"{created_s[i]}",'
                f'"updated_at":"{merged_s[i]}","closed_at":"{merged_s[i]}","merged_at":{m},'
                f'"merge_commit_sha":"{i:040x}","assignees":[],"draft":false,'
                f'"head":{{"ref":"feature-{number[i]}","sha":"{i:040x}"}},'
                f'"base":{{"ref":"main","repo":{{"full_name":"{repo[i]}"}}}},'
                f'"merged":{"true" if merged_ok[i] else "false"},"additions":{additions[i]},'
                f'"deletions":{deletions[i]},"changed_files":3,"commits":2}}')
        path = out_dir / f"pulls_{part:02d}.json"
        path.write_text("[" + ",".join(lines) + "]")
        pull_files.append(str(path))

    r = n * REVIEWS_PER_PR
    pr_of = np.repeat(np.arange(n), REVIEWS_PER_PR)
    reviewer = rng.integers(0, devs, r)
    self_reply = rng.random(r) < 0.05
    reviewer = np.where(self_reply, author[pr_of], reviewer)
    review_bot = rng.random(r) < 0.05
    reviewer_login = np.where(review_bot, "copilot-pull-request-reviewer[bot]", np.char.add("dev-", reviewer.astype(str)))
    reviewer_kind = np.where(review_bot, "Bot", "User")
    order = np.tile(np.arange(REVIEWS_PER_PR), n)
    submitted = first_at[pr_of] + (order * rng.uniform(0.5, 1.0, r) * (merged - first_at)[pr_of].astype(float)).astype(
        "timedelta64[s]")
    submitted_s = _iso(submitted)
    state = np.where(order == REVIEWS_PER_PR - 1, "APPROVED", "COMMENTED")
    for part, start in enumerate(range(0, r, PER_FILE * REVIEWS_PER_PR), start=1):
        stop = min(start + PER_FILE * REVIEWS_PER_PR, r)
        lines = []
        for i in range(start, stop):
            p = pr_of[i]
            lines.append(
                f'{{"id":{5000000000 + i},"user":{{"login":"{reviewer_login[i]}","type":"{reviewer_kind[i]}"}},'
                f'"body":"","state":"{state[i]}","html_url":"https://github.com/{repo[p]}/pull/{number[p]}",'
                f'"pull_request_url":"https://api.github.com/repos/{repo[p]}/pulls/{number[p]}",'
                f'"submitted_at":"{submitted_s[i]}","commit_id":"{p:040x}"}}')
        path = out_dir / f"reviews_{part:02d}.json"
        path.write_text("[" + ",".join(lines) + "]")
        review_files.append(str(path))

    import pyarrow as pa
    import pyarrow.csv as pa_csv

    # CSV in parts of 100,000 PRs / 300,000 comments: exports stay under the 200 MB upload limit.
    pr_ids = np.char.add("github:GithubPullRequest:1:", number.astype(str))
    pulls_csv = pa.table({
        "id": pr_ids, "base_repo_id": np.char.add("github:GithubRepo:1:", (number % 20).astype(str)),
        "status": np.where(merged_ok, "MERGED", "CLOSED"), "title": np.char.add("Change ", number.astype(str)),
        "author_name": login, "author_id": np.where(bot, f"{ACCOUNT}{DEPENDABOT}", np.char.add(ACCOUNT, author.astype(str))),
        "pull_request_key": number, "created_date": created_s,
        "merged_date": pa.array(np.where(merged_ok, merged_s, None), pa.string()), "closed_date": merged_s,
        "additions": additions, "deletions": deletions, "is_draft": np.zeros(n, np.int8),
        "merge_commit_sha": np.char.add("sha", number.astype(str)),
    })
    comments_csv = pa.table({
        "id": np.arange(r), "pull_request_id": pr_ids[pr_of], "body": np.full(r, "Looks good"),
        # DevLake names a comment's author by account id; the accounts table gives its login.
        "account_id": np.where(review_bot, f"{ACCOUNT}{COPILOT_REVIEWER}", np.char.add(ACCOUNT, reviewer.astype(str))),
        "created_date": submitted_s, "type": np.full(r, "REVIEW"), "review_id": np.arange(r), "status": state,
    })
    accounts_csv = pa.table({
        "id": np.r_[np.char.add(ACCOUNT, np.arange(devs).astype(str)), [f"{ACCOUNT}{DEPENDABOT}",
                                                                      f"{ACCOUNT}{COPILOT_REVIEWER}"]],
        "email": np.full(devs + 2, ""), "full_name": np.full(devs + 2, ""),
        "user_name": np.r_[np.char.add("dev-", np.arange(devs).astype(str)),
                           ["dependabot[bot]", "copilot-pull-request-reviewer[bot]"]],
        "avatar_url": np.full(devs + 2, ""), "organization": np.full(devs + 2, "acme"),
    })
    pa_csv.write_csv(accounts_csv, out_dir / "accounts.csv")
    csv_files = [str(out_dir / "accounts.csv")]
    for table, stem, per in ((pulls_csv, "pull_requests", PER_FILE), (comments_csv, "pull_request_comments",
                                                                       PER_FILE * REVIEWS_PER_PR)):
        for part, start in enumerate(range(0, table.num_rows, per), start=1):
            path = out_dir / f"{stem}_{part:02d}.csv"
            pa_csv.write_csv(table.slice(start, per), path)
            csv_files.append(str(path))
    files = {"json": pull_files + review_files, "csv": csv_files}
    stamp.write_text(json.dumps(files))
    return files


_CHILD_PRELUDE = """
import json, sys, time
def peak_mb():  # VmHWM: this process image's peak RSS (ru_maxrss would include the forking parent's)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""
"""Every child script starts here: its imports and its own peak-memory reading."""

_OURS = _CHILD_PRELUDE + """
from roi.ingest import read_exports
from roi.metrics import measure
from datetime import date
t = time.perf_counter()  # after the imports, like the baseline
files = json.loads(sys.argv[1])
data = read_exports(files)
read = time.perf_counter() - t
metrics = measure(data, date.fromisoformat(sys.argv[2]))
print(json.dumps({"seconds": time.perf_counter() - t, "read_seconds": read,
                  "prs_merged": metrics.baseline.prs_merged + metrics.post.prs_merged,
                  "peak_rss_mb": peak_mb()}))
"""

_PARSE = _CHILD_PRELUDE + """
import pyarrow as pa, pyarrow.csv as pa_csv, pyarrow.json as pa_json
t = time.perf_counter()
rows = 0
for name in json.loads(sys.argv[1]):
    if name.endswith(".csv"):
        table = pa_csv.read_csv(name)
        rows += table.num_rows
    else:
        data = open(name, "rb").read()
        wrapped = b'{"items":' + data + b'}'
        table = pa_json.read_json(pa.BufferReader(wrapped), read_options=pa_json.ReadOptions(block_size=len(wrapped) + 1))
        rows += len(table.column("items").combine_chunks().flatten())
    del table
print(json.dumps({"seconds": time.perf_counter() - t, "rows": rows,
                  "peak_rss_mb": peak_mb()}))
"""

_DUCKDB = _CHILD_PRELUDE + """
import duckdb
t = time.perf_counter()
rows = 0
for name in json.loads(sys.argv[1]):
    if name.endswith(".csv"):
        table = duckdb.read_csv(name).arrow()
    else:
        table = duckdb.read_json(name, format="array").arrow()
    rows += table.num_rows
    del table
print(json.dumps({"seconds": time.perf_counter() - t, "rows": rows,
                  "peak_rss_mb": peak_mb()}))
"""


def _child(code: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "child failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _median_run(runs: list[dict]) -> dict:
    """The run with the median time, with the largest peak memory of all runs."""
    chosen = dict(sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2])
    chosen["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    chosen["all_seconds"] = [round(r["seconds"], 2) for r in runs]
    return chosen


def measure(out_dir: Path = DATA, scale: float = 1.0, repeats: int = 3) -> dict:
    """Timings of both variants (seconds, MB): ours, pyarrow parse-only, DuckDB parse-only, ratios.

    Ours and the baseline run alternately ``repeats`` times each and the medians are compared, so
    a busy machine slows both alike.
    """
    started = time.perf_counter()
    files = generate(out_dir, scale)
    results = {"scale": scale, "generate_seconds": round(time.perf_counter() - started, 1),
               "data_mb": round(sum(Path(f).stat().st_size for v in files.values() for f in v) / 1e6, 1)}
    for variant, names in files.items():
        ours_runs, parse_runs = [], []
        for _ in range(repeats):
            ours_runs.append(_child(_OURS, json.dumps(names), ADOPTION))
            parse_runs.append(_child(_PARSE, json.dumps(names)))
        ours, parse = _median_run(ours_runs), _median_run(parse_runs)
        entry = {"ours": ours, "pyarrow_parse": parse, "ratio": ours["seconds"] / parse["seconds"]}
        try:
            import duckdb  # noqa: F401

            entry["duckdb_parse"] = _child(_DUCKDB, json.dumps(names))
        except ImportError:
            entry["duckdb_parse"] = None
        results[variant] = entry
    return results


def run(scale: float = 1.0, out_dir: Path = DATA) -> list[Row]:
    """Rows for ``python -m bench``."""
    found = measure(out_dir, scale)
    rows = []
    size = f"{int(PRS * scale):,} PRs + {int(PRS * scale * REVIEWS_PER_PR):,} reviews"
    for variant in ("json", "csv"):
        entry = found[variant]
        ours, parse = entry["ours"], entry["pyarrow_parse"]
        rows.append(Row("ingest", f"{variant.upper()} read + metrics, {size}", ours["seconds"], "s",
                        target=2.0 * parse["seconds"], baseline=parse["seconds"],
                        note=f"pyarrow parse-only {parse['seconds']:.1f} s; ratio {entry['ratio']:.2f}; "
                             f"ours: read {ours['read_seconds']:.1f} s + metrics "
                             f"{ours['seconds'] - ours['read_seconds']:.1f} s"
                             + (f"; DuckDB parse-only {entry['duckdb_parse']['seconds']:.1f} s"
                                if entry.get("duckdb_parse") else "")))
        rows.append(Row("ingest", f"{variant.upper()} peak memory", ours["peak_rss_mb"] / 1024, "GB", target=4.0,
                        note=f"pyarrow parse-only peak {parse['peak_rss_mb'] / 1024:.1f} GB"))
    return rows


if __name__ == "__main__":
    print(json.dumps(measure(DATA, float(sys.argv[1]) if len(sys.argv) > 1 else 1.0), indent=2))
