"""SafeText and to_csv: formula-like user text is inert in xlsx and CSV, numbers stay numbers."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import xlsxwriter

from inventory.export import SafeText, formula_like, to_csv

HOSTILE = ["=1+1", "+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_formula_like_is_the_owasp_list() -> None:
    assert all(formula_like(v) for v in HOSTILE)
    assert not any(formula_like(v) for v in ("税務課", " =1", "＝1", "", -2.5, 3, None, True))


def test_quote_prefix_twin_keeps_the_look_and_the_value(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = book.add_worksheet("s")
    red = book.add_format({"bold": True, "bg_color": "#FFC7CE", "num_format": "@"})
    text = SafeText(book)
    for row, value in enumerate([*HOSTILE, "普通の業務"]):
        text.write(sheet, row, 0, value, red)
        text.write(sheet, row, 1, value)
    sheet.write_number(0, 2, -2.5)
    book.close()
    ws = openpyxl.load_workbook(path)["s"]
    for row, value in enumerate([*HOSTILE, "普通の業務"], start=1):
        for col in (1, 2):
            cell = ws.cell(row, col)
            shown = cell.value.replace("_x000D_", "\r")  # xlsxwriter escapes CR; openpyxl leaves it
            assert (shown, cell.data_type, cell.quotePrefix) == (value, "s", formula_like(value))
        styled = ws.cell(row, 1)
        assert styled.font.b and styled.fill.fgColor.rgb.endswith("FFC7CE") and styled.number_format == "@"
    assert ws.cell(1, 3).value == -2.5


def test_csv_prefixes_text_but_not_numbers() -> None:
    text = to_csv([{"name": v, "hours": -2.5, "count": 3} for v in HOSTILE], ["name", "hours", "count"])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["name"] for r in rows] == ["'" + v for v in HOSTILE]
    assert {(r["hours"], r["count"]) for r in rows} == {("-2.5", "3")}
