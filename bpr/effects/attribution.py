"""How much of the fall in overtime the automations explain: difference-in-differences.

Overtime falls for many reasons (働き方改革, fewer elections, a mild tax season), and a
plain before/after in the 課 that got a robot credits all of it to the robot. Here the
課 with a production automation are compared month by month with those without: a
two-way fixed-effects regression of per-staff monthly overtime on the treatment
indicator (1 from the go-live month on), with a fixed effect per 課 (its usual level)
and per calendar month (everything that moved all 課 that month: the trend, the March
and April peaks, an election). Each 課-month counts once, so the estimate is the
average per-staff effect over the treated 課, whatever their size.

Controls: 課 never treated within the panel (no automation, or a go-live after its last
month). Periods of later adopters before their go-live also enter the regression, but
only never-treated 課 count towards `min_control`, because they alone pin the month
effects down after everyone else has adopted. A treated 課 with no month before its
go-live cannot show a change and is left out. With a constant effect the estimator is
unbiased; an effect growing over time under staggered go-lives would bias it
(Goodman-Bacon 2021), which is one more reason to keep enough never-treated 課.

The 95% interval comes from a cluster bootstrap: 課 are resampled with replacement,
treated and control 課 separately so every replicate keeps both groups (a draw with
no control would have no answer). A 課 drawn k times enters as k distinct 課, which
for this estimator is the same as weighting it by k: that lets all replicates be
solved at once, exactly, for balanced and unbalanced panels alike (see `_twfe`).
Resampling n 課 reproduces only (n−1)/n of their variance, so the replicates are
stretched about the estimate by √(n/(n−1)) of the smaller group: the bootstrap
variance Σ_g (1 − 1/n_g)·V_g is then at least Σ_g V_g. Percentile interval of the
stretched replicates. With one 課 in a group there is no spread to resample: no
interval. With few treated 課 (< 5) the interval is still too narrow, and the note
says so.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import BaseModel, ConfigDict

from bpr.effects.kpi import prepare_panel
from bpr.errors import EffectsError

FloatArray = npt.NDArray[np.float64]
Treated = Mapping[str, tuple[int, int]] | pd.DataFrame
_CHUNK = 250  # bootstrap replicates solved per batch: bounds memory at B×T×T floats


class DidResult(BaseModel):
    """The DiD estimate in hours per staff per month (negative = less overtime).

    `estimate` and its interval are None when the panel cannot support an estimate;
    `note` then says why, in Japanese. `annual_hours*` scale the per-staff figures to
    the treated 課 for a year (× their current headcount × 12): a rough size for the
    report, not a second estimate. `naive_before_after` is the mean over treated 課 of
    (mean after go-live − mean before), with no control group.
    """

    model_config = ConfigDict(frozen=True)

    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    naive_before_after: float | None
    annual_hours: float | None
    annual_hours_ci_low: float | None
    annual_hours_ci_high: float | None
    treated_headcount: float
    n_treated: int
    n_control: int
    n_months: int
    n_obs: int
    n_boot: int
    n_boot_used: int
    seed: int
    treated_departments: tuple[str, ...]
    control_departments: tuple[str, ...]
    excluded_departments: tuple[str, ...]
    note: str


def go_live_periods(treated: Treated) -> dict[str, int]:
    """Return department → go-live period (year × 12 + month − 1), the earliest per 課.

    A DataFrame needs columns department, go_live_year, go_live_month (one row per
    production automation; a 課 served by several counts from the first).
    """
    if isinstance(treated, pd.DataFrame):
        need = ["department", "go_live_year", "go_live_month"]
        if any(c not in treated.columns for c in need):
            raise EffectsError("導入課の表には department, go_live_year, go_live_month の列が必要です。")
        items = [(str(d), (int(y), int(m))) for d, y, m in treated[need].itertuples(index=False)]
    else:
        items = [(str(d), (int(ym[0]), int(ym[1]))) for d, ym in treated.items()]
    out: dict[str, int] = {}
    for dept, (year, month) in items:
        if not 1 <= month <= 12:
            raise EffectsError(f"{dept} の本格導入月が正しくありません（{year}年{month}月）。")
        period = year * 12 + month - 1
        out[dept] = min(period, out.get(dept, period))
    return out


def _twfe(y: FloatArray, d: FloatArray, m: FloatArray, w: FloatArray) -> FloatArray:
    """Solve the TWFE coefficient of d for each row of department weights w (B × N).

    y, d, m are N × T (outcome, treatment, observed mask; zeros where unobserved).
    Frisch–Waugh–Lovell: absorb 課 effects by demeaning within 課 (Q_i), then month
    effects by a T × T system per replicate, A g = b with A = Σ w_i Q_i; β = (d'Qy −
    g'b_y)/(d'Qd − g'b_d). A is singular along "all months up by c" (the 課 effects
    absorb it) and in months no drawn 課 observed; adding u u' for the first and 1 on
    the diagonal for the second makes it regular without changing β.
    """
    n_dept, n_t = m.shape
    n_obs = m.sum(axis=1)
    yc = m * (y - (y * m).sum(axis=1, keepdims=True) / n_obs[:, None])
    dc = m * (d - (d * m).sum(axis=1, keepdims=True) / n_obs[:, None])
    eye = np.eye(n_t)
    q = (m[:, :, None] * eye - m[:, :, None] * m[:, None, :] / n_obs[:, None, None]).reshape(n_dept, -1)
    dqd, dqy = (dc * d).sum(axis=1), (dc * y).sum(axis=1)
    out = np.empty(len(w))
    for start in range(0, len(w), _CHUNK):
        wc = w[start : start + _CHUNK]
        a = (wc @ q).reshape(len(wc), n_t, n_t)
        bd, by = wc @ dc, wc @ yc
        used = ((wc @ m) > 0).astype(float)
        scale = np.trace(a, axis1=1, axis2=2)[:, None, None] / n_t
        a = a + scale * used[:, :, None] * used[:, None, :] + eye * (1.0 - used)[:, :, None]
        try:
            g = np.linalg.solve(a, bd[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:  # disconnected panels: least squares still gives β
            g = (np.linalg.pinv(a) @ bd[:, :, None])[:, :, 0]
        denom = wc @ dqd - (g * bd).sum(axis=1)
        num = wc @ dqy - (g * by).sum(axis=1)
        ok = denom > 1e-9 * np.maximum(wc @ dqd, 1e-300)
        out[start : start + len(wc)] = np.where(ok, num / np.where(ok, denom, 1.0), np.nan)
    return out


def _bootstrap_weights(treated: int, control: int, n_boot: int, seed: int) -> FloatArray:
    """Counts of each 課 in n_boot stratified resamples (treated first, then control)."""
    rng = np.random.default_rng(seed)
    parts = []
    for size in (treated, control):
        draws = rng.integers(0, size, size=(n_boot, size)) + size * np.arange(n_boot)[:, None]
        parts.append(np.bincount(draws.ravel(), minlength=n_boot * size).reshape(n_boot, size))
    return np.hstack(parts).astype(float)


def _signed(x: float) -> str:
    return f"{abs(x):.1f}時間{'減' if x < 0 else '増'}"


def _no_estimate(note: str, **counts: int | tuple[str, ...]) -> DidResult:
    empty = ("estimate", "ci_low", "ci_high", "naive_before_after", "annual_hours")
    fields: dict[str, object] = dict.fromkeys((*empty, "annual_hours_ci_low", "annual_hours_ci_high"))
    return DidResult.model_validate(
        {**fields, "treated_headcount": 0.0, "n_boot_used": 0, **counts, "note": note}
    )


def _note(
    estimate: float,
    low: float | None,
    high: float | None,
    naive: float,
    heads: float,
    n_treated: int,
    n_control: int,
    n_boot: int,
) -> str:
    """Say the estimate, its interval and what the plain before/after got wrong, in Japanese."""
    interval = f"（95%区間: {_signed(low)}〜{_signed(high)}）" if low is not None and high is not None else ""
    note = (
        f"導入した{n_treated}課の職員1人当たり月の残業時間は、未導入の{n_control}課と比べて"
        f"{_signed(estimate)}と推定されます{interval}。"
        f"導入課全体で年間約{abs(estimate) * heads * 12:,.0f}時間{'の削減' if estimate < 0 else 'の増加'}に当たります。"
        f"導入前後を単純に比べると{_signed(naive)}で、推定との差{abs(naive - estimate):.1f}時間は、"
        "導入していない課にも起きた変化（全体の傾向・季節・選挙など）の分です。"
    )
    if low is None or high is None:
        return note + ("比べる課が1課だけのグループがあるため、区間は計算できません。" if n_boot > 0 else "")
    if low <= 0.0 <= high:
        note += "区間が0をまたぐため、導入の効果があったとは言い切れません。"
    if n_treated < 5:
        note += f"導入課が{n_treated}課と少ないため、区間は実際より狭く出ている可能性があります。"
    return note


def did(
    panel: pd.DataFrame,
    treated: Treated,
    *,
    n_boot: int = 1000,
    seed: int = 0,
    min_control: int = 3,
) -> DidResult:
    """Estimate the automations' effect on per-staff monthly overtime, with a 95% interval.

    Returns a result with estimate None and a Japanese note, rather than raising, when
    there is no treated 課 with months before and after go-live, or fewer than
    `min_control` never-treated 課: the report still shows the KPI and says why.
    """
    if n_boot < 0 or min_control < 1:
        raise ValueError("n_boot must be ≥ 0 and min_control ≥ 1")
    rows = prepare_panel(panel)
    go = go_live_periods(treated)
    span = rows.groupby("department")["period"].agg(["min", "max"])
    first = {str(k): int(v) for k, v in span["min"].items()}
    last = {str(k): int(v) for k, v in span["max"].items()}
    absent = tuple(sorted(d for d in go if d not in first))
    always = tuple(sorted(d for d in go if d in first and go[d] <= first[d]))
    treated_depts = tuple(sorted(d for d in go if d in first and first[d] < go[d] <= last[d]))
    control = tuple(sorted(d for d in first if d not in go or go[d] > last[d]))
    extra = ""
    if always:
        extra += f"導入前の月のデータがない課（{'、'.join(always)}）は推定から除きました。"
    if absent:
        extra += f"時間外勤務データにない導入課（{'、'.join(absent)}）は除きました。"
    counts: dict[str, int | tuple[str, ...]] = {
        "n_treated": len(treated_depts),
        "n_control": len(control),
        "n_months": int(rows["period"].nunique()),
        "n_obs": len(rows),
        "n_boot": n_boot,
        "seed": seed,
        "treated_departments": treated_depts,
        "control_departments": control,
        "excluded_departments": always + absent,
    }
    if not treated_depts:
        in_panel = [d for d in go if d in first]
        why = "本格導入した課がない"
        if in_panel and not always:
            why = "本格導入した課の導入後の月のデータがまだない"
        elif in_panel:
            why = "本格導入した課に導入前の月のデータがない"
        return _no_estimate(
            f"{why}ため、効果を推定できません（導入前と導入後の両方の月が必要です）。{extra}", **counts
        )
    if len(control) < min_control:
        have = f"{len(control)}課しかない" if control else "ない"
        return _no_estimate(
            f"比較対象となる未導入の課が{have}ため、効果を推定できません（{min_control}課以上必要）。{extra}",
            **counts,
        )

    sample = rows[rows["department"].isin(treated_depts + control)]
    depts = list(treated_depts + control)
    periods = np.sort(sample["period"].unique())
    i = pd.Categorical(sample["department"], categories=depts).codes
    t = np.searchsorted(periods, sample["period"].to_numpy())
    shape = (len(depts), len(periods))
    y, d, m = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    y[i, t] = sample["per_staff"].to_numpy()
    m[i, t] = 1.0
    go_t = np.array([np.searchsorted(periods, go[x]) for x in treated_depts] + [len(periods)] * len(control))
    d[:] = (np.arange(len(periods))[None, :] >= go_t[:, None]) * m

    estimate = float(_twfe(y, d, m, np.ones((1, len(depts))))[0])
    boot = (
        _twfe(y, d, m, _bootstrap_weights(len(treated_depts), len(control), n_boot, seed))
        if n_boot
        else np.empty(0)
    )
    boot = boot[np.isfinite(boot)]
    low: float | None = None
    high: float | None = None
    smallest = min(len(treated_depts), len(control))
    if len(boot) >= 2 and smallest >= 2:
        # A resample of n 課 has (n−1)/n of the spread the 課 really have; stretching by the
        # smallest group's factor keeps the interval from being too narrow (see module doc).
        stretched = estimate + np.sqrt(smallest / (smallest - 1)) * (boot - estimate)
        low, high = (float(q) for q in np.quantile(stretched, [0.025, 0.975]))

    k = len(treated_depts)
    post, pre = d[:k] * m[:k], (1.0 - d[:k]) * m[:k]
    naive = float(np.mean((y[:k] * post).sum(1) / post.sum(1) - (y[:k] * pre).sum(1) / pre.sum(1)))
    latest = sample.sort_values("period").groupby("department")["headcount"].last()
    heads = float(latest[list(treated_depts)].sum())

    note = _note(estimate, low, high, naive, heads, k, len(control), n_boot)

    def annual(x: float | None) -> float | None:
        return None if x is None else x * heads * 12.0

    return DidResult.model_validate(
        {
            **counts,
            "estimate": estimate,
            "ci_low": low,
            "ci_high": high,
            "naive_before_after": naive,
            "annual_hours": annual(estimate),
            "annual_hours_ci_low": annual(low),
            "annual_hours_ci_high": annual(high),
            "treated_headcount": heads,
            "n_boot_used": len(boot),
            "note": note + extra,
        }
    )
