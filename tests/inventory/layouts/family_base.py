"""What every published-format family shares: the expected tasks, the one-line edit, sheet styling."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

HOURS_PER_PERSON_YEAR = 1920.0  # DOMAIN.md: 240 days × 8 h, the settings' default
_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass(frozen=True)
class Task:
    """A task the file holds, as it must be stored."""

    department: str
    name: str
    fiscal_year: int
    annual_hours: float
    hours_after: float | None = None


@dataclass(frozen=True)
class Family:
    """A built file, the tasks it holds, and the one-line edit its layout needs.

    `edit` is (the start of the line to replace, the line that replaces it).
    """

    path: Path
    tasks: list[Task]
    edit: tuple[str, str] | None = None


def apply_edit(text: str, edit: tuple[str, str]) -> str:
    """The layout text with the one line that starts with edit[0] replaced by edit[1]."""
    lines = text.splitlines()
    hits = [i for i, line in enumerate(lines) if line.startswith(edit[0])]
    assert len(hits) == 1, f"one line should start with {edit[0]!r}: {hits}"
    lines[hits[0]] = edit[1]
    return "\n".join(lines) + "\n"


def head(ws: Worksheet, ref: str, text: str, merge: str | None = None) -> None:
    ws[ref] = text
    ws[ref].font = Font(bold=True)
    ws[ref].fill = _HEAD_FILL
    ws[ref].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if merge:
        ws.merge_cells(merge)


def boxed(ws: Worksheet, cells: str) -> None:
    for row in ws[cells]:
        for cell in row:
            cell.border = _BOX


def widths(ws: Worksheet, widths: dict[str, float]) -> None:
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width


def title(ws: Worksheet, text: str, merge: str) -> None:
    ws["A1"] = text
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(merge)
