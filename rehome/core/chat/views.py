"""What readers get back about chat messages."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
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


def message_out(message: Message, names: dict[int, str]) -> MessageOut:
    return MessageOut(
        id=int(message.id or 0),
        project_id=message.project_id,
        author_id=message.author_id,
        author_name=names.get(message.author_id or 0, "Former member"),
        body=message.body,
        internal=message.internal,
        created_at=message.created_at,
        edited_at=message.edited_at,
    )


def messages_out(session: Session, messages: list[Message]) -> list[MessageOut]:
    names = user_names(session, (m.author_id for m in messages))
    return [message_out(message, names) for message in messages]
