"""The columns of the 時間外勤務実績 file: header spellings, reason codes and cell readers.

Kept in one place, like `inventory.survey.schema` for the survey, so the reader, the error
messages and any template can never disagree on a header. Pure functions, no I/O.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Collection, Sequence
from datetime import date, datetime
from enum import StrEnum

from rapidfuzz import fuzz, process

from inventory.survey.cells import Cell, Problem, ReasonCode, parse_text
from inventory.survey.dates import parse_year_month
from inventory.survey.numbers import parse_hours, parse_staff
from inventory.survey.schema import nfkc_key

# Canonical header first, then the spellings HR systems and clerks use. A bracketed
# unit after a header (時間外勤務時間（h）, 職員数(人)) is ignored.
OVERTIME_HEADERS: dict[str, tuple[str, ...]] = {
    "year_month": ("年月", "対象年月", "勤務年月", "実績年月", "年月分", "支給対象年月"),
    "department": ("課", "所属", "所属課", "課名", "所属名", "所属課名", "部署", "部署名"),
    "overtime_hours": (
        "時間外勤務時間", "時間外勤務時間数", "時間外勤務", "時間外労働時間", "超過勤務時間",
        "超過勤務時間数", "超勤時間", "残業時間", "残業時間数",
    ),
    "headcount": ("職員数", "在籍者数", "在籍職員数", "在籍人数", "人数"),
    "staff_id": ("職員番号", "職員ID", "職員コード", "社員番号", "個人コード"),
}  # fmt: skip
HEADER_OF = {fld: spellings[0] for fld, spellings in OVERTIME_HEADERS.items()}
_BY_KEY = {nfkc_key(s): fld for fld, spellings in OVERTIME_HEADERS.items() for s in spellings}
_UNIT_SUFFIX = re.compile(r"\([^()]*\)$")
REQUIRED = ("year_month", "department", "overtime_hours")
NEAR_MATCH_CUTOFF = 40.0  # rapidfuzz ratio: "税務" finds 税務課 (80) and 財務課 (40)


class OvertimeCode(StrEnum):
    """Reason codes of the overtime file, beside the cell codes of `ReasonCode`."""

    UNKNOWN_DEPARTMENT = "unknown_department"
    DUPLICATE_MONTH = "duplicate_month"
    INCONSISTENT_HEADCOUNT = "inconsistent_headcount"


def cell_text(value: object) -> str:
    """Spell a raw cell as the user saw it, for error messages (Excel stores 12 as 12.0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return "" if value is None else str(value)


def blank(value: object) -> bool:
    """True for an empty cell or one holding only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def overtime_field(header: object) -> str | None:
    """Return the field a header cell names (a synonym, maybe with a （単位）), or None."""
    if not isinstance(header, str):
        return None
    key = nfkc_key(header)
    return _BY_KEY.get(key) or _BY_KEY.get(_UNIT_SUFFIX.sub("", key))


def pseudonymise(staff_id: str, key: bytes) -> str:
    """Keyed HMAC-SHA256 of a staff id: equal ids match, yet without the key none can be recovered."""
    return hmac.new(key, staff_id.encode(), hashlib.sha256).hexdigest()


def near_departments(name: str, known: Collection[str], limit: int = 3) -> list[str]:
    """Registered 課 names closest to a misspelt one (compared after NFKC), best first."""
    keys = {nfkc_key(k): k for k in known}
    found = process.extract(
        nfkc_key(name), list(keys), scorer=fuzz.ratio, limit=limit, score_cutoff=NEAR_MATCH_CUTOFF
    )
    return [keys[match[0]] for match in found]


def unknown_department_message(name: str, known: Collection[str]) -> str:
    """Japanese message for a 課 not registered by any survey, naming the near matches."""
    if not known:
        return f"「{name}」は登録されている課にありません（登録済みの課がありません。先に業務量調査票を取り込んでください）"
    near = near_departments(name, known)
    hint = f"近い課: {', '.join(near)}" if near else f"登録されている課: {', '.join(sorted(known)[:10])}"
    return f"「{name}」は登録されている課にありません。{hint}"


def parse_headcount(raw: object) -> Cell:
    """Read 職員数: a whole number > 0 (12, １２人, 12名)."""
    cell = parse_staff(raw)
    if not isinstance(cell.value, float):
        return cell
    if not cell.value.is_integer():
        message = f"「{cell_text(raw)}」は整数ではありません。職員数は1以上の整数で入力してください"
        return Cell(None, Problem(ReasonCode.NOT_INTEGER, message))
    if cell.value == 0:
        return Cell(None, Problem(ReasonCode.NOT_POSITIVE, "職員数が 0 です。1以上の整数を入力してください"))
    return Cell(int(cell.value))


CELL_PARSERS: dict[str, Callable[[object], Cell]] = {
    "year_month": parse_year_month,
    "department": parse_text,
    "overtime_hours": parse_hours,
    "headcount": parse_headcount,
    "staff_id": parse_text,
}


def _missing(fields: set[str | None]) -> list[str]:
    missing = [HEADER_OF[f] for f in REQUIRED if f not in fields]
    if not fields & {"headcount", "staff_id"}:
        missing.append(f"{HEADER_OF['headcount']}（または{HEADER_OF['staff_id']}）")
    return missing


def find_overtime_header(rows: Sequence[Sequence[object]]) -> tuple[int | None, list[str]]:
    """Return (row index, missing headers) of the header row, below any title rows.

    The header is the first row naming 年月, 課, 時間外勤務時間 and 職員数 or 職員番号;
    when none does, the row naming the most fields is taken to report what is missing.
    """
    best: tuple[int, set[str | None]] | None = None
    for index, row in enumerate(rows[:200]):
        fields = {overtime_field(cell) for cell in row} - {None}
        if not _missing(fields):
            return index, []
        if fields and (best is None or len(fields) > len(best[1])):
            best = (index, fields)
    return (None, _missing(set())) if best is None else (best[0], _missing(best[1]))
