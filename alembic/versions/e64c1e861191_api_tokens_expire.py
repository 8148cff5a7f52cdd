"""api tokens expire

Every token gets an expiry (API_TOKEN_TTL_DAYS). Tokens made before this
revision had none: they are given the full period from the upgrade, so no
mobile app is signed out by the deploy itself, and then the column is NOT NULL.

Revision ID: e64c1e861191
Revises: b52454f3030d
Create Date: 2026-11-30 01:21:58.588814

"""
from datetime import timedelta
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa
import rehome.core.models.base  # custom column types (UTCDateTime)
from rehome.core.infra.clock import utcnow
from rehome.settings import get_settings


# revision identifiers, used by Alembic.
revision: str = 'e64c1e861191'
down_revision: Union[str, Sequence[str], None] = 'b52454f3030d'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

_tokens = sa.table("api_tokens", sa.column("expires_at", rehome.core.models.base.UTCDateTime(timezone=True)))


def upgrade() -> None:
    """Upgrade schema."""
    expires = utcnow() + timedelta(days=get_settings().api_token_ttl_days)
    op.execute(_tokens.update().where(_tokens.c.expires_at.is_(None)).values(expires_at=expires))
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column('expires_at',
               existing_type=rehome.core.models.base.UTCDateTime(timezone=True),
               nullable=False)


def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.alter_column('expires_at',
               existing_type=rehome.core.models.base.UTCDateTime(timezone=True),
               nullable=True)
