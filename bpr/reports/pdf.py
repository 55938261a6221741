"""The effect report as an A4 PDF whose pages flow from their content.

Page 1: the KPI and the monthly chart; page 2: the robots' effect against the plain
before/after and the yearly table; from page 3: the pilots. Each part starts on a new
page and runs on to as many pages as it needs (see `bpr.reports.pdf_layout` for why
ReportLab lays them out).
"""

from __future__ import annotations

import io
from functools import partial
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, NotAtTopPageBreak, SimpleDocTemplate, Spacer

from bpr.reports.accuracy import ACCURACY_BY_TOOL_NOTE, GATE_NOTE
from bpr.reports.charts import KPI, draw_monthly, draw_pilots, draw_pipeline, font, pilots_height
from bpr.reports.data import ACCURACY_NOTE, DROPPED_NOTE, EffectReport
from bpr.reports.html import accuracy
from bpr.reports.pdf_layout import MARGIN, WIDTH, boxes, callout, chart, heading, para, table
from inventory.display import hours, pct, signed

PILOTS_PER_CHART = 20  # a chart of more bars would not fit a page legibly


def _kpi_part(report: EffectReport) -> list[Flowable]:
    k, d = report.kpi, report.did
    detail = (
        f"{k.months_observed}か月分・年間見込み {hours(k.overtime_projected)} 時間"
        if k.projected
        else "12か月の実績"
    )
    verdict = (
        ("達成見込み" if k.projected else "達成")
        if k.target_met
        else ("未達の見込み" if k.projected else "未達")
    )
    parts: list[Flowable] = [
        para(report.title, 20),
        para(f"DX推進本部会議 資料 ／ KPI「職員残業時間数{k.target_pct:g}%削減〔{k.baseline_label}比〕」",
             9.5, "#555555"),
        heading("1. KPI の達成状況"),
        boxes([
            (f"{k.kpi_label}の残業時間（全課合計）", f"{hours(k.overtime_total)} 時間",
             (detail, f"基準年度（{k.baseline_label}）{hours(k.overtime_baseline)} 時間"), "#1a1a1a"),
            ("削減率（基準年度比" + ("・見込み）" if k.projected else "）"), pct(k.reduction_pct),
             (f"職員1人当たり {pct(k.per_staff_reduction_pct)}",
              f"（月 {k.baseline_per_staff_monthly:.1f} → {k.per_staff_monthly:.1f} 時間）"), "#1a1a1a"),
            (f"目標 {k.target_pct:g}% 削減", verdict,
             (f"職員1人当たりでは{'達成' if k.target_met_per_staff else '未達'}",),
             "#1E7B34" if k.target_met else "#C00000"),
        ]),
        Spacer(0, 6),
        para(k.note),
        *(para("⚠ " + warning, 8, "#9C5700") for warning in k.warnings[:3]),
        chart(draw_monthly, report, WIDTH / 2),
        para("棒は基準年度、折れ線は今年度、破線は目標（基準年度の同じ月から目標の割合を減らした値）です。"
             "3月・4月は毎年の繁忙期のため、月ごとに基準年度と比べています。", 8.5),
        Spacer(0, 6),
    ]  # fmt: skip
    if d.estimate is None:
        effect = "ロボット導入による効果（推定）: 推定できません（理由は次のページ）。"
    else:
        interval = (
            ""
            if d.ci_low is None or d.ci_high is None
            else f"（95%区間：{signed(d.ci_low)}〜{signed(d.ci_high)}）"
        )
        effect = (
            f"ロボット導入による効果（推定）: 導入課の職員1人当たり月{signed(d.estimate)}{interval}。"
            f"単純比較では{signed(d.naive_before_after)}で、全庁的な減少まで含みます（詳しくは次のページ）。"
        )
    return [*parts, callout("ロボットの効果（要旨）", effect)]


def _effect_part(report: EffectReport) -> list[Flowable]:
    d, k = report.did, report.kpi
    if d.ci_low is not None and d.ci_high is not None:
        interval = f"95%区間 {signed(d.ci_low)}〜{signed(d.ci_high)}"
    else:
        interval = "推定できません" if d.estimate is None else "区間は計算できません"
    annual = "" if d.annual_hours is None else f"導入課全体で年間 約{hours(abs(d.annual_hours))} 時間"
    rows = [
        [
            y.label + ("（基準）" if y.fiscal_year == k.baseline_fy else ""), str(y.months),
            hours(y.overtime_total), f"{y.headcount_mean:,.1f}", f"{y.per_staff_monthly:.2f}",
            pct(y.change_pct if y.change_pct is not None else y.same_months_change_pct)
            + ("" if y.change_pct is not None else "*"),
            pct(y.per_staff_change_pct), hours(y.projected_total),
        ]
        for y in k.years
    ]  # fmt: skip
    header = [
        "年度",
        "月数",
        "残業時間 合計",
        "平均職員数",
        "1人当たり月",
        "基準年度比",
        "1人当たり比",
        "年間見込み",
    ]
    parts: list[Flowable] = [
        heading("2. ロボット導入による効果（推定）と単純比較"),
        boxes([
            ("ロボット導入による効果（推定）: 1人当たり月", signed(d.estimate), (interval, annual), KPI),
            ("単純比較（導入課の導入前後）: 1人当たり月", signed(d.naive_before_after),
             ("全体の傾向や季節の変化まで", "ロボットの効果に数えてしまう比較です"), "#7F7F7F"),
        ]),
        Spacer(0, 6),
        para(d.note),
        para(f"推定の方法: 本格導入した課（{d.n_treated}課）と導入していない課（{d.n_control}課）を月ごとに"
             f"比べる差の差分法（課と月の固定効果）。区間は課を単位に{d.n_boot}回復元抽出したブートストラップ"
             f"（乱数の種 {d.seed}）。", 8.5),
        heading("3. 年度別の残業時間"),
        table(header, rows, (0.2, 0.07, 0.14, 0.11, 0.12, 0.13, 0.12, 0.11), text_columns=1),
    ]  # fmt: skip
    if any(y.change_pct is None for y in k.years):
        parts.append(para("* 年度途中: 基準年度の同じ月との比較。", 8))
    return parts


def _pilot_part(report: EffectReport) -> list[Flowable]:
    shown = report.pilots
    charts = []
    for start in range(0, max(len(shown), 1), PILOTS_PER_CHART):
        chunk = report.model_copy(update={"pilots": shown[start : start + PILOTS_PER_CHART]})
        charts.append(chart(draw_pilots, chunk, pilots_height(len(chunk.pilots))))
    # The heading stays with its first chart; both start on the page before when they fit there
    # (section 3 leaves most of page 2 empty), and the table follows them across the page.
    parts: list[Flowable] = [
        KeepTogether([heading("4. 実証案件: 削減時間の見込みと実測"), charts[0]]),
        *charts[1:],
    ]
    if not shown:
        return [*parts, para("実証案件はまだ登録されていません。"), chart(draw_pipeline, report, 182)]
    header = ["課", "業務・案件", "ツール", "状態", "見込み\n（時間/年）", "実測\n（時間/年）", "的中率"]
    rows = [
        [p.department, p.name, p.tool_label, p.state + ("※" if p.forced else ""), hours(p.estimated_hours),
         hours(p.realised_hours), accuracy(p)]
        for p in shown
    ]  # fmt: skip
    rows += [
        [f"見込みの合計（全{len(shown)}件）", "", "", "", hours(report.estimated_total), "—", ""],
        [f"実測の合計（実測済み{report.measured_count}件）", "", "", "",
         hours(report.measured_estimated_total), hours(report.realised_total), pct(report.measured_accuracy_pct, 0)],
    ]  # fmt: skip
    notes = [para(ACCURACY_NOTE, 8)]
    if report.has_dropped:
        notes.append(para(DROPPED_NOTE, 8))
    notes += [para(GATE_NOTE, 8)] if report.forced else []
    notes += [para(f"ID {p.id} {p.department}「{p.name}」: {p.gate_concern}。理由: {p.production_reason or '（記入なし）'}", 8)
              for p in report.forced]  # fmt: skip
    return [
        *parts,
        Spacer(0, 4),
        table(header, rows, (0.2, 0.27, 0.12, 0.09, 0.11, 0.11, 0.1), text_columns=4, total_rows=2),
        KeepTogether([Spacer(0, 4), *notes]),
        *_accuracy_part(report),
        KeepTogether([Spacer(0, 8), chart(draw_pipeline, report, 161)]),
    ]


def _accuracy_part(report: EffectReport) -> list[Flowable]:
    """見込みの精度（ツール別）: realised ÷ estimated per tool with its interval."""
    if not report.accuracy_by_tool:
        return []
    header = [
        "ツール",
        "実証\n（測定済み）",
        "見込み\n（時間/年）",
        "実測\n（時間/年）",
        "実績÷見込み",
        "95%区間",
    ]
    rows = [
        [a.tool_label, f"{a.count}件", hours(a.estimated_total), hours(a.realised_total), pct(a.ratio_pct, 0),
         "—" if a.low_pct is None else f"{pct(a.low_pct, 0)}〜{pct(a.high_pct, 0)}"]
        for a in report.accuracy_by_tool
    ]  # fmt: skip
    return [
        KeepTogether(
            [Spacer(0, 8), para("見込みの精度（ツール別）", 10), Spacer(0, 2),
             table(header, rows, (0.2, 0.14, 0.16, 0.16, 0.14, 0.2), text_columns=1), Spacer(0, 2),
             para(ACCURACY_BY_TOOL_NOTE, 8)]
        )
    ]  # fmt: skip


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # ReportLab ships no type hints
    """A canvas that holds its pages back until the end, to print 「n / 総ページ数」 on each."""

    def __init__(self, *args: Any, title: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._title = title

    def showPage(self) -> None:  # noqa: N802  ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for state in self._pages:
            self.__dict__.update(state)
            self.saveState()
            self.setFont(font(), 8)
            self.setFillColorRGB(0.4, 0.4, 0.4)
            self.drawString(MARGIN, A4[1] - MARGIN + 4, self._title)
            self.drawRightString(
                A4[0] - MARGIN, A4[1] - MARGIN + 4, f"{self._pageNumber} / {len(self._pages)}"
            )
            self.restoreState()
            super().showPage()
        super().save()


def render_pdf(report: EffectReport) -> bytes:
    """Render the report as PDF bytes (A4 portrait, IPAex Gothic embedded, as many pages as needed)."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 8, bottomMargin=MARGIN,
        title=report.title, author="dx-task-inventory", creator="dx-task-inventory",
    )  # fmt: skip
    story = [
        *_kpi_part(report),
        NotAtTopPageBreak(),
        *_effect_part(report),
        Spacer(0, 12),
        *_pilot_part(report),
    ]
    doc.build(story, canvasmaker=partial(_NumberedCanvas, title=report.title))
    return buffer.getvalue()
