"""The effect report as an xlsx workbook: the same tables as the PDF, with native Excel charts.

Why native charts: the DX team pastes them into their own 本部 slides and restyles
them in Excel; a picture could not be edited. Every piece of text is written as a
literal string (never a formula), because 課 and pilot names are user input.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import xlsxwriter

from bpr.reports.accuracy import ACCURACY_BY_TOOL_NOTE, GATE_NOTE
from bpr.reports.data import ACCURACY_NOTE, DROPPED_NOTE, EffectReport
from inventory.export import SafeText, page_setup

Cell = str | float | int | bool | None
ROW_PX = 20  # a default row's height in pixels
PILOT_COLUMNS = (5, 20, 30, 11, 8, 12, 12, 9, 15)  # widths in characters
SUMMARY_COLUMNS = (52, 16, 14)  # 概要: label, value, and the paragraphs' third column
PAGE_PX = 1000  # a chart no taller fits one fit-to-width A4 page of these sheets


def _print_setup(sheet: Any, header_row: int | None = 0) -> None:
    """A4 portrait, one page wide, the table's header row repeated on every page."""
    page_setup(sheet, landscape=False, header_row=header_row, margins=(0.5, 0.6))


def _paragraph(sheet: Any, book: Any, row: int, last_col: int, text: str, width_chars: float) -> None:
    """Write a paragraph merged across columns 0..last_col, wrapped, with a row tall enough.

    Excel and Calc do not grow a merged row to its text, so the height is set from the
    length: a Japanese character takes two width units.
    """
    cell = book.add_format({"text_wrap": True, "valign": "top"})
    units = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    lines = -(-units // max(int(width_chars) - 2, 1))
    sheet.set_row(row, 16 * lines + 4)
    sheet.merge_range(row, 0, row, last_col, "", cell)
    SafeText(book).write(sheet, row, 0, text, cell)


def _write_rows(
    sheet: Any, book: Any, first_row: int, header: Sequence[str], rows: Sequence[Sequence[Cell]]
) -> None:
    """Write a header and rows: numbers as numbers, text as literal strings, None as blank."""
    head = book.add_format(
        {
            "bold": True,
            "bg_color": "#1F4E78",
            "font_color": "white",
            "border": 1,
            "text_wrap": True,
            "valign": "vcenter",
        }
    )
    number = book.add_format({"num_format": "#,##0.0", "border": 1})
    count = book.add_format({"num_format": "#,##0", "border": 1})
    text = book.add_format({"border": 1})
    safe = SafeText(book)  # 課 and pilot names are user text
    sheet.set_row(first_row, 32)  # two lines: a wrapped header is not grown to fit on opening
    for col, title in enumerate(header):
        sheet.write_string(first_row, col, title, head)
    for r, row in enumerate(rows, start=first_row + 1):
        for col, value in enumerate(row):
            if value is None:
                sheet.write_blank(r, col, None, text)
            elif isinstance(value, bool):
                sheet.write_string(r, col, "○" if value else "×", text)
            elif isinstance(value, int):
                sheet.write_number(r, col, value, count)
            elif isinstance(value, float):
                sheet.write_number(r, col, value, number)
            else:
                safe.write(sheet, r, col, str(value), text)


def _pilot_sheet(book: Any, report: EffectReport) -> None:
    """The pilot table, its two totals, the notes, and the chart on a page of its own."""
    pilots = book.add_worksheet("実証案件")
    for col, width in enumerate(PILOT_COLUMNS):
        pilots.set_column(col, col, width)
    rows: list[list[Cell]] = [
        [str(p.id), p.department, p.name, p.tool_label, p.state, p.estimated_hours, p.realised_hours,
         p.accuracy_pct, "※ 的中率は参考値" if p.dropped else _forced_note(p)]
        for p in report.pilots
    ]  # fmt: skip
    header = [
        "ID",
        "課",
        "業務・案件",
        "ツール",
        "状態",
        "見込み（時間/年）",
        "実測（時間/年）",
        "的中率（%）",
        "備考",
    ]
    if rows:
        rows += [
            [f"見込みの合計（全{len(report.pilots)}件）", None, None, None, None, report.estimated_total,
             None, None, None],
            [f"実測の合計（実測済み{report.measured_count}件）", None, None, None, None,
             report.measured_estimated_total, report.realised_total, report.measured_accuracy_pct, None],
        ]  # fmt: skip
    _write_rows(pilots, book, 0, header, rows)
    _print_setup(pilots)
    m = len(report.pilots)
    if not m:
        return
    label = book.add_format({"border": 1, "bg_color": "#F4F8FC"})
    for r in (m + 1, m + 2):  # a total's label spans the text columns
        pilots.merge_range(r, 0, r, 4, str(rows[r - 1][0]), label)
    width = sum(PILOT_COLUMNS)
    notes = [
        ACCURACY_NOTE,
        *([DROPPED_NOTE] if report.has_dropped else []),
        *([GATE_NOTE] if report.forced else []),
    ]
    for offset, note in enumerate(notes):
        _paragraph(pilots, book, m + 4 + offset, 8, note, width)
    bars = book.add_chart({"type": "bar"})
    for col, colour in ((5, "#9DB4CF"), (6, "#2E8B57")):
        bars.add_series({"name": ["実証案件", 0, col], "categories": ["実証案件", 1, 2, m, 2],
                         "values": ["実証案件", 1, col, m, col], "fill": {"color": colour}})  # fmt: skip
    bars.set_title({"name": "削減時間（年間）: 見込みと実測"})
    bars.set_y_axis({"reverse": True})
    bars.set_legend({"position": "bottom"})
    chart_row = m + 4 + len(notes) + 1
    pilots.set_h_pagebreaks([chart_row])  # the chart starts a page and fits on it
    bars.set_size({"width": 900, "height": min(PAGE_PX, max(300, 80 + 26 * m))})
    pilots.insert_chart(chart_row, 0, bars)


def _forced_note(p: Any) -> str | None:
    """The 備考 of a pilot that went live below the gate: why, and the reason given."""
    if not p.forced:
        return None
    return f"※ 見込み未達で本格導入（理由: {p.production_reason or '記入なし'}）"


def _accuracy_sheet(book: Any, report: EffectReport) -> None:
    """見込みの精度: realised ÷ estimated per tool with its interval, and the note."""
    if not report.accuracy_by_tool:
        return
    sheet = book.add_worksheet("見込みの精度")
    for col, width in enumerate((14, 16, 17, 16, 15, 17, 17)):
        sheet.set_column(col, col, width)
    header = ["ツール", "実証（測定済み）", "見込み（時間/年）", "実測（時間/年）", "実績÷見込み（%）", "95%区間 下限（%）",
              "95%区間 上限（%）"]  # fmt: skip
    rows: list[list[Cell]] = [
        [a.tool_label, a.count, a.estimated_total, a.realised_total, a.ratio_pct, a.low_pct, a.high_pct]
        for a in report.accuracy_by_tool
    ]
    _write_rows(sheet, book, 0, header, rows)
    _print_setup(sheet)
    _paragraph(sheet, book, len(rows) + 2, 6, ACCURACY_BY_TOOL_NOTE, 90)


def render_xlsx(report: EffectReport) -> bytes:
    """Render the workbook (sheets 概要, 月別, 年度別, 実証案件, 見込みの精度, 状態別) and return its bytes."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    book.set_properties({"title": report.title, "author": "dx-task-inventory"})
    _summary_sheet(book, report)
    _monthly_sheet(book, report)
    _years_sheet(book, report)
    _pilot_sheet(book, report)
    _accuracy_sheet(book, report)
    _states_sheet(book, report)
    book.close()
    return buffer.getvalue()


def _summary_sheet(book: Any, report: EffectReport) -> None:
    """概要: the KPI and the robots' estimated effect as label/value rows, then the notes."""
    k, d = report.kpi, report.did
    title = book.add_format({"bold": True, "font_size": 14})
    summary = book.add_worksheet("概要")
    summary.set_column(0, 0, SUMMARY_COLUMNS[0])  # the longest label, ロボット導入による効果…, in full
    summary.set_column(1, 1, SUMMARY_COLUMNS[1])
    summary.write_string(0, 0, report.title, title)
    rows: list[list[Cell]] = [
        ["基準年度", k.baseline_label], ["対象年度", k.kpi_label], ["対象年度の月数", k.months_observed],
        ["残業時間 合計（時間）", k.overtime_total], ["年間見込み（時間）", k.overtime_projected],
        ["基準年度の残業時間（時間）", k.overtime_baseline], ["削減率（%）", k.reduction_pct],
        ["職員1人当たり削減率（%）", k.per_staff_reduction_pct], ["目標削減率（%）", k.target_pct],
        ["目標達成", "達成" if k.target_met else "未達"],
        ["ロボット導入による効果（推定）: 1人当たり月（時間）", d.estimate],
        ["95%区間 下限（時間）", d.ci_low], ["95%区間 上限（時間）", d.ci_high],
        ["単純比較（導入前後）: 1人当たり月（時間）", d.naive_before_after],
        ["導入課全体の年間効果（時間）", d.annual_hours],
    ]  # fmt: skip
    _write_rows(summary, book, 2, ["項目", "値"], rows)
    note_row = 3 + len(rows) + 1
    summary.set_column(2, 2, SUMMARY_COLUMNS[2])
    summary.write_string(note_row, 0, "説明", book.add_format({"bold": True}))
    for offset, note in enumerate((k.note, d.note, *k.warnings), start=1):
        _paragraph(summary, book, note_row + offset, 2, note, sum(SUMMARY_COLUMNS))
    _print_setup(summary, header_row=None)


def _monthly_sheet(book: Any, report: EffectReport) -> None:
    """月別: overtime per month against the baseline and the target, with a combined chart."""
    k = report.kpi
    monthly = book.add_worksheet("月別")
    monthly.set_column(0, 5, 16)
    header = ["月", f"{k.baseline_label}（基準）", k.kpi_label, "目標", "基準 1人当たり", "対象 1人当たり"]
    month_rows: list[list[Cell]] = [
        [m.label, m.baseline_total, m.kpi_total, m.target_total, m.baseline_per_staff, m.kpi_per_staff]
        for m in report.months
    ]
    _write_rows(monthly, book, 0, header, month_rows)
    n = len(month_rows)
    chart = book.add_chart({"type": "column"})
    chart.add_series({"name": ["月別", 0, 1], "categories": ["月別", 1, 0, n, 0], "values": ["月別", 1, 1, n, 1],
                      "fill": {"color": "#9DB4CF"}})  # fmt: skip
    line = book.add_chart({"type": "line"})
    line.add_series({"name": ["月別", 0, 2], "categories": ["月別", 1, 0, n, 0], "values": ["月別", 1, 2, n, 2],
                     "line": {"color": "#1F4E78", "width": 2.25}, "marker": {"type": "circle"}})  # fmt: skip
    line.add_series({"name": ["月別", 0, 3], "categories": ["月別", 1, 0, n, 0], "values": ["月別", 1, 3, n, 3],
                     "line": {"color": "#C00000", "dash_type": "dash"}})  # fmt: skip
    chart.combine(line)
    chart.set_title({"name": "月別の残業時間（全課合計）"})
    chart.set_y_axis({"name": "時間", "num_format": "#,##0"})
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": 760, "height": 360})
    monthly.insert_chart(n + 3, 0, chart)
    _print_setup(monthly)


def _years_sheet(book: Any, report: EffectReport) -> None:
    """年度別: one row per fiscal year of the KPI."""
    k = report.kpi
    years = book.add_worksheet("年度別")
    years.set_column(0, 0, 12)
    years.set_column(1, 8, 10)
    year_rows: list[list[Cell]] = [
        [y.label, y.months, y.overtime_total, y.headcount_mean, y.per_staff_monthly, y.change_pct,
         y.same_months_change_pct, y.per_staff_change_pct, y.projected_total]
        for y in k.years
    ]  # fmt: skip
    _write_rows(
        years, book, 0,
        ["年度", "月数", "残業時間 合計", "平均職員数", "1人当たり月", "基準年度比（%）", "同じ月の比（%）",
         "1人当たり比（%）", "年間見込み"],
        year_rows,
    )  # fmt: skip
    _print_setup(years)


def _states_sheet(book: Any, report: EffectReport) -> None:
    """状態別: how many pilots are in each state, with a column chart."""
    states = book.add_worksheet("状態別")
    states.set_column(0, 1, 14)
    _write_rows(states, book, 0, ["状態", "件数"], [[s, c] for s, c in report.pipeline.items()])
    s = len(report.pipeline)
    pipe = book.add_chart({"type": "column"})
    pipe.add_series({"name": "件数", "categories": ["状態別", 1, 0, s, 0], "values": ["状態別", 1, 1, s, 1],
                     "fill": {"color": "#1F4E78"}, "data_labels": {"value": True}})  # fmt: skip
    pipe.set_title({"name": "実証案件の状態別件数"})
    pipe.set_legend({"none": True})
    pipe.set_y_axis({"min": 0, "major_unit": max(1, max(report.pipeline.values(), default=1) // 5)})
    states.insert_chart(s + 3, 0, pipe)
    _print_setup(states)
