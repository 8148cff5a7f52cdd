"""Engine and unit-of-work helpers for SQLite and PostgreSQL alike.

Services take a session and never commit; the caller's `session_scope()`
commits once, then runs the callbacks registered with `on_commit()` (events,
jobs, mail), so nothing is announced that was not stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from rehome.settings import get_settings

T = TypeVar("T")
log = logging.getLogger(__name__)
_AFTER_COMMIT = "rehome_after_commit"


def make_engine(url: str) -> Engine:
    """Build an engine with the pragmas and pool each backend needs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        in_memory = database in ("", ":memory:")
        if not in_memory:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=StaticPool if in_memory else None,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True, pool_recycle=1800)


def _sqlite_pragmas(dbapi_conn: object, _record: object) -> None:
    cursor = dbapi_conn.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@lru_cache(maxsize=4)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    return _engine_for(get_settings().db_url)


def reset_engines() -> None:
    """Drop cached engines (tests switch databases between runs)."""
    _engine_for.cache_clear()


@contextmanager
def session_scope() -> Iterator[Session]:
    """One transaction: commit on success, roll back on error, then notify."""
    session = Session(get_engine(), expire_on_commit=False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        session.info.pop(_AFTER_COMMIT, None)
        raise
    finally:
        session.close()
    for callback in session.info.pop(_AFTER_COMMIT, []):
        try:
            callback()
        except Exception:  # a failed notification must not undo the write
            log.exception("after-commit callback failed")


def on_commit(session: Session, callback: Callable[[], None]) -> None:
    """Run `callback` once the surrounding `session_scope()` has committed."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


DB_ATTEMPTS = 6


def retry_db(action: Callable[[], T], attempts: int = DB_ATTEMPTS) -> T:
    """Run a whole transaction again when the database connection failed
    (restart, failover, `pg_terminate_backend`): the pool hands out a fresh
    connection next time. Only for idempotent work; errors of the data
    itself (constraints, bad SQL) are not retried."""
    for attempt in Retrying(
        stop=stop_after_attempt(attempts),
        wait=wait_exponential_jitter(multiplier=0.2, max=3),
        retry=retry_if_exception(_connection_failed),
        reraise=True,
    ):
        with attempt:
            return action()
    raise AssertionError("unreachable")  # pragma: no cover


def _connection_failed(error: BaseException) -> bool:
    if isinstance(error, OperationalError | InterfaceError):
        return True
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)
