"""Hold a file the way Excel does on Windows: no program may write, replace or remove it.

Linux has no such lock, so the file is made immutable (`chattr +i`, which refuses even
root with EPERM: the PermissionError Windows raises for a file Excel holds open). Where
chattr is missing or the file system lacks the flag, the test skips with the reason.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


@contextmanager
def open_in_excel(path: Path) -> Iterator[Path]:
    """Keep `path` locked for the duration of the block."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed: a file cannot be locked as Excel locks it")
    if not path.exists():
        path.write_bytes(b"")
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(
            f"chattr +i is refused here ({done.stderr.strip()}): a file cannot be locked as Excel locks it"
        )
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
