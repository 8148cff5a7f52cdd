"""Who is in a project, with which role (F-04)."""

from __future__ import annotations

from pydantic import BaseModel
from sqlalchemy import delete, false, func
from sqlmodel import Session, col, select

from rehome.core.access import (
    Action,
    Actor,
    project_scope,
    require_admin,
    workspace_user,
)
from rehome.core.activity import log as audit
from rehome.core.infra.errors import NotFound
from rehome.core.infra.validation import Input
from rehome.core.models import ProjectMembership, User
from rehome.core.projects.views import MemberOut
from rehome.core.realtime import events
from rehome.core.vocab import EventKind, ProjectRole
from rehome.core.workspace.users import user_out


class MemberSet(Input):
    role: ProjectRole


def upsert_membership(session: Session, project_id: int, user_id: int, role: str) -> None:
    """Low-level: callers have already checked the admin may do this."""
    existing = session.exec(
        select(ProjectMembership).where(
            ProjectMembership.project_id == project_id, ProjectMembership.user_id == user_id
        )
    ).first()
    if existing is None:
        session.add(ProjectMembership(project_id=project_id, user_id=user_id, role=role))
    elif existing.role != role:
        existing.role = role
        session.add(existing)


def list_members(session: Session, actor: Actor, project_id: int) -> list[MemberOut]:
    require_admin(actor)
    scope = project_scope(session, actor, project_id, Action.MANAGE)
    rows = session.exec(
        select(User, ProjectMembership.role)
        .join(ProjectMembership, col(ProjectMembership.user_id) == User.id)
        .where(ProjectMembership.project_id == scope.project_id)
        .order_by(col(User.name))
    )
    return [
        MemberOut(user_id=int(user.id or 0), name=user.name, email=user.email, role=role)
        for user, role in rows
    ]


def set_member(session: Session, actor: Actor, project_id: int, user_id: int, data: MemberSet) -> MemberOut:
    require_admin(actor)
    scope = project_scope(session, actor, project_id, Action.MANAGE)
    user = workspace_user(session, actor, user_id)
    upsert_membership(session, scope.project_id, user_id, data.role)
    events.emit(session, scope.project_id, EventKind.PROJECT_CHANGED)
    events.emit_to_user(session, user_id, EventKind.ACCESS_CHANGED)  # their open answers re-check
    audit.record(
        session,
        actor,
        "member.set",
        project_id=scope.project_id,
        target_type="user",
        target_id=user_id,
        role=data.role,
    )
    return MemberOut(user_id=user_id, name=user.name, email=user.email, role=data.role)


def remove_member(session: Session, actor: Actor, project_id: int, user_id: int) -> None:
    require_admin(actor)
    scope = project_scope(session, actor, project_id, Action.MANAGE)
    workspace_user(session, actor, user_id)
    result = session.exec(
        delete(ProjectMembership).where(
            col(ProjectMembership.project_id) == scope.project_id,
            col(ProjectMembership.user_id) == user_id,
        )
    )
    if not result.rowcount:
        raise NotFound("This user is not a member of the project.")
    events.emit(session, scope.project_id, EventKind.PROJECT_CHANGED)
    events.emit_to_user(session, user_id, EventKind.ACCESS_CHANGED)
    audit.record(
        session,
        actor,
        "member.removed",
        project_id=scope.project_id,
        target_type="user",
        target_id=user_id,
    )


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
        .join(ProjectMembership, col(ProjectMembership.user_id) == User.id)
        .where(ProjectMembership.project_id == scope.project_id, User.workspace_id == actor.workspace_id)
        .order_by(func.lower(User.name), col(User.id))
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
            col(User.disabled_at).is_(None),
            User.is_admin == false(),
            col(User.id).not_in(members),
        )
        .order_by(func.lower(User.name), col(User.id))
        .limit(max(1, min(limit, 1000)))
    )
    return [UserOption(id=int(uid or 0), name=name, email=email) for uid, name, email in rows]
