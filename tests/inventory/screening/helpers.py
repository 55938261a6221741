"""Screening workbooks as the tests need them: written by us, filled in as a 課 would with openpyxl."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from inventory.screening.fields import SCREENING_SHEET
from inventory.screening.writer import write_screening_workbook

TASKS: list[dict[str, Any]] = [
    {"section": "市民税係", "task_code": "A-001", "name": "住民税の申告書入力", "annual_volume": 12000.0,
     "minutes_per_case": 5.0, "annual_hours": 1000.0},
    {"section": "資産税係", "task_code": None, "name": "固定資産税の課税台帳の更新", "annual_volume": None,
     "minutes_per_case": None, "annual_hours": 400.0, "routine": "定型"},
    {"section": None, "task_code": "A-014", "name": "=HYPERLINK(\"http://example.invalid\",\"支出命令\")",
     "annual_volume": 2400.0, "minutes_per_case": 10.0, "annual_hours": 400.0, "documented": True},
]  # fmt: skip


def write_sheet(path: Path, tasks: list[dict[str, Any]] | None = None, department: str = "税務課") -> Path:
    """Our screening workbook for 令和7年度 and `department`."""
    return write_screening_workbook(
        path,
        fiscal_year=2025,
        department=department,
        division="総務部",
        tasks=TASKS if tasks is None else tasks,
    )


def fill(
    source: Path,
    target: Path,
    answers: Mapping[int, Mapping[str, object]],
    *,
    cover: Mapping[str, object] | None = None,
) -> Path:
    """Fill the sheet as a 課 does: `answers` is Excel row → {header: value}; save under `target`."""
    book = load_workbook(source)
    sheet = book[SCREENING_SHEET]
    headers = {cell.value: cell.column for cell in sheet[1]}
    for row, values in answers.items():
        for header, value in values.items():
            sheet.cell(row=row, column=headers[header]).value = value
    labels = {row[0].value: row[1] for row in book["表紙"].iter_rows(min_row=1, max_col=2)}
    for label, value in (cover or {"回答者": "山田 花子"}).items():
        labels[label].value = value
    book.save(target)
    return target
