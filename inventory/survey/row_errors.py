"""Collect a file's row errors and warnings in one pass, and the limits a value is held to."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from inventory.errors import RowError
from inventory.survey.reader import RawTable

# The longest text each field may hold. The database columns are bounded (so is the task
# key, 課 + 業務名 in 300 characters), and PostgreSQL refuses what SQLite would silently keep.
MAX_LENGTHS = {
    "name": 200, "task_code": 100, "section": 100, "category_1": 100, "category_2": 100, "category_3": 100,
    "department": 60, "division": 100, "respondent": 100, "sheet": 200,
}  # fmt: skip


@dataclass
class ErrorSink:
    """Collects RowErrors for one file."""

    raw: RawTable
    items: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)

    def add(
        self, code: str, message: str, row: int | None = None, column: str | None = None, value: object = None
    ) -> None:
        self._append(self.items, code, message, row, column, value)

    def warn(self, code: str, message: str, row: int | None, column: str, value: object) -> None:
        """A value read with an assumption (a range as its midpoint) or left blank: said, never silent."""
        self._append(self.warnings, code, message, row, column, value)

    def _append(
        self, to: list[RowError], code: str, message: str, row: int | None, column: str | None, value: object
    ) -> None:
        text = None if value is None else cell_text(value)
        to.append(
            RowError(
                file=self.raw.file_name,
                sheet=self.raw.sheet,
                row=row,
                column=column,
                value=text,
                code=code,
                message=message,
            )
        )


def is_empty(value: object) -> bool:
    """True for None and for text of spaces only."""
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: object) -> str:
    """Spell a raw cell as the user saw it, for a header or an error's value."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else str(value)


def too_long(fld: str, value: object) -> str | None:
    """The Japanese message when a text value is longer than its field may hold, else None."""
    limit = MAX_LENGTHS.get(fld)
    if limit is None or not isinstance(value, str) or len(value) <= limit:
        return None
    return f"{len(value):,} 文字あります。{limit} 文字以内にしてください"
