"""The sections of the scoring config, one pydantic model per TOML table.

Every model forbids unknown keys and is strict (TOML is typed, so "15" for a number
is a mistake worth reporting) and frozen (a config is stored with each scoring run and
must not change under it). Validators refuse settings that would break the maths'
promises, e.g. rates that fall with a better band would let more volume lower the
hours saved. Defaults and their sources: default_scoring.toml.
"""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Section(BaseModel):
    """Base of every config table: unknown keys forbidden, strict types, frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class KnockoutConfig(Section):
    """Rules that drop a task before it is ranked (DOMAIN.md: knock-outs seen in practice)."""

    min_annual_hours: float = Field(50.0, ge=0)
    abolition_planned: bool = True
    non_routine_with_judgement: bool = True


class ScaleConfig(Section):
    """Where the graded factors reach 0 and full points, and what 'unknown' is worth."""

    unknown_level: float = Field(0.5, ge=0, le=1)
    hours_min: float = Field(50.0, gt=0)
    hours_max: float = Field(1920.0, gt=0)
    cases_min: float = Field(12.0, gt=0)
    cases_max: float = Field(10_000.0, gt=0)
    systems_full: int = Field(2, ge=1)
    sheets_min: float = Field(50.0, gt=0)
    sheets_max: float = Field(5_000.0, gt=0)
    forms_max: int = Field(10, ge=2)

    @model_validator(mode="after")
    def _ranges(self) -> Self:
        for low, high in (
            ("hours_min", "hours_max"),
            ("cases_min", "cases_max"),
            ("sheets_min", "sheets_max"),
        ):
            _check_order(self, (low, high), f"{low} は {high} より小さくしてください", strict=True)
        return self


def _check_order(section: BaseModel, names: tuple[str, ...], message: str, *, strict: bool = False) -> None:
    """Raise (in Japanese) unless the named fields are ascending (strictly if asked)."""
    values = [float(getattr(section, n)) for n in names]
    pairs = list(zip(values, values[1:], strict=False))
    if not all(a < b if strict else a <= b for a, b in pairs):
        raise ValueError(message)


def _check_sum(weights: BaseModel, what: str) -> None:
    total = sum(float(v) for v in weights.model_dump().values())
    if abs(total - 100.0) > 1e-6:
        raise ValueError(f"{what}の重みの合計は 100 にしてください（現在 {total:g}）")


class RpaWeights(Section):
    """Full points per RPA factor; they sum to 100 so a point in the TOML is a point shown."""

    input: float = Field(15.0, ge=0)
    routine: float = Field(20.0, ge=0)
    judgement: float = Field(15.0, ge=0)
    hours: float = Field(15.0, ge=0)
    repetition: float = Field(10.0, ge=0)
    systems: float = Field(5.0, ge=0)
    documentation: float = Field(10.0, ge=0)
    exceptions: float = Field(5.0, ge=0)
    verification: float = Field(5.0, ge=0)

    @model_validator(mode="after")
    def _sum(self) -> Self:
        _check_sum(self, "RPA ")
        return self


class RpaPenalties(Section):
    """Points taken off the RPA score: paper input (RPA alone cannot read it), 制度改正予定."""

    paper: float = Field(40.0, ge=0)
    change_expected: float = Field(10.0, ge=0)


class RpaConfig(Section):
    weights: RpaWeights = RpaWeights()
    penalties: RpaPenalties = RpaPenalties()


class OcrWeights(Section):
    """Full points per AI-OCR factor, summing to 100."""

    paper: float = Field(35.0, ge=0)
    sheets: float = Field(25.0, ge=0)
    forms: float = Field(20.0, ge=0)
    verification: float = Field(20.0, ge=0)

    @model_validator(mode="after")
    def _sum(self) -> Self:
        _check_sum(self, "AI-OCR ")
        return self


class OcrPenalties(Section):
    """Points taken off the AI-OCR score: a form revision means redefining the reading."""

    change_expected: float = Field(5.0, ge=0)


class OcrConfig(Section):
    weights: OcrWeights = OcrWeights()
    penalties: OcrPenalties = OcrPenalties()


class BandConfig(Section):
    """Score thresholds of the suitability bands; below `low` no tool is recommended."""

    high: float = Field(70.0, ge=0, le=100)
    mid: float = Field(50.0, ge=0, le=100)
    low: float = Field(40.0, ge=0, le=100)

    @model_validator(mode="after")
    def _order(self) -> Self:
        _check_order(self, ("low", "mid", "high"), "low < mid < high の順にしてください", strict=True)
        return self


class RecommendConfig(Section):
    """A tool is recommended only if it saves at least this many hours a year."""

    min_hours_saved: float = Field(20.0, ge=0)


class _RateBand(Section):
    """Share of the automatable part a tool removes, per band (non-decreasing, so more is never worse)."""

    @model_validator(mode="after")
    def _order(self) -> Self:
        _check_order(self, ("low", "mid", "high"), "削減率は low ≤ mid ≤ high にしてください")
        return self


class RpaRates(_RateBand):
    high: float = Field(0.95, ge=0, le=1)
    mid: float = Field(0.75, ge=0, le=1)
    low: float = Field(0.45, ge=0, le=1)


class OcrRates(_RateBand):
    high: float = Field(0.85, ge=0, le=1)
    mid: float = Field(0.6, ge=0, le=1)
    low: float = Field(0.35, ge=0, le=1)


class RatesConfig(Section):
    rpa: RpaRates = RpaRates()
    ai_ocr: OcrRates = OcrRates()


class EconomicsConfig(Section):
    """Hours to person-years and yen."""

    hours_per_person_year: float = Field(1920.0, gt=0)
    hourly_cost_yen: float = Field(2650.0, ge=0)


class EasePenalties(Section):
    """Points off an ease of 100 (神奈川: cross-department or process change = 高)."""

    cross_department: float = Field(45.0, ge=0)
    scope_unknown: float = Field(5.0, ge=0)
    process_change: float = Field(45.0, ge=0)
    process_change_unknown: float = Field(5.0, ge=0)
    systems_two: float = Field(15.0, ge=0)
    systems_many: float = Field(45.0, ge=0)
    systems_unknown: float = Field(5.0, ge=0)
    exceptions_sometimes: float = Field(15.0, ge=0)
    exceptions_many: float = Field(45.0, ge=0)
    exceptions_unknown: float = Field(5.0, ge=0)
    forms_some: float = Field(10.0, ge=0)
    forms_many: float = Field(45.0, ge=0)
    forms_unknown: float = Field(5.0, ge=0)
    undocumented: float = Field(25.0, ge=0)
    documented_unknown: float = Field(5.0, ge=0)
    judgement_partial: float = Field(10.0, ge=0)
    judgement_full: float = Field(25.0, ge=0)


class EaseConfig(Section):
    """Ease 0–100 and its 低/中/高 difficulty bands."""

    easy_from: float = Field(80.0, ge=0, le=100)
    hard_below: float = Field(60.0, ge=0, le=100)
    systems_many_from: int = Field(3, ge=2)
    forms_many_from: int = Field(5, ge=2)
    penalties: EasePenalties = EasePenalties()

    @model_validator(mode="after")
    def _order(self) -> Self:
        _check_order(self, ("hard_below", "easy_from"), "hard_below は easy_from 以下にしてください")
        return self


class QuadrantConfig(Section):
    """Value × ease split: hours saved per year and ease score that count as 'high'."""

    hours_saved: float = Field(100.0, ge=0)
    ease: float = Field(60.0, ge=0, le=100)


class PriorityConfig(Section):
    """priority = hours saved × (ease_weight_min + (1 − ease_weight_min) × ease / 100)."""

    ease_weight_min: float = Field(0.5, ge=0, le=1)


class RolloutConfig(Section):
    """横展開 grouping: name similarity threshold and words that carry no meaning."""

    threshold: float = Field(88.0, ge=0, le=100)
    noise_words: tuple[str, ...] = Field(
        ("に関する", "に係る", "にかかる", "について", "業務", "事務"), strict=False
    )
    max_block: int = Field(4000, ge=100)
