"""What happened, announced after commit (F-10 event names)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from rehome.core import bus
from rehome.core.db import on_commit

TASK_CREATED = "TaskCreated"
TASK_UPDATED = "TaskUpdated"
TASK_MOVED = "TaskMoved"
TASK_DELETED = "TaskDeleted"
MESSAGE_SENT = "MessageSent"
MESSAGE_EDITED = "MessageEdited"
MESSAGE_DELETED = "MessageDeleted"
FILE_UPLOADED = "FileUploaded"
AGENT_MESSAGE_CREATED = "AgentMessageCreated"
AGENT_SUMMARY_READY = "AgentSummaryReady"
PROJECT_CHANGED = "ProjectChanged"  # name, archive, members: reload the page's frame
PRESENCE_CHANGED = "PresenceChanged"
TYPING = "Typing"
NOTIFICATION_CREATED = "NotificationCreated"
SESSIONS_REVOKED = "SessionsRevoked"
AGENT_RUN_QUEUED = "AgentRunQueued"  # logout, password change, disabled: re-check now


def emit(session: Session, project_id: int, kind: str, **data: Any) -> None:
    """Publish to the project's viewers once the transaction commits."""
    on_commit(session, lambda: bus.publish(bus.project_channel(project_id), kind, **data))


def emit_to_user(session: Session, user_id: int, kind: str, **data: Any) -> None:
    on_commit(session, lambda: bus.publish(bus.user_channel(user_id), kind, **data))


def emit_to_thread(session: Session, thread_id: int, kind: str, **data: Any) -> None:
    on_commit(session, lambda: bus.publish(bus.thread_channel(thread_id), kind, **data))
