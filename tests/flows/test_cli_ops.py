"""dxi doctor / backup / restore through the real CLI, and JSON logs from a real `dxi ingest`."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli.main import app
from flows.town.survey import make_town
from flows.town.survey_files import write_survey
from inventory.db.engine import engine_for
from inventory.settings import get_settings
from tests.flows.cli_runner import dxi, runner
from tests.inventory.db.populate import dump, populate
from tests.japanese import english_words


def _use_database(monkeypatch: pytest.MonkeyPatch, path: Path) -> str:
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DXI_DATABASE_URL", url)
    get_settings.cache_clear()
    return url


def test_doctor_exit_code_follows_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)  # no server: a warning, not an error
    code, out = dxi("doctor")
    assert code == 1 and "dxi init" in out and "エラー" in out
    assert dxi("init")[0] == 0  # creates the database and every folder doctor checks
    code, out = dxi("doctor")
    assert code == 0 and "エラーはありません" in out and "dxi serve" in out
    assert "フォルダがまだありません" not in out


def test_doctor_reports_bad_settings_as_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DXI_DATABASE_URL", "mysql://somewhere/db")
    get_settings.cache_clear()
    code, out = dxi("doctor")
    squeezed = re.sub(r"[\s│]", "", out)  # the table wraps long messages
    assert code == 1 and "設定(DXI_*)が不正です" in squeezed and "対応していないデータベースURL" in squeezed


def test_backup_then_restore_into_a_fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source_url = _use_database(monkeypatch, tmp_path / "source.sqlite3")
    assert dxi("init")[0] == 0
    populate(engine_for(source_url), tmp_path / "files")
    code, out = dxi("backup", "-o", str(tmp_path / "控え" / "dxi.zip"))
    assert code == 0 and "バックアップしました" in out and "採点結果" in out and "task_scores" not in out
    target_url = _use_database(monkeypatch, tmp_path / "target.sqlite3")
    code, out = dxi("restore", str(tmp_path / "控え" / "dxi.zip"))
    assert code == 0 and "復元しました" in out
    assert dump(engine_for(target_url)) == dump(engine_for(source_url))

    code, out = dxi("restore", str(tmp_path / "控え" / "dxi.zip"))
    assert code == 2 and "--force" in out
    declined = runner.invoke(app, ["restore", str(tmp_path / "控え" / "dxi.zip"), "--force"], input="n\n")
    assert declined.exit_code == 1 and "中止しました" in declined.output
    # Asked in Japanese; a stray answer is asked again in Japanese, never with click's English.
    declined = runner.invoke(
        app, ["restore", str(tmp_path / "控え" / "dxi.zip"), "--force"], input="たぶん\nいいえ\n"
    )
    assert declined.exit_code == 1 and "（はい / いいえ）" in declined.output
    assert "「はい」か「いいえ」で答えてください" in declined.output and not english_words(declined.output)
    assert "[y/N]" not in declined.output and "中止しました" in declined.output
    code, out = dxi("restore", str(tmp_path / "控え" / "dxi.zip"), "--force", "--yes")
    assert code == 0 and "復元しました" in out
    assert dump(engine_for(target_url)) == dump(engine_for(source_url))


def test_restore_of_a_damaged_file_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert dxi("init")[0] == 0
    assert dxi("backup", "-o", str(tmp_path / "b.zip"))[0] == 0
    data = (tmp_path / "b.zip").read_bytes()
    (tmp_path / "cut.zip").write_bytes(data[: len(data) // 3])
    target_url = _use_database(monkeypatch, tmp_path / "target.sqlite3")
    code, out = dxi("restore", str(tmp_path / "cut.zip"), "--force", "--yes")
    assert code == 2 and "変更していません" in out
    assert not (tmp_path / "target.sqlite3").exists(), target_url
    code, out = dxi("backup", "-o", str(tmp_path))
    assert code == 2 and "フォルダ" in out


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_json_logs_are_one_object_per_line_with_run_ids_and_no_cell_values(tmp_path: Path) -> None:
    from prefect.settings import get_current_settings

    town = make_town(departments=2, tasks_per_department=5, seed=3)
    for survey in town:
        write_survey(survey, tmp_path / "in", style="clean")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DXI_")}
    env |= {
        "DXI_HOME": str(tmp_path / "home"),
        "DXI_LOG_FORMAT": "json",
        "PREFECT_LOGGING_LEVEL": "INFO",
        "PREFECT_API_URL": str(get_current_settings().api.url),  # the session's server, not a new one
    }
    result = subprocess.run(
        [sys.executable, "-c", "from flows.cli.main import main; main()", "ingest", str(tmp_path / "in"), "--fy", "2024"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line parses
    assert all({"ts", "level", "logger", "message"} <= set(r) for r in records)
    # The desk run, put on the session's server as a flow run: its lines carry both ids.
    done = [r for r in records if r["message"] == "survey-intake が完了しました: 受理 2 件 / 差し戻し 0 件"]
    assert (
        len(done) == 1
        and done[0]["flow_run_id"]
        and done[0]["run_id"] == 1
        and done[0]["job"] == "survey-intake"
    )
    cell_values = {t.name for s in town for t in s.tasks} | {
        t.notes for s in town for t in s.tasks if t.notes
    }
    assert not [v for v in cell_values if v in result.stderr]
