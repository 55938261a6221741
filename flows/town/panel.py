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

For the demo town the caller may also name the 課, their headcounts, the exact go-lives
(the pilots put into production) and a calendar of 課-specific busy months
(`town_calendar`: 確定申告 in 税務課, elections in 選挙管理委員会事務局).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

# 課 (or "*" for every 課) → (year, month) → hours per staff added that month.
Calendar = Mapping[str, Mapping[tuple[int, int], float]]
ALL_DEPARTMENTS = "*"

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
    names: Sequence[str] | None = None,
    go_live: Mapping[str, tuple[int, int]] | None = None,
    headcounts: Mapping[str, int] | None = None,
    calendar: Calendar | None = None,
) -> tuple[pd.DataFrame, dict[str, tuple[int, int]]]:
    """Return (panel, go-live by 課) for `years` fiscal years from April of `start_fy`.

    Args:
        effect: change in overtime per staff per month from go-live on (hours).
        trend: common change per staff per year (hours), in every 課.
        noise: standard deviation of the 課-month noise (hours per staff).
        missing_share: share of 課-months dropped at random, for unbalanced panels.
        names: the 課 (instead of `departments` generic names), e.g. a synthetic town's.
        go_live: plant the effect in exactly these 課 from these months (the demo's
            pilots in production); `treated_share` is then ignored.
        headcounts: April staff of the first year per 課 (default: 5–60 at random).
        calendar: per-staff hours added in given months (`town_calendar`).

    Without `go_live`, go-lives are staggered over the later part of the panel (from
    its second third until six months before the end), so every treated 課 has months
    on both sides.
    """
    departments = len(names) if names is not None else departments
    if years < 2 or departments < 2:
        raise ValueError("make_panel needs at least 2 years and 2 departments")
    rng = np.random.default_rng(seed)
    n_t = 12 * years
    names = list(names) if names is not None else department_names(departments)
    level = np.clip(14.0 * np.exp(rng.normal(0.0, 0.2, departments)), 10.0, 24.0)
    heads0 = np.clip(np.round(np.exp(rng.uniform(np.log(5), np.log(60), departments))), 5, 60)
    if headcounts is not None:
        heads0 = np.array([float(headcounts.get(n, h)) for n, h in zip(names, heads0, strict=True)])

    go_t = np.full(departments, n_t)  # never within the panel
    if go_live is None:
        n_treated = round(treated_share * departments)
        weights = level / level.sum()
        treated_idx = np.sort(rng.choice(departments, size=n_treated, replace=False, p=weights))
        go_t[treated_idx] = rng.integers(max(1, n_t // 3), n_t - 6 + 1, size=n_treated)
    else:
        if unknown := sorted(set(go_live) - set(names)):
            raise ValueError(f"go_live names 課 not in the panel: {unknown}")
        for name, (y, m) in go_live.items():
            go_t[names.index(name)] = min(n_t, max(0, (y - start_fy) * 12 + m - 4))
        treated_idx = np.flatnonzero(go_t < n_t)

    t = np.arange(n_t)
    shock = rng.normal(0.0, 0.5, n_t)  # elections, a heavy tax season: every 課 at once
    ar = np.zeros((departments, n_t))
    innov = rng.normal(0.0, noise * np.sqrt(1 - 0.5**2), (departments, n_t))
    ar[:, 0] = rng.normal(0.0, noise, departments)
    for k in range(1, n_t):
        ar[:, k] = 0.5 * ar[:, k - 1] + innov[:, k]
    treated = t[None, :] >= go_t[:, None]
    per_staff = level[:, None] * SEASON[t % 12][None, :] + trend * t[None, :] / 12 + shock[None, :] + ar
    if calendar:
        per_staff = per_staff + _calendar_matrix(calendar, names, start_fy, n_t)
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


def _calendar_matrix(calendar: Calendar, names: Sequence[str], start_fy: int, n_t: int) -> np.ndarray:
    out = np.zeros((len(names), n_t))
    for name, months in calendar.items():
        rows = (
            list(range(len(names)))
            if name == ALL_DEPARTMENTS
            else [i for i, n in enumerate(names) if n == name]
        )
        for (y, m), hours in months.items():
            k = (y - start_fy) * 12 + m - 4
            if 0 <= k < n_t:
                out[rows, k] += hours
    return out


# National elections (参院選 2022-07, 統一地方選 2023-04, 衆院選 2024-10, 参院選 2025-07):
# the 選管 works its hardest month and the month before; every 課 lends staff on the day.
ELECTIONS: tuple[tuple[int, int], ...] = ((2022, 7), (2023, 4), (2024, 10), (2025, 7))
# 課-specific busy months, hours per staff: 確定申告 and 当初課税, 年末調整 and 人事異動,
# 予算編成, 出納整理, 転入転出, 保育所の利用調整, ふるさと納税.
BUSY_MONTHS: dict[str, dict[int, float]] = {
    "税務課": {2: 6.0, 3: 8.0, 5: 3.0, 6: 5.0},
    "人事課": {12: 4.0, 3: 4.0, 4: 3.0},
    "財政課": {11: 4.0, 12: 6.0, 1: 6.0},
    "会計課": {4: 4.0, 5: 4.0},
    "市民課": {3: 5.0, 4: 6.0},
    "保育課": {1: 5.0, 2: 4.0},
    "商工観光課": {12: 6.0},
}
ELECTION_OFFICE = "選挙管理委員会事務局"


def town_calendar(
    names: Sequence[str], *, start_fy: int, years: int
) -> dict[str, dict[tuple[int, int], float]]:
    """The busy months of a town's 課 over the panel, for `make_panel(calendar=...)`.

    What a plain before/after gets wrong: a year with an election or a heavy tax season
    looks like a failed robot, a year without one like a success.
    """
    months = [(start_fy + (k + 3) // 12, (k + 3) % 12 + 1) for k in range(12 * years)]
    out: dict[str, dict[tuple[int, int], float]] = {}
    for name, busy in BUSY_MONTHS.items():
        if name in names:
            out[name] = {ym: busy[ym[1]] for ym in months if ym[1] in busy}
    elections = [e for e in ELECTIONS if e in months]
    out[ALL_DEPARTMENTS] = dict.fromkeys(elections, 1.5)
    if ELECTION_OFFICE in names:
        office: dict[tuple[int, int], float] = {}
        for y, m in elections:
            before = (y, m - 1) if m > 1 else (y - 1, 12)
            office[(y, m)] = 20.0
            office[before] = office.get(before, 0.0) + 8.0
        out[ELECTION_OFFICE] = office
    return out
