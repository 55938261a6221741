"""Process set-up shared by every entry point that runs flows."""

from __future__ import annotations

from typing import Any

from inventory.settings import Settings, get_settings


def prepare_prefect(settings: Settings | None = None) -> Settings:
    """Set Prefect's home and offline switches; must run before `import prefect`."""
    settings = settings or get_settings()
    settings.ensure_home()
    settings.apply_prefect_env()
    return settings


def task_runner(spec: str) -> Any:
    """Build the task runner named by DXI_TASK_RUNNER: thread (default), process, or dask://host:port."""
    from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

    if spec in ("", "thread"):
        return ThreadPoolTaskRunner(max_workers=4)
    if spec == "process":
        return ProcessPoolTaskRunner()
    if spec.startswith("dask://") or spec == "dask":
        from prefect_dask import DaskTaskRunner  # optional extra: pip install prefect-dask

        address = spec.removeprefix("dask://") or None
        return DaskTaskRunner(address=f"tcp://{address}") if address else DaskTaskRunner()
    raise ValueError(f"DXI_TASK_RUNNER が不正です: {spec}（thread / process / dask://ホスト:ポート）")
