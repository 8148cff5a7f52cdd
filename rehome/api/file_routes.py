"""Files over the API (F-20): list, upload (multipart, streamed to disk), one
file, signed links, rename / mark internal, delete, and files on tasks.

Uploads accept a bearer token (the mobile app) or the browser's session
cookie with the `X-Requested-With: rehome` header (the Files tab sends each
file itself, for a progress bar per file); both end in the same core checks.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from pydantic import BaseModel

from rehome.api.deps import CurrentActor, Db, Id, Limit, UploadActor, write
from rehome.core import files
from rehome.core.files.reads import Sort, Variant
from rehome.core.infra.listing import MAX_ID
from rehome.core.infra.pagination import Page
from rehome.core.vocab import FileKind

router = APIRouter(prefix="/api", tags=["files"])
OptionalId = Annotated[int | None, Query(ge=1, le=MAX_ID)]


class UploadFingerprint(BaseModel):
    """What makes two uploads the same request, for `Idempotency-Key`."""

    name: str
    sha256: str
    size: int
    options: files.UploadOptions


@router.get("/projects/{project_id}/files", response_model=Page[files.FileOut])
def list_files(
    session: Db,
    project_id: Id,
    actor: CurrentActor,
    request: Request,
    kind: Annotated[FileKind | None, Query()] = None,
    uploader_id: OptionalId = None,
    since: Annotated[date | None, Query()] = None,
    until: Annotated[date | None, Query()] = None,
    q: Annotated[str, Query(max_length=100)] = "",
    sort: Annotated[Sort, Query()] = "newest",
    cursor: Annotated[str | None, Query(max_length=300)] = None,
    limit: Limit = 60,
) -> Page[files.FileOut]:
    """Newest first by default; `thumb_url`/`preview_url` are signed links valid for an hour."""
    filters = files.FileFilters(kind=kind, uploader_id=uploader_id, since=since, until=until, q=q, sort=sort)
    page = files.list_files(session, actor, project_id, filters, cursor=cursor, limit=limit)
    for item in page.items:
        _absolute_links(request, item)
    return page


@router.post("/projects/{project_id}/files", status_code=201, response_model=files.FileOut)
def upload_file(
    project_id: Id,
    request: Request,
    session: Db,
    actor: UploadActor,
    file: Annotated[UploadFile, File(description="The file; its type is decided by its content.")],
    internal: Annotated[bool, Form()] = False,
    keep_location: Annotated[bool, Form(description="Keep the photo's GPS location.")] = False,
    task_id: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> Response:
    """One file per request, at most `UPLOAD_MAX_MB`; a refused upload stores nothing."""
    options = files.UploadOptions(internal=internal, keep_location=keep_location, task_id=task_id)
    files.check_upload(session, actor, project_id, options)  # access first: a stranger's bytes are not read
    session.commit()  # no connection held while the upload streams in
    with files.received(file.file, file.filename or "", keep_location=keep_location) as intake:
        fingerprint = UploadFingerprint(
            name=intake.name, sha256=intake.sha256, size=intake.size, options=options
        )
        return write(
            request,
            session,
            actor,
            lambda s: files.store(s, actor, project_id, intake, options),
            body=fingerprint,
            status_code=201,
        )


@router.get("/files/{file_id}", response_model=files.FileOut)
def get_file(session: Db, file_id: Id, actor: CurrentActor, request: Request) -> files.FileOut:
    item = files.get_file(session, actor, file_id)
    return _absolute_links(request, item)


@router.get("/files/{file_id}/url", response_model=files.FileLink)
def file_url(
    session: Db,
    file_id: Id,
    actor: CurrentActor,
    request: Request,
    variant: Annotated[Variant, Query()] = "original",
) -> files.FileLink:
    """A short-lived signed link (`FILE_URL_TTL` seconds for the file itself);
    409 while the file is being checked or if it was quarantined."""
    link = files.file_link(session, actor, file_id, variant)
    link.url = _absolute(request, link.url)
    return link


@router.patch("/files/{file_id}", response_model=files.FileOut)
def update_file(
    file_id: Id, body: files.FilePatch, request: Request, session: Db, actor: CurrentActor
) -> Response:
    """Rename (the uploader, admins and team) or mark internal (admins and team)."""
    return write(request, session, actor, lambda s: files.update_file(s, actor, file_id, body), body=body)


@router.delete("/files/{file_id}", status_code=204)
def delete_file(file_id: Id, request: Request, session: Db, actor: CurrentActor) -> Response:
    """The uploader's own files; admins and team: anyone's. The objects are removed too."""
    return write(request, session, actor, lambda s: files.delete_file(s, actor, file_id), status_code=204)


@router.get("/tasks/{task_id}/files", response_model=list[files.FileOut])
def task_files(session: Db, task_id: Id, actor: CurrentActor, request: Request) -> list[files.FileOut]:
    items = files.task_files(session, actor, task_id)
    return [_absolute_links(request, item) for item in items]


@router.post("/tasks/{task_id}/files/{file_id}", response_model=files.FileOut)
def attach_file(task_id: Id, file_id: Id, request: Request, session: Db, actor: CurrentActor) -> Response:
    """Show a file of the task's project on the task (clients: on their own tasks)."""
    return write(request, session, actor, lambda s: files.attach_to_task(s, actor, task_id, file_id))


@router.delete("/tasks/{task_id}/files/{file_id}", status_code=204)
def detach_file(task_id: Id, file_id: Id, request: Request, session: Db, actor: CurrentActor) -> Response:
    return write(
        request, session, actor, lambda s: files.detach_from_task(s, actor, task_id, file_id), status_code=204
    )


def _absolute(request: Request, url: str) -> str:
    """Local signed links are paths on this server; S3 links are already absolute."""
    return str(request.base_url).rstrip("/") + url if url.startswith("/") else url


def _absolute_links(request: Request, item: files.FileOut) -> files.FileOut:
    if item.thumb_url:
        item.thumb_url = _absolute(request, item.thumb_url)
    if item.preview_url:
        item.preview_url = _absolute(request, item.preview_url)
    return item
