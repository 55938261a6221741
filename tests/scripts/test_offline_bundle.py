"""The offline bundle installs and runs the demo with the network closed; Windows has every wheel.

Built from the package index (the Linux part for this Python only, to keep CI short),
then installed by its own install.sh into a fresh home folder inside a network namespace
that has nothing but loopback (`unshare -n`, where allowed), with PIP_NO_INDEX=1, no pip
configuration, and an HTTP proxy that cannot be reached, as many LGWAN PCs have one. `make bundle-check` runs these
tests; without the index they skip, unless DXI_REQUIRE_BUNDLE=1 (set by .ci/run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NoReturn

import pytest

from scripts.bundle import build, size_mb
from scripts.targets import PYTHONS, Target, current_linux_target, uv_binary
from scripts.wheel_coverage import check_bundle, check_index

pytestmark = pytest.mark.bundle
# The Python a user has: the interpreter this test's virtual environment was made from.
BASE_PYTHON = str(Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}")
DEV_TOOLS = ("pytest", "mypy", "playwright", "hypothesis", "ruff", "importlinter", "pdfplumber", "uv", "dask")
# Not in the runtime either: the tests read workbooks back with openpyxl; ReportLab draws the charts;
# install.sh removes the packages' own test suites (scripts/install/prune.py).
NOT_INSTALLED = (
    *DEV_TOOLS,
    "openpyxl",
    "matplotlib",
    "matplotlib_fontja",
    "pandas/tests",
    "numpy/_core/tests",
)


def needs_index(reason: str) -> NoReturn:
    if os.environ.get("DXI_REQUIRE_BUNDLE") == "1":
        pytest.fail(f"the bundle check is required here (DXI_REQUIRE_BUNDLE=1) but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    started = time.monotonic()
    try:
        out = build(tmp_path_factory.mktemp("bundle") / "dxi-offline", [current_linux_target()])
    except subprocess.CalledProcessError as exc:
        needs_index(f"the bundle could not be built from the package index ({exc})")
    took = f"{size_mb(out):.0f} MB in {time.monotonic() - started:.0f} s"
    print(f"\nbundle for {current_linux_target().name}: {took}")  # noqa: T201
    return out


def closed_network(command: list[str]) -> list[str]:
    """`command` in a network namespace with only loopback up (the Prefect server listens there)."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], check=False).returncode == 0:
        return ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *command]
    return command


def offline_env(home: Path) -> dict[str, str]:
    """A user's environment with no way out: no pip index or config, and (as on many LGWAN PCs)
    an HTTP proxy, here one that cannot be reached."""
    closed = "http://127.0.0.1:9"
    return {
        "HOME": str(home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHON": BASE_PYTHON,
        "PIP_NO_INDEX": "1", "PIP_CONFIG_FILE": os.devnull, "http_proxy": closed, "https_proxy": closed,
        "HTTP_PROXY": closed, "HTTPS_PROXY": closed,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1",
    }  # fmt: skip


def run_offline(command: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        closed_network(command),
        env=offline_env(home),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def test_the_linux_bundle_installs_offline_and_runs_the_demo(bundle: Path, tmp_path: Path) -> None:
    home = tmp_path / "利用者"
    started = time.monotonic()
    install = run_offline(["sh", str(bundle / "install.sh")], home)
    installed_in = time.monotonic() - started
    assert install.returncode == 0, install.stdout + install.stderr
    assert "インストールしました" in install.stdout and "データベースを作成しました" in install.stdout
    data, app = home / ".local/share/dxi", home / ".local/share/dxi-app"
    assert (data / "dxi.sqlite3").is_file() and (data / "inbox").is_dir() and (data / "reports").is_dir()
    site = next((app / "venv/lib").glob("python3.*/site-packages"))
    assert [name for name in NOT_INSTALLED if (site / name).exists()] == []
    installed_mb = size_mb(app)

    started = time.monotonic()
    demo = run_offline([str(home / ".local/bin/dxi"), "demo"], home)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "効果報告" in demo.stdout and "所要時間" in demo.stdout
    assert sorted(p.suffix for p in (data / "demo" / "効果報告").iterdir()) == [".html", ".pdf", ".xlsx"]
    assert len(list((data / "demo").glob("候補一覧_*.xlsx"))) == 1
    print(  # noqa: T201
        f"\noffline install {installed_in:.0f} s ({installed_mb:.0f} MB, "
        f"{size_mb(app):.0f} MB after the demo), demo {time.monotonic() - started:.0f} s"
    )


def test_every_pin_of_the_bundle_has_a_wheel_in_it(bundle: Path) -> None:
    [coverage] = check_bundle(bundle)
    assert coverage.missing == [] and len(coverage.present) > 50


def test_every_windows_dependency_has_a_wheel_on_the_index() -> None:
    targets = [Target("windows", python) for python in PYTHONS]
    uv_binary()
    try:
        with ThreadPoolExecutor(max_workers=len(targets)) as pool:  # waiting on the index
            results = list(pool.map(check_index, targets))
    except subprocess.CalledProcessError as exc:
        needs_index(f"the package index could not be asked ({exc})")
    assert {c.target.name: c.missing for c in results} == {t.name: [] for t in targets}


def test_a_dependency_without_a_windows_wheel_is_named(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "example"\nversion = "1"\n'
        'dependencies = ["uvloop==0.21.0", "six==1.17.0"]\n',  # uvloop has wheels for Linux and macOS only
        encoding="utf-8",
    )
    try:
        windows = check_index(Target("windows", "3.12"), project=tmp_path)
    except subprocess.CalledProcessError as exc:
        needs_index(f"the package index could not be asked ({exc})")
    assert (windows.present, windows.missing) == (["six==1.17.0"], ["uvloop==0.21.0"])
