"""The factor contributions behind every score, computed column-wise.

Each factor yields, for all tasks at once, its points (rounded to 0.1) and a Japanese
note, so a score is exactly the clipped sum of its factors' points and the explanation
is built from the same notes: nothing shown differs from what was computed. Sources of
each factor: the published reports cited at the top of default_scoring.toml.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from bpr.scoring import inputs as i
from bpr.scoring.config import ScoringConfig
from bpr.scoring.inputs import FloatArray, IntArray, TaskArrays

ObjArray = npt.NDArray[np.object_]


@dataclass(frozen=True)
class Factor:
    """One factor for all rows: points (may be negative), notes, and its full points.

    `listed` marks the rows whose stored factor list shows this factor (None = all);
    only factors worth 0 points on a row are ever left out, so sums are unchanged.
    """

    name: str
    tool: str  # 'rpa' | 'ai-ocr' | 'ease'
    points: FloatArray
    notes: ObjArray
    full: float
    listed: npt.NDArray[np.bool_] | None = None


def level_table(codes: IntArray, values: Sequence[float], unknown: float) -> FloatArray:
    """Return values[code] per row; code -1 (unknown) picks `unknown`."""
    table = np.array([*values, unknown], dtype=np.float64)
    return table[codes]


def note_table(codes: IntArray, values: Sequence[str], unknown: str) -> ObjArray:
    """Return values[code] per row as an object array; code -1 picks `unknown`."""
    table = np.empty(len(values) + 1, dtype=object)
    table[:] = [*values, unknown]
    return table[codes]


def _log_level(x: FloatArray, low: float, high: float, unknown: float) -> FloatArray:
    """Log-scale x between low (0) and high (1); NaN gives the unknown level."""
    level = np.log(np.maximum(x, low) / low) / np.log(high / low)
    return np.where(np.isnan(x), unknown, np.clip(level, 0.0, 1.0))


def numeric_notes(x: FloatArray, template: str, unknown: str) -> ObjArray:
    notes = np.empty(len(x), dtype=object)
    notes[:] = [unknown if v != v else template.format(v) for v in x.tolist()]
    return notes


def _factor(name: str, tool: str, level: FloatArray, full: float, notes: ObjArray) -> Factor:
    return Factor(name, tool, np.round(level * full, 1) + 0.0, notes, full)


def penalty_factor(name: str, tool: str, points: FloatArray, notes: ObjArray) -> Factor:
    """A factor that only takes points off: at best it contributes 0."""
    return Factor(name, tool, np.round(points, 1) + 0.0, notes, 0.0)


def _systems_notes(systems: FloatArray, full: int) -> ObjArray:
    notes = np.empty(len(systems), dtype=object)
    notes[:] = [
        "使用システム数が不明のため中立"
        if n != n
        else f"{n:.0f} システムに跨る作業（横浜市: 効果大）"
        if n >= full
        else "単一システムのみ"
        if n >= 1
        else "システム操作なし"
        for n in systems.tolist()
    ]
    return notes


def rpa_factors(a: TaskArrays, cfg: ScoringConfig) -> list[Factor]:
    """RPA-alone suitability factors: 横浜市, 京都府 and UiPath's five questions."""
    w, pen, s = cfg.rpa.weights, cfg.rpa.penalties, cfg.scale
    u = s.unknown_level
    paper = (a.input_medium == i.PRINTED) | (a.input_medium == i.HANDWRITTEN)
    input_level = level_table(a.input_medium, [1.0, 0.0, 0.0, 0.5], u)
    input_points = np.round(input_level * w.input - np.where(paper, pen.paper, 0.0), 1)  # may go below 0
    input_notes = note_table(
        a.input_medium,
        [
            "入力が電子データ",
            "紙（活字）のため RPA 単独では不可",
            "紙（手書き）のため RPA 単独では不可",
            "入力が紙と電子の混在（RPA は電子の分のみ）",
        ],
        "入力媒体が不明のため中立",
    )
    factors = [Factor("input", "rpa", input_points, input_notes, w.input)]
    for name, codes, levels, notes, unknown_note, full in (
        (
            "routine",
            a.routine,
            [1.0, 0.5, 0.0],
            ["定型業務", "一部定型", "非定型のためルール化が難しい"],
            "定型性が不明のため中立",
            w.routine,
        ),
        (
            "judgement",
            a.judgement,
            [1.0, 0.5, 0.0],
            ["判断なし", "一部に人の判断あり", "人の判断あり（京都府: 判断が多いと失敗）"],
            "判断の有無が不明のため中立",
            w.judgement,
        ),
        (
            "documentation",
            a.documented,
            [1.0, 0.0],
            ["手順書あり", "手順書なし（口伝えは京都府の失敗要因）"],
            "手順書の有無が不明のため中立",
            w.documentation,
        ),
        (
            "exceptions",
            a.exceptions,
            [0.0, 0.5, 1.0],
            ["例外処理が多い", "例外処理が時々ある", "例外処理が少ない"],
            "例外処理の頻度が不明のため中立",
            w.exceptions,
        ),
        (
            "verification",
            a.verification,
            [0.0, 0.5, 1.0],
            ["目視確認が必須（自動化後も全件確認）", "目視確認が一部残る", "目視確認不要"],
            "目視確認の要否が不明のため中立",
            w.verification,
        ),
    ):
        level = level_table(codes, levels, u)
        factors.append(_factor(name, "rpa", level, full, note_table(codes, notes, unknown_note)))
    hours_notes = numeric_notes(a.hours, "年間 {:,.0f} 時間", "年間時間が不明のため中立")
    factors.append(
        _factor("hours", "rpa", _log_level(a.hours, s.hours_min, s.hours_max, u), w.hours, hours_notes)
    )
    cases_notes = numeric_notes(a.volume, "年間 {:,.0f} 件の反復", "年間件数が不明のため中立")
    cases_level = _log_level(a.volume, s.cases_min, s.cases_max, u)
    factors.append(_factor("repetition", "rpa", cases_level, w.repetition, cases_notes))
    systems_level = np.where(np.isnan(a.systems), u, np.clip(a.systems / s.systems_full, 0.0, 1.0))
    factors.append(
        _factor("systems", "rpa", systems_level, w.systems, _systems_notes(a.systems, s.systems_full))
    )
    change = level_table(a.change_expected, [-1.0, 0.0], -u)
    change_notes = note_table(
        a.change_expected,
        ["制度改正予定あり（ロボットの作り直しが必要）", "制度改正予定なし"],
        "制度改正予定が不明のため半分を減点",
    )
    factors.append(penalty_factor("change_expected", "rpa", change * pen.change_expected, change_notes))
    return factors


def ocr_factors(a: TaskArrays, cfg: ScoringConfig) -> list[Factor]:
    """AI-OCR suitability factors; electronic input scores 0 on every factor."""
    w, pen, s = cfg.ai_ocr.weights, cfg.ai_ocr.penalties, cfg.scale
    u = s.unknown_level
    electronic = a.input_medium == i.ELECTRONIC
    applies = np.where(electronic, 0.0, 1.0)

    def masked(notes: ObjArray) -> ObjArray:
        out: ObjArray = np.where(electronic, "（電子入力のため対象外）", notes).astype(object)
        return out

    def shown(factor: Factor) -> Factor:
        # Electronic input: the paper factor alone says why the whole score is 0.
        return replace(factor, listed=~electronic)

    paper_level = level_table(a.input_medium, [0.0, 1.0, 0.6, 0.4], u)
    paper_notes = note_table(
        a.input_medium,
        [
            "電子入力のため AI-OCR の対象外",
            "紙（活字）は AI-OCR の読取精度が高い",
            "紙（手書き）は活字より読取精度が低い",
            "紙と電子の混在（AI-OCR は紙の分のみ）",
        ],
        "入力媒体が不明のため中立",
    )
    sheets = _log_level(a.volume, s.sheets_min, s.sheets_max, u)
    forms = np.maximum(a.forms, 1.0)
    forms_level = np.where(np.isnan(forms), u, np.clip((s.forms_max - forms) / (s.forms_max - 1.0), 0.0, 1.0))
    verification = level_table(a.verification, [0.0, 0.5, 1.0], u)
    verification_notes = note_table(
        a.verification,
        [
            "目視確認が必須（久慈市: 全件目視で効果が相殺された）",
            "読取結果の目視確認が一部必要",
            "目視確認不要",
        ],
        "目視確認の要否が不明のため中立",
    )
    change = level_table(a.change_expected, [-1.0, 0.0], -u)
    change_notes = note_table(
        a.change_expected,
        ["制度改正予定あり（様式変更で読取定義の作り直し）", "制度改正予定なし"],
        "制度改正予定が不明のため半分を減点",
    )
    return [
        _factor("paper", "ai-ocr", paper_level * applies, w.paper, paper_notes),
        shown(
            _factor(
                "sheets",
                "ai-ocr",
                sheets * applies,
                w.sheets,
                masked(numeric_notes(a.volume, "年間 {:,.0f} 枚", "年間件数が不明のため中立")),
            )
        ),
        shown(
            _factor(
                "forms",
                "ai-ocr",
                forms_level * applies,
                w.forms,
                masked(numeric_notes(a.forms, "様式 {:.0f} 種類", "様式数が不明のため中立")),
            )
        ),
        shown(
            _factor(
                "verification", "ai-ocr", verification * applies, w.verification, masked(verification_notes)
            )
        ),
        shown(
            penalty_factor(
                "change_expected", "ai-ocr", change * applies * pen.change_expected, masked(change_notes)
            )
        ),
    ]


def total(factors: list[Factor], base: float = 0.0) -> FloatArray:
    """Return clip(base + Σ points, 0, 100), rounded like the points."""
    summed: FloatArray = base + np.sum([f.points for f in factors], axis=0)
    return np.clip(np.round(summed, 1), 0.0, 100.0)
