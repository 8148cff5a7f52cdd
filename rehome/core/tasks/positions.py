"""Where a card sits in its column (F-05): float positions with gaps, so a
move writes one row; a column is renumbered only when repeated moves between
the same two cards exhaust float precision.

Indexes count the reader's visible cards, so a client dragging between two
cards lands between those two even when internal cards sit in between.
"""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from rehome.core.access import ProjectScope, visible_tasks
from rehome.core.infra.errors import Invalid
from rehome.core.models import Task

_GAP = 1024.0


def target_index(session: Session, scope: ProjectScope, task: Task, place: dict[str, int | None]) -> int:
    """Turn an index or a neighbour into an index among the column's other tasks."""
    if place["position"] is not None:
        return place["position"]
    neighbour_id = place["before_task_id"] or place["after_task_id"]
    if neighbour_id is None or neighbour_id == task.id:
        return 10**9  # end of the column
    neighbour = session.exec(visible_tasks(scope).where(Task.id == neighbour_id)).first()
    if neighbour is None or neighbour.status != task.status:
        raise Invalid(
            {
                "before_task_id"
                if place["before_task_id"]
                else "after_task_id": "That task is not in the destination column."
            }
        )
    rank = session.exec(
        select(func.count())
        .select_from(Task)
        .where(
            Task.project_id == scope.project_id,
            Task.status == task.status,
            Task.id != task.id,
            Task.position < neighbour.position,
            scope.internal_filter(col(Task.internal)),
        )
    ).one()
    return int(rank) + (1 if place["after_task_id"] else 0)


def end_of_column(session: Session, project_id: int, status: str) -> float:
    top = session.exec(
        select(func.max(Task.position)).where(Task.project_id == project_id, Task.status == status)
    ).one()
    return float(top or 0.0) + _GAP


def position_at(session: Session, scope: ProjectScope, status: str, index: int, task_id: int) -> float:
    """A position that puts the task at `index` among the column's visible tasks."""
    column = (
        select(Task.position)
        .where(
            Task.project_id == scope.project_id,
            Task.status == status,
            Task.id != task_id,
            scope.internal_filter(col(Task.internal)),
        )
        .order_by(col(Task.position))
    )
    neighbours = list(session.exec(column.offset(max(index - 1, 0)).limit(2)))
    if index == 0:
        return (neighbours[0] - _GAP) if neighbours else _GAP
    if not neighbours:
        return end_of_column(session, scope.project_id, status)
    if len(neighbours) == 1:
        return neighbours[0] + _GAP
    before, after = neighbours
    middle = (before + after) / 2
    if before < middle < after:
        return middle
    _renumber(session, scope.project_id, status)
    return position_at(session, scope, status, index, task_id)


def _renumber(session: Session, project_id: int, status: str) -> None:
    """Spread a column out again once repeated moves exhaust float precision."""
    tasks = session.exec(
        select(Task).where(Task.project_id == project_id, Task.status == status).order_by(col(Task.position))
    ).all()
    for i, task in enumerate(tasks, start=1):
        task.position = i * _GAP
        session.add(task)
    session.flush()
