"""The Windows check finds what only works on POSIX, and nothing in the code we ship."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from scripts.windows_check import check_source

ROOT = Path(__file__).resolve().parents[2]


def codes(source: str) -> list[tuple[int, str]]:
    return [(f.line, f.code) for f in check_source(source, Path("example.py"))]


def test_path_rename_is_found_and_dataframe_rename_is_not() -> None:
    source = "path.rename(target)\nframe.rename(columns={'a': 'b'})\nos.replace(a, b)\n"
    assert codes(source) == [(1, "WIN001")]


def test_posix_only_subprocess_options_are_found() -> None:
    source = (
        "subprocess.Popen(cmd, start_new_session=True)\n"
        "subprocess.run(cmd, preexec_fn=os.setsid)\n"
        "subprocess.Popen(cmd, creationflags=flags)\n"
    )
    assert codes(source) == [(1, "WIN002"), (2, "WIN002")]


def test_a_fork_start_method_is_found() -> None:
    source = "multiprocessing.get_context('fork')\nmp.set_start_method('spawn')\n"
    assert codes(source) == [(1, "WIN003")]


@pytest.mark.parametrize(
    "source",
    ['name = f"{folder}/{name}"', 'target = str(home) + "/dxi.sqlite3"', 'parts = str(path).split("/")',
     'target = inbox_dir + "\\\\" + name'],
)  # fmt: skip
def test_paths_joined_or_split_by_hand_are_found(source: str) -> None:
    assert codes(source) == [(1, "WIN004")]


@pytest.mark.parametrize(
    "source",
    ['url = f"{api}/health"', 'slug = f"{year}/{month}"', 'key = api_url.rstrip("/") + "/health"',
     'target = folder / "accepted" / name', 'parts = route.split("/")'],
)  # fmt: skip
def test_urls_and_pathlib_are_left_alone(source: str) -> None:
    assert codes(source) == []


def test_a_line_that_says_why_is_accepted() -> None:
    assert codes("path.rename(target)  # windows-ok: target is a new folder\n") == []


def test_the_code_we_ship_passes() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "scripts.windows_check", "inventory", "bpr", "flows", "scripts"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stdout) == (0, "")
