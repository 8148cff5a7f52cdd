"""Reachability of what the app depends on, for /health and ops (F-40)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from rehome.core.infra.db import get_engine
from rehome.core.infra.kv import get_redis, redis_mode
from rehome.settings import get_settings

WORKER_HEARTBEAT_KEY = "rehome:worker:heartbeat"
WORKER_HEARTBEAT_TTL = 15  # seconds a worker's heartbeat lives: a dead worker shows within it
WORKER_STALE_AFTER = WORKER_HEARTBEAT_TTL


def _timed(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result = {"ok": True, **check()}
    except Exception as exc:  # any failure means "not reachable", with the reason
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    result["ms"] = round((time.perf_counter() - started) * 1000, 2)
    return result


def _database() -> dict[str, Any]:
    engine = get_engine()
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"backend": engine.dialect.name}


def _redis() -> dict[str, Any]:
    get_redis().ping()
    return {"mode": redis_mode()}


def _worker() -> dict[str, Any]:
    if not get_settings().celery_broker_url:
        return {"mode": "in-process"}
    beat = get_redis().get(WORKER_HEARTBEAT_KEY)
    age = time.time() - float(beat) if beat else None
    if age is None or age > WORKER_STALE_AFTER:
        raise RuntimeError("no worker heartbeat" if age is None else f"last heartbeat {age:.0f}s ago")
    return {"mode": "celery", "heartbeat_age_s": round(age, 1)}


def report() -> dict[str, Any]:
    """`down` (503) only without the database: with Redis away, sign-in, reads
    and writes still work (issue 9), and a 503 would only make the platform
    restart healthy web processes that share the same Redis."""
    checks = {"database": _timed(_database), "redis": _timed(_redis), "worker": _timed(_worker)}
    all_ok = all(check["ok"] for check in checks.values())
    status = "ok" if all_ok else ("degraded" if checks["database"]["ok"] else "down")
    return {"status": status, "checks": checks}
