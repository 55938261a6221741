"""Spreadsheet/CSV injection, end to end: hostile task names ingested from a real workbook,
scored, and exported in every format; the written files are read back.

No cell of any xlsx is a formula, and every text cell that starts with = + - @ tab or CR
carries Excel's quote prefix; no CSV cell starts with one of them unless it is a real
number; numeric columns are still numbers; the HTML report escapes, the PDF links nothing.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from bpr.reports.data import build_report
from bpr.reports.html import render_html
from bpr.reports.pdf import render_pdf
from bpr.reports.xlsx import render_xlsx
from flows.town.panel import make_panel
from inventory.db.engine import engine_for, session_scope
from inventory.db.migrate import upgrade
from inventory.db.task_repo import list_tasks
from inventory.export import formula_like
from inventory.intake.survey import ingest_file, parse_bytes
from inventory.settings import get_settings
from tests.flows.cli_runner import dxi

DEPARTMENT = "@税務課"
HOSTILE = [
    '=HYPERLINK("http://example.invalid","x")',
    "+1+1",
    "@SUM(A1)",
    "-2+3",
    "\t=1+1",  # the intake strips the tab: stored as =1+1, still neutralised
    "\r=2+2",
    "=cmd|' /C calc'!A0",
    "<img src=x onerror=alert(1)>",
]
HEADER = ["業務名", "定型性", "判断の有無", "入力媒体", "年間件数", "1件当たり処理時間（分）", "備考"]


def _workbook(path: Path, rows: list[list[object]], department: str = DEPARTMENT) -> Path:
    """A survey as a clerk's Excel saves typed text: literal strings, never formulas."""
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    cover = book.add_worksheet("表紙")
    for r, (label, value) in enumerate((("年度", 2024), ("課", department))):
        cover.write_string(r, 0, label)
        cover.write(r, 1, value)
    sheet = book.add_worksheet("業務一覧")
    for r, row in enumerate([HEADER, *rows]):
        for c, value in enumerate(row):
            if isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    book.close()
    return path


def _assert_xlsx_safe(path: Path | bytes, numeric_headers: dict[str, tuple[str, int]] = {}) -> int:  # noqa: B006
    """Every cell: never a formula; formula-like text quote-prefixed. Returns the cells checked."""
    book = openpyxl.load_workbook(io.BytesIO(path) if isinstance(path, bytes) else path)
    checked = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str) and formula_like(cell.value):
                    assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate} unescaped: {cell.value!r}"
                    checked += 1
    for header, (sheet_name, header_row) in numeric_headers.items():
        sheet = book[sheet_name]
        col = next(c.column for c in sheet[header_row] if c.value == header)
        values = [sheet.cell(r, col).value for r in range(header_row + 1, sheet.max_row + 1)]
        assert values and all(isinstance(v, int | float) for v in values if v is not None), (header, values)
    return checked


def _assert_csv_safe(text: str, numeric: list[str]) -> list[dict[str, str]]:
    rows = list(csv.DictReader(io.StringIO(text)))
    for row in rows:
        for value in row.values():
            if value.startswith(("=", "+", "-", "@", "\t", "\r")):
                float(value)  # only a real (negative) number may start like that
        for key in numeric:
            float(row[key])
    return rows


@pytest.mark.usefixtures("prefect_harness")
def test_hostile_names_are_neutralised_in_every_export(tmp_path: Path) -> None:
    settings = get_settings()
    settings.ensure_home()
    engine = engine_for(settings.db_url)
    upgrade(engine)
    rows: list[list[object]] = [
        [name, "定型", "なし", "電子", 1200 + i, 10 + i, "=1+2" if i % 2 else "-5"]
        for i, name in enumerate(HOSTILE)
    ]
    accepted = ingest_file(engine=engine, path=_workbook(tmp_path / "税務課.xlsx", rows))
    assert accepted.status == "accepted" and accepted.task_count == len(HOSTILE)
    with session_scope(engine) as session:
        stored = list_tasks(session=session, fiscal_year=2024)
    names = {t.name for t in stored}
    hostile_names = sum(map(formula_like, names))
    assert '=HYPERLINK("http://example.invalid","x")' in names and "=1+1" in names and "@SUM(A1)" in names

    assert dxi("score", "--fy", "2024")[0] == 0
    out = tmp_path / "out"
    out.mkdir()  # `-o` into a missing folder fails in flows/cli/main.py write_or_print (reported)
    for command in ("rank", "tasks"):
        for fmt in ("csv", "xlsx"):
            code, output = dxi(command, "--fy", "2024", "--format", fmt, "-o", str(out / f"{command}.{fmt}"))
            assert code == 0, output

    rank_rows = _assert_csv_safe((out / "rank.csv").read_text(encoding="utf-8-sig"), ["年間時間", "RPA適性"])
    assert {r["業務名"] for r in rank_rows} >= {
        '\'=HYPERLINK("http://example.invalid","x")',
        "'+1+1",
        "'-2+3",
    }
    task_rows = _assert_csv_safe(
        (out / "tasks.csv").read_text(encoding="utf-8-sig"), ["年間件数", "年間時間"]
    )
    assert {r["課"] for r in task_rows} == {"'@税務課"} and {r["備考"] for r in task_rows} == {"'=1+2", "'-5"}

    assert (
        _assert_xlsx_safe(
            out / "rank.xlsx",
            {"年間時間": ("候補一覧", 4), "RPA適性": ("候補一覧", 4), "順位": ("候補一覧", 4)},
        )
        >= len(HOSTILE) + hostile_names
    )  # 課 of every row, and the formula-like 業務名
    tasks_numbers = {"年間件数": ("業務一覧", 1), "年間時間": ("業務一覧", 1)}
    assert _assert_xlsx_safe(out / "tasks.xlsx", tasks_numbers) >= 2 * len(HOSTILE) + hostile_names  # + 備考
    rank_book = openpyxl.load_workbook(out / "rank.xlsx")["候補一覧"]
    assert '=HYPERLINK("http://example.invalid","x")' in {
        c.value for c in rank_book["C"]
    }  # 業務名, shown as typed

    # The error workbook a department gets back: its own hostile cells, a hostile header too.
    bad = [[*rows[0][:4], "不明", 10, "@x"], ["\t=1+1", "定型", "なし", "電子", "+5", 10, "-3"]]
    errors_dir = tmp_path / "errors"
    rejected = ingest_file(
        engine=engine, path=_workbook(tmp_path / "再提出.xlsx", bad, department="=課"), errors_dir=errors_dir
    )
    assert rejected.status == "rejected" and rejected.error_workbook
    assert _assert_xlsx_safe(Path(rejected.error_workbook)) >= 5
    marked = openpyxl.load_workbook(rejected.error_workbook).worksheets[2]  # after エラー一覧 and 表紙
    bad_cell = next(c for c in marked[2] if c.value == "不明")
    assert bad_cell.fill.fgColor.rgb.endswith("FFC7CE")  # the twin format kept the red fill
    assert (
        marked.cell(3, 5).data_type == "s" and marked.cell(3, 5).value == "+5"
    )  # a literal, at its own cell

    # The next year's template, pre-filled: safe, and it reads back to the same names.
    template = out / "template.xlsx"
    assert (
        dxi("template", "--fy", "2025", "--dept", DEPARTMENT, "--from-previous", "-o", str(template))[0] == 0
    )
    assert _assert_xlsx_safe(template) >= len(HOSTILE) + 1
    round_trip = parse_bytes(template.read_bytes(), template.name)
    assert round_trip.survey is not None, round_trip.errors
    assert {t.name for t in round_trip.survey.tasks} == names  # the quote prefix is not part of the value

    # The effect report, with pilots named after the ingested tasks.
    panel, go_live = make_panel(departments=8, years=3, seed=5)
    pilots = [
        {"id": t.id, "department": t.department, "name": t.name, "tool": "rpa", "state": "実証中",
         "estimated_hours": -2.5 if i == 0 else 100.0, "realised_hours": None}
        for i, t in enumerate(stored)
    ]  # fmt: skip
    report = build_report(panel, go_live, pilots, n_boot=20)
    assert (
        _assert_xlsx_safe(render_xlsx(report), {"見込み（時間/年）": ("実証案件", 1)})
        >= len(HOSTILE) + hostile_names
    )
    html = render_html(report)
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    pdf = render_pdf(report)
    assert pdf.startswith(b"%PDF") and b"/URI" not in pdf and b"/JavaScript" not in pdf
