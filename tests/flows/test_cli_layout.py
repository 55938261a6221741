"""`dxi layout save | list | show`, `dxi ingest --layout`, `dxi campaign open --layout` and the inbox."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from flows.inbox_scan import inbox_scan
from inventory.db.engine import engine_for, session_scope
from inventory.db.task_repo import list_tasks
from inventory.settings import get_settings
from tests.flows import cli_runner
from tests.inventory.layouts.books import HOURS_LAYOUT, VERTICAL_LAYOUT, hours_table, vertical_forms


def dxi(*args: str) -> tuple[int, str]:
    """Run dxi; the output with rich's line wrapping undone, so messages can be matched whole."""
    code, out = cli_runner.dxi(*args)
    return code, out.replace("\n", "")


def table_rows(out: str) -> list[list[str]]:
    """The cells of a rich table as printed, one list per line."""
    return [[c.strip() for c in line.strip()[1:-1].split(line.strip()[0])] for line in out.splitlines()
            if line.strip()[:1] in ("┃", "│")]  # fmt: skip


def _layout_file(tmp_path: Path, text: str = HOURS_LAYOUT, name: str = "様式.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_save_list_show(tmp_path: Path) -> None:
    code, out = dxi("layout", "save", str(_layout_file(tmp_path)), "--name", "テスト市")
    home = get_settings().home
    assert code == 0
    assert (
        f"様式「テスト市」を保存しました: {home / 'layouts' / 'テスト市.toml'}（表（1行に1業務）、項目 4 件）"
        in out
    )
    assert "使い方: dxi ingest 回収/ --layout テスト市" in out
    dxi("layout", "save", str(_layout_file(tmp_path, VERTICAL_LAYOUT, "v.toml")), "--name", "業務説明表")
    code, out = cli_runner.dxi("layout", "list")
    assert code == 0 and "様式（3 件）" in out
    assert table_rows(out) == [
        ["名前", "様式", "形式", "項目", "状態"],
        ["標準", "本製品の業務量調査票", "表", "", "組み込み"],
        ["テスト市", "テスト市 業務量調査票", "表", "4", "使えます"],
        ["業務説明表", "業務説明表", "縦型", "3", "使えます"],
    ]
    code, out = cli_runner.dxi("layout", "show", "テスト市")
    assert code == 0 and out.strip() == HOURS_LAYOUT.strip()
    code, out = dxi("layout", "show", "標準")
    assert code == 0 and "本製品の業務量調査票（dxi template で作成）" in out


def test_a_bad_layout_is_refused_naming_each_key(tmp_path: Path) -> None:
    bad = _layout_file(
        tmp_path, HOURS_LAYOUT.replace("[table]", "[table]\nheader = 4").replace('"件"', '"件数"')
    )
    code, out = dxi("layout", "save", str(bad), "--name", "x")
    assert code == 2
    assert "エラー: 様式.toml: 様式の内容に誤りがあります（2件）" in out
    assert "table.header: 知らない項目です（使える項目: header_rows, data_start_row, skip_names）" in out
    assert "fields.annual_volume.unit: 「件数」は使えない単位です" in out
    assert dxi("layout", "show", "x") == (
        2, "エラー: 様式「x」は保存されていません（保存済み: 標準）。ファイルを使うときは .toml のパスを指定してください"
    )  # fmt: skip


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_ingest_with_a_layout_prints_each_file_and_its_departments(tmp_path: Path) -> None:
    assert dxi("init")[0] == 0
    dxi("layout", "save", str(_layout_file(tmp_path)), "--name", "テスト市")
    folder = tmp_path / "回収"
    folder.mkdir()
    (folder / "調査票.xlsx").write_bytes(hours_table())
    code, out = cli_runner.dxi("ingest", str(folder), "--layout", "テスト市")
    assert code == 0, out
    assert ["調査票.xlsx", "受理", "課税課、市民課", "2024", "3", "0", "0"] in table_rows(out)
    with session_scope(engine_for(get_settings().db_url)) as session:
        assert sorted(t.department for t in list_tasks(session=session)) == ["市民課", "課税課", "課税課"]
    code, out = dxi("ingest", str(folder), "--layout", "ない様式")
    assert code == 2 and "エラー: 様式「ない様式」は保存されていません（保存済み: 標準、テスト市）" in out


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_campaign_open_with_a_layout_and_the_inbox_reads_through_it(tmp_path: Path) -> None:
    assert dxi("init")[0] == 0
    depts = tmp_path / "課一覧.csv"
    depts.write_text("課\n税務課\n", encoding="utf-8")
    open_args = ("campaign", "open", "--fy", "2024", "--deadline", "2024-06-30", "--depts", str(depts))
    code, out = dxi(*open_args, "--layout", "業務説明表")
    assert code == 2 and "様式「業務説明表」は保存されていません" in out
    code, out = dxi(*open_args, "--layout", "様式.toml")
    assert code == 2 and "調査で使う様式は保存済みの名前で指定してください" in out
    dxi("layout", "save", str(_layout_file(tmp_path, VERTICAL_LAYOUT)), "--name", "業務説明表")
    code, out = dxi(*open_args, "--layout", "業務説明表")
    assert code == 0 and "受付フォルダに届いた独自様式のファイルは様式「業務説明表」で読みます" in out
    code, out = dxi("campaign", "status")
    assert code == 0 and "独自様式: 業務説明表（受付フォルダのファイルをこの様式で読みます）" in out

    inbox = get_settings().inbox_dir
    (inbox / "税務課_業務説明表.xlsx").write_bytes(vertical_forms())
    stamp = time.time() - 60
    os.utime(inbox / "税務課_業務説明表.xlsx", (stamp, stamp))
    summary = inbox_scan.fn(inbox=str(inbox))
    assert [(f.file, f.status) for f in summary.files] == [("税務課_業務説明表.xlsx", "accepted")]
    with session_scope(engine_for(get_settings().db_url)) as session:
        assert [(t.name, t.annual_hours) for t in list_tasks(session=session)] == [
            ("住民税の賦課決定", 71.0), ("軽自動車税の減免", pytest.approx(1.7333, abs=1e-3)),
        ]  # fmt: skip
