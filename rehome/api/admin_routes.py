"""Workspace admin endpoints: users, project members, the activity log."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from rehome.api.deps import CurrentActor, Cursor, Db, Id, Limit, write
from rehome.core.activity import log as audit
from rehome.core.auth import invites
from rehome.core.infra.pagination import Page
from rehome.core.infra.validation import MAX_DB_INT
from rehome.core.projects import members as memberships
from rehome.core.projects.views import MemberOut
from rehome.core.workspace import users

router = APIRouter(prefix="/api", tags=["admin"])


@router.get("/users", response_model=Page[users.UserOut])
def list_users(
    session: Db,
    actor: CurrentActor,
    cursor: Cursor,
    q: Annotated[str, Query(max_length=100)] = "",
    limit: Limit = 50,
) -> Page[users.UserOut]:
    return users.list_users(session, actor, q=q, after_id=cursor, limit=limit)


@router.post("/users", status_code=201, response_model=invites.InviteOut)
def invite_user(body: invites.InviteCreate, request: Request, session: Db, actor: CurrentActor) -> Response:
    """Invite by mail, optionally straight into a project with a role."""
    return write(
        request,
        session,
        actor,
        lambda s: invites.invite_user(s, actor, body),
        body=body,
        status_code=201,
    )


@router.patch("/users/{user_id}", response_model=users.UserOut)
def update_user(
    user_id: Id, body: users.UserPatch, request: Request, session: Db, actor: CurrentActor
) -> Response:
    return write(request, session, actor, lambda s: users.update_user(s, actor, user_id, body), body=body)


@router.get("/projects/{project_id}/members", response_model=list[MemberOut])
def list_members(session: Db, project_id: Id, actor: CurrentActor) -> list[MemberOut]:
    return memberships.list_members(session, actor, project_id)


@router.put("/projects/{project_id}/members/{user_id}", response_model=MemberOut)
def set_member(
    project_id: Id,
    user_id: Id,
    body: memberships.MemberSet,
    request: Request,
    session: Db,
    actor: CurrentActor,
) -> Response:
    return write(
        request,
        session,
        actor,
        lambda s: memberships.set_member(s, actor, project_id, user_id, body),
        body=body,
    )


@router.delete("/projects/{project_id}/members/{user_id}", status_code=204)
def remove_member(
    project_id: Id, user_id: Id, request: Request, session: Db, actor: CurrentActor
) -> Response:
    return write(
        request,
        session,
        actor,
        lambda s: memberships.remove_member(s, actor, project_id, user_id),
        status_code=204,
    )


@router.get("/activity", response_model=Page[audit.ActivityOut])
def activity(
    session: Db,
    actor: CurrentActor,
    cursor: Cursor,
    project_id: Annotated[int | None, Query(ge=1, le=MAX_DB_INT)] = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
    limit: Limit = 50,
) -> Page[audit.ActivityOut]:
    return audit.list_activity(
        session, actor, project_id=project_id, action=action, before_id=cursor, limit=limit
    )
