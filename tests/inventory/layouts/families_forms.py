"""Family 3: 総務省's 業務説明表, one task per sheet after a 目次, built from scratch with openpyxl.

項目名 | 記載内容 down columns B and C, and two blocks 年間総計・通常期・繁忙期・閑散期:
業務規模（件） and 業務量（時間）.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from tests.inventory.layouts.family_base import Family, Task, boxed, head, title, widths

# --- 3. vertical forms: 業務説明表, one task per sheet -------------------------------------

_FORMS = [
    # sheet, 整理番号, 業務名, 所管部署, 業務規模 (件: 年間総計, 通常期, 繁忙期, 閑散期), 業務量 (時間: the same), 担当職員数
    ("業務01", "01", "住民票の写し等の交付", "市民課", ("12,000件", "900件/月", "1,500件/月（3月～4月）", "600件/月"),
     (1200, "80時間/月", "160時間/月（3月～4月）", "60時間/月"), "0.8人"),
    ("業務02", "02", "印鑑登録証明書の交付", "市民課", ("8,000件", "600件/月", "1,000件/月（3月）", "450件/月"),
     ("約350時間", "25時間/月", "50時間/月（3月）", "20時間/月"), "0.3人"),
    ("業務03", "03", "国民健康保険の資格取得届", "保険年金課", ("2,400件", "180件/月", "400件/月（4月）", "120件/月"),
     ("71時間", "5時間/月", "12時間/月（4月）", "4時間/月"), "0.1人"),
]  # fmt: skip
_SEASONS = ("　年間総計", "　通常期", "　繁忙期", "　閑散期")
_FORM_LABELS = ("(整理番号)", "業務名", "業務の目的・概要", "根拠法令等", "所管部署", "業務規模（件）", *_SEASONS,
                "業務量（時間）", *_SEASONS, "担当職員数")  # fmt: skip


def _form_sheet(ws: Worksheet, form: tuple[object, ...]) -> None:
    _, number, name, dept, scale, hours, staff = form
    assert isinstance(scale, tuple) and isinstance(hours, tuple)
    title(ws, "業務説明表", "A1:C1")
    head(ws, "B3", "項目名")
    head(ws, "C3", "記載内容")
    values = (number, name, f"{name}を迅速かつ正確に行う。", "住民基本台帳法 ほか", dept, None, *scale,
              None, *hours, staff)  # fmt: skip
    for i, (label, value) in enumerate(zip(_FORM_LABELS, values, strict=True), start=4):
        ws[f"B{i}"], ws[f"C{i}"] = label, value
    ws["D9"] = "※年間総計、通常期・繁忙期・閑散期の値を記入"
    boxed(ws, f"B3:C{3 + len(_FORM_LABELS)}")
    widths(ws, {"A": 3, "B": 20, "C": 44, "D": 30})


def vertical_forms(folder: Path) -> Family:
    """Family 3: a 目次 sheet, then one 業務説明表 per task."""
    wb = Workbook()
    toc = wb.active
    assert toc is not None
    toc.title = "目次"
    toc.append(["業務説明表 目次"])
    toc.append(["No", "業務名", "所管部署", "シート"])
    for form in _FORMS:
        toc.append([form[1], form[2], form[3], form[0]])
        _form_sheet(wb.create_sheet(str(form[0])), form)
    path = folder / "R6_業務説明表.xlsx"
    wb.save(path)
    hours = {"業務01": 1200.0, "業務02": 350.0, "業務03": 71.0}
    tasks = [Task(str(f[3]), str(f[2]), 2024, hours[str(f[0])]) for f in _FORMS]
    return Family(path, tasks)
