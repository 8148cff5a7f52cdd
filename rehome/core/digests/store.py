"""Reading stored summaries (F-33, F-20), always through the access layer:
a project's for its participants (each their version; drafts only for those
who approve them), a workspace's rollups for its admins only."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col
from sqlmodel.sql.expression import SelectOfScalar

from rehome.core.access import (
    Actor,
    admin_project_summaries,
    project_scope,
    summary_audience,
    visible_summaries,
    workspace_summaries_scope,
)
from rehome.core.infra.errors import NotFound
from rehome.core.infra.pagination import MAX_LIMIT, Page, page_of
from rehome.core.models import ProjectSummary
from rehome.core.vocab import SummaryAudience, SummaryStatus, SummaryType


class SummaryOut(BaseModel):
    id: int
    project_id: int | None
    type: SummaryType
    audience: str
    status: SummaryStatus
    title: str
    verdict: str | None
    content: str
    refs: list[str]
    links: dict[str, str]  # where each cited item lives in the app
    generated_at: datetime
    cached: bool  # nothing new could be written: this is an earlier one, from `cached_from_date`
    cached_from_date: datetime | None
    cached_reason: str | None
    written_without_ai: bool
    approved_at: datetime | None


def summary_out(row: ProjectSummary) -> SummaryOut:
    meta = row.meta or {}
    cached = row.status == SummaryStatus.CACHED
    cached_at = meta.get("cached_at") if cached else None
    return SummaryOut(
        id=int(row.id or 0),
        project_id=row.project_id,
        type=SummaryType(row.type),
        audience=row.audience,
        status=SummaryStatus(row.status),
        title=str(meta.get("title") or ""),
        verdict=meta.get("verdict"),
        content=row.content,
        refs=list(meta.get("refs", [])),
        links=dict(meta.get("links", {})),
        generated_at=row.generated_at,
        cached=cached,
        cached_from_date=datetime.fromisoformat(cached_at) if isinstance(cached_at, str) else None,
        cached_reason=meta.get("reason") if cached or meta.get("written_without_ai") else None,
        written_without_ai=bool(meta.get("written_without_ai")),
        approved_at=row.approved_at,
    )


def _page(
    session: Session,
    query: SelectOfScalar[ProjectSummary],
    kind: SummaryType | None,
    before_id: int | None,
    limit: int,
    audience: SummaryAudience | None = None,
) -> Page[SummaryOut]:
    limit = max(1, min(limit, MAX_LIMIT))
    if kind is not None:
        query = query.where(ProjectSummary.type == kind.value)
    if audience is not None:
        query = query.where(ProjectSummary.audience == audience.value)
    if before_id:
        query = query.where(col(ProjectSummary.id) < before_id)
    rows = session.exec(query.order_by(col(ProjectSummary.id).desc()).limit(limit + 1)).all()
    return page_of([summary_out(r) for r in rows], limit, lambda s: s.id)


def project_summaries(
    session: Session,
    actor: Actor,
    project_id: int,
    *,
    kind: SummaryType | None = None,
    before_id: int | None = None,
    limit: int = 20,
    audience: SummaryAudience | None = None,
) -> Page[SummaryOut]:
    """The project's summaries this reader may read, newest first (of one
    version, if `audience` is given)."""
    scope = project_scope(session, actor, project_id)
    return _page(session, visible_summaries(scope), kind, before_id, limit, audience)


def workspace_summaries(
    session: Session,
    actor: Actor,
    workspace_id: int,
    *,
    kind: SummaryType | None = None,
    before_id: int | None = None,
    limit: int = 20,
) -> Page[SummaryOut]:
    """The workspace's rollups, newest first: admins of that workspace only."""
    return _page(session, workspace_summaries_scope(actor, workspace_id), kind, before_id, limit)


def workspace_daily(session: Session, actor: Actor, *, limit: int = 6) -> list[SummaryOut]:
    """The newest daily digests (staff versions) across the workspace's projects (admins)."""
    query = admin_project_summaries(actor).where(
        ProjectSummary.type == SummaryType.DAILY.value, ProjectSummary.audience == SummaryAudience.STAFF.value
    )
    return _page(session, query, None, None, limit).items


def get_summary(session: Session, actor: Actor, summary_id: int) -> SummaryOut:
    row = session.get(ProjectSummary, summary_id)
    if row is None:
        raise NotFound("Summary not found.")
    if row.project_id is None:
        query = workspace_summaries_scope(actor, row.workspace_id)
    else:
        try:
            query = visible_summaries(project_scope(session, actor, row.project_id))
        except NotFound:
            raise NotFound("Summary not found.") from None
    found = session.exec(query.where(ProjectSummary.id == summary_id)).first()
    if found is None:
        raise NotFound("Summary not found.")
    return summary_out(found)


def latest(
    session: Session,
    actor: Actor,
    project_id: int | None,
    kind: SummaryType,
    audience: SummaryAudience | None = None,
) -> SummaryOut | None:
    """The newest summary of a kind for this reader: a project's, by default in
    the reader's own version (staff or client), or the workspace's rollup."""
    if project_id is None:
        page = workspace_summaries(session, actor, actor.workspace_id, kind=kind, limit=1)
    else:
        if audience is None and kind is not SummaryType.CLIENT_UPDATE:
            audience = summary_audience(project_scope(session, actor, project_id))
        page = project_summaries(session, actor, project_id, kind=kind, limit=1, audience=audience)
    return page.items[0] if page.items else None
