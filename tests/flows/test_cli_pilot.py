"""`dxi pilot` end to end on a real SQLite file: create → advance → measure → 本格導入 → list."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from bpr.pilots.service import production_automations
from inventory.db.engine import engine_for, session_scope
from inventory.db.migrate import upgrade
from inventory.settings import get_settings
from inventory.survey.dates import parse_date
from tests.flows.cli_runner import assert_not_imported, dxi
from tests.inventory.db.test_pilot_repo import seed_scored_inventory

JSON_KEYS = [
    "id", "task_id", "department", "name", "tool", "state", "estimated_hours", "realised_hours", "accuracy",
    "net_saving_yen", "payback_months", "go_live_month", "departments", "gate_concern", "production_reason",
]  # fmt: skip


@pytest.fixture
def task_ids() -> dict[tuple[str, str], int]:
    settings = get_settings()
    settings.ensure_home()
    engine = engine_for(settings.db_url)
    upgrade(engine)
    with session_scope(engine) as session:
        return seed_scored_inventory(session)


def listing() -> list[dict[str, object]]:
    code, out = dxi("pilot", "list", "--format", "json")
    assert code == 0, out
    return json.loads(out)  # type: ignore[no-any-return]


def test_pilot_lifecycle_through_the_cli(task_ids: dict[tuple[str, str], int]) -> None:
    task = task_ids[("税務課", "住民税の申告書入力")]
    code, out = dxi("pilot", "create", "--task", str(task), "--tool", "ai-ocr", "--vendor", "○○社",
                    "--start", "令和7年4月1日", "--initial-cost", "500000", "--annual-licence", "240000",
                    "--dev-hours", "40", "--by", "山田")  # fmt: skip
    assert code == 0, out
    assert re.fullmatch(r"実証ID (\d+) を登録しました（税務課「住民税の申告書入力」、AI-OCR、状態: 候補、"
                        r"削減見込み [\d,]+\.\d 時間/年）\n", out), out  # fmt: skip
    pilot_id = out.split()[1]

    code, out = dxi("pilot", "advance", pilot_id, "--to", "本格導入")
    assert code == 2 and "変更できる状態: 選定・見送り" in out
    code, out = dxi("pilot", "measure", pilot_id, "--phase", "after", "--cases", "10", "--minutes", "1")
    assert code == 2 and "実証中になってから" in out
    assert dxi("pilot", "measure", pilot_id, "--phase", "before", "--cases", "120", "--minutes", "6",
               "--date", "2025/3/10")[0] == 0  # fmt: skip
    for state in ("選定", "実証中", "効果検証"):
        code, out = dxi("pilot", "advance", pilot_id, "--to", state, "--date", "2025-06-30", "--by", "佐藤")
        assert code == 0 and state in out, out
    code, out = dxi("pilot", "advance", pilot_id, "--to", "本格導入")
    assert code == 2 and "導入後 0 件" in out
    code, out = dxi("pilot", "measure", pilot_id, "--phase", "after", "--cases", "120", "--minutes", "1",
                    "--check-minutes", "1", "--method", "実績記入")  # fmt: skip
    assert code == 0 and "導入後" in out, out
    code, out = dxi("pilot", "measure", pilot_id, "--phase", "after", "--cases", "1", "--minutes", "1",
                    "--method", "勘")  # fmt: skip
    assert code == 2 and "測定方法" in out
    code, out = dxi("pilot", "advance", pilot_id, "--to", "本格導入", "--date", "2025年10月15日",
                    "--reason", "効果を確認")  # fmt: skip
    assert code == 0 and "2025-10" in out, out

    (row,) = listing()
    assert list(row) == JSON_KEYS
    assert (
        row["state"] == "本格導入" and row["go_live_month"] == "2025-10" and row["departments"] == ["税務課"]
    )
    assert row["realised_hours"] == pytest.approx(12000 * (6 - 1 - 1) / 60)
    assert row["accuracy"] == pytest.approx(800 / row["estimated_hours"])  # type: ignore[operator]
    code, out = dxi("pilot", "list")
    assert code == 0 and "実証一覧（1 件）" in out and "税務課" in out
    with session_scope(engine_for(get_settings().db_url)) as session:
        assert production_automations(session=session) == {"税務課": (2025, 10)}


def test_group_pilot_and_bad_input(task_ids: dict[tuple[str, str], int]) -> None:
    task = task_ids[("市民課", "支出命令書の作成")]
    code, out = dxi("pilot", "create", "--task", str(task), "--tool", "rpa", "--group", "--format", "json")
    assert code == 0, out
    created = json.loads(out)
    assert (
        created["department"] == "市民課" and created["group_id"] is not None and created["state"] == "候補"
    )
    (row,) = listing()
    assert row["id"] == created["id"]
    assert row["task_id"] == task and row["state"] == "候補" and row["realised_hours"] is None
    code, out = dxi("pilot", "create", "--task", "99999", "--tool", "rpa")
    assert code == 2 and "99999" in out
    code, out = dxi("pilot", "create", "--task", str(task), "--tool", "rpa", "--start", "来週")
    assert code == 2 and "日付" in out
    code, out = dxi("pilot", "advance", "99999", "--to", "選定")
    assert code == 2 and "実証ID 99999" in out
    code, out = dxi("pilot", "advance", str(row["id"]), "--to", "完了")
    assert code == 2 and "状態「完了」はありません" in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2025-04-01", (2025, 4, 1)), ("2025/4/1", (2025, 4, 1)), ("２０２５／４／１", (2025, 4, 1)),
     ("令和7年4月1日", (2025, 4, 1)), ("R7.4.1", (2025, 4, 1)), ("令和元年5月1日", (2019, 5, 1))],
)  # fmt: skip
def test_dates_in_western_and_era_spelling(text: str, expected: tuple[int, int, int]) -> None:
    parsed = parse_date(text).value
    assert isinstance(parsed, date)
    assert (parsed.year, parsed.month, parsed.day) == expected


def test_pilot_list_does_not_import_prefect_or_pandas(tmp_path: Path) -> None:
    assert_not_imported(tmp_path, ["init"], ["pilot", "list", "--format", "json"])
    script = "import sys\nimport flows.cli.pilot\nassert 'pandas' not in sys.modules, 'pandas was imported'\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_production_below_half_the_estimate_needs_force_and_a_reason(
    task_ids: dict[tuple[str, str], int],
) -> None:
    """久慈市: the pilot made every case slower; 本格導入 asks for --force and a reason, and says so later."""
    from sqlalchemy import select

    from inventory.db.tables import AuditEntry

    task = task_ids[("税務課", "住民税の申告書入力")]
    code, out = dxi("pilot", "create", "--task", str(task), "--tool", "both")
    assert code == 0, out
    pilot_id = out.split()[1]
    assert (
        dxi("pilot", "measure", pilot_id, "--phase", "before", "--cases", "100", "--minutes", "1.6")[0] == 0
    )
    for state in ("選定", "実証中"):
        assert dxi("pilot", "advance", pilot_id, "--to", state)[0] == 0
    assert dxi("pilot", "measure", pilot_id, "--phase", "after", "--cases", "100", "--minutes", "1",
               "--check-minutes", "15")[0] == 0  # fmt: skip
    assert dxi("pilot", "advance", pilot_id, "--to", "効果検証")[0] == 0

    code, out = dxi("pilot", "advance", pilot_id, "--to", "本格導入")
    assert code == 2, out
    assert "本格導入にするには確認が必要です" in out and "導入前より作業時間が減っていません" in out
    assert "--force" in out
    code, out = dxi("pilot", "advance", pilot_id, "--to", "本格導入", "--force")
    assert code == 2 and "理由が必要です" in out, out
    (row,) = listing()
    assert row["state"] == "効果検証" and "減っていません" in str(row["gate_concern"])

    code, out = dxi("pilot", "advance", pilot_id, "--to", "本格導入", "--force", "--reason", "法改正対応で継続",
                    "--by", "佐藤")  # fmt: skip
    assert code == 0, out
    (row,) = listing()
    assert row["state"] == "本格導入" and row["production_reason"] == "法改正対応で継続"
    assert row["realised_hours"] < 0  # type: ignore[operator]
    code, out = dxi("pilot", "list")
    assert code == 0 and out.count("※") == 2 and "※ 実測の削減が 0 以下、または見込みの半分未満" in out, out
    with session_scope(engine_for(get_settings().db_url)) as session:
        details = session.scalars(
            select(AuditEntry.details)
            .where(AuditEntry.action == "pilot.advanced")
            .order_by(AuditEntry.id.desc())
        ).first()
    assert details is not None and details["forced"] is True and details["to_state"] == "本格導入"
    assert details["reason"] == "法改正対応で継続" and details["realised_hours"] < 0
