"""`dxi layout suggest` run as a person runs it, on workbooks laid out as municipalities publish them."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from tests.flows.cli_runner import assert_not_imported, dxi
from tests.inventory.layouts import families


def _row(out: str, *cells: str) -> bool:
    """Whether one line of the printed table holds all `cells`, left to right."""
    for line in out.splitlines():
        at = 0
        for cell in cells:
            at = line.find(cell, at)
            if at < 0:
                break
            at += len(cell)
        else:
            return True
    return False


def test_suggest_prints_each_mapped_field_with_its_heading_and_writes_the_layout(tmp_path: Path) -> None:
    family = families.horizontal_table(tmp_path)
    code, out = dxi("layout", "suggest", str(family.path), "-o", str(tmp_path / "様式.toml"))
    assert code == 0, out
    assert "表（1行に1業務）" in out and "シート 調査票 / 見出し 4〜5行目 / 業務は 6行目から" in out
    assert _row(out, "業務名", "事務事業名", "5", "B")
    assert _row(out, "年間件数", "処理件数 年間", "5", "D", "件")
    assert _row(out, "1件当たり処理時間", "1件あたり処理時間（分）", "5", "F", "分")
    assert _row(out, "年間時間", "年間処理時間", "5", "G", "時間")
    assert "課: 調査票 B2 の「税務課」" in out
    assert "年度: ファイル名の「R6」（例: 2024年度）" in out
    assert "「処理件数 月平均」（調査票 E5）— 年間の値ではありません" in out
    assert "定型性・判断の有無・入力媒体 は見つかりませんでした" in out
    assert "次に: dxi ingest R6_業務量調査票_税務課.xlsx --layout 様式.toml" in out
    layout = tomllib.loads((tmp_path / "様式.toml").read_text(encoding="utf-8"))
    assert layout["table"]["header_rows"] == [4, 5]


def test_suggest_names_each_field_it_could_not_map_and_what_to_edit(tmp_path: Path) -> None:
    family = families.staff_share_table(tmp_path)
    code, out = dxi("layout", "suggest", str(family.path))
    assert code == 0, out
    assert _row(out, "従事職員数", "担当職員数", "1", "C")
    assert "見つからなかった項目: 年間時間 — 年間の時間か人工で読むならその見出しを heading に書きます" in out
    assert '（担当職員数が 0.5 人のような配分なら unit = "人工"）' in out
    text = out[out.index("# 様式ファイル") :]  # without -o the layout follows the report
    assert tomllib.loads(text)["fields"]["staff_count"] == {"heading": "担当職員数"}


def test_suggest_on_vertical_forms_reports_the_label_and_value_columns(tmp_path: Path) -> None:
    family = families.vertical_forms(tmp_path)
    code, out = dxi("layout", "suggest", str(family.path), "-o", str(tmp_path / "業務説明表.toml"))
    assert code == 0, out
    assert "縦型の様式（項目名と記載内容、1シートに1業務）" in out
    assert "シート 業務01、業務02、業務03（3業務）/ 項目名 B列・記載内容 C列" in out
    assert _row(out, "年間時間", "業務量（時間） 年間総計", "15", "C", "時間")
    assert "課: 項目「所管部署」" in out
    assert "「目次」（シート）— 業務の様式ではないシートです" in out
    assert "読み取った業務の例: 住民票の写し等の交付、印鑑登録証明書の交付、国民健康保険の資格取得届" in out


@pytest.mark.parametrize(
    "build", [families.hours_table, families.person_effort_table, families.before_after_table]
)
def test_suggest_reads_every_table_of_hours_without_anything_left_to_fill_in(tmp_path: Path, build) -> None:
    code, out = dxi("layout", "suggest", str(build(tmp_path).path), "-o", str(tmp_path / "様式.toml"))
    assert code == 0, out
    assert "見つからなかった項目" not in out and "要確認 —" not in out


def test_suggest_refuses_a_missing_or_broken_file_in_japanese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out = dxi("layout", "suggest", "ない.xlsx")
    assert code == 2 and "ない.xlsx が見つかりません" in out
    Path("壊れた.xlsx").write_bytes(b"not a workbook")
    code, out = dxi("layout", "suggest", "壊れた.xlsx")
    assert code == 2 and "エラー:" in out and "Excelファイルではありません" in out


def test_layout_is_in_the_help_and_suggest_loads_no_prefect(tmp_path: Path) -> None:
    code, out = dxi("--help")
    assert code == 0 and "layout" in out
    code, out = dxi("layout", "--help")
    assert code == 0 and "suggest" in out
    code, out = dxi("layout", "suggest", "--help")
    assert code == 0 and "例: dxi layout suggest" in out
    family = families.hours_table(tmp_path)
    assert_not_imported(tmp_path, ["layout", "suggest", str(family.path)])


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_suggest_then_ingest_as_a_person_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The survey with merged headings unedited, the 事務分担表 after its one-line edit: tasks and hours."""
    monkeypatch.setenv("COLUMNS", "160")
    monkeypatch.chdir(tmp_path)
    survey, shares = families.horizontal_table(tmp_path), families.staff_share_table(tmp_path)
    assert dxi("init")[0] == 0
    assert dxi("layout", "suggest", survey.path.name, "-o", "税務課様式.toml")[0] == 0
    code, out = dxi("ingest", survey.path.name, "--layout", "税務課様式.toml")
    assert code == 0, out
    assert _row(out, survey.path.name, "受理", "税務課", "2024", "6")
    assert dxi("layout", "suggest", shares.path.name, "-o", "分担表様式.toml")[0] == 0
    edited = families.apply_edit(Path("分担表様式.toml").read_text(encoding="utf-8"), shares.edit or ("", ""))
    Path("分担表様式.toml").write_text(edited, encoding="utf-8")
    code, out = dxi("ingest", shares.path.name, "--layout", "分担表様式.toml")
    assert code == 0, out
    assert _row(out, shares.path.name, "受理", "総務課、企画課", "2024", "3")
    code, out = dxi("tasks")
    assert code == 0, out
    assert _row(out, "税務課", "住民税申告書の受付", "3,600", "20", "1,200.0")
    assert _row(out, "税務課", "課内会議資料の作成", "1.7")  # 1時間44分 in 年間処理時間
    assert _row(out, "総務課", "文書の収受と発送", "960.0")  # 0.5 人工 × 1,920 h
