"""The admin's user list (F-12): people of the workspace with their status and
project count, in two queries whatever the number of rows.
"""

from __future__ import annotations

from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, false, func, or_, true
from sqlmodel import Session, col, select

from rehome.core.access import Actor, require_admin, visible_project_filter
from rehome.core.infra.listing import Listing, ListParams, contains, ordered, page_of, parse, total_of
from rehome.core.models import Project, ProjectMembership, User
from rehome.core.workspace.users import UserOut, user_out


class UserParams(ListParams):
    status: Literal["all", "active", "invited", "disabled"] = "all"
    role: Literal["all", "admin", "member"] = "all"
    sort: Literal["name", "email", "created"] = "name"


class AdminUserRow(UserOut):
    project_count: int  # active (not archived) projects the user is a member of


def _user_status(status: str) -> ColumnElement[bool]:
    """The SQL form of `users.user_out`'s status: disabled wins, then no password = invited."""
    no_password = or_(col(User.password_hash).is_(None), col(User.password_hash) == "")
    enabled = col(User.disabled_at).is_(None)
    return {
        "all": true(),
        "disabled": col(User.disabled_at).is_not(None),
        "invited": and_(enabled, no_password),
        "active": and_(enabled, ~no_password),
    }[status]


def list_users_admin(
    session: Session,
    actor: Actor,
    *,
    q: str = "",
    status: str = "all",
    role: str = "all",
    sort: str = "name",
    descending: bool = False,
    page: int = 1,
    per_page: int = 25,
) -> Listing[AdminUserRow]:
    """The workspace's people with how many active projects each is on, two queries."""
    require_admin(actor)
    params = parse(
        UserParams,
        {
            "q": q,
            "status": status,
            "role": role,
            "sort": sort,
            "descending": descending,
            "page": page,
            "per_page": per_page,
        },
    )
    where = [
        col(User.workspace_id) == actor.workspace_id,
        contains(params.q, User.name, User.email),
        _user_status(params.status),
    ]
    if params.role != "all":
        where.append(col(User.is_admin) == (true() if params.role == "admin" else false()))
    total = total_of(session, select(func.count()).select_from(User).where(*where), params)

    active_projects = select(col(Project.id)).where(visible_project_filter(actor))
    projects_per_user = (
        select(ProjectMembership.user_id, func.count().label("n"))
        .where(col(ProjectMembership.project_id).in_(active_projects))
        .group_by(col(ProjectMembership.user_id))
        .subquery()
    )
    keys_by_sort: dict[str, list[Any]] = {
        "name": [func.lower(User.name)],
        "email": [User.email],
        "created": [User.created_at],
    }
    sort_keys = keys_by_sort[params.sort]
    query = (
        select(User, func.coalesce(projects_per_user.c.n, 0))
        .outerjoin(projects_per_user, projects_per_user.c.user_id == User.id)
        .where(*where)
        .order_by(*ordered(sort_keys, params.descending, User.id))
    )
    items = [
        AdminUserRow(**user_out(user).model_dump(), project_count=int(count))  # status defined once
        for user, count in session.exec(page_of(query, params))
    ]
    return Listing(items=items, total=total, page=params.page, per_page=params.per_page)
