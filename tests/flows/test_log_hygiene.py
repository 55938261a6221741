"""Logs never carry file contents or staff ids: real flow runs and real `dxi` processes.

Every cell of the test files (task names, 備考, the bad values of rejected files, staff
ids) carries a marker. One real `survey-intake` and one real `overtime-scan` run in the
session's Prefect harness, with every logger at DEBUG; then the marker is looked for in
every captured log record, in the runs' logs as stored by the Prefect API, in their
artifacts and in Prefect's local result storage. `dxi ingest` and `dxi overtime import`
run as separate processes (text and JSON logs, Prefect at DEBUG) and their stderr is
checked too. The department's error workbook and the CLI's own error table may show
the bad value: that is the product (the control below proves the marker was read).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from uuid import UUID

import pytest

from flows.inbox_scan import overtime_scan
from flows.survey_intake import survey_intake
from inventory.db.engine import engine_for
from inventory.overtime.columns import pseudonymise
from inventory.settings import DEV_PSEUDONYM_KEY, get_settings
from tests.inventory.db.dump import database_text
from tests.inventory.workbooks import HEADER, write_xlsx
from tests.logcapture import all_log_records, log_text

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]

MARKER = "MRK7F3A9C"  # ASCII, so JSON-escaped Japanese around it cannot hide it
STAFF = [f"{MARKER}-S{n}" for n in range(3)]
REPO = Path(__file__).resolve().parents[2]


def secrets() -> list[str]:
    return [MARKER, *(pseudonymise(s, DEV_PSEUDONYM_KEY) for s in STAFF)]


def surveys(folder: Path) -> tuple[Path, Path]:
    """An accepted survey and a rejected one, both full of the marker."""
    folder.mkdir(parents=True, exist_ok=True)
    header: list[object] = [*HEADER, "備考"]
    good: list[list[object]] = [header] + [
        [f"{MARKER}業務{i}", "定型", "なし", "電子", 120, 15, f"備考 {MARKER}"] for i in range(3)
    ]
    bad: list[list[object]] = [
        header,
        [f"{MARKER}申請受付", "定型", "なし", f"{MARKER}媒体", f"約{MARKER}件", 10, MARKER],
        [f"{MARKER}照会", f"{MARKER}型", "なし", "電子", 5, f"{MARKER}分", ""],
    ]
    cover = (("年度", 2024), ("課", "税務課"))
    return (
        write_xlsx(folder / "税務課.xlsx", good, cover=cover),
        write_xlsx(folder / "税務課_誤り.xlsx", bad, cover=(("年度", 2024), ("課", "市民課"))),
    )


def overtime_files(folder: Path) -> tuple[Path, Path]:
    """A per-staff file that is accepted and one that is rejected, ids and bad cells marked."""
    folder.mkdir(parents=True, exist_ok=True)
    header: list[object] = ["年月", "課", "職員番号", "時間外勤務時間"]
    good: list[list[object]] = [header] + [["2024-04", "税務課", s, 10 + n] for n, s in enumerate(STAFF)]
    bad: list[list[object]] = [
        header,
        ["2024-05", "税務課", STAFF[0], f"{MARKER}時間"],
        ["2024-05", f"{MARKER}課", STAFF[1], 3],
    ]
    paths = (folder / "時間外_4月.xlsx", folder / "時間外_5月_誤り.xlsx")
    write_xlsx(paths[0], good, cover=())
    write_xlsx(paths[1], bad, cover=())
    stamp = time.time() - 60  # settled: the scan treats them as fully copied
    for path in paths:
        os.utime(path, (stamp, stamp))
    return paths


def api_logs_and_artifacts(flow_run_ids: list[UUID]) -> str:
    """What the Prefect API stored for these runs (their tasks included): log lines and artifacts."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        ArtifactFilter,
        ArtifactFilterFlowRunId,
        LogFilter,
        LogFilterFlowRunId,
    )
    from prefect.logging.handlers import APILogHandler

    APILogHandler().flush()  # send what is still queued before reading it back
    with get_client(sync_client=True) as client:
        logs = client.read_logs(log_filter=LogFilter(flow_run_id=LogFilterFlowRunId(any_=flow_run_ids)))
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=flow_run_ids))
        )
    assert len(logs) > 10, "the runs' logs were not read back"
    assert len(artifacts) >= 2  # each flow publishes its table
    return "\n".join([*(f"{log.name}: {log.message}" for log in logs), *(repr(a) for a in artifacts)])


def test_flow_runs_log_no_cell_value_and_no_staff_id(tmp_path: Path) -> None:
    good, bad = surveys(tmp_path / "surveys")
    overtime_inbox = tmp_path / "overtime-inbox"
    overtime_files(overtime_inbox)
    errors_dir = tmp_path / "errors"
    with all_log_records() as records:
        intake_state = survey_intake(
            paths=[str(good), str(bad)], errors_dir=str(errors_dir), return_state=True
        )
        scan_state = overtime_scan(inbox=str(overtime_inbox), settle_seconds=0, return_state=True)
    outcomes, summary = intake_state.result(), scan_state.result()
    assert [o.status for o in outcomes] == ["accepted", "rejected"]
    assert [f.status for f in summary.files] == ["accepted", "rejected"]

    captured = log_text(records)
    assert captured, "nothing was captured: the check below would be vacuous"
    run_ids = [intake_state.state_details.flow_run_id, scan_state.state_details.flow_run_id]
    assert None not in run_ids
    stored = api_logs_and_artifacts([i for i in run_ids if i is not None])
    storage = Path(os.environ["PREFECT_HOME"]) / "storage"
    results = "".join(p.read_bytes().decode("latin-1") for p in storage.rglob("*") if p.is_file())
    for secret in secrets():
        assert secret not in captured, f"{secret} in a log record"
        assert secret not in stored, f"{secret} in the Prefect API's logs or artifacts"
        assert secret not in results, f"{secret} in Prefect's result storage"
    stored_values = database_text(engine_for(get_settings().db_url))
    assert f"{MARKER}業務0" in stored_values  # the accepted survey's tasks are data, and stored
    for staff_id in [*STAFF, *secrets()[1:]]:
        assert staff_id not in stored_values, f"{staff_id} stored by the overtime-scan flow"
    # Control: the department's error workbook does show its own bad cells.
    with zipfile.ZipFile(errors_dir / "税務課_誤り_エラー.xlsx") as archive:
        assert MARKER in archive.read("xl/sharedStrings.xml").decode()


def dxi_process(tmp_path: Path, log_format: str, *argv: str) -> subprocess.CompletedProcess[str]:
    import prefect.settings

    env = {k: v for k, v in os.environ.items() if not k.startswith("DXI_")}
    env |= {
        "DXI_HOME": str(get_settings().home),
        "DXI_LOG_FORMAT": log_format,
        "PREFECT_API_URL": str(prefect.settings.PREFECT_API_URL.value()),
        "PREFECT_LOGGING_LEVEL": "DEBUG",
    }
    script = "import sys\nfrom flows.cli.main import main\nsys.argv = ['dxi', *sys.argv[1:]]\nmain()\n"
    return subprocess.run(
        [sys.executable, "-c", script, *argv], capture_output=True, text=True, cwd=REPO, env=env, timeout=300
    )


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_dxi_processes_write_no_cell_value_or_staff_id_to_stderr(tmp_path: Path, log_format: str) -> None:
    good, bad = surveys(tmp_path / "surveys")
    ingest = dxi_process(tmp_path, log_format, "ingest", str(good), str(bad), "--errors-dir", str(tmp_path))
    assert ingest.returncode == 1, ingest.stderr  # one file rejected; the flow created the database
    accepted, rejected = overtime_files(tmp_path / "overtime")
    runs = [ingest]
    for path, code in ((accepted, 0), (rejected, 1)):
        run = dxi_process(tmp_path, log_format, "overtime", "import", str(path))
        assert run.returncode == code, run.stdout + run.stderr
        runs.append(run)
    assert "差し戻し" in ingest.stdout and "差し戻し" in runs[2].stdout
    for run in runs:
        for secret in secrets():
            assert secret not in run.stderr, f"{secret} on stderr:\n{run.stderr[-2000:]}"
        for staff_id in STAFF:
            assert staff_id not in run.stdout  # not even the operator's own table shows a staff id
