"""The two-way fixed-effects estimator behind `bpr.effects.attribution`, for many weightings at once.

A 課 drawn k times by the cluster bootstrap enters as weight k, so every replicate is
the same regression with other department weights, and all are solved together.
Pure numpy, no I/O.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
_CHUNK = 250  # bootstrap replicates solved per batch: bounds memory at B×T×T floats


def twfe(y: FloatArray, d: FloatArray, m: FloatArray, w: FloatArray) -> FloatArray:
    """Solve the TWFE coefficient of d for each row of department weights w (B × N).

    y, d, m are N × T (outcome, treatment, observed mask; zeros where unobserved). A
    balanced panel (every 課 every month, the usual case) has a closed form
    (`balanced_twfe`); any other goes through the general solve (`general_twfe`).
    """
    return balanced_twfe(y, d, w) if m.all() else general_twfe(y, d, m, w)


def balanced_twfe(y: FloatArray, d: FloatArray, w: FloatArray) -> FloatArray:
    """The TWFE coefficient when every 課 observes every month: no T × T system to solve.

    With weights constant within a 課, the 課 and month effects of a balanced panel are
    orthogonal, so d is residualised by demeaning within 課 and then subtracting the
    replicate's weighted month means of that: d̈ = d_c − (w d_c)_t / Σw, and β = Σ w d̈ y /
    Σ w d̈ d. O(B × N × T) instead of B solves of T × T (the demo's 30 課 × 48 months × 1,000
    replicates: 46 ms → 0.3 ms); `general_twfe` gives the same β (tests/bpr/test_effects.py).
    """
    dc = d - d.mean(axis=1, keepdims=True)
    total = w.sum(axis=1)
    month_d = w @ dc  # B × T: Σ_i w_i d_c,it, the weighted month means times Σw
    dqd = w @ (dc * d).sum(axis=1)
    denom = dqd - (month_d * (w @ d)).sum(axis=1) / total
    num = w @ (dc * y).sum(axis=1) - (month_d * (w @ y)).sum(axis=1) / total
    ok = denom > 1e-9 * np.maximum(dqd, 1e-300)
    return np.where(ok, num / np.where(ok, denom, 1.0), np.nan)


def general_twfe(y: FloatArray, d: FloatArray, m: FloatArray, w: FloatArray) -> FloatArray:
    """The TWFE coefficient for any panel, balanced or not (see `twfe`).

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


def bootstrap_weights(treated: int, control: int, n_boot: int, seed: int) -> FloatArray:
    """Counts of each 課 in n_boot stratified resamples (treated first, then control)."""
    rng = np.random.default_rng(seed)
    parts = []
    for size in (treated, control):
        draws = rng.integers(0, size, size=(n_boot, size)) + size * np.arange(n_boot)[:, None]
        parts.append(np.bincount(draws.ravel(), minlength=n_boot * size).reshape(n_boot, size))
    return np.hstack(parts).astype(float)
