"""Pilot storage on SQLite and PostgreSQL: lifecycle, events and audit, 課 served, go-live months."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bpr.errors import PilotError
from bpr.pilots.service import (
    add_measurement,
    advance_pilot,
    create_pilot,
    list_pilots,
    production_automations,
)
from inventory.db.engine import session_scope
from inventory.db.pilot_repo import pilot_events
from inventory.db.submission_repo import store_survey
from inventory.db.tables import AuditEntry, Task
from inventory.errors import NotFoundError
from tests.factories import make_survey, make_task, score_year


def seed_scored_inventory(session: Session) -> dict[tuple[str, str], int]:
    """Three 課, 支出命令書の作成 in two of them (a 横展開 group), scored; return (課, 業務名) → task id."""
    tax = [
        make_task(source_row=2, task_code="T1", name="住民税の申告書入力", input_medium="紙（手書き）",
                  annual_volume=12000, minutes_per_case=6, form_count=1, verification="一部"),
        make_task(source_row=3, task_code="T2", name="支出命令書の作成", annual_volume=2400, minutes_per_case=15,
                  documented=True, system_count=2),
    ]  # fmt: skip
    citizens = [make_task(source_row=2, task_code="C1", name="支出命令書の作成", annual_volume=1800,
                          minutes_per_case=15, documented=True)]  # fmt: skip
    welfare = [make_task(source_row=2, task_code="W1", name="窓口相談対応", routine="非定型", judgement="あり",
                         annual_volume=3000, minutes_per_case=20)]  # fmt: skip
    store_survey(session=session, survey=make_survey(tag="tax", tasks=tax))
    store_survey(session=session, survey=make_survey(tag="citizens", department="市民課", tasks=citizens))
    store_survey(session=session, survey=make_survey(tag="welfare", department="福祉課", tasks=welfare))
    tasks = score_year(session)
    return {(r["department"], r["name"]): int(r["task_id"]) for r in tasks.to_dict("records")}


def _to_verification(session: Session, pilot_id: int) -> None:
    for state in ("選定", "実証中", "効果検証"):
        advance_pilot(session=session, pilot_id=pilot_id, to=state, on=date(2025, 4, 1), actor="佐藤")


def test_lifecycle_records_events_audit_and_go_live(engine: Engine) -> None:
    with session_scope(engine) as session:
        ids = seed_scored_inventory(session)
        pilot = create_pilot(session=session, task_id=ids[("税務課", "住民税の申告書入力")], tool="ai-ocr",
                             vendor="○○社", initial_cost=500_000, annual_licence=240_000, development_hours=40,
                             actor="山田", reason="採点1位")  # fmt: skip
        pilot_id = pilot.id
        assert pilot.state == "候補" and pilot.estimate_hours and pilot.estimate_hours > 0
        assert pilot.run_id is not None and pilot.group_id is None
    with session_scope(engine) as session:
        _to_verification(session, pilot_id)
        with pytest.raises(PilotError, match="導入前と導入後の測定"):
            advance_pilot(session=session, pilot_id=pilot_id, to="本格導入", actor="佐藤")
        add_measurement(
            session=session, pilot_id=pilot_id, phase="before", cases=100, minutes=6, actor="佐藤"
        )
        add_measurement(session=session, pilot_id=pilot_id, phase="after", cases=100, minutes=1,
                        check_minutes=1, method="実績記入", measured_on=date(2025, 6, 1), actor="佐藤")  # fmt: skip
        pilot = advance_pilot(session=session, pilot_id=pilot_id, to="本格導入", on=date(2025, 10, 15),
                              reason="効果を確認", actor="部長")  # fmt: skip
        assert pilot.go_live_month == date(2025, 10, 1) and pilot.end_date == date(2025, 4, 1)
    with session_scope(engine) as session:
        events = pilot_events(session=session, pilot_id=pilot_id)
        assert [(e.from_state, e.to_state) for e in events] == [
            (None, "候補"), ("候補", "選定"), ("選定", "実証中"), ("実証中", "効果検証"), ("効果検証", "本格導入"),
        ]  # fmt: skip
        assert events[-1].by == "部長" and events[-1].reason == "効果を確認"
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "pilot").order_by(AuditEntry.id)
        ).all()
        assert actions == ["pilot.created"] + ["pilot.advanced"] * 3 + ["pilot.measured"] * 2 + [
            "pilot.advanced"
        ]
        with pytest.raises(PilotError, match="最終"):
            advance_pilot(session=session, pilot_id=pilot_id, to="見送り")
    with session_scope(engine) as session:
        (summary,) = list_pilots(session=session, hourly_cost_yen=2500)
    # 12,000 cases × (6 − 1 − 1) / 60 = 800 h; net = 800 × 2,500 − 240,000 = 1,760,000 yen
    assert summary.realised_hours == pytest.approx(800)
    assert summary.accuracy == pytest.approx(800 / summary.estimated_hours)  # type: ignore[operator]
    assert summary.net_saving_yen == pytest.approx(1_760_000)
    assert summary.payback_months == pytest.approx((500_000 + 40 * 2500) / (1_760_000 / 12))
    assert summary.departments == ["税務課"] and summary.department == "税務課"
    with session_scope(engine) as session:
        assert production_automations(session=session) == {"税務課": (2025, 10)}


def test_refusals_leave_nothing_behind(engine: Engine) -> None:
    with session_scope(engine) as session:
        ids = seed_scored_inventory(session)
        pilot_id = create_pilot(session=session, task_id=ids[("福祉課", "窓口相談対応")], tool="rpa").id
    with pytest.raises(PilotError, match="変更できる状態: 選定・見送り"), session_scope(engine) as session:
        advance_pilot(session=session, pilot_id=pilot_id, to="実証中")
    with pytest.raises(PilotError, match="実証中になってから"), session_scope(engine) as session:
        add_measurement(session=session, pilot_id=pilot_id, phase="after", cases=1, minutes=1)
    with pytest.raises(NotFoundError, match="99999"), session_scope(engine) as session:
        advance_pilot(session=session, pilot_id=99999, to="選定")
    with pytest.raises(NotFoundError), session_scope(engine) as session:
        create_pilot(session=session, task_id=99999, tool="rpa")
    with pytest.raises(PilotError, match="ツール"), session_scope(engine) as session:
        create_pilot(session=session, task_id=ids[("福祉課", "窓口相談対応")], tool="excel")
    with pytest.raises(PilotError, match="横展開グループ"), session_scope(engine) as session:
        create_pilot(session=session, task_id=ids[("福祉課", "窓口相談対応")], tool="rpa", group=True)
    with session_scope(engine) as session:
        assert [e.to_state for e in pilot_events(session=session, pilot_id=pilot_id)] == ["候補"]
        (summary,) = list_pilots(session=session)
        assert summary.state == "候補" and summary.realised_hours is None and summary.net_saving_yen is None
        advance_pilot(session=session, pilot_id=pilot_id, to="見送り", reason="判断業務が多い")
        assert production_automations(session=session) == {}


def test_group_pilot_serves_every_department_of_its_group(engine: Engine) -> None:
    with session_scope(engine) as session:
        ids = seed_scored_inventory(session)
        single = create_pilot(
            session=session, task_id=ids[("税務課", "住民税の申告書入力")], tool="ai-ocr"
        ).id
        group = create_pilot(
            session=session, task_id=ids[("市民課", "支出命令書の作成")], tool="rpa", group=True
        )
        group_id = group.id
        assert group.group_id is not None
        for pilot_id, month in ((single, date(2025, 9, 3)), (group_id, date(2025, 7, 20))):
            add_measurement(session=session, pilot_id=pilot_id, phase="before", cases=50, minutes=15)
            _to_verification(session, pilot_id)
            add_measurement(session=session, pilot_id=pilot_id, phase="after", cases=50, minutes=3)
            advance_pilot(session=session, pilot_id=pilot_id, to="本格導入", on=month)
    with session_scope(engine) as session:
        summaries = {s.id: s for s in list_pilots(session=session)}
        volume = session.scalar(
            select(Task.annual_volume).where(Task.id == ids[("市民課", "支出命令書の作成")])
        )
        assert volume == 1800
        assert production_automations(session=session) == {"税務課": (2025, 7), "市民課": (2025, 7)}
    assert summaries[group_id].departments == sorted(["市民課", "税務課"])
    # the group's annual cases are both 課's: (2,400 + 1,800) × (15 − 3) / 60 = 840 h
    assert summaries[group_id].realised_hours == pytest.approx(840)


def test_annualised_realised_hours_use_the_pilot_period(engine: Engine) -> None:
    with session_scope(engine) as session:
        ids = seed_scored_inventory(session)
        pilot_id = create_pilot(session=session, task_id=ids[("税務課", "支出命令書の作成")], tool="rpa",
                                start_date=date(2025, 4, 1)).id  # fmt: skip
        add_measurement(session=session, pilot_id=pilot_id, phase="before", cases=10, minutes=15)
        for state, day in (("選定", None), ("実証中", None), ("効果検証", date(2025, 6, 30))):
            advance_pilot(session=session, pilot_id=pilot_id, to=state, on=day)
        add_measurement(session=session, pilot_id=pilot_id, phase="after", cases=600, minutes=3)
    with session_scope(engine) as session:
        (summary,) = list_pilots(session=session, annualise=True)
    # 600 cases in 91 days × (15 − 3) / 60 = 120 h in the pilot → 120 × 365 / 91 a year
    assert summary.realised_hours == pytest.approx(120 * 365 / 91)
