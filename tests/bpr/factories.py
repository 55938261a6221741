"""Tiny task-table factory: write only the fields a test is about."""

from __future__ import annotations

from typing import Any

import pandas as pd

DEFAULTS: dict[str, Any] = {
    "fiscal_year": 2024,
    "department": "総務課",
    "division": "総務部",
    "section": "庶務係",
    "name": "業務",
    "category_1": None,
    "category_2": None,
    "category_3": None,
    "scope": "各課固有",
    "routine": "定型",
    "judgement": "なし",
    "input_medium": "電子",
    "form_count": 1,
    "system_count": 1,
    "annual_volume": 1200.0,
    "minutes_per_case": 10.0,
    "staff_count": 1.0,
    "peak_months": None,
    "documented": True,
    "verification": "不要",
    "exceptions": "少ない",
    "change_expected": False,
    "abolition_planned": False,
}


def make_tasks(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Return a task table: DEFAULTS overridden per row, task_id 1.. unless given.

    annual_hours is derived (volume × minutes / 60) unless a row sets it.
    """
    records = []
    for number, row in enumerate(rows, start=1):
        record = {"task_id": number, **DEFAULTS, **row}
        if "annual_hours" not in row:
            volume, minutes = record["annual_volume"], record["minutes_per_case"]
            record["annual_hours"] = (
                None if volume is None or minutes is None else float(volume) * float(minutes) / 60.0
            )
        records.append(record)
    columns = list(dict.fromkeys(["task_id", *DEFAULTS, "annual_hours", *(k for r in records for k in r)]))
    frame = pd.DataFrame.from_records(records, columns=columns) if records else pd.DataFrame(columns=columns)
    for column in ("form_count", "system_count"):
        frame[column] = frame[column].astype("Int64")
    for column in ("documented", "change_expected", "abolition_planned"):
        frame[column] = frame[column].astype(object)
    return frame
