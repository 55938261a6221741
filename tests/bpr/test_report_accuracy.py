"""The effect report tells the 本部 how accurate the estimates were, and which pilots went live below the gate."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import openpyxl
import pytest

from bpr.reports.accuracy import ACCURACY_BY_TOOL_NOTE, GATE_NOTE
from bpr.reports.data import EffectReport, build_report
from bpr.reports.html import render_html
from bpr.reports.pdf import render_pdf
from bpr.reports.xlsx import render_xlsx
from flows.town.panel import make_panel
from tests.bpr.test_report_pilots import _Visible
from tests.japanese import english_words
from tests.render import require

CONCERN = "実測の削減 40.0 時間/年が見込み 200.0 時間/年の半分未満です（見込みの 20%）"


def pilot(
    i: int, tool: str, state: str, estimated: float, realised: float | None, **extra: object
) -> dict[str, object]:
    return {"id": i, "department": "税務課", "name": f"申告書の入力（{i}）", "tool": tool, "state": state,
            "estimated_hours": estimated, "realised_hours": realised, **extra}  # fmt: skip


def report() -> EffectReport:
    panel, go_live = make_panel(departments=8, years=3, seed=2)
    pilots = [
        pilot(1, "rpa", "本格導入", 300.0, 240.0),
        pilot(2, "rpa", "本格導入", 500.0, 450.0),
        pilot(3, "rpa", "効果検証", 100.0, 70.0),
        pilot(4, "both", "本格導入", 200.0, 40.0, gate_concern=CONCERN, production_reason="法改正対応で継続"),
        pilot(5, "both", "見送り", 150.0, -120.0, gate_concern="実測の削減が -120.0 時間/年で…"),
        pilot(6, "ai-ocr", "候補", 80.0, None),
    ]
    return build_report(panel, go_live, pilots, n_boot=0)


def test_accuracy_by_tool_and_the_forced_go_live() -> None:
    r = report()
    rows = {a.tool_label: a for a in r.accuracy_by_tool}
    assert set(rows) == {"RPA", "AI-OCR+RPA"}  # the unmeasured AI-OCR pilot has no row
    rpa = rows["RPA"]
    assert (rpa.count, rpa.estimated_total, rpa.realised_total) == (3, 900.0, 760.0)
    assert rpa.ratio_pct == pytest.approx(760 / 900 * 100)
    assert (
        rpa.low_pct is not None and rpa.high_pct is not None and rpa.low_pct <= rpa.ratio_pct <= rpa.high_pct
    )
    both = rows["AI-OCR+RPA"]
    assert (
        both.ratio_pct == pytest.approx((40 - 120) / 350 * 100) and both.low_pct is None
    )  # two pilots: no interval
    assert [p.id for p in r.forced] == [4]  # a 見送り pilot below the gate did not go live
    doc = r.to_json_dict()
    assert doc["forced_production"] == [4] and len(doc["accuracy_by_tool"]) == 2  # type: ignore[arg-type]


def test_html_pdf_and_xlsx_show_the_accuracy_and_the_forced_pilot(tmp_path: Path) -> None:
    r = report()
    flat = "".join("".join(_Visible.of(render_html(r))).split())
    assert "見込みの精度（ツール別）" in flat and "".join(ACCURACY_BY_TOOL_NOTE.split()) in flat
    assert "".join(GATE_NOTE.split()) in flat and "理由:法改正対応で継続" in flat and "本格導入※" in flat
    assert english_words(" ".join(_Visible.of(render_html(r)))) == []

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_pdf(r))
    text = subprocess.run(
        [require("pdftotext"), str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    flat_pdf = "".join(text.split())
    assert "見込みの精度（ツール別）" in flat_pdf and "理由:法改正対応で継続" in flat_pdf
    assert "84%" in flat_pdf  # RPA: 760 ÷ 900

    book = openpyxl.load_workbook(io.BytesIO(render_xlsx(r)))
    sheet = book["見込みの精度"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:5] == (
        "ツール",
        "実証（測定済み）",
        "見込み（時間/年）",
        "実測（時間/年）",
        "実績÷見込み（%）",
    )
    assert values[1][:5] == ("RPA", 3, 900.0, 760.0, pytest.approx(760 / 900 * 100))
    notes = [row[8] for row in book["実証案件"].iter_rows(min_row=2, values_only=True) if row[0] == "4"]
    assert notes == ["※ 見込み未達で本格導入（理由: 法改正対応で継続）"]
