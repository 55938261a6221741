"""`dxi` help and usage errors are Japanese, for every command the app has.

Commands are enumerated from the click app, so a new command is covered without
touching this file. The terminal is wide so that rich does not cut words in half.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from flows.cli.main import app, load_all
from tests.japanese import english_words

load_all()  # `dxi` imports a command's module when it runs; enumerating needs every one

# What the examples in `dxi user add/disable --help` show: login names and a shell command.
EXAMPLE_WORDS = frozenset({"yamada", "suzuki", "echo", "argon2id", "argon"})


def _paths(command: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        yield from _paths(sub, (*path, name))


COMMANDS = list(_paths(get_command(app)))


def run(*args: str) -> tuple[int, str]:
    """Run dxi in a 200-column terminal; return (exit code, everything printed)."""
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200", "TERMINAL_WIDTH": "200"})
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def test_every_command_is_enumerated() -> None:
    assert {("pilot", "measure"), ("campaign", "open"), ("template",), ()} <= set(COMMANDS)
    assert len(COMMANDS) > 30


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "dxi")
def test_help_has_no_english(path: tuple[str, ...]) -> None:
    code, out = run(*path, "--help")
    assert code == 0, out
    assert "使い方: dxi" in out and "このヘルプを表示して終了します。" in out
    assert english_words(out, allowed=EXAMPLE_WORDS) == [], out


def test_help_shows_japanese_choices_defaults_and_required() -> None:
    out = run("pilot", "measure", "--help")[1]
    assert "導入前 / 導入後" in out and "［必須］" in out and "［既定: 実測］" in out
    assert "<" not in out and "令和7年6月30日" in out
    assert "［既定: 表］" in run("tasks", "--help")[1]
    assert "AI-OCR+RPA" in run("pilot", "create", "--help")[1]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["template", "--fy", "令和七", "--dept", "税務課", "-o", "x.xlsx"],
         "オプション --fy の値「令和七」を年度として読めません（例: 2025, 令和7"),
        (["tasks", "--fy", "1800"], "オプション --fy の値「1800」を年度として読めません"),
        (["campaign", "open", "--fy", "2026", "--deadline", "6月末", "--all-known"],
         "オプション --deadline の値「6月末」を日付として読めません（例: 2025-06-30"),
        (["pilot", "create", "--task", "1", "--tool", "OCR-AI"],
         "オプション --tool の値「OCR-AI」をツールとして読めません（選べる値: RPA / AI-OCR / AI-OCR+RPA）"),
        (["pilot", "measure", "1", "--phase", "途中", "--cases", "1", "--minutes", "1"],
         "オプション --phase の値「途中」を測定の時期として読めません（選べる値: 導入前 / 導入後）"),
        (["pilot", "list", "--format", "word"], "オプション --format の値「word」を出力形式として読めません"),
        (["user", "add", "sato", "--role", "boss"], "オプション --role の値「boss」を権限として読めません"),
        (["pilot", "create", "--task", "abc", "--tool", "rpa"], "オプション --task の値「abc」を整数として読めません"),
        (["pilot", "measure", "1", "--phase", "導入前", "--minutes", "1"], "オプション --cases を指定してください"),
        (["template", "--dept", "税務課", "-o", "x.xlsx"], "オプション --fy を指定してください"),
        (["pilot", "measure", "--phase", "導入前", "--cases", "1", "--minutes", "1"], "引数 実証ID を指定してください"),
        (["tasks", "--fy"], "オプション --fy の値を指定してください"),
        (["tasks", "--bogus"], "オプション --bogus はありません"),
        (["tasks", "2024", "税務課"], "余分な引数があります: 2024 税務課"),
        (["rnak"], "コマンド rnak はありません（もしかして: rank）"),
        (["pilot", "creat"], "コマンド creat はありません（もしかして: create）"),
    ],
)  # fmt: skip
def test_usage_errors_are_japanese(args: list[str], expected: str) -> None:
    code, out = run(*args)
    assert code == 2, out
    assert expected in out, out
    assert "使い方: dxi" in out and "エラー" in out
    assert english_words(out, allowed=frozenset(args)) == [], out  # the typed value is quoted back


def test_top_level_help_lists_every_command_in_the_order_of_the_years_work() -> None:
    from flows.cli.ja import PANELS

    code, out = run("--help")
    assert code == 0
    top = {path[0] for path in _paths(get_command(app)) if len(path) == 1}
    assert top == set(PANELS), "give a new command its panel in flows.cli.ja.PANELS"
    panels = list(dict.fromkeys(PANELS.values()))
    assert "╭─ コマンド" not in out  # no command is left in the generic panel
    assert [out.index(f"╭─ {panel} ") for panel in panels] == sorted(out.index(f"╭─ {p} ") for p in panels)
    shown = [
        line.split()[1] for line in out.splitlines() if line.startswith("│ ") and line.split()[1] in PANELS
    ]
    assert shown == list(PANELS)


def test_commands_are_japanese_whatever_module_is_imported_first() -> None:
    """A test or plug-in that imports flows.cli.scoring before flows.cli.main still gets Japanese commands."""
    script = (
        "import flows.cli.scoring, flows.cli.pilot\n"
        "from typer.testing import CliRunner\n"
        "from flows.cli.main import app\n"
        "runner = CliRunner()\n"
        "for args in (['rank', '--help'], ['pilot', 'list', '--help'], ['--help']):\n"
        "    print(runner.invoke(app, args, env={'COLUMNS': '200'}).output)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.count("使い方: dxi") == 3 and "╭─ 候補選定（検討会議） " in out, out
    assert "Usage" not in out and "Show this message" not in out
