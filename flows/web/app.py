"""The web application factory: settings and engine in, a FastAPI app out.

No Prefect here (this is the business screen and must start in a second); pandas
loads only for the dashboard's KPI. Errors become Japanese pages; every refusal
(403) is logged and written to the audit log in its own transaction, so it stays
recorded although the request's own work is rolled back.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bpr.reports.font import FONT_DIR
from flows.web import (
    routes_admin,
    routes_auth,
    routes_dashboard,
    routes_history,
    routes_pilots,
    routes_ranking,
    routes_submissions,
    routes_submit,
    routes_task,
)
from flows.web.errors import CsrfRefused, Forbidden, LoginRequired, PageNotFound
from flows.web.reads import RetryReads
from flows.web.security import SESSION_COOKIE, apply_headers, client_address, set_cookie
from flows.web.views import render
from inventory.db.engine import engine_for, session_scope
from inventory.db.repository import audit
from inventory.settings import Settings, get_settings

log = logging.getLogger("dxi.web")
STATIC = Path(__file__).parent / "static"


def create_app(*, settings: Settings | None = None, engine: Engine | None = None) -> FastAPI:
    """Build the app on the configured database (or the given engine, for tests)."""
    settings = settings or get_settings()
    app = FastAPI(title="dx-task-inventory", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.engine = engine or engine_for(settings.db_url)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    # The bundled IPAex Gothic (and its licence), for a PC without a Japanese system font.
    app.mount("/fonts", StaticFiles(directory=FONT_DIR), name="fonts")

    @app.middleware("http")
    async def _headers(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        response = await call_next(request)
        token = getattr(request.state, "set_session", None)
        if token:
            set_cookie(request, response, SESSION_COOKIE, token)
        apply_headers(request, response)
        return response

    app.add_middleware(RetryReads)  # outermost of ours: a page load that lost a write runs again
    app.add_exception_handler(LoginRequired, _login_required)  # type: ignore[arg-type]
    app.add_exception_handler(Forbidden, _forbidden)  # type: ignore[arg-type]
    app.add_exception_handler(PageNotFound, _not_found)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _bad_request)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _server_error)
    for module in (routes_auth, routes_dashboard, routes_ranking, routes_task, routes_pilots,
                   routes_submissions, routes_submit, routes_history, routes_admin):  # fmt: skip
        app.include_router(module.router)
    return app


def _login_required(request: Request, _exc: LoginRequired) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    if request.method != "GET":
        target = "/"
    return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)


def _forbidden(request: Request, exc: Forbidden) -> Response:
    principal = getattr(request.state, "principal", None)
    actor = principal.name if principal else "-"
    action = "web.csrf_refused" if isinstance(exc, CsrfRefused) else "web.forbidden"
    log.warning("%s: %s %s by %s from %s: %s", action, request.method, request.url.path, actor,
                client_address(request), exc.message)  # fmt: skip
    with session_scope(request.app.state.engine) as session:
        audit(session=session, actor=actor, action=action, entity="route", entity_id=request.url.path[:100],
              method=request.method, query=request.url.query[:500], reason=exc.message,
              client=client_address(request))  # fmt: skip
    return render(request, "error.html.j2", page="", title="表示できません", status=403, message=exc.message)


def _not_found(request: Request, exc: PageNotFound) -> Response:
    return render(request, "error.html.j2", page="", title="見つかりません", status=404, message=exc.message)


def _http_error(request: Request, exc: HTTPException) -> Response:
    messages = {404: "ページが見つかりません", 405: "この操作はできません"}
    message = messages.get(exc.status_code, "リクエストを処理できませんでした")
    return render(request, "error.html.j2", page="", title=message, status=exc.status_code, message=message)


def _bad_request(request: Request, exc: RequestValidationError) -> Response:
    fields = "、".join(str(e.get("loc", ["?"])[-1]) for e in exc.errors())
    message = f"入力の形式が正しくありません（{fields}）"
    return render(request, "error.html.j2", page="", title="入力の誤り", status=400, message=message)


def _server_error(request: Request, exc: Exception) -> Response:
    log.error("error on %s %s: %s", request.method, request.url.path, type(exc).__name__, exc_info=exc)
    message = "処理中にエラーが発生しました。時間をおいて再度お試しください（管理者はログを確認してください）"
    response = render(request, "error.html.j2", page="", title="エラー", status=500, message=message)
    apply_headers(request, response)  # this answer bypasses the middleware that adds them
    return response
