"""What the survey template says: its sheet's columns, help, accepted spellings and examples.

Built from `inventory.survey.schema`, so the template and the reader cannot drift apart.
Pure: the workbook writer (`template`) lays this out.
"""

from __future__ import annotations

import math

from inventory.survey import schema
from inventory.survey.schema import COLUMNS, Column

COVER_FIELDS = ("fiscal_year", "division", "department")
SHEET_COLUMNS: tuple[Column, ...] = tuple(c for c in COLUMNS if c.field not in COVER_FIELDS)
BOOL_CHOICES = ("あり", "なし")

KIND_HELP = {"text": "自由記述", "enum": "一覧から選択してください", "bool": "あり／なし（空欄は不明）"}
KIND_VALUES = {  # examples of accepted spellings, as SURVEY_FORMAT.md lists them
    **KIND_HELP,
    "int": "0、1、2 …（整数）",
    "count": "1200、１，２００、1,200件、約1200件",
    "minutes": "30、３０分、約30分、30分/件、1時間（=60）、1.5時間（=90）、1時間30分（=90）",
    "hours": "120、120時間、約71時間、1時間44分、30分（=0.5時間）",
    "staff": "2、0.5（半分の時間従事）、２人",
    "share": "60%、６０％、6割、0.6、60（=60%）",
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


def column_help(col: Column) -> str:
    """The help line of a column: its own, else its kind's."""
    return col.help or KIND_HELP.get(col.kind, "")


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


def accepted_values(col: Column) -> str:
    """Return the 入力できる値 text of a column, built from the schema's spellings."""
    if col.kind == "enum":
        extra = "、".join(f"{s}→{c}" for s, c in schema.ENUM_SYNONYMS.get(col.field, {}).items())
        return "、".join(col.choices) + (f"\n（次の書き方も可: {extra}）" if extra else "")
    if col.kind == "bool":
        return f"あり（{'、'.join(schema.BOOL_TRUE)} も可）\nなし（{'、'.join(schema.BOOL_FALSE)} も可）\n空欄は「不明」"
    return KIND_VALUES[col.kind]


def guide_rules() -> list[str]:
    """The 全体のきまり lines of the 記入要領 sheet: what every cell may hold."""
    cover: dict[str, list[str]] = {}
    for label, fld in schema.COVER_LABELS.items():
        cover.setdefault(fld, []).append(label)
    return [
        "数字は全角でも半角でも構いません（例: １２００、１，２００）。",
        "「約1200件」「1,200件」「30分」のように、約・単位・桁区切りを付けても読み取れます。",
        "「20～30」のような範囲は中央の値（25）として読み取り、確認のための注意を付けます。",
        "処理時間は「1時間」（60分）、「1.5時間」「1時間30分」（90分）も読み取れます。",
        "必須の数値欄に「不明」「随時」「-」などを書くとエラーになります。概算の数値を入力してください。",
        "業務量は「年間件数」と「1件当たり処理時間」で書くか、分からなければ「年間時間」に年間の合計時間を書いてください。",
        "定型性・判断の有無・入力媒体などは分かる範囲で記入してください。空欄は「未確認」として取り込み、"
        "候補になった業務について後で二次調査票で確認します。",
        f"業務名が「{'」「'.join(schema.TOTAL_ROW_NAMES)}」の行は合計行として読み飛ばします。空白の行も読み飛ばします。",
        "見出し行（1行目）の名前を変えたり、見出し行を削除したりしないでください（上の別名は読めます）。",
        "年度・部・課は「表紙」シートのA列の見出しとB列の値から読みます。A列の見出しとして読める書き方: "
        + "／".join("・".join(labels) for labels in cover.values()),
    ]
