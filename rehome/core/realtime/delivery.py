"""Turning bus events into what one viewer may see (F-10).

Events carry only ids; this reads the rows again through the access layer
for the viewer, so a client never receives an internal item, and a role or
membership change applies to the very next event. A constant number of
queries per batch, whatever the batch holds.

Many viewers of one project in one process wake for the same batch: the rows
read for a role are shared between them for that batch (the viewer's own
session and role are still checked one by one), so fifty viewers cost a few
reads per process, not fifty. They wake together, so the first to ask reads
and the others of its role wait for its rows rather than all reading at once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from sqlmodel import Session, col

from rehome.core.access import (
    Actor,
    ProjectScope,
    project_scope,
    visible_files,
    visible_messages,
    visible_summaries,
    visible_tasks,
)
from rehome.core.auth.sessions import resolve_session
from rehome.core.chat.views import MessageOut, messages_out
from rehome.core.files.reads import message_files, with_links
from rehome.core.files.views import FileOut, files_out
from rehome.core.infra import metrics
from rehome.core.infra.bus import BusEvent, project_channel, user_channel
from rehome.core.models import Message, ProjectSummary, StoredFile, Task
from rehome.core.tasks.board import BoardFilters, column_totals
from rehome.core.tasks.views import TaskOut, tasks_out
from rehome.core.vocab import EventKind

_TASK_KINDS = {EventKind.TASK_CREATED, EventKind.TASK_UPDATED, EventKind.TASK_MOVED, EventKind.TASK_DELETED}
_MESSAGE_KINDS = {EventKind.MESSAGE_SENT, EventKind.MESSAGE_EDITED, EventKind.MESSAGE_DELETED}
_FILE_KINDS = {EventKind.FILE_UPLOADED, EventKind.FILE_UPDATED, EventKind.FILE_DELETED}


@dataclass
class LiveChanges:
    tasks: list[TaskOut] = field(default_factory=list)
    tasks_gone: set[int] = field(default_factory=set)
    totals: dict[str, int] | None = None
    messages: list[MessageOut] = field(default_factory=list)
    messages_gone: set[int] = field(default_factory=set)
    attachments: dict[int, list[FileOut]] = field(default_factory=dict)  # of the changed messages
    files: list[FileOut] = field(default_factory=list)
    files_gone: set[int] = field(default_factory=set)  # deleted, or no longer visible to this viewer
    typing: list[tuple[int, str]] = field(default_factory=list)
    presence: bool = False
    project: bool = False
    notifications: bool = False
    summaries: list[int] = field(default_factory=list)  # ready summaries this viewer may read


_shared: OrderedDict[tuple, LiveChanges] = OrderedDict()
_shared_lock = threading.Lock()
_SHARED_SIZE = 256
_reading: dict[tuple, threading.Event] = {}  # batches being read now, by role: one reader each
READ_WAIT = 5.0  # seconds a viewer waits for another's read before reading itself
RECHECK_EVERY = 15.0  # seconds a viewer's session and role are trusted without news


@dataclass(frozen=True)
class Viewer:
    """A relay's checked reader: who, with what role in the project, since when."""

    actor: Actor
    scope: ProjectScope
    checked_at: float


def check_viewer(session: Session, token: str | None, project_id: int) -> Viewer | None:
    """None when signed out; raises NotFound when the project is no longer visible."""
    actor = resolve_session(session, token)
    if actor is None:
        return None
    return Viewer(actor, project_scope(session, actor, project_id), time.monotonic())


def needs_recheck(viewer: Viewer | None, batch: list[BusEvent]) -> bool:
    """Sessions and roles are re-read when they may have changed, not per event:
    a revocation or a project change is announced on the bus, and expiry is
    caught by the periodic re-check."""
    if viewer is None or time.monotonic() - viewer.checked_at >= RECHECK_EVERY:
        return True
    return any(e.kind in (EventKind.ACCESS_CHANGED, EventKind.PROJECT_CHANGED) for e in batch)


def changes_for(
    session: Session, viewer: Viewer, batch: list[BusEvent], filters: BoardFilters
) -> LiveChanges:
    """What this batch means for this viewer, rows read through the access layer.

    Only the events of the viewer's project and of the viewer themself count:
    a relay handed any other channel's events delivers nothing from them."""
    scope = viewer.scope
    own = {project_channel(scope.project_id), user_channel(viewer.actor.user_id)}
    batch = [event for event in batch if event.channel in own]
    out = _rows_for_role(session, scope, batch, filters)
    _observe_delay(batch)
    for event in batch:
        visible = scope.sees_internal or not event.data.get("internal")
        if event.kind == EventKind.TYPING and event.data.get("user_id") != viewer.actor.user_id and visible:
            out.typing.append((int(event.data["user_id"]), str(event.data.get("name", ""))))
        out.presence |= event.kind == EventKind.PRESENCE_CHANGED
        out.project |= event.kind == EventKind.PROJECT_CHANGED
        out.notifications |= event.kind == EventKind.NOTIFICATION_CREATED
    return out


def _observe_delay(batch: list[BusEvent]) -> None:
    """Fan-out delay per event: a stream id starts with Redis's publication
    time in milliseconds, so published-at needs no field of its own."""
    now = time.time()
    for event in batch:
        published, _, _ = event.id.partition("-")
        if published.isdigit():
            metrics.observe_fanout(int(published), now)


def _rows_for_role(
    session: Session, scope: ProjectScope, batch: list[BusEvent], filters: BoardFilters
) -> LiveChanges:
    """The changed rows as this role sees them, read once per batch and role."""
    mine = scope.actor.user_id if filters.mine else 0  # "mine" totals are per person
    key = (scope.project_id, scope.role, mine, tuple(e.id for e in batch), filters.model_dump_json())
    with _shared_lock:
        cached = _shared.get(key)
        reading = _reading.get(key) if cached is None else None
        if cached is None and reading is None:
            _reading[key] = threading.Event()
    if reading is not None:  # another viewer of this role is reading this batch: wait for its rows
        reading.wait(READ_WAIT)
        with _shared_lock:
            cached = _shared.get(key)
    if cached is not None:
        return replace(cached, typing=[])
    try:
        out = _read_rows(session, scope, batch, filters, key)
    finally:
        with _shared_lock:
            done = _reading.pop(key, None)
    if done is not None:
        done.set()
    return out


def _read_rows(
    session: Session, scope: ProjectScope, batch: list[BusEvent], filters: BoardFilters, key: tuple
) -> LiveChanges:
    out = LiveChanges()
    task_ids = {int(e.data["task_id"]) for e in batch if e.kind in _TASK_KINDS}
    message_ids = {int(e.data["message_id"]) for e in batch if e.kind in _MESSAGE_KINDS}
    summary_ids = {int(e.data["summary_id"]) for e in batch if e.kind == EventKind.AGENT_SUMMARY_READY}
    if task_ids:
        tasks = list(session.exec(visible_tasks(scope).where(col(Task.id).in_(task_ids))))
        out.tasks = tasks_out(session, scope, tasks)
        out.tasks_gone = task_ids - {t.id for t in out.tasks}
        out.totals = column_totals(session, scope, filters)
    if message_ids:
        messages = list(session.exec(visible_messages(scope).where(col(Message.id).in_(message_ids))))
        out.messages = messages_out(session, messages)
        out.messages_gone = message_ids - {m.id for m in out.messages}
        out.attachments = message_files(session, scope, [m.id for m in out.messages])
    file_ids = {int(e.data["file_id"]) for e in batch if e.kind in _FILE_KINDS}
    if file_ids:
        found = list(session.exec(visible_files(scope).where(StoredFile.id.in_(file_ids))))  # type: ignore[union-attr]
        out.files = with_links(scope, found, files_out(session, scope, found))
        out.files_gone = file_ids - {f.id for f in out.files}
    if summary_ids:
        query = visible_summaries(scope).where(col(ProjectSummary.id).in_(summary_ids))
        out.summaries = sorted(int(s.id or 0) for s in session.exec(query))
    with _shared_lock:
        _shared[key] = out
        while len(_shared) > _SHARED_SIZE:
            _shared.popitem(last=False)
    return replace(out, typing=[])
