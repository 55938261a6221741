"""A realistic synthetic town with exact ground truth, written as the 課 would send it.

Used by the intake benchmark, ``dxi demo`` and the tests. Everything is deterministic
from a seed. Every style is valid input: a correct intake turns each file back into
exactly the ``SyntheticSurvey`` it was written from ("messy" only uses spellings the
spec and ``schema`` accept, and no ranges, since a range becomes its midpoint).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

from flows.town import names
from flows.town.answers import (
    MEDIUM_HINTS,
    NICE_MINUTES,
    NOTES_ABOLITION,
    NOTES_CHANGE,
    NOTES_GENERAL,
    NOTES_PAPER,
    PEAK_PATTERNS,
)
from flows.town.names import KINDS, SPENDING_ORDER, Department
from inventory.survey import schema

# The town answers with cases × minutes, as most of the template's users do: the 年間時間 and
# 導入後の年間時間 columns (issue 13) stay out, so the town's files are the same as before them.
DATA_COLUMNS = tuple(
    c
    for c in schema.COLUMNS
    if c.field not in ("fiscal_year", "division", "department", "annual_hours", "hours_after")
)
_BY_NAME = {d.name: d for d in names.DEPARTMENTS}
T = TypeVar("T")


@dataclass(frozen=True)
class SyntheticTask:
    """The canonical truth of one task row; field names as in ``schema.COLUMNS``."""

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
    staff_count: float | None
    peak_months: tuple[int, ...] | None
    documented: bool | None
    verification: str | None
    exceptions: str | None
    change_expected: bool | None
    abolition_planned: bool | None
    notes: str | None
    check_minutes: float | None = None  # optional columns (issue 14) the synthetic 課 leave blank
    automatable_share: float | None = None

    @property
    def annual_hours(self) -> float:
        """Annual hours = annual cases × minutes per case / 60."""
        return self.annual_volume * self.minutes_per_case / 60


@dataclass(frozen=True)
class SyntheticSurvey:
    """One 課's answer for one 年度."""

    fiscal_year: int
    division: str
    department: str
    tasks: tuple[SyntheticTask, ...]


@dataclass(frozen=True)
class _Habits:
    """How one 課 fills the survey in: size, blanks, which optional columns it skips."""

    factor: float
    blank: float
    sections: bool
    categories: int  # 0 none, 2 大・中分類, 3 all three
    skipped: frozenset[str]


def _habits(rng: random.Random) -> _Habits:
    optional = ("form_count", "system_count", "verification", "exceptions", "staff_count")
    return _Habits(
        factor=rng.lognormvariate(0, 0.4),
        blank=rng.uniform(0, 0.12),
        sections=rng.random() > 0.1,
        categories=rng.choice((0, 2, 2, 3)),
        skipped=frozenset(f for f in optional if rng.random() < 0.06),
    )


def _pick(rng: random.Random, values: Sequence[T], weights: Sequence[float]) -> T:
    return rng.choices(values, weights)[0]


def _volume(dept: Department, index: int, factor: float, rng: random.Random) -> float:
    entry = dept.entries[index]
    if entry.volume is not None and entry.volume <= 24:
        return entry.volume  # monthly / quarterly work: an exact count
    if entry.volume is None and entry.kind == "report":
        return float(rng.choice((10, 12, 12, 24, 52)))
    median = entry.volume or KINDS[entry.kind].volume
    spread = factor * rng.lognormvariate(0, 0.3 if entry.volume else 0.7)
    if entry.volume is None:  # a generic step of a small subject (災害見舞金) stays within 3× its kind
        spread = min(max(spread, 0.15), 3.0)
    value = min(50_000, max(10, round(median * spread)))
    return float(round(value, -1) if value >= 1000 and rng.random() < 0.5 else value)


def _medium(name: str, kind: str, rng: random.Random) -> str:
    for word, medium, probability in MEDIUM_HINTS:
        # A form's name tells its medium only to the tasks that read the form.
        if word in name and (medium == "電子" or kind in ("apply", "entry", "review")):
            return medium if rng.random() < probability else "混在"
    return _pick(rng, schema.INPUT_MEDIUM, KINDS[kind].medium)


def _peak(hint: tuple[int, ...] | None, rng: random.Random) -> tuple[int, ...] | None:
    if hint is not None and rng.random() < 0.75:
        return hint
    roll = rng.random()
    if roll < 0.5:
        return None
    return tuple(range(1, 13)) if roll < 0.6 else rng.choice(PEAK_PATTERNS)


def _notes(task: SyntheticTask, rng: random.Random) -> str | None:
    if task.abolition_planned:
        return rng.choice(NOTES_ABOLITION)
    if task.change_expected and rng.random() < 0.5:
        return rng.choice(NOTES_CHANGE)
    if rng.random() < 0.12:
        return rng.choice(NOTES_PAPER if task.input_medium == "紙（手書き）" else NOTES_GENERAL)
    return None


def _make_task(
    dept: Department, index: int, habits: _Habits, factor: float, rng: random.Random
) -> SyntheticTask:
    entry, kind = dept.entries[index], KINDS[dept.entries[index].kind]
    routine = _pick(rng, schema.ROUTINE, kind.routine)
    judgement = _pick(rng, schema.JUDGEMENT, kind.judgement)
    if (routine, judgement) in (("非定型", "なし"), ("定型", "あり")):
        judgement = "一部あり"
    medium = _medium(entry.name, entry.kind, rng)
    volume = _volume(dept, index, factor, rng)
    # Periodic work (12 a year) takes long per case; mass work can't take hours per case.
    target = kind.minutes * rng.lognormvariate(0, 0.5) * (6 if volume <= 24 else 1)
    target = min(target, 60 * rng.uniform(1000, 6000) / volume)
    minutes = float(min(NICE_MINUTES, key=lambda m: abs(math.log(m / target))))
    staff = max(0.5, min(15.0, round(volume * minutes / 60 / 900 * rng.lognormvariate(0, 0.3) * 2) / 2))
    paper = medium != "電子"
    fixed = entry.common or entry.name == SPENDING_ORDER

    def known(field: str, value: T) -> T | None:
        return None if field in habits.skipped or rng.random() < habits.blank else value

    task = SyntheticTask(
        section=entry.section if habits.sections else None,
        task_code=dept.task_code(index),
        name=entry.name,
        category_1=entry.area if habits.categories else None,
        category_2=entry.subject if habits.categories else None,
        category_3=kind.label if habits.categories == 3 else None,
        scope=known(
            "scope", "マネジメント" if entry.kind == "manage" else "全庁共通" if entry.common else "各課固有"
        ),
        routine=routine,
        judgement=judgement,
        input_medium=medium,
        form_count=known(
            "form_count",
            rng.randint(1, 6) if paper and kind.label in ("受付", "入力", "審査") else rng.randint(0, 2),
        ),
        system_count=known("system_count", rng.randint(1, 3) if medium == "電子" else rng.randint(0, 2)),
        annual_volume=volume,
        minutes_per_case=minutes,
        staff_count=known("staff_count", 1.0 if staff < 1 and rng.random() < 0.7 else staff),
        peak_months=known("peak_months", _peak(entry.peak, rng)),
        documented=known(
            "documented", rng.random() < {"定型": 0.65, "一部定型": 0.4, "非定型": 0.15}[routine]
        ),
        verification=known("verification", _pick(rng, schema.VERIFICATION, kind.verification)),
        exceptions=known("exceptions", _pick(rng, schema.EXCEPTIONS, kind.exceptions)),
        change_expected=known("change_expected", rng.random() < (0.3 if "システム" in entry.name else 0.08)),
        abolition_planned=known("abolition_planned", not fixed and rng.random() < 0.025),
        notes=None,
    )
    return replace(task, notes=_notes(task, rng))


def _select(dept: Department, n: int, rng: random.Random) -> list[int]:
    titles = [e.name for e in dept.entries]
    must = [titles.index(SPENDING_ORDER)]
    must += [i for i, e in enumerate(dept.entries) if e.tier == 0 and e.subject is None and not e.common]
    must += [titles.index(name) for name, p in names.LIKELY_COMMON.items() if rng.random() < p]
    chosen = set(list(dict.fromkeys(must))[:n])
    for tier in (0, 1, 2):
        pool = [i for i, e in enumerate(dept.entries) if e.tier == tier and i not in chosen]
        chosen.update(rng.sample(pool, min(n - len(chosen), len(pool))))
    if len(chosen) < n:
        raise ValueError(f"{dept.name} has only {len(chosen)} synthetic tasks, asked for {n}")
    return sorted(chosen)


def make_town(
    *, departments: int = 30, tasks_per_department: int = 50, fiscal_year: int = 2024, seed: int = 0
) -> list[SyntheticSurvey]:
    """Return one survey per 課: the first ``departments`` 課 of the town, each with its tasks."""
    if not 1 <= departments <= len(names.DEPARTMENTS) or tasks_per_department < 1:
        raise ValueError(f"departments must be 1..{len(names.DEPARTMENTS)} and tasks_per_department ≥ 1")
    surveys = []
    for dept in names.DEPARTMENTS[:departments]:
        rng = random.Random(f"town|{seed}|{dept.name}")
        habits = _habits(rng)
        factors: dict[str | None, float] = {}
        tasks = []
        for i in _select(dept, tasks_per_department, rng):
            factor = factors.setdefault(dept.entries[i].subject, rng.lognormvariate(0, 0.5))
            tasks.append(_make_task(dept, i, habits, habits.factor * factor, rng))
        surveys.append(SyntheticSurvey(fiscal_year, dept.division, dept.name, tuple(tasks)))
    return surveys


def next_year(surveys: Sequence[SyntheticSurvey], *, seed: int) -> list[SyntheticSurvey]:
    """Return the same town one 年度 later: codes kept, volumes ±15%, a few tasks ended or added."""
    out = []
    for survey in surveys:
        rng = random.Random(f"next|{seed}|{survey.fiscal_year}|{survey.department}")
        tasks = []
        for task in survey.tasks:
            if task.name != SPENDING_ORDER and rng.random() < (0.8 if task.abolition_planned else 0.03):
                continue
            volume = task.annual_volume
            if volume > 60:  # counts of monthly or yearly work stay put
                volume = float(min(50_000, max(10, round(volume * rng.uniform(0.85, 1.15)))))
            tasks.append(replace(task, annual_volume=volume))
        dept = _BY_NAME.get(survey.department)
        if dept is not None:
            have = {t.name for t in survey.tasks}
            pool = [i for i, e in enumerate(dept.entries) if e.tier == 0 and e.name not in have]
            habits = _habits(rng)
            for i in rng.sample(pool, min(len(pool), rng.randint(1, 3))):
                tasks.append(_make_task(dept, i, habits, habits.factor, rng))
        tasks.sort(key=lambda t: t.task_code or "")
        out.append(replace(survey, fiscal_year=survey.fiscal_year + 1, tasks=tuple(tasks)))
    return out
