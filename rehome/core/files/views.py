"""What readers get back about files: small view models, with links to tasks
and messages only where the reader may see them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from rehome.core.access import ProjectScope, visible_messages, visible_tasks
from rehome.core.models import Message, StoredFile, Task
from rehome.core.vocab import ScanStatus
from rehome.core.workspace.people import user_names


class FileOut(BaseModel):
    id: int
    project_id: int
    name: str
    kind: str
    content_type: str
    size_bytes: int
    sha256: str
    width: int | None
    height: int | None
    scan_status: str
    downloadable: bool  # scanned clean (or no scanner configured), not quarantined
    has_preview: bool  # a thumbnail exists (photos, PDFs); otherwise show the type's icon
    internal: bool
    keep_location: bool
    uploaded_by: int | None
    uploader_name: str
    task_id: int | None
    message_id: int | None
    created_at: datetime
    thumb_url: str | None = None  # signed, short-lived; filled by `reads.with_links`
    preview_url: str | None = None


class FileLink(BaseModel):
    url: str
    expires_at: datetime


def files_out(session: Session, scope: ProjectScope, rows: list[StoredFile]) -> list[FileOut]:
    """View models for `rows` (already read through `visible_files`), in three queries at most."""
    names = user_names(session, (f.uploaded_by for f in rows))
    tasks = _visible_ids(session, scope, Task, {f.task_id for f in rows if f.task_id})
    messages = _visible_ids(session, scope, Message, {f.message_id for f in rows if f.message_id})
    return [
        FileOut(
            id=int(f.id or 0),
            project_id=f.project_id,
            name=f.name,
            kind=f.kind,
            content_type=f.content_type,
            size_bytes=f.size_bytes,
            sha256=f.sha256,
            width=f.width,
            height=f.height,
            scan_status=f.scan_status,
            downloadable=ScanStatus(f.scan_status).downloadable,
            has_preview=f.thumb_key is not None,
            internal=f.internal,
            keep_location=f.keep_location,
            uploaded_by=f.uploaded_by,
            uploader_name=names.get(f.uploaded_by or 0, "Former member"),
            task_id=f.task_id if f.task_id in tasks else None,
            message_id=f.message_id if f.message_id in messages else None,
            created_at=f.created_at,
        )
        for f in rows
    ]


def _visible_ids(
    session: Session, scope: ProjectScope, model: type[Task] | type[Message], ids: set[int]
) -> set[int]:
    """Which attached tasks or messages the reader may see (a client never learns of internal ones)."""
    if not ids:
        return set()
    visible = (visible_tasks(scope) if model is Task else visible_messages(scope)).whereclause
    assert visible is not None
    rows = session.exec(select(col(model.id)).where(visible, col(model.id).in_(ids)))
    return {int(i) for i in rows if i is not None}
