"""`dxi rank` reads the stored order without pandas: the same list `rank` gives, for every filter."""

from __future__ import annotations

import dataclasses
import itertools

import pytest
from sqlalchemy import Engine

from bpr.errors import InputError
from bpr.scoring.ranking import RANK_COLUMNS, rank
from bpr.scoring.selection import select_candidates
from flows.town.survey import make_town
from inventory.db.engine import session_scope
from inventory.db.scoring_repo import latest_run, stored_ranking, stored_scores
from inventory.db.submission_repo import store_survey
from inventory.export import plain_value
from inventory.survey.models import TaskIn
from tests.factories import make_survey, score_year


def _store_town(session: object) -> list[str]:
    """Four 課 of 30 synthetic tasks each, stored and scored; their names."""
    town = make_town(departments=4, tasks_per_department=30, fiscal_year=2024, seed=5)
    for survey in town:
        tasks = [
            TaskIn.model_validate({**dataclasses.asdict(task), "source_row": row})
            for row, task in enumerate(survey.tasks, start=2)
        ]
        store_survey(
            session=session,  # type: ignore[arg-type]
            survey=make_survey(tasks=tasks, tag=survey.department, department=survey.department,
                               division=survey.division, file_name=f"{survey.department}.xlsx"),
        )  # fmt: skip
    score_year(session)
    return [survey.department for survey in town]


def test_the_stored_list_filtered_is_the_list_rank_gives(engine: Engine) -> None:
    with session_scope(engine) as session:
        departments = _store_town(session)
        run = latest_run(session=session)
        assert run is not None
        stored = stored_scores(session=session, run_id=run.id)
        rows = stored_ranking(session=session, run_id=run.id)
    assert len(rows) == 120 and [r["rank"] for r in rows] == list(range(1, 121))
    # a full-width or spaced 課 name matches as in rank (NFKC, spaces ignored)
    wide = (
        departments[1]
        .replace("課", " 課")
        .translate(
            str.maketrans(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZ", "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"
            )
        )
    )
    checked = 0
    for tool, department, top in itertools.product(
        ("any", "rpa", "ai-ocr"), (None, departments[0], wide, "存在しない課"), (None, 5, 0)
    ):
        expected = rank(stored, stored, tool=tool, department=department, top=top,  # type: ignore[arg-type]
                        groups=stored[["task_id", "group_id"]])  # fmt: skip
        want = [{k: plain_value(v) for k, v in r.items()} for r in expected.to_dict("records")]
        got = select_candidates(rows, tool=tool, department=department, top=top)  # type: ignore[arg-type]
        assert [{k: r[k] for k in RANK_COLUMNS} for r in got] == want, (tool, department, top)
        checked += len(want)
    assert checked > 200  # the filters kept rows to compare, not only empty lists


def test_a_selection_no_list_has_is_refused_in_japanese() -> None:
    with pytest.raises(InputError, match="rpa / ai-ocr / any"):
        select_candidates([], tool="ocr")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="0 以上"):
        select_candidates([], top=-1)
