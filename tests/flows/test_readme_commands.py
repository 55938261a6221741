"""Walk the README's Japanese command tables as a new user would, on the demo and on a fresh database.

Every `dxi …` example in a table row of the README's user part runs, in the README's
order, from a working folder that holds the files the examples name (回収フォルダ/,
税務課_修正.xlsx, 時間外_2025年4月.csv …). A command may refuse (a task number that does
not exist in this database, say), but what it prints is Japanese: no traceback, no
English, no nan/None/NaT. The README is read when the test runs, so a new example is
walked as soon as it is written.
"""

from __future__ import annotations

import re
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from flows.cli.main import app
from inventory.settings import get_settings
from tests.flows.cli_runner import runner
from tests.inventory.workbooks import HEADER, write_csv, write_xlsx
from tests.japanese import english_words, missing_markers

README = Path(__file__).resolve().parents[2] / "README.md"
# Long-running servers: `dxi serve` and `dxi web` are walked by their own tests.
NOT_WALKED = ("dxi serve", "dxi web", "dxi demo")
_SPAN = re.compile(r"`(dxi [^`]+)`")


def readme_commands() -> list[str]:
    """The `dxi …` examples in the コマンド column of the README's tables, in order, up to the contributors' part."""
    text = README.read_text(encoding="utf-8")
    user_part = re.split(r"^## .*(?:開発|Contribut|developer)", text, flags=re.M | re.I)[0]
    commands: list[str] = []
    column: int | None = None  # the コマンド column of the table being read
    for line in user_part.splitlines():
        if not line.startswith("|"):
            column = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if column is None:
            column = cells.index("コマンド") if "コマンド" in cells else -1
        elif column >= 0 and column < len(cells):
            commands += [c for c in _SPAN.findall(cells[column]) if not c.startswith(NOT_WALKED)]
    return commands


def test_the_readme_has_commands_to_walk() -> None:
    commands = readme_commands()
    assert len(commands) >= 20, commands
    assert any(c.startswith("dxi ingest") for c in commands) and any("dxi effects" in c for c in commands)


def _workspace(folder: Path) -> None:
    """The files a user of the README has at hand: returned workbooks, a corrected one, overtime, 課一覧."""
    rows = [
        HEADER,
        ["住民税申告書の入力", "定型", "なし", "紙（手書き）", 1200, 6],
        ["口座振替依頼書の登録", "定型", "なし", "紙（活字）", 800, 4],
        ["納税証明書の交付", "定型", "あり", "紙（手書き）", 3000, 5],
    ]
    inbox = folder / "回収フォルダ"
    inbox.mkdir()
    write_xlsx(inbox / "税務課.xlsx", rows, cover=[("年度", 2025), ("課", "税務課")])
    bad = [HEADER, ["転入届の受付", "定型", "なし", "紙（手書き）", "不明", 15]]
    write_xlsx(inbox / "市民課.xlsx", bad, cover=[("年度", 2025), ("課", "市民課")])
    write_xlsx(folder / "税務課_修正.xlsx", rows[:3], cover=[("年度", 2025), ("課", "税務課")])
    overtime = [["年月", "課", "時間外勤務時間", "職員数"], ["2025-04", "税務課", 310.5, 12]]
    overtime.append(["2025-04", "市民課", 120, 9])
    write_csv(folder / "時間外_2025年4月.csv", overtime, encoding="cp932")
    (folder / "課一覧.csv").write_text("部,課\n総務部,税務課\n市民部,市民課\n", encoding="utf-8-sig")
    (folder / "weights.toml").write_text("", encoding="utf-8")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    from flows.demo import run_demo

    home = tmp_path_factory.mktemp("readme-demo")
    return run_demo(home, departments=8, tasks_per_department=12, pilots=4, step=lambda _: None).database_url


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "作業"
    folder.mkdir()
    _workspace(folder)
    monkeypatch.chdir(folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _run(command: str) -> tuple[int, str]:
    args = shlex.split(command)[1:]
    # `dxi user add` asks for the password twice, as it would at the keyboard.
    result = runner.invoke(app, args, input="readme-walk-pass-1\nreadme-walk-pass-1\ny\n")
    if result.exception and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{command}: {type(result.exception).__name__}: {result.exception}") from (
            result.exception
        )
    return result.exit_code, result.output


def _problems(command: str, out: str) -> list[str]:
    found = []
    if "Traceback" in out:
        found.append("traceback")
    if words := english_words(out):
        found.append(f"English {sorted(set(words))}")
    if markers := missing_markers(out):
        found.append(f"missing-value markers {sorted(set(markers))}")
    if not out.strip():
        found.append("printed nothing")
    return [f"{command}: {p}\n{out}" for p in found]


@pytest.mark.flow
@pytest.mark.parametrize("database", ["demo", "fresh"])
def test_readme_commands_speak_japanese(
    database: str, request: pytest.FixtureRequest, workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "400")  # a wide terminal: rich does not break paths over lines
    if database == "demo":
        monkeypatch.setenv("DXI_DATABASE_URL", request.getfixturevalue("demo_url"))
    get_settings.cache_clear()
    problems: list[str] = []
    for command in readme_commands():
        _, out = _run(command)
        problems += _problems(command, out)
    assert not problems, "\n\n".join(problems)
