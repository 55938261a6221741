"""Every read command, in every format it offers, on a database with the awkward cases.

The database (built once per backend, SQLite and PostgreSQL, through the product's own
store, score, review, pilot, overtime, campaign and account functions) holds decided
and undecided, knocked-out and live, scored and unscored tasks, pilots with and without
measurements, and times stored in UTC just before midnight (a different date in Japan).
What a person reads must show no nan/None/NaT and no English; JSON must be valid JSON.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from rich.cells import cell_len
from sqlalchemy import Engine, update

from bpr.pilots.service import add_measurement, advance_pilot, create_pilot
from inventory.db.account_repo import add_user
from inventory.db.account_tables import WebUser
from inventory.db.campaign_repo import open_campaign
from inventory.db.engine import session_scope
from inventory.db.scoring_repo import record_review
from inventory.db.scoring_tables import Review
from inventory.db.submission_repo import store_survey
from inventory.db.tables import SurveySubmission
from inventory.intake.overtime import import_overtime
from inventory.settings import DEV_PSEUDONYM_KEY
from tests.conftest import _empty_all_tables
from tests.factories import make_survey, make_task, score_year
from tests.flows.cli_runner import dxi
from tests.japanese import english_words, missing_markers

# 2025-06-02 15:30 UTC is 2025-06-03 00:30 in Japan: the date a person expects.
LATE_UTC = datetime(2025, 6, 2, 15, 30, tzinfo=UTC)
JAPAN_SHOWN = "2025-06-03 00:30"
DEPARTMENTS = ("税務課", "市民課", "福祉課", "環境課")


def _seed(engine: Engine, outbox: Path) -> dict[str, int]:
    tax = [
        make_task(source_row=2, task_code="T1", name="住民税の申告書入力", input_medium="紙（手書き）",
                  annual_volume=12000, minutes_per_case=6, form_count=1, verification="一部"),
        make_task(source_row=3, task_code="T2", name="支出命令書の作成", annual_volume=2400, minutes_per_case=15,
                  documented=True, system_count=2),
        make_task(source_row=4, task_code="T3", name="旧システムの保守", annual_volume=100, minutes_per_case=60,
                  abolition_planned=True),
    ]  # fmt: skip
    citizens = [make_task(source_row=2, task_code="C1", name="支出命令書の作成", annual_volume=1800,
                          minutes_per_case=15, documented=True)]  # fmt: skip
    welfare = [make_task(source_row=2, task_code="W1", name="窓口相談対応", routine="非定型", judgement="あり",
                         annual_volume=3000, minutes_per_case=20)]  # fmt: skip
    with session_scope(engine) as session:
        store_survey(session=session, survey=make_survey(tag="tax", tasks=tax))
        store_survey(session=session, survey=make_survey(tag="citizens", department="市民課", tasks=citizens))
        store_survey(session=session, survey=make_survey(tag="welfare", department="福祉課", tasks=welfare))
        tasks = score_year(session)
        ids = {str(r["name"]) + str(r["department"]): int(r["task_id"]) for r in tasks.to_dict("records")}
    with session_scope(engine) as session:  # stored after the scoring: a task with no score
        store_survey(
            session=session,
            survey=make_survey(
                tag="env", department="環境課", tasks=[make_task(name="犬の登録の台帳の更新")]
            ),
        )
        entry = ids["住民税の申告書入力税務課"]
        record_review(
            session=session, task_id=entry, decision="採用", reason="年間1,200時間", reviewer="山田"
        )
        session.execute(update(Review).values(decided_at=LATE_UTC))
        session.execute(update(SurveySubmission).values(received_at=LATE_UTC))
        measured = create_pilot(session=session, task_id=entry, tool="both", actor="山田")
        create_pilot(session=session, task_id=ids["窓口相談対応福祉課"], tool="rpa", actor="山田")
        for state in ("選定", "実証中", "効果検証"):
            advance_pilot(session=session, pilot_id=measured.id, to=state, on=date(2024, 4, 1), actor="佐藤")
        add_measurement(
            session=session, pilot_id=measured.id, phase="before", cases=100, minutes=6, actor="佐藤"
        )
        add_measurement(
            session=session, pilot_id=measured.id, phase="after", cases=100, minutes=1, actor="佐藤"
        )
        advance_pilot(
            session=session, pilot_id=measured.id, to="本格導入", on=date(2024, 10, 1), actor="部長"
        )
        open_campaign(
            session=session, fiscal_year=2025, deadline=date(2025, 6, 30), outbox=outbox, actor="test",
            departments=[(d, "総務部", f"{d}_調査票.xlsx") for d in DEPARTMENTS],
        )  # fmt: skip
        add_user(session=session, name="yamada", role="dept", department="税務課", password="secret-pass-1")
        add_user(session=session, name="sato", role="reviewer", password="secret-pass-2")
        session.execute(update(WebUser).where(WebUser.name == "yamada").values(last_login_at=LATE_UTC))
    lines = ["年月,課,時間外勤務時間,職員数"] + [
        f"{2022 + (m + 3) // 12}-{(m + 3) % 12 + 1:02d},{d},{100 + 7 * m + 11 * i - (30 if d == '税務課' and m >= 30 else 0)},{10 + i}"
        for i, d in enumerate(DEPARTMENTS)
        for m in range(36)
    ]  # fmt: skip
    result = import_overtime(
        engine=engine, data="\n".join(lines).encode(), file_name="時間外勤務実績.csv",
        pseudonym_key=lambda: DEV_PSEUDONYM_KEY, actor="人事課",
    )  # fmt: skip
    assert result.stored is not None, result.parsed.errors
    return ids


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The database URL, seeded once per backend for the whole module."""
    engine: Engine = request.getfixturevalue("_sqlite_engine" if request.param == "sqlite" else "_pg_engine")
    _empty_all_tables(engine)
    _seed(engine, tmp_path_factory.mktemp("outbox"))
    yield engine.url.render_as_string(hide_password=False)
    _empty_all_tables(engine)


@pytest.fixture
def use_database(database: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DXI_DATABASE_URL", database)
    monkeypatch.setenv("COLUMNS", "200")  # a projected terminal; rich reads it on every print
    return database


# (command, format): the arguments; every format each read command offers.
READS: dict[str, list[str]] = {
    "tasks-table": ["tasks", "--fy", "2024"],
    "tasks-json": ["tasks", "--fy", "2024", "--format", "json"],
    "tasks-csv": ["tasks", "--fy", "2024", "--format", "csv"],
    "tasks-csv-en": ["tasks", "--fy", "2024", "--format", "csv", "--keys", "en"],
    "tasks-xlsx": ["tasks", "--fy", "2024", "--format", "xlsx"],
    "submissions-table": ["submissions"],
    "rank-table": ["rank", "--fy", "2024"],
    "rank-json": ["rank", "--fy", "2024", "--format", "json"],
    "rank-csv": ["rank", "--fy", "2024", "--format", "csv"],
    "rank-csv-en": ["rank", "--fy", "2024", "--format", "csv", "--keys", "en"],
    "rank-xlsx": ["rank", "--fy", "2024", "--format", "xlsx"],
    "review-history-table": ["review", "{entry}", "--history"],
    "pilot-list-table": ["pilot", "list"],
    "pilot-list-json": ["pilot", "list", "--format", "json"],
    "overtime-list-table": ["overtime", "list", "--fy", "2024"],
    "overtime-list-json": ["overtime", "list", "--format", "json"],
    "campaign-status-table": ["campaign", "status"],
    "campaign-status-json": ["campaign", "status", "--format", "json"],
    "campaign-status-csv": ["campaign", "status", "--format", "csv"],
    "campaign-status-csv-en": ["campaign", "status", "--format", "csv", "--keys", "en"],
    "effects-table": ["effects", "--fy", "2024", "--baseline-fy", "2022"],
    "effects-json": ["effects", "--fy", "2024", "--baseline-fy", "2022", "--format", "json"],
    "effects-xlsx": ["effects", "--fy", "2024", "--baseline-fy", "2022", "-o", "{xlsx}"],
    "user-list-table": ["user", "list"],
}
# A program reads these: English keys are the point, but still no nan/None.
FOR_PROGRAMS = ("-json", "-csv-en")
LOGIN_NAMES = frozenset({"yamada", "sato"})  # user data: accounts log in with Latin names


def _no_nan_json(text: str) -> object:
    def refuse(constant: str) -> object:
        raise AssertionError(f"{constant} in JSON")

    return json.loads(text, parse_constant=refuse)


def _xlsx_cells(path: Path) -> list[str]:
    book = load_workbook(path, read_only=True)
    cells = [
        str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row if c
    ]
    book.close()
    return cells


@pytest.mark.parametrize("case", list(READS))
def test_read_command_shows_no_missing_marker_and_no_english(
    case: str, use_database: str, tmp_path: Path
) -> None:
    entry = _entry_id()
    xlsx = tmp_path / "出力.xlsx"
    args = [a.format(entry=entry, xlsx=xlsx) for a in READS[case]]
    if case.endswith("-xlsx") and "-o" not in args:
        args += ["-o", str(xlsx)]
    code, out = dxi(*args)
    assert code == 0, out
    if case.endswith("-xlsx"):
        cells = _xlsx_cells(xlsx)
        assert cells and not [c for c in cells if missing_markers(c)], [
            c for c in cells if missing_markers(c)
        ]
        return
    if case.endswith("-json"):
        assert _no_nan_json(out)
        return
    assert not missing_markers(out), out
    if not case.endswith(FOR_PROGRAMS):
        assert not english_words(out, allowed=LOGIN_NAMES), out


def _entry_id() -> int:
    code, out = dxi("rank", "--fy", "2024", "--format", "json")
    assert code == 0, out
    return next(int(r["task_id"]) for r in json.loads(out) if r["name"] == "住民税の申告書入力")


def test_rank_shows_decided_undecided_and_knocked_out_rows(use_database: str) -> None:
    code, out = dxi("rank", "--fy", "2024", "--format", "csv")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("順位,業務ID,課,業務名,年間時間,RPA適性,AI-OCR適性,推奨ツール")
    decided = next(line for line in lines if "住民税の申告書入力" in line)
    knocked = next(line for line in lines if "旧システムの保守" in line)
    assert ",AI-OCR+RPA," in decided and ",採用," in decided
    assert ",対象外," in knocked and "廃止" in knocked
    code, out = dxi("rank", "--fy", "2024")
    assert code == 0 and "採用" in out and "旧システムの保守" in out, out
    code, out = dxi("rank", "--fy", "2024", "--format", "csv", "--keys", "en")
    assert out.splitlines()[0].startswith("task_id,department,name,annual_hours")


def test_times_are_shown_in_japan(use_database: str) -> None:
    for args in (["submissions"], ["review", str(_entry_id()), "--history"], ["user", "list"]):
        code, out = dxi(*args)
        assert code == 0 and JAPAN_SHOWN in out and "2025-06-02" not in out, out


def test_csv_written_for_excel_starts_with_a_bom(use_database: str, tmp_path: Path) -> None:
    for command in (["rank", "--fy", "2024"], ["tasks", "--fy", "2024"], ["campaign", "status"]):
        target = tmp_path / f"{command[0]}.csv"
        code, out = dxi(*command, "--format", "csv", "-o", str(target))
        assert code == 0, out
        assert target.read_bytes().startswith(b"\xef\xbb\xbf")
        assert target.read_text(encoding="utf-8-sig").splitlines()[0].startswith(("順位", "ID", "部"))


def test_rank_table_fits_an_80_column_terminal_and_says_what_it_left_out(
    use_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    code, out = dxi("rank", "--fy", "2024")
    assert code == 0, out
    table = [
        line for line in out.splitlines() if line.startswith(("┏", "┃", "┡", "│", "└")) or "候補順位" in line
    ]
    assert len(table) > 8 and all(cell_len(line) <= 80 for line in table), out  # notes below: whole lines
    header = "".join(line for line in out.splitlines() if line.startswith("┃"))
    assert "業務名" in header and "削減時間" in header and "判断" in header
    assert "RPA" not in header and "OCR" not in header
    assert "省略しました" in out and "--format csv / xlsx" in out
    # Each task name is shown whole, if folded over lines, never cut to a few characters a line.
    names = "".join(line.split("│")[4].strip() for line in out.splitlines() if line.startswith("│"))
    assert "住民税の申告書入力" in names, out
    monkeypatch.setenv("COLUMNS", "200")
    code, out = dxi("rank", "--fy", "2024")
    assert "省略しました" not in out and "RPA" in out and "区分" in out


TABLE_READS = [case for case in READS if case.endswith("-table") and not case.startswith(("review", "user"))]


def test_on_sqlite_reads_answer_while_a_writer_holds_the_lock(use_database: str) -> None:
    """A person's read never queues behind a writer (an ingest, a web decision): it reads the last commit."""
    if not use_database.startswith("sqlite"):
        pytest.skip("PostgreSQL readers never wait for writers")
    writer = sqlite3.connect(use_database.removeprefix("sqlite:///"), isolation_level=None, timeout=0)
    writer.execute("BEGIN IMMEDIATE")  # the write lock, held until the end of the test
    writer.execute(
        "INSERT INTO audit_log (at, actor, action, entity, details) VALUES ('2025-01-01', 'x', 'x', 'x', '{}')"
    )
    try:
        for case in TABLE_READS:
            code, out = dxi(*READS[case])
            assert code == 0, (case, out)
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_rank_says_which_filter_left_no_candidate(use_database: str) -> None:
    code, out = dxi("rank", "--fy", "2024", "--dept", "存在しない課", "--tool", "rpa")
    assert code == 0, out
    assert "課「存在しない課」、RPA 向きに当たるものはありません" in out and "dxi tasks" in out
    code, out = dxi("rank", "--fy", "2024", "--dept", "税務 課", "--top", "1")  # spaces ignored
    assert code == 0 and "税務課" in out and "当たるものはありません" not in out, out
