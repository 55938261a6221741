"""提出履歴: every version a 課 submitted, with its outcome, who and when.

Files sent through the 提出 page are kept and can be downloaded again; versions the DX
team took in another way (受付フォルダ, `dxi ingest`) are listed too, without a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from fastapi import APIRouter
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from flows.web.auth import CurrentUser, DbSession, Principal
from flows.web.errors import Forbidden
from flows.web.views import render
from inventory.db.submission_repo import list_submissions
from inventory.db.upload_repo import list_uploads, upload_years
from inventory.db.web_status_repo import unkept_uploads
from inventory.intake.survey import STATUS_LABELS

router = APIRouter()
UNREADABLE = "読み込めないファイル"
TAKEN_IN = "DX推進担当課が受付フォルダ等から取り込み"


@dataclass(frozen=True)
class HistoryRow:
    """One upload as the history lists it; `id` is None for a file that could not be opened (not kept)."""

    id: int | None
    at: datetime
    department: str
    fiscal_year: int
    file_name: str
    status: str
    task_count: int | None
    error_count: int | None
    warning_count: int | None
    by: str
    kind: str | None = None
    note: str | None = None  # why there is no file to download


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def history_rows(*, session: Session, department: str | None, fiscal_year: int | None) -> list[HistoryRow]:
    """Kept uploads and unreadable ones (from the audit log), newest first."""
    kept = [
        HistoryRow(u.id, u.uploaded_at, u.department, u.fiscal_year, u.file_name, u.status, u.task_count,
                   u.error_count, u.warning_count, u.uploaded_by, u.kind)
        for u in list_uploads(session=session, department=department, fiscal_year=fiscal_year)
    ]  # fmt: skip
    unread = [
        HistoryRow(None, e["at"], str(e["department"]), int(e["fiscal_year"]), str(e["file"]), "rejected",
                   None, None, None, e["actor"], note=UNREADABLE)
        for e in unkept_uploads(session=session, department=department, fiscal_year=fiscal_year)
    ]  # fmt: skip
    uploaded = {u.submission_id for u in list_uploads(session=session, department=department, limit=5_000)}
    elsewhere = [
        HistoryRow(None, s["received_at"], s["department"], s["fiscal_year"], s["file_name"], "accepted",
                   s["task_count"], None, None, s["submitter"] or "—", s["kind"], note=TAKEN_IN)
        for s in list_submissions(session=session, fiscal_year=fiscal_year, department=department)
        if s["id"] not in uploaded
    ]  # fmt: skip
    return sorted([*kept, *unread, *elsewhere], key=lambda r: _aware(r.at), reverse=True)


def _department(request: Request, user: Principal) -> str | None:
    asked = request.query_params.get("dept") or None
    if user.is_dept:
        if asked not in (None, user.department):
            raise Forbidden(f"{user.department}以外の課の提出履歴は表示できません")
        return user.department
    return asked


@router.get("/history")
def history(request: Request, user: CurrentUser, session: DbSession) -> Response:
    """A 課's uploads of a 年度 (editors: any 課, or all)."""
    department = _department(request, user)
    unread = {int(e["fiscal_year"]) for e in unkept_uploads(session=session, department=department)}
    submitted = list_submissions(session=session, department=department)
    taken_in = {int(s["fiscal_year"]) for s in submitted}
    years = sorted({*upload_years(session=session, department=department), *unread, *taken_in}, reverse=True)
    asked = request.query_params.get("fy") or ""
    year = int(asked) if asked.isdigit() else (years[0] if years else None)
    rows = history_rows(session=session, department=department, fiscal_year=year)
    departments = (
        sorted(
            {r.department for r in list_uploads(session=session, limit=5_000)}
            | {
                str(s["department"])
                for s in (submitted if department is None else list_submissions(session=session))
            }
        )
        if not user.is_dept
        else []
    )
    return render(
        request, "history.html.j2", page="history", title="提出履歴", rows=rows, years=years, year=year,
        department=department, departments=departments, status_labels=STATUS_LABELS,
    )  # fmt: skip
