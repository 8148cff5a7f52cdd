"""The admin dashboard's headline numbers and the options its filter selects
offer (F-12). Every function starts with `require_admin`.
"""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel
from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from rehome.core.access import (
    Actor,
    require_admin,
    visible_project_filter,
)
from rehome.core.infra.clock import today, utcnow
from rehome.core.models import ActivityLog, Project, Task, User
from rehome.core.vocab import TaskStatus

RECENT_DAYS = 7


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
    archived = col(Project.archived_at).is_not(None)
    active_projects, archived_projects = session.exec(
        select(func.count().filter(~archived), func.count().filter(archived)).where(
            visible_project_filter(actor, include_archived=True)
        )
    ).one()
    disabled = col(User.disabled_at).is_not(None)
    no_password = or_(col(User.password_hash).is_(None), col(User.password_hash) == "")
    active_users, invited_users, disabled_users = session.exec(
        select(
            func.count().filter(~disabled, ~no_password),
            func.count().filter(~disabled, no_password),
            func.count().filter(disabled),
        ).where(User.workspace_id == actor.workspace_id)
    ).one()
    open_ = col(Task.status) != TaskStatus.DONE
    open_tasks, overdue_tasks, blocked_tasks = session.exec(
        select(
            func.count().filter(open_),
            func.count().filter(open_, col(Task.due_date) < today()),
            func.count().filter(col(Task.status) == TaskStatus.BLOCKED),
        )
        .join(Project, col(Project.id) == Task.project_id)
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


class Option(BaseModel):
    id: int
    label: str
    archived: bool = False


def project_options(session: Session, actor: Actor, *, include_archived: bool = True) -> list[Option]:
    """The workspace's projects (archived last), for filters; without archived ones for
    forms that change a project, since archived projects are read-only."""
    require_admin(actor)
    archived = col(Project.archived_at).is_not(None)
    rows = session.exec(
        select(Project.id, Project.name, archived)
        .where(visible_project_filter(actor, include_archived=include_archived))
        .order_by(archived, func.lower(Project.name), col(Project.id))
    )
    return [Option(id=int(pid or 0), label=name, archived=bool(gone)) for pid, name, gone in rows]


def user_options(session: Session, actor: Actor) -> list[Option]:
    """The workspace's people (disabled ones too: they may still hold tasks)."""
    require_admin(actor)
    rows = session.exec(
        select(User.id, User.name)
        .where(User.workspace_id == actor.workspace_id)
        .order_by(func.lower(User.name), col(User.id))
    )
    return [Option(id=int(uid or 0), label=name) for uid, name in rows]
