"""Structured logs: with DXI_LOG_FORMAT=json every log line is one JSON object.

Why: on a server the DX team's logs go to a collector that wants one record per line
with the flow/task run ids, so an operator can find every line of a failed run.
Fields: ts (UTC), level, logger, message, flow_run_id / task_run_id inside a Prefect
run, any `extra=` fields, and exc for a traceback.

What is logged: file names, counts, codes and ids, never cell values, so a log can
be shown to whoever runs the server (overtime and survey contents are personal or
internal data).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from typing import Any

from inventory.errors import SettingsError

LOG_FORMATS = ("text", "json")
OUR_LOGGERS = ("inventory", "bpr", "flows", "dxi")
# Prefect's logging.yml can be overridden by PREFECT_LOGGING_* variables: point the
# handlers Prefect installs itself (server, internal) at our formatter too.
PREFECT_JSON_ENV = {
    "PREFECT_LOGGING_FORMATTERS_JSON_CLASS": "inventory.logs.JsonFormatter",
    "PREFECT_LOGGING_HANDLERS_CONSOLE_FORMATTER": "json",
    "PREFECT_LOGGING_HANDLERS_DEBUG_FORMATTER": "json",
}
_RECORD_FIELDS = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_NOT_FIELDS = {"send_to_api", "color_message", "taskName"}
_configured: str | None = None


def _run_ids() -> dict[str, str]:
    """The current Prefect flow/task run ids; Prefect is never imported just for this."""
    if "prefect.context" not in sys.modules:
        return {}
    from prefect.context import FlowRunContext, TaskRunContext

    ids: dict[str, str] = {}
    task_run = TaskRunContext.get()
    if task_run is not None:
        ids["task_run_id"] = str(task_run.task_run.id)
        if task_run.task_run.flow_run_id is not None:
            ids["flow_run_id"] = str(task_run.task_run.flow_run_id)
    flow_run = FlowRunContext.get()
    if flow_run is not None and flow_run.flow_run is not None:
        ids.setdefault("flow_run_id", str(flow_run.flow_run.id))
    return ids


class JsonFormatter(logging.Formatter):
    """One JSON object per record; accepts (and ignores) logging.config's format arguments."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None, style: Any = "%",
                 validate: bool = True, **_kwargs: Any) -> None:  # fmt: skip
        super().__init__()

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as one line of JSON."""
        doc: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        doc.update(_run_ids())
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and key not in _NOT_FIELDS and not key.startswith("_"):
                doc[key] = value
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False, default=str)


class JsonStderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to the sys.stderr of the moment (test runners and Prefect swap it)."""

    def emit(self, record: logging.LogRecord) -> None:
        """Emit to the current stderr."""
        self.stream = sys.stderr
        super().emit(record)


def configure_logging(log_format: str) -> None:
    """Apply the log format to our loggers and Prefect's; once per process, before Prefect loads."""
    global _configured
    if log_format not in LOG_FORMATS:
        raise SettingsError(f"DXI_LOG_FORMAT は text または json にしてください（現在: {log_format}）")
    if _configured == log_format or log_format == "text":
        _configured = _configured or log_format
        return
    for key, value in PREFECT_JSON_ENV.items():
        os.environ.setdefault(key, value)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if type(handler).__name__ == "PrefectConsoleHandler":  # Prefect loaded first: replace its console
            root.removeHandler(handler)
    handler = JsonStderrHandler()
    handler.setFormatter(JsonFormatter())
    root.addHandler(handler)
    for name in OUR_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    for logger in logging.Logger.manager.loggerDict.values():
        for existing in getattr(logger, "handlers", []):
            if type(existing).__name__ in ("PrefectConsoleHandler", "_SafeStreamHandler"):
                existing.setFormatter(JsonFormatter())
    _configured = log_format


def configure_from_settings() -> None:
    """Entry-point set-up: the configured format, or text when the settings are unusable.

    A bad DXI_* value is then reported in Japanese by the command itself.
    """
    from inventory.settings import get_settings

    try:
        configure_logging(get_settings().log_format)
    except SettingsError:
        configure_logging("text")
