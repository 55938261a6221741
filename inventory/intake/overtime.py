"""Import one 時間外勤務実績 file end to end: validate against the known 課, then store or reject.

Shared by `dxi overtime import` and the `overtime-scan` flow, so both store and audit a
file the same way. Each write is its own transaction; a rejected file stores nothing
but an audit trace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from inventory.db.engine import session_scope
from inventory.db.overtime_repo import (
    ImportOutcome,
    known_departments,
    record_overtime_rejection,
    replace_overtime,
)
from inventory.overtime.reader import OvertimeParse, read_overtime_bytes


@dataclass(frozen=True)
class OvertimeImport:
    """A file's parse and, when it was accepted, what storing it did (None when rejected)."""

    parsed: OvertimeParse
    stored: ImportOutcome | None


def import_overtime(
    *, engine: Engine, data: bytes, file_name: str, pseudonym_key: Callable[[], bytes], actor: str
) -> OvertimeImport:
    """Validate a file's bytes and replace its 課 × months, or record the rejection.

    Raises UnreadableFileError when the bytes are not a workbook or CSV at all.
    """
    with session_scope(engine) as session:
        known = known_departments(session=session)
    parsed = read_overtime_bytes(data, file_name, known_departments=known, pseudonym_key=pseudonym_key)
    if parsed.errors:
        with session_scope(engine) as session:
            record_overtime_rejection(
                session=session, file_name=file_name, content_hash=parsed.content_hash,
                codes=[e.code for e in parsed.errors], actor=actor,
            )  # fmt: skip
        return OvertimeImport(parsed, None)
    with session_scope(engine) as session:
        stored = replace_overtime(
            session=session, rows=parsed.months, file_name=file_name,
            content_hash=parsed.content_hash, actor=actor,
        )  # fmt: skip
    return OvertimeImport(parsed, stored)
