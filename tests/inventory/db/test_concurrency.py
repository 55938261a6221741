"""Two intakes (and two overtime imports) for the same 課 and 年度 at once, in two real processes.

`test_repository.py` shows one process cannot create two current submissions (the
partial unique index). Here two spawned processes parse their files, meet at a barrier
and store at the same instant, round after round, on PostgreSQL (row lock on the 課)
and SQLite (BEGIN IMMEDIATE). After every round the parent checks the whole history:
exactly one current submission, every file stored once, the current one's tasks exactly
one file's tasks, and a linear chain of supersessions. The same harness then races two
overtime imports of the same 課 × months: both succeed and the months are one file's, whole.
"""

from __future__ import annotations

import multiprocessing
import queue
from pathlib import Path

from sqlalchemy import Engine, select

from inventory.db.engine import session_scope
from inventory.db.tables import Department, SurveySubmission, Task
from inventory.db.task_repo import list_tasks
from tests.inventory.db.race_worker import TIMEOUT, intake_rounds, overtime_rounds
from tests.inventory.workbooks import HEADER, write_xlsx

ROUNDS = 20
SIZES = {"A": 3, "B": 4}  # different task counts, so a mixed current set would show


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def names(who: str, round_no: int) -> list[str]:
    return [f"{who}{round_no:02d}-業務{i}" for i in range(SIZES[who])]


def workbook(path: Path, who: str, round_no: int) -> str:
    rows: list[list[object]] = [list(HEADER)]
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


def race(url: str, target, files: dict[str, list[str]], check) -> None:
    """Two spawned workers, one file each per round, released together; `check` runs between rounds."""
    context = multiprocessing.get_context("spawn")  # no fork of pytest's threads and pooled connections
    start, end, results = context.Barrier(3), context.Barrier(3), context.Queue()
    workers = [
        context.Process(target=target, args=(url, paths, start, end, results)) for paths in files.values()
    ]
    for worker in workers:
        worker.start()
    try:
        for round_no in range(len(next(iter(files.values())))):
            start.wait(TIMEOUT)  # the first round waits for the slower spawn
            end.wait(TIMEOUT)
            outcomes = [results.get(timeout=10) for _ in workers]
            assert all(o[0] == round_no for o in outcomes), outcomes
            check(round_no, outcomes)
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


def test_two_processes_resubmitting_the_same_department_at_once(engine: Engine, tmp_path: Path) -> None:
    files = {who: [workbook(tmp_path / f"{who}{r:02d}.xlsx", who, r) for r in range(ROUNDS)] for who in SIZES}
    race(url_of(engine), intake_rounds, files, lambda r, outcomes: check_round(engine, r, outcomes))


OVERTIME_ROUNDS = 10


def overtime_file(path: Path, who: str, round_no: int) -> str:
    """Both writers cover the same two 課 × three months, with values that say whose file it is."""
    base = {"A": 100, "B": 200}[who] + round_no
    rows: list[list[object]] = [["年月", "課", "時間外勤務時間", "職員数"]]
    rows += [[f"2024-{m:02d}", d, base + m / 10, 4] for d in ("競合課", "隣の課") for m in (4, 5, 6)]
    write_xlsx(path, rows, cover=())
    return str(path)


def test_two_overtime_imports_of_the_same_months_at_once_keep_one_file_whole(
    engine: Engine, tmp_path: Path
) -> None:
    from inventory.db.overtime_repo import overtime_panel
    from inventory.db.submission_repo import store_survey
    from tests.factories import make_survey

    with session_scope(engine) as session:
        for name in ("競合課", "隣の課"):
            store_survey(session=session, survey=make_survey(department=name, tag=name))
    files = {
        w: [overtime_file(tmp_path / f"{w}{r:02d}.xlsx", w, r) for r in range(OVERTIME_ROUNDS)] for w in "AB"
    }

    def check(round_no: int, outcomes: list[tuple[object, ...]]) -> None:
        assert all(o[2] for o in outcomes), outcomes  # both imports succeeded, neither was refused
        with session_scope(engine) as session:
            panel = overtime_panel(session=session)
        assert len(panel) == 6, "a 課 × month is missing or doubled"
        bases = {round(h - m / 10) for h, m in zip(panel["overtime_hours"], panel["month"], strict=True)}
        assert bases in ({100 + round_no}, {200 + round_no}), f"months mixed from both files: {bases}"

    race(url_of(engine), overtime_rounds, files, check)
