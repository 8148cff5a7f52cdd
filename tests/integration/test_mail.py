"""Mail (F-35): HTML and text through the real Resend SDK and a real SMTP
server, one retry layer, one mail per key however often a job runs, mention
alerts batched, preferences and unsubscribe links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select
from tenacity import wait_none

from rehome.core.auth import invites, password_flows
from rehome.core.chat.messages import MessageCreate, delete_message, post_message
from rehome.core.infra import jobs
from rehome.core.infra.clock import utcnow
from rehome.core.infra.db import session_scope
from rehome.core.mail import mentions, outbox
from rehome.core.mail.preferences import unsubscribe_url
from rehome.core.models import DeadLetter, Notification, OutboundMail, User
from rehome.core.notifications import mark_read
from tests.fakes.mail_servers import FakeResend, SmtpServer
from tests.support import apply_env
from tests.world import World, build_world

pytest_plugins = ["tests.fakes.mail_servers"]


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(outbox, "RETRY_WAIT", wait_none())


@pytest.fixture
def world(any_db: str, sent_jobs) -> World:
    return build_world()


def _mails(kind: str | None = None) -> list[OutboundMail]:
    with session_scope() as s:
        query = select(OutboundMail).order_by(OutboundMail.id)
        rows = s.exec(query.where(OutboundMail.kind == kind) if kind else query).all()
    return list(rows)


def _invite(world: World, email: str = "new@example.com") -> None:
    data = invites.InviteCreate(
        email=email, name="New Person", project_id=world.projects["p1"], role="client"
    )
    with session_scope() as s:
        invites.invite_user(s, world.actors["admin"], data)


def test_resend_gets_html_text_and_the_mail_key(world: World, fake_resend: FakeResend) -> None:
    _invite(world)
    (request,) = fake_resend.requests
    (mail,) = _mails("invite")
    assert request.body["to"] == ["new@example.com"]
    assert request.body["from"] == "ReHome <no-reply@rehome.local>"
    assert request.body["subject"] == "Admin invited you to ReHome"
    assert 'href="http://testserver/invite/' in request.body["html"]
    assert "<!doctype html>" in request.body["html"]
    assert "Accept the invite: http://testserver/invite/" in request.body["text"]
    assert request.headers["idempotency-key"] == mail.key
    assert "list-unsubscribe" not in {k.lower() for k in request.body.get("headers", {})}  # transactional
    assert (mail.status, mail.transport, mail.provider_id, mail.attempts) == ("sent", "resend", "re_1", 1)


def test_a_failing_resend_is_retried_and_the_mail_goes_once(world: World, fake_resend: FakeResend) -> None:
    fake_resend.queue(500, 429)
    _invite(world)
    assert [r.headers["x-fake-status"] for r in fake_resend.requests] == ["500", "429", "200"]
    assert len({r.headers["idempotency-key"] for r in fake_resend.requests}) == 1
    assert len(fake_resend.delivered) == 1
    (mail,) = _mails()
    assert (mail.status, mail.attempts) == ("sent", 3)


def test_a_refused_mail_is_not_retried_and_is_dead_lettered(world: World, fake_resend: FakeResend) -> None:
    apply_env(RESEND_API_KEY="re_wrong_key")
    _invite(world)
    assert [r.headers["x-fake-status"] for r in fake_resend.requests] == ["422"]
    (mail,) = _mails()
    assert mail.status == "failed"
    assert "422" in (mail.error or "")
    with session_scope() as s:
        (letter,) = s.exec(select(DeadLetter).where(DeadLetter.kind == "mail")).all()
    assert letter.ref_id == mail.id


def test_a_redelivered_job_sends_no_second_mail(world: World, fake_resend: FakeResend, sent_jobs) -> None:
    _invite(world)
    ((_, kwargs),) = [job for job in sent_jobs if job[0] == "mail.send"]
    jobs.run_job("mail.send", kwargs)  # the broker delivers the same job again
    jobs.run_job("mail.send", kwargs)
    assert len(fake_resend.requests) == 1
    (mail,) = _mails()
    from rehome.core.mail.messages import reset_mail

    with session_scope() as s:  # queuing the same key again queues nothing
        again = outbox.queue_mail(
            s, key=mail.key, kind=mail.kind, to=mail.to_email, content=reset_mail(link="/x", ttl_minutes=1)
        )
    assert again is False
    assert len([job for job in sent_jobs if job[0] == "mail.send"]) == 1


def test_smtp_gets_a_multipart_mail_with_html_and_text(world: World, smtp_server: SmtpServer) -> None:
    with session_scope() as s:
        s.get(User, world.users["client"]).password_hash = "set"  # resets go to accounts with a password
    with session_scope() as s:
        password_flows.request_reset(s, password_flows.ResetRequest(email="client@example.com"))
    (message,) = smtp_server.messages
    assert message["To"] == "client@example.com"
    assert message["Subject"] == "Reset your ReHome password"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Choose a new password: http://testserver/reset/" in text
    assert 'href="http://testserver/reset/' in html
    assert "<h1" in html
    (mail,) = _mails("password_reset")
    assert (mail.status, mail.transport) == ("sent", "smtp")


def test_smtp_retries_a_temporary_refusal_but_not_a_permanent_one(world: World, smtp_server) -> None:
    smtp_server.fail_next.append("451 4.3.0 Try again later")
    _invite(world, "first@example.com")
    assert len(smtp_server.messages) == 1
    smtp_server.fail_next.append("550 5.1.1 No such user")
    _invite(world, "second@example.com")
    assert len(smtp_server.messages) == 1
    first, second = _mails("invite")
    assert (first.status, first.attempts) == ("sent", 2)
    assert (second.status, second.attempts) == ("failed", 1)


def _mention(world: World, author: str, whom: str, body: str) -> int:
    with session_scope() as s:
        data = MessageCreate(body=body, mention_ids=[world.users[whom]])
        return post_message(s, world.actors[author], world.projects["p1"], data).id


def _notification(world: World, whom: str, message_id: int) -> int:
    with session_scope() as s:
        return int(
            s.exec(
                select(Notification.id).where(
                    Notification.user_id == world.users[whom],
                    Notification.dedupe_key == f"mention:{message_id}",
                )
            ).one()
        )


def test_mention_alerts_are_batched_per_person_and_skip_what_was_read(world: World, sent_jobs) -> None:
    first = _mention(world, "team", "client", "Can you check the <b>tiles</b>?")
    seen = _mention(world, "team", "client", "Already seen in the app")
    _mention(world, "consultant", "client", "Grout colour: pick one")
    _mention(world, "team", "consultant", "Plans are up")
    with session_scope() as s:
        mark_read(s, world.actors["client"], [_notification(world, "client", seen)])
    start = utcnow()
    assert mentions.sweep(start) == 0  # nobody has waited a whole window yet
    assert mentions.sweep(start + timedelta(minutes=6)) == 2  # one mail each for client and consultant
    assert mentions.sweep(start + timedelta(minutes=12)) == 0  # nothing new: nothing sent
    client_mail = next(m for m in _mails("mentions") if m.user_id == world.users["client"])
    assert client_mail.subject == "2 new mentions in P1 Kitchen"
    html = next(k["html"] for n, k in sent_jobs if n == "mail.send" and k["mail_id"] == client_mail.id)
    text = next(k["text"] for n, k in sent_jobs if n == "mail.send" and k["mail_id"] == client_mail.id)
    assert "&lt;b&gt;tiles&lt;/b&gt;" in html
    assert "<b>tiles</b>" not in html
    assert "Grout colour" in text
    assert "Already seen" not in text
    assert f"/projects/{world.projects['p1']}?tab=chat&message={first}" in text
    assert "Unsubscribe: http://testserver/mail/unsubscribe?token=" in text

    later = _mention(world, "team", "client", "One more thing")
    soon = utcnow()
    assert mentions.sweep(soon + timedelta(minutes=1)) == 0  # a window after the last mail has not passed
    assert mentions.sweep(soon + timedelta(minutes=6)) == 1
    newest = _mails("mentions")[-1]
    assert newest.key == f"mentions:{world.users['client']}:{_notification(world, 'client', later)}"


def test_mention_mail_follows_the_preference_and_access_now(world: World) -> None:
    with session_scope() as s:
        s.get(User, world.users["consultant"]).mail_pref = "digest"
    _mention(world, "team", "consultant", "For the consultant")
    gone = _mention(world, "team", "client", "I will delete this")
    with session_scope() as s:
        delete_message(s, world.actors["team"], gone)
    assert mentions.sweep(utcnow() + timedelta(minutes=6)) == 0
    assert _mails("mentions") == []


def test_unsubscribe_link_turns_one_list_off_without_signing_in(world: World, client) -> None:
    url = unsubscribe_url(world.users["client"], "mentions").removeprefix("http://testserver")
    page = client.get(url)
    assert page.status_code == 200
    assert "Stop mention alerts?" in page.text
    with session_scope() as s:
        assert s.get(User, world.users["client"]).mail_pref == "all"  # opening the link changes nothing
    done = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "unsubscribed" in done.text
    with session_scope() as s:
        assert s.get(User, world.users["client"]).mail_pref == "digest"
    client.post(unsubscribe_url(world.users["client"], "digest").removeprefix("http://testserver"))
    with session_scope() as s:
        assert s.get(User, world.users["client"]).mail_pref == "none"
    forged = url[:-3] + "abc"
    assert client.post(forged).status_code == 404
    assert client.get("/mail/unsubscribe?token=nope").status_code == 404


def test_preferences_over_the_api(world: World, client) -> None:
    headers = world.auth("team")
    assert client.get("/api/me/preferences", headers=headers).json() == {"mail": "all"}
    answer = client.patch("/api/me/preferences", json={"mail": "mentions"}, headers=headers)
    assert answer.status_code == 200
    assert answer.json() == {"mail": "mentions"}
    assert client.get("/api/me/preferences", headers=headers).json() == {"mail": "mentions"}
    bad = client.patch("/api/me/preferences", json={"mail": "sometimes"}, headers=headers)
    assert bad.status_code == 422
    assert "mail" in bad.json()["error"]["fields"]
    assert client.get("/api/me/preferences").status_code == 401
