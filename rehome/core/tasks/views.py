"""What readers get back about tasks: small view models, redacted for the
reader's role (costs, internal notes) as the access layer decides.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlmodel import Session

from rehome.core.access import ProjectScope
from rehome.core.infra.clock import today
from rehome.core.models import Task
from rehome.core.workspace.people import user_names


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
