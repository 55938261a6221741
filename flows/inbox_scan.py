"""The `inbox-scan` and `overtime-scan` flows: ingest what arrived in a shared folder, then file it.

Each run first puts back the files of crashed runs, then claims the settled new files
(an atomic rename into a claim folder of its own, see `inventory.intake.inbox`), ingests them,
and moves each to accepted/<年度>/ or rejected/ with its error workbook. Two runs that
overlap on one folder therefore never process the same file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.runtime import flow_run

from flows.jobs.journal import recorded
from flows.runners import with_task_runner
from flows.survey_intake import outcome_row, survey_intake
from inventory.db.campaign_repo import open_campaign_layout
from inventory.db.engine import engine_for, session_scope
from inventory.db.migrate import ensure_schema
from inventory.errors import RowError, UnreadableFileError
from inventory.intake import claim_ids
from inventory.intake import inbox as box
from inventory.intake.overtime import import_overtime
from inventory.intake.survey import STATUS_LABELS, FileOutcome, error_workbook_path, read_with_retries
from inventory.settings import get_settings
from inventory.survey.dates import fiscal_year_of
from inventory.survey.error_workbook import write_error_workbook

SURVEY_ACTOR = "inbox-scan"
OVERTIME_ACTOR = "overtime-scan"


@dataclass(frozen=True)
class FiledFile:
    """Where one claimed file ended up."""

    file: str
    status: str  # accepted | resubmitted | unchanged | rejected
    moved_to: str
    error_workbook: str | None = None


@dataclass
class ScanSummary:
    """What one scan did, for the caller and the artifact."""

    inbox: str
    files: list[FiledFile] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # put back from crashed runs' claims
    waiting: list[str] = field(default_factory=list)  # still being written: next run

    @property
    def accepted(self) -> list[FiledFile]:
        return [f for f in self.files if f.status != "rejected"]

    @property
    def rejected(self) -> list[FiledFile]:
        return [f for f in self.files if f.status == "rejected"]


def file_surveys(taken: box.Claim, outcomes: list[FileOutcome]) -> list[FiledFile]:
    """Move each ingested survey to accepted/<年度>/ or rejected/ (with its error workbook)."""
    filed = []
    for path, outcome in zip(taken.files, outcomes, strict=True):
        if outcome.status == "rejected":
            workbook = Path(outcome.error_workbook) if outcome.error_workbook else None
            moved, errors = box.reject(taken, path, workbook)
            filed.append(FiledFile(path.name, "rejected", str(moved), str(errors) if errors else None))
        else:
            moved = box.accept(taken, path, outcome.fiscal_year)
            filed.append(FiledFile(path.name, outcome.status, str(moved)))
    box.finish(taken)
    return filed


def _take(folder: Path, summary: ScanSummary, settle_seconds: float, stale_after: float) -> box.Claim:
    """Put back crashed runs' files, then claim the settled new ones.

    Plain calls, not tasks: a few renames take milliseconds, and the claim must happen
    in this process, before anything is handed to a task runner.
    """
    summary.recovered = [p.name for p in box.recover_stale_claims(folder, stale_after=stale_after)]
    taken = box.claim_new_files(folder, settle_seconds=settle_seconds)
    summary.waiting = taken.busy
    return taken


@flow(name="inbox-scan", log_prints=False)
def inbox_scan(
    inbox: str | None = None,
    database_url: str | None = None,
    settle_seconds: float = box.SETTLE_SECONDS,
    stale_after: float = claim_ids.STALE_AFTER_SECONDS,
    layout: str | None = None,
) -> ScanSummary:
    """Ingest the survey workbooks that arrived in the inbox and file them as accepted or rejected.

    Files are read through `layout` (a saved layout's name or a layout file), else through
    the layout of the open campaign, if it names one; our own template always reads as is.
    The run history gets the intake's own run (actor inbox-scan); an empty scan records nothing.
    """
    folder = Path(inbox) if inbox else get_settings().inbox_dir
    summary = ScanSummary(inbox=str(folder))
    taken = _take(folder, summary, settle_seconds, stale_after)
    if taken.files:
        try:
            outcomes = with_task_runner(survey_intake)(  # DXI_TASK_RUNNER: threads, processes or Dask
                paths=[str(p) for p in taken.files], errors_dir=str(taken.folder),
                actor=SURVEY_ACTOR, database_url=database_url,
                layout=layout or campaign_layout(database_url),
            )  # fmt: skip
        except BaseException:
            box.release(taken)  # the next run tries them again; stored files come back "unchanged"
            raise
        summary.files = file_surveys(taken, outcomes)
        rows = [
            {**outcome_row(o), "移動先": _relative(f.moved_to, folder)}
            for o, f in zip(outcomes, summary.files, strict=True)
        ]
    else:
        box.finish(taken)
        rows = []
    _publish("inbox-scan", "業務量調査の受付フォルダ", summary, rows)
    return summary


def campaign_layout(database_url: str | None) -> str | None:
    """The saved layout of the open campaign (`dxi campaign open --layout`), if any."""
    engine = engine_for(database_url or get_settings().db_url)
    ensure_schema(engine)
    with session_scope(engine) as session:
        return open_campaign_layout(session=session)


@task(name="import-overtime-file", cache_policy=NO_CACHE)
def import_overtime_file(path: Path, url: str) -> tuple[dict[str, object], list[RowError], int | None]:
    """Import one overtime file; returns its artifact row, its errors and the 年度 to file it under."""
    settings = get_settings()
    try:
        data = read_with_retries(path)
        result = import_overtime(
            engine=engine_for(url), data=data, file_name=path.name,
            pseudonym_key=settings.pseudonym_secret, actor=OVERTIME_ACTOR,
        )  # fmt: skip
    except (OSError, UnreadableFileError) as exc:  # a settings error fails the run: the file waits
        message = exc.message if isinstance(exc, UnreadableFileError) else f"ファイルを開けません（{exc}）"
        errors = [RowError(file=path.name, code="unreadable_file", message=message)]
        return {"ファイル": path.name, "結果": STATUS_LABELS["rejected"], "エラー": 1}, errors, None
    stored = result.stored
    if stored is None:
        return (
            {"ファイル": path.name, "結果": STATUS_LABELS["rejected"], "エラー": len(result.parsed.errors)},
            result.parsed.errors,
            None,
        )
    period = (
        f"{stored.first[0]}-{stored.first[1]:02d} ～ {stored.last[0]}-{stored.last[1]:02d}"
        if stored.first and stored.last
        else ""
    )
    row: dict[str, object] = {
        "ファイル": path.name, "結果": STATUS_LABELS["accepted"], "課": stored.departments,
        "課×月": stored.months, "期間": period, "時間外勤務時間": round(stored.total_hours, 1), "エラー": 0,
    }  # fmt: skip
    return row, [], fiscal_year_of(*stored.last) if stored.last else None


@flow(name="overtime-scan", log_prints=False)
def overtime_scan(
    inbox: str | None = None,
    database_url: str | None = None,
    settle_seconds: float = box.SETTLE_SECONDS,
    stale_after: float = claim_ids.STALE_AFTER_SECONDS,
) -> ScanSummary:
    """Import the monthly 時間外勤務実績 files that arrived in the overtime inbox, then file them."""
    settings = get_settings()
    folder = Path(inbox) if inbox else settings.overtime_inbox_dir
    url = database_url or settings.db_url
    ensure_schema(engine_for(url))
    summary = ScanSummary(inbox=str(folder))
    taken = _take(folder, summary, settle_seconds, stale_after)
    if not taken.files:  # every 15 minutes, mostly nothing: no line in the run history
        box.finish(taken)
        _publish("overtime-scan", "時間外勤務実績の受付フォルダ", summary, [])
        return summary
    asked = {"inbox": str(folder), "files": [p.name for p in taken.files][:50]}
    with recorded(database_url=url, job="overtime-scan", actor=OVERTIME_ACTOR, parameters=asked,
                  flow_run_id=flow_run.get_id()) as note:  # fmt: skip
        rows = _import_claimed(taken, folder, url, summary)
        note.summary = f"受理 {len(summary.accepted)} 件 / 差し戻し {len(summary.rejected)} 件"
    _publish("overtime-scan", "時間外勤務実績の受付フォルダ", summary, rows)
    return summary


def _import_claimed(
    taken: box.Claim, folder: Path, url: str, summary: ScanSummary
) -> list[dict[str, object]]:
    """Import each claimed file and file it as accepted or rejected; the artifact's rows."""
    rows: list[dict[str, object]] = []
    try:
        for path in taken.files:
            row, errors, fiscal_year = import_overtime_file(path, url)
            if errors:
                workbook = write_error_workbook(
                    error_workbook_path(path, None), headers=[], rows=[], errors=errors,
                    sheet_name="時間外勤務実績", source_name=path.name,
                )  # fmt: skip
                moved, beside = box.reject(taken, path, workbook)
                filed = FiledFile(path.name, "rejected", str(moved), str(beside) if beside else None)
            else:
                filed = FiledFile(path.name, "accepted", str(box.accept(taken, path, fiscal_year)))
            summary.files.append(filed)
            rows.append({**row, "移動先": _relative(filed.moved_to, folder)})
    except BaseException:
        box.release(taken)
        raise
    box.finish(taken)
    return rows


def _relative(path: str, folder: Path) -> str:
    try:
        return str(Path(path).relative_to(folder))
    except ValueError:
        return path


def _publish(key: str, what: str, summary: ScanSummary, rows: list[dict[str, object]]) -> None:
    """One Japanese table artifact per run; an empty run says so instead of showing nothing.

    Only inside a flow run: `.fn()` callers (tests, benchmarks) have no run to attach it to.
    """
    if FlowRunContext.get() is None:
        return
    notes = []
    if summary.waiting:
        notes.append(f"書き込み中のため次回に回したファイル {len(summary.waiting)} 件")
    if summary.recovered:
        notes.append(f"中断した実行から戻したファイル {len(summary.recovered)} 件")
    description = (
        f"{what}（{summary.inbox}）: 受理 {len(summary.accepted)} 件 / 差し戻し {len(summary.rejected)} 件"
        + "".join(f"、{n}" for n in notes)
    )
    create_table_artifact(
        key=key, table=rows or [{"結果": "新しいファイルはありません"}], description=description
    )
