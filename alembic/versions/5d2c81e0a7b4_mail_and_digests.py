"""mail and digests: outbound mail, mail preferences, workspace time zone,
mention mail marks, summary keys, status and approval

Revision ID: 5d2c81e0a7b4
Revises: ec4a35149a83
Create Date: 2026-11-30 01:30:00.000000

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import rehome.core.models.base  # custom column types (UTCDateTime)
import sqlmodel

# revision identifiers, used by Alembic.
revision: str = '5d2c81e0a7b4'
down_revision: Union[str, Sequence[str], None] = 'ec4a35149a83'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

OLD_TYPES = "type IN ('daily', 'weekly', 'milestone', 'meeting')"
NEW_TYPES = "type IN ('daily', 'weekly', 'milestone', 'meeting', 'client_update')"


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('outbound_mail',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('to_email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('workspace_id', sa.Integer(), nullable=True),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('transport', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('provider_id', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', rehome.core.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('claimed_at', rehome.core.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', rehome.core.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('queued', 'sending', 'sent', 'failed')", name='ck_outbound_mail_status'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('outbound_mail', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbound_mail_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbound_mail_workspace_id'), ['workspace_id'], unique=False)

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mailed_at', rehome.core.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_notifications_unmailed', ['kind', 'mailed_at', 'created_at'], unique=False)

    # Summaries were only ever written for participants before: they are the staff version now.
    op.execute("UPDATE project_summaries SET audience = 'staff' WHERE audience = 'participant'")
    with op.batch_alter_table('project_summaries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), server_default='ready', nullable=False))
        batch_op.add_column(sa.Column('dedupe_key', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=True))
        batch_op.add_column(sa.Column('run_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_at', rehome.core.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint('uq_project_summaries_dedupe_key', ['dedupe_key'])
        batch_op.create_foreign_key('fk_project_summaries_approved_by', 'users', ['approved_by'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key('fk_project_summaries_run_id', 'agent_runs', ['run_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key('fk_project_summaries_created_by', 'users', ['created_by'], ['id'], ondelete='SET NULL')
        batch_op.drop_constraint('ck_summary_type', type_='check')
        batch_op.create_check_constraint('ck_summary_type', NEW_TYPES)
        batch_op.create_check_constraint('ck_summary_audience', "audience IN ('staff', 'client', 'admin')")
        batch_op.create_check_constraint(
            'ck_summary_status', "status IN ('ready', 'cached', 'draft', 'approved')"
        )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_pref', sa.String(length=10), server_default='all', nullable=False))
        batch_op.create_check_constraint(
            'ck_user_mail_pref', "mail_pref IN ('all', 'mentions', 'digest', 'none')"
        )

    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), server_default='UTC', nullable=False))


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('workspaces', schema=None) as batch_op:
        batch_op.drop_column('timezone')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('ck_user_mail_pref', type_='check')
        batch_op.drop_column('mail_pref')

    op.execute("DELETE FROM project_summaries WHERE type = 'client_update'")
    with op.batch_alter_table('project_summaries', schema=None) as batch_op:
        batch_op.drop_constraint('ck_summary_status', type_='check')
        batch_op.drop_constraint('ck_summary_audience', type_='check')
        batch_op.drop_constraint('ck_summary_type', type_='check')
        batch_op.create_check_constraint('ck_summary_type', OLD_TYPES)
        batch_op.drop_constraint('fk_project_summaries_created_by', type_='foreignkey')
        batch_op.drop_constraint('fk_project_summaries_run_id', type_='foreignkey')
        batch_op.drop_constraint('fk_project_summaries_approved_by', type_='foreignkey')
        batch_op.drop_constraint('uq_project_summaries_dedupe_key', type_='unique')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('approved_by')
        batch_op.drop_column('created_by')
        batch_op.drop_column('run_id')
        batch_op.drop_column('dedupe_key')
        batch_op.drop_column('status')
    op.execute("UPDATE project_summaries SET audience = 'participant' WHERE audience = 'staff'")

    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_unmailed')
        batch_op.drop_column('mailed_at')

    with op.batch_alter_table('outbound_mail', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbound_mail_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_outbound_mail_user_id'))

    op.drop_table('outbound_mail')
