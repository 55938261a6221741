"""minimum data: stated hours, hours after, suitability attributes optional

A task needs a name, a 課, a 年度 and one volume: cases × minutes, or hours stated
directly. Cases, minutes and the suitability attributes become nullable (NULL =
unknown); `stated_hours` keeps hours as stated, `hours_after` marks automated work.
`annual_hours` keeps its meaning: the task's hours, whichever way they were given.
A task score names the attributes it assumed neutral (`missing_attributes`, 属性未確認).

Revision ID: 0007_minimum_data
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_minimum_data"
down_revision = "0006"
branch_labels = None
depends_on = None

_NOW_NULLABLE = (
    ("routine", sa.String(length=20)),
    ("judgement", sa.String(length=20)),
    ("input_medium", sa.String(length=20)),
    ("annual_volume", sa.Float()),
    ("minutes_per_case", sa.Float()),
)


def upgrade() -> None:
    # On SQLite the batch rebuilds `tasks`, which reviews, scores and pilots point at:
    # inventory.db.migrate.upgrade runs it with foreign keys checked at the end.
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stated_hours", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("hours_after", sa.Float(), nullable=True))
        for name, type_ in _NOW_NULLABLE:
            batch_op.alter_column(name, existing_type=type_, nullable=True)
    with op.batch_alter_table("task_scores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("missing_attributes", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Tasks stored with hours only or unknown attributes cannot go back: refuse, keep the data.
    incomplete = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT count(*) FROM tasks WHERE "
                + " OR ".join(f"{name} IS NULL" for name, _ in _NOW_NULLABLE)
            )
        )
        .scalar_one()
    )
    if incomplete:
        raise RuntimeError(
            f"{incomplete} tasks have hours only or unknown attributes; revision 0006 cannot hold them"
        )
    with op.batch_alter_table("task_scores", schema=None) as batch_op:
        batch_op.drop_column("missing_attributes")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        for name, type_ in _NOW_NULLABLE:
            batch_op.alter_column(name, existing_type=type_, nullable=False)
        batch_op.drop_column("hours_after")
        batch_op.drop_column("stated_hours")
