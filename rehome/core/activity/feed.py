"""The activity log made readable for the admin dashboard: names instead of ids,
the action filter's choices, and counts for the pager (F-12).

Every function starts with `require_admin` and reads only the admin's own
workspace.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import and_, func
from sqlmodel import Session, col, select

from rehome.core.access import (
    Actor,
    require_admin,
)
from rehome.core.activity.log import ActivityOut
from rehome.core.models import ActivityLog, Project, User


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
                and_(col(Project.id).in_(project_ids), col(Project.workspace_id) == actor.workspace_id)
            )
        ).all()
        if project_ids
        else []
    )
    people = dict(
        session.exec(
            select(User.id, User.name).where(
                col(User.id).in_(user_ids),
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
