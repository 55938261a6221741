"""The intake reads every synthetic clerk-style file back to exactly the truth it was made from."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from flows.town.survey import SyntheticSurvey, SyntheticTask, make_town
from flows.town.survey_files import STYLES, corrupt, write_survey
from inventory.intake.survey import parse_bytes
from inventory.survey.cells import parse_text

TOWN = make_town(departments=10, tasks_per_department=25, seed=7)


TEXT_FIELDS = ("section", "task_code", "name", "category_1", "category_2", "category_3", "notes")


def canonical(task: SyntheticTask) -> dict[str, object]:
    """The truth in stored form: free text is kept NFKC-normalised (（） → (), ｶﾅ → カナ)."""
    values = dataclasses.asdict(task)
    for name in TEXT_FIELDS:
        values[name] = parse_text(values[name]).value
    return values


def as_truth(task: object) -> dict[str, object]:
    """A parsed TaskIn in the generator's terms (tuple months, no bookkeeping fields)."""
    fields = {f.name for f in dataclasses.fields(SyntheticTask)}
    values = {name: getattr(task, name) for name in fields}
    if values["peak_months"] is not None:
        values["peak_months"] = tuple(values["peak_months"])  # type: ignore[arg-type]
    return values


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("survey", TOWN[:5], ids=lambda s: s.department)
def test_every_style_ingests_to_the_exact_truth(tmp_path: Path, style: str, survey: SyntheticSurvey) -> None:
    path = write_survey(survey, tmp_path, style=style, rng_seed=3)  # type: ignore[arg-type]
    result = parse_bytes(path.read_bytes(), path.name)
    assert result.errors == []
    assert result.survey is not None
    assert (result.survey.fiscal_year, result.survey.department) == (survey.fiscal_year, survey.department)
    if style not in ("csv_sjis", "csv_utf8_bom"):
        assert result.survey.division == survey.division
    parsed = [as_truth(t) for t in result.survey.tasks]
    truth = [canonical(t) for t in survey.tasks]
    for row, (got, want) in enumerate(zip(parsed, truth, strict=True)):
        assert got == want, f"{path.name} task {row}"
    assert all(t.warnings == [] for t in result.survey.tasks)


@pytest.mark.parametrize("seed", range(6))
def test_messy_files_across_seeds(tmp_path: Path, seed: int) -> None:
    for survey in TOWN[5:]:
        path = write_survey(survey, tmp_path, style="messy", rng_seed=seed)
        result = parse_bytes(path.read_bytes(), path.name)
        assert result.errors == [], path.name
        assert result.survey is not None
        assert [as_truth(t) for t in result.survey.tasks] == [canonical(t) for t in survey.tasks]


@pytest.mark.parametrize("seed", range(4))
def test_corrupted_files_are_rejected_at_exactly_the_broken_cells(tmp_path: Path, seed: int) -> None:
    path, bad = corrupt(TOWN[seed], tmp_path, seed=seed, mistakes=4)
    result = parse_bytes(path.read_bytes(), path.name)
    assert result.survey is None
    assert sorted((e.row, e.column) for e in result.errors) == bad
    assert all(e.message and e.code for e in result.errors)
