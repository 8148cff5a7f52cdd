"""What a digest may say about one project, read for one audience (F-33).

`gather` reads, through the access layer, what this reader may see: exact
counts (`core.tasks.figures`), the tasks that need attention (blocked,
overdue, stalled, due soon, waiting on a client), the status changes and new
tasks of the period and the recent chat, in eight queries whatever the
project's size. Lists are capped; counts never are. A client's facts come
from a client's scope, so internal items cannot reach them by construction.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import ColumnElement, Exists, and_, exists, func, literal, select
from sqlmodel import Session, col

from rehome.core.access import Actor, ProjectScope, visible_rows
from rehome.core.digests.fact_types import Change, ProjectFacts, Said, TaskLine
from rehome.core.infra.db import exec_rows
from rehome.core.models import Message, Project, ProjectMembership, Task, TaskEvent, User
from rehome.core.tasks.figures import Moment, overdue_by_assignee, task_figures
from rehome.core.vocab import Role, SummaryAudience, TaskStatus

ATTENTION_LIMIT = 80
CHANGES_LIMIT = 60
NEW_LIMIT = 10
MESSAGES_LIMIT = 300
CHAT_LOOKBACK_DAYS = 14


def gather(
    session: Session, actor: Actor, scope: ProjectScope, at: Moment, audience: SummaryAudience
) -> ProjectFacts:
    """Everything the digest may say, read as `scope` reads it (eight queries)."""
    changes, changes_total, done_total = _changes(session, actor, scope, at)
    return ProjectFacts(
        project_id=scope.project_id,
        project_name=scope.project.name,
        audience=audience,
        at=at,
        figures=task_figures(session, actor, scope, at),
        by_assignee=overdue_by_assignee(session, actor, scope, at),
        attention=task_lines(session, actor, scope, needs_attention(at), ATTENTION_LIMIT),
        changes=changes,
        changes_total=changes_total,
        done_total=done_total,
        new_tasks=task_lines(session, actor, scope, col(Task.created_at) >= at.since, NEW_LIMIT),
        messages_in_period=_message_count(session, actor, scope, at),
        chat=chat_lines(session, actor, scope, at),
    )


def _client_member(user_id: Any, project_id: Any) -> Exists:
    """Whether `user_id` is a client of the project (correlated, no extra query)."""
    return exists().where(
        col(ProjectMembership.project_id) == project_id,
        col(ProjectMembership.user_id) == user_id,
        col(ProjectMembership.role) == Role.CLIENT.value,
    )


def needs_attention(at: Moment) -> ColumnElement[bool]:
    """Open tasks that are blocked, overdue, due soon, stalled, or waiting on a client."""
    status = col(Task.status)
    stalled = (status == TaskStatus.IN_PROGRESS) & (col(Task.updated_at) < at.stalled_before)
    return and_(
        status != TaskStatus.DONE,
        (status == TaskStatus.BLOCKED)
        | (col(Task.due_date) < at.soon_until + timedelta(days=1))
        | stalled
        | _client_member(col(Task.assignee_id), col(Task.project_id)),
    )


def task_lines(
    session: Session,
    actor: Actor,
    scope: ProjectScope | None,
    where: ColumnElement[bool],
    limit: int,
    *,
    oldest_first: bool = False,
) -> list[TaskLine]:
    """Visible tasks `where` picks, soonest due first (or least recently
    changed first), with owner, client flag, blocked-since and (workspace-wide)
    project name; one query."""
    blocked_since = (
        select(func.max(col(TaskEvent.created_at)))
        .where(col(TaskEvent.task_id) == col(Task.id), col(TaskEvent.to_status) == TaskStatus.BLOCKED)
        .scalar_subquery()
    )
    client = _client_member(col(Task.assignee_id), col(Task.project_id))
    project = col(Project.name) if scope is None else literal("")
    query = (
        select(Task, col(User.name), client.label("client"), blocked_since.label("blocked_since"), project)
        .outerjoin(User, col(User.id) == col(Task.assignee_id))
        .where(visible_rows(actor, scope, Task), where)
        .limit(limit)
    )
    if oldest_first:
        query = query.order_by(col(Task.updated_at), col(Task.id))
    else:
        due = col(Task.due_date)
        query = query.order_by(due.is_(None), due, col(Task.id).desc())
    if scope is None:
        query = query.join(Project, col(Project.id) == col(Task.project_id))
    return [
        TaskLine(
            id=int(task.id or 0),
            title=task.title,
            status=task.status,
            priority=task.priority,
            assignee=name,
            assignee_is_client=bool(is_client),
            due=task.due_date,
            updated_at=task.updated_at,
            created_at=task.created_at,
            blocked_since=since if task.status == TaskStatus.BLOCKED else None,
            project_id=task.project_id,
            project=str(project_name or ""),
        )
        for task, name, is_client, since, project_name in exec_rows(session, query)
    ]


def _changes(
    session: Session, actor: Actor, scope: ProjectScope, at: Moment
) -> tuple[list[Change], int, int]:
    """The period's status changes (newest first, capped) and their exact totals."""
    where = (
        visible_rows(actor, scope, Task),
        col(TaskEvent.kind) == "status",
        col(TaskEvent.created_at) >= at.since,
    )
    joined = (TaskEvent, col(Task.id) == col(TaskEvent.task_id))
    done = col(TaskEvent.to_status) == TaskStatus.DONE
    counts = select(func.count(), func.count().filter(done)).select_from(Task).join(*joined).where(*where)
    total, done_total = exec_rows(session, counts).one()
    query = (
        select(
            col(TaskEvent.task_id),
            col(Task.title),
            col(TaskEvent.from_status),
            col(TaskEvent.to_status),
            col(User.name),
            col(TaskEvent.created_at),
        )
        .select_from(Task)
        .join(*joined)
        .outerjoin(User, col(User.id) == col(TaskEvent.actor_id))
        .where(*where)
        .order_by(col(TaskEvent.id).desc())
        .limit(CHANGES_LIMIT)
    )
    changes = [
        Change(int(t), title, frm, str(to), who or "Someone", when)
        for t, title, frm, to, who, when in exec_rows(session, query)
    ]
    return changes, int(total), int(done_total)


def _message_count(session: Session, actor: Actor, scope: ProjectScope, at: Moment) -> int:
    query = (
        select(func.count())
        .select_from(Message)
        .where(visible_rows(actor, scope, Message), col(Message.created_at) >= at.since)
    )
    return int(exec_rows(session, query).scalar_one())


def chat_lines(session: Session, actor: Actor, scope: ProjectScope | None, at: Moment) -> list[Said]:
    """Recent messages, oldest first, with whether a client wrote each; one query."""
    start = min(at.since, at.now - timedelta(days=CHAT_LOOKBACK_DAYS))
    client = _client_member(col(Message.author_id), col(Message.project_id))
    project = col(Project.name) if scope is None else literal("")
    query = (
        select(col(Message.id), col(User.name), client.label("client"), col(Message.body))
        .add_columns(col(Message.created_at), col(Message.project_id), project)
        .outerjoin(User, col(User.id) == col(Message.author_id))
        .where(visible_rows(actor, scope, Message), col(Message.created_at) >= start)
        .order_by(col(Message.id).desc())
        .limit(MESSAGES_LIMIT)
    )
    if scope is None:
        query = query.join(Project, col(Project.id) == col(Message.project_id))
    said = [
        Said(int(i), name or "Former member", bool(c), body, when, int(pid), str(pname or ""))
        for i, name, c, body, when, pid, pname in exec_rows(session, query)
    ]
    return list(reversed(said))
