"""Projects of a workspace: listing for everyone, changes for admins (F-04)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import Select, and_, bindparam, func
from sqlmodel import Session, col, select

from rehome.core.access import (
    Action,
    Actor,
    project_people_filter,
    project_rows,
    project_scope,
    require_admin,
)
from rehome.core.activity import log as audit
from rehome.core.infra.clock import today, utcnow
from rehome.core.infra.db import exec_rows, plain_rows, table_of
from rehome.core.infra.errors import Conflict
from rehome.core.infra.validation import Cents, Input
from rehome.core.models import Project, ProjectMembership, Task, User
from rehome.core.projects.views import PROJECT_FIELDS, ProjectOut, project_from_row, project_out
from rehome.core.realtime import events
from rehome.core.vocab import EventKind, Role, TaskStatus
from rehome.core.workspace.people import Person, person


class ProjectCreate(Input):
    model_config = ConfigDict(str_strip_whitespace=True)
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=5000)
    address: str = Field(default="", max_length=300)
    budget_cents: Cents | None = None


class ProjectPatch(Input):
    model_config = ConfigDict(str_strip_whitespace=True)
    name: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=5000)
    address: str | None = Field(default=None, max_length=300)
    budget_cents: Cents | None = None

    @model_validator(mode="after")
    def _no_null_text(self) -> ProjectPatch:
        for field in ("name", "description", "address"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null.")
        return self


class ProjectFrame(ProjectOut):
    people: list[Person]


class ProjectDetail(ProjectFrame):
    open_tasks: int
    overdue_tasks: int
    blocked_tasks: int


PROJECTS, MEMBERSHIPS = table_of(Project), table_of(ProjectMembership)


@lru_cache(maxsize=8)
def _list_query(is_admin: bool, include_archived: bool) -> Select[Any]:
    """The project list's statement, built once per shape (ids bound per call)."""
    mine = and_(MEMBERSHIPS.c.project_id == PROJECTS.c.id, MEMBERSHIPS.c.user_id == bindparam("user_id"))
    columns = (*(PROJECTS.c[name] for name in PROJECT_FIELDS), MEMBERSHIPS.c.role)
    query = project_rows(columns, is_admin=is_admin, include_archived=include_archived)
    return query.select_from(PROJECTS.outerjoin(MEMBERSHIPS, mine)).order_by(PROJECTS.c.name, PROJECTS.c.id)


def list_projects(session: Session, actor: Actor, include_archived: bool = False) -> list[ProjectOut]:
    """The actor's projects with their role in each, in one query."""
    query = _list_query(actor.is_admin, include_archived)
    rows = plain_rows(session, query, {"user_id": actor.user_id, "workspace_id": actor.workspace_id})
    return [project_from_row(row[:-1], Role.ADMIN if actor.is_admin else Role(row[-1])) for row in rows]


def project_frame(session: Session, actor: Actor, project_id: int) -> ProjectFrame:
    """The project, the actor's role in it and its people, without the task
    counts (an aggregate over all its tasks): what the project page's header shows."""
    scope = project_scope(session, actor, project_id)
    people = session.exec(
        select(User).where(project_people_filter(scope.project_id, actor.workspace_id)).order_by(User.name)
    ).all()
    return ProjectFrame(
        **project_out(scope.project, scope.role).model_dump(),
        people=[person(actor, user, scope.sees_contacts) for user in people],
    )


def project_detail(session: Session, actor: Actor, project_id: int) -> ProjectDetail:
    frame = project_frame(session, actor, project_id)
    scope = project_scope(session, actor, project_id)  # read once per transaction: no second query
    counts = task_counts(session, scope.project_id, hide_internal=not scope.sees_internal)
    return ProjectDetail(**dict(frame), **counts)


def task_counts(session: Session, project_id: int, hide_internal: bool) -> dict[str, int]:
    """Open, overdue and blocked counts with one aggregate query."""
    open_ = col(Task.status) != TaskStatus.DONE
    query = select(
        func.count().filter(open_),
        func.count().filter(open_, col(Task.due_date) < today()),
        func.count().filter(col(Task.status) == TaskStatus.BLOCKED),
    ).where(Task.project_id == project_id)
    if hide_internal:
        query = query.where(col(Task.internal).is_(False))
    open_tasks, overdue, blocked = session.exec(query).one()
    return {"open_tasks": open_tasks, "overdue_tasks": overdue, "blocked_tasks": blocked}


def create_project(session: Session, actor: Actor, data: ProjectCreate) -> ProjectOut:
    require_admin(actor)
    project = Project(workspace_id=actor.workspace_id, created_by=actor.user_id, **data.model_dump())
    session.add(project)
    session.flush()
    audit.record(
        session,
        actor,
        "project.created",
        project_id=project.id,
        target_type="project",
        target_id=project.id,
        name=project.name,
    )
    return project_out(project, Role.ADMIN)


def update_project(session: Session, actor: Actor, project_id: int, data: ProjectPatch) -> ProjectOut:
    require_admin(actor)
    scope = project_scope(session, actor, project_id, Action.MANAGE)
    changes = data.model_dump(exclude_unset=True)
    project = scope.project
    for field, value in changes.items():
        setattr(project, field, value)
    project.updated_at = utcnow()
    session.add(project)
    events.emit(session, int(project.id or 0), EventKind.PROJECT_CHANGED)
    audit.record(
        session,
        actor,
        "project.updated",
        project_id=project.id,
        target_type="project",
        target_id=project.id,
        fields=sorted(changes),
    )
    return project_out(project, Role.ADMIN)


def archive_project(session: Session, actor: Actor, project_id: int) -> ProjectOut:
    require_admin(actor)
    scope = project_scope(session, actor, project_id)
    project = scope.project
    if project.archived_at is not None:
        raise Conflict("This project is already archived.")
    project.archived_at = utcnow()
    session.add(project)
    events.emit(session, int(project.id or 0), EventKind.PROJECT_CHANGED)
    audit.record(
        session, actor, "project.archived", project_id=project.id, target_type="project", target_id=project.id
    )
    return project_out(project, Role.ADMIN)


class ProjectCard(BaseModel):
    id: int
    name: str
    address: str
    role: str
    open_tasks: int
    overdue_tasks: int
    blocked_tasks: int


def project_cards(session: Session, actor: Actor) -> list[ProjectCard]:
    """The project list with task counts: two queries whatever the number of projects."""
    listed = list_projects(session, actor)
    ids = [p.id for p in listed]
    open_ = col(Task.status) != TaskStatus.DONE
    rows = (
        exec_rows(
            session,
            sa.select(  # five columns: more than sqlmodel.select types
                col(Task.project_id),
                col(Task.internal),
                func.count().filter(open_),
                func.count().filter(open_, col(Task.due_date) < today()),
                func.count().filter(col(Task.status) == TaskStatus.BLOCKED),
            )
            .where(col(Task.project_id).in_(ids))
            .group_by(col(Task.project_id), col(Task.internal)),
        ).all()
        if ids
        else []
    )
    roles = {p.id: p.role for p in listed}
    counts: dict[int, list[int]] = {i: [0, 0, 0] for i in ids}
    for project_id, internal, open_count, overdue, blocked in rows:
        if internal and roles[project_id] == Role.CLIENT.value:
            continue
        totals = counts[project_id]
        totals[0] += open_count
        totals[1] += overdue
        totals[2] += blocked
    return [
        ProjectCard(
            id=p.id,
            name=p.name,
            address=p.address,
            role=p.role,
            open_tasks=counts[p.id][0],
            overdue_tasks=counts[p.id][1],
            blocked_tasks=counts[p.id][2],
        )
        for p in listed
    ]


def restore_project(session: Session, actor: Actor, project_id: int) -> ProjectOut:
    """Un-archive: the project is visible and writable for its members again."""
    require_admin(actor)
    project = project_scope(session, actor, project_id).project
    if project.archived_at is None:
        raise Conflict("This project is not archived.")
    project.archived_at = None
    project.updated_at = utcnow()
    session.add(project)
    events.emit(session, int(project.id or 0), EventKind.PROJECT_CHANGED)
    audit.record(
        session, actor, "project.restored", project_id=project.id, target_type="project", target_id=project.id
    )
    return project_out(project, Role.ADMIN)
