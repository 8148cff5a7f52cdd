"""Server-side browser sessions: random token in an HttpOnly cookie, digest
in the database, idle and absolute expiry, revocable everywhere at once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from rehome.core.access import Actor
from rehome.core.auth.secrets import digest, new_secret
from rehome.core.infra.clock import utcnow
from rehome.core.models import User, UserSession
from rehome.core.realtime import events
from rehome.core.vocab import EventKind
from rehome.settings import get_settings

_TOUCH_EVERY = timedelta(seconds=60)


def actor_for(user: User) -> Actor:
    return Actor(
        user_id=int(user.id or 0),
        workspace_id=user.workspace_id,
        is_admin=user.is_admin,
        name=user.name,
        email=user.email,
    )


def create_session(session: Session, user: User, user_agent: str = "") -> str:
    """Start a session and return the plain token for the cookie."""
    settings = get_settings()
    token = new_secret()
    now = utcnow()
    session.add(
        UserSession(
            token_hash=digest(token),
            user_id=int(user.id or 0),
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(hours=settings.session_absolute_hours),
            user_agent=user_agent[:300],
        )
    )
    return token


def resolve_session(session: Session, token: str | None) -> Actor | None:
    """The actor behind a cookie, or None if it is unknown, expired or revoked."""
    if not token or len(token) > 200:
        return None
    row = session.exec(
        select(UserSession, User)
        .join(User, col(User.id) == UserSession.user_id)
        .where(UserSession.token_hash == digest(token))
    ).first()
    if row is None:
        return None
    record, user = row
    now = utcnow()
    idle = timedelta(minutes=get_settings().session_idle_minutes)
    if (
        record.revoked_at is not None
        or record.expires_at <= now
        or record.last_seen_at + idle <= now
        or not user.is_active
    ):
        return None
    if now - record.last_seen_at >= _TOUCH_EVERY:
        record.last_seen_at = now
        session.add(record)
    return actor_for(user)


def revoke_session(session: Session, token: str | None) -> None:
    if not token:
        return
    record = session.exec(select(UserSession).where(UserSession.token_hash == digest(token))).first()
    if record is not None and record.revoked_at is None:
        record.revoked_at = utcnow()
        session.add(record)
        _announce(session, record.user_id)


def revoke_user_sessions(session: Session, user_id: int, keep_token: str | None = None) -> None:
    """End every session of a user (password change, reset, disable)."""
    query = update(UserSession).where(
        col(UserSession.user_id) == user_id, col(UserSession.revoked_at).is_(None)
    )
    if keep_token:
        query = query.where(col(UserSession.token_hash) != digest(keep_token))
    session.exec(query.values(revoked_at=utcnow()))
    _announce(session, user_id)


def _announce(session: Session, user_id: int) -> None:
    """Open pages of this user re-check their session at once (live relays)."""
    events.emit_to_user(session, user_id, EventKind.ACCESS_CHANGED)
