"""Pydantic models at the edges of survey intake: the parsed survey, its tasks, task output."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class TaskIn(BaseModel):
    """One normalised task row, ready to store."""

    model_config = ConfigDict(frozen=True)

    source_row: int
    division: str | None = None
    section: str | None = None
    task_code: str | None = None
    name: str
    category_1: str | None = None
    category_2: str | None = None
    category_3: str | None = None
    scope: str | None = None
    routine: str
    judgement: str
    input_medium: str
    form_count: int | None = None
    system_count: int | None = None
    annual_volume: float
    minutes_per_case: float
    staff_count: float | None = None
    peak_months: list[int] | None = None
    documented: bool | None = None
    verification: str | None = None
    check_minutes: float | None = None
    automatable_share: float | None = None
    exceptions: str | None = None
    change_expected: bool | None = None
    abolition_planned: bool | None = None
    notes: str | None = None
    warnings: list[str] = Field(default_factory=list)

    @property
    def annual_hours(self) -> float:
        """Annual hours = annual cases × minutes per case / 60."""
        return self.annual_volume * self.minutes_per_case / 60


class SurveyIn(BaseModel):
    """A whole survey file, read and validated: what one transaction stores."""

    file_name: str
    content_hash: str
    file_format: str
    sheet: str | None
    fiscal_year: int
    department: str
    division: str | None = None
    respondent: str | None = None
    answered_on: date | None = None
    tasks: list[TaskIn]


class TaskOut(BaseModel):
    """A stored task as `dxi tasks --format json` prints it."""

    id: int
    fiscal_year: int
    department: str
    division: str | None
    section: str | None
    task_code: str | None
    name: str
    category_1: str | None
    category_2: str | None
    category_3: str | None
    scope: str | None
    routine: str
    judgement: str
    input_medium: str
    form_count: int | None
    system_count: int | None
    annual_volume: float
    minutes_per_case: float
    annual_hours: float
    staff_count: float | None
    peak_months: list[int] | None
    documented: bool | None
    verification: str | None
    check_minutes: float | None = None
    automatable_share: float | None = None
    exceptions: str | None
    change_expected: bool | None
    abolition_planned: bool | None
    notes: str | None
    warnings: list[str]
    submission_id: int
    received_at: datetime
