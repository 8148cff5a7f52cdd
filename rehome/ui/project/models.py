"""Small view models the project page keeps in state (never ORM rows).

Plain typed dicts, not pydantic models: with Redis, Reflex pickles a tab's
state on every event, and a board's hundreds of cards pickle several times
faster as dicts.
"""

from __future__ import annotations

import re
from typing import TypedDict

from rehome.core.chat.views import MessageOut
from rehome.core.tasks.views import TaskOut


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
    )
