"""context figure and mention indexes (issue 13)

Revision ID: perf14c_0001
Revises: perf13a_0001
Create Date: 2026-11-30 09:00:00.000000

Two reads of the assistant's context that grew with the table:
- `ix_tasks_project_assignee` (project_id, assignee_id, status, due_date,
  internal): the exact counts per assignee are read from this index alone, in
  its assignee order; SQLite scanned every task of the workspace through
  `ix_tasks_assignee_id` for the GROUP BY (1.9 s at 500,000 tasks), and both
  databases fetched each open task's row;
- `ix_message_mentions_user_message` (user_id, message_id), instead of
  `ix_message_mentions_user_id`: the reader's newest mentions come from the
  index in message order up to the LIMIT, not from every mention sorted.
"""
from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'perf14c_0001'
down_revision: Union[str, Sequence[str], None] = 'perf13a_0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

FIGURES = ["project_id", "assignee_id", "status", "due_date", "internal"]


def upgrade() -> None:
    """Upgrade schema."""
    op.create_index("ix_tasks_project_assignee", "tasks", FIGURES)
    op.create_index("ix_message_mentions_user_message", "message_mentions", ["user_id", "message_id"])
    op.drop_index("ix_message_mentions_user_id", table_name="message_mentions")


def downgrade() -> None:
    """Downgrade schema."""
    op.create_index("ix_message_mentions_user_id", "message_mentions", ["user_id"])
    op.drop_index("ix_message_mentions_user_message", table_name="message_mentions")
    op.drop_index("ix_tasks_project_assignee", table_name="tasks")
