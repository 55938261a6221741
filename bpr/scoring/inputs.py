"""Read a task DataFrame once into plain numpy arrays the scoring maths can use.

Why codes: every categorical field becomes an int code into its canonical choices
(schema.py) with -1 for unknown, so a level or note table indexed by the code gives
the per-row value in one vectorised step, and index -1 lands on the table's last
entry, the 'unknown' one. Unknown covers None, NaN and spellings that are not
canonical: the scores treat them as neutral and say so, they never crash.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from bpr.errors import InputError
from inventory.survey.schema import EXCEPTIONS, INPUT_MEDIUM, JUDGEMENT, ROUTINE, SCOPE, VERIFICATION

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Indexes into the canonical tuples, named so the maths reads as the domain does.
ELECTRONIC, PRINTED, HANDWRITTEN, MIXED = range(4)  # INPUT_MEDIUM
TEIKEI, PARTLY_TEIKEI, HITEIKEI = range(3)  # ROUTINE
NO_JUDGEMENT, SOME_JUDGEMENT, JUDGEMENT_YES = range(3)  # JUDGEMENT
MANAGEMENT, WHOLE_OFFICE, OWN_DEPARTMENT = range(3)  # SCOPE
REQUIRED, PARTIAL, NOT_NEEDED = range(3)  # VERIFICATION
MANY, SOMETIMES, FEW = range(3)  # EXCEPTIONS
TRUE, FALSE, UNKNOWN = 0, 1, -1  # bool fields

REQUIRED_COLUMNS = ("task_id",)
# One volume is needed: annual cases × minutes per case, or annual hours.
VOLUME_COLUMNS = ("annual_volume", "minutes_per_case")


@dataclass(frozen=True)
class TaskArrays:
    """One task table as arrays: codes for categories (-1 unknown), floats with NaN unknown."""

    task_id: IntArray
    routine: IntArray
    judgement: IntArray
    input_medium: IntArray
    scope: IntArray
    verification: IntArray
    exceptions: IntArray
    documented: IntArray
    change_expected: IntArray
    abolition_planned: IntArray
    volume: FloatArray
    minutes: FloatArray
    hours: FloatArray
    hours_after: FloatArray  # NaN unless the work is already automated
    forms: FloatArray
    systems: FloatArray
    share: FloatArray  # 自動化できる割合 0–1, NaN unknown
    check_minutes: FloatArray  # 目視確認時間 (minutes per case), NaN unknown
    text: npt.NDArray[np.object_]  # name, categories and notes: what the kind of work is read from

    @property
    def n(self) -> int:
        return len(self.task_id)


def _codes(tasks: pd.DataFrame, column: str, choices: tuple[str, ...]) -> IntArray:
    if column not in tasks:
        return np.full(len(tasks), -1, dtype=np.int64)
    values = tasks[column].astype(object)
    return np.asarray(pd.Categorical(values, categories=list(choices)).codes, dtype=np.int64)


def _bool_codes(tasks: pd.DataFrame, column: str) -> IntArray:
    if column not in tasks:
        return np.full(len(tasks), UNKNOWN, dtype=np.int64)
    try:
        values = tasks[column].astype("boolean").to_numpy(dtype=float, na_value=np.nan)
    except (TypeError, ValueError):
        raise InputError(f"列 {column} は真偽値（True/False/空欄）でなければなりません") from None
    return np.where(np.isnan(values), UNKNOWN, np.where(values == 1.0, TRUE, FALSE)).astype(np.int64)


def _floats(tasks: pd.DataFrame, column: str) -> FloatArray:
    if column not in tasks:
        return np.full(len(tasks), np.nan)
    numbers = pd.to_numeric(tasks[column], errors="coerce").astype("Float64")
    values = np.asarray(numbers.to_numpy(dtype=float, na_value=np.nan), dtype=np.float64)
    values[~np.isfinite(values) | (values < 0)] = np.nan
    return values


def _text(tasks: pd.DataFrame) -> npt.NDArray[np.object_]:
    joined = pd.Series("", index=tasks.index, dtype=object)
    for column in ("name", "category_1", "category_2", "category_3", "notes"):
        if column in tasks:
            joined = joined + " " + tasks[column].astype(object).where(tasks[column].notna(), "").astype(str)
    return np.asarray(joined.to_numpy(dtype=object), dtype=object)


def check_columns(frame: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    """Raise InputError listing every missing column, and on duplicate task ids."""
    missing = [c for c in columns if c not in frame]
    if missing:
        raise InputError(f"{what}に必要な列がありません: {', '.join(missing)}")
    if "task_id" in frame and frame["task_id"].duplicated().any():
        dup = frame.loc[frame["task_id"].duplicated(), "task_id"].head(5).tolist()
        raise InputError(f"{what}の task_id が重複しています: {dup}")


def task_arrays(tasks: pd.DataFrame) -> TaskArrays:
    """Read the columns the scores need; optional columns may be absent (= all unknown)."""
    check_columns(tasks, REQUIRED_COLUMNS, "業務一覧")
    if "annual_hours" not in tasks:
        missing = [c for c in VOLUME_COLUMNS if c not in tasks]
        if missing:
            raise InputError(f"業務一覧に必要な列がありません: {', '.join(missing)}（または annual_hours）")
    try:
        task_id = tasks["task_id"].to_numpy(dtype=np.int64)
    except (TypeError, ValueError):
        raise InputError("task_id は空欄のない整数でなければなりません") from None
    volume = _floats(tasks, "annual_volume")
    minutes = _floats(tasks, "minutes_per_case")
    hours = _floats(tasks, "annual_hours")
    # annual_hours is derived; recompute it where the caller left it blank.
    hours = np.where(np.isnan(hours), volume * minutes / 60.0, hours)
    return TaskArrays(
        task_id=task_id,
        routine=_codes(tasks, "routine", ROUTINE),
        judgement=_codes(tasks, "judgement", JUDGEMENT),
        input_medium=_codes(tasks, "input_medium", INPUT_MEDIUM),
        scope=_codes(tasks, "scope", SCOPE),
        verification=_codes(tasks, "verification", VERIFICATION),
        exceptions=_codes(tasks, "exceptions", EXCEPTIONS),
        documented=_bool_codes(tasks, "documented"),
        change_expected=_bool_codes(tasks, "change_expected"),
        abolition_planned=_bool_codes(tasks, "abolition_planned"),
        volume=volume,
        minutes=minutes,
        hours=hours,
        hours_after=_floats(tasks, "hours_after"),
        forms=_floats(tasks, "form_count"),
        systems=_floats(tasks, "system_count"),
        share=_floats(tasks, "automatable_share"),
        check_minutes=_floats(tasks, "check_minutes"),
        text=_text(tasks),
    )
