"""Corpus cases about what is inside the cells: characters, values, structure, and overtime files."""

from __future__ import annotations

import io
from datetime import datetime

from openpyxl import Workbook

from tests.corpus.builders import (
    COVER,
    FAR,
    GOOD,
    HEADER,
    OVERTIME_HEADER,
    csv_bytes,
    ooxml,
    openpyxl_book,
    sheet_xml,
    survey,
    zip_bomb,
)
from tests.corpus.cases import WITH_NOTES, static

# --- characters: control, bidi, emoji, private use ---------------------------------------

static(
    "control_characters.xlsx",
    lambda: ooxml(
        sheet_xml(
            [HEADER, GOOD],
            raw_cells={
                "A2": '<c r="A2" t="inlineStr"><is><t>支出_x0001_命令_x001B_書\u200bの作成\ufeff</t></is></c>'
            },
        )
    ),
)
static(
    "control_characters.csv",
    lambda: csv_bytes(
        [["年度", "課", *HEADER], [2024, "税務課", "\x01支出\x1b命令\x7f書の作成\x0b", *GOOD[1:]]]
    ),
)
static(
    "bidi_marks.xlsx",
    lambda: survey(
        ["\u202e成作の書令命出支\u202c", *GOOD[1:]], ["\u200f課税台帳\u2067の照会\u2069", *GOOD[1:]]
    ),
)
static(
    "emoji_private_use.xlsx",
    lambda: survey(
        ["🙂住民票の交付", *GOOD[1:]],
        ["\ue000\ue123様式の確認", *GOOD[1:]],
        ["𠮷野地区の台帳整理", *GOOD[1:]],
        ["👨\u200d👩\u200d👧 世帯の確認", *GOOD[1:]],
    ),
)

# --- values: every kind of wrong number and date -------------------------------------------

BAD_COUNTS = [
    "不明",
    "随時",
    "-",
    "―",
    "1e400",
    "∞",
    "NaN",
    "-5",
    "1,2,3",
    "0x10",
    "１２．３．４",
    "三十",
    True,
    "=1+1",
]
static(
    "wrong_numbers.xlsx",
    lambda: survey(*([f"業務{i}", "定型", "なし", "電子", value, 10] for i, value in enumerate(BAD_COUNTS))),
)
BAD_MINUTES = [0, "0分", "-1", "1時間70分", "30秒以下", "1h30m", "約", "10～", datetime(2024, 1, 1)]
static(
    "wrong_minutes.xlsx",
    lambda: survey(*([f"業務{i}", "定型", "なし", "電子", 10, value] for i, value in enumerate(BAD_MINUTES))),
)
BAD_YEARS = [
    "令和0年度",
    "令和99年度",
    "昭和64年度",
    "R",
    "2024年度年度",
    datetime(2024, 4, 1),
    2024.5,
    "1988",
]
static(
    "wrong_fiscal_years.xlsx",
    lambda: openpyxl_book(
        [["年度", *HEADER], *([value, f"業務{i}", *GOOD[1:]] for i, value in enumerate(BAD_YEARS))],
        cover=(("課", "税務課"),),
    ),
)
BAD_MONTHS = ["13月", "0", "4月～13月", "毎週", datetime(2024, 4, 5), "4,5,x"]
static(
    "wrong_peak_months.xlsx",
    lambda: openpyxl_book(
        [[*HEADER, "繁忙月"], *([f"業務{i}", *GOOD[1:], value] for i, value in enumerate(BAD_MONTHS))]
    ),
)
static(
    "wrong_choices_and_bools.xlsx",
    lambda: openpyxl_book(
        [
            [*HEADER, "手順書"],
            ["業務A", "ていけい", "なし", "電子", 10, 10, "あり"],
            ["業務B", "定型", "なし", "FAX", 10, 10, "たぶん"],
        ]
    ),
)
for label, value in {
    "reiwa_gannen": "令和元年度", "heisei31": "平成31年度", "fullwidth_r6": "Ｒ６年度", "reiwa_ligature": "㋿6年度",
    "paren_mismatch": "令和6(2025)年度", "reiwa0": "令和0年度", "showa64": "昭和64年度", "date_cell": datetime(2024, 4, 1),
}.items():  # fmt: skip
    static(f"era_{label}.xlsx", lambda value=value: survey(GOOD, cover=(("年度", value), ("課", "税務課"))))

ERROR_CELLS = {
    "A2": '<c r="A2" t="b"><v>1</v></c>',  # a boolean 業務名: read as the text "True"
    "E2": '<c r="E2" t="e"><v>#N/A</v></c>',  # an Excel error value: calamine reads it as empty
    "F2": '<c r="F2" t="d"><v>2024-13-45</v></c>',  # an impossible ISO date cell
}
static("error_and_typed_cells.xlsx", lambda: ooxml(sheet_xml([HEADER, GOOD], raw_cells=ERROR_CELLS)))
static(
    "shared_string_out_of_range.xlsx",
    lambda: ooxml(sheet_xml([HEADER, GOOD], raw_cells={"A2": '<c r="A2" t="s"><v>99999</v></c>'})),
)

# --- structure: headers, blank and total rows, merged cells, CSV quirks ---------------------

static("header_only.xlsx", lambda: survey())
static("duplicate_headers.xlsx", lambda: openpyxl_book([[*HEADER, "業務名"], [*GOOD, "別名"]]))
static("missing_required_column.xlsx", lambda: openpyxl_book([HEADER[:-1], GOOD[:-1]]))
static("no_header_at_all.xlsx", lambda: openpyxl_book([["a", "b"], [1, 2]]))
static(
    "totals_only.xlsx",
    lambda: survey(["合計", None, None, None, 1200, None], [None, None, None, "小計", 5, None]),
)
static("blank_task_sheet.xlsx", lambda: openpyxl_book([]))
static("no_department.xlsx", lambda: survey(GOOD, cover=(("年度", 2024),)))
static(
    "mixed_departments.xlsx",
    lambda: openpyxl_book(
        [["課", *HEADER], ["税務課", *GOOD], ["市民課", "業務B", *GOOD[1:]]], cover=(("年度", 2024),)
    ),
)


def _merged() -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "業務一覧"
    sheet.append(["令和6年度 業務量調査票（税務課）"])
    sheet.merge_cells("A1:G1")
    sheet.append(["係", *HEADER])
    sheet.append(["管理係", *GOOD])
    sheet.append([None, "課税台帳の照会", *GOOD[1:]])
    sheet.merge_cells("A3:A4")
    cover = book.create_sheet("表紙", 0)
    for label, value in (*COVER, ("回答日", "昨日")):
        cover.append([label, value])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


static("merged_cells.xlsx", _merged)
static(
    "shift_jis.csv",
    lambda: csv_bytes(
        [
            ["年度", "課", *HEADER],
            ["令和6年度", "税務課", *GOOD],
            ["令和6年度", "税務課", "ﾊﾝｶｸ業務", *GOOD[1:]],
        ],
        "cp932",
    ),
)
static(
    "multiline_quoted.csv",
    lambda: csv_bytes(
        [["年度", "課", *WITH_NOTES], [2024, "税務課", *GOOD, '1行目\r\n2行目, "引用"']], "utf-8"
    ),
)
static(
    "unbalanced_quote.csv",
    lambda: (
        "年度,課," + ",".join(HEADER) + '\r\n2024,税務課,"支出命令書の作成,定型,なし,電子,1200,30\r\n'
    ).encode(),
)

# --- overtime (時間外勤務実績) ---------------------------------------------------------------

OT = [["2024-04", "税務課", 12.5, 10], ["2024-05", "税務課", "12時間30分", 10]]
static("ot_valid.csv", lambda: csv_bytes([OVERTIME_HEADER, *OT], "cp932"), "overtime")
static("ot_empty.csv", lambda: b"", "overtime")
static("ot_utf16.csv", lambda: csv_bytes([OVERTIME_HEADER, *OT], "utf-16"), "overtime")
static("ot_zip_bomb.xlsx", zip_bomb, "overtime")
static(
    "ot_far_cell.xlsx",
    lambda: ooxml(sheet_xml([OVERTIME_HEADER]).replace("</sheetData>", FAR + "</sheetData>")),
    "overtime",
)
static("ot_header_only.xlsx", lambda: openpyxl_book([OVERTIME_HEADER], cover=()), "overtime")
BAD_OT = [
    ["2024-13", "税務課", 1, 10], ["令和0年4月", "税務課", 1, 10], [2024.10, "税務課", 1, 10],
    ["2024-06", "税務課", -3, 10], ["2024-07", "税務課", "10～20", 10], ["2024-08", "税務課", "不明", 10],
    ["2024-09", "税務課", 1, 0], ["2024-10", "税務課", 1, 2.5], ["2024-11", "税務課", 1e400, 10],
]  # fmt: skip
static("ot_bad_values.xlsx", lambda: openpyxl_book([OVERTIME_HEADER, *BAD_OT], cover=()), "overtime")
static(
    "ot_unknown_department.csv",
    lambda: csv_bytes(
        [
            OVERTIME_HEADER,
            ["2024-04", '=HYPERLINK("http://example.invalid","x")', 1, 1],
            ["2024-04", "税務", 1, 1],
        ]
    ),
    "overtime",
)
static(
    "ot_duplicate_month.csv",
    lambda: csv_bytes([OVERTIME_HEADER, OT[0], ["R6.4", "税務課", 3, 10]]),
    "overtime",
)
static(
    "ot_per_staff_inconsistent.csv",
    lambda: csv_bytes(
        [
            ["年月", "課", "職員番号", "時間外勤務時間", "職員数"],
            ["2024-04", "税務課", "A001", 1, 10],
            ["2024-04", "税務課", "A002", 2, 11],
        ]
    ),
    "overtime",
)
static(
    "ot_control_and_bidi.csv",
    lambda: csv_bytes([OVERTIME_HEADER, ["2024-04", "\u202e税務課\x01", 5, 10]]),
    "overtime",
)
