"""The survey's columns, their header spellings and accepted values, in one place.

Everything that knows a header name or an enum spelling reads it from here: the
reader maps headers with it, the normalisers match enums with it and the template
prints it on its instructions sheet, so the three can never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inventory.survey.column import Column as Column
from inventory.survey.column import Kind as Kind
from inventory.survey.column import nfkc_key as nfkc_key

# Canonical enum values, in the order the template's dropdowns show them.
SCOPE = ("マネジメント", "全庁共通", "各課固有")
ROUTINE = ("定型", "一部定型", "非定型")
JUDGEMENT = ("なし", "一部あり", "あり")
INPUT_MEDIUM = ("電子", "紙（活字）", "紙（手書き）", "混在")
VERIFICATION = ("必須", "一部", "不要")
EXCEPTIONS = ("多い", "時々", "少ない")

# Extra spellings per enum field: synonym → canonical value.
ENUM_SYNONYMS: dict[str, dict[str, str]] = {
    "scope": {
        "管理": "マネジメント",
        "共通": "全庁共通",
        "全庁": "全庁共通",
        "固有": "各課固有",
        "課固有": "各課固有",
    },
    "routine": {
        "定型的": "定型",
        "定型業務": "定型",
        "半定型": "一部定型",
        "一部": "一部定型",
        "非定型的": "非定型",
        "非定型業務": "非定型",
    },
    "judgement": {
        "無": "なし",
        "無し": "なし",
        "一部": "一部あり",
        "一部有": "一部あり",
        "一部有り": "一部あり",
        "有": "あり",
        "有り": "あり",
    },
    "input_medium": {
        "手書き": "紙（手書き）",
        "紙・手書き": "紙（手書き）",
        "紙(手書き)": "紙（手書き）",
        "紙": "紙（活字）",
        "活字": "紙（活字）",
        "紙(活字)": "紙（活字）",
        "紙・活字": "紙（活字）",
        "印刷": "紙（活字）",
        "電子データ": "電子",
        "システム": "電子",
        "Excel": "電子",
        "エクセル": "電子",
        "メール": "電子",
        "電子・紙": "混在",
        "紙・電子": "混在",
    },
    "verification": {
        "要": "必須",
        "必要": "必須",
        "一部必要": "一部",
        "否": "不要",
        "なし": "不要",
        "無": "不要",
    },
    "exceptions": {
        "多": "多い",
        "多数": "多い",
        "ときどき": "時々",
        "時折": "時々",
        "少": "少ない",
        "ほぼない": "少ない",
        "ほぼなし": "少ない",
    },
}

# ◯ (U+25EF) and ✕ (U+2715) look the same as ○ and × on screen: clerks cannot tell them apart.
BOOL_TRUE = ("あり", "有", "有り", "○", "〇", "◯", "はい", "yes", "true", "1")
BOOL_FALSE = ("なし", "無", "無し", "×", "✕", "いいえ", "no", "false", "0")

# Names that mark a total row: the row is skipped, not read as a task.
TOTAL_ROW_NAMES = ("合計", "小計", "計", "総計")

_HOURS_SYNONYMS = (
    "年間時間（時間）", "年間総時間", "年間処理時間", "年間業務時間", "年間所要時間", "年間総計", "業務時間（年間）",
    "導入前の年間時間", "導入前年間時間",
)  # fmt: skip
_ATTRIBUTE_HELP = "一覧から選択（分からなければ空欄: 未確認として取り込み、後の二次調査で確認します）"


def _attribute(
    fld: str, header: str, choices: tuple[str, ...], synonyms: tuple[str, ...], width: int
) -> Column:
    """A suitability column: a choice, optional (blank = 未確認, asked later in screening)."""
    return Column(fld, header, "enum", choices=choices, synonyms=synonyms, help=_ATTRIBUTE_HELP, width=width)


COLUMNS: tuple[Column, ...] = (
    Column("fiscal_year", "年度", "fiscal_year", help="2024, 令和6年度, R6 など", width=10),
    Column("division", "部", "text", synonyms=("部名", "部局", "部局名"), width=12),
    Column("department", "課", "text", synonyms=("課名", "所属", "所属課", "担当課"), width=12),
    Column("section", "係", "text", synonyms=("係名", "担当係", "グループ"), width=12),
    Column("task_code", "業務ID", "text", synonyms=("業務コード", "業務番号", "ID", "No"), width=10),
    Column("name", "業務名", "text", required=True, synonyms=("業務の名称", "業務名称", "事務名"), width=30),
    Column("category_1", "大分類", "text", width=12),
    Column("category_2", "中分類", "text", width=12),
    Column("category_3", "小分類", "text", width=12),
    Column("scope", "業務区分", "enum", choices=SCOPE, synonyms=("区分",), width=12),
    _attribute("routine", "定型性", ROUTINE, ("定型/非定型", "定型・非定型"), 10),
    _attribute("judgement", "判断の有無", JUDGEMENT, ("判断", "判断有無", "人の判断"), 10),
    _attribute("input_medium", "入力媒体", INPUT_MEDIUM, ("媒体", "入力元", "処理媒体"), 12),
    Column(
        "form_count",
        "様式数",
        "int",
        synonyms=("様式の数", "帳票数", "帳票種類数"),
        help="0以上の整数",
        width=8,
    ),
    Column(
        "system_count",
        "使用システム数",
        "int",
        synonyms=("システム数", "使用システムの数"),
        help="0以上の整数",
        width=10,
    ),
    Column(
        "annual_volume",
        "年間件数",
        "count",
        required=True,
        synonyms=("件数（年間）", "年間処理件数", "処理件数（年間）", "件数", "年間処理量"),
        help="0以上の数（1,200件 / 約1200件 も可）。年間時間を書く業務は空欄で可",
        width=10,
    ),
    Column(
        "minutes_per_case",
        "1件当たり処理時間（分）",
        "minutes",
        required=True,
        synonyms=(
            "処理時間（分/件）",
            "処理時間（分／件）",
            "1件あたり処理時間",
            "1件当たり処理時間",
            "1件あたり処理時間（分）",
            "1件当たりの処理時間（分）",
            "処理時間（分）",
            "処理時間",
        ),
        help="0より大きい分（30 / 30分 / 1時間30分 も可）。年間時間を書く業務は空欄で可",
        width=12,
    ),
    Column(
        "annual_hours",
        "年間時間",
        "hours",
        synonyms=_HOURS_SYNONYMS,
        help="年間件数×処理時間の代わりに、年間の合計時間を書けます（120 / 約71時間 / 1時間44分）",
        width=10,
    ),
    Column(
        "hours_after",
        "導入後の年間時間",
        "hours",
        synonyms=("導入後年間時間", "導入後の時間", "自動化後の年間時間", "削減後の年間時間"),
        help="RPA・AI-OCR などで自動化済みの業務だけ: 導入後の年間時間（導入前は年間時間または件数×処理時間）",
        width=10,
    ),
    Column(
        "staff_count",
        "従事職員数",
        "staff",
        synonyms=("担当者数", "従事人数", "従事者数", "職員数", "担当職員数"),
        help="0以上（0.5 = 半分の時間従事）",
        width=10,
    ),
    Column(
        "peak_months",
        "繁忙月",
        "months",
        synonyms=("繁忙期", "繁忙時期"),
        help="4,5,6 / 4月～6月 / 通年",
        width=12,
    ),
    Column(
        "documented", "手順書", "bool", synonyms=("マニュアル", "手順書の有無", "マニュアルの有無"), width=8
    ),
    Column(
        "verification",
        "目視確認",
        "enum",
        choices=VERIFICATION,
        synonyms=("目視確認の要否", "目視チェック"),
        width=10,
    ),
    Column(
        "check_minutes",
        "目視確認時間（分/件）",
        "minutes",
        synonyms=("目視確認時間", "確認時間（分/件）", "1件あたり確認時間", "1件当たり確認時間"),
        help="自動化した後も残る1件あたりの確認時間（分）。空欄なら目視確認の欄から推定",
        width=12,
    ),
    Column(
        "automatable_share",
        "自動化できる割合",
        "share",
        synonyms=("自動化割合", "自動化可能割合", "自動化対象割合", "入力・転記の割合"),
        help="作業時間のうちロボットが担える入力・転記などの割合（60% / 6割 / 0.6）。空欄なら業務の種類の既定値",
        width=10,
    ),
    Column(
        "exceptions", "例外処理", "enum", choices=EXCEPTIONS, synonyms=("例外処理の頻度", "例外"), width=10
    ),
    Column("change_expected", "制度改正予定", "bool", synonyms=("制度改正", "制度改正の予定"), width=10),
    Column("abolition_planned", "廃止予定", "bool", synonyms=("廃止", "廃止の予定"), width=8),
    Column("notes", "備考", "text", synonyms=("メモ", "特記事項"), width=30),
)

COLUMNS_BY_FIELD: dict[str, Column] = {c.field: c for c in COLUMNS}

# Fields that must appear as a header for a row to count as the header row.
# 年度 and 課 are required too, but may come from 表紙 or an option instead.
REQUIRED_HEADER_FIELDS: tuple[str, ...] = tuple(c.field for c in COLUMNS if c.required)


@dataclass(frozen=True)
class HeaderTable:
    """Header spelling (matching key) → field."""

    by_key: dict[str, str] = field(default_factory=dict)

    def field_for(self, header: object) -> str | None:
        """Return the field a header cell names, or None for an unknown header."""
        if header is None:
            return None
        return self.by_key.get(nfkc_key(str(header)))


def _header_table() -> HeaderTable:
    by_key: dict[str, str] = {}
    for column in COLUMNS:
        for spelling in (column.header, *column.synonyms):
            key = nfkc_key(spelling)
            if key in by_key and by_key[key] != column.field:
                raise ValueError(f"header spelling {spelling!r} names two fields")
            by_key[key] = column.field
    return HeaderTable(by_key)


HEADERS = _header_table()

# 表紙 labels (column A) → field.
COVER_LABELS: dict[str, str] = {
    nfkc_key(label): fld
    for label, fld in (
        ("年度", "fiscal_year"),
        ("調査年度", "fiscal_year"),
        ("部", "division"),
        ("部名", "division"),
        ("課", "department"),
        ("課名", "department"),
        ("所属", "department"),
        ("回答者", "respondent"),
        ("回答者名", "respondent"),
        ("回答日", "answered_on"),
    )
}

SURVEY_SHEET = "業務一覧"
COVER_SHEET = "表紙"
ERRORS_SHEET = "エラー一覧"  # the error workbook's list of errors: never a task sheet
