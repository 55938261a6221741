"""Read the list of tasks to screen (`dxi screening --tasks FILE`) and find them among the stored ones.

The list is a CSV or workbook with a header row naming 業務ID, or 課 and 業務名 (any
spelling the survey accepts). Pure: a RawTable and the 年度's tasks in, the chosen tasks
and Japanese errors (file, row, column, value) out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol, TypeVar

from inventory.errors import RowError
from inventory.screening.matching import code_key
from inventory.screening.reader import cell_text
from inventory.survey.cells import parse_text
from inventory.survey.reader import RawTable
from inventory.survey.schema import COLUMNS_BY_FIELD, HEADERS, nfkc_key

LIST_FIELDS = ("department", "task_code", "name")
HEADER_SEARCH_ROWS = 30
RANKING_MARKS = frozenset({"RPA適性", "AI-OCR適性"})  # headings only a ranking export has


class Listed(Protocol):
    """What a stored task must offer to be found from the list."""

    @property
    def department(self) -> str: ...
    @property
    def task_code(self) -> str | None: ...
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=Listed)


@dataclass(frozen=True)
class ListEntry:
    """One row of the list: the Excel/CSV row and what it names."""

    row: int
    department: str | None
    task_code: str | None
    name: str | None


def read_entries(raw: RawTable) -> tuple[list[ListEntry], list[RowError]]:
    """The rows of the list under its header row (業務ID, or 課 + 業務名).

    A ranking export (`dxi rank`, the web's 候補一覧) also fits: its 業務ID column holds
    the database's row id, not the 課's 業務ID, so its 課 and 業務名 are read instead.
    """
    for index, row in enumerate(raw.rows[:HEADER_SEARCH_ROWS]):
        columns = {
            fld: i
            for i, cell in reversed(list(enumerate(row)))
            if isinstance(cell, str) and (fld := HEADERS.field_for(cell)) in LIST_FIELDS
        }
        if {"department", "name"} <= columns.keys() and any(c in RANKING_MARKS for c in row):
            columns.pop("task_code", None)
        if "task_code" in columns or {"department", "name"} <= columns.keys():
            return _entries(raw, index, columns), []
    message = "見出し行が見つかりません。1行目に「業務ID」、または「課」と「業務名」の見出しを付けてください"
    return [], [RowError(file=raw.file_name, sheet=raw.sheet, code="missing_column", message=message)]


def _entries(raw: RawTable, header: int, columns: dict[str, int]) -> list[ListEntry]:
    entries = []
    for index, row in enumerate(raw.rows[header + 1 :], start=header + 2):
        values = {
            fld: parse_text(cell_text(row[i]) if i < len(row) else None).value for fld, i in columns.items()
        }
        if any(values.values()):
            entries.append(ListEntry(index, *(_text(values.get(f)) for f in LIST_FIELDS)))
    return entries


def _text(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def find_listed(
    entries: Sequence[ListEntry], tasks: Sequence[T], *, file: str, sheet: str | None
) -> tuple[list[T], list[RowError]]:
    """The tasks the list names, in its order (each once); an entry naming none or several is an error."""
    chosen: dict[int, T] = {}
    errors = []
    for entry in entries:
        hits = [t for t in tasks if _names(entry, t)]
        if not hits and entry.task_code and entry.name:  # a mistyped 業務ID: the name decides
            hits = [t for t in tasks if _names(replace(entry, task_code=None), t)]
        if len(hits) == 1:
            chosen.setdefault(id(hits[0]), hits[0])
            continue
        column = COLUMNS_BY_FIELD["task_code" if entry.task_code else "name"].header
        value = entry.task_code or entry.name
        what = "・".join(
            f"{COLUMNS_BY_FIELD[f].header}「{v}」"
            for f, v in zip(LIST_FIELDS, (entry.department, entry.task_code, entry.name), strict=True)
            if v
        )
        if hits:
            message = f"{what}に当たる業務が {len(hits)} 件あります（{'、'.join(sorted({t.department for t in hits}))}）。課を加えてください"
        else:
            message = f"{what}に当たる業務は、この年度の業務一覧にありません"
        errors.append(
            RowError(file=file, sheet=sheet, row=entry.row, column=column, value=value,
                     code="ambiguous_task" if hits else "unmatched_task", message=message)
        )  # fmt: skip
    return list(chosen.values()), errors


def _names(entry: ListEntry, task: Listed) -> bool:
    if entry.department and nfkc_key(entry.department) != nfkc_key(task.department):
        return False
    if entry.task_code:
        return bool(task.task_code) and code_key(entry.task_code) == code_key(task.task_code or "")
    return entry.name is not None and nfkc_key(entry.name) == nfkc_key(task.name)
