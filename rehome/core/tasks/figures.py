"""Exact task figures for a reader (F-33, F-12): counts computed by the
database, never by a model and never from a sample.

The assistant's context, the digests, the weekly rollup and Risks & Blockers
all take their numbers from here, so "overdue" is one definition everywhere
(open, due before today UTC, as on the admin overview) and a figure in an
answer always equals the count a person gets by filtering the board.

Each function is one aggregate query over the rows the reader may see
(`access.visible_rows`): one project through its scope, or the whole
workspace for admins (`scope=None`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, func, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from rehome.core.access import Actor, ProjectScope, visible_rows
from rehome.core.infra.db import exec_rows
from rehome.core.models import Project, Task, User
from rehome.core.vocab import Priority, TaskStatus

SOON_DAYS = 7
LONG_BLOCKED_DAYS = 7


@dataclass(frozen=True, slots=True)
class Moment:
    """The instants the figures are taken at: today (UTC, as the board's
    overdue filter), the start of the period that "changed" counts, and when
    open work counts as stalled."""

    now: datetime
    since: datetime
    stalled_days: int

    @property
    def today(self) -> date:
        return self.now.date()

    @property
    def stalled_before(self) -> datetime:
        return self.now - timedelta(days=self.stalled_days)

    @property
    def soon_until(self) -> date:
        return self.today + timedelta(days=SOON_DAYS)


class TaskFigures(BaseModel):
    total: int = 0
    open: int = 0
    overdue: int = 0
    overdue_urgent: int = 0  # overdue and urgent priority
    blocked: int = 0
    blocked_long: int = 0  # blocked and untouched for LONG_BLOCKED_DAYS
    stalled: int = 0  # in progress and untouched for `stalled_days`
    due_soon: int = 0  # open, due today or in the next SOON_DAYS days
    done: int = 0
    done_in_period: int = 0
    created_in_period: int = 0
    cost_cents: int = 0  # recorded task costs; only filled for readers who see costs


class AssigneeCount(BaseModel):
    user_id: int | None
    name: str
    count: int


def _base(actor: Actor, scope: ProjectScope | None, *columns: Any) -> Select[*tuple[Any, ...]]:
    query = sa_select(*columns).select_from(Task)
    if scope is None:
        query = query.join(Project, col(Project.id) == col(Task.project_id))
    return query.where(visible_rows(actor, scope, Task))


def _columns(at: Moment, with_costs: bool) -> list[Any]:
    status, due, updated = col(Task.status), col(Task.due_date), col(Task.updated_at)
    open_ = status != TaskStatus.DONE
    overdue = open_ & (due < at.today)
    blocked = status == TaskStatus.BLOCKED
    long_ago = at.now - timedelta(days=LONG_BLOCKED_DAYS)
    cost = func.coalesce(func.sum(col(Task.cost_cents)), 0) if with_costs else literal(0)
    return [
        func.count().label("total"),
        func.count().filter(open_).label("open"),
        func.count().filter(overdue).label("overdue"),
        func.count().filter(overdue, col(Task.priority) == Priority.URGENT).label("overdue_urgent"),
        func.count().filter(blocked).label("blocked"),
        func.count().filter(blocked, updated < long_ago).label("blocked_long"),
        func.count().filter(status == TaskStatus.IN_PROGRESS, updated < at.stalled_before).label("stalled"),
        func.count().filter(open_, due >= at.today, due <= at.soon_until).label("due_soon"),
        func.count().filter(status == TaskStatus.DONE).label("done"),
        func.count()
        .filter(status == TaskStatus.DONE, col(Task.completed_at) >= at.since)
        .label("done_in_period"),
        func.count().filter(col(Task.created_at) >= at.since).label("created_in_period"),
        cost.label("cost_cents"),
    ]


def _figures(row: object) -> TaskFigures:
    return TaskFigures(**{name: int(getattr(row, name) or 0) for name in TaskFigures.model_fields})


def task_figures(
    session: Session,
    actor: Actor,
    scope: ProjectScope | None,
    at: Moment,
    *,
    with_costs: bool = False,
    where: ColumnElement[bool] | None = None,
) -> TaskFigures:
    """The reader's task counts (of the tasks `where` picks, if given), in one query."""
    query = _base(actor, scope, *_columns(at, with_costs))
    row = exec_rows(session, query if where is None else query.where(where)).one()
    return _figures(row)


def figures_by_project(
    session: Session, actor: Actor, at: Moment, *, with_costs: bool = False
) -> dict[int, TaskFigures]:
    """The same counts for every project of the workspace (admins), in one query."""
    project = col(Task.project_id)
    query = _base(actor, None, project, *_columns(at, with_costs)).group_by(project)
    return {int(row.project_id): _figures(row) for row in exec_rows(session, query)}


def overdue_by_assignee(
    session: Session, actor: Actor, scope: ProjectScope | None, at: Moment
) -> list[AssigneeCount]:
    """Overdue open tasks per assignee (unassigned ones together), most first, in one query."""
    count = func.count().label("n")
    assignee, name = col(Task.assignee_id), col(User.name)
    query = (
        _base(actor, scope, assignee, name, count)
        .outerjoin(User, col(User.id) == assignee)
        .where(col(Task.status) != TaskStatus.DONE, col(Task.due_date) < at.today)
        .group_by(assignee, name)
        .order_by(count.desc(), name)
    )
    return [
        AssigneeCount(user_id=uid, name=who or "Unassigned", count=int(n))
        for uid, who, n in exec_rows(session, query)
    ]


class AssigneeFigures(BaseModel):
    user_id: int | None
    name: str
    open: int
    overdue: int
    blocked: int


def by_assignee(
    session: Session, actor: Actor, scope: ProjectScope | None, at: Moment
) -> list[AssigneeFigures]:
    """Open, overdue and blocked tasks per assignee (unassigned ones together),
    in one query; their sums are the reader's exact totals."""
    open_ = col(Task.status) != TaskStatus.DONE
    columns = (
        func.count().filter(open_).label("open"),
        func.count().filter(open_, col(Task.due_date) < at.today).label("overdue"),
        func.count().filter(col(Task.status) == TaskStatus.BLOCKED).label("blocked"),
    )
    assignee = col(Task.assignee_id)
    # Counted per assignee id first, names joined to the few groups after: the
    # count reads ix_tasks_project_assignee alone (grouped in its order), never
    # a users row per task. Done tasks, the growing part, are skipped.
    counts = _base(actor, scope, assignee, *columns).where(open_).group_by(assignee).subquery()
    query = sa_select(
        counts.c.assignee_id, col(User.name), counts.c.open, counts.c.overdue, counts.c.blocked
    ).outerjoin(User, col(User.id) == counts.c.assignee_id)
    rows = [
        AssigneeFigures(user_id=uid, name=who or "Unassigned", open=int(o), overdue=int(d), blocked=int(b))
        for uid, who, o, d, b in exec_rows(session, query)
    ]
    return sorted(rows, key=lambda r: (-r.overdue, -r.open, r.name))
