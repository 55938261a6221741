"""Expected hours saved per year, net of checks and fixed costs, and which tool gives them.

Per task and tool (all vectorised):

    gross    = annual hours × automatable share × rate(tool, band) × calibration(tool, band)
               (the RPA band from suitability without the volume factors: `fit_scores`)
    checking = annual cases × check minutes per case / 60
    fixed    = maintenance hours + build hours / amortisation years + licence yen / hourly cost
    net      = gross − checking − fixed          (may be negative: shown, never floored)

The automatable share is the survey's 自動化できる割合, else the default of the kind of
work its name, categories and notes name (bpr.scoring.share); on 混在 input RPA reaches
only the electronic part and AI-OCR only the paper part. Check minutes are the survey's
目視確認時間 per case, else a share of the case time (目視確認 必須 / 一部, unknown = 一部)
with a floor per case for a full check: a full check on a case shorter than the check
cannot save time (久慈市: 市県民税収納 1.6 → 16.2 時間). AI-OCR+RPA (paper in, system
entry out) removes 1 − (1 − r_ocr)(1 − r_rpa after OCR) of the share and pays both
tools' checks and fixed costs.

Among the tools a task qualifies for (not knocked out, score ≥ bands.low, the right
input medium) the one with the largest net saving is recommended, if that is positive
and at least recommend.min_hours_saved. Payback months = build cost ÷ the yearly
running saving (gross − checks − maintenance, in yen, − licence).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from bpr.scoring import inputs as i
from bpr.scoring.config import ScoringConfig
from bpr.scoring.factors import Factor, ObjArray, ocr_factors, rpa_factors, total
from bpr.scoring.inputs import FloatArray, IntArray, TaskArrays, task_arrays
from bpr.scoring.share import automatable_share

# Column order is the tie-break preference: a simpler setup wins an exact tie.
TOOLS: tuple[str, ...] = ("rpa", "ai-ocr+rpa", "ai-ocr")
RPA, COMBO, OCR = range(3)
NONE = -1
BANDS: tuple[str, ...] = ("—", "low", "mid", "high")  # index = band code; 0 = below bands.low


@dataclass(frozen=True)
class Options:
    """Every tool's estimate per task: arrays of shape (tasks, 3), columns in TOOLS order."""

    hours: FloatArray  # (tasks,) annual hours
    share: FloatArray  # (tasks,) automatable share of the task
    share_source: ObjArray  # (tasks,) None = from the survey, else the kind label or '既定値'
    band: IntArray  # band code of the score the tool's rate follows (see BANDS)
    reach: FloatArray  # share of the task the tool reaches (混在 halves it)
    rate: FloatArray  # share of the reached part removed, calibration included
    gross: FloatArray
    check_minutes: FloatArray
    checking: FloatArray
    fixed: FloatArray
    build: FloatArray
    net: FloatArray
    payback: FloatArray  # months; NaN when the running saving is not positive
    qualifies: np.ndarray


@dataclass(frozen=True)
class Savings:
    """Per task: the best qualifying option (index into TOOLS, -1 none) and its numbers.

    `tool` is that option when its net saving is positive and at least
    recommend.min_hours_saved, else -1; `saved` is then its net hours, else 0. The
    other fields describe the best option even when it is not recommended (its net
    may be negative), so the explanation can say why.
    """

    best: IntArray
    tool: IntArray
    saved: FloatArray
    best_saved: FloatArray
    gross: FloatArray
    checking: FloatArray
    check_minutes: FloatArray
    fixed: FloatArray
    payback: FloatArray
    rate: FloatArray
    reach: FloatArray
    share: FloatArray
    share_source: ObjArray


def band_code(score: FloatArray, cfg: ScoringConfig) -> IntArray:
    """3 high, 2 mid, 1 low, 0 below bands.low."""
    b = cfg.bands
    return np.select([score >= b.high, score >= b.mid, score >= b.low], [3, 2, 1], 0).astype(np.int64)


def band_rate(score: FloatArray, cfg: ScoringConfig, tool: str) -> FloatArray:
    """Rate (share of the reached work removed) for the band the score falls in; 0 below bands.low."""
    r = cfg.rates.rpa if tool == "rpa" else cfg.rates.ai_ocr
    return np.array([0.0, r.low, r.mid, r.high])[band_code(score, cfg)]


def _factor(band: IntArray, cfg: ScoringConfig, tool: str) -> FloatArray:
    f = {"rpa": cfg.calibration.rpa, "ocr": cfg.calibration.ai_ocr, "combo": cfg.calibration.ai_ocr_rpa}[tool]
    return np.array([1.0, f.low, f.mid, f.high])[band]


def _checks(a: TaskArrays, cfg: ScoringConfig, tool: str) -> tuple[FloatArray, FloatArray]:
    """(minutes per case, share of the task's time) of checking the tool leaves.

    Minutes per case: the survey's figure, else share × case minutes (at least the
    floor for a full check). The share alone serves tasks whose survey states annual
    hours but no cases × minutes (bpr.scoring.inputs).
    """
    c = cfg.checking.rpa if tool == "rpa" else cfg.checking.ai_ocr
    minutes = np.nan_to_num(a.minutes)
    # verification codes: 必須, 一部, 不要, unknown (-1 → last entry: counts as 一部)
    level = np.where(a.verification < 0, 3, a.verification)
    share = np.array([c.required_share, c.partial_share, 0.0, c.partial_share])[level]
    by_level = np.where(level == 0, np.maximum(share * minutes, c.required_minutes), share * minutes)
    return np.where(np.isnan(a.check_minutes), by_level, a.check_minutes), share


def _fixed(cfg: ScoringConfig) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per tool column: (build hours, maintenance hours, licence yen, yearly fixed hours)."""
    c = cfg.costs
    rpa, ocr = c.rpa, c.ai_ocr
    build = np.array([rpa.build_hours, rpa.build_hours + ocr.build_hours, ocr.build_hours])
    upkeep = np.array(
        [rpa.maintenance_hours, rpa.maintenance_hours + ocr.maintenance_hours, ocr.maintenance_hours]
    )
    licence = np.array([rpa.licence_yen, rpa.licence_yen + ocr.licence_yen, ocr.licence_yen])
    hourly = cfg.economics.hourly_cost_yen
    fixed = upkeep + build / c.amortisation_years + (licence / hourly if hourly > 0 else 0.0)
    return build, upkeep, licence, fixed


VOLUME_FACTORS = frozenset({"hours", "repetition"})


def fit_scores(rpa_factors: list[Factor], cfg: ScoringConfig) -> tuple[FloatArray, FloatArray]:
    """RPA suitability without the volume factors, rescaled to 0–100 (alone, and after AI-OCR).

    Why: the rate is the share of the work a robot removes, which volume does not
    change; volume already counts once, in the hours. Scoring the band with volume
    made small tasks that automated very well look like poor candidates.
    """
    w = cfg.rpa.weights
    scale = 100.0 / max(100.0 - sum(getattr(w, name) for name in VOLUME_FACTORS), 1e-9)
    kept = [f for f in rpa_factors if f.name not in VOLUME_FACTORS]
    after = [f for f in kept if f.name != "input"]
    return (
        np.clip(np.round(total(kept) * scale, 1), 0.0, 100.0),
        np.clip(np.round(total(after, base=w.input) * scale, 1), 0.0, 100.0),
    )


def options(
    a: TaskArrays,
    cfg: ScoringConfig,
    *,
    rpa: FloatArray,
    ocr: FloatArray,
    rpa_after_ocr: FloatArray,
    fit: tuple[FloatArray, FloatArray] | None = None,
) -> Options:
    """Compute every tool's gross, checks, fixed costs, net and payback for every task.

    The scores decide which tools qualify; the RPA rate follows the band of `fit`
    (`fit_scores`: suitability without volume), the scores themselves when it is None.
    """
    hours, cases = np.nan_to_num(a.hours), np.nan_to_num(a.volume)
    rpa_fit, after_fit = fit if fit is not None else (rpa, rpa_after_ocr)
    share, source = automatable_share(a, cfg)
    mixed = a.input_medium == i.MIXED
    part = cfg.automatable.mixed_input_share
    reach = np.column_stack([np.where(mixed, part, 1.0), np.ones(a.n), np.where(mixed, 1.0 - part, 1.0)])
    b_rpa, b_ocr = band_code(rpa_fit, cfg), band_code(ocr, cfg)
    r_rpa = band_rate(rpa_fit, cfg, "rpa") * _factor(b_rpa, cfg, "rpa")
    r_ocr = band_rate(ocr, cfg, "ocr") * _factor(b_ocr, cfg, "ocr")
    r_after = band_rate(after_fit, cfg, "rpa")
    r_combo = (1.0 - (1.0 - band_rate(ocr, cfg, "ocr")) * (1.0 - r_after)) * _factor(b_ocr, cfg, "combo")
    rate = np.minimum(np.column_stack([r_rpa, r_combo, r_ocr]), 1.0)
    (c_rpa, s_rpa), (c_ocr, s_ocr) = _checks(a, cfg, "rpa"), _checks(a, cfg, "ocr")
    minutes = np.column_stack([c_rpa, c_ocr + c_rpa, c_ocr])
    gross = (hours * share)[:, None] * reach * rate
    per_case = ~np.isnan(a.volume) & ~np.isnan(a.minutes)
    checking = np.where(
        per_case[:, None],
        cases[:, None] * minutes / 60.0,
        hours[:, None] * np.column_stack([s_rpa, s_ocr + s_rpa, s_ocr]),
    )
    build, upkeep, licence, fixed = _fixed(cfg)
    net = gross - checking - fixed
    hourly = cfg.economics.hourly_cost_yen
    running = (gross - checking - upkeep) * hourly - licence
    with np.errstate(divide="ignore", invalid="ignore"):
        payback = np.where(running > 0, build * hourly / running * 12.0, np.nan)
    low = cfg.bands.low
    paper = (a.input_medium == i.PRINTED) | (a.input_medium == i.HANDWRITTEN)
    ocr_ok = (a.input_medium != i.ELECTRONIC) & (ocr >= low)
    qualifies = np.column_stack([~paper & (rpa >= low), ocr_ok & (rpa_after_ocr >= low), ocr_ok])
    return Options(
        hours=hours, share=share, share_source=source, band=np.column_stack([b_rpa, b_ocr, b_ocr]),
        reach=reach, rate=rate, gross=gross, check_minutes=minutes, checking=checking,
        fixed=np.broadcast_to(fixed, gross.shape), build=np.broadcast_to(build, gross.shape), net=net,
        payback=payback, qualifies=qualifies,
    )  # fmt: skip


def expected_savings(o: Options, cfg: ScoringConfig, *, knocked_out: np.ndarray) -> Savings:
    """Pick, per task, the qualifying option with the largest net saving; recommend it if it pays."""
    qualifies = o.qualifies & ~knocked_out[:, None]
    ranked = np.where(qualifies, o.net, -np.inf)
    qualified = qualifies.any(axis=1)
    best = np.argmax(ranked, axis=1)
    rows = np.arange(len(best))
    best_saved = np.where(qualified, np.round(o.net[rows, best], 1), 0.0) + 0.0
    chosen = qualified & (best_saved > 0.0) & (best_saved >= cfg.recommend.min_hours_saved)

    def pick(values: FloatArray) -> FloatArray:
        return np.where(qualified, values[rows, best], 0.0)

    return Savings(
        best=np.where(qualified, best, NONE).astype(np.int64),
        tool=np.where(chosen, best, NONE).astype(np.int64),
        saved=np.where(chosen, best_saved, 0.0),
        best_saved=best_saved,
        gross=pick(o.gross),
        checking=pick(o.checking),
        check_minutes=pick(o.check_minutes),
        fixed=pick(o.fixed),
        payback=np.where(qualified, o.payback[rows, best], np.nan),
        rate=pick(o.rate),
        reach=pick(o.reach),
        share=o.share,
        share_source=o.share_source,
    )


def tool_options(tasks: pd.DataFrame, cfg: ScoringConfig) -> Options:
    """Every tool's estimate for a task table, knock-outs ignored (pilots and benchmarks)."""
    a = task_arrays(tasks)
    rpa_f = rpa_factors(a, cfg)
    # After AI-OCR the input is digital: the same RPA factors with full input points.
    after = total([f for f in rpa_f if f.name != "input"], base=cfg.rpa.weights.input)
    return options(
        a,
        cfg,
        rpa=total(rpa_f),
        ocr=total(ocr_factors(a, cfg)),
        rpa_after_ocr=after,
        fit=fit_scores(rpa_f, cfg),
    )
