"""Import every table module, so `Base.metadata` holds the whole schema.

Migrations (env.py), the test fixtures and the backup all import this one module:
a table added in a new `inventory/db/*_tables.py` is then seen by all three without
anyone having to remember a list.
"""

from __future__ import annotations

import importlib
import pkgutil

import inventory.db
from inventory.db.tables import Base


def _import_table_modules() -> list[str]:
    names = sorted(
        info.name
        for info in pkgutil.iter_modules(inventory.db.__path__)
        if info.name == "tables" or info.name.endswith("_tables")
    )
    for name in names:
        importlib.import_module(f"inventory.db.{name}")
    return names


TABLE_MODULES = _import_table_modules()
metadata = Base.metadata
