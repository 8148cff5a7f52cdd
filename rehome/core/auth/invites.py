"""Invites by mail: an admin invites someone into the workspace, optionally
straight into a project with a role; the link lets them set a password."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, model_validator
from sqlalchemy import update
from sqlmodel import Session, col, select

from rehome.core.access import Action, Actor, project_scope, require_admin
from rehome.core.activity import log as audit
from rehome.core.auth.passwords import check_strength, hash_password
from rehome.core.auth.secrets import digest, new_secret
from rehome.core.infra.clock import utcnow
from rehome.core.infra.errors import Conflict, NotFound
from rehome.core.infra.validation import Email, Name, Password
from rehome.core.mail.outbox import queue_mail
from rehome.core.models import Invite, Project, User, Workspace
from rehome.core.projects.members import upsert_membership
from rehome.core.vocab import ProjectRole
from rehome.settings import get_settings

INVALID_LINK = "This invite link is invalid or has expired."


class InviteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    email: Email
    name: Name
    is_admin: bool = False
    project_id: int | None = None
    role: ProjectRole | None = None

    @model_validator(mode="after")
    def _role_with_project(self) -> InviteCreate:
        if self.project_id is not None and self.role is None:
            raise ValueError("Choose a role for the project.")
        if self.role is not None and self.project_id is None:
            raise ValueError("Choose the project the role is for.")
        return self


class InviteAccept(BaseModel):
    model_config = ConfigDict(extra="forbid")
    token: str
    name: Name
    password: Password


def invite_user(session: Session, actor: Actor, data: InviteCreate) -> User:
    """Create (or re-invite) a not-yet-active user and mail them a link."""
    require_admin(actor)
    project = None
    if data.project_id is not None:
        project = project_scope(session, actor, data.project_id, Action.MANAGE).project
    user = session.exec(select(User).where(User.email == data.email)).first()
    if user is not None and (user.workspace_id != actor.workspace_id or user.password_hash):
        raise Conflict("This email already has a ReHome account.")
    if user is None:
        user = User(workspace_id=actor.workspace_id, email=data.email, name=data.name)
    user.is_admin = data.is_admin
    session.add(user)
    session.flush()
    user_id = int(user.id or 0)
    if project is not None and data.role is not None:
        upsert_membership(session, int(project.id or 0), user_id, data.role)
    session.exec(
        update(Invite)
        .where(
            col(Invite.user_id) == user_id,
            col(Invite.accepted_at).is_(None),
            col(Invite.revoked_at).is_(None),
        )
        .values(revoked_at=utcnow())
    )
    token = new_secret()
    session.add(
        Invite(
            workspace_id=actor.workspace_id,
            email=data.email,
            name=data.name,
            token_hash=digest(token),
            invited_by=actor.user_id,
            make_admin=data.is_admin,
            project_id=data.project_id,
            project_role=data.role,
            user_id=user_id,
            expires_at=utcnow() + timedelta(hours=get_settings().invite_ttl_hours),
        )
    )
    audit.record(
        session,
        actor,
        "user.invited",
        project_id=data.project_id,
        target_type="user",
        target_id=user_id,
        email=data.email,
        role=data.role,
    )
    _mail_invite(session, actor, data.email, token, project)
    return user


def _mail_invite(session: Session, actor: Actor, email: str, token: str, project: Project | None) -> None:
    workspace = session.get(Workspace, actor.workspace_id)
    where = (
        f"the project {project.name}" if project else f"the {workspace.name if workspace else ''} workspace"
    )
    link = f"{get_settings().app_url}/invite/{token}"
    text = (
        f"{actor.name} invited you to {where} on ReHome.\n\n"
        f"Choose your password here (the link works once and expires in "
        f"{get_settings().invite_ttl_hours // 24} days):\n{link}\n"
    )
    queue_mail(session, email, "You're invited to ReHome", text)


def _open_invite(session: Session, token: str) -> Invite:
    invite = session.exec(select(Invite).where(Invite.token_hash == digest(token))).first() if token else None
    if (
        invite is None
        or invite.accepted_at is not None
        or invite.revoked_at is not None
        or invite.expires_at <= utcnow()
    ):
        raise NotFound(INVALID_LINK)
    return invite


def preview_invite(session: Session, token: str) -> dict[str, str]:
    """What the invite page shows before the password is chosen."""
    invite = _open_invite(session, token)
    workspace = session.get(Workspace, invite.workspace_id)
    return {"email": invite.email, "name": invite.name, "workspace": workspace.name if workspace else ""}


def accept_invite(session: Session, data: InviteAccept) -> User:
    invite = _open_invite(session, data.token)
    check_strength(data.password)
    user = session.get(User, invite.user_id)
    if user is None or user.disabled_at is not None:
        raise NotFound(INVALID_LINK)
    user.name = data.name
    user.password_hash = hash_password(data.password)
    user.password_changed_at = utcnow()
    invite.accepted_at = utcnow()
    session.add(user)
    session.add(invite)
    return user
