"""A file open in Excel (locked, as Windows does) gets a Japanese message naming it, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.flows.cli_runner import dxi
from tests.locking import open_in_excel

CLOSE_IT = "に書き込めません（使用中か、書き込みの権限がありません）。Excel などで開いていれば閉じてから"


def squeeze(text: str) -> str:
    return "".join(text.split())


@pytest.mark.parametrize(
    "command",
    [("template", "--fy", "2025", "--dept", "税務課"), ("tasks", "--fy", "2025", "--format", "csv")],
    ids=["xlsx", "csv"],
)
def test_an_output_open_in_excel_is_named_and_nothing_else_happens(
    command: tuple[str, ...], tmp_path: Path
) -> None:
    output = tmp_path / ("税務課.xlsx" if command[0] == "template" else "業務一覧.csv")
    dxi("init")
    with open_in_excel(output):
        code, out = dxi(*command, "-o", str(output))
    assert code == 2 and squeeze(f"{output}{CLOSE_IT}") in squeeze(out)
    assert "Traceback" not in out and output.read_bytes() == b""
