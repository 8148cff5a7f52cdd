"""One agent run from start to finish (F-30, F-31, F-34; issue 9).

claim the run (a lease in Redis plus an attempt number in the database; a
run whose worker died is taken over, see `claim`) → build the scoped
context for the asker as they are now → try providers in plan order, each
behind its circuit breaker, retrying retryable failures with exponential
backoff and jitter (the only retry layer: SDK retries are off) → stream every
delta to Redis → store the answer, tokens and cost in one transaction that
succeeds once → settle the budget reservation → mark the stream done
(`finishing`).

A takeover continues the answer: the text the earlier attempt published is
sent back as the start of the assistant's turn (a prefill), the provider
writes the rest, and viewers get the rest under the same sequence numbers.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from rehome.core.access import Actor, project_scope
from rehome.core.agent import governance, lease, shutdown, stream
from rehome.core.agent.calls import Cancelled, HandOff, Interrupted, LeaseLost, Sink, stream_once
from rehome.core.agent.claim import Claim, claim
from rehome.core.agent.context import build_context, estimate_tokens
from rehome.core.agent.finishing import Outcome, finish, parked_outcome
from rehome.core.agent.prompt import build_request as make_request
from rehome.core.agent.providers import make_provider
from rehome.core.agent.threads import history
from rehome.core.agent.types import BuiltContext, ChatTurn, ProviderError, ProviderRequest, Usage
from rehome.core.auth.sessions import actor_for
from rehome.core.infra import breaker, jobs
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import retry_db, session_scope
from rehome.core.infra.errors import DomainError
from rehome.core.infra.kv import retry_redis
from rehome.core.models import AgentRun, AgentThread, User
from rehome.core.vocab import RunStatus
from rehome.logs import bind_run
from rehome.settings import get_settings

log = logging.getLogger(__name__)
ATTEMPTS = 3
HANDOFF_FLUSH = 10.0  # seconds to send buffered text before handing a run back


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
    """The job: safe to deliver any number of times; one answer, one charge."""
    bind_run(run_id)
    if shutdown.stopping():
        jobs.enqueue("agent.run", run_id=run_id)  # a worker that is not leaving takes it
        return
    taken = claim(run_id)
    if taken is None:
        return
    handle = lease.hold(run_id, taken.owner)
    try:
        _run_claimed(taken, handle)
    finally:
        handle.release()


def _run_claimed(taken: Claim, handle: lease.Handle) -> None:
    run_id = taken.run_id
    parked = retry_redis(lambda: parked_outcome(run_id), 30) if taken.resumed else None
    if parked is not None:  # the last attempt had the answer but could not store it
        finish(run_id, taken.attempt, parked[0], parked[1])
        return
    if _past_deadline(taken.started_at):
        publisher = retry_redis(lambda: stream.Publisher.resume(run_id), 30)
        outcome = Outcome(RunStatus.FAILED, publisher.text, error="The answer took too long and was stopped.")
        finish(run_id, taken.attempt, outcome, publisher=publisher)
        return
    try:
        prepared = retry_db(lambda: _prepare(run_id))
    except DomainError as error:
        finish(run_id, taken.attempt, Outcome(RunStatus.FAILED, error=error.message))
        return
    except Exception as error:
        log.exception("agent run could not start")
        finish(
            run_id, taken.attempt, Outcome(RunStatus.FAILED, error=f"Could not start: {type(error).__name__}")
        )
        return
    publisher = (
        retry_redis(lambda: stream.Publisher.resume(run_id), 30)
        if taken.resumed
        else stream.Publisher(run_id)
    )
    try:
        outcome = _call(prepared, publisher, handle)
    except LeaseLost:
        log.warning("agent run taken over elsewhere; this attempt stores nothing")
        return
    except HandOff:
        _hand_off(run_id, publisher, handle)
        return
    except Exception as error:  # never leave a run "running" because of a bug
        log.exception("agent run crashed")
        outcome = Outcome(RunStatus.FAILED, publisher.text, error=f"Internal error: {type(error).__name__}")
    finish(run_id, taken.attempt, outcome, prepared.context.refs, prepared.context.used, publisher)


def _past_deadline(started_at: datetime) -> bool:
    started = started_at if started_at.tzinfo else started_at.replace(tzinfo=UTC)
    return utcnow() - started > timedelta(seconds=get_settings().ai_run_deadline)


def _hand_off(run_id: int, publisher: stream.Publisher, handle: lease.Handle) -> None:
    """The worker is leaving: keep the text so far and queue the run again."""
    publisher.flush(HANDOFF_FLUSH)
    handle.release()  # the next worker need not wait for the lease to lapse
    jobs.enqueue("agent.run", run_id=run_id)
    log.info("agent run handed back to the queue", extra={"chars": len(publisher.text)})


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


def _call(prepared: Prepared, publisher: stream.Publisher, handle: lease.Handle) -> Outcome:
    return call_providers(prepared.chain, prepared.request, publisher, handle)


def call_providers(
    chain: list[tuple[str, str]], base: ProviderRequest, publisher: Sink, handle: lease.Handle
) -> Outcome:
    """Providers in plan order, each behind its breaker and with retries; a
    provider that already streamed text is final. Digests call this too (with
    a `calls.Collector` and a handle no keeper renews)."""
    already = publisher.text  # what an earlier attempt of this run streamed
    last_error = "No AI provider is available right now."
    for name, model in chain:
        if not breaker.allow(name):
            last_error = f"The {name} provider is paused after repeated failures."
            continue
        request = _continuing(replace(base, model=model), already)
        try:
            usage = _with_retries(name, request, publisher, handle, already != already.rstrip())
        except Cancelled as stop:
            return _partial(publisher, request, RunStatus.CANCELLED, name, model, None, stop.usage, already)
        except ProviderError as error:
            breaker.failed(name)
            last_error = _error_text(name, error)
            if error.started:
                return _partial(
                    publisher, request, RunStatus.FAILED, name, model, last_error, error.usage, already
                )
            continue
        breaker.succeeded(name)
        tokens_in = usage.input_tokens if usage else request.prompt_tokens()
        tokens_out = usage.output_tokens if usage else estimate_tokens(publisher.text[len(already) :])
        tokens_out += estimate_tokens(already)  # the earlier attempt's share of the answer
        return Outcome(RunStatus.SUCCEEDED, publisher.text, name, model, tokens_in, tokens_out)
    return Outcome(RunStatus.FAILED, publisher.text, error=last_error)


def _continuing(request: ProviderRequest, already: str) -> ProviderRequest:
    """Ask for the rest of an answer that an earlier attempt began (a prefill:
    the provider writes on from there). Trailing whitespace is left out, as
    the APIs require; the continuation's leading whitespace is then dropped."""
    if not already.strip():
        return request
    return replace(request, turns=[*request.turns, ChatTurn("assistant", already.rstrip())])


def _error_text(name: str, error: ProviderError) -> str:
    """`anthropic: HTTP 529: Overloaded`, never `anthropic: anthropic: …`."""
    text = str(error)
    return text if text.startswith(f"{name}:") else f"{name}: {text}"


def _with_retries(
    name: str,
    request: ProviderRequest,
    publisher: Sink,
    handle: lease.Handle,
    strip_leading: bool,
) -> Usage | None:
    provider = make_provider(name, timeout=get_settings().ai_timeout)
    retrying = Retrying(
        stop=stop_after_attempt(ATTEMPTS),
        wait=_wait,
        retry=retry_if_exception(lambda e: isinstance(e, ProviderError) and e.retryable and not e.started),
        sleep=lambda seconds: _sleep_unless_stopped(handle, seconds),
        reraise=True,
    )
    return retrying(stream_once, provider, request, publisher, handle, strip_leading)


_backoff = wait_exponential_jitter(multiplier=0.5, max=8)


def _wait(state: RetryCallState) -> float:
    """Exponential backoff with jitter, or the provider's own Retry-After (capped)."""
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, ProviderError) and error.retry_after:
        return min(float(error.retry_after), 20.0)
    return _backoff(state)


def _sleep_unless_stopped(handle: lease.Handle, seconds: float) -> None:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if handle.lost.is_set():
            raise LeaseLost
        if handle.cancelled.is_set():
            raise Cancelled
        if shutdown.hand_off_due():
            raise HandOff
        time.sleep(min(0.1, max(0.0, until - time.monotonic())))


def _partial(
    publisher: Sink,
    request: ProviderRequest,
    status: str,
    name: str,
    model: str,
    error: str | None,
    usage: Usage | None,
    already: str,
) -> Outcome:
    """A cut-short answer, billed on what the provider reported when it did
    (its output count is only final at the end, so the text's own size is
    the floor)."""
    new_text = publisher.text[len(already) :]
    tokens_in = usage.input_tokens if usage and usage.input_tokens else request.prompt_tokens()
    tokens_out = max(usage.output_tokens if usage else 0, estimate_tokens(new_text)) + estimate_tokens(
        already
    )
    return Outcome(status, publisher.text, name, model, tokens_in, tokens_out, error)


__all__ = ["Interrupted", "Outcome", "call_providers", "execute_run"]
