"""Password hashing with passlib: argon2 first, older schemes upgraded on login."""

from __future__ import annotations

from passlib.context import CryptContext

from rehome.core.infra.errors import Invalid
from rehome.settings import get_settings

MAX_PASSWORD_CHARS = 1024
_context = CryptContext(schemes=["argon2", "bcrypt"], deprecated="auto")
# Verified against when the email is unknown, so both paths cost the same.
_DUMMY_HASH = _context.hash("rehome-timing-equaliser")


def hash_password(password: str) -> str:
    return _context.hash(password)


def verify(password: str, stored_hash: str | None) -> tuple[bool, str | None]:
    """(matches, new hash if the stored one should be upgraded)."""
    if not stored_hash:
        _context.verify(password, _DUMMY_HASH)
        return False, None
    try:
        return _context.verify_and_update(password, stored_hash)
    except (ValueError, TypeError):
        return False, None


def check_strength(password: str, field: str = "password") -> None:
    minimum = get_settings().password_min_length
    if len(password) < minimum:
        raise Invalid({field: f"Use at least {minimum} characters."})
    if len(password) > MAX_PASSWORD_CHARS:
        raise Invalid({field: f"Use at most {MAX_PASSWORD_CHARS} characters."})
    if password.strip() == "":
        raise Invalid({field: "A password cannot be only spaces."})
