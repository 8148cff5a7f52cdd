"""The real app in production mode (one port) on a throwaway SQLite database
with the demo data, and headless Chromium from the system's packages."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.appserver import app_env, free_port, prepare, start_app, stop, wait_ready
from tests.fakes.llm_server import FAKE_ENV, FakeLLM, shared_fake_llm
from tests.support import IN_CI, ROOT

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _need(condition: bool, message: str) -> None:
    if condition:
        return
    if IN_CI:
        pytest.fail(message + " (CI=true: browser tests must run)")
    pytest.skip(message)


def _ready(url: str, proc: subprocess.Popen, log_path: Path) -> None:
    try:
        wait_ready(url, proc, log_path)
    except RuntimeError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need(
        shutil.which("bun", path=str(ROOT / ".tools" / "bun" / "node_modules" / ".bin")) is not None,
        "bun is not installed in .tools (run ./scripts/test.sh)",
    )
    data_dir = tmp_path_factory.mktemp("e2e-data")
    port = free_port()
    env = app_env(data_dir, port, **fake_llm_env())
    python = str(ROOT / ".venv" / "bin" / "python")
    for command in (
        [str(ROOT / ".venv" / "bin" / "reflex"), "db", "migrate"],
        [python, "-m", "rehome", "demo"],
    ):
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
    log_path = data_dir / "app.log"
    proc = start_app(env, port, log_path)
    url = f"http://localhost:{port}"
    try:
        _ready(url, proc, log_path)
        yield url
    finally:
        stop(proc)


def fake_llm_env() -> dict[str, str]:
    """Point the app's real Anthropic/OpenAI SDKs at this test process's fake server."""
    fake = shared_fake_llm()
    return {
        **FAKE_ENV,
        "ANTHROPIC_BASE_URL": fake.anthropic_base_url,
        "OPENAI_BASE_URL": fake.openai_base_url,
    }


@pytest.fixture
def llm() -> Iterator[FakeLLM]:
    fake = shared_fake_llm()
    fake.reset()
    yield fake
    fake.reset()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _need(Path(CHROMIUM).exists(), f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


def _services_or_skip() -> tuple[str, str]:
    """PostgreSQL and Redis for the multi-process test (a failure under CI)."""
    import psycopg
    import redis

    from tests.support import PG_URL, REDIS_URL

    admin_url = PG_URL.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute('DROP DATABASE IF EXISTS "rehome_e2e_live" WITH (FORCE)')
            conn.execute('CREATE DATABASE "rehome_e2e_live"')
        client = redis.Redis.from_url(REDIS_URL.rsplit("/", 1)[0] + "/14", socket_connect_timeout=2)
        client.flushdb()
    except (psycopg.Error, redis.RedisError) as error:
        _need(False, f"PostgreSQL and Redis are needed for the multi-process test ({error})")
    return PG_URL.rsplit("/", 1)[0] + "/rehome_e2e_live", REDIS_URL.rsplit("/", 1)[0] + "/14"


@pytest.fixture(scope="session")
def two_web_processes(app_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Two separate web processes sharing PostgreSQL and Redis, as behind a
    load balancer; each serves its own copy of the built frontend."""
    db_url, redis_url = _services_or_skip()
    data_dir = tmp_path_factory.mktemp("e2e-redis")
    ports = [free_port(), free_port()]
    shared = {"DATABASE_URL": db_url, "REDIS_URL": redis_url, "GRANIAN_WORKERS": "2"}
    prepare(app_env(data_dir, ports[0], **shared))
    procs: list[subprocess.Popen] = []
    try:
        for i, port in enumerate(ports):
            web_dir = data_dir / f"web-{i}"
            shutil.copytree(ROOT / ".web", web_dir, symlinks=True)
            env = app_env(data_dir, port, **shared, REFLEX_WEB_WORKDIR=str(web_dir))
            log_path = data_dir / f"app-{i}.log"
            procs.append(start_app(env, port, log_path))
            _ready(f"http://localhost:{port}", procs[-1], log_path)
        yield f"http://localhost:{ports[0]}", f"http://localhost:{ports[1]}"
    finally:
        for proc in procs:
            stop(proc)
