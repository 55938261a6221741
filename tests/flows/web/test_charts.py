"""The dashboard's SVG chart geometry: value texts never sit on a reference line."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from flows.web.charts import VALUE_TEXT_HEIGHT, vertical


def _text_crosses_a_rule(chart) -> list[str]:
    return [
        bar.text
        for bar in chart.bars
        for rule in chart.rules
        if bar.text_y is not None and bar.text_y - VALUE_TEXT_HEIGHT <= rule.y <= bar.text_y + 2
    ]


def test_a_bar_just_under_the_target_line_puts_its_value_above_the_line() -> None:
    # The demo's KPI chart: 令和7年度 at 91,344 h, just under the 目標 −20% line at 95,657 h.
    items = [("令和4年度", 119_571, "119,571"), ("令和7年度", 91_344, "91,344")]
    chart = vertical(items, rules=[("目標 −20%", 95_657)])
    (rule,) = chart.rules
    last = chart.bars[-1]
    assert last.y > rule.y and last.text_y is not None and last.text_y < rule.y
    assert not _text_crosses_a_rule(chart)
    assert chart.bars[0].text_y == chart.bars[0].y - 6  # far from the line: just above its bar


@given(
    st.lists(st.floats(min_value=0, max_value=200_000), min_size=1, max_size=6),
    st.floats(min_value=1, max_value=200_000),
)
def test_no_value_text_is_drawn_on_a_reference_line(values: list[float], target: float) -> None:
    chart = vertical([(str(i), v, f"{v:,.0f}") for i, v in enumerate(values)], rules=[("目標", target)])
    assert not _text_crosses_a_rule(chart)
