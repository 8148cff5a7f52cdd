"""Helpers shared by the test suites: settings switching, migrations, services."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic.config import Config
from sqlalchemy import event

from alembic import command
from rehome.core.infra.db import get_engine, reset_engines
from rehome.core.infra.kv import reset_clients
from rehome.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/rehome_test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

BASE_ENV = {
    "APP_ENV": "test",
    "APP_URL": "http://testserver",
    "SECRET_KEY": "test-secret-key",
    "LOG_JSON": "false",
    "LOG_LEVEL": "WARNING",
    "DATABASE_URL": "",
    "REDIS_URL": "",
    "CELERY_BROKER_URL": "",
    "ANTHROPIC_API_KEY": "",
    "OPENAI_API_KEY": "",
    "RESEND_API_KEY": "",
    "SMTP_URL": "",
    "S3_BUCKET": "",
    "S3_ENDPOINT_URL": "",
    "CLAMD_URL": "",
    "UPLOAD_MAX_MB": "50",
    "STORAGE_QUOTA_MB": "10240",
}


def apply_env(**env: str) -> None:
    """Point settings, engines and Redis clients at a new configuration."""
    os.environ.update(env)
    get_settings.cache_clear()
    reset_engines()
    reset_clients()


def migrate(url: str) -> None:
    """Build the schema the way production does: alembic, head revision."""
    apply_env(DATABASE_URL=url)
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "alembic"))
    command.upgrade(config, "head")


def unavailable(what: str, url: str, error: Exception) -> str:
    return (
        f"{what} is not reachable at {url} ({type(error).__name__}); integration tests using it are skipped"
    )


@contextmanager
def recorded_queries(every_thread: bool = False) -> Iterator[list[tuple[str, Any]]]:
    """Every SQL statement (with its parameters) this thread runs inside the block.

    Only this thread's: background jobs (previews, scans) queued by earlier commits run in
    the embedded thread pool and would otherwise be counted whenever a busy machine makes
    them land inside the block. `every_thread`: all of them (a route served by the test
    client runs in its portal and worker threads, not the caller's)."""
    statements: list[tuple[str, Any]] = []
    me = threading.get_ident()

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if every_thread or threading.get_ident() == me:
            statements.append((statement, parameters))

    engine = get_engine()
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
