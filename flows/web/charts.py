"""Chart geometry for server-rendered inline SVG (pure: numbers in, rectangles out).

Charts are drawn by the template as SVG with presentation attributes only, so the
strict Content-Security-Policy (no inline styles or scripts) holds and nothing is
loaded from anywhere. Simple bars are all the dashboard needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

VALUE_TEXT_HEIGHT = 12.0  # px: the value text drawn above a bar


@dataclass(frozen=True)
class Bar:
    """One bar with its label, value text and rectangle."""

    label: str
    text: str
    x: float
    y: float
    width: float
    height: float
    tone: str = "main"  # main | muted | accent
    text_y: float | None = None  # the value text's baseline; None: just above the bar


@dataclass(frozen=True)
class Rule:
    """A horizontal reference line (e.g. the KPI target) across a vertical bar chart."""

    label: str
    y: float
    tone: str = "target"


@dataclass(frozen=True)
class Chart:
    """A chart's canvas size, bars and reference lines."""

    width: float
    height: float
    bars: list[Bar]
    rules: list[Rule] = field(default_factory=list)
    label_width: float = 0.0


def horizontal(
    items: list[tuple[str, float, str]], *, width: float = 560, row: float = 25, label_width: float = 210,
    tones: list[str] | None = None,
) -> Chart:  # fmt: skip
    """One bar per (label, value, text), longest = full width; zero or negative values draw nothing."""
    top = max((v for _, v, _ in items), default=0.0)
    room = width - label_width - 90
    bars = [
        Bar(label, text, label_width, i * row + 3, room * max(value, 0.0) / top if top > 0 else 0.0, row - 8,
            (tones or [])[i] if tones and i < len(tones) else "main")
        for i, (label, value, text) in enumerate(items)
    ]  # fmt: skip
    return Chart(width, max(len(items), 1) * row + 4, bars, label_width=label_width)


def vertical(
    items: list[tuple[str, float, str]], *, rules: list[tuple[str, float]] = (),  # type: ignore[assignment]
    width: float = 560, height: float = 210, tones: list[str] | None = None, legend_width: float = 96,
) -> Chart:  # fmt: skip
    """One column per (label, value, text); reference lines end in a label in the right margin."""
    top = max([v for _, v, _ in items] + [v for _, v in rules] + [0.0]) * 1.12
    plot_top, plot_bottom = 22.0, height - 34.0
    span = plot_bottom - plot_top
    slot = (width - 20 - legend_width) / max(len(items), 1)

    def y_of(value: float) -> float:
        return plot_bottom - (span * value / top if top > 0 else 0.0)

    rule_ys = [y_of(value) for _, value in rules]

    def text_y(bar_top: float) -> float:
        # A bar whose top sits just under a reference line puts its value above the line, not on it.
        crossed = [y for y in rule_ys if 0 <= bar_top - y < VALUE_TEXT_HEIGHT + 10]
        return min(crossed, default=bar_top) - 6

    bars = [
        Bar(label, text, 10 + i * slot + slot * 0.2, y_of(max(value, 0.0)), slot * 0.6,
            plot_bottom - y_of(max(value, 0.0)), (tones or [])[i] if tones and i < len(tones) else "main",
            text_y(y_of(max(value, 0.0))))
        for i, (label, value, text) in enumerate(items)
    ]  # fmt: skip
    return Chart(
        width, height, bars, [Rule(label, y_of(value)) for label, value in rules], label_width=legend_width
    )
