"""Small view models the project page keeps in state (never ORM rows).

Plain typed dicts, not pydantic models: with Redis, Reflex pickles a tab's
state on every event, and a board's hundreds of cards pickle several times
faster as dicts.
"""

from __future__ import annotations

import re
from typing import TypedDict

from rehome.core.chat.views import MessageOut
from rehome.core.files.intake import size_text
from rehome.core.files.views import FileOut
from rehome.core.tasks.views import TaskOut
from rehome.ui.components.links import backend_url


class Card(TypedDict):
    """What a board card needs; descriptions stay on the server until opened."""

    id: int
    title: str
    status: str
    priority: str
    assignee_id: int
    assignee_name: str
    due_date: str
    overdue: bool
    internal: bool
    position: float


class FileCard(TypedDict):
    """A file as a tile, a row or an attachment; links are signed and short-lived."""

    id: int
    name: str
    kind: str
    size: str
    size_bytes: int
    uploader_id: int
    uploader_name: str
    created_at: str
    internal: bool
    status: str  # "", "checking" or "quarantined"
    downloadable: bool
    thumb: str
    preview: str
    keep_location: bool


class ChatLine(TypedDict):
    """`rich`: the body has markdown; plain lines skip the markdown renderer."""

    id: int
    author_id: int
    author_name: str
    initials: str
    body: str
    internal: bool
    sent_at: str
    edited: bool
    rich: bool
    files: list[FileCard]


class PersonChip(TypedDict):
    id: int
    name: str
    initials: str


_MARKUP = re.compile(r"[*_`#\[\]>|~]|\n|^\s*\d+\.\s|https?://")


def initials(name: str) -> str:
    parts = [p for p in name.split() if p]
    return "".join(p[0] for p in parts[:2]).upper() or "?"


def card(task: TaskOut) -> Card:
    return Card(
        id=task.id,
        title=task.title,
        status=task.status,
        priority=task.priority,
        assignee_id=task.assignee_id or 0,
        assignee_name=task.assignee_name or "",
        due_date=task.due_date.isoformat() if task.due_date else "",
        overdue=task.overdue,
        internal=task.internal,
        position=task.position,
    )


def chat_line(message: MessageOut) -> ChatLine:
    return ChatLine(
        id=message.id,
        author_id=message.author_id or 0,
        author_name=message.author_name,
        initials=initials(message.author_name),
        body=message.body,
        internal=message.internal,
        sent_at=message.created_at.isoformat(),
        edited=message.edited_at is not None,
        rich=_MARKUP.search(message.body) is not None,
        files=[file_card(f) for f in message.files],
    )


_STATUS = {"pending": "checking", "quarantined": "quarantined"}


def file_card(item: FileOut) -> FileCard:
    return FileCard(
        id=item.id,
        name=item.name,
        kind=item.kind,
        size=size_text(item.size_bytes),
        size_bytes=item.size_bytes,
        uploader_id=item.uploaded_by or 0,
        uploader_name=item.uploader_name,
        created_at=item.created_at.isoformat(),
        internal=item.internal,
        status=_STATUS.get(item.scan_status, ""),
        downloadable=item.downloadable,
        thumb=browser_url(item.thumb_url),
        preview=browser_url(item.preview_url),
        keep_location=item.keep_location,
    )


def browser_url(url: str | None) -> str:
    """Local signed links are paths on the backend; S3 links are absolute already."""
    if not url:
        return ""
    return backend_url(url) if url.startswith("/") else url
