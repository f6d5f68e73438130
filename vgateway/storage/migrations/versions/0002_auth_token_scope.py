"""auth: scoped API tokens (auth_credentials.scope: 'metrics' reads metrics only)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 15:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("auth_credentials") as batch:
        batch.add_column(sa.Column("scope", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("auth_credentials") as batch:
        batch.drop_column("scope")
