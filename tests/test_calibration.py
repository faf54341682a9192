"""Calibration of review_share from an observed baseline median time in review (METHODS §2)."""

from __future__ import annotations

import pytest

from roi import capacity
from roi.engine import compute
from roi.whatif import with_values


def with_observed(scenario, hours):
    return scenario.model_copy(update={"baseline": scenario.baseline.model_copy(update={"review_hours": hours})})


def test_calibrated_share_reproduces_the_observation(worked_example):
    # 24 calendar hours = 24 × 40/168 = 5.714 working hours in review.
    calibration = compute(with_observed(worked_example, 24.0)).review.calibration
    assert calibration.observed_hours == 24.0
    f = calibration.review_share
    assert 0 < f < 0.25  # slower than the 2.5 h the default share gives, so reviewers give it less time
    base = compute(worked_example).review.baseline
    again = capacity.queue_stats(base.arrival_per_hour, base.effort_hours, f, 17, 1.0, 1.5)
    assert again.time_in_review_hours == pytest.approx(24.0 * 40 / 168, rel=1e-9)
    # The post period at that share is predicted with the same f: unstable at 17 reviewers.
    assert calibration.post.stable is False


def test_observation_faster_than_full_time_reviewers_has_no_share(worked_example):
    # Full-time reviewers (f = 1) take at least E(L0) = 0.625 working h = 2.625 calendar h.
    calibration = compute(with_observed(worked_example, 1.0)).review.calibration
    assert calibration.review_share is None and calibration.post is None
    assert "faster than full-time reviewers" in calibration.reason


def test_no_observation_no_calibration(worked_example):
    assert compute(worked_example).review.calibration is None


def test_every_null_result_says_why(worked_example):
    results = compute(worked_example)
    # Unstable post queue: each missing wait figure carries the reason.
    assert set(results.review.post.null_reasons) == {"p_wait", "wait_hours", "time_in_review_hours", "wip_prs"}
    assert "210%" in results.review.post.null_reasons["wait_hours"]
    assert results.review.baseline.null_reasons == {}
    # No payback within 3 years.
    assert results.finance.payback_months is None
    assert "3-year horizon" in results.finance.null_reasons["payback_months"]
    free = worked_example.model_copy(update={"costs": worked_example.costs.model_copy(
        update={"tools": [], "training_hours_per_dev": 0, "one_off_cost": 0, "governance_fte": 0})})
    finance = compute(free).finance
    assert finance.roi is None and "nothing is spent" in finance.null_reasons["roi"]
    assert finance.payback_months == 0.0 and "payback_months" not in finance.null_reasons


def test_no_pool_found_says_whether_the_load_or_the_target_is_out_of_reach(worked_example):
    from roi.engine import _no_pool_reason

    # 1,000,000 developers × 50 PRs/week of 2,000 LOC keep 26,250,000 reviewers busy: beyond any search.
    huge = with_values(worked_example, {"team.developers": 1_000_000, "post.prs_per_dev_week": 50,
                                        "post.pr_size_loc": 2000, "review.reviewers": 1000})
    review = compute(huge).review
    assert review.post.offered_load == pytest.approx(26_250_000)
    assert review.reviewers_needed is None
    assert review.null_reasons["reviewers_needed"] == (
        "the post-adoption load keeps 26,250,000 reviewers busy, beyond the 1,000,000 the search tries; "
        "check the PRs per developer-week, PR size and review speed")
    # A reachable load with a target no pool meets names the pools tried: 10 × 35.71 + 1,000 = 1,357.
    assert _no_pool_reason(35.71425, 1e-9) == (
        "no pool up to 1,357 reviewers (10 × the offered load + 1,000) meets a 1e-09 h wait target; raise the target")


def test_a_pool_too_small_at_any_share_is_named_as_the_cause(worked_example):
    # 3 PRs per developer-week × 50 developers / 40 h = 3.75 PRs an hour of E(L) 0.625 h: 2.34 full-time
    # reviewers. With 2 the queue never clears even at f = 1; the message blamed the review speed.
    scenario = with_values(worked_example, {"baseline.review_hours": 20.0, "review.reviewers": 2})
    calibration = compute(scenario).review.calibration
    assert calibration is not None and calibration.review_share is None
    assert calibration.reason == (
        "the baseline's reviews keep 2.3 full-time reviewers busy, more than the 2 in the pool, so its queue never "
        "clears at any review share and no share explains the observed 20.0 calendar h; check the number of reviewers")
    # The demo's 14.571805… calendar h at 50,000 developers read "14.5718" under the page's "14.6 calendar h".
    from roi.models import load_scenario
    from tests.conftest import SCENARIOS

    huge = with_values(load_scenario(SCENARIOS / "demo_org.json"), {"team.developers": 50_000})
    assert compute(huge).review.calibration.reason.endswith(
        "no share explains the observed 14.6 calendar h; check the number of reviewers")
