"""Write the 業務量調査票 workbook a 課 fills in.

Every header, dropdown list and accepted spelling comes from `inventory.survey.schema`, so
the template, its instructions sheet and the reader cannot drift apart. 年度・部・課
live on 表紙 only; the 業務一覧 sheet has one row per task. Validations warn but never
block: the reader accepts spellings (約1200件, 手書き) that a strict list would refuse.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter

from inventory.era import era_label
from inventory.export import SafeText, fit_row, set_print_layout, wrapped_height
from inventory.survey import schema
from inventory.survey.schema import COLUMNS, Column

EXAMPLE_SHEET = "記入例"
GUIDE_SHEET = "記入要領"
FONT_NAME = "游ゴシック"
INPUT_ROWS = 1000  # data rows with validations (Excel rows 2..1001) unless more are pre-filled
PRINT_BLANK_ROWS = 20  # empty rows printed below the pre-filled ones, for tasks added by hand
COVER_WIDTHS = (14, 30, 56)
GUIDE_WIDTHS = (24, 14, 36, 50, 50)
COVER_FIELDS = ("fiscal_year", "division", "department")
SHEET_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMNS if c.field not in COVER_FIELDS)
BOOL_CHOICES = ("あり", "なし")
INPUT_FILL = "#FFF8E1"
REQUIRED_FILL = "#F8CBAD"
HEADER_FILL = "#DDEBF7"
NUMERIC_RULES = {  # kind → xlsxwriter validation against 0
    "int": {"validate": "integer", "criteria": ">=", "error_message": "0以上の整数を入力してください。"},
    "count": {"validate": "decimal", "criteria": ">=", "error_message": "0以上の数を入力してください。"},
    "staff": {"validate": "decimal", "criteria": ">=", "error_message": "0以上の数を入力してください。"},
    "minutes": {"validate": "decimal", "criteria": ">", "error_message": "0より大きい数を入力してください。"},
}
NUM_FORMATS = {"int": "0", "count": "#,##0", "minutes": "General", "staff": "General"}
KIND_HELP = {"text": "自由記述", "enum": "一覧から選択してください", "bool": "あり／なし（空欄は不明）"}
KIND_VALUES = {  # examples of accepted spellings, as SURVEY_FORMAT.md lists them
    **KIND_HELP,
    "int": "0、1、2 …（整数）",
    "count": "1200、１，２００、1,200件、約1200件",
    "minutes": "30、３０分、約30分、30分/件、1時間（=60）、1.5時間（=90）、1時間30分（=90）",
    "staff": "2、0.5（半分の時間従事）、２人",
    "months": "4,5,6 ／ 4月～6月 ／ ４〜６月 ／ 3月・4月 ／ 通年（=1～12月すべて）",
    "fiscal_year": "2024、2024年度、令和6年度、令和元年度、R6",
}
# fmt: off
EXAMPLES: tuple[dict[str, object], ...] = (
    {"section": "市民税係", "task_code": "A-001", "name": "住民税の申告書入力", "category_1": "税務",
     "category_2": "住民税", "scope": "各課固有", "routine": "定型", "judgement": "なし",
     "input_medium": "紙（手書き）", "form_count": 3, "system_count": 1, "annual_volume": 12000,
     "minutes_per_case": 5, "staff_count": 3, "peak_months": (2, 3), "documented": True,
     "verification": "必須", "exceptions": "時々", "change_expected": False, "abolition_planned": False,
     "notes": "申告期間に集中"},
    {"section": "庶務係", "task_code": "A-014", "name": "支出命令書の作成", "category_1": "会計",
     "scope": "全庁共通", "routine": "定型", "judgement": "なし", "input_medium": "電子",
     "form_count": 1, "system_count": 2, "annual_volume": 2400, "minutes_per_case": 10,
     "staff_count": 1, "peak_months": "通年", "documented": True, "verification": "一部",
     "exceptions": "少ない"},
    {"section": "市民相談係", "name": "窓口での相談対応", "category_1": "相談",
     "scope": "各課固有", "routine": "非定型", "judgement": "あり", "input_medium": "混在",
     "annual_volume": 3000, "minutes_per_case": 20, "staff_count": 2.5, "peak_months": (3, 4),
     "documented": False, "exceptions": "多い", "notes": "内容により他課へ案内"},
    {"section": "住民記録係", "task_code": "B-003", "name": "住民票の写し等の交付", "category_1": "証明",
     "scope": "各課固有", "routine": "一部定型", "judgement": "一部あり", "input_medium": "紙（活字）",
     "form_count": 2, "system_count": 1, "annual_volume": 25000, "minutes_per_case": 8,
     "staff_count": 4, "peak_months": (3, 4), "documented": True, "verification": "必須",
     "change_expected": True},
)
# fmt: on


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


def _write_cover(
    ws: Any, f: dict[str, Any], fiscal_year: int, department: str, division: str | None, *, prefilled: bool
) -> None:
    for i, width in enumerate(COVER_WIDTHS):
        ws.set_column(i, i, width)
    ws.write_string(0, 0, f"{era_label(fiscal_year)} 業務量調査票", f["title"])
    division_note = "" if division else "部の名称を入力してください"
    cover_rows: tuple[tuple[str, str | int | None, str, str], ...] = (
        ("年度", fiscal_year, "fixed", era_label(fiscal_year)),
        ("部", division, "fixed" if division else "input", division_note),
        ("課", department, "fixed", ""),
        ("回答者", None, "input", "記入した方の氏名を入力してください"),
        ("回答日", None, "date", "記入した日を入力してください（例: 2024/6/1）"),
    )
    for row, (label, value, fmt, note) in enumerate(cover_rows, start=2):
        ws.write_string(row, 0, label, f["bold"])
        if isinstance(value, int):
            ws.write_number(row, 1, value, f[fmt])
        elif value:
            f["text"].write(ws, row, 1, value, f[fmt])
        else:
            ws.write_blank(row, 1, None, f[fmt])
        if note:
            ws.write_string(row, 2, note, f["note"])
            ws.set_row(row, wrapped_height([(note, COVER_WIDTHS[2])]))
    ws.data_validation(6, 1, 6, 1, _date_rule(fiscal_year))
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
        _paragraph(ws, f, 9 + i, f"{i + 1}. {line}", COVER_WIDTHS)
    set_print_layout(
        ws, last_row=8 + len(lines), last_col=len(COVER_WIDTHS) - 1, landscape=False, gridlines=False
    )
    ws.activate()


def _paragraph(ws: Any, f: dict[str, Any], row: int, text: str, widths: Sequence[int]) -> None:
    """One line of instructions across the sheet's columns, wrapped, in a row tall enough for it."""
    ws.merge_range(row, 0, row, len(widths) - 1, text, f["paragraph"])
    ws.set_row(row, wrapped_height([(text, sum(widths))]))


def _help(col: Column) -> str:
    return col.help or KIND_HELP.get(col.kind, "")


def _date_rule(fiscal_year: int) -> dict[str, object]:
    return {
        "validate": "date",
        "criteria": "between",
        "minimum": date(fiscal_year - 1, 4, 1),
        "maximum": date(fiscal_year + 2, 3, 31),
        "error_type": "warning",
        "input_title": "回答日",
        "input_message": "記入した日を 2024/6/1 のように入力してください",
        "error_title": "入力値の確認",
        "error_message": "日付として読めないか、調査の時期から離れています。",
    }


def _validation(col: Column) -> dict[str, object] | None:
    message = ("【必須】" if col.required else "") + _help(col)
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


def cell_value(value: object) -> str | int | float | None:
    """Return a canonical field value as the template shows it (あり/なし, "4,5,6", 12 not 12.0)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return BOOL_CHOICES[0] if value else BOOL_CHOICES[1]
    if isinstance(value, set | frozenset):
        value = sorted(value)
    if isinstance(value, list | tuple):
        return ",".join(str(cell_value(v)) for v in value) or None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return int(value) if value.is_integer() else value
    return str(value)


def _write_examples(ws: Any, f: dict[str, Any]) -> None:
    ws.write_string(
        0, 0, "このシートは読み込まれません（記入例です）。「業務一覧」シートに記入してください。", f["warn"]
    )
    _write_header(ws, f, 1, "example")
    _write_rows(ws, f, 2, EXAMPLES, "example")
    ws.freeze_panes(2, 0)
    set_print_layout(ws, last_row=1 + len(EXAMPLES), last_col=len(SHEET_COLUMNS) - 1, header_rows=(1, 1))


def accepted_values(col: Column) -> str:
    """Return the 入力できる値 text of a column, built from the schema's spellings."""
    if col.kind == "enum":
        extra = "、".join(f"{s}→{c}" for s, c in schema.ENUM_SYNONYMS.get(col.field, {}).items())
        return "、".join(col.choices) + (f"\n（次の書き方も可: {extra}）" if extra else "")
    if col.kind == "bool":
        return f"あり（{'、'.join(schema.BOOL_TRUE)} も可）\nなし（{'、'.join(schema.BOOL_FALSE)} も可）\n空欄は「不明」"
    return KIND_VALUES[col.kind]


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
            _help(col),
            accepted_values(col),
            "、".join(col.synonyms),
        )
        for i, text in enumerate(cells):
            ws.write_string(row, i, text, f["wrap"])
        ws.set_row(row, wrapped_height(zip(cells, GUIDE_WIDTHS, strict=True)))
        row += 1
    cover: dict[str, list[str]] = {}
    for label, fld in schema.COVER_LABELS.items():
        cover.setdefault(fld, []).append(label)
    rules = [
        "数字は全角でも半角でも構いません（例: １２００、１，２００）。",
        "「約1200件」「1,200件」「30分」のように、約・単位・桁区切りを付けても読み取れます。",
        "「20～30」のような範囲は中央の値（25）として読み取り、確認のための注意を付けます。",
        "処理時間は「1時間」（60分）、「1.5時間」「1時間30分」（90分）も読み取れます。",
        "必須の数値欄に「不明」「随時」「-」などを書くとエラーになります。概算の数値を入力してください。",
        f"業務名が「{'」「'.join(schema.TOTAL_ROW_NAMES)}」の行は合計行として読み飛ばします。空白の行も読み飛ばします。",
        "見出し行（1行目）の名前を変えたり、見出し行を削除したりしないでください（上の別名は読めます）。",
        "年度・部・課は「表紙」シートのA列の見出しとB列の値から読みます。A列の見出しとして読める書き方: "
        + "／".join("・".join(labels) for labels in cover.values()),
    ]
    ws.write_string(row + 1, 0, "全体のきまり", f["bold"])
    for i, rule in enumerate(rules):
        _paragraph(ws, f, row + 2 + i, f"・{rule}", GUIDE_WIDTHS)
    set_print_layout(
        ws, last_row=row + 1 + len(rules), last_col=len(GUIDE_WIDTHS) - 1, header_rows=(3, 3), gridlines=False
    )
