"""Task runners from `DXI_TASK_RUNNER`: where the tasks of the intake and scoring flows run.

    thread              threads in the flow's process (default; Prefect's ThreadPoolTaskRunner)
    thread?workers=N    at most N threads
    process[?workers=N] a pool of worker processes on this machine (ProcessPoolTaskRunner)
    dask[?workers=N]    a Dask cluster started on this machine for the run, N worker processes
    dask://host:port    an existing Dask scheduler (tasks run on its workers, other machines too)
    tcp://host:port     the same, as Dask itself writes the address

The flow itself always runs in the calling process: only its tasks move, so callbacks
such as `survey_intake(on_progress=...)` still run where they were given. The intake and
scoring flows default to `ConfiguredTaskRunner`, which reads the setting when a run
starts; `with_task_runner` applies a given spec (or the setting) explicitly.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from prefect import Flow
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from flows.runner_spec import ACCEPTED_FORMS as ACCEPTED_FORMS
from flows.runner_spec import MAX_WORKERS as MAX_WORKERS
from flows.runner_spec import RunnerSpec as RunnerSpec
from flows.runner_spec import parse_runner_spec as parse_runner_spec
from inventory.errors import SettingsError
from inventory.settings import get_settings

F = TypeVar("F", bound=Flow[Any, Any])


def build_task_runner(spec: str | RunnerSpec | None = None) -> TaskRunner[Any]:
    """Return a fresh Prefect task runner for `spec` (default: the `DXI_TASK_RUNNER` setting)."""
    parsed = spec if isinstance(spec, RunnerSpec) else parse_runner_spec(_spec_or_setting(spec))
    if parsed.kind == "thread":
        return ThreadPoolTaskRunner(max_workers=parsed.workers)
    if parsed.kind == "process":
        return ProcessPoolTaskRunner(max_workers=parsed.workers)
    try:  # imports distributed: only when asked for
        from prefect_dask.task_runners import DaskTaskRunner
    except ImportError:
        raise SettingsError(
            f"DXI_TASK_RUNNER の {parsed.kind.removesuffix('-address')} には追加のパッケージが必要です: "
            "pip install 'dx-task-inventory[dask]'（オフライン用のインストールには含まれません）"
        ) from None

    # Dask logs every scheduler and worker start at INFO; our users see warnings and errors.
    logging.getLogger("distributed").setLevel(max(logging.WARNING, logging.getLogger("distributed").level))

    if parsed.kind == "dask-address":
        runner: TaskRunner[Any] = DaskTaskRunner(address=parsed.address)
        return runner
    # Parsing is CPU work under the GIL: one thread per worker process, as many processes as cores.
    cluster: dict[str, Any] = {
        "n_workers": parsed.workers or os.cpu_count() or 1,
        "threads_per_worker": 1,
        "processes": True,
        # Dask always opens an HTTP port (8787 by default, warning when taken): a free loopback one.
        "dashboard_address": "127.0.0.1:0",
    }
    runner = DaskTaskRunner(cluster_kwargs=cluster)
    return runner


def _spec_or_setting(spec: str | None) -> str:
    return get_settings().task_runner if spec is None else spec


@contextmanager
def callbacks_stay_here() -> Iterator[None]:
    """Submit tasks without the flow's callable parameters (e.g. `on_progress`).

    Prefect sends the flow run's parameters along with every task to a worker process;
    a callback closing over a progress bar neither pickles nor means anything there.
    """
    context = FlowRunContext.get()
    if context is None or not context.parameters:
        yield
        return
    kept = {name: value for name, value in context.parameters.items() if not callable(value)}
    with context.model_copy(update={"parameters": kept}):
        yield


def share_api_with_workers() -> None:
    """Give worker processes the flow's Prefect API.

    With no PREFECT_API_URL Prefect starts a temporary server inside each process that
    talks to it, so every process-pool or Dask worker would start its own server on the
    same database. Start the temporary server here instead, once, and export its URL so
    the workers (which inherit the environment and the settings context) use it too.
    """
    from prefect.context import refresh_global_settings_context
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    if PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()
    os.environ["PREFECT_API_URL"] = server.api_url
    refresh_global_settings_context()


class ConfiguredTaskRunner(ThreadPoolTaskRunner[Any]):
    """The default runner of our flows: the one `DXI_TASK_RUNNER` names when a run starts.

    Prefect starts every flow run on `flow.task_runner.duplicate()`, so resolving the
    setting there makes deployments served by `dxi serve` or a `prefect worker` follow the
    worker machine's DXI_TASK_RUNNER with no code at the call site. Used as is (never
    duplicated), it is the plain thread pool.
    """

    def duplicate(self) -> Any:  # a different runner type on purpose: see the class docstring
        parsed = parse_runner_spec(get_settings().task_runner)
        if parsed.uses_worker_processes:
            share_api_with_workers()
        return build_task_runner(parsed)


def configured_task_runner() -> TaskRunner[PrefectFuture[Any]]:
    """A `ConfiguredTaskRunner`, typed as `@flow(task_runner=...)` expects it."""
    return cast("TaskRunner[PrefectFuture[Any]]", ConfiguredTaskRunner())


def with_task_runner(flow: F, spec: str | None = None) -> F:
    """Return `flow` with the task runner named by `spec` (default: `DXI_TASK_RUNNER`).

    Call it right before running the flow: for process and Dask runners it makes sure
    the worker processes will find the Prefect API (see `share_api_with_workers`).
    """
    parsed = parse_runner_spec(_spec_or_setting(spec))
    if parsed.uses_worker_processes:
        share_api_with_workers()
    return cast(F, flow.with_options(task_runner=build_task_runner(parsed)))
