"""Every application table has the Japanese name that backup and restore show a person."""

from __future__ import annotations

from inventory.db import (
    account_tables,  # noqa: F401  (register every table)
    all_tables,  # noqa: F401  (register every table)
    campaign_tables,  # noqa: F401  (register every table)
)
from inventory.db.table_labels import TABLE_LABELS, table_label
from inventory.db.tables import Base
from tests.japanese import english_words


def test_every_table_has_a_japanese_label() -> None:
    tables = set(Base.metadata.tables)
    assert tables <= set(TABLE_LABELS), sorted(tables - set(TABLE_LABELS))
    assert all(not english_words(table_label(name)) for name in tables)
