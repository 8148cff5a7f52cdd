"""Who is in a project, with which role (F-04)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete
from sqlmodel import Session, select

from rehome.core import audit, events
from rehome.core.access import Action, Actor, project_scope, require_admin, workspace_user
from rehome.core.errors import NotFound
from rehome.core.models import ProjectMembership, User
from rehome.core.views import MemberOut

ProjectRole = Literal["team", "consultant", "client"]


class MemberSet(BaseModel):
    model_config = ConfigDict(extra="forbid")
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
        .join(ProjectMembership, ProjectMembership.user_id == User.id)
        .where(ProjectMembership.project_id == scope.project_id)
        .order_by(User.name)
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
    events.emit(session, scope.project_id, events.PROJECT_CHANGED)
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
            ProjectMembership.project_id == scope.project_id,
            ProjectMembership.user_id == user_id,
        )
    )
    if not result.rowcount:
        raise NotFound("This user is not a member of the project.")
    events.emit(session, scope.project_id, events.PROJECT_CHANGED)
    audit.record(
        session,
        actor,
        "member.removed",
        project_id=scope.project_id,
        target_type="user",
        target_id=user_id,
    )
