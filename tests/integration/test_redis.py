"""Against a real Redis: limits hold under concurrency, health sees Redis."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from rehome.core.infra import ratelimit
from rehome.core.infra.errors import RateLimited
from rehome.core.infra.kv import get_redis, redis_mode
from tests.support import apply_env
from tests.world import World, build_world

pytestmark = pytest.mark.integration


def test_twenty_parallel_requests_let_exactly_five_through(real_redis: str) -> None:
    assert redis_mode() == "redis"
    limit = ratelimit.Limit("agent-minute", 5, 60)

    def attempt(_: int) -> bool:
        try:
            ratelimit.hit([(limit, "user-1"), (ratelimit.Limit("agent-day", 50, 86400), "user-1")])
        except RateLimited:
            return False
        return True

    with ThreadPoolExecutor(max_workers=20) as pool:
        assert sum(pool.map(attempt, range(20))) == 5
    keys = get_redis().keys("rl:agent-*")
    assert keys
    assert all(get_redis().ttl(k) > 0 for k in keys)


def test_api_rate_limit_answers_429_with_retry_after(api_app, pg_db: str, real_redis: str) -> None:
    world: World = build_world()
    apply_env(API_RATE_PER_MINUTE="3")
    with TestClient(api_app) as client:
        statuses = [client.get("/api/me", headers=world.auth("team")).status_code for _ in range(5)]
        limited = client.get("/api/me", headers=world.auth("team"))
        other = client.get("/api/me", headers=world.auth("client"))
    assert statuses == [200, 200, 200, 429, 429]
    assert int(limited.headers["Retry-After"]) >= 1
    assert limited.json()["error"]["code"] == "rate_limited"
    assert other.status_code == 200  # limits are per user


def test_health_with_postgres_and_redis(client, pg_db: str, real_redis: str) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["backend"] == "postgresql"
    assert body["checks"]["redis"]["mode"] == "redis"


def test_health_reports_a_dead_redis_as_degraded(client, db: str) -> None:
    """Without Redis sign-in, reads and writes still work (issue 9): degraded,
    not down, so the platform does not restart healthy web processes."""
    apply_env(REDIS_URL="redis://127.0.0.1:1/0")
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["redis"]["ok"] is False
