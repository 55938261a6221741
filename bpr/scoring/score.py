"""Score every task for RPA and AI-OCR, estimate the hours they give back, explain it.

`score_tasks` is pure: a task DataFrame in, a new score DataFrame out (one row per
task, same order), no I/O. The Prefect flow stores the result with
`config.model_dump()`; the CLI ranks it with `bpr.scoring.ranking.rank`.

Order of work: knock-outs (already automated work among them) → factor points (bpr.scoring.factors) → scores = clip(Σ points) →
hours saved per tool (bpr.scoring.savings) → ease and difficulty → quadrant and priority →
factor lists and explanation (bpr.scoring.explain), naming the attributes assumed
neutral because the survey left them blank (bpr.scoring.unknowns).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bpr.scoring import inputs as i
from bpr.scoring.config import ScoringConfig, default_config
from bpr.scoring.ease import difficulty, ease_factors
from bpr.scoring.explain import Outcome, explanations, factor_lists
from bpr.scoring.factors import ObjArray, ocr_factors, rpa_factors, total
from bpr.scoring.inputs import FloatArray, TaskArrays, task_arrays
from bpr.scoring.savings import NONE, TOOLS, expected_savings, fit_scores, options
from bpr.scoring.unknowns import missing_attributes

SCORE_COLUMNS: tuple[str, ...] = (
    "task_id",
    "knocked_out",
    "knockout_reason",
    "rpa_score",
    "ocr_score",
    "rpa_after_ocr_score",
    "recommended_tool",
    "automation_rate",
    "checking_hours",
    "expected_hours_saved",
    "net_hours",
    "fixed_hours",
    "payback_months",
    "automatable_share",
    "share_source",
    "person_years",
    "yen_saved",
    "ease_score",
    "difficulty",
    "quadrant",
    "priority",
    "factors",
    "explanation",
    "missing_attributes",  # Japanese labels of the attributes scored neutral (属性未確認)
)


def knockouts(a: TaskArrays, config: ScoringConfig) -> tuple[np.ndarray, ObjArray]:
    """Return (knocked_out, reason) per task; reasons are Japanese, joined by '・'.

    Work already automated (hours after given) is no fresh candidate: it stays in the
    list, at the bottom with the other knock-outs, marked 自動化済み.
    """
    k = config.knockout
    unknown_hours = np.isnan(a.hours)
    automated = ~np.isnan(a.hours_after)
    abolition = (a.abolition_planned == i.TRUE) & k.abolition_planned
    small = ~automated & ~unknown_hours & (a.hours < k.min_annual_hours)
    judgement = (a.routine == i.HITEIKEI) & (a.judgement == i.JUDGEMENT_YES) & k.non_routine_with_judgement
    knocked = automated | abolition | unknown_hours | small | judgement
    reasons = np.full(a.n, None, dtype=object)
    index = np.flatnonzero(knocked)
    rows = zip(
        automated[index],
        abolition[index],
        unknown_hours[index],
        small[index],
        judgement[index],
        a.hours[index],
        a.hours_after[index],
        strict=True,
    )
    reasons[index] = [
        "・".join(
            text
            for flag, text in (
                (au, f"自動化済み（年間 {h:,.0f}→{after:,.0f} 時間）"),
                (ab, "廃止予定"),
                (unk, "年間件数または処理時間が不明で効果を算定できない"),
                (sm, f"年間 {h:,.1f} 時間で基準（{k.min_annual_hours:g} 時間）未満"),
                (jd, "非定型かつ人の判断ありで自動化に不向き"),
            )
            if flag
        )
        for au, ab, unk, sm, jd, h, after in rows
    ]
    return knocked, reasons


def _quadrant(
    saved: FloatArray, ease: FloatArray, has_tool: np.ndarray, automated: np.ndarray, config: ScoringConfig
) -> ObjArray:
    """quick_win / strategic / later / avoid; no tool (or knocked out) is avoid, automated work automated."""
    q = config.quadrant
    value, easy = saved >= q.hours_saved, ease >= q.ease
    quadrant = np.select(
        [value & easy, value & ~easy, ~value & easy], ["quick_win", "strategic", "later"], "avoid"
    ).astype(object)
    return np.select([automated, has_tool], ["automated", quadrant], "avoid").astype(object)


def score_tasks(tasks: pd.DataFrame, config: ScoringConfig | None = None) -> pd.DataFrame:
    """Score tasks for RPA and AI-OCR; see SCORE_COLUMNS for the output.

    Args:
        tasks: one row per task with the survey fields (bpr/scoring/inputs.py reads them);
            optional columns may be missing or blank and then count as unknown.
        config: weights and thresholds; the shipped defaults when None.
    """
    cfg = config or default_config()
    a = task_arrays(tasks)
    knocked, reasons = knockouts(a, cfg)

    rpa_f, ocr_f, ease_f = rpa_factors(a, cfg), ocr_factors(a, cfg), ease_factors(a, cfg)
    rpa, ocr = total(rpa_f), total(ocr_f)
    # After AI-OCR the data is digital: the same RPA factors with full input points.
    rpa_after = total([f for f in rpa_f if f.name != "input"], base=cfg.rpa.weights.input)
    every = options(a, cfg, rpa=rpa, ocr=ocr, rpa_after_ocr=rpa_after, fit=fit_scores(rpa_f, cfg))
    savings = expected_savings(every, cfg, knocked_out=knocked)

    econ = cfg.economics
    person_years = np.round(savings.saved / econ.hours_per_person_year, 3)
    yen = np.round(savings.saved * econ.hourly_cost_yen)
    ease = total(ease_f, base=100.0)
    labels = difficulty(ease, cfg)
    has_tool = savings.tool != NONE
    automated = ~np.isnan(a.hours_after)
    missing = missing_attributes(a)
    m = cfg.priority.ease_weight_min
    priority = np.round(savings.saved * (m + (1.0 - m) * ease / 100.0), 3)

    outcome = Outcome(
        knockout_reason=reasons,
        rpa=rpa,
        ocr=ocr,
        rpa_after_ocr=rpa_after,
        savings=savings,
        person_years=person_years,
        yen=yen,
        ease=ease,
        difficulty=labels,
        knocked_out=knocked,
        automated=automated,
        missing=missing,
        low=cfg.bands.low,
        min_saved=cfg.recommend.min_hours_saved,
    )
    tool_names = np.array([*TOOLS, None], dtype=object)[savings.tool]
    return pd.DataFrame(
        {
            "task_id": a.task_id,
            "knocked_out": knocked,
            "knockout_reason": pd.Series(reasons, dtype=object),
            "rpa_score": rpa,
            "ocr_score": ocr,
            "rpa_after_ocr_score": rpa_after,
            "recommended_tool": pd.Series(tool_names, dtype=object),
            "automation_rate": np.round(
                np.where(has_tool, savings.share * savings.reach * savings.rate, 0.0), 4
            ),
            "checking_hours": np.round(np.where(has_tool, savings.checking, 0.0), 1),
            "expected_hours_saved": savings.saved,
            "net_hours": np.where(savings.best != NONE, savings.best_saved, np.nan),
            "fixed_hours": np.round(np.where(savings.best != NONE, savings.fixed, np.nan), 1),
            "payback_months": np.round(savings.payback, 1),
            "automatable_share": np.round(savings.share, 3),
            "share_source": pd.Series(savings.share_source, dtype=object),
            "person_years": person_years,
            "yen_saved": yen.astype(np.int64),
            "ease_score": ease,
            "difficulty": pd.Series(labels, dtype=object),
            "quadrant": pd.Series(_quadrant(savings.saved, ease, has_tool, automated, cfg), dtype=object),
            "priority": priority,
            "factors": pd.Series(factor_lists([*rpa_f, *ocr_f, *ease_f]), dtype=object),
            "explanation": pd.Series(
                explanations(a, outcome, rpa_factors=rpa_f, ocr_factors=ocr_f, ease_factors=ease_f),
                dtype=object,
            ),
            "missing_attributes": pd.Series(missing, dtype=object),
        },
        columns=list(SCORE_COLUMNS),
    )
