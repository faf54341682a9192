"""Engine: one full compute with 20,000 Monte Carlo draws; the capacity curve for 1..200 reviewers."""

from __future__ import annotations

from pathlib import Path

from bench.common import Row, median_ms
from roi import capacity
from roi.engine import compute, compute_review
from roi.models import load_scenario

WORKED_EXAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "scenarios" / "worked_example.json"


def run() -> list[Row]:
    scenario = load_scenario(WORKED_EXAMPLE)
    assert scenario.uncertainty is not None and scenario.uncertainty.draws == 20_000
    post = compute_review(scenario).post
    review = scenario.review

    def curve():
        return capacity.wait_curve(post.arrival_per_hour, post.effort_hours, review.review_share, 200,
                                   review.arrival_cv2, review.service_cv2)

    def curve_with_staffing():
        # What the Review capacity page draws: the curve plus reviewers needed for the target.
        curve()
        capacity.reviewers_needed(post.arrival_per_hour, post.effort_hours, review.review_share,
                                  review.arrival_cv2, review.service_cv2, review.target_wait_hours or 4.0)

    return [
        Row("engine", "full compute, 20,000 Monte Carlo draws", median_ms(lambda: compute(scenario), runs=9),
            "ms", target=100.0),
        Row("engine", "capacity curve 1..200 reviewers", median_ms(curve, runs=21), "ms", target=50.0),
        Row("engine", "capacity curve + reviewers needed", median_ms(curve_with_staffing, runs=21), "ms",
            target=50.0),
    ]
