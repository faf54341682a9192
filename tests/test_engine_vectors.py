"""The test vectors of docs/methodology.md (METHODS §2 and §5), reproduced to 1e-4 relative.

Expected values come from the methodology's worked example, computed by hand from the formulas
(see the comments); Monte Carlo figures are checked within their sampling error.
"""

from __future__ import annotations

import json

import pytest

from roi import capacity
from roi.engine import compute
from roi.models import Scenario

REL = 1e-4


@pytest.fixture(scope="module")
def results(worked_example):
    return compute(worked_example)


@pytest.fixture(scope="module")
def uncertainty(results):
    return results.uncertainty


class TestErlangC:
    # METHODS §2 test vectors.
    @pytest.mark.parametrize(
        ("servers", "load", "expected"),
        [(3, 2.5, 0.702247), (10, 6, 0.101299), (100, 95, 0.506457), (1000, 950, 0.068253), (5000, 4990, 0.834367)],
    )
    def test_vectors(self, servers, load, expected):
        # To the 6 decimals METHODS gives (half a unit of the last one), not only 1e-4 relative.
        assert capacity.erlang_c(servers, load) == pytest.approx(expected, abs=5e-7)

    def test_help_desk_staffing(self):
        # λ = 30/h, μ = 12/h → a = 2.5; the smallest c with P(wait) ≤ 0.1 is 6, where C = 0.0474.
        load = 30 / 12
        first_ok = next(c for c in range(3, 20) if capacity.erlang_c(c, load) <= 0.1)
        assert first_ok == 6
        assert capacity.erlang_c(6, load) == pytest.approx(0.0474, abs=5e-5)

    @pytest.mark.parametrize(("rho", "wait"), [(0.5, 1.25), (0.8, 5.0), (0.9, 11.25), (0.95, 23.75)])
    def test_kingman_single_server(self, rho, wait):
        # Kingman G/G/1: Wq = ρ/(1−ρ)·(ca²+cs²)/2·E with E = 1 h, ca² = 1, cs² = 1.5.
        stats = capacity.queue_stats(rho, 1.0, 1.0, 1, 1.0, 1.5)
        assert stats.wait_hours == pytest.approx(wait, rel=REL)

    def test_unstable_queue_reports_null_not_a_number(self):
        stats = capacity.queue_stats(2.0, 1.0, 1.0, 1, 1.0, 1.5)
        assert stats.stable is False
        assert stats.wait_hours is None and stats.time_in_review_hours is None and stats.p_wait is None


class TestWorkedExample:
    """METHODS §5: 50 developers, T 4.0 → 4.84, P 3 → 5.94, L 150 → 381, B 0.5 → 0.545."""

    def test_productivity(self, results):
        p = results.productivity
        assert p.output_change == pytest.approx(0.21, rel=REL)
        assert p.gross_gain_hours == pytest.approx(6.30, rel=REL)  # 0.21 × 30 h
        assert p.review_tax_hours == pytest.approx(5.26785, rel=REL)  # 5.94·1.2025 − 3·0.625
        assert p.defect_hours == pytest.approx(0.180, rel=REL)  # 0.045 × 4 h
        assert p.net_hours == pytest.approx(0.85215, rel=REL)
        assert p.qapi == pytest.approx(1.028405, rel=REL)  # 1 + 0.85215/30
        assert p.naive_index == pytest.approx(1.1011, rel=REL)  # 1.21 × 0.91

    def test_review_capacity(self, results):
        r = results.review
        assert r.baseline.utilization == pytest.approx(0.5515, rel=1e-3)
        assert r.baseline.wait_hours == pytest.approx(0.00726, rel=1e-3)
        assert r.baseline.time_in_review_hours == pytest.approx(2.507, rel=1e-3)
        assert r.post.utilization == pytest.approx(2.101, rel=1e-3)
        assert r.post.stable is False and r.post.wait_hours is None
        assert r.backlog_growth_hours_per_week == pytest.approx(187.1425, rel=REL)
        assert r.reviewers_needed == 37
        assert r.min_time_in_review_hours == pytest.approx(4.81, rel=REL)

    def test_cash_flows(self, results):
        f = results.finance
        # Money to the cent METHODS gives it in (half a cent either way), not only 1e-4 relative (±$5).
        assert f.costs_by_year == pytest.approx([25432, 51086.09, 52406.09, 52406.09], abs=0.005)
        assert f.benefits_by_year == pytest.approx([0, 49719.88, 63925.57, 63925.57], abs=0.005)
        assert f.idle_seat_cost_by_year == pytest.approx([0, 7020, 2340, 2340], abs=0.005)

    def test_npv_roi_payback(self, results):
        f = results.finance
        assert f.pv_benefits == pytest.approx(146059.17, abs=0.005)
        assert f.pv_costs == pytest.approx(154558.19, abs=0.005)
        assert f.npv == pytest.approx(-8499.02, abs=0.005)
        assert f.roi == pytest.approx(-0.0550, rel=1e-3)
        assert f.payback_months is None
        assert f.break_even_net_hours == pytest.approx(0.9017, rel=REL)

    def test_pr_size_held_to_plus_25_percent(self, worked_example):
        held = worked_example.model_copy(update={"post": worked_example.post.model_copy(update={"pr_size_loc": 187.5})})
        p = compute(held).productivity
        assert p.net_hours == pytest.approx(3.726, rel=1e-3)
        assert p.qapi == pytest.approx(1.124, rel=1e-3)

    def test_checklist_fires_on_the_numbers(self, results):
        ids = [item.id for item in results.checklist]
        # Fires: estimated baseline, unstable reviews, +154% PR size, 1,182 LOC/h review speed,
        # QAPI−1 (2.8%) below half of g (10.5%), g 21% > 15%, idle seats. Bugs per task fell.
        for expected in ("baseline-first", "review-capacity", "pr-size-limit", "review-depth",
                         "expectation-setting", "workload-watch", "idle-seats", "monitor-each-wave",
                         "small-batches", "ai-policy"):
            assert expected in ids
        assert "test-automation" not in ids and "rework" not in ids
        # NPV −8,499.02 but P(NPV > 0) ≈ 0.55: the verdict is "Uncertain", not "Does not pay back".
        assert "no-payback" not in ids
        capacity_item = next(i for i in results.checklist if i.id == "review-capacity")
        assert "17 → 37" in capacity_item.reason and "187" in capacity_item.reason
        assert [i.priority for i in results.checklist] == sorted(i.priority for i in results.checklist)


class TestMonteCarlo:
    """METHODS §5 uncertainty: P10 ≈ −750k, P50 ≈ +79k, P90 ≈ +884k, P(NPV>0) ≈ 0.55 (±2%)."""

    def test_percentiles_within_sampling_error(self, uncertainty):
        spread = 884_000 - (-750_000)
        assert uncertainty.draws == 20_000
        assert uncertainty.npv_p10 == pytest.approx(-750_000, abs=0.02 * spread)
        assert uncertainty.npv_p50 == pytest.approx(79_000, abs=0.02 * spread)
        assert uncertainty.npv_p90 == pytest.approx(884_000, abs=0.02 * spread)
        assert uncertainty.prob_npv_positive == pytest.approx(0.55, abs=0.02)
        assert sum(uncertainty.histogram_counts) == 20_000

    def test_another_seed_agrees_within_sampling_error(self, worked_example):
        reseeded = worked_example.model_copy(
            update={"uncertainty": worked_example.uncertainty.model_copy(update={"seed": 7})}
        )
        other = compute(reseeded).uncertainty
        assert other.prob_npv_positive == pytest.approx(0.55, abs=0.02)
        assert other.npv_p50 == pytest.approx(79_000, abs=0.02 * 1_634_000)

    def test_tornado_order_and_swings(self, uncertainty):
        expected = [
            ("productivity_uplift", 1.43e6), ("review.loc_per_hour", 443e3), ("pr_size_growth", 318e3),
            ("pr_count_growth", 262e3), ("finance.capture_factor", 73e3), ("team.loaded_cost_per_hour", 37e3),
            ("quality.fix_hours_per_bug", 35e3),
        ]
        assert [row.input for row in uncertainty.tornado] == [name for name, _ in expected]
        for row, (_, swing) in zip(uncertainty.tornado, expected):
            # The methodology rounds swings to 3 significant figures.
            assert row.swing == pytest.approx(swing, rel=0.01)
            assert row.swing == pytest.approx(abs(row.npv_high - row.npv_low))

    def test_no_uncertainty_section_means_no_uncertainty(self, worked_example):
        # CONTRACT: `uncertainty` omitted or null → no Monte Carlo, no tornado, results `uncertainty: null`.
        results = compute(worked_example.model_copy(update={"uncertainty": None}))
        assert results.uncertainty is None
        assert json.loads(results.model_dump_json())["uncertainty"] is None

    def test_empty_ranges_keep_the_block_and_null_only_the_tornado(self, worked_example):
        # CONTRACT "Results JSON": tornado is null when there are no ranges; the block stays.  Nothing
        # is uncertain, so every draw is the point NPV (−8,499.02, METHODS §5): P10 = P50 = P90 = mean,
        # P(NPV > 0) = 0.
        spec = worked_example.uncertainty.model_copy(update={"ranges": {}})
        results = compute(worked_example.model_copy(update={"uncertainty": spec}))
        block = json.loads(results.model_dump_json())["uncertainty"]
        assert block["tornado"] is None
        for key in ("npv_p10", "npv_p50", "npv_p90", "npv_mean"):
            assert block[key] == pytest.approx(-8_499.02, abs=0.01)
            assert block[key] == pytest.approx(results.finance.npv, rel=1e-12)
        assert block["prob_npv_positive"] == 0.0
        assert block["draws"] == 20_000 and sum(block["histogram_counts"]) == 20_000


def test_a_baseline_wait_that_underflows_to_zero_gives_a_one_second_target():
    # 200 developers, 1 PR a week each before, 400 reviewers: ρ 2.5%, Wq underflows to 0.0 h. The target "keep
    # today's wait" was 0 h, which no pool meets: reviewers needed was null with "raise the target".
    scenario = Scenario.model_validate({
        "team": {"developers": 200},
        "baseline": {"tasks_per_dev_week": 4, "prs_per_dev_week": 1, "pr_size_loc": 100},
        "post": {"tasks_per_dev_week": 4.4, "prs_per_dev_week": 2, "pr_size_loc": 150},
        "review": {"reviewers": 400}})
    review = compute(scenario).review
    assert review.baseline.wait_hours == 0.0
    assert review.target_wait_hours == 1 / 3600 and "reviewers_needed" not in review.null_reasons
    # λ = 200·2/40 = 10 PRs/h, E(L) = 0.25 + 150/400 = 0.625 h at f = 0.25: a = 25. Reviewers needed is the first
    # pool whose wait is at most a second.
    def wait(reviewers: int) -> float:
        return capacity.queue_stats(10.0, 0.625, 0.25, reviewers, 1.0, 1.5).wait_hours  # default cs² 1.5

    assert review.post.offered_load == pytest.approx(25.0)
    needed = review.reviewers_needed
    assert wait(needed) <= 1 / 3600 < wait(needed - 1)


def test_break_even_without_costs_is_zero_not_rounding_noise():
    """Nothing priced: NPV = slope × N, so the break-even N − NPV/slope is 0; it came out −4.4e-16 (CLI audit L4)."""
    from roi.models import parse_scenario

    free = parse_scenario(json.dumps({
        "schema_version": 1, "team": {"developers": 50}, "review": {"reviewers": 10},
        "baseline": {"tasks_per_dev_week": 4, "prs_per_dev_week": 3, "pr_size_loc": 150},
        "post": {"tasks_per_dev_week": 4.5, "prs_per_dev_week": 3.5, "pr_size_loc": 200}}))
    assert compute(free).finance.break_even_net_hours == 0.0


def test_break_even_does_not_depend_on_the_net_hours_it_is_computed_at(worked_example):
    """N* depends on costs, adoption and value per hour, not on N: computed as N − NPV/slope it lost digits far
    from N* (2e-5 relative at N = −5,905 h; fin audit 5)."""
    from roi.whatif import with_value

    expected = compute(worked_example).finance.break_even_net_hours
    assert expected == pytest.approx(0.9017, abs=5e-5)  # METHODS §5
    for size in (381.0, 1e6, 1e7):  # N from +0.85 h to −148,493 h a developer-week
        far = compute(with_value(worked_example, "post.pr_size_loc", size)).finance.break_even_net_hours
        assert far == pytest.approx(expected, rel=1e-13)
