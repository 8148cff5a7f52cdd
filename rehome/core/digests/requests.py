"""Asking for a summary now (F-33 "on demand by admins"): checks who may ask,
then queues the job after commit. The job writes from what the audience may
see and announces the result live; only the asker's bell rings for it.

- a project's daily digest: workspace admins;
- the weekly workspace rollup: workspace admins (another workspace: NotFound);
- a client update draft: those who approve client updates (team and admins).
"""

from __future__ import annotations

from sqlmodel import Session

from rehome.core.access import Action, Actor, project_scope, require_admin
from rehome.core.agent import governance
from rehome.core.digests.summaries import Queued
from rehome.core.infra import jobs
from rehome.core.infra.errors import NotFound
from rehome.core.vocab import SummaryType


def request_digest(session: Session, actor: Actor, project_id: int) -> Queued:
    require_admin(actor)
    project_scope(session, actor, project_id, Action.MANAGE)
    governance.check_rate(actor)
    jobs.enqueue_on_commit(session, "digests.project", project_id=project_id, requested_by=actor.user_id)
    return Queued(project_id=project_id, kind=SummaryType.DAILY.value)


def request_rollup(session: Session, actor: Actor, workspace_id: int) -> Queued:
    if workspace_id != actor.workspace_id:
        raise NotFound("Workspace not found.")
    require_admin(actor)
    governance.check_rate(actor)
    jobs.enqueue_on_commit(session, "digests.weekly", workspace_id=workspace_id, requested_by=actor.user_id)
    return Queued(project_id=0, kind=SummaryType.WEEKLY.value)


def request_client_update(session: Session, actor: Actor, project_id: int) -> Queued:
    project_scope(session, actor, project_id, Action.APPROVE_UPDATE)
    governance.check_rate(actor)
    jobs.enqueue_on_commit(
        session, "digests.client_update", project_id=project_id, requested_by=actor.user_id
    )
    return Queued(project_id=project_id, kind=SummaryType.CLIENT_UPDATE.value)
