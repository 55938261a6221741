"""The effect report as a 3-page A4 PDF, drawn with matplotlib alone.

Why matplotlib: it is already a dependency, works offline, and embeds the bundled
IPAex Gothic as TrueType (pdf.fonttype 42), so the PDF reads the same on any PC, with
no HTML-to-PDF engine to install on an LGWAN machine. Page 1: the KPI and the monthly
chart; page 2: the robots' effect against the plain before/after and the yearly
table; page 3: the pilots.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence

from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from bpr.report_charts import KPI, chart_style, draw_monthly, draw_pilots, draw_pipeline
from bpr.report_data import EffectReport
from inventory.display import hours, pct, signed

A4 = (8.27, 11.69)
LEFT, RIGHT = 0.07, 0.93
_NO_LINE_START = "、。）」％%"


def wrap(text: str, width: int = 50) -> list[str]:
    """Wrap Japanese text (no spaces to break at) by characters, keeping 、。） off line starts."""
    lines = textwrap.wrap(text, width=width, break_long_words=True) or [""]
    for i in range(1, len(lines)):
        while lines[i] and lines[i][0] in _NO_LINE_START:
            lines[i - 1] += lines[i][0]
            lines[i] = lines[i][1:]
    return [line for line in lines if line]


def _page(pdf: PdfPages, report: EffectReport, number: int) -> Figure:
    fig = Figure(figsize=A4)
    fig.text(LEFT, 0.975, report.title, fontsize=8, color="#666666", va="top")
    fig.text(RIGHT, 0.975, f"{number} / 3", fontsize=8, color="#666666", va="top", ha="right")
    return fig


def _heading(fig: Figure, y: float, text: str) -> float:
    fig.text(LEFT, y, text, fontsize=13, color=KPI, va="top")
    fig.add_artist(FancyBboxPatch((LEFT - 0.012, y - 0.02), 0.005, 0.018, boxstyle="square,pad=0", color=KPI))
    return y - 0.035


def _paragraph(fig: Figure, y: float, text: str, size: float = 9.5, width: int = 50) -> float:
    lines = wrap(text, width)
    fig.text(LEFT, y, "\n".join(lines), fontsize=size, va="top", linespacing=1.6)
    return y - len(lines) * size * 1.6 / 72 / A4[1] - 0.012


def _boxes(
    fig: Figure, y: float, boxes: Sequence[tuple[str, str, tuple[str, ...], str]], height: float = 0.09
) -> float:
    """Draw side-by-side figure boxes: (label, value, detail lines, colour)."""
    gap = 0.015
    width = (RIGHT - LEFT - gap * (len(boxes) - 1)) / len(boxes)
    for i, (label, value, detail, colour) in enumerate(boxes):
        x = LEFT + i * (width + gap)
        fig.add_artist(
            FancyBboxPatch(
                (x, y - height), width, height, boxstyle="round,pad=0,rounding_size=0.008",
                facecolor="#F4F8FC", edgecolor="#9DB4CF", transform=fig.transFigure,
            )
        )  # fmt: skip
        fig.text(x + 0.01, y - 0.008, label, fontsize=8, color="#555555", va="top")
        fig.text(x + 0.01, y - 0.028, value, fontsize=16, color=colour, va="top")
        fig.text(
            x + 0.01, y - 0.06, "\n".join(detail), fontsize=7.5, color="#444444", va="top", linespacing=1.5
        )
    return y - height - 0.015


def _table(
    fig: Figure,
    rect: tuple[float, float, float, float],
    header: list[str],
    rows: list[list[str]],
    widths: list[float],
    text_columns: int,
) -> None:
    """A plain table: blue header, the first `text_columns` left-aligned, figures right-aligned."""
    ax = fig.add_axes(rect)
    ax.axis("off")
    if not rows:
        ax.text(0, 1, "（該当するデータはありません）", fontsize=9, va="top")
        return
    table = ax.table(cellText=rows, colLabels=header, colWidths=widths, loc="upper center", cellLoc="right")
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    table.scale(1, 1.35)
    for (row, col), cell in table.get_celld().items():
        cell.set_edgecolor("#BFBFBF")
        if row == 0:
            cell.set_facecolor(KPI)
            cell.get_text().set_color("white")
            cell.get_text().set_horizontalalignment("center")
        elif col < text_columns:
            cell.get_text().set_horizontalalignment("left")


def _page_kpi(fig: Figure, report: EffectReport) -> None:
    k = report.kpi
    fig.text(LEFT, 0.945, report.title, fontsize=20, va="top")
    fig.text(
        LEFT, 0.905, f"DX推進本部会議 資料 ／ KPI「職員残業時間数{k.target_pct:g}%削減〔{k.baseline_label}比〕」",
        fontsize=9.5, color="#555555", va="top",
    )  # fmt: skip
    y = _heading(fig, 0.87, "1. KPI の達成状況")
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
    y = _boxes(
        fig, y, [
            (f"{k.kpi_label}の残業時間（全課合計）", f"{hours(k.overtime_total)} 時間",
             (detail, f"基準年度（{k.baseline_label}）{hours(k.overtime_baseline)} 時間"), "#1a1a1a"),
            ("削減率（基準年度比" + ("・見込み）" if k.projected else "）"), pct(k.reduction_pct),
             (f"職員1人当たり {pct(k.per_staff_reduction_pct)}",
              f"（月 {k.baseline_per_staff_monthly:.1f} → {k.per_staff_monthly:.1f} 時間）"), "#1a1a1a"),
            (f"目標 {k.target_pct:g}% 削減", verdict,
             (f"職員1人当たりでは{'達成' if k.target_met_per_staff else '未達'}",), "#1E7B34" if k.target_met else "#C00000"),
        ],
    )  # fmt: skip
    y = _paragraph(fig, y, k.note)
    for warning in k.warnings[:3]:
        y = _paragraph(fig, y, "⚠ " + warning, size=8)
    with chart_style():
        ax = fig.add_axes((LEFT + 0.06, y - 0.36, RIGHT - LEFT - 0.07, 0.33))
        draw_monthly(ax, report)
    y = _paragraph(
        fig, y - 0.43, "棒は基準年度、折れ線は今年度、破線は目標（基準年度の同じ月から目標の割合を減らした値）です。"
        "3月・4月は毎年の繁忙期のため、月ごとに基準年度と比べています。", size=8.5, width=56,
    )  # fmt: skip
    d = report.did
    if d.estimate is None:
        effect = "ロボット導入による効果（推定）: 推定できません（理由は2ページ）。"
    else:
        interval = (
            ""
            if d.ci_low is None or d.ci_high is None
            else f"（95%区間: {signed(d.ci_low)}〜{signed(d.ci_high)}）"
        )
        effect = (
            f"ロボット導入による効果（推定）: 導入課の職員1人当たり月{signed(d.estimate)}{interval}。"
            f"単純比較では{signed(d.naive_before_after)}で、全庁的な減少まで含みます（詳しくは2ページ）。"
        )
    _callout(fig, y - 0.005, "ロボットの効果（要旨）", effect)


def _callout(fig: Figure, y: float, title: str, text: str) -> None:
    """A full-width framed paragraph with a small title, sized to its lines."""
    lines = wrap(text, 52)
    height = 0.03 + len(lines) * 9.5 * 1.6 / 72 / A4[1]
    fig.add_artist(
        FancyBboxPatch(
            (LEFT, y - height), RIGHT - LEFT, height, boxstyle="round,pad=0,rounding_size=0.008",
            facecolor="#F4F8FC", edgecolor="#9DB4CF", transform=fig.transFigure,
        )
    )  # fmt: skip
    fig.text(LEFT + 0.01, y - 0.008, title, fontsize=8, color="#555555", va="top")
    fig.text(LEFT + 0.01, y - 0.026, "\n".join(lines), fontsize=9.5, color=KPI, va="top", linespacing=1.6)


def _page_effect(fig: Figure, report: EffectReport) -> None:
    d, k = report.did, report.kpi
    y = _heading(fig, 0.94, "2. ロボット導入による効果（推定）と単純比較")
    if d.ci_low is not None and d.ci_high is not None:
        interval = f"95%区間 {signed(d.ci_low)}〜{signed(d.ci_high)}"
    else:
        interval = "推定できません" if d.estimate is None else "区間は計算できません"
    annual = "" if d.annual_hours is None else f"導入課全体で年間 約{hours(abs(d.annual_hours))} 時間"
    y = _boxes(
        fig, y, [
            ("ロボット導入による効果（推定）: 1人当たり月", signed(d.estimate), (interval, annual), KPI),
            ("単純比較（導入課の導入前後）: 1人当たり月", signed(d.naive_before_after),
             ("全体の傾向や季節の変化まで", "ロボットの効果に数えてしまう比較です"), "#7F7F7F"),
        ],
    )  # fmt: skip
    y = _paragraph(fig, y, d.note)
    y = _paragraph(
        fig, y, f"推定の方法: 本格導入した課（{d.n_treated}課）と導入していない課（{d.n_control}課）を月ごとに"
        f"比べる差の差分法（課と月の固定効果）。区間は課を単位に{d.n_boot}回復元抽出したブートストラップ"
        f"（乱数の種 {d.seed}）。", size=8.5, width=56,
    )  # fmt: skip
    y = _heading(fig, y - 0.01, "3. 年度別の残業時間")
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
    rows = [
        [
            y_.label + ("（基準）" if y_.fiscal_year == k.baseline_fy else ""), str(y_.months),
            hours(y_.overtime_total), f"{y_.headcount_mean:,.1f}", f"{y_.per_staff_monthly:.2f}",
            pct(y_.change_pct if y_.change_pct is not None else y_.same_months_change_pct)
            + ("" if y_.change_pct is not None else "*"),
            pct(y_.per_staff_change_pct), hours(y_.projected_total),
        ]
        for y_ in k.years
    ]  # fmt: skip
    height = 0.02 * (len(rows) + 1)
    widths = [0.2, 0.07, 0.14, 0.11, 0.12, 0.13, 0.12, 0.11]
    _table(fig, (LEFT, y - height, RIGHT - LEFT, height), header, rows, widths, 1)
    if any(y_.change_pct is None for y_ in k.years):
        _paragraph(fig, y - height - 0.015, "* 年度途中: 基準年度の同じ月との比較。", size=8)


def _page_pilots(fig: Figure, report: EffectReport) -> None:
    y = _heading(fig, 0.94, "4. 実証案件: 削減時間の見込みと実測")
    shown = report.pilots[:14]
    chart_h = min(0.36, 0.1 + 0.025 * len(shown))
    with chart_style():
        ax = fig.add_axes((LEFT + 0.2, y - chart_h - 0.01, RIGHT - LEFT - 0.21, chart_h))
        draw_pilots(ax, report)
    y -= chart_h + 0.06
    header = ["課", "業務・案件", "ツール", "状態", "見込み(h/年)", "実測(h/年)", "的中率"]
    rows = [
        [p.department[:12], p.name[:20], p.tool, p.state, hours(p.estimated_hours), hours(p.realised_hours),
         pct(p.accuracy_pct, 0)]
        for p in shown
    ]  # fmt: skip
    if rows:
        rows.append(["合計", "", "", "", hours(report.estimated_total), hours(report.realised_total), ""])
    height = 0.02 * (len(rows) + 1)
    widths = [0.16, 0.3, 0.08, 0.1, 0.13, 0.13, 0.1]
    _table(fig, (LEFT, y - height, RIGHT - LEFT, height), header, rows, widths, 4)
    y -= height + 0.015
    if len(report.pilots) > len(shown):
        y = _paragraph(fig, y, f"ほか{len(report.pilots) - len(shown)}件は xlsx 版をご覧ください。", size=8)
    y = _paragraph(
        fig,
        y,
        "的中率 = 実測 ÷ 見込み。100%を下回る案件は、採点時の見込みが楽観的だったことを示します。",
        size=8.5,
    )
    with chart_style():
        ax = fig.add_axes((LEFT + 0.06, max(0.05, y - 0.24), RIGHT - LEFT - 0.07, 0.19))
        draw_pipeline(ax, report)


def render_pdf(report: EffectReport) -> bytes:
    """Render the report as PDF bytes (A4 portrait, 3 pages, IPAex Gothic embedded)."""
    buffer = io.BytesIO()
    with (
        chart_style(),
        PdfPages(buffer, metadata={"Title": report.title, "Creator": "dx-task-inventory"}) as pdf,
    ):
        for number, draw in enumerate((_page_kpi, _page_effect, _page_pilots), start=1):
            fig = _page(pdf, report, number)
            draw(fig, report)
            pdf.savefig(fig)
    return buffer.getvalue()
