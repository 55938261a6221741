"""screening workbooks (二次調査票): sent sheets, and the kind of each submission

Revision ID: 0008_screening
Revises: 0007_minimum_data
Create Date: 2027-01-15
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_screening"
down_revision = "0007_minimum_data"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("survey_submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=20), server_default="survey", nullable=False))
    op.create_table(
        "screening_sheets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("folder", sa.String(length=1000), nullable=False),
        sa.Column("task_count", sa.Integer(), nullable=False),
        sa.Column("task_keys", sa.JSON(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["departments.id"], name=op.f("fk_screening_sheets_department_id_departments")
        ),
        sa.ForeignKeyConstraint(
            ["fiscal_year"], ["fiscal_years.year"], name=op.f("fk_screening_sheets_fiscal_year_fiscal_years")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_sheets")),
    )
    with op.batch_alter_table("screening_sheets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_screening_sheets_department_id"), ["department_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_screening_sheets_fiscal_year"), ["fiscal_year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("screening_sheets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_sheets_fiscal_year"))
        batch_op.drop_index(batch_op.f("ix_screening_sheets_department_id"))
    op.drop_table("screening_sheets")
    with op.batch_alter_table("survey_submissions", schema=None) as batch_op:
        batch_op.drop_column("kind")
