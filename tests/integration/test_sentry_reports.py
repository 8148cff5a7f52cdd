"""Error reports with the real sentry-sdk, sent to a local endpoint that
records the envelopes: a request that crashes carrying a password, an API
token, a session cookie and a chat message arrives with its request id, and
none of those secrets is anywhere in the bytes that left; a Celery task that
fails arrives with its run id; a Reflex handler error is reported too."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import sentry_sdk
from fastapi.testclient import TestClient
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.fastapi import FastApiIntegration
from sentry_sdk.integrations.starlette import StarletteIntegration

from rehome.api import auth_routes
from rehome.api.app import build_api
from rehome.core.chat import messages
from rehome.core.infra import reporting
from tests.fakes.sentry_server import SentryRecorder
from tests.support import apply_env
from tests.world import World, build_world

PASSWORD = "Pa55word-never-sent-7731"
COOKIE = "cookie-value-never-sent-5521"
CHAT = "chat body never sent: the key is under the mat 9043"


@pytest.fixture
def sentry() -> Iterator[SentryRecorder]:
    with SentryRecorder() as recorder:
        apply_env(SENTRY_DSN=recorder.dsn)
        yield recorder
        sentry_sdk.get_client().close(timeout=2)  # send what is queued while the endpoint listens
    sentry_sdk.init()  # no DSN: reporting off for the tests that follow


@pytest.fixture
def world(pg_db: str, real_redis: str) -> World:
    return build_world()


def _crash_login(**_: object) -> None:
    raise RuntimeError("the login backend fell over")


def _crash_post(*_: object, **__: object) -> None:
    body = _[-1]
    logging.getLogger("rehome.chat").warning("posting", extra={"body": getattr(body, "body", "")})
    raise RuntimeError("the message store fell over")


def test_a_crashing_request_is_reported_without_secrets(sentry, world: World, monkeypatch) -> None:
    assert reporting.init("web", [StarletteIntegration(), FastApiIntegration()])
    monkeypatch.setattr(auth_routes, "authenticate", _crash_login)
    monkeypatch.setattr(messages, "post_message", _crash_post)
    token = world.tokens["team"]
    with TestClient(build_api(), raise_server_exceptions=False) as client:
        login = client.post("/api/login", json={"email": "team@example.com", "password": PASSWORD})
        post = client.post(
            f"/api/projects/{world.projects['p1']}/messages",
            json={"body": CHAT},
            headers={
                "Authorization": f"Bearer {token}",
                "Cookie": f"rehome_session={COOKIE}",
                "Idempotency-Key": "idem-key-123",
            },
        )
    assert (login.status_code, post.status_code) == (500, 500)
    sentry_sdk.flush(timeout=5)

    events = sentry.items("event")
    request_ids = {e.get("tags", {}).get("request_id") for e in events}
    said = {login.json()["error"]["request_id"], post.json()["error"]["request_id"]}  # what the caller saw
    assert len(said) == 2
    assert said <= request_ids
    values = [v["value"] for e in events for v in e.get("exception", {}).get("values", [])]
    assert "the message store fell over" in values
    raw = sentry.all_bytes()
    for secret in (PASSWORD, COOKIE, CHAT, token, token[3:]):
        assert secret.encode() not in raw, f"{secret[:12]}… left in an envelope"
    assert b"idem-key-123" in raw  # idempotency keys are ids, not secrets
    assert b"[Filtered]" in raw


def test_a_failing_celery_task_is_reported_with_its_run_id(sentry, monkeypatch) -> None:
    assert reporting.init("worker", [CeleryIntegration(monitor_beat_tasks=False)])
    from worker import tasks

    def crash(name: str, kwargs: dict) -> None:
        raise RuntimeError(f"job {name} crashed")

    monkeypatch.setattr(tasks, "run_job", crash)
    result = tasks.agent_run_task.apply(args=[4242])
    assert result.failed()
    sentry_sdk.flush(timeout=5)
    events = sentry.items("event")
    assert any(e.get("tags", {}).get("run_id") == "4242" for e in events), events
    assert any("job agent.run crashed" in str(e.get("exception")) for e in events)


def test_a_reflex_handler_error_is_reported(sentry) -> None:
    from rehome.ui.errors import report_backend_error

    assert reporting.init("web")
    try:
        raise ValueError(f"handler failed near Bearer {PASSWORD}")
    except ValueError as error:
        toast = report_backend_error(error)
    assert toast is not None
    sentry_sdk.flush(timeout=5)
    events = sentry.items("event")
    assert any("handler failed near Bearer [Filtered]" in str(e.get("exception")) for e in events)
    assert PASSWORD.encode() not in sentry.all_bytes()
