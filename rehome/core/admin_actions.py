"""Admin dashboard services that the participant-facing modules do not offer (F-12).

Restoring an archived project, deleting a task with an activity-log entry,
the overview's counts, the options the filter selects offer, and the activity
log made readable (project and target names). Every function starts with
`require_admin` and reads only the admin's own workspace through the access
layer; every change writes its activity entry in the same transaction, so
the log never misses an admin action.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import and_, func, or_
from sqlmodel import Session, select

from rehome.core import audit, events, tasks
from rehome.core.access import (
    Actor,
    Role,
    project_scope,
    require_admin,
    visible_project_filter,
)
from rehome.core.audit import ActivityOut
from rehome.core.clock import today, utcnow
from rehome.core.errors import Conflict
from rehome.core.models import ActivityLog, Project, Task, User
from rehome.core.views import ProjectOut, project_out

RECENT_DAYS = 7


# ---- changes ------------------------------------------------------------------------------


def restore_project(session: Session, actor: Actor, project_id: int) -> ProjectOut:
    """Un-archive: the project is visible and writable for its members again."""
    require_admin(actor)
    project = project_scope(session, actor, project_id).project
    if project.archived_at is None:
        raise Conflict("This project is not archived.")
    project.archived_at = None
    project.updated_at = utcnow()
    session.add(project)
    events.emit(session, int(project.id or 0), events.PROJECT_CHANGED)
    audit.record(
        session, actor, "project.restored", project_id=project.id, target_type="project", target_id=project.id
    )
    return project_out(project, Role.ADMIN)


def delete_task(session: Session, actor: Actor, task_id: int) -> None:
    """Delete from the admin task list: admins only (the core logs the deletion)."""
    require_admin(actor)
    tasks.delete_task(session, actor, task_id)


# ---- overview -----------------------------------------------------------------------------


class Overview(BaseModel):
    active_projects: int
    archived_projects: int
    active_users: int
    invited_users: int
    disabled_users: int
    open_tasks: int
    overdue_tasks: int
    blocked_tasks: int
    recent_activity: int  # entries in the last RECENT_DAYS days


def overview(session: Session, actor: Actor) -> Overview:
    """The dashboard's headline numbers, four aggregate queries whatever the size."""
    require_admin(actor)
    archived = Project.archived_at.is_not(None)  # type: ignore[union-attr]
    active_projects, archived_projects = session.exec(
        select(func.count().filter(~archived), func.count().filter(archived)).where(
            visible_project_filter(actor, include_archived=True)
        )
    ).one()
    disabled = User.disabled_at.is_not(None)  # type: ignore[union-attr]
    no_password = or_(User.password_hash.is_(None), User.password_hash == "")  # type: ignore[union-attr]
    active_users, invited_users, disabled_users = session.exec(
        select(
            func.count().filter(~disabled, ~no_password),
            func.count().filter(~disabled, no_password),
            func.count().filter(disabled),
        ).where(User.workspace_id == actor.workspace_id)
    ).one()
    open_ = Task.status != "done"
    open_tasks, overdue_tasks, blocked_tasks = session.exec(
        select(
            func.count().filter(open_),
            func.count().filter(open_, Task.due_date < today()),  # type: ignore[operator]
            func.count().filter(Task.status == "blocked"),
        )
        .join(Project, Project.id == Task.project_id)  # type: ignore[arg-type]
        .where(visible_project_filter(actor))
    ).one()
    recent = session.exec(
        select(func.count())
        .select_from(ActivityLog)
        .where(
            ActivityLog.workspace_id == actor.workspace_id,
            ActivityLog.created_at >= utcnow() - timedelta(days=RECENT_DAYS),
        )
    ).one()
    return Overview(
        active_projects=active_projects,
        archived_projects=archived_projects,
        active_users=active_users,
        invited_users=invited_users,
        disabled_users=disabled_users,
        open_tasks=open_tasks,
        overdue_tasks=overdue_tasks,
        blocked_tasks=blocked_tasks,
        recent_activity=int(recent),
    )


# ---- options for filter and form selects ------------------------------------------------------


class Option(BaseModel):
    id: int
    label: str
    archived: bool = False


def project_options(session: Session, actor: Actor, *, include_archived: bool = True) -> list[Option]:
    """The workspace's projects (archived last), for filters; without archived ones for
    forms that change a project, since archived projects are read-only."""
    require_admin(actor)
    archived = Project.archived_at.is_not(None)  # type: ignore[union-attr]
    rows = session.exec(
        select(Project.id, Project.name, archived)
        .where(visible_project_filter(actor, include_archived=include_archived))
        .order_by(archived, func.lower(Project.name), Project.id)
    )
    return [Option(id=int(pid), label=name, archived=bool(gone)) for pid, name, gone in rows]


def user_options(session: Session, actor: Actor) -> list[Option]:
    """The workspace's people (disabled ones too: they may still hold tasks)."""
    require_admin(actor)
    rows = session.exec(
        select(User.id, User.name)
        .where(User.workspace_id == actor.workspace_id)
        .order_by(func.lower(User.name), User.id)
    )
    return [Option(id=int(uid), label=name) for uid, name in rows]


# ---- activity log -------------------------------------------------------------------------


class ActivityRow(BaseModel):
    id: int
    created_at: datetime
    actor_name: str
    action: str
    project_id: int | None
    project_name: str
    target: str  # "user Jane Doe", "task #12 'Tile grout'"...
    details: str  # the remaining meta as "key: value" pairs


def activity_actions(session: Session, actor: Actor) -> list[str]:
    """The action names that occur in this workspace's log, for the filter select."""
    require_admin(actor)
    rows = session.exec(
        select(ActivityLog.action)
        .where(ActivityLog.workspace_id == actor.workspace_id)
        .distinct()
        .order_by(ActivityLog.action)
    )
    return list(rows)


def count_activity(
    session: Session, actor: Actor, *, project_id: int | None = None, action: str | None = None
) -> int:
    """How many entries `audit.list_activity` pages through with the same filters."""
    require_admin(actor)
    query = (
        select(func.count()).select_from(ActivityLog).where(ActivityLog.workspace_id == actor.workspace_id)
    )
    if project_id:
        query = query.where(ActivityLog.project_id == project_id)
    if action:
        query = query.where(ActivityLog.action == action)
    return int(session.exec(query).one())


def describe_activity(session: Session, actor: Actor, entries: list[ActivityOut]) -> list[ActivityRow]:
    """Entries from `audit.list_activity` with names instead of ids: two queries per page."""
    require_admin(actor)
    project_ids = {e.project_id for e in entries if e.project_id}
    user_ids = {e.target_id for e in entries if e.target_type == "user" and e.target_id}
    projects = dict(
        session.exec(
            select(Project.id, Project.name).where(
                and_(Project.id.in_(project_ids), Project.workspace_id == actor.workspace_id)  # type: ignore[union-attr]
            )
        ).all()
        if project_ids
        else []
    )
    people = dict(
        session.exec(
            select(User.id, User.name).where(
                User.id.in_(user_ids),  # type: ignore[union-attr]
                User.workspace_id == actor.workspace_id,
            )
        ).all()
        if user_ids
        else []
    )
    rows = []
    for entry in entries:
        meta = dict(entry.meta)
        target = entry.target_type
        if entry.target_type == "user" and entry.target_id:
            target = f"user {people.get(entry.target_id, f'#{entry.target_id}')}"
        elif entry.target_type == "task" and entry.target_id:
            title = meta.pop("title", "")
            target = f"task #{entry.target_id}" + (f" “{title}”" if title else "")
        elif entry.target_type == "project":
            target = "project"
        details = ", ".join(
            f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
            for key, value in meta.items()
            if value not in (None, "", [])
        )
        rows.append(
            ActivityRow(
                id=entry.id,
                created_at=entry.created_at,
                actor_name=entry.actor_name,
                action=entry.action,
                project_id=entry.project_id,
                project_name=projects.get(entry.project_id or 0, ""),
                target=target,
                details=details,
            )
        )
    return rows
