"""One entry for every workbook a 課 sends back: a 業務量調査票 or a 二次調査票.

The file says what it is: our screening workbook has a `二次調査票` sheet (and no
`業務一覧`), so `dxi ingest` and the inbox take either without being told. The file is
opened once; its chosen sheet decides which reader and which store apply.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy import Engine

from inventory.errors import RowError, UnreadableFileError
from inventory.intake.survey import FileOutcome, parse_bytes, store_one, unreadable
from inventory.screening.fields import SCREENING_SHEET
from inventory.survey.per_survey import IntakeOptions
from inventory.survey.reader import read_table_bytes, survey_sheet
from inventory.survey.schema import SURVEY_SHEET
from inventory.survey.validate import ParseResult, validate_table

if TYPE_CHECKING:  # the screening and layout modules load for their own files only (start-up time)
    from inventory.screening.reader import ScreeningParse

AnyParse: TypeAlias = "ParseResult | ScreeningParse"


def pick_sheet(names: list[str]) -> str:
    """業務一覧 for a survey, else 二次調査票 for a screening, else the survey's own choice."""
    if SURVEY_SHEET not in names and SCREENING_SHEET in names:
        return SCREENING_SHEET
    return survey_sheet(names)


def parse_any(data: bytes, file_name: str, options: IntakeOptions | None = None) -> AnyParse:
    """Read and check a returned workbook of either kind; an unreadable file is a file-level error.

    With a layout in the options, a municipality's own workbook is read through it; a
    workbook we wrote (survey template, screening workbook, error workbook) is read as itself.
    """
    if options is not None and options.layout:
        from inventory.intake.layout import is_own_template

        if not is_own_template(data):
            return parse_bytes(data, file_name, options)
    try:
        raw = read_table_bytes(data, file_name, pick_sheet=pick_sheet, with_cover=True)
    except UnreadableFileError as exc:
        return unreadable(file_name, exc.message, data)
    if raw.sheet == SCREENING_SHEET:
        from inventory.screening.reader import parse_screening

        return parse_screening(raw, options)
    return validate_table(raw, options)


def store_any(
    *, engine: Engine, source: Path, result: AnyParse, actor: str, errors_dir: Path | None
) -> FileOutcome:
    """Store one parsed file of either kind, or reject it with its error workbook."""
    if not isinstance(result, ParseResult):  # a 二次調査票
        from inventory.intake.screening import store_screening_one

        return store_screening_one(
            engine=engine, source=source, result=result, actor=actor, errors_dir=errors_dir
        )
    return store_one(engine=engine, source=source, result=result, actor=actor, errors_dir=errors_dir)


def ingest_any(
    *,
    engine: Engine,
    path: Path,
    options: IntakeOptions | None = None,
    errors_dir: Path | None = None,
    actor: str = "system",
) -> FileOutcome:
    """Ingest one returned workbook end to end (tests, the benchmark, one-off scripts)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        error = RowError(
            file=path.name, code="unreadable_file", message=f"ファイルを開けません（{exc.strerror}）"
        )
        return FileOutcome(path.name, "rejected", errors=[error])
    result = parse_any(data, path.name, options)
    return store_any(engine=engine, source=path, result=result, actor=actor, errors_dir=errors_dir)
