"""The demo's HR overtime files: every spelling valid, read back exactly, one old name rejected."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from flows.town.overtime import (
    hours_text,
    misspell_department,
    month_text,
    split_tenths,
    write_overtime_files,
)
from flows.town.panel import make_panel
from inventory.overtime.reader import read_overtime_bytes
from inventory.survey.dates import parse_year_month
from inventory.survey.numbers import parse_hours

NAMES = ["市民課", "税務課", "会計課", "福祉課"]
KEY = b"k" * 32


def test_split_tenths_is_exact_and_uneven() -> None:
    rng = random.Random(1)
    for total, staff in [(0, 3), (1, 5), (4567, 20), (123, 1)]:
        parts = split_tenths(total, staff, rng)
        assert len(parts) == staff and sum(parts) == total and min(parts) >= 0
    assert max(split_tenths(10_000, 20, rng)) > 2 * 10_000 / 20  # a few carry most of it
    with pytest.raises(ValueError):
        split_tenths(5, 0, rng)


def test_every_spelling_reads_back_exactly() -> None:
    rng = random.Random(2)
    for tenths in [0, 5, 125, 3456, 99_999]:
        for _ in range(20):
            assert parse_hours(hours_text(tenths, rng)).value == pytest.approx(tenths / 10)
    for style in ("wareki", "slash", "kanji", "iso"):
        assert parse_year_month(month_text(2025, 3, style)).value == (2025, 3)


def test_files_read_back_to_the_panel(tmp_path: Path) -> None:
    panel, _ = make_panel(names=NAMES, go_live={"税務課": (2025, 4)}, seed=4)
    paths = write_overtime_files(panel, tmp_path, per_staff_from=2024, seed=4)
    assert [p.name for p in paths[:3]] == [
        "時間外勤務実績_令和4年度_所属別.csv", "時間外勤務実績_令和5年度_所属別.csv", "時間外勤務実績_令和6年度_職員別.csv",
    ]  # fmt: skip
    assert len(paths) == 3 + 12  # FY2025 month by month
    read = [
        read_overtime_bytes(p.read_bytes(), p.name, known_departments=NAMES, pseudonym_key=lambda: KEY)
        for p in paths
    ]
    assert all(not r.errors for r in read)
    assert [r.per_staff for r in read[:3]] == [False, False, True]
    got = {(m.department, m.year, m.month): (m.overtime_hours, m.headcount) for r in read for m in r.months}
    want = {(d, y, m): (h, n) for d, y, m, h, n in panel.itertuples(index=False)}
    assert got.keys() == want.keys()
    assert all(got[k][1] == want[k][1] and got[k][0] == pytest.approx(want[k][0], abs=1e-6) for k in want)
    assert "000" not in "".join(str(m) for r in read for m in r.months)  # no staff id leaves the reader
    assert paths[0].read_bytes().decode("cp932").startswith("年月,所属")


def test_an_old_department_name_is_rejected_with_near_matches(tmp_path: Path) -> None:
    panel, _ = make_panel(names=NAMES, go_live={}, seed=4)
    first = write_overtime_files(panel, tmp_path / "ok", per_staff_from=2024, seed=4)[0]
    wrong = misspell_department(first, tmp_path / "bad", department="税務課", wrong="市民税課")
    parsed = read_overtime_bytes(wrong.read_bytes(), wrong.name, known_departments=NAMES)
    assert parsed.errors and not parsed.months
    assert {e.code for e in parsed.errors} == {"unknown_department"}
    assert len(parsed.errors) == 12 and "税務課" in parsed.errors[0].message
