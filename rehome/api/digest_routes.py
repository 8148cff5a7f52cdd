"""Digests over the API (F-20, F-33): stored summaries (paginated), asking
for one now, the client update's edit and approval, Risks & Blockers, and the
workspace's time zone (which decides when its digests are written)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Query, Request, Response
from sqlmodel import Session

from rehome.api.deps import CurrentActor, Cursor, Db, Id, Limit, write
from rehome.core.digests import client_update, requests, risks, store, summaries
from rehome.core.infra.pagination import Page
from rehome.core.vocab import SummaryType
from rehome.core.workspace import profile

router = APIRouter(prefix="/api", tags=["digests"])
Kind = Annotated[SummaryType | None, Query(alias="type")]


@router.get("/projects/{project_id}/summaries", response_model=Page[store.SummaryOut])
def project_summaries(
    session: Db, project_id: Id, actor: CurrentActor, cursor: Cursor, kind: Kind = None, limit: Limit = 20
) -> Page[store.SummaryOut]:
    """The project's digests and summaries you may read, newest first: the staff
    version for the firm's side, the client version for clients."""
    return store.project_summaries(session, actor, project_id, kind=kind, before_id=cursor, limit=limit)


@router.post("/projects/{project_id}/summaries", status_code=202, response_model=summaries.Queued)
def ask_for_summary(
    project_id: Id,
    body: Annotated[summaries.SummaryRequest, Body()],
    request: Request,
    session: Db,
    actor: CurrentActor,
) -> Response:
    """A milestone (tasks or a date range) or meeting (a range of chat) summary,
    written in a job; it appears in the list (and live) when ready."""
    return write(
        request,
        session,
        actor,
        lambda s: summaries.request_summary(s, actor, project_id, body),
        body=body,
        status_code=202,
    )


@router.post("/projects/{project_id}/digest", status_code=202, response_model=summaries.Queued)
def digest_now(project_id: Id, request: Request, session: Db, actor: CurrentActor) -> Response:
    """Write the project's daily digest now (admins)."""
    return write(
        request, session, actor, lambda s: requests.request_digest(s, actor, project_id), status_code=202
    )


@router.post("/projects/{project_id}/client-update", status_code=202, response_model=summaries.Queued)
def draft_client_update(project_id: Id, request: Request, session: Db, actor: CurrentActor) -> Response:
    """Draft the client update now (team and admins); it waits for approval."""
    return write(
        request,
        session,
        actor,
        lambda s: requests.request_client_update(s, actor, project_id),
        status_code=202,
    )


@router.get("/workspaces/{workspace_id}/summaries", response_model=Page[store.SummaryOut])
def workspace_summaries(
    session: Db, workspace_id: Id, actor: CurrentActor, cursor: Cursor, kind: Kind = None, limit: Limit = 20
) -> Page[store.SummaryOut]:
    """The workspace's weekly rollups (admins of this workspace only)."""
    return store.workspace_summaries(session, actor, workspace_id, kind=kind, before_id=cursor, limit=limit)


@router.post("/workspaces/{workspace_id}/summaries", status_code=202, response_model=summaries.Queued)
def rollup_now(workspace_id: Id, request: Request, session: Db, actor: CurrentActor) -> Response:
    """Write the weekly workspace rollup now (admins)."""
    return write(
        request, session, actor, lambda s: requests.request_rollup(s, actor, workspace_id), status_code=202
    )


@router.get("/summaries/{summary_id}", response_model=store.SummaryOut)
def get_summary(session: Db, summary_id: Id, actor: CurrentActor) -> store.SummaryOut:
    return store.get_summary(session, actor, summary_id)


@router.patch("/summaries/{summary_id}", response_model=store.SummaryOut)
def edit_client_update(
    summary_id: Id, body: client_update.UpdateEdit, request: Request, session: Db, actor: CurrentActor
) -> Response:
    """Edit a client update draft (team and admins; never once approved)."""

    def edit(s: Session) -> store.SummaryOut:
        return store.summary_out(client_update.edit_update(s, actor, summary_id, body))

    return write(request, session, actor, edit, body=body)


@router.post("/summaries/{summary_id}/approve", response_model=store.SummaryOut)
def approve_client_update(
    summary_id: Id, body: client_update.UpdateApprove, request: Request, session: Db, actor: CurrentActor
) -> Response:
    """Approve a client update: it is posted to the project's chat and mailed to
    its clients, once."""

    def approve(s: Session) -> store.SummaryOut:
        return store.summary_out(client_update.approve_update(s, actor, summary_id, body))

    return write(request, session, actor, approve, body=body)


@router.get("/projects/{project_id}/risks", response_model=risks.Risks)
def project_risks(session: Db, project_id: Id, actor: CurrentActor) -> risks.Risks:
    """Risks & Blockers of one project (its firm-side people)."""
    return risks.project_risks(session, actor, project_id)


@router.get("/workspaces/{workspace_id}/risks", response_model=risks.Risks)
def workspace_risks(session: Db, workspace_id: Id, actor: CurrentActor) -> risks.Risks:
    """Risks & Blockers across the workspace (admins)."""
    profile.get_workspace(session, actor, workspace_id)  # another workspace: 404
    return risks.workspace_risks(session, actor)


@router.get("/workspaces/{workspace_id}", response_model=profile.WorkspaceOut)
def get_workspace(session: Db, workspace_id: Id, actor: CurrentActor) -> profile.WorkspaceOut:
    return profile.get_workspace(session, actor, workspace_id)


@router.patch("/workspaces/{workspace_id}", response_model=profile.WorkspaceOut)
def update_workspace(
    workspace_id: Id, body: profile.WorkspacePatch, request: Request, session: Db, actor: CurrentActor
) -> Response:
    """Change the workspace's time zone (admins): digests follow its local morning."""
    return write(
        request, session, actor, lambda s: profile.update_workspace(s, actor, workspace_id, body), body=body
    )
