"""Workbooks laid out as municipalities publish their surveys, built from scratch with openpyxl."""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet


def to_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _title_block(ws: Worksheet, title: str) -> None:
    ws["A1"] = title
    ws.merge_cells("A1:G1")
    ws["A2"] = "※ 各課で行っている事務事業ごとに記入してください。時間は1年間の合計です。"
    ws.merge_cells("A2:G2")


HOURS_ROWS: tuple[tuple[str, object, object, object], ...] = (
    ("【課税課】住民税賦課", "1,200件", "約30分", "2"),
    ("【課税課】固定資産税の縦覧", 300, "1時間44分", 1),
    ("【市民課】住民票の写し交付", "12,000", 5, "3人"),
)


def hours_table(
    rows: Sequence[tuple[str, object, object, object]] = HOURS_ROWS, *, total: bool = True
) -> bytes:
    """A table with a title block, two merged heading rows, mixed units and 【課】 in names.

    Row 4: 事務事業名 (merged A4:A5) | 業務量 (merged B4:C4) | 従事人数 (merged D4:D5)
    Row 5:                           | 年間処理件数 | 1件あたり処理時間 |
    Data from row 6, a note row and a 合計 row at the bottom.
    """
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "調査票"
    _title_block(ws, "令和6年度 業務量調査票")
    ws["A4"] = "事務事業名"
    ws.merge_cells("A4:A5")
    ws["B4"] = "業務量"
    ws.merge_cells("B4:C4")
    ws["B5"] = "年間処理件数"
    ws["C5"] = "1件あたり処理時間"
    ws["D4"] = "従事人数"
    ws.merge_cells("D4:D5")
    for offset, row in enumerate(rows):
        for column, value in enumerate(row, start=1):
            ws.cell(row=6 + offset, column=column, value=value)
    end = 6 + len(rows)
    ws.cell(row=end, column=1, value="※ 記入例は別シートを参照")
    if total:
        ws.cell(row=end + 1, column=1, value="合計")
        ws.cell(row=end + 1, column=2, value=13500)
    return to_bytes(wb)


HOURS_LAYOUT = """
version = 1
name = "テスト市 業務量調査票"
form = "table"

[sheets]
include = ["調査票"]

[table]
header_rows = [4, 5]

[fields]
name = { heading = "事務事業名" }
annual_volume = { heading = "年間処理件数", unit = "件" }
minutes_per_case = { heading = "業務量 1件あたり処理時間", unit = "分" }
staff_count = { heading = "従事人数" }

[department]
source = "name_pattern"
pattern = "【(?P<課>[^】]+)】"

[fiscal_year]
source = "fixed"
value = "令和6年度"
"""


VERTICAL_TASKS: tuple[dict[str, object], ...] = (
    {"name": "住民税の賦課決定", "dept": "税務課", "cases": 1200, "hours": "約71時間", "staff": 2},
    {"name": "軽自動車税の減免", "dept": "税務課", "cases": "300件", "hours": "1時間44分", "staff": "0.5"},
)


def vertical_forms(tasks: Sequence[dict[str, object]] = VERTICAL_TASKS, *, blank_copy: bool = True) -> bytes:
    """総務省's 業務説明表 style: a 目次 sheet, then one sheet per task of 項目名 | 記載内容.

    Labels in column B, values in C (merged C:E). Two volume blocks (件数, 時間) each have
    a 年間総計 row under their section row. A blank copy of the form is left at the end.
    """
    wb = Workbook()
    toc = wb.active
    assert toc is not None
    toc.title = "目次"
    toc["A1"] = "業務説明表 目次"
    toc["A2"] = "令和6年度"
    for i, task in enumerate(tasks, start=1):
        toc.cell(row=3 + i, column=1, value=f"{i}. {task['name']}")
        _vertical_sheet(wb.create_sheet(f"業務{i}"), task)
    if blank_copy:
        _vertical_sheet(wb.create_sheet("様式（予備）"), {})
    return to_bytes(wb)


def _vertical_sheet(ws: Worksheet, task: dict[str, object]) -> None:
    ws["B1"] = "業務説明表"
    ws.merge_cells("B1:E1")
    rows = (
        (3, "業務名", task.get("name")),
        (4, "所管部署", task.get("dept")),
        (5, "業務の概要", "窓口・郵送で受け付けた申告を確認し入力する" if task else None),
        (7, "業務量（件数）", None),
        (8, "年間総計", task.get("cases")),
        (9, "繁忙期", "4月～6月" if task else None),
        (11, "業務量（時間）", None),
        (12, "年間総計", task.get("hours")),
        (13, "繁忙期", "4月～6月" if task else None),
        (15, "従事人数", task.get("staff")),
    )
    for row, label, value in rows:
        ws.cell(row=row, column=2, value=label)
        ws.cell(row=row, column=3, value=value)
        ws.merge_cells(start_row=row, start_column=3, end_row=row, end_column=5)


VERTICAL_LAYOUT = """
version = 1
name = "業務説明表"
form = "vertical"

[sheets]
exclude = ["目次"]

[fields]
name = { label = "業務名" }
annual_hours = { label = "業務量（時間） 年間総計", unit = "自動" }
staff_count = { label = "従事人数" }

[department]
source = "column"
label = "所管部署"

[fiscal_year]
source = "cell"
sheet = "目次"
cell = "A2"
"""
