"""提出: a 課 sends its survey for the open campaign's 年度 and reads the outcome at once.

The upload runs the intake in this process, in the request's one transaction (no
Prefect): accepted with its task count and warnings, or rejected with every error, the
rows in error and the marked error workbook. A dept user submits for its own 課 only;
a file naming another 課 is refused with 403 and audited, and nothing of it is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from flows.web.auth import CurrentUser, DbSession, Principal
from flows.web.errors import Forbidden, PageNotFound
from flows.web.progress import STATE_LABELS
from flows.web.security import client_address
from flows.web.uploads import PostedUpload, Upload, limit_bytes
from flows.web.views import render
from inventory.campaign.status import DepartmentStatus
from inventory.db.campaign_repo import campaign_progress, find_open_campaign
from inventory.db.repository import audit
from inventory.db.tables import Department
from inventory.db.upload_repo import get_upload, list_uploads
from inventory.errors import LayoutError
from inventory.intake.survey import STATUS_LABELS
from inventory.intake.upload import CheckedUpload, Target, check_upload, store_upload
from inventory.layouts.store import BUILTIN, saved_names

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Window:
    """The open campaign as the 提出 page shows it to this user; editors also choose a saved layout."""

    fiscal_year: int | None
    statuses: dict[str, DepartmentStatus]
    departments: list[str]
    layout: str | None = None  # the campaign's saved layout (None: the product's template)
    layouts: tuple[str, ...] = ()


def _window(request: Request, session: Session, user: Principal) -> Window:
    campaign = find_open_campaign(session=session)
    if campaign is None:
        return Window(None, {}, [])
    statuses = {s.department: s for s in campaign_progress(session=session, fiscal_year=campaign.fiscal_year)}
    if user.is_dept:
        return Window(campaign.fiscal_year, statuses, [str(user.department)], campaign.layout)
    known = session.scalars(select(Department.name).order_by(Department.name)).all()
    layouts = (BUILTIN, *saved_names(request.app.state.settings.home))
    return Window(
        campaign.fiscal_year, statuses, list(dict.fromkeys([*statuses, *known])), campaign.layout, layouts
    )


def _layout(window: Window, user: Principal, asked: str | None) -> str | None:
    """The layout to read the file through: the campaign's, or (editors) a saved one chosen on the form.

    Only a saved layout's name is taken from the form, never a path; raise LayoutError otherwise.
    """
    chosen = asked if asked and not user.is_dept else window.layout
    if chosen is not None and chosen not in (window.layouts or (window.layout,)):
        raise LayoutError(f"様式「{chosen}」は保存されていません（保存済み: {'、'.join(window.layouts)}）")
    return None if chosen in (None, BUILTIN) else chosen


def _page(request: Request, session: Session, user: Principal, *, department: str | None = None,
          message: str | None = None, status: int = 200, outcome: object = None) -> Response:  # fmt: skip
    window = _window(request, session, user)
    chosen = user.department if user.is_dept else department
    recent = (
        list_uploads(session=session, department=chosen, fiscal_year=window.fiscal_year, limit=5)
        if chosen and window.fiscal_year is not None
        else []
    )
    return render(
        request, "submit.html.j2", page="submit", title="調査票の提出", status=status, window=window,
        chosen=chosen, recent=recent, message=message, outcome=outcome, state_labels=STATE_LABELS,
        status_labels=STATUS_LABELS, limit_mb=limit_bytes(request) // (1024 * 1024),
    )  # fmt: skip


@router.get("/submit")
def submit_page(request: Request, user: CurrentUser, session: DbSession) -> Response:
    """The form: 課 (fixed for a dept user), the file, and where the 課 stands."""
    department = request.query_params.get("dept") or None
    if user.is_dept and department not in (None, user.department):
        raise Forbidden(f"{user.department}の利用者は{department}の調査票を提出できません")
    return _page(request, session, user, department=department)


def _refuse(request: Request, session: Session, user: Principal, upload: Upload, department: str | None,
            message: str, status: int) -> Response:  # fmt: skip
    """Audit an upload that was not read, and show the form again with the reason."""
    audit(session=session, actor=user.name, action="web.upload_refused", entity="uploaded_file",
          file=upload.file_name, department=department, reason=message, client=client_address(request))  # fmt: skip
    return _page(request, session, user, department=department, message=message, status=status)


@router.post("/submit")
def submit(request: Request, upload: PostedUpload, user: CurrentUser, session: DbSession) -> Response:
    """Run the intake on the file for the 課 and the open 年度; show the outcome."""
    department = user.department if user.is_dept else (upload.fields.get("dept") or None)
    asked = upload.fields.get("dept") or department
    if user.is_dept and asked != user.department:
        raise Forbidden(f"{user.department}の利用者は{asked}の調査票を提出できません")
    campaign = find_open_campaign(session=session)
    if campaign is None:
        return _refuse(request, session, user, upload, department,
                       "受付中の調査がありません（DX推進担当課が調査を開始すると提出できます）", 409)  # fmt: skip
    if department is None:
        return _refuse(request, session, user, upload, department, "提出先の課を選んでください", 400)
    if upload.problem is not None:
        return _refuse(request, session, user, upload, department, upload.problem, upload.status)
    try:
        layout = _layout(_window(request, session, user), user, upload.fields.get("layout"))
        checked = check_upload(
            upload.data, upload.file_name, Target(department, campaign.fiscal_year, layout)
        )
    except LayoutError as exc:  # not a saved layout, or one that no longer reads: the DX team must fix it
        where = "（DX推進担当課に連絡してください）" if user.is_dept else ""
        return _refuse(request, session, user, upload, department, f"{exc.message}{where}", 409)
    _only_own(user, checked)
    stored = store_upload(session=session, checked=checked, actor=user.name, client=client_address(request))
    if stored.upload_id is not None:
        return RedirectResponse(f"/submit/{stored.upload_id}", status_code=303)
    return _page(request, session, user, department=department, outcome=stored.outcome, status=422)


def _only_own(user: Principal, checked: CheckedUpload) -> None:
    """A dept user's file that names another 課 is refused whole (403, audited)."""
    if user.is_dept and checked.other_departments:
        named = "、".join(checked.other_departments)
        raise Forbidden(
            f"{user.department}の利用者は{named}の調査票を提出できません（ファイル「{checked.file_name}」）"
        )


@router.get("/submit/{upload_id}")
def result(upload_id: int, request: Request, user: CurrentUser, session: DbSession) -> Response:
    """The outcome of one upload: accepted with warnings, or every error and the rows in error."""
    found = get_upload(session=session, upload_id=upload_id)
    if found is None:
        raise PageNotFound("この提出はありません")
    user.check_department(found.department, "この提出")
    return render(
        request, "submit_result.html.j2", page="submit", title=f"提出結果: {found.file_name}", upload=found,
        status_labels=STATUS_LABELS, window=_window(request, session, user), limit_mb=limit_bytes(request) // (1024 * 1024),
    )  # fmt: skip


def _download(body: bytes, name: str, fallback: str, media_type: str) -> Response:
    """An attachment named in Japanese (RFC 6266), with a plain ASCII name for old clients."""
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/submit/{upload_id}/file")
def original_file(upload_id: int, user: CurrentUser, session: DbSession) -> Response:
    """The file as it was sent (a dept user: only its own 課's)."""
    found = get_upload(session=session, upload_id=upload_id, with_content=True)
    if found is None:
        raise PageNotFound("この提出はありません")
    user.check_department(found.department, "この提出ファイル")
    suffix = found.file_name.rsplit(".", 1)[-1][:5]
    suffix = suffix if suffix.isascii() and suffix.isalnum() else "bin"
    return _download(
        found.content, found.file_name, f"upload-{upload_id}.{suffix}", "application/octet-stream"
    )


@router.get("/submit/{upload_id}/errors.xlsx")
def error_workbook(upload_id: int, user: CurrentUser, session: DbSession) -> Response:
    """The marked error workbook of a rejected upload."""
    found = get_upload(session=session, upload_id=upload_id, with_content=True)
    if found is None:
        raise PageNotFound("このエラー一覧はありません")
    user.check_department(found.department, "このエラー一覧")
    if found.error_workbook is None:
        raise PageNotFound("この提出は受理されたため、エラー一覧はありません")
    stem = found.file_name.rsplit(".", 1)[0]
    return _download(found.error_workbook, f"{stem}_エラー.xlsx", f"errors-{upload_id}.xlsx", XLSX)
