"""The synthetic town's 時間外勤務実績, written as the HR/payroll system would send it.

Used by ``dxi demo`` and the tests. The panel (one row per 課 and month, total hours
and headcount, e.g. from ``flows.town.panel.make_panel``) comes in; CSV files come out, one
per 年度, and for the last 年度 one per month, as a payroll system exports them:
- the old system (before ``per_staff_from``): per 課, Shift_JIS, 和暦 or slashed
  months, hours now and then typed as 12時間30分 or in full-width digits;
- the new system (from ``per_staff_from``): per staff with 職員番号, UTF-8 with BOM,
  every member of the 課 on a row (0 h included), so the reader's staff count is the
  headcount.
A correct import gives back the panel exactly: a 課-month's staff rows add up to its
total to the tenth of an hour, and every hour spelling is exact (0.1 h = 6 min).
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

_FULL_WIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
STAFF_ID_BASE = 100_000


def split_tenths(total: int, staff: int, rng: random.Random) -> list[int]:
    """Split `total` tenths of an hour over `staff` people, unevenly but summing exactly.

    A few people carry most of a 課's overtime (the 担当 of the busy task), so shares
    follow a skewed gamma draw; largest remainders keep the sum exact.
    """
    if staff < 1 or total < 0:
        raise ValueError("split_tenths needs staff ≥ 1 and total ≥ 0")
    weights = [rng.gammavariate(0.8, 1.0) for _ in range(staff)]
    scale = total / (sum(weights) or 1.0)
    raw = [w * scale for w in weights]
    parts = [int(r) for r in raw]
    by_remainder = sorted(range(staff), key=lambda i: raw[i] - parts[i], reverse=True)
    for i in by_remainder[: total - sum(parts)]:
        parts[i] += 1
    return parts


def hours_text(tenths: int, rng: random.Random) -> str:
    """Spell hours as clerks and old systems do: 12.5, 12時間30分, １２．５ (all exact)."""
    roll = rng.random()
    if roll < 0.1 and tenths % 10:
        return f"{tenths // 10}時間{tenths % 10 * 6}分"
    text = f"{tenths / 10:.1f}"
    return text.translate(_FULL_WIDTH) if roll < 0.15 else text


def month_text(year: int, month: int, style: str) -> str:
    """年月 in one of the spellings the reader accepts: wareki, slash, kanji or ISO."""
    if style == "wareki":
        return f"令和{year - 2018}年{month}月"
    if style == "slash":
        return f"{year}/{month}"
    if style == "kanji":
        return f"{year}年{month}月"
    return f"{year}-{month:02d}"


def _fiscal_year(year: int, month: int) -> int:
    return year if month >= 4 else year - 1


def _csv(rows: Sequence[Sequence[object]], encoding: str) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


Record = tuple[str, int, int, int, int]  # 課, year, month, tenths of an hour, headcount


def _records(frame: pd.DataFrame) -> list[Record]:
    columns = (frame[c].tolist() for c in ("department", "year", "month", "overtime_hours", "headcount"))
    return [
        (str(d), int(y), int(m), round(float(h) * 10), int(n)) for d, y, m, h, n in zip(*columns, strict=True)
    ]


def _per_department(frame: pd.DataFrame, style: str, rng: random.Random) -> bytes:
    rows: list[list[object]] = [["年月", "所属", "時間外勤務時間（h）", "職員数"]]
    for department, year, month, tenths, heads in _records(frame):
        rows.append([month_text(year, month, style), department, hours_text(tenths, rng), heads])
    rows.append(["合計", "", f"{frame['overtime_hours'].sum():.1f}", ""])
    return _csv(rows, "cp932")


def _per_staff(frame: pd.DataFrame, ids: dict[str, int], rng: random.Random) -> bytes:
    rows: list[list[object]] = [["職員番号", "所属課名", "勤務年月", "時間外勤務時間数"]]
    for department, year, month, total, heads in _records(frame):
        base = ids[department]
        for k, tenths in enumerate(split_tenths(total, heads, rng)):
            rows.append(
                [
                    f"{base + k:06d}",
                    department,
                    month_text(year, month, "iso"),
                    f"{tenths / 10:.1f}",
                ]
            )
    return _csv(rows, "utf-8-sig")


def write_overtime_files(
    panel: pd.DataFrame, folder: Path, *, per_staff_from: int, monthly_last_year: bool = True, seed: int = 0
) -> list[Path]:
    """Write the panel as HR files into `folder`, oldest first, and return their paths.

    One file per 年度; the last 年度 one file per month when `monthly_last_year` (the
    payroll system sends each month after closing it).
    """
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(f"overtime|{seed}")
    frame = panel.assign(
        fiscal_year=[_fiscal_year(y, m) for y, m in zip(panel["year"], panel["month"], strict=True)]
    )
    frame = frame.sort_values(["year", "month", "department"], kind="stable")
    ids = {name: STAFF_ID_BASE + 200 * i for i, name in enumerate(sorted(frame["department"].unique()))}
    years = sorted(frame["fiscal_year"].unique())
    styles = ("wareki", "slash", "kanji")
    paths: list[Path] = []
    for n, fy in enumerate(years):
        rows = frame[frame["fiscal_year"] == fy]
        if fy < per_staff_from:
            path = folder / f"時間外勤務実績_令和{fy - 2018}年度_所属別.csv"
            path.write_bytes(_per_department(rows, styles[n % len(styles)], rng))
            paths.append(path)
        elif fy == years[-1] and monthly_last_year:
            for (year, month), one in rows.groupby(["year", "month"], sort=True):
                path = folder / f"時間外勤務実績_{year}年{month:02d}月_職員別.csv"
                path.write_bytes(_per_staff(one, ids, rng))
                paths.append(path)
        else:
            path = folder / f"時間外勤務実績_令和{fy - 2018}年度_職員別.csv"
            path.write_bytes(_per_staff(rows, ids, rng))
            paths.append(path)
    return paths


def misspell_department(path: Path, folder: Path, *, department: str, wrong: str) -> Path:
    """Copy an HR file into `folder` with one 課 under an old name, the kind of file that is rejected."""
    folder.mkdir(parents=True, exist_ok=True)
    data = path.read_bytes()
    encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "cp932"
    text = data.decode(encoding).replace(f",{department},", f",{wrong},")
    target = folder / path.name
    target.write_bytes(text.encode(encoding))
    return target
