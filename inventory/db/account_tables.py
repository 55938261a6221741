"""Tables of the web UI's accounts: users, server-side sessions and login attempts.

Sessions live in the database, not in a signed cookie, so logout and disabling a
user take effect at once on every PC. Only a hash of the session id is stored: a
copy of the database does not let anyone log in as the people in it.

The indexes at the bottom belong to other modules' tables (the ranking page's
queries need them); they are declared here so the web migration owns them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from inventory.db.scoring_tables import Review, TaskScore
from inventory.db.tables import Base

ROLES = ("admin", "reviewer", "dept")
RANKING_INDEX_COLUMNS = (
    TaskScore.run_id, TaskScore.rank, TaskScore.recommended_tool, TaskScore.quadrant, TaskScore.knocked_out,
    TaskScore.expected_hours_saved, TaskScore.priority, TaskScore.rpa_score, TaskScore.ocr_score,
    TaskScore.ease_score, TaskScore.task_key, TaskScore.task_id,
)  # fmt: skip


class WebUser(Base):
    """A local account: admin (all), reviewer (decisions and pilots) or dept (read-only, own 課)."""

    __tablename__ = "web_users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'reviewer', 'dept')", name="role"),
        CheckConstraint("role <> 'dept' OR department IS NOT NULL", name="dept_has_department"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(10))
    department: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))  # None: only via the SSO header
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebSession(Base):
    """A logged-in browser: sha256 of the cookie's random id, its CSRF token and its lifetime."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("web_users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    client: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class LoginAttempt(Base):
    """One password login attempt, kept for throttling per user name and per client address."""

    __tablename__ = "web_login_attempts"
    __table_args__ = (
        Index("ix_web_login_attempts_username_at", "username", "at"),
        Index("ix_web_login_attempts_client_at", "client", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    username: Mapped[str] = mapped_column(String(100))
    client: Mapped[str] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean)


# The ranking page: the newest decision per task key is an index-only MAX(id) per key.
Index("ix_reviews_task_key_id", Review.task_key, Review.id)
# The ranking page's COUNT and page-id queries read only this index, never the wide score rows
# (factors, explanation): a filtered, re-sorted 20,000-task run went from ~70 to ~18 ms of CPU.
Index(
    "ix_task_scores_ranking",
    *RANKING_INDEX_COLUMNS,
)
