"""`dxi campaign`: real templates out, real filled workbooks back in, status, bad input; the reminder flow."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from openpyxl import load_workbook

from flows.town.survey import make_town, next_year
from flows.town.survey_files import corrupt, write_survey
from inventory.campaign.status import template_file_name
from inventory.db.engine import engine_for
from inventory.intake.survey import ingest_file
from inventory.settings import get_settings
from tests.flows import cli_runner


def dxi(*args: str) -> tuple[int, str]:
    """Run dxi; the output with rich's line wrapping undone, so messages can be matched whole."""
    code, out = cli_runner.dxi(*args)
    return code, out if args[-1] == "json" or "csv" in args else out.replace("\n", "")


TOWN = make_town(departments=3, tasks_per_department=4, fiscal_year=2024, seed=5)


def _ingest(path: Path) -> str:
    return ingest_file(engine=engine_for(get_settings().db_url), path=path).status


@pytest.fixture
def last_year(tmp_path: Path) -> None:
    """An initialised database holding FY2024 answers of the first two 課 of the town."""
    assert dxi("init")[0] == 0
    for survey in TOWN[:2]:
        assert _ingest(write_survey(survey, tmp_path / "2024", style="clean")) == "accepted"


def _dept_list(tmp_path: Path) -> Path:
    lines = ["部,課"] + [f"{s.division},{s.department}" for s in TOWN]
    path = tmp_path / "課一覧.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp932"))
    return path


def _fill_new(template: Path) -> Path:
    """What a 課 without last year's answers does: type two tasks under the header."""
    book = load_workbook(template)
    sheet = book["業務一覧"]
    headers = [c.value for c in sheet[1]]
    typed: list[dict[str, str | int]] = [
        {"業務名": "窓口での届出受付", "定型性": "定型", "判断の有無": "なし", "入力媒体": "紙（手書き）",
         "年間件数": "約1,200件", "1件当たり処理時間（分）": "10分"},
        {"業務名": "統計資料の作成", "定型性": "一部定型", "判断の有無": "一部あり", "入力媒体": "電子",
         "年間件数": 12, "1件当たり処理時間（分）": "1時間"},
    ]  # fmt: skip
    for r, values in enumerate(typed, start=2):
        for header, value in values.items():
            sheet.cell(row=r, column=headers.index(header) + 1, value=value)
    book["表紙"]["B6"] = "佐藤"
    book.save(template)
    return template


@pytest.mark.usefixtures("last_year")
def test_open_writes_one_prefilled_template_per_department_that_intake_accepts(tmp_path: Path) -> None:
    code, out = dxi(
        "campaign", "open", "--fy", "2025", "--deadline", "2025-06-30", "--depts", str(_dept_list(tmp_path))
    )
    assert code == 0 and "調査を開始しました" in out, out
    folder = get_settings().outbox_dir / "2025"
    files = sorted(p.name for p in folder.iterdir())
    assert files == sorted(template_file_name(2025, s.department) for s in TOWN)
    first = load_workbook(folder / template_file_name(2025, TOWN[0].department))
    cells = {c for row in first["業務一覧"].iter_rows(min_row=2, values_only=True) for c in row if c}
    assert {t.name for t in TOWN[0].tasks} <= cells, "last year's tasks are pre-filled"
    cover = {row[0]: row[1] for row in first["表紙"].iter_rows(values_only=True) if row and row[0]}
    assert (cover["年度"], cover["課"], cover["部"]) == (2025, TOWN[0].department, TOWN[0].division)

    code, out = dxi("campaign", "status", "--format", "json")
    doc = json.loads(out)
    assert code == 0 and doc["status"] == "open" and doc["summary"]["missing"] == 3

    # returned: 1st unchanged (last year's tasks confirmed), 2nd first wrong then right, 3rd typed in
    assert _ingest(folder / template_file_name(2025, TOWN[0].department)) == "accepted"
    this_year = next_year(TOWN, seed=5)
    bad, cells_bad = corrupt(this_year[1], tmp_path / "returned", mistakes=2)
    assert _ingest(bad) == "rejected"
    third = _fill_new(folder / template_file_name(2025, TOWN[2].department))
    assert _ingest(third) == "accepted"

    code, out = dxi("campaign", "status", "--fy", "2025", "--format", "json")
    states = {d["department"]: (d["state"], d["error_count"]) for d in json.loads(out)["departments"]}
    assert states == {
        TOWN[0].department: ("received", 0),
        TOWN[1].department: ("rejected", len(cells_bad)),
        TOWN[2].department: ("received", 0),
    }
    code, out = dxi("campaign", "status")
    assert code == 0 and "対象 3 課 / 提出済み 2（うち再提出 0） / 差し戻し 1 / 未提出 0" in out
    code, out = dxi("campaign", "status", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["状況"] for r in rows] == ["提出済み", "差し戻し", "提出済み"] and rows[1]["エラー件数"] == "2"

    assert _ingest(write_survey(this_year[1], tmp_path / "returned", style="messy")) == "accepted"
    code, out = dxi("campaign", "status", "--format", "json")
    assert json.loads(out)["departments"][1]["state"] == "resubmitted"

    code, out = dxi("campaign", "open", "--fy", "2025", "--deadline", "2025-07-31", "--all-known")
    assert code == 2 and "すでに実施中" in out and "dxi campaign close --fy 2025" in out
    assert sorted(p.name for p in folder.iterdir()) == files, "a refused open writes nothing"
    assert dxi("campaign", "close", "--fy", "2025")[0] == 0
    code, out = dxi("campaign", "status", "--fy", "2025")
    assert code == 0 and "業務量調査（締め切り済み）" in "".join(out.split())
    assert "期限2025-06-30（締め切り済み）" in "".join(out.split())  # not the days overdue


@pytest.mark.usefixtures("last_year")
def test_all_known_and_outbox_option(tmp_path: Path) -> None:
    outbox = tmp_path / "送付用"
    code, out = dxi(
        "campaign", "open", "--fy", "2025", "--deadline", "2025/6/30", "--all-known", "--outbox", str(outbox)
    )
    assert code == 0, out
    assert "すでに過ぎています" in out
    assert sorted(p.name for p in (outbox / "2025").iterdir()) == sorted(
        template_file_name(2025, s.department) for s in TOWN[:2]
    )
    assert not [p for p in outbox.iterdir() if p.name.startswith(".")], "no staging folder left behind"
    code, out = dxi("campaign", "status", "--format", "json")
    assert {d["state"] for d in json.loads(out)["departments"]} == {"missing"}


@pytest.mark.usefixtures("last_year")
@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--deadline", "6月末", "--all-known"], "--deadline の値「6月末」を日付として読めません"),
        (["--deadline", "2025-02-30", "--all-known"], "日付として読めません"),
        (["--deadline", "2040-06-30", "--all-known"], "離れすぎています"),
        (["--deadline", "2025-06-30"], "どちらか一方"),
        (["--deadline", "2025-06-30", "--all-known", "--depts", "x.csv"], "どちらか一方"),
        (["--deadline", "2025-06-30", "--depts", "ない.csv"], "課の一覧ファイルが見つかりません"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(args: list[str], fragment: str) -> None:
    code, out = dxi("campaign", "open", "--fy", "2025", *args)
    assert code == 2 and fragment in out
    assert not any(get_settings().outbox_dir.rglob("*"))
    assert dxi("campaign", "status")[1].count("調査は登録されていません") == 1


@pytest.mark.usefixtures("last_year")
def test_a_bad_department_list_names_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "課一覧.csv"
    path.write_bytes("部,課\r\n総務部,税務課\r\n総務部,\r\n市民部,税務課\r\n".encode("utf-8-sig"))
    code, out = dxi("campaign", "open", "--fy", "2025", "--deadline", "2025-06-30", "--depts", str(path))
    assert code == 2 and "課一覧.csv" in out and "3行目" in out and "4行目" in out and "重複" in out
    assert not any(get_settings().outbox_dir.rglob("*"))


def test_all_known_with_no_earlier_survey() -> None:
    assert dxi("init")[0] == 0
    code, out = dxi("campaign", "open", "--fy", "2025", "--deadline", "2025-06-30", "--all-known")
    assert code == 2 and "--depts" in out and not any(get_settings().outbox_dir.rglob("*"))


def test_help_is_japanese_with_examples() -> None:
    for command in ("open", "status", "close", "remind"):
        code, out = dxi("campaign", command, "--help")
        assert code == 0 and "例:" in out, command


def test_status_does_not_import_prefect(tmp_path: Path) -> None:
    cli_runner.assert_not_imported(
        tmp_path, ["init"], ["campaign", "status"], ["campaign", "close", "--fy", "2025"]
    )


class _Hook(BaseHTTPRequestHandler):
    received: list[tuple[str, dict[str, str]]] = []

    def do_POST(self) -> None:  # noqa: N802  (http.server's naming)
        data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.loads(data) if data else {}
        _Hook.received.append((self.path, body))
        self.send_response(500 if self.path == "/fail" else 200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def webhook() -> Iterator[str]:
    """A tiny HTTP server on 127.0.0.1 that records what Prefect's webhook block posts."""
    _Hook.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness", "last_year")
def test_reminder_flow_lists_writes_csv_publishes_and_notifies(
    tmp_path: Path, webhook: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.blocks.notifications import CustomWebhookNotificationBlock
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.settings import get_current_settings

    from flows.campaign_reminder import campaign_reminder

    idle = campaign_reminder(today="2025-06-20")
    assert idle.message == "実施中の調査がないため、督促は行いません" and idle.csv_path is None

    assert (
        dxi(
            "campaign",
            "open",
            "--fy",
            "2025",
            "--deadline",
            "2025-06-30",
            "--depts",
            str(_dept_list(tmp_path)),
        )[0]
        == 0
    )
    outbox = get_settings().outbox_dir / "2025"
    assert _ingest(outbox / template_file_name(2025, TOWN[0].department)) == "accepted"
    bad, _ = corrupt(next_year(TOWN, seed=5)[1], tmp_path / "returned", mistakes=3)
    assert _ingest(bad) == "rejected"

    CustomWebhookNotificationBlock(
        name="dxi", url=f"{webhook}/hook", json_data={"subject": "{{subject}}", "text": "{{body}}"}
    ).save("dxi-reminder", overwrite=True)
    monkeypatch.setenv("DXI_NOTIFICATION_BLOCK", "dxi-reminder")  # a bare name: looked up by name
    get_settings.cache_clear()

    summary = campaign_reminder(today="2025-06-20")
    assert summary.fiscal_year == 2025 and summary.notification == "sent", summary.notification_error
    assert summary.departments == [TOWN[1].department, TOWN[2].department]
    csv_path = Path(str(summary.csv_path))
    assert csv_path.parent == outbox and csv_path.name == "督促リスト_2025-06-20.csv"
    raw = csv_path.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [(r["課"], r["状況"], r["エラー件数"], r["残り日数"]) for r in rows] == [
        (TOWN[1].department, "差し戻し", "3", "10"),
        (TOWN[2].department, "未提出（期限前）", "", "10"),
    ]
    assert rows[1]["部"] == TOWN[2].division and rows[1]["調査票ファイル"] == template_file_name(
        2025, TOWN[2].department
    )

    ((path, posted),) = _Hook.received
    assert path == "/hook" and posted["subject"] == "業務量調査の督促"
    assert (
        posted["text"].startswith("令和7年度 業務量調査: 未提出・差し戻し 2 課")
        and TOWN[1].department in posted["text"]
    )

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["campaign-reminder"]))
        )
    latest = max(artifacts, key=lambda a: a.created or 0)
    assert latest.type == "markdown" and "督促リスト" in str(latest.data)
    assert f"| {TOWN[1].department} | 差し戻し | 3 |" in str(latest.data)

    # a failing notification: the flow still completes, warns and says so in its summary. The block
    # lives on the Prefect server, so `dxi campaign remind` runs there when the server is configured.
    CustomWebhookNotificationBlock(name="dxi", url=f"{webhook}/fail").save("dxi-reminder", overwrite=True)
    monkeypatch.setenv("PREFECT_API_URL", str(get_current_settings().api.url))
    code, out = dxi("campaign", "remind", "--fy", "2025", "--today", "2025-06-21", "--by", "山田")
    assert code == 0 and "通知を送れませんでした" in out and "500" in out
    assert "Prefect のフロー実行として実行しました" in out
    assert (outbox / "督促リスト_2025-06-21.csv").exists()
    assert [p for p, _ in _Hook.received].count("/fail") == 2  # one retry

    # with no server the same command runs here at once: the list and the CSV, and it says why no notice went
    monkeypatch.delenv("PREFECT_API_URL")
    code, out = dxi("campaign", "remind", "--fy", "2025", "--today", "2025-06-22")
    assert code == 0 and (outbox / "督促リスト_2025-06-22.csv").exists()
    assert (
        "通知を送れませんでした" in out
        and "Prefect サーバーが動いていないため通知ブロックを使えません" in out
    )
    assert [p for p, _ in _Hook.received].count("/fail") == 2  # nothing was posted
    code, out = dxi("runs", "--job", "督促", "--format", "json")
    desk, served, flow = json.loads(out)[:3]
    assert (desk["via"], desk["actor"], served["via"], served["actor"]) == ("desk", "cli", "prefect", "山田")
    assert served["flow_run_id"] and flow["via"] == "prefect" and flow["actor"] == "campaign-reminder"
    assert desk["summary"] == "令和7年度: 督促 2 課（" + str(outbox / "督促リスト_2025-06-22.csv") + "）"
    assert dxi("campaign", "remind", "--today", "6/21")[1].count("日付として読めません") == 1
