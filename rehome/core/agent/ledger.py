"""What the assistant costs (F-12 cost widget, F-20 cost ledger) and how a
run is stopped."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, update
from sqlmodel import Session, col, select

from rehome.core.access import Actor, require_admin
from rehome.core.agent import governance, lease, stream
from rehome.core.agent.finishing import finish_orphan
from rehome.core.agent.thread_views import RunOut, run_out
from rehome.core.agent.threads import thread_scope
from rehome.core.infra.clock import utcnow
from rehome.core.infra.errors import NotFound
from rehome.core.infra.pagination import MAX_LIMIT, Page, page_of
from rehome.core.models import AgentRun, AgentThread
from rehome.core.vocab import RunStatus


class DaySpend(BaseModel):
    day: date
    cents: float
    runs: int


class CostSummary(BaseModel):
    month_cents: float
    month_runs: int
    days: list[DaySpend]
    budget_lines: list[dict[str, float | str]]


def cancel_run(session: Session, actor: Actor, run_id: int) -> RunOut:
    """Stop a run: a queued one never starts; a running one stops within a second,
    keeping what it wrote so far; one whose worker is gone is finished here,
    keeping the answer so far (issue 9: "Stop" works on any run)."""
    run = session.get(AgentRun, run_id)
    if run is None or run.workspace_id != actor.workspace_id:
        raise NotFound("Run not found.")
    thread_scope(session, actor, run.thread_id, ask=True)
    stream.request_cancel(run_id)
    cancelled = session.exec(
        update(AgentRun)
        .where(col(AgentRun.id) == run_id, col(AgentRun.status) == RunStatus.QUEUED)
        .values(status=RunStatus.CANCELLED, finished_at=utcnow())
    )
    if cancelled.rowcount:
        keys = list(run.context_used.get("budget_keys", []))
        governance.settle(keys, run.estimate_cents, 0.0)
        stream.finish(run_id, RunStatus.CANCELLED, None)
    elif run.status == RunStatus.RUNNING and lease.holder(run_id) is None:
        finish_orphan(run_id, RunStatus.CANCELLED, None)  # no worker will see the flag
    session.refresh(run)
    return run_out(run)


def list_runs(
    session: Session,
    actor: Actor,
    *,
    project_id: int | None = None,
    user_id: int | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> Page[RunOut]:
    """The workspace's cost ledger, newest first (admins only)."""
    require_admin(actor)
    limit = max(1, min(limit, MAX_LIMIT))
    query = select(AgentRun).where(AgentRun.workspace_id == actor.workspace_id)
    if project_id:
        query = query.join(AgentThread, col(AgentThread.id) == AgentRun.thread_id).where(
            AgentThread.project_id == project_id
        )
    if user_id:
        query = query.where(AgentRun.user_id == user_id)
    if before_id:
        query = query.where(col(AgentRun.id) < before_id)
    rows = session.exec(query.order_by(col(AgentRun.id).desc()).limit(limit + 1)).all()
    return page_of([run_out(r) for r in rows], limit, lambda r: r.id)


def _utc_day(session: Session, column: Any) -> Any:
    """The UTC calendar day of a timestamp column. SQLite stores naive UTC;
    PostgreSQL's date() of a timestamptz would use the session's time zone."""
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.date(column)


def cost_summary(session: Session, actor: Actor) -> CostSummary:
    """This month's spend and its trend by day, with every budget's state."""
    require_admin(actor)
    now = utcnow()
    today, month_start = now.date(), now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    day = _utc_day(session, AgentRun.created_at)
    rows = session.exec(
        select(day, func.coalesce(func.sum(AgentRun.cost_cents), 0.0), func.count())
        .where(AgentRun.workspace_id == actor.workspace_id, AgentRun.created_at >= month_start)
        .group_by(day)
    ).all()
    by_day = {str(d)[:10]: (float(c), int(n)) for d, c, n in rows}
    days = []
    current = month_start.date()
    while current <= today:
        cents, runs = by_day.get(current.isoformat(), (0.0, 0))
        days.append(DaySpend(day=current, cents=round(cents, 4), runs=runs))
        current += timedelta(days=1)
    lines = governance.status(session, actor)
    return CostSummary(
        month_cents=round(sum(d.cents for d in days), 4),
        month_runs=sum(d.runs for d in days),
        days=days,
        budget_lines=[
            {"label": line.label, "used_cents": round(line.used_cents, 2), "limit_cents": line.limit_cents}
            for line in lines
        ],
    )
