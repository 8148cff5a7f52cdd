"""Bearer tokens for the REST API: hashed at rest, shown once, revocable,
expiring after API_TOKEN_TTL_DAYS, and revoked with a password change or reset."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import bindparam, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from rehome.core.access import Actor
from rehome.core.auth.secrets import digest, new_secret
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import plain_rows, table_of
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


_TOKENS, _USERS = table_of(ApiToken), table_of(User)
# Built once: the lookup runs on every API call (issue 13). Never cached across
# calls: a revoked or expired token, or a disabled user, fails the next call.
_LOOKUP = (
    sa_select(
        _TOKENS.c.id,
        _TOKENS.c.revoked_at,
        _TOKENS.c.expires_at,
        _TOKENS.c.last_used_at,
        _USERS.c.id,
        _USERS.c.workspace_id,
        _USERS.c.is_admin,
        _USERS.c.name,
        _USERS.c.email,
        _USERS.c.disabled_at,
    )
    .join(_USERS, _USERS.c.id == _TOKENS.c.user_id)
    .where(_TOKENS.c.token_hash == bindparam("token_hash"))
)
_TOUCH = update(_TOKENS).where(_TOKENS.c.id == bindparam("token_id")).values(last_used_at=bindparam("now"))


def resolve_token(session: Session, plain: str | None, *, touch: bool = True) -> Actor | None:
    """The actor behind a bearer token, or None if unknown, expired or revoked.

    `touch=False` for a re-check of a request already made (a stream watching
    its viewer's access): it is not a new use, and the request's own
    transaction may hold the token row's lock until its stream is set up."""
    if not plain or not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    rows = plain_rows(session, _LOOKUP, {"token_hash": digest(plain)})
    if not rows:
        return None
    (
        token_id,
        revoked_at,
        expires_at,
        last_used_at,
        user_id,
        workspace_id,
        is_admin,
        name,
        email,
        disabled_at,
    ) = rows[0]
    now = utcnow()
    if revoked_at is not None or expires_at <= now or disabled_at is not None:
        return None
    if touch and (last_used_at is None or now - last_used_at >= _TOUCH_EVERY):
        session.connection().execute(_TOUCH, {"token_id": token_id, "now": now})
    return Actor(user_id=user_id, workspace_id=workspace_id, is_admin=is_admin, name=name, email=email)
