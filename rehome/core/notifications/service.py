"""Per-user notifications (F-10): mentions and assignments, never twice for the
same thing, respecting each person's per-project setting (all, digest, mute)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import func, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from rehome.core.access import Actor, project_scope
from rehome.core.infra.clock import utcnow
from rehome.core.infra.pagination import MAX_LIMIT, Page, page_of
from rehome.core.infra.validation import Input
from rehome.core.models import Notification, NotificationSetting
from rehome.core.realtime import events
from rehome.core.vocab import EventKind, NotificationKind, NotifyLevel


class NotificationOut(BaseModel):
    id: int
    project_id: int | None
    kind: str
    title: str
    body: str
    link: str
    created_at: datetime
    read: bool


class LevelSet(Input):
    level: NotifyLevel


def notify(
    session: Session,
    *,
    user_ids: list[int],
    workspace_id: int,
    project_id: int | None,
    kind: str,
    title: str,
    body: str,
    link: str,
    dedupe_key: str,
) -> None:
    """Insert one notification per user unless they muted the project (or take
    digests only) or already have one with this key; then tell their tabs."""
    if not user_ids:
        return
    wanted = set(user_ids) - _silenced(session, user_ids, project_id, kind)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    for user_id in sorted(wanted):
        statement = (
            insert(Notification)
            .values(
                user_id=user_id,
                workspace_id=workspace_id,
                project_id=project_id,
                kind=kind,
                title=title[:200],
                body=body[:500],
                link=link[:300],
                dedupe_key=dedupe_key[:120],
                created_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["user_id", "dedupe_key"])
        )
        if session.exec(statement).rowcount:
            events.emit_to_user(session, user_id, EventKind.NOTIFICATION_CREATED)


def _silenced(session: Session, user_ids: list[int], project_id: int | None, kind: str) -> set[int]:
    if project_id is None:
        return set()
    rows = session.exec(
        select(NotificationSetting.user_id, NotificationSetting.level).where(
            NotificationSetting.project_id == project_id,
            col(NotificationSetting.user_id).in_(user_ids),
        )
    )
    digests = (NotificationKind.DIGEST, NotificationKind.CLIENT_UPDATE)
    return {
        uid
        for uid, level in rows
        if level == NotifyLevel.MUTE or (level == NotifyLevel.DIGEST and kind not in digests)
    }


def list_notifications(
    session: Session,
    actor: Actor,
    *,
    unread_only: bool = False,
    before_id: int | None = None,
    limit: int = 20,
) -> Page[NotificationOut]:
    limit = max(1, min(limit, MAX_LIMIT))
    query = select(Notification).where(Notification.user_id == actor.user_id)
    if unread_only:
        query = query.where(col(Notification.read_at).is_(None))
    if before_id:
        query = query.where(col(Notification.id) < before_id)
    rows = session.exec(query.order_by(col(Notification.id).desc()).limit(limit + 1)).all()
    items = [
        NotificationOut(
            id=int(n.id or 0),
            project_id=n.project_id,
            kind=n.kind,
            title=n.title,
            body=n.body,
            link=n.link,
            created_at=n.created_at,
            read=n.read_at is not None,
        )
        for n in rows
    ]
    return page_of(items, limit, lambda n: n.id)


UNREAD_CAP = 100


def unread_count(session: Session, actor: Actor) -> int:
    """Unread notifications, counted up to UNREAD_CAP (the badge shows "99+"
    beyond 99): a bounded range of `ix_notifications_user_unread`, so the
    count costs the same at 100 unread as at 100,000."""
    unread = (
        select(Notification.id)
        .where(Notification.user_id == actor.user_id, col(Notification.read_at).is_(None))
        .limit(UNREAD_CAP)
        .subquery()
    )
    return int(session.exec(select(func.count()).select_from(unread)).one())


def mark_read(session: Session, actor: Actor, ids: list[int] | None = None) -> None:
    """Mark some (or, with no ids, all) of the actor's own notifications read."""
    query = update(Notification).where(
        col(Notification.user_id) == actor.user_id,
        col(Notification.read_at).is_(None),
    )
    if ids is not None:
        query = query.where(col(Notification.id).in_(ids))
    session.exec(query.values(read_at=utcnow()))


def muted(session: Session, project_id: int, user_ids: list[int]) -> set[int]:
    """Who of `user_ids` muted the project (no mail about it either), in one query."""
    if not user_ids:
        return set()
    rows = session.exec(
        select(NotificationSetting.user_id).where(
            NotificationSetting.project_id == project_id,
            NotificationSetting.user_id.in_(user_ids),  # type: ignore[attr-defined]
            NotificationSetting.level == NotifyLevel.MUTE,
        )
    )
    return set(rows)


def get_level(session: Session, actor: Actor, project_id: int) -> str:
    setting = session.get(NotificationSetting, (actor.user_id, project_id))
    return setting.level if setting else "all"


def set_level(session: Session, actor: Actor, project_id: int, data: LevelSet) -> None:
    project_scope(session, actor, project_id)
    setting = session.get(NotificationSetting, (actor.user_id, project_id))
    if setting is None:
        setting = NotificationSetting(user_id=actor.user_id, project_id=project_id)
    setting.level = data.level
    session.add(setting)
