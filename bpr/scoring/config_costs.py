"""Config sections of the hours-saved estimate: automatable share, checks, fixed costs, calibration.

Why they are config and not constants: each is an assumption a DX team must be able to
see, defend and replace with its own pilots' figures (`dxi calibrate -o`), and the
defaults' sources (or 仮定) are written next to them in default_scoring.toml.
"""

from __future__ import annotations

from typing import Self

from pydantic import Field, model_validator

from bpr.scoring.config_sections import Section


class WorkKind(Section):
    """A kind of work recognised by words in a task's name, categories or notes, and its share."""

    label: str = Field(min_length=1)
    words: tuple[str, ...] = Field(min_length=1, strict=False)
    share: float = Field(ge=0, le=1)


DEFAULT_KINDS: tuple[WorkKind, ...] = (
    WorkKind(label="窓口・相談", words=("窓口", "相談", "面談", "訪問", "指導", "聞き取り"), share=0.3),
    WorkKind(label="審査・判断", words=("審査", "判定", "照合", "点検", "査定"), share=0.6),
    WorkKind(label="加工・整理・文書作成", words=("加工", "取りまとめ", "分析", "作成", "整理"), share=0.6),
    WorkKind(
        label="入力・転記・定型処理",
        words=("入力", "転記", "登録", "消込", "取得", "発行", "読取", "印刷", "送付", "取消"),
        share=0.9,
    ),
)


class AutomatableConfig(Section):
    """The share of a task's time a robot can take, when the survey leaves 自動化できる割合 blank.

    The lowest share among the kinds whose words appear applies (the part a robot
    cannot do bounds the gain); no word → `default`. On 混在 input RPA reaches only the
    electronic part and AI-OCR only the paper part: `mixed_input_share` each.
    """

    default: float = Field(0.75, ge=0, le=1)
    mixed_input_share: float = Field(0.5, ge=0, le=1)
    kinds: tuple[WorkKind, ...] = Field(DEFAULT_KINDS, strict=False)

    @model_validator(mode="after")
    def _labels(self) -> Self:
        labels = [k.label for k in self.kinds]
        if len(set(labels)) != len(labels):
            raise ValueError("automatable.kinds の label が重複しています")
        return self


class ToolChecking(Section):
    """Visual checks a tool leaves, as a share of the case time (目視確認 必須 / 一部; unknown = 一部).

    `required_minutes` is the least a full check of one case takes, however short the
    case: a full check on a case shorter than that cannot save time (久慈市).
    """

    required_share: float
    partial_share: float
    required_minutes: float


class RpaChecking(ToolChecking):
    required_share: float = Field(0.2, ge=0)
    partial_share: float = Field(0.05, ge=0)
    required_minutes: float = Field(0.5, ge=0)


class OcrChecking(ToolChecking):
    required_share: float = Field(0.5, ge=0)
    partial_share: float = Field(0.2, ge=0)
    required_minutes: float = Field(1.0, ge=0)


class CheckingConfig(Section):
    rpa: RpaChecking = RpaChecking()
    ai_ocr: OcrChecking = OcrChecking()


class ToolCosts(Section):
    """Fixed costs of automating one task with a tool: build once, maintain and license yearly."""

    build_hours: float
    maintenance_hours: float
    licence_yen: float


class RpaCosts(ToolCosts):
    build_hours: float = Field(40.0, ge=0)
    maintenance_hours: float = Field(8.0, ge=0)
    licence_yen: float = Field(30_000.0, ge=0)


class OcrCosts(ToolCosts):
    build_hours: float = Field(16.0, ge=0)
    maintenance_hours: float = Field(4.0, ge=0)
    licence_yen: float = Field(30_000.0, ge=0)


class CostsConfig(Section):
    """Fixed costs per tool (AI-OCR+RPA pays both); build hours are spread over `amortisation_years`."""

    amortisation_years: float = Field(3.0, gt=0)
    rpa: RpaCosts = RpaCosts()
    ai_ocr: OcrCosts = OcrCosts()


class BandFactors(Section):
    """Multipliers on the gross saving per suitability band (1.0 = as the rates say)."""

    high: float = Field(1.0, ge=0, le=5)
    mid: float = Field(1.0, ge=0, le=5)
    low: float = Field(1.0, ge=0, le=5)


class CalibrationConfig(Section):
    """Realised ÷ estimated gross saving of this town's own pilots, per tool and band (`dxi calibrate`)."""

    rpa: BandFactors = BandFactors()
    ai_ocr: BandFactors = BandFactors()
    ai_ocr_rpa: BandFactors = BandFactors()
