"""Calibration against planted pilots: the factors recover the plant and the estimates move to the realised."""

from __future__ import annotations

import numpy as np
import pytest

from bpr.scoring.calibrate import PilotOutcome, calibrate, calibrated_toml, ratio_interval
from bpr.scoring.config import ScoringConfig, default_config, default_toml_text
from bpr.scoring.savings import BANDS, TOOLS, tool_options
from tests.bpr.factories import make_tasks

TASKS = make_tasks(
    [
        {"name": "住民異動届の入力", "annual_volume": 6000, "minutes_per_case": 10},
        {"name": "口座振替データの登録", "annual_volume": 4000, "minutes_per_case": 6, "system_count": 2},
        {"name": "支出命令書の作成", "annual_volume": 2400, "minutes_per_case": 15, "documented": False},
        {"name": "会計年度任用職員の勤怠入力", "routine": "一部定型", "judgement": "一部あり",
         "annual_volume": 1200, "minutes_per_case": 20, "exceptions": "時々"},
        {"name": "申請書の転記", "input_medium": "紙（手書き）", "annual_volume": 3000, "minutes_per_case": 15,
         "verification": "一部"},
    ]
)  # fmt: skip
PILOT_TOOLS = ["rpa", "rpa", "rpa", "rpa", "ai-ocr+rpa"]


def outcomes(cfg: ScoringConfig, factors: list[float]) -> list[PilotOutcome]:
    """Pilots whose realised saving is what the estimate would be with the gross times `factors`."""
    o = tool_options(TASKS, cfg)
    out = []
    for i, (tool, factor) in enumerate(zip(PILOT_TOOLS, factors, strict=True)):
        c = TOOLS.index(tool)
        gross, check, fixed = (float(v[i, c]) for v in (o.gross, o.checking, o.fixed))
        out.append(PilotOutcome(pilot_id=i + 1, tool=tool, band=BANDS[o.band[i, c]], gross=gross, checking=check,
                                fixed=fixed, realised=factor * gross - check - fixed))  # fmt: skip
    return out


def estimates(cfg: ScoringConfig) -> np.ndarray:
    o = tool_options(TASKS, cfg)
    return np.array([o.net[i, TOOLS.index(t)] for i, t in enumerate(PILOT_TOOLS)])


def test_a_planted_factor_is_recovered_and_the_config_reproduces_the_realised_savings() -> None:
    base = default_config()
    planted = outcomes(base, [0.6, 0.6, 0.6, 0.6, 0.3])
    rows = calibrate(planted)
    assert {r.tool for r in rows} == {"rpa", "ai-ocr+rpa"} and sum(r.count for r in rows) == 5
    assert all(r.factor == pytest.approx(0.6 if r.tool == "rpa" else 0.3) for r in rows)
    text = calibrated_toml(default_toml_text(), base, rows, note="テスト用の実証 5 件")
    calibrated = ScoringConfig.from_toml_text(text)
    assert "# テスト用の実証 5 件" in text and "# 実証 " in text
    assert calibrated.rates == base.rates and calibrated.costs == base.costs  # only [calibration] moved
    realised = np.array([p.realised for p in planted])
    np.testing.assert_allclose(estimates(calibrated), realised, atol=0.5)


def test_noisy_pilots_move_the_estimates_toward_the_realised() -> None:
    base = default_config()
    rng = np.random.default_rng(7)
    planted = outcomes(base, list(0.7 + rng.normal(0, 0.08, size=len(PILOT_TOOLS))))
    realised = np.array([p.realised for p in planted])
    calibrated = ScoringConfig.from_toml_text(
        calibrated_toml(default_toml_text(), base, calibrate(planted), note="x")
    )
    before, after = np.abs(estimates(base) - realised).sum(), np.abs(estimates(calibrated) - realised).sum()
    assert after < before / 2


def test_calibrating_a_calibrated_config_changes_nothing_more() -> None:
    base = default_config()
    planted = outcomes(base, [0.5, 0.5, 0.5, 0.5, 0.5])
    once = ScoringConfig.from_toml_text(
        calibrated_toml(default_toml_text(), base, calibrate(planted), note="1")
    )
    again = calibrate([PilotOutcome(**{**p.__dict__, **_gross_of(once, p)}) for p in planted])
    assert all(r.factor == pytest.approx(1.0) for r in again)


def _gross_of(cfg: ScoringConfig, p: PilotOutcome) -> dict[str, float]:
    o = tool_options(TASKS, cfg)
    i, c = p.pilot_id - 1, TOOLS.index(p.tool)
    return {"gross": float(o.gross[i, c]), "checking": float(o.checking[i, c]), "fixed": float(o.fixed[i, c])}


def test_the_ratio_interval_covers_the_planted_ratio_and_needs_three_pilots() -> None:
    rng = np.random.default_rng(3)
    estimated = rng.uniform(100, 1000, size=12)
    realised = estimated * rng.normal(0.8, 0.1, size=12)
    ratio, low, high = ratio_interval(estimated, realised, seed=1)
    assert ratio is not None and low is not None and high is not None
    assert low < ratio < high and low < 0.8 < high
    assert ratio_interval(estimated, realised, seed=1) == (
        ratio,
        low,
        high,
    )  # seeded: same figures every time
    assert ratio_interval(estimated[:2], realised[:2])[1:] == (None, None)
    assert ratio_interval([0.0], [5.0]) == (None, None, None)
