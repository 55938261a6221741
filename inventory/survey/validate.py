"""Turn a RawTable into a validated SurveyIn, collecting every row error in one pass.

Values are normalised per column over the distinct raw values (a department writes
「定型」 a hundred times; we read it once), then stitched back row by row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from inventory.errors import RowError
from inventory.survey.models import SurveyIn, TaskIn
from inventory.survey.normalize import Cell, normalize_cell, parse_date, parse_fiscal_year, parse_text
from inventory.survey.reader import RawTable
from inventory.survey.schema import (
    COLUMNS_BY_FIELD,
    HEADERS,
    REQUIRED_HEADER_FIELDS,
    TOTAL_ROW_NAMES,
    nfkc_key,
)

MAX_ROWS = 100_000
# The longest text each field may hold. The database columns are bounded (so is the task
# key, 課 + 業務名 in 300 characters), and PostgreSQL refuses what SQLite would silently keep.
MAX_LENGTHS = {
    "name": 200, "task_code": 100, "section": 100, "category_1": 100, "category_2": 100, "category_3": 100,
    "department": 60, "division": 100, "respondent": 100, "sheet": 200,
}  # fmt: skip
_TOTAL_KEYS = frozenset(nfkc_key(n) for n in TOTAL_ROW_NAMES)
_PER_SURVEY = ("fiscal_year", "department", "division")


@dataclass(frozen=True)
class IntakeOptions:
    """Values given at intake, used when neither a column nor 表紙 gives them."""

    fiscal_year: int | None = None
    department: str | None = None
    division: str | None = None


@dataclass
class _Errors:
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
        text = None if value is None else _cell_text(value)
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


@dataclass
class ParseResult:
    """A file's outcome: a survey to store, or the errors that reject it (never both)."""

    raw: RawTable
    survey: SurveyIn | None
    errors: list[RowError]
    header_row: int | None = None  # Excel row number
    headers: list[str] = field(default_factory=list)
    data_rows: list[tuple[int, list[object]]] = field(default_factory=list)
    options: IntakeOptions = field(default_factory=IntakeOptions)
    warnings: list[RowError] = field(default_factory=list)  # file, row, column, value, what was assumed

    def resubmission_cover(self) -> dict[str, object]:
        """The 表紙 values an error workbook carries: the file's own, else the intake options.

        With them the fixed error workbook is a complete submission on its own, even when
        年度 or 課 came from --fy / --dept the first time.
        """
        given = {
            "fiscal_year": self.options.fiscal_year,
            "department": self.options.department,
            "division": self.options.division,
        }
        return {k: v for k, v in given.items() if v is not None} | dict(self.raw.cover)


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else str(value)


def find_header(rows: Sequence[Sequence[object]]) -> tuple[int | None, list[str]]:
    """Return (row index, missing required fields) of the header row.

    The header is the first row naming every required field; when none does, the
    row naming the most fields is taken to report what is missing.
    """
    best: tuple[int, int] | None = None
    for index, row in enumerate(rows[:200]):
        fields = {HEADERS.field_for(cell) for cell in row if isinstance(cell, str)}
        if all(f in fields for f in REQUIRED_HEADER_FIELDS):
            return index, []
        score = len(fields - {None})
        if score and (best is None or score > best[1]):
            best = (index, score)
    if best is None:
        return None, list(REQUIRED_HEADER_FIELDS)
    row_fields = {HEADERS.field_for(cell) for cell in rows[best[0]] if isinstance(cell, str)}
    return best[0], [f for f in REQUIRED_HEADER_FIELDS if f not in row_fields]


def validate_table(raw: RawTable, options: IntakeOptions | None = None) -> ParseResult:
    """Validate a whole table; pure: no I/O, the RawTable is not changed."""
    options = options or IntakeOptions()
    return replace(_validate(raw, options), options=options)


def _validate(raw: RawTable, options: IntakeOptions) -> ParseResult:
    sink = _Errors(raw)
    errors = sink.items
    error = sink.add
    rows = raw.rows
    if not any(not _blank(c) for r in rows for c in r):
        error("empty_sheet", f"シート「{raw.sheet or raw.file_name}」にデータがありません")
        return ParseResult(raw, None, errors)
    header_index, missing = find_header(rows)
    if header_index is None or missing:
        names = "、".join(COLUMNS_BY_FIELD[f].header for f in missing)
        at = f"（{header_index + 1}行目を見出し行とみなしました）" if header_index is not None else ""
        error(
            "missing_column",
            f"必須の列がありません: {names}{at}",
            row=None if header_index is None else header_index + 1,
        )
        return ParseResult(raw, None, errors)

    header_cells = rows[header_index]
    headers = [_cell_text(c) for c in header_cells]
    columns: dict[str, int] = {}
    for position, cell in enumerate(header_cells):
        fld = HEADERS.field_for(cell) if isinstance(cell, str) else None
        if fld is None:
            continue
        if fld in columns:
            first = headers[columns[fld]]
            error(
                "duplicate_column",
                f"列「{headers[position]}」は「{first}」と同じ項目です（どちらか一方にしてください）",
                row=header_index + 1,
                column=headers[position],
            )
            continue
        columns[fld] = position

    data_rows: list[tuple[int, list[object]]] = []
    name_at = columns["name"]
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        if all(_blank(c) for c in row):
            continue
        name_key = nfkc_key(_cell_text(row[name_at])) if name_at < len(row) else ""
        if name_key in _TOTAL_KEYS or (
            not name_key and any(isinstance(c, str) and nfkc_key(c) in _TOTAL_KEYS for c in row)
        ):
            continue
        data_rows.append((index + 1, row))
    if not data_rows:
        error(
            "no_tasks", "業務の行がありません（見出し行の下に1件以上入力してください）", row=header_index + 1
        )
    if len(data_rows) > MAX_ROWS:
        error("too_many_rows", f"行数が多すぎます（{len(data_rows):,}行、上限 {MAX_ROWS:,}行）")
        return ParseResult(raw, None, errors, header_index + 1, headers, [])

    # Normalise each column over its distinct values.
    parsed: dict[str, list[Cell]] = {}
    for fld, position in columns.items():
        cache: dict[object, Cell] = {}
        out: list[Cell] = []
        for _, row in data_rows:
            value = row[position] if position < len(row) else None
            key = (type(value), value)
            cell = cache.get(key)
            if cell is None:
                cell = cache[key] = normalize_cell(fld, value)
            out.append(cell)
        parsed[fld] = out

    per_survey = _survey_values(raw, options, parsed, columns, headers, data_rows, sink)

    tasks: list[TaskIn] = []
    for i, (excel_row, row) in enumerate(data_rows):
        values: dict[str, object] = {"source_row": excel_row}
        warnings: list[str] = []
        bad: set[str] = set()
        for fld, cells in parsed.items():
            if fld in _PER_SURVEY:
                continue
            cell = cells[i]
            header = headers[columns[fld]]
            if cell.problem is not None:
                error(cell.problem.code, cell.problem.message, excel_row, header, row[columns[fld]])
                bad.add(fld)
            elif (message := _too_long(fld, cell.value)) is not None:
                error("too_long", message, excel_row, header, row[columns[fld]])
                bad.add(fld)
            elif cell.warning:
                warnings.append(f"{header}: {cell.warning}")
                sink.warn("assumed", cell.warning, excel_row, header, row[columns[fld]])
            values[fld] = cell.value
        for fld in REQUIRED_HEADER_FIELDS:
            if fld not in bad and values[fld] is None:
                error(
                    "required",
                    f"必須項目「{COLUMNS_BY_FIELD[fld].header}」が空欄です",
                    excel_row,
                    headers[columns[fld]],
                    "",
                )
                bad.add(fld)
        if not errors:
            months = values.get("peak_months")
            if isinstance(months, tuple):
                values["peak_months"] = list(months)
            values["warnings"] = warnings
            tasks.append(TaskIn.model_validate(values))

    respondent = _text_or_none(raw.cover.get("respondent"))
    for fld, header, value in (("respondent", "回答者", respondent), ("sheet", "シート名", raw.sheet)):
        if (message := _too_long(fld, value)) is not None:
            error("too_long", f"{header}: {message}", None, header, value)
    if errors or per_survey is None:
        return ParseResult(raw, None, errors, header_index + 1, headers, data_rows)
    fiscal_year, department, division = per_survey
    survey = SurveyIn(
        file_name=raw.file_name,
        content_hash=raw.content_hash,
        file_format=raw.file_format,
        sheet=raw.sheet,
        fiscal_year=fiscal_year,
        department=department,
        division=division,
        respondent=respondent,
        answered_on=_answered_on(raw, sink),
        tasks=tasks,
    )
    return ParseResult(raw, survey, errors, header_index + 1, headers, data_rows, warnings=sink.warnings)


def _survey_values(
    raw: RawTable,
    options: IntakeOptions,
    parsed: dict[str, list[Cell]],
    columns: dict[str, int],
    headers: list[str],
    data_rows: list[tuple[int, list[object]]],
    sink: _Errors,
) -> tuple[int, str, str | None] | None:
    """Resolve 年度, 課 and 部 from column, then 表紙, then the intake option."""
    error = sink.add
    resolved: dict[str, object] = {}
    for fld in _PER_SURVEY:
        header = COLUMNS_BY_FIELD[fld].header
        cells = parsed.get(fld)
        seen: dict[object, int] = {}
        if cells is not None:
            for (excel_row, row), cell in zip(data_rows, cells, strict=True):
                if cell.problem is not None:
                    error(
                        cell.problem.code,
                        cell.problem.message,
                        excel_row,
                        headers[columns[fld]],
                        row[columns[fld]],
                    )
                elif cell.value is not None:
                    if seen and cell.value not in seen:
                        first = next(iter(seen))
                        error(
                            "mixed_survey",
                            f"1つのファイルに複数の{header}があります（「{first}」と「{cell.value}」）。{header}ごとにファイルを分けてください",
                            excel_row,
                            headers[columns[fld]],
                            row[columns[fld]],
                        )
                    seen.setdefault(cell.value, excel_row)
        if seen:
            resolved[fld] = next(iter(seen))
            continue
        cover_value = raw.cover.get(fld)
        if cover_value is not None:
            cell = parse_fiscal_year(cover_value) if fld == "fiscal_year" else parse_text(cover_value)
            if cell.problem is not None:
                error(cell.problem.code, f"表紙の{header}: {cell.problem.message}", None, header, cover_value)
                continue
            if cell.value is not None:
                resolved[fld] = cell.value
                continue
        option = {
            "fiscal_year": options.fiscal_year,
            "department": options.department,
            "division": options.division,
        }[fld]
        if option is not None:
            resolved[fld] = option
    for fld, what in (("fiscal_year", "年度"), ("department", "課")):
        if fld not in resolved:
            error(
                f"missing_{fld}",
                f"{what}が分かりません。{what}の列、表紙の「{what}」、または取り込み時の指定（--{'fy' if fld == 'fiscal_year' else 'dept'}）のいずれかで指定してください",
            )
    for fld in ("department", "division"):
        if (message := _too_long(fld, resolved.get(fld))) is not None:
            header = COLUMNS_BY_FIELD[fld].header
            error("too_long", f"{header}: {message}", None, header, resolved.pop(fld))
    if "fiscal_year" not in resolved or "department" not in resolved:
        return None
    fiscal_year = resolved["fiscal_year"]
    assert isinstance(fiscal_year, int)  # parse_fiscal_year or IntakeOptions gave it
    return fiscal_year, str(resolved["department"]), _text_or_none(resolved.get("division"))


def _too_long(fld: str, value: object) -> str | None:
    """The Japanese message when a text value is longer than its field may hold, else None."""
    limit = MAX_LENGTHS.get(fld)
    if limit is None or not isinstance(value, str) or len(value) <= limit:
        return None
    return f"{len(value):,} 文字あります。{limit} 文字以内にしてください"


def _text_or_none(value: object) -> str | None:
    if _blank(value):
        return None
    return parse_text(value).value  # type: ignore[return-value]


def _answered_on(raw: RawTable, sink: _Errors) -> date | None:
    """表紙の回答日 in any spelling the reader accepts; unreadable → blank, with a warning."""
    value = raw.cover.get("answered_on")
    cell = parse_date(value)
    if cell.problem is not None:
        message = f"表紙の回答日: {cell.problem.message}。回答日は空欄として取り込みました"
        sink.warn(cell.problem.code, message, None, "回答日", value)
        return None
    return cell.value if isinstance(cell.value, date) else None
