"""Fixtures: a fresh migrated database per test (SQLite always; PostgreSQL and
Redis for integration tests), inline jobs, and an in-process API client."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis as redis_lib
from fastapi.testclient import TestClient
from sqlalchemy import text

from rehome.api.app import build_api
from rehome.core.infra import jobs
from rehome.core.infra.db import get_engine
from tests.fakes.clamd_server import FakeClamd
from tests.fakes.s3_gate import S3Gate
from tests.support import BASE_ENV, IN_CI, PG_URL, REDIS_URL, apply_env, migrate, unavailable

_SKIPPED: list[str] = []


def _skip_or_fail(message: str) -> None:
    if IN_CI:
        pytest.fail(message + " — under CI=true this is a failure, not a skip")
    if message not in _SKIPPED:
        _SKIPPED.append(message)
    pytest.skip(message)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for message in _SKIPPED:
        terminalreporter.write_line(f"NOTICE: {message}", yellow=True)


@pytest.fixture(autouse=True)
def _base_env(tmp_path: Path) -> Iterator[None]:
    """Each test starts from the same settings and leaves none behind."""
    saved = dict(os.environ)
    apply_env(**BASE_ENV, DATA_DIR=str(tmp_path / "data"))
    yield
    os.environ.clear()
    os.environ.update(saved)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("schema") / "template.db"
    apply_env(**BASE_ENV)
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "rehome.db"
    # SQLite's backup API, not a file copy: once any connection has switched the template to
    # WAL mode (the app's engine does), recent pages live in `-wal` and a copy misses them.
    with closing(sqlite3.connect(sqlite_template)) as source, closing(sqlite3.connect(path)) as target:
        source.backup(target)
    url = f"sqlite:///{path}"
    apply_env(DATABASE_URL=url)
    return url


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """Create the test database once (dropping leftovers) and migrate it."""
    admin_url = PG_URL.rsplit("/", 1)[0] + "/postgres"
    name = PG_URL.rsplit("/", 1)[1]
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as error:
        _skip_or_fail(unavailable("PostgreSQL", admin_url, error))
    apply_env(**BASE_ENV)
    migrate(PG_URL)
    yield PG_URL
    get_engine().dispose()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_db(pg_template: str) -> Iterator[str]:
    apply_env(DATABASE_URL=pg_template)
    yield pg_template
    engine = get_engine()
    with engine.begin() as conn:
        query = "SELECT tablename FROM pg_tables WHERE schemaname='public' AND tablename <> 'alembic_version'"
        tables = [row[0] for row in conn.execute(text(query))]
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def real_redis() -> Iterator[str]:
    client = redis_lib.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis_lib.RedisError as error:
        _skip_or_fail(unavailable("Redis", REDIS_URL, error))
    client.flushdb()
    apply_env(REDIS_URL=REDIS_URL)
    yield REDIS_URL
    client.flushdb()
    apply_env(REDIS_URL="")


@pytest.fixture(params=["sqlite", "postgres"])
def any_db(request: pytest.FixtureRequest) -> str:
    """Run a test on the embedded default and on PostgreSQL alike."""
    if request.param == "postgres":
        return request.getfixturevalue("pg_db")
    return request.getfixturevalue("sqlite_db")


@pytest.fixture
def db(sqlite_db: str) -> str:
    return sqlite_db


@pytest.fixture
def sent_jobs() -> Iterator[list[tuple[str, dict[str, Any]]]]:
    """Run jobs inline (as the worker would) and keep a record of them."""
    record: list[tuple[str, dict[str, Any]]] = []

    def dispatch(name: str, kwargs: dict[str, Any]) -> None:
        record.append((name, kwargs))
        jobs.run_job(name, kwargs)

    jobs.set_dispatcher(dispatch)
    yield record
    jobs.set_dispatcher(None)


@pytest.fixture(scope="session")
def s3_gate() -> Iterator[S3Gate]:
    """moto's S3 server behind a gate that acts like a private bucket (see tests/fakes/s3_gate.py)."""
    with S3Gate() as gate:
        yield gate


@pytest.fixture
def s3(s3_gate: S3Gate) -> Iterator[S3Gate]:
    """Files go to the local S3-compatible server for this test, in an empty bucket."""
    s3_gate.empty()
    s3_gate.skew = 0.0
    apply_env(**s3_gate.env())
    yield s3_gate
    apply_env(S3_BUCKET="", S3_ENDPOINT_URL="")


@pytest.fixture
def clamd() -> Iterator[FakeClamd]:
    """A local clamd (INSTREAM, flags EICAR), configured as CLAMD_URL for this test."""
    with FakeClamd() as server:
        apply_env(CLAMD_URL=server.url)
        yield server
    apply_env(CLAMD_URL="")


@pytest.fixture(scope="session")
def api_app() -> Any:
    return build_api()


@pytest.fixture
def client(api_app: Any) -> Iterator[TestClient]:
    with TestClient(api_app, raise_server_exceptions=False) as test_client:
        yield test_client
