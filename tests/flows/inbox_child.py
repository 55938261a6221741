"""Child process for the overlapping-runs test: one inbox scan, started on a shared signal.

Run as `python -m tests.flows.inbox_child INBOX URL READY GO OUT` from the repository root.
It imports everything first, touches READY, waits for GO to exist (so two children start
their scans within a millisecond of each other), runs `inbox_scan.fn` and writes the
files it filed to OUT as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from pathlib import Path


def main(inbox: str, url: str, ready: str, go: str, out: str) -> None:
    from flows.inbox_scan import inbox_scan

    Path(ready).touch()
    deadline = time.monotonic() + 120
    while not Path(go).exists():
        if time.monotonic() > deadline:
            raise SystemExit("no start signal")
        time.sleep(0.001)
    summary = inbox_scan.fn(inbox=inbox, database_url=url)
    Path(out).write_text(json.dumps([asdict(f) for f in summary.files], ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:6])
