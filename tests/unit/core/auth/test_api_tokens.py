"""API tokens expire, keep their last use, and die with the password (issue 8, item 4)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlmodel import select

from rehome.core.auth import api_tokens, password_flows
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import session_scope
from rehome.core.models import ApiToken
from tests.support import apply_env
from tests.world import PASSWORD, build_world


@pytest.fixture
def world(db: str):
    return build_world(with_passwords=True)


def _resolves(plain: str) -> bool:
    with session_scope() as s:
        return api_tokens.resolve_token(s, plain) is not None


def _new_token(world, role: str = "team") -> tuple[api_tokens.TokenOut, str]:
    with session_scope() as s:
        return api_tokens.create_token(s, world.actors[role], api_tokens.TokenCreate(name="phone"))


def test_a_new_token_expires_after_the_configured_days(world) -> None:
    before = utcnow()
    out, _ = _new_token(world)
    assert (
        timedelta(days=90) <= datetime.fromisoformat(out.expires_at) - before <= timedelta(days=90, minutes=1)
    )
    apply_env(API_TOKEN_TTL_DAYS="7")
    out, _ = _new_token(world)
    assert (
        timedelta(days=7) <= datetime.fromisoformat(out.expires_at) - before <= timedelta(days=7, minutes=1)
    )


def test_an_expired_token_is_refused_and_no_longer_listed(world) -> None:
    out, plain = _new_token(world)
    assert _resolves(plain)
    with session_scope() as s:
        token = s.get(ApiToken, out.id)
        token.expires_at = utcnow() - timedelta(seconds=1)
        s.add(token)
    assert not _resolves(plain)
    with session_scope() as s:
        assert out.id not in [t.id for t in api_tokens.list_tokens(s, world.actors["team"])]


def test_listing_shows_expiry_and_last_use(world) -> None:
    out, plain = _new_token(world)
    with session_scope() as s:
        listed = {t.id: t for t in api_tokens.list_tokens(s, world.actors["team"])}
    assert listed[out.id].last_used_at is None
    assert listed[out.id].expires_at == out.expires_at
    assert _resolves(plain)
    with session_scope() as s:
        listed = {t.id: t for t in api_tokens.list_tokens(s, world.actors["team"])}
    used = listed[out.id].last_used_at
    assert used is not None
    assert utcnow() - datetime.fromisoformat(used) < timedelta(minutes=1)


def test_password_change_revokes_every_api_token_of_the_user(world) -> None:
    _, second = _new_token(world)
    with session_scope() as s:
        password_flows.change_password(
            s,
            world.actors["team"],
            password_flows.PasswordChange(current_password=PASSWORD, new_password="a brand new secret"),
            keep_session=None,
        )
    assert not _resolves(world.tokens["team"])
    assert not _resolves(second)
    assert _resolves(world.tokens["client"])  # other people keep theirs
    with session_scope() as s:
        assert api_tokens.list_tokens(s, world.actors["team"]) == []


def test_password_reset_revokes_every_api_token_of_the_user(world, sent_jobs) -> None:
    with session_scope() as s:
        password_flows.request_reset(s, password_flows.ResetRequest(email="client@example.com"))
    (mail,) = [kwargs for name, kwargs in sent_jobs if name == "mail.send"]
    link_token = mail["text"].split("/reset/")[1].split()[0]
    with session_scope() as s:
        password_flows.complete_reset(
            s, password_flows.ResetComplete(token=link_token, password="my new password")
        )
    assert not _resolves(world.tokens["client"])
    assert _resolves(world.tokens["team"])
    with session_scope() as s:
        revoked = s.exec(select(ApiToken).where(ApiToken.user_id == world.users["client"])).all()
        assert revoked
        assert all(t.revoked_at is not None for t in revoked)
