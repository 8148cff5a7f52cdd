"""Mention alerts by mail, batched (F-35): one mail per person per few
minutes, never one per mention, never for what they already read in the app.

A sweep (every minute, on Celery beat or the embedded scheduler) looks for
people whose oldest unread, unmailed mention has waited `MENTION_MAIL_MINUTES`
and sends each of them one mail with all their unread, unmailed mentions.
Since a mail only goes once the oldest pending mention has waited a whole
window, two mails to one person are always at least a window apart. Read
notifications are never mailed; mentions are marked `mailed_at` in the same
transaction that queues the mail (whose key names the newest one), so a
second sweep, or a redelivered one, finds nothing left to send.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, update
from sqlmodel import Session, col, select

from rehome.core.access import readable_messages
from rehome.core.auth.sessions import actor_for
from rehome.core.chat.messages import mentioned_message
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import session_scope
from rehome.core.mail.messages import Mention, mentions_mail
from rehome.core.mail.outbox import queue_mail
from rehome.core.mail.preferences import unsubscribe_url
from rehome.core.models import Notification, User, Workspace
from rehome.core.vocab import MailKind, MailPref, NotificationKind
from rehome.core.workspace.people import user_names
from rehome.settings import get_settings

MAX_LISTED = 20  # mentions shown in one mail; the rest are one click away


def _pending(now: datetime) -> ColumnElement[bool]:
    return (
        (Notification.kind == NotificationKind.MENTION)
        & Notification.read_at.is_(None)  # type: ignore[union-attr]
        & Notification.mailed_at.is_(None)  # type: ignore[union-attr]
        & (Notification.created_at <= now)
    )


def sweep(now: datetime | None = None) -> int:
    """The job: mail everyone whose mentions are due; returns the mails queued."""
    now = now or utcnow()
    due_before = now - timedelta(minutes=get_settings().mention_mail_minutes)
    with session_scope() as session:
        users = list(
            session.exec(
                select(Notification.user_id)
                .where(_pending(now), Notification.created_at <= due_before)
                .distinct()
            )
        )
    return sum(_mail_person(int(user_id), now) for user_id in sorted(users))


def _mail_person(user_id: int, now: datetime) -> bool:
    with session_scope() as session:
        rows = session.exec(
            update(Notification)
            .where(col(Notification.user_id) == user_id, _pending(now))
            .values(mailed_at=now)
            .returning(col(Notification.id), col(Notification.dedupe_key))
        )
        marked = [(int(nid or 0), str(key)) for nid, key in rows]
        user = session.get(User, user_id)
        if not marked or user is None or not user.is_active:
            return False
        if not MailPref(user.mail_pref).wants_mentions:
            return False  # marked all the same: they chose not to get these
        return _queue(session, user, marked)


def _queue(session: Session, user: User, marked: list[tuple[int, str]]) -> bool:
    wanted = [mid for _, key in marked if (mid := mentioned_message(key)) is not None]
    readable = readable_messages(session, actor_for(user), wanted)  # access as it is now
    if not readable:
        return False
    names = user_names(session, (m.author_id for m, _ in readable))
    mentions = [
        Mention(
            author=names.get(m.author_id or 0, "Someone"),
            project=p.name,
            excerpt=" ".join(m.body.split())[:180],
            link=f"/projects/{p.id}?tab=chat&message={m.id}",
        )
        for m, p in readable[-MAX_LISTED:]
    ]
    workspace = session.get(Workspace, user.workspace_id)
    content = mentions_mail(
        name=user.name,
        mentions=mentions,
        unsubscribe_url=unsubscribe_url(int(user.id or 0), "mentions"),
        workspace=workspace.name if workspace else "",
    )
    return queue_mail(
        session,
        key=f"mentions:{user.id}:{max(nid for nid, _ in marked)}",
        kind=MailKind.MENTIONS,
        to=user.email,
        content=content,
        user_id=user.id,
        workspace_id=user.workspace_id,
    )
