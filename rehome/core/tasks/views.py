"""What readers get back about tasks: small view models, redacted for the
reader's role (costs, internal notes) as the access layer decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, TypeAdapter
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


# The stored fields a TaskOut is made of, in the order `tasks_from_rows` reads them.
TASK_FIELDS = (
    "id",
    "project_id",
    "title",
    "description",
    "status",
    "priority",
    "assignee_id",
    "due_date",
    "position",
    "internal",
    "internal_notes",
    "cost_cents",
    "created_by",
    "created_at",
    "updated_at",
)
_ROW = (*TASK_FIELDS, "assignee_name")
_MANY = TypeAdapter(list[TaskOut])


def tasks_from_rows(scope: ProjectScope, rows: Iterable[Sequence[Any]]) -> list[TaskOut]:
    """View models from plain rows of TASK_FIELDS and the assignee's name (a
    list page reads no ORM objects, issue 13), redacted for the reader's role;
    validated in one call."""
    now, internal, costs = today(), scope.sees_internal, scope.sees_costs
    items = []
    for row in rows:
        item = dict(zip(_ROW, row, strict=True))
        item["overdue"] = overdue(item["due_date"], item["status"], now)
        if not internal:
            item["internal_notes"] = None
        if not costs:
            item["cost_cents"] = None
        items.append(item)
    return _MANY.validate_python(items)


def _row(task: Task, names: dict[int, str]) -> list[Any]:
    return [*(getattr(task, name) for name in TASK_FIELDS), names.get(task.assignee_id or 0)]


def task_out(scope: ProjectScope, task: Task, names: dict[int, str]) -> TaskOut:
    return tasks_from_rows(scope, [_row(task, names)])[0]


def tasks_out(session: Session, scope: ProjectScope, tasks: list[Task]) -> list[TaskOut]:
    """One validation for the whole list, as the list pages do."""
    names = user_names(session, (t.assignee_id for t in tasks))
    return tasks_from_rows(scope, [_row(task, names) for task in tasks])


def overdue(due_date: date | None, status: str, now: date) -> bool:
    """Due before today and not done (`figures` says the same in SQL)."""
    return due_date is not None and status != "done" and due_date < now
