"""Changing a password, and resetting a forgotten one by a mailed link."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from rehome.core.access import Actor
from rehome.core.auth.api_tokens import revoke_user_tokens
from rehome.core.auth.login import guess_limit
from rehome.core.auth.passwords import check_strength, hash_password, verify
from rehome.core.auth.secrets import digest, new_secret
from rehome.core.auth.sessions import revoke_user_sessions
from rehome.core.infra import ratelimit
from rehome.core.infra.clock import utcnow
from rehome.core.infra.errors import Invalid, NotFound
from rehome.core.infra.validation import Email, Input, Password
from rehome.core.mail.outbox import queue_mail
from rehome.core.models import PasswordReset, User
from rehome.settings import get_settings

INVALID_LINK = "This reset link is invalid or has expired."
_RESET_REQUESTS = ratelimit.Limit("reset-request", 5, 3600)


class PasswordChange(Input):
    current_password: Password
    new_password: Password


class ResetRequest(Input):
    email: Email


class ResetComplete(Input):
    token: str
    password: Password


def _set_password(session: Session, user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    session.add(user)


def change_password(session: Session, actor: Actor, data: PasswordChange, keep_session: str | None) -> None:
    """Change the password, sign out every other session and revoke every API
    token of the user. Guesses of the current password are limited per user
    like sign-in (a slot taken before the check), since a left-open tab lets
    anyone try."""
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound("User not found.")
    slot = ratelimit.reserve(guess_limit("password-change"), actor.user_id)
    ok, _ = verify(data.current_password, user.password_hash)
    if not ok:
        raise Invalid({"current_password": "The current password is not correct."})
    ratelimit.release(slot)
    check_strength(data.new_password, "new_password")
    _set_password(session, user, data.new_password)
    revoke_user_sessions(session, actor.user_id, keep_token=keep_session)
    revoke_user_tokens(session, actor.user_id)


def request_reset(session: Session, data: ResetRequest) -> None:
    """Mail a one-time link if the account exists; say nothing either way."""
    ratelimit.hit([(_RESET_REQUESTS, digest(data.email)[:32])])
    user = session.exec(select(User).where(User.email == data.email)).first()
    if user is None or not user.is_active or not user.password_hash:
        return
    token = new_secret()
    ttl = get_settings().password_reset_ttl_minutes
    session.add(
        PasswordReset(
            user_id=int(user.id or 0),
            token_hash=digest(token),
            expires_at=utcnow() + timedelta(minutes=ttl),
        )
    )
    link = f"{get_settings().app_url}/reset/{token}"
    text = (
        "Someone asked to reset your ReHome password. If it was you, choose a new "
        f"one here (the link works once and expires in {ttl} minutes):\n{link}\n\n"
        "If it wasn't you, ignore this mail; your password stays as it is.\n"
    )
    queue_mail(session, user.email, "Reset your ReHome password", text)


def complete_reset(session: Session, data: ResetComplete) -> User:
    """Set the new password, spend the link, sign out every session and revoke
    every API token (whoever knew the old password may hold one)."""
    reset = (
        session.exec(select(PasswordReset).where(PasswordReset.token_hash == digest(data.token))).first()
        if data.token
        else None
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        raise NotFound(INVALID_LINK)
    user = session.get(User, reset.user_id)
    if user is None or not user.is_active:
        raise NotFound(INVALID_LINK)
    check_strength(data.password)
    _set_password(session, user, data.password)
    session.exec(
        update(PasswordReset)
        .where(col(PasswordReset.user_id) == user.id, col(PasswordReset.used_at).is_(None))
        .values(used_at=utcnow())
    )
    revoke_user_sessions(session, int(user.id or 0))
    revoke_user_tokens(session, int(user.id or 0))
    return user
