"""Two intakes of different files for the same 課 and 年度 at once, in two real processes.

`test_repository.py` shows one process cannot create two current submissions (the
partial unique index). Here two spawned processes parse their files, meet at a barrier
and store at the same instant, round after round, on PostgreSQL (row lock on the 課)
and SQLite (BEGIN IMMEDIATE). After every round the parent checks the whole history:
exactly one current submission, every file stored once, the current one's tasks exactly
one file's tasks, and a linear chain of supersessions.
"""

from __future__ import annotations

import multiprocessing
import queue
from pathlib import Path

from sqlalchemy import Engine, select

from inventory.db.engine import session_scope
from inventory.db.repository import list_tasks
from inventory.db.tables import Department, SurveySubmission, Task
from tests.inventory.db.race_worker import TIMEOUT, intake_rounds
from tests.inventory.workbooks import HEADER, write_xlsx

ROUNDS = 20
SIZES = {"A": 3, "B": 4}  # different task counts, so a mixed current set would show


def names(who: str, round_no: int) -> list[str]:
    return [f"{who}{round_no:02d}-業務{i}" for i in range(SIZES[who])]


def workbook(path: Path, who: str, round_no: int) -> str:
    rows: list[list[object]] = [HEADER]
    rows += [[name, "定型", "なし", "電子", 10 + i, 5] for i, name in enumerate(names(who, round_no))]
    write_xlsx(path, rows, cover=(("年度", 2024), ("部", "総務部"), ("課", "競合課")))
    return str(path)


def history(engine: Engine) -> list[SurveySubmission]:
    with session_scope(engine) as session:
        query = (
            select(SurveySubmission)
            .join(Department, SurveySubmission.department_id == Department.id)
            .where(Department.name == "競合課", SurveySubmission.fiscal_year == 2024)
            .order_by(SurveySubmission.id)
        )
        return list(session.scalars(query))


def check_round(engine: Engine, round_no: int, outcomes: list[tuple[object, ...]]) -> None:
    subs = history(engine)
    assert len(subs) == 2 * (round_no + 1), "a file was lost or stored twice"
    current = [s for s in subs if s.status == "current"]
    assert len(current) == 1, f"round {round_no}: {len(current)} current submissions"
    with session_scope(engine) as session:
        shown = [t.name for t in list_tasks(session=session, fiscal_year=2024, department="競合課")]
        stored = session.scalars(select(Task.name).where(Task.submission_id == current[0].id)).all()
        total = len(session.scalars(select(Task.id)).all())
    assert shown in (names("A", round_no), names("B", round_no)), shown
    assert sorted(stored) == sorted(shown)
    assert total == (round_no + 1) * sum(SIZES.values())
    # Supersession is a chain: every older file points to a distinct successor.
    successors = [s.superseded_by_id for s in subs if s.status == "superseded"]
    assert None not in successors and len(set(successors)) == len(successors)
    # This round: the later writer superseded the earlier one, which superseded last round's current.
    ids = {o[3] for o in outcomes}
    (first,) = [o for o in outcomes if o[4] not in ids]
    (second,) = [o for o in outcomes if o[4] == first[3]]
    assert second[3] == current[0].id
    assert first[2] == ("accepted" if round_no == 0 else "resubmitted") and second[2] == "resubmitted"


def test_two_processes_resubmitting_the_same_department_at_once(engine: Engine, tmp_path: Path) -> None:
    url = engine.url.render_as_string(hide_password=False)
    files = {who: [workbook(tmp_path / f"{who}{r:02d}.xlsx", who, r) for r in range(ROUNDS)] for who in SIZES}
    context = multiprocessing.get_context("spawn")  # no fork of pytest's threads and pooled connections
    start, end, results = context.Barrier(3), context.Barrier(3), context.Queue()
    workers = [
        context.Process(target=intake_rounds, args=(url, files[who], start, end, results)) for who in SIZES
    ]
    for worker in workers:
        worker.start()
    try:
        for round_no in range(ROUNDS):
            start.wait(TIMEOUT)  # the round's first round trip waits for the slower spawn
            end.wait(TIMEOUT)
            outcomes = [results.get(timeout=10) for _ in workers]
            assert all(o[0] == round_no for o in outcomes), outcomes
            check_round(engine, round_no, outcomes)
    except Exception as exc:
        start.abort()
        end.abort()
        errors = []
        while True:
            try:
                errors.append(results.get_nowait())
            except queue.Empty:
                break
        raise AssertionError(f"{exc}\nworker reports: {errors}") from exc
    finally:
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()
                worker.join()
    assert [w.exitcode for w in workers] == [0, 0]
