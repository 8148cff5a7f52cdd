"""Tasks of a project: list, create, read, edit/move, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import TypeAdapter

from rehome.api.deps import CurrentActor, Cursor, Db, Id, Limit, UploadActor, answer, write
from rehome.core import tasks
from rehome.core.infra.pagination import Page
from rehome.core.infra.validation import MAX_DB_INT
from rehome.core.tasks.views import TaskOut
from rehome.core.vocab import TaskStatus

router = APIRouter(prefix="/api", tags=["tasks"])
_PAGE = TypeAdapter(Page[TaskOut])


@router.get("/projects/{project_id}/tasks", response_model=Page[TaskOut])
def list_tasks(
    session: Db,
    project_id: Id,
    actor: CurrentActor,
    cursor: Cursor,
    status: Annotated[TaskStatus | None, Query()] = None,
    assignee_id: Annotated[int | None, Query(ge=1, le=MAX_DB_INT)] = None,
    limit: Limit = 50,
) -> Response:
    page = tasks.list_tasks(
        session, actor, project_id, status=status, assignee_id=assignee_id, after_id=cursor, limit=limit
    )
    return answer(session, _PAGE, page)


@router.post("/projects/{project_id}/tasks", status_code=201, response_model=TaskOut)
def create_task(
    project_id: Id, body: tasks.TaskCreate, request: Request, session: Db, actor: UploadActor
) -> Response:
    """Also from the browser's offline outbox (session cookie + `X-Requested-With`)."""
    return write(
        request,
        session,
        actor,
        lambda s: tasks.create_task(s, actor, project_id, body),
        body=body,
        status_code=201,
    )


@router.get("/tasks/{task_id}", response_model=TaskOut)
def get_task(session: Db, task_id: Id, actor: CurrentActor) -> TaskOut:
    return tasks.get_task(session, actor, task_id)


@router.get("/tasks/{task_id}/events", response_model=list[tasks.TaskEventOut])
def task_events(session: Db, task_id: Id, actor: CurrentActor) -> list[tasks.TaskEventOut]:
    return tasks.task_history(session, actor, task_id)


@router.patch("/tasks/{task_id}", response_model=TaskOut)
def update_task(
    task_id: Id, body: tasks.TaskPatch, request: Request, session: Db, actor: CurrentActor
) -> Response:
    """Edit fields; move with `status` (column) and `position` (index in it)."""
    return write(request, session, actor, lambda s: tasks.update_task(s, actor, task_id, body), body=body)


@router.delete("/tasks/{task_id}", status_code=204)
def delete_task(task_id: Id, request: Request, session: Db, actor: CurrentActor) -> Response:
    return write(request, session, actor, lambda s: tasks.delete_task(s, actor, task_id), status_code=204)
