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
solved at once, exactly, for balanced and unbalanced panels alike (see `bpr.effects.twfe`).
Resampling n 課 reproduces only (n−1)/n of their variance, so the replicates are
stretched about the estimate by √(n/(n−1)) of the smaller group: the bootstrap
variance Σ_g (1 − 1/n_g)·V_g is then at least Σ_g V_g. Percentile interval of the
stretched replicates. With one 課 in a group there is no spread to resample: no
interval. With few treated 課 (< 5) the interval is still too narrow, and the note
says so.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel, ConfigDict

from bpr.effects.groups import Groups, Treated, go_live_periods
from bpr.effects.panel import Panel, PanelInput, prepare_panel
from bpr.effects.twfe import FloatArray, bootstrap_weights, twfe


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
    interval = f"（95%区間：{_signed(low)}〜{_signed(high)}）" if low is not None and high is not None else ""
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
    panel: PanelInput,
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
    groups = Groups.of(rows, go)
    counts: dict[str, int | tuple[str, ...]] = {
        "n_treated": len(groups.treated),
        "n_control": len(groups.control),
        "n_months": len(np.unique(rows.period)),
        "n_obs": len(rows),
        "n_boot": n_boot,
        "seed": seed,
        "treated_departments": groups.treated,
        "control_departments": groups.control,
        "excluded_departments": groups.always + groups.absent,
    }
    why = groups.refusal(go, min_control)
    if why is not None:
        return _no_estimate(why + groups.excluded_note(), **counts)
    return _estimate(rows, go, groups, n_boot, seed, counts)


def _estimate(
    rows: Panel,
    go: dict[str, int],
    groups: Groups,
    n_boot: int,
    seed: int,
    counts: dict[str, int | tuple[str, ...]],
) -> DidResult:
    """Solve the regression and its bootstrap, and size the effect for the treated 課."""
    treated_depts, control = groups.treated, groups.control
    sample = rows.where(np.isin(rows.department, treated_depts + control))
    y, d, m = _matrices(sample, go, treated_depts, control)
    estimate = float(twfe(y, d, m, np.ones((1, len(treated_depts) + len(control))))[0])
    boot = (
        twfe(y, d, m, bootstrap_weights(len(treated_depts), len(control), n_boot, seed))
        if n_boot
        else np.empty(0)
    )
    boot = boot[np.isfinite(boot)]
    low, high = _interval(estimate, boot, min(len(treated_depts), len(control)))

    k = len(treated_depts)
    post, pre = d[:k] * m[:k], (1.0 - d[:k]) * m[:k]
    naive = float(np.mean((y[:k] * post).sum(1) / post.sum(1) - (y[:k] * pre).sum(1) / pre.sum(1)))
    heads = float(sum(_latest_headcount(sample, dept) for dept in treated_depts))

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
            "note": note + groups.excluded_note(),
        }
    )


def _latest_headcount(rows: Panel, dept: str) -> float:
    """The 課's headcount in its latest month."""
    mine = rows.department == dept
    return float(rows.headcount[mine][np.argmax(rows.period[mine])])


def _matrices(
    sample: Panel, go: dict[str, int], treated_depts: tuple[str, ...], control: tuple[str, ...]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Outcome, treatment and observed mask as 課 × month matrices, treated 課 first."""
    depts = {dept: k for k, dept in enumerate(treated_depts + control)}
    periods = np.unique(sample.period)
    i = np.array([depts[dept] for dept in sample.department.tolist()], dtype=np.int64)
    t = np.searchsorted(periods, sample.period)
    shape = (len(depts), len(periods))
    y, d, m = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    y[i, t] = sample.per_staff
    m[i, t] = 1.0
    go_t = np.array([np.searchsorted(periods, go[x]) for x in treated_depts] + [len(periods)] * len(control))
    d[:] = (np.arange(len(periods))[None, :] >= go_t[:, None]) * m
    return y, d, m


def _interval(estimate: float, boot: FloatArray, smallest: int) -> tuple[float | None, float | None]:
    """The 95% percentile interval of the stretched replicates; none without spread to resample."""
    if len(boot) < 2 or smallest < 2:
        return None, None
    # A resample of n 課 has (n−1)/n of the spread the 課 really have; stretching by the
    # smallest group's factor keeps the interval from being too narrow (see module doc).
    stretched = estimate + np.sqrt(smallest / (smallest - 1)) * (boot - estimate)
    low, high = (float(q) for q in np.quantile(stretched, [0.025, 0.975]))
    return low, high
