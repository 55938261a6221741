"""The effect report as one self-contained HTML file for the 本部会議.

Why self-contained: the file is mailed round and opened on LGWAN PCs with no
internet, so CSS is inline, charts are inline SVG (glyphs as paths) and nothing
refers to a URL. Autoescaping is on: 課 and pilot names are user text.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from bpr.report_charts import report_charts
from bpr.report_data import EffectReport
from inventory.display import hours, pct, signed

__all__ = ["hours", "pct", "render_html", "signed"]  # the formatters stay importable from here


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bpr", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(hours=hours, pct=pct, signed=signed)
    return env


def render_html(report: EffectReport) -> str:
    """Render the report as HTML text (UTF-8, A4 print layout)."""
    charts = {name: Markup(chart.svg) for name, chart in report_charts(report).items()}  # noqa: S704  our own SVG
    template = _environment().get_template("effect_report.html.j2")
    return template.render(r=report, k=report.kpi, d=report.did, charts=charts)
