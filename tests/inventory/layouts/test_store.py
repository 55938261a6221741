"""Saved layouts under DXI_HOME/layouts: save, list, show, resolve by name or path."""

from __future__ import annotations

from pathlib import Path

import pytest

from inventory.errors import LayoutError
from inventory.layouts.store import (
    BUILTIN,
    list_layouts,
    resolve_layout,
    save_layout,
    saved_text,
)
from tests.inventory.layouts.books import HOURS_LAYOUT, VERTICAL_LAYOUT


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_save_keeps_the_file_as_written_and_resolves_by_name(tmp_path: Path) -> None:
    home = tmp_path / "home"
    source = write(tmp_path / "様式.toml", "# 〇〇市の様式\n" + HOURS_LAYOUT)
    target = save_layout(home=home, source=source, name="〇〇市様式")
    assert target == home / "layouts" / "〇〇市様式.toml"
    assert saved_text(home, "〇〇市様式") == source.read_text(encoding="utf-8")
    layout = resolve_layout("〇〇市様式", home=home)
    assert layout is not None and layout.name == "テスト市 業務量調査票"
    by_path = resolve_layout(str(source), home=home)
    assert by_path == layout
    assert resolve_layout(BUILTIN, home=home) is None


def test_list_shows_the_builtin_first_and_a_broken_saved_layout_with_its_problem(tmp_path: Path) -> None:
    home = tmp_path / "home"
    save_layout(home=home, source=write(tmp_path / "a.toml", VERTICAL_LAYOUT), name="業務説明表")
    save_layout(home=home, source=write(tmp_path / "b.toml", HOURS_LAYOUT), name="調査票")
    (home / "layouts" / "壊れた.toml").write_text("version = 1\n", encoding="utf-8")
    found = list_layouts(home)
    assert [(s.name, s.layout.form if s.layout else None) for s in found] == [
        (BUILTIN, None), ("壊れた", None), ("業務説明表", "vertical"), ("調査票", "table"),
    ]  # fmt: skip
    broken = found[1]
    assert broken.problem is not None and "name: 必須の項目がありません" in broken.problem


def test_a_bad_layout_is_not_saved(tmp_path: Path) -> None:
    home = tmp_path / "home"
    source = write(tmp_path / "様式.toml", HOURS_LAYOUT.replace('unit = "件"', 'unit = "件数"'))
    with pytest.raises(LayoutError) as caught:
        save_layout(home=home, source=source, name="x")
    assert caught.value.problems == [
        "fields.annual_volume.unit: 「件数」は使えない単位です（使える単位: 件, 分, 時間, 人工, 人日, 人月, %, 自動）"
    ]
    assert not (home / "layouts").exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (BUILTIN, "「標準」は本製品の調査票の名前です。別の名前を付けてください"),
        ("../x", "様式の名前「../x」は使えません"),
        ("", "様式の名前「」は使えません"),
    ],
)
def test_names_that_cannot_be_saved(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(LayoutError) as caught:
        save_layout(home=tmp_path, source=write(tmp_path / "a.toml", HOURS_LAYOUT), name=name)
    assert caught.value.message.startswith(message)


def test_an_existing_name_needs_replace(tmp_path: Path) -> None:
    source = write(tmp_path / "a.toml", HOURS_LAYOUT)
    save_layout(home=tmp_path, source=source, name="様式")
    with pytest.raises(LayoutError, match="すでに保存されています"):
        save_layout(home=tmp_path, source=write(tmp_path / "b.toml", VERTICAL_LAYOUT), name="様式")
    save_layout(home=tmp_path, source=tmp_path / "b.toml", name="様式", replace=True)
    layout = resolve_layout("様式", home=tmp_path)
    assert layout is not None and layout.form == "vertical"


def test_an_unknown_name_lists_the_saved_ones(tmp_path: Path) -> None:
    save_layout(home=tmp_path, source=write(tmp_path / "a.toml", HOURS_LAYOUT), name="調査票")
    with pytest.raises(LayoutError) as caught:
        resolve_layout("ちょうさひょう", home=tmp_path)
    assert caught.value.message == (
        "様式「ちょうさひょう」は保存されていません（保存済み: 標準、調査票）。ファイルを使うときは .toml のパスを指定してください"
    )
    with pytest.raises(LayoutError, match="様式ファイルが見つかりません"):
        resolve_layout(str(tmp_path / "ない.toml"), home=tmp_path)
