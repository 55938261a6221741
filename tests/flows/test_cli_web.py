"""`dxi user add | list | disable` and `dxi web` on a real SQLite file."""

from __future__ import annotations

from typer.testing import CliRunner

from flows.cli.main import app
from inventory.db.account_repo import authenticate
from inventory.db.engine import engine_for, session_scope
from inventory.db.migrate import upgrade
from inventory.settings import get_settings
from tests.flows.cli_runner import dxi

runner = CliRunner()


def _init() -> None:
    settings = get_settings()
    settings.ensure_home()
    upgrade(engine_for(settings.db_url))


def test_users_are_added_listed_and_disabled() -> None:
    _init()
    result = runner.invoke(app, ["user", "add", "yamada", "--role", "dept", "--dept", "税務課", "--password-stdin"],
                           input="long enough pw\n")  # fmt: skip
    assert result.exit_code == 0 and "yamada" in result.output and "税務課" in result.output
    prompted = runner.invoke(
        app, ["user", "add", "sato", "--role", "reviewer"], input="pw for sato!\npw for sato!\n"
    )
    assert prompted.exit_code == 0, prompted.output
    assert "権限 審査担当" in prompted.output and "reviewer" not in prompted.output
    mismatch = runner.invoke(
        app, ["user", "add", "ito", "--role", "admin"], input="first pass!\nsecond pass\n"
    )
    assert mismatch.exit_code == 2 and "一致しません" in mismatch.output
    code, out = dxi("user", "add", "kato", "--role", "dept", "--password-stdin")
    assert code == 2 and "--dept" in out
    again = runner.invoke(
        app, ["user", "add", "yamada", "--role", "admin", "--password-stdin"], input="whatever long\n"
    )
    assert again.exit_code == 2 and "すでに登録" in again.output
    short = runner.invoke(
        app, ["user", "add", "suzuki", "--role", "admin", "--password-stdin"], input="short\n"
    )
    assert short.exit_code == 2 and "8文字以上" in short.output
    code, out = dxi("user", "list")
    assert code == 0 and "yamada" in out and "sato" in out and "ito" not in out
    assert dxi("user", "disable", "yamada")[0] == 0
    code, out = dxi("user", "list")
    assert "無効" in out
    with session_scope(engine_for(get_settings().db_url)) as session:
        assert (
            authenticate(session=session, name="yamada", password="long enough pw", client="cli").status
            == "invalid"
        )
        assert (
            authenticate(session=session, name="sato", password="pw for sato!", client="cli").status == "ok"
        )
    code, out = dxi("user", "disable", "nobody")
    assert code == 2 and "登録されていません" in out


def test_web_refuses_a_database_that_is_not_initialised() -> None:
    code, out = dxi("web", "--port", "0")
    assert code == 2 and "dxi init" in out
    code, out = dxi("web", "--help")
    assert code == 0 and "例: dxi web" in out
