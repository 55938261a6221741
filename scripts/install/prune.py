"""Remove what the installed packages ship for their own test suites (run by install.sh / install.ps1).

    <venv>/bin/python prune.py        (Windows: <venv>\\Scripts\\python.exe prune.py)

pandas, numpy and a few others install their own tests (pandas/tests alone is about
18 MB); dxi never imports them. Only folders named `tests` inside a package of the
virtual environment this Python runs are removed, and only when they hold no `.pth`
hook or C extension (which a package could load at run time). Prints what it freed.
"""

from __future__ import annotations

import shutil
import sysconfig
from pathlib import Path

EXTENSIONS = (".so", ".pyd", ".pth")


def prune(site: Path) -> int:
    """Remove the test folders under `site`; the bytes freed."""
    freed = 0
    for folder in sorted(site.glob("*/**/tests")):
        if not folder.is_dir() or folder.is_symlink():  # gone with a parent removed before it, or a link
            continue
        inside = list(folder.rglob("*"))
        if any(path.suffix in EXTENSIONS for path in inside):
            continue
        freed += sum(path.stat().st_size for path in inside if path.is_file())
        shutil.rmtree(folder)
    return freed


def main() -> None:
    freed = prune(Path(sysconfig.get_paths()["purelib"]))
    print(f"パッケージ付属のテスト（実行時に使わないもの）を削除しました: {freed / 1e6:.0f} MB")  # noqa: T201


if __name__ == "__main__":
    main()
