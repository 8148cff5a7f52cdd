"""The activity log: every admin action and admin-agent question (F-34)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from rehome.core.access import Actor, require_admin
from rehome.core.infra.pagination import MAX_LIMIT, Page, page_of
from rehome.core.models import ActivityLog
from rehome.core.workspace.people import user_names


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    project_id: int | None = None,
    target_type: str = "",
    target_id: int | None = None,
    **meta: Any,
) -> None:
    """Write one entry in the same transaction as the change it describes."""
    session.add(
        ActivityLog(
            workspace_id=actor.workspace_id,
            project_id=project_id,
            actor_id=actor.user_id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            meta=meta,
        )
    )


class ActivityOut(BaseModel):
    id: int
    project_id: int | None
    actor_id: int | None
    actor_name: str
    action: str
    target_type: str
    target_id: int | None
    meta: dict[str, Any]
    created_at: datetime


def list_activity(
    session: Session,
    actor: Actor,
    *,
    project_id: int | None = None,
    action: str | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> Page[ActivityOut]:
    """The workspace's log, newest first (admins only)."""
    require_admin(actor)
    limit = max(1, min(limit, MAX_LIMIT))
    query = select(ActivityLog).where(ActivityLog.workspace_id == actor.workspace_id)
    if project_id:
        query = query.where(ActivityLog.project_id == project_id)
    if action:
        query = query.where(ActivityLog.action == action)
    if before_id:
        query = query.where(col(ActivityLog.id) < before_id)
    rows = session.exec(query.order_by(col(ActivityLog.id).desc()).limit(limit + 1)).all()
    names = user_names(session, (r.actor_id for r in rows))
    items = [
        ActivityOut(
            id=int(r.id or 0),
            project_id=r.project_id,
            actor_id=r.actor_id,
            actor_name=names.get(r.actor_id or 0, "System"),
            action=r.action,
            target_type=r.target_type,
            target_id=r.target_id,
            meta=r.meta,
            created_at=r.created_at,
        )
        for r in rows
    ]
    return page_of(items, limit, lambda a: a.id)
