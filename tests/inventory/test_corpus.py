"""Walk the hostile-input corpus (tests/corpus) through the real intake on SQLite and PostgreSQL.

For every file: no exception escapes but the documented one, a rejected file changes
no table (only the audit trail records the rejection), an accepted file stores exactly
the expected tasks or months, and every error names its row and column or is one of
the file-level reason codes.
"""

from __future__ import annotations

import socket
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from inventory.db.engine import session_scope
from inventory.db.overtime_repo import replace_overtime
from inventory.db.overtime_tables import OvertimeMonth
from inventory.db.submission_repo import store_survey
from inventory.db.tables import Base, Department
from inventory.db.task_repo import list_tasks
from inventory.errors import RowError, UnreadableFileError
from inventory.intake.overtime import import_overtime
from inventory.intake.survey import ingest_file, parse_bytes
from inventory.overtime.reader import OvertimeMonthIn
from tests.corpus.cases import CASES
from tests.corpus.generate import expected, generate
from tests.factories import make_survey

EXPECTED = expected()
FILE_LEVEL_CODES = {
    "unreadable_file", "empty_sheet", "missing_column", "no_tasks", "no_rows", "too_many_rows",
    "missing_fiscal_year", "missing_department",
}  # fmt: skip
PSEUDONYM_KEY = b"corpus-test-key-" * 2


@pytest.fixture(scope="module")
def canary() -> Iterator[socket.socket]:
    """A listening socket the external-entity files point at: it must never be contacted."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, canary: socket.socket) -> dict[str, Path]:
    port = canary.getsockname()[1]
    return generate(tmp_path_factory.mktemp("corpus"), canary_url=f"http://127.0.0.1:{port}/xxe")


def test_corpus_is_complete() -> None:
    assert len(CASES) >= 40
    assert set(CASES) == set(EXPECTED)
    assert all(EXPECTED[name]["kind"] == kind for name, (kind, _) in CASES.items())


def test_external_entities_fetch_nothing(corpus: dict[str, Path], canary: socket.socket) -> None:
    for name in ("xxe_external_entity.xlsx", "xxe_shared_strings.xlsx", "xxe_parameter_entity.xlsx"):
        result = parse_bytes(corpus[name].read_bytes(), name)
        assert result.survey is None and "DOCTYPE" in result.errors[0].message
    with pytest.raises(BlockingIOError):
        canary.accept()  # nobody connected


def _counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return {
            t.name: session.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
            if t.name != "audit_log"
        }


def _baseline(engine: Engine) -> None:
    """Data already there before the file comes: a rejected file must leave it exactly so."""
    with session_scope(engine) as session:
        store_survey(session=session, survey=make_survey(tag="citizens", department="市民課"))
        store_survey(session=session, survey=make_survey(tag="tax-2023", fiscal_year=2023))
        month = OvertimeMonthIn(department="市民課", year=2024, month=4, overtime_hours=3.0, headcount=5)
        replace_overtime(
            session=session, rows=[month], file_name="base.csv", content_hash="0" * 64, actor="t"
        )


def _assert_well_placed(errors: list[RowError]) -> None:
    assert errors
    for error in errors:
        placed = error.column is not None or error.code in FILE_LEVEL_CODES
        assert placed, f"error without row/column and not file-level: {error}"
        assert error.message and any("\u3040" <= ch <= "\u9fff" for ch in error.message)  # Japanese


def _triples(errors: list[RowError]) -> list[list[Any]]:
    return [[e.row or 0, e.column or "", e.code] for e in errors]


@pytest.mark.parametrize("name", list(CASES))
def test_corpus_file(engine: Engine, corpus: dict[str, Path], tmp_path: Path, name: str) -> None:
    want = EXPECTED[name]
    if name == "rows_100000.xlsx" and engine.dialect.name == "sqlite":
        pytest.skip(
            "the 100,000-row file is stored once, on PostgreSQL (the stricter backend), to keep the suite fast"
        )
    _baseline(engine)
    before = _counts(engine)
    if want["kind"] == "overtime":
        _check_overtime(engine, corpus[name], want, before)
    else:
        _check_survey(engine, corpus[name], want, before, tmp_path)


def _check_survey(
    engine: Engine, path: Path, want: dict[str, Any], before: dict[str, int], tmp: Path
) -> None:
    outcome = ingest_file(engine=engine, path=path, errors_dir=tmp / "errors")
    after = _counts(engine)
    if want["outcome"] == "rejected":
        assert outcome.status == "rejected"
        assert _triples(outcome.errors) == want["errors"]
        _assert_well_placed(outcome.errors)
        assert after == before, "a rejected file changed the database"
        assert outcome.error_workbook is not None and zipfile.is_zipfile(outcome.error_workbook)
        return
    assert outcome.status == "accepted", outcome.errors
    assert (outcome.fiscal_year, outcome.department, outcome.task_count) == (
        want["fiscal_year"], want["department"], want["tasks"],
    )  # fmt: skip
    assert after["tasks"] == before["tasks"] + want["tasks"]
    assert after["survey_submissions"] == before["survey_submissions"] + 1
    if "names" not in want:
        return
    with session_scope(engine) as session:
        stored = list_tasks(session=session, fiscal_year=want["fiscal_year"], department=want["department"])
    assert [t.name for t in stored] == want["names"]
    first = stored[0]
    assert (first.annual_volume, first.minutes_per_case, first.notes or "", first.section or "") == (
        want["first"]["annual_volume"], want["first"]["minutes_per_case"], want["first"]["notes"],
        want["first"]["section"],
    )  # fmt: skip


def _check_overtime(engine: Engine, path: Path, want: dict[str, Any], before: dict[str, int]) -> None:
    try:
        result = import_overtime(
            engine=engine, data=path.read_bytes(), file_name=path.name,
            pseudonym_key=lambda: PSEUDONYM_KEY, actor="corpus",
        )  # fmt: skip
    except UnreadableFileError as exc:  # the one documented exception: not a workbook or CSV at all
        assert want["errors"] == [[0, "", "unreadable_file"]] and exc.message
        assert _counts(engine) == before
        return
    errors = result.parsed.errors
    if want["outcome"] == "rejected":
        assert result.stored is None
        assert _triples(errors) == want["errors"]
        _assert_well_placed(errors)
        assert _counts(engine) == before, "a rejected file changed the database"
        return
    assert result.stored is not None and not errors
    with session_scope(engine) as session:
        rows = session.execute(
            select(Department.name, OvertimeMonth.year, OvertimeMonth.month, OvertimeMonth.overtime_hours,
                   OvertimeMonth.headcount)
            .join(Department, Department.id == OvertimeMonth.department_id)
            .where(OvertimeMonth.source_file == path.name)
            .order_by(OvertimeMonth.year, OvertimeMonth.month)
        ).all()  # fmt: skip
    assert [list(r) for r in rows] == want["months"]
