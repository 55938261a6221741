"""業務詳細: survey values, score breakdown, history across years, review history, decision form."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bpr.errors import ReviewError
from bpr.review.rule import DECISIONS, MAX_REASON, checked_review
from bpr.scoring.labels import SCORED_ATTRIBUTES
from flows.web.auth import EDITORS, CheckedForm, CurrentUser, DbSession, Editor, Principal
from flows.web.errors import PageNotFound
from flows.web.views import fiscal_year_label, render
from inventory.db.web_repo import task_department, task_detail

router = APIRouter()

FACT_LABELS = (
    ("fiscal_year", "年度"), ("division", "部"), ("department", "課"), ("section", "係"), ("task_code", "業務ID（課）"),
    ("category_1", "大分類"), ("category_2", "中分類"), ("category_3", "小分類"), ("scope", "業務区分"),
    ("routine", "定型性"), ("judgement", "判断の有無"), ("input_medium", "入力媒体"), ("form_count", "様式数"),
    ("system_count", "使用システム数"), ("annual_volume", "年間件数"), ("minutes_per_case", "1件当たり処理時間（分）"),
    ("annual_hours", "年間時間"), ("stated_hours", "年間時間（記入値）"), ("hours_after", "導入後の年間時間"),
    ("staff_count", "従事職員数"), ("peak_months", "繁忙月"), ("documented", "手順書"),
    ("verification", "目視確認"), ("exceptions", "例外処理"), ("change_expected", "制度改正予定"),
    ("abolition_planned", "廃止予定"), ("notes", "備考"), ("file_name", "調査票ファイル"),
)  # fmt: skip
FACTOR_TOOLS = {"rpa": "RPA", "ai-ocr": "AI-OCR", "ease": "導入しやすさ"}


def _shown(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "あり" if value else "なし"
    if isinstance(value, list):
        return "通年" if len(value) == 12 else "・".join(f"{m}月" for m in value)
    if isinstance(value, float):
        return f"{value:,.1f}".removesuffix(".0")
    return str(value)


def _fact(key: str, value: object) -> str:
    """A survey value as shown; a blank suitability attribute is 未確認 (asked later, in screening)."""
    return "未確認" if value is None and key in SCORED_ATTRIBUTES else _shown(value)


def _page(request: Request, session: Session, user: Principal, task_id: int, *, message: str | None = None,
          status: int = 200, saved: bool = False, reason: str = "") -> Response:  # fmt: skip
    user.check_department(task_department(session=session, task_id=task_id), "この業務")
    detail = task_detail(session=session, task_id=task_id)
    if detail is None:
        raise PageNotFound(f"業務ID {task_id} は登録されていません")
    shown = {**detail.task, "fiscal_year": fiscal_year_label(detail.task.get("fiscal_year"))}
    facts = [(label, _fact(key, shown.get(key))) for key, label in FACT_LABELS]
    factors = sorted((detail.score or {}).get("factors") or [], key=lambda f: (f["tool"], -abs(f["points"])))
    return render(
        request, "task.html.j2", page="ranking", title=f"業務詳細: {detail.task['name']}", status=status,
        detail=detail, facts=facts, factors=factors, factor_tools=FACTOR_TOOLS, decisions=DECISIONS, max_reason=MAX_REASON,
        message=message, saved=saved, reason=reason, can_review=user.role in EDITORS,
    )  # fmt: skip


@router.get("/tasks/{task_id}")
def task_page(task_id: int, request: Request, user: CurrentUser, session: DbSession) -> Response:
    """The task's page (a dept user only for its own 課)."""
    return _page(request, session, user, task_id, saved=request.query_params.get("saved") == "1")


@router.post("/tasks/{task_id}/review")
def record_decision(
    task_id: int,
    request: Request,
    form: CheckedForm,
    user: Editor,
    session: DbSession,
) -> Response:
    """Append a decision (採用/保留/不採用 + reason) to the task's history."""
    typed = str(form.get("reason") or "").strip()
    try:
        decision, reason = checked_review(str(form.get("decision") or ""), typed)
    except ReviewError as exc:
        return _page(request, session, user, task_id, message=exc.message, status=400, reason=typed)
    if task_department(session=session, task_id=task_id) is None:
        raise PageNotFound(f"業務ID {task_id} は登録されていません")
    from bpr.review.service import record_decision  # pandas loads on the first decision, not at start-up

    record_decision(session=session, task_id=task_id, decision=decision, reason=reason, reviewer=user.name,
                    source="web")  # fmt: skip
    return RedirectResponse(f"/tasks/{task_id}?saved=1#history", status_code=303)
