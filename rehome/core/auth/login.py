"""Checking credentials without telling anyone whether an email exists."""

from __future__ import annotations

from sqlmodel import Session, select

from rehome.core.auth.passwords import verify
from rehome.core.auth.secrets import digest
from rehome.core.infra import ratelimit
from rehome.core.infra.errors import NotAuthenticated
from rehome.core.infra.validation import Email, Input, Password
from rehome.core.models import User
from rehome.settings import get_settings

BAD_CREDENTIALS = "Email or password is incorrect."


class Credentials(Input):
    email: Email
    password: Password


def guess_limit(name: str) -> ratelimit.Limit:
    """LOGIN_MAX_FAILURES wrong passwords per LOGIN_FAILURE_WINDOW, per account."""
    settings = get_settings()
    return ratelimit.Limit(name, settings.login_max_failures, settings.login_failure_window)


def authenticate(session: Session, credentials: Credentials) -> User:
    """The user for these credentials. A slot of the account's limit is taken
    before the password is checked and given back only on success, so however
    many guesses arrive at once, at most the limit's number are ever checked."""
    slot = ratelimit.reserve(guess_limit("login-fail"), digest(credentials.email)[:32])
    user = session.exec(select(User).where(User.email == credentials.email)).first()
    ok, new_hash = verify(credentials.password, user.password_hash if user else None)
    if not ok or user is None or not user.is_active:
        raise NotAuthenticated(BAD_CREDENTIALS)
    if new_hash:
        user.password_hash = new_hash
        session.add(user)
    ratelimit.release(slot)
    return user
