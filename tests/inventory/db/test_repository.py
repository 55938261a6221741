"""Storing surveys: idempotence, resubmission, history, all-or-nothing, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import IntegrityError

from inventory.db.engine import session_scope
from inventory.db.submission_repo import list_submissions, store_survey
from inventory.db.tables import AuditEntry, Department, FiscalYear, Section, SurveySubmission, Task
from inventory.db.task_repo import list_tasks, previous_tasks
from tests.factories import make_survey, make_task


def count(engine: Engine, table: type) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count()).select_from(table)) or 0


def test_store_then_list_returns_every_field(engine: Engine) -> None:
    task = make_task(
        section="市民税係", task_code="ZM-001", peak_months=[4, 5, 6], documented=True, staff_count=0.5,
        verification="必須", warnings=["年間件数: 範囲を中央値にしました"], notes="<script>",
    )  # fmt: skip
    with session_scope(engine) as session:
        outcome = store_survey(session=session, survey=make_survey(tasks=[task]))
    assert outcome.status == "accepted" and outcome.task_count == 1
    with session_scope(engine) as session:
        (stored,) = list_tasks(session=session, fiscal_year=2024)
    assert stored.department == "税務課" and stored.division == "総務部" and stored.section == "市民税係"
    assert stored.task_code == "ZM-001" and stored.peak_months == [4, 5, 6] and stored.documented is True
    assert stored.staff_count == 0.5 and stored.verification == "必須" and stored.notes == "<script>"
    assert stored.annual_hours == pytest.approx(600.0)
    assert stored.warnings == ["年間件数: 範囲を中央値にしました"]
    with session_scope(engine) as session:
        fy = session.get(FiscalYear, 2024)
        assert fy is not None and fy.label == "令和6年度" and str(fy.starts_on) == "2024-04-01"


def test_same_bytes_twice_changes_nothing(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = store_survey(session=session, survey=make_survey())
    before = (count(engine, Task), count(engine, SurveySubmission), count(engine, AuditEntry))
    with session_scope(engine) as session:
        again = store_survey(session=session, survey=make_survey())
    assert again.status == "unchanged" and again.submission_id == first.submission_id
    assert (count(engine, Task), count(engine, SurveySubmission), count(engine, AuditEntry)) == before


def test_resubmission_supersedes_whole_file_and_keeps_history(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = store_survey(session=session, survey=make_survey(tag="v1"))
    corrected = make_survey(
        tag="v2", tasks=[make_task(name="口座振替依頼書の入力", input_medium="紙（手書き）")]
    )
    with session_scope(engine) as session:
        second = store_survey(session=session, survey=corrected)
    assert second.status == "resubmitted" and second.superseded_id == first.submission_id
    with session_scope(engine) as session:
        current = list_tasks(session=session, fiscal_year=2024)
        history = list_tasks(session=session, fiscal_year=2024, include_superseded=True)
        subs = {s["id"]: s for s in list_submissions(session=session)}
    assert [t.name for t in current] == ["口座振替依頼書の入力"]
    assert len(history) == 3
    assert subs[first.submission_id]["status"] == "superseded"
    assert subs[first.submission_id]["superseded_by_id"] == second.submission_id
    assert subs[second.submission_id]["status"] == "current"
    with session_scope(engine) as session:
        actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["survey.accepted", "survey.resubmitted"]


def test_other_department_or_year_does_not_supersede(engine: Engine) -> None:
    with session_scope(engine) as session:
        store_survey(session=session, survey=make_survey(tag="a"))
        store_survey(session=session, survey=make_survey(tag="b", department="市民課"))
        store_survey(session=session, survey=make_survey(tag="c", fiscal_year=2025))
    with session_scope(engine) as session:
        statuses = [s["status"] for s in list_submissions(session=session)]
        assert statuses == ["current"] * 3
        assert session.scalar(select(func.count()).select_from(Department)) == 2


def test_a_failure_mid_file_stores_nothing(engine: Engine) -> None:
    with session_scope(engine) as session:
        store_survey(session=session, survey=make_survey(tag="v1"))
    before = (count(engine, Task), count(engine, SurveySubmission), count(engine, Section))
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        store_survey(session=session, survey=make_survey(tag="v2", tasks=[make_task(section="新しい係")]))
        raise RuntimeError("crash after the rows were sent")
    assert (count(engine, Task), count(engine, SurveySubmission), count(engine, Section)) == before
    with session_scope(engine) as session:
        assert [s["status"] for s in list_submissions(session=session)] == ["current"]


def test_database_refuses_two_current_submissions(engine: Engine) -> None:
    with session_scope(engine) as session:
        outcome = store_survey(session=session, survey=make_survey(tag="v1"))
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        original = session.get(SurveySubmission, outcome.submission_id)
        assert original is not None
        session.add(
            SurveySubmission(
                department_id=original.department_id, fiscal_year=2024, file_name="x.xlsx", content_hash="f" * 64,
                file_format="xlsx", received_at=original.received_at, status="current", task_count=0,
            )
        )  # fmt: skip
        session.flush()


def test_previous_tasks_come_from_the_latest_earlier_year(engine: Engine) -> None:
    with session_scope(engine) as session:
        store_survey(
            session=session,
            survey=make_survey(tag="2022", fiscal_year=2022, tasks=[make_task(name="古い業務")]),
        )
        store_survey(
            session=session,
            survey=make_survey(tag="2023", fiscal_year=2023, tasks=[make_task(name="昨年の業務")]),
        )
        store_survey(
            session=session, survey=make_survey(tag="2025", fiscal_year=2025, tasks=[make_task(name="未来")])
        )
    with session_scope(engine) as session:
        names = [
            t.name for t in previous_tasks(session=session, department="税務課", before_fiscal_year=2024)
        ]
        assert names == ["昨年の業務"]
        assert previous_tasks(session=session, department="市民課", before_fiscal_year=2024) == []
