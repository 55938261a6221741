"""The エラー一覧 and 表紙 sheets of the error workbook.

エラー一覧 is what the clerk reads and prints first: what to do with the file, then every
error in the order of the rows. 表紙 carries 年度, 部, 課, 回答者 and 回答日 as the reader
expects them (label in column A, value in column B), so the fixed workbook is itself a
complete submission.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from inventory.errors import RowError
from inventory.export import fit_row
from inventory.survey.error_cells import Formats, describe, print_one_page_wide, write_value

ERROR_LIST_HEADERS = ("行", "列", "値", "内容")
SEND_BACK = "このファイルの赤いセルを直して、このファイルをそのまま返送してください。"
SEND_BACK_DETAIL = (
    "元のファイルを直す必要はありません。赤いセルは「{sheet}」シートにあり、"
    "年度・課などは「表紙」シートで直せます。直したら、この「エラー一覧」シートは残したままで構いません。"
)
RESUBMIT_ORIGINAL = "ファイル全体に関わるエラーです。元のファイルを直して、もう一度提出してください。"
FIX_ORIGINAL = (
    "次のエラーを元のファイル（シート・行・セルは下の一覧のとおり）で直して、もう一度提出してください。"
)
# 表紙 rows: (field, label), in the order the template's 表紙 has them.
COVER_ROWS = (
    ("fiscal_year", "年度"),
    ("division", "部"),
    ("department", "課"),
    ("respondent", "回答者"),
    ("answered_on", "回答日"),
)
_MISSING_CODES = {"missing_fiscal_year": "年度", "missing_department": "課"}
_WIDTHS = (8, 22, 22, 80)  # 行, 列, 値, 内容


def cover_errors(errors: Sequence[RowError]) -> dict[str, list[RowError]]:
    """The file-level errors that a 表紙 value fixes, by 表紙 label."""
    labels = {label for _, label in COVER_ROWS}
    found: dict[str, list[RowError]] = {}
    for error in errors:
        label = _MISSING_CODES.get(error.code) or (error.column if error.row is None else None)
        if label in labels:
            found.setdefault(label, []).append(error)
    return found


def write_cover(ws: Any, formats: Formats, cover: Mapping[str, object], errors: Sequence[RowError]) -> None:
    """Write the 表紙 label/value pairs; a value to fix is red with its error beside it."""
    bad = cover_errors(errors)
    for col, head in enumerate(("項目", "内容", "エラー内容")):
        ws.write_string(0, col, head, formats.header)
    for row, (fld, label) in enumerate(COVER_ROWS, start=1):
        ws.write_string(row, 0, label, formats.bold)
        write_value(ws, row, 1, cover.get(fld), formats, bad=label in bad)
        if label in bad:
            text = "\n".join(e.message for e in bad[label])
            formats.text.write(ws, row, 2, text, formats.get(bad=True, wrap=True))
    ws.set_column(0, 0, 12)
    ws.set_column(1, 1, 30)
    ws.set_column(2, 2, 70)
    print_one_page_wide(ws, first_row=0, last_row=len(COVER_ROWS), last_col=2, header_row=0)


def write_error_list(
    ws: Any,
    formats: Formats,
    *,
    headers: Sequence[object],
    errors: Sequence[RowError],
    unplaced: Sequence[RowError],
    source_name: str,
    rows_sheet: str,
    fixable_here: bool,
    in_original: bool = False,
) -> None:
    """Write what to do, the summary, then every error in row order.

    `in_original`: the file was read through a layout, so every error is fixed in the
    department's own file (its sheet, row and cell are in the list), not in this workbook.
    """
    if fixable_here:
        ws.write_string(0, 0, SEND_BACK, formats.banner)
        ws.write_string(1, 0, SEND_BACK_DETAIL.format(sheet=rows_sheet))
    else:
        ws.write_string(0, 0, FIX_ORIGINAL if in_original else RESUBMIT_ORIGINAL, formats.banner)
    bad_rows = {e.row for e in errors if e.row is not None}
    summary = f"エラー {len(errors)}件（{len(bad_rows)}行）"
    formats.text.write(ws, 2, 0, f"元のファイル: {source_name}　{summary}" if source_name else summary)
    row = 3
    if unplaced and not in_original:
        ws.write_string(row, 0, "ファイル全体、または表の外のエラー:", formats.bold)
        on_cover = {id(e) for group in cover_errors(errors).values() for e in group}
        for error in unplaced:
            row += 1
            where = (
                "表紙"
                if id(error) in on_cover
                else ("ファイル全体" if error.row is None else f"{error.row}行目")
            )
            formats.text.write(ws, row, 0, f"・{where}: {describe(error)}", formats.get(bad=True))
        row += 1
    row += 1
    header_row = row
    headings = ("シート・行", *ERROR_LIST_HEADERS[1:]) if in_original else ERROR_LIST_HEADERS
    widths = (16, 22, 18, 76) if in_original else _WIDTHS
    for i, head in enumerate(headings):
        ws.write_string(row, i, head, formats.header)
    order = {str(h): i for i, h in reversed(list(enumerate(headers)))}
    ranked = sorted(
        errors, key=lambda e: (e.row is not None, e.row or 0, order.get(e.column or "", len(order)))
    )
    plain = formats.get(wrap=True)
    for r, error in enumerate(ranked, start=row + 1):
        if in_original:
            place = " ".join(p for p in (error.sheet, f"{error.row}行" if error.row else "") if p) or "全体"
            ws.write_string(r, 0, place, formats.get(wrap=True, centre=True))
        elif error.row is None:
            where = "表紙" if error.column or error.code in _MISSING_CODES else "全体"
            ws.write_string(r, 0, where, formats.get(wrap=True, centre=True))
        else:
            ws.write_number(r, 0, error.row, formats.get(wrap=True, centre=True))
        for c, text in enumerate((error.column, error.value, error.message), start=1):
            if text:
                formats.text.write(ws, r, c, text, plain)
        texts = zip((error.column or "", error.value or "", error.message), widths[1:], strict=True)
        fit_row(ws, r, texts)  # LibreOffice does not grow a row to its wrapped text
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.freeze_panes(header_row + 1, 0)
    last = header_row + max(len(ranked), 1)
    ws.autofilter(header_row, 0, last, len(ERROR_LIST_HEADERS) - 1)
    print_one_page_wide(
        ws, first_row=0, last_row=last, last_col=len(ERROR_LIST_HEADERS) - 1, header_row=header_row
    )
    ws.activate()
    ws.set_first_sheet()
