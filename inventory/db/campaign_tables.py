"""Tables of survey campaigns: the yearly 業務量調査 sent to the 課, with a deadline.

A campaign records who opened it, when, where its templates went and which 課 got
one. What came back is not copied here: progress is derived from the submissions and
the rejection audit entries, so the campaign view can never disagree with the intake.
At most one campaign per 年度 is open (a partial unique index, like the one current
submission per 課 and 年度).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from inventory.db.tables import Base, Department, Division


class Campaign(Base):
    """One 業務量調査 round for a 年度: deadline, outbox folder, opened/closed by whom."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        Index(
            "uq_campaigns_open_fiscal_year",
            "fiscal_year",
            unique=True,
            # Partial on both databases; PostgreSQL's WHERE is in the migration. Naming it here
            # (postgresql_where) would load SQLAlchemy's PostgreSQL dialect in every SQLite command.
            sqlite_where=text("status = 'open'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fiscal_year: Mapped[int] = mapped_column(ForeignKey("fiscal_years.year"), index=True)
    deadline: Mapped[date] = mapped_column(Date)
    outbox: Mapped[str] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(10))  # open | closed
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_by: Mapped[str] = mapped_column(String(200))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(200))
    layout: Mapped[str | None] = mapped_column(String(100))  # saved layout name; None = our template

    departments: Mapped[list[CampaignDepartment]] = relationship(lazy="raise", back_populates="campaign")


class CampaignDepartment(Base):
    """A 課 the campaign sent a template to, in the order of the department list."""

    __tablename__ = "campaign_departments"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), primary_key=True)
    division_id: Mapped[int | None] = mapped_column(ForeignKey("divisions.id"))
    position: Mapped[int] = mapped_column(Integer)
    template_file: Mapped[str] = mapped_column(String(500))
    sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    campaign: Mapped[Campaign] = relationship(lazy="raise", back_populates="departments")
    department: Mapped[Department] = relationship(lazy="raise")
    division: Mapped[Division | None] = relationship(lazy="raise")
