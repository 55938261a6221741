"""Build the stored factor lists and the one-line Japanese explanation of each score.

Why per-row Python here and nowhere else: the numbers are vectorised, but a list of
dicts and a sentence are Python objects per task anyway. The work is column-wise (one
comprehension per part), and equal factor entries share one dict, which keeps
100,000 tasks to about a second for both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from bpr.scoring.factors import Factor, ObjArray
from bpr.scoring.inputs import FloatArray, TaskArrays
from bpr.scoring.labels import TOOL_LABELS
from bpr.scoring.savings import COMBO, NONE, OCR, RPA, TOOLS, Savings
from bpr.scoring.share import DEFAULT_LABEL
from bpr.scoring.unknowns import assumed_sentence

# Factors whose note only repeats the volume line, so they stay out of the sentence.
_VOLUME_FACTORS = frozenset({"hours", "repetition", "sheets"})


def _entries(f: Factor) -> ObjArray:
    """Per row, the dict for this factor (None where not listed).

    Rows with the same (points, note) share one dict object: most factors take a handful
    of values, so 100,000 tasks need thousands of dicts instead of 1.7 million (measured:
    0.7–2 s and ~500 MB → 0.2 s). Treat the stored dicts as read-only.
    """
    keys = pd.DataFrame({"points": f.points, "note": f.notes})
    codes = keys.groupby(["points", "note"], sort=False, dropna=False).ngroup().to_numpy()
    first = keys.iloc[np.unique(codes, return_index=True)[1]]
    table = np.empty(len(first) + 1, dtype=object)
    table[:-1] = [
        {"factor": f.name, "tool": f.tool, "points": p, "note": n}
        for p, n in zip(first["points"].tolist(), first["note"].tolist(), strict=True)
    ]
    table[-1] = None
    entries: ObjArray = table[codes]
    if f.listed is not None:
        entries[~f.listed] = None
    return entries


def factor_lists(factors: Sequence[Factor]) -> list[list[dict[str, Any]]]:
    """Return, per task, the contributions {factor, tool, points, note} (see Factor.listed)."""
    columns = [_entries(f).tolist() for f in factors]
    return [[d for d in row if d is not None] for row in zip(*columns, strict=True)]


@dataclass(frozen=True)
class Outcome:
    """What the explanation talks about, per task (arrays of equal length)."""

    knockout_reason: ObjArray
    rpa: FloatArray
    ocr: FloatArray
    rpa_after_ocr: FloatArray
    savings: Savings
    person_years: FloatArray
    yen: FloatArray
    ease: FloatArray
    difficulty: ObjArray
    knocked_out: npt.NDArray[np.bool_]
    automated: npt.NDArray[np.bool_]
    missing: list[list[str]]  # per task, the attributes scored neutral (属性未確認)
    low: float
    min_saved: float


def _weak_notes(factors: Sequence[Factor], relevant: npt.NDArray[np.bool_], label: str) -> list[str]:
    """Per row: 'RPA: note、note' for the factors that fell short of full points."""
    columns = []
    for f in factors:
        if f.name in _VOLUME_FACTORS:
            continue
        short = relevant & (f.points < f.full - 0.05)
        columns.append(np.where(short, f.notes, "").tolist())
    joined = ["、".join(filter(None, row)) for row in zip(*columns, strict=True)]
    return [f"{label}: {text}" if text else "" for text in joined]


def _volume_line(a: TaskArrays) -> list[str]:
    return [
        "年間時間が不明"
        if h != h
        else (f"年間 {v:,.0f} 件 × {m:g} 分 = {h:,.0f} 時間" if v == v and m == m else f"年間 {h:,.0f} 時間")
        for v, m, h in zip(a.volume.tolist(), a.minutes.tolist(), a.hours.tolist(), strict=True)
    ]


def _tool_line(o: Outcome) -> list[str]:
    out = []
    rows = zip(
        o.savings.tool.tolist(),
        o.savings.best.tolist(),
        o.rpa.tolist(),
        o.ocr.tolist(),
        o.rpa_after_ocr.tolist(),
        o.knockout_reason.tolist(),
        o.automated.tolist(),
        strict=True,
    )
    for tool, best, rpa, ocr, after, reason, automated in rows:
        if automated:
            out.append(f"{reason}: 新たな候補ではありません（参考: RPA {rpa:.0f} 点, AI-OCR {ocr:.0f} 点）")
        elif reason is not None:
            out.append(f"見送り: {reason}（参考: RPA {rpa:.0f} 点, AI-OCR {ocr:.0f} 点）")
        elif tool == RPA:
            out.append(f"推奨 RPA（適性 {rpa:.0f} 点）")
        elif tool == OCR:
            out.append(f"推奨 AI-OCR（適性 {ocr:.0f} 点）")
        elif tool == COMBO:
            out.append(f"推奨 AI-OCR+RPA（AI-OCR {ocr:.0f} 点, 読取後の RPA {after:.0f} 点）")
        elif best == NONE:
            out.append(f"推奨なし（RPA {rpa:.0f} 点, AI-OCR {ocr:.0f} 点: どちらも基準 {o.low:g} 点未満）")
        else:
            out.append(f"推奨なし（RPA {rpa:.0f} 点, AI-OCR {ocr:.0f} 点）")
    return out


def _share_text(share: float, source: str | None, reach: float) -> str:
    origin = (
        "調査票"
        if source is None
        else f"仮定: {source}"
        if source == DEFAULT_LABEL
        else f"仮定: {source}の既定値"
    )
    part = f"、混在のためその {reach:.0%}" if reach < 1.0 else ""
    return f"自動化対象 {share:.0%}（{origin}{part}）"


def _why_not(gross: float, check: float, net: float, min_saved: float) -> str:
    if gross - check <= 0:
        return "目視確認が削減を上回るため推奨せず（久慈市の例）"
    if net <= 0:
        return "ロボット作成・保守・ライセンスの固定費が削減を上回るため推奨せず"
    return f"最低 {min_saved:g} 時間に届かず推奨せず"


def _savings_line(a: TaskArrays, o: Outcome) -> list[str]:
    s = o.savings
    out = []
    rows = zip(
        s.best.tolist(), s.tool.tolist(), a.hours.tolist(), s.share.tolist(), s.share_source.tolist(),
        s.reach.tolist(), s.rate.tolist(), s.gross.tolist(), s.checking.tolist(), s.check_minutes.tolist(),
        s.fixed.tolist(), s.best_saved.tolist(), s.payback.tolist(), o.person_years.tolist(), o.yen.tolist(),
        strict=True,
    )  # fmt: skip
    for (
        best,
        tool,
        hours,
        share,
        source,
        reach,
        rate,
        gross,
        check,
        minutes,
        fixed,
        net,
        payback,
        years,
        yen,
    ) in rows:
        if best == NONE:
            out.append("")
            continue
        check_text = f" − 目視確認 {check:,.0f} 時間（1 件 {minutes:.2g} 分）" if check > 0 else ""
        fixed_text = f" − 固定費 {fixed:,.0f} 時間（作成・保守・ライセンス）" if fixed > 0 else ""
        calc = (
            f"{TOOL_LABELS[TOOLS[best]]} で {hours:,.0f} 時間 × {_share_text(share, source, reach)} × {rate:.0%}"
            f" = {gross:,.0f} 時間{check_text}{fixed_text} → 純削減 {net:,.0f} 時間/年"
        )
        if tool != NONE:
            back = f"、作成費の回収 {payback:,.1f} か月" if payback == payback else ""
            out.append(f"{calc}（{years:.2f} 人年, 約 {yen / 10_000:,.0f} 万円{back}）")
        else:
            out.append(f"{calc}: {_why_not(gross, check, net, o.min_saved)}")
    return out


def _ease_line(ease_factors: Sequence[Factor], o: Outcome, shown: npt.NDArray[np.bool_]) -> list[str]:
    columns = [np.where(shown & (f.points < 0), f.notes, "").tolist() for f in ease_factors]
    return [
        ""
        if not show
        else f"難易度 {d}（{e:.0f} 点: {'、'.join(filter(None, notes))}）"
        if any(notes)
        else f"難易度 {d}（{e:.0f} 点）"
        for show, d, e, *notes in zip(
            shown.tolist(), o.difficulty.tolist(), o.ease.tolist(), *columns, strict=True
        )
    ]


def explanations(
    a: TaskArrays,
    o: Outcome,
    *,
    rpa_factors: Sequence[Factor],
    ocr_factors: Sequence[Factor],
    ease_factors: Sequence[Factor],
) -> list[str]:
    """One '; '-joined Japanese sentence per task, built from the same factors as the scores."""
    tool = o.savings.tool
    undecided = tool == NONE
    knocked = o.knocked_out
    live_undecided = undecided & ~knocked
    rpa_relevant = (tool == RPA) | (tool == COMBO) | live_undecided
    ocr_relevant = (tool == OCR) | (tool == COMBO) | (live_undecided & (o.ocr > 0))
    parts = [
        _tool_line(o),
        _volume_line(a),
        _weak_notes(rpa_factors, rpa_relevant, "RPA"),
        _weak_notes(ocr_factors, ocr_relevant, "AI-OCR"),
        _savings_line(a, o),
        _ease_line(ease_factors, o, ~knocked),
        # Automated work has no estimate to qualify: its attributes are still listed, not explained.
        [
            assumed_sentence([] if done else labels)
            for labels, done in zip(o.missing, o.automated, strict=True)
        ],
    ]
    return ["; ".join(filter(None, row)) for row in zip(*parts, strict=True)]
