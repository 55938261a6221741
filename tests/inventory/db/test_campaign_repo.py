"""Campaign repository on both backends: open, progress through real ingests, close."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from flows.town.survey import make_town, next_year
from flows.town.survey_files import corrupt, write_survey
from inventory.campaign.status import CampaignError, template_file_name
from inventory.db.campaign_repo import (
    campaign_progress,
    close_campaign,
    find_open_campaign,
    get_campaign,
    known_departments,
    open_campaign,
)
from inventory.db.campaign_tables import Campaign
from inventory.db.engine import session_scope
from inventory.db.tables import AuditEntry
from inventory.intake.survey import ingest_file
from tests.inventory.workbooks import HEADER, write_xlsx

DEADLINE = date(2025, 6, 30)
OPENED = datetime(2025, 4, 1, tzinfo=UTC)


def _open(engine: Engine, departments: list[tuple[str, str | None]], fy: int = 2025) -> int:
    with session_scope(engine) as session:
        campaign = open_campaign(
            session=session, fiscal_year=fy, deadline=DEADLINE, outbox=Path("/tmp/outbox") / str(fy),
            departments=[(d, div, template_file_name(fy, d)) for d, div in departments], actor="dx担当",
        )  # fmt: skip
        return campaign.id


def _progress(engine: Engine, today: date = date(2025, 6, 20)) -> dict[str, tuple[str, int, int]]:
    with session_scope(engine) as session:
        rows = campaign_progress(session=session, fiscal_year=2025, today=today)
    return {r.department: (r.state, r.error_count, r.days_left) for r in rows}


def test_progress_follows_real_ingests(engine: Engine, tmp_path: Path) -> None:
    town_2024 = make_town(departments=5, tasks_per_department=4, fiscal_year=2024, seed=3)
    for survey in town_2024[:4]:
        assert (
            ingest_file(engine=engine, path=write_survey(survey, tmp_path / "2024", style="clean")).status
            == "accepted"
        )
    with session_scope(engine) as session:
        known = known_departments(session=session, before_fiscal_year=2025)
    assert sorted(known) == sorted((s.department, s.division) for s in town_2024[:4])

    a, b, c, d, e = next_year(town_2024, seed=3)
    _open(engine, [(s.department, s.division) for s in (a, b, c, d, e)])
    assert set(_progress(engine).values()) == {("sent", 0, 10)}
    assert set(_progress(engine, today=date(2025, 7, 2)).values()) == {("missing", 0, -2)}

    inbox = tmp_path / "2025"
    assert ingest_file(engine=engine, path=write_survey(a, inbox, style="messy")).status == "accepted"
    bad_b, cells_b = corrupt(b, inbox / "b", mistakes=3)
    assert ingest_file(engine=engine, path=bad_b).status == "rejected"
    bad_c, _ = corrupt(c, inbox / "c", mistakes=2)
    assert ingest_file(engine=engine, path=bad_c).status == "rejected"
    assert ingest_file(engine=engine, path=write_survey(c, inbox, style="csv_sjis")).status == "accepted"
    assert ingest_file(engine=engine, path=write_survey(d, inbox, style="clean")).status == "accepted"
    assert (
        ingest_file(engine=engine, path=write_survey(d, inbox / "v2", style="fast")).status == "resubmitted"
    )
    # 表紙 without a 課: rejected; attributed to e by the template's file name it kept
    no_dept = write_xlsx(
        inbox / template_file_name(2025, e.department), [HEADER, ["受付", "定型", "なし", "電子", 10, 5]],
        cover=[("年度", 2025)],
    )  # fmt: skip
    assert ingest_file(engine=engine, path=no_dept).status == "rejected"

    progress = _progress(engine)
    assert progress == {
        a.department: ("received", 0, 10),
        b.department: ("rejected", len(cells_b), 10),
        c.department: ("resubmitted", 0, 10),
        d.department: ("resubmitted", 0, 10),
        e.department: ("rejected", 1, 10),
    }
    with session_scope(engine) as session:
        rows = campaign_progress(session=session, today=date(2025, 6, 20))
    row_b = next(r for r in rows if r.department == b.department)
    assert row_b.division == b.division and row_b.template_file == template_file_name(2025, b.department)
    assert row_b.last_received_at is not None and row_b.rejections == 1 and row_b.sent_at is not None
    assert [r.department for r in rows] == [s.department for s in (a, b, c, d, e)]  # the list's order

    # b sends the corrected file; the ingested 2024 file of the 5th 課 is not an answer for 2025
    assert ingest_file(engine=engine, path=write_survey(b, inbox, style="clean")).status == "accepted"
    assert _progress(engine)[b.department] == ("resubmitted", 0, 10)


def test_unlisted_department_that_answers_is_shown(engine: Engine, tmp_path: Path) -> None:
    (survey,) = make_town(departments=1, tasks_per_department=3, fiscal_year=2025, seed=1)
    _open(engine, [("税務課", "総務部")])
    ingest_file(engine=engine, path=write_survey(survey, tmp_path, style="clean"))
    with session_scope(engine) as session:
        rows = campaign_progress(session=session, fiscal_year=2025, today=date(2025, 7, 1))
    assert [(r.department, r.state, r.template_file) for r in rows] == [
        ("税務課", "missing", template_file_name(2025, "税務課")),
        (survey.department, "received", None),
    ]


def test_one_open_campaign_per_year_close_and_reopen(engine: Engine) -> None:
    first = _open(engine, [("税務課", "総務部"), ("市民課", None)])
    with pytest.raises(CampaignError) as caught:
        _open(engine, [("税務課", "総務部")])
    assert "すでに実施中" in caught.value.message and "dxi campaign close --fy 2025" in caught.value.message
    _open(engine, [("税務課", "総務部")], fy=2026)  # another 年度 is independent

    with session_scope(engine) as session:
        assert find_open_campaign(session=session).fiscal_year == 2026  # type: ignore[union-attr]
        closed = close_campaign(session=session, fiscal_year=2025, actor="dx担当")
        assert closed.status == "closed" and closed.closed_by == "dx担当"
    with session_scope(engine) as session, pytest.raises(CampaignError, match="実施中の調査はありません"):
        close_campaign(session=session, fiscal_year=2025)
    with session_scope(engine) as session:
        shown = get_campaign(session=session, fiscal_year=2025)
        assert shown is not None and shown.id == first and shown.status == "closed"
        assert len(campaign_progress(session=session, fiscal_year=2025)) == 2  # still readable

    second = _open(engine, [("税務課", "総務部")])
    with session_scope(engine) as session:
        assert get_campaign(session=session, fiscal_year=2025).id == second  # type: ignore[union-attr]
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "campaign").order_by(AuditEntry.id)
        ).all()
    assert actions == ["campaign.opened", "campaign.opened", "campaign.closed", "campaign.opened"]


def test_the_database_refuses_a_second_open_campaign(engine: Engine) -> None:
    """The partial unique index holds even if two writers pass the check at once."""
    _open(engine, [("税務課", None)])
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(
            Campaign(fiscal_year=2025, deadline=DEADLINE, outbox="x", status="open",
                     opened_at=OPENED, opened_by="race")
        )  # fmt: skip
        session.flush()
    with session_scope(engine) as session:  # a closed one does not count
        session.scalars(select(Campaign)).one().status = "closed"
        session.add(
            Campaign(fiscal_year=2025, deadline=DEADLINE, outbox="x", status="closed",
                     opened_at=OPENED, opened_by="old")
        )  # fmt: skip
    assert _open(engine, [("税務課", None)]) > 0
