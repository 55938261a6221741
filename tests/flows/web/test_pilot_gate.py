"""The 本格導入 gate in the web room: a pilot that made the work slower needs the box ticked and a reason."""

from __future__ import annotations

import html

from sqlalchemy import Engine, select

from bpr.pilots.service import add_measurement, advance_pilot, create_pilot
from inventory.db.engine import session_scope
from inventory.db.pilot_tables import Pilot
from inventory.db.tables import AuditEntry
from tests.flows.web.conftest import TestClient, Town, csrf_of, login_as


def slower_pilot(engine: Engine, town: Town) -> int:
    """久慈市-like: every case now needs a full visual check, so the work takes longer than before."""
    with session_scope(engine) as session:
        pilot = create_pilot(
            session=session, task_id=town.tasks[("税務課", "住民税の申告書入力")], tool="both"
        )
        add_measurement(session=session, pilot_id=pilot.id, phase="before", cases=100, minutes=1.6)
        for state in ("選定", "実証中"):
            advance_pilot(session=session, pilot_id=pilot.id, to=state)
        add_measurement(
            session=session, pilot_id=pilot.id, phase="after", cases=100, minutes=1, check_minutes=15
        )
        advance_pilot(session=session, pilot_id=pilot.id, to="効果検証")
        return pilot.id


def test_production_of_a_slower_pilot_needs_the_box_and_a_reason(
    app_client: TestClient, town: Town, engine: Engine
) -> None:
    pilot_id = slower_pilot(engine, town)
    login_as(app_client, "reviewer")
    page = app_client.get("/pilots").text
    card = page.split(f'id="pilot-{pilot_id}"', 1)[1].split("</article>", 1)[0]
    assert "注意: 実測の削減が" in card and "導入前より作業時間が減っていません" in card
    assert 'name="force"' in card and "見込みを下回っても本格導入する" in card
    other = page.split(f'id="pilot-{town.pilot_id}"', 1)[1].split("</article>", 1)[0]
    assert 'name="force"' not in other  # a pilot that saved time shows no box
    csrf = csrf_of(page)

    refused = app_client.post(f"/pilots/{pilot_id}/advance", data={"to": "本格導入", "csrf_token": csrf})
    assert refused.status_code == 400
    assert "本格導入にするには確認が必要です" in html.unescape(refused.text)
    unexplained = app_client.post(
        f"/pilots/{pilot_id}/advance", data={"to": "本格導入", "force": "1", "csrf_token": csrf}
    )
    assert unexplained.status_code == 400 and "理由が必要です" in html.unescape(unexplained.text)
    with session_scope(engine) as session:
        assert session.get(Pilot, pilot_id).state == "効果検証"  # type: ignore[union-attr]

    forced = app_client.post(
        f"/pilots/{pilot_id}/advance",
        data={"to": "本格導入", "force": "1", "reason": "法改正対応のため継続", "csrf_token": csrf},
    )
    assert forced.status_code == 303
    card = app_client.get("/pilots").text.split(f'id="pilot-{pilot_id}"', 1)[1].split("</article>", 1)[0]
    assert "見込みを下回ったまま本格導入" in card and "（理由: 法改正対応のため継続）" in card
    with session_scope(engine) as session:
        details = session.scalars(
            select(AuditEntry.details)
            .where(AuditEntry.action == "pilot.advanced")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert details is not None and details["forced"] is True and details["reason"] == "法改正対応のため継続"
    assert details["to_state"] == "本格導入" and details["realised_hours"] < 0
