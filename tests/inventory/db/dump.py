"""Read every value of every table, for tests that compare whole database states or grep them."""

from __future__ import annotations

from sqlalchemy import Engine, MetaData, select


def dump_database(engine: Engine) -> dict[str, list[tuple[str, ...]]]:
    """Every table of the live database (reflected, so nothing is missed) → its rows as sorted text tuples."""
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        return {
            name: sorted(tuple(repr(v) for v in row) for row in conn.execute(select(table)))
            for name, table in sorted(metadata.tables.items())
        }


def database_text(engine: Engine) -> str:
    """One string holding every stored value (JSON columns included), for 'appears nowhere' checks."""
    return "\n".join(f"{name}: {row}" for name, rows in dump_database(engine).items() for row in rows)
