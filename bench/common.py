"""Shared benchmark plumbing: a real app on PostgreSQL and Redis, seeded big."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg
import redis

from rehome.core.demo.content import DEMO_PASSWORD
from tests.e2e.appserver import PYTHON, app_env, free_port, prepare, start_app, stop, wait_ready
from tests.support import ROOT

PG_ADMIN = os.environ.get("BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
BENCH_DB = os.environ.get("BENCH_DB", "rehome_bench")  # one per parallel run
BENCH_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


@dataclass
class BenchApp:
    url: str
    project_id: int
    env: dict[str, str]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return {
        "n": len(ordered),
        "p50": pick(0.50),
        "p95": pick(0.95),
        "p99": pick(0.99),
        "max": ordered[-1],
        "mean": statistics.fmean(ordered),
    }


def fmt(stats: dict[str, float], unit: str = "ms") -> str:
    return (
        f"n={int(stats['n'])} p50={stats['p50']:.1f}{unit} p95={stats['p95']:.1f}{unit} "
        f"p99={stats['p99']:.1f}{unit} max={stats['max']:.1f}{unit}"
    )


@contextmanager
def bench_app(
    tasks: int = 5000, messages: int = 20000, mode: str = "redis", env: dict[str, str] | None = None
) -> Iterator[BenchApp]:
    """Demo data plus a big project, and the app on a free port: on PostgreSQL and
    Redis (`mode="redis"`, production-like) or on the embedded default."""
    data_dir = Path(tempfile.mkdtemp(prefix="rehome-bench-"))
    port = free_port()
    extra = {"API_RATE_PER_MINUTE": "100000", **(env or {})}
    if os.environ.get("GRANIAN_WORKERS"):
        extra["GRANIAN_WORKERS"] = os.environ["GRANIAN_WORKERS"]
    if mode == "redis":
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
        redis.Redis.from_url(BENCH_REDIS).flushdb()
        extra.update(DATABASE_URL=PG_ADMIN.rsplit("/", 1)[0] + f"/{BENCH_DB}", REDIS_URL=BENCH_REDIS)
    app_vars = app_env(data_dir, port, **extra)
    prepare(app_vars)
    seed_command = [PYTHON, "-m", "bench.seed", "--tasks", str(tasks), "--messages", str(messages)]
    seeded = subprocess.run(
        seed_command, cwd=ROOT, env=app_vars, check=True, capture_output=True, text=True, timeout=600
    )
    project_id = int(seeded.stdout.split("project_id=")[1].split()[0])
    log_path = data_dir / "app.log"
    proc = start_app(app_vars, port, log_path)
    try:
        wait_ready(f"http://localhost:{port}", proc, log_path)
        yield BenchApp(url=f"http://localhost:{port}", project_id=project_id, env=app_vars)
    finally:
        stop(proc)


def session_cookie(app_url: str, email: str) -> str:
    response = httpx.post(
        f"{app_url}/auth/login", json={"email": email, "password": DEMO_PASSWORD}, timeout=10
    )
    response.raise_for_status()
    return f"rehome_session={response.cookies['rehome_session']}"


def api_headers(app_url: str, email: str) -> dict[str, str]:
    response = httpx.post(
        f"{app_url}/api/login", json={"email": email, "password": DEMO_PASSWORD}, timeout=10
    )
    response.raise_for_status()
    return {"Authorization": f"Bearer {response.json()['token']}"}
