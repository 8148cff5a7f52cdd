"""files: workspace, kind, previews, scan status, kept location, attachments

Revision ID: b52454f3030d
Revises: 32f72d724d24
Create Date: 2026-11-30 01:15:42.854461

"""
from typing import Sequence, Union

import sqlalchemy as sa
import sqlmodel

from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'b52454f3030d'
down_revision: Union[str, Sequence[str], None] = '32f72d724d24'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

SCAN_CHECK = "scan_status IN ('pending', 'clean', 'quarantined', 'skipped')"
KIND_CHECK = "kind IN ('image', 'pdf', 'document', 'spreadsheet', 'text')"
KIND_FROM_TYPE = (
    "CASE WHEN content_type LIKE 'image/%' THEN 'image'"
    " WHEN content_type = 'application/pdf' THEN 'pdf'"
    " WHEN content_type LIKE 'text/csv%' OR content_type LIKE '%sheet%' OR content_type LIKE '%excel%'"
    " THEN 'spreadsheet'"
    " WHEN content_type LIKE 'text/%' THEN 'text' ELSE 'document' END"
)


def upgrade() -> None:
    """Upgrade schema: new columns are added nullable, filled from what rows already say, then required."""
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.drop_constraint('ck_file_status', type_='check')
        batch_op.alter_column('status', new_column_name='scan_status', existing_type=sa.String(length=20))
        batch_op.add_column(sa.Column('workspace_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('thumb_key', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True))
        batch_op.add_column(sa.Column('preview_key', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=True))
        batch_op.add_column(sa.Column('width', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('height', sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column('keep_location', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column('task_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('message_id', sa.Integer(), nullable=True))
    op.execute(
        "UPDATE files SET workspace_id = (SELECT projects.workspace_id FROM projects"
        f" WHERE projects.id = files.project_id), kind = {KIND_FROM_TYPE}"
    )
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.alter_column('workspace_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('kind', existing_type=sa.String(length=20), nullable=False)
        batch_op.create_check_constraint('ck_file_scan_status', SCAN_CHECK)
        batch_op.create_check_constraint('ck_file_kind', KIND_CHECK)
        batch_op.drop_index(batch_op.f('ix_files_project_id'))
        batch_op.create_index('ix_files_project_id_id', ['project_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_files_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_files_task_id'), ['task_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_files_workspace_id'), ['workspace_id'], unique=False)
        batch_op.create_foreign_key(
            'fk_files_workspace_id', 'workspaces', ['workspace_id'], ['id'], ondelete='CASCADE'
        )
        batch_op.create_foreign_key('fk_files_task_id', 'tasks', ['task_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(
            'fk_files_message_id', 'messages', ['message_id'], ['id'], ondelete='SET NULL'
        )


def downgrade() -> None:
    """Downgrade schema: back to one status column (a skipped scan reads as clean)."""
    op.execute("UPDATE files SET scan_status = 'clean' WHERE scan_status = 'skipped'")
    with op.batch_alter_table('files', schema=None) as batch_op:
        batch_op.drop_constraint('fk_files_message_id', type_='foreignkey')
        batch_op.drop_constraint('fk_files_task_id', type_='foreignkey')
        batch_op.drop_constraint('fk_files_workspace_id', type_='foreignkey')
        batch_op.drop_constraint('ck_file_kind', type_='check')
        batch_op.drop_constraint('ck_file_scan_status', type_='check')
        batch_op.drop_index(batch_op.f('ix_files_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_files_task_id'))
        batch_op.drop_index(batch_op.f('ix_files_message_id'))
        batch_op.drop_index('ix_files_project_id_id')
        batch_op.create_index(batch_op.f('ix_files_project_id'), ['project_id'], unique=False)
        batch_op.drop_column('message_id')
        batch_op.drop_column('task_id')
        batch_op.drop_column('keep_location')
        batch_op.drop_column('height')
        batch_op.drop_column('width')
        batch_op.drop_column('preview_key')
        batch_op.drop_column('thumb_key')
        batch_op.drop_column('kind')
        batch_op.drop_column('workspace_id')
        batch_op.alter_column('scan_status', new_column_name='status', existing_type=sa.String(length=20))
        batch_op.create_check_constraint('ck_file_status', "status IN ('pending', 'clean', 'quarantined')")
