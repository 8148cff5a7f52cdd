"""Budgets and rate limits for agent runs (F-34)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from rehome.core.agent import governance
from rehome.core.db import session_scope
from rehome.core.errors import RateLimited
from rehome.core.models import AgentRun, AgentThread
from tests.support import apply_env
from tests.world import build_world


@pytest.fixture
def world(db: str):
    return build_world()


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
    with session_scope() as s:
        thread = AgentThread(workspace_id=world.actors["team"].workspace_id, created_by=world.users["team"])
        s.add(thread)
        s.flush()
        s.add(
            AgentRun(
                thread_id=int(thread.id or 0),
                workspace_id=thread.workspace_id,
                user_id=world.users["team"],
                status="succeeded",
                cost_cents=85.0,
            )
        )
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
