"""提出状況: per 課 submission status and the error report of each rejected file."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import Response

from flows.web.auth import CurrentUser, DbSession
from flows.web.errors import Forbidden, PageNotFound
from flows.web.progress import STATE_LABELS, progress
from flows.web.views import render
from inventory.db.web_status_repo import rejection, submission_status, submission_years
from inventory.display import japan_time
from inventory.export import to_csv

router = APIRouter()
REPORT_HEADERS = ("課", "年度", "ファイル", "差戻し日時", "エラー件数", "エラーの種類")


@router.get("/submissions")
def submissions(request: Request, user: CurrentUser, session: DbSession) -> Response:
    """Every 課's file for the 年度 (a dept user: its own), with rejected files to download."""
    department = request.query_params.get("dept") or None
    if user.is_dept:
        if department is not None and department != user.department:
            raise Forbidden(f"{user.department}以外の課の提出状況は表示できません")
        department = user.department
    years = submission_years(session=session)
    try:
        year = int(request.query_params.get("fy") or (years[0] if years else 0))
    except ValueError:
        year = years[0] if years else 0
    rows = submission_status(session=session, fiscal_year=year, department=department)
    states = {r.department: r for r in progress(session=session, fiscal_year=year, department=department)}
    return render(
        request, "submissions.html.j2", page="submissions", title="提出状況", rows=rows, states=states,
        state_labels=STATE_LABELS, years=years, year=year,
    )  # fmt: skip


@router.get("/submissions/errors/{entry_id}.csv")
def error_report(entry_id: int, user: CurrentUser, session: DbSession) -> Response:
    """The error report of one rejected file, as CSV (a dept user: only its own 課's files)."""
    entry = rejection(session=session, entry_id=entry_id)
    if entry is None:
        raise PageNotFound("このエラー報告はありません")
    user.check_department(entry["department"], "このエラー報告")
    row = {"課": entry["department"], "年度": entry["fiscal_year"], "ファイル": entry["file"],
           "差戻し日時": japan_time(entry["at"]),
           "エラー件数": entry["errors"], "エラーの種類": " ".join(entry["codes"])}  # fmt: skip
    body = to_csv([row], REPORT_HEADERS).encode("utf-8-sig")
    name = f"エラー報告_{entry['department'] or '課不明'}_{entry_id}.csv"
    disposition = f"attachment; filename=\"errors-{entry_id}.csv\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition})
