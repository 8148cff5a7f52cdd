"""The app's server processes without the frontend build, for benchmarks
that need only the backend: the API and streams (`bench.webapp`) or Reflex's
backend with its state socket (`reflex run --backend-only`). A busy machine
cannot always prerender the pages within the build's 10 s per page."""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psycopg
import redis as redis_lib

from bench.common import BENCH_DB, BENCH_REDIS, PG_ADMIN, BenchApp
from tests.e2e.appserver import PYTHON, REFLEX, app_env, free_port, prepare
from tests.support import ROOT


@contextmanager
def seeded(tasks: int = 200, messages: int = 200, **extra: str) -> Iterator[tuple[dict[str, str], int, int]]:
    """A fresh bench database and Redis, demo data plus a big project: (env, port, project id)."""
    data_dir = Path(tempfile.mkdtemp(prefix="rehome-bench-"))
    port = free_port()
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    redis_lib.Redis.from_url(BENCH_REDIS).flushdb()
    database = PG_ADMIN.rsplit("/", 1)[0] + f"/{BENCH_DB}"
    extra = {"API_RATE_PER_MINUTE": "100000", "DATABASE_URL": database, "REDIS_URL": BENCH_REDIS, **extra}
    env = app_env(data_dir, port, **extra)
    prepare(env)
    seed = [PYTHON, "-m", "bench.seed", "--tasks", str(tasks), "--messages", str(messages)]
    seeded = subprocess.run(seed, cwd=ROOT, env=env, check=True, capture_output=True, text=True, timeout=900)
    yield env, port, int(seeded.stdout.split("project_id=")[1].split()[0])


@contextmanager
def serve(kind: str, tasks: int = 200, messages: int = 200) -> Iterator[BenchApp]:
    """`kind` "api" (bench.webapp under Granian) or "reflex" (Reflex's backend only)."""
    with seeded(tasks, messages) as (env, port, project_id):
        workers = os.environ.get("GRANIAN_WORKERS", "2")
        if kind == "api":
            command = [PYTHON, "-m", "granian", "--interface", "asgi", "--factory", "--workers", workers]
            command += ["--port", str(port), "--log-level", "warning", "bench.webapp:app"]
        else:
            command = [REFLEX, "run", "--env", "prod", "--backend-only", "--backend-port", str(port)]
        env["GRANIAN_WORKERS"] = workers
        proc = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        try:
            wait_listening(port, "/health")
            yield BenchApp(url=f"http://localhost:{port}", project_id=project_id, env=env)
        finally:
            stop(proc)


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, 15)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        proc.wait(timeout=20)


def wait_listening(port: int, path: str = "/") -> None:
    deadline = time.monotonic() + 300  # imports take a while on a busy machine
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}{path}", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise RuntimeError(f"nothing listens on port {port}")
