"""The kanban board: columns of visible tasks, filtered and capped per column
so a 5,000-task project still opens fast (F-05, F-50)."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from rehome.core.access import Actor, ProjectScope, project_scope, visible_tasks
from rehome.core.infra.clock import today
from rehome.core.infra.validation import DbId, Input
from rehome.core.models import Task
from rehome.core.tasks.views import TaskOut, tasks_out
from rehome.core.vocab import TASK_STATUSES, TaskStatus

STATUSES = TASK_STATUSES
STATUS_LABELS = {status.value: status.label for status in TaskStatus}
PER_COLUMN = 25


class BoardFilters(Input):
    assignee_id: DbId | None = None
    mine: bool = False
    overdue: bool = False
    blocked: bool = False


class Board(BaseModel):
    columns: dict[str, list[TaskOut]]
    totals: dict[str, int]


def _filtered(scope: ProjectScope, filters: BoardFilters) -> SelectOfScalar[Task]:
    query = visible_tasks(scope)
    if filters.mine:
        query = query.where(Task.assignee_id == scope.actor.user_id)
    if filters.assignee_id:
        query = query.where(Task.assignee_id == filters.assignee_id)
    if filters.overdue:
        query = query.where(Task.status != TaskStatus.DONE, col(Task.due_date) < today())
    if filters.blocked:
        query = query.where(Task.status == TaskStatus.BLOCKED)
    return query


def load_board(
    session: Session,
    actor: Actor,
    project_id: int,
    filters: BoardFilters,
    limits: dict[str, int] | None = None,
) -> Board:
    """One query per column plus one for the totals, whatever the project size."""
    scope = project_scope(session, actor, project_id)
    limits = limits or {}
    rows: list[Task] = []
    for status in STATUSES:
        limit = max(1, min(limits.get(status, PER_COLUMN), 1000))
        rows += session.exec(
            _filtered(scope, filters).where(Task.status == status).order_by(col(Task.position)).limit(limit)
        ).all()
    columns: dict[str, list[TaskOut]] = {status: [] for status in STATUSES}
    for task in tasks_out(session, scope, rows):
        columns[task.status].append(task)
    return Board(columns=columns, totals=column_totals(session, scope, filters))


def column_totals(session: Session, scope: ProjectScope, filters: BoardFilters) -> dict[str, int]:
    counted = _filtered(scope, filters).subquery()
    rows = session.exec(select(counted.c.status, func.count()).group_by(counted.c.status)).all()
    totals = dict.fromkeys(STATUSES, 0)
    totals.update(dict(rows))
    return totals


def matches(task: TaskOut, filters: BoardFilters, user_id: int) -> bool:
    """Whether a task that changed live still belongs on this filtered board."""
    if filters.mine and task.assignee_id != user_id:
        return False
    if filters.assignee_id and task.assignee_id != filters.assignee_id:
        return False
    if filters.overdue and not task.overdue:
        return False
    return not (filters.blocked and task.status != "blocked")
