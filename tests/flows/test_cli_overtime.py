"""`dxi overtime import` and `dxi overtime list`, in-process with typer's runner and a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from inventory.db.engine import engine_for, session_scope
from inventory.db.submission_repo import store_survey
from inventory.db.tables import AuditEntry
from inventory.overtime.columns import pseudonymise
from inventory.settings import DEV_PSEUDONYM_KEY, get_settings
from tests.factories import make_survey
from tests.flows.cli_runner import assert_not_imported, dxi
from tests.inventory.workbooks import write_csv, write_xlsx

HEADER: list[object] = ["年月", "課", "時間外勤務時間", "職員数"]
STAFF_IDS = ["K-10001", "K-10002", "K-10003"]


def flat(out: str) -> str:
    """Output without whitespace: rich wraps long lines at the terminal width."""
    return "".join(out.split())


def json_of(out: str) -> Any:
    return json.loads(out[min(i for i in (out.find("{"), out.find("[")) if i >= 0) :])


@pytest.fixture
def initialised() -> Path:
    """`dxi init`, then surveys from 税務課, 財務課 and 市民課 so those names are known."""
    code, out = dxi("init")
    assert code == 0, out
    with session_scope(engine_for(get_settings().db_url)) as session:
        for name in ("税務課", "財務課", "市民課"):
            store_survey(session=session, survey=make_survey(department=name, tag=name))
    return get_settings().home


def audit_actions() -> list[tuple[str, str]]:
    with session_scope(engine_for(get_settings().db_url)) as session:
        return [(e.action, e.actor) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def test_commands_need_init_first(tmp_path: Path) -> None:
    code, out = dxi("overtime", "list")
    assert code == 2 and "dxi init" in out
    path = write_xlsx(tmp_path / "t.xlsx", [HEADER, ["2024-04", "税務課", 1, 1]], cover=())
    code, out = dxi("overtime", "import", str(path))
    assert code == 2 and "dxi init" in out
    assert not list(get_settings().home.glob("*.sqlite3")), "a refused command must not create the database"


@pytest.mark.usefixtures("initialised")
def test_import_list_and_reimport_replaces_months(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["令和6年度 時間外勤務実績"],
        HEADER,
        ["2024-04", "税務課", "12時間30分", 10],
        ["2024-05", "税務課", 8, 10],
        ["2024-04", "財務課", "３", "4人"],
        ["2025-03", "市民課", 20, 5],
    ]
    first = write_xlsx(tmp_path / "実績_1.xlsx", rows, cover=())
    code, out = dxi("overtime", "import", str(first), "--by", "人事課")
    assert code == 0, out
    assert "取り込みました" in out and "課3/課×月4件" in flat(out) and "合計43.5時間" in flat(out)
    assert "置き換えた課×月0件" in flat(out)

    code, out = dxi("overtime", "list", "--format", "json")
    assert code == 0
    assert [
        (r["department"], r["year"], r["month"], r["fiscal_year"], r["overtime_hours"], r["headcount"])
        for r in json_of(out)
    ] == [
        ("市民課", 2025, 3, 2024, 20.0, 5),
        ("税務課", 2024, 4, 2024, 12.5, 10),
        ("税務課", 2024, 5, 2024, 8.0, 10),
        ("財務課", 2024, 4, 2024, 3.0, 4),
    ]

    second = write_csv(
        tmp_path / "実績_2.csv",
        [HEADER, ["R6.5", "税務課", 9, 11], ["R6.6", "税務課", 7, 11]],
        encoding="cp932",
    )
    code, out = dxi("overtime", "import", str(second), "--format", "json")
    assert code == 0, out
    summary = json_of(out)
    assert summary == {
        "status": "accepted", "file": "実績_2.csv", "per_staff": False, "staff_count": None, "months": 2,
        "departments": 1, "total_hours": 16.0, "replaced": 1, "first": "2024-05", "last": "2024-06",
    }  # fmt: skip

    code, out = dxi("overtime", "list", "--dept", "税務課", "--fy", "2024")
    assert code == 0 and "時間外勤務実績（3件）" in flat(out)
    assert "2024-05" in out and "9.0" in out and "2024-04" in out
    code, out = dxi("overtime", "list", "--fy", "2023", "--format", "json")
    assert code == 0 and json_of(out) == []
    assert audit_actions()[-2:] == [("overtime.imported", "人事課"), ("overtime.imported", "cli")]


@pytest.mark.usefixtures("initialised")
def test_rejected_file_stores_nothing_and_lists_every_error(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        HEADER,
        ["2024-04", "税務", 1, 3],
        ["2024-05", "税務課", -2, 3],
        ["2024-06", "税務課", 1, 0],
    ]
    path = write_xlsx(tmp_path / "bad.xlsx", rows, cover=(), sheet="時間外勤務実績")
    code, out = dxi("overtime", "import", str(path))
    assert code == 1
    assert "差し戻し" in out and "エラー3件" in flat(out)
    assert "2行目「課」「税務」は登録されている課にありません。近い課:税務課,財務課" in flat(out)
    assert "3行目「時間外勤務時間」" in flat(out) and "4行目「職員数」" in flat(out)

    code, out = dxi("overtime", "import", str(path), "--format", "json")
    assert code == 1
    doc = json_of(out)
    assert doc["status"] == "rejected"
    assert [(e["row"], e["column"], e["code"]) for e in doc["errors"]] == [
        (2, "課", "unknown_department"),
        (3, "時間外勤務時間", "negative"),
        (4, "職員数", "not_positive"),
    ]
    assert dxi("overtime", "list", "--format", "json")[1].strip() == "[]"
    assert audit_actions()[-1] == ("overtime.rejected", "cli")


@pytest.mark.usefixtures("initialised")
def test_per_staff_file_is_summed_and_no_id_reaches_the_database_or_output(tmp_path: Path) -> None:
    rows: list[list[object]] = [["年月", "所属", "職員番号", "残業時間"]]
    rows += [["2024-04", "税務課", staff, 10] for staff in STAFF_IDS]
    rows += [["2024-04", "財務課", "K-20001", "2時間30分"], ["2024-04", "税務課", STAFF_IDS[0], 1]]
    path = write_csv(tmp_path / "職員別.csv", rows, encoding="utf-8-sig")
    code, out = dxi("overtime", "import", str(path))
    assert code == 0, out
    assert "職員4人分" in flat(out) and "職員番号は保存していません" in flat(out)
    code, listing = dxi("overtime", "list", "--format", "json")
    assert [(r["department"], r["overtime_hours"], r["headcount"]) for r in json_of(listing)] == [
        ("税務課", 31.0, 3),
        ("財務課", 2.5, 1),
    ]
    home = get_settings().home
    stored = b"".join(p.read_bytes() for p in home.glob("dxi.sqlite3*"))
    for staff in [*STAFF_IDS, "K-20001"]:
        for text in (staff, pseudonymise(staff, DEV_PSEUDONYM_KEY)):
            assert text not in out and text not in listing
            assert text.encode() not in stored


@pytest.mark.usefixtures("initialised")
def test_per_staff_files_need_a_real_key_outside_development(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DXI_ENVIRONMENT", "production")
    get_settings.cache_clear()
    staff = write_csv(
        tmp_path / "s.csv",
        [["年月", "課", "職員番号", "時間外勤務時間"], ["2024-04", "税務課", "A1", 1]],
        encoding="utf-8",
    )
    code, out = dxi("overtime", "import", str(staff))
    assert code == 2 and "DXI_PSEUDONYM_KEY" in out
    per_department = write_csv(tmp_path / "d.csv", [HEADER, ["2024-04", "税務課", 1, 1]], encoding="utf-8")
    assert dxi("overtime", "import", str(per_department))[0] == 0  # no staff ids: no key needed
    monkeypatch.setenv("DXI_PSEUDONYM_KEY", "a-long-random-production-secret")
    get_settings.cache_clear()
    code, out = dxi("overtime", "import", str(staff))
    assert code == 0, out


def test_a_missing_file_exits_2_and_an_unreadable_one_is_rejected(tmp_path: Path, initialised: Path) -> None:
    code, out = dxi("overtime", "import", str(tmp_path / "nothing.xlsx"))
    assert code == 2 and "見つかりません" in out
    fake = tmp_path / "fake.xlsx"
    fake.write_bytes(b"not a workbook")
    code, out = dxi("overtime", "import", str(fake))
    assert (
        code == 1
        and "差し戻し: fake.xlsx: Excelファイルではありません" in out
        and "何も保存していません" in out
    )


def test_a_folder_imports_file_by_file_and_a_bad_file_stores_nothing(
    tmp_path: Path, initialised: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`dxi overtime import 人事給与/`: each file in its own transaction, by name; a table of what each did."""
    monkeypatch.setenv("COLUMNS", "200")
    folder = tmp_path / "人事給与"
    folder.mkdir()
    header = "年月,課,時間外勤務時間,職員数\n"
    (folder / "a_2024年04月.csv").write_text(
        header + "2024-04,税務課,120,10\n2024-04,市民課,80,8\n", encoding="utf-8"
    )
    (folder / "b_2024年05月.csv").write_text(
        header + "2024-05,税務課,100,10\n2024-05,市民課,abc,8\n", encoding="utf-8"
    )
    (folder / "c_2024年04月_訂正.csv").write_text(header + "2024-04,税務課,90,10\n", encoding="utf-8")
    (folder / "~$a.xlsx").write_bytes(b"lock")  # Excel's lock file: not a file to import
    (folder / "メモ.txt").write_text("not overtime", encoding="utf-8")
    code, out = dxi("overtime", "import", str(folder), "--by", "人事課")
    assert code == 1, out
    rows = {line.split("│")[1].strip(): line for line in out.splitlines() if line.startswith("│")}
    assert list(rows) == ["a_2024年04月.csv", "b_2024年05月.csv", "c_2024年04月_訂正.csv"]
    assert "取り込み" in rows["a_2024年04月.csv"] and "差し戻し" in rows["b_2024年05月.csv"]
    assert "差し戻し: b_2024年05月.csv（エラー 1 件、何も保存していません）" in out and "3行目" in out
    code, out = dxi("overtime", "list", "--format", "json")
    stored = {(r["department"], r["month"]): r["overtime_hours"] for r in json.loads(out)}
    assert stored == {
        ("税務課", 4): 90.0,
        ("市民課", 4): 80.0,
    }  # the later file replaced 税務課's April; May: nothing
    code, out = dxi("overtime", "import", str(folder / "a_2024年04月.csv"), str(folder / "c_2024年04月_訂正.csv"),
                    "--format", "json")  # fmt: skip
    assert code == 0 and [d["status"] for d in json.loads(out)] == ["accepted", "accepted"]


def test_overtime_list_does_not_import_prefect(tmp_path: Path) -> None:
    assert_not_imported(tmp_path, ["init"], ["overtime", "list"])
