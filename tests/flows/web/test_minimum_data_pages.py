"""The review room on a volume-only 課: 候補一覧 and 業務詳細 say which attributes are 未確認."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from sqlalchemy import Engine, select

from inventory.db.engine import session_scope
from inventory.db.tables import Task
from inventory.intake.survey import ingest_file
from tests.factories import score_year
from tests.flows.web.conftest import TestClient, Town, login_as
from tests.inventory.workbooks import write_xlsx

ROWS = [["年度", "課", "業務名", "年間時間", "導入後の年間時間"],
        ["令和6年度", "会計課", "支払データの照合", "約900時間", None],
        ["令和6年度", "会計課", "口座振替データの取込", "600時間", 90]]  # fmt: skip


def test_ranking_and_task_pages_show_unknown_attributes_and_automated_work(
    app_client: TestClient, town: Town, engine: Engine, tmp_path: Path
) -> None:
    assert (
        ingest_file(engine=engine, path=write_xlsx(tmp_path / "会計課.xlsx", ROWS, cover=())).status
        == "accepted"
    )
    with session_scope(engine) as session:
        score_year(session)
        ids = dict(
            session.execute(select(Task.name, Task.id).where(Task.name.in_([r[2] for r in ROWS[1:]]))).all()
        )
    login_as(app_client, "reviewer")

    page = app_client.get("/ranking", params={"dept": "会計課"}).text
    assert page.count("属性未確認: 全項目（11）") == 2
    surveyed = app_client.get("/ranking", params={"dept": "税務課"}).text
    assert "住民税の申告書入力" in surveyed and "属性未確認: 全項目" not in surveyed
    automated = app_client.get("/ranking", params={"quadrant": "automated"}).text
    assert "口座振替データの取込" in automated and "支払データの照合" not in automated
    assert 'class="tag q-automated">自動化済み' in automated

    detail = app_client.get(f"/tasks/{ids['支払データの照合']}").text
    assert "<dt>属性未確認</dt><dd>業務区分・定型性・判断の有無・入力媒体" in detail
    assert "中立の値を仮定した見込み" in detail
    assert "<dt>定型性</dt><dd>未確認</dd>" in detail and "<dt>年間時間（記入値）</dt><dd>900</dd>" in detail
    done = app_client.get(f"/tasks/{ids['口座振替データの取込']}").text
    assert "<dt>導入後の年間時間</dt><dd>90</dd>" in done and "自動化済み（年間 600→90 時間）" in done

    export = app_client.get("/ranking/download.csv", params={"dept": "会計課"}).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(export)))
    assert [r["属性未確認"] for r in rows] == ["全項目（11）", "全項目（11）"]
