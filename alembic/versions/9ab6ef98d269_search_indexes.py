"""full-text search indexes

Revision ID: 9ab6ef98d269
Revises: 456374c9e215
Create Date: 2026-11-22 04:10:34.000000

GIN expression indexes for `rehome.core.search` on PostgreSQL. Each expression
is exactly the one the search queries use, or the planner cannot use it.
SQLite (the embedded default) searches with LIKE and gets no index. The
models declare the same indexes (PostgreSQL only, via `ddl_if`) so that
autogenerate finds them equal instead of proposing to drop them.
"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import sqlmodel

import rehome.core.models.base

# revision identifiers, used by Alembic.
revision: str = '9ab6ef98d269'
down_revision: Union[str, Sequence[str], None] = '456374c9e215'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = {
    "ix_projects_fts": (
        "projects",
        "to_tsvector('simple', coalesce(name, '') || ' ' || coalesce(description, '')"
        " || ' ' || coalesce(address, ''))",
    ),
    "ix_tasks_fts": (
        "tasks",
        "to_tsvector('simple', coalesce(title, '') || ' ' || coalesce(description, ''))",
    ),
    "ix_messages_fts": ("messages", "to_tsvector('simple', coalesce(body, ''))"),
}


def _is_postgres() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    """Upgrade schema."""
    if not _is_postgres():
        return
    for name, (table, expression) in INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({expression})")


def downgrade() -> None:
    """Downgrade schema."""
    if not _is_postgres():
        return
    for name in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
