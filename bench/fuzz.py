"""Long fuzzing run of the properties in tests/inventory/fuzz_properties.py (CI runs them briefly).

    python bench/fuzz.py [--minutes 5] [--batch 200] [--only survey_reader] [--out /tmp/dxi-fuzz-found]

Each property runs in its own worker process under a 3 GiB address-space limit, in
batches of `--batch` hypothesis examples with a fresh seed each, until its share of the
time budget is spent. A worker that dies (a Rust panic that aborts, an allocation that
fails, a segfault) is a crash: the input it was on is saved to `--out` so it can become
a corpus file. A failing assertion or an unexpected exception is a failure, saved the
same way. Prints, per property: examples tried, failures, crashes, and where inputs went.
atheris runs too when it is importable (it is not a dependency); otherwise it is skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import resource
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MEMORY_LIMIT = 3 * 1024**3
MAX_CRASHES = 5  # per property: a deterministic crash would otherwise restart forever


def worker(name: str, seconds: float, batch: int, out: Path) -> None:
    """Run one property until `seconds` pass; print a JSON line of figures at the end."""
    from hypothesis import HealthCheck, given, seed, settings

    from tests.inventory.fuzz_properties import PROPERTIES

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    prop = next(p for p in PROPERTIES if p.name == name)
    current = out / f"{name}.current.pickle"
    tried = failures = 0
    seen: set[str] = set()
    deadline = time.monotonic() + seconds

    def check(value: Any) -> None:
        nonlocal tried
        tried += 1
        current.write_bytes(pickle.dumps(value))  # a crash kills us: the parent keeps this input
        if tried % 50 == 0:
            (out / f"{name}.tried").write_text(str(tried))
        prop.check(value)

    while time.monotonic() < deadline:
        run = settings(
            max_examples=batch,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )(given(prop.strategy)(check))
        try:
            seed(random.getrandbits(64))(run)()
        except Exception as exc:  # a falsified property: keep the shrunk input once per error kind
            key = f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"
            if key not in seen:
                seen.add(key)
                failures += 1
                target = out / f"{name}.failure{failures}.pickle"
                target.write_bytes(current.read_bytes())
                (out / f"{name}.failure{failures}.txt").write_text(traceback.format_exc())
    current.unlink(missing_ok=True)
    (out / f"{name}.tried").write_text(str(tried))
    print(json.dumps({"property": name, "tried": tried, "failures": failures}))  # noqa: T201


def run_atheris(seconds: float) -> str:
    """Coverage-guided fuzzing of the survey reader, when atheris is installed."""
    try:
        import atheris  # type: ignore[import-not-found]
    except ImportError:
        return "atheris: not installed (not a dependency), skipped"
    proc = subprocess.run(
        [sys.executable, __file__, "--atheris-worker", f"-max_total_time={int(seconds)}"],
        capture_output=True,
        text=True,
        check=False,
    )
    del atheris
    return f"atheris: exit {proc.returncode}\n{proc.stderr[-2000:]}"


def atheris_worker(argv: list[str]) -> None:
    import atheris  # type: ignore[import-not-found]

    with atheris.instrument_imports():
        from inventory.errors import UnreadableFileError
        from inventory.survey.reader import read_survey_bytes
        from inventory.survey.validate import validate_table

    def one(data: bytes) -> None:
        for name in ("f.xlsx", "f.csv"):
            try:
                validate_table(read_survey_bytes(data, name))
            except UnreadableFileError:
                pass

    atheris.Setup([sys.argv[0], *argv], one)
    atheris.Fuzz()


def fuzz_property(name: str, seconds: float, batch: int, out: Path) -> dict[str, int]:
    """Run workers for one property until its time is spent, restarting after each crash."""
    figures = {"tried": 0, "failures": 0, "crashes": 0}
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 1 and figures["crashes"] < MAX_CRASHES:
        counter = out / f"{name}.tried"
        counter.unlink(missing_ok=True)
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", name, str(left), str(batch), str(out)],
            capture_output=True, text=True, check=False, env={**os.environ, "RUST_BACKTRACE": "0"},
        )  # fmt: skip
        figures["tried"] += int(counter.read_text()) if counter.exists() else 0
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
        if lines:
            figures["failures"] += json.loads(lines[-1])["failures"]
        if proc.returncode != 0:
            figures["crashes"] += 1
            kept = out / f"{name}.crash{figures['crashes']}.pickle"
            current = out / f"{name}.current.pickle"
            if current.exists():
                current.replace(kept)
            tail = "\n    ".join(proc.stderr.strip().splitlines()[-4:])
            print(f"  {name}: worker died (exit {proc.returncode}); input kept in {kept}\n    {tail}")  # noqa: T201
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="total time budget")
    parser.add_argument("--batch", type=int, default=200, help="hypothesis examples per seed")
    parser.add_argument("--only", action="append", help="run only these properties")
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "dxi-fuzz-found")
    args = parser.parse_args()
    from tests.inventory.fuzz_properties import PROPERTIES

    names = args.only or [p.name for p in PROPERTIES]
    args.out.mkdir(parents=True, exist_ok=True)
    share = args.minutes * 60 / (len(names) + 1)  # one share for atheris
    print(f"fuzzing {len(names)} properties, {share:.0f} s each, inputs kept in {args.out}")  # noqa: T201
    totals = {"tried": 0, "failures": 0, "crashes": 0}
    for name in names:
        figures = fuzz_property(name, share, args.batch, args.out)
        for key in totals:
            totals[key] += figures[key]
        print(  # noqa: T201
            f"{name:>16}: {figures['tried']:>8,} inputs in {share:5.0f} s, "
            f"{figures['failures']} failures, {figures['crashes']} crashes"
        )
    print(run_atheris(share))  # noqa: T201
    print(  # noqa: T201
        f"total: {totals['tried']:,} inputs tried, {totals['failures']} failures, {totals['crashes']} crashes"
    )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), Path(sys.argv[5]))
    elif len(sys.argv) > 1 and sys.argv[1] == "--atheris-worker":
        atheris_worker(sys.argv[2:])
    else:
        main()
