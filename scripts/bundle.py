"""Build the offline bundle: everything a PC without internet needs to install dxi.

    make bundle                                  # every target, and the zip
    python -m scripts.bundle --target linux-cp311 --out /tmp/b   # one target, no zip

On a connected machine this writes `dist/dxi-offline-<version>/` (and `.zip`):

    README.txt            how to install, in Japanese (UTF-8 with BOM, for Notepad)
    install.sh            Linux:   sh install.sh [install folder]
    install.ps1           Windows: the installer; install.bat runs it with a double click
    wheels/               the project's wheel, pip's, and every dependency's for each target
    requirements/         the pinned requirements of each target (linux-cp311.txt …)

The install scripts run pip from the bundled pip wheel with --no-index --find-links
wheels/, so they need neither the internet nor a pip of the user's. The bundle is
checked before it is zipped: every pin of every target has a wheel with matching tags.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from scripts.targets import ROOT, Target, parse_targets, resolve, uv_binary
from scripts.wheel_coverage import check_bundle, check_index, report

INSTALLERS = ROOT / "scripts" / "install"
# Read on Windows: Windows PowerShell 5.1 reads a script without a BOM in the ANSI code page
# (cp932), which garbles its Japanese; cmd.exe reads a batch file in the OEM code page.
WINDOWS_TEXT = {".ps1": "utf-8-sig", ".txt": "utf-8-sig", ".bat": "ascii"}


def project_version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def pip(*args: str) -> None:
    """Run this interpreter's pip (quietly; its errors still show)."""
    subprocess.run([sys.executable, "-m", "pip", *args, "--quiet", "--disable-pip-version-check"], check=True)


def download(target: Target, pins: list[str], wheels: Path, requirements: Path) -> None:
    """Write the target's requirements file and fetch one wheel per pin into `wheels`."""
    path = requirements / f"{target.name}.txt"
    path.write_text("\n".join(pins) + "\n", encoding="utf-8")
    try:
        pip("download", "--no-deps", "--dest", str(wheels), *target.pip_platform_args(), "-r", str(path))
    except subprocess.CalledProcessError:
        report([check_index(target)])  # names every requirement without a wheel
        raise SystemExit(f"{target.name}: some requirements have no wheel; see above") from None


def copy_installers(out: Path) -> None:
    """Copy the install scripts and README; Windows files get CRLF and the encoding Windows reads."""
    for script in sorted(INSTALLERS.iterdir()):
        if not script.is_file():  # __pycache__ from a run of prune.py here
            continue
        encoding = WINDOWS_TEXT.get(script.suffix)
        if encoding is None:
            shutil.copy2(script, out / script.name)
        else:
            text = script.read_text(encoding="utf-8")
            (out / script.name).write_text(text, encoding=encoding, newline="\r\n")
    (out / "install.sh").chmod(0o755)


def build(out: Path, targets: list[Target]) -> Path:
    """Build the bundle folder `out` for `targets`; returns it."""
    shutil.rmtree(out, ignore_errors=True)
    wheels, requirements = out / "wheels", out / "requirements"
    wheels.mkdir(parents=True)
    requirements.mkdir()
    subprocess.run(
        [uv_binary(), "build", "--wheel", "--quiet", "--out-dir", str(wheels), str(ROOT)], check=True
    )
    pip("download", "--no-deps", "--only-binary", ":all:", "--dest", str(wheels), "pip")
    with ThreadPoolExecutor(max_workers=4) as pool:  # resolving waits on the index, not the CPU
        pins = list(pool.map(resolve, targets))
    for target, target_pins in zip(targets, pins, strict=True):
        download(target, target_pins, wheels, requirements)
    copy_installers(out)
    if report(check_bundle(out)) != 0:
        raise SystemExit("the bundle misses wheels; see above")
    return out


def size_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--target", action="append", default=[], help="all (default), linux, windows, linux-cp311 …"
    )
    parser.add_argument("--out", type=Path, help="the bundle folder (default dist/dxi-offline-<version>)")
    parser.add_argument("--zip", action="store_true", help="also write <out>.zip")
    args = parser.parse_args(argv)
    out = (args.out or ROOT / "dist" / f"dxi-offline-{project_version()}").resolve()
    build(out, parse_targets(args.target))
    print(f"bundle: {out} ({size_mb(out):,.0f} MB)")  # noqa: T201 (a command-line tool)
    if args.zip:
        archive = Path(shutil.make_archive(str(out), "zip", out.parent, out.name))
        print(f"zip:    {archive} ({size_mb(archive):,.0f} MB)")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
