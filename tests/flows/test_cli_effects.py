"""`dxi effects`: JSON equals the domain functions, reports are written, clear errors; the flow."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bpr.effects.measure import kpi
from flows.town.panel import make_panel
from inventory.db.engine import engine_for, session_scope
from inventory.db.overtime_repo import replace_overtime
from inventory.db.submission_repo import store_survey
from inventory.overtime.reader import OvertimeMonthIn
from inventory.settings import get_settings
from tests.factories import make_survey
from tests.flows.cli_runner import assert_not_imported, dxi


def flat(out: str) -> str:
    return "".join(out.split())


@pytest.fixture
def initialised() -> None:
    code, out = dxi("init")
    assert code == 0, out


@pytest.fixture
def seeded(initialised: None) -> pd.DataFrame:
    """A synthetic town's overtime (8 課, FY2022–FY2024) stored through the repository."""
    panel, _ = make_panel(departments=8, years=3, seed=2)
    with session_scope(engine_for(get_settings().db_url)) as session:
        for name in panel["department"].unique():
            store_survey(session=session, survey=make_survey(department=name, tag=name))
    rows = [
        OvertimeMonthIn(department=d, year=int(y), month=int(m), overtime_hours=float(h), headcount=int(n))
        for d, y, m, h, n in panel[["department", "year", "month", "overtime_hours", "headcount"]].itertuples(
            index=False
        )
    ]
    with session_scope(engine_for(get_settings().db_url)) as session:
        replace_overtime(session=session, rows=rows, file_name="t.csv", content_hash="0" * 64, actor="test")
    return panel


def json_of(out: str) -> Any:
    return json.loads(out[out.find("{") :])


@pytest.mark.usefixtures("initialised")
def test_no_overtime_data_is_a_clear_error() -> None:
    code, out = dxi("effects")
    assert code == 2 and "時間外勤務実績がありません" in flat(out) and "dxiovertimeimport" in flat(out)


def test_json_equals_the_kpi(seeded: pd.DataFrame) -> None:
    code, out = dxi("effects", "--format", "json", "--fy", "2024", "--target", "10")
    assert code == 0, out
    doc = json_of(out)
    expected = kpi(seeded, kpi_fy=2024, target_pct=10)
    assert doc["kpi_fy"] == 2024 and doc["baseline_fy"] == 2022 and doc["target_pct"] == 10
    assert doc["overtime_total"] == pytest.approx(expected.overtime_total)
    assert doc["reduction_pct"] == pytest.approx(expected.reduction_pct)
    assert doc["target_met"] == expected.target_met
    for key in (
        "did_estimate",
        "did_ci_low",
        "did_ci_high",
        "naive_before_after",
        "pilots",
        "overtime_baseline",
    ):
        assert key in doc
    assert doc["did_estimate"] is None and "推定できません" in doc["did_note"]  # no production pilot yet


@pytest.mark.usefixtures("seeded")
def test_the_table_and_json_load_no_pandas(tmp_path: Path) -> None:
    # The KPI and the DiD run on numpy alone: the answer at the desk never waits for pandas.
    assert_not_imported(tmp_path, ["effects"], ["effects", "--format", "json"], module="pandas", succeed=True)


def test_table_output_and_bad_options(seeded: pd.DataFrame) -> None:
    code, out = dxi("effects")
    assert code == 0, out
    assert "令和6年度RPA・AI-OCR導入効果報告" in flat(out) and "年度別の残業時間" in flat(out)
    assert "実証案件:（該当するデータはありません）" in flat(out)  # an empty table still says which it is
    code, out = dxi("effects", "-o", "report.docx")
    assert code == 2 and ".html" in out
    code, out = dxi("effects", "--baseline-fy", "2019")
    assert code == 2 and "基準年度" in out


@pytest.mark.usefixtures("seeded")
@pytest.mark.parametrize("suffix, magic", [("html", b"<!DOCTYPE html>"), ("pdf", b"%PDF"), ("xlsx", b"PK")])
def test_reports_are_written(tmp_path: Path, suffix: str, magic: bytes) -> None:
    path = tmp_path / "out" / f"report.{suffix}"
    code, out = dxi("effects", "-o", str(path))
    assert code == 0, out
    assert path.read_bytes().startswith(magic)


def test_help_is_japanese_with_an_example() -> None:
    code, out = dxi("effects", "--help")
    assert code == 0 and "例:" in out and "--baseline-fy" in out


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness", "seeded")
def test_effect_report_flow_writes_files_and_an_artifact() -> None:
    from flows.effect_report import effect_report

    summary = effect_report(fiscal_year=2024, formats=("html", "xlsx"))
    names = sorted(Path(f).name for f in summary.files)
    assert names == ["効果報告_2024.html", "効果報告_2024.xlsx"]
    assert all(Path(f).parent == get_settings().home / "reports" for f in summary.files)
    assert summary.headline["kpi_fy"] == 2024
