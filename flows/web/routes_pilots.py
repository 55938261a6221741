"""実証: pilots by state with their measurements, estimate vs realised, next moves as buttons."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bpr.errors import PilotError
from bpr.pilots import rules
from bpr.pilots.service import advance_pilot, pilot_board, pilot_department
from flows.web.auth import EDITORS, CheckedForm, CurrentUser, DbSession, Editor, Principal
from flows.web.errors import PageNotFound
from flows.web.views import render

router = APIRouter()
TOOL_NAMES = {"rpa": "RPA", "ai-ocr": "AI-OCR", "both": "AI-OCR+RPA"}


def _page(request: Request, session: Session, user: Principal, *, message: str | None = None,
          status: int = 200, done: str | None = None) -> Response:  # fmt: skip
    board = pilot_board(session=session, department=user.department if user.is_dept else None)
    return render(
        request, "pilots.html.j2", page="pilots", title="実証", status=status, board=board,
        states=rules.STATES, phase_labels=rules.PHASE_LABELS, tool_names=TOOL_NAMES, message=message,
        done=done, can_edit=user.role in EDITORS,
    )  # fmt: skip


@router.get("/pilots")
def pilots(request: Request, user: CurrentUser, session: DbSession) -> Response:
    """Every pilot (a dept user: those of its 課), by state."""
    return _page(request, session, user, done=request.query_params.get("done"))


@router.post("/pilots/{pilot_id}/advance")
def advance(
    pilot_id: int,
    request: Request,
    form: CheckedForm,
    user: Editor,
    session: DbSession,
) -> Response:
    """Move a pilot to the state of the button pressed, if the lifecycle (and the 本格導入 gate) allows it."""
    if pilot_department(session=session, pilot_id=pilot_id) is None:
        raise PageNotFound(f"実証ID {pilot_id} は登録されていません")
    to = str(form.get("to") or "")
    reason = str(form.get("reason") or "").strip()[:2000] or None
    force = form.get("force") == "1"
    try:
        advance_pilot(session=session, pilot_id=pilot_id, to=to, reason=reason, actor=user.name, force=force)
    except PilotError as exc:
        return _page(request, session, user, message=f"実証ID {pilot_id}: {exc.message}", status=400)
    return RedirectResponse(f"/pilots?done={pilot_id}#pilot-{pilot_id}", status_code=303)
