"""The effect report's charts, drawn with ReportLab's graphics in the bundled IPAex Gothic.

Why ReportLab: the PDF is laid out by ReportLab already, so a chart is a vector Drawing
placed like any other flowable, its labels set in the embedded font (text a reader can
select and search, sharp at any zoom). The HTML report gets the same Drawing as inline
SVG. matplotlib and its font package weighed about 60 MB of the offline installation for
these three charts. `draw_*` take the size in points, so the PDF sizes a chart to its frame.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from reportlab.graphics import renderSVG
from reportlab.graphics.charts.axes import ValueAxis
from reportlab.graphics.charts.barcharts import BarChart, HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.utils import find_good_grid
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from bpr.reports.data import EffectReport
from bpr.reports.font import FONT_NAME, font_path

BASE, KPI, TARGET, REAL = "#9DB4CF", "#1F4E78", "#C00000", "#2E8B57"
GREY, GRID_LINE, AXIS, INK, MUTED = "#A6A6A6", "#E0E0E0", "#404040", "#1a1a1a", "#606060"
# A legend entry: swatch kind ("bar", "line" with a dot, "dash"), colour, text.
Entry = tuple[str, str, str]
Draw = Callable[[EffectReport, float, float], Drawing]


@lru_cache(maxsize=1)
def font() -> str:
    """Register the bundled IPAex Gothic with ReportLab (the PDF embeds a subset); return its name."""
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path())))
    return FONT_NAME


def _text(x: float, y: float, text: str, size: float = 8, anchor: str = "start", colour: str = INK) -> String:
    return String(
        x, y, text, fontName=font(), fontSize=size, fillColor=colors.HexColor(colour), textAnchor=anchor
    )


def _axis_title(x: float, y: float, text: str) -> Group:
    """Text read bottom to top, centred on (x, y): the value axis's title."""
    title = Group(_text(0, 0, text, 8, "middle"))
    title.transform = (0, 1, -1, 0, x, y)
    return title


def _short(text: str, limit: int = 14) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _scale(low: float, high: float, *, whole: bool = False) -> tuple[float, float, float]:
    """Round axis limits around low..high (0 always shown) and the tick step."""
    low, high = min(low, 0.0), max(high, 0.0)
    start, end, step = find_good_grid(low, high if high > low else low + 1, n=(4, 5, 6))
    if whole:
        step = float(max(1, math.ceil(step)))
        start, end = math.floor(low / step) * step, max(math.ceil(high / step), 1) * step
    return start, end, step


def _value_axis(axis: ValueAxis, low: float, high: float, *, whole: bool = False) -> tuple[float, float]:
    """Style the value axis and set its round limits; return them (bottom, top)."""
    axis.valueMin, axis.valueMax, axis.valueStep = _scale(low, high, whole=whole)
    axis.labelTextFormat = lambda v: f"{v:,.0f}"
    axis.labels.fontName, axis.labels.fontSize = font(), 8
    axis.strokeColor, axis.visibleTicks = colors.HexColor(AXIS), False
    axis.visibleGrid, axis.gridStrokeColor, axis.gridStrokeWidth = True, colors.HexColor(GRID_LINE), 0.6
    return axis.valueMin, axis.valueMax


def _bars(
    chart: BarChart, names: Sequence[str], series: Sequence[Sequence[float]], colours: list[str]
) -> None:
    """Series of bars, one colour each, and the category names in the Japanese font."""
    chart.data = [list(values) for values in series]
    chart.categoryAxis.categoryNames = list(names)
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = font(), 8
    chart.categoryAxis.strokeColor = colors.HexColor(AXIS)
    # At the chart's edge, not at zero: a loss (a negative bar) must not run into the names.
    chart.categoryAxis.joinAxisMode = "left" if isinstance(chart, HorizontalBarChart) else "bottom"
    chart.bars.strokeColor = None
    for i, colour in enumerate(colours):
        chart.bars[i].fillColor = colors.HexColor(colour)


def _legend(entries: Sequence[Entry], x: float, y: float, anchor: str = "middle") -> Group:
    """A row of legend entries (swatch and text) starting, centred or ending at x."""
    swatch, gap = 16.0, 14.0
    widths = [swatch + 4 + pdfmetrics.stringWidth(text, font(), 8) for _, _, text in entries]
    total = sum(widths) + gap * (len(entries) - 1)
    left = {"start": x, "middle": x - total / 2, "end": x - total}[anchor]
    group = Group()
    for (kind, colour, text), width in zip(entries, widths, strict=True):
        ink = colors.HexColor(colour)
        if kind == "bar":
            group.add(Rect(left, y - 1, swatch, 8, fillColor=ink, strokeColor=None))
        else:
            dash = [3, 2] if kind == "dash" else None
            group.add(
                Line(
                    left, y + 3, left + swatch, y + 3, strokeColor=ink, strokeWidth=1.5, strokeDashArray=dash
                )
            )
        if kind == "line":
            group.add(Circle(left + swatch / 2, y + 3, 2.5, fillColor=ink, strokeColor=None))
        group.add(_text(left + swatch + 4, y, text))
        left += width + gap
    return group


def _polyline(
    points: Sequence[tuple[float, float]], colour: str, width: float, *, dashed: bool = False
) -> PolyLine:
    dash = [4, 2] if dashed else None
    flat = [c for point in points for c in point]
    return PolyLine(flat, strokeColor=colors.HexColor(colour), strokeWidth=width, strokeDashArray=dash)


def draw_monthly(report: EffectReport, width: float, height: float) -> Drawing:
    """Monthly overtime of the KPI year (line) against the baseline year (bars) and the target (steps)."""
    k, months = report.kpi, report.months
    base = [m.baseline_total or 0.0 for m in months]
    target = [m.target_total or 0.0 for m in months]
    now = [(i, m.kpi_total) for i, m in enumerate(months) if m.kpi_total is not None]
    drawing = Drawing(width, height)
    drawing.add(
        _text(width / 2, height - 13, f"月別の残業時間: {k.kpi_label}と{k.baseline_label}", 11, "middle")
    )
    left, bottom, plot_width, plot_height = 62.0, 52.0, width - 70, height - 80
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = left, bottom, plot_width, plot_height
    _bars(chart, [m.label for m in months], [base], [BASE])
    chart.barWidth, chart.groupSpacing = 7, 3  # bars fill 70% of a month
    low, high = _value_axis(chart.valueAxis, 0, max([*base, *target, *(v for _, v in now)]))
    drawing.add(chart)
    step = plot_width / len(months)

    def y(value: float) -> float:
        return bottom + (value - low) / (high - low) * plot_height

    # The target holds for a whole month (a step); the KPI year is a point mid-month.
    steps = [(left + i * step + dx, y(v)) for i, v in enumerate(target) for dx in (0, step)]
    drawing.add(_polyline(steps, TARGET, 1.2, dashed=True))
    points = [(left + (i + 0.5) * step, y(v)) for i, v in now]
    drawing.add(_polyline(points, KPI, 2))
    for px, py in points:
        drawing.add(Circle(px, py, 3, fillColor=colors.HexColor(KPI), strokeColor=None))
    drawing.add(_axis_title(12, bottom + plot_height / 2, "残業時間（時間・全課合計）"))
    entries = [
        ("bar", BASE, f"{k.baseline_label}（基準年度）"),
        ("line", KPI, k.kpi_label),
        ("dash", TARGET, f"目標（基準年度の{k.target_pct:g}%減）"),
    ]
    drawing.add(_legend(entries, left + plot_width / 2, 12))
    return drawing


def draw_pilots(report: EffectReport, width: float, height: float) -> Drawing:
    """Hours saved per year by pilot: the scoring's estimate beside the measured figure."""
    drawing = Drawing(width, height)
    drawing.add(_text(0, height - 13, "実証案件ごとの削減時間（年間）: 見込みと実測", 11))
    pilots = [p for p in report.pilots if p.estimated_hours is not None or p.realised_hours is not None]
    if not pilots:
        drawing.add(
            _text(
                width / 2, height / 2 - 10, "削減時間を記録した実証案件はまだありません", 9, "middle", MUTED
            )
        )
        return drawing
    drawing.add(_legend([("bar", BASE, "見込み"), ("bar", REAL, "実測")], width - 12, height - 30, "end"))
    estimated = [p.estimated_hours or 0.0 for p in pilots]
    realised = [p.realised_hours or 0.0 for p in pilots]
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 128, 34, width - 146, height - 74
    names = [_short(f"{p.department} {p.name}") for p in pilots]
    # ReportLab stacks a group's series bottom up: 実測 first puts 見込み on top, as in the legend.
    _bars(chart, names, [realised, estimated], [REAL, BASE])
    chart.barWidth, chart.groupSpacing = 4, 2  # each bar 40% of a row
    chart.categoryAxis.reverseDirection = True  # the first pilot at the top
    _value_axis(chart.valueAxis, min(realised + estimated), max(realised + estimated))
    drawing.add(chart)
    drawing.add(_text(chart.x + chart.width / 2, 4, "削減時間（時間/年）", 8, "middle"))
    return drawing


def draw_pipeline(report: EffectReport, width: float, height: float) -> Drawing:
    """How many pilots are in each state, 候補 to 本格導入 and 見送り."""
    drawing = Drawing(width, height)
    drawing.add(_text(width / 2, height - 13, "実証案件の状態別件数", 11, "middle"))
    states = list(report.pipeline)
    if not states:
        return drawing
    counts = [report.pipeline[s] for s in states]
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 44, 20, width - 52, height - 52
    _bars(chart, states, [counts], [KPI])
    for i, state in enumerate(states):
        chart.bars[(0, i)].fillColor = colors.HexColor(
            REAL if state == "本格導入" else GREY if state == "見送り" else KPI
        )
    chart.barWidth, chart.groupSpacing = 6, 4
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName, chart.barLabels.fontSize = font(), 9
    chart.barLabels.boxAnchor, chart.barLabels.dy = "s", 2
    _value_axis(chart.valueAxis, 0, max(counts) * 1.2, whole=True)
    drawing.add(chart)
    drawing.add(_axis_title(14, chart.y + chart.height / 2, "件数"))
    return drawing


_SVG_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_SVG_NOISE = re.compile(r'\s+xmlns(:\w+)?="[^"]*"', re.S)
_SVG_FONT = re.compile(rf"font-family: ?{FONT_NAME}")
PAGE_FONTS = "IPAexGothic, 'Yu Gothic', Meiryo, sans-serif"  # the HTML report's font stack


def svg(drawing: Drawing) -> str:
    """The drawing as SVG to inline in HTML5: no prologue or namespace URL, text in the page's fonts."""
    text = _SVG_NOISE.sub("", _SVG_PROLOGUE.sub("", renderSVG.drawToString(drawing), count=1))
    return _SVG_FONT.sub(f"font-family: {PAGE_FONTS}", text)


def pilots_height(count: int) -> float:
    """Points of height for a pilot chart of `count` bars: 14.4 a bar, 187 at least."""
    return max(187.0, 72.0 + 14.4 * count)


def report_charts(report: EffectReport, width: float = 504.0) -> dict[str, str]:
    """The three charts of the report as inline SVG, by name: monthly, pilots, pipeline."""
    return {
        "monthly": svg(draw_monthly(report, width, width / 2)),
        "pilots": svg(draw_pilots(report, width, pilots_height(len(report.pilots)))),
        "pipeline": svg(draw_pipeline(report, width, width * 2.6 / 7.2)),
    }
