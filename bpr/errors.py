"""Errors of the bpr (scoring and ranking) package.

    BprError                base; .message is Japanese and shown to the user
    ├── ConfigError         the scoring config (TOML) is unreadable or has a bad key/value
    ├── InputError          the task table handed to a scoring function is unusable
    ├── EffectsError        the overtime panel or baseline year cannot support KPI/effects
    ├── PilotError          a pilot change the lifecycle forbids, or a bad measurement
    │   └── PilotGateError  本格導入 of a pilot that saved ≤ 0 or under half its estimate, unforced
    └── ReviewError         a review decision or reason that cannot be recorded

Entry points (CLI, flows) translate these into exit codes or HTTP status; the domain
code only raises them.
"""

from __future__ import annotations


class BprError(Exception):
    """Base of every error this package raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigError(BprError):
    """The scoring config cannot be read or does not validate."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class InputError(BprError):
    """The task or score table lacks a column the function needs, or has duplicate ids."""


class EffectsError(BprError):
    """The overtime panel or the baseline year cannot support the KPI or effect figures."""


class PilotError(BprError):
    """A pilot transition the lifecycle forbids, or a measurement it cannot record."""


class PilotGateError(PilotError):
    """本格導入 of a pilot whose realised saving is ≤ 0 or below half its estimate, without force and reason."""

    def __init__(self, message: str, concern: str) -> None:
        super().__init__(message)
        self.concern = concern


class ReviewError(BprError):
    """A review decision that is not one of the choices, or a missing or too long reason."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []
