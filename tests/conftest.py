"""Shared fixtures and hypothesis profiles."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "sample_data" / "scenarios"

# Bounded example counts keep `make test` predictable; HYPOTHESIS_PROFILE=thorough for more.
settings.register_profile("default", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("thorough", max_examples=1000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def worked_example():
    """The METHODS §5 worked example (Faros-style shock, 50 developers)."""
    from roi.models import load_scenario

    return load_scenario(SCENARIOS / "worked_example.json")


# --- The Streamlit app (AppTest) ---------------------------------------------------------------

APP_TIMEOUT = 180
"""Seconds one AppTest run may take: the first run on the demo organisation reads and measures its
exports (a few seconds, then cached for the whole test session)."""


@pytest.fixture
def open_app():
    """Open ``app.py`` in AppTest, optionally on a given scenario and page; fails on any exception.

    ``open_app(page="pages/review.py", scenario=worked_example)`` → the AppTest after the first run.
    """
    from streamlit.testing.v1 import AppTest

    def _open(page: str | None = None, scenario=None):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APP_TIMEOUT)
        if scenario is not None:
            at.session_state["scenario"] = scenario
        at.run()
        if page is not None:
            at.switch_page(page).run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return _open


@pytest.fixture
def downloads(monkeypatch):
    """``downloads(at, label)`` → the bytes behind the download button with this label.

    AppTest keeps a download's bytes only in a media store it discards after each run, so the store's
    ``load_and_get_id`` is spied on and every file it is given is kept by its address."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    kept: dict[str, bytes] = {}
    load = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        file_id = load(self, path_or_data, mimetype, kind, filename)
        kept[self.get_url(file_id)] = self.get_file(file_id).content
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)

    def _bytes(at, label: str) -> bytes:
        found = [button for button in at.get("download_button") if button.proto.label == label]
        assert len(found) == 1, f"{len(found)} download buttons labelled {label!r}"
        return kept[found[0].proto.url]

    return _bytes


def metric_value(at, label: str) -> str:
    """The value shown by the metric tile with this label (fails if there is none)."""
    found = [m for m in at.metric if m.label == label]
    assert found, f"no metric labelled {label!r}; have {[m.label for m in at.metric]}"
    return found[0].value


def metric_delta(at, label: str) -> str:
    return next(m for m in at.metric if m.label == label).delta


def github_pulls(before_per_author: int = 8, after_per_author: int = 16, authors: int = 8) -> bytes:
    """A GitHub REST pull-request export (detail shape): 8 authors, one 100-line PR a week for the 8 weeks
    before 2025-03-03 and two 250-line PRs a week for the 8 weeks after; one bot PR and one unmerged PR."""
    start = datetime(2025, 1, 6, 9, tzinfo=UTC)
    pulls, number = [], 1

    def pr(author: str, created: datetime, size: int, *, merged: bool = True, bot: bool = False) -> dict:
        nonlocal number
        number += 1
        stamp = "%Y-%m-%dT%H:%M:%SZ"
        merged_at = (created + timedelta(hours=20)).strftime(stamp) if merged else None
        user = {"login": author, "type": "Bot" if bot else "User"}
        return {"number": number, "state": "closed", "user": user,
                "created_at": created.strftime(stamp), "updated_at": created.strftime(stamp),
                "closed_at": merged_at, "merged_at": merged_at, "draft": False, "merged": merged,
                "additions": size * 4 // 5, "deletions": size // 5, "labels": [],
                "base": {"ref": "main", "repo": {"full_name": "acme/app"}}, "head": {"ref": f"b{number}"},
                "merge_commit_sha": f"{number:040x}"}

    for a in range(authors):
        for week in range(before_per_author):
            pulls.append(pr(f"dev{a}", start + timedelta(weeks=week, hours=a), 100))
        for k in range(after_per_author):
            pulls.append(pr(f"dev{a}", start + timedelta(weeks=8 + k // 2, days=k % 2 * 2, hours=a), 250))
    pulls.append(pr("dependabot[bot]", start + timedelta(days=3), 10, bot=True))
    pulls.append(pr("dev0", start + timedelta(days=4), 50, merged=False))
    return json.dumps(pulls).encode()


def xlsx(*rows: list) -> bytes:
    """An .xlsx workbook whose first sheet holds ``rows`` (the first is the header)."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def exports_uploader(at):
    """The Data page's exports uploader: a fresh one (a new key) after every good upload."""
    upload_round = at.session_state["data_upload_round"] if "data_upload_round" in at.session_state else 0
    return at.file_uploader(key=f"data_uploader_{upload_round}")


WAVE_REVIEW_ROWS = (
    ("PRs / week", "prs_per_week"),
    ("Extra PRs / week", "extra_prs_per_week"),
    ("Review h / week", "review_hours_per_week"),
    ("Extra review h / week", "extra_review_hours_per_week"),
    ("Review capacity h / week", "review_capacity_hours_per_week"),
    ("Reviewers", "reviewers"),
    ("Reviewer utilisation", "utilization"),
    ("Review backlog growth h / week", "backlog_growth_hours_per_week"),
    ("Freed h / week", "net_hours_per_week"),
    ("Extra bugs / week", "extra_bugs_per_week"),
)
"""The Rollout plan sheet's live review rows (label) and the roi.rollout wave field each must equal."""
