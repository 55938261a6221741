"""Read the list of 課 a campaign goes to (`dxi campaign open --depts FILE`).

Accepted: a CSV (UTF-8, BOM or cp932) or xlsx with a header row holding 課 (and
optionally 部), anywhere in the first rows; or a list with one 課 per line and no
header. Every problem is collected with its row, then raised as one Japanese message,
so the team fixes the file in one go and nothing is stored from a bad list.
"""

from __future__ import annotations

from dataclasses import dataclass

from inventory.campaign.status import CampaignError
from inventory.errors import UnreadableFileError
from inventory.survey.cells import parse_text
from inventory.survey.reader import read_table_bytes
from inventory.survey.schema import nfkc_key

DEPARTMENT_HEADERS = frozenset({"課", "課名", "課等", "所属", "所属名", "部署", "部署名", "担当課"})
DIVISION_HEADERS = frozenset({"部", "部名", "部局", "部局名"})
HEADER_SEARCH_ROWS = 20
MAX_SHOWN_ERRORS = 10


@dataclass(frozen=True)
class DepartmentEntry:
    """One 課 of the list, with its 部 when the list gives one."""

    department: str
    division: str | None


def _text(value: object) -> tuple[str | None, str | None]:
    """(clean text or None, problem message or None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    cell = parse_text(value)
    if cell.problem is not None:
        return None, cell.problem.message
    return (str(cell.value) if cell.value is not None else None), None


def _blank(row: list[object]) -> bool:
    return all(_text(v)[0] is None for v in row)


def _find_header(rows: list[list[object]]) -> tuple[int, int, int | None] | None:
    """(header row index, 課 column, 部 column) of the first row naming a 課 column."""
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = [nfkc_key(v) if isinstance(v, str) else "" for v in row]
        dept = next((i for i, k in enumerate(keys) if k in DEPARTMENT_HEADERS), None)
        if dept is not None:
            div = next((i for i, k in enumerate(keys) if k in DIVISION_HEADERS), None)
            return r, dept, div
    return None


def read_department_list(data: bytes, file_name: str) -> list[DepartmentEntry]:
    """Return the 課 of the list in file order; raise CampaignError naming every bad row."""
    try:
        raw = read_table_bytes(data, file_name, pick_sheet=lambda names: names[0])
    except UnreadableFileError as exc:
        raise CampaignError(f"課の一覧を読めません: {exc.message}") from None
    rows = raw.rows
    header = _find_header(rows)
    errors: list[str] = []
    picked: list[tuple[int, object, object]] = []  # (Excel row, 課 cell, 部 cell)
    if header is not None:
        start, dept_col, div_col = header
        for i in range(start + 1, len(rows)):
            row = rows[i]
            if _blank(row):
                continue
            dept = row[dept_col] if dept_col < len(row) else None
            div = row[div_col] if div_col is not None and div_col < len(row) else None
            picked.append((i + 1, dept, div))
    else:
        for i, row in enumerate(rows):
            filled = [v for v in row if _text(v)[0] is not None]
            if not filled:
                continue
            if len(filled) > 1:
                errors.append(
                    f"{i + 1}行目: 見出し「課」の列が見つからないため1行に1課として読みましたが、"
                    f"値が {len(filled)} 個あります。見出し行（部・課）を付けてください"
                )
                continue
            picked.append((i + 1, filled[0], None))
    entries: list[DepartmentEntry] = []
    seen: dict[str, int] = {}
    for excel_row, dept_cell, div_cell in picked:
        department, problem = _text(dept_cell)
        division, div_problem = _text(div_cell)
        if problem or div_problem:
            errors.append(f"{excel_row}行目: {problem or div_problem}")
            continue
        if department is None:
            errors.append(f"{excel_row}行目: 「課」が空欄です")
            continue
        key = nfkc_key(department)
        if key in seen:
            errors.append(f"{excel_row}行目: 課「{department}」が重複しています（{seen[key]}行目と同じ）")
            continue
        seen[key] = excel_row
        entries.append(DepartmentEntry(department, division))
    if not entries and not errors:
        errors.append("課が1つも書かれていません")
    if errors:
        shown = errors[:MAX_SHOWN_ERRORS]
        more = f"\n  … ほか {len(errors) - MAX_SHOWN_ERRORS} 件" if len(errors) > MAX_SHOWN_ERRORS else ""
        raise CampaignError(
            f"課の一覧 {file_name} に誤りがあります（{len(errors)} 件）。何も登録していません:\n  "
            + "\n  ".join(shown)
            + more
        )
    return entries
