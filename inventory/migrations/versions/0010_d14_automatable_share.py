"""tasks: automatable share and check minutes per case (issue 14)

Revision ID: 0010_d14
Revises: 0009_campaign_layout
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_d14"
down_revision = "0009_campaign_layout"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Both optional survey columns: NULL = not answered (the scoring uses its documented default).
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(sa.Column("check_minutes", sa.Float(), nullable=True))
        batch.add_column(sa.Column("automatable_share", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("automatable_share")
        batch.drop_column("check_minutes")
