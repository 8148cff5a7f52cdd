"""What readers get back about chat messages."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field, TypeAdapter
from sqlmodel import Session

from rehome.core.files.views import FileOut
from rehome.core.models import Message
from rehome.core.workspace.people import user_names


class MessageOut(BaseModel):
    id: int
    project_id: int
    author_id: int | None
    author_name: str
    body: str
    internal: bool
    created_at: datetime
    edited_at: datetime | None
    files: list[FileOut] = Field(default_factory=list)  # attachments the reader may see


# The stored fields a MessageOut is made of, in the order `messages_from_rows` reads them.
MESSAGE_FIELDS = ("id", "project_id", "author_id", "body", "internal", "created_at", "edited_at")
_MANY = TypeAdapter(list[MessageOut])
FORMER_MEMBER = "Former member"


def messages_from_rows(rows: Iterable[Sequence[Any]]) -> list[MessageOut]:
    """View models from plain rows of MESSAGE_FIELDS and the author's name (a
    list page reads no ORM objects, issue 13), validated in one call."""
    items = []
    for row in rows:
        item = dict(zip(MESSAGE_FIELDS, row[:-1], strict=True))
        item["author_name"] = FORMER_MEMBER if row[-1] is None else row[-1]
        items.append(item)
    return _MANY.validate_python(items)


def _row(message: Message, names: dict[int, str]) -> list[Any]:
    return [*(getattr(message, name) for name in MESSAGE_FIELDS), names.get(message.author_id or 0)]


def message_out(message: Message, names: dict[int, str]) -> MessageOut:
    return messages_from_rows([_row(message, names)])[0]


def messages_out(session: Session, messages: list[Message]) -> list[MessageOut]:
    """One validation for the whole list, as the list pages do."""
    names = user_names(session, (m.author_id for m in messages))
    return messages_from_rows([_row(message, names) for message in messages])
