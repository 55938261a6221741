"""Login and logout.

The login form has its own CSRF token (a random cookie echoed in the form), since
there is no session yet. A successful login always starts a brand-new session id
and deletes any session the browser came with: an id planted before login is
worthless after it (no session fixation).
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from flows.web.auth import CheckedForm, CurrentUser, DbSession
from flows.web.errors import CsrfRefused
from flows.web.security import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    clear_cookie,
    client_address,
    new_token,
    safe_next,
    set_cookie,
    tokens_match,
)
from flows.web.views import render
from inventory.db.account_repo import THROTTLE_WINDOW, authenticate, create_session, end_session
from inventory.db.engine import session_scope

router = APIRouter()


def _login_page(
    request: Request, *, next_url: str, message: str | None = None, status: int = 200
) -> Response:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or new_token()
    response = render(request, "login.html.j2", page="login", title="ログイン", status=status,
                      csrf=token, next_url=safe_next(next_url), message=message)  # fmt: skip
    set_cookie(request, response, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/") -> Response:
    """The login page."""
    return _login_page(request, next_url=next)


@router.post("/login")
async def login(request: Request) -> Response:
    """Check the password; on success start a fresh session and go where the user was heading."""
    form = await request.form()
    if not tokens_match(form.get(CSRF_FIELD), request.cookies.get(LOGIN_CSRF_COOKIE)):
        raise CsrfRefused("ログイン画面の有効期限が切れました。もう一度開き直してください")
    return await run_in_threadpool(_login_sync, request, form)


def _login_sync(request: Request, form: FormData) -> Response:
    name, password = str(form.get("username") or ""), str(form.get("password") or "")
    next_url = safe_next(str(form.get("next") or "/"))
    with session_scope(request.app.state.engine) as session:
        result = authenticate(session=session, name=name, password=password, client=client_address(request))
        token = None
        if result.status == "ok" and result.user is not None:
            old = request.cookies.get(SESSION_COOKIE)
            if old:
                end_session(session=session, token=old)
            token, _row = create_session(
                session=session, user_id=result.user.id, client=client_address(request)
            )
    if result.status == "throttled":
        minutes = int(THROTTLE_WINDOW.total_seconds() // 60)
        message = f"ログインの失敗が続いたため、{minutes}分ほど時間をおいてからお試しください"
        return _login_page(request, next_url=next_url, message=message, status=429)
    if token is None:
        return _login_page(
            request, next_url=next_url, message="ユーザー名またはパスワードが違います", status=401
        )
    response = RedirectResponse(next_url, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token)
    clear_cookie(request, response, LOGIN_CSRF_COOKIE)
    return response


@router.post("/logout")
def logout(
    request: Request,
    _form: CheckedForm,
    _user: CurrentUser,
    session: DbSession,
) -> Response:
    """End the session on the server and drop the cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        end_session(session=session, token=token)
    response = RedirectResponse("/login", status_code=303)
    clear_cookie(request, response, SESSION_COOKIE)
    return response
