"""Worker process for the concurrency tests: one intake per round, released by a barrier.

Kept apart from the test module so a spawned worker imports only what intake needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from inventory.db.engine import engine_for
from inventory.intake.survey import parse_bytes, store_parsed

TIMEOUT = 120.0


def intake_rounds(url: str, paths: list[str], start: Any, end: Any, results: Any) -> None:
    """Per round: parse the file first, wait for the others, then store it (the contended part)."""
    engine = engine_for(url)
    try:
        for round_no, path in enumerate(paths):
            parsed = parse_bytes(Path(path).read_bytes(), Path(path).name)
            start.wait(TIMEOUT)
            outcome = store_parsed(engine=engine, result=parsed, actor=Path(path).stem)
            results.put((round_no, path, outcome.status, outcome.submission_id, outcome.superseded_id))
            end.wait(TIMEOUT)
    except BaseException as exc:  # report to the parent instead of dying silently
        results.put(("error", repr(exc)))
        start.abort()
        end.abort()
        raise
    finally:
        engine.dispose()


def overtime_rounds(url: str, paths: list[str], start: Any, end: Any, results: Any) -> None:
    """Per round: read the file's bytes, wait for the others, then import it (`dxi overtime import`'s path)."""
    from inventory.intake.overtime import import_overtime
    from inventory.settings import DEV_PSEUDONYM_KEY

    engine = engine_for(url)
    try:
        for round_no, path in enumerate(paths):
            data = Path(path).read_bytes()
            start.wait(TIMEOUT)
            done = import_overtime(
                engine=engine, data=data, file_name=Path(path).name,
                pseudonym_key=lambda: DEV_PSEUDONYM_KEY, actor="race",
            )  # fmt: skip
            results.put((round_no, path, done.stored is not None and not done.parsed.errors))
            end.wait(TIMEOUT)
    except BaseException as exc:
        results.put(("error", repr(exc)))
        start.abort()
        end.abort()
        raise
    finally:
        engine.dispose()
