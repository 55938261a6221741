"""Minimum data (issue 13): what a task must give, and which attributes may wait for screening.

A task needs a name, a 課, a 年度 and one volume: 年間件数 × 1件当たり処理時間, or
年間時間 stated directly (a layout converts 人工, 人日, 人月 to hours). Most municipal
surveys ask volumes only; the suitability attributes come later, from screening.
"""

from __future__ import annotations

from inventory.survey.schema import REQUIRED_HEADER_FIELDS

HOURS_FIELD = "annual_hours"
HOURS_INSTEAD: tuple[str, ...] = ("annual_volume", "minutes_per_case")  # 年間時間 stands in for both

# The suitability attributes: optional in a survey (most municipal surveys ask volumes only),
# completed later by screening. A blank is stored as unknown (NULL), never invented.
SUITABILITY_FIELDS: tuple[str, ...] = (
    "routine", "judgement", "input_medium", "form_count", "system_count", "documented", "verification",
    "exceptions", "peak_months", "change_expected", "abolition_planned", "scope",
)  # fmt: skip


def missing_required(given: set[str]) -> list[str]:
    """The required fields not among `given`; 年間時間 stands in for 年間件数 and 処理時間."""
    excused = set(HOURS_INSTEAD) if HOURS_FIELD in given else set()
    return [f for f in REQUIRED_HEADER_FIELDS if f not in given and f not in excused]
