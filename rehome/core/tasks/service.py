"""Tasks on a project's board: create, edit, move, delete, history (F-05)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Select, and_, bindparam
from sqlmodel import Session, col, select

from rehome.core import notifications
from rehome.core.access import (
    Action,
    Actor,
    ProjectScope,
    project_people_filter,
    project_scope,
    task_rows,
    task_scope,
)
from rehome.core.activity import log as audit
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import plain_rows, table_of
from rehome.core.infra.errors import Forbidden, Invalid
from rehome.core.infra.pagination import MAX_LIMIT, Page, page_of
from rehome.core.infra.validation import Cents, DbId, Input
from rehome.core.models import ProjectMembership, Task, TaskEvent, User
from rehome.core.realtime import events
from rehome.core.tasks.positions import end_of_column, position_at, target_index
from rehome.core.tasks.views import TASK_FIELDS, TaskOut, tasks_from_rows, tasks_out
from rehome.core.vocab import EventKind, NotificationKind, Priority, Role, TaskStatus
from rehome.core.workspace.people import user_names


class TaskCreate(Input):
    model_config = ConfigDict(str_strip_whitespace=True)
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=20_000)
    status: TaskStatus = TaskStatus.TODO
    priority: Priority = Priority.NORMAL
    assignee_id: DbId | None = None
    due_date: date | None = None
    internal: bool = False
    internal_notes: str = Field(default="", max_length=20_000)
    cost_cents: Cents | None = None


class TaskPatch(Input):
    """Edit fields and/or move: `status` picks the column; `position` (an index in
    it), `before_task_id` or `after_task_id` (a neighbour in it) picks the place."""

    model_config = ConfigDict(str_strip_whitespace=True)
    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=20_000)
    status: TaskStatus | None = None
    priority: Priority | None = None
    assignee_id: DbId | None = None
    due_date: date | None = None
    internal: bool | None = None
    internal_notes: str | None = Field(default=None, max_length=20_000)
    cost_cents: Cents | None = None
    position: int | None = Field(default=None, ge=0, le=1_000_000)
    before_task_id: DbId | None = None
    after_task_id: DbId | None = None

    @model_validator(mode="after")
    def _one_place(self) -> TaskPatch:
        places = [self.position, self.before_task_id, self.after_task_id]
        if sum(p is not None for p in places) > 1:
            raise ValueError("Give only one of position, before_task_id and after_task_id.")
        return self

    @model_validator(mode="after")
    def _no_null(self) -> TaskPatch:
        for field in ("title", "description", "status", "priority", "internal", "internal_notes"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null.")
        return self


class TaskEventOut(BaseModel):
    id: int
    kind: str
    from_status: str | None
    to_status: str | None
    actor_id: int | None
    actor_name: str
    created_at: datetime


TASKS = table_of(Task)
USERS = table_of(User)
# The assignee's name comes with the row (a join on the primary key, not a second query).
_PAGE_COLUMNS = (*(TASKS.c[name] for name in TASK_FIELDS), USERS.c.name)
_PAGE_FROM = TASKS.outerjoin(USERS, USERS.c.id == TASKS.c.assignee_id)


@lru_cache(maxsize=32)
def _page_query(sees_internal: bool, by_status: bool, by_assignee: bool, after: bool) -> Select[Any]:
    """The list page's statement, built once per shape (values bound per call)."""
    query = task_rows(_PAGE_COLUMNS, sees_internal=sees_internal).select_from(_PAGE_FROM)
    if by_status:
        query = query.where(TASKS.c.status == bindparam("status"))
    if by_assignee:
        query = query.where(TASKS.c.assignee_id == bindparam("assignee_id"))
    if after:
        query = query.where(TASKS.c.id > bindparam("after_id"))
    return query.order_by(TASKS.c.id).limit(bindparam("limit"))


def list_tasks(
    session: Session,
    actor: Actor,
    project_id: int,
    *,
    status: str | None = None,
    assignee_id: int | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> Page[TaskOut]:
    scope = project_scope(session, actor, project_id)
    limit = max(1, min(limit, MAX_LIMIT))
    params: dict[str, Any] = {"project_id": scope.project_id, "limit": limit + 1}
    if status:
        params["status"] = str(status)
    if assignee_id:
        params["assignee_id"] = assignee_id
    if after_id:
        params["after_id"] = after_id
    query = _page_query(scope.sees_internal, bool(status), bool(assignee_id), bool(after_id))
    rows = plain_rows(session, query, params)
    return page_of(tasks_from_rows(scope, rows), limit, lambda t: t.id)


def get_task(session: Session, actor: Actor, task_id: int) -> TaskOut:
    scope, task = task_scope(session, actor, task_id)
    return tasks_out(session, scope, [task])[0]


def create_task(session: Session, actor: Actor, project_id: int, data: TaskCreate) -> TaskOut:
    scope = project_scope(session, actor, project_id, Action.CREATE_TASK)
    _check_restricted_fields(scope, data.model_fields_set, data.internal)
    _check_assignee(session, scope, data.assignee_id, data.internal)
    task = Task(project_id=scope.project_id, created_by=actor.user_id, **data.model_dump())
    task.position = end_of_column(session, scope.project_id, data.status)
    if data.status == "done":
        task.completed_at = utcnow()
    session.add(task)
    session.flush()
    _record_event(session, task, actor, "created", None, task.status)
    events.emit(session, scope.project_id, EventKind.TASK_CREATED, task_id=task.id, actor_id=actor.user_id)
    _notify_assignee(session, scope, task)
    return tasks_out(session, scope, [task])[0]


def update_task(session: Session, actor: Actor, task_id: int, data: TaskPatch) -> TaskOut:
    scope, task = task_scope(session, actor, task_id, Action.EDIT_TASK)
    changes = data.model_dump(exclude_unset=True)
    internal = changes.get("internal", task.internal)
    _check_restricted_fields(scope, set(changes), bool(changes.get("internal")))
    if "assignee_id" in changes or "internal" in changes:
        _check_assignee(session, scope, changes.get("assignee_id", task.assignee_id), internal)
    place = {key: changes.pop(key, None) for key in ("position", "before_task_id", "after_task_id")}
    old_status, old_assignee = task.status, task.assignee_id
    for field, value in changes.items():
        setattr(task, field, value)
    if any(v is not None for v in place.values()) or task.status != old_status:
        index = target_index(session, scope, task, place)
        task.position = position_at(session, scope, task.status, index, int(task.id or 0))
    if task.status != old_status:
        task.completed_at = utcnow() if task.status == "done" else None
        _record_event(session, task, actor, "status", old_status, task.status)
    task.updated_at = utcnow()
    session.add(task)
    moved = any(v is not None for v in place.values()) or task.status != old_status
    kind = EventKind.TASK_MOVED if moved else EventKind.TASK_UPDATED
    events.emit(session, scope.project_id, kind, task_id=task.id, actor_id=actor.user_id)
    if task.assignee_id != old_assignee:
        _notify_assignee(session, scope, task)
    return tasks_out(session, scope, [task])[0]


def delete_task(session: Session, actor: Actor, task_id: int) -> None:
    """Delete a task; the activity log keeps its title, the only trace left."""
    scope, task = task_scope(session, actor, task_id, Action.DELETE_TASK)
    title = task.title
    session.delete(task)
    events.emit(session, scope.project_id, EventKind.TASK_DELETED, task_id=task_id, actor_id=actor.user_id)
    audit.record(
        session,
        actor,
        "task.deleted",
        project_id=scope.project_id,
        target_type="task",
        target_id=task_id,
        title=title,
    )


def task_history(session: Session, actor: Actor, task_id: int) -> list[TaskEventOut]:
    task_scope(session, actor, task_id)
    events = session.exec(
        select(TaskEvent).where(TaskEvent.task_id == task_id).order_by(col(TaskEvent.id))
    ).all()
    names = user_names(session, (e.actor_id for e in events))
    return [
        TaskEventOut(
            id=int(e.id or 0),
            kind=e.kind,
            from_status=e.from_status,
            to_status=e.to_status,
            actor_id=e.actor_id,
            actor_name=names.get(e.actor_id or 0, "Someone"),
            created_at=e.created_at,
        )
        for e in events
    ]


def _check_restricted_fields(scope: ProjectScope, fields: set[str], internal: bool) -> None:
    touches_internal = internal or bool(fields & {"internal", "internal_notes"})
    if touches_internal and not scope.can(Action.MARK_INTERNAL):
        raise Forbidden("Only admins and team members may set internal fields.")
    if "cost_cents" in fields and not scope.sees_costs:
        raise Forbidden("Only admins and team members may set costs.")


def _check_assignee(session: Session, scope: ProjectScope, assignee_id: int | None, internal: bool) -> None:
    """Assignees are people of the project; clients never get internal tasks."""
    if assignee_id is None:
        return
    row = session.exec(
        select(User.id, User.is_admin, ProjectMembership.role)
        .outerjoin(
            ProjectMembership,
            and_(
                col(ProjectMembership.user_id) == User.id,
                col(ProjectMembership.project_id) == scope.project_id,
            ),
        )
        .where(User.id == assignee_id, project_people_filter(scope.project_id, scope.actor.workspace_id))
    ).first()
    if row is None:
        raise Invalid({"assignee_id": "Choose someone who works on this project."})
    if internal and not row[1] and row[2] == Role.CLIENT.value:
        raise Invalid({"assignee_id": "Clients cannot be assigned internal tasks."})


def _notify_assignee(session: Session, scope: ProjectScope, task: Task) -> None:
    if task.assignee_id is None or task.assignee_id == scope.actor.user_id:
        return
    notifications.notify(
        session,
        user_ids=[task.assignee_id],
        workspace_id=scope.actor.workspace_id,
        project_id=scope.project_id,
        kind=NotificationKind.ASSIGNMENT,
        title=f"{scope.actor.name} assigned you a task",
        body=task.title,
        link=f"/projects/{scope.project_id}?task={task.id}",
        dedupe_key=f"assign:{task.id}:{task.assignee_id}",
    )


def _record_event(session: Session, task: Task, actor: Actor, kind: str, old: str | None, new: str) -> None:
    session.add(
        TaskEvent(
            task_id=int(task.id or 0),
            project_id=task.project_id,
            actor_id=actor.user_id,
            kind=kind,
            from_status=old,
            to_status=new,
        )
    )
