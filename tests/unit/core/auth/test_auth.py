"""Passwords, sessions, API tokens, invites and resets (F-03, F-36)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from rehome.core.auth import api_tokens, invites, password_flows, passwords, sessions
from rehome.core.auth.login import Credentials, authenticate
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import Conflict, Invalid, NotAuthenticated, NotFound, RateLimited
from rehome.core.models import OutboundMail, User, UserSession
from rehome.core.workspace.users import UserPatch, update_user
from tests.world import PASSWORD, build_world


@pytest.fixture
def world(db: str):
    return build_world(with_passwords=True)


def test_argon2_hashes_and_a_100_byte_password_works() -> None:
    secret = "é" * 50  # 100 bytes in UTF-8
    stored = passwords.hash_password(secret)
    assert stored.startswith("$argon2")
    assert passwords.verify(secret, stored) == (True, None)
    assert passwords.verify(secret[:-1], stored)[0] is False


def test_outdated_bcrypt_hash_is_upgraded_on_login(world) -> None:
    import bcrypt

    with session_scope() as s:
        user = s.get(User, world.users["team"])
        user.password_hash = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt()).decode()
        s.add(user)
    with session_scope() as s:
        authenticate(s, Credentials(email="team@example.com", password=PASSWORD))
    with session_scope() as s:
        assert s.get(User, world.users["team"]).password_hash.startswith("$argon2")


def test_login_failure_says_nothing_about_the_email(world) -> None:
    messages = []
    for email in ("team@example.com", "nobody@example.com"):
        with session_scope() as s, pytest.raises(NotAuthenticated) as caught:
            authenticate(s, Credentials(email=email, password="wrong password"))
        messages.append(caught.value.message)
    assert messages[0] == messages[1]


def test_login_is_rate_limited_per_account(world) -> None:
    for _ in range(10):
        with session_scope() as s, pytest.raises(NotAuthenticated):
            authenticate(s, Credentials(email="team@example.com", password="wrong password"))
    with session_scope() as s, pytest.raises(RateLimited) as caught:
        authenticate(s, Credentials(email="team@example.com", password=PASSWORD))
    assert caught.value.retry_after > 0
    with session_scope() as s:  # another account is not affected
        authenticate(s, Credentials(email="client@example.com", password=PASSWORD))


def _new_session(user_id: int) -> str:
    with session_scope() as s:
        return sessions.create_session(s, s.get(User, user_id))


def _resolve(token: str):
    with session_scope() as s:
        return sessions.resolve_session(s, token)


def test_session_lifecycle(world) -> None:
    token = _new_session(world.users["team"])
    assert len(token) >= 43  # 256 random bits, url-safe
    assert _resolve(token).user_id == world.users["team"]
    with session_scope() as s:
        stored = s.exec(select(UserSession)).one()
        assert stored.token_hash != token
        sessions.revoke_session(s, token)
    assert _resolve(token) is None
    assert _resolve("made-up-token") is None


def test_sessions_expire_when_idle_and_absolutely(world) -> None:
    idle = _new_session(world.users["team"])
    absolute = _new_session(world.users["client"])
    with session_scope() as s:
        for record in s.exec(select(UserSession)):
            if record.user_id == world.users["team"]:
                record.last_seen_at = utcnow() - timedelta(hours=13)
            else:
                record.expires_at = utcnow() - timedelta(seconds=1)
            s.add(record)
    assert _resolve(idle) is None
    assert _resolve(absolute) is None


def test_password_change_revokes_other_sessions(world) -> None:
    keep, other = _new_session(world.users["team"]), _new_session(world.users["team"])
    with session_scope() as s:
        password_flows.change_password(
            s,
            world.actors["team"],
            password_flows.PasswordChange(current_password=PASSWORD, new_password="a brand new secret"),
            keep_session=keep,
        )
    assert _resolve(keep) is not None
    assert _resolve(other) is None
    with session_scope() as s, pytest.raises(Invalid):
        password_flows.change_password(
            s,
            world.actors["team"],
            password_flows.PasswordChange(current_password="wrong", new_password="another new secret"),
            keep_session=keep,
        )


def test_disabling_a_user_signs_them_out_at_once(world) -> None:
    token = _new_session(world.users["team"])
    with session_scope() as s:
        update_user(s, world.actors["admin"], world.users["team"], UserPatch(disabled=True))
    assert _resolve(token) is None
    with session_scope() as s:
        assert api_tokens.resolve_token(s, world.tokens["team"]) is None
    with session_scope() as s, pytest.raises(Conflict):
        update_user(s, world.actors["admin"], world.users["admin"], UserPatch(disabled=True))


def test_api_tokens_are_hashed_and_revocable(world) -> None:
    with session_scope() as s:
        out, plain = api_tokens.create_token(s, world.actors["client"], api_tokens.TokenCreate(name="iPad"))
        assert plain.startswith("rh_")
        assert out.prefix == plain[:10]
    with session_scope() as s:
        assert api_tokens.resolve_token(s, plain).user_id == world.users["client"]
        api_tokens.revoke_token(s, world.actors["client"], out.id)
    with session_scope() as s:
        assert api_tokens.resolve_token(s, plain) is None
    with session_scope() as s, pytest.raises(NotFound):  # another user's token id
        api_tokens.revoke_token(s, world.actors["team"], out.id)


def _mail_to(job: dict) -> str:
    with session_scope() as s:
        mail = s.get(OutboundMail, job["mail_id"])
        assert mail is not None
        assert mail.status == "sent"
        return mail.to_email


def test_invite_into_a_project_then_accept(world, sent_jobs) -> None:
    data = invites.InviteCreate(
        email="New.Client@Example.com", name="New Client", project_id=world.projects["p1"], role="client"
    )
    with session_scope() as s:
        invites.invite_user(s, world.actors["admin"], data)
        user_id = s.exec(select(User).where(User.email == "new.client@example.com")).one().id
    ((_name, kwargs),) = [job for job in sent_jobs if job[0] == "mail.send"]
    assert _mail_to(kwargs) == "new.client@example.com"
    assert "/invite/" in kwargs["html"]
    token = kwargs["text"].split("/invite/")[1].split()[0]
    with session_scope() as s:
        assert invites.preview_invite(s, token)["email"] == "new.client@example.com"
        invites.accept_invite(s, invites.InviteAccept(token=token, name="Nina", password="a fine password"))
    with session_scope() as s:
        user = authenticate(s, Credentials(email="new.client@example.com", password="a fine password"))
        assert user.id == user_id
        actor = sessions.actor_for(user)
        from rehome.core.projects.service import list_projects

        assert [p.id for p in list_projects(s, actor)] == [world.projects["p1"]]
    with session_scope() as s, pytest.raises(NotFound):  # the link works once
        invites.accept_invite(s, invites.InviteAccept(token=token, name="Again", password="a fine password"))


def test_only_admins_invite_and_only_into_their_workspace(world) -> None:
    data = invites.InviteCreate(email="x@example.com", name="X", project_id=world.projects["q1"], role="team")
    with session_scope() as s, pytest.raises(NotFound):
        invites.invite_user(s, world.actors["admin"], data)
    with session_scope() as s:  # another workspace's user: answered like any invite, nothing moves
        out = invites.invite_user(
            s, world.actors["admin"], invites.InviteCreate(email="admin_b@example.com", name="B")
        )
        assert out.status == "invited"
    with session_scope() as s:
        assert s.get(User, world.users["admin_b"]).workspace_id == world.actors["admin_b"].workspace_id
    with session_scope() as s, pytest.raises(Conflict):  # someone already in the admin's own workspace
        invites.invite_user(
            s, world.actors["admin"], invites.InviteCreate(email="team@example.com", name="T")
        )


def test_password_reset_by_mailed_link(world, sent_jobs) -> None:
    old_session = _new_session(world.users["client"])
    with session_scope() as s:
        password_flows.request_reset(s, password_flows.ResetRequest(email="client@example.com"))
        password_flows.request_reset(s, password_flows.ResetRequest(email="ghost@example.com"))
    mails = [kwargs for name, kwargs in sent_jobs if name == "mail.send"]
    assert [_mail_to(m) for m in mails] == ["client@example.com"]
    token = mails[0]["text"].split("/reset/")[1].split()[0]
    with session_scope() as s:
        password_flows.complete_reset(
            s, password_flows.ResetComplete(token=token, password="my new password")
        )
    assert _resolve(old_session) is None
    with session_scope() as s:
        authenticate(s, Credentials(email="client@example.com", password="my new password"))
    with session_scope() as s, pytest.raises(NotFound):
        password_flows.complete_reset(
            s, password_flows.ResetComplete(token=token, password="another password")
        )
