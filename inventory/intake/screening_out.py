"""Send the screening workbooks (二次調査票): choose the tasks, write one workbook per 課, record it.

The tasks are the top of the 年度's latest ranking or those a list names; only those
with unanswered attributes are asked about. Workbooks are written into a staging folder
and moved into place once the sending is recorded, so a failure leaves neither files
without a record nor a record without files.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from inventory.campaign.screening import SheetSent
from inventory.db.repository import now
from inventory.db.screening_repo import ranked_task_keys, record_sent
from inventory.db.tables import task_key
from inventory.db.task_repo import list_tasks
from inventory.era import era_label
from inventory.errors import NotFoundError, SurveyRejectedError, UnreadableFileError
from inventory.screening.fields import missing_attributes
from inventory.screening.task_list import find_listed, read_entries
from inventory.screening.writer import screening_file_name, write_screening_workbook
from inventory.survey.models import TaskOut
from inventory.survey.reader import read_table_bytes


@dataclass(frozen=True)
class Choice:
    """The tasks chosen, and those of them already fully answered (no screening needed)."""

    asked: list[TaskOut]
    complete: list[TaskOut]


def _split(chosen: Sequence[TaskOut]) -> Choice:
    asked = [t for t in chosen if missing_attributes(t.model_dump())]
    return Choice(asked, [t for t in chosen if not missing_attributes(t.model_dump())])


def choose_top(*, session: Session, fiscal_year: int, top: int) -> Choice:
    """The first `top` candidates of the 年度's latest ranking (knocked-out tasks left out)."""
    keys = ranked_task_keys(session=session, fiscal_year=fiscal_year)
    if keys is None:
        raise NotFoundError(
            f"{era_label(fiscal_year)}（{fiscal_year}年度）の採点結果がありません。先に `dxi score --fy {fiscal_year}` "
            "を実行するか、--tasks で業務の一覧を指定してください"
        )
    current = {
        task_key(t.department, t.task_code, t.name): t
        for t in list_tasks(session=session, fiscal_year=fiscal_year)
    }
    return _split([current[k] for k in keys if k in current][:top])


def choose_listed(*, session: Session, fiscal_year: int, data: bytes, file_name: str) -> Choice:
    """The tasks a CSV/xlsx list names by 業務ID or 課 + 業務名; any row naming none rejects the list."""
    raw = read_table_bytes(data, file_name, pick_sheet=lambda names: names[0])
    entries, errors = read_entries(raw)
    tasks = list_tasks(session=session, fiscal_year=fiscal_year)
    found, unmatched = find_listed(entries, tasks, file=file_name, sheet=raw.sheet)
    errors += unmatched
    if not errors and not entries:
        raise UnreadableFileError(f"{file_name}: 業務が1件も書かれていません")
    if errors:
        raise SurveyRejectedError(f"{file_name}: 業務の一覧に {len(errors)} 件の問題があります", errors)
    return _split(found)


def send_screening(
    *, session: Session, fiscal_year: int, tasks: Sequence[TaskOut], folder: Path, target: Path, actor: str
) -> list[SheetSent]:
    """Write one screening workbook per 課 into `folder` (a staging folder of `target`) and record them.

    The caller holds `staging_folder(target)` around its transaction, so files and record
    land together or not at all.
    """
    by_department: dict[str, list[TaskOut]] = defaultdict(list)
    for task in tasks:
        by_department[task.department].append(task)
    folder.mkdir(parents=True, exist_ok=True)
    sheets = []
    at = now()
    for department in sorted(by_department):
        chosen = sorted(by_department[department], key=lambda t: t.id)  # the 課's own order
        name = screening_file_name(fiscal_year, department)
        division = chosen[0].division
        write_screening_workbook(
            folder / name, fiscal_year=fiscal_year, department=department, division=division,
            tasks=[t.model_dump() for t in chosen],
        )  # fmt: skip
        keys = tuple(task_key(t.department, t.task_code, t.name) for t in chosen)
        sheets.append(SheetSent(department, division, name, keys, sent_at=at))
    record_sent(session=session, fiscal_year=fiscal_year, sheets=sheets, folder=str(target), actor=actor)
    return sheets
