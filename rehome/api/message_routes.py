"""Project chat over the API: newest first, paged back with `cursor`."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import TypeAdapter

from rehome.api.deps import CurrentActor, Cursor, Db, Id, Limit, UploadActor, answer, write
from rehome.core.chat import messages
from rehome.core.chat.views import MessageOut
from rehome.core.infra.pagination import Page

router = APIRouter(prefix="/api", tags=["messages"])
_PAGE = TypeAdapter(Page[MessageOut])


@router.get("/projects/{project_id}/messages", response_model=Page[MessageOut])
def list_messages(
    session: Db, project_id: Id, actor: CurrentActor, cursor: Cursor, limit: Limit = 50
) -> Response:
    return answer(
        session, _PAGE, messages.list_messages(session, actor, project_id, before_id=cursor, limit=limit)
    )


@router.post("/projects/{project_id}/messages", status_code=201, response_model=MessageOut)
def post_message(
    project_id: Id, body: messages.MessageCreate, request: Request, session: Db, actor: UploadActor
) -> Response:
    """Also from the browser's offline outbox (session cookie + `X-Requested-With`)."""
    return write(
        request,
        session,
        actor,
        lambda s: messages.post_message(s, actor, project_id, body),
        body=body,
        status_code=201,
    )


@router.patch("/messages/{message_id}", response_model=MessageOut)
def edit_message(
    message_id: Id, body: messages.MessageEdit, request: Request, session: Db, actor: CurrentActor
) -> Response:
    return write(
        request, session, actor, lambda s: messages.edit_message(s, actor, message_id, body), body=body
    )


@router.delete("/messages/{message_id}", status_code=204)
def delete_message(message_id: Id, request: Request, session: Db, actor: CurrentActor) -> Response:
    return write(
        request, session, actor, lambda s: messages.delete_message(s, actor, message_id), status_code=204
    )
