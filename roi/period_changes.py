"""The scenario's measures before and after adoption, side by side with their relative change.

The Productivity page's "Before and after adoption" table: the inputs of methodology §1 per developer-week
(tasks T, merged PRs P, mean PR size L, bugs B), the review effort per PR E(L) of §2, and bugs per
completed task B/T, the denominator quality is judged by (methodology §1, "Denominators").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from roi.models import ReviewResult, Scenario

Measure = Literal[
    "tasks_per_dev_week", "prs_per_dev_week", "pr_size_loc", "review_effort_hours", "bugs_per_dev_week",
    "bugs_per_task",
]


@dataclass(frozen=True)
class PeriodChange:
    """One measure before and after adoption, in its own unit, and ``change`` = after / before − 1
    [fraction]; ``None`` when the before value is 0 (no relative change from nothing)."""

    measure: Measure
    before: float
    after: float

    @property
    def change(self) -> float | None:
        return self.after / self.before - 1.0 if self.before else None


def period_changes(scenario: Scenario, review: ReviewResult) -> list[PeriodChange]:
    """T, P, L [per developer-week; LOC], E(L) [h per PR], B [per developer-week] and B/T [per task], before
    (baseline) and after (an adopting developer), in that order."""
    b, a = scenario.baseline, scenario.post
    return [
        PeriodChange("tasks_per_dev_week", b.tasks_per_dev_week, a.tasks_per_dev_week),
        PeriodChange("prs_per_dev_week", b.prs_per_dev_week, a.prs_per_dev_week),
        PeriodChange("pr_size_loc", b.pr_size_loc, a.pr_size_loc),
        PeriodChange("review_effort_hours", review.baseline.effort_hours, review.post.effort_hours),
        PeriodChange("bugs_per_dev_week", b.bugs_per_dev_week, a.bugs_per_dev_week),
        PeriodChange("bugs_per_task", b.bugs_per_task, a.bugs_per_task),
    ]
