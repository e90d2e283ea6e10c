"""tenant_analyses.fetched: whether the tenant's url was fetched or only named as the source

Revision ID: 0002
Revises: 0001
Created: 2026-12-01 16:33:46.646421
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tenant_analyses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fetched", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("tenant_analyses", schema=None) as batch_op:
        batch_op.drop_column("fetched")
