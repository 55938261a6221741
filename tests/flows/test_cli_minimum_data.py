"""A volume-only inventory through dxi as a person runs it: ingest → score → rank (table, JSON, xlsx printed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.cells import cell_len

from tests.flows.cli_runner import dxi
from tests.inventory.workbooks import write_xlsx
from tests.render import page_text, xlsx_to_pdf

ALL = "全項目（11）"
HOURS_ONLY = [
    ["年度", "課", "業務名", "年間時間", "導入後の年間時間"],
    ["令和6年度", "税務課", "住民税の申告書入力", "約1,200時間", None],
    ["令和6年度", "税務課", "課税台帳の照会対応", 340, None],
    ["令和6年度", "税務課", "口座振替データの取込", "600時間", 90],
]
SURVEYED = [
    ["年度", "課", "業務名", "定型性", "判断の有無", "入力媒体", "年間件数", "1件当たり処理時間（分）", "手順書",
     "目視確認", "例外処理", "様式数", "使用システム数", "制度改正予定", "廃止予定", "業務区分"],
    ["令和6年度", "市民課", "転入届の受付入力", "定型", "なし", "紙（手書き）", 4000, 12, "あり", "一部", "少ない",
     2, 1, "なし", "なし", "各課固有"],
]  # fmt: skip


def _table(out: str) -> dict[str, str]:
    """業務名 → the whole table row as printed (a row folded over lines joined back), in order."""
    header = next(line for line in out.splitlines() if line.startswith("┃") and "業務名" in line)
    at = [c.strip() for c in header.strip("┃").split("┃")].index("業務名")
    rows: dict[str, str] = {}
    name = ""
    for line in out.splitlines():
        if line.startswith("│"):
            cells = [c.strip() for c in line.strip("│").split("│")]
            if cells[0]:
                name = cells[at]
                rows[name] = ""
            rows[name] += "|".join(cells)
    return rows


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_volume_only_inventory_is_scored_ranked_and_says_what_it_assumed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [write_xlsx(tmp_path / "税務課.xlsx", HOURS_ONLY, cover=()),
             write_xlsx(tmp_path / "市民課.xlsx", SURVEYED, cover=())]  # fmt: skip
    code, out = dxi("init")
    assert code == 0, out
    code, out = dxi("ingest", *(str(f) for f in files))
    assert code == 0 and out.count("受理") == 2, out

    monkeypatch.setenv("COLUMNS", "200")
    code, out = dxi("score", "--fy", "2024")
    assert code == 0, out
    assert "属性未確認の業務が3件あります" in out.replace(
        "\n", ""
    )  # the automated one is counted: still unknown
    top = _table(out)
    assert ALL in top["住民税の申告書入力"] and ALL not in top["転入届の受付入力"]

    code, out = dxi("rank", "--fy", "2024")
    assert code == 0, out
    header = next(line for line in out.splitlines() if line.startswith("┃") and "順位" in line)
    assert "属性未確認" in header and "省略しました" not in out
    rows = _table(out)
    assert ALL in rows["課税台帳の照会対応"] and ALL not in rows["転入届の受付入力"]
    assert "自動化済み" in rows["口座振替データの取込"]
    assert list(rows)[-1].startswith("口座振替データの取込")  # at the bottom, yet listed

    monkeypatch.setenv("COLUMNS", "80")
    code, out = dxi("rank", "--fy", "2024")
    table = [line for line in out.splitlines() if line.startswith(("┏", "┃", "┡", "│", "└"))]
    assert len(table) > 8 and all(cell_len(line) <= 80 for line in table), out  # notes below: whole lines
    assert "属性未確認の業務が3件あります" in out.replace("\n", "")  # said even when the column is left out

    code, out = dxi("rank", "--fy", "2024", "--format", "json")
    ranked = {r["name"]: r for r in json.loads(out)}
    assert ranked["住民税の申告書入力"]["missing_attributes"][:3] == ["業務区分", "定型性", "判断の有無"]
    assert ranked["転入届の受付入力"]["missing_attributes"] == []
    assert "中立の値を仮定した見込みです" in ranked["住民税の申告書入力"]["explanation"]
    assert (
        ranked["口座振替データの取込"]["knocked_out"]
        and ranked["住民税の申告書入力"]["expected_hours_saved"] > 0
    )

    book = tmp_path / "候補一覧.xlsx"
    code, out = dxi("rank", "--fy", "2024", "--format", "xlsx", "-o", str(book))
    assert code == 0, out
    sheet = load_workbook(book)["候補一覧"]
    head = [c.value for c in sheet[4]]
    column = head.index("属性未確認")
    cells = {r[head.index("業務名")]: r[column] for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert cells["住民税の申告書入力"] == ALL and not cells["転入届の受付入力"]
    printed = page_text(xlsx_to_pdf(book, tmp_path / "pdf"))
    assert "属性未確認" in printed and ALL in printed and "自動化済み" in printed
