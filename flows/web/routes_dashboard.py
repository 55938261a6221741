"""ダッシュボード: campaign progress, top candidates, pilot pipeline and the overtime KPI, as charts."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from bpr.errors import EffectsError
from bpr.pilots import rules
from bpr.pilots.service import pilot_board
from flows.web import charts
from flows.web.auth import CurrentUser, DbSession
from flows.web.privacy import overtime_for_viewer
from flows.web.progress import STATE_LABELS, progress, state_counts
from flows.web.views import render
from inventory.db.web_repo import RankingFilter, ranking_page
from inventory.db.web_status_repo import department_overtime, submission_years

router = APIRouter()
TOP = 10
TARGET_PCT = 20.0


def _kpi(session: Session) -> dict[str, Any]:
    """The organisation's overtime per 年度 against the baseline, with the target line."""
    from bpr.effects.kpi import kpi
    from inventory.db.overtime_repo import overtime_rows

    panel = overtime_rows(session=session)
    if not panel:
        return {"message": "時間外勤務実績がまだ取り込まれていません（dxi overtime import）"}
    try:
        result = kpi(panel, kpi_fy=max(r["fiscal_year"] for r in panel), target_pct=TARGET_PCT)
    except EffectsError as exc:
        return {"message": exc.message}
    base = result.overtime_baseline
    items = [
        (y.label, y.projected_total or y.overtime_total,
         f"{(y.projected_total or y.overtime_total):,.0f}" + ("（見込）" if not y.complete else ""))
        for y in result.years
    ]  # fmt: skip
    tones = ["muted" if y.fiscal_year == result.baseline_fy else "main" for y in result.years]
    chart = charts.vertical(
        items, rules=[(f"目標 −{TARGET_PCT:g}%", base * (1 - TARGET_PCT / 100))], tones=tones
    )
    return {"result": result, "chart": chart}


@router.get("/")
def dashboard(request: Request, user: CurrentUser, session: DbSession) -> Response:
    """The overview for the 本部 meeting (a dept user: its own 課)."""
    own = user.department if user.is_dept else None
    years = submission_years(session=session)
    year = years[0] if years else None
    rows = progress(session=session, fiscal_year=year, department=own) if year else []
    counts = state_counts(rows)
    top = ranking_page(session=session, filters=RankingFilter(department=own, knocked_out=False, per_page=20))
    top_rows = top.rows[:TOP]
    board = pilot_board(session=session, department=own)
    pipeline = [(state, len(board[state])) for state in rules.STATES]
    kpi = _kpi(session)
    cells = []
    if "result" in kpi:
        threshold = request.app.state.settings.small_cell_threshold
        cells = overtime_for_viewer(
            department_overtime(session=session, fiscal_year=kpi["result"].kpi_fy),
            dept_viewer=user.is_dept, department=user.department, threshold=threshold,
        )  # fmt: skip
    return render(
        request, "dashboard.html.j2", page="dashboard", title="ダッシュボード", year=year, rows=rows,
        state_labels=STATE_LABELS,
        progress_chart=charts.horizontal([(label, n, f"{n} 課") for label, n in counts], label_width=130),
        top=top, top_rows=top_rows,
        top_chart=charts.horizontal([(r["name"], r["expected_hours_saved"], f"{r['expected_hours_saved']:,.0f} 時間")
                                     for r in top_rows], label_width=260),
        pipeline_chart=charts.horizontal([(s, n, f"{n} 件") for s, n in pipeline], label_width=130),
        kpi=kpi, cells=cells,
    )  # fmt: skip
