"""Pydantic models at the edges of survey intake: the parsed survey, its tasks, task output."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator


class TaskIn(BaseModel):
    """One normalised task row, ready to store.

    A task needs one volume: annual cases × minutes per case, or annual hours stated
    directly. A survey or layout gives the stated figure as `annual_hours` (人工 and the
    like already converted to hours); it is kept as `stated_hours`, and the property
    `annual_hours` is the task's hours whichever way they were given. `hours_after` with
    hours before marks work that is already automated.
    """

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
    routine: str | None = None
    judgement: str | None = None
    input_medium: str | None = None
    form_count: int | None = None
    system_count: int | None = None
    annual_volume: float | None = None
    minutes_per_case: float | None = None
    stated_hours: float | None = Field(
        default=None, validation_alias=AliasChoices("stated_hours", "annual_hours")
    )
    hours_after: float | None = None
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

    @model_validator(mode="after")
    def _has_volume(self) -> TaskIn:
        if self.stated_hours is None and (self.annual_volume is None or self.minutes_per_case is None):
            raise ValueError("a task needs annual_volume and minutes_per_case, or annual_hours")
        return self

    @property
    def annual_hours(self) -> float:
        """Annual hours: as stated, else annual cases × minutes per case / 60."""
        if self.stated_hours is not None:
            return self.stated_hours
        assert self.annual_volume is not None and self.minutes_per_case is not None  # _has_volume
        return self.annual_volume * self.minutes_per_case / 60

    @property
    def automated(self) -> bool:
        """Hours before and after are given: the work is already automated, not a fresh candidate."""
        return self.hours_after is not None


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
    routine: str | None
    judgement: str | None
    input_medium: str | None
    form_count: int | None
    system_count: int | None
    annual_volume: float | None
    minutes_per_case: float | None
    annual_hours: float  # as stated, else cases × minutes / 60
    stated_hours: float | None
    hours_after: float | None
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
