"""Where the data lives: the same database from any folder, dxi.toml found upward, DXI_HOME first."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from flows.cli.demo import web_commands
from inventory.errors import SettingsError
from inventory.settings import Settings, get_settings
from tests.flows.cli_runner import dxi


@pytest.fixture
def user_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No DXI_HOME: platformdirs' per-user folder, pointed into tmp_path through XDG_DATA_HOME."""
    monkeypatch.delenv("DXI_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    get_settings.cache_clear()
    return tmp_path / "xdg" / "dxi"


def _squeeze(out: str) -> str:
    return re.sub(r"\s", "", out)  # rich wraps long paths


def test_init_in_one_folder_and_tasks_in_another_use_the_same_database(
    user_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for folder in ("desk", "other"):
        (tmp_path / folder).mkdir()
    monkeypatch.chdir(tmp_path / "desk")
    code, out = dxi("init")
    assert code == 0, out
    assert str(user_data / "dxi.sqlite3") in _squeeze(out)  # init says where it created it
    assert not (tmp_path / "desk" / ".dxi").exists()
    monkeypatch.chdir(tmp_path / "other")
    get_settings.cache_clear()
    code, out = dxi("tasks")
    assert code == 0, out
    assert not (tmp_path / "other" / ".dxi").exists()


def test_an_uninitialised_database_error_names_the_database(user_data: Path) -> None:
    code, out = dxi("tasks")
    assert code != 0
    assert "初期化されていません" in out and str(user_data / "dxi.sqlite3") in _squeeze(out)


def test_dxi_toml_is_found_upward_and_dxi_home_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DXI_HOME")
    project = tmp_path / "業務量調査"
    (project / "回収" / "税務課").mkdir(parents=True)
    (project / "dxi.toml").write_text('home = "データ"\ninbox = "受付"\n', encoding="utf-8")
    monkeypatch.chdir(project / "回収" / "税務課")
    assert Settings().home == project / "データ"
    assert Settings().inbox_dir == project / "受付"  # relative to the file, not the current folder
    assert Settings().db_url == f"sqlite:///{project / 'データ' / 'dxi.sqlite3'}"
    monkeypatch.setenv("DXI_HOME", str(tmp_path / "env-home"))
    assert Settings().home == tmp_path / "env-home"
    assert "DXI_HOME" in Settings().home_origin()


def test_a_wrong_dxi_toml_is_refused_naming_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "dxi.toml").write_text('hoem = "データ"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SettingsError, match=r"dxi\.toml に知らない項目があります: hoem"):
        Settings()
    (tmp_path / "dxi.toml").write_text('home = "データ\n', encoding="utf-8")
    get_settings.cache_clear()
    code, out = dxi("tasks")
    assert code != 0 and str(tmp_path / "dxi.toml") in _squeeze(out)


def test_the_demo_command_selects_the_demo_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'デモ 結果' / 'dxi-demo.sqlite3'}"
    export, add_user, web = web_commands(url)
    assert add_user.endswith("user add kanri --role 管理者") and web.endswith(" web")
    shown = "from inventory.settings import get_settings; print(get_settings().db_url)"
    script = f"{export}\n{sys.executable} -c '{shown}'"
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert result.stdout.strip() == url


def test_on_windows_the_demo_prints_powershell_commands() -> None:
    url = r"sqlite:///C:\Users\山田 太郎\AppData\Local\dxi\demo\dxi-demo.sqlite3"
    export, add_user, web = web_commands(url, windows=True)
    assert export == f"$env:DXI_DATABASE_URL = '{url}'"  # cmd's `set` would set nothing in PowerShell
    quoted = web_commands("sqlite:///D:/o'brien/d.sqlite3", windows=True)[0]
    assert quoted == "$env:DXI_DATABASE_URL = 'sqlite:///D:/o''brien/d.sqlite3'"
    assert (add_user, web) == ("dxi user add kanri --role 管理者", "dxi web")
