"""Project chat: post, edit and delete messages with @mentions (F-06)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import Field
from sqlalchemy import Select, and_, bindparam, delete, exists
from sqlmodel import Session, col, select

from rehome.core import notifications
from rehome.core.access import (
    Action,
    Actor,
    ProjectScope,
    message_rows,
    message_scope,
    project_people_filter,
    project_scope,
    require_own_or_moderator,
)
from rehome.core.chat.views import MESSAGE_FIELDS, MessageOut, messages_from_rows, messages_out
from rehome.core.files.manage import MAX_ATTACHMENTS, attach_to_message
from rehome.core.files.reads import message_files
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import plain_rows, table_of
from rehome.core.infra.errors import Forbidden, Invalid
from rehome.core.infra.pagination import MAX_LIMIT, Page, page_of
from rehome.core.infra.validation import DbId, Input
from rehome.core.models import Message, MessageMention, ProjectMembership, StoredFile, User
from rehome.core.realtime import events
from rehome.core.vocab import EventKind, NotificationKind, Role

MAX_BODY = 10_000


class MessageCreate(Input):
    body: str = Field(min_length=1, max_length=MAX_BODY)
    internal: bool = False
    mention_ids: list[DbId] = Field(default_factory=list, max_length=50)
    file_ids: list[DbId] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)  # the author's own uploads


class MessageEdit(Input):
    body: str = Field(min_length=1, max_length=MAX_BODY)


MESSAGES = table_of(Message)
USERS, FILES = table_of(User), table_of(StoredFile)
# The author's name comes with the row (a join on the primary key, not a second
# query), and whether any file hangs on the message: the attachments (through
# the access layer) are then read only for the page's messages that have one.
_HAS_FILES = exists().where(FILES.c.message_id == MESSAGES.c.id, FILES.c.deleted_at.is_(None))
_PAGE_COLUMNS = (*(MESSAGES.c[name] for name in MESSAGE_FIELDS), USERS.c.name, _HAS_FILES)
_PAGE_FROM = MESSAGES.outerjoin(USERS, USERS.c.id == MESSAGES.c.author_id)


@lru_cache(maxsize=8)
def _page_query(sees_internal: bool, before: bool) -> Select[Any]:
    """The chat page's statement, built once per shape (values bound per call)."""
    query = message_rows(_PAGE_COLUMNS, sees_internal=sees_internal).select_from(_PAGE_FROM)
    if before:
        query = query.where(MESSAGES.c.id < bindparam("before_id"))
    return query.order_by(MESSAGES.c.id.desc()).limit(bindparam("limit"))


def list_messages(
    session: Session, actor: Actor, project_id: int, *, before_id: int | None = None, limit: int = 50
) -> Page[MessageOut]:
    """Newest first; `before_id` pages back through history."""
    scope = project_scope(session, actor, project_id)
    limit = max(1, min(limit, MAX_LIMIT))
    params: dict[str, Any] = {"project_id": scope.project_id, "limit": limit + 1}
    if before_id:
        params["before_id"] = before_id
    rows = plain_rows(session, _page_query(scope.sees_internal, bool(before_id)), params)
    items = messages_from_rows(row[:-1] for row in rows)
    with_files = {item.id for item, row in zip(items, rows, strict=True) if row[-1]}
    return page_of(_with_files(session, scope, items, with_files), limit, lambda m: m.id)


def post_message(session: Session, actor: Actor, project_id: int, data: MessageCreate) -> MessageOut:
    scope = project_scope(session, actor, project_id, Action.POST_MESSAGE)
    body = _clean(data.body)
    if data.internal and not scope.can(Action.MARK_INTERNAL):
        raise Forbidden("Only admins and team members may post internal messages.")
    message = Message(project_id=scope.project_id, author_id=actor.user_id, body=body, internal=data.internal)
    session.add(message)
    session.flush()
    mentioned = _save_mentions(session, scope, message, data.mention_ids)
    attach_to_message(session, scope, message, data.file_ids)
    events.emit(
        session, scope.project_id, EventKind.MESSAGE_SENT, message_id=message.id, actor_id=actor.user_id
    )
    _notify_mentioned(session, scope, message, mentioned)
    return _with_files(session, scope, messages_out(session, [message]))[0]


def edit_message(session: Session, actor: Actor, message_id: int, data: MessageEdit) -> MessageOut:
    scope, message = message_scope(session, actor, message_id)
    if message.author_id != actor.user_id:
        raise Forbidden("You can only edit your own messages.")
    require_own_or_moderator(scope, message.author_id)
    message.body = _clean(data.body)
    message.edited_at = utcnow()
    session.add(message)
    mentioned = _save_mentions(session, scope, message, [])
    events.emit(
        session, scope.project_id, EventKind.MESSAGE_EDITED, message_id=message.id, actor_id=actor.user_id
    )
    _notify_mentioned(session, scope, message, mentioned)
    return messages_out(session, [message])[0]


def delete_message(session: Session, actor: Actor, message_id: int) -> None:
    """Soft delete: the row stays for history, the text is gone."""
    scope, message = message_scope(session, actor, message_id)
    require_own_or_moderator(scope, message.author_id)
    message.deleted_at = utcnow()
    message.body = ""
    session.add(message)
    session.exec(delete(MessageMention).where(col(MessageMention.message_id) == message.id))
    events.emit(
        session, scope.project_id, EventKind.MESSAGE_DELETED, message_id=message_id, actor_id=actor.user_id
    )


def _with_files(
    session: Session, scope: ProjectScope, items: list[MessageOut], among: set[int] | None = None
) -> list[MessageOut]:
    """Attach each message's files the reader may see (one query for the page;
    none when `among`, the ids that have any file, is empty)."""
    attached = message_files(session, scope, [m.id for m in items if among is None or m.id in among])
    for item in items:
        item.files = attached.get(item.id, [])
    return items


def mentioned_ids(session: Session, message_id: int) -> list[int]:
    return list(session.exec(select(MessageMention.user_id).where(MessageMention.message_id == message_id)))


def _clean(body: str) -> str:
    body = body.strip()
    if not body:
        raise Invalid({"body": "Write a message first."})
    return body


def _save_mentions(session: Session, scope: ProjectScope, message: Message, explicit: list[int]) -> list[int]:
    """Mentions are people of the project named `@Full Name` or passed by id;
    a client is never mentioned in an internal message they cannot read."""
    people = session.exec(
        select(User.id, User.name, User.is_admin, ProjectMembership.role)
        .outerjoin(
            ProjectMembership,
            and_(
                col(ProjectMembership.user_id) == User.id,
                col(ProjectMembership.project_id) == scope.project_id,
            ),
        )
        .where(project_people_filter(scope.project_id, scope.actor.workspace_id))
    ).all()
    text = message.body.lower()
    found: set[int] = set()
    for user_id, name, is_admin, role in people:
        if message.internal and not is_admin and role == Role.CLIENT.value:
            continue
        if user_id in explicit or _names_in(name, text):
            found.add(int(user_id or 0))
    found.discard(scope.actor.user_id)
    session.exec(delete(MessageMention).where(col(MessageMention.message_id) == message.id))
    for user_id in sorted(found):
        session.add(MessageMention(message_id=int(message.id or 0), user_id=user_id))
    return sorted(found)


def _notify_mentioned(session: Session, scope: ProjectScope, message: Message, user_ids: list[int]) -> None:
    """One notification per person and message, however often it is edited."""
    notifications.notify(
        session,
        user_ids=user_ids,
        workspace_id=scope.actor.workspace_id,
        project_id=scope.project_id,
        kind=NotificationKind.MENTION,
        title=f"{scope.actor.name} mentioned you in {scope.project.name}",
        body=message.body[:200],
        link=f"/projects/{scope.project_id}?tab=chat&message={message.id}",
        dedupe_key=mention_key(int(message.id or 0)),
    )


def mention_key(message_id: int) -> str:
    """The notification key of a mention: one per person and message."""
    return f"mention:{message_id}"


def mentioned_message(dedupe_key: str) -> int | None:
    """The message a mention notification is about (see `mention_key`)."""
    kind, _, number = dedupe_key.partition(":")
    return int(number) if kind == "mention" and number.isdigit() else None


def _names_in(name: str, text: str) -> bool:
    return re.search(rf"@{re.escape(name.lower())}(?![\w])", text) is not None
