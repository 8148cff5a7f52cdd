"""Column types and field helpers shared by every table."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field

from rehome.core.infra.clock import utcnow


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite drops the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def created_at_field() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def optional_time_field(index: bool = False) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=True, index=index)


def json_field() -> Any:
    return Field(default_factory=dict, sa_type=JSON, nullable=False)


# SQLite cannot reflect expression indexes; alembic says so once per index on
# every schema comparison. They exist on PostgreSQL only, so the note is noise.
warnings.filterwarnings("ignore", message="autogenerate skipping metadata-specified expression-based index")


def fts_index(name: str, expression: str) -> Index:
    """A GIN full-text index for `core.search`, created on PostgreSQL only (migration 9ab6ef98d269).

    Declared here so autogenerate keeps it; `expression` is spelled the way
    PostgreSQL reflects it, so the comparison finds it equal. SQLite has none.
    """
    return Index(name, text(expression), postgresql_using="gin").ddl_if(dialect="postgresql")


# SQLite's FTS5 tables for `core.search` (and the shadow tables FTS5 makes for
# each) come from migration SQL, not from the models: schema comparisons skip them.
FTS_TABLES = ("messages_fts", "tasks_fts")


def in_models(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic's `include_name`: leave the FTS5 tables out of comparisons."""
    return not (type_ == "table" and name is not None and name.startswith(FTS_TABLES))


def one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK constraint's text allowing only `values` (spelled by `vocab`)."""
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
