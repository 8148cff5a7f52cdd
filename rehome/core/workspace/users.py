"""People of a workspace: the admin's user list and changes (F-04, F-12)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlmodel import Session, col, select

from rehome.core.access import Actor, require_admin, workspace_user
from rehome.core.activity import log as audit
from rehome.core.auth.api_tokens import revoke_user_tokens
from rehome.core.auth.sessions import revoke_user_sessions
from rehome.core.infra.clock import utcnow
from rehome.core.infra.errors import Conflict, NotFound
from rehome.core.infra.listing import contains
from rehome.core.infra.pagination import MAX_LIMIT, Page, page_of
from rehome.core.infra.validation import Input
from rehome.core.models import User, Workspace
from rehome.core.realtime import events
from rehome.core.vocab import EventKind


class UserOut(BaseModel):
    id: int
    name: str
    email: str
    phone: str | None
    is_admin: bool
    status: str  # active, invited or disabled
    created_at: datetime


class Me(UserOut):
    workspace_id: int
    workspace_name: str


class UserPatch(Input):
    model_config = ConfigDict(str_strip_whitespace=True)
    name: str | None = Field(default=None, min_length=1, max_length=120)
    phone: str | None = Field(default=None, max_length=40)
    is_admin: bool | None = None
    disabled: bool | None = None

    @model_validator(mode="after")
    def _no_null(self) -> UserPatch:
        for field in ("name", "is_admin", "disabled"):
            if field in self.model_fields_set and getattr(self, field) is None:
                raise ValueError(f"{field} cannot be null.")
        return self


def user_out(user: User) -> UserOut:
    if user.disabled_at is not None:
        status = "disabled"
    elif not user.password_hash:
        status = "invited"
    else:
        status = "active"
    return UserOut(
        id=int(user.id or 0),
        name=user.name,
        email=user.email,
        phone=user.phone,
        is_admin=user.is_admin,
        status=status,
        created_at=user.created_at,
    )


def me(session: Session, actor: Actor) -> Me:
    user = session.get(User, actor.user_id)
    workspace = session.get(Workspace, actor.workspace_id)
    if user is None or workspace is None:
        raise NotFound("User not found.")
    return Me(**user_out(user).model_dump(), workspace_id=actor.workspace_id, workspace_name=workspace.name)


def list_users(
    session: Session, actor: Actor, *, q: str = "", after_id: int | None = None, limit: int = 50
) -> Page[UserOut]:
    require_admin(actor)
    limit = max(1, min(limit, MAX_LIMIT))
    query = select(User).where(User.workspace_id == actor.workspace_id)
    if q.strip():
        query = query.where(contains(q.strip()[:100], User.name, User.email))  # % and _ taken literally
    if after_id:
        query = query.where(col(User.id) > after_id)
    rows = session.exec(query.order_by(col(User.id)).limit(limit + 1)).all()
    return page_of([user_out(u) for u in rows], limit, lambda u: u.id)


def update_user(session: Session, actor: Actor, user_id: int, data: UserPatch) -> UserOut:
    user = workspace_user(session, actor, user_id)
    changes = data.model_dump(exclude_unset=True)
    if user_id == actor.user_id and (changes.get("disabled") or changes.get("is_admin") is False):
        raise Conflict("You cannot disable yourself or remove your own admin rights.")
    if "is_admin" in changes and changes["is_admin"] != user.is_admin:
        events.emit_to_user(session, user_id, EventKind.ACCESS_CHANGED)  # open pages re-check now
    for field in ("name", "phone", "is_admin"):
        if field in changes:
            setattr(user, field, changes[field])
    if "disabled" in changes:
        _set_disabled(session, user, changes["disabled"])
    session.add(user)
    audit.record(
        session, actor, "user.updated", target_type="user", target_id=user_id, fields=sorted(changes)
    )
    return user_out(user)


def _set_disabled(session: Session, user: User, disabled: bool) -> None:
    """Disabling ends every session and API token of the user at once."""
    if disabled and user.disabled_at is None:
        user.disabled_at = utcnow()
        revoke_user_sessions(session, int(user.id or 0))
        revoke_user_tokens(session, int(user.id or 0))
    elif not disabled:
        user.disabled_at = None
