"""Turn a RawTable into a validated SurveyIn, collecting every row error in one pass.

The phases: find the header and data rows (`layout`), normalise each column over its
distinct raw values (a department writes 「定型」 a hundred times; we read it once),
resolve the per-survey values (`per_survey`), then stitch the tasks back row by row.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from inventory.errors import RowError
from inventory.survey.cells import Cell
from inventory.survey.layout import data_rows, find_header, map_columns
from inventory.survey.models import SurveyIn, TaskIn
from inventory.survey.normalize import normalize_cell
from inventory.survey.per_survey import PER_SURVEY, IntakeOptions, answered_on, survey_values, text_or_none
from inventory.survey.reader import RawTable
from inventory.survey.row_errors import ErrorSink, is_empty, too_long
from inventory.survey.schema import COLUMNS_BY_FIELD
from inventory.survey.volume import HOURS_FIELD, HOURS_INSTEAD, missing_required

MAX_ROWS = 100_000
_HOURS = COLUMNS_BY_FIELD[HOURS_FIELD].header
_OR_HOURS_COLUMN = f"。年間件数と処理時間の列の代わりに「{_HOURS}」の列でも構いません"
_OR_HOURS = f"（年間件数と処理時間の代わりに「{_HOURS}」を書いても構いません）"
_Rows = list[tuple[int, list[object]]]


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
    # A layout file may hold several 課 or 年度: the further surveys, stored with `survey` in one
    # transaction (all or none).
    others: list[SurveyIn] = field(default_factory=list)
    layout: str | None = None  # the name of the layout the file was read through, if any

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


def validate_table(raw: RawTable, options: IntakeOptions | None = None) -> ParseResult:
    """Validate a whole table; pure: no I/O, the RawTable is not changed."""
    options = options or IntakeOptions()
    return replace(_validate(raw, options), options=options)


def _validate(raw: RawTable, options: IntakeOptions) -> ParseResult:
    sink = ErrorSink(raw)
    header_index = _header_index(raw, sink)
    if header_index is None:
        return ParseResult(raw, None, sink.items)
    headers, columns = map_columns(raw.rows[header_index], header_index + 1, sink)
    rows = data_rows(raw.rows, header_index, columns["name"])
    if not rows:
        sink.add(
            "no_tasks", "業務の行がありません（見出し行の下に1件以上入力してください）", row=header_index + 1
        )
    if len(rows) > MAX_ROWS:
        sink.add("too_many_rows", f"行数が多すぎます（{len(rows):,}行、上限 {MAX_ROWS:,}行）")
        return ParseResult(raw, None, sink.items, header_index + 1, headers, [])
    parsed = _parse_columns(columns, rows)
    per_survey = survey_values(raw, options, parsed, columns, headers, rows, sink)
    tasks = _tasks(parsed, columns, headers, rows, sink)
    respondent = text_or_none(raw.cover.get("respondent"))
    for fld, header, value in (("respondent", "回答者", respondent), ("sheet", "シート名", raw.sheet)):
        if (message := too_long(fld, value)) is not None:
            sink.add("too_long", f"{header}: {message}", None, header, value)
    if sink.items or per_survey is None:
        return ParseResult(raw, None, sink.items, header_index + 1, headers, rows)
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
        answered_on=answered_on(raw, sink),
        tasks=tasks,
    )
    return ParseResult(raw, survey, sink.items, header_index + 1, headers, rows, warnings=sink.warnings)


def _header_index(raw: RawTable, sink: ErrorSink) -> int | None:
    """The header row's index, or None after saying why the sheet has no usable header."""
    if not any(not is_empty(c) for r in raw.rows for c in r):
        sink.add("empty_sheet", f"シート「{raw.sheet or raw.file_name}」にデータがありません")
        return None
    header_index, missing = find_header(raw.rows)
    if header_index is None or missing:
        names = "、".join(COLUMNS_BY_FIELD[f].header for f in missing)
        at = f"（{header_index + 1}行目を見出し行とみなしました）" if header_index is not None else ""
        sink.add(
            "missing_column",
            f"必須の列がありません: {names}{at}{_OR_HOURS_COLUMN if set(missing) & set(HOURS_INSTEAD) else ''}",
            row=None if header_index is None else header_index + 1,
        )
        return None
    return header_index


def _parse_columns(columns: dict[str, int], rows: _Rows) -> dict[str, list[Cell]]:
    """Normalise each column over its distinct values."""
    parsed: dict[str, list[Cell]] = {}
    for fld, position in columns.items():
        cache: dict[object, Cell] = {}
        out: list[Cell] = []
        for _, row in rows:
            value = row[position] if position < len(row) else None
            key = (type(value), value)
            cell = cache.get(key)
            if cell is None:
                cell = cache[key] = normalize_cell(fld, value)
            out.append(cell)
        parsed[fld] = out
    return parsed


def _tasks(
    parsed: dict[str, list[Cell]], columns: dict[str, int], headers: list[str], rows: _Rows, sink: ErrorSink
) -> list[TaskIn]:
    """Stitch each row's cells into a TaskIn; none once the file has an error."""
    tasks: list[TaskIn] = []
    for i, (excel_row, row) in enumerate(rows):
        values = _row_values(i, excel_row, row, parsed, columns, headers, sink)
        if not sink.items:
            months = values.get("peak_months")
            if isinstance(months, tuple):
                values["peak_months"] = list(months)
            tasks.append(TaskIn.model_validate(values))
    return tasks


def _row_values(
    i: int,
    excel_row: int,
    row: list[object],
    parsed: dict[str, list[Cell]],
    columns: dict[str, int],
    headers: list[str],
    sink: ErrorSink,
) -> dict[str, object]:
    """One row's field values, its problems told to the sink and its warnings kept."""
    values: dict[str, object] = {"source_row": excel_row}
    warnings: list[str] = []
    bad: set[str] = set()
    for fld, cells in parsed.items():
        if fld in PER_SURVEY:
            continue
        cell = cells[i]
        header = headers[columns[fld]]
        if cell.problem is not None:
            sink.add(cell.problem.code, cell.problem.message, excel_row, header, row[columns[fld]])
            bad.add(fld)
        elif (message := too_long(fld, cell.value)) is not None:
            sink.add("too_long", message, excel_row, header, row[columns[fld]])
            bad.add(fld)
        elif cell.warning:
            warnings.append(f"{header}: {cell.warning}")
            sink.warn("assumed", cell.warning, excel_row, header, row[columns[fld]])
        values[fld] = cell.value
    _blank_required(values, bad, columns, headers, excel_row, sink)
    values["warnings"] = warnings
    return values


def _blank_required(
    values: dict[str, object],
    bad: set[str],
    columns: dict[str, int],
    headers: list[str],
    excel_row: int,
    sink: ErrorSink,
) -> None:
    """Tell the sink each required cell left blank: 業務名, and one volume (件数 × 処理時間, or 年間時間)."""
    given = {f for f, v in values.items() if v is not None} | bad
    # A file with 年間時間 only: a row without hours is blank there, not in columns it does not have.
    missing = dict.fromkeys(f if f in columns else HOURS_FIELD for f in missing_required(given))
    for fld in missing:
        header = COLUMNS_BY_FIELD[fld].header
        hint = _OR_HOURS if fld in HOURS_INSTEAD and HOURS_FIELD in columns else ""
        sink.add("required", f"必須項目「{header}」が空欄です{hint}", excel_row, headers[columns[fld]], "")
