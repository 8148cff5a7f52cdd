"""Projects: GET for every participant, POST/PATCH/DELETE for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import TypeAdapter

from rehome.api.deps import CurrentActor, Db, Id, answer, write
from rehome.core import projects
from rehome.core.infra.pagination import Page
from rehome.core.projects.views import ProjectOut

router = APIRouter(prefix="/api/projects", tags=["projects"])
_PAGE = TypeAdapter(Page[ProjectOut])


@router.get("", response_model=Page[ProjectOut])
def list_projects(
    session: Db, actor: CurrentActor, include_archived: Annotated[bool, Query()] = False
) -> Response:
    """Every project the caller may see (admins: the whole workspace)."""
    return answer(session, _PAGE, Page(items=projects.list_projects(session, actor, include_archived)))


@router.get("/{project_id}", response_model=projects.ProjectDetail)
def get_project(session: Db, project_id: Id, actor: CurrentActor) -> projects.ProjectDetail:
    return projects.project_detail(session, actor, project_id)


@router.post("", status_code=201, response_model=ProjectOut)
def create_project(
    body: projects.ProjectCreate, request: Request, session: Db, actor: CurrentActor
) -> Response:
    return write(
        request, session, actor, lambda s: projects.create_project(s, actor, body), body=body, status_code=201
    )


@router.patch("/{project_id}", response_model=ProjectOut)
def update_project(
    project_id: Id, body: projects.ProjectPatch, request: Request, session: Db, actor: CurrentActor
) -> Response:
    return write(
        request, session, actor, lambda s: projects.update_project(s, actor, project_id, body), body=body
    )


@router.delete("/{project_id}", response_model=ProjectOut)
def archive_project(project_id: Id, request: Request, session: Db, actor: CurrentActor) -> Response:
    """Archive (projects are never hard-deleted: their history stays)."""
    return write(request, session, actor, lambda s: projects.archive_project(s, actor, project_id))
