"""Errors of the inventory package.

InventoryError               base; .message is Japanese and shown to the user
├── SettingsError            a setting is missing or unsafe
├── LayoutError              a layout file (様式) is malformed, or no saved layout has that name
├── UnreadableFileError      not a workbook/CSV we can open (corrupt, encrypted, wrong type)
├── SurveyRejectedError      the file was read but has row errors; nothing was stored
├── DatabaseNotReadyError    the database is missing tables or needs `dxi init`
└── NotFoundError            a requested record does not exist

RowError                     one bad cell (or file-level problem), as every intake reports it
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class InventoryError(Exception):
    """Base of every error this package raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SettingsError(InventoryError):
    """A setting is missing, malformed or unsafe."""


class LayoutError(InventoryError):
    """A layout file cannot be used: bad TOML, unknown keys, wrong types, or no such saved layout."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class UnreadableFileError(InventoryError):
    """The file cannot be opened as a survey workbook or CSV."""


class SurveyRejectedError(InventoryError):
    """The file was read but has row errors; nothing from it was stored."""

    def __init__(self, message: str, errors: list[RowError]) -> None:
        super().__init__(message)
        self.errors = errors


class DatabaseNotReadyError(InventoryError):
    """The database has no tables yet, or an old schema: run `dxi init`."""


class NotFoundError(InventoryError):
    """A requested record does not exist."""


class RowError(BaseModel):
    """One bad cell (or a file-level problem, when row/column are None)."""

    model_config = ConfigDict(frozen=True)

    file: str
    sheet: str | None = None
    row: int | None = Field(default=None, description="Excel row number as the user sees it")
    column: str | None = Field(default=None, description="the header as written in the file")
    value: str | None = None
    code: str
    message: str
