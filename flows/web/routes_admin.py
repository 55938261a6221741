"""管理 (admin only): the accounts and the latest security events (refusals, failed logins)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from flows.web.auth import Admin, DbSession
from flows.web.views import render
from inventory.db.account_repo import list_users
from inventory.db.tables import AuditEntry

router = APIRouter()
SECURITY_ACTIONS = (
    "web.forbidden",
    "web.csrf_refused",
    "web.login_failed",
    "web.login_throttled",
    "web.login",
)
EVENT_LABELS = {
    "web.forbidden": "拒否（権限）", "web.csrf_refused": "拒否（CSRF）", "web.login_failed": "ログイン失敗",
    "web.login_throttled": "ログイン制限", "web.login": "ログイン",
}  # fmt: skip


@router.get("/admin")
def admin(request: Request, _user: Admin, session: DbSession) -> Response:
    """Accounts and the newest 50 security events."""
    events = list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action.in_(SECURITY_ACTIONS))
            .order_by(AuditEntry.id.desc())
            .limit(50)
        )
    )
    return render(request, "admin.html.j2", page="admin", title="管理", users=list_users(session=session),
                  events=events, event_labels=EVENT_LABELS)  # fmt: skip
