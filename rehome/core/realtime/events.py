"""What happened, announced after commit (F-10 event names)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from rehome.core.infra import bus
from rehome.core.infra.db import on_commit
from rehome.core.vocab import EventKind


def emit(session: Session, project_id: int, kind: EventKind, **data: Any) -> None:
    """Publish to the project's viewers once the transaction commits."""
    on_commit(session, lambda: bus.publish(bus.project_channel(project_id), kind, **data))


def emit_to_user(session: Session, user_id: int, kind: EventKind, **data: Any) -> None:
    on_commit(session, lambda: bus.publish(bus.user_channel(user_id), kind, **data))


def emit_to_thread(session: Session, thread_id: int, kind: EventKind, **data: Any) -> None:
    on_commit(session, lambda: bus.publish(bus.thread_channel(thread_id), kind, **data))
