"""Synthetic monthly overtime panels with a known robot effect, for tests, bench and demo.

Why synthetic: whether the effect estimate is right can only be checked where the
truth is known. The panel has what makes the plain before/after wrong in real data:
a common downward trend (働き方改革), seasonal peaks in March and April (年度末, 人事異動,
申告), month shocks shared by all 課 (an election), 課 levels that differ (税務課 works
more than 会計課), headcounts of 5–60 drifting at each April's 人事異動, and noise that
persists for a few months within a 課. Busier 課 are more likely to get a robot, as in
practice; the DiD absorbs that through the 課 effect, a cross-section would not.

Per staff per month, in hours (national average ≈ 13):

    level_i × season(month) + trend × years since start + shock_t + ar_i,t + effect × treated

clipped to 0–45 (the monthly cap), × headcount, rounded to 0.1 h.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Multiplicative month profile, April … March, mean 1: peaks in April and March.
SEASON = np.array([1.30, 1.05, 0.95, 0.90, 0.80, 0.90, 0.95, 0.90, 0.95, 1.00, 1.05, 1.40])
SEASON = SEASON / SEASON.mean()

NAMES = (
    "総務課",
    "企画財政課",
    "税務課",
    "住民課",
    "福祉課",
    "子育て支援課",
    "健康推進課",
    "環境課",
    "農林振興課",
    "商工観光課",
    "建設課",
    "都市計画課",
    "上下水道課",
    "会計課",
    "教育総務課",
    "学校教育課",
    "生涯学習課",
    "議会事務局",
    "選挙管理委員会事務局",
    "防災安全課",
    "地域振興課",
    "保険年金課",
    "介護保険課",
    "情報政策課",
)


def department_names(count: int) -> list[str]:
    """Return `count` distinct 課 names: the list above, then numbered copies (総務第2課)."""
    names = list(NAMES[:count])
    k = 2
    while len(names) < count:
        names += [f"{n[:-1]}第{k}{n[-1]}" for n in NAMES[: count - len(names)]]
        k += 1
    return names


def make_panel(
    *,
    departments: int = 30,
    years: int = 4,
    start_fy: int = 2022,
    treated_share: float = 0.4,
    effect: float = -3.0,
    trend: float = -0.8,
    noise: float = 1.0,
    missing_share: float = 0.0,
    seed: int = 0,
) -> tuple[pd.DataFrame, dict[str, tuple[int, int]]]:
    """Return (panel, go-live by 課) for `years` fiscal years from April of `start_fy`.

    Args:
        effect: change in overtime per staff per month from go-live on (hours).
        trend: common change per staff per year (hours), in every 課.
        noise: standard deviation of the 課-month noise (hours per staff).
        missing_share: share of 課-months dropped at random, for unbalanced panels.

    Go-lives are staggered over the later part of the panel (from its second third
    until six months before the end), so every treated 課 has months on both sides.
    """
    if years < 2 or departments < 2:
        raise ValueError("make_panel needs at least 2 years and 2 departments")
    rng = np.random.default_rng(seed)
    n_t = 12 * years
    names = department_names(departments)
    level = np.clip(14.0 * np.exp(rng.normal(0.0, 0.2, departments)), 10.0, 24.0)
    heads0 = np.clip(np.round(np.exp(rng.uniform(np.log(5), np.log(60), departments))), 5, 60)

    n_treated = round(treated_share * departments)
    weights = level / level.sum()
    treated_idx = np.sort(rng.choice(departments, size=n_treated, replace=False, p=weights))
    go_t = np.full(departments, n_t)  # never within the panel
    go_t[treated_idx] = rng.integers(max(1, n_t // 3), n_t - 6 + 1, size=n_treated)

    t = np.arange(n_t)
    shock = rng.normal(0.0, 0.5, n_t)  # elections, a heavy tax season: every 課 at once
    ar = np.zeros((departments, n_t))
    innov = rng.normal(0.0, noise * np.sqrt(1 - 0.5**2), (departments, n_t))
    ar[:, 0] = rng.normal(0.0, noise, departments)
    for k in range(1, n_t):
        ar[:, k] = 0.5 * ar[:, k - 1] + innov[:, k]
    treated = t[None, :] >= go_t[:, None]
    per_staff = level[:, None] * SEASON[t % 12][None, :] + trend * t[None, :] / 12 + shock[None, :] + ar
    per_staff = np.clip(per_staff + effect * treated, 0.0, 45.0)

    # 人事異動 in April: each 課 gains or loses up to 2 staff, within 5–60.
    steps = rng.integers(-2, 3, size=(departments, years))
    steps[:, 0] = 0
    heads_by_year = np.clip(heads0[:, None] + np.cumsum(steps, axis=1), 5, 60)
    heads = np.repeat(heads_by_year, 12, axis=1)

    year = start_fy + (t + 3) // 12
    month = (t + 3) % 12 + 1
    panel = pd.DataFrame(
        {
            "department": np.repeat(names, n_t),
            "year": np.tile(year, departments).astype("int64"),
            "month": np.tile(month, departments).astype("int64"),
            "overtime_hours": np.round(per_staff * heads, 1).ravel(),
            "headcount": heads.ravel().astype("int64"),
        }
    )
    if missing_share > 0:
        panel = panel[rng.random(len(panel)) >= missing_share].reset_index(drop=True)
    go_live = {names[i]: (int(year[go_t[i]]), int(month[go_t[i]])) for i in treated_idx}
    return panel, go_live
