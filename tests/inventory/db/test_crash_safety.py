"""SIGKILL mid-file: the database holds the whole file or none of it, and a rerun stores it once.

Each case starts a real child process (`tests/inventory/db/crash_child.py`) that runs the
real intake / overtime import / scoring code against the `engine` fixture's database and
kills itself with SIGKILL at a chosen statement, inside an executemany, right before or
right after COMMIT, or while an error workbook is being zipped. The parent then compares
every row of every table with the state before the child started ("none") or with the
state after a clean rerun ("whole"), and reruns to show the file is then stored exactly once.
One test sweeps a resubmission: a kill before each of its statements in turn (a dozen;
SQLite has one more, its BEGIN IMMEDIATE), until the child gets through.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from inventory.db.engine import session_scope
from inventory.db.overtime_repo import overtime_panel, replace_overtime
from inventory.db.run_repo import list_runs
from inventory.db.submission_repo import list_submissions, store_survey
from inventory.db.tables import AuditEntry
from inventory.db.task_repo import list_tasks
from inventory.intake.survey import ingest_file
from inventory.overtime.reader import OvertimeMonthIn
from inventory.settings import get_settings
from tests.factories import make_survey, make_task
from tests.flows.cli_runner import dxi
from tests.inventory.db.dump import dump_database
from tests.inventory.workbooks import HEADER, write_xlsx

REPO = Path(__file__).resolve().parents[3]
FIRST = [f"旧業務{i}" for i in range(3)]
SECOND = [f"新業務{i}" for i in range(6)]


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def child(spec: dict[str, Any], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the crash child; it must die by SIGKILL when a kill point is armed (so the point was reached)."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.inventory.db.crash_child", json.dumps(spec, ensure_ascii=False)],
        cwd=REPO, capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})},
    )  # fmt: skip
    if spec.get("kill"):
        assert result.returncode == -signal.SIGKILL, (
            f"kill point never reached: {spec['kill']}\n{result.stderr}"
        )
    else:
        assert result.returncode == 0, result.stderr
    return result


def survey_workbook(
    path: Path, names: list[str], *, department: str = "税務課", section: str = "市民税係", bad: bool = False
) -> Path:
    rows: list[list[object]] = [[*HEADER, "係"]]
    rows += [[name, "定型", "なし", "電子", 100 + i, 30, section] for i, name in enumerate(names)]
    if bad:
        rows[2][4] = "不明"
    cover = (("年度", 2024), ("部", "総務部"), ("課", department))
    return write_xlsx(path, rows, cover=cover)


def current_names(engine: Engine, department: str = "税務課") -> list[str]:
    with session_scope(engine) as session:
        return [t.name for t in list_tasks(session=session, fiscal_year=2024, department=department)]


def actions(engine: Engine) -> list[str]:
    with session_scope(engine) as session:
        return list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


# (label, kill point, what the database must hold afterwards)
INTAKE_KILLS = [
    ("mid task insert", {"at": "statement", "pattern": r"^INSERT INTO tasks", "nth": 1, "row": 4}, "none"),
    ("right before COMMIT", {"at": "commit", "after": r"^INSERT INTO audit_log"}, "none"),
    ("right after COMMIT", {"at": "after_commit", "after": r"^INSERT INTO audit_log"}, "whole"),
]  # fmt: skip


@pytest.mark.parametrize(("label", "kill", "expect"), INTAKE_KILLS, ids=[k[0] for k in INTAKE_KILLS])
def test_killed_resubmission_is_all_or_nothing(
    engine: Engine, tmp_path: Path, label: str, kill: dict[str, Any], expect: str
) -> None:
    first = survey_workbook(tmp_path / "税務課_v1.xlsx", FIRST)
    assert ingest_file(engine=engine, path=first).status == "accepted"
    second = survey_workbook(tmp_path / "税務課_v2.xlsx", SECOND, section="資産税係")
    before = dump_database(engine)

    child({"job": "intake", "url": url_of(engine), "path": str(second), "kill": kill})
    killed = dump_database(engine)
    if expect == "none":
        assert killed == before, f"{label}: a killed intake left rows behind"
        assert current_names(engine) == FIRST

    rerun = ingest_file(engine=engine, path=second)
    assert rerun.status == ("resubmitted" if expect == "none" else "unchanged")
    if expect == "whole":
        assert dump_database(engine) == killed, f"{label}: the committed file was not whole"
    assert current_names(engine) == SECOND
    with session_scope(engine) as session:
        history = list_submissions(session=session)
        all_names = [t.name for t in list_tasks(session=session, include_superseded=True)]
    assert sorted(s["status"] for s in history) == ["current", "superseded"]
    assert sorted(all_names) == sorted(FIRST + SECOND)
    assert actions(engine) == ["survey.accepted", "survey.resubmitted"]


def test_a_kill_before_any_statement_of_a_resubmission_leaves_none_of_it(
    engine: Engine, tmp_path: Path
) -> None:
    """Sweep: kill before the 1st, 2nd, … statement until the child gets through; every kill leaves no trace."""
    assert ingest_file(engine=engine, path=survey_workbook(tmp_path / "v1.xlsx", FIRST)).status == "accepted"
    second = survey_workbook(tmp_path / "v2.xlsx", SECOND, section="資産税係")
    before = dump_database(engine)
    spec = {"job": "intake", "url": url_of(engine), "path": str(second)}
    for nth in range(1, 60):
        run = subprocess.run(
            [sys.executable, "-m", "tests.inventory.db.crash_child",
             json.dumps({**spec, "kill": {"at": "statement", "pattern": ".", "nth": nth}})],
            cwd=REPO, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if run.returncode == 0:  # nth is past the last statement: the file went in whole
            break
        assert run.returncode == -signal.SIGKILL, run.stderr
        assert dump_database(engine) == before, f"a kill before statement {nth} left rows behind"
    else:
        raise AssertionError("the intake never completed")
    assert nth > 10, "too few statements: the sweep did not see the store"
    assert json.loads(run.stdout)["status"] == "resubmitted"
    assert current_names(engine) == SECOND
    assert actions(engine) == ["survey.accepted", "survey.resubmitted"]


def test_killed_first_file_of_a_new_department_leaves_no_department(engine: Engine, tmp_path: Path) -> None:
    path = survey_workbook(tmp_path / "市民課.xlsx", SECOND, department="市民課", section="窓口係")
    before = dump_database(engine)
    kill = {"at": "statement", "pattern": r"^INSERT INTO tasks", "nth": 1, "row": 2}
    child({"job": "intake", "url": url_of(engine), "path": str(path), "kill": kill})
    assert dump_database(engine) == before
    assert ingest_file(engine=engine, path=path).status == "accepted"
    assert current_names(engine, "市民課") == SECOND
    assert ingest_file(engine=engine, path=path).status == "unchanged"


REJECT_KILLS = [
    ("rejection trace", {"at": "statement", "pattern": r"^INSERT INTO audit_log", "nth": 1}),
    ("error workbook half zipped", {"at": "zip_member", "nth": 4}),
]


@pytest.mark.parametrize(("label", "kill"), REJECT_KILLS, ids=[k[0] for k in REJECT_KILLS])
def test_killed_rejection_stores_no_task_and_never_leaves_a_broken_error_workbook(
    engine: Engine, tmp_path: Path, label: str, kill: dict[str, Any]
) -> None:
    bad = survey_workbook(tmp_path / "税務課_誤.xlsx", SECOND, bad=True)
    errors_dir = tmp_path / "errors"
    target = errors_dir / "税務課_誤_エラー.xlsx"
    before = dump_database(engine)
    child(
        {
            "job": "intake",
            "url": url_of(engine),
            "path": str(bad),
            "errors_dir": str(errors_dir),
            "kill": kill,
        }
    )
    after = dump_database(engine)
    assert {k: v for k, v in after.items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"
    }
    assert actions(engine) == ([] if kill["at"] == "statement" else ["survey.rejected"])
    # The department must never be sent a truncated workbook: the file is there complete or not at all.
    assert not target.exists(), f"{label}: a half-written error workbook was left at {target}"

    outcome = ingest_file(engine=engine, path=bad, errors_dir=errors_dir)
    assert outcome.status == "rejected" and outcome.error_workbook == str(target)
    assert "エラー一覧" in load_workbook(target, read_only=True).sheetnames
    assert current_names(engine) == []
    visible = [p.name for p in errors_dir.iterdir() if not p.name.startswith(".")]
    assert visible == [target.name]  # a kill mid-write leaves at most a hidden *.part beside it
    assert all(p.suffix == ".part" for p in errors_dir.iterdir() if p.name.startswith("."))


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_killed_dxi_ingest_through_the_flow(engine: Engine, tmp_path: Path) -> None:
    """The same guarantee through `dxi ingest` as a person runs it, with the harness's server configured
    (the desk run is put on it as a flow run). Only the run history keeps the killed run, as 実行中."""
    import prefect.settings

    path = survey_workbook(tmp_path / "税務課.xlsx", SECOND)
    before = dump_database(engine)
    env = {"PREFECT_API_URL": str(prefect.settings.PREFECT_API_URL.value())}
    kill = {"at": "statement", "pattern": r"^INSERT INTO tasks", "nth": 1, "row": 3}
    spec = {"job": "ingest_cli", "url": url_of(engine), "argv": ["ingest", str(path)], "kill": kill}
    child(spec, env)
    after = dump_database(engine)
    history = after.pop("job_runs")
    assert after == {k: v for k, v in before.items() if k != "job_runs"} and before["job_runs"] == []
    with session_scope(engine) as session:
        (killed,) = list_runs(session=session)
    assert (killed.job, killed.via, killed.status, killed.finished_at) == (
        "survey-intake",
        "prefect",
        "running",
        None,
    )
    assert len(history) == 1 and killed.flow_run_id
    assert ingest_file(engine=engine, path=path).status == "accepted"
    assert current_names(engine) == SECOND
    assert actions(engine) == ["survey.accepted"]


# --- overtime import -----------------------------------------------------------------------

OLD_MONTHS = [("税務課", 4, 10.0), ("税務課", 5, 11.0), ("財務課", 4, 20.0)]
NEW_ROWS = [
    ("税務課", 4, 1.5),
    ("税務課", 5, 2.5),
    ("税務課", 6, 3.5),
    ("財務課", 4, 4.5),
    ("財務課", 5, 5.5),
]

OVERTIME_KILLS = [
    ("old months deleted", {"at": "statement", "pattern": r"^INSERT INTO overtime_months", "nth": 1}, "none"),
    ("mid month insert", {"at": "statement", "pattern": r"^INSERT INTO overtime_months", "nth": 1, "row": 3}, "none"),
    ("right before COMMIT", {"at": "commit", "after": r"^INSERT INTO audit_log"}, "none"),
    ("right after COMMIT", {"at": "after_commit", "after": r"^INSERT INTO audit_log"}, "whole"),
]  # fmt: skip


def seed_overtime(engine: Engine) -> None:
    with session_scope(engine) as session:
        for name in ("税務課", "財務課"):
            store_survey(session=session, survey=make_survey(department=name, tag=name))
    with session_scope(engine) as session:
        replace_overtime(
            session=session,
            rows=[
                OvertimeMonthIn(department=d, year=2024, month=m, overtime_hours=h, headcount=5)
                for d, m, h in OLD_MONTHS
            ],
            file_name="前回.xlsx",
            content_hash="0" * 64,
            actor="人事課",
        )


def months(engine: Engine) -> list[tuple[str, int, float]]:
    with session_scope(engine) as session:
        panel = overtime_panel(session=session)
    return [
        (str(d), int(m), float(h))
        for d, m, h in zip(panel["department"], panel["month"], panel["overtime_hours"], strict=True)
    ]


@pytest.mark.parametrize(("label", "kill", "expect"), OVERTIME_KILLS, ids=[k[0] for k in OVERTIME_KILLS])
def test_killed_overtime_import_is_all_or_nothing(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    label: str,
    kill: dict[str, Any],
    expect: str,
) -> None:
    seed_overtime(engine)
    rows: list[list[object]] = [["年月", "課", "時間外勤務時間", "職員数"]]
    rows += [[f"2024-{m:02d}", d, h, 5] for d, m, h in NEW_ROWS]
    path = write_xlsx(tmp_path / "実績.xlsx", rows, cover=())
    before = dump_database(engine)
    spec = {"job": "overtime", "url": url_of(engine), "argv": ["overtime", "import", str(path)]}
    child({**spec, "kill": kill})
    killed = dump_database(engine)
    if expect == "none":
        assert killed == before, f"{label}: a killed import left a partial replacement"
    else:
        assert months(engine) == sorted(NEW_ROWS)

    monkeypatch.setenv("DXI_DATABASE_URL", url_of(engine))
    get_settings.cache_clear()
    code, out = dxi("overtime", "import", str(path))  # the rerun, in-process: same command
    assert code == 0, out
    assert months(engine) == sorted(NEW_ROWS)
    imports = [a for a in actions(engine) if a == "overtime.imported"]
    assert len(imports) == (2 if expect == "none" else 3)  # the seed, (the committed kill,) the rerun


# --- scoring run ---------------------------------------------------------------------------

SCORING_KILLS = [
    ("mid score insert", {"at": "statement", "pattern": r"^INSERT INTO task_scores", "nth": 1, "row": 3}),
    ("right before COMMIT", {"at": "commit", "after": r"^INSERT INTO audit_log"}),
]


@pytest.mark.parametrize(("label", "kill"), SCORING_KILLS, ids=[k[0] for k in SCORING_KILLS])
def test_killed_scoring_run_stores_no_partial_run(
    engine: Engine, tmp_path: Path, label: str, kill: dict[str, Any]
) -> None:
    from inventory.db.scoring_tables import RolloutGroup, ScoringRun, TaskScore

    tasks = [
        make_task(source_row=2 + i, name=name)
        for i, name in enumerate(["支出命令書の作成", "課税台帳の照会", "窓口受付"])
    ]
    with session_scope(engine) as session:
        for name in ("税務課", "財務課"):
            store_survey(session=session, survey=make_survey(department=name, tag=name, tasks=tasks))
    before = dump_database(engine)
    spec = {"job": "scoring", "url": url_of(engine), "fiscal_year": 2024, "prefect_home": str(tmp_path / "p")}
    child({**spec, "kill": kill})
    assert dump_database(engine) == before, f"{label}: a killed scoring run left rows behind"

    from bpr.scoring.config import default_config
    from flows.task_scoring import load_inventory, score, store

    config = default_config()  # the rerun, in-process: the same task functions the child ran
    year, frame = load_inventory.fn(url_of(engine), 2024)
    scored, _groups, ranked, group_ranking = score.fn(frame, config)
    run_id = store.fn(url_of(engine), year, config, frame, scored, ranked, group_ranking, "rerun", None)
    with session_scope(engine) as session:
        assert session.scalars(select(ScoringRun.id)).all() == [run_id]
        assert len(session.scalars(select(TaskScore.task_id)).all()) == 6
        assert session.scalars(select(RolloutGroup.run_id)).all() == [run_id] * 3
    assert actions(engine)[-1] == "scoring.run"
