"""The effect report as one self-contained HTML file for the 本部会議.

Why self-contained: the file is mailed round and opened on LGWAN PCs with no
internet, so CSS is inline, charts are inline SVG (drawn by `bpr.reports.charts`, their
text in the page's Japanese fonts) and nothing refers to a URL. Autoescaping is on: 課 and pilot names are user text.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from bpr.reports.accuracy import ACCURACY_BY_TOOL_NOTE, GATE_NOTE
from bpr.reports.charts import report_charts
from bpr.reports.data import ACCURACY_NOTE, DROPPED_NOTE, EffectReport, PilotLine
from inventory.display import hours, pct, signed


def accuracy(pilot: PilotLine) -> str:
    """A pilot's 的中率, marked ※ on a 見送り pilot so the reader finds DROPPED_NOTE."""
    text = pct(pilot.accuracy_pct, 0)
    return text + "※" if pilot.dropped and pilot.accuracy_pct is not None else text


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("bpr.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(hours=hours, pct=pct, signed=signed, accuracy=accuracy)
    env.globals.update(
        ACCURACY_NOTE=ACCURACY_NOTE,
        DROPPED_NOTE=DROPPED_NOTE,
        ACCURACY_BY_TOOL_NOTE=ACCURACY_BY_TOOL_NOTE,
        GATE_NOTE=GATE_NOTE,
    )
    return env


def render_html(report: EffectReport) -> str:
    """Render the report as HTML text (UTF-8, A4 print layout)."""
    charts = {name: Markup(svg) for name, svg in report_charts(report).items()}  # noqa: S704  our own SVG
    template = _environment().get_template("effect_report.html.j2")
    return template.render(r=report, k=report.kpi, d=report.did, charts=charts)
