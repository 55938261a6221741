"""Every role on every route, over the real database (SQLite and PostgreSQL).

admin may do everything, reviewer everything but 管理, dept reads its own 課 only:
another 課's task, ranking, submission or download asked for by URL is refused with
403 and written to the audit log.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from inventory.db.engine import session_scope
from inventory.db.scoring_tables import Review
from inventory.db.tables import AuditEntry
from tests.flows.web.conftest import USERS, TestClient, Town, csrf_of, login_as

ROLES = ("admin", "reviewer", "dept")  # dept = 税務課
OK, DENY = 200, 403
ALL_OK = {"admin": OK, "reviewer": OK, "dept": OK}
NOT_DEPT = {"admin": OK, "reviewer": OK, "dept": DENY}


def routes(town: Town) -> list[tuple[str, str, dict[str, Any], dict[str, int]]]:
    """(method, path, form, expected status per role); the dept user belongs to 税務課."""
    own = town.tasks[("税務課", "住民税の申告書入力")]
    other = town.tasks[("市民課", "支出命令書の作成")]
    pilot = town.pilot_id
    return [
        ("GET", "/", {}, ALL_OK),
        ("GET", "/ranking", {}, ALL_OK),
        ("GET", "/ranking?dept=税務課&tool=ai-ocr&ko=exclude&sort=saved&order=desc", {}, ALL_OK),
        ("GET", "/ranking?dept=市民課", {}, NOT_DEPT),
        ("GET", f"/tasks/{own}", {}, ALL_OK),
        ("GET", f"/tasks/{other}", {}, NOT_DEPT),
        ("GET", "/tasks/999999", {}, {"admin": 404, "reviewer": 404, "dept": DENY}),
        ("GET", "/pilots", {}, ALL_OK),
        ("GET", "/submissions", {}, ALL_OK),
        ("GET", "/submissions?dept=市民課", {}, NOT_DEPT),
        ("GET", f"/submissions/errors/{town.rejection_ids['税務課']}.csv", {}, ALL_OK),
        ("GET", f"/submissions/errors/{town.rejection_ids['市民課']}.csv", {}, NOT_DEPT),
        ("GET", "/submit", {}, ALL_OK),
        ("GET", "/submit?dept=市民課", {}, NOT_DEPT),
        ("GET", "/submit/999999", {}, {"admin": 404, "reviewer": 404, "dept": 404}),
        ("GET", "/history", {}, ALL_OK),
        ("GET", "/history?dept=市民課", {}, NOT_DEPT),
        ("GET", "/ranking/download.csv", {}, ALL_OK),
        ("GET", "/ranking/download.xlsx", {}, ALL_OK),
        ("GET", "/ranking/download.csv?dept=市民課", {}, NOT_DEPT),
        ("GET", "/ranking/download.xlsx?dept=市民課", {}, NOT_DEPT),
        ("GET", "/admin", {}, {"admin": OK, "reviewer": DENY, "dept": DENY}),
        ("POST", f"/tasks/{own}/review", {"decision": "採用", "reason": "年間1,200時間"},
         {"admin": 303, "reviewer": 303, "dept": DENY}),
        ("POST", f"/tasks/{other}/review", {"decision": "保留", "reason": "来年度に再検討"},
         {"admin": 303, "reviewer": 303, "dept": DENY}),
        # 実証中 → 効果検証 → 実証中 (a re-run) for each editor; 本格導入 is not a move from 実証中.
        ("POST", f"/pilots/{pilot}/advance", {"to": "効果検証"}, {"admin": 303, "reviewer": 303, "dept": DENY}),
        ("POST", f"/pilots/{pilot}/advance", {"to": "実証中"}, {"admin": 303, "reviewer": 303, "dept": DENY}),
        ("POST", f"/pilots/{pilot}/advance", {"to": "本格導入"}, {"admin": 400, "reviewer": 400, "dept": DENY}),
    ]  # fmt: skip


def _call(client: TestClient, method: str, path: str, form: dict[str, Any], csrf: str | None) -> int:
    if method == "GET":
        return client.get(path).status_code
    return client.post(path, data={**form, "csrf_token": csrf or ""}).status_code


def test_every_role_on_every_route(app_client: TestClient, town: Town, engine: Engine) -> None:
    table = routes(town)
    failures = []
    for role in ROLES:
        app_client.cookies.clear()
        login_as(app_client, role)
        csrf = csrf_of(app_client.get("/").text)
        for method, path, form, expected in table:
            status = _call(app_client, method, path, form, csrf)
            if status != expected[role]:
                failures.append(f"{role} {method} {path}: {status}, expected {expected[role]}")
    assert failures == []
    refused = sum(1 for *_, expected in table if expected["dept"] == DENY)
    with session_scope(engine) as session:
        logged = session.scalar(
            select(func.count()).select_from(AuditEntry)
            .where(AuditEntry.action == "web.forbidden", AuditEntry.actor == USERS["dept"][0])
        )  # fmt: skip
        reviews = session.scalars(select(Review.reviewer).order_by(Review.id)).all()
    assert logged == refused
    assert reviews == ["kanri", "kanri", "shinsa", "shinsa"]


def test_anonymous_requests_go_to_the_login_page(app_client: TestClient, town: Town) -> None:
    for method, path, form, _expected in routes(town):
        response = (
            app_client.get(path)
            if method == "GET"
            else app_client.post(path, data={**form, "csrf_token": "x"})
        )
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/login"), path
    assert app_client.get("/login").status_code == 200


def test_a_dept_user_sees_only_its_own_department(app_client: TestClient, town: Town) -> None:
    login_as(app_client, "dept")
    ranking = app_client.get("/ranking").text
    assert "住民税の申告書入力" in ranking and "市民課" not in ranking.split("<table", 1)[1]
    csv_text = app_client.get("/ranking/download.csv").content.decode("utf-8-sig")
    rows = csv_text.strip().splitlines()[1:]
    assert rows and all(",税務課," in row for row in rows)
    assert "市民課" not in app_client.get("/submissions").text.split("<table", 1)[1]
    assert "福祉課" not in app_client.get("/pilots").text


def test_a_decision_is_recorded_and_shown_in_the_history(app_client: TestClient, town: Town) -> None:
    login_as(app_client, "reviewer")
    task = town.tasks[("税務課", "支出命令書の作成")]
    page = app_client.get(f"/tasks/{task}")
    response = app_client.post(f"/tasks/{task}/review", data={
        "decision": "採用", "reason": "手順書あり・<b>横展開</b>可", "csrf_token": csrf_of(page.text)})  # fmt: skip
    assert response.status_code == 303 and response.headers["location"] == f"/tasks/{task}?saved=1#history"
    history = app_client.get(response.headers["location"]).text
    assert "判断を記録しました" in history and "手順書あり・&lt;b&gt;横展開&lt;/b&gt;可" in history
    adopted = app_client.get("/ranking?decision=採用").text
    assert f"/tasks/{task}" in adopted and "住民税の申告書入力" not in adopted
    missing_reason = app_client.post(f"/tasks/{task}/review", data={
        "decision": "採用", "reason": " ", "csrf_token": csrf_of(page.text)})  # fmt: skip
    assert missing_reason.status_code == 400 and "判断の理由を入力してください" in missing_reason.text


def test_pages_carry_the_security_headers(app_client: TestClient, town: Town) -> None:
    login_as(app_client, "admin")
    for path in ("/", "/ranking", "/ranking/download.csv", "/login"):
        headers = app_client.get(path).headers
        assert "script-src" not in headers["content-security-policy"]  # default-src 'none': no script at all
        assert "default-src 'none'" in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"
        assert headers["cache-control"] == "no-store"
    assert app_client.get("/static/app.css").status_code == 200
    font = app_client.get("/fonts/ipaexg.ttf")
    assert font.status_code == 200 and len(font.content) > 1_000_000


def test_an_unexpected_error_is_a_japanese_page_without_details(engine: Engine, town: Town) -> None:
    from flows.web.app import create_app
    from inventory.settings import get_settings

    app = create_app(settings=get_settings(), engine=engine)

    def boom() -> None:
        raise RuntimeError("secret internals")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500 and "処理中にエラーが発生しました" in response.text
    assert "secret internals" not in response.text and response.headers["x-frame-options"] == "DENY"
