"""Workbooks laid out as municipalities and 総務省 publish them, built from scratch with openpyxl.

Each builder writes one file into a folder and returns it with the tasks (課, name, 年度,
hours) that ingesting it must give, and the one-line edit a person makes to the suggested
layout when the file's wording is not the common one (None when it is).

1. `horizontal_table`: a 業務量調査票 with a title block, a note, merged two-row headings
   (処理件数 over 年間 | 月平均), 件 × 分 and a 年間処理時間 column in text (1時間44分, 約71時間),
   a 合計 row and a ※ note under the table, and a 記入例 sheet beside it.
2. Tables of hours with several 課 in one file: `hours_table` (年間業務時間 and a 担当課 column),
   `person_effort_table` (人工, 【課名】 inside the task names), `before_after_table` (RPA導入効果:
   導入前・導入後・削減時間 under one merged heading), `staff_share_table` (担当職員数 as a share of
   a person-year: the one-line edit to 人工).
3. `vertical_forms` (families_forms.py): 総務省's 業務説明表, one task per sheet after a 目次, 項目名 | 記載内容 and
   two blocks 年間総計・通常期・繁忙期・閑散期: 業務規模（件） and 業務量（時間）.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from tests.inventory.layouts.families_forms import vertical_forms
from tests.inventory.layouts.family_base import (
    HOURS_PER_PERSON_YEAR,
    Family,
    Task,
    apply_edit,
    boxed,
    head,
    title,
    widths,
)

__all__ = ["FAMILIES", "Family", "Task", "apply_edit"]

# --- 1. a horizontal 業務量調査票 --------------------------------------------------------

_SURVEY_ROWS: list[tuple[object, ...]] = [
    # 事務事業名, 業務内容, 年間件数, 月平均, 1件あたり（分）, 年間処理時間, 従事人数, 備考
    ("固定資産税の課税台帳整理", "家屋異動の台帳への反映", 1200, 100, 15, None, 2, None),
    ("住民税申告書の受付", "窓口・郵送の申告書受付と入力", "3,600件", 300, "20分", None, 3, "2月～3月に集中"),
    ("口座振替の登録", "口座振替依頼書の確認と登録", 840, 70, 10, None, 1, None),
    ("税務証明の発行", "所得・課税証明の窓口交付", 5000, 417, 8, None, 2, None),
    (
        "庶務（予算・決算）",
        "課の予算要求と決算資料の作成",
        None,
        None,
        None,
        "約71時間",
        1,
        "件数は数えられない",
    ),
    ("課内会議資料の作成", "週次会議の資料作成", None, None, None, "1時間44分", 1, None),
]


def horizontal_table(folder: Path) -> Family:
    """Family 1: title block, note, merged two-row headings, mixed units, 合計 and ※ rows."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "調査票"
    title(ws, "令和6年度 業務量調査票", "A1:I1")
    ws["A2"], ws["B2"], ws["D2"], ws["E2"] = "所属", "税務課", "記入者", "税務 太郎"
    ws["A3"] = (
        "※ 1件あたり処理時間は分で記入してください。件数を数えられない業務は年間処理時間に記入してください。"
    )
    for ref, text, merge in (
        ("A4", "No", "A4:A5"), ("B4", "事務事業名", "B4:B5"), ("C4", "業務内容", "C4:C5"),
        ("D4", "処理件数", "D4:E4"), ("D5", "年間", None), ("E5", "月平均", None),
        ("F4", "1件あたり処理時間（分）", "F4:F5"), ("G4", "年間処理時間", "G4:G5"),
        ("H4", "従事人数", "H4:H5"), ("I4", "備考", "I4:I5"),
    ):  # fmt: skip
        head(ws, ref, text, merge)
    for i, row in enumerate(_SURVEY_ROWS, start=1):
        ws.append([i, *row])
    total = 6 + len(_SURVEY_ROWS)
    ws.append([None, "合計", None, f"=SUM(D6:D{total - 1})", None, None, None, f"=SUM(H6:H{total - 1})"])
    ws.append([])
    ws.append([None, "※ 処理件数は令和5年度の実績です。"])
    boxed(ws, f"A4:I{total}")
    widths(ws, {"A": 5, "B": 26, "C": 30, "D": 10, "E": 10, "F": 14, "G": 14, "H": 9, "I": 20})
    example = wb.create_sheet("記入例")
    example.append(["No", "事務事業名", "業務内容", "処理件数"])
    example.append([1, "（例）〇〇証明の発行", "窓口での交付", 100])
    path = folder / "R6_業務量調査票_税務課.xlsx"
    wb.save(path)
    hours = [1200 * 15 / 60, 3600 * 20 / 60, 840 * 10 / 60, 5000 * 8 / 60, 71.0, 1 + 44 / 60]
    tasks = [Task("税務課", str(row[0]), 2024, h) for row, h in zip(_SURVEY_ROWS, hours, strict=True)]
    return Family(path, tasks)


# --- 2. tables of hours, 人工, before/after, with several 課 ---------------------------------

_HOURS_ROWS = [
    ("税務課", "住民税特別徴収の税額通知", 420.0, "5月"),
    ("税務課", "軽自動車税の減免審査", 96.5, "4月～5月"),
    ("市民課", "転入届の受付と入力", 1850.0, "3月・4月"),
    ("市民課", "戸籍届書の審査", 610.0, "通年"),
    ("福祉課", "児童手当の現況確認", 330.0, "6月"),
]


def hours_table(folder: Path) -> Family:
    """Family 2: one table for the whole town, a 担当課 column and annual hours (時間)."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "業務棚卸し"
    title(ws, "令和6年度 業務棚卸し（年間業務時間）", "A1:F1")
    for ref, text in (("A3", "No"), ("B3", "担当課"), ("C3", "業務名"), ("D3", "年間業務時間（時間）"),
                      ("E3", "繁忙期"), ("F3", "備考")):  # fmt: skip
        head(ws, ref, text)
    for i, row in enumerate(_HOURS_ROWS, start=1):
        ws.append([i, *row])
    ws.append([None, None, "合計", sum(r[2] for r in _HOURS_ROWS)])
    boxed(ws, f"A3:F{4 + len(_HOURS_ROWS)}")
    widths(ws, {"A": 5, "B": 12, "C": 30, "D": 14, "E": 12, "F": 20})
    path = folder / "業務棚卸し_全庁.xlsx"
    wb.save(path)
    return Family(path, [Task(d, n, 2024, h) for d, n, h, _ in _HOURS_ROWS])


_EFFORT_ROWS = [
    ("【課税課】住民税当初課税", 1.5, 4),
    ("【課税課】固定資産税の評価替え", 0.8, 2),
    ("【収納課】滞納整理", 2.0, 3),
    ("【収納課】口座振替データの照合", 0.25, 1),
]


def person_effort_table(folder: Path) -> Family:
    """Family 2: 人工 per task, the 課 inside each name as 【課名】, a 合計 row."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "業務量"
    for ref, text in (("A2", "業務名"), ("B2", "業務量（人工）"), ("C2", "従事人数"), ("D2", "備考")):
        head(ws, ref, text)
    ws["A1"] = "税務部 業務量調査（令和6年度）"
    for row in _EFFORT_ROWS:
        ws.append(list(row))
    ws.append(["合計", sum(r[1] for r in _EFFORT_ROWS)])
    widths(ws, {"A": 34, "B": 14, "C": 10, "D": 20})
    path = folder / "R6_税務部_業務量調査.xlsx"
    wb.save(path)
    tasks = [Task(n[1:4], n[5:], 2024, e * HOURS_PER_PERSON_YEAR) for n, e, _ in _EFFORT_ROWS]
    return Family(path, tasks)


_RPA_ROWS = [
    ("市民課", "異動届受理通知の作成", 26.0, "1時間44分", "24時間16分", "93.3%"),
    ("介護保険課", "要介護認定調査票の入力", 400.0, "3時間36分", "396時間24分", "99.1%"),
    ("契約課", "入札参加資格申請の審査", 180.0, "60時間", 120, "66.7%"),
]


def before_after_table(folder: Path) -> Family:
    """Family 2: RPA導入効果一覧, 導入前・導入後・削減時間 under one merged heading, several 課."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "効果"
    title(ws, "RPA導入効果一覧（令和6年度）", "A1:F1")
    for ref, text, merge in (
        ("A3", "所属", "A3:A4"), ("B3", "対象業務", "B3:B4"), ("C3", "年間作業時間", "C3:E3"),
        ("C4", "導入前", None), ("D4", "導入後", None), ("E4", "削減時間", None), ("F3", "削減率", "F3:F4"),
    ):  # fmt: skip
        head(ws, ref, text, merge)
    for dept, name, before, after, saved, rate in _RPA_ROWS:
        ws.append([dept, name, before, after, saved, rate])
    boxed(ws, f"A3:F{4 + len(_RPA_ROWS)}")
    widths(ws, {"A": 12, "B": 30, "C": 10, "D": 12, "E": 12, "F": 8})
    path = folder / "RPA導入効果一覧.xlsx"
    wb.save(path)
    after = {"1時間44分": 1 + 44 / 60, "3時間36分": 3.6, "60時間": 60.0}
    return Family(path, [Task(d, n, 2024, b, after[a]) for d, n, b, a, _, _ in _RPA_ROWS])


_SHARE_ROWS = [
    ("総務課", "文書の収受と発送", 0.5),
    ("総務課", "例規の整備", 0.3),
    ("企画課", "統計調査の取りまとめ", 0.2),
]


def staff_share_table(folder: Path) -> Family:
    """Family 2: 担当職員数 meant as a share of a person-year (総務省's 投入資源): one line to edit."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "事務分担"
    for ref, text in (("A1", "課名"), ("B1", "事務名"), ("C1", "担当職員数"), ("D1", "備考")):
        head(ws, ref, text)
    for row in _SHARE_ROWS:
        ws.append(list(row))
    path = folder / "R6_事務分担表.xlsx"
    wb.save(path)
    tasks = [Task(d, n, 2024, s * HOURS_PER_PERSON_YEAR) for d, n, s in _SHARE_ROWS]
    edit = ("staff_count = ", 'annual_hours = { heading = "担当職員数", unit = "人工" }')
    return Family(path, tasks, edit=edit)


FAMILIES = {
    "horizontal_table": horizontal_table,
    "hours_table": hours_table,
    "person_effort_table": person_effort_table,
    "before_after_table": before_after_table,
    "staff_share_table": staff_share_table,
    "vertical_forms": vertical_forms,
}
