"""The one review-decision rule, and the service that applies it before storing (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from bpr.errors import ReviewError
from bpr.review.rule import MAX_REASON, review_problems
from bpr.review.service import record_decision
from inventory.db.engine import session_scope
from inventory.db.scoring_tables import Review
from inventory.db.submission_repo import store_survey
from inventory.db.tables import Task
from tests.factories import make_survey, make_task


def test_a_decision_needs_a_choice_and_a_reason_of_at_most_2000_characters() -> None:
    assert review_problems("採用", "手順書あり") == []
    assert review_problems("保留", "あ" * MAX_REASON) == []
    codes = {(p.field, p.code) for p in review_problems("たぶん", "  ")}
    assert codes == {("decision", "unknown_choice"), ("reason", "required")}
    (long,) = review_problems("不採用", "あ" * (MAX_REASON + 1))
    assert (long.field, long.code) == ("reason", "too_long")
    assert "2,000文字以内" in long.message and "2,001文字" in long.message
    (empty,) = review_problems(None, "理由")
    assert "採用・保留・不採用" in empty.message


def test_the_service_refuses_what_the_rule_refuses_and_stores_nothing(engine: Engine) -> None:
    with session_scope(engine) as session:
        store_survey(
            session=session, survey=make_survey(tag="tax", tasks=[make_task(source_row=2, task_code="T1")])
        )
        task_id = session.scalars(select(Task.id)).one()
    for decision, reason in (("たぶん", "理由"), ("採用", " "), ("採用", "あ" * (MAX_REASON + 1))):
        with pytest.raises(ReviewError), session_scope(engine) as session:
            record_decision(
                session=session, task_id=task_id, decision=decision, reason=reason, reviewer="山田"
            )
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Review)) == 0
        review = record_decision(
            session=session, task_id=task_id, decision="採用", reason="  効果大 ", reviewer="山田"
        )
        assert (review.decision, review.reason) == ("採用", "効果大")
