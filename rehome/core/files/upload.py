"""Storing an upload that passed `intake` (F-08): check, do, notify.

The project's access is checked first (before and again inside the
transaction), then the quota; the object is put in the store and the row
written in the same unit of work, and if that unit rolls back the object is
removed again, so a refused or failed upload leaves nothing anywhere. After
commit the file is announced (`FileUploaded`) and its scan or previews queued.
"""

from __future__ import annotations

from typing import BinaryIO

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session

from rehome.core.access import Action, Actor, ProjectScope, project_scope, task_scope
from rehome.core.files.intake import Intake, received
from rehome.core.files.names import new_key
from rehome.core.files.notify import notify_attached
from rehome.core.files.pipeline import after_upload, first_status
from rehome.core.files.storage import get_storage
from rehome.core.files.usage import reserve
from rehome.core.files.views import FileOut, files_out
from rehome.core.infra.db import on_rollback
from rehome.core.infra.errors import Forbidden, NotFound
from rehome.core.infra.listing import MAX_ID
from rehome.core.models import StoredFile, Task
from rehome.core.realtime import events
from rehome.core.vocab import EventKind


class UploadOptions(BaseModel):
    """What comes with the bytes: all optional, the same for the API and the page."""

    model_config = ConfigDict(extra="forbid")
    internal: bool = False
    keep_location: bool = False
    task_id: int | None = Field(default=None, ge=1, le=MAX_ID)


def check_upload(session: Session, actor: Actor, project_id: int, options: UploadOptions) -> ProjectScope:
    """May the actor upload here, as asked? (Cheap: callers run it before taking the bytes in.)"""
    scope = project_scope(session, actor, project_id, Action.UPLOAD_FILE)
    if options.internal and not scope.can(Action.MARK_INTERNAL):
        raise Forbidden("Only admins and team members may upload internal files.")
    if options.task_id is not None:
        _attachable_task(session, actor, scope, options.task_id)
    return scope


def store(session: Session, actor: Actor, project_id: int, intake: Intake, options: UploadOptions) -> FileOut:
    scope = check_upload(session, actor, project_id, options)
    task = _attachable_task(session, actor, scope, options.task_id) if options.task_id else None
    reserve(session, actor.workspace_id, intake.size, intake.name)
    stored = StoredFile(
        workspace_id=actor.workspace_id,
        project_id=scope.project_id,
        uploaded_by=actor.user_id,
        name=intake.name,
        kind=intake.sniffed.kind,
        content_type=intake.sniffed.content_type,
        size_bytes=intake.size,
        sha256=intake.sha256,
        storage_key=new_key(actor.workspace_id, scope.project_id),
        width=intake.sniffed.width,
        height=intake.sniffed.height,
        scan_status=first_status(),
        internal=options.internal or bool(task and task.internal),
        keep_location=options.keep_location,
        task_id=task.id if task else None,
    )
    storage = get_storage()
    storage.put(stored.storage_key, intake.path, stored.content_type)
    key = stored.storage_key
    on_rollback(session, lambda: storage.delete([key]))
    session.add(stored)
    session.flush()
    events.emit(session, scope.project_id, EventKind.FILE_UPLOADED, file_id=stored.id, actor_id=actor.user_id)
    after_upload(session, stored)
    if task is not None:
        notify_attached(session, scope, task, stored)
    return files_out(session, scope, [stored])[0]


def upload(
    session: Session,
    actor: Actor,
    project_id: int,
    source: BinaryIO,
    filename: str,
    options: UploadOptions | None = None,
) -> FileOut:
    """Take in and store one file (scripts, the demo, tests); pages and the API
    call `received` and `store` themselves to check access before reading."""
    options = options or UploadOptions()
    check_upload(session, actor, project_id, options)
    with received(source, filename, keep_location=options.keep_location) as intake:
        return store(session, actor, project_id, intake, options)


def _attachable_task(session: Session, actor: Actor, scope: ProjectScope, task_id: int) -> Task:
    """A task of this project the actor may add files to (clients: their own tasks)."""
    try:
        task_in, task = task_scope(session, actor, task_id)
    except NotFound:
        raise NotFound("Task not found.") from None
    if task_in.project_id != scope.project_id:
        raise NotFound("Task not found.")
    if not task_in.can_edit_task(task):
        raise Forbidden("You can only add files to tasks you may change.")
    return task
