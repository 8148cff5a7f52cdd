"""The admin dashboard's list pages: projects, users and tasks of one workspace (F-12).

Each listing is offset-paginated ("page X of Y" needs a total) and costs
exactly two queries whatever the number of rows: one `count(*)` with the
filters, one page query with the aggregates joined once as grouped
subqueries, so there is never a query per row. Everything starts from the
access layer (`require_admin`, `visible_project_filter`): an admin only ever
sees rows of their own workspace. Sort and filter values come from any client
(a Reflex handler or an API call), so they are validated here and a bad value
is `Invalid`, never a silently different query.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from rehome.core.access import Actor, project_scope, require_admin, visible_project_filter
from rehome.core.admin_query import (
    Listing,
    ProjectParams,
    TaskParams,
    UserParams,
    contains,
    ordered,
    page_of,
    parse,
    total_of,
)
from rehome.core.clock import today
from rehome.core.models import Project, ProjectMembership, Task, User
from rehome.core.users import UserOut, user_out

# ---- projects -------------------------------------------------------------------------------


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


# ---- users ----------------------------------------------------------------------------------


class AdminUserRow(UserOut):
    project_count: int  # active (not archived) projects the user is a member of


def _user_status(status: str) -> ColumnElement[bool]:
    """The SQL form of `users.user_out`'s status: disabled wins, then no password = invited."""
    no_password = or_(User.password_hash.is_(None), User.password_hash == "")  # type: ignore[union-attr]
    enabled = User.disabled_at.is_(None)  # type: ignore[union-attr]
    return {
        "all": true(),
        "disabled": User.disabled_at.is_not(None),  # type: ignore[union-attr]
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
        User.workspace_id == actor.workspace_id,
        contains(params.q, User.name, User.email),
        _user_status(params.status),
    ]
    if params.role != "all":
        where.append(User.is_admin == (true() if params.role == "admin" else false()))
    total = total_of(session, select(func.count()).select_from(User).where(*where), params)

    active_projects = select(Project.id).where(visible_project_filter(actor))
    projects_per_user = (
        select(ProjectMembership.user_id, func.count().label("n"))
        .where(ProjectMembership.project_id.in_(active_projects))  # type: ignore[attr-defined]
        .group_by(ProjectMembership.user_id)
        .subquery()
    )
    sort_keys = {
        "name": [func.lower(User.name)],
        "email": [User.email],
        "created": [User.created_at],
    }[params.sort]
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


# ---- tasks ----------------------------------------------------------------------------------


class AdminTaskRow(BaseModel):
    id: int
    project_id: int
    project_name: str
    title: str
    status: str
    priority: str
    assignee_id: int | None
    assignee_name: str | None
    due_date: date | None
    overdue: bool
    internal: bool
    updated_at: datetime


_PRIORITY_RANK = case({"low": 0, "normal": 1, "high": 2, "urgent": 3}, value=Task.priority, else_=1)


def list_tasks_admin(
    session: Session,
    actor: Actor,
    *,
    q: str = "",
    project_id: int | None = None,
    status: str = "all",
    assignee_id: int | None = None,
    overdue: bool = False,
    include_archived: bool = False,
    sort: str = "due",
    descending: bool = False,
    page: int = 1,
    per_page: int = 25,
) -> Listing[AdminTaskRow]:
    """Tasks across the workspace (internal ones too: admins see everything), two queries.

    `status="open"` means anything not done. Tasks of archived projects are
    left out unless `include_archived`; they are read-only anyway.
    """
    require_admin(actor)
    params = parse(
        TaskParams,
        {
            "q": q,
            "project_id": project_id,
            "status": status,
            "assignee_id": assignee_id,
            "overdue": overdue,
            "include_archived": include_archived,
            "sort": sort,
            "descending": descending,
            "page": page,
            "per_page": per_page,
        },
    )
    where = [
        visible_project_filter(actor, include_archived=params.include_archived),
        contains(params.q, Task.title, Task.description),
    ]
    if params.project_id is not None:
        where.append(Task.project_id == params.project_id)
    if params.status == "open":
        where.append(Task.status != "done")
    elif params.status != "all":
        where.append(Task.status == params.status)
    if params.assignee_id is not None:
        where.append(Task.assignee_id == params.assignee_id)
    if params.overdue:
        where.extend([Task.status != "done", Task.due_date < today()])  # type: ignore[operator]
    joined = select(func.count()).select_from(Task).join(Project, Project.id == Task.project_id)  # type: ignore[arg-type]
    total = total_of(session, joined.where(*where), params)

    assignee = aliased(User)
    sort_keys = {
        # no due date sorts last in both directions
        "due": [Task.due_date.is_(None), Task.due_date],  # type: ignore[union-attr]
        "updated": [Task.updated_at],
        "priority": [_PRIORITY_RANK],
        "title": [func.lower(Task.title)],
    }[params.sort]
    order = ordered(sort_keys, params.descending, Task.id)
    if params.sort == "due":
        order[0] = sort_keys[0].asc()
    query = (
        select(Task, Project.name, assignee.name)
        .join(Project, Project.id == Task.project_id)  # type: ignore[arg-type]
        .outerjoin(assignee, assignee.id == Task.assignee_id)  # type: ignore[arg-type]
        .where(*where)
        .order_by(*order)
    )
    now = today()
    items = [
        AdminTaskRow(
            id=int(task.id or 0),
            project_id=task.project_id,
            project_name=project_name,
            title=task.title,
            status=task.status,
            priority=task.priority,
            assignee_id=task.assignee_id,
            assignee_name=assignee_name,
            due_date=task.due_date,
            overdue=task.due_date is not None and task.status != "done" and task.due_date < now,
            internal=task.internal,
            updated_at=task.updated_at,
        )
        for task, project_name, assignee_name in session.exec(page_of(query, params))
    ]
    return Listing(items=items, total=total, page=params.page, per_page=params.per_page)


# ---- one project's people -------------------------------------------------------------------


class AdminMemberRow(BaseModel):
    user_id: int
    name: str
    email: str
    role: str
    status: str  # active, invited or disabled, as in `users.user_out`


class UserOption(BaseModel):
    id: int
    name: str
    email: str


def list_members_admin(session: Session, actor: Actor, project_id: int) -> list[AdminMemberRow]:
    """Members of a project with their role, archived projects included, in two queries.

    Unlike `memberships.list_members` (which asks for `Action.MANAGE` and so
    refuses archived projects as read-only), an admin may still look at who
    was on an archived project.
    """
    require_admin(actor)
    scope = project_scope(session, actor, project_id)
    rows = session.exec(
        select(User, ProjectMembership.role)
        .join(ProjectMembership, ProjectMembership.user_id == User.id)  # type: ignore[arg-type]
        .where(ProjectMembership.project_id == scope.project_id, User.workspace_id == actor.workspace_id)
        .order_by(func.lower(User.name), User.id)
    )
    return [
        AdminMemberRow(
            user_id=int(user.id or 0),
            name=user.name,
            email=user.email,
            role=role,
            status=user_out(user).status,
        )
        for user, role in rows
    ]


def addable_users(session: Session, actor: Actor, project_id: int, *, limit: int = 500) -> list[UserOption]:
    """People who could be added: the workspace's enabled non-admins not yet on the project.

    Admins are left out because they see every project anyway; invited users
    are in, so an admin can place someone before they have accepted.
    """
    require_admin(actor)
    scope = project_scope(session, actor, project_id)
    members = select(ProjectMembership.user_id).where(ProjectMembership.project_id == scope.project_id)
    rows = session.exec(
        select(User.id, User.name, User.email)
        .where(
            User.workspace_id == actor.workspace_id,
            User.disabled_at.is_(None),  # type: ignore[union-attr]
            User.is_admin == false(),
            User.id.not_in(members),  # type: ignore[union-attr]
        )
        .order_by(func.lower(User.name), User.id)
        .limit(max(1, min(limit, 1000)))
    )
    return [UserOption(id=int(uid), name=name, email=email) for uid, name, email in rows]
