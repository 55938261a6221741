"""Every workbook we write prints well: A4, one page wide, headings on every page.

The workbooks are written for realistic content (a 課 of 60 tasks pre-filled with
--from-previous, 150 ranked candidates, the tasks export), printed through LibreOffice
in one run, and read back from the PDF with poppler.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bpr.reports.rank_workbook import DECISION_HEADER, REASON_HEADER, REVIEWER_HEADER, write_rank_workbook
from bpr.scoring.ranking import rank
from bpr.scoring.rollout import find_rollout_groups, rank_groups
from bpr.scoring.score import score_tasks
from flows.town.survey import make_town
from inventory.db.engine import engine_for, session_scope
from inventory.db.migrate import upgrade
from inventory.db.scoring_repo import inventory_frame
from inventory.db.submission_repo import store_survey
from inventory.settings import get_settings
from inventory.survey import schema
from inventory.survey.models import TaskIn
from inventory.survey.template_text import SHEET_COLUMNS
from tests.factories import make_survey
from tests.flows.cli_runner import dxi
from tests.render import overlapping_words, page_count, page_size, page_text, render_page, xlsx_to_pdfs

A4_PORTRAIT = (595, 842)


def _squeeze(text: str) -> str:
    """Text without layout: wrapped lines joined, spaces gone."""
    return re.sub(r"\s+", "", text)


def _store_town(fiscal_year: int) -> str:
    """Store three 課 of 60 tasks each; return the first 課's name."""
    town = make_town(departments=3, tasks_per_department=60, fiscal_year=fiscal_year, seed=11)
    settings = get_settings()
    settings.ensure_home()
    engine = engine_for(settings.db_url)
    upgrade(engine)
    with session_scope(engine) as session:
        for survey in town:
            tasks = [
                TaskIn.model_validate({**dataclasses.asdict(task), "source_row": row})
                for row, task in enumerate(survey.tasks, start=2)
            ]
            store_survey(
                session=session,
                survey=make_survey(
                    tasks=tasks,
                    tag=survey.department,
                    fiscal_year=fiscal_year,
                    department=survey.department,
                    division=survey.division,
                    file_name=f"{survey.department}.xlsx",
                ),
            )
    return town[0].department


def _rank_workbook(path: Path, fiscal_year: int) -> Path:
    with session_scope(engine_for(get_settings().db_url)) as session:
        tasks = inventory_frame(session=session, fiscal_year=fiscal_year)
    scored = score_tasks(tasks)
    groups = find_rollout_groups(tasks)
    ranked = rank(scored, tasks, groups=groups, top=150)
    group_rows = [
        {
            "rank": g["rank"],
            "group_id": g["group_id"],
            "name": g["representative_name"],
            "departments": g["departments"],
            "task_count": g["task_count"],
            "combined_hours": g["annual_hours"],
            "combined_hours_saved": g["expected_hours_saved"],
            "best_tool": g["best_tool"],
        }
        for g in rank_groups(scored, tasks, groups).to_dict("records")
    ]
    assert len(ranked) == 150
    return write_rank_workbook(path, ranked, title="2024年度 RPA・AI-OCR 候補一覧", groups=group_rows)


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Path, Path]]]:
    """(workbook, PDF) of the template, the ranking workbook and the tasks export."""
    folder = tmp_path_factory.mktemp("print")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DXI_HOME", str(folder / "dxi-home"))
        patch.delenv("DXI_DATABASE_URL", raising=False)
        get_settings.cache_clear()
        department = _store_town(2024)
        books = {name: folder / f"{name}.xlsx" for name in ("template", "rank", "tasks")}
        code, out = dxi(
            "template", "--fy", "2025", "--dept", department, "--from-previous", "-o", str(books["template"])
        )
        assert code == 0 and re.search(r"60\s+件", out), out  # the console may wrap the long path
        code, out = dxi("tasks", "--fy", "2024", "--format", "xlsx", "-o", str(books["tasks"]))
        assert code == 0, out
        _rank_workbook(books["rank"], 2024)
        get_settings.cache_clear()
    pdfs = xlsx_to_pdfs(list(books.values()), folder / "pdf")
    yield {name: (book, pdf) for (name, book), pdf in zip(books.items(), pdfs, strict=True)}


def _pages(pdf: Path) -> list[str]:
    return [page_text(pdf, n) for n in range(1, page_count(pdf) + 1)]


def _is_a4(pdf: Path, page: int, *, landscape: bool) -> bool:
    width, height = page_size(pdf, page)
    expected = A4_PORTRAIT[::-1] if landscape else A4_PORTRAIT
    return (round(width), round(height)) == expected


def test_template_prints_in_a_few_pages_with_whole_instructions(
    printed: dict[str, tuple[Path, Path]],
) -> None:
    book, pdf = printed["template"]
    pages = _pages(pdf)
    render_page(pdf, pdf.parent)
    cover = load_workbook(book)[schema.COVER_SHEET]
    instructions = [c.value for c in cover["A"] if isinstance(c.value, str) and re.match(r"\d+\. ", c.value)]
    assert len(instructions) >= 6
    for line in instructions:
        assert _squeeze(line) in _squeeze(pages[0]), f"cut on paper: {line}"
    assert len(pages) <= 7, f"{len(pages)} pages for one 課"
    assert _is_a4(pdf, 1, landscape=False), page_size(pdf, 1)
    assert "ページ 1 / " in pages[0]


def test_template_task_sheet_is_one_page_wide_with_headings_on_every_page(
    printed: dict[str, tuple[Path, Path]],
) -> None:
    book, pdf = printed["template"]
    codes = [str(c.value) for c in load_workbook(book)[schema.SURVEY_SHEET]["B"][1:] if c.value is not None]
    assert len(codes) == 60
    pages = _pages(pdf)
    survey_pages = [n for n, text in enumerate(pages) if any(code in text for code in codes)]
    assert 1 <= len(survey_pages) <= 3, survey_pages
    assert survey_pages[-1] - survey_pages[0] == len(survey_pages) - 1, "no page of stray columns between"
    first, last = SHEET_COLUMNS[0].header, SHEET_COLUMNS[-1].header
    for n in survey_pages:
        assert first in pages[n] and last in pages[n] and "業務名" in pages[n], f"page {n + 1} lacks headings"
        assert _is_a4(pdf, n + 1, landscape=True), page_size(pdf, n + 1)
    text = "".join(pages[n] for n in survey_pages)
    assert [code for code in codes if code not in text] == [], "every pre-filled task is printed"


def test_template_guide_prints_without_overlap(printed: dict[str, tuple[Path, Path]]) -> None:
    _book, pdf = printed["template"]
    pages = _pages(pdf)
    guide = [n for n, text in enumerate(pages) if "入力できる値" in text]
    assert guide, "記入要領 is printed"
    for n in guide:
        assert overlapping_words(pdf, n + 1) == [], f"page {n + 1}"
    text = _squeeze("".join(pages[n] for n in guide))
    for col in schema.COLUMNS:
        assert _squeeze(col.header) in text
    assert _squeeze("年度・部・課は「表紙」シートのA列の見出しとB列の値から読みます。") in text


def test_rank_workbook_prints_the_decision_columns_on_every_page(
    printed: dict[str, tuple[Path, Path]],
) -> None:
    _book, pdf = printed["rank"]
    render_page(pdf, pdf.parent)
    pages = _pages(pdf)
    candidate_pages = [n for n, text in enumerate(pages) if "候補一覧" in text or "属性未確認" in text]
    assert len(candidate_pages) >= 2, "150 candidates take more than one page"
    assert len(pages) <= 8, f"{len(pages)} pages"
    for n in candidate_pages:
        for heading in (
            "順位",
            "業務名",
            "優先区分",
            "属性未確認",
            DECISION_HEADER,
            REASON_HEADER,
            REVIEWER_HEADER,
        ):
            assert heading in pages[n], f"page {n + 1} lacks {heading}"
        assert _is_a4(pdf, n + 1, landscape=True)
    assert "ページ 1 / " in pages[0]
    assert "スコアの説明" not in pages[0] and "RPA適性" not in pages[0], "the details are for the screen"
    assert any("課別の削減見込み時間" in text for text in pages), "the 課別 chart is inside its print area"


def test_tasks_export_is_one_page_wide_with_headings_on_every_page(
    printed: dict[str, tuple[Path, Path]],
) -> None:
    book, pdf = printed["tasks"]
    render_page(pdf, pdf.parent)
    sheet = load_workbook(book).active
    assert sheet is not None and sheet.max_row == 181
    headers = [str(c.value) for c in sheet[1]]
    pages = _pages(pdf)
    assert 2 <= len(pages) <= 6, f"{len(pages)} pages for 180 tasks"
    for n, text in enumerate(pages):
        assert headers[1] in text and headers[-1] in text and "業務名" in text, f"page {n + 1} lacks headings"
        assert _is_a4(pdf, n + 1, landscape=True)
        assert f"ページ {n + 1} / {len(pages)}" in text
