"""Calibrate the hours-saved estimate against this town's own pilots (`dxi calibrate`).

For each pilot with before and after measurements we have the estimate the scoring
config gives for the tool it used (gross, checks, fixed costs: bpr.scoring.savings)
and the realised saving (bpr.pilots.rules.realised_hours). Per tool and band:

    ratio  = Σ realised ÷ Σ estimated (net)                     what the 本部 reads
    factor = Σ (realised + checks + fixed) ÷ Σ gross            what the config needs

`factor` is the multiplier on the gross saving that would have made the estimates
add up to the realised savings; it goes into the config's [calibration] table, so
`dxi score --config calibrated.toml` estimates with it. Intervals are percentile
bootstrap intervals over the pilots (a ratio of sums, resampling pilots), seeded so
the same pilots always print the same figures. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from bpr.scoring.config import ScoringConfig

TOOL_KEYS = {
    "rpa": "rpa",
    "ai-ocr": "ai_ocr",
    "ai-ocr+rpa": "ai_ocr_rpa",
}  # scoring tool → [calibration] table
BAND_NAMES = ("low", "mid", "high")
FACTOR_MAX = 5.0  # the config's upper bound on a factor
MIN_FOR_INTERVAL = 3


@dataclass(frozen=True)
class PilotOutcome:
    """One measured pilot: its tool (scoring code), band, the config's estimate and the realised hours."""

    pilot_id: int
    tool: str  # rpa | ai-ocr | ai-ocr+rpa
    band: str  # low | mid | high | — (below bands.low)
    gross: float
    checking: float
    fixed: float
    realised: float

    @property
    def estimated(self) -> float:
        """Net hours a year the config expected: gross − checks − fixed costs."""
        return self.gross - self.checking - self.fixed


@dataclass(frozen=True)
class CalibrationRow:
    """The pilots of one tool and band, and what they say about the estimate."""

    tool: str
    band: str
    count: int
    estimated_total: float
    realised_total: float
    ratio: float | None
    ratio_low: float | None
    ratio_high: float | None
    factor: float | None  # None: not enough to calibrate (no positive gross)


def ratio_interval(
    estimated: Sequence[float],
    realised: Sequence[float],
    *,
    n_boot: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float | None, float | None, float | None]:
    """Σ realised ÷ Σ estimated and its bootstrap interval.

    (None, None, None) when Σ estimated ≤ 0; no interval under MIN_FOR_INTERVAL pilots
    (two pilots resample into three sums: no interval worth printing).
    """
    est, real = np.asarray(estimated, dtype=float), np.asarray(realised, dtype=float)
    if est.size == 0 or est.sum() <= 0:
        return None, None, None
    ratio = float(real.sum() / est.sum())
    if est.size < MIN_FOR_INTERVAL:
        return ratio, None, None
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, est.size, size=(n_boot, est.size))
    denominators = est[picks].sum(axis=1)
    ok = denominators > 0
    ratios = real[picks].sum(axis=1)[ok] / denominators[ok]
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(ratios, [tail, 100.0 - tail])
    return ratio, float(low), float(high)


def calibrate(outcomes: Sequence[PilotOutcome], *, n_boot: int = 2000, seed: int = 0) -> list[CalibrationRow]:
    """One row per tool and band that has measured pilots, in tool then band order."""
    rows = []
    for tool in TOOL_KEYS:
        for band in ("high", "mid", "low", "—"):
            group = [o for o in outcomes if o.tool == tool and o.band == band]
            if not group:
                continue
            ratio, low, high = ratio_interval(
                [o.estimated for o in group], [o.realised for o in group], n_boot=n_boot, seed=seed
            )
            gross = sum(o.gross for o in group)
            target = sum(o.realised + o.checking + o.fixed for o in group)
            factor = (
                float(np.clip(target / gross, 0.0, FACTOR_MAX)) if gross > 0 and band in BAND_NAMES else None
            )
            rows.append(
                CalibrationRow(
                    tool=tool,
                    band=band,
                    count=len(group),
                    estimated_total=sum(o.estimated for o in group),
                    realised_total=sum(o.realised for o in group),
                    ratio=ratio,
                    ratio_low=low,
                    ratio_high=high,
                    factor=factor,
                )  # fmt: skip
            )
    return rows


def calibrated_factors(base: ScoringConfig, rows: Sequence[CalibrationRow]) -> dict[str, dict[str, float]]:
    """The [calibration] table after `rows`: each row's factor times the base config's factor."""
    table = {key: dict(getattr(base.calibration, key).model_dump()) for key in TOOL_KEYS.values()}
    for row in rows:
        if row.factor is not None:
            key = TOOL_KEYS[row.tool]
            table[key][row.band] = round(min(table[key][row.band] * row.factor, FACTOR_MAX), 4)
    return table


def calibrated_toml(base_text: str, base: ScoringConfig, rows: Sequence[CalibrationRow], *, note: str) -> str:
    """The base config's TOML (its comments kept) with the [calibration] table set from `rows`.

    `note` (e.g. which pilots, when) is written as a comment above the table. The result
    validates as a ScoringConfig; the caller writes it to a file.
    """
    import tomlkit

    from bpr.scoring.config import ScoringConfig  # loaded here: the effect report's ratios need no config

    document = tomlkit.parse(base_text)
    factors = calibrated_factors(base, rows)
    table = tomlkit.table(is_super_table=True)
    for key, bands in factors.items():
        sub = tomlkit.table()
        for band in ("high", "mid", "low"):
            sub.add(band, bands[band])
            matching = [
                r for r in rows if TOOL_KEYS[r.tool] == key and r.band == band and r.factor is not None
            ]
            if matching:
                r = matching[0]
                sub[band].comment(
                    f"実証 {r.count} 件: 実績 {r.realised_total:,.0f} ÷ 見込み {r.estimated_total:,.0f} 時間/年"
                )
        table.add(key, sub)
    if "calibration" in document:
        del document["calibration"]
    document.add(tomlkit.nl())
    for line in (
        "校正係数（dxi calibrate が書き込み）: 自団体の実証で、削減（目視確認・固定費を引く前）に掛ける係数。",
        "係数 = Σ(実績 + 目視確認 + 固定費) ÷ Σ 削減。ツール・適性の帯ごと。1.0 = 補正なし。",
        note,
    ):
        document.add(tomlkit.comment(line))
    document.add("calibration", table)
    text = tomlkit.dumps(document)
    ScoringConfig.from_toml_text(text, source="calibrated")  # never hand back a config that does not load
    return text
