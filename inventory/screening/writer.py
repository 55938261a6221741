"""Write the screening workbook (二次調査票) one 課 fills in for its candidate tasks.

Three sheets: 表紙 (年度・部・課 fixed, 回答者・回答日 to fill in), 二次調査票 (one row per
task: 業務ID and 業務名 to match it back, volumes for reference, the suitability
attributes to answer, unanswered ones in orange) and 記入方法. The attribute headers,
dropdowns and accepted spellings are the survey's own (`inventory.survey.schema`), so
the answers read back with the survey's normalisers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from inventory.era import era_label
from inventory.export import SafeText, set_print_layout, wrapped_height
from inventory.screening.fields import (
    ATTRIBUTES,
    GUIDE_SHEET,
    REFERENCE_HEADERS,
    SCREENING_SHEET,
    TITLE,
)
from inventory.screening.guide import write_cover, write_guide
from inventory.survey.schema import COLUMNS_BY_FIELD, COVER_SHEET, Column
from inventory.survey.template import NUMERIC_RULES
from inventory.survey.template_text import BOOL_CHOICES, cell_value

FONT_NAME = "游ゴシック"
GREY = "#EDEDED"
INPUT_FILL = "#FFF8E1"
MISSING_FILL = "#F8CBAD"
HEADER_FILL = "#DDEBF7"
ANSWER_ROW_POINTS = 30.0
_FILE_UNSAFE = str.maketrans(dict.fromkeys('\\/:*?"<>|', "_"))

# (field, header, width, number format) of the columns before the attributes.
LEAD_COLUMNS: tuple[tuple[str, str, int, str], ...] = (
    ("section", REFERENCE_HEADERS["section"], 10, "@"),
    ("task_code", COLUMNS_BY_FIELD["task_code"].header, 9, "@"),
    ("name", COLUMNS_BY_FIELD["name"].header, 28, "@"),
    ("annual_volume", REFERENCE_HEADERS["annual_volume"], 10, "#,##0"),
    ("minutes_per_case", REFERENCE_HEADERS["minutes_per_case"], 11, "0.0#"),
    ("annual_hours", REFERENCE_HEADERS["annual_hours"], 10, "#,##0.0"),
)


def screening_file_name(fiscal_year: int, department: str) -> str:
    """The file a 課 gets: 令和7年度_二次調査票_税務課.xlsx (characters Windows refuses → _)."""
    return f"{era_label(fiscal_year)}_{SCREENING_SHEET}_{department.translate(_FILE_UNSAFE)}.xlsx"


def write_screening_workbook(
    path: Path,
    *,
    fiscal_year: int,
    department: str,
    division: str | None,
    tasks: Sequence[Mapping[str, object]],
) -> Path:
    """Write one 課's screening workbook for `tasks` (dicts keyed by survey field names)."""
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "default_format_properties": {"font_name": FONT_NAME, "font_size": 11},
        },
    )
    wb.set_properties(
        {
            "title": f"{era_label(fiscal_year)} {TITLE}（{department}）",
            "author": "dx-task-inventory",
            "subject": SCREENING_SHEET,
        }
    )
    f = _formats(wb)
    cover = wb.add_worksheet(COVER_SHEET)
    write_cover(cover, f, fiscal_year=fiscal_year, department=department, division=division, tasks=len(tasks))
    _write_table(wb.add_worksheet(SCREENING_SHEET), f, tasks)
    write_guide(wb.add_worksheet(GUIDE_SHEET), f)
    cover.activate()
    wb.close()
    return path


def _formats(wb: Any) -> dict[str, Any]:
    head = {"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1}
    cell = {"valign": "vcenter", "border": 1}
    formats: dict[str, Any] = {
        "title": wb.add_format({"bold": True, "font_size": 16}),
        "bold": wb.add_format({"bold": True}),
        "header": wb.add_format({**head, "bg_color": HEADER_FILL}),
        "ref_header": wb.add_format({**head, "bg_color": GREY}),
        "fixed": wb.add_format({"bg_color": GREY, "num_format": "0", "align": "left"}),
        "input": wb.add_format({"bg_color": INPUT_FILL, "border": 1}),
        "date": wb.add_format({"bg_color": INPUT_FILL, "border": 1, "num_format": "yyyy/m/d"}),
        "note": wb.add_format({"font_color": "#595959", "text_wrap": True, "valign": "top"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top", "border": 1}),
        "paragraph": wb.add_format({"text_wrap": True, "valign": "top"}),
        "text": SafeText(wb),  # names and codes are user text: never a formula
    }
    for _, _, _, num_format in LEAD_COLUMNS:
        formats[f"lead:{num_format}"] = wb.add_format(
            {**cell, "bg_color": GREY, "num_format": num_format, "text_wrap": num_format == "@"}
        )
    for fill, key in ((INPUT_FILL, "known"), (MISSING_FILL, "missing")):
        formats[f"{key}:text"] = wb.add_format({**cell, "bg_color": fill, "num_format": "@"})
        formats[f"{key}:number"] = wb.add_format({**cell, "bg_color": fill, "num_format": "0"})
    return formats


def _validation(col: Column) -> dict[str, object] | None:
    """The survey template's dropdown or number rule for an attribute column; warns, never blocks."""
    if col.kind in ("enum", "bool"):
        choices = col.choices if col.kind == "enum" else BOOL_CHOICES
        rule: dict[str, object] = {
            "validate": "list",
            "source": list(choices),
            "error_message": f"一覧にない値です。{'、'.join(choices)} のいずれかを選んでください"
            "（別の書き方は「記入方法」シートを参照）。",
        }
    elif col.kind in NUMERIC_RULES:
        rule = {**NUMERIC_RULES[col.kind], "value": 0}
    else:
        return {"validate": "any", "input_title": col.header, "input_message": col.help or "自由記述"}
    rule.update(
        input_title=col.header,
        input_message=col.help or "一覧から選んでください（空欄は「変更なし」）",
        error_title="入力値の確認",
        error_type="warning",
    )
    return rule


def _write_table(ws: Any, f: dict[str, Any], tasks: Sequence[Mapping[str, object]]) -> None:
    lead = len(LEAD_COLUMNS)
    for i, (_, header, width, _) in enumerate(LEAD_COLUMNS):
        ws.set_column(i, i, width)
        ws.write_string(0, i, header, f["ref_header" if header.startswith("（参考）") else "header"])
    for j, col in enumerate(ATTRIBUTES, start=lead):
        ws.set_column(j, j, max(col.width, 9))
        ws.write_string(0, j, col.header, f["header"])
        rule = _validation(col)
        if rule is not None and tasks:
            ws.data_validation(1, j, len(tasks), j, rule)
    ws.set_row(0, 50)
    for r, task in enumerate(tasks, start=1):
        _write_task(ws, f, r, task)
    last_col = lead + len(ATTRIBUTES) - 1
    ws.freeze_panes(1, 3)
    ws.autofilter(0, 0, max(len(tasks), 1), last_col)
    set_print_layout(ws, last_row=max(len(tasks), 1), last_col=last_col, header_rows=(0, 0))


def _write_task(ws: Any, f: dict[str, Any], row: int, task: Mapping[str, object]) -> None:
    wrapped: list[tuple[str, float]] = []
    for i, (fld, _, width, num_format) in enumerate(LEAD_COLUMNS):
        _write_cell(ws, f, row, i, cell_value(task.get(fld)), f[f"lead:{num_format}"])
        if fld in ("name", "section") and isinstance(task.get(fld), str):
            wrapped.append((str(task[fld]), width))
    for j, col in enumerate(ATTRIBUTES, start=len(LEAD_COLUMNS)):
        value = cell_value(task.get(col.field))
        state = "known" if value is not None else "missing"
        kind = "number" if isinstance(value, int | float) else "text"
        _write_cell(ws, f, row, j, value, f[f"{state}:{kind}"])
    # Tall enough to write an answer by hand on the printed sheet, taller when the name wraps.
    ws.set_row(row, max(ANSWER_ROW_POINTS, wrapped_height(wrapped)))


def _write_cell(ws: Any, f: dict[str, Any], row: int, col: int, value: object, fmt: Any) -> None:
    if isinstance(value, str):
        f["text"].write(ws, row, col, value, fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_blank(row, col, None, fmt)
