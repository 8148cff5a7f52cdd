"""When digests are written (F-33): an hourly tick (Celery beat, or the
embedded beat) finds the workspaces whose local time has reached the digest
hour and queues one job per project that saw activity since the day before;
quiet projects get none. On the digest weekday it also queues the weekly
rollup and each project's client update draft.

A tick is idempotent: every job it queues writes under a key of its project,
audience and local day (or ISO week), so a repeated or redelivered tick (a
DST change, a beat restart) writes nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import exists, or_
from sqlmodel import Session, col, select

from rehome.core.infra import jobs
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import session_scope
from rehome.core.models import Message, Project, ProjectMembership, Task, TaskEvent, Workspace
from rehome.core.vocab import Role
from rehome.settings import get_settings

log = logging.getLogger(__name__)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def active_projects(
    session: Session, workspace_id: int, since: datetime, *, with_clients: bool = False
) -> list[int]:
    """The workspace's open projects with a change, new task or message since `since` (one query)."""
    project = col(Project.id)
    touched = or_(
        exists().where(col(Task.project_id) == project, col(Task.updated_at) >= since),
        exists().where(col(TaskEvent.project_id) == project, col(TaskEvent.created_at) >= since),
        exists().where(col(Message.project_id) == project, col(Message.created_at) >= since),
    )
    query = select(project).where(
        Project.workspace_id == workspace_id,
        col(Project.archived_at).is_(None),
        touched,
    )
    if with_clients:
        clients = exists().where(
            col(ProjectMembership.project_id) == project, col(ProjectMembership.role) == Role.CLIENT.value
        )
        query = query.where(clients)
    return [int(pid or 0) for pid in session.exec(query.order_by(project))]


def tick(now: datetime | None = None) -> dict[str, int]:
    """The hourly job; returns how many jobs of each kind it queued."""
    now = now or utcnow()
    settings = get_settings()
    queued = {"daily": 0, "weekly": 0, "client_update": 0}
    with session_scope() as session:
        workspaces = list(session.exec(select(Workspace.id, Workspace.timezone)))
        plans = []
        for wid, timezone in workspaces:
            workspace_id, local = int(wid or 0), now.astimezone(zone(timezone))
            if local.hour != settings.digest_hour:
                continue
            weekly = local.weekday() == settings.digest_weekday
            daily = active_projects(session, workspace_id, now - timedelta(days=1))
            updates = (
                active_projects(session, workspace_id, now - timedelta(days=7), with_clients=True)
                if weekly
                else []
            )
            plans.append((workspace_id, local, daily, weekly, updates))
    for workspace_id, local, daily, weekly, updates in plans:
        day, week = local.date().isoformat(), local.strftime("%G-W%V")
        for project_id in daily:
            jobs.enqueue("digests.project", project_id=project_id, day=day)
        queued["daily"] += len(daily)
        if weekly:
            jobs.enqueue("digests.weekly", workspace_id=workspace_id, week=week)
            queued["weekly"] += 1
            for project_id in updates:
                jobs.enqueue("digests.client_update", project_id=project_id, week=week)
            queued["client_update"] += len(updates)
    if any(queued.values()):
        log.info("digest tick", extra=queued)
    return queued
