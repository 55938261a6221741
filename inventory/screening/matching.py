"""Find the stored task each screening row answers: by 業務ID, else by 業務名 (NFKC).

Pure: rows and the 課's current tasks in, matches and Japanese errors out. A row that
finds no task, finds two, or finds a task another row already answered is an error:
the whole file is then rejected, so no answer lands on the wrong task.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from inventory.era import era_label
from inventory.errors import RowError
from inventory.screening.reader import ScreeningRow
from inventory.survey.schema import nfkc_key


@dataclass(frozen=True)
class TaskRef:
    """What matching needs of a stored task."""

    id: int
    task_code: str | None
    name: str


@dataclass(frozen=True)
class Where:
    """The file, sheet and headers errors point at, and the 課 and 年度 looked in."""

    file: str
    sheet: str | None
    department: str
    fiscal_year: int
    code_header: str = "業務ID"
    name_header: str = "業務名"


@dataclass
class Matches:
    """Task id per source row, or the errors that reject the file."""

    by_row: dict[int, int] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)


def code_key(code: str) -> str:
    """The matching key of a 業務ID: NFKC, no spaces, any case (Ａ－００１ = a-001 = A-001)."""
    return nfkc_key(code).casefold()


def _index(tasks: Sequence[TaskRef]) -> tuple[dict[str, list[TaskRef]], dict[str, list[TaskRef]]]:
    by_code: dict[str, list[TaskRef]] = defaultdict(list)
    by_name: dict[str, list[TaskRef]] = defaultdict(list)
    for task in tasks:
        if task.task_code:
            by_code[code_key(task.task_code)].append(task)
        by_name[nfkc_key(task.name)].append(task)
    return by_code, by_name


def match_rows(rows: Sequence[ScreeningRow], tasks: Sequence[TaskRef], where: Where) -> Matches:
    """Match every row to one current task of the 課; collect every row that cannot be."""
    by_code, by_name = _index(tasks)
    found = Matches()
    taken: dict[int, int] = {}  # task id → the row that answered it

    def error(row: ScreeningRow, code: str, message: str, *, by_name_column: bool = False) -> None:
        column = where.name_header if by_name_column or not row.task_code else where.code_header
        value = row.name if by_name_column or not row.task_code else row.task_code
        found.errors.append(
            RowError(file=where.file, sheet=where.sheet, row=row.source_row, column=column, value=value,
                     code=code, message=message)
        )  # fmt: skip

    for row in rows:
        code_hits = by_code.get(code_key(row.task_code), []) if row.task_code else []
        name_hits = by_name.get(nfkc_key(row.name), []) if row.name else []
        hits = code_hits or name_hits
        if len(hits) > 1:
            error(row, "ambiguous_task", _ambiguous(row, where), by_name_column=not code_hits)
            continue
        if not hits:
            error(row, "unmatched_task", _unmatched(row, where))
            continue
        task = hits[0]
        if task.id in taken:
            message = f"{taken[task.id]}行目と同じ業務（{task.name}）です。1つの業務は1行にまとめてください"
            error(row, "duplicate_task", message)
            continue
        taken[task.id] = row.source_row
        found.by_row[row.source_row] = task.id
    return found


def _described(row: ScreeningRow) -> str:
    parts = [f"業務ID「{row.task_code}」"] if row.task_code else []
    parts += [f"業務名「{row.name}」"] if row.name else []
    return "・".join(parts)


def _unmatched(row: ScreeningRow, where: Where) -> str:
    return (
        f"{where.department}の{era_label(where.fiscal_year)}の業務一覧に、この業務（{_described(row)}）がありません。"
        "業務ID・業務名は送付したときのままにしてください（新しい業務は業務量調査票で提出してください）"
    )


def _ambiguous(row: ScreeningRow, where: Where) -> str:
    return (
        f"{where.department}の{era_label(where.fiscal_year)}の業務一覧に、{_described(row)}に当たる業務が複数あります。"
        "送付したときの業務IDを記入してください"
    )
