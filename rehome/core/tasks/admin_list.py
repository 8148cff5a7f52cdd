"""The admin's task list across the workspace (F-12): filters, sorts and a
"page X of Y" pager, in two queries whatever the number of rows.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from rehome.core.access import Actor, require_admin, visible_project_filter
from rehome.core.infra.clock import today
from rehome.core.infra.listing import MAX_ID, Listing, ListParams, contains, ordered, page_of, parse, total_of
from rehome.core.infra.validation import one_of_choices
from rehome.core.models import Project, Task, User
from rehome.core.vocab import TASK_STATUSES, TaskStatus

STATUS_FILTERS = ("all", "open", *TASK_STATUSES)


class TaskParams(ListParams):
    project_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    status: str = "all"
    assignee_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    overdue: bool = False
    include_archived: bool = False
    sort: Literal["due", "updated", "priority", "title"] = "due"

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str) -> str:
        return one_of_choices(value, STATUS_FILTERS)


class AdminTaskRow(BaseModel):
    id: int
    project_id: int
    project_name: str
    title: str
    status: str
    priority: str
    assignee_id: int | None
    assignee_name: str | None
    due_date: date | None
    overdue: bool
    internal: bool
    updated_at: datetime


_PRIORITY_RANK = case({"low": 0, "normal": 1, "high": 2, "urgent": 3}, value=Task.priority, else_=1)


def list_tasks_admin(
    session: Session,
    actor: Actor,
    *,
    q: str = "",
    project_id: int | None = None,
    status: str = "all",
    assignee_id: int | None = None,
    overdue: bool = False,
    include_archived: bool = False,
    sort: str = "due",
    descending: bool = False,
    page: int = 1,
    per_page: int = 25,
) -> Listing[AdminTaskRow]:
    """Tasks across the workspace (internal ones too: admins see everything), two queries.

    `status="open"` means anything not done. Tasks of archived projects are
    left out unless `include_archived`; they are read-only anyway.
    """
    require_admin(actor)
    params = parse(
        TaskParams,
        {
            "q": q,
            "project_id": project_id,
            "status": status,
            "assignee_id": assignee_id,
            "overdue": overdue,
            "include_archived": include_archived,
            "sort": sort,
            "descending": descending,
            "page": page,
            "per_page": per_page,
        },
    )
    where = [
        visible_project_filter(actor, include_archived=params.include_archived),
        contains(params.q, Task.title, Task.description),
    ]
    if params.project_id is not None:
        where.append(col(Task.project_id) == params.project_id)
    if params.status == "open":
        where.append(col(Task.status) != TaskStatus.DONE)
    elif params.status != "all":
        where.append(col(Task.status) == params.status)
    if params.assignee_id is not None:
        where.append(col(Task.assignee_id) == params.assignee_id)
    if params.overdue:
        where.extend([col(Task.status) != TaskStatus.DONE, col(Task.due_date) < today()])
    joined = select(func.count()).select_from(Task).join(Project, col(Project.id) == Task.project_id)
    total = total_of(session, joined.where(*where), params)

    assignee = aliased(User)
    keys_by_sort: dict[str, list[Any]] = {
        # no due date sorts last in both directions
        "due": [col(Task.due_date).is_(None), Task.due_date],
        "updated": [Task.updated_at],
        "priority": [_PRIORITY_RANK],
        "title": [func.lower(Task.title)],
    }
    sort_keys = keys_by_sort[params.sort]
    order = ordered(sort_keys, params.descending, Task.id)
    if params.sort == "due":
        order[0] = sort_keys[0].asc()
    query = (
        select(Task, Project.name, assignee.name)
        .join(Project, col(Project.id) == Task.project_id)
        .outerjoin(assignee, col(assignee.id) == Task.assignee_id)
        .where(*where)
        .order_by(*order)
    )
    now = today()
    items = [
        AdminTaskRow(
            id=int(task.id or 0),
            project_id=task.project_id,
            project_name=project_name,
            title=task.title,
            status=task.status,
            priority=task.priority,
            assignee_id=task.assignee_id,
            assignee_name=assignee_name,
            due_date=task.due_date,
            overdue=task.due_date is not None and task.status != TaskStatus.DONE and task.due_date < now,
            internal=task.internal,
            updated_at=task.updated_at,
        )
        for task, project_name, assignee_name in session.exec(page_of(query, params))
    ]
    return Listing(items=items, total=total, page=params.page, per_page=params.per_page)
