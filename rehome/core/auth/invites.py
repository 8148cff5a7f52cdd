"""Invites by mail: an admin invites someone into the workspace, optionally
straight into a project with a role; the link lets them set a password."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, model_validator
from sqlalchemy import update
from sqlmodel import Session, col, select

from rehome.core.access import Action, Actor, project_scope, require_admin
from rehome.core.activity import log as audit
from rehome.core.auth.passwords import check_strength, hash_password
from rehome.core.auth.secrets import digest, new_secret
from rehome.core.infra.clock import utcnow
from rehome.core.infra.errors import Conflict, NotFound
from rehome.core.infra.validation import DbId, Email, Input, Name, Password
from rehome.core.mail.outbox import queue_mail
from rehome.core.models import Invite, Project, User, Workspace
from rehome.core.projects.members import upsert_membership
from rehome.core.vocab import ProjectRole
from rehome.settings import get_settings

INVALID_LINK = "This invite link is invalid or has expired."


class InviteCreate(Input):
    model_config = ConfigDict(str_strip_whitespace=True)
    email: Email
    name: Name
    is_admin: bool = False
    project_id: DbId | None = None
    role: ProjectRole | None = None

    @model_validator(mode="after")
    def _role_with_project(self) -> InviteCreate:
        if self.project_id is not None and self.role is None:
            raise ValueError("Choose a role for the project.")
        if self.role is not None and self.project_id is None:
            raise ValueError("Choose the project the role is for.")
        return self


class InviteAccept(Input):
    token: str
    name: Name
    password: Password


class InviteOut(BaseModel):
    """What the inviting admin learns: the same whoever the address belongs to."""

    email: str
    name: str
    is_admin: bool
    project_id: int | None
    role: ProjectRole | None
    status: str = "invited"
    expires_at: datetime


def invite_user(session: Session, actor: Actor, data: InviteCreate) -> InviteOut:
    """Create (or re-invite) a not-yet-active user and mail them a link.

    An address already used in another workspace answers exactly like any
    invite (one firm must not learn who works with ReHome at another); its
    owner gets a neutral mail instead of a link. Only someone already in the
    admin's own workspace, whom the admin can see anyway, is a conflict."""
    require_admin(actor)
    project = None
    if data.project_id is not None:
        project = project_scope(session, actor, data.project_id, Action.MANAGE).project
    out = InviteOut(
        email=data.email,
        name=data.name,
        is_admin=data.is_admin,
        project_id=data.project_id,
        role=data.role,
        expires_at=utcnow() + timedelta(hours=get_settings().invite_ttl_hours),
    )
    user = session.exec(select(User).where(User.email == data.email)).first()
    if user is not None and user.workspace_id != actor.workspace_id:
        _record(session, actor, data, None)
        _mail_elsewhere(session, actor, data.email)
        return out
    if user is not None and user.password_hash:
        raise Conflict("This person is already in your workspace.")
    if user is None:
        user = User(workspace_id=actor.workspace_id, email=data.email, name=data.name)
    user.is_admin = data.is_admin
    session.add(user)
    session.flush()
    user_id = int(user.id or 0)
    if project is not None and data.role is not None:
        upsert_membership(session, int(project.id or 0), user_id, data.role)
    token = _new_invite(session, actor, data, user_id, out.expires_at)
    _record(session, actor, data, user_id)
    _mail_invite(session, actor, data.email, token, project)
    return out


def _new_invite(
    session: Session, actor: Actor, data: InviteCreate, user_id: int, expires_at: datetime
) -> str:
    """Replace the user's open invites with a new one; the plain link token."""
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
            expires_at=expires_at,
        )
    )
    return token


def _record(session: Session, actor: Actor, data: InviteCreate, user_id: int | None) -> None:
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


def _mail_elsewhere(session: Session, actor: Actor, email: str) -> None:
    """Tell the address's owner, and no one else, why no invite link came."""
    workspace = session.get(Workspace, actor.workspace_id)
    text = (
        f"{actor.name} ({workspace.name if workspace else 'a ReHome workspace'}) tried to invite this "
        "address to ReHome. It already belongs to a ReHome account, and an address can be in one "
        "workspace only, so nothing changed and they were not told.\n\n"
        "To work with them, ask them to invite another address of yours.\n"
    )
    queue_mail(session, email, "An invitation to ReHome", text)


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
