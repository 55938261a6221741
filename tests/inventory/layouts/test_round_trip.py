"""Suggest a layout for each published family, ingest through it, and find the expected tasks and hours.

Unedited where the headings use common municipal wording; with the one-line edit a person
makes where they do not (担当職員数 meant as 人工). Real files, real SQLite and PostgreSQL.
"""

from __future__ import annotations

import tomllib
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from inventory.db.engine import session_scope
from inventory.db.task_repo import list_tasks
from inventory.errors import LayoutError, UnreadableFileError
from inventory.intake.layout import parse_with_layout
from inventory.intake.survey import ingest_file
from inventory.layouts.model import parse_layout
from inventory.layouts.scan import read_book, read_book_file
from inventory.layouts.suggest import suggest_layout
from inventory.layouts.suggest_toml import render
from inventory.survey.validate import ParseResult
from tests.corpus.generate import generate
from tests.inventory.layouts import books
from tests.inventory.layouts.families import FAMILIES, Family, Task, apply_edit


def _suggested(family: Family) -> str:
    text = render(suggest_layout(read_book_file(family.path)))
    return apply_edit(text, family.edit) if family.edit else text


def _rounded(tasks: list[Task]) -> list[Task]:
    """Tasks in a stable order, names as the intake stores them (NFKC), hours to 4 places (1時間44分)."""
    rounded = [
        Task(t.department, unicodedata.normalize("NFKC", t.name), t.fiscal_year, round(t.annual_hours, 4),
             None if t.hours_after is None else round(t.hours_after, 4))
        for t in tasks
    ]  # fmt: skip
    return sorted(rounded, key=lambda t: (t.department, t.name))


def _stored(engine: Engine) -> list[Task]:
    with session_scope(engine) as session:
        stored = list_tasks(session=session)
        return _rounded(
            [Task(t.department, t.name, t.fiscal_year, t.annual_hours, t.hours_after) for t in stored]
        )


@pytest.mark.parametrize("build", FAMILIES.values(), ids=list(FAMILIES))
def test_the_suggested_layout_ingests_the_expected_tasks_and_hours(
    tmp_path: Path, engine: Engine, build: Callable[[Path], Family]
) -> None:
    family = build(tmp_path)
    layout = parse_layout(_suggested(family), "提案された様式")
    outcome = ingest_file(engine=engine, path=family.path, layout=layout, errors_dir=tmp_path / "errors")
    assert outcome.status == "accepted", [e.message for e in outcome.errors]
    assert _stored(engine) == _rounded(family.tasks)


def test_without_its_one_line_edit_the_staff_share_layout_is_refused_naming_the_volume(
    tmp_path: Path,
) -> None:
    family = FAMILIES["staff_share_table"](tmp_path)
    text = render(suggest_layout(read_book_file(family.path)))
    with pytest.raises(LayoutError, match="業務量の項目がありません"):
        parse_layout(text, "提案された様式")


@pytest.mark.parametrize(
    ("build", "hand_written"),
    [(books.hours_table, books.HOURS_LAYOUT), (books.vertical_forms, books.VERTICAL_LAYOUT)],
    ids=["hours_table", "vertical_forms"],
)
def test_the_suggestion_reads_a_workbook_as_its_hand_written_layout_does(build, hand_written: str) -> None:
    """The layout engine's own test books: the guessed layout gives the hand-written layout's tasks."""
    data = build()
    suggested = render(suggest_layout(read_book(data, "調査票.xlsx")))
    by_hand = parse_with_layout(data, "調査票.xlsx", parse_layout(hand_written))
    guessed = parse_with_layout(data, "調査票.xlsx", parse_layout(suggested, "提案された様式"))
    assert guessed.errors == [] and by_hand.errors == []
    assert _tasks(guessed) == _tasks(by_hand) and len(_tasks(guessed)) >= 2


def _tasks(result: ParseResult) -> list[Task]:
    surveys = [s for s in (result.survey, *result.others) if s is not None]
    return _rounded(
        [
            Task(s.department, t.name, s.fiscal_year, t.annual_hours, t.hours_after)
            for s in surveys
            for t in s.tasks
        ]
    )


def test_no_hostile_file_crashes_suggest(tmp_path: Path) -> None:
    """Every file of the hostile corpus gets a suggestion or a Japanese refusal, nothing else."""
    refused = complete = 0
    for name, path in generate(tmp_path / "corpus").items():
        try:
            suggestion = suggest_layout(read_book_file(path))
        except UnreadableFileError as exc:
            assert exc.message.startswith(name), exc.message
            refused += 1
            continue
        text = render(suggestion)
        tomllib.loads(text)  # always a TOML file, whatever the cells held
        if not any(m.required for m in suggestion.missing):
            parse_layout(text, name)  # complete guesses are valid layouts
            complete += 1
    assert refused >= 10 and complete >= 10
