"""Milestone and meeting summaries on demand (F-33): summarise a set of tasks
or a date range, or a selected range of chat, saved as `project_summaries`.

Anyone who may use the project's assistant may ask; the summary is written
from what they may see, for their audience (a client's from client-visible
items only), and counts against their budget and rate limit like a question.
The request is checked here and the writing runs in a job.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import ColumnElement, func, or_, select
from sqlmodel import Session, col

from rehome.core.access import Action, Actor, ProjectScope, project_scope, summary_audience, visible_rows
from rehome.core.agent import governance
from rehome.core.auth.sessions import actor_for
from rehome.core.digests.fact_types import DECIDED
from rehome.core.digests.generate import Spec, Written, write
from rehome.core.digests.writer import Assessment, Draft, assess, inert, plural, refs_in
from rehome.core.infra import jobs
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import exec_rows, session_scope
from rehome.core.infra.errors import Invalid, NotFound
from rehome.core.models import Message, Task, User
from rehome.core.tasks.figures import Moment, task_figures
from rehome.core.vocab import SummaryType, TaskStatus, Verdict

MAX_TASKS = 200
MAX_MESSAGES = 500
LISTED = 6
Title = Annotated[str, Field(min_length=1, max_length=120)]


class MilestoneIn(BaseModel):
    """A milestone: these tasks, or the tasks due or finished in a date range."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: Literal["milestone"] = "milestone"
    title: Title
    task_ids: list[int] = Field(default_factory=list, max_length=MAX_TASKS)
    since: date | None = None
    until: date | None = None

    @model_validator(mode="after")
    def _tasks_or_range(self) -> MilestoneIn:
        if not self.task_ids and (self.since is None or self.until is None):
            raise ValueError("Choose some tasks, or a start and an end date.")
        if self.since and self.until and not timedelta(0) <= self.until - self.since <= timedelta(days=366):
            raise ValueError("The range must run forwards and span at most a year.")
        return self


class MeetingIn(BaseModel):
    """A meeting: the chat from one message to another."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: Literal["meeting"] = "meeting"
    title: Title
    from_message_id: int = Field(ge=1, le=2_147_483_647)
    to_message_id: int = Field(ge=1, le=2_147_483_647)

    @model_validator(mode="after")
    def _forwards(self) -> MeetingIn:
        if self.to_message_id < self.from_message_id:
            raise ValueError("The last message must come after the first.")
        return self


SummaryRequest = Annotated[MilestoneIn | MeetingIn, Field(discriminator="kind")]


class Queued(BaseModel):
    project_id: int
    kind: str
    status: str = "queued"


def request_summary(session: Session, actor: Actor, project_id: int, data: MilestoneIn | MeetingIn) -> Queued:
    """Check the request (ids the asker may see, limits), then queue the job."""
    scope = project_scope(session, actor, project_id, Action.USE_AGENT)
    governance.check_rate(actor)
    if isinstance(data, MilestoneIn) and data.task_ids:
        seen = session.execute(
            select(func.count())
            .select_from(Task)
            .where(visible_rows(actor, scope, Task), Task.id.in_(data.task_ids))  # type: ignore[union-attr]
        ).scalar_one()
        if seen != len(set(data.task_ids)):
            raise NotFound("Task not found.")
    elif isinstance(data, MeetingIn):
        _messages_between(session, actor, scope, data)  # raises when the range is empty or too long
    jobs.enqueue_on_commit(
        session,
        "digests.summary",
        project_id=project_id,
        kind=data.kind,
        requested_by=actor.user_id,
        request=data.model_dump(mode="json"),
    )
    return Queued(project_id=project_id, kind=data.kind)


def write_on_demand(project_id: int, kind: SummaryType, requested_by: int, request: dict) -> Written | None:
    """The job: access is checked again, as the asker is now."""
    with session_scope() as session:
        user = session.get(User, requested_by)
        if user is None or not user.is_active:
            return None
        actor = actor_for(user)
        try:
            scope = project_scope(session, actor, project_id, Action.USE_AGENT)
        except NotFound:
            return None
        audience = summary_audience(scope)
    now = utcnow()
    model = MilestoneIn if kind is SummaryType.MILESTONE else MeetingIn
    data: MilestoneIn | MeetingIn = model.model_validate(request)
    key = f"{kind.value}:{project_id}:by{requested_by}:{now:%Y%m%d%H%M%S%f}"
    spec = Spec(
        actor.workspace_id, project_id, kind, audience, key, requested_by, meta=(("title", data.title),)
    )

    def compose(session: Session) -> Draft:
        scope = project_scope(session, actor, project_id, Action.USE_AGENT)
        if isinstance(data, MilestoneIn):
            return milestone(session, actor, scope, data, Moment(now, now - timedelta(days=7), 7))
        return meeting(data, _messages_between(session, actor, scope, data))

    return write(spec, compose)


def _milestone_where(data: MilestoneIn) -> ColumnElement[bool]:
    if data.task_ids:
        return col(Task.id).in_(data.task_ids)
    since, until = data.since or date.min, data.until or date.max
    finished = func.date(col(Task.completed_at)).between(since.isoformat(), until.isoformat())
    return or_(col(Task.due_date).between(since, until), finished)


def milestone(session: Session, actor: Actor, scope: ProjectScope, data: MilestoneIn, at: Moment) -> Draft:
    where = _milestone_where(data)
    figures = task_figures(session, actor, scope, at, where=where)
    status = col(Task.status)
    rows = exec_rows(
        session,
        select(col(Task.id), col(Task.title), status, col(Task.due_date))
        .where(visible_rows(actor, scope, Task), where)
        .order_by(status == TaskStatus.DONE, col(Task.due_date), col(Task.id))
        .limit(MAX_TASKS),
    ).all()
    verdict = assess(figures, today=at.today)
    if not figures.total:
        verdict = Assessment(Verdict.ON_TRACK, "no task of this milestone is visible to you")
    lines = [
        f"**{verdict.level.value.capitalize()}**: {verdict.reason}.",
        "",
        f"**{inert(data.title)}**: {plural(figures.total, 'task')}, {figures.done} done, "
        f"{figures.open} open ({figures.overdue} overdue, {figures.blocked} blocked).",
    ]
    for label, keep in (
        ("Open", lambda s: s != TaskStatus.DONE),
        ("Done", lambda s: s == TaskStatus.DONE),
    ):
        chosen = [r for r in rows if keep(r.status)]
        lines += ["", f"**{label}**"]
        lines += [f"- {inert(r.title)} [T-{r.id}]{_due(r.due_date, r.status)}" for r in chosen[:LISTED]] or [
            "None reported."
        ]
        total = figures.open if label == "Open" else figures.done
        lines += [f"- …and {total - len(chosen[:LISTED])} more."] if total > LISTED else []
    return _draft(lines, verdict, figures.model_dump(exclude={"cost_cents"}))


def _due(due: date | None, status: str) -> str:
    if due is None or status == TaskStatus.DONE:
        return ""
    return f", due {due.isoformat()}"


def _messages_between(
    session: Session, actor: Actor, scope: ProjectScope, data: MeetingIn
) -> list[tuple[int, str, str]]:
    rows = exec_rows(
        session,
        select(col(Message.id), col(User.name), col(Message.body))
        .outerjoin(User, col(User.id) == Message.author_id)
        .where(
            visible_rows(actor, scope, Message),
            col(Message.id).between(data.from_message_id, data.to_message_id),
        )
        .order_by(col(Message.id))
        .limit(MAX_MESSAGES + 1),
    ).all()
    if not rows:
        raise NotFound("Message not found.")
    if len(rows) > MAX_MESSAGES:
        raise Invalid({"to_message_id": f"Choose at most {MAX_MESSAGES} messages."})
    return [(int(i or 0), name or "Former member", body) for i, name, body in rows]


def meeting(data: MeetingIn, said: list[tuple[int, str, str]]) -> Draft:
    who = Counter(name for _, name, _ in said)
    people = ", ".join(f"{inert(n, 30)} ({c})" for n, c in who.most_common(5))
    questions = [(i, n, b) for i, n, b in said if "?" in b]
    decided = [(i, n, b) for i, n, b in said if _decided(b)]
    verdict = Assessment(
        Verdict.ON_TRACK, f"{plural(len(said), 'message')} from {plural(len(who), 'person')}"
    )
    lines = [f"**{inert(data.title)}**: {verdict.reason}: {people}.", ""]
    lines += ["**Decided**", *([_quote(x) for x in decided[:LISTED]] or ["None reported."])]
    lines += ["", "**Questions raised**", *([_quote(x) for x in questions[:LISTED]] or ["None reported."])]
    first, last = said[0], said[-1]
    lines += ["", f"From [M-{first[0]}] to [M-{last[0]}]."]
    return _draft(lines, verdict, {"messages": len(said), "people": len(who), "questions": len(questions)})


def _decided(body: str) -> bool:
    return bool(DECIDED.search(body))


def _quote(item: tuple[int, str, str]) -> str:
    message_id, name, body = item
    return f"- {inert(name, 30)}: “{inert(body, 120)}” [M-{message_id}]"


def _draft(lines: list[str], verdict: Assessment, figures: dict) -> Draft:
    text = "\n".join(lines)
    return Draft(text=text, refs=refs_in(text), verdict=verdict, figures=figures)
