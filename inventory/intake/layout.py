"""Intake of a municipality's own workbook through a layout: read, check, one ParseResult.

The result is the same ParseResult the default template gives, so storing, the error
workbook, the CLI, the flows and the inbox treat both alike. A file with several 課
(or 年度) gives one survey per (課, 年度): the first in `survey`, the rest in `others`,
stored together in one transaction by `inventory.intake.survey.store_parsed`.

The product's own survey template (and our error workbook) always takes the default
path, even when a layout is given: a campaign that runs on a layout still accepts the
template a 課 downloaded from us.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from inventory.layouts.model import Layout
from inventory.layouts.read import read_with_layout
from inventory.layouts.tasks import to_surveys
from inventory.survey.per_survey import IntakeOptions
from inventory.survey.reader import ZIP_MAGIC, RawTable, content_hash
from inventory.survey.validate import ParseResult

OUR_CREATOR = "<dc:creator>dx-task-inventory</dc:creator>"


def is_own_template(data: bytes) -> bool:
    """True for a workbook we wrote (`dxi template`, an error workbook), filled in since or not.

    Excel and LibreOffice keep the author a workbook was created with, so the file still
    says whose form it is after the clerk has saved it.
    """
    if not data.startswith(ZIP_MAGIC):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            core = archive.read("docProps/core.xml")[:65536].decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError):
        return False
    return OUR_CREATOR in core


def parse_with_layout(
    data: bytes, file_name: str, layout: Layout, options: IntakeOptions | None = None
) -> ParseResult:
    """Read and check a file through a layout; pure apart from the bytes it is given."""
    options = options or IntakeOptions()
    book, reading = read_with_layout(data, file_name, layout)
    sheet = reading.sheets_read[0] if len(reading.sheets_read) == 1 else None
    file_format = book.file_format if book else Path(file_name).suffix.lstrip(".").lower()
    raw = RawTable(file_name, file_format, content_hash(data), sheet, [])
    if book is None or reading.problems:
        return ParseResult(raw, None, reading.problems, options=options, layout=layout.name)
    found = to_surveys(book, layout, reading.records, options)
    if found.errors or not found.surveys:
        return ParseResult(
            raw, None, found.errors, options=options, warnings=found.warnings, layout=layout.name
        )
    first, *others = found.surveys
    return ParseResult(
        raw, first, [], options=options, warnings=found.warnings, others=others, layout=layout.name
    )
