"""Export: the stakeholder workbook of the demo organisation, and with a 100,000-row data sheet.

- demo organisation, as the app's Export page builds it: the scenario, its measured metrics and,
  with "Include the event tables" ticked, every event table of the bundled exports (one Data
  sheet each, about 490,000 cells); also without the tables (the page's default);
- a 100,000-row Data sheet: a seeded ``pull_requests`` table in the canonical schema (16 columns:
  text, numbers, booleans, UTC times) exported with the demo scenario.

Targets: under 2 s (demo organisation), under 20 s (100,000 data rows).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from bench.common import Row, median_ms
from roi.engine import compute
from roi.export import build_workbook, tables_of
from roi.ingest import demo_files, read_exports
from roi.ingest.tables import SCHEMAS
from roi.metrics import measure
from roi.models import load_scenario

DEMO_SCENARIO = Path(__file__).resolve().parent.parent / "sample_data" / "scenarios" / "demo_org.json"
DATA_ROWS = 100_000


def pull_requests(rows: int, seed: int = 11) -> pd.DataFrame:
    """A seeded ``pull_requests`` table (canonical columns and types) of ``rows`` rows."""
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2024-01-01", tz="UTC")
    created = pd.Series(start + pd.to_timedelta(rng.uniform(0, 730, rows), unit="D"))
    merged = created + pd.to_timedelta(rng.lognormal(np.log(20), 0.9, rows), unit="h")
    merged = merged.where(rng.random(rows) > 0.1)  # a tenth never merged
    number = np.arange(1, rows + 1)
    author = np.char.add("dev-", rng.integers(0, 5000, rows).astype(str))
    frame = pd.DataFrame({
        "source": "github_pulls_01.json",
        "repo": np.char.add("acme/repo-", (number % 40).astype(str)),
        "number": number,
        "author": author,
        "author_is_bot": rng.random(rows) < 0.03,
        "ai_agent": rng.random(rows) < 0.05,
        "assignee": np.where(rng.random(rows) < 0.05, author, None),
        "is_draft": False,
        "created_at": created,
        "merged_at": merged,
        "closed_at": merged.fillna(created + pd.Timedelta(days=3)),
        "additions": rng.lognormal(np.log(90), 0.9, rows).round(),
        "deletions": rng.lognormal(np.log(30), 0.9, rows).round(),
        "labels": np.where(rng.random(rows) < 0.2, "enhancement,ai-assisted", ""),
        "ai_evidence": np.where(rng.random(rows) < 0.2, "label ai-assisted", ""),
        "merge_commit_sha": [f"{i:040x}" for i in number],
    })
    assert list(frame.columns) == list(SCHEMAS["pull_requests"])
    return frame


def run() -> list[Row]:
    scenario = load_scenario(DEMO_SCENARIO)
    assert scenario.measurement is not None
    dataset = read_exports(demo_files())
    metrics = measure(dataset, scenario.measurement.adoption_date, scenario.measurement.ramp_weeks)
    results = compute(scenario)
    tables = tables_of(dataset)
    cells = sum(t.size for t in tables.values())
    sizes: dict[str, int] = {}

    def build(name: str, **kwargs) -> None:
        sizes[name] = len(build_workbook(scenario, results, metrics=metrics, **kwargs))

    plain = median_ms(lambda: build("plain"), runs=7)
    demo = median_ms(lambda: build("demo", tables=tables), runs=5)
    big = pull_requests(DATA_ROWS)
    large = median_ms(lambda: build("large", tables={"pull_requests": big}), runs=3)
    return [
        Row("export", "workbook, demo organisation (no event tables)", plain / 1000, "s", target=2.0,
            note=f"{sizes['plain'] / 1e6:.2f} MB"),
        Row("export", "workbook, demo organisation with its event tables", demo / 1000, "s", target=2.0,
            note=f"{len(tables)} Data sheets, {cells:,} cells; {sizes['demo'] / 1e6:.1f} MB"),
        Row("export", f"workbook with a {DATA_ROWS:,}-row data sheet", large / 1000, "s", target=20.0,
            note=f"{big.shape[1]} columns, {big.size:,} cells; {sizes['large'] / 1e6:.1f} MB"),
    ]
