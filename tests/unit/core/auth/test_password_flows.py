"""Guessing the current password in a password change is limited per user,
reserved before the check, so concurrency cannot slip past (issue 8, item 5)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from rehome.core.auth import password_flows
from rehome.core.infra.db import session_scope
from rehome.core.infra.errors import Invalid, RateLimited
from tests.world import PASSWORD, build_world

LIMIT = 10  # LOGIN_MAX_FAILURES default


@pytest.fixture
def world(db: str):
    return build_world(with_passwords=True)


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    lock = threading.Lock()
    real = password_flows.verify

    def counting(password: str, stored: str | None) -> Any:
        with lock:
            seen.append(password)
        return real(password, stored)

    monkeypatch.setattr(password_flows, "verify", counting)
    return seen


def _change(world, role: str, current: str) -> str:
    data = password_flows.PasswordChange(current_password=current, new_password="a brand new secret")
    try:
        with session_scope() as s:
            password_flows.change_password(s, world.actors[role], data, keep_session=None)
    except RateLimited as error:
        return "limited" if error.retry_after > 0 else "limited without Retry-After"
    except Invalid:
        return "wrong"
    return "changed"


def test_concurrent_current_password_guesses_are_capped(world, verifications: list[str]) -> None:
    with ThreadPoolExecutor(max_workers=40) as pool:
        outcomes = list(pool.map(lambda i: _change(world, "team", f"guess {i}"), range(40)))
    assert len(verifications) <= LIMIT
    assert outcomes.count("wrong") == len(verifications)
    assert outcomes.count("limited") == 40 - len(verifications)
    assert _change(world, "team", PASSWORD) == "limited"  # even the right one, unchecked
    assert len(verifications) <= LIMIT
    assert _change(world, "client", PASSWORD) == "changed"  # per user


def test_a_successful_change_frees_its_slot(world, verifications: list[str]) -> None:
    for i in range(LIMIT - 1):
        assert _change(world, "team", f"guess {i}") == "wrong"
    assert _change(world, "team", PASSWORD) == "changed"
    assert _change(world, "team", "a brand new secret") == "changed"
    assert _change(world, "team", "wrong again") == "wrong"
    assert _change(world, "team", "a brand new secret") == "limited"
