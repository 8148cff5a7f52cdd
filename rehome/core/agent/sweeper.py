"""Runs that nobody will finish otherwise (issue 9): found, and finished.

Every few seconds (Celery beat in production, a thread in the embedded
default) the sweeper looks at the runs still queued or running:

- running, and nobody has held its lease for a whole lease period: its
  worker is gone. It is queued again once (`MAX_ATTEMPTS` claims in all),
  where the next worker continues the answer; after that, or past the run's
  deadline, it is finished as failed with the answer so far kept, a dead
  letter, the budget settled and `done` sent to viewers.
- queued, but its broker message is gone (Redis restarted empty, or the
  message could not be sent): queued again. A marker set when the job is
  sent tells which: Redis loses it together with the message.
- queued or running past the deadline: finished as failed.

Queuing a run twice is harmless: a run is claimed once at a time.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select as sa_select
from sqlmodel import col

from rehome.core.agent import lease
from rehome.core.agent.finishing import finish_orphan
from rehome.core.infra import jobs
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import exec_rows, session_scope
from rehome.core.infra.kv import get_redis, redis_errors
from rehome.core.models import AgentRun
from rehome.core.vocab import ACTIVE_RUN_STATUSES, RunStatus
from rehome.settings import get_settings

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3  # claims of one run: the first, then at most two takeovers
QUEUE_GRACE = 10.0  # seconds a queued run may lack its marker (sent just now)
QUEUED_TTL = 600  # a queued marker lasts this long; a run still queued then is sent again
_thread: threading.Thread | None = None
_thread_lock = threading.Lock()
LOST = "The assistant's worker stopped before the answer was complete."
TOO_LONG = "The answer took too long and was stopped."


def queued_key(run_id: int) -> str:
    return f"run:{int(run_id)}:queued"


def mark_queued(run_id: int) -> None:
    """Called when a run's job is sent: its broker message should exist."""
    try:
        get_redis().set(queued_key(run_id), 1, ex=QUEUED_TTL)
    except redis_errors():
        pass  # without the marker the sweeper sends it again: harmless


def send(run_id: int) -> None:
    """Send a run's job, then note that its message exists."""
    jobs.enqueue("agent.run", run_id=run_id)
    mark_queued(run_id)


def start_background(every: float = 5.0) -> None:
    """The embedded default has no beat: a daemon thread sweeps instead."""
    global _thread
    with _thread_lock:
        if _thread is not None and _thread.is_alive():
            return
        _thread = threading.Thread(target=_sweep_forever, args=(every,), name="rehome-sweeper", daemon=True)
        _thread.start()


def _sweep_forever(every: float) -> None:
    while True:
        time.sleep(every)
        sweep()


def sweep() -> dict[str, int]:
    """One pass; returns what it did (for logs and tests)."""
    done = {"requeued": 0, "failed": 0}
    try:
        rows = _active()
        for run_id, status, attempts, created, started in rows:
            action = _decide(run_id, status, attempts, created, started)
            if action == "requeue":
                send(run_id)
                done["requeued"] += 1
            elif action == "fail":
                reason = TOO_LONG if _late(created, started) else LOST
                done["failed"] += int(finish_orphan(run_id, RunStatus.FAILED, reason))
    except redis_errors() as error:
        log.warning("sweep skipped: Redis unreachable", extra={"error": str(error)})
    except Exception:
        log.exception("sweep failed")
    if done["requeued"] or done["failed"]:
        log.info("swept agent runs", extra=done)
    return done


def _active() -> list[tuple[int, str, int, datetime, datetime | None]]:
    with session_scope() as session:
        query = (
            sa_select(
                col(AgentRun.id),
                col(AgentRun.status),
                col(AgentRun.attempts),
                col(AgentRun.created_at),
                col(AgentRun.started_at),
            )
            .where(col(AgentRun.status).in_(list(ACTIVE_RUN_STATUSES)))
            .order_by(col(AgentRun.id))
            .limit(1000)
        )
        rows = exec_rows(session, query).all()
    return [(int(r[0] or 0), str(r[1]), int(r[2]), r[3], r[4]) for r in rows]


def _decide(run_id: int, status: str, attempts: int, created: datetime, started: datetime | None) -> str:
    if _late(created, started):
        return "fail" if _orphaned(run_id) or status == RunStatus.QUEUED else "wait"
    if status == RunStatus.QUEUED:
        age = (utcnow() - _aware(created)).total_seconds()
        lost = age > QUEUE_GRACE and not get_redis().exists(queued_key(run_id))
        return "requeue" if lost else "wait"
    if not _orphaned(run_id):
        return "wait"
    return "requeue" if attempts < MAX_ATTEMPTS else "fail"


def _late(created: datetime, started: datetime | None) -> bool:
    since = _aware(started or created)
    return utcnow() - since > timedelta(seconds=get_settings().ai_run_deadline)


def _orphaned(run_id: int) -> bool:
    """Nobody has held the lease for a whole lease period (two looks, so a
    worker that is re-creating its lease after a Redis restart is not robbed)."""
    redis = get_redis()
    if lease.holder(run_id) is not None:
        redis.delete(_suspect_key(run_id))
        return False
    first_seen = redis.get(_suspect_key(run_id))
    if first_seen is None:
        redis.set(_suspect_key(run_id), time.time(), ex=max(60, int(lease.LEASE_TTL * 10)))
        return False
    return time.time() - float(first_seen) >= lease.LEASE_TTL


def _suspect_key(run_id: int) -> str:
    return f"run:{int(run_id)}:unheld"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
