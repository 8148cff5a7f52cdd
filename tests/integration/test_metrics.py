"""`/metrics` over real HTTP after real work: a question answered by the agent
through the real SDK (local fake LLM), a guarded Reflex handler, a live
delivery, mails sent and failed, an opened breaker, a queue in the broker.
The scrape parses with prometheus-client's own parser and holds every series;
the token is enforced."""

from __future__ import annotations

import time

import pytest
import redis as redis_lib
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from tenacity import wait_none

from rehome.core.access import project_scope
from rehome.core.infra import breaker, bus
from rehome.core.infra.db import session_scope
from rehome.core.mail import outbox
from rehome.core.mail.render import MailContent
from rehome.core.realtime import delivery
from rehome.core.tasks.board import BoardFilters
from rehome.core.vocab import EventKind, MailKind
from rehome.ui.project.board_state import BoardState
from tests.fakes.llm_server import FakeLLM
from tests.support import REDIS_URL, apply_env
from tests.unit.ui.tab import call, session_cookie, state_of, tab
from tests.world import World, build_world

pytest_plugins = ["tests.fakes.llm_server"]
TOKEN = "metrics-token-for-tests"


@pytest.fixture
def world(pg_db: str, real_redis: str, fake_llm: FakeLLM, sent_jobs) -> World:
    apply_env(AI_TIMEOUT="3", METRICS_TOKEN=TOKEN)
    return build_world()


def _scrape(client) -> dict[str, list[Sample]]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {family.name: family.samples for family in text_string_to_metric_families(response.text)}


def _value(samples: list[Sample], name: str, **labels: str) -> float:
    return sum(s.value for s in samples if s.name == name and labels.items() <= s.labels.items())


def _ask(client, world: World) -> None:
    thread = client.post(
        f"/api/projects/{world.projects['p1']}/agent/threads", json={}, headers=world.auth("team")
    ).json()
    asked = client.post(
        f"/api/agent/threads/{thread['id']}/messages",
        json={"content": "What is blocked?"},
        headers=world.auth("team"),
    )
    assert asked.status_code == 202, asked.text


def _deliver_live(world: World) -> None:
    pid = world.projects["p1"]
    channel = bus.project_channel(pid)
    cursor = bus.last_id(channel)
    bus.publish(channel, EventKind.TASK_UPDATED, task_id=world.tasks["p1"])
    batch = _read(channel, cursor)
    with session_scope() as s:
        actor = world.actors["team"]
        viewer = delivery.Viewer(actor, project_scope(s, actor, pid), time.monotonic())
        changes = delivery.changes_for(s, viewer, batch, BoardFilters())
    assert changes.tasks


def _read(channel: str, cursor: str) -> list[bus.BusEvent]:
    import asyncio

    return asyncio.run(bus.read({channel: cursor}, block_ms=None))


def _mail(world: World, key: str) -> None:
    with session_scope() as s:
        content = MailContent(subject="Hello", heading="Hello")
        outbox.queue_mail(s, key=key, kind=MailKind.INVITE, to="someone@example.com", content=content)


def test_metrics_hold_every_series_after_a_question(client, world: World, monkeypatch) -> None:
    _ask(client, world)
    root = tab(session_cookie(world.users["team"]), f"/projects/{world.projects['p1']}")
    board = state_of(root, BoardState)
    board.project_id = world.projects["p1"]
    call(board, "load_board")
    _deliver_live(world)
    _mail(world, "metrics:sent")
    monkeypatch.setattr(outbox, "RETRY_WAIT", wait_none())
    apply_env(SMTP_URL="smtp://127.0.0.1:9")  # nobody listens: the mail fails for good
    _mail(world, "metrics:failed")
    for _ in range(breaker.FAILURES):
        breaker.failed("openai")

    families = _scrape(client)

    requests = families["rehome_http_request_duration_seconds"]
    route = "/api/agent/threads/{thread_id}/messages"
    assert _value(requests, "rehome_http_request_duration_seconds_count", route=route, status="202") >= 1
    assert not any(s.labels.get("route", "").rstrip("/").split("/")[-1].isdigit() for s in requests)
    handlers = families["rehome_event_handler_duration_seconds"]
    assert _value(handlers, "rehome_event_handler_duration_seconds_count", handler="BoardState.load_board")
    assert _value(families["rehome_live_fanout_delay_seconds"], "rehome_live_fanout_delay_seconds_count")
    runs = families["rehome_agent_runs"]
    assert _value(runs, "rehome_agent_runs_total", status="succeeded") >= 1
    tokens = families["rehome_agent_tokens"]
    assert _value(tokens, "rehome_agent_tokens_total", provider="anthropic", direction="in") >= 21
    assert _value(tokens, "rehome_agent_tokens_total", provider="anthropic", direction="out") >= 7
    assert _value(families["rehome_agent_cost_cents"], "rehome_agent_cost_cents_total") > 0
    first = families["rehome_agent_first_token_seconds"]
    assert _value(first, "rehome_agent_first_token_seconds_count", provider="anthropic") >= 1
    mail = families["rehome_mail"]
    assert _value(mail, "rehome_mail_total", status="sent", transport="console") >= 1
    assert _value(mail, "rehome_mail_total", status="failed") >= 1
    assert _value(families["rehome_breaker_opened"], "rehome_breaker_opened_total", provider="openai") >= 1
    states = families["rehome_breaker_state"]
    assert _value(states, "rehome_breaker_state", provider="openai", state="open") == 1
    assert _value(states, "rehome_breaker_state", provider="anthropic", state="closed") == 1
    assert [s.labels["queue"] for s in families["rehome_queue_depth"]] == ["local"]


def test_queue_depth_is_the_celery_queue_in_the_broker(client, world: World) -> None:
    apply_env(CELERY_BROKER_URL=REDIS_URL)
    broker = redis_lib.Redis.from_url(REDIS_URL)
    broker.lpush("celery", "a", "b")
    broker.lpush("celery\x06\x163", "c")  # a priority sibling list counts too
    depth = _scrape(client)["rehome_queue_depth"]
    assert [(s.labels["queue"], s.value) for s in depth] == [("celery", 3.0)]


def test_the_token_is_required_when_set(client, world: World) -> None:
    assert client.get("/metrics").status_code == 401
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert "rehome_" not in wrong.text


def test_production_without_a_token_shows_nothing(client, world: World) -> None:
    apply_env(METRICS_TOKEN="", APP_ENV="production")
    response = client.get("/metrics")
    assert response.status_code == 503
    assert "METRICS_TOKEN" in response.json()["error"]["message"]


def test_development_without_a_token_answers_loopback_only(api_app, world: World) -> None:
    from fastapi.testclient import TestClient

    apply_env(METRICS_TOKEN="", APP_ENV="development")
    with TestClient(api_app, client=("10.1.2.3", 5000)) as remote:
        assert remote.get("/metrics").status_code == 403
    with TestClient(api_app, client=("127.0.0.1", 5000)) as local:
        assert local.get("/metrics").status_code == 200
