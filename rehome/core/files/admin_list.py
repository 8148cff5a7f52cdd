"""The admin's file list across the workspace (F-12), with storage usage:
filters, sorts and a "page X of Y" pager in two queries, usage in two more."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator
from sqlalchemy import func
from sqlmodel import Session, col, select

from rehome.core.access import Actor, require_admin, visible_project_filter
from rehome.core.files.intake import size_text
from rehome.core.files.usage import StorageUsage, storage_usage
from rehome.core.infra.listing import MAX_ID, Listing, ListParams, contains, ordered, page_of, parse, total_of
from rehome.core.infra.validation import one_of_choices
from rehome.core.models import Project, StoredFile, User
from rehome.core.vocab import FILE_KINDS, ScanStatus

KIND_FILTERS = ("all", *FILE_KINDS)
SCAN_FILTERS = ("all", ScanStatus.PENDING.value, ScanStatus.QUARANTINED.value)


class FileParams(ListParams):
    project_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    kind: str = "all"
    scan: str = "all"
    uploader_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    include_archived: bool = False
    sort: Literal["added", "name", "size", "project"] = "added"

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        return one_of_choices(value, KIND_FILTERS)

    @field_validator("scan")
    @classmethod
    def _known_scan(cls, value: str) -> str:
        return one_of_choices(value, SCAN_FILTERS)


class AdminFileRow(BaseModel):
    id: int
    project_id: int
    project_name: str
    name: str
    kind: str
    size_bytes: int
    size: str  # as people read it
    uploader_name: str
    scan_status: str
    internal: bool
    created_at: datetime


class ProjectUsage(BaseModel):
    project_id: int
    project_name: str
    used_bytes: int
    used: str
    files: int


class WorkspaceFiles(BaseModel):
    usage: StorageUsage
    by_project: list[ProjectUsage]


def list_files_admin(session: Session, actor: Actor, **values: object) -> Listing[AdminFileRow]:
    """Live files of the workspace (internal and quarantined too: admins see everything)."""
    require_admin(actor)
    params = parse(FileParams, values)
    where = [
        visible_project_filter(actor, include_archived=params.include_archived),
        StoredFile.deleted_at.is_(None),  # type: ignore[union-attr]
        contains(params.q, StoredFile.name),
    ]
    if params.project_id is not None:
        where.append(StoredFile.project_id == params.project_id)
    if params.kind != "all":
        where.append(StoredFile.kind == params.kind)
    if params.scan != "all":
        where.append(StoredFile.scan_status == params.scan)
    if params.uploader_id is not None:
        where.append(StoredFile.uploaded_by == params.uploader_id)
    joined = select(func.count()).select_from(StoredFile).join(Project, Project.id == StoredFile.project_id)  # type: ignore[arg-type]
    total = total_of(session, joined.where(*where), params)
    keys: dict[str, list[Any]] = {
        "added": [StoredFile.created_at],
        "name": [func.lower(StoredFile.name)],
        "size": [StoredFile.size_bytes],
        "project": [func.lower(Project.name)],
    }
    sort_keys = keys[params.sort]
    query = (
        select(StoredFile, Project.name, User.name)
        .join(Project, Project.id == StoredFile.project_id)  # type: ignore[arg-type]
        .outerjoin(User, User.id == StoredFile.uploaded_by)  # type: ignore[arg-type]
        .where(*where)
        .order_by(*ordered(sort_keys, params.descending, StoredFile.id))
    )
    items = [
        AdminFileRow(
            id=int(f.id or 0),
            project_id=f.project_id,
            project_name=project_name,
            name=f.name,
            kind=f.kind,
            size_bytes=f.size_bytes,
            size=size_text(f.size_bytes),
            uploader_name=uploader or "Former member",
            scan_status=f.scan_status,
            internal=f.internal,
            created_at=f.created_at,
        )
        for f, project_name, uploader in session.exec(page_of(query, params))
    ]
    return Listing(items=items, total=total, page=params.page, per_page=params.per_page)


def workspace_files(session: Session, actor: Actor, top: int = 8) -> WorkspaceFiles:
    """The workspace's usage against its quota, and the projects that use the most."""
    usage = storage_usage(session, actor)
    rows = session.exec(
        select(Project.id, Project.name, func.sum(StoredFile.size_bytes), func.count())
        .join(StoredFile, StoredFile.project_id == Project.id)  # type: ignore[arg-type]
        .where(
            visible_project_filter(actor, include_archived=True),
            StoredFile.deleted_at.is_(None),  # type: ignore[union-attr]
        )
        .group_by(col(Project.id), col(Project.name))
        .order_by(func.sum(StoredFile.size_bytes).desc())
        .limit(top)
    )
    by_project = [
        ProjectUsage(
            project_id=int(pid or 0),
            project_name=name,
            used_bytes=int(used or 0),
            used=size_text(int(used or 0)),
            files=int(count),
        )
        for pid, name, used, count in rows
    ]
    return WorkspaceFiles(usage=usage, by_project=by_project)
