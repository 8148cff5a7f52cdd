"""Threads and questions (F-30): who may open, read and ask in a thread, and
what asking does: rate limit, cost estimate and budget reservation, then a
queued run that the worker executes after commit."""

from __future__ import annotations

from pydantic import ConfigDict, Field
from sqlmodel import Session, col, select

from rehome.core.access import Action, Actor, ProjectScope, project_scope, require_admin
from rehome.core.activity import log as audit
from rehome.core.agent import governance, sweeper
from rehome.core.agent.context import estimate_tokens
from rehome.core.agent.prompt import SYSTEM_PROMPT
from rehome.core.agent.providers.prices import cost_cents
from rehome.core.agent.redact import cited_refs, redact, visible_refs
from rehome.core.agent.thread_views import (
    AgentMessageOut,
    AskOut,
    RunOut,
    ThreadOut,
    message_out,
    run_out,
    thread_out,
)
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import on_commit
from rehome.core.infra.errors import Forbidden, NotFound
from rehome.core.infra.validation import Input
from rehome.core.models import AgentMessage, AgentRun, AgentThread
from rehome.core.realtime import events
from rehome.core.vocab import Audience, EventKind, Role
from rehome.settings import get_settings

HISTORY_TURNS = 12  # earlier turns sent with a question


class ThreadIn(Input):
    model_config = ConfigDict(str_strip_whitespace=True)
    title: str = Field(default="", max_length=200)
    audience: Audience = Audience.PARTICIPANT


class QuestionIn(Input):
    content: str = Field(min_length=1, max_length=4000)


def create_thread(session: Session, actor: Actor, project_id: int | None, data: ThreadIn) -> ThreadOut:
    """Participants open project threads; admins also workspace-wide ones."""
    if data.audience == "admin" or project_id is None:
        require_admin(actor)
    if project_id is not None:
        project_scope(session, actor, project_id, Action.USE_AGENT)
    audience = "admin" if project_id is None else data.audience
    thread = AgentThread(
        workspace_id=actor.workspace_id,
        project_id=project_id,
        created_by=actor.user_id,
        audience=audience,
        title=data.title or "New conversation",
    )
    session.add(thread)
    session.flush()
    return thread_out(thread)


def list_threads(
    session: Session, actor: Actor, project_id: int | None, audience: Audience
) -> list[ThreadOut]:
    """The actor's own threads in this scope, newest first."""
    if project_id is not None:
        project_scope(session, actor, project_id)
    elif audience != "admin" or not actor.is_admin:
        raise Forbidden("Only workspace admins have workspace-wide conversations.")
    rows = session.exec(
        select(AgentThread)
        .where(
            AgentThread.workspace_id == actor.workspace_id,
            AgentThread.created_by == actor.user_id,
            AgentThread.project_id == project_id
            if project_id is not None
            else col(AgentThread.project_id).is_(None),
            AgentThread.audience == audience,
        )
        .order_by(col(AgentThread.updated_at).desc(), col(AgentThread.id).desc())
        .limit(50)
    ).all()
    return [thread_out(t) for t in rows]


def thread_scope(
    session: Session, actor: Actor, thread_id: int, *, ask: bool = False
) -> tuple[AgentThread, ProjectScope | None]:
    """A thread its creator (or, read-only, a workspace admin) may use; the
    creator's access to the project is checked again every time."""
    thread = session.get(AgentThread, thread_id)
    if thread is None or thread.workspace_id != actor.workspace_id:
        raise NotFound("Conversation not found.")
    mine = thread.created_by == actor.user_id
    if not mine and not (actor.is_admin and not ask):
        raise NotFound("Conversation not found.")
    if thread.audience == "admin" and not actor.is_admin:
        raise NotFound("Conversation not found.")
    scope = None
    if thread.project_id is not None:
        try:
            scope = project_scope(session, actor, thread.project_id, Action.USE_AGENT if ask else Action.VIEW)
        except NotFound:
            raise NotFound("Conversation not found.") from None
    return thread, scope


def get_thread(session: Session, actor: Actor, thread_id: int) -> ThreadOut:
    return thread_out(thread_scope(session, actor, thread_id)[0])


def thread_messages(
    session: Session, actor: Actor, thread_id: int, limit: int = 200
) -> list[AgentMessageOut]:
    """The thread's turns, each answer as the reader may see it now."""
    _, scope = thread_scope(session, actor, thread_id)
    rows = session.exec(
        select(AgentMessage)
        .where(AgentMessage.thread_id == thread_id, col(AgentMessage.role).in_(["user", "assistant"]))
        .order_by(col(AgentMessage.id).desc())
        .limit(limit)
    ).all()
    return _as_seen(session, scope, [message_out(m) for m in reversed(rows)])


def _as_seen(
    session: Session, scope: ProjectScope | None, messages: list[AgentMessageOut]
) -> list[AgentMessageOut]:
    answers = [m for m in messages if m.role == "assistant"]
    visible = visible_refs(session, scope, set().union(*(cited_refs(m.content, m.refs) for m in answers)))
    out = []
    for m in messages:
        if m.role == "assistant":
            content, refs, links = redact(m.content, m.refs, m.links, visible)
            m = m.model_copy(update={"content": content, "refs": refs, "links": links})
        out.append(m)
    return out


def thread_runs(session: Session, actor: Actor, thread_id: int, limit: int = 50) -> list[RunOut]:
    thread_scope(session, actor, thread_id)
    rows = session.exec(
        select(AgentRun).where(AgentRun.thread_id == thread_id).order_by(col(AgentRun.id).desc()).limit(limit)
    ).all()
    return [run_out(r) for r in rows]


def estimate(session: Session, actor: Actor, thread_id: int, question: str = "") -> float:
    """The most the next question may cost: a full context plus a full answer.

    The context is counted at its budget, not built: building it here as well
    as in the worker doubled the CPU each question cost and was most of the
    time to first token under load (issue 9). The worker builds it once; the
    reservation is settled on what the run really used."""
    thread_scope(session, actor, thread_id, ask=True)
    return _worst_case(session, actor, thread_id, question)


def _worst_case(session: Session, actor: Actor, thread_id: int, question: str) -> float:
    settings = get_settings()
    past = sum(estimate_tokens(m.content) for m in history(session, thread_id))
    prompt = estimate_tokens(SYSTEM_PROMPT) + settings.ai_context_tokens + past + estimate_tokens(question)
    model = governance.plan(session, actor.workspace_id)[0][1]
    return cost_cents(model, prompt, settings.ai_max_tokens)


def ask(session: Session, actor: Actor, thread_id: int, data: QuestionIn) -> AskOut:
    """Queue a run for a question; rate limits and budgets are checked first."""
    thread, scope = thread_scope(session, actor, thread_id, ask=True)
    if thread.audience == "admin":
        require_admin(actor)
    governance.check_rate(actor)
    worst_case = _worst_case(session, actor, thread_id, data.content)
    keys = governance.reserve(session, actor, worst_case)
    try:
        return _queue(session, actor, thread, data.content, worst_case, keys, scope)
    except Exception:
        governance.settle(keys, worst_case, 0.0)  # nothing was spent
        raise


def _queue(
    session: Session,
    actor: Actor,
    thread: AgentThread,
    content: str,
    worst_case: float,
    keys: list[str],
    scope: ProjectScope | None,
) -> AskOut:
    provider, model = governance.plan(session, actor.workspace_id)[0]
    message = AgentMessage(thread_id=int(thread.id or 0), role="user", content=content)
    run = AgentRun(
        thread_id=int(thread.id or 0),
        workspace_id=actor.workspace_id,
        user_id=actor.user_id,
        provider=provider,
        model=model,
        estimate_cents=worst_case,
        context_used={"budget_keys": keys, "role": scope.role.value if scope else Role.ADMIN.value},
    )
    session.add_all([message, run])
    thread.updated_at = utcnow()
    if thread.title in ("", "New conversation"):
        thread.title = content[:80]
    session.add(thread)
    session.flush()
    message.meta = {"run_id": run.id}
    session.add(message)
    if thread.audience == "admin":
        audit.record(
            session,
            actor,
            "agent.asked",
            project_id=thread.project_id,
            target_type="agent_run",
            target_id=run.id,
            question=content[:500],
        )
    run_id = int(run.id or 0)
    on_commit(session, lambda: sweeper.send(run_id))  # a failed send is the sweeper's to repeat
    events.emit_to_thread(session, int(thread.id or 0), EventKind.AGENT_RUN_QUEUED, run_id=run.id)
    lines = governance.status(session, actor)
    return AskOut(run=run_out(run), message=message_out(message), warning=governance.warning(lines))


def history(session: Session, thread_id: int) -> list[AgentMessage]:
    """The last turns of a thread, oldest first (what a question is asked with)."""
    rows = session.exec(
        select(AgentMessage)
        .where(AgentMessage.thread_id == thread_id, col(AgentMessage.role).in_(["user", "assistant"]))
        .order_by(col(AgentMessage.id).desc())
        .limit(HISTORY_TURNS)
    ).all()
    return list(reversed(rows))


def latest_run(session: Session, actor: Actor, thread_id: int) -> RunOut | None:
    thread_scope(session, actor, thread_id)
    run = session.exec(
        select(AgentRun).where(AgentRun.thread_id == thread_id).order_by(col(AgentRun.id).desc()).limit(1)
    ).first()
    return run_out(run) if run else None


def last_question(session: Session, actor: Actor, thread_id: int) -> str:
    """For retry: the newest question of the thread."""
    thread_scope(session, actor, thread_id, ask=True)
    message = session.exec(
        select(AgentMessage)
        .where(AgentMessage.thread_id == thread_id, AgentMessage.role == "user")
        .order_by(col(AgentMessage.id).desc())
        .limit(1)
    ).first()
    if message is None:
        raise NotFound("There is no question to retry yet.")
    return message.content
