"""On Windows, output sent to a file or pipe is in the code page (cp932): dxi never stops on it."""

from __future__ import annotations

import os
import subprocess
import sys

TEXT = "実測 — 件、令和 ㋿6年度、4〜6月、①、髙﨑"
PRINT = f"print({TEXT!r})"


def run(code: str, encoding: str = "cp932") -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding}  # as Windows writes to a redirected stdout
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=False)


def test_python_alone_stops_on_a_missing_figure() -> None:
    done = run(PRINT)
    assert done.returncode != 0 and b"UnicodeEncodeError" in done.stderr


def test_dxi_writes_look_alikes_the_code_page_has() -> None:
    done = run(f"from flows.cli.main import use_console_encoding\nuse_console_encoding()\n{PRINT}")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert done.stdout.decode("cp932").rstrip() == "実測 ― 件、令和 令和6年度、4～6月、①、髙﨑"


def test_utf8_output_is_left_as_it_is() -> None:
    done = run(f"from flows.cli.main import use_console_encoding\nuse_console_encoding()\n{PRINT}", "utf-8")
    assert done.stdout.decode("utf-8").rstrip() == TEXT
