"""Bearer tokens for the REST API: hashed at rest, shown once, revocable,
expiring after API_TOKEN_TTL_DAYS, and revoked with a password change or reset."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import update
from sqlmodel import Session, col, select

from rehome.core.access import Actor
from rehome.core.auth.secrets import digest, new_secret
from rehome.core.auth.sessions import actor_for
from rehome.core.infra.clock import utcnow
from rehome.core.infra.errors import NotFound
from rehome.core.infra.validation import Input
from rehome.core.models import ApiToken, User
from rehome.settings import get_settings

TOKEN_PREFIX = "rh_"
_TOUCH_EVERY = timedelta(seconds=60)


class TokenCreate(Input):
    model_config = ConfigDict(str_strip_whitespace=True)
    name: str = Field(min_length=1, max_length=80)


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: str
    last_used_at: str | None
    expires_at: str


def _out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=int(token.id or 0),
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at.isoformat(),
        last_used_at=token.last_used_at.isoformat() if token.last_used_at else None,
        expires_at=token.expires_at.isoformat(),
    )


def create_token(session: Session, actor: Actor, data: TokenCreate) -> tuple[TokenOut, str]:
    """Make a token; the plain value is returned this once and never stored."""
    plain = new_secret(TOKEN_PREFIX)
    token = ApiToken(
        user_id=actor.user_id,
        name=data.name,
        token_hash=digest(plain),
        prefix=plain[:10],
        expires_at=utcnow() + timedelta(days=get_settings().api_token_ttl_days),
    )
    session.add(token)
    session.flush()
    return _out(token), plain


def list_tokens(session: Session, actor: Actor) -> list[TokenOut]:
    """The tokens that still work, with when each expires and was last used."""
    rows = session.exec(
        select(ApiToken)
        .where(
            ApiToken.user_id == actor.user_id,
            col(ApiToken.revoked_at).is_(None),
            col(ApiToken.expires_at) > utcnow(),
        )
        .order_by(col(ApiToken.id).desc())
    )
    return [_out(token) for token in rows]


def revoke_token(session: Session, actor: Actor, token_id: int) -> None:
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != actor.user_id or token.revoked_at is not None:
        raise NotFound("Token not found.")
    token.revoked_at = utcnow()
    session.add(token)


def revoke_user_tokens(session: Session, user_id: int) -> None:
    """Every token of the user stops working (password changed or reset, user disabled)."""
    session.exec(
        update(ApiToken)
        .where(col(ApiToken.user_id) == user_id, col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def revoke_plain(session: Session, plain: str) -> None:
    session.exec(
        update(ApiToken)
        .where(col(ApiToken.token_hash) == digest(plain), col(ApiToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


def resolve_token(session: Session, plain: str | None) -> Actor | None:
    """The actor behind a bearer token, or None if unknown, expired or revoked."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    row = session.exec(
        select(ApiToken, User)
        .join(User, col(User.id) == ApiToken.user_id)
        .where(ApiToken.token_hash == digest(plain))
    ).first()
    if row is None:
        return None
    token, user = row
    now = utcnow()
    if token.revoked_at is not None or token.expires_at <= now or not user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= _TOUCH_EVERY:
        token.last_used_at = now
        session.add(token)
    return actor_for(user)
