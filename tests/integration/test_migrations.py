"""`reflex db migrate` builds the whole schema on SQLite and PostgreSQL, and
the models have no change that a migration does not already carry."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlmodel import SQLModel

import rehome.core.models  # noqa: F401
from rehome.core.models.base import in_models
from tests.support import ROOT

EXPECTED = {
    "workspaces",
    "users",
    "projects",
    "project_memberships",
    "tasks",
    "task_events",
    "messages",
    "message_mentions",
    "files",
    "agent_threads",
    "agent_messages",
    "agent_runs",
    "project_summaries",
    "activity_log",
    "api_tokens",
    "sessions",
    "notifications",
    "invites",
    "outbound_mail",
}


def _reflex_migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    reflex = os.path.join(os.path.dirname(sys.executable), "reflex")
    result = subprocess.run(
        [reflex, "db", "migrate"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _assert_schema(url: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        tables = set(inspect(engine).get_table_names())
        assert tables >= EXPECTED
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_name": in_models})
            diff = compare_metadata(context, SQLModel.metadata)
        assert diff == [], f"models differ from migrations: {diff}"
    finally:
        engine.dispose()


def test_reflex_db_migrate_on_sqlite(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    _reflex_migrate(url)
    _assert_schema(url)


@pytest.mark.integration
def test_reflex_db_migrate_on_postgres(pg_template: str) -> None:
    import psycopg

    server, test_db = pg_template.rsplit("/", 1)
    fresh = f"{test_db}_migrate"  # beside the suite's own database, so parallel suites never share it
    admin, url = f"{server}/postgres", f"{server}/{fresh}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{fresh}"')
    try:
        _reflex_migrate(url)
        _assert_schema(url)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
