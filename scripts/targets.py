"""The machines the offline bundle installs on, and the pinned requirements of each.

A target is an operating system and a CPython version. Its requirements are resolved by
uv for *that* platform: pip evaluates environment markers for the machine it runs on, so
`pip download --platform win_amd64` on Linux would leave out Windows-only dependencies
such as pywin32 and colorama. pip then fetches the wheels, one pinned file each.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13", "3.14")
# glibc 2.28 (RHEL 8, Debian 10) and newer: the oldest Linux a municipal server still runs.
LINUX_TAGS = tuple(f"manylinux_2_{minor}_x86_64" for minor in range(28, 16, -1)) + ("manylinux2014_x86_64",)
WINDOWS_TAGS = ("win_amd64",)


@dataclass(frozen=True)
class Target:
    """One operating system and Python version the bundle installs on."""

    system: str  # "linux" or "windows", as the install scripts name their requirements files
    python: str  # "3.12"

    @property
    def name(self) -> str:
        """`windows-cp312`: the requirements file's name in the bundle."""
        return f"{self.system}-{self.abi}"

    @property
    def abi(self) -> str:
        return "cp" + self.python.replace(".", "")

    @property
    def uv_platform(self) -> str:
        return "x86_64-pc-windows-msvc" if self.system == "windows" else "x86_64-manylinux_2_28"

    @property
    def platform_tags(self) -> tuple[str, ...]:
        return WINDOWS_TAGS if self.system == "windows" else LINUX_TAGS

    def pip_platform_args(self) -> list[str]:
        """The options that make pip choose wheels for this target instead of this machine."""
        args = ["--only-binary", ":all:", "--implementation", "cp", "--python-version", self.python]
        for tag in self.platform_tags:
            args += ["--platform", tag]
        return args


ALL_TARGETS = tuple(Target(system, python) for system in ("linux", "windows") for python in PYTHONS)


def current_linux_target() -> Target:
    """The Linux target of the Python running this, e.g. for the offline install test."""
    return Target("linux", f"{sys.version_info.major}.{sys.version_info.minor}")


def parse_targets(names: list[str]) -> list[Target]:
    """`linux-cp311`, `windows` (every Python) or `all`; unknown names raise ValueError."""
    chosen: list[Target] = []
    for name in names or ["all"]:
        found = [t for t in ALL_TARGETS if name in ("all", t.system, t.name)]
        if not found:
            known = ", ".join(t.name for t in ALL_TARGETS)
            raise ValueError(f"unknown target {name!r}; known: all, linux, windows, {known}")
        chosen += [t for t in found if t not in chosen]
    return chosen


@cache
def uv_binary() -> str:
    """The uv executable of the dev extra (looked up once: the lookup is not thread-safe)."""
    from uv import find_uv_bin

    return find_uv_bin()


def resolve(target: Target, project: Path = ROOT) -> list[str]:
    """The pinned runtime requirements (`name==version`) of the project on `target`."""
    command = [
        uv_binary(), "pip", "compile", str(project / "pyproject.toml"), "--quiet", "--no-header",
        "--no-annotate", "--python-version", target.python, "--python-platform", target.uv_platform,
    ]  # fmt: skip
    done = subprocess.run(command, check=True, capture_output=True, text=True, encoding="utf-8")
    lines = (line.split(";")[0].strip() for line in done.stdout.splitlines())
    return [line for line in lines if "==" in line and not line.startswith("#")]
