"""The effect report PDF's building blocks: styles, boxes, tables and charts as ReportLab flowables.

Why ReportLab's platypus: the pages are filled from the measured size of each piece, so
a long pilot list flows on to the next page (with its header row repeated) instead of
being drawn over by the next chart, and a long 課 name wraps inside its cell. Text uses
the IPAex Gothic file shipped in this package (`bpr.reports.font`), embedded as a subset,
with Japanese line breaking (wordWrap CJK); charts are ReportLab drawings in the same
font, so the PDF needs no font, network or HTML engine on the PC that opens it.
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from bpr.reports.charts import KPI, Draw, font
from bpr.reports.data import EffectReport

MARGIN = 16 * mm
WIDTH = A4[0] - 2 * MARGIN  # the text frame's width in points
PALE, EDGE, GRID = colors.HexColor("#F4F8FC"), colors.HexColor("#9DB4CF"), colors.HexColor("#BFBFBF")
BLUE = colors.HexColor(KPI)


def style(
    size: float = 9.5, colour: str = "#1a1a1a", *, align: int = 0, heading: bool = False
) -> ParagraphStyle:
    """A Japanese paragraph style: CJK line breaking, leading 1.5 × size."""
    return ParagraphStyle(
        f"s{size}{colour}{align}{heading}",
        fontName=font(),
        fontSize=size,
        leading=size * 1.5,
        textColor=colors.HexColor(colour),
        alignment=align,
        wordWrap="CJK",
        keepWithNext=heading,
        spaceBefore=8 if heading else 0,
        spaceAfter=5 if heading else 3,
    )


def para(text: str, size: float = 9.5, colour: str = "#1a1a1a", *, align: int = 0) -> Paragraph:
    """A paragraph of plain text (escaped: 課 and pilot names are user input)."""
    return Paragraph(escape(text), style(size, colour, align=align))


def heading(text: str) -> Paragraph:
    """A section heading with a blue bar, kept on the page of what follows it."""
    bar = f'<font color="{KPI}" size="10">■</font> '
    return Paragraph(bar + escape(text), style(13, KPI, heading=True))


def boxes(items: Sequence[tuple[str, str, Sequence[str], str]]) -> Table:
    """Side-by-side figure boxes: (label, value, detail lines, value colour)."""
    cells = [
        [para(label, 8, "#555555"), para(value, 15, colour), *(para(d, 7.5, "#444444") for d in detail if d)]
        for label, value, detail, colour in items
    ]
    gap = 6.0
    width = (WIDTH - gap * (len(items) - 1)) / len(items)
    row: list[object] = []
    widths: list[float] = []
    for i, cell in enumerate(cells):
        if i:
            row.append("")
            widths.append(gap)
        row.append(cell)
        widths.append(width)
    table = Table([row], colWidths=widths)
    commands: list[tuple[object, ...]] = [("VALIGN", (0, 0), (-1, -1), "TOP")]
    for col in range(0, len(row), 2):
        commands += [("BACKGROUND", (col, 0), (col, 0), PALE), ("BOX", (col, 0), (col, 0), 0.6, EDGE)]
    table.setStyle(TableStyle(commands))
    return table


def callout(title: str, text: str) -> Table:
    """A full-width framed paragraph with a small title."""
    table = Table([[[para(title, 8, "#555555"), para(text, 9.5, KPI)]]], colWidths=[WIDTH])
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), PALE), ("BOX", (0, 0), (-1, -1), 0.6, EDGE)]))
    return table


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    fractions: Sequence[float],
    *,
    text_columns: int,
    total_rows: int = 0,
) -> Table:
    """A table that splits across pages with its header row repeated.

    A header may break its line with a newline. The first `text_columns` columns wrap
    and align left; figures align right. The last `total_rows` rows are shaded as
    totals; a total's label spans the text columns.
    """
    head = [Paragraph(escape(h).replace("\n", "<br/>"), style(8, "#FFFFFF", align=1)) for h in header]
    body = [
        [para(v, 8) if c < text_columns else para(v, 8, align=TA_RIGHT) for c, v in enumerate(row)]
        for row in rows
    ]
    result = Table([head, *body], colWidths=[WIDTH * f for f in fractions], repeatRows=1, hAlign="LEFT")
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), BLUE),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    for r in range(len(body) - total_rows + 1, len(body) + 1):
        commands += [("BACKGROUND", (0, r), (-1, r), PALE), ("SPAN", (0, r), (text_columns - 1, r))]
    result.setStyle(TableStyle(commands))
    return result


def chart(draw: Draw, report: EffectReport, height: float) -> Flowable:
    """A chart as wide as the frame and `height` points high (a Drawing is a flowable)."""
    return draw(report, WIDTH, height)
