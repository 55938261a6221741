"""候補一覧: the ranking with filters, sorting and paging in SQL, and CSV/xlsx of the current view.

Filters are read from the query string by hand (not FastAPI's typed parameters) so
that a wrong value is ignored with the page still shown, never a 422 in English. A
dept user is held to its own 課: asking for another by URL is refused and audited.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from bpr.review.rule import DECISIONS, needs_rereview
from bpr.scoring.labels import QUADRANT_LABELS, TOOL_LABELS, missing_text
from flows.web.auth import CurrentUser, DbSession, Principal
from flows.web.errors import Forbidden, PageNotFound
from flows.web.views import render
from inventory.campaign.screening import AWAITING_LABEL
from inventory.db.screening_repo import awaiting_screening
from inventory.db.web_repo import (
    NO_TOOL,
    PER_PAGE_CHOICES,
    SORTS,
    UNDECIDED,
    RankingFilter,
    department_names,
    ranking_page,
    scored_fiscal_years,
)
from inventory.export import to_csv, write_xlsx

router = APIRouter()

TOOL_CHOICES = {**TOOL_LABELS, NO_TOOL: "推奨なし"}
DECISION_CHOICES = (*DECISIONS, UNDECIDED)
KNOCKOUT_CHOICES = {"": "含む", "exclude": "除く", "only": "対象外のみ"}
SORT_LABELS = {
    "rank": "順位", "priority": "優先度", "saved": "削減見込み", "rpa": "RPA 適性", "ocr": "AI-OCR 適性",
    "ease": "導入しやすさ", "hours": "年間時間", "department": "課", "name": "業務名",
}  # fmt: skip
EXPORT_HEADERS = (
    "順位", "業務ID", "課", "業務名", "年間時間", "RPA適性", "AI-OCR適性", "推奨ツール", "削減見込み(時間/年)",
    "難易度", "優先区分", "判断", "対象外の理由", "属性未確認", "二次調査", "説明",
)  # fmt: skip


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def parse_filters(request: Request, user: Principal) -> RankingFilter:
    """The filters of the query string; a dept user's 課 is forced, another 課 refused."""
    q = request.query_params
    department = q.get("dept") or None
    if user.is_dept:
        if department is not None and department != user.department:
            raise Forbidden(f"{user.department}以外の課の候補は表示できません")
        department = user.department
    knockout = q.get("ko", "")
    return RankingFilter(
        fiscal_year=_int(q.get("fy")),
        department=department,
        tool=q.get("tool") if q.get("tool") in TOOL_CHOICES else None,
        quadrant=q.get("quadrant") if q.get("quadrant") in QUADRANT_LABELS else None,
        decision=q.get("decision") if q.get("decision") in DECISION_CHOICES else None,
        knocked_out={"exclude": False, "only": True}.get(knockout),
        q=(q.get("q") or "").strip()[:100] or None,
        sort=q.get("sort") or "rank" if q.get("sort") in SORTS else "rank",
        descending=q.get("order") == "desc",
        page=max(_int(q.get("page")) or 1, 1),
        per_page=_int(q.get("per")) if _int(q.get("per")) in PER_PAGE_CHOICES else 50,  # type: ignore[arg-type]
    )


def _decorate(row: dict[str, Any], awaiting: set[str]) -> dict[str, Any]:
    row["missing"] = missing_text(row["missing_attributes"])
    row["screening"] = AWAITING_LABEL if row["task_key"] in awaiting else ""
    row["rereview"] = row["decision"] is not None and needs_rereview(
        rpa_now=row["rpa_score"], ocr_now=row["ocr_score"],
        rpa_then=row["rpa_score_at_decision"], ocr_then=row["ocr_score_at_decision"],
    )  # fmt: skip
    return row


@router.get("/ranking")
def ranking(request: Request, user: CurrentUser, session: DbSession) -> Response:
    """The ranking page."""
    filters = parse_filters(request, user)
    result = ranking_page(session=session, filters=filters)
    params = {k: v for k, v in request.query_params.items() if k != "page" and v}
    pages = max((result.total + filters.per_page - 1) // filters.per_page, 1)
    awaiting = _awaiting(session, result.run.fiscal_year if result.run else None)
    return render(
        request, "ranking.html.j2", page="ranking", title="候補一覧", filters=filters, result=result,
        rows=[_decorate(r, awaiting) for r in result.rows], pages=pages, params=params,
        page_link=lambda n: "/ranking?" + urlencode({**params, "page": n}),
        download_query=urlencode(params), years=scored_fiscal_years(session=session),
        departments=[user.department] if user.is_dept else department_names(session=session),
        tools=TOOL_CHOICES, decisions=DECISION_CHOICES, knockouts=KNOCKOUT_CHOICES, sorts=SORT_LABELS,
        per_page_choices=PER_PAGE_CHOICES,
    )  # fmt: skip


def _awaiting(session: Session, fiscal_year: int | None) -> set[str]:
    """Task keys of the 年度 whose screening workbook (二次調査票) has not come back applied."""
    return set() if fiscal_year is None else awaiting_screening(session=session, fiscal_year=fiscal_year)


def export_rows(rows: list[dict[str, Any]], awaiting: set[str] | None = None) -> list[dict[str, object]]:
    """The current view as export rows: numbers stay numbers, text is neutralised by the writers."""
    awaiting = awaiting or set()
    return [
        {"順位": r["rank"], "業務ID": r["task_id"], "課": r["department"], "業務名": r["name"],
         "年間時間": round(r["annual_hours"], 1), "RPA適性": round(r["rpa_score"], 1),
         "AI-OCR適性": round(r["ocr_score"], 1), "推奨ツール": TOOL_LABELS.get(str(r["recommended_tool"]), "—"),
         "削減見込み(時間/年)": round(r["expected_hours_saved"], 1), "難易度": r["difficulty"],
         "優先区分": QUADRANT_LABELS.get(r["quadrant"], r["quadrant"]), "判断": r["decision"] or "",
         "対象外の理由": r["knockout_reason"] or "", "属性未確認": missing_text(r["missing_attributes"]),
         "二次調査": AWAITING_LABEL if r["task_key"] in awaiting else "", "説明": r["explanation"]}
        for r in rows
    ]  # fmt: skip


def _attachment(content: bytes, file_name: str, media_type: str) -> Response:
    disposition = f"attachment; filename=\"ranking.{file_name.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(file_name)}"
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


@router.get("/ranking/download.{fmt}")
def download(fmt: str, request: Request, user: CurrentUser, session: DbSession) -> Response:
    """CSV or xlsx of every row the current filters match (not only the page shown)."""
    filters = parse_filters(request, user)
    result = ranking_page(session=session, filters=filters, export=True)
    rows = export_rows(result.rows, _awaiting(session, result.run.fiscal_year if result.run else None))
    year = result.run.fiscal_year if result.run else "なし"
    name = f"候補一覧_{year}" + (f"_{filters.department}" if filters.department else "")
    if fmt == "csv":
        body = to_csv(rows, EXPORT_HEADERS).encode("utf-8-sig")
        return _attachment(body, f"{name}.csv", "text/csv; charset=utf-8")
    if fmt == "xlsx":
        with tempfile.TemporaryDirectory() as folder:
            path = write_xlsx(Path(folder) / "ranking.xlsx", rows, EXPORT_HEADERS, sheet="候補一覧",
                              widths={"業務名": 36, "説明": 80, "課": 16})  # fmt: skip
            body = path.read_bytes()
        return _attachment(
            body, f"{name}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    raise PageNotFound("ダウンロードの形式は csv か xlsx です")
