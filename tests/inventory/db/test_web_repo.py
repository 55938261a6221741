"""The web UI's ranking SQL: counts agree with the rows, pages tile the whole view, filters combine."""

from __future__ import annotations

import itertools

from sqlalchemy import Engine

from inventory.db.engine import session_scope
from inventory.db.scoring_repo import record_review
from inventory.db.web_repo import RankingFilter, ranking_page, task_detail
from tests.inventory.db.test_pilot_repo import seed_scored_inventory


def test_counts_pages_and_exports_agree_for_every_filter_combination(engine: Engine) -> None:
    with session_scope(engine) as session:
        ids = seed_scored_inventory(session)
        record_review(
            session=session,
            task_id=ids[("税務課", "支出命令書の作成")],
            decision="保留",
            reason="a",
            reviewer="x",
        )
        record_review(
            session=session,
            task_id=ids[("税務課", "支出命令書の作成")],
            decision="採用",
            reason="b",
            reviewer="x",
        )
    options = {
        "department": (None, "税務課", "存在しない課"),
        "decision": (None, "採用", "保留", "未判断"),
        "knocked_out": (None, False, True),
        "q": (None, "支出", "%"),
    }
    with session_scope(engine) as session:
        everything = ranking_page(session=session, filters=RankingFilter(), export=True).rows
        assert len(everything) == 4
        for values in itertools.product(*options.values()):
            filters = RankingFilter(**dict(zip(options, values, strict=True)), per_page=20)
            page = ranking_page(session=session, filters=filters)
            export = ranking_page(session=session, filters=filters, export=True).rows
            assert page.total == len(export) == len(page.rows), filters
            assert [r["task_id"] for r in page.rows] == [r["task_id"] for r in export]
        adopted = ranking_page(session=session, filters=RankingFilter(decision="採用")).rows
        assert [r["name"] for r in adopted] == [
            "支出命令書の作成"
        ]  # the latest decision counts, not the first
        assert ranking_page(session=session, filters=RankingFilter(decision="保留")).total == 0


def test_task_detail_shows_history_across_years_and_reviews(engine: Engine) -> None:
    with session_scope(engine) as session:
        ids = seed_scored_inventory(session)
        task = ids[("税務課", "住民税の申告書入力")]
        record_review(session=session, task_id=task, decision="採用", reason="効果大", reviewer="山田")
        detail = task_detail(session=session, task_id=task)
        assert detail is not None and detail.score is not None
        assert detail.task["department"] == "税務課" and detail.score["rank"] >= 1
        assert [y["fiscal_year"] for y in detail.years] == [2024]
        assert [r.decision for r in detail.reviews] == ["採用"]
        assert task_detail(session=session, task_id=999_999) is None
