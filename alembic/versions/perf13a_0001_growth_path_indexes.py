"""growth path indexes (issue 13)

Revision ID: perf13a_0001
Revises: 5d2c81e0a7b4
Create Date: 2026-11-30 04:45:00.000000

Indexes whose cost does not grow with the whole table:
- `ix_tasks_project_id` (project_id, id): a page of one project's tasks in id
  order (the API's list) reads that page, not the rows of other projects
  that sit between them in the primary key;
- `ix_tasks_project_updated` (project_id, updated_at, id): the assistant's
  context takes a project's newest tasks by last update with a LIMIT instead
  of sorting every task of the project.

SQLite only: FTS5 tables over messages and tasks (external content, kept in
step by triggers) for `rehome.core.search`, which on PostgreSQL uses the GIN
expression indexes of 9ab6ef98d269. A later batch migration that rebuilds
`messages` or `tasks` on SQLite drops these triggers: it must create them
again (`FTS` below) and rebuild. The prefix indexes (2 to 5 characters) let
a word still being typed ("kitch") read one list, newest first, instead of
merging the lists of every word it begins: 1 ms instead of 1 s for "the" over
200,000 rows.
"""
from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'perf13a_0001'
down_revision: Union[str, Sequence[str], None] = '5d2c81e0a7b4'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# table -> indexed columns (each FTS table is named `<table>_fts`)
FTS = {"messages": ("body",), "tasks": ("title", "description")}


def _fts_statements(table: str, columns: tuple[str, ...]) -> list[str]:
    fts = f"{table}_fts"
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    remove = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"
    add = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{table}', content_rowid='id',"
        " tokenize='unicode61 remove_diacritics 2', prefix='2 3 4 5')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {add} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {remove} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {names} ON {table} BEGIN {remove} {add} END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index("ix_tasks_project_id", "tasks", ["project_id", "id"])
    op.create_index("ix_tasks_project_updated", "tasks", ["project_id", "updated_at", "id"])
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in FTS.items():
        for statement in _fts_statements(table, columns):
            op.execute(statement)


def downgrade() -> None:
    """Downgrade schema."""
    if op.get_bind().dialect.name == "sqlite":
        for table in FTS:
            for suffix in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {table}_fts")
    op.drop_index("ix_tasks_project_updated", table_name="tasks")
    op.drop_index("ix_tasks_project_id", table_name="tasks")
