"""Turning bus events into what one viewer may see (F-10).

Events carry only ids; this reads the rows again through the access layer
for the viewer, so a client never receives an internal item, and a role or
membership change applies to the very next event. A constant number of
queries per batch, whatever the batch holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from rehome.core import events
from rehome.core.access import Actor, project_scope, visible_messages, visible_tasks
from rehome.core.board import BoardFilters, column_totals
from rehome.core.bus import BusEvent
from rehome.core.models import Message, Task
from rehome.core.views import MessageOut, TaskOut, messages_out, tasks_out

_TASK_KINDS = {events.TASK_CREATED, events.TASK_UPDATED, events.TASK_MOVED, events.TASK_DELETED}
_MESSAGE_KINDS = {events.MESSAGE_SENT, events.MESSAGE_EDITED, events.MESSAGE_DELETED}


@dataclass
class LiveChanges:
    tasks: list[TaskOut] = field(default_factory=list)
    tasks_gone: set[int] = field(default_factory=set)
    totals: dict[str, int] | None = None
    messages: list[MessageOut] = field(default_factory=list)
    messages_gone: set[int] = field(default_factory=set)
    typing: list[tuple[int, str]] = field(default_factory=list)
    presence: bool = False
    project: bool = False
    notifications: bool = False


def changes_for(
    session: Session, actor: Actor, project_id: int, batch: list[BusEvent], filters: BoardFilters
) -> LiveChanges:
    """Raises NotFound when the viewer may no longer see the project."""
    scope = project_scope(session, actor, project_id)
    out = LiveChanges()
    task_ids = {int(e.data["task_id"]) for e in batch if e.kind in _TASK_KINDS}
    message_ids = {int(e.data["message_id"]) for e in batch if e.kind in _MESSAGE_KINDS}
    if task_ids:
        rows = list(session.exec(visible_tasks(scope).where(Task.id.in_(task_ids))))  # type: ignore[union-attr]
        out.tasks = tasks_out(session, scope, rows)
        out.tasks_gone = task_ids - {t.id for t in out.tasks}
        out.totals = column_totals(session, scope, filters)
    if message_ids:
        rows = list(session.exec(visible_messages(scope).where(Message.id.in_(message_ids))))  # type: ignore[union-attr]
        out.messages = messages_out(session, rows)
        out.messages_gone = message_ids - {m.id for m in out.messages}
    for event in batch:
        visible = scope.sees_internal or not event.data.get("internal")
        if event.kind == events.TYPING and event.data.get("user_id") != actor.user_id and visible:
            out.typing.append((int(event.data["user_id"]), str(event.data.get("name", ""))))
        out.presence |= event.kind == events.PRESENCE_CHANGED
        out.project |= event.kind == events.PROJECT_CHANGED
        out.notifications |= event.kind == events.NOTIFICATION_CREATED
    return out
