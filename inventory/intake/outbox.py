"""Write a campaign's templates: one pre-filled 業務量調査票 per 課, all or nothing.

Templates are written into a hidden staging folder beside the outbox and moved into
place only after the campaign is recorded, so a failure half-way leaves neither a
campaign without files nor files of a campaign that does not exist.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from inventory.campaign.depts import DepartmentEntry
from inventory.campaign.status import template_file_name
from inventory.db.task_repo import previous_tasks
from inventory.survey.template import write_template


@dataclass(frozen=True)
class SentTemplate:
    """One template written for a 課, with how many of last year's tasks it carries."""

    department: str
    division: str | None
    file_name: str
    prefilled: int


def write_templates(
    *, session: Session, fiscal_year: int, entries: Sequence[DepartmentEntry], folder: Path
) -> list[SentTemplate]:
    """Write every 課's template into `folder`, pre-filled from its latest earlier survey."""
    folder.mkdir(parents=True, exist_ok=True)
    sent = []
    for entry in entries:
        previous = [
            t.model_dump()
            for t in previous_tasks(
                session=session, department=entry.department, before_fiscal_year=fiscal_year
            )
        ]
        name = template_file_name(fiscal_year, entry.department)
        write_template(
            folder / name,
            fiscal_year=fiscal_year,
            department=entry.department,
            division=entry.division,
            previous_tasks=previous,
        )
        sent.append(SentTemplate(entry.department, entry.division, name, len(previous)))
    return sent


@contextmanager
def staging_folder(target: Path) -> Iterator[Path]:
    """A hidden folder beside `target`; moved into `target` on success, removed on any error."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = target.parent / f".{target.name}.staging-{uuid.uuid4().hex[:8]}"
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(staging.iterdir()):
        path.replace(target / path.name)  # a re-opened 年度 gets fresh templates
    staging.rmdir()
