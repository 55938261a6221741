"""web accounts and sessions

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# A covering index for the ranking page's narrow queries (see inventory/db/account_tables.py).
RANKING_COLUMNS = [
    "run_id", "rank", "recommended_tool", "quadrant", "knocked_out", "expected_hours_saved", "priority",
    "rpa_score", "ocr_score", "ease_score", "task_key", "task_id",
]  # fmt: skip


def upgrade() -> None:
    op.create_table(
        "web_users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("department", sa.String(length=200), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role <> 'dept' OR department IS NOT NULL", name=op.f("ck_web_users_dept_has_department")
        ),
        sa.CheckConstraint("role IN ('admin', 'reviewer', 'dept')", name=op.f("ck_web_users_role")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_users")),
        sa.UniqueConstraint("name", name=op.f("uq_web_users_name")),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["web_users.id"], name=op.f("fk_web_sessions_user_id_web_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_web_sessions")),
    )
    op.create_index(op.f("ix_web_sessions_expires_at"), "web_sessions", ["expires_at"], unique=False)
    op.create_index(op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"], unique=False)
    op.create_table(
        "web_login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_login_attempts")),
    )
    op.create_index("ix_web_login_attempts_client_at", "web_login_attempts", ["client", "at"], unique=False)
    op.create_index(
        "ix_web_login_attempts_username_at", "web_login_attempts", ["username", "at"], unique=False
    )
    # The ranking page's queries (see inventory/db/web_repo.py).
    op.create_index("ix_reviews_task_key_id", "reviews", ["task_key", "id"], unique=False)
    op.create_index("ix_task_scores_ranking", "task_scores", RANKING_COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_task_scores_ranking", table_name="task_scores")
    op.drop_index("ix_reviews_task_key_id", table_name="reviews")
    op.drop_index("ix_web_login_attempts_username_at", table_name="web_login_attempts")
    op.drop_index("ix_web_login_attempts_client_at", table_name="web_login_attempts")
    op.drop_table("web_login_attempts")
    op.drop_index(op.f("ix_web_sessions_user_id"), table_name="web_sessions")
    op.drop_index(op.f("ix_web_sessions_expires_at"), table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("web_users")
