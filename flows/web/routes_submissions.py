"""提出状況: the campaign live for the DX team (per 課 state, errors, deadline), the 督促 button, error reports."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from flows.jobs.reminder import all_sent, nothing_open
from flows.web.auth import CheckedForm, CurrentUser, DbSession, Editor, Principal
from flows.web.errors import Forbidden, PageNotFound
from flows.web.progress import STATE_LABELS, progress
from flows.web.reminders import remind, whom
from flows.web.views import render
from inventory.campaign.status import summarise, today_in_japan
from inventory.db.campaign_repo import campaign_progress, find_open_campaign, get_campaign
from inventory.db.campaign_tables import Campaign
from inventory.db.web_status_repo import rejection, submission_status, submission_years
from inventory.display import japan_time
from inventory.export import to_csv

router = APIRouter()
REPORT_HEADERS = ("課", "年度", "ファイル", "差戻し日時", "エラー件数", "エラーの種類")
REFRESH_SECONDS = 30


def _years(session: Session) -> list[int]:
    campaigns = session.scalars(select(Campaign.fiscal_year).distinct()).all()
    return sorted({*submission_years(session=session), *campaigns}, reverse=True)


def _page(request: Request, session: Session, user: Principal, *, message: str | None = None,
          status: int = 200) -> Response:  # fmt: skip
    department = request.query_params.get("dept") or None
    if user.is_dept:
        if department is not None and department != user.department:
            raise Forbidden(f"{user.department}以外の課の提出状況は表示できません")
        department = user.department
    years = _years(session)
    asked = request.query_params.get("fy") or ""
    open_campaign = find_open_campaign(session=session)
    default = open_campaign.fiscal_year if open_campaign else (years[0] if years else 0)
    year = int(asked) if asked.isdigit() else default
    campaign = get_campaign(session=session, fiscal_year=year)
    rows = submission_status(session=session, fiscal_year=year, department=department)
    states = {r.department: r for r in progress(session=session, fiscal_year=year, department=department)}
    summary, owed, can_remind = None, None, False
    if campaign is not None and not user.is_dept:
        statuses = campaign_progress(session=session, fiscal_year=year)
        summary = summarise(
            statuses, deadline=campaign.deadline, today=today_in_japan(), closed=campaign.status != "open"
        )
        owed = whom(session=session, campaign=campaign, today=today_in_japan(), progress=statuses)
        # after the close, the button stays while a 二次調査票 is owed
        can_remind = user.can_edit and (campaign.status == "open" or bool(owed.departments))
    return render(
        request, "submissions.html.j2", page="submissions", title="提出状況", status=status, rows=rows,
        states=states, state_labels=STATE_LABELS, years=years, year=year, campaign=campaign, summary=summary,
        message=message, done=request.query_params.get("reminded"), refresh=REFRESH_SECONDS,
        owed=owed, can_remind=can_remind,
        now=japan_time(datetime.now(UTC)),
    )  # fmt: skip


@router.get("/submissions")
def submissions(request: Request, user: CurrentUser, session: DbSession) -> Response:
    """Every 課's state in the 年度's campaign (a dept user: its own), refreshed every 30 seconds."""
    return _page(request, session, user)


@router.post("/submissions/remind")
def send_reminders(request: Request, _form: CheckedForm, user: Editor, session: DbSession) -> Response:
    """Write the 督促リスト of the campaign's outstanding 課, as the reminder flow does.

    The campaign of the 年度 shown (?fy=), else the open one: after the close, only the
    二次調査票 still owed are chased.
    """
    asked = request.query_params.get("fy") or ""
    campaign = (
        get_campaign(session=session, fiscal_year=int(asked))
        if asked.isdigit()
        else find_open_campaign(session=session)
    )
    if campaign is None:
        return _page(request, session, user, message=nothing_open(None), status=409)
    done = remind(session=session, campaign=campaign, today=today_in_japan(), actor=user.name)
    if not done.departments:
        text = (
            all_sent(campaign.fiscal_year)
            if campaign.status == "open"
            else nothing_open(campaign.fiscal_year)
        )
        return _page(request, session, user, message=text, status=409)
    return RedirectResponse(f"/submissions?fy={campaign.fiscal_year}&reminded={len(done.departments)}",
                            status_code=303)  # fmt: skip


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
