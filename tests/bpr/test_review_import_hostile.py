"""A marked-up ranking workbook comes back from a user: hostile files are refused, never crash."""

from __future__ import annotations

import pytest

from bpr.reports.rank_import import read_marked_decisions
from tests.corpus.builders import FAR, HEADER, PDF, ooxml, sheet_xml, zip_bomb


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(b"", id="empty"),
        pytest.param(PDF, id="renamed-pdf"),
        pytest.param(zip_bomb(), id="zip-bomb"),
        pytest.param(zip_bomb(declared_size=2000), id="zip-bomb-lying-header"),
        pytest.param(ooxml(sheet_xml([HEADER]).replace("</sheetData>", FAR + "</sheetData>")), id="far-cell"),
        pytest.param(
            ooxml(sheet_xml([HEADER], prolog='<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>')),
            id="doctype",
        ),
        pytest.param(ooxml(sheet_xml([HEADER])), id="no-candidate-sheet"),
    ],
)
def test_hostile_review_file_is_one_unreadable_error(data: bytes) -> None:
    marked, errors = read_marked_decisions(data, "候補一覧.xlsx")
    assert marked == [] and [e.code for e in errors] == ["unreadable_file"]
