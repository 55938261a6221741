"""Read a 時間外勤務実績 file (monthly overtime from HR/payroll) into per-課 monthly figures.

Pure: bytes in, validated months or every row error out; nothing is stored here.
A per-staff file (it has a 職員番号 column) is summed per 課 × month. Each id is
replaced by a keyed HMAC-SHA256 pseudonym the moment it is read, the pseudonyms are
only counted, and even they are dropped before returning: no staff id, clear or
pseudonymised, leaves this module, only counts do. The header spellings and cell
readers live in `inventory.overtime.columns`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from inventory.errors import RowError, SettingsError
from inventory.overtime.columns import (
    CELL_PARSERS,
    HEADER_OF,
    OvertimeCode,
    blank,
    cell_text,
    find_overtime_header,
    overtime_field,
    pseudonymise,
    unknown_department_message,
)
from inventory.survey.cells import ReasonCode
from inventory.survey.dates import fiscal_year_of
from inventory.survey.reader import RawTable, read_table_bytes
from inventory.survey.schema import TOTAL_ROW_NAMES, nfkc_key

_SHEET_WORDS = ("時間外", "超過勤務", "超勤", "残業")
_TOTAL_KEYS = frozenset(nfkc_key(n) for n in TOTAL_ROW_NAMES)
MAX_ROWS = 300_000  # 2,000 staff × 12 months × a few payroll lines each


class OvertimeMonthIn(BaseModel):
    """One 課's overtime in one calendar month, ready to store."""

    model_config = ConfigDict(frozen=True)

    department: str
    year: int
    month: int = Field(ge=1, le=12)
    overtime_hours: float = Field(ge=0)
    headcount: int = Field(gt=0)

    @property
    def fiscal_year(self) -> int:
        """年度 (April–March) of the month: 2025-03 is FY2024."""
        return fiscal_year_of(self.year, self.month)


@dataclass(frozen=True)
class OvertimeParse:
    """A file's outcome: months to store, or the errors that reject it (never both)."""

    file_name: str
    content_hash: str
    file_format: str
    sheet: str | None
    per_staff: bool
    months: list[OvertimeMonthIn]
    errors: list[RowError]
    staff_count: int = 0  # distinct staff of a per-staff file: a count, never the ids


def overtime_sheet(names: list[str]) -> str:
    """The sheet to read: the first named like 時間外/超過勤務/残業, else the first sheet."""
    return next((n for n in names if any(w in nfkc_key(n) for w in _SHEET_WORDS)), names[0])


def read_overtime_bytes(
    data: bytes,
    file_name: str,
    *,
    known_departments: Collection[str],
    pseudonym_key: Callable[[], bytes] | None = None,
) -> OvertimeParse:
    """Open an overtime xlsx/CSV (UTF-8, BOM or cp932) and validate it; see `validate_overtime`."""
    raw = read_table_bytes(data, file_name, pick_sheet=overtime_sheet)
    return validate_overtime(raw, known_departments=known_departments, pseudonym_key=pseudonym_key)


def validate_overtime(
    raw: RawTable, *, known_departments: Collection[str], pseudonym_key: Callable[[], bytes] | None = None
) -> OvertimeParse:
    """Validate a whole overtime table in one pass and sum it per 課 × month.

    `pseudonym_key` is called only for a per-staff file, so a per-課 file needs no key.
    Headcount is the 職員数 column when there is one (in a per-staff file every row of
    a 課 × month must then agree), else the number of distinct staff that month.
    """
    reader = _RowReader(raw, {nfkc_key(k): k for k in known_departments})
    if not reader.find_columns():
        return reader.outcome([])
    if reader.per_staff:
        if pseudonym_key is None:
            raise SettingsError("職員番号を含むファイルを読むには仮名化の鍵（DXI_PSEUDONYM_KEY）が必要です")
        reader.key = pseudonym_key()
    rows = raw.rows
    data_rows = [(i + 1, rows[i]) for i in range(reader.header_row, len(rows)) if not reader.skipped(rows[i])]
    if not data_rows:
        reader.add(
            "no_rows", "データの行がありません（見出し行の下に1件以上入力してください）", reader.header_row
        )
    if len(data_rows) > MAX_ROWS:
        reader.add("too_many_rows", f"行数が多すぎます（{len(data_rows):,}行、上限 {MAX_ROWS:,}行）")
        return reader.outcome([])
    for excel_row, row in data_rows:
        reader.add_row(excel_row, row)
    if reader.errors:
        return reader.outcome([])
    months = [
        OvertimeMonthIn(department=department, year=year, month=month, overtime_hours=round(math.fsum(g.hours), 6), headcount=g.headcount or len(g.staff))
        for (department, year, month), g in sorted(reader.groups.items())
    ]  # fmt: skip
    staff_count = len(set().union(*(g.staff for g in reader.groups.values())))
    reader.groups.clear()  # the pseudonyms go no further than this count
    return reader.outcome(months, staff_count)


@dataclass
class _Group:
    """Running totals of one 課 × month while rows are read."""

    first_row: int
    hours: list[float] = field(default_factory=list)
    staff: set[str] = field(default_factory=set)  # pseudonyms only; dropped after counting
    headcount: int | None = None


@dataclass
class _RowReader:
    """Reads one table: finds its columns, then groups rows per 課 × month, collecting errors."""

    raw: RawTable
    known: dict[str, str]  # NFKC key → registered 課 name
    key: bytes = b""
    header_row: int = 0  # Excel row number of the header
    headers: list[str] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    groups: dict[tuple[str, int, int], _Group] = field(default_factory=dict)
    unknown: dict[str, str] = field(default_factory=dict)  # unknown 課 → its message (near matches)

    @property
    def per_staff(self) -> bool:
        return "staff_id" in self.columns

    def add(
        self, code: str, message: str, row: int | None = None, column: str | None = None, value: object = None
    ) -> None:
        """Record one error with the file, sheet, Excel row, header and value."""
        text = None if value is None else cell_text(value)
        self.errors.append(RowError(file=self.raw.file_name, sheet=self.raw.sheet, row=row, column=column, value=text, code=code, message=message))  # fmt: skip

    def outcome(self, months: list[OvertimeMonthIn], staff_count: int = 0) -> OvertimeParse:
        """The parse result; a file with any error yields no months."""
        raw, kept = self.raw, [] if self.errors else months
        return OvertimeParse(raw.file_name, raw.content_hash, raw.file_format, raw.sheet, self.per_staff, kept, self.errors, staff_count)  # fmt: skip

    def find_columns(self) -> bool:
        """Locate the header row and map fields to columns; False when the file is unusable."""
        rows = self.raw.rows
        if all(blank(c) for r in rows for c in r):
            self.add("empty_sheet", f"シート「{self.raw.sheet or self.raw.file_name}」にデータがありません")
            return False
        index, missing = find_overtime_header(rows)
        if index is None or missing:
            at = "" if index is None else f"（{index + 1}行目を見出し行とみなしました）"
            self.add(
                "missing_column",
                f"必須の列がありません: {'、'.join(missing)}{at}",
                None if index is None else index + 1,
            )
            return False
        self.header_row, self.headers = index + 1, [cell_text(c) for c in rows[index]]
        for position, cell in enumerate(rows[index]):
            if (fld := overtime_field(cell)) is None:
                continue
            if fld in self.columns:
                first, this = self.headers[self.columns[fld]], self.headers[position]
                self.add(
                    "duplicate_column",
                    f"列「{this}」は「{first}」と同じ項目です（どちらか一方にしてください）",
                    self.header_row,
                    this,
                )
            else:
                self.columns[fld] = position
        return not self.errors

    def skipped(self, row: Sequence[object]) -> bool:
        """Blank rows and total rows (合計, 小計, 計) are not months."""
        if all(blank(c) for c in row):
            return True
        at = self.columns["department"]
        name = nfkc_key(cell_text(row[at])) if at < len(row) else ""
        return name in _TOTAL_KEYS or (
            not name and any(isinstance(c, str) and nfkc_key(c) in _TOTAL_KEYS for c in row)
        )

    def _error(self, code: str, message: str, row: int, fld: str, value: object) -> None:
        shown = "" if fld == "staff_id" else value  # never echo a staff id, not even a malformed one
        self.add(code, message, row, self.headers[self.columns[fld]], shown)

    def _unknown_message(self, name: str) -> str:
        if name not in self.unknown:  # a misspelt 課 repeats on every row: look its near matches up once
            self.unknown[name] = unknown_department_message(name, self.known.values())
        return self.unknown[name]

    def add_row(self, excel_row: int, row: list[object]) -> None:
        """Validate one data row and add it to its 課 × month group."""
        values: dict[str, object] = {}
        raws = {fld: row[at] if at < len(row) else None for fld, at in self.columns.items()}
        for fld, raw in raws.items():
            cell = CELL_PARSERS[fld](raw)
            if cell.problem is not None:
                self._error(cell.problem.code, cell.problem.message, excel_row, fld, raw)
            elif cell.value is None:
                if fld != "headcount" or not self.per_staff:  # per staff, 職員数 may be left to the count
                    message = f"必須項目「{HEADER_OF[fld]}」が空欄です"
                    self._error(ReasonCode.REQUIRED, message, excel_row, fld, "")
            elif fld == "staff_id":
                values[fld] = pseudonymise(str(cell.value), self.key)  # the clear id goes no further
            elif fld == "department":
                if (department := self.known.get(nfkc_key(str(cell.value)))) is None:
                    message = self._unknown_message(str(cell.value))
                    self._error(OvertimeCode.UNKNOWN_DEPARTMENT, message, excel_row, fld, raw)
                else:
                    values[fld] = department
            else:
                values[fld] = cell.value
        name, year_month, hours = (values.get(f) for f in ("department", "year_month", "overtime_hours"))
        if not (isinstance(name, str) and isinstance(year_month, tuple) and isinstance(hours, float)):
            return
        if self.per_staff and "staff_id" not in values:
            return
        department, (year, month) = name, year_month
        group = self.groups.get((department, year, month))
        if group is not None and not self.per_staff:
            message = f"{department} の {year}年{month}月 が2回あります（{group.first_row}行目と重複）。1行にまとめてください"
            self._error(OvertimeCode.DUPLICATE_MONTH, message, excel_row, "year_month", raws["year_month"])
            return
        group = self.groups.setdefault((department, year, month), _Group(excel_row))
        group.hours.append(hours)
        if isinstance(pseudonym := values.get("staff_id"), str):
            group.staff.add(pseudonym)
        if isinstance(headcount := values.get("headcount"), int):
            if group.headcount is not None and group.headcount != headcount:
                message = f"{department} の {year}年{month}月 の職員数が行によって違います（{group.first_row}行目は {group.headcount}人）"
                self._error(
                    OvertimeCode.INCONSISTENT_HEADCOUNT, message, excel_row, "headcount", raws["headcount"]
                )
            group.headcount = headcount
