"""Saved layouts: `DXI_HOME/layouts/<名前>.toml`, used by name by the intake, inbox and campaigns.

A layout is saved as the user wrote it (comments kept) once it has been read without a
problem. The name 標準 is the product's own template, which needs no layout: it is built
in, always listed first, and resolves to None (the default intake).
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from inventory.errors import LayoutError
from inventory.layouts.model import Layout, parse_layout

BUILTIN = "標準"
BUILTIN_DESCRIPTION = "本製品の業務量調査票（dxi template で作成）。様式の設定は不要です"
FOLDER = "layouts"
SUFFIX = ".toml"
MAX_NAME = 60
MAX_BYTES = 256 * 1024  # a layout is a few KB; anything larger is not one
_BAD_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclass(frozen=True)
class SavedLayout:
    """One saved layout as `dxi layout list` shows it; `problem` when it no longer reads."""

    name: str
    path: Path | None
    layout: Layout | None
    problem: str | None = None


def layouts_dir(home: Path) -> Path:
    """The folder of saved layouts."""
    return home / FOLDER


def check_name(name: str) -> str:
    """A saved layout's name: a plain file name, not 標準; raise LayoutError otherwise."""
    name = name.strip()
    if not name or len(name) > MAX_NAME or _BAD_NAME.search(name) or name.startswith("."):
        raise LayoutError(
            f'様式の名前「{name}」は使えません（{MAX_NAME}文字以内、\\ / : * ? " < > | と先頭の . は使えません）'
        )
    if name == BUILTIN:
        raise LayoutError(f"「{BUILTIN}」は本製品の調査票の名前です。別の名前を付けてください")
    return name


def read_layout_file(path: Path) -> Layout:
    """Read and check a layout file; raise LayoutError with every problem, in Japanese."""
    return parse_layout(_read_text(path), path.name)


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise LayoutError(f"{path.name}: 様式ファイルとしては大きすぎます（{MAX_BYTES // 1024} KB まで）")
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise LayoutError(f"様式ファイルが見つかりません: {path}") from None
    except UnicodeDecodeError:
        raise LayoutError(
            f"{path.name}: UTF-8 のテキストではありません（様式ファイルは UTF-8 で保存してください）"
        ) from None
    except OSError as exc:
        raise LayoutError(f"{path.name}: 様式ファイルを開けません（{exc.strerror or exc}）") from None


def save_layout(*, home: Path, source: Path, name: str, replace: bool = False) -> Path:
    """Check `source` and save it under `name`; an existing name needs `replace`."""
    name = check_name(name)
    text = _read_text(source)
    parse_layout(text, source.name)
    folder = layouts_dir(home)
    target = folder / f"{name}{SUFFIX}"
    if target.exists() and not replace:
        raise LayoutError(
            f"様式「{name}」はすでに保存されています。置き換えるときは --replace を付けてください"
        )
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".saving-", suffix=SUFFIX)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def saved_names(home: Path) -> list[str]:
    """The names of the saved layouts, sorted."""
    folder = layouts_dir(home)
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob(f"*{SUFFIX}") if not p.name.startswith("."))


def list_layouts(home: Path) -> list[SavedLayout]:
    """標準 first, then every saved layout; one that no longer reads carries its problem."""
    found = [SavedLayout(BUILTIN, None, None)]
    for name in saved_names(home):
        path = layouts_dir(home) / f"{name}{SUFFIX}"
        try:
            found.append(SavedLayout(name, path, read_layout_file(path)))
        except LayoutError as exc:
            found.append(SavedLayout(name, path, None, exc.message))
    return found


def saved_text(home: Path, name: str) -> str:
    """A saved layout's text as the user wrote it (for `dxi layout show`)."""
    return _read_text(_saved_path(home, name))


def _saved_path(home: Path, name: str) -> Path:
    path = layouts_dir(home) / f"{name}{SUFFIX}"
    if _BAD_NAME.search(name) or not path.is_file():
        known = "、".join([BUILTIN, *saved_names(home)])
        raise LayoutError(
            f"様式「{name}」は保存されていません（保存済み: {known}）。"
            "ファイルを使うときは .toml のパスを指定してください"
        )
    return path


def resolve_layout(ref: str, *, home: Path) -> Layout | None:
    """A layout by file path or saved name; 標準 (the product's template) is None.

    Each file is read and checked once while it stays unchanged (same size and time), so
    a folder of workbooks does not re-read its layout for every file.
    """
    path = layout_path(ref, home=home)
    if path is None:
        return None
    try:
        info = path.stat()
    except OSError:
        return read_layout_file(path)  # says, in Japanese, why it cannot be read
    return _read_cached(path, info.st_mtime_ns, info.st_size)


def layout_path(ref: str, *, home: Path) -> Path | None:
    """The file a layout reference names (a path, or a saved name); None for 標準."""
    ref = ref.strip()
    if ref == BUILTIN:
        return None
    as_path = Path(ref).expanduser()
    if ref.lower().endswith(SUFFIX) or as_path.is_file() or os.sep in ref or "/" in ref:
        return as_path.resolve()
    return _saved_path(home, ref)


@functools.lru_cache(maxsize=32)
def _read_cached(path: Path, mtime_ns: int, size: int) -> Layout:
    return read_layout_file(path)
