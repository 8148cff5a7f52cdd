"""The sign-in limit holds under concurrency (issue 8, item 5): a slot is
reserved before the password is checked, so 40 simultaneous wrong passwords
cost at most LOGIN_MAX_FAILURES password checks; the rest answer 429."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from rehome.core.auth import login as login_module
from rehome.core.infra.kv import redis_mode
from tests.world import PASSWORD, World, build_world

ATTEMPTS = 40
LIMIT = 10  # LOGIN_MAX_FAILURES default


@pytest.fixture(params=["embedded", pytest.param("services", marks=pytest.mark.integration)])
def world(request: pytest.FixtureRequest) -> World:
    """SQLite with the in-process Redis stand-in, and PostgreSQL with real Redis."""
    if request.param == "services":
        request.getfixturevalue("pg_db")
        request.getfixturevalue("real_redis")
        assert redis_mode() == "redis"
    else:
        request.getfixturevalue("sqlite_db")
    return build_world(with_passwords=True)


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every password check sign-in actually runs."""
    seen: list[str] = []
    lock = threading.Lock()
    real = login_module.verify

    def counting(password: str, stored: str | None) -> Any:
        with lock:
            seen.append(password)
        return real(password, stored)

    monkeypatch.setattr(login_module, "verify", counting)
    return seen


def _burst(client, path: str, body: dict[str, str]) -> list[Any]:
    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        return list(pool.map(lambda _: client.post(path, json=body), range(ATTEMPTS)))


@pytest.mark.parametrize("path", ["/api/login", "/auth/login"])
def test_forty_concurrent_wrong_passwords_check_at_most_the_limit(
    client, world: World, verifications: list[str], path: str
) -> None:
    responses = _burst(client, path, {"email": "team@example.com", "password": "wrong guess"})
    statuses = sorted(r.status_code for r in responses)
    assert len(verifications) <= LIMIT, f"{len(verifications)} password checks for a limit of {LIMIT}"
    assert statuses.count(401) == len(verifications)
    assert statuses.count(429) == ATTEMPTS - len(verifications)
    for response in responses:
        if response.status_code == 429:
            assert int(response.headers["Retry-After"]) > 0
            assert response.json()["error"]["code"] == "rate_limited"
    # the right password is refused too while the window is full, unchecked
    checked = len(verifications)
    late = client.post(path, json={"email": "team@example.com", "password": PASSWORD})
    assert late.status_code == 429
    assert len(verifications) == checked


def test_a_success_gives_its_slot_back_and_failures_stay_counted(
    client, world: World, verifications: list[str]
) -> None:
    for _ in range(LIMIT - 1):
        assert (
            client.post("/api/login", json={"email": "team@example.com", "password": "no"}).status_code == 401
        )
    for _ in range(3):  # the owner still signs in: each success frees the slot it took
        ok = client.post("/api/login", json={"email": "team@example.com", "password": PASSWORD})
        assert ok.status_code == 200
    assert client.post("/api/login", json={"email": "team@example.com", "password": "no"}).status_code == 401
    limited = client.post("/api/login", json={"email": "team@example.com", "password": PASSWORD})
    assert limited.status_code == 429
    assert len(verifications) == LIMIT + 3
