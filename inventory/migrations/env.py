"""Alembic environment: runs on the connection `inventory.db.migrate` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from inventory.db import (
    account_tables,  # noqa: F401  (registers the web UI's tables on Base)
    all_tables,  # noqa: F401  (imports every inventory/db/*_tables.py)
    campaign_tables,  # noqa: F401  (registers the tables on Base)
    overtime_tables,  # noqa: F401  (registers the tables on Base)
    pilot_tables,  # noqa: F401  (registers the tables on Base)
    scoring_tables,  # noqa: F401  (registers the tables on Base)
)
from inventory.db.tables import Base

config = context.config


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:  # `alembic` run by hand: use the configured database
    from inventory.db.engine import make_engine
    from inventory.settings import get_settings

    with make_engine(get_settings().db_url).connect() as conn:
        _run(conn)
else:
    _run(connection)
