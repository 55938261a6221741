"""Who is asking: the session cookie (or a trusted proxy's header), the role and the 課.

Roles: admin may do everything; reviewer records decisions and moves pilots; dept
reads its own 課 only. Every route checks on the server; the menu only mirrors it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request

from flows.web.errors import CsrfRefused, Forbidden, LoginRequired
from flows.web.reads import reads
from flows.web.security import (
    CSRF_FIELD,
    SESSION_COOKIE,
    client_address,
    from_trusted_proxy,
    peer_address,
    tokens_match,
)
from inventory.db.account_repo import create_session, end_session, get_user, load_session
from inventory.db.engine import read_scope, session_scope

log = logging.getLogger("dxi.web")

EDITORS = ("admin", "reviewer")


@dataclass(frozen=True)
class Principal:
    """The logged-in user of this request."""

    name: str
    role: str
    department: str | None
    csrf_token: str

    @property
    def is_dept(self) -> bool:
        """A dept user sees only its own 課."""
        return self.role == "dept"

    @property
    def can_edit(self) -> bool:
        """Records decisions and moves pilots."""
        return self.role in EDITORS

    def check_department(self, department: str | None, what: str) -> None:
        """Refuse a dept user anything of another 課."""
        if self.is_dept and department != self.department:
            raise Forbidden(f"{what}は{self.department}のものではないため表示できません")


def get_db(request: Request) -> Iterator[Session]:
    """One session per request; it commits when the route returns, rolls back on an error.

    Used with scope="function": the commit happens *before* the response is sent, so a
    browser that follows the redirect after a decision always finds the decision stored
    (FastAPI's default would commit after sending, racing the next request).
    A page load (GET) reads in a deferred transaction, so it never queues behind a writer
    on SQLite; see `flows.web.reads`, which runs it again should it lose a write to another.
    """
    engine = request.app.state.engine
    with read_scope(engine) if reads(request.scope) else session_scope(engine) as session:
        yield session


DbSession = Annotated[Session, Depends(get_db, scope="function")]


def _from_trusted_header(request: Request, session: Session, current: object) -> tuple[str, object] | None:
    """(cookie to set, (session, user)) when a trusted proxy names a user other than the session's."""
    settings = request.app.state.settings
    header = settings.web_trusted_user_header
    name = request.headers.get(header) if header else None
    if not name:
        return None
    if not from_trusted_proxy(request):
        log.warning("ignored %s header from untrusted address %s", header, peer_address(request))
        return None
    if current is not None and current[1].name == name:  # type: ignore[index]
        return None
    user = get_user(session=session, name=name.strip())
    if user is None or user.disabled:
        raise Forbidden(f"ユーザー「{name}」はこのシステムに登録されていないか、無効になっています")
    token, row = create_session(session=session, user_id=user.id, client=client_address(request))
    return token, (row, user)


def current_user(request: Request, session: DbSession) -> Principal:
    """The request's user, from a live server-side session or a trusted proxy's header."""
    token = request.cookies.get(SESSION_COOKIE)
    loaded = load_session(session=session, token=token) if token else None
    switched = _from_trusted_header(request, session, loaded)
    if switched is not None:
        if token:
            end_session(session=session, token=token)
        request.state.set_session = switched[0]
        loaded = switched[1]  # type: ignore[assignment]
    if loaded is None:
        raise LoginRequired("ログインしてください")
    web_session, user = loaded
    principal = Principal(user.name, user.role, user.department, web_session.csrf_token)
    request.state.principal = principal
    return principal


def require(*roles: str) -> Callable[..., Principal]:
    """A dependency that lets only these roles through."""

    def check(user: Annotated[Principal, Depends(current_user)]) -> Principal:
        if user.role not in roles:
            raise Forbidden("この操作を行う権限がありません")
        return user

    return check


async def checked_form(request: Request, user: Annotated[Principal, Depends(current_user)]) -> FormData:
    """The posted form, after its CSRF token matched the session's."""
    form = await request.form()
    if not tokens_match(form.get(CSRF_FIELD), user.csrf_token):
        raise CsrfRefused("フォームの有効期限が切れたか、不正な送信です。画面を開き直してください")
    return form


CurrentUser = Annotated[Principal, Depends(current_user)]
Editor = Annotated[Principal, Depends(require(*EDITORS))]
Admin = Annotated[Principal, Depends(require("admin"))]
CheckedForm = Annotated[FormData, Depends(checked_form)]
