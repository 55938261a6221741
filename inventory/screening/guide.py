"""The 表紙 and 記入方法 sheets of the screening workbook: what to fill in and how it is read.

Every accepted spelling comes from the survey's schema (`accepted_values`), so the
instructions list exactly what the reader accepts.
"""

from __future__ import annotations

from typing import Any

from inventory.era import era_label
from inventory.export import set_print_layout, wrapped_height
from inventory.screening.fields import ATTRIBUTES, GUIDE_SHEET, SCREENING_SHEET, TITLE
from inventory.survey.template import CoverRow, cover_fields, date_rule, paragraph
from inventory.survey.template_text import accepted_values

COVER_WIDTHS = (14, 30, 56)
GUIDE_WIDTHS = (16, 52, 52)

# What each attribute asks, in the words of the sheet (why it matters for RPA / AI-OCR).
QUESTIONS: dict[str, str] = {
    "routine": "手順が決まっていて毎回同じやり方で処理できるか。毎回同じ = 定型、一部だけ = 一部定型、毎回異なる = 非定型。",
    "judgement": "処理の途中で職員の判断（審査・裁量）が必要か。",
    "input_medium": "処理の元になる情報の形。電子データ（システム・Excel・メール）、紙（活字）、紙（手書き）、混在。AI-OCR は紙の書類が対象です。",
    "form_count": "扱う申請書・帳票の種類の数。",
    "system_count": "処理で使うシステムの数（Excel を含む）。複数のシステムにまたがる作業は RPA に向きます。",
    "documented": "手順書・マニュアルがあるか。",
    "verification": "処理結果を人の目で確認する必要があるか（必須・一部・不要）。",
    "exceptions": "通常と違う処理が必要になる頻度（多い・時々・少ない）。",
    "peak_months": "業務が集中する月（例: 4,5,6 / 3月・4月 / 通年）。",
    "scope": "マネジメント業務、全庁共通の業務、この課に固有の業務のどれか。",
    "change_expected": "近いうちに制度改正で手順が変わる予定があるか。",
    "abolition_planned": "業務を廃止する予定があるか。",
}

STEPS = (
    f"「{SCREENING_SHEET}」シートの業務は、業務量調査で回答いただいた業務のうち、RPA・AI-OCR の導入候補となった業務です。",
    "オレンジ色のセルは、まだ回答のない項目です。分かる範囲で記入してください。",
    "黄色のセルには業務量調査の回答が入っています。違っていれば直してください。",
    "空欄のままの項目は変更しません（「未確認」のまま残ります）。",
    "業務ID・業務名と灰色の列は変えないでください（業務の照合に使います）。行の追加・削除もしないでください。"
    "新しい業務は業務量調査票で提出してください。",
    "シート名と1行目の見出しは変えないでください。",
    "記入後、表紙の回答者・回答日を入力して保存し、このファイルをそのまま DX推進担当課へ返送してください。",
)


def write_cover(
    ws: Any, f: dict[str, Any], *, fiscal_year: int, department: str, division: str | None, tasks: int
) -> None:
    """表紙: 年度・部・課 as the reader expects them (label in column A, value in B), then the steps."""
    for i, width in enumerate(COVER_WIDTHS):
        ws.set_column(i, i, width)
    ws.write_string(0, 0, f"{era_label(fiscal_year)} {TITLE}", f["title"])
    rows: tuple[CoverRow, ...] = (
        ("年度", fiscal_year, "fixed", era_label(fiscal_year)),
        ("部", division, "fixed", ""),
        ("課", department, "fixed", ""),
        ("回答者", None, "input", "記入した方の氏名を入力してください"),
        ("回答日", None, "date", f"記入した日を入力してください（例: {fiscal_year}/7/1）"),
        ("様式", SCREENING_SHEET, "fixed", f"対象の業務 {tasks} 件"),
    )
    cover_fields(ws, f, rows)
    ws.data_validation(6, 1, 6, 1, date_rule(fiscal_year, f"{fiscal_year}/7/1"))
    first = 3 + len(rows)
    ws.write_string(first, 0, "記入方法", f["bold"])
    for i, step in enumerate(STEPS, start=1):
        paragraph(ws, f, first + i, f"{i}. {step}", COVER_WIDTHS)
    paragraph(
        ws,
        f,
        first + len(STEPS) + 1,
        f"各項目の意味と書き方は「{GUIDE_SHEET}」シートにあります。",
        COVER_WIDTHS,
    )
    set_print_layout(
        ws, last_row=first + len(STEPS) + 1, last_col=len(COVER_WIDTHS) - 1, landscape=False, gridlines=False
    )


def write_guide(ws: Any, f: dict[str, Any]) -> None:
    """記入方法: per attribute, what it asks and every spelling the reader accepts."""
    for i, width in enumerate(GUIDE_WIDTHS):
        ws.set_column(i, i, width)
    ws.write_string(0, 0, GUIDE_SHEET, f["title"])
    ws.write_string(1, 0, f"「{SCREENING_SHEET}」シートの各項目の意味と書き方です。空欄は「変更なし」です。")
    for i, head in enumerate(("項目名", "何を答えるか", "入力できる値")):
        ws.write_string(3, i, head, f["header"])
    for row, col in enumerate(ATTRIBUTES, start=4):
        cells = (col.header, QUESTIONS[col.field], accepted_values(col))
        for i, text in enumerate(cells):
            ws.write_string(row, i, text, f["wrap"])
        ws.set_row(row, wrapped_height(zip(cells, GUIDE_WIDTHS, strict=True)))
    last = 3 + len(ATTRIBUTES)
    set_print_layout(ws, last_row=last, last_col=len(GUIDE_WIDTHS) - 1, header_rows=(3, 3), gridlines=False)
