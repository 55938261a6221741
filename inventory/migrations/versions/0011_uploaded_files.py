"""files sent through the web room's 提出 page

Revision ID: 0011_uploaded_files
Revises: 0010_d14
Create Date: 2026-12-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_uploaded_files"
down_revision = "0010_d14"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "uploaded_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("task_count", sa.Integer(), nullable=False),
        sa.Column("error_count", sa.Integer(), nullable=False),
        sa.Column("warning_count", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=True),
        sa.Column("error_workbook", sa.LargeBinary(), nullable=True),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("layout", sa.String(length=200), nullable=True),
        sa.Column("uploaded_by", sa.String(length=200), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('accepted', 'resubmitted', 'unchanged', 'rejected')",
            name=op.f("ck_uploaded_files_status"),
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"],
            ["survey_submissions.id"],
            name=op.f("fk_uploaded_files_submission_id_survey_submissions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_uploaded_files")),
    )
    op.create_index(op.f("ix_uploaded_files_content_hash"), "uploaded_files", ["content_hash"], unique=False)
    op.create_index(op.f("ix_uploaded_files_uploaded_at"), "uploaded_files", ["uploaded_at"], unique=False)
    op.create_index(
        "ix_uploaded_files_department_fiscal_year",
        "uploaded_files",
        ["department", "fiscal_year"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_uploaded_files_department_fiscal_year", table_name="uploaded_files")
    op.drop_index(op.f("ix_uploaded_files_uploaded_at"), table_name="uploaded_files")
    op.drop_index(op.f("ix_uploaded_files_content_hash"), table_name="uploaded_files")
    op.drop_table("uploaded_files")
