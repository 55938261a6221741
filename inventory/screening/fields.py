"""What the screening workbook (二次調査票) asks and shows, named once.

The attributes are the survey's own columns (`inventory.survey.schema`): the same
headers, dropdown choices and accepted spellings, so a returned screening reads with
the survey's normalisers.
"""

from __future__ import annotations

from collections.abc import Mapping

from inventory.survey.schema import COLUMNS_BY_FIELD, Column
from inventory.survey.volume import SUITABILITY_FIELDS

SCREENING_SHEET = "二次調査票"  # the sheet that marks a workbook as a screening (never renamed)
GUIDE_SHEET = "記入方法"
TITLE = "二次調査票（RPA・AI-OCR 適性の確認）"

# The suitability attributes, in the survey's order: the sheet asks every one of them.
ATTRIBUTE_FIELDS: tuple[str, ...] = SUITABILITY_FIELDS
# A task needs screening when one of these is unknown: the attributes a score assumes neutral
# (属性未確認, bpr.scoring.labels.SCORED_ATTRIBUTES). 繁忙月 is asked but no score reads it.
SCORED_FIELDS: tuple[str, ...] = tuple(f for f in ATTRIBUTE_FIELDS if f != "peak_months")
ATTRIBUTES: tuple[Column, ...] = tuple(COLUMNS_BY_FIELD[f] for f in ATTRIBUTE_FIELDS)
KEY_FIELDS = ("task_code", "name")  # how a returned row finds its task

# Shown for reference, never read back: a volume is corrected through the 業務量調査票.
REFERENCE_HEADERS: dict[str, str] = {
    "section": "係",
    "annual_volume": "（参考）年間件数",
    "minutes_per_case": "（参考）1件当たり処理時間（分）",
    "annual_hours": "（参考）年間時間",
    "missing": "（参考）未確認の項目",
}


def missing_attributes(task: Mapping[str, object]) -> list[str]:
    """The scored attribute fields a task has no answer for (属性未確認), in the sheet's order."""
    return [f for f in SCORED_FIELDS if task.get(f) in (None, "", [])]
