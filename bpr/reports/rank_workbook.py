"""The ranking workbook a 課長 reads and the DX team marks up.

Sheet 候補一覧 carries the ranking with Japanese headers, colour scales on the scores,
three input columns (判断, 理由, 判断者) that `dxi review --import` reads back, and
the explanation of every score last: the print area (A4 landscape, one page wide) ends
at the input columns, the long explanation is for the screen. Sheet 課別 holds hours
saved per 課 with a native Excel chart; sheet 横展開 the roll-out groups.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter

from bpr.review.rule import DECISIONS
from bpr.scoring.labels import QUADRANT_LABELS, TOOL_LABELS, missing_text
from inventory.export import SafeText, plain_value, set_print_layout, wrapped_height

CANDIDATE_SHEET = "候補一覧"
ID_HEADER = "業務ID"
DECISION_HEADER = "判断（記入）"
REASON_HEADER = "理由（記入）"
REVIEWER_HEADER = "判断者（記入）"

# (header, source column, width)
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("順位", "rank", 6),
    (ID_HEADER, "task_id", 8),
    ("課", "department", 14),
    ("業務名", "name", 32),
    ("年間時間", "annual_hours", 10),
    ("RPA適性", "rpa_score", 9),
    ("AI-OCR適性", "ocr_score", 10),
    ("推奨ツール", "recommended_tool_label", 12),
    ("削減見込み（時間/年）", "expected_hours_saved", 12),
    ("難易度", "ease", 7),
    ("優先区分", "quadrant_label", 14),
    ("横展開G", "group_id", 8),
    ("対象外", "knocked_out_label", 7),
    ("対象外の理由", "knockout_reason", 30),
    ("属性未確認", "missing_label", 14),
    ("二次調査", "screening_label", 12),
    ("現在の判断", "decision", 10),
    ("要再確認", "rereview_label", 8),
    (DECISION_HEADER, "", 10),
    (REASON_HEADER, "", 20),
    (REVIEWER_HEADER, "", 12),
    ("スコアの説明", "explanation", 70),
)
# The sheet shows (and prints, up to 判断者) what a 検討会議 decides on first, then the
# details; the CSV keeps COLUMNS' order. A4 landscape, one page wide: about 55% of text size.
SHEET_ORDER = (
    "順位", "課", "業務名", "推奨ツール", "削減見込み（時間/年）", "年間時間", "難易度", "優先区分", "属性未確認",
    "現在の判断", "要再確認", DECISION_HEADER, REASON_HEADER, REVIEWER_HEADER,
    ID_HEADER, "RPA適性", "AI-OCR適性", "横展開G", "対象外", "対象外の理由", "二次調査", "スコアの説明",
)  # fmt: skip
SHEET_COLUMNS = tuple(sorted(COLUMNS, key=lambda column: SHEET_ORDER.index(column[0])))
FROZEN_COLUMNS = 3  # 順位, 課, 業務名 stay in view while scrolling right
WRAPPED = ("department", "name", "missing_label")  # text at text size that wraps in its column
WIDTH_OF = {source: width for _, source, width in COLUMNS if source}
CHART_WIDTH = 720  # px, the 課別 chart


def _display_frame(ranked: pd.DataFrame) -> pd.DataFrame:
    """The ranking with Japanese labels beside the codes (tool, quadrant, knocked out, rereview)."""
    frame = ranked.copy()
    frame["recommended_tool_label"] = frame["recommended_tool"].map(lambda t: TOOL_LABELS.get(str(t), "—"))
    frame["quadrant_label"] = frame["quadrant"].map(lambda q: QUADRANT_LABELS.get(str(q), str(q)))
    frame["knocked_out_label"] = frame["knocked_out"].map(lambda k: "対象外" if k else "")
    frame["missing_label"] = frame.get("missing_attributes", pd.Series(None, index=frame.index)).map(
        lambda labels: missing_text(labels if isinstance(labels, list) else None)
    )
    frame["screening_label"] = frame.get("screening", pd.Series(None, index=frame.index)).map(
        lambda state: state if isinstance(state, str) else ""
    )
    frame["rereview_label"] = frame.get("rereview", pd.Series(False, index=frame.index)).map(
        lambda r: "要" if r else ""
    )
    if "decision" not in frame:
        frame["decision"] = None
    return frame


# The columns of the CSV a person opens in Excel: the workbook's, without the input columns.
CSV_HEADERS: tuple[str, ...] = tuple(header for header, source, _ in COLUMNS if source)


def display_records(ranked: pd.DataFrame) -> list[dict[str, object]]:
    """One dict per candidate keyed by the Japanese headers, labels instead of codes, no NaN."""
    frame = _display_frame(ranked)
    return [
        {header: plain_value(record.get(source)) for header, source, _ in COLUMNS if source}
        for record in frame.to_dict("records")
    ]


def write_rank_workbook(
    path: Path, ranked: pd.DataFrame, *, title: str, groups: Sequence[Mapping[str, object]] = ()
) -> Path:
    """Write the ranking workbook; user text is always written as text, never as a formula."""
    path.parent.mkdir(parents=True, exist_ok=True)
    frame = _display_frame(ranked)
    book = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    book.set_properties({"title": title, "author": "dx-task-inventory"})
    formats = _formats(book)
    sheet = book.add_worksheet(CANDIDATE_SHEET)
    sheet.write_string(0, 0, title, book.add_format({"bold": True, "font_size": 14}))
    sheet.write_string(
        1,
        0,
        "黄色の列（判断・理由・判断者）に記入して保存し、`dxi review --import このファイル` で取り込めます。判断は 採用 / 保留 / 不採用。",
        formats["grey"],
    )
    _write_candidates(sheet, SafeText(book), frame, formats)
    last = HEADER_ROW + max(len(frame), 1)
    _highlight(sheet, book, last)
    sheet.freeze_panes(HEADER_ROW + 1, FROZEN_COLUMNS)
    sheet.autofilter(HEADER_ROW, 0, last, len(SHEET_COLUMNS) - 1)
    sheet.set_row(HEADER_ROW, 32)
    reviewer_col = SHEET_ORDER.index(REVIEWER_HEADER)
    set_print_layout(sheet, last_row=last, last_col=reviewer_col, header_rows=(HEADER_ROW, HEADER_ROW))

    _department_sheet(book, frame, formats["head"], formats["number"])
    if groups:
        _group_sheet(book, groups, formats["head"], formats["number"], formats["wrap"])
    book.close()
    return path


HEADER_ROW = 3  # the 候補一覧 heading row (0-based): a title and an instruction above it


def _formats(book: xlsxwriter.Workbook) -> dict[str, Any]:
    """The cell formats of the ranking workbook, by name."""
    head = {"bold": True, "text_wrap": True, "valign": "vcenter", "border": 1}
    return {
        "head": book.add_format({**head, "bg_color": "#1F4E78", "font_color": "white"}),
        "entry_head": book.add_format({**head, "bg_color": "#FFD966"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top", "font_size": 9}),
        "wrap_text": book.add_format({"text_wrap": True, "valign": "top"}),  # 課, 業務名, 属性未確認
        # Text indented, so it stands clear of the right-aligned number to its left.
        "top": book.add_format({"valign": "top", "align": "left", "indent": 1}),
        "number": book.add_format({"num_format": "#,##0.0", "valign": "top"}),
        "score": book.add_format({"num_format": "0", "valign": "top"}),
        "entry": book.add_format({"bg_color": "#FFF2CC", "valign": "top", "border": 1, "text_wrap": True}),
        "grey": book.add_format({"font_color": "#808080"}),
    }


def _write_candidates(sheet: Any, text: SafeText, frame: pd.DataFrame, formats: dict[str, Any]) -> None:
    """The heading row and one row per candidate; the （記入） columns are left blank to fill in."""
    wrap, top = formats["wrap"], formats["top"]
    for col, (header, _, width) in enumerate(SHEET_COLUMNS):
        head = formats["entry_head"] if header.endswith("（記入）") else formats["head"]
        sheet.write_string(HEADER_ROW, col, header, head)
        sheet.set_column(col, col, width, wrap if header == "スコアの説明" else None)
    for offset, record in enumerate(frame.to_dict("records")):
        row = HEADER_ROW + 1 + offset
        for col, (_header, source, _) in enumerate(SHEET_COLUMNS):
            if not source:
                sheet.write_blank(row, col, None, formats["entry"])
                continue
            value = plain_value(record.get(source))
            value = "" if value is None else value
            if isinstance(value, bool):
                value = "○" if value else ""
            if isinstance(value, int | float) and not isinstance(value, bool):
                whole = source.endswith("_score") or source in ("rank", "task_id", "group_id")
                sheet.write_number(row, col, float(value), formats["score" if whole else "number"])
            else:
                cell_format = (
                    wrap if source == "explanation" else formats["wrap_text"] if source in WRAPPED else top
                )
                text.write(sheet, row, col, str(value), cell_format)
        # Names wrap in their narrow print columns: the row is as tall as the longest (not the explanation).
        sheet.set_row(row, wrapped_height([(str(record.get(s) or ""), WIDTH_OF[s]) for s in WRAPPED]))


def _highlight(sheet: Any, book: xlsxwriter.Workbook, last: int) -> None:
    """Data bars on the scores, a colour scale on the saving, 区分 colours, and the 判断 drop-down."""
    first = HEADER_ROW + 1
    col_of = {source: i for i, (_, source, _) in enumerate(SHEET_COLUMNS) if source}
    for source in ("rpa_score", "ocr_score"):
        c = col_of[source]
        bar = {"type": "data_bar", "bar_color": "#5B9BD5", "min_type": "num", "min_value": 0,
               "max_type": "num", "max_value": 100}  # fmt: skip
        sheet.conditional_format(first, c, last, c, bar)
    c = col_of["expected_hours_saved"]
    scale = {"type": "3_color_scale", "min_color": "#FFFFFF", "mid_color": "#C6EFCE", "max_color": "#63BE7B"}
    sheet.conditional_format(first, c, last, c, scale)
    c = col_of["quadrant_label"]
    for label, colour in (
        ("クイックウィン", "#C6EFCE"),
        ("戦略的", "#DDEBF7"),
        ("後回し", "#FFF2CC"),
        ("見送り推奨", "#F2F2F2"),
        ("自動化済み", "#E2EFDA"),
    ):
        rule = {"type": "cell", "criteria": "==", "value": f'"{label}"',
                "format": book.add_format({"bg_color": colour})}  # fmt: skip
        sheet.conditional_format(first, c, last, c, rule)
    decision_col = SHEET_ORDER.index(DECISION_HEADER)
    choices = {"validate": "list", "source": list(DECISIONS), "error_type": "warning",
               "input_title": "判断", "input_message": "採用 / 保留 / 不採用"}  # fmt: skip
    sheet.data_validation(first, decision_col, last, decision_col, choices)


def _department_sheet(book: xlsxwriter.Workbook, frame: pd.DataFrame, head: object, number: object) -> None:
    live = frame[~frame["knocked_out"].astype(bool)]
    per_dept = (
        live.groupby("department", sort=False)["expected_hours_saved"].sum().sort_values(ascending=False)
    )
    sheet = book.add_worksheet("課別")
    text = SafeText(book)
    sheet.write_row(0, 0, ["課", "削減見込み（時間/年）", "候補数"], head)
    sheet.set_row(0, 32)
    counts = live.groupby("department")["task_id"].size()
    for i, (dept, hours) in enumerate(per_dept.items(), start=1):
        text.write(sheet, i, 0, str(dept))
        sheet.write_number(i, 1, float(hours), number)
        sheet.write_number(i, 2, int(counts.get(dept, 0)))
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 2, 14)
    chart_height = max(320, 22 * len(per_dept))
    set_print_layout(  # the chart (E2, 720 px wide; a column is 64 px, a row 20 px) is printed too
        sheet,
        last_row=max(len(per_dept), 1 + math.ceil(chart_height / 20)),
        last_col=4 + math.ceil(CHART_WIDTH / 64),
        header_rows=(0, 0),
        gridlines=False,  # a grid behind the chart is noise
    )
    if len(per_dept):
        chart = book.add_chart({"type": "bar"})
        chart.add_series({
            "name": "削減見込み（時間/年）",
            "categories": ["課別", 1, 0, len(per_dept), 0],
            "values": ["課別", 1, 1, len(per_dept), 1],
            "fill": {"color": "#5B9BD5"},
        })  # fmt: skip
        chart.set_title({"name": "課別の削減見込み時間（年間）"})
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True})
        chart.set_size({"width": CHART_WIDTH, "height": chart_height})
        sheet.insert_chart(1, 4, chart)


def _group_sheet(
    book: xlsxwriter.Workbook,
    groups: Sequence[Mapping[str, object]],
    head: object,
    number: object,
    wrap: object,
) -> None:
    sheet = book.add_worksheet("横展開")
    text = SafeText(book)
    headers = [
        "順位",
        "横展開G",
        "代表的な業務名",
        "課の数",
        "対象の課",
        "業務数",
        "年間時間合計",
        "削減見込み合計",
        "推奨ツール",
    ]
    sheet.write_row(0, 0, headers, head)
    sheet.set_row(0, 32)
    top = book.add_format({"num_format": "0", "valign": "top"})  # beside wrapped text: all on the first line
    for i, g in enumerate(groups, start=1):
        departments = list(g.get("departments") or [])  # type: ignore[call-overload]
        sheet.write_number(i, 0, float(g["rank"]), top)  # type: ignore[arg-type]
        sheet.write_number(i, 1, float(g["group_id"]), top)  # type: ignore[arg-type]
        listed = "、".join(str(d) for d in departments)
        text.write(sheet, i, 2, str(g["name"]), wrap)
        sheet.write_number(i, 3, len(departments), top)
        text.write(sheet, i, 4, listed, wrap)  # up to every 課: wrapped, in a row tall enough
        small = 11 / 9  # the wrap format is 9pt: a column holds 11/9 as many characters
        sheet.set_row(i, wrapped_height([(str(g["name"]), 30 * small), (listed, 40 * small)], line_points=14))
        sheet.write_number(i, 5, float(g["task_count"]), top)  # type: ignore[arg-type]
        sheet.write_number(i, 6, float(g["combined_hours"]), number)  # type: ignore[arg-type]
        sheet.write_number(i, 7, float(g["combined_hours_saved"]), number)  # type: ignore[arg-type]
        sheet.write_string(i, 8, TOOL_LABELS.get(str(g.get("best_tool")), "—"), top)
    sheet.set_column(0, 1, 8)
    sheet.set_column(2, 2, 30)
    sheet.set_column(4, 4, 40)
    sheet.set_column(5, 8, 14)
    sheet.freeze_panes(1, 0)
    set_print_layout(sheet, last_row=max(len(groups), 1), last_col=len(headers) - 1, header_rows=(0, 0))
