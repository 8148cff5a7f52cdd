"""Stored digests (F-33): listing what was generated, through the access layer.

Generation on a schedule arrives with the digests feature; these reads are
what the API serves meanwhile (and keep serving then)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlmodel import Session, col, select

from rehome.core.access import Actor, project_scope, require_admin
from rehome.core.infra.errors import NotFound
from rehome.core.models import ProjectSummary


class SummaryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    project_id: int | None
    type: str
    content: str
    generated_at: datetime


def _out(row: ProjectSummary) -> SummaryOut:
    return SummaryOut.model_validate(row)


def project_summaries(session: Session, actor: Actor, project_id: int, limit: int = 30) -> list[SummaryOut]:
    """A project's participant digests (clients' digests are built from client-visible items)."""
    scope = project_scope(session, actor, project_id)
    audiences = ["participant", "client"] if scope.sees_internal else ["client"]
    rows = session.exec(
        select(ProjectSummary)
        .where(ProjectSummary.project_id == project_id, col(ProjectSummary.audience).in_(audiences))
        .order_by(col(ProjectSummary.id).desc())
        .limit(limit)
    ).all()
    return [_out(r) for r in rows]


def workspace_summaries(
    session: Session, actor: Actor, workspace_id: int, limit: int = 30
) -> list[SummaryOut]:
    require_admin(actor)
    if workspace_id != actor.workspace_id:
        raise NotFound("Workspace not found.")
    rows = session.exec(
        select(ProjectSummary)
        .where(ProjectSummary.workspace_id == workspace_id, col(ProjectSummary.project_id).is_(None))
        .order_by(col(ProjectSummary.id).desc())
        .limit(limit)
    ).all()
    return [_out(r) for r in rows]
