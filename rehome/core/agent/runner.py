"""One agent run from start to finish (F-30, F-31, F-34).

claim the run (once, even if the job is delivered twice) → build the scoped
context for the asker as they are now → try providers in plan order, each
behind its circuit breaker, retrying retryable failures with exponential
backoff and jitter (the only retry layer: SDK retries are off) → stream every
delta to Redis → store the answer, tokens and cost in one transaction that
succeeds once → settle the budget reservation → mark the stream done.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from datetime import timedelta

from sqlalchemy import or_, update
from sqlmodel import col, select
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from rehome.core.access import Actor, project_scope
from rehome.core.agent import governance, stream
from rehome.core.agent.calls import Cancelled, Sink, stream_once
from rehome.core.agent.context import build_context, estimate_tokens
from rehome.core.agent.prompt import build_request as make_request
from rehome.core.agent.prompt import citation_links, clean_citations
from rehome.core.agent.providers import make_provider
from rehome.core.agent.providers.prices import cost_cents
from rehome.core.agent.threads import history
from rehome.core.agent.types import BuiltContext, ProviderError, ProviderRequest, Usage
from rehome.core.auth.sessions import actor_for
from rehome.core.infra import breaker
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import DomainError
from rehome.core.models import AgentMessage, AgentRun, AgentThread, DeadLetter, User
from rehome.core.realtime import events
from rehome.core.vocab import EventKind, RunStatus
from rehome.settings import get_settings

log = logging.getLogger(__name__)
ATTEMPTS = 3


@dataclass
class Outcome:
    status: str  # succeeded, cancelled or failed
    text: str = ""
    provider: str = ""
    model: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    error: str | None = None


@dataclass
class Prepared:
    run_id: int
    thread: AgentThread
    actor: Actor
    context: BuiltContext
    request: ProviderRequest
    chain: list[tuple[str, str]]
    budget_keys: list[str] = field(default_factory=list)
    estimate_cents: float = 0.0


def execute_run(run_id: int) -> None:
    """The job: safe to call twice for one run; the second call does nothing."""
    if not _claim(run_id):
        return
    try:
        prepared = _prepare(run_id)
    except DomainError as error:
        _finish(run_id, None, Outcome(RunStatus.FAILED, error=error.message))
        return
    try:
        outcome = _call(prepared)
    except Exception as error:  # never leave a run "running" because of a bug
        log.exception("agent run crashed", extra={"run_id": run_id})
        outcome = Outcome(RunStatus.FAILED, error=f"Internal error: {type(error).__name__}")
    _finish(run_id, prepared, outcome)


def _claim(run_id: int) -> bool:
    """Queued → running, or take over a run whose worker died long ago."""
    stale = utcnow() - timedelta(seconds=get_settings().ai_timeout * (ATTEMPTS + 1) + 120)
    with session_scope() as session:
        result = session.exec(
            update(AgentRun)
            .where(
                col(AgentRun.id) == run_id,
                or_(
                    col(AgentRun.status) == RunStatus.QUEUED,
                    (col(AgentRun.status) == RunStatus.RUNNING) & (col(AgentRun.started_at) < stale),
                ),
            )
            .values(status=RunStatus.RUNNING, started_at=utcnow(), attempts=AgentRun.attempts + 1)
        )
        return bool(result.rowcount)


def _prepare(run_id: int) -> Prepared:
    settings = get_settings()
    with session_scope() as session:
        run = session.get(AgentRun, run_id)
        thread = session.get(AgentThread, run.thread_id) if run else None
        user = session.get(User, run.user_id) if run and run.user_id else None
        if run is None or thread is None or user is None or not user.is_active:
            raise DomainError("The person who asked can no longer use the assistant.")
        actor = actor_for(user)
        role = "admin" if actor.is_admin else "participant"
        if thread.project_id is not None:
            role = project_scope(session, actor, thread.project_id).role.value  # access as it is now
        context = build_context(
            session,
            actor,
            project_id=thread.project_id,
            question="",
            budget_tokens=settings.ai_context_tokens,
        )
        turns = history(session, int(thread.id or 0))
        question = turns[-1].content if turns and turns[-1].role == "user" else ""
        request = make_request(
            model=run.model,
            max_tokens=settings.ai_max_tokens,
            temperature=settings.ai_temperature,
            context=context,
            history=turns[:-1],
            question=question,
            asker=actor,
            role=role,
        )
        chain = [
            (run.provider, run.model),
            *[c for c in governance.plan(session, actor.workspace_id) if c != (run.provider, run.model)],
        ]
        return Prepared(
            run_id,
            thread,
            actor,
            context,
            request,
            chain,
            list(run.context_used.get("budget_keys", [])),
            run.estimate_cents,
        )


def _call(prepared: Prepared) -> Outcome:
    return call_providers(
        prepared.chain, prepared.request, stream.Publisher(prepared.run_id), prepared.run_id
    )


def call_providers(
    chain: list[tuple[str, str]], base: ProviderRequest, publisher: Sink, run_id: int
) -> Outcome:
    """Providers in plan order, each behind its breaker and with retries; a
    provider that already streamed text is final. Digests call this too."""
    last_error = "No AI provider is available right now."
    for name, model in chain:
        if not breaker.allow(name):
            last_error = f"The {name} provider is paused after repeated failures."
            continue
        request = replace(base, model=model)
        try:
            usage = _with_retries(name, request, publisher, run_id)
        except Cancelled:
            return _partial(publisher, request, RunStatus.CANCELLED, name, model, None)
        except ProviderError as error:
            breaker.failed(name)
            last_error = f"{name}: {error}"
            if error.started:
                return _partial(publisher, request, RunStatus.FAILED, name, model, last_error)
            continue
        breaker.succeeded(name)
        tokens_in = usage.input_tokens if usage else request.prompt_tokens()
        tokens_out = usage.output_tokens if usage else estimate_tokens(publisher.text)
        return Outcome(RunStatus.SUCCEEDED, publisher.text, name, model, tokens_in, tokens_out)
    return Outcome(RunStatus.FAILED, publisher.text, error=last_error)


def _with_retries(name: str, request: ProviderRequest, publisher: Sink, run_id: int) -> Usage | None:
    provider = make_provider(name, timeout=get_settings().ai_timeout)
    retrying = Retrying(
        stop=stop_after_attempt(ATTEMPTS),
        wait=_wait,
        retry=retry_if_exception(lambda e: isinstance(e, ProviderError) and e.retryable and not e.started),
        sleep=lambda seconds: _sleep_unless_cancelled(run_id, seconds),
        reraise=True,
    )
    return retrying(stream_once, provider, request, publisher, run_id)


_backoff = wait_exponential_jitter(multiplier=0.5, max=8)


def _wait(state: RetryCallState) -> float:
    """Exponential backoff with jitter, or the provider's own Retry-After (capped)."""
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, ProviderError) and error.retry_after:
        return min(float(error.retry_after), 20.0)
    return _backoff(state)


def _sleep_unless_cancelled(run_id: int, seconds: float) -> None:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if stream.cancel_requested(run_id):
            raise Cancelled
        time.sleep(min(0.2, max(0.0, until - time.monotonic())))


def _partial(
    publisher: Sink,
    request: ProviderRequest,
    status: str,
    name: str,
    model: str,
    error: str | None,
) -> Outcome:
    return Outcome(
        status, publisher.text, name, model, request.prompt_tokens(), estimate_tokens(publisher.text), error
    )


def _finish(run_id: int, prepared: Prepared | None, outcome: Outcome) -> None:
    """Store the answer and the bill exactly once, then settle and end the stream."""
    refs = prepared.context.refs if prepared else frozenset()
    text, cited = clean_citations(outcome.text, refs)
    cost = cost_cents(outcome.model, outcome.tokens_in, outcome.tokens_out) if outcome.model else 0.0
    message_id: int | None = None
    with session_scope() as session:
        stored = session.exec(
            update(AgentRun)
            .where(col(AgentRun.id) == run_id, col(AgentRun.status) == RunStatus.RUNNING)
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
        if not stored.rowcount:
            return  # finished already: one answer, one charge
        run = session.exec(select(AgentRun).where(AgentRun.id == run_id)).one()
        run.context_used = {
            **(prepared.context.used if prepared else {}),
            "budget_keys": prepared.budget_keys if prepared else [],
        }
        session.add(run)
        if text or outcome.status != RunStatus.FAILED:
            message = AgentMessage(
                thread_id=run.thread_id,
                role="assistant",
                content=text,
                meta={
                    "run_id": run_id,
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
            message_id = message.id
        if outcome.status == RunStatus.FAILED:
            session.add(
                DeadLetter(
                    kind="agent_run",
                    ref_id=run_id,
                    workspace_id=run.workspace_id,
                    error=outcome.error or "",
                    payload={"thread_id": run.thread_id},
                )
            )
        events.emit_to_thread(
            session, run.thread_id, EventKind.AGENT_MESSAGE_CREATED, run_id=run_id, message_id=message_id
        )
    if prepared:
        governance.settle(prepared.budget_keys, prepared.estimate_cents, cost)
    stream.finish(run_id, outcome.status, message_id, text)
