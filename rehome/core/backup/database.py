"""The database half of a backup: a consistent dump and its row counts, and
putting a dump back.

PostgreSQL is dumped by `pg_dump --format=custom` inside an exported
snapshot, so the counts recorded next to the dump describe exactly the rows
in it even while the app keeps writing. SQLite is copied with its online
backup API, which is consistent by itself; the counts are read from the copy.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
from psycopg import IsolationLevel
from sqlalchemy.engine import URL, make_url

from rehome.core.backup.crypto import BackupError
from rehome.core.infra.db import get_engine, reset_engines
from rehome.settings import get_settings

Counts = dict[str, int]
SCHEMA_TABLE = "alembic_version"  # present in a freshly migrated, still empty database
_PG_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
_SQLITE_TABLES = (
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
)


def backend() -> str:
    return "postgresql" if _url().get_backend_name() == "postgresql" else "sqlite"


def dump(out: Path) -> Counts:
    """Write the database to `out`; the row count of every table in it."""
    return _pg_dump(out) if backend() == "postgresql" else _sqlite_dump(out)


def restore(path: Path, kind: str) -> None:
    """Replace the configured database's content with the dump at `path`."""
    if kind != backend():
        raise BackupError(f"This backup holds a {kind} database; DATABASE_URL points at {backend()}.")
    get_engine().dispose()
    if kind == "postgresql":
        _run(["pg_restore", *_PG_RESTORE_FLAGS, f"--dbname={_libpq(_url())}", str(path)])
    else:
        _sqlite_copy(path, _sqlite_path())
    reset_engines()


def counts() -> Counts:
    """The row count of every table in the configured database now."""
    if backend() == "postgresql":
        with psycopg.connect(_libpq(_url()), password=_url().password) as conn:
            return _count(lambda sql: conn.execute(sql).fetchall(), _PG_TABLES)
    if not _sqlite_path().exists():
        return {}
    with _sqlite(_sqlite_path()) as conn:
        return _count(lambda sql: conn.execute(sql).fetchall(), _SQLITE_TABLES)


def holds_data(found: Counts) -> bool:
    return any(rows for table, rows in found.items() if table != SCHEMA_TABLE)


_PG_RESTORE_FLAGS = ["--no-owner", "--no-privileges", "--clean", "--if-exists", "--single-transaction"]


def _pg_dump(out: Path) -> Counts:
    url = _url()
    with psycopg.connect(_libpq(url), password=url.password) as conn:
        _check_pg_dump(conn.info.server_version // 10000)
        conn.isolation_level = IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()
        found = _count(lambda sql: conn.execute(sql).fetchall(), _PG_TABLES)
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges"]
        _run([*command, f"--snapshot={snapshot[0] if snapshot else ''}", f"--file={out}", _libpq(url)])
        conn.rollback()
    return found


def _check_pg_dump(server_major: int) -> None:
    if not shutil.which("pg_dump") or not shutil.which("pg_restore"):
        raise BackupError(f"pg_dump is not on PATH; install postgresql-client-{server_major}.")
    version = subprocess.run(
        ["pg_dump", "--version"],  # noqa: S607 - found on PATH, as the operator installed it
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    found = re.search(r"(\d+)\.\d+", version)
    if not found or int(found.group(1)) < server_major:
        raise BackupError(
            f"pg_dump is version {found.group(1) if found else '?'} but the server is {server_major}; "
            f"install postgresql-client-{server_major} (an older pg_dump cannot dump a newer server)."
        )


def _run(command: list[str]) -> None:
    env = {**os.environ, "PGPASSWORD": _url().password or ""}
    done = subprocess.run(  # noqa: S603 - pg_dump/pg_restore with our own arguments, no shell
        command, capture_output=True, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-800:]}")


def _sqlite_dump(out: Path) -> Counts:
    source = _sqlite_path()
    if not source.exists():
        raise BackupError(f"There is no database at {source} to back up.")
    _sqlite_copy(source, out)
    with _sqlite(out) as conn:
        return _count(lambda sql: conn.execute(sql).fetchall(), _SQLITE_TABLES)


def _sqlite_copy(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with _sqlite(source) as src, _sqlite(target) as dst:
        src.backup(dst)


class _sqlite:
    """A plain connection that is closed on exit (sqlite3's own context manager only commits)."""

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, timeout=30)

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *_: object) -> None:
        self.conn.close()


def _count(query: Callable[[str], list[Any]], tables_sql: str) -> Counts:
    tables = [str(row[0]) for row in query(tables_sql)]
    sql = 'SELECT count(*) FROM "{}"'  # table names come from the catalogue, not from input
    return {table: int(query(sql.format(table))[0][0]) for table in tables}


def _url() -> URL:
    return make_url(get_settings().db_url)


def _libpq(url: URL) -> str:
    """The URL as libpq reads it, without the password (that goes through PGPASSWORD)."""
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _sqlite_path() -> Path:
    database = _url().database or ""
    if database in ("", ":memory:"):
        raise BackupError("An in-memory database cannot be backed up or restored.")
    return Path(database)
