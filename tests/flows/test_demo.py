"""`dxi demo` at small size through the real jobs: intake, scoring, pilots, overtime, effect report."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from bpr.pilots.service import production_automations
from inventory.db.engine import engine_for, session_scope
from inventory.db.overtime_repo import overtime_panel
from inventory.db.scoring_repo import latest_decisions
from inventory.db.tables import Task
from inventory.settings import get_settings


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory):
    from flows.demo import run_demo

    home = tmp_path_factory.mktemp("demo-home")
    steps: list[str] = []
    out = run_demo(home, departments=8, tasks_per_department=12, pilots=4, step=steps.append)
    return out, steps


def test_every_step_ran_and_the_outputs_are_in_the_demo_folder(result) -> None:
    from flows.demo import STEPS

    demo, steps = result
    assert steps == list(STEPS)
    assert demo.ranking_workbook is not None and demo.ranking_workbook.is_file()
    assert demo.ranking_workbook.parent == demo.folder
    assert demo.effects is not None
    files = [Path(f) for f in demo.effects.files]
    assert sorted(f.suffix for f in files) == [".html", ".pdf", ".xlsx"]
    assert all(
        f.is_file() and f.stat().st_size > 1000 and f.parent == demo.folder / "効果報告" for f in files
    )
    html = next(f for f in files if f.suffix == ".html").read_text(encoding="utf-8")
    assert "導入効果報告" in html and "http://" not in html and "https://" not in html
    assert demo.database_url.endswith("/demo/dxi-demo.sqlite3")
    assert not (get_settings().home / "dxi.sqlite3").exists(), "the demo must not touch the real inventory"


def test_two_rejected_workbooks_are_accepted_once_corrected(result) -> None:
    demo, _ = result
    statuses = Counter(o.status for o in demo.first_round)
    assert statuses["rejected"] == 2 and len(demo.first_round) == 8
    assert all(len(o.errors) == 3 for o in demo.first_round if o.status == "rejected")
    assert [o.status for o in demo.corrections] != [] and all(
        o.status != "rejected" for o in demo.corrections
    )
    assert demo.task_count == 8 * 12


def test_overtime_files_are_imported_with_the_old_name_rejected_first(result) -> None:
    demo, _ = result
    first, *rest = demo.overtime
    assert first.status == "rejected" and "市民税課" in (first.error or "")
    assert all(o.status == "accepted" for o in rest)
    assert sum(o.months for o in rest) == 8 * 48
    assert sum(o.per_staff for o in rest) == 13  # FY2024 in one file, FY2025 month by month
    with session_scope(engine_for(demo.database_url)) as session:
        panel = overtime_panel(session=session)
    assert len(panel) == 8 * 48
    assert sorted(panel["fiscal_year"].unique()) == [2022, 2023, 2024, 2025]


def test_pilots_reach_their_states_and_production_is_where_the_effect_was_planted(result) -> None:
    demo, _ = result
    assert Counter(p.state for p in demo.pilots) == {"本格導入": 3, "見送り": 1}
    assert len({p.department for p in demo.pilots}) == 4
    live = [p for p in demo.pilots if p.state == "本格導入"]
    assert all(p.realised_hours and p.realised_hours > 0 and p.go_live_month for p in live)
    dropped = next(p for p in demo.pilots if p.state == "見送り")
    assert dropped.realised_hours is not None and dropped.estimated_hours is not None
    assert dropped.realised_hours < 0.3 * dropped.estimated_hours  # the visual checks ate the gain
    with session_scope(engine_for(demo.database_url)) as session:
        assert production_automations(session=session) == demo.go_lives
        # Every pilot follows an adoption decision, which the review room shows in its history.
        keys = {
            t.task_key
            for t in session.scalars(select(Task).where(Task.id.in_([p.task_id for p in demo.pilots])))
        }
        decisions = latest_decisions(session=session, task_keys=sorted(keys))
    assert {p.department for p in live} == set(demo.go_lives)
    assert len(keys) == len(demo.pilots) and {d.decision for d in decisions.values()} == {"採用"}
    assert set(decisions) == keys


def test_the_effect_report_finds_the_planted_effect(result) -> None:
    demo, _ = result
    h = demo.effects.headline
    assert (h["baseline_fy"], h["kpi_fy"], h["target_pct"]) == (2022, 2025, 20.0)
    assert h["did_ci_low"] <= demo.planted_effect <= h["did_ci_high"]
    assert h["naive_before_after"] < h["did_estimate"]  # the plain comparison also credits 働き方改革
    assert h["reduction_pct"] > 0


def test_the_demo_jobs_are_in_its_run_history_as_desk_runs(result) -> None:
    from inventory.db.run_repo import list_runs

    demo, _ = result
    with session_scope(engine_for(demo.database_url)) as session:
        runs = list_runs(session=session, limit=10)
    assert [(r.job, r.via, r.status, r.actor) for r in reversed(runs)] == [
        ("survey-intake", "desk", "succeeded", "DX推進課"),
        ("survey-intake", "desk", "succeeded", "DX推進課"),
        ("task-scoring", "desk", "succeeded", "DX推進課"),
        ("effect-report", "desk", "succeeded", "DX推進課"),
    ]
    assert runs[-1].summary == "受理 6 件 / 差し戻し 2 件"
    assert re.fullmatch(r"出力: 効果報告_\d{4}\.html / \.pdf / \.xlsx", runs[0].summary or ""), runs[
        0
    ].summary


def test_sizes_outside_the_town_are_refused_in_japanese() -> None:
    from tests.flows.cli_runner import dxi

    code, out = dxi("demo", "--departments", "3")
    assert code == 2 and "課の数は 6〜" in out
    code, out = dxi("demo", "--tasks", "500")
    assert code == 2 and "1課あたりの業務数は 5〜" in out
    assert not (get_settings().home / "demo").exists()


def test_the_demo_history_reads_in_japanese(result, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.flows.cli_runner import dxi
    from tests.japanese import english_words

    demo, _ = result
    monkeypatch.setenv("DXI_DATABASE_URL", demo.database_url)
    monkeypatch.setenv("COLUMNS", "200")
    code, out = dxi("runs")
    assert code == 0 and "効果報告の作成" in out and "調査票の取り込み" in out, out
    assert not english_words(out), out
