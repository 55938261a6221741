"""The small-cell rule: a dept user never sees the overtime of a 課 with fewer staff than the threshold.

With two people in a 課, "the 課's overtime" is nearly each person's overtime:
personal data. The figure is hidden when any month of the period had fewer staff
than `settings.small_cell_threshold` (default 3); admin and reviewer see it.
"""

from __future__ import annotations

from dataclasses import dataclass

from inventory.db.web_status_repo import DepartmentOvertime


@dataclass(frozen=True)
class OvertimeCell:
    """A 課's overtime as shown to one viewer: figures are None when hidden."""

    department: str
    hours: float | None
    per_staff_monthly: float | None
    months: int
    hidden: bool


def overtime_for_viewer(
    rows: list[DepartmentOvertime], *, dept_viewer: bool, department: str | None, threshold: int
) -> list[OvertimeCell]:
    """Rows a viewer may see: a dept user only its own 課, hidden below the threshold."""
    out = []
    for r in rows:
        if dept_viewer and r.department != department:
            continue
        hidden = dept_viewer and r.min_headcount < threshold
        per_staff = r.hours / (r.mean_headcount * r.months) if r.mean_headcount and r.months else None
        out.append(OvertimeCell(r.department, None if hidden else r.hours, None if hidden else per_staff,
                                r.months, hidden))  # fmt: skip
    return out
