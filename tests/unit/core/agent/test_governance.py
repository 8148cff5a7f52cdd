"""Budgets and rate limits for agent runs (F-34)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest

from rehome.core.agent import governance, ledger
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import Forbidden, RateLimited
from rehome.core.models import AgentRun, AgentThread
from tests.support import apply_env
from tests.world import build_world


@pytest.fixture
def world(db: str):
    return build_world()


def _run_at(world, when: datetime, cents: float, user: str = "admin") -> None:
    """A finished run of `user`'s that cost `cents`, started at `when`."""
    with session_scope() as s:
        thread = AgentThread(workspace_id=world.actors[user].workspace_id, created_by=world.users[user])
        s.add(thread)
        s.flush()
        s.add(
            AgentRun(
                thread_id=int(thread.id or 0),
                workspace_id=thread.workspace_id,
                user_id=world.users[user],
                status="succeeded",
                cost_cents=cents,
                created_at=when,
            )
        )


def test_rate_limit_lets_exactly_five_of_twenty_parallel_asks_through(world) -> None:
    def attempt(_: int) -> bool:
        try:
            governance.check_rate(world.actors["team"])
        except RateLimited:
            return False
        return True

    with ThreadPoolExecutor(max_workers=20) as pool:
        assert sum(pool.map(attempt, range(20))) == 5


def test_parallel_reservations_never_overspend(world) -> None:
    apply_env(AI_BUDGET_USER_DAY_CENTS="10")

    def attempt(_: int) -> bool:
        try:
            with session_scope() as s:
                governance.reserve(s, world.actors["team"], 3.0)
        except governance.BudgetExhausted:
            return False
        return True

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert sum(pool.map(attempt, range(12))) == 3  # 3 x 3¢ fits in 10¢, a fourth would not
    with session_scope() as s:
        lines = governance.status(s, world.actors["team"])
    assert lines[0].used_cents == pytest.approx(9.0)


def test_budgets_start_from_what_the_database_says_and_warn_at_80_percent(world) -> None:
    apply_env(AI_BUDGET_USER_DAY_CENTS="100")
    _run_at(world, utcnow(), 85.0, user="team")
    with session_scope() as s:
        lines = governance.status(s, world.actors["team"])
    assert lines[0].used_cents == pytest.approx(85.0)
    assert "85%" in governance.warning(lines)
    with session_scope() as s, pytest.raises(governance.BudgetExhausted) as caught:
        governance.reserve(s, world.actors["team"], 20.0)
    assert caught.value.status == 429
    assert caught.value.retry_after > 0


def test_settle_replaces_the_reservation_with_the_real_cost(world) -> None:
    with session_scope() as s:
        keys = governance.reserve(s, world.actors["client"], 5.0)
    governance.settle(keys, 5.0, 0.25)
    with session_scope() as s:
        lines = governance.status(s, world.actors["client"])
    assert lines[0].used_cents == pytest.approx(0.25)


def test_plan_uses_offline_without_keys_and_the_fallback_with_one(world) -> None:
    with session_scope() as s:
        assert governance.plan(s, world.actors["team"].workspace_id) == [("offline", "offline")]
    apply_env(ANTHROPIC_API_KEY="sk-test", OPENAI_API_KEY="sk-test")
    with session_scope() as s:
        assert governance.plan(s, world.actors["team"].workspace_id) == [
            ("anthropic", "claude-3-5-haiku-20241022"),
            ("openai", "gpt-4o-mini"),
        ]


@pytest.mark.parametrize("any_db", ["sqlite", "postgres"], indirect=True)
def test_cost_summary_adds_up_this_month_by_utc_day(any_db: str) -> None:
    world = build_world()
    now = utcnow()
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    _run_at(world, month_start + timedelta(minutes=5), 1.25)  # the month's first minutes
    _run_at(world, month_start + timedelta(minutes=50), 0.75)
    _run_at(world, now, 2.0)
    _run_at(world, month_start - timedelta(minutes=1), 99.0)  # last month: not counted
    with session_scope() as s:
        summary = ledger.cost_summary(s, world.actors["admin"])
    assert summary.month_runs == 3
    assert summary.month_cents == pytest.approx(4.0)
    assert [d.day for d in summary.days] == [
        month_start.date() + timedelta(days=i) for i in range((now.date() - month_start.date()).days + 1)
    ]
    first, last = summary.days[0], summary.days[-1]
    if first is last:  # the first of the month: one day holds all three
        assert (first.runs, first.cents) == (3, pytest.approx(4.0))
    else:
        assert (first.runs, first.cents) == (2, pytest.approx(2.0))
        assert (last.runs, last.cents) == (1, pytest.approx(2.0))


def test_cost_summary_is_for_admins_only(world) -> None:
    with session_scope() as s, pytest.raises(Forbidden):
        ledger.cost_summary(s, world.actors["team"])
