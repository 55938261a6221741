"""The scoring config: shipped defaults, TOML round-trip, Japanese errors naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest
import tomlkit

from bpr.errors import ConfigError
from bpr.scoring.config import ScoringConfig, default_config, default_toml_text


def test_shipped_toml_equals_model_defaults() -> None:
    assert default_config() == ScoringConfig()
    assert default_config().config_hash() == ScoringConfig().config_hash()


def test_every_default_in_the_toml_has_a_comment_nearby() -> None:
    lines = default_toml_text().splitlines()
    for number, line in enumerate(lines):
        if "=" in line and not line.lstrip().startswith("#"):
            previous = [p for p in lines[max(0, number - 6) : number] if p.strip()]
            assert any(p.lstrip().startswith("#") for p in previous), line


def test_round_trip_through_toml(tmp_path: Path) -> None:
    changed = ScoringConfig.from_mapping(
        {
            "knockout": {"min_annual_hours": 80.0},
            "rates": {"rpa": {"high": 0.9, "mid": 0.6}},
            "rollout": {"threshold": 90.0, "noise_words": ["業務", "事務", "に関する"]},
            "economics": {"hourly_cost_yen": 3000.0},
        }
    )
    path = tmp_path / "weights.toml"
    path.write_text(tomlkit.dumps(changed.model_dump(mode="json")), encoding="utf-8")
    loaded = ScoringConfig.from_toml(path)
    assert loaded == changed
    assert loaded.config_hash() == changed.config_hash() != ScoringConfig().config_hash()
    assert ScoringConfig.from_mapping(changed.model_dump()) == changed


def test_left_out_keys_keep_their_defaults() -> None:
    config = ScoringConfig.from_toml_text("[rates.ai_ocr]\nhigh = 0.7\n")
    assert config.rates.ai_ocr.high == 0.7
    assert config.rates.ai_ocr.mid == ScoringConfig().rates.ai_ocr.mid
    assert config.rpa == ScoringConfig().rpa


def test_unknown_key_is_named_with_a_suggestion() -> None:
    with pytest.raises(ConfigError) as caught:
        ScoringConfig.from_toml_text("[rpa.weights]\nroutin = 20.0\n", source="weights.toml")
    message = caught.value.message
    assert "weights.toml" in message
    assert "rpa.weights.routin" in message
    assert "未知のキー" in message and "routine" in message


def test_wrong_type_is_named_in_japanese() -> None:
    with pytest.raises(ConfigError) as caught:
        ScoringConfig.from_toml_text('[knockout]\nmin_annual_hours = "50"\n')
    assert caught.value.problems == ["knockout.min_annual_hours: 数値を指定してください（入力値: '50'）"]


def test_every_problem_is_listed_not_just_the_first() -> None:
    text = "[bands]\nhigh = 120.0\n[economics]\nhourly_cost_yen = -1.0\n[typo]\nx = 1\n"
    with pytest.raises(ConfigError) as caught:
        ScoringConfig.from_toml_text(text)
    keys = [p.split(":")[0] for p in caught.value.problems]
    assert keys == ["bands.high", "economics.hourly_cost_yen", "typo"]
    assert "100.0 以下" in caught.value.problems[0]


def test_weights_must_sum_to_100() -> None:
    with pytest.raises(ConfigError, match="RPA の重みの合計は 100") as caught:
        ScoringConfig.from_toml_text("[rpa.weights]\nroutine = 30.0\n")
    assert caught.value.problems[0].startswith("rpa.weights:")


def test_rates_must_not_fall_with_a_better_band() -> None:
    with pytest.raises(ConfigError, match=r"rates\.rpa: 削減率は low ≤ mid ≤ high"):
        ScoringConfig.from_toml_text("[rates.rpa]\nhigh = 0.2\n")


def test_toml_syntax_error_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="TOML の書式が正しくありません"):
        ScoringConfig.from_toml_text("[rpa\n")
    with pytest.raises(ConfigError, match="見つかりません"):
        ScoringConfig.from_toml(tmp_path / "missing.toml")


def test_config_is_frozen_and_dump_is_json_ready() -> None:
    config = ScoringConfig()
    with pytest.raises(ValueError):
        config.bands.low = 10.0  # type: ignore[misc]
    dumped = config.model_dump(mode="json")
    assert dumped["rates"]["rpa"] == {"high": 0.95, "mid": 0.75, "low": 0.45}
    assert dumped["economics"] == {"hours_per_person_year": 1920.0, "hourly_cost_yen": 2650.0}
