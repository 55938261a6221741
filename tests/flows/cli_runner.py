"""Run `dxi` in-process for CLI tests (typer's runner), raising real exceptions."""

from __future__ import annotations

from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()


def dxi(*args: str) -> tuple[int, str]:
    """Invoke dxi with args; return (exit code, stdout+stderr). Unexpected exceptions propagate."""
    result = runner.invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output
