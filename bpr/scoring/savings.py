"""Expected hours saved per year, and which tool gives them.

Per tool: saved = annual hours × rate(tool, band of its score) − added checking hours,
floored at 0. The checking hours are annual cases × minutes per case of 目視確認 the
tool leaves (久慈市: a mandatory check on every AI-OCR entry cancelled the gain).

AI-OCR + RPA (paper in, system entry out) applies the rates in sequence: AI-OCR removes
its share of the time, RPA (scored as if the input were digital, since the OCR output
is) removes its share of the rest: rate = 1 − (1 − r_ocr)(1 − r_rpa). Both tools'
checks are added, since the read result and the robot's entry are both looked at.

Among the tools a task qualifies for (not knocked out, score ≥ bands.low, the right
input medium) the one saving the most hours is recommended; if even that saves less
than recommend.min_hours_saved, no tool is. Why the maximum: every option's saving grows with volume and the set of
options only grows with the scores, so more annual volume never lowers the estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bpr.scoring import inputs as i
from bpr.scoring.config import ScoringConfig
from bpr.scoring.inputs import FloatArray, IntArray, TaskArrays

# Column order is the tie-break preference: a simpler setup wins an exact tie.
TOOLS: tuple[str, ...] = ("rpa", "ai-ocr+rpa", "ai-ocr")
RPA, COMBO, OCR = range(3)
NONE = -1


@dataclass(frozen=True)
class Savings:
    """Per task: the best qualifying option (index into TOOLS, -1 none) and its numbers.

    `tool` is that option when it saves at least recommend.min_hours_saved, else -1;
    `saved` is then its hours, else 0. gross/checking/rate describe the best option
    even when it is not recommended, so the explanation can say why (久慈市).
    """

    best: IntArray
    tool: IntArray
    saved: FloatArray
    best_saved: FloatArray
    gross: FloatArray
    checking: FloatArray
    check_minutes: FloatArray
    rate: FloatArray


def band_rate(score: FloatArray, cfg: ScoringConfig, tool: str) -> FloatArray:
    """Automation rate for the band the score falls in; 0 below bands.low."""
    b = cfg.bands
    r = cfg.rates.rpa if tool == "rpa" else cfg.rates.ai_ocr
    return np.select([score >= b.high, score >= b.mid, score >= b.low], [r.high, r.mid, r.low], 0.0)


def _check_minutes(a: TaskArrays, cfg: ScoringConfig, tool: str) -> FloatArray:
    c = cfg.checking.rpa if tool == "rpa" else cfg.checking.ai_ocr
    # unknown verification counts as 一部 (partial): the neutral middle.
    table = np.array([c.required, c.partial, 0.0, c.partial])
    return table[a.verification]


def expected_savings(
    a: TaskArrays,
    cfg: ScoringConfig,
    *,
    rpa: FloatArray,
    ocr: FloatArray,
    rpa_after_ocr: FloatArray,
    knocked_out: np.ndarray,
) -> Savings:
    """Compute every tool's saving, pick the best qualifying one per task."""
    hours = np.nan_to_num(a.hours)
    cases = np.nan_to_num(a.volume)
    low = cfg.bands.low
    paper = (a.input_medium == i.PRINTED) | (a.input_medium == i.HANDWRITTEN)
    electronic = a.input_medium == i.ELECTRONIC
    live = ~knocked_out

    r_rpa, r_ocr, r_after = (
        band_rate(rpa, cfg, "rpa"),
        band_rate(ocr, cfg, "ocr"),
        band_rate(rpa_after_ocr, cfg, "rpa"),
    )
    c_rpa, c_ocr = _check_minutes(a, cfg, "rpa"), _check_minutes(a, cfg, "ocr")
    rates = np.column_stack([r_rpa, 1.0 - (1.0 - r_ocr) * (1.0 - r_after), r_ocr])
    minutes = np.column_stack([c_rpa, c_ocr + c_rpa, c_ocr])
    ocr_ok = live & ~electronic & (ocr >= low)
    qualifies = np.column_stack([live & ~paper & (rpa >= low), ocr_ok & (rpa_after_ocr >= low), ocr_ok])

    gross = hours[:, None] * rates
    checking = cases[:, None] * minutes / 60.0
    saved = np.where(qualifies, np.maximum(gross - checking, 0.0), -1.0)
    qualified = qualifies.any(axis=1)
    best = np.argmax(saved, axis=1)
    rows = np.arange(a.n)
    best_saved = np.where(qualified, np.round(saved[rows, best], 1), 0.0)
    chosen = qualified & (best_saved > 0.0) & (best_saved >= cfg.recommend.min_hours_saved)

    def pick(values: FloatArray) -> FloatArray:
        return np.where(qualified, values[rows, best], 0.0)

    return Savings(
        best=np.where(qualified, best, NONE).astype(np.int64),
        tool=np.where(chosen, best, NONE).astype(np.int64),
        saved=np.where(chosen, best_saved, 0.0),
        best_saved=best_saved,
        gross=pick(gross),
        checking=pick(checking),
        check_minutes=pick(minutes),
        rate=pick(rates),
    )
