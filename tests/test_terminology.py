"""The product names one thing one way: the README's 受付フォルダ and 督促 everywhere a person reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.flows.cli_runner import dxi

ROOT = Path(__file__).resolve().parent.parent
# Word a person might see -> the word the README uses for it.
OTHER_WORDS = {"受付箱": "受付フォルダ", "催促": "督促"}
SHOWN_SUFFIXES = {".py", ".j2", ".css", ".toml", ".md"}


def _product_files() -> list[Path]:
    files = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
    for package in ("inventory", "bpr", "flows"):
        files += sorted(p for p in (ROOT / package).rglob("*") if p.suffix in SHOWN_SUFFIXES)
    return files


def test_product_sources_use_the_readme_terms() -> None:
    found = [
        f"{path.relative_to(ROOT)}: {word} (use {wanted})"
        for path in _product_files()
        for word, wanted in OTHER_WORDS.items()
        if word in path.read_text(encoding="utf-8")
    ]
    assert found == []


def test_doctor_says_inbox_folder_and_reminder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PREFECT_API_URL", raising=False)  # the warning that names the schedules
    _, out = dxi("doctor")
    squeezed = re.sub(r"[\s│]", "", out)  # the table wraps long messages
    assert "受付フォルダ" in squeezed and "督促" in squeezed
    assert not [word for word in OTHER_WORDS if word in squeezed]
