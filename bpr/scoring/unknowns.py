"""Which suitability attributes a score had to assume (属性未確認).

Most municipal surveys give volumes only; 定型性, 判断の有無, 入力媒体 and the rest come
later, from screening. Until then each unknown attribute is scored neutral (the
factors' unknown level, default_scoring.toml `unknown_level`), and every score and
ranking row names the attributes it assumed, so nobody reads a provisional estimate
as a surveyed one.
"""

from __future__ import annotations

import numpy as np

from bpr.scoring.inputs import TaskArrays
from bpr.scoring.labels import ATTRIBUTE_LABELS, SCORED_ATTRIBUTES


def missing_attributes(a: TaskArrays) -> list[list[str]]:
    """Per task, the Japanese labels of the attributes that are unknown (blank or unreadable)."""
    unknown = {
        "scope": a.scope < 0,
        "routine": a.routine < 0,
        "judgement": a.judgement < 0,
        "input_medium": a.input_medium < 0,
        "form_count": np.isnan(a.forms),
        "system_count": np.isnan(a.systems),
        "documented": a.documented < 0,
        "verification": a.verification < 0,
        "exceptions": a.exceptions < 0,
        "change_expected": a.change_expected < 0,
        "abolition_planned": a.abolition_planned < 0,
    }
    columns = [np.where(unknown[f], ATTRIBUTE_LABELS[f], "").tolist() for f in SCORED_ATTRIBUTES]
    return [[label for label in row if label] for row in zip(*columns, strict=True)]


def assumed_sentence(labels: list[str]) -> str:
    """The explanation's part: the estimate assumes neutral values for these attributes."""
    if not labels:
        return ""
    return f"属性未確認（{'・'.join(labels)}）: 中立の値を仮定した見込みです"
