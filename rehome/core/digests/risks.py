"""Risks & Blockers (F-12, F-33): what needs a person's attention now, each
item cited and linked, with exact counts.

- blocked tasks, with how long they have been blocked and their owner;
- overdue tasks by assignee (exact counts, as the overview's);
- stalled work: in progress with no change in `DIGEST_STALLED_DAYS` days;
- client questions in chat that nobody on the firm's side has answered.

For the firm's side of one project (staff: admins, team, consultants), or for
a workspace's admins across every project. Five queries either way.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import or_
from sqlmodel import Session, col

from rehome.core.access import Actor, ProjectScope, project_scope, require_admin
from rehome.core.digests.fact_types import Said, TaskLine, unanswered
from rehome.core.digests.facts import chat_lines, task_lines
from rehome.core.digests.writer import inert, plural
from rehome.core.infra.clock import utcnow
from rehome.core.infra.errors import NotFound
from rehome.core.models import Task
from rehome.core.tasks.figures import AssigneeCount, Moment, overdue_by_assignee, task_figures
from rehome.core.vocab import TaskStatus
from rehome.settings import get_settings

LISTED = 25


class RiskItem(BaseModel):
    ref: str
    title: str
    detail: str
    link: str
    project: str = ""


class Risks(BaseModel):
    blocked_count: int
    blocked: list[RiskItem]
    overdue_count: int
    overdue_by_assignee: list[AssigneeCount]
    stalled_count: int
    stalled_days: int
    stalled: list[RiskItem]
    questions: list[RiskItem]
    checked_at: datetime


def project_risks(session: Session, actor: Actor, project_id: int) -> Risks:
    """One project's risks, for its firm-side people (clients get NotFound)."""
    scope = project_scope(session, actor, project_id)
    if not scope.sees_internal:
        raise NotFound("Project not found.")
    return _risks(session, actor, scope)


def workspace_risks(session: Session, actor: Actor) -> Risks:
    """Every project's risks, for the workspace's admins."""
    require_admin(actor)
    return _risks(session, actor, None)


def _risks(session: Session, actor: Actor, scope: ProjectScope | None) -> Risks:
    now = utcnow()
    at = Moment(now=now, since=now - timedelta(days=1), stalled_days=get_settings().digest_stalled_days)
    figures = task_figures(session, actor, scope, at)
    status = col(Task.status)
    stalled = (status == TaskStatus.IN_PROGRESS) & (col(Task.updated_at) < at.stalled_before)
    lines = task_lines(session, actor, scope, or_(status == TaskStatus.BLOCKED, stalled), 4 * LISTED)
    blocked = sorted(
        (t for t in lines if t.status == TaskStatus.BLOCKED),
        key=lambda t: (t.blocked_since or t.updated_at, t.id),
    )
    idle = sorted(
        (t for t in lines if t.status == TaskStatus.IN_PROGRESS), key=lambda t: (t.updated_at, t.id)
    )
    questions = list(unanswered(chat_lines(session, actor, scope, at)))
    return Risks(
        blocked_count=figures.blocked,
        blocked=[_task(t, now, "blocked") for t in blocked[:LISTED]],
        overdue_count=figures.overdue,
        overdue_by_assignee=overdue_by_assignee(session, actor, scope, at),
        stalled_count=figures.stalled,
        stalled_days=at.stalled_days,
        stalled=[_task(t, now, "no change") for t in idle[:LISTED]],
        questions=[_question(s, now) for s in questions[:LISTED]],
        checked_at=now,
    )


def _age(since: datetime, now: datetime) -> str:
    return plural(max(0, (now - since).days), "day")


def _task(t: TaskLine, now: datetime, what: str) -> RiskItem:
    since = (t.blocked_since or t.updated_at) if what == "blocked" else t.updated_at
    owner = f"owner {t.assignee}" if t.assignee else "no owner"
    return RiskItem(
        ref=t.ref,
        title=t.title,
        detail=f"{what} for {_age(since, now)} · {owner}",
        link=f"/projects/{t.project_id}?task={t.id}",
        project=t.project,
    )


def _question(s: Said, now: datetime) -> RiskItem:
    return RiskItem(
        ref=s.ref,
        title=inert(s.body, 140),
        detail=f"{s.author}, waiting {_age(s.at, now)}",
        link=f"/projects/{s.project_id}?tab=chat&message={s.id}",
        project=s.project,
    )
