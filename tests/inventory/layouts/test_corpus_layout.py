"""The hostile-input corpus (tests/corpus) through layouts: no crash, and a rejected file stores nothing.

Every survey file of the corpus goes through a table layout that names the corpus's
standard headings (tests/corpus/builders.py HEADER) (so well-formed files fit and bad cells meet the layout path's own
checks) and through a vertical layout (so nothing fits and every sheet is looked at).
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from inventory.db.engine import session_scope
from inventory.db.tables import Base
from inventory.intake.survey import ingest_file
from inventory.layouts.model import Layout, parse_layout
from tests.corpus.cases import CASES
from tests.corpus.generate import generate

TABLE = parse_layout(
    """
version = 1
name = "コーパス（表）"
[table]
header_rows = [1]
[fields]
name = { heading = "業務名" }
annual_volume = { heading = "年間件数", unit = "件" }
minutes_per_case = { heading = "1件当たり処理時間（分）", unit = "自動" }
routine = { heading = "定型性" }
judgement = { heading = "判断の有無" }
input_medium = { heading = "入力媒体" }
[department]
source = "fixed"
value = "総務課"
[fiscal_year]
source = "fixed"
value = "令和6年度"
"""
)
VERTICAL = parse_layout(
    """
version = 1
name = "コーパス（縦型）"
form = "vertical"
[fields]
name = { label = "業務名" }
annual_hours = { label = "年間時間", unit = "自動" }
[department]
source = "sheet_name"
[fiscal_year]
source = "file_name"
"""
)
SURVEY_FILES = [name for name, (kind, _) in CASES.items() if kind == "survey"]
FILE_LEVEL = {"unreadable_file", "layout_mismatch", "no_tasks", "too_many_rows", "missing_fiscal_year"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.setblocking(False)
    port = listener.getsockname()[1]
    yield generate(tmp_path_factory.mktemp("corpus"), canary_url=f"http://127.0.0.1:{port}/xxe")
    with pytest.raises(BlockingIOError):
        listener.accept()  # no external entity was ever fetched
    listener.close()


def _counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return {
            t.name: session.scalar(select(func.count()).select_from(t)) or 0
            for t in Base.metadata.sorted_tables
            if t.name != "audit_log"
        }


@pytest.mark.parametrize("layout", [TABLE, VERTICAL], ids=["table", "vertical"])
@pytest.mark.parametrize("name", SURVEY_FILES)
def test_corpus_file_through_a_layout(
    engine: Engine, corpus: dict[str, Path], tmp_path: Path, name: str, layout: Layout
) -> None:
    if name == "rows_100000.xlsx" and engine.dialect.name == "sqlite":
        pytest.skip("the 100,000-row file runs once, on PostgreSQL")
    before = _counts(engine)
    outcome = ingest_file(engine=engine, path=corpus[name], layout=layout, errors_dir=tmp_path)
    after = _counts(engine)
    if outcome.status == "rejected":
        assert after == before, "a rejected file changed the database"
        assert outcome.errors
        for error in outcome.errors:
            assert error.code in FILE_LEVEL or error.column, error  # a cell, a heading, or the file
            assert any("\u3040" <= ch <= "\u9fff" for ch in error.message), error  # Japanese
        return
    assert layout is TABLE, "nothing in the corpus is a vertical form"
    assert after["tasks"] == before["tasks"] + outcome.task_count
