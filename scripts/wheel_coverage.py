"""List every dependency that has no wheel for a target: Windows amd64 above all.

A municipal PC has neither a compiler nor the internet, so each dependency must arrive
as a wheel built for its platform (or a pure-Python one). Two ways to check:

    python -m scripts.wheel_coverage windows        # ask the package index (metadata only)
    python -m scripts.wheel_coverage --bundle DIR   # look in a built bundle, offline

The first resolves the runtime requirements for each target with uv, then asks uv to
resolve the same pins again with building from source disabled (it reads the index's
file lists and metadata, downloads no wheel); the second matches the bundle's pinned
requirements against its wheel files by their tags. Both print one line per target and every
requirement left without a wheel, and exit 1 if there is one.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

from scripts.targets import ROOT, Target, parse_targets, resolve, uv_binary


@dataclass
class Coverage:
    """The outcome for one target: the wheel chosen per requirement, and those with none."""

    target: Target
    present: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # the matching wheel files, when checked in a bundle

    def line(self) -> str:
        head = (
            f"{self.target.name}: {len(self.present)} of {len(self.present) + len(self.missing)} requirements"
        )
        state = "every one has a wheel" if not self.missing else f"{len(self.missing)} WITHOUT a wheel"
        if self.files:
            binary = sum(1 for name in self.files if not name.endswith("-none-any.whl"))
            state += f" ({binary} platform wheels, {len(self.files) - binary} pure Python)"
        return f"{head}: {state}"


def supported_tags(target: Target) -> set[Tag]:
    """The wheel tags a CPython of `target` installs, most specific first (as a set here)."""
    version = (int(target.python.split(".")[0]), int(target.python.split(".")[1]))
    platforms = list(target.platform_tags)
    tags = cpython_tags(version, abis=[target.abi, "abi3", "none"], platforms=platforms)
    return {*tags, *compatible_tags(version, interpreter=target.abi, platforms=platforms)}


def pin_name(pin: str) -> str:
    return canonicalize_name(pin.split("==")[0])


def match_files(target: Target, pins: Iterable[str], files: Iterable[str]) -> Coverage:
    """Match each pinned requirement to a wheel file (by name, version and tags)."""
    tags = supported_tags(target)
    by_release: dict[tuple[str, str], list[str]] = {}
    for name in files:
        if name.endswith(".whl"):
            project, version, _, file_tags = parse_wheel_filename(name)
            if file_tags & tags:
                by_release.setdefault((str(project), str(version)), []).append(name)
    coverage = Coverage(target)
    for pin in pins:
        found = by_release.get((pin_name(pin), pin.split("==")[1]))
        if found:
            coverage.present.append(pin)
            coverage.files.append(sorted(found)[0])
        else:
            coverage.missing.append(pin)
    return coverage


def check_bundle(bundle: Path) -> list[Coverage]:
    """Check a built bundle: every requirements/<target>.txt against the files in wheels/."""
    files = [p.name for p in (bundle / "wheels").glob("*.whl")]
    results = []
    for requirements in sorted((bundle / "requirements").glob("*.txt")):
        system, _, abi = requirements.stem.partition("-")
        target = Target(system, f"{abi[2]}.{abi[3:]}")
        pins = [
            line.strip() for line in requirements.read_text(encoding="utf-8").splitlines() if "==" in line
        ]
        results.append(match_files(target, pins, files))
    return results


def has_wheels(target: Target, pins: list[str]) -> bool:
    """Whether the index has a wheel usable on `target` for every pin (uv reads metadata only)."""
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text("\n".join(pins) + "\n", encoding="utf-8")
        command = [
            uv_binary(), "pip", "compile", str(requirements), "--quiet", "--no-deps", "--only-binary", ":all:",
            "--python-version", target.python, "--python-platform", target.uv_platform,
        ]  # fmt: skip
        return subprocess.run(command, capture_output=True, check=False).returncode == 0


def check_index(target: Target, project: Path = ROOT) -> Coverage:
    """Ask the index for a wheel of every runtime requirement of `project` on `target`, naming each that has none."""
    pins = resolve(target, project)
    if has_wheels(target, pins):
        return Coverage(target, present=pins)
    present = [pin for pin in pins if has_wheels(target, [pin])]  # one by one, to name them all
    return Coverage(target, present=present, missing=[pin for pin in pins if pin not in present])


def report(results: list[Coverage]) -> int:
    """Print one line per target and each requirement without a wheel; 1 if any is missing."""
    for coverage in results:
        print(coverage.line())  # noqa: T201 (a command-line tool)
        for pin in coverage.missing:
            print(f"  no wheel: {pin}")  # noqa: T201
    return 1 if any(c.missing for c in results) or not results else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("targets", nargs="*", help="all (default), linux, windows, or e.g. windows-cp312")
    parser.add_argument("--bundle", type=Path, help="check this built bundle instead of the index")
    args = parser.parse_args(argv)
    if args.bundle:
        return report(check_bundle(args.bundle))
    uv_binary()
    with ThreadPoolExecutor(max_workers=4) as pool:  # waiting on the network, not the CPU
        return report(list(pool.map(check_index, parse_targets(args.targets))))


if __name__ == "__main__":
    sys.exit(main())
