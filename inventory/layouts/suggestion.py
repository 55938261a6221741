"""What `dxi layout suggest` found in a workbook: the guessed layout and what it rests on.

Plain dataclasses shared by the guessing modules (suggest_table, suggest_vertical,
suggest_sources), the TOML writer and the CLI; no logic beyond naming cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Form = Literal["table", "vertical"]
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: object) -> str:
    """A cell's text fit for a TOML comment or a terminal line: control characters shown as ?."""
    return _CONTROL.sub("?", str(text)).replace("\n", " ").replace("\t", " ")


@dataclass(frozen=True)
class FieldGuess:
    """A field mapped to a heading (table) or a label (vertical)."""

    field: str
    heading: str  # the heading text as read, rows joined
    sheet: str
    row: int  # 1-based Excel row of the heading or label
    column: str  # Excel letter of the column read
    unit: str | None = None
    unit_from: str = ""  # 見出し / 値 / 区分の見出し / 既定: where the unit was read
    score: float = 100.0


@dataclass(frozen=True)
class LeftOut:
    """A heading that was recognised or seen but is not read, and why."""

    heading: str
    where: str  # 調査票 D5
    reason: str


@dataclass(frozen=True)
class Source:
    """Where the 課 or the 年度 of each task comes from."""

    source: Literal["column", "sheet_name", "cell", "name_pattern", "file_name", "fixed"]
    found: str  # what it rests on, in Japanese, for the report and the TOML comment
    heading: str | None = None  # column (table) or label (vertical)
    sheet: str | None = None
    cell: str | None = None
    pattern: str | None = None
    value: str | int | None = None  # fixed value; "" when the user must fill it in
    example: str | int | None = None  # the value it gives for the first task

    @property
    def needs_edit(self) -> bool:
        return self.source == "fixed" and self.value in ("", None)


@dataclass(frozen=True)
class Missing:
    """A field that could not be mapped, with what the user should edit."""

    field: str
    what_to_edit: str
    required: bool = True


@dataclass
class Suggestion:
    """The layout guessed for one file, and everything the report says about it."""

    file_name: str
    name: str
    form: Form
    sheets: list[str]  # the task sheets found
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    header_rows: list[int] = field(default_factory=list)
    data_start_row: int | None = None  # None: the row after the headings
    label_column: str | None = None
    value_column: str | None = None
    skip_names: list[str] = field(default_factory=list)
    fields: list[FieldGuess] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    department: Source | None = None
    fiscal_year: Source | None = None
    sample_names: list[str] = field(default_factory=list)

    def field_guess(self, name: str) -> FieldGuess | None:
        return next((g for g in self.fields if g.field == name), None)
