"""The effect report's inputs and its files: shared by `dxi effects` and the `effect-report` flow.

Reads the overtime panel, the production go-lives and the pilots from the database;
renders a built report as HTML, PDF or xlsx. pandas, ReportLab and the renderers
load only when called, so importing this module stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from bpr.reports.data import EffectReport

ReportFormat = Literal["html", "pdf", "xlsx"]
NO_OVERTIME = "時間外勤務実績がありません。先に dxi overtime import を実行してください"
PILOT_KEYS = ("id", "department", "name", "tool", "state", "estimated_hours", "realised_hours", "gate_concern",
              "production_reason")  # fmt: skip


def load_inputs(
    *, session: Session
) -> tuple[list[dict[str, Any]], dict[str, tuple[int, int]], list[dict[str, object]]]:
    """Read the overtime panel (records), the production go-lives and the pilots; refuse an empty panel."""
    from bpr.errors import EffectsError
    from bpr.pilots.service import list_pilots, production_automations
    from inventory.db.overtime_repo import overtime_rows

    panel = overtime_rows(session=session)
    if not panel:
        raise EffectsError(NO_OVERTIME)
    pilots = [{key: getattr(p, key) for key in PILOT_KEYS} for p in list_pilots(session=session)]
    return panel, production_automations(session=session), pilots


def render_report(report: EffectReport, fmt: ReportFormat) -> bytes:
    """Render the report in one of the file formats (the renderers load only when asked)."""
    if fmt == "html":
        from bpr.reports.html import render_html

        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        from bpr.reports.pdf import render_pdf

        return render_pdf(report)
    from bpr.reports.xlsx import render_xlsx

    return render_xlsx(report)


def report_file_name(report: EffectReport, fmt: str) -> str:
    """File name under DXI_HOME/reports: 効果報告_2025.html."""
    return f"効果報告_{report.kpi.kpi_fy}.{fmt}"
