"""The digest jobs (run by Celery or the embedded pool; arguments are ids and
plain values): a project's daily digest, the weekly rollup, a client update
draft, and milestone or meeting summaries on demand.

Scheduled runs are keyed by project, audience and local day (or week), so a
redelivered or repeated job writes nothing twice; on-demand runs are keyed by
who asked and when.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select
from sqlmodel import Session, col

from rehome.core.access import audience_scope
from rehome.core.digests import rollup, summaries
from rehome.core.digests.facts import gather
from rehome.core.digests.generate import Compose, Spec, Written, write
from rehome.core.digests.writer import Draft, client_update, daily
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import session_scope
from rehome.core.models import Project, ProjectMembership, Workspace
from rehome.core.tasks.figures import Moment
from rehome.core.vocab import Role, SummaryAudience, SummaryStatus, SummaryType
from rehome.settings import get_settings

DAY, WEEK = timedelta(days=1), timedelta(days=7)


def moment(now: datetime, period: timedelta) -> Moment:
    return Moment(now=now, since=now - period, stalled_days=get_settings().digest_stalled_days)


def local_day(session: Session, workspace_id: int, now: datetime) -> str:
    workspace = session.get(Workspace, workspace_id)
    return now.astimezone(ZoneInfo(workspace.timezone if workspace else "UTC")).date().isoformat()


def _project(session: Session, project_id: int) -> tuple[int, bool] | None:
    """The project's workspace and whether it has clients, or None if gone or archived."""
    project = session.get(Project, project_id)
    if project is None or project.archived_at is not None:
        return None
    clients = session.execute(
        select(
            exists().where(
                col(ProjectMembership.project_id) == project_id,
                col(ProjectMembership.role) == Role.CLIENT.value,
            )
        )
    ).scalar_one()
    return project.workspace_id, bool(clients)


def _draft_of(
    project_id: int, audience: SummaryAudience, at: Moment, kind: SummaryType, quiet_ok: bool
) -> Compose:
    def compose(session: Session) -> Draft | None:
        scope = audience_scope(session, project_id, audience)
        facts = gather(session, scope.actor, scope, at, audience)
        if facts.idle and not quiet_ok:
            return None  # nothing happened: no digest
        return client_update(facts) if kind is SummaryType.CLIENT_UPDATE else daily(facts)

    return compose


def project_digest(
    project_id: int, day: str = "", requested_by: int | None = None, force: bool = False
) -> list[Written]:
    """The daily digest of one project: the staff version, and the client version
    when it has clients. Scheduled ones skip a quiet project; on-demand ones
    (`requested_by`) and forced ones (the ops command for one project) are
    written anyway."""
    now = utcnow()
    with session_scope() as session:
        found = _project(session, project_id)
        if found is None:
            return []
        workspace_id, has_clients = found
        day = day or local_day(session, workspace_id, now)
    at = moment(now, DAY)
    audiences = [SummaryAudience.STAFF, *([SummaryAudience.CLIENT] if has_clients else [])]
    out = []
    for audience in audiences:
        key = f"daily:{project_id}:{audience.value}:{day}"
        if requested_by:
            key += f":by{requested_by}:{now:%H%M%S%f}"
        spec = Spec(workspace_id, project_id, SummaryType.DAILY, audience, key, requested_by)
        compose = _draft_of(project_id, audience, at, SummaryType.DAILY, quiet_ok=bool(requested_by) or force)
        out.append(write(spec, compose))
    return out


def weekly_rollup(workspace_id: int, week: str = "", requested_by: int | None = None) -> Written:
    now = utcnow()
    at = moment(now, WEEK)
    key = f"weekly:{workspace_id}:{week or now.strftime('%G-W%V')}"
    if requested_by:
        key += f":by{requested_by}:{now:%H%M%S%f}"
    spec = Spec(workspace_id, None, SummaryType.WEEKLY, SummaryAudience.ADMIN, key, requested_by)
    return write(spec, lambda session: rollup.compose(session, workspace_id, at))


def client_update_draft(project_id: int, week: str = "", requested_by: int | None = None) -> Written | None:
    """Draft this week's client update for a person to edit and approve."""
    now = utcnow()
    with session_scope() as session:
        found = _project(session, project_id)
    if found is None or not found[1]:
        return None  # no clients: nobody to update
    key = f"client_update:{project_id}:{week or now.strftime('%G-W%V')}"
    if requested_by:
        key += f":by{requested_by}:{now:%H%M%S%f}"
    spec = Spec(
        found[0],
        project_id,
        SummaryType.CLIENT_UPDATE,
        SummaryAudience.CLIENT,
        key,
        requested_by,
        status=SummaryStatus.DRAFT,
    )
    at = moment(now, WEEK)
    return write(spec, _draft_of(project_id, SummaryAudience.CLIENT, at, SummaryType.CLIENT_UPDATE, True))


def on_demand_summary(project_id: int, kind: str, requested_by: int, request: dict) -> Written | None:
    """A milestone (tasks or a date range) or meeting (a range of chat) summary."""
    return summaries.write_on_demand(project_id, SummaryType(kind), requested_by, request)
