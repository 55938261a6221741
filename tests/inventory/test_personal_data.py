"""Staff ids (職員番号) of per-staff overtime files reach no table, log, output, export or backup.

A real per-staff file goes through `dxi overtime import` on SQLite and PostgreSQL; then
every value of every table is read back (reflected, so a table added later is covered
too), every log record of the import is captured, and the outputs the 本部 and the
operator see (`dxi overtime list`, `dxi effects` as xlsx/HTML, `dxi backup`) are read
whole. Neither the clear id nor its development-key pseudonym may appear anywhere.
Outside development a per-staff file needs a real key: the refusal is Japanese and
stores nothing.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from sqlalchemy import Engine

from inventory.db.engine import session_scope
from inventory.db.submission_repo import store_survey
from inventory.overtime.columns import pseudonymise
from inventory.settings import DEV_PSEUDONYM_KEY, get_settings
from tests.factories import make_survey
from tests.flows.cli_runner import dxi
from tests.inventory.db.dump import database_text, dump_database
from tests.inventory.workbooks import write_xlsx
from tests.logcapture import all_log_records, log_text

STAFF = {"税務課": ["ZQ7-40011", "ZQ7-40012", "ZQ7-40013"], "財務課": ["ZQ7-50021", "ZQ7-50022", "ZQ7-50023"]}
PRODUCTION_KEY = "a-long-random-production-secret-for-tests"


def forbidden(key: bytes = DEV_PSEUDONYM_KEY) -> list[str]:
    """The clear ids and their pseudonyms under the key in use."""
    ids = [s for staff in STAFF.values() for s in staff]
    return ids + [pseudonymise(s, key) for s in ids]


def per_staff_file(path: Path) -> Path:
    """24 months (FY2023 and FY2024) of per-staff overtime for two 課, as HR exports it."""
    rows: list[list[object]] = [["年月", "課", "職員番号", "時間外勤務時間"]]
    for index in range(24):
        year, month = 2023 + (index + 3) // 12, (index + 3) % 12 + 1
        for department, staff in STAFF.items():
            rows += [[f"{year}-{month:02d}", department, s, 5 + n + index % 3] for n, s in enumerate(staff)]
    return write_xlsx(path, rows, cover=())


@pytest.fixture
def database(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """`dxi` pointed at the test database, with the two 課 known from their surveys."""
    monkeypatch.setenv("DXI_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    with session_scope(engine) as session:
        for name in STAFF:
            store_survey(session=session, survey=make_survey(department=name, tag=name))
    return engine


def zip_text(path: Path) -> str:
    """Every member of an xlsx/zip, decoded: shared strings, sheets, manifests."""
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())


def test_staff_ids_appear_in_no_table_log_output_export_or_backup(database: Engine, tmp_path: Path) -> None:
    source = per_staff_file(tmp_path / "職員別_時間外.xlsx")
    outputs: list[str] = []
    with all_log_records() as records:
        code, out = dxi("overtime", "import", str(source), "--by", "人事課")
        assert code == 0, out
        assert "職員6人分" in "".join(out.split())
        for args in (
            ("overtime", "list"),
            ("overtime", "list", "--format", "json"),
            ("effects", "--format", "json"),
        ):
            code, out = dxi(*args)
            assert code == 0, out
            outputs.append(out)
        exports = [tmp_path / "効果報告.xlsx", tmp_path / "効果報告.html", tmp_path / "backup.zip"]
        for report in exports[:2]:
            code, out = dxi("effects", "--fy", "2024", "--baseline-fy", "2023", "-o", str(report))
            assert code == 0, out
        code, out = dxi("backup", "-o", str(exports[2]))
        assert code == 0, out
    stored = database_text(database)
    assert "税務課" in stored and "人事課" in stored  # the dump really holds the data
    texts = {
        "database": stored,
        "logs": log_text(records),
        "outputs": "\n".join(outputs),
        "xlsx report": zip_text(exports[0]),
        "html report": exports[1].read_text(encoding="utf-8"),
        "backup": zip_text(exports[2]),
    }
    if database.url.get_backend_name() == "sqlite":  # the raw file too: free pages, WAL
        files = Path(str(database.url.database)).parent.glob("*.sqlite3*")
        texts["sqlite file"] = b"".join(p.read_bytes() for p in files).decode("latin-1")
    assert "税務課" in texts["outputs"] and "税務課" in texts["backup"]  # the checks are not vacuous
    assert "残業時間" in texts["xlsx report"] and "残業時間" in texts["html report"]
    for where, text in texts.items():
        for value in forbidden():
            assert value not in text, f"{value!r} found in the {where}"


@pytest.mark.parametrize(
    ("environment", "key", "message"),
    [
        ("production", None, "職員番号を仮名化する鍵が設定されていません"),
        ("production", DEV_PSEUDONYM_KEY.hex(), "短すぎるか開発用の値です"),
        ("staging", "short", "短すぎるか開発用の値です"),
    ],
)
def test_outside_development_a_per_staff_file_needs_a_real_key(
    database: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    environment: str,
    key: str | None,
    message: str,
) -> None:
    source = per_staff_file(tmp_path / "職員別.xlsx")
    monkeypatch.setenv("DXI_ENVIRONMENT", environment)
    if key is None:
        monkeypatch.delenv("DXI_PSEUDONYM_KEY", raising=False)
    else:
        monkeypatch.setenv("DXI_PSEUDONYM_KEY", key)
    get_settings.cache_clear()
    before = dump_database(database)
    code, out = dxi("overtime", "import", str(source))
    assert code == 2 and message in "".join(out.split()) and "DXI_PSEUDONYM_KEY" in out
    assert dump_database(database) == before, "a refused file must store nothing, not even a trace"

    monkeypatch.setenv("DXI_PSEUDONYM_KEY", PRODUCTION_KEY)
    get_settings.cache_clear()
    code, out = dxi("overtime", "import", str(source))
    assert code == 0, out
    stored = database_text(database)
    for value in forbidden(PRODUCTION_KEY.encode()):
        assert value not in stored and value not in out
