"""The admin's project list (F-12): every project of the workspace with member
and task counts, in two queries whatever the number of rows.

Sort and filter values come from any client, so they are validated by
`ProjectParams` and a bad one is `Invalid`, never a silently different query.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from rehome.core.access import Actor, require_admin, visible_project_filter
from rehome.core.infra.clock import today
from rehome.core.infra.listing import Listing, ListParams, contains, ordered, page_of, parse, total_of
from rehome.core.models import Project, ProjectMembership, Task
from rehome.core.vocab import TaskStatus


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


def _workspace_projects(actor: Actor) -> SelectOfScalar[int | None]:
    """Ids of every project of the admin's workspace, archived ones included."""
    return select(col(Project.id)).where(visible_project_filter(actor, include_archived=True))


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
        where.append(col(Project.archived_at).is_(None))
    elif params.status == "archived":
        where.append(col(Project.archived_at).is_not(None))
    total = total_of(session, select(func.count()).select_from(Project).where(*where), params)

    in_workspace = _workspace_projects(actor)
    members = (
        select(ProjectMembership.project_id, func.count().label("n"))
        .where(col(ProjectMembership.project_id).in_(in_workspace))
        .group_by(col(ProjectMembership.project_id))
        .subquery()
    )
    open_ = col(Task.status) != TaskStatus.DONE
    counts = (
        select(
            Task.project_id,
            func.count().filter(open_).label("open"),
            func.count().filter(open_, col(Task.due_date) < today()).label("overdue"),
        )
        .where(col(Task.project_id).in_(in_workspace))
        .group_by(col(Task.project_id))
        .subquery()
    )
    open_tasks = func.coalesce(counts.c.open, 0)
    keys_by_sort: dict[str, list[Any]] = {
        "name": [func.lower(Project.name)],
        "created": [Project.created_at],
        "open_tasks": [open_tasks],
    }
    sort_keys = keys_by_sort[params.sort]
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
