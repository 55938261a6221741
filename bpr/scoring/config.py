"""The scoring config: every weight, threshold and rate the scores use, in one model.

Why a model and not constants: the DX team must be able to defend a ranking, adjust it
to their town (`dxi score --config weights.toml`) and reproduce an old one, so the
config is data. It is stored with each scoring run (`model_dump()`, `config_hash()`).
The defaults (bpr.scoring.config_sections) are repeated, with their sources, in
`default_scoring.toml`; a test keeps the two equal.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bpr.errors import ConfigError
from bpr.scoring.config_costs import AutomatableConfig, CalibrationConfig, CheckingConfig, CostsConfig
from bpr.scoring.config_messages import validation_problems
from bpr.scoring.config_sections import (
    BandConfig,
    EaseConfig,
    EconomicsConfig,
    KnockoutConfig,
    OcrConfig,
    PriorityConfig,
    QuadrantConfig,
    RatesConfig,
    RecommendConfig,
    RolloutConfig,
    RpaConfig,
    ScaleConfig,
    Section,
)

DEFAULT_TOML = "default_scoring.toml"


class ScoringConfig(Section):
    """The whole scoring config; `ScoringConfig()` equals the shipped default TOML."""

    knockout: KnockoutConfig = KnockoutConfig()
    scale: ScaleConfig = ScaleConfig()
    rpa: RpaConfig = RpaConfig()
    ai_ocr: OcrConfig = OcrConfig()
    bands: BandConfig = BandConfig()
    recommend: RecommendConfig = RecommendConfig()
    rates: RatesConfig = RatesConfig()
    automatable: AutomatableConfig = AutomatableConfig()
    checking: CheckingConfig = CheckingConfig()
    costs: CostsConfig = CostsConfig()
    calibration: CalibrationConfig = CalibrationConfig()
    economics: EconomicsConfig = EconomicsConfig()
    ease: EaseConfig = EaseConfig()
    quadrant: QuadrantConfig = QuadrantConfig()
    priority: PriorityConfig = PriorityConfig()
    rollout: RolloutConfig = RolloutConfig()

    @classmethod
    def from_mapping(cls, data: dict[str, Any], *, source: str = "（設定）") -> ScoringConfig:
        """Validate a parsed TOML table; raise ConfigError naming every bad key in Japanese."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            problems = validation_problems(cls, exc)
            lines = "\n".join(f"- {p}" for p in problems)
            raise ConfigError(
                f"スコアリング設定 {source} に誤りがあります（{len(problems)} 件）:\n{lines}", problems
            ) from None

    @classmethod
    def from_toml(cls, path: str | Path) -> ScoringConfig:
        """Read a TOML file; keys left out keep their defaults."""
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError(f"スコアリング設定ファイル {path} が見つかりません") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"スコアリング設定ファイル {path} を読めません（{exc}）") from None
        return cls.from_toml_text(text, source=str(path))

    @classmethod
    def from_toml_text(cls, text: str, *, source: str = "（設定）") -> ScoringConfig:
        """Parse TOML text; a syntax error becomes a ConfigError with the line."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(
                f"スコアリング設定 {source} の TOML の書式が正しくありません（{exc}）"
            ) from None
        return cls.from_mapping(data, source=source)

    def config_hash(self) -> str:
        """Return a SHA-256 of the canonical JSON dump: equal configs, equal hash."""
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def default_toml_text() -> str:
    """Return the shipped, commented default config."""
    return resources.files("bpr.scoring").joinpath(DEFAULT_TOML).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def default_config() -> ScoringConfig:
    """Load the shipped default config (cached; the model is frozen, so sharing is safe)."""
    return ScoringConfig.from_toml_text(default_toml_text(), source=DEFAULT_TOML)
