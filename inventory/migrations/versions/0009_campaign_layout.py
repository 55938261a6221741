"""campaign layout: the saved layout a campaign's files are read through

A campaign run on a municipality's own survey form names its saved layout
(`dxi campaign open --layout 名前`); the inbox reads that campaign's files through it.
NULL: the product's own template (no layout).

Revision ID: 0009_campaign_layout
Revises: 0008_screening
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_campaign_layout"
down_revision = "0008_screening"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("layout", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("layout")
