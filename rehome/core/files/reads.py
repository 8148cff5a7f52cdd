"""Reading files: the project's list (filters, sorts, keyset pages), one file,
the files of a task or of chat messages, and short-lived signed links.

Links are made here and only here, after the access layer has said yes: the
store's URL (S3 presigned, or HMAC-signed local) is the only way to the bytes.
A file still being checked, or quarantined, gets no link at all.
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import ColumnElement, and_, func, or_
from sqlmodel import Session, col, select

from rehome.core.access import (
    Actor,
    ProjectScope,
    file_scope,
    message_attachments,
    project_scope,
    task_scope,
    visible_files,
)
from rehome.core.files.names import variant_key
from rehome.core.files.storage import get_storage
from rehome.core.files.views import FileLink, FileOut, files_out
from rehome.core.infra.clock import utcnow
from rehome.core.infra.errors import Conflict, Invalid, NotFound
from rehome.core.infra.listing import MAX_ID, contains
from rehome.core.infra.pagination import MAX_LIMIT, Page
from rehome.core.models import StoredFile
from rehome.core.vocab import FileKind, ScanStatus
from rehome.settings import get_settings

Sort = Literal["newest", "oldest", "name", "size"]
Variant = Literal["original", "thumb", "preview"]
PREVIEW_TTL = 3600  # seconds: thumbnails in an open page outlive a download link


class FileFilters(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    kind: FileKind | None = None
    uploader_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    since: date | None = None
    until: date | None = None
    q: str = Field(default="", max_length=100)
    sort: Sort = "newest"


def _sort_key(sort: Sort) -> tuple[Any, bool]:
    """The column a sort orders by and whether it descends; the id breaks ties."""
    return {
        "newest": (StoredFile.id, True),
        "oldest": (StoredFile.id, False),
        "name": (func.lower(StoredFile.name), False),
        "size": (StoredFile.size_bytes, True),
    }[sort]


def list_files(
    session: Session,
    actor: Actor,
    project_id: int,
    filters: FileFilters | None = None,
    *,
    cursor: str | None = None,
    limit: int = 60,
) -> Page[FileOut]:
    scope = project_scope(session, actor, project_id)
    f = filters or FileFilters()
    limit = max(1, min(limit, MAX_LIMIT))
    column, descending = _sort_key(f.sort)
    query = select(StoredFile, column).where(_visible(scope), *_conditions(f))
    if cursor:
        query = query.where(_after(column, descending, _decode(cursor, f.sort)))
    file_id = col(StoredFile.id)
    order = [column.desc(), file_id.desc()] if descending else [column.asc(), file_id.asc()]
    found = list(session.exec(query.order_by(*order).limit(limit + 1)))
    rows = [row for row, _ in found[:limit]]
    items = with_links(scope, rows, files_out(session, scope, rows))
    more = len(found) > limit
    return Page(items=items, next_cursor=_encode(f.sort, *found[limit - 1]) if more else None)


def _conditions(f: FileFilters) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = [contains(f.q, StoredFile.name)]
    if f.kind is not None:
        where.append(col(StoredFile.kind) == f.kind.value)
    if f.uploader_id is not None:
        where.append(col(StoredFile.uploaded_by) == f.uploader_id)
    if f.since is not None:
        where.append(col(StoredFile.created_at) >= datetime.combine(f.since, time.min))
    if f.until is not None:
        where.append(col(StoredFile.created_at) < datetime.combine(f.until + timedelta(days=1), time.min))
    return where


def get_file(session: Session, actor: Actor, file_id: int) -> FileOut:
    scope, stored = file_scope(session, actor, file_id)
    return with_links(scope, [stored], files_out(session, scope, [stored]))[0]


def task_files(session: Session, actor: Actor, task_id: int) -> list[FileOut]:
    scope, task = task_scope(session, actor, task_id)
    query = visible_files(scope).where(col(StoredFile.task_id) == task.id)
    rows = list(session.exec(query.order_by(col(StoredFile.id))))
    return with_links(scope, rows, files_out(session, scope, rows))


def message_files(session: Session, scope: ProjectScope, message_ids: list[int]) -> dict[int, list[FileOut]]:
    """Attachments of chat messages the caller already read through `visible_messages`."""
    if not message_ids:
        return {}
    query = message_attachments(sees_internal=scope.sees_internal, sees_quarantine=scope.sees_quarantine)
    params = {"project_id": scope.project_id, "message_ids": message_ids}
    rows = list(session.exec(query, params=params))
    out: dict[int, list[FileOut]] = {}
    for item in with_links(scope, rows, files_out(session, scope, rows)):
        out.setdefault(int(item.message_id or 0), []).append(item)
    return out


def file_link(session: Session, actor: Actor, file_id: int, variant: Variant = "original") -> FileLink:
    """A signed link to the file (a download) or one of its previews (shown inline)."""
    _scope, stored = file_scope(session, actor, file_id)
    if not ScanStatus(stored.scan_status).downloadable:
        if stored.scan_status == ScanStatus.PENDING:
            raise Conflict("This file is still being checked for viruses; try again in a moment.")
        raise Conflict("This file was quarantined by the virus scan and cannot be downloaded.")
    ttl = get_settings().file_url_ttl if variant == "original" else PREVIEW_TTL
    if variant != "original" and getattr(stored, f"{variant}_key") is None:
        raise NotFound("This file has no preview.")
    return FileLink(url=_url(stored, variant, ttl), expires_at=utcnow() + timedelta(seconds=ttl))


def with_links(scope: ProjectScope, rows: list[StoredFile], items: list[FileOut]) -> list[FileOut]:
    """Fill thumbnail and preview links (computed locally: signing needs no network)."""
    for row, item in zip(rows, items, strict=True):
        if row.thumb_key and item.downloadable:
            item.thumb_url = _url(row, "thumb", PREVIEW_TTL)
            item.preview_url = _url(row, "preview", PREVIEW_TTL) if row.preview_key else item.thumb_url
    del scope  # the rows were read through the access layer for this scope
    return items


def _url(stored: StoredFile, variant: Variant, ttl: int) -> str:
    if variant == "original":
        return get_storage().url(
            stored.storage_key, name=stored.name, content_type=stored.content_type, inline=False, ttl=ttl
        )
    key = getattr(stored, f"{variant}_key") or variant_key(stored.storage_key, variant)
    stem = stored.name.rsplit(".", 1)[0] or "preview"
    name = f"{stem}-{variant}.jpg"
    return get_storage().url(key, name=name, content_type="image/jpeg", inline=True, ttl=ttl)


# ---- keyset cursors over (sort value, id) ---------------------------------------------------


def _encode(sort: Sort, row: StoredFile, sort_value: Any) -> str:
    """The last row's place: its sort value as the database computed it, and its id."""
    value = None if sort in ("newest", "oldest") else sort_value
    raw = json.dumps([sort, value, row.id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, sort: Sort) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        kind, value, last_id = json.loads(raw)
        if kind == sort and isinstance(last_id, int) and isinstance(value, (str, int, type(None))):
            return value, last_id
    except (ValueError, TypeError):
        pass
    raise Invalid({"cursor": "This cursor is not valid for this sort."})


def _after(column: Any, descending: bool, position: tuple[Any, int]) -> ColumnElement[bool]:
    value, last_id = position
    file_id = col(StoredFile.id)
    tie = file_id < last_id if descending else file_id > last_id
    if value is None:
        return tie
    beyond = column < value if descending else column > value
    return or_(beyond, and_(column == value, tie))


def _visible(scope: ProjectScope) -> ColumnElement[bool]:
    """`visible_files` as a condition, for queries that select more than the row."""
    clause = visible_files(scope).whereclause
    assert clause is not None
    return clause
