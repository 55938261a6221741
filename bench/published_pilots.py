"""How well the pre-pilot estimate ranks published municipal pilots (issue 14).

    python bench/published_pilots.py [--config weights.toml] [--rows]

Scores every automation of bench/published_pilots_data.py (21 rows, 9 municipalities)
with the shipped scoring config (or --config), takes the estimate for the tool the
municipality used, and compares the expected reduction of task time
((gross hours − check hours) / annual hours, knock-outs and fixed costs left out: they
decide whether to automate, not how much of the task goes) with the published one.
Prints, for the tune rows, the holdout rows and all:
  rho      Spearman's rank correlation between expected and published reduction
  pairs    share of (success, failure) pairs ordered right: success = published ≥ 70%,
           failure = published < 40%; a tie counts half
Goal (issue 14): rho ≥ 0.6 and ≥ 90% of pairs right. Defaults may be set from the tune
rows only; the holdout rows (other municipalities) show whether that generalises.

The same script measures the code before issue 14 (it falls back to that formula when
`bpr.scoring.savings.tool_options` does not exist):
    cd /tmp && PYTHONPATH=<old checkout> python <this checkout>/bench/published_pilots.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(len(sys.path), str(Path(__file__).resolve().parents[1]))

from published_pilots_data import PILOTS  # noqa: E402

from bpr.scoring import savings  # noqa: E402
from bpr.scoring.config import ScoringConfig, default_config  # noqa: E402
from bpr.scoring.factors import ocr_factors, rpa_factors, total  # noqa: E402
from bpr.scoring.inputs import task_arrays  # noqa: E402

SUCCESS, FAILURE = 0.70, 0.40
TOOL_COLUMN = {"rpa": 0, "ai-ocr+rpa": 1, "ai-ocr": 2}


def task_table() -> pd.DataFrame:
    """The published rows as the task table `score_tasks` reads."""
    rows = []
    for i, p in enumerate(PILOTS, start=1):
        hours = p.get("annual_hours", p["before"])
        rows.append(
            {
                "task_id": i,
                "department": p["town"],
                "name": p["name"],
                "notes": p["note"],  # what the work consists of, as published: the survey's 備考
                "routine": p["routine"],
                "judgement": p["judgement"],
                "input_medium": p["input_medium"],
                "verification": p.get("verification"),
                "form_count": p.get("forms"),
                "system_count": p.get("systems"),
                "annual_volume": float(p["cases"]),
                "minutes_per_case": hours * 60.0 / p["cases"],
                "annual_hours": float(hours),
            }
        )
    return pd.DataFrame(rows)


def _legacy(tasks: pd.DataFrame, cfg: Any) -> np.ndarray:
    """Expected reduction per tool with the pre-issue-14 formula: hours × band rate − checks, ≥ 0."""
    a = task_arrays(tasks)
    rpa_f = rpa_factors(a, cfg)
    rpa, ocr = total(rpa_f), total(ocr_factors(a, cfg))
    after = total([f for f in rpa_f if f.name != "input"], base=cfg.rpa.weights.input)
    r_rpa, r_ocr, r_after = (
        savings.band_rate(x, cfg, t) for x, t in ((rpa, "rpa"), (ocr, "ocr"), (after, "rpa"))
    )
    c_rpa, c_ocr = savings._check_minutes(a, cfg, "rpa"), savings._check_minutes(a, cfg, "ocr")  # type: ignore[attr-defined]
    rates = np.column_stack([r_rpa, 1 - (1 - r_ocr) * (1 - r_after), r_ocr])
    minutes = np.column_stack([c_rpa, c_ocr + c_rpa, c_ocr])
    net = np.maximum(a.hours[:, None] * rates - a.volume[:, None] * minutes / 60.0, 0.0)
    return np.asarray(net / a.hours[:, None])


def expected_reduction(tasks: pd.DataFrame, cfg: ScoringConfig) -> np.ndarray:
    """Per row, the expected reduction for the tool the municipality used."""
    if hasattr(savings, "tool_options"):
        options = savings.tool_options(tasks, cfg)
        table = np.asarray((options.gross - options.checking) / options.hours[:, None])
    else:
        table = _legacy(tasks, cfg)
    columns = [TOOL_COLUMN[p["tool"]] for p in PILOTS]
    return np.asarray(table[np.arange(len(PILOTS)), columns], dtype=float)


def spearman(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rho: Pearson's r of the average ranks."""
    rx, ry = pd.Series(x).rank().to_numpy(), pd.Series(y).rank().to_numpy()
    return float(np.corrcoef(rx, ry)[0, 1])


def pairs_right(expected: np.ndarray, published: np.ndarray) -> tuple[float, int]:
    """Share of (success, failure) pairs with the success expected higher; ties count half."""
    wins, n = 0.0, 0
    for i in np.flatnonzero(published >= SUCCESS):
        for j in np.flatnonzero(published < FAILURE):
            n += 1
            wins += 1.0 if expected[i] > expected[j] else 0.5 if expected[i] == expected[j] else 0.0
    return (wins / n if n else float("nan")), n


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", type=Path, help="scoring config TOML (default: the shipped one)")
    parser.add_argument("--rows", action="store_true", help="print every row")
    args = parser.parse_args()
    cfg = ScoringConfig.from_toml(args.config) if args.config else default_config()
    tasks = task_table()
    expected = expected_reduction(tasks, cfg)
    published = np.array([(p["before"] - p["after"]) / p["before"] for p in PILOTS])
    split = np.array([p["split"] for p in PILOTS])
    if args.rows:
        for p, e, r in zip(PILOTS, expected, published, strict=True):
            print(
                f"{p['split']:<8} {p['town']:<6} {p['tool']:<11} expected {e:7.1%}  published {r:7.1%}  {p['name']}"
            )
    print(f"{'part':<8} {'rows':>4} {'rho':>6} {'pairs right':>12}")
    for part, mask in (("tune", split == "tune"), ("holdout", split == "holdout"), ("all", split == split)):
        share, n = pairs_right(expected[mask], published[mask])
        rho = spearman(expected[mask], published[mask])
        print(f"{part:<8} {int(mask.sum()):>4} {rho:6.2f} {share:7.0%} of {n:<3}")


if __name__ == "__main__":
    main()
