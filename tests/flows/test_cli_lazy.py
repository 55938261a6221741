"""`dxi` imports a command's module only when it runs, and `dxi --help` lists them all from one table.

The table (flows.cli.lazy.COMMANDS) must say what the commands themselves say: every
registered top-level command is in it, with the module that registers it and the first
paragraph of its own help, so `dxi --help` reads the same as when everything is loaded.
"""

from __future__ import annotations

import inspect
from pathlib import Path

import typer.main
from typer.testing import CliRunner

from flows.cli.lazy import COMMANDS
from flows.cli.main import app, load_all
from tests.flows.cli_runner import assert_not_imported


def _registered() -> dict[str, tuple[str, str]]:
    """name → (module, first paragraph of help) of every command and group, all modules loaded."""
    load_all()
    found = {}
    for info in app.registered_commands:
        assert info.callback is not None
        name = info.name or typer.main.get_command_name(info.callback.__name__)
        found[name] = (info.callback.__module__, inspect.getdoc(info.callback) or "")
    for group in app.registered_groups:
        sub = group.typer_instance
        assert sub is not None and group.name
        module = sub.registered_commands[0].callback.__module__  # type: ignore[union-attr]
        found[group.name] = (module, str(sub.info.help))
    return {name: (module, text.split("\n\n")[0].strip()) for name, (module, text) in found.items()}


def test_the_table_says_what_each_command_says() -> None:
    registered = _registered()
    assert set(registered) == set(COMMANDS), "list a new command in flows.cli.lazy.COMMANDS"
    for name, (module, summary) in registered.items():
        assert COMMANDS[name] == (module, summary), name


def test_help_lists_every_command_without_importing_one(tmp_path: Path) -> None:
    out = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).output
    assert all(f" {name} " in out for name in COMMANDS)
    for module in ("pydantic", "sqlalchemy", "pandas", "prefect", "flows.cli.survey", "flows.cli.scoring"):
        assert_not_imported(tmp_path, ["--help"], module=module)


def test_read_commands_load_only_their_own_module(tmp_path: Path) -> None:
    assert_not_imported(tmp_path, ["init"], ["tasks"], ["runs"], module="flows.cli.scoring")
    # rank reads the stored order (bpr.scoring.selection); pandas loads only to write csv / xlsx
    # (dxi effects: tests/flows/test_cli_effects.py, on a database with overtime)
    assert_not_imported(
        tmp_path,
        ["init"],
        ["tasks"],
        ["submissions"],
        ["runs"],
        ["rank"],
        ["pilot", "list"],
        ["overtime", "list"],
        module="pandas",
    )
    # on SQLite, SQLAlchemy's PostgreSQL dialect (and its drivers) stays unloaded
    # (the database made above: `dxi init` runs the migrations, which name PostgreSQL's options)
    assert_not_imported(tmp_path, ["tasks"], ["rank"], ["runs"], module="sqlalchemy.dialects.postgresql")


def test_an_unknown_command_suggests_the_near_ones() -> None:
    result = CliRunner().invoke(app, ["ingets"])
    assert result.exit_code == 2 and "コマンド ingets はありません（もしかして: ingest" in result.output
