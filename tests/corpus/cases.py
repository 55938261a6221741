"""The corpus cases: file name → (kind, builder); expected outcomes are in expected.toml.

The cases themselves live in `cases_files.py` (whole-file attacks) and `cases_values.py`
(cell values, structure, overtime); importing this module registers them all.
"""

from __future__ import annotations

from collections.abc import Callable

from tests.corpus.builders import HEADER

CANARY_URL = "http://127.0.0.1:9/xxe"  # the test points this at a socket that must never be contacted
Builder = Callable[[str], bytes]  # canary URL → file bytes
CASES: dict[str, tuple[str, Builder]] = {}


def case(name: str, kind: str = "survey") -> Callable[[Builder], Builder]:
    """Register a builder under a file name; kind is survey or overtime."""

    def register(build: Builder) -> Builder:
        CASES[name] = (kind, build)
        return build

    return register


def static(name: str, data: Callable[[], bytes], kind: str = "survey") -> None:
    """Register a builder that ignores the canary URL."""
    CASES[name] = (kind, lambda _url: data())


WITH_NOTES = [*HEADER, "備考"]

# Registered in this order (the corpus walks files in it).
from tests.corpus import cases_files, cases_values  # noqa: E402, F401
