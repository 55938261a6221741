"""Every relative link in README.md and docs/*.md opens a file of this repository.

A user who downloaded the project has nothing outside it, so no link may leave the
repository (the old `../shared/...` links did).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _links(document: Path) -> list[str]:
    tokens = MarkdownIt("commonmark").parse(document.read_text(encoding="utf-8"))
    found = []
    for token in tokens:
        for child in token.children or []:
            if child.type == "link_open":
                found.append(str(child.attrs["href"]))
            elif child.type == "image":
                found.append(str(child.attrs["src"]))
    return found


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve_inside_the_repository(document: Path) -> None:
    broken = []
    for href in _links(document):
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not parts.path:  # http(s), mailto, #anchor
            continue
        target = (document.parent / unquote(parts.path)).resolve()
        if not target.exists() or not target.is_relative_to(ROOT):
            broken.append(href)
    assert broken == []


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_document_sends_the_reader_outside_the_repository(document: Path) -> None:
    assert "../shared" not in document.read_text(encoding="utf-8")


def test_the_users_part_of_the_readme_links_only_japanese_documents() -> None:
    users_part = (ROOT / "README.md").read_text(encoding="utf-8").split("## For contributors")[0]
    english_docs = [p.name for p in (ROOT / "docs").glob("*.md") if p.stem.isascii()]
    assert [name for name in english_docs if f"docs/{name}" in users_part] == []
