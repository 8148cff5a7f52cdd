"""The admin's project list (F-12): every project of the workspace with member
and task counts, in two queries whatever the number of rows.

Sort and filter values come from any client, so they are validated by
`ProjectParams` and a bad one is `Invalid`, never a silently different query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel
from sqlalchemy import Select, func
from sqlmodel import Session, select

from rehome.core.access import Actor, require_admin, visible_project_filter
from rehome.core.infra.clock import today
from rehome.core.infra.listing import Listing, ListParams, contains, ordered, page_of, parse, total_of
from rehome.core.models import Project, ProjectMembership, Task


class ProjectParams(ListParams):
    status: Literal["active", "archived", "all"] = "active"
    sort: Literal["name", "created", "open_tasks"] = "name"


class AdminProjectRow(BaseModel):
    id: int
    name: str
    address: str
    archived: bool
    member_count: int
    open_tasks: int
    overdue_tasks: int
    created_at: datetime


def _workspace_projects(actor: Actor) -> Select:
    """Ids of every project of the admin's workspace, archived ones included."""
    return select(Project.id).where(visible_project_filter(actor, include_archived=True))


def list_projects_admin(
    session: Session,
    actor: Actor,
    *,
    q: str = "",
    status: str = "active",
    sort: str = "name",
    descending: bool = False,
    page: int = 1,
    per_page: int = 25,
) -> Listing[AdminProjectRow]:
    """The workspace's projects with member and task counts, two queries in all."""
    require_admin(actor)
    params = parse(
        ProjectParams,
        {
            "q": q,
            "status": status,
            "sort": sort,
            "descending": descending,
            "page": page,
            "per_page": per_page,
        },
    )
    where = [
        visible_project_filter(actor, include_archived=True),
        contains(params.q, Project.name, Project.address, Project.description),
    ]
    if params.status == "active":
        where.append(Project.archived_at.is_(None))  # type: ignore[union-attr]
    elif params.status == "archived":
        where.append(Project.archived_at.is_not(None))  # type: ignore[union-attr]
    total = total_of(session, select(func.count()).select_from(Project).where(*where), params)

    in_workspace = _workspace_projects(actor)
    members = (
        select(ProjectMembership.project_id, func.count().label("n"))
        .where(ProjectMembership.project_id.in_(in_workspace))  # type: ignore[attr-defined]
        .group_by(ProjectMembership.project_id)
        .subquery()
    )
    open_ = Task.status != "done"
    counts = (
        select(
            Task.project_id,
            func.count().filter(open_).label("open"),
            func.count().filter(open_, Task.due_date < today()).label("overdue"),  # type: ignore[operator]
        )
        .where(Task.project_id.in_(in_workspace))  # type: ignore[attr-defined]
        .group_by(Task.project_id)
        .subquery()
    )
    open_tasks = func.coalesce(counts.c.open, 0)
    sort_keys = {
        "name": [func.lower(Project.name)],
        "created": [Project.created_at],
        "open_tasks": [open_tasks],
    }[params.sort]
    query = (
        select(Project, func.coalesce(members.c.n, 0), open_tasks, func.coalesce(counts.c.overdue, 0))
        .outerjoin(members, members.c.project_id == Project.id)
        .outerjoin(counts, counts.c.project_id == Project.id)
        .where(*where)
        .order_by(*ordered(sort_keys, params.descending, Project.id))
    )
    items = [
        AdminProjectRow(
            id=int(project.id or 0),
            name=project.name,
            address=project.address,
            archived=project.archived_at is not None,
            member_count=int(member_count),
            open_tasks=int(open_count),
            overdue_tasks=int(overdue),
            created_at=project.created_at,
        )
        for project, member_count, open_count, overdue in session.exec(page_of(query, params))
    ]
    return Listing(items=items, total=total, page=params.page, per_page=params.per_page)
