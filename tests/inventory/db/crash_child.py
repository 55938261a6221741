"""Child process for the crash-safety tests: run real intake/overtime/scoring code, SIGKILL itself.

Run as `python -m tests.inventory.db.crash_child '<json spec>'` from the repository root.
The kill point is chosen from outside production code: SQLAlchemy event listeners (and a
wrapper round `zipfile.ZipFile.write`, which xlsxwriter uses to assemble a workbook)
count what the real code does and `os.kill(os.getpid(), SIGKILL)` at the chosen step, so
no `finally`, no rollback and no atexit handler runs: the database sees a client vanish.

Spec keys:
    job:  "intake" | "overtime" | "scoring" | "ingest_cli"
    url:  database URL
    path, errors_dir, fiscal_year: job arguments
    kill: null, or one of
        {"at": "statement", "pattern": REGEX, "nth": N}            before the N-th matching statement
        {"at": "statement", "pattern": REGEX, "nth": N, "row": K}  while its executemany reads row K
        {"at": "commit", "after": REGEX}        right before the COMMIT that follows a matching statement
        {"at": "after_commit", "after": REGEX}  right after that COMMIT returned
        {"at": "zip_member", "nth": N}          while the N-th member of an xlsx is being zipped
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session


def die() -> None:
    """SIGKILL this process: nothing after this line runs, not even Python's cleanup."""
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)


def _rows_then_die(rows: Any, kill_at: int) -> Iterator[Any]:
    for index, row in enumerate(rows, start=1):
        if index == kill_at:
            die()
        yield row


def install(kill: dict[str, Any]) -> None:
    """Arm the kill point described by `kill`."""
    at = kill["at"]
    if at == "zip_member":
        original = zipfile.ZipFile.write
        seen = {"n": 0}

        def write(self: zipfile.ZipFile, *args: Any, **kwargs: Any) -> Any:
            seen["n"] += 1
            if seen["n"] == kill["nth"]:
                die()
            return original(self, *args, **kwargs)

        zipfile.ZipFile.write = write  # type: ignore[method-assign]
        return
    pattern = re.compile(kill.get("pattern") or kill["after"], re.IGNORECASE)
    state = {"matched": 0}

    @event.listens_for(Engine, "before_cursor_execute", retval=True)
    def _before(_conn: Any, _cursor: Any, statement: str, parameters: Any, _ctx: Any, many: bool) -> Any:
        if not pattern.search(statement):
            return statement, parameters
        state["matched"] += 1
        if at == "statement" and state["matched"] == kill["nth"]:
            if "row" not in kill:
                die()
            assert many, f"row kill needs an executemany: {statement[:80]}"
            return statement, _rows_then_die(parameters, kill["row"])
        return statement, parameters

    if at == "commit":

        @event.listens_for(Engine, "commit")
        def _commit(_conn: Any) -> None:  # fires just before the DBAPI commit
            if state["matched"]:
                die()

    elif at == "after_commit":

        @event.listens_for(Session, "after_commit")
        def _after(_session: Session) -> None:  # fires once the DBAPI commit returned
            if state["matched"]:
                die()


def run(spec: dict[str, Any]) -> object:
    """Call the real code for the job; return something JSON-serialisable."""
    job, url = spec["job"], spec["url"]
    if job == "intake":
        from inventory.db.engine import engine_for
        from inventory.intake.survey import ingest_file

        errors_dir = Path(spec["errors_dir"]) if spec.get("errors_dir") else None
        outcome = ingest_file(engine=engine_for(url), path=Path(spec["path"]), errors_dir=errors_dir)
        return {"status": outcome.status, "tasks": outcome.task_count, "workbook": outcome.error_workbook}
    if job == "scoring":
        os.environ.update(PREFECT_HOME=spec["prefect_home"], PREFECT_SERVER_ANALYTICS_ENABLED="false")
        os.environ["DO_NOT_TRACK"] = "1"
        from bpr.scoring.config import default_config
        from flows.task_scoring import load_inventory, score, store

        config = default_config()
        year, tasks = load_inventory.fn(url, spec.get("fiscal_year"))
        scored, _groups, ranked, group_ranking = score.fn(tasks, config)
        return store.fn(url, year, config, tasks, scored, ranked, group_ranking, "crash-test", None)
    # CLI jobs: the real `dxi` entry point, configured through DXI_* as an operator would.
    os.environ["DXI_DATABASE_URL"] = url
    from flows.cli.main import main

    sys.argv = ["dxi", *spec["argv"]]
    try:
        main()
    except SystemExit as exc:
        return {"exit": exc.code}
    return {"exit": 0}


if __name__ == "__main__":
    arguments = json.loads(sys.argv[1])
    if arguments.get("kill"):
        install(arguments["kill"])
    sys.stdout.write(json.dumps(run(arguments), ensure_ascii=False, default=str) + "\n")
