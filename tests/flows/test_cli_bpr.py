"""score → rank → review through the CLI on a real SQLite file, with a real Prefect flow run."""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from bpr.scoring.config import ScoringConfig
from flows.cli.scoring import RANK_JSON_FIELDS
from inventory.db.engine import engine_for, session_scope
from inventory.db.migrate import upgrade
from inventory.db.scoring_tables import ScoringRun
from inventory.db.submission_repo import store_survey
from inventory.settings import get_settings
from tests.factories import make_survey, make_task
from tests.flows.cli_runner import dxi


def seed_inventory(*, volume_of_entry: float = 12000) -> None:
    settings = get_settings()
    settings.ensure_home()
    engine = engine_for(settings.db_url)
    upgrade(engine)
    tax = [
        make_task(
            source_row=2,
            task_code="T1",
            name="住民税の申告書入力",
            input_medium="紙（手書き）",
            annual_volume=volume_of_entry,
            minutes_per_case=6,
            form_count=1,
            verification="一部",
        ),
        make_task(
            source_row=3,
            task_code="T2",
            name="支出命令書の作成",
            annual_volume=2400,
            minutes_per_case=15,
            documented=True,
            system_count=2,
        ),
        make_task(
            source_row=4,
            task_code="T3",
            name="窓口相談対応",
            routine="非定型",
            judgement="あり",
            input_medium="混在",
            annual_volume=3000,
            minutes_per_case=20,
        ),
        make_task(
            source_row=5,
            task_code="T4",
            name="旧システムの保守",
            annual_volume=100,
            minutes_per_case=60,
            abolition_planned=True,
        ),
    ]
    citizens = [
        make_task(
            source_row=2,
            task_code="C1",
            name="支出命令書の作成",
            annual_volume=1800,
            minutes_per_case=15,
            documented=True,
        )
    ]
    with session_scope(engine) as session:
        store_survey(session=session, survey=make_survey(tag=f"tax{volume_of_entry}", tasks=tax))
        store_survey(session=session, survey=make_survey(tag="citizens", department="市民課", tasks=citizens))


def ranking(*args: str) -> list[dict[str, object]]:
    code, out = dxi("rank", "--format", "json", *args)
    assert code == 0, out
    return json.loads(out)  # type: ignore[no-any-return]


def test_score_rank_review_and_rescore_keep_decisions(tmp_path: Path) -> None:
    seed_inventory()
    code, out = dxi("rank")
    assert code == 2 and "dxi score" in out

    code, out = dxi("score", "--fy", "2024", "--by", "山田")
    assert code == 0, out
    rows = ranking()
    assert list(rows[0]) == list(RANK_JSON_FIELDS)
    by_name = {(r["department"], r["name"]): r for r in rows}
    assert by_name[("税務課", "住民税の申告書入力")]["recommended_tool"] == "ai-ocr+rpa"
    assert by_name[("税務課", "窓口相談対応")]["knocked_out"] is True
    assert by_name[("税務課", "旧システムの保守")]["knocked_out"] is True
    live_ranks = [r["rank"] for r in rows if not r["knocked_out"]]
    dead_ranks = [r["rank"] for r in rows if r["knocked_out"]]
    assert max(live_ranks) < min(dead_ranks)  # type: ignore[type-var]
    # 横展開: 支出命令書の作成 in two 課 shares a group id
    groups = {r["group_id"] for r in rows if r["name"] == "支出命令書の作成"}
    assert len(groups) == 1 and None not in groups

    assert [r["name"] for r in ranking("--tool", "ai-ocr")] == ["住民税の申告書入力"]
    assert {r["department"] for r in ranking("--dept", "市民課")} == {"市民課"}
    assert len(ranking("--top", "2")) == 2

    target = by_name[("税務課", "住民税の申告書入力")]
    code, out = dxi(
        "review",
        str(target["task_id"]),
        "--decision",
        "採用",
        "--reason",
        "年間1,200時間、様式1種類",
        "--by",
        "佐藤",
    )
    assert code == 0, out
    assert {r["name"]: r["decision"] for r in ranking()}["住民税の申告書入力"] == "採用"
    code, out = dxi("review", "99999", "--decision", "採用", "--reason", "x")
    assert code == 2 and "99999" in out
    code, out = dxi("review", str(target["task_id"]), "--decision", "たぶん", "--reason", "x")
    assert code == 2

    # The department resubmits with a tenth of the volume; rescoring keeps the decision and flags it.
    seed_inventory(volume_of_entry=300)
    assert dxi("score", "--fy", "2024")[0] == 0
    rescored = {r["name"]: r for r in ranking() if r["department"] == "税務課"}
    entry = rescored["住民税の申告書入力"]
    assert entry["task_id"] != target["task_id"]  # a new task row after resubmission
    assert entry["decision"] == "採用" and entry["rereview"] is True
    assert rescored["支出命令書の作成"]["rereview"] is False
    code, out = dxi("review", str(entry["task_id"]), "--history")
    assert code == 0 and "佐藤" in out and "年間1,200時間" in out

    # Old rankings stay reproducible from the stored config.
    with session_scope(engine_for(get_settings().db_url)) as session:
        runs = session.scalars(select(ScoringRun).order_by(ScoringRun.id)).all()
    assert len(runs) == 2
    assert ScoringConfig.model_validate(runs[0].config).config_hash() == runs[0].config_hash


def test_a_stored_run_is_reproduced_from_its_stored_config(tmp_path: Path) -> None:
    from bpr.scoring.ranking import rank
    from bpr.scoring.score import score_tasks
    from inventory.db.scoring_repo import inventory_frame, latest_run, stored_scores

    seed_inventory()
    custom = tmp_path / "weights.toml"
    custom.write_text("[knockout]\nmin_annual_hours = 500.0\n", encoding="utf-8")
    assert dxi("score", "--config", str(custom))[0] == 0
    assert dxi("score")[0] == 0  # a later run with the defaults must not disturb the first
    with session_scope(engine_for(get_settings().db_url)) as session:
        first = session.scalars(select(ScoringRun).order_by(ScoringRun.id)).first()
        assert first is not None and latest_run(session=session) is not None
        stored = stored_scores(session=session, run_id=first.id)
        tasks = inventory_frame(session=session, fiscal_year=first.fiscal_year)
    config = ScoringConfig.from_mapping(first.config)
    assert config.knockout.min_annual_hours == 500.0 and config.config_hash() == first.config_hash
    again = rank(score_tasks(tasks, config), tasks)
    stored_order = stored.sort_values("stored_rank")["task_id"].tolist()
    assert again["task_id"].tolist() == stored_order
    assert (
        again["expected_hours_saved"].tolist()
        == stored.sort_values("stored_rank")["expected_hours_saved"].tolist()
    )

    code, out = dxi("score")  # what a person reads: the run's figures and its top candidates
    assert code == 0 and "上位10件" in out and "5 業務を採点しました（採点ID 3" in out
    code, out = dxi("runs", "--job", "採点", "--format", "json")  # and the run history keeps all three
    runs = json.loads(out)
    assert [r["summary"].split("（")[1].split("、")[0] for r in runs] == ["採点ID 3", "採点ID 2", "採点ID 1"]
    assert runs[2]["parameters"]["config"] == str(custom) and {r["via"] for r in runs} == {"desk"}


def test_xlsx_export_marked_up_and_imported(tmp_path: Path) -> None:
    seed_inventory()
    assert dxi("score")[0] == 0
    book_path = tmp_path / "候補一覧.xlsx"
    assert dxi("rank", "--format", "xlsx", "-o", str(book_path))[0] == 0
    book = load_workbook(book_path)
    assert book.sheetnames[:2] == ["候補一覧", "課別"]
    sheet = book["候補一覧"]
    header = [c.value for c in sheet[4]]
    # What the 検討会議 decides on comes first and is what prints; the details follow.
    assert header[:5] == ["順位", "課", "業務名", "推奨ツール", "削減見込み（時間/年）"]
    assert header.index("判断者（記入）") == 13 and "業務ID" in header and header[-1] == "スコアの説明"
    assert sheet.freeze_panes == "D5" and sheet.print_area.startswith("'候補一覧'!$A$1:$N$")
    assert sheet.conditional_formatting, "scores carry colour scales"
    assert book["課別"]._charts, "hours saved by 課 is charted"
    col = {name: i for i, name in enumerate(header)}
    rows = list(sheet.iter_rows(min_row=5))
    rows[0][col["判断（記入）"]].value = "採用"
    rows[0][col["理由（記入）"]].value = "効果大"
    rows[1][col["判断（記入）"]].value = "不採用"
    rows[1][col["理由（記入）"]].value = "効果が小さい"
    book.save(book_path)
    code, out = dxi("review", "--import", str(book_path), "--by", "DX推進課")
    assert code == 0 and "2 件" in out, out
    decided = {r["task_id"]: r["decision"] for r in ranking() if r["decision"]}
    assert sorted(decided.values()) == ["不採用", "採用"]

    rows[2][col["判断（記入）"]].value = "たぶん"
    rows[3][col["判断（記入）"]].value = "採用"
    book.save(book_path)
    code, out = dxi("review", "--import", str(book_path))
    assert code == 1 and "7行目" in out and "8行目" in out and "1件も記録しませんでした" in out
    assert len([r for r in ranking() if r["decision"]]) == 2


def test_bad_scoring_config_is_refused_before_prefect_starts(tmp_path: Path) -> None:
    config = tmp_path / "weights.toml"
    config.write_text("[knockout]\nmin_annual_hours = 'たくさん'\n", encoding="utf-8")
    code, out = dxi("score", "--config", str(config))
    assert code == 2 and "min_annual_hours" in out


def test_cli_and_xlsx_import_hold_the_web_form_limit_on_a_reason(tmp_path: Path) -> None:
    seed_inventory()
    assert dxi("score")[0] == 0
    task_id = str(ranking()[0]["task_id"])
    too_long = "あ" * 2001
    code, out = dxi("review", task_id, "--decision", "採用", "--reason", too_long)
    assert code == 2 and "--reason: 理由は2,000文字以内で入力してください（2,001文字あります）" in out, out
    code, out = dxi("review", task_id, "--decision", "採用", "--reason", " ")
    assert code == 2 and "--reason: 判断の理由を入力してください" in out, out
    assert not [r for r in ranking() if r["decision"]]

    book_path = tmp_path / "候補一覧.xlsx"
    assert dxi("rank", "--format", "xlsx", "-o", str(book_path))[0] == 0
    book = load_workbook(book_path)
    sheet = book["候補一覧"]
    col = {c.value: i for i, c in enumerate(sheet[4])}
    rows = list(sheet.iter_rows(min_row=5))
    rows[0][col["判断（記入）"]].value = "採用"
    rows[0][col["理由（記入）"]].value = "効果大"
    rows[1][col["判断（記入）"]].value = "保留"
    rows[1][col["理由（記入）"]].value = too_long
    book.save(book_path)
    code, out = dxi("review", "--import", str(book_path))
    assert code == 1 and "6行目「理由（記入）」" in out and "理由は2,000文字以内で入力してください" in out, (
        out
    )
    assert "1件も記録しませんでした" in out
    assert not [r for r in ranking() if r["decision"]]
