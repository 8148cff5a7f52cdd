"""Engine and unit-of-work helpers for SQLite and PostgreSQL alike.

Services take a session and never commit; the caller's `session_scope()`
commits once, then runs the callbacks registered with `on_commit()` (events,
jobs, mail), so nothing is announced that was not stored; on a rollback it
runs those of `on_rollback()` instead (removing a stored object whose row
never landed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar, TypeVarTuple

from sqlalchemy import Row, Table, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine, Result, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.pool import StaticPool
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.selectable import TypedReturnsRows
from sqlmodel import Session, create_engine
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from rehome.settings import get_settings

log = logging.getLogger(__name__)
_AFTER_COMMIT = "rehome_after_commit"
_AFTER_ROLLBACK = "rehome_after_rollback"
_Ts = TypeVarTuple("_Ts")
T = TypeVar("T")


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


def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_conn.cursor()
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
    session = new_session()
    try:
        yield session
    except BaseException:
        end_session(session, failed=True)
        raise
    end_session(session, failed=False)


def new_session() -> Session:
    """A session bound to the engine; it takes a connection only on its first query."""
    return Session(get_engine(), expire_on_commit=False)


def end_session(session: Session, *, failed: bool) -> None:
    """What `session_scope()` does on leaving, for a session opened elsewhere
    (the API's one session per request): commit, or roll back when `failed`
    or when the commit itself fails, close, then run the callbacks."""
    if not failed:
        try:
            session.commit()
        except BaseException:
            end_session(session, failed=True)
            raise
        session.close()
        session.info.pop(_AFTER_ROLLBACK, None)
        _run_all(session.info.pop(_AFTER_COMMIT, []), "after-commit")
        return
    try:
        rollback(session)
    finally:
        session.close()


def rollback(session: Session) -> None:
    """Undo the open transaction and run its after-rollback callbacks (its
    after-commit ones are dropped: nothing they announce was stored)."""
    session.rollback()
    session.info.pop(_AFTER_COMMIT, None)
    _run_all(session.info.pop(_AFTER_ROLLBACK, []), "after-rollback")


def _run_all(callbacks: list[Callable[[], None]], what: str) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:  # a failed notification or clean-up must not undo (or hide) the outcome
            log.exception("%s callback failed", what)


def on_commit(session: Session, callback: Callable[[], object]) -> None:
    """Run `callback` once the surrounding `session_scope()` has committed."""
    session.info.setdefault(_AFTER_COMMIT, []).append(callback)


def on_rollback(session: Session, callback: Callable[[], object]) -> None:
    """Run `callback` if the surrounding `session_scope()` rolls back: undo work
    outside the database (an object already stored) that the failed write needed."""
    session.info.setdefault(_AFTER_ROLLBACK, []).append(callback)


def exec_rows(session: Session, query: TypedReturnsRows[*_Ts]) -> Result[*_Ts]:
    """Run a plain SQLAlchemy select with typed rows.

    `sqlmodel.select` has typed overloads for at most four columns and
    `Session.exec` accepts only sqlmodel's own selects, so a wider select
    (`sqlalchemy.select`) or one grown with `add_columns` runs here, through
    SQLAlchemy's `execute` (sqlmodel's override of it only adds a deprecation
    hint pointing to `exec`)."""
    return OrmSession.execute(session, query)


def table_of(model: type[Any]) -> Table:
    """A model's table, for statements of plain columns (see `plain_rows`)."""
    table: Table = model.__table__
    return table


def plain_rows(
    session: Session, statement: Executable, params: Mapping[str, Any]
) -> Sequence[Row[*tuple[Any, ...]]]:
    """Rows of a statement of table columns, run on the session's connection
    and transaction but past the ORM (no objects, no identity map, no ORM
    compile state). For hot reads (issue 13), with the statement built once
    and its values bound here: building a select costs more CPU than running
    it, and a reused statement also keeps its compiled form cached."""
    return session.connection().execute(statement, params).all()


def insert_once(session: Session, model: Any, values: dict[str, Any], unique: list[str]) -> int | None:
    """Insert a row unless one with the same `unique` columns exists; the new
    row's id, or None when it was there already. One statement on both
    backends, so two racing writers cannot both insert."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(model).values(**values).on_conflict_do_nothing(index_elements=unique).returning(model.id)
    )
    found: int | None = session.exec(statement).scalar_one_or_none()
    return found


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
