"""提出 through a saved layout (a municipality's own form): the campaign's for a 課, a chosen one for the DX team."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Engine, select

from inventory.db.engine import session_scope
from inventory.db.upload_tables import UploadedFile
from inventory.layouts.store import save_layout
from inventory.settings import get_settings
from tests.flows.web.conftest import TestClient, Town, csrf_of, login_as
from tests.flows.web.submitting import counts, open_town_campaign, upload
from tests.inventory.layouts.books import HOURS_LAYOUT, hours_table

OWN_ROWS = (
    ("【税務課】住民税賦課", "1,200件", "約30分", "2"),
    ("【税務課】固定資産税の縦覧", 300, "1時間44分", 1),
)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _save(tmp_path: Path) -> None:
    source = tmp_path / "様式.toml"
    source.write_text(HOURS_LAYOUT, encoding="utf-8")
    save_layout(home=get_settings().home, source=source, name="テスト市様式")


def test_the_dx_team_chooses_a_saved_layout_and_only_a_saved_one(
    app_client: TestClient, engine: Engine, town: Town, tmp_path: Path
) -> None:
    _save(tmp_path)
    open_town_campaign(engine, tmp_path / "outbox")
    login_as(app_client, "admin")
    form = app_client.get("/submit").text
    assert re.search(r'<option value="テスト市様式">テスト市様式</option>', form)
    token = csrf_of(form)

    def send(data: bytes, layout: str) -> object:
        return app_client.post("/submit", data={"csrf_token": token, "dept": "税務課", "layout": layout},
                               files={"file": ("調査票.xlsx", data, "application/octet-stream")})  # fmt: skip

    accepted = send(hours_table(OWN_ROWS), "テスト市様式")
    page = _text(app_client.get(accepted.headers["location"]).text)  # type: ignore[attr-defined]
    assert "受理しました（再提出）: 業務 2 件" in page
    others = send(hours_table(), "テスト市様式")  # 課税課 and 市民課 in the names
    page = _text(app_client.get(others.headers["location"]).text)  # type: ignore[attr-defined]
    assert "差し戻し" in page and "「課税課」の調査票です" in page and "「市民課」の調査票です" in page
    before = counts(engine)
    refused = send(hours_table(OWN_ROWS), str(tmp_path / "様式.toml"))  # a path is never taken from the form
    assert refused.status_code == 409 and "保存されていません" in _text(refused.text)  # type: ignore[attr-defined]
    assert counts(engine) == before
    with session_scope(engine) as session:
        layouts = session.scalars(select(UploadedFile.layout).order_by(UploadedFile.id)).all()
    assert layouts == ["テスト市 業務量調査票", "テスト市 業務量調査票"]


def test_a_department_submits_in_the_campaigns_layout_and_not_for_other_departments(
    app_client: TestClient, engine: Engine, town: Town, tmp_path: Path
) -> None:
    _save(tmp_path)
    open_town_campaign(engine, tmp_path / "outbox", layout="テスト市様式")
    login_as(app_client, "dept")
    assert 'name="layout"' not in app_client.get("/submit").text
    page = _text(app_client.get(upload(app_client, hours_table(OWN_ROWS)).headers["location"]).text)
    assert "受理しました（再提出）: 業務 2 件" in page
    before = counts(engine)
    assert upload(app_client, hours_table()).status_code == 403  # its rows name 課税課 and 市民課
    assert counts(engine) == before
