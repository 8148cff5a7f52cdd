"""Taking a run: a queued one, or one whose worker is gone (issue 9).

A job for a run may come more than once: Celery redelivers it when a worker
dies, the sweeper queues it again when its worker vanished or its broker
message was lost, a worker shutting down hands it back. Whoever comes takes
the lease first, then bumps `attempts` in the database only if nobody else
did meanwhile; that attempt number is what lets it store the answer later.

A running run is taken over as soon as its lease lapses (at most one lease
period after its worker died), never while its worker still renews it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, update
from sqlmodel import select

from rehome.core.agent import lease
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import retry_db, session_scope
from rehome.core.infra.kv import retry_redis
from rehome.core.models import AgentRun
from rehome.core.vocab import RunStatus

REDIS_WAIT = 60.0  # seconds a job waits for Redis before giving the run to the sweeper


@dataclass(frozen=True, slots=True)
class Claim:
    run_id: int
    owner: str
    attempt: int  # the value of `attempts` this claim set: only it may finish the run
    resumed: bool  # an earlier attempt had started: continue its answer
    started_at: datetime


def claim(run_id: int) -> Claim | None:
    """The run for this worker, or None (finished, or someone else has it)."""
    row = retry_db(lambda: _load(run_id))
    if row is None:
        return None
    status, attempts = row
    owner = lease.new_owner()
    if status == RunStatus.RUNNING:
        if not retry_redis(lambda: lease.wait_for_lapse(run_id), REDIS_WAIT):
            return None  # its worker is alive and renewing
    elif status != RunStatus.QUEUED:
        return None
    if not retry_redis(lambda: lease.acquire(run_id, owner), REDIS_WAIT):
        return None
    started = retry_db(lambda: _bump(run_id, status, attempts))
    if started is None:
        lease.release(run_id, owner)
        return None
    return Claim(run_id, owner, attempts + 1, status == RunStatus.RUNNING, started)


def _load(run_id: int) -> tuple[str, int] | None:
    with session_scope() as session:
        row = session.exec(select(AgentRun.status, AgentRun.attempts).where(AgentRun.id == run_id)).first()
    return (str(row[0]), int(row[1])) if row else None


def _bump(run_id: int, status: str, attempts: int) -> datetime | None:
    """queued/running → running with one more attempt, if still as seen."""
    with session_scope() as session:
        result = session.exec(
            update(AgentRun)
            .where(AgentRun.id == run_id, AgentRun.status == status, AgentRun.attempts == attempts)  # type: ignore[arg-type]
            .values(
                status=RunStatus.RUNNING,
                attempts=attempts + 1,
                started_at=func.coalesce(AgentRun.started_at, utcnow()),
            )
        )
        if not result.rowcount:
            return None
        started = session.exec(select(AgentRun.started_at).where(AgentRun.id == run_id)).one()
    return started or utcnow()
