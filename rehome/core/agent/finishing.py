"""Ending a run exactly once: the answer, the bill, the budget, the viewers.

The answer and the cost are stored in one transaction that succeeds once
(only for the attempt that holds the run, see `claim`); then the budget
reservation is settled to the real cost and the stream gets its `done`.
Database and Redis failures are retried (a terminated connection, a Redis
blip); if storing still fails, the outcome is parked in Redis so that the
attempt that takes the run over stores it instead of asking again.

`finish_orphan` ends a run whose worker is gone (the sweeper, or "Stop" on
such a run): the answer so far, as the stream holds it, is kept.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass

from sqlalchemy import update
from sqlmodel import Session, select

from rehome.core.agent import governance, stream
from rehome.core.agent.context import estimate_tokens
from rehome.core.agent.prompt import citation_links, clean_citations
from rehome.core.agent.providers.prices import cost_cents
from rehome.core.infra import metrics
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import retry_db, session_scope
from rehome.core.infra.kv import get_redis, redis_errors, retry_redis
from rehome.core.models import AgentMessage, AgentRun, DeadLetter
from rehome.core.realtime import events
from rehome.core.vocab import ACTIVE_RUN_STATUSES, EventKind, RunStatus

log = logging.getLogger(__name__)
REDIS_WAIT = 60.0  # seconds to wait for Redis to settle the budget and tell viewers
PARKED_TTL = 3600


@dataclass
class Outcome:
    status: str  # succeeded, cancelled or failed
    text: str = ""
    provider: str = ""
    model: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Stored:
    message_id: int | None
    budget_keys: list[str]
    estimate_cents: float
    cost_cents: float
    text: str


def finish(
    run_id: int,
    attempt: int | None,
    outcome: Outcome,
    refs: frozenset[str] | None = None,
    used: dict | None = None,
    publisher: stream.Publisher | None = None,
) -> bool:
    """Store, settle and announce; False if the run was finished already.

    `attempt` None: whatever attempt holds it (orphans, queued runs)."""
    _park(run_id, outcome, refs)
    try:
        stored = retry_db(lambda: _store(run_id, attempt, outcome, refs, used))
    except Exception:
        log.exception(
            "storing an agent run failed; its outcome waits for a takeover", extra={"run_id": run_id}
        )
        return False
    if stored is None:
        return False
    metrics.run_finished(
        outcome.status, outcome.provider, outcome.tokens_in, outcome.tokens_out, stored.cost_cents
    )
    _announce(run_id, outcome.status, stored, publisher)
    return True


def _announce(run_id: int, status: str, stored: Stored, publisher: stream.Publisher | None) -> None:
    try:
        retry_redis(
            lambda: governance.settle(stored.budget_keys, stored.estimate_cents, stored.cost_cents),
            REDIS_WAIT,
        )
        if publisher is not None:
            publisher.flush(REDIS_WAIT)
        seq = publisher.seq if publisher is not None else None
        retry_redis(lambda: stream.finish(run_id, status, stored.message_id, stored.text, seq), REDIS_WAIT)
        get_redis().delete(_parked_key(run_id))
    except redis_errors():
        log.error("Redis stayed away: budget or stream left unsettled", extra={"run_id": run_id})


def _store(
    run_id: int, attempt: int | None, outcome: Outcome, refs: frozenset[str] | None, used: dict | None
) -> Stored | None:
    text, cited = clean_citations(outcome.text, refs or frozenset())
    cost = cost_cents(outcome.model, outcome.tokens_in, outcome.tokens_out) if outcome.model else 0.0
    with session_scope() as session:
        where = [AgentRun.id == run_id, AgentRun.status.in_(list(ACTIVE_RUN_STATUSES))]  # type: ignore[attr-defined]
        if attempt is not None:
            where.append(AgentRun.attempts == attempt)
        changed = session.exec(
            update(AgentRun)
            .where(*where)
            .values(
                status=outcome.status,
                tokens_in=outcome.tokens_in,
                tokens_out=outcome.tokens_out,
                cost_cents=cost,
                finished_at=utcnow(),
                error=outcome.error,
                provider=outcome.provider or AgentRun.provider,
                model=outcome.model or AgentRun.model,
            )
        )
        run = session.exec(select(AgentRun).where(AgentRun.id == run_id)).first()
        if run is None:
            return None
        if not changed.rowcount:
            return _stored_earlier(session, run, attempt, outcome)
        keys = list(run.context_used.get("budget_keys", []))
        if used is not None:
            run.context_used = {**used, "budget_keys": keys}
            session.add(run)
        message_id = _message(session, run, text, cited, outcome)
        if outcome.status == RunStatus.FAILED:
            session.add(
                DeadLetter(
                    kind="agent_run",
                    ref_id=run_id,
                    workspace_id=run.workspace_id,
                    error=outcome.error or "",
                    payload={"thread_id": run.thread_id, "kept_chars": len(text)},
                )
            )
        events.emit_to_thread(
            session, run.thread_id, EventKind.AGENT_MESSAGE_CREATED, run_id=run_id, message_id=message_id
        )
        return Stored(message_id, keys, run.estimate_cents, cost, text)


def _message(session: Session, run: AgentRun, text: str, cited: list[str], outcome: Outcome) -> int | None:
    if not text and outcome.status == RunStatus.FAILED:
        return None
    message = AgentMessage(
        thread_id=run.thread_id,
        role="assistant",
        content=text,
        meta={
            "run_id": run.id,
            "refs": cited,
            "links": citation_links(session, cited),
            "stopped": outcome.status == RunStatus.CANCELLED,
            "provider": outcome.provider,
            "model": outcome.model,
            "error": outcome.error,
        },
    )
    session.add(message)
    session.flush()
    return message.id


def _stored_earlier(session: Session, run: AgentRun, attempt: int | None, outcome: Outcome) -> Stored | None:
    """A retried transaction whose first try did commit (the connection died
    while it answered): the same attempt, the same final status."""
    if attempt is None or run.attempts != attempt or run.status != outcome.status:
        return None
    message = session.exec(
        select(AgentMessage)
        .where(AgentMessage.thread_id == run.thread_id, AgentMessage.role == "assistant")
        .order_by(AgentMessage.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).first()
    mine = message is not None and (message.meta or {}).get("run_id") == run.id
    return Stored(
        message.id if mine and message else None,
        list(run.context_used.get("budget_keys", [])),
        run.estimate_cents,
        run.cost_cents,
        message.content if mine and message else "",
    )


def finish_orphan(run_id: int, status: str, error: str | None) -> bool:
    """End a run nobody works on, keeping the answer so far (and its bill)."""
    parked = parked_outcome(run_id)
    if parked is not None and status != RunStatus.CANCELLED:
        outcome, refs = parked
        return finish(run_id, None, outcome, refs)
    _, text = retry_redis(lambda: stream.published(run_id), REDIS_WAIT)
    with session_scope() as session:
        run = session.get(AgentRun, run_id)
        provider, model = (run.provider, run.model) if run else ("", "")
    tokens_out = estimate_tokens(text) if text else 0
    outcome = Outcome(status, text, provider, model, 0, tokens_out, error)
    return finish(run_id, None, outcome, None)


def _parked_key(run_id: int) -> str:
    return f"run:{int(run_id)}:outcome"


def _park(run_id: int, outcome: Outcome, refs: frozenset[str] | None) -> None:
    try:
        value = json.dumps({"outcome": asdict(outcome), "refs": sorted(refs or [])})
        get_redis().set(_parked_key(run_id), value, ex=PARKED_TTL)
    except redis_errors():
        pass  # best effort: the database is about to have it anyway


def parked_outcome(run_id: int) -> tuple[Outcome, frozenset[str]] | None:
    """An outcome a crashed attempt computed but could not store."""
    raw = get_redis().get(_parked_key(run_id))
    if not raw:
        return None
    data = json.loads(raw)
    return Outcome(**data["outcome"]), frozenset(data["refs"])
