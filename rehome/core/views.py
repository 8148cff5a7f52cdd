"""What readers get back: small view models, redacted for the reader's role.

Redaction follows the decisions in `access` (contacts, costs, internal notes);
pages, the API and the AI context all build their output from these.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from pydantic import BaseModel
from sqlmodel import Session, select

from rehome.core.access import Actor, ProjectScope, Role
from rehome.core.clock import today
from rehome.core.models import Message, Project, Task, User


class Person(BaseModel):
    id: int
    name: str
    email: str | None = None
    phone: str | None = None


class ProjectOut(BaseModel):
    id: int
    name: str
    description: str
    address: str
    budget_cents: int | None
    archived: bool
    role: str
    created_at: datetime


class TaskOut(BaseModel):
    id: int
    project_id: int
    title: str
    description: str
    status: str
    priority: str
    assignee_id: int | None
    assignee_name: str | None
    due_date: date | None
    position: float
    internal: bool
    internal_notes: str | None
    cost_cents: int | None
    overdue: bool
    created_by: int | None
    created_at: datetime
    updated_at: datetime


class MessageOut(BaseModel):
    id: int
    project_id: int
    author_id: int | None
    author_name: str
    body: str
    internal: bool
    created_at: datetime
    edited_at: datetime | None


class MemberOut(BaseModel):
    user_id: int
    name: str
    email: str | None
    role: str


def user_names(session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    """Names for a batch of user ids in one query (never one per row)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = session.exec(select(User.id, User.name).where(User.id.in_(wanted)))  # type: ignore[union-attr]
    return {int(uid): name for uid, name in rows}


def person(viewer: Actor, user: User, sees_contacts: bool) -> Person:
    show = sees_contacts or user.id == viewer.user_id
    return Person(
        id=int(user.id or 0),
        name=user.name,
        email=user.email if show else None,
        phone=user.phone if show else None,
    )


def project_out(project: Project, role: Role) -> ProjectOut:
    return ProjectOut(
        id=int(project.id or 0),
        name=project.name,
        description=project.description,
        address=project.address,
        budget_cents=project.budget_cents if role in (Role.ADMIN, Role.TEAM) else None,
        archived=project.archived_at is not None,
        role=role.value,
        created_at=project.created_at,
    )


def task_out(scope: ProjectScope, task: Task, names: dict[int, str]) -> TaskOut:
    return TaskOut(
        id=int(task.id or 0),
        project_id=task.project_id,
        title=task.title,
        description=task.description,
        status=task.status,
        priority=task.priority,
        assignee_id=task.assignee_id,
        assignee_name=names.get(task.assignee_id or 0),
        due_date=task.due_date,
        position=task.position,
        internal=task.internal,
        internal_notes=task.internal_notes if scope.sees_internal else None,
        cost_cents=task.cost_cents if scope.sees_costs else None,
        overdue=is_overdue(task),
        created_by=task.created_by,
        created_at=task.created_at,
        updated_at=task.updated_at,
    )


def tasks_out(session: Session, scope: ProjectScope, tasks: list[Task]) -> list[TaskOut]:
    names = user_names(session, (t.assignee_id for t in tasks))
    return [task_out(scope, task, names) for task in tasks]


def is_overdue(task: Task) -> bool:
    return task.due_date is not None and task.status != "done" and task.due_date < today()


def message_out(message: Message, names: dict[int, str]) -> MessageOut:
    return MessageOut(
        id=int(message.id or 0),
        project_id=message.project_id,
        author_id=message.author_id,
        author_name=names.get(message.author_id or 0, "Former member"),
        body=message.body,
        internal=message.internal,
        created_at=message.created_at,
        edited_at=message.edited_at,
    )


def messages_out(session: Session, messages: list[Message]) -> list[MessageOut]:
    names = user_names(session, (m.author_id for m in messages))
    return [message_out(message, names) for message in messages]
