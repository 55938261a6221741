"""The effect report: data equals kpi()/did(), HTML is safe and offline, PDF and xlsx are real."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pdfplumber
import pytest

from bpr.effects.measure import did, headline, kpi
from bpr.reports.data import PILOT_STATES, EffectReport, build_report, pilot_line
from bpr.reports.html import render_html
from bpr.reports.pdf import render_pdf
from bpr.reports.xlsx import render_xlsx
from flows.town.panel import make_panel
from tests.render import rgb

EVIL = "<script>alert(1)</script>"
N_BOOT = 100


def pilots() -> list[dict[str, object]]:
    return [
        {"id": 1, "department": "総務課", "name": "ふるさと納税の受付入力", "tool": "rpa", "state": "本格導入",
         "estimated_hours": 400.0, "realised_hours": 320.0},
        {"id": 2, "department": "税務課", "name": EVIL, "tool": "ai-ocr", "state": "実証中",
         "estimated_hours": 200.0, "realised_hours": None},
        {"id": 3, "department": "福祉課", "name": "=HYPERLINK(\"x\")", "tool": "both", "state": "dropped",
         "estimated_hours": 50.0, "realised_hours": 5.0},
    ]  # fmt: skip


@pytest.fixture(scope="module")
def town() -> tuple[object, dict[str, tuple[int, int]], EffectReport]:
    panel, go_live = make_panel(departments=14, years=4, seed=3)
    return panel, go_live, build_report(panel, go_live, pilots(), n_boot=N_BOOT)


def test_report_data_equals_kpi_and_did(town) -> None:
    panel, go_live, report = town
    k = kpi(panel, kpi_fy=2025)
    d = did(panel, go_live, n_boot=N_BOOT)
    doc = json.loads(json.dumps(report.to_json_dict(), ensure_ascii=False))
    for key, value in headline(k, d).items():
        assert doc[key] == pytest.approx(value) if isinstance(value, float) else doc[key] == value, key
    for key in ("baseline_fy", "kpi_fy", "overtime_total", "overtime_baseline", "reduction_pct", "target_pct",
                "target_met", "did_estimate", "did_ci_low", "did_ci_high", "naive_before_after"):  # fmt: skip
        assert key in doc
    assert doc["kpi_fy"] == 2025 and doc["baseline_fy"] == 2022  # latest year, earliest full year
    assert [(p["estimated_hours"], p["realised_hours"]) for p in doc["pilots"]] == [
        (400, 320),
        (200, None),
        (50, 5),
    ]
    assert doc["pilots"][0]["accuracy_pct"] == pytest.approx(80.0)
    assert list(doc["pipeline"]) == list(PILOT_STATES)
    assert doc["pipeline"]["本格導入"] == 1 and doc["pipeline"]["見送り"] == 1  # "dropped" read as 見送り


def test_monthly_series_runs_april_to_march_and_sums_every_department(town) -> None:
    panel, _, report = town
    assert [m.month for m in report.months] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
    april = panel[(panel["year"] == 2022) & (panel["month"] == 4)]
    first = report.months[0]
    assert first.baseline_total == pytest.approx(april["overtime_hours"].sum())
    assert first.baseline_per_staff == pytest.approx(april["overtime_hours"].sum() / april["headcount"].sum())
    assert first.target_total == pytest.approx(first.baseline_total * 0.8)
    assert sum(m.kpi_total or 0 for m in report.months) == pytest.approx(report.kpi.overtime_total)


def test_accuracy_needs_a_positive_estimate() -> None:
    assert pilot_line({"id": 1, "estimated_hours": 0, "realised_hours": 3}).accuracy_pct is None
    assert pilot_line({"id": 1, "estimated_hours": "abc", "realised_hours": 3}).estimated_hours is None


def test_html_is_japanese_offline_and_escaped(town) -> None:
    _, _, report = town
    html = render_html(report)
    for text in ("令和7年度 RPA・AI-OCR 導入効果報告", "ロボット導入による効果（推定）", "単純比較", "目標",
                 "IPAexGothic, 'Yu Gothic', Meiryo, sans-serif"):  # fmt: skip
        assert text in html
    assert f"{report.kpi.overtime_total:,.0f}" in html and f"{report.kpi.reduction_pct:.1f}%" in html
    assert html.count("<svg") == 3
    assert "http" not in html  # no URL of any kind: no CDN, no font, no namespace URL
    assert EVIL not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_says_when_the_effect_cannot_be_estimated() -> None:
    panel, _ = make_panel(departments=6, years=3, seed=1)
    report = build_report(panel, {}, [], n_boot=0)
    html = render_html(report)
    assert report.did.estimate is None and "推定できません" in html
    assert "実証案件はまだ登録されていません" in html


def test_pdf_is_real_and_page_one_is_not_blank(town, tmp_path: Path) -> None:
    _, _, report = town
    data = render_pdf(report)
    assert data.startswith(b"%PDF") and len(data) > 10_000
    assert b"IPAexGothic" in data  # the font is embedded, no system font needed
    if shutil.which("pdftoppm") is None:
        if os.environ.get("DXI_REQUIRE_PDFTOPPM") == "1":
            pytest.fail("pdftoppm is required here (DXI_REQUIRE_PDFTOPPM=1) to check the rendered page")
        pytest.skip("pdftoppm is not installed (apt-get install poppler-utils) to check the rendered page")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(data)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True
    )
    (page,) = tmp_path.glob("p*.png")
    pixels = rgb(page)
    assert pixels.std() > 0.05  # text and a chart, not a white page
    listing = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert re.search(r"^Pages:\s+3$", listing, re.M)


def test_chart_labels_are_text_in_the_embedded_font(town) -> None:
    """The charts are vector drawings: their Japanese labels are searchable text in IPAex Gothic."""
    _, _, report = town
    k = report.kpi
    with pdfplumber.open(io.BytesIO(render_pdf(report))) as pdf:
        chars = pdf.pages[0].chars
    text = "".join(c["text"] for c in chars if c["upright"])  # in drawing order
    assert f"月別の残業時間: {k.kpi_label}と{k.baseline_label}" in text
    assert "".join(m.label for m in report.months) in text
    assert f"{k.baseline_label}（基準年度）{k.kpi_label}目標（基準年度の{k.target_pct:g}%減）" in text
    assert "".join(c["text"] for c in chars if not c["upright"]) == "残業時間（時間・全課合計）"
    assert {c["fontname"].split("+")[-1] for c in chars} == {"IPAexGothic"}
    html = render_html(report)
    assert f"月別の残業時間: {k.kpi_label}と{k.baseline_label}</text>" in html


def test_xlsx_has_tables_native_charts_and_no_formulas(town) -> None:
    _, _, report = town
    data = render_xlsx(report)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert len([n for n in names if n.startswith("xl/charts/chart")]) == 3
    book = openpyxl.load_workbook(io.BytesIO(data))
    expected = ["概要", "月別", "年度別", "実証案件", "見込みの精度", "状態別"]
    assert book.sheetnames == [n for n in expected if n != "見込みの精度" or report.accuracy_by_tool]
    summary = {
        row[0]: row[1] for row in book["概要"].iter_rows(min_row=4, max_col=2, values_only=True) if row[0]
    }
    assert summary["残業時間 合計（時間）"] == pytest.approx(report.kpi.overtime_total)
    assert summary["ロボット導入による効果（推定）: 1人当たり月（時間）"] == pytest.approx(
        report.did.estimate
    )
    cells = [c for row in book["実証案件"].iter_rows() for c in row]
    formula = next(c for c in cells if isinstance(c.value, str) and c.value.startswith("=HYPERLINK"))
    assert formula.data_type == "s"  # literal text, never evaluated
    assert [c.value for c in book["月別"]["A"][1:13]] == [
        f"{m}月" for m in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
    ]
