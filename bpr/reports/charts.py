"""The effect report's charts, drawn with matplotlib and the bundled IPAex Gothic font.

Why the bundled font: LGWAN PCs have no internet and may lack a Japanese system font,
and a chart of 課 names in tofu boxes is useless to the 本部. The SVG stores glyphs
as paths (no font needed to view it) and carries no external reference, so it can be
inlined in a self-contained HTML file. `draw_*` take an Axes, so the PDF can lay the
same charts out on its own pages.
"""

from __future__ import annotations

import importlib.util
import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager, rc_context  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bpr.reports.data import EffectReport  # noqa: E402

FONT_NAME = "IPAexGothic"
BASE, KPI, TARGET, REAL = "#9DB4CF", "#1F4E78", "#C00000", "#2E8B57"


def font_path() -> Path:
    """The IPAex Gothic file shipped by matplotlib-fontja.

    The package is located, never imported: importing it rewrites matplotlib's global
    settings. (It replaced japanize-matplotlib, which PyPI has only as a source archive:
    the offline bundle needs a wheel for every dependency.)
    """
    spec = importlib.util.find_spec("matplotlib_fontja")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("matplotlib-fontja (IPAex Gothic font) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / "ipaexg.ttf"


@lru_cache(maxsize=1)
def font_name() -> str:
    """Register the bundled IPAex Gothic with matplotlib; return its family name."""
    font_manager.fontManager.addfont(str(font_path()))
    return FONT_NAME


@contextmanager
def chart_style() -> Iterator[None]:
    """rcParams for every report figure: Japanese font, glyphs as paths, embedded TrueType."""
    with rc_context(
        {
            "font.family": font_name(),
            "axes.unicode_minus": False,
            "svg.fonttype": "path",
            "svg.hashsalt": "dxi-effect-report",
            "pdf.fonttype": 42,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.size": 9,
        }
    ):
        yield


def _hours_axis(ax: Axes) -> None:
    ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.grid(axis="y", color="#E0E0E0", linewidth=0.6)
    ax.set_axisbelow(True)


def draw_monthly(ax: Axes, report: EffectReport) -> None:
    """Monthly overtime of the KPI year against the baseline year and the target line."""
    k = report.kpi
    labels = [m.label for m in report.months]
    x = list(range(len(labels)))
    base = [m.baseline_total for m in report.months]
    now = [m.kpi_total for m in report.months]
    ax.bar(x, [v or 0.0 for v in base], color=BASE, width=0.7, label=f"{k.baseline_label}（基準年度）")
    ax.plot(
        [i for i, v in zip(x, now, strict=True) if v is not None],
        [v for v in now if v is not None],
        color=KPI,
        marker="o",
        linewidth=2,
        label=k.kpi_label,
    )
    target = [m.target_total for m in report.months]
    ax.step(
        [i - 0.5 for i in x] + [x[-1] + 0.5],
        [v or 0.0 for v in target] + [target[-1] or 0.0],
        where="post",
        color=TARGET,
        linestyle="--",
        linewidth=1.2,
        label=f"目標（基準年度の{k.target_pct:g}%減）",
    )
    ax.set_xticks(x, labels)
    ax.set_ylabel("残業時間（時間・全課合計）")
    ax.set_title(f"月別の残業時間: {k.kpi_label}と{k.baseline_label}", fontsize=11)
    _hours_axis(ax)
    ax.legend(frameon=False, fontsize=8, loc="upper center", ncols=3, bbox_to_anchor=(0.5, -0.1))


def _empty(ax: Axes, text: str) -> None:
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="#606060")
    ax.set_xticks([])
    ax.set_yticks([])


def _short(text: str, limit: int = 14) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def draw_pilots(ax: Axes, report: EffectReport) -> None:
    """Hours saved per year by pilot: the scoring's estimate beside the measured figure."""
    ax.set_title("実証案件ごとの削減時間（年間）: 見込みと実測", fontsize=11, loc="left")
    pilots = [p for p in report.pilots if p.estimated_hours is not None or p.realised_hours is not None]
    if not pilots:
        _empty(ax, "削減時間を記録した実証案件はまだありません")
        return
    y = list(range(len(pilots)))
    ax.barh([i - 0.2 for i in y], [p.estimated_hours or 0.0 for p in pilots], 0.4, color=BASE, label="見込み")
    ax.barh([i + 0.2 for i in y], [p.realised_hours or 0.0 for p in pilots], 0.4, color=REAL, label="実測")
    ax.set_yticks(y, [_short(f"{p.department} {p.name}") for p in pilots])
    ax.invert_yaxis()
    ax.set_xlabel("削減時間（時間/年）")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.grid(axis="x", color="#E0E0E0", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.legend(frameon=False, fontsize=8, loc="lower right", ncols=2, bbox_to_anchor=(1.0, 1.0))


def draw_pipeline(ax: Axes, report: EffectReport) -> None:
    """How many pilots are in each state, 候補 to 本格導入 and 見送り."""
    ax.set_title("実証案件の状態別件数", fontsize=11)
    states = list(report.pipeline)
    counts = [report.pipeline[s] for s in states]
    colours = [REAL if s == "本格導入" else "#A6A6A6" if s == "見送り" else KPI for s in states]
    bars = ax.bar(states, counts, color=colours, width=0.6)
    ax.bar_label(bars, [str(c) for c in counts], fontsize=9)
    ax.set_ylabel("件数")
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_ylim(0, max([*counts, 1]) * 1.2)


@dataclass(frozen=True)
class Chart:
    """One chart as inline-ready SVG text and as PNG bytes."""

    svg: str
    png: bytes


_SVG_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.S)
_SVG_NOISE = re.compile(r'\s+xmlns(:\w+)?="[^"]*"|<metadata>.*?</metadata>', re.S)


def _inline_svg(text: str) -> str:
    """Drop the XML prologue, DOCTYPE, metadata and namespace URLs: HTML5 needs none of them."""
    return _SVG_NOISE.sub("", _SVG_PROLOGUE.sub("", text, count=1))


Draw = Callable[[Axes, EffectReport], None]


def render(draw: Draw, report: EffectReport, size: tuple[float, float] = (7.2, 3.4)) -> Chart:
    """Draw one chart on its own figure and return it as SVG and PNG (150 dpi)."""
    with chart_style():
        fig = Figure(figsize=size, layout="constrained")
        draw(fig.add_subplot(), report)
        svg, png = io.StringIO(), io.BytesIO()
        fig.savefig(svg, format="svg", metadata={"Date": None})
        fig.savefig(png, format="png", dpi=150)
    return Chart(svg=_inline_svg(svg.getvalue()), png=png.getvalue())


def render_png(draw: Draw, report: EffectReport, size: tuple[float, float], dpi: int = 200) -> bytes:
    """Draw one chart on its own figure and return PNG bytes, for the PDF to place."""
    with chart_style():
        fig = Figure(figsize=size, layout="constrained")
        draw(fig.add_subplot(), report)
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=dpi)
    return png.getvalue()


def report_charts(report: EffectReport) -> dict[str, Chart]:
    """The three charts of the report, by name: monthly, pilots, pipeline."""
    pilot_height = max(2.6, 0.9 + 0.45 * len(report.pilots))
    return {
        "monthly": render(draw_monthly, report, (7.2, 3.6)),
        "pilots": render(draw_pilots, report, (7.2, pilot_height)),
        "pipeline": render(draw_pipeline, report, (7.2, 2.6)),
    }
