"""Write the hostile-input corpus: files a careless clerk, a broken PC or an attacker could send.

Generated at test time, so git holds only the builders (`builders.py`), the cases
(`cases.py`) and each file's expected outcome (`expected.toml`, keyed by file name).
`tests/inventory/test_corpus.py` walks the files through the real intake.

    python -m tests.corpus.generate /tmp/corpus      # write every file into a folder
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

from tests.corpus.cases import CANARY_URL, CASES

EXPECTED_PATH = Path(__file__).with_name("expected.toml")


def expected() -> dict[str, dict[str, Any]]:
    """File name → its expected outcome (see the comment at the top of expected.toml)."""
    with EXPECTED_PATH.open("rb") as handle:
        return tomllib.load(handle)


def generate(folder: Path, *, canary_url: str = CANARY_URL) -> dict[str, Path]:
    """Write every corpus file into `folder`; return file name → path.

    `canary_url` is where the external-entity files point; a test listens there to
    prove that nothing is ever fetched.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, (_, build) in CASES.items():
        path = folder / name
        path.write_bytes(build(canary_url))
        written[name] = path
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    paths = generate(target)
    sys.stdout.write(f"{len(paths)} files written to {target}\n")
