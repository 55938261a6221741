"""The automatable share of each task: the survey's figure, else the default of its kind of work.

Why by kind of work: published pilots that saved 30–60% instead of 80–99% were tasks
where part of the work was judgement, reshaping data or talking to residents
(射水市 施設稼働状況「加工し、集計」31.8%, 目黒区 研修評価シート 自由記述の整理 3 割),
and the survey names that part in the task's name, categories or notes. The lowest
share among the kinds named applies; the explanation shows it as an assumption.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from bpr.scoring.config import ScoringConfig
from bpr.scoring.factors import ObjArray
from bpr.scoring.inputs import FloatArray, TaskArrays

DEFAULT_LABEL = "既定値"


def automatable_share(a: TaskArrays, cfg: ScoringConfig) -> tuple[FloatArray, ObjArray]:
    """Return (share, source) per task; source is None when the survey gave the share."""
    c = cfg.automatable
    text = pd.Series(a.text, dtype=object).fillna("").astype(str)
    share = np.full(a.n, c.default)
    source = np.full(a.n, DEFAULT_LABEL, dtype=object)
    # Highest share first, so a lower one named in the same text overwrites it.
    for kind in sorted(c.kinds, key=lambda k: -k.share):
        pattern = "|".join(re.escape(w) for w in kind.words)
        hit = text.str.contains(pattern, regex=True).to_numpy(dtype=bool)
        lower = hit & ((source == DEFAULT_LABEL) | (kind.share <= share))
        share = np.where(lower, kind.share, share)
        source = np.where(lower, kind.label, source)
    given = ~np.isnan(a.share)
    out: ObjArray = source.astype(object)
    out[given] = None
    return np.where(given, np.clip(np.nan_to_num(a.share), 0.0, 1.0), share), out
