"""Database access for survey campaigns: keyword-only functions that take a session.

Progress is derived, never copied: accepted submissions of the campaign's 年度 and the
`survey.rejected` audit entries written by the intake since the campaign opened. A
rejection is matched to its 課 by the 表紙's 課 or, failing that, by the template's
file name. Callers own the transaction (`session_scope`); nothing here commits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from inventory.campaign.status import (
    Attempt,
    CampaignError,
    DepartmentStatus,
    department_status,
    summarise,
    today_in_japan,
)
from inventory.db.campaign_tables import Campaign, CampaignDepartment
from inventory.db.repository import audit, ensure_department, ensure_fiscal_year, now
from inventory.db.tables import AuditEntry, Department, Division, SurveySubmission
from inventory.era import era_label
from inventory.survey.schema import nfkc_key


def _utc(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything here is stored as UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def find_open_campaign(*, session: Session, fiscal_year: int | None = None) -> Campaign | None:
    """The open campaign of the 年度 (default: the open one with the latest 年度)."""
    query = select(Campaign).where(Campaign.status == "open").order_by(Campaign.fiscal_year.desc())
    if fiscal_year is not None:
        query = query.where(Campaign.fiscal_year == fiscal_year)
    return session.scalars(query.limit(1)).first()


def get_campaign(*, session: Session, fiscal_year: int | None = None) -> Campaign | None:
    """The campaign to show: the open one of the 年度, else its latest; no 年度 → open, else newest."""
    found = find_open_campaign(session=session, fiscal_year=fiscal_year)
    if found is not None:
        return found
    query = select(Campaign).order_by(
        Campaign.fiscal_year.desc(), Campaign.opened_at.desc(), Campaign.id.desc()
    )
    if fiscal_year is not None:
        query = query.where(Campaign.fiscal_year == fiscal_year)
    return session.scalars(query.limit(1)).first()


def known_departments(*, session: Session, before_fiscal_year: int) -> list[tuple[str, str | None]]:
    """(課, 部) of every 課 that answered an earlier survey, by 部 then 課 (for --all-known)."""
    query = (
        select(Department.name, Division.name)
        .outerjoin(Division, Department.division_id == Division.id)
        .where(
            Department.id.in_(
                select(SurveySubmission.department_id).where(
                    SurveySubmission.fiscal_year < before_fiscal_year
                )
            )
        )
        .order_by(Division.name, Department.name)
    )
    return [(name, division) for name, division in session.execute(query).all()]


def refuse_if_open(*, session: Session, fiscal_year: int) -> None:
    """Raise CampaignError when the 年度 already has an open campaign."""
    existing = find_open_campaign(session=session, fiscal_year=fiscal_year)
    if existing is not None:
        raise CampaignError(
            f"{era_label(fiscal_year)}（{fiscal_year}年度）の調査はすでに実施中です"
            f"（{_utc(existing.opened_at).date().isoformat()} に {existing.opened_by} が開始、期限 "
            f"{existing.deadline.isoformat()}）。やり直す場合は先に `dxi campaign close --fy {fiscal_year}` を実行してください"
        )


def open_campaign(
    *,
    session: Session,
    fiscal_year: int,
    deadline: date,
    departments: Sequence[tuple[str, str | None, str]],
    outbox: Path,
    actor: str = "system",
    layout: str | None = None,
) -> Campaign:
    """Record a campaign sent to `departments` as (課, 部, template file); one open per 年度.

    `layout` names the saved layout the inbox reads this campaign's files through.
    """
    refuse_if_open(session=session, fiscal_year=fiscal_year)
    if not departments:
        raise CampaignError("調査票を送る課がありません")
    ensure_fiscal_year(session=session, year=fiscal_year)
    at = now()
    campaign = Campaign(
        fiscal_year=fiscal_year,
        deadline=deadline,
        outbox=str(outbox),
        status="open",
        opened_at=at,
        opened_by=actor,
        layout=layout,
    )
    session.add(campaign)
    try:
        session.flush()
    except IntegrityError:  # another writer opened the 年度 between our check and this insert
        raise CampaignError(
            f"{era_label(fiscal_year)}の調査は同時に別の操作で開始されました。状況を確認してください"
        ) from None
    for position, (name, division, template_file) in enumerate(departments):
        department = ensure_department(session=session, name=name, division=division)
        session.add(
            CampaignDepartment(
                campaign_id=campaign.id,
                department_id=department.id,
                division_id=department.division_id,
                position=position,
                template_file=template_file,
                sent_at=at,
            )
        )
    session.flush()
    audit(
        session=session,
        actor=actor,
        action="campaign.opened",
        entity="campaign",
        entity_id=campaign.id,
        fiscal_year=fiscal_year,
        deadline=deadline.isoformat(),
        outbox=str(outbox),
        departments=[d[0] for d in departments],
        layout=layout,
    )
    return campaign


def open_campaign_layout(*, session: Session) -> str | None:
    """The saved layout of the open campaign with the latest 年度 that names one, if any."""
    return session.scalars(
        select(Campaign.layout)
        .where(Campaign.status == "open", Campaign.layout.is_not(None))
        .order_by(Campaign.fiscal_year.desc())
        .limit(1)
    ).first()


def close_campaign(*, session: Session, fiscal_year: int, actor: str = "system") -> Campaign:
    """Close the open campaign of the 年度; its progress stays readable."""
    campaign = find_open_campaign(session=session, fiscal_year=fiscal_year)
    if campaign is None:
        raise CampaignError(f"{era_label(fiscal_year)}（{fiscal_year}年度）に実施中の調査はありません")
    statuses = campaign_progress(session=session, fiscal_year=fiscal_year)
    campaign.status = "closed"
    campaign.closed_at = now()
    campaign.closed_by = actor
    session.flush()
    audit(
        session=session,
        actor=actor,
        action="campaign.closed",
        entity="campaign",
        entity_id=campaign.id,
        fiscal_year=fiscal_year,
        counts=summarise(statuses, deadline=campaign.deadline, today=today_in_japan()).counts,
    )
    return campaign


def record_reminder(
    *,
    session: Session,
    campaign: Campaign,
    departments: Sequence[str],
    actor: str = "system",
    **details: object,
) -> None:
    """Note in the audit log who was chased, and when."""
    audit(
        session=session,
        actor=actor,
        action="campaign.reminded",
        entity="campaign",
        entity_id=campaign.id,
        fiscal_year=campaign.fiscal_year,
        departments=list(departments),
        **details,
    )


def campaign_progress(
    *, session: Session, fiscal_year: int | None = None, today: date | None = None
) -> list[DepartmentStatus]:
    """Per 課 of the campaign (see `get_campaign`), in list order, then 課 that answered unasked."""
    campaign = get_campaign(session=session, fiscal_year=fiscal_year)
    if campaign is None:
        return []
    today = today or today_in_japan()
    sent = session.execute(
        select(
            Department.id,
            Department.name,
            Division.name,
            CampaignDepartment.template_file,
            CampaignDepartment.sent_at,
        )
        .join(Department, CampaignDepartment.department_id == Department.id)
        .outerjoin(Division, CampaignDepartment.division_id == Division.id)
        .where(CampaignDepartment.campaign_id == campaign.id)
        .order_by(CampaignDepartment.position)
    ).all()
    attempts: dict[int, list[Attempt]] = defaultdict(list)
    answered: dict[int, tuple[str, str | None]] = {}
    for dept_id, name, division, received_at in session.execute(
        select(SurveySubmission.department_id, Department.name, Division.name, SurveySubmission.received_at)
        .join(Department, SurveySubmission.department_id == Department.id)
        .outerjoin(Division, Department.division_id == Division.id)
        .where(SurveySubmission.fiscal_year == campaign.fiscal_year, SurveySubmission.kind == "survey")
    ).all():
        attempts[dept_id].append(Attempt(_utc(received_at), accepted=True))
        answered[dept_id] = (name, division)
    by_key = {nfkc_key(n): i for i, (n, _d) in answered.items()} | {nfkc_key(row[1]): row[0] for row in sent}
    by_file = {row[3]: row[0] for row in sent}
    for entry in session.scalars(
        select(AuditEntry).where(AuditEntry.action == "survey.rejected", AuditEntry.at >= campaign.opened_at)
    ):
        details = entry.details
        if details.get("fiscal_year") not in (None, campaign.fiscal_year):
            continue
        named = details.get("department")
        rejected_id = by_key.get(nfkc_key(str(named))) if named else by_file.get(str(details.get("file")))
        if rejected_id is not None:
            attempts[rejected_id].append(
                Attempt(_utc(entry.at), accepted=False, error_count=int(details.get("errors", 0)))
            )

    def status(
        dept_id: int, name: str, division: str | None, template: str | None, at: datetime | None
    ) -> DepartmentStatus:
        return department_status(
            fiscal_year=campaign.fiscal_year, department=name, division=division, attempts=attempts[dept_id],
            deadline=campaign.deadline, today=today, template_file=template, sent_at=_utc(at) if at else None,
        )  # fmt: skip

    rows = [status(dept_id, name, division, template, at) for dept_id, name, division, template, at in sent]
    listed = {dept_id for dept_id, *_ in sent}
    for other_id, (other, other_division) in sorted(answered.items(), key=lambda kv: kv[1][0]):
        if other_id not in listed:
            rows.append(status(other_id, other, other_division, None, None))
    return rows
