"""`DXI_TASK_RUNNER` values, parsed without Prefect (a desk command checks the setting too).

The task runners themselves are built in flows/runners.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl

from inventory.errors import SettingsError

RunnerKind = Literal["thread", "process", "dask", "dask-address"]
MAX_WORKERS = 256
ACCEPTED_FORMS = (
    "thread（既定）、thread?workers=4、process、process?workers=4、dask（この PC に Dask クラスタを起動）、"
    "dask?workers=2、dask://ホスト:ポート または tcp://ホスト:ポート（起動済みの Dask スケジューラ）"
)


@dataclass(frozen=True)
class RunnerSpec:
    """A parsed `DXI_TASK_RUNNER` value."""

    kind: RunnerKind
    workers: int | None = None
    address: str | None = None  # tcp://host:port, for kind "dask-address"

    @property
    def uses_worker_processes(self) -> bool:
        """True when tasks run outside the flow's process and must reach the Prefect API themselves."""
        return self.kind != "thread"


def _bad(spec: str, why: str) -> SettingsError:
    return SettingsError(
        f"DXI_TASK_RUNNER の値「{spec}」は使えません（{why}）。指定できる形: {ACCEPTED_FORMS}"
    )


def _workers(spec: str, query: str) -> int | None:
    if not query:
        return None
    options = dict(parse_qsl(query, keep_blank_values=True))
    unknown = sorted(set(options) - {"workers"})
    if unknown:
        raise _bad(spec, f"知らない指定 {', '.join(unknown)}。指定できるのは workers だけです")
    value = options["workers"].strip()
    if not value.isdigit() or not 1 <= int(value) <= MAX_WORKERS:
        raise _bad(spec, f"workers は 1〜{MAX_WORKERS} の整数で指定してください")
    return int(value)


def _address(spec: str, rest: str) -> str:
    host, sep, port = rest.rstrip("/").rpartition(":")
    if not sep or not host or "/" in host or not port.isdigit() or not 0 < int(port) < 65536:
        raise _bad(spec, "Dask スケジューラのアドレスは ホスト:ポート の形で、例: dask://10.0.0.5:8786")
    return f"tcp://{host}:{int(port)}"


def parse_runner_spec(spec: str) -> RunnerSpec:
    """Parse a `DXI_TASK_RUNNER` value; a bad one gets a Japanese message naming the accepted forms."""
    text = spec.strip()
    lowered = text.lower()
    for scheme in ("dask://", "tcp://"):
        if lowered.startswith(scheme):
            return RunnerSpec("dask-address", address=_address(spec, text[len(scheme) :]))
    name, _, query = lowered.partition("?")
    if name in ("", "thread", "process", "dask"):
        kind: RunnerKind = "thread" if name in ("", "thread") else name  # type: ignore[assignment]
        return RunnerSpec(kind, workers=_workers(spec, query))
    raise _bad(spec, "種類は thread / process / dask のいずれかです")
