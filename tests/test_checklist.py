"""Checklist rules fire on their thresholds and quote the numbers that triggered them."""

from __future__ import annotations

import pytest

from roi.engine import compute
from roi.whatif import with_value, with_values


def item(scenario, rule_id):
    return next((i for i in compute(scenario).checklist if i.id == rule_id), None)


def test_review_capacity_asks_for_the_missing_reviewers(worked_example):
    assert "add 20 reviewers (17 → 37)" in item(worked_example, "review-capacity").reason


def test_review_capacity_with_enough_reviewers_but_high_utilisation(worked_example):
    # 40 reviewers: ρ = 35.71/40 = 0.89 ≥ 0.85, yet 37 already meet the 4 h target.
    stretched = with_value(worked_example, "review.reviewers", 40)
    reason = item(stretched, "review-capacity").reason
    assert "89%" in reason and "keep at least 37 reviewers" in reason


def test_review_capacity_at_scale_writes_thousands_separators():
    # 50,000 developers in the demo read "12397% → 46897% … add 16849 reviewers (36 → 16885)".
    from roi.models import load_scenario
    from tests.conftest import SCENARIOS

    huge = with_value(load_scenario(SCENARIOS / "demo_org.json"), "team.developers", 50_000)
    assert item(huge, "review-capacity").reason == (
        "Reviewer utilisation goes 12,397% → 46,897% (unstable: 168,470 review hours pile up every week). To meet "
        "the 4.0 h target: add 16,849 reviewers (36 → 16,885) (19,863 keep utilisation under 85%, room for a busy "
        "week), pool reviewers across teams, and let an AI first-pass review catch the mechanical issues.")


def test_review_capacity_names_the_pool_that_leaves_slack_too():
    """The demo's action said "add 6 reviewers (36 → 42)"; at 42 the verdict calls reviewers "stretched to their
    limit" (96.5% busy). a = 40.52 reviewers busy: ⌊40.52 / 0.85⌋ + 1 = 48 keep utilisation under 85%."""
    from roi.models import load_scenario
    from tests.conftest import SCENARIOS

    demo = load_scenario(SCENARIOS / "demo_org.json")
    results = compute(demo)
    assert results.review.post.offered_load == pytest.approx(40.52, abs=0.01)
    assert ("To meet the 4.0 h target: add 6 reviewers (36 → 42) (48 keep utilisation under 85%, room for a busy "
            "week)") in item(demo, "review-capacity").reason
    assert compute(with_value(demo, "review.reviewers", 48)).review.post.utilization < 0.85
    assert compute(with_value(demo, "review.reviewers", 47)).review.post.utilization >= 0.85


@pytest.mark.parametrize(("n", "keep"), [(1, "keep at least 1 reviewer with"), (2, "keep at least 2 reviewers with")])
def test_review_capacity_keeps_a_pool_of_one_in_the_singular(worked_example, n, keep):
    # n developers and reviewers at 20% of their time: ρ 0.89 after adoption, yet n meet a 400 h target.
    small = with_values(worked_example, {"team.developers": n, "review.reviewers": n,
                                         "review.target_wait_hours": 400.0, "review.review_share": 0.2})
    assert f"To meet the 400.0 h target: {keep} their review time protected" in item(small, "review-capacity").reason


@pytest.mark.parametrize(("reviewers", "add"), [(36, "add 1 reviewer (36 → 37)"), (35, "add 2 reviewers (35 → 37)")])
def test_review_capacity_adds_one_reviewer_in_the_singular(worked_example, reviewers, add):
    assert add in item(with_value(worked_example, "review.reviewers", reviewers), "review-capacity").reason


def test_review_capacity_without_a_target_asks_for_one(worked_example):
    # 8 reviewers: ρ = 9.38/8 = 1.17 already before adoption, so with no target set there is no wait to keep.
    unstable = with_value(with_value(worked_example, "review.target_wait_hours", None), "review.reviewers", 8)
    assert compute(unstable).review.target_wait_hours is None
    reason = item(unstable, "review-capacity").reason
    assert "0.0 h" not in reason
    assert "No wait target is set and the queue was unstable even before adoption: set a target wait, " \
        "add reviewers" in reason


def test_review_capacity_fires_from_the_utilisation_limit_on(worked_example):
    # The same limit as the verdict's "review is the bottleneck": at exactly 85% (a stable queue) the item is
    # there, just below it is not. No scenario lands on 0.85 exactly, so the engine's review result is edited.
    from roi.checklist import ChecklistContext, _review_capacity

    staffed = with_value(worked_example, "review.reviewers", 40)  # 37 needed for the 4 h target: none short
    results = compute(staffed)

    def at(utilization: float):
        post = results.review.post.model_copy(update={"utilization": utilization, "stable": True})
        review = results.review.model_copy(update={"post": post})
        return _review_capacity(ChecklistContext(staffed, results.productivity, review, results.finance))

    assert at(0.85) is not None and at(0.8499) is None


def test_review_capacity_fires_when_the_pool_misses_the_target_below_the_utilisation_limit(worked_example):
    """6 developers, 1 reviewer, 1 → 1.5 PRs a week of 180 LOC: utilisation 63%, yet a 5.96 h wait against the
    4 h target, 2 reviewers needed; the rollout's wave table said "add 1" and the checklist said nothing (queue
    audit 3)."""
    small = with_values(worked_example, {
        "team.developers": 6, "review.reviewers": 1, "baseline.prs_per_dev_week": 1.0, "post.prs_per_dev_week": 1.5,
        "baseline.pr_size_loc": 180.0, "post.pr_size_loc": 180.0})
    results = compute(small)
    assert results.review.post.stable and results.review.post.utilization < 0.85
    assert results.review.post.wait_hours == pytest.approx(5.96, abs=0.01) and results.review.reviewers_needed == 2
    reason = item(small, "review-capacity").reason
    assert "(5.96 h average wait)" in reason or "(6.0 h average wait)" in reason
    assert "To meet the 4.0 h target: add 1 reviewer (1 → 2)" in reason
    # With no target the engine keeps today's wait: a miss of that alone is no action (it would call for reviewers
    # whenever the load grows).
    assert item(with_value(small, "review.target_wait_hours", None), "review-capacity") is None


def test_review_capacity_without_a_target_names_todays_wait_in_minutes(worked_example):
    """No target: the engine keeps today's wait, seconds long, which the item called "the 0.0 h target"."""
    unset = with_value(worked_example, "review.target_wait_hours", None)
    results = compute(unset)
    assert results.review.target_wait_hours < 1 / 60  # under a minute
    assert ("No wait target is set; to keep today's wait (under 1 min): add "
            in item(unset, "review-capacity").reason)


def test_review_capacity_at_exactly_full_utilisation_says_the_queue_never_settles(worked_example):
    # ρ = 1 is unstable, yet n·P·E − c·f·H = 0: it read "unstable: 0 review hours pile up every week".
    from roi.checklist import ChecklistContext, _review_capacity

    results = compute(worked_example)
    post = results.review.post.model_copy(update={"utilization": 1.0, "stable": False})
    review = results.review.model_copy(update={"post": post, "backlog_growth_hours_per_week": 0.0})
    reason = _review_capacity(ChecklistContext(worked_example, results.productivity, review, results.finance)).reason
    assert "(unstable: every review hour is taken, so waits grow without limit)" in reason


def test_review_capacity_quiet_below_the_limit(worked_example):
    assert item(with_value(worked_example, "review.reviewers", 60), "review-capacity") is None  # ρ = 0.60


def test_review_depth_asks_the_reading_speed_the_hours_left_after_each_reviews_fixed_effort_allow(worked_example):
    # c·f·H / (n·P1) = 17·0.25·40 / 297 = 0.5724 h per PR; less t0 = 0.25 h leaves 0.3224 h to read 381 LOC:
    # 1,182 LOC/h (n·P1·L1 / (c·f·H) = 666 left t0 out). 30 reviewers: 381 / (300/297 − 0.25) = 501 LOC/h.
    assert "reviewers would read 1,182 LOC/h" in item(worked_example, "review-depth").reason
    assert "read 501 LOC/h" in item(with_value(worked_example, "review.reviewers", 30), "review-depth").reason
    assert item(with_value(worked_example, "review.reviewers", 31), "review-depth") is None  # 480 LOC/h


def test_review_depth_when_the_hours_per_pr_do_not_cover_the_fixed_effort(worked_example):
    # 7 reviewers: 70 / 297 = 0.24 h per PR, under t0 = 0.25 h: no reading speed is enough.
    reason = item(with_value(worked_example, "review.reviewers", 7), "review-depth").reason
    assert reason.startswith("Reviewers have 0.24 h per PR, not even the 0.25 h each review takes before reading")


def test_pr_size_limit_fires_on_growth_alone(worked_example):
    # 150 → 190 LOC is under 400 LOC but +26.7% > 25%.
    grown = with_value(worked_example, "post.pr_size_loc", 190)
    # It said only "above 400 LOC reviews find fewer defects" of PRs of 190 LOC: the growth is what fired it.
    assert item(grown, "pr-size-limit").reason.startswith(
        "Adopters' PR size goes 150 → 190 LOC (+27%); growth over 25% makes each review longer, and above 400 LOC reviews "
        "find fewer defects (SmartBear/Cisco): cap it before it gets there")
    assert item(with_value(worked_example, "post.pr_size_loc", 185), "pr-size-limit") is None  # +23%
    big = with_value(worked_example, "post.pr_size_loc", 450)
    assert item(big, "pr-size-limit").reason.startswith(
        "Adopters' PR size goes 150 → 450 LOC (+200%); above 400 LOC reviews find fewer defects (SmartBear/Cisco), and time")


def test_test_automation_fires_when_bugs_per_task_rise(worked_example):
    # 0.5/4 = 0.125 before; 0.7/4.84 = 0.145 after.
    worse = with_value(worked_example, "post.bugs_per_dev_week", 0.7)
    assert "0.125 → 0.145" in item(worse, "test-automation").reason
    assert item(worked_example, "test-automation") is None  # Faros: bugs per task fell


def test_test_automation_ignores_a_rise_within_one_percent(worked_example):
    # 0.125 bugs per task before; after, 4.84 tasks: × 1.008 is +0.8%, not a slip; × 1.02 (0.1275) is.
    flat = with_value(worked_example, "post.bugs_per_dev_week", 0.125 * 4.84 * 1.008)
    assert item(flat, "test-automation") is None
    up = with_value(worked_example, "post.bugs_per_dev_week", 0.125 * 4.84 * 1.02)
    assert "0.125 → 0.128" in item(up, "test-automation").reason


def test_a_small_rate_that_rose_never_reads_unchanged(worked_example):
    """Bugs per task +14% read "0.001 → 0.001", a change failure rate 0.5% → 0.51% "0.5% → 0.5%", rework "0.4% to
    0.4%" (queue audit 5): decimals are added until the two values read apart."""
    rare = with_values(worked_example, {"baseline.bugs_per_dev_week": 0.004, "post.bugs_per_dev_week": 0.004 * 1.21 * 1.14,
                                        "baseline.change_failure_rate": 0.005, "post.change_failure_rate": 0.0051,
                                        "baseline.rework_rate": 0.004, "post.rework_rate": 0.00406})
    assert "change failure rate 0.50% → 0.51%; bugs per task 0.0010 → 0.0011." in item(rare, "test-automation").reason
    assert "rise from 0.40% to 0.41% of deployments" in item(rare, "rework").reason


def test_size_and_growth_rules_fire_just_past_their_limits_and_say_so(worked_example):
    """At exactly 400 LOC, +25% and +15% nothing fires; just past them it does, and the figures read past the
    limit: 400.01 LOC read "400 LOC; above 400 LOC" (queue audit 6)."""
    near = with_values(worked_example, {"baseline.pr_size_loc": 350.0, "post.pr_size_loc": 400.0})  # +14%
    assert item(near, "pr-size-limit") is None
    over = with_value(near, "post.pr_size_loc", 400.01)
    assert item(over, "pr-size-limit").reason.startswith(
        "Adopters' PR size goes 350 → 400.01 LOC (+14%); above 400 LOC reviews find fewer defects")
    grown = with_values(worked_example, {"baseline.pr_size_loc": 150.0, "post.pr_size_loc": 187.5})  # +25.0%
    assert item(grown, "pr-size-limit") is None
    past = with_value(grown, "post.pr_size_loc", 187.506)  # +25.004%
    assert item(past, "pr-size-limit").reason.startswith(
        "Adopters' PR size goes 150 → 188 LOC (+25.004%); growth over 25% makes each review longer")
    busy = with_value(worked_example, "post.tasks_per_dev_week", 4.6)  # +15.0% of 4.0
    assert item(busy, "workload-watch") is None
    busier = with_value(worked_example, "post.tasks_per_dev_week", 4.6004)  # +15.01%
    assert item(busier, "workload-watch").reason.startswith("Tasks per developer rise +15.01% (over 15%)")


def test_idle_seats_cost_is_money_as_every_page_writes_it(worked_example):
    # METHODS §5: idle seat cost 0 / 7,020 / 2,340 / 2,340 → 11,700 over the horizon, 7,020 in year 1.
    item = next(i for i in compute(worked_example).checklist if i.id == "idle-seats")
    assert item.reason.startswith("Seats nobody uses cost $11,700 over the horizon ($7,020 in year 1):")


def test_expectation_setting_rounds_as_the_summary_does(worked_example):
    # g = 4.84 / 4.0 − 1 = +21.0%, QAPI − 1 = 0.85215 / 30 = +2.8%: the summary's tiles, not "+21%" and "+3%".
    assert item(worked_example, "expectation-setting").reason == (
        "Output rises +21.0% but quality-adjusted productivity only +2.8%: plan roadmaps on the smaller figure, "
        "not the headline, and commit to its downside (the Rollout plan's roadmap commit, at P10)."
    )
    # A net loss is written with the app's minus sign: PRs at 600 LOC make N = 6.3 − (5.94 × 1.75 − 1.875)
    # − 0.18 = −2.40 h, QAPI − 1 = −8.0%.
    worse = with_value(worked_example, "post.pr_size_loc", 600)
    assert "only −8.0%:" in item(worse, "expectation-setting").reason


def test_expectation_setting_is_quiet_when_the_quality_adjusted_gain_is_near_the_headline(worked_example):
    # Bugs per task kept (0.5 × 4.84 / 4.0) and PRs no larger: g = +21%, QAPI − 1 = +13.5%, above half of g
    # (10.5%), so no roadmap warning; the gap is relative to g, not an absolute 50 points.
    close = with_values(worked_example, {"post.bugs_per_dev_week": 0.5 * 4.84 / 4.0, "post.pr_size_loc": 150})
    results = compute(close)
    assert results.productivity.output_change == pytest.approx(0.21)
    assert results.productivity.qapi - 1 == pytest.approx(0.13475)
    assert item(close, "expectation-setting") is None


def test_rework_is_quiet_when_the_rate_does_not_rise(worked_example):
    # Unplanned deployments 5% before and after: no "rise from 5.0% to 5.0%" item.
    flat = with_values(worked_example, {"baseline.rework_rate": 0.05, "post.rework_rate": 0.05})
    assert item(flat, "rework") is None
    assert "5.0%" in item(with_value(flat, "post.rework_rate", 0.06), "rework").reason
    # a rise within rounding is no rise ("rise from 10.0% to 10.0%" fired), as for test-automation: 1% of the baseline
    assert item(with_values(flat, {"baseline.rework_rate": 0.1, "post.rework_rate": 0.10001}), "rework") is None
    assert item(with_values(flat, {"baseline.rework_rate": 0.1, "post.rework_rate": 0.1011}), "rework") is not None


def test_no_payback_leads_with_the_verdicts_npv_and_reason(worked_example):
    # METHODS §5 without ranges: NPV −8,499.02 (no chance of a loss to give), G = 6.30 h, N = 0.852 h, below the
    # 0.9017 h break-even; PV(costs) $154,558, half of it licences (39 × 12 × 50 × (0.7, 0.9, 0.9) seats, discounted).
    fixed = worked_example.model_copy(update={"uncertainty": None})
    checklist = compute(fixed).checklist
    assert checklist[0].id == "no-payback"  # before baseline-first, the other priority-1 item of this scenario
    first = checklist[0]
    assert (first.category, first.priority, first.owner_role, first.due_week) == ("cost", 1, "VP Engineering", 4)
    assert first.title == "Do not scale the rollout until the numbers pay back"
    assert first.reason == (
        "The net present value over 3 years is −$8.5k. The review tax and extra bugs cut the gain from 6.30 h to "
        "0.85 h per developer-week, below the 0.90 h it takes to pay back the costs ($155k, 50% of them licences at "
        "$39 per seat-month). Keep the rollout to the pilot: renegotiate the licence price or cut what eats the "
        "gain, re-measure on the pilot's exports, and expand only once the scenario pays back."
    )


def test_no_payback_follows_the_verdict_not_the_npv_alone(worked_example):
    """With its ranges the worked example's NPV is −$8.5k but P(NPV > 0) ≈ 0.55: the verdict says "Uncertain",
    so the checklist does not say it does not pay back. A one-off cost of $100,000 instead of $5,000 takes
    95,000 × 1.1 (cost risk) = $104,500 more off the NPV: −$113.0k (−$113k), and the chance of a loss passes 50%."""
    from roi.verdict import loss_chance, tone_of

    for scenario, tone in ((worked_example, "split_loss"),
                           (with_value(worked_example, "costs.one_off_cost", 100_000.0), "bad"),
                           (with_value(worked_example, "costs.tools.0.price_per_seat_month", 19.0), "mixed")):
        results = compute(scenario)
        assert tone_of(results.finance.npv, loss_chance(results)) == tone
        assert ("no-payback" in [i.id for i in results.checklist]) == (tone == "bad")
    dear = item(with_value(worked_example, "costs.one_off_cost", 100_000.0), "no-payback")
    assert dear.reason.startswith("The net present value over 3 years is −$113k, with a 52% chance of losing "
                                  "money. ")


def test_no_payback_names_the_chance_of_a_loss_when_the_ranges_give_one():
    # The demo at $2,000 a seat-month: every simulated outcome loses (P10 −$7.1M, P90 −$5.0M).
    from roi.models import load_scenario
    from tests.conftest import SCENARIOS

    dear = with_value(load_scenario(SCENARIOS / "demo_org.json"), "costs.tools.0.price_per_seat_month", 2000.0)
    first = compute(dear).checklist[0]
    assert first.id == "no-payback"
    assert first.reason.startswith("The net present value over 3 years is −$6.3M, with a >99% chance of losing "
                                   "money. The costs ($8.0M, 99% of them licences at $2,000 per seat-month) outweigh")


def test_estimates_typed_over_a_measurement_name_what_is_left_to_measure():
    # A consultant typed two values over the demo's 20 exports: the first action said "The scenario's periods are
    # not measured from exports … export 3–6 months of PRs", though all but two values were measured.
    from roi.models import load_scenario
    from roi.whatif import with_estimates
    from tests.conftest import SCENARIOS

    demo = load_scenario(SCENARIOS / "demo_org.json")
    typed = with_estimates(demo, {"tasks_per_dev_week": (1.2, 1.4, None, None),
                                  "prs_per_dev_week": (1.9, 2.2, None, None)})
    first = item(typed, "baseline-first")
    assert first.title == "Measure what was estimated"
    assert first.reason.startswith("The scenario is measured from exports except completed tasks per "
                                   "developer-week, merged PRs per developer-week, typed as estimates: export")


def test_rule_ids_name_every_id_a_rule_can_give():
    """An id missing from RULE_IDS would make the engine's own item read as an action the team added."""
    import inspect
    import re

    from roi.checklist import RULE_IDS, RULES

    given = {found for rule in RULES for found in re.findall(r'\bid="([^"]+)"', inspect.getsource(rule))}
    assert len(given) == len(RULES)  # one id per rule (baseline-first's two items share theirs)
    assert given == RULE_IDS


def test_an_action_the_team_added_stays_on_the_plan_as_a_todo(worked_example):
    from roi.rollout import OWN_ACTION_REASON, rollout_report
    from roi.rollout_models import ChecklistTracking
    from roi.rollout_tables import checklist_input_rows, default_tracking, tracking_from_rows

    results = compute(worked_example)
    report = rollout_report(worked_example, results)
    rows = checklist_input_rows(report) + [{"id": "vendor-review", "title": "Security review of the vendor",
                                            "owner_role": None, "due_week": None, "status": "todo", "notes": ""}]
    # the app's table sends every row back: the team's own action, untouched, is kept, the engine's are not stored
    tracking = tracking_from_rows(rows, default_tracking(report, results))
    assert tracking == [ChecklistTracking(item_id="vendor-review", title="Security review of the vendor")]
    # an engine item that stopped firing, with nothing recorded against it, still goes
    assert tracking_from_rows([{**rows[-1], "id": "rework", "title": "Track and cut deployment rework"}], []) == []
    plan = report.plan.model_copy(update={"checklist": tracking})
    shown = rollout_report(worked_example.model_copy(update={"rollout": plan}), results).checklist
    assert [(i.id, i.reason, i.fires) for i in shown if i.id == "vendor-review"] == [
        ("vendor-review", OWN_ACTION_REASON, False)]
