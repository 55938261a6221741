"""提出履歴: every file a 課 sent through the 提出 page, with its outcome, who and when, to download again."""

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
from inventory.db.upload_repo import list_uploads, upload_years
from inventory.db.web_status_repo import unkept_uploads
from inventory.intake.survey import STATUS_LABELS

router = APIRouter()


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
                   None, None, None, e["actor"])
        for e in unkept_uploads(session=session, department=department, fiscal_year=fiscal_year)
    ]  # fmt: skip
    return sorted([*kept, *unread], key=lambda r: _aware(r.at), reverse=True)


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
    years = sorted({*upload_years(session=session, department=department), *unread}, reverse=True)
    asked = request.query_params.get("fy") or ""
    year = int(asked) if asked.isdigit() else (years[0] if years else None)
    rows = history_rows(session=session, department=department, fiscal_year=year)
    departments = (
        sorted({r.department for r in list_uploads(session=session, limit=5_000)}) if not user.is_dept else []
    )
    return render(
        request, "history.html.j2", page="history", title="提出履歴", rows=rows, years=years, year=year,
        department=department, departments=departments, status_labels=STATUS_LABELS,
    )  # fmt: skip
