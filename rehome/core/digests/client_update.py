"""The client weekly update (F-33): drafted by the agent from client-visible
items, edited and approved by a person, and only then posted to the project
and mailed to its clients. No AI text reaches a client unreviewed.

A draft is invisible to clients by every path (`access.visible_summaries`).
Approval is one conditional update (draft → approved), so two clicks, two
tabs or a retried request approve once, post once and mail once.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import update
from sqlmodel import Session

from rehome.core.access import Action, Actor, ProjectScope, project_scope
from rehome.core.activity import log as audit
from rehome.core.agent.prompt import citation_links
from rehome.core.chat.messages import MessageCreate, post_message
from rehome.core.digests.delivery import announce
from rehome.core.digests.writer import refs_in
from rehome.core.infra.clock import utcnow
from rehome.core.infra.errors import Conflict, NotFound
from rehome.core.models import ProjectSummary
from rehome.core.vocab import SummaryStatus, SummaryType

MAX_CHARS = 8000


class UpdateEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    content: str = Field(min_length=1, max_length=MAX_CHARS)


class UpdateApprove(BaseModel):
    model_config = ConfigDict(extra="forbid")
    content: str | None = Field(default=None, min_length=1, max_length=MAX_CHARS)  # last edits, if any


def _draft(session: Session, actor: Actor, summary_id: int) -> tuple[ProjectScope, ProjectSummary]:
    """A client update the actor may approve; others (clients included) get NotFound."""
    summary = session.get(ProjectSummary, summary_id)
    if summary is None or summary.type != SummaryType.CLIENT_UPDATE or summary.project_id is None:
        raise NotFound("Update not found.")
    try:
        scope = project_scope(session, actor, summary.project_id)
    except NotFound:
        raise NotFound("Update not found.") from None
    if not scope.can(Action.APPROVE_UPDATE):
        raise NotFound("Update not found.")
    scope.require(Action.APPROVE_UPDATE)  # archived projects are read-only
    return scope, summary


def _set_content(session: Session, summary: ProjectSummary, content: str) -> None:
    text = content.replace("\x00", "").strip()
    refs = sorted(refs_in(text))
    summary.content = text
    summary.meta = {**summary.meta, "edited": True, "refs": refs, "links": citation_links(session, refs)}
    session.add(summary)


def edit_update(session: Session, actor: Actor, summary_id: int, data: UpdateEdit) -> ProjectSummary:
    _, summary = _draft(session, actor, summary_id)
    if summary.status != SummaryStatus.DRAFT:
        raise Conflict("This update was approved already; it can no longer change.")
    _set_content(session, summary, data.content)
    return summary


def approve_update(session: Session, actor: Actor, summary_id: int, data: UpdateApprove) -> ProjectSummary:
    """Approve once: post the update to the project's chat and mail its clients."""
    scope, summary = _draft(session, actor, summary_id)
    if data.content is not None and summary.status == SummaryStatus.DRAFT:
        _set_content(session, summary, data.content)
        session.flush()
    approved = session.exec(
        update(ProjectSummary)
        .where(ProjectSummary.id == summary_id, ProjectSummary.status == SummaryStatus.DRAFT)  # type: ignore[arg-type]
        .values(status=SummaryStatus.APPROVED, approved_by=actor.user_id, approved_at=utcnow())
    )
    if not approved.rowcount:
        raise Conflict("This update was approved already.")
    session.refresh(summary)
    post_message(session, actor, scope.project_id, MessageCreate(body=summary.content[:10_000]))
    audit.record(
        session,
        actor,
        "client_update.approved",
        project_id=scope.project_id,
        target_type="summary",
        target_id=summary_id,
    )
    announce(session, summary)  # the clients: live, bell and one mail each
    return summary
