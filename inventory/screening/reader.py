"""Read a returned screening workbook (二次調査票) into answers per row, collecting every error.

Pure: a RawTable in (the `二次調査票` sheet and the 表紙 pairs, as the survey reader opens
them), a `ScreeningParse` out. Headers and values are read with the survey's own schema
and normalisers. A blank attribute is no answer (the stored value stays); the reference
columns are never read. Which stored task a row means is `matching`'s job.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from inventory.errors import RowError
from inventory.screening.fields import ATTRIBUTE_FIELDS, KEY_FIELDS
from inventory.survey.cells import parse_text
from inventory.survey.dates import parse_date, parse_fiscal_year
from inventory.survey.normalize import normalize_cell
from inventory.survey.per_survey import IntakeOptions
from inventory.survey.reader import RawTable
from inventory.survey.schema import COLUMNS_BY_FIELD, HEADERS

MAX_ROWS = 10_000
HEADER_SEARCH_ROWS = 30
MAX_KEY_LENGTHS = {"task_code": 100, "name": 200}
_READ = frozenset((*KEY_FIELDS, *ATTRIBUTE_FIELDS))


class ScreeningRow(BaseModel):
    """One answered row: the keys that find its task and the attributes it answers."""

    model_config = ConfigDict(frozen=True)

    source_row: int
    task_code: str | None
    name: str | None
    answers: dict[str, Any]


class ScreeningIn(BaseModel):
    """A whole screening file, read and checked: what one transaction applies."""

    file_name: str
    content_hash: str
    file_format: str
    sheet: str | None
    fiscal_year: int
    department: str
    respondent: str | None = None
    answered_on: date | None = None
    rows: list[ScreeningRow]


@dataclass
class ScreeningParse:
    """A screening file's outcome: answers to apply, or the errors that reject it (never both)."""

    raw: RawTable
    screening: ScreeningIn | None
    errors: list[RowError]
    header_row: int | None = None  # Excel row number
    headers: list[str] = field(default_factory=list)
    data_rows: list[tuple[int, list[object]]] = field(default_factory=list)
    options: IntakeOptions = field(default_factory=IntakeOptions)
    warnings: list[RowError] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)  # field → position in the row

    def resubmission_cover(self) -> dict[str, object]:
        """The 表紙 values an error workbook carries, so the fixed file is complete on its own."""
        given = {"fiscal_year": self.options.fiscal_year, "department": self.options.department}
        return {k: v for k, v in given.items() if v is not None} | dict(self.raw.cover)

    def header_of(self, fld: str) -> str:
        """The header the file itself uses for a field (or the canonical one)."""
        position = self.columns.get(fld)
        return self.headers[position] if position is not None else COLUMNS_BY_FIELD[fld].header


@dataclass
class _Sink:
    raw: RawTable
    errors: list[RowError] = field(default_factory=list)

    def add(
        self, code: str, message: str, row: int | None = None, column: str | None = None, value: object = None
    ) -> None:
        text = None if value is None else cell_text(value)
        self.errors.append(
            RowError(
                file=self.raw.file_name, sheet=self.raw.sheet, row=row, column=column, value=text,
                code=code, message=message,
            )
        )  # fmt: skip


def cell_text(value: object) -> str:
    """A raw cell as the clerk sees it (12 not 12.0, dates in ISO)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else str(value)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_row(rows: Sequence[Sequence[object]]) -> int | None:
    """The first row naming 業務名 and at least one attribute."""
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        fields = {HEADERS.field_for(c) for c in row if isinstance(c, str)}
        if "name" in fields and fields & set(ATTRIBUTE_FIELDS):
            return index
    return None


def parse_screening(raw: RawTable, options: IntakeOptions | None = None) -> ScreeningParse:
    """Read every row's answers; any error rejects the whole file."""
    options = options or IntakeOptions()
    sink = _Sink(raw)
    result = ScreeningParse(raw, None, sink.errors, options=options)
    header_index = _header_row(raw.rows)
    if header_index is None:
        attributes = "・".join(COLUMNS_BY_FIELD[f].header for f in ATTRIBUTE_FIELDS[:3])
        sink.add(
            "missing_column",
            f"見出し行が見つかりません（「業務名」と、{attributes} などの項目が並んだ行が必要です）。"
            "送付した二次調査票の見出しを変えずに記入してください",
        )
        return result
    result.header_row = header_index + 1
    result.headers = [cell_text(c) for c in raw.rows[header_index]]
    result.columns = _columns(raw.rows[header_index], result.headers, header_index + 1, sink)
    result.data_rows = [
        (index + 1, list(row))
        for index, row in enumerate(raw.rows[header_index + 1 :], start=header_index + 1)
        if not all(_blank(c) for c in row)
    ]
    if len(result.data_rows) > MAX_ROWS:
        sink.add("too_many_rows", f"行数が多すぎます（{len(result.data_rows):,}行、上限 {MAX_ROWS:,}行）")
        result.data_rows = []
        return result
    rows = [r for r in (_read_row(result, n, row, sink) for n, row in result.data_rows) if r is not None]
    per_file = _per_file(raw, options, sink)
    if not rows and not sink.errors:
        sink.add("no_answers", "回答が1件もありません。色の付いたセルに記入してから返送してください")
    if sink.errors or per_file is None:
        return result
    fiscal_year, department, respondent, answered_on = per_file
    result.screening = ScreeningIn(
        file_name=raw.file_name, content_hash=raw.content_hash, file_format=raw.file_format, sheet=raw.sheet,
        fiscal_year=fiscal_year, department=department, respondent=respondent, answered_on=answered_on,
        rows=rows,
    )  # fmt: skip
    return result


def _columns(header: Sequence[object], headers: list[str], excel_row: int, sink: _Sink) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, cell in enumerate(header):
        fld = HEADERS.field_for(cell) if isinstance(cell, str) else None
        if fld not in _READ:
            continue  # reference columns, エラー内容, anything a clerk added
        if fld in columns:
            sink.add(
                "duplicate_column",
                f"列「{headers[position]}」は「{headers[columns[fld]]}」と同じ項目です（どちらか一方にしてください）",
                excel_row,
                headers[position],
            )
            continue
        columns[fld] = position
    return columns


def _read_row(result: ScreeningParse, excel_row: int, row: list[object], sink: _Sink) -> ScreeningRow | None:
    """One row's keys and answers; None when it answers nothing or has an error."""
    values: dict[str, object] = {}
    failed = False
    for fld, position in result.columns.items():
        raw_value = row[position] if position < len(row) else None
        cell = normalize_cell(fld, raw_value)
        limit = MAX_KEY_LENGTHS.get(fld)
        if cell.problem is not None:
            sink.add(cell.problem.code, cell.problem.message, excel_row, result.headers[position], raw_value)
            failed = True
        elif limit is not None and isinstance(cell.value, str) and len(cell.value) > limit:
            message = f"{len(cell.value):,} 文字あります。{limit} 文字以内にしてください"
            sink.add("too_long", message, excel_row, result.headers[position], raw_value)
            failed = True
        elif cell.value is not None:
            values[fld] = list(cell.value) if isinstance(cell.value, tuple) else cell.value
    answers = {f: v for f, v in values.items() if f in ATTRIBUTE_FIELDS}
    code, name = values.get("task_code"), values.get("name")
    if answers and code is None and name is None:
        sink.add(
            "missing_key",
            "業務ID・業務名がどちらも空欄のため、どの業務の回答か分かりません。送付したときの業務ID・業務名を戻してください",
            excel_row,
            result.header_of("name"),
            "",
        )
        return None
    if failed or not answers:
        return None
    return ScreeningRow(source_row=excel_row, task_code=_str(code), name=_str(name), answers=answers)


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _per_file(
    raw: RawTable, options: IntakeOptions, sink: _Sink
) -> tuple[int, str, str | None, date | None] | None:
    """年度 and 課 from 表紙 (else the intake options), 回答者 and 回答日 when given."""
    year_cell = parse_fiscal_year(raw.cover.get("fiscal_year"))
    dept_cell = parse_text(raw.cover.get("department"))
    for cell, label, value in (
        (year_cell, "年度", raw.cover.get("fiscal_year")),
        (dept_cell, "課", raw.cover.get("department")),
    ):
        if cell.problem is not None:
            sink.add(cell.problem.code, f"表紙の{label}: {cell.problem.message}", None, label, value)
    fiscal_year = year_cell.value if year_cell.value is not None else options.fiscal_year
    department = dept_cell.value if dept_cell.value is not None else options.department
    for found, fld, what, flag in (
        (fiscal_year, "fiscal_year", "年度", "--fy"),
        (department, "department", "課", "--dept"),
    ):
        if found is None and not any(e.column == what and e.row is None for e in sink.errors):
            sink.add(
                f"missing_{fld}",
                f"{what}が分かりません。表紙の「{what}」に記入するか、取り込み時に {flag} で指定してください",
            )
    respondent = parse_text(raw.cover.get("respondent")).value
    answered = parse_date(raw.cover.get("answered_on")).value
    if not isinstance(fiscal_year, int) or not isinstance(department, str):
        return None
    return (
        fiscal_year,
        department,
        str(respondent)[:100] if respondent else None,
        answered if isinstance(answered, date) else None,
    )
