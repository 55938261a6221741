"""Security checks on the real app and database: CSRF, session fixation and logout, throttling, SSO header."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine, func, select

from flows.web.app import create_app
from flows.web.security import LOGIN_CSRF_COOKIE, SESSION_COOKIE
from inventory.db.account_repo import MAX_CLIENT_FAILURES, MAX_USER_FAILURES
from inventory.db.engine import session_scope
from inventory.db.scoring_tables import Review
from inventory.db.tables import AuditEntry
from inventory.settings import Settings
from tests.flows.web.conftest import PASSWORD, USERS, TestClient, Town, csrf_of, login, login_as


def _count(engine: Engine, model: type, **where: object) -> int:
    with session_scope(engine) as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return int(session.scalar(query) or 0)


def test_a_post_without_the_csrf_token_is_refused_and_logged(
    app_client: TestClient, town: Town, engine: Engine
) -> None:
    login_as(app_client, "reviewer")
    task = town.tasks[("税務課", "支出命令書の作成")]
    form = {"decision": "採用", "reason": "理由"}
    assert app_client.post(f"/tasks/{task}/review", data=form).status_code == 403
    assert app_client.post(f"/tasks/{task}/review", data={**form, "csrf_token": "guessed"}).status_code == 403
    assert app_client.post(f"/pilots/{town.pilot_id}/advance", data={"to": "見送り"}).status_code == 403
    assert app_client.post("/logout").status_code == 403
    assert _count(engine, Review) == 0
    assert _count(engine, AuditEntry, action="web.csrf_refused") == 4
    assert app_client.get("/").status_code == 200  # still logged in: the refused logout did nothing


def test_the_login_form_needs_its_own_token(app_client: TestClient, town: Town) -> None:
    response = app_client.post("/login", data={"username": USERS["admin"][0], "password": PASSWORD})
    assert response.status_code == 403 and SESSION_COOKIE not in response.cookies


def test_login_rotates_the_session_id_so_a_planted_one_is_worthless(
    app_client: TestClient, town: Town, engine: Engine
) -> None:
    planted = "attacker-chosen-session-id"
    app_client.cookies.set(SESSION_COOKIE, planted)
    response = login(app_client, USERS["dept"][0])
    issued = response.cookies.get(SESSION_COOKIE)  # type: ignore[attr-defined]
    assert issued and issued != planted
    header = response.headers["set-cookie"].lower()  # type: ignore[attr-defined]
    assert "httponly" in header and "samesite=strict" in header and "path=/" in header
    # Logging in again (another user, same browser) issues a new id and kills the old one.
    app_client.cookies.set(SESSION_COOKIE, issued)
    second = login(app_client, USERS["admin"][0]).cookies.get(SESSION_COOKIE)  # type: ignore[attr-defined]
    assert second and second != issued
    with TestClient(app_client.app, follow_redirects=False) as other:
        other.cookies.set(SESSION_COOKIE, issued)
        assert other.get("/").status_code == 303
        other.cookies.set(SESSION_COOKIE, planted)
        assert other.get("/").status_code == 303
        other.cookies.set(SESSION_COOKIE, second)
        assert other.get("/").status_code == 200


def test_logout_ends_the_session_on_the_server(app_client: TestClient, town: Town) -> None:
    login_as(app_client, "admin")
    token = app_client.cookies.get(SESSION_COOKIE)
    response = app_client.post("/logout", data={"csrf_token": csrf_of(app_client.get("/").text)})
    assert response.status_code == 303 and response.headers["location"] == "/login"
    with TestClient(app_client.app, follow_redirects=False) as replay:
        replay.cookies.set(SESSION_COOKIE, token or "")
        assert replay.get("/").status_code == 303


def test_login_is_throttled_per_user_and_per_client(
    app_client: TestClient, town: Town, engine: Engine
) -> None:
    victim = USERS["reviewer"][0]
    for _ in range(MAX_USER_FAILURES):
        assert login(app_client, victim, "wrong password").status_code == 401  # type: ignore[attr-defined]
    blocked = login(app_client, victim)  # the right password, too late
    assert blocked.status_code == 429 and "時間をおいて" in blocked.text  # type: ignore[attr-defined]
    assert login(app_client, USERS["admin"][0]).status_code == 303  # type: ignore[attr-defined]
    for n in range(MAX_CLIENT_FAILURES - MAX_USER_FAILURES):
        login(app_client, f"guess{n}", "wrong password")
    assert login(app_client, USERS["dept"][0]).status_code == 429  # type: ignore[attr-defined]
    assert _count(engine, AuditEntry, action="web.login_throttled") >= 2  # refused attempts count too


def test_unknown_and_disabled_users_cannot_log_in(app_client: TestClient, town: Town, engine: Engine) -> None:
    from inventory.db.account_repo import disable_user

    assert login(app_client, "nobody").status_code == 401  # type: ignore[attr-defined]
    login_as(app_client, "dept")
    with session_scope(engine) as session:
        disable_user(session=session, name=USERS["dept"][0])
    assert app_client.get("/").status_code == 303  # its live session ended with it
    assert login(app_client, USERS["dept"][0]).status_code == 401  # type: ignore[attr-defined]


def _app(engine: Engine, **settings: object) -> FastAPI:
    return create_app(settings=Settings(**settings), engine=engine)  # type: ignore[arg-type]


def test_a_trusted_proxy_header_logs_the_user_in_only_from_a_trusted_address(
    engine: Engine, town: Town
) -> None:
    header = {"X-Remote-User": USERS["dept"][0]}
    with TestClient(_app(engine, web_trusted_user_header="X-Remote-User", web_trusted_proxies=["testclient"]),
                    follow_redirects=False) as client:  # fmt: skip
        page = client.get("/ranking", headers=header)
        assert page.status_code == 200 and "zeimu" in page.text and SESSION_COOKIE in page.cookies
        assert client.get("/", headers={"X-Remote-User": "stranger"}).status_code == 403
    with TestClient(_app(engine, web_trusted_user_header="X-Remote-User"), follow_redirects=False) as client:
        assert client.get("/", headers=header).status_code == 303  # "testclient" is not a trusted proxy
    with TestClient(_app(engine), follow_redirects=False) as client:
        assert client.get("/", headers=header).status_code == 303  # no header configured


def test_next_after_login_stays_on_this_site(app_client: TestClient, town: Town) -> None:
    page = app_client.get("/login?next=//evil.example/x")
    assert 'name="next" value="/"' in page.text
    form = {"username": USERS["admin"][0], "password": PASSWORD, "csrf_token": csrf_of(page.text),
            "next": "https://evil.example/"}  # fmt: skip
    assert app_client.post("/login", data=form).headers["location"] == "/"
    assert LOGIN_CSRF_COOKIE


def test_cookies_are_secure_over_https_directly_or_through_a_trusted_proxy(
    engine: Engine, town: Town
) -> None:
    with TestClient(_app(engine), base_url="https://testserver", follow_redirects=False) as client:
        response = login(client, USERS["admin"][0])
        assert "secure" in response.headers["set-cookie"].lower()  # type: ignore[attr-defined]
        assert client.get("/login").headers["strict-transport-security"].startswith("max-age=")
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.0.0.7"}
    with TestClient(_app(engine, web_trusted_proxies=["testclient"]), follow_redirects=False) as client:
        assert "secure" in client.get("/login", headers=proxied).headers["set-cookie"].lower()
    with TestClient(_app(engine), follow_redirects=False) as client:  # the same headers from anyone else
        assert "secure" not in client.get("/login", headers=proxied).headers["set-cookie"].lower()


def test_behind_a_trusted_proxy_throttling_counts_the_forwarded_address(engine: Engine, town: Town) -> None:
    from inventory.db.account_tables import LoginAttempt

    with TestClient(_app(engine, web_trusted_proxies=["testclient"]), follow_redirects=False) as client:
        client.headers["X-Forwarded-For"] = "192.0.2.1, 10.0.0.7"
        login(client, "nobody", "wrong")
    with TestClient(_app(engine), follow_redirects=False) as client:
        client.headers["X-Forwarded-For"] = "10.9.9.9"  # not from a trusted proxy: ignored
        login(client, "nobody", "wrong")
    with session_scope(engine) as session:
        assert list(session.scalars(select(LoginAttempt.client).order_by(LoginAttempt.id))) == [
            "10.0.0.7",
            "testclient",
        ]
