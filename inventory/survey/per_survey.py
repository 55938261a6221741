"""Resolve what one survey file states once: 年度, 課, 部 and the 表紙's 回答日.

Each comes from its column, else the 表紙, else the value given at intake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from inventory.survey.cells import Cell, parse_text
from inventory.survey.dates import parse_date, parse_fiscal_year
from inventory.survey.reader import RawTable
from inventory.survey.row_errors import ErrorSink, is_empty, too_long
from inventory.survey.schema import COLUMNS_BY_FIELD

PER_SURVEY = ("fiscal_year", "department", "division")


@dataclass(frozen=True)
class IntakeOptions:
    """Values given at intake, used when neither a column nor 表紙 gives them.

    `layout` names how to read a municipality's own workbook (a layout file or a saved
    layout's name, see inventory.layouts); None reads the product's own template.
    """

    fiscal_year: int | None = None
    department: str | None = None
    division: str | None = None
    layout: str | None = None


def survey_values(
    raw: RawTable,
    options: IntakeOptions,
    parsed: dict[str, list[Cell]],
    columns: dict[str, int],
    headers: list[str],
    data_rows: list[tuple[int, list[object]]],
    sink: ErrorSink,
) -> tuple[int, str, str | None] | None:
    """Resolve 年度, 課 and 部 from column, then 表紙, then the intake option."""
    resolved: dict[str, object] = {}
    for fld in PER_SURVEY:
        seen = _column_values(fld, parsed.get(fld), columns, headers, data_rows, sink)
        if seen:
            resolved[fld] = next(iter(seen))
        elif (value := _cover_or_option(fld, raw, options, sink)) is not None:
            resolved[fld] = value
    return _checked(resolved, sink)


def _column_values(
    fld: str,
    cells: list[Cell] | None,
    columns: dict[str, int],
    headers: list[str],
    data_rows: list[tuple[int, list[object]]],
    sink: ErrorSink,
) -> dict[object, int]:
    """The distinct values of a per-survey column in row order; a second one is an error."""
    header = COLUMNS_BY_FIELD[fld].header
    seen: dict[object, int] = {}
    if cells is None:
        return seen
    for (excel_row, row), cell in zip(data_rows, cells, strict=True):
        if cell.problem is not None:
            sink.add(
                cell.problem.code,
                cell.problem.message,
                excel_row,
                headers[columns[fld]],
                row[columns[fld]],
            )
        elif cell.value is not None:
            if seen and cell.value not in seen:
                first = next(iter(seen))
                sink.add(
                    "mixed_survey",
                    f"1つのファイルに複数の{header}があります（「{first}」と「{cell.value}」）。{header}ごとにファイルを分けてください",
                    excel_row,
                    headers[columns[fld]],
                    row[columns[fld]],
                )
            seen.setdefault(cell.value, excel_row)
    return seen


def _cover_or_option(fld: str, raw: RawTable, options: IntakeOptions, sink: ErrorSink) -> object:
    """The 表紙 value of a field, else its intake option; None when neither gives one."""
    header = COLUMNS_BY_FIELD[fld].header
    cover_value = raw.cover.get(fld)
    if cover_value is not None:
        cell = parse_fiscal_year(cover_value) if fld == "fiscal_year" else parse_text(cover_value)
        if cell.problem is not None:
            sink.add(cell.problem.code, f"表紙の{header}: {cell.problem.message}", None, header, cover_value)
            return None
        if cell.value is not None:
            return cell.value
    return {
        "fiscal_year": options.fiscal_year,
        "department": options.department,
        "division": options.division,
    }[fld]


def _checked(resolved: dict[str, object], sink: ErrorSink) -> tuple[int, str, str | None] | None:
    """Refuse a survey without 年度 or 課, or with a 課 or 部 too long to store."""
    for fld, what in (("fiscal_year", "年度"), ("department", "課")):
        if fld not in resolved:
            sink.add(
                f"missing_{fld}",
                f"{what}が分かりません。{what}の列、表紙の「{what}」、または取り込み時の指定（--{'fy' if fld == 'fiscal_year' else 'dept'}）のいずれかで指定してください",
            )
    for fld in ("department", "division"):
        if (message := too_long(fld, resolved.get(fld))) is not None:
            header = COLUMNS_BY_FIELD[fld].header
            sink.add("too_long", f"{header}: {message}", None, header, resolved.pop(fld))
    if "fiscal_year" not in resolved or "department" not in resolved:
        return None
    fiscal_year = resolved["fiscal_year"]
    assert isinstance(fiscal_year, int)  # parse_fiscal_year or IntakeOptions gave it
    return fiscal_year, str(resolved["department"]), text_or_none(resolved.get("division"))


def text_or_none(value: object) -> str | None:
    """Free text read as the survey reads it, None when blank."""
    if is_empty(value):
        return None
    return parse_text(value).value  # type: ignore[return-value]


def answered_on(raw: RawTable, sink: ErrorSink) -> date | None:
    """表紙の回答日 in any spelling the reader accepts; unreadable → blank, with a warning."""
    value = raw.cover.get("answered_on")
    cell = parse_date(value)
    if cell.problem is not None:
        message = f"表紙の回答日: {cell.problem.message}。回答日は空欄として取り込みました"
        sink.warn(cell.problem.code, message, None, "回答日", value)
        return None
    return cell.value if isinstance(cell.value, date) else None
