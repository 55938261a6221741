"""Run `dxi` in-process for CLI tests (typer's runner), raising real exceptions."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from flows.cli.main import app

runner = CliRunner()


def dxi(*args: str) -> tuple[int, str]:
    """Invoke dxi with args; return (exit code, stdout+stderr). Unexpected exceptions propagate."""
    result = runner.invoke(app, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def assert_not_imported(
    cwd: Path, *commands: list[str], module: str = "prefect", succeed: bool = False
) -> None:
    """Run `dxi` commands in a fresh interpreter and check they never import `module`.

    A subprocess, because this test process has long since imported everything. With
    succeed, every command must also exit 0 (a command that fails early proves nothing).
    """
    script = (
        "import sys\n"
        "from flows.cli.main import main\n"
        "codes = []\n"
        f"for argv in {[['dxi', *c] for c in commands]!r}:\n"
        "    sys.argv = argv\n"
        "    try:\n        main()\n    except SystemExit as exit:\n        codes.append((argv, exit.code))\n"
        f"assert {module!r} not in sys.modules, '{module} was imported'\n"
        f"assert not {succeed!r} or all(code in (0, None) for _, code in codes), codes\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=cwd, timeout=60
    )
    assert result.returncode == 0, result.stderr
