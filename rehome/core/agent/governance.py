"""Rate limits, budgets and the provider plan for agent runs (F-34).

Budgets (per user per day, per workspace per day, per workspace per month)
are counted in Redis in micro-cents, seeded from the database, and a run
reserves its worst case (full context plus `AI_MAX_TOKENS` of answer) before
it starts; one Lua call checks all three and reserves in all three, so
parallel runs can never overspend. After the run the reservation is settled
to the real cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from rehome.core.access import Actor
from rehome.core.infra import ratelimit
from rehome.core.infra.clock import utcnow
from rehome.core.infra.errors import RateLimited
from rehome.core.infra.kv import get_redis
from rehome.core.models import AgentRun, Workspace
from rehome.core.vocab import ACTIVE_RUN_STATUSES
from rehome.settings import get_settings

MICRO = 10_000  # micro-cents per cent: integer counters, no float drift
WARN_AT = 0.8
_RESERVE = """
local amount = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') + amount > tonumber(ARGV[i + 1]) then return i end
end
for i, key in ipairs(KEYS) do redis.call('INCRBY', key, amount) end
return 0
"""
# A counter Redis lost (restarted empty) is left for `_seed` to rebuild from
# the database, which by then has this run's real cost.
_SETTLE = """
for i, key in ipairs(KEYS) do
  if redis.call('EXISTS', key) == 1 then redis.call('INCRBY', key, ARGV[1]) end
end
return 0
"""
_NETWORK = {"anthropic": "anthropic_api_key", "openai": "openai_api_key"}


class BudgetExhausted(RateLimited):
    code = "budget_exhausted"


@dataclass(frozen=True, slots=True)
class Payer:
    """Whose budgets a run counts against: a workspace, and the person who
    asked (None for scheduled digests, which count against the workspace only)."""

    workspace_id: int
    user_id: int | None = None


@dataclass(frozen=True, slots=True)
class Period:
    label: str
    key: str
    limit_cents: float
    starts: datetime
    ends: datetime


@dataclass(frozen=True, slots=True)
class BudgetLine:
    label: str
    used_cents: float
    limit_cents: float

    @property
    def share(self) -> float:
        return self.used_cents / self.limit_cents if self.limit_cents else 1.0


def check_rate(actor: Actor) -> None:
    """5 a minute and 50 a day per user, 500 a day per workspace (configurable)."""
    settings = get_settings()
    ratelimit.hit(
        [
            (ratelimit.Limit("agent-min", settings.agent_rate_per_minute, 60), actor.user_id),
            (ratelimit.Limit("agent-day", settings.agent_rate_per_day, 86400), actor.user_id),
            (
                ratelimit.Limit("agent-ws-day", settings.agent_rate_workspace_per_day, 86400),
                actor.workspace_id,
            ),
        ]
    )


def periods(session: Session, actor: Actor | Payer, now: datetime | None = None) -> list[Period]:
    settings, now = get_settings(), now or utcnow()
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month = day.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    workspace = session.get(Workspace, actor.workspace_id)
    monthly = workspace.ai_budget_cents if workspace and workspace.ai_budget_cents is not None else None
    personal = []
    if actor.user_id is not None:
        personal.append(
            Period(
                "your daily",
                f"budget:u:{actor.user_id}:{day:%Y%m%d}",
                settings.ai_budget_user_day_cents,
                day,
                day + timedelta(days=1),
            )
        )
    return [
        *personal,
        Period(
            "the workspace's daily",
            f"budget:w:{actor.workspace_id}:{day:%Y%m%d}",
            settings.ai_budget_workspace_day_cents,
            day,
            day + timedelta(days=1),
        ),
        Period(
            "the workspace's monthly",
            f"budget:wm:{actor.workspace_id}:{month:%Y%m}",
            monthly if monthly is not None else settings.ai_budget_workspace_month_cents,
            month,
            next_month,
        ),
    ]


def _spent_in_db(session: Session, actor: Actor | Payer, period: Period) -> float:
    """What the period's runs cost, plus what the runs still going have
    reserved: a counter re-created after Redis lost it (a restart, issue 9)
    must hold their reservations too, or settling them would undercount."""
    reserved = case(
        (col(AgentRun.status).in_(list(ACTIVE_RUN_STATUSES)), AgentRun.estimate_cents),
        else_=AgentRun.cost_cents,
    )
    query = select(func.coalesce(func.sum(reserved), 0.0)).where(AgentRun.created_at >= period.starts)
    if period.key.startswith("budget:u:"):
        query = query.where(AgentRun.user_id == actor.user_id)
    else:
        query = query.where(AgentRun.workspace_id == actor.workspace_id)
    return float(session.exec(query).one())


def _seed(session: Session, actor: Actor | Payer, items: list[Period]) -> None:
    """Counters start from what the database says was spent (Redis may be new)."""
    redis = get_redis()
    for period in items:
        if not redis.exists(period.key):
            ttl = int((period.ends - utcnow()).total_seconds()) + 86400
            redis.set(period.key, round(_spent_in_db(session, actor, period) * MICRO), nx=True, ex=ttl)


def status(session: Session, actor: Actor | Payer) -> list[BudgetLine]:
    items = periods(session, actor)
    _seed(session, actor, items)
    values = get_redis().mget([p.key for p in items])
    return [
        BudgetLine(p.label, int(v or 0) / MICRO, p.limit_cents) for p, v in zip(items, values, strict=True)
    ]


def warning(lines: list[BudgetLine]) -> str:
    """The most pressing budget note for the asker, or empty."""
    worst = max(lines, key=lambda line: line.share)
    if worst.share >= 1:
        return f"{worst.label.capitalize()} AI budget is used up."
    if worst.share >= WARN_AT:
        return f"You have used {worst.share:.0%} of {worst.label} AI budget."
    return ""


def reserve(session: Session, actor: Actor | Payer, estimate_cents: float) -> list[str]:
    """Reserve the worst case in every budget at once, or raise BudgetExhausted."""
    items = periods(session, actor)
    _seed(session, actor, items)
    amount = max(1, round(estimate_cents * MICRO))
    limits = [round(p.limit_cents * MICRO) for p in items]
    blocked = int(get_redis().eval(_RESERVE, len(items), *[p.key for p in items], amount, *limits))
    if blocked:
        period = items[blocked - 1]
        wait = int((period.ends - utcnow()).total_seconds()) + 1
        raise BudgetExhausted(
            wait,
            f"{period.label.capitalize()} AI budget is used up (this question could cost up to "
            f"{estimate_cents:.2f}¢). New questions are possible when it renews.",
        )
    return [p.key for p in items]


def settle(keys: list[str], estimate_cents: float, actual_cents: float) -> None:
    """Replace a run's reservation with what it really cost."""
    delta = round(actual_cents * MICRO) - max(1, round(estimate_cents * MICRO))
    if keys:
        get_redis().eval(_SETTLE, len(keys), *keys, delta)


def plan(session: Session, workspace_id: int) -> list[tuple[str, str]]:
    """Providers to try in order: the workspace's (or default) choice, then the
    fallback; a provider without an API key is replaced by the offline one."""
    settings = get_settings()
    workspace = session.get(Workspace, workspace_id)
    primary = (
        (workspace.ai_provider if workspace else None) or settings.ai_provider,
        (workspace.ai_model if workspace else None) or settings.ai_model,
    )
    chain = [_usable(primary)]
    if settings.ai_fallback_provider:
        fallback = (settings.ai_fallback_provider, settings.ai_fallback_model)
        if _has_key(fallback[0]) and fallback not in chain:
            chain.append(fallback)
    return chain


def _has_key(provider: str) -> bool:
    field = _NETWORK.get(provider)
    return field is None or bool(getattr(get_settings(), field))


def _usable(choice: tuple[str, str]) -> tuple[str, str]:
    return choice if _has_key(choice[0]) and choice[0] != "offline" else ("offline", "offline")
