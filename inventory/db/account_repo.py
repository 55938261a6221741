"""Accounts of the web UI: users, argon2 password hashes, server-side sessions, login throttling.

Keyword-only functions that take a session; callers own the transaction. A failed
login is *returned*, not raised, so the caller commits the attempt that the
throttling counts (an exception would roll it back and make guessing free).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from inventory.db.account_tables import ROLES, LoginAttempt, WebSession, WebUser
from inventory.db.repository import audit, now
from inventory.errors import InventoryError

SESSION_IDLE = timedelta(hours=2)  # a meeting with the page left open
SESSION_MAX = timedelta(hours=12)  # one working day, then log in again
TOUCH_EVERY = timedelta(minutes=1)  # last_seen is written at most this often (no write per page)
THROTTLE_WINDOW = timedelta(minutes=15)
MAX_USER_FAILURES = 5
MAX_CLIENT_FAILURES = 20
MIN_PASSWORD_LENGTH = 8

# argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): ~0.1-0.2 s on these
# 2-core PCs. The library default (64 MiB, 4 lanes) took a second per login here.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


@cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so both cases take the same time."""
    return _hasher.hash(secrets.token_hex(16))


class AccountError(InventoryError):
    """A user cannot be created or changed as asked (Japanese message)."""


@dataclass(frozen=True)
class LoginResult:
    """What a password login did: the user on success, else why not."""

    status: Literal["ok", "invalid", "throttled"]
    user: WebUser | None = None


def _aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything stored here is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def hash_session_id(token: str) -> str:
    """The stored form of a session id: a copy of the database holds no usable cookie."""
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(
    *,
    session: Session,
    name: str,
    role: str,
    department: str | None = None,
    password: str | None = None,
    actor: str = "cli",
) -> WebUser:
    """Create a local account; dept users need their 課, passwords at least 8 characters."""
    name = name.strip()
    if not name or len(name) > 100:
        raise AccountError("ユーザー名は1〜100文字で指定してください")
    if role not in ROLES:
        raise AccountError(f"権限は {' / '.join(ROLES)} のいずれかです（指定: {role}）")
    department = department.strip() if department and department.strip() else None
    if role == "dept" and department is None:
        raise AccountError("権限 dept のユーザーには --dept で課を指定してください（例: --dept 税務課）")
    if password is not None and len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"パスワードは{MIN_PASSWORD_LENGTH}文字以上にしてください")
    if session.scalar(select(WebUser.id).where(WebUser.name == name)) is not None:
        raise AccountError(f"ユーザー「{name}」はすでに登録されています")
    user = WebUser(
        name=name,
        role=role,
        department=department,
        password_hash=_hasher.hash(password) if password is not None else None,
        disabled=False,
        created_at=now(),
    )
    session.add(user)
    session.flush()
    audit(session=session, actor=actor, action="user.added", entity="web_user", entity_id=user.id,
          name=name, role=role, department=department)  # fmt: skip
    return user


def list_users(*, session: Session) -> list[WebUser]:
    """Every account, by name."""
    return list(session.scalars(select(WebUser).order_by(WebUser.name)))


def get_user(*, session: Session, name: str) -> WebUser | None:
    """The account with this name, if any."""
    return session.scalars(select(WebUser).where(WebUser.name == name)).first()


def disable_user(*, session: Session, name: str, actor: str = "cli") -> WebUser:
    """Disable an account and end its sessions at once (history keeps the name)."""
    user = get_user(session=session, name=name)
    if user is None:
        raise AccountError(f"ユーザー「{name}」は登録されていません")
    user.disabled = True
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))
    audit(
        session=session, actor=actor, action="user.disabled", entity="web_user", entity_id=user.id, name=name
    )
    return user


def _failures(session: Session, column: InstrumentedAttribute[str], value: str, since: datetime) -> int:
    query = (
        select(func.count())
        .select_from(LoginAttempt)
        .where(column == value, LoginAttempt.at >= since, LoginAttempt.success.is_(False))
    )
    return int(session.scalar(query) or 0)


def authenticate(*, session: Session, name: str, password: str, client: str) -> LoginResult:
    """Check a password login, throttled per user name and per client address; record the attempt."""
    stamp = now()
    since = stamp - THROTTLE_WINDOW
    name = name.strip()[:100]
    client = client[:64]
    if (
        _failures(session, LoginAttempt.username, name, since) >= MAX_USER_FAILURES
        or _failures(session, LoginAttempt.client, client, since) >= MAX_CLIENT_FAILURES
    ):
        session.add(LoginAttempt(at=stamp, username=name, client=client, success=False))
        audit(session=session, actor=name or "-", action="web.login_throttled", entity="web_user",
              client=client)  # fmt: skip
        return LoginResult("throttled")
    user = get_user(session=session, name=name)
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user and user.password_hash else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and user.password_hash is not None and not user.disabled
    session.add(LoginAttempt(at=stamp, username=name, client=client, success=ok))
    if not ok or user is None:
        audit(session=session, actor=name or "-", action="web.login_failed", entity="web_user", client=client)
        return LoginResult("invalid")
    if user.password_hash and _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = stamp
    audit(session=session, actor=user.name, action="web.login", entity="web_user", entity_id=user.id,
          client=client)  # fmt: skip
    return LoginResult("ok", user)


def create_session(*, session: Session, user_id: int, client: str | None) -> tuple[str, WebSession]:
    """Start a fresh session (new random id and CSRF token); return the cookie value and the row."""
    token = secrets.token_urlsafe(32)
    stamp = now()
    row = WebSession(
        id_hash=hash_session_id(token),
        user_id=user_id,
        csrf_token=secrets.token_urlsafe(32),
        client=(client or "")[:64] or None,
        created_at=stamp,
        last_seen_at=stamp,
        expires_at=stamp + SESSION_MAX,
    )
    session.add(row)
    session.execute(delete(WebSession).where(WebSession.expires_at < stamp - SESSION_MAX))
    session.flush()
    return token, row


def load_session(*, session: Session, token: str) -> tuple[WebSession, WebUser] | None:
    """The live session behind a cookie value and its enabled user, else None (expired ones are removed)."""
    if not token or len(token) > 100:
        return None
    row = session.execute(
        select(WebSession, WebUser)
        .join(WebUser, WebSession.user_id == WebUser.id)
        .where(WebSession.id_hash == hash_session_id(token))
    ).first()
    if row is None:
        return None
    web_session, user = row
    stamp = now()
    idle_since = _aware(web_session.last_seen_at)
    if user.disabled or _aware(web_session.expires_at) <= stamp or stamp - idle_since > SESSION_IDLE:
        session.delete(web_session)
        return None
    if stamp - idle_since > TOUCH_EVERY:
        web_session.last_seen_at = stamp
    return web_session, user


def end_session(*, session: Session, token: str) -> None:
    """Log out: the session id stops working on the server, whatever the browser keeps."""
    session.execute(delete(WebSession).where(WebSession.id_hash == hash_session_id(token)))
