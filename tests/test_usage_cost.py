"""Usage billing per active developer-month measured in Claude Code usage reports (roi.usage_cost, METHODS §3).

Every expected figure is worked by hand in the test's comment."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roi.errors import InputFormatError
from roi.ingest import read_exports, read_file
from roi.usage_cost import DAYS_PER_MONTH, describe, usage_costs

FIXTURES = Path(__file__).parent / "fixtures" / "ingest"


def record(day: str, email: str, cents: float | None, *, sessions: int = 1, customer: str = "api",
           terminal: str = "vscode", currency: str = "USD") -> dict:
    """One Claude Code usage record; ``cents`` None = no model_breakdown at all."""
    found = {"date": day, "actor": {"type": "user_actor", "email_address": email}, "customer_type": customer,
             "terminal_type": terminal, "core_metrics": {"num_sessions": sessions}, "tool_actions": {}}
    if cents is not None:
        found["model_breakdown"] = [{"model": "claude-sonnet-4-5", "tokens": {"input": 1, "output": 1},
                                     "estimated_cost": {"currency": currency, "amount": cents}}]
    return found


def page(*records: dict) -> tuple[str, bytes]:
    return "claude.json", json.dumps({"data": list(records), "has_more": False, "next_page": None}).encode()


def measured(*records: dict):
    return usage_costs(read_exports([page(*records)]))


def test_cost_per_developer_month_over_whole_calendar_months():
    found = measured(
        record("2026-02-20", "c@x.com", 9900),  # February starts after its first week: not measured
        record("2026-03-01", "a@x.com", 1000),
        record("2026-03-31", "b@x.com", 2000),
        record("2026-04-15", "a@x.com", 3000),
        record("2026-04-30", "a@x.com", 500),
        record("2026-05-10", "c@x.com", 9900),  # May ends before its last week: not measured
    )
    [cost] = found
    # March: a, b = 2 people; April: a = 1 → 3 developer-months; $10 + $20 + $30 + $5 = $65 → $21.67.
    assert (cost.tool, cost.currency, cost.whole_months) == ("Claude Code", "USD", 2)
    assert cost.total == pytest.approx(65.0) and cost.developer_months == 3 and cost.people == 2
    assert cost.per_dev_month == pytest.approx(65 / 3)
    assert (cost.first_day.isoformat(), cost.last_day.isoformat()) == ("2026-03-01", "2026-04-30")
    assert describe(cost) == (
        "Claude Code usage billing measured in your exports: $21.67 per active developer-month ($65 of estimated "
        "cost over 3 developer-months of 2 people; 2 whole calendar months, 1 Mar 2026 to 30 Apr 2026).")


def test_a_month_counts_when_the_export_starts_and_ends_within_a_week_of_its_edges():
    # 7 March to 25 March: first day ≤ 1 + 6 and last ≥ 31 − 6, so March is whole: $40 / 1 person.
    [cost] = measured(record("2026-03-07", "a@x.com", 1500), record("2026-03-25", "a@x.com", 2500))
    assert cost.whole_months == 1 and cost.per_dev_month == pytest.approx(40.0)


def test_a_shorter_export_is_scaled_to_a_month():
    # 10 to 19 March: no whole month. 2 people × 10 days / 30.4375 = 0.657 developer-months; $30 → $45.66.
    [cost] = measured(record("2026-03-10", "a@x.com", 1000), record("2026-03-19", "b@x.com", 2000))
    assert cost.whole_months == 0
    assert cost.developer_months == pytest.approx(2 * 10 / DAYS_PER_MONTH)
    assert cost.per_dev_month == pytest.approx(30 * 30.4375 / 20)  # 45.65625
    assert "10 days (10 Mar to 19 Mar 2026), scaled to a month" in describe(cost)
    assert "over 0.7 developer-months of 2 people" in describe(cost)


@pytest.mark.parametrize(("last", "days"), [("2026-03-10", "1 day"), ("2026-03-11", "2 days")])
def test_an_export_of_one_day_says_so_in_the_singular(last, days):
    [cost] = measured(record("2026-03-10", "a@x.com", 1000), record(last, "a@x.com", 1000))
    assert f"; {days} (10 Mar to " in describe(cost)


def test_terminals_add_up_and_a_repeated_page_counts_once():
    day = [record("2026-03-02", "a@x.com", 1000), record("2026-03-02", "a@x.com", 700, terminal="iTerm.app"),
           record("2026-03-30", "a@x.com", 300)]
    single = page(*day)[1]
    twice = json.dumps([json.loads(single), json.loads(single)]).encode()
    for data in (single, twice):
        tables, report = read_file("claude.json", data)
        # 2 March: $10 + $7 (two terminals) = $17; the second copy of the page adds nothing.
        assert tables["ai_user_days"]["cost"].tolist() == pytest.approx([17.0, 3.0])
    [cost] = usage_costs(read_exports([("claude.json", twice)]))
    assert cost.total == pytest.approx(20.0) and cost.developer_months == 1


def test_a_user_day_in_two_overlapping_files_counts_once():
    first = page(record("2026-03-01", "a@x.com", 1000), record("2026-03-15", "a@x.com", 2000))
    second = ("claude-2.json", page(record("2026-03-15", "a@x.com", 2000), record("2026-03-31", "a@x.com", 500))[1])
    [cost] = usage_costs(read_exports([first, second]))
    assert cost.total == pytest.approx(35.0)  # $10 + $20 + $5: 15 March once


def test_subscription_usage_is_paid_by_the_seat_and_gives_no_usage_billing():
    data = page(record("2026-03-01", "a@x.com", 5000, customer="subscription"),
                record("2026-03-31", "a@x.com", 5000, customer="subscription"))
    tables, report = read_file(*data)
    assert tables["ai_user_days"]["cost"].isna().all()
    assert any(n.startswith("Claude Code estimated costs of 2 subscription record(s) left out") for n in report.notes)
    assert usage_costs(read_exports([data])) == []


def test_no_breakdown_is_unknown_and_an_empty_breakdown_costs_nothing():
    no_breakdown = measured(record("2026-03-01", "a@x.com", None), record("2026-03-31", "a@x.com", None))
    assert no_breakdown == []
    empty = dict(record("2026-03-31", "b@x.com", None), model_breakdown=[])
    [cost] = measured(record("2026-03-01", "a@x.com", 1200), empty)
    # b was active and cost $0: 2 developer-months for $12 → $6.
    assert cost.per_dev_month == pytest.approx(6.0)


def test_costs_in_two_currencies_are_left_out_with_a_note():
    data = page(record("2026-03-01", "a@x.com", 1000), record("2026-03-31", "b@x.com", 1000, currency="EUR"))
    tables, report = read_file(*data)
    assert tables["ai_user_days"]["cost"].isna().all()
    assert any("several currencies (EUR, USD)" in n for n in report.notes)


def test_a_negative_or_textual_amount_names_the_record_and_field():
    for amount, words in ((-5, "is negative"), ("12", 'is the text "12", not a JSON number')):
        data = page(record("2026-03-01", "a@x.com", 100), record("2026-03-02", "a@x.com", amount))
        with pytest.raises(InputFormatError, match=words) as error:
            read_file(*data)
        assert (error.value.file, error.value.row, error.value.column) == (
            "claude.json", 2, "model_breakdown.estimated_cost.amount")


def test_the_bundled_fixtures_by_hand():
    # Cursor's daily usage has no cost.  Claude Code: alice (API billing) $0.12 on 1 Oct and $0 on 2 Oct;
    # carol is on a subscription (no cost); the API key is not a person.  2 days, 1 person active:
    # 1 × 2 / 30.4375 = 0.0657 developer-months → $0.12 / 0.0657 = $1.83 per developer-month.
    data = read_exports([FIXTURES / "cursor_daily_usage.json", FIXTURES / "claude_code_usage.json"])
    [cost] = usage_costs(data)
    assert (cost.total, cost.people, cost.whole_months) == (pytest.approx(0.12), 1, 0)
    assert cost.per_dev_month == pytest.approx(0.12 * 30.4375 / 2)
    assert usage_costs(read_exports([FIXTURES / "cursor_daily_usage.json"])) == []


@settings(max_examples=60, deadline=None)
@given(cents=st.lists(st.integers(0, 100_000), min_size=2, max_size=12), factor=st.integers(1, 5))
def test_the_figure_is_total_over_developer_months_and_scales_with_the_costs(cents, factor):
    days = [f"2026-03-{d:02d}" for d in range(1, 32)]
    records = [record(days[i * 30 // (len(cents) - 1)], f"p{i % 3}@x.com", c) for i, c in enumerate(cents)]
    [base] = measured(*records)
    [scaled] = measured(*(dict(r, model_breakdown=[{"model": "m", "estimated_cost": {
        "currency": "USD", "amount": r["model_breakdown"][0]["estimated_cost"]["amount"] * factor}}]) for r in records))
    assert base.per_dev_month * base.developer_months == pytest.approx(base.total)
    assert base.total == pytest.approx(sum(cents) / 100)
    assert scaled.per_dev_month == pytest.approx(base.per_dev_month * factor)
    assert base.developer_months == len({i % 3 for i in range(len(cents))})  # one whole month: one per person
