"""Write the 業務量調査票 workbook a 課 fills in.

Every header, dropdown list and accepted spelling comes from `inventory.survey.schema`, so
the template, its instructions sheet and the reader cannot drift apart. 年度・部・課
live on 表紙 only; the 業務一覧 sheet has one row per task. Validations warn but never
block: the reader accepts spellings (約1200件, 手書き) that a strict list would refuse.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter

from inventory.era import era_label
from inventory.export import SafeText, fit_row, set_print_layout, wrapped_height
from inventory.survey import schema
from inventory.survey.schema import COLUMNS, Column
from inventory.survey.template_text import (
    BOOL_CHOICES,
    COVER_FIELDS,
    EXAMPLES,
    SHEET_COLUMNS,
    accepted_values,
    cell_value,
    column_help,
    guide_rules,
)

EXAMPLE_SHEET = "記入例"
GUIDE_SHEET = "記入要領"
FONT_NAME = "游ゴシック"
INPUT_ROWS = 1000  # data rows with validations (Excel rows 2..1001) unless more are pre-filled
PRINT_BLANK_ROWS = 20  # empty rows printed below the pre-filled ones, for tasks added by hand
COVER_WIDTHS = (14, 30, 56)
GUIDE_WIDTHS = (24, 14, 36, 50, 50)
INPUT_FILL = "#FFF8E1"
REQUIRED_FILL = "#F8CBAD"
HEADER_FILL = "#DDEBF7"
NUMERIC_RULES = {  # kind → xlsxwriter validation against 0
    "int": {"validate": "integer", "criteria": ">=", "error_message": "0以上の整数を入力してください。"},
    "count": {"validate": "decimal", "criteria": ">=", "error_message": "0以上の数を入力してください。"},
    "staff": {"validate": "decimal", "criteria": ">=", "error_message": "0以上の数を入力してください。"},
    "minutes": {"validate": "decimal", "criteria": ">", "error_message": "0より大きい数を入力してください。"},
    "share": {
        "validate": "decimal",
        "criteria": ">=",
        "error_message": "0以上の割合（60% / 0.6）を入力してください。",
    },
    "hours": {"validate": "decimal", "criteria": ">=", "error_message": "0以上の時間数を入力してください。"},
}
NUM_FORMATS = {
    "int": "0", "count": "#,##0", "minutes": "General", "staff": "General", "share": "General", "hours": "#,##0.0",
}  # fmt: skip


def write_template(
    path: Path,
    *,
    fiscal_year: int,
    department: str,
    division: str | None = None,
    previous_tasks: Sequence[Mapping[str, object]] = (),
) -> Path:
    """Write the survey workbook for one 課 and return its path.

    `previous_tasks` (dicts keyed by schema field names, canonical values) pre-fill one
    row each, so the department updates last year's answers instead of retyping them.
    """
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
            "title": f"{era_label(fiscal_year)} 業務量調査票（{department}）",
            "author": "dx-task-inventory",
            "subject": "業務量調査",
        }
    )
    f = _formats(wb)
    cover = wb.add_worksheet(schema.COVER_SHEET)
    _write_cover(cover, f, fiscal_year, department, division, prefilled=bool(previous_tasks))
    _write_survey(wb.add_worksheet(schema.SURVEY_SHEET), f, previous_tasks)
    _write_examples(wb.add_worksheet(EXAMPLE_SHEET), f)
    _write_guide(wb.add_worksheet(GUIDE_SHEET), f)
    wb.close()
    return path


def _formats(wb: Any) -> dict[str, Any]:
    header = {"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1}
    formats: dict[str, Any] = {
        "title": wb.add_format({"bold": True, "font_size": 16}),
        "bold": wb.add_format({"bold": True}),
        "header": wb.add_format({**header, "bg_color": HEADER_FILL}),
        "required": wb.add_format({**header, "bg_color": REQUIRED_FILL}),
        "fixed": wb.add_format({"bg_color": "#EDEDED", "num_format": "0", "align": "left"}),
        "input": wb.add_format({"bg_color": INPUT_FILL, "border": 1}),
        "date": wb.add_format({"bg_color": INPUT_FILL, "border": 1, "num_format": "yyyy/m/d"}),
        "note": wb.add_format({"font_color": "#595959", "text_wrap": True, "valign": "top"}),
        "warn": wb.add_format({"bold": True, "font_color": "#C00000"}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top", "border": 1}),
        "paragraph": wb.add_format({"text_wrap": True, "valign": "top"}),
    }
    for kind in {c.kind for c in COLUMNS}:
        num_format = NUM_FORMATS.get(kind, "@")  # "@": text, so 001 or 4/5 stay as typed
        # Free text wraps, so a long 業務名 prints in full instead of being cut by the next column.
        common = {"num_format": num_format, "valign": "top", "text_wrap": kind == "text"}
        formats[f"cell:{kind}"] = wb.add_format({**common, "bg_color": INPUT_FILL})
        formats[f"example:{kind}"] = wb.add_format({**common, "font_color": "#808080"})
    formats["text"] = SafeText(wb)  # pre-filled answers are user text: never a formula
    return formats


CoverRow = tuple[str, str | int | None, str, str]  # label, value, format name, note


def cover_fields(
    ws: Any, f: dict[str, Any], rows: Sequence[CoverRow], *, note_width: float | None = None
) -> None:
    """A 表紙's fields from row 3: label in A, the value (a number, user text or a blank to fill) in B,
    its note in C, each row as tall as its note wrapped at `note_width` when given."""
    for row, (label, value, fmt, note) in enumerate(rows, start=2):
        ws.write_string(row, 0, label, f["bold"])
        if isinstance(value, int):
            ws.write_number(row, 1, value, f[fmt])
        elif value:
            f["text"].write(ws, row, 1, value, f[fmt])
        else:
            ws.write_blank(row, 1, None, f[fmt])
        if note:
            ws.write_string(row, 2, note, f["note"])
            if note_width is not None:
                ws.set_row(row, wrapped_height([(note, note_width)]))


def _write_cover(
    ws: Any, f: dict[str, Any], fiscal_year: int, department: str, division: str | None, *, prefilled: bool
) -> None:
    for i, width in enumerate(COVER_WIDTHS):
        ws.set_column(i, i, width)
    ws.write_string(0, 0, f"{era_label(fiscal_year)} 業務量調査票", f["title"])
    division_note = "" if division else "部の名称を入力してください"
    cover_rows: tuple[CoverRow, ...] = (
        ("年度", fiscal_year, "fixed", era_label(fiscal_year)),
        ("部", division, "fixed" if division else "input", division_note),
        ("課", department, "fixed", ""),
        ("回答者", None, "input", "記入した方の氏名を入力してください"),
        ("回答日", None, "date", f"記入した日を入力してください（例: {fiscal_year}/6/1）"),
    )
    cover_fields(ws, f, cover_rows, note_width=COVER_WIDTHS[2])
    ws.data_validation(6, 1, 6, 1, date_rule(fiscal_year, f"{fiscal_year}/6/1"))
    required = "・".join(c.header for c in SHEET_COLUMNS if c.required)
    lines = [
        "「業務一覧」シートに、この課で行っている業務を1行に1業務ずつ記入してください。",
        f"見出しがオレンジ色の列（{required}）は必須です。",
        "選択肢のある列はセルを選ぶと一覧が出ます。数値は概算で構いません（「約1200件」も可）。",
        "詳しい書き方と、読み取れる別の書き方は「記入要領」シートにあります。「記入例」シートは読み込まれません。",
        "1行目の見出しの名前を変えたり、見出し行を削除したりしないでください。",
    ]
    if prefilled:
        lines.append(
            "業務一覧には前回の回答を入れてあります。今年度の内容に合わせて修正・追加・削除してください。"
        )
    lines.append(
        "記入後、回答者と回答日を入力して保存し、このファイルを調査票を送ってきたDX推進担当課へ返送してください。"
    )
    ws.write_string(8, 0, "記入方法", f["bold"])
    for i, line in enumerate(lines):
        paragraph(ws, f, 9 + i, f"{i + 1}. {line}", COVER_WIDTHS)
    set_print_layout(
        ws, last_row=8 + len(lines), last_col=len(COVER_WIDTHS) - 1, landscape=False, gridlines=False
    )
    ws.activate()


def paragraph(ws: Any, f: dict[str, Any], row: int, text: str, widths: Sequence[int]) -> None:
    """One line of instructions across the sheet's columns, wrapped, in a row tall enough for it."""
    ws.merge_range(row, 0, row, len(widths) - 1, text, f["paragraph"])
    ws.set_row(row, wrapped_height([(text, sum(widths))]))


def date_rule(fiscal_year: int, example: str) -> dict[str, object]:
    """The 回答日 cell's check: a date near the survey's 年度 (warns, never blocks)."""
    return {
        "validate": "date",
        "criteria": "between",
        "minimum": date(fiscal_year - 1, 4, 1),
        "maximum": date(fiscal_year + 2, 3, 31),
        "error_type": "warning",
        "input_title": "回答日",
        "input_message": f"記入した日を {example} のように入力してください",
        "error_title": "入力値の確認",
        "error_message": "日付として読めないか、調査の時期から離れています。",
    }


def _validation(col: Column) -> dict[str, object] | None:
    message = ("【必須】" if col.required else "") + column_help(col)
    if col.kind in ("enum", "bool"):
        choices = col.choices if col.kind == "enum" else BOOL_CHOICES
        opts: dict[str, object] = {
            "validate": "list",
            "source": list(choices),
            "error_message": f"一覧にない値です。{'、'.join(choices)} のいずれかを選んでください"
            "（別の書き方は記入要領を参照）。",
        }
    elif col.kind in NUMERIC_RULES:
        opts = {**NUMERIC_RULES[col.kind], "value": 0}
    elif col.help:
        return {"validate": "any", "input_title": col.header, "input_message": message}
    else:
        return None
    opts.update(
        input_title=col.header, input_message=message, error_title="入力値の確認", error_type="warning"
    )
    return opts


def _write_header(ws: Any, f: dict[str, Any], row: int, cell_prefix: str) -> None:
    for i, col in enumerate(SHEET_COLUMNS):
        ws.set_column(i, i, col.width, f[f"{cell_prefix}:{col.kind}"])
        ws.write_string(row, i, col.header, f["required" if col.required else "header"])
    ws.set_row(row, 36)


def _write_survey(ws: Any, f: dict[str, Any], previous_tasks: Sequence[Mapping[str, object]]) -> None:
    last_row = max(INPUT_ROWS, len(previous_tasks))
    _write_header(ws, f, 0, "cell")
    for i, col in enumerate(SHEET_COLUMNS):
        if col.required:
            ws.write_comment(0, i, "※必須　必ず入力してください", {"author": "dx-task-inventory"})
        validation = _validation(col)
        if validation is not None:
            ws.data_validation(1, i, last_row, i, validation)
    name_col = next(i for i, c in enumerate(SHEET_COLUMNS) if c.field == "name")
    ws.freeze_panes(1, name_col + 1 if name_col < 4 else 0)
    ws.autofilter(0, 0, last_row, len(SHEET_COLUMNS) - 1)
    _write_rows(ws, f, 1, previous_tasks, "cell")
    set_print_layout(
        ws,
        last_row=len(previous_tasks) + PRINT_BLANK_ROWS,
        last_col=len(SHEET_COLUMNS) - 1,
        header_rows=(0, 0),
    )


def _write_rows(
    ws: Any, f: dict[str, Any], first_row: int, tasks: Iterable[Mapping[str, object]], prefix: str
) -> None:
    for r, task in enumerate(tasks, start=first_row):
        wrapped: list[tuple[str, float]] = []
        for i, col in enumerate(SHEET_COLUMNS):
            value = cell_value(task.get(col.field))
            if isinstance(value, str):
                f["text"].write(ws, r, i, value, f[f"{prefix}:{col.kind}"])
                if col.kind == "text":
                    wrapped.append((value, col.width))
            elif value is not None:
                ws.write_number(r, i, value, f[f"{prefix}:{col.kind}"])
        fit_row(ws, r, wrapped)


def _write_examples(ws: Any, f: dict[str, Any]) -> None:
    ws.write_string(
        0, 0, "このシートは読み込まれません（記入例です）。「業務一覧」シートに記入してください。", f["warn"]
    )
    _write_header(ws, f, 1, "example")
    _write_rows(ws, f, 2, EXAMPLES, "example")
    ws.freeze_panes(2, 0)
    set_print_layout(ws, last_row=1 + len(EXAMPLES), last_col=len(SHEET_COLUMNS) - 1, header_rows=(1, 1))


def _write_guide(ws: Any, f: dict[str, Any]) -> None:
    for i, width in enumerate(GUIDE_WIDTHS):
        ws.set_column(i, i, width)
    ws.write_string(0, 0, "記入要領", f["title"])
    ws.write_string(1, 0, "「業務一覧」シートの各列の書き方です（読み込み処理と同じ定義から作っています）。")
    for i, head in enumerate(("項目名", "必須", "説明", "入力できる値", "別名として読める見出し")):
        ws.write_string(3, i, head, f["header"])
    row = 4
    for col in COLUMNS:
        on_cover = col.field in COVER_FIELDS
        required = "必須" if col.required or col.field in ("fiscal_year", "department") else ""
        where = "（表紙に記入）" if on_cover else ""
        cells = (
            col.header,
            required + where,
            column_help(col),
            accepted_values(col),
            "、".join(col.synonyms),
        )
        for i, text in enumerate(cells):
            ws.write_string(row, i, text, f["wrap"])
        ws.set_row(row, wrapped_height(zip(cells, GUIDE_WIDTHS, strict=True)))
        row += 1
    rules = guide_rules()
    ws.write_string(row + 1, 0, "全体のきまり", f["bold"])
    for i, rule in enumerate(rules):
        paragraph(ws, f, row + 2 + i, f"・{rule}", GUIDE_WIDTHS)
    set_print_layout(
        ws, last_row=row + 1 + len(rules), last_col=len(GUIDE_WIDTHS) - 1, header_rows=(3, 3), gridlines=False
    )
