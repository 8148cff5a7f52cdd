"""Changing files: rename, mark internal, delete, and attach to tasks and messages.

Renaming and deleting are the uploader's, or a moderator's (admins and team)
for anyone's file; marking internal is for admins and team. A deleted file's
row stays (the activity log and old citations point at it) but its objects
are removed after commit.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session, col

from rehome.core.access import (
    Action,
    Actor,
    ProjectScope,
    file_scope,
    require_own_or_moderator,
    task_scope,
    visible_files,
)
from rehome.core.activity import log as audit
from rehome.core.files.names import display_name
from rehome.core.files.notify import notify_attached
from rehome.core.files.reads import with_links
from rehome.core.files.views import FileOut, files_out
from rehome.core.infra import jobs
from rehome.core.infra.clock import utcnow
from rehome.core.infra.errors import Invalid, NotFound
from rehome.core.models import Message, StoredFile
from rehome.core.realtime import events
from rehome.core.vocab import EventKind

MAX_ATTACHMENTS = 20


class FilePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=255)
    internal: bool | None = None

    @model_validator(mode="after")
    def _something(self) -> FilePatch:
        if self.name is None and self.internal is None:
            raise ValueError("Give a new name or the internal flag.")
        return self


def update_file(session: Session, actor: Actor, file_id: int, patch: FilePatch) -> FileOut:
    scope, stored = file_scope(session, actor, file_id)
    if patch.name is not None:
        require_own_or_moderator(scope, stored.uploaded_by)
        stored.name = display_name(patch.name, "name")
    if patch.internal is not None and patch.internal != stored.internal:
        scope.require(Action.MARK_INTERNAL)
        stored.internal = patch.internal
    session.add(stored)
    _announce(session, scope, stored, EventKind.FILE_UPDATED)
    return _out(session, scope, stored)


def delete_file(session: Session, actor: Actor, file_id: int) -> None:
    scope, stored = file_scope(session, actor, file_id)
    require_own_or_moderator(scope, stored.uploaded_by)
    stored.deleted_at = utcnow()
    session.add(stored)
    keys = [k for k in (stored.storage_key, stored.thumb_key, stored.preview_key) if k]
    jobs.enqueue_on_commit(session, "files.purge", keys=keys)
    _announce(session, scope, stored, EventKind.FILE_DELETED)
    audit.record(
        session,
        actor,
        "file.deleted",
        project_id=scope.project_id,
        target_type="file",
        target_id=file_id,
        name=stored.name,
        size_bytes=stored.size_bytes,
    )


def attach_to_task(session: Session, actor: Actor, task_id: int, file_id: int) -> FileOut:
    """Show a file of the task's project on the task (a file on an internal task becomes internal)."""
    task_in, task = task_scope(session, actor, task_id)
    task_in.require_edit_task(task)
    scope, stored = file_scope(session, actor, file_id)
    if stored.project_id != task.project_id:
        raise NotFound("File not found.")
    stored.task_id = task.id
    stored.internal = stored.internal or task.internal
    session.add(stored)
    _announce(session, scope, stored, EventKind.FILE_UPDATED)
    notify_attached(session, scope, task, stored)
    return _out(session, scope, stored)


def detach_from_task(session: Session, actor: Actor, task_id: int, file_id: int) -> None:
    task_in, task = task_scope(session, actor, task_id)
    task_in.require_edit_task(task)
    scope, stored = file_scope(session, actor, file_id)
    if stored.task_id != task.id:
        raise NotFound("File not found.")
    stored.task_id = None
    session.add(stored)
    _announce(session, scope, stored, EventKind.FILE_UPDATED)


def attach_to_message(session: Session, scope: ProjectScope, message: Message, file_ids: list[int]) -> None:
    """Files the author uploaded to this project go with their new message; an
    internal message makes them internal. Someone else's file is `Invalid`."""
    wanted = sorted(set(file_ids))
    if not wanted:
        return
    if len(wanted) > MAX_ATTACHMENTS:
        raise Invalid({"file_ids": f"Attach at most {MAX_ATTACHMENTS} files to one message."})
    query = visible_files(scope).where(col(StoredFile.id).in_(wanted))
    rows = list(session.exec(query))
    if len(rows) != len(wanted) or any(r.uploaded_by != scope.actor.user_id or r.message_id for r in rows):
        raise Invalid({"file_ids": "Attach files you uploaded to this project and have not sent yet."})
    for stored in rows:
        stored.message_id = message.id
        stored.internal = stored.internal or message.internal
        session.add(stored)
        _announce(session, scope, stored, EventKind.FILE_UPDATED)


def _announce(session: Session, scope: ProjectScope, stored: StoredFile, kind: EventKind) -> None:
    events.emit(session, scope.project_id, kind, file_id=stored.id, actor_id=scope.actor.user_id)


def _out(session: Session, scope: ProjectScope, stored: StoredFile) -> FileOut:
    return with_links(scope, [stored], files_out(session, scope, [stored]))[0]
