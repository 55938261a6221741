"""Brief fuzzing in CI: the properties of tests/inventory/fuzz_properties.py, a few examples each.

`bench/fuzz.py` runs the same properties for minutes (and atheris when installed).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from tests.inventory.fuzz_properties import PROPERTIES, Property

CI_EXAMPLES = {"survey_reader": 60, "overtime_reader": 40}


@pytest.mark.parametrize("prop", PROPERTIES, ids=lambda p: p.name)
def test_property(prop: Property) -> None:
    @settings(
        max_examples=CI_EXAMPLES.get(prop.name, 300),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(prop.strategy)
    def run(value: Any) -> None:
        prop.check(value)

    run()
