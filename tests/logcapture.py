"""Capture every log record of a block: root, Prefect's non-propagating loggers, all levels.

For tests that assert what never appears in a log (file contents, staff ids). Levels are
lowered to DEBUG for the block, so even records an operator would only see with verbose
logging are checked; everything is restored afterwards.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

LOWERED = (
    "",
    "prefect",
    "prefect.extra",
    "prefect.flow_runs",
    "prefect.task_runs",
    "inventory",
    "bpr",
    "flows",
    "dxi",
)


class _ListHandler(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__(level=0)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def record_text(record: logging.LogRecord) -> str:
    """Everything a formatter could print for the record: message, args, extra fields, traceback."""
    parts = [
        record.getMessage(),
        repr(record.args),
        repr({k: v for k, v in vars(record).items() if k != "args"}),
    ]
    if record.exc_info and record.exc_info[1] is not None:
        parts.append("".join(traceback.format_exception(record.exc_info[1])))
    return "\n".join(parts)


@contextmanager
def all_log_records() -> Iterator[list[logging.LogRecord]]:
    """Yield the list that fills with every record logged inside the block."""
    records: list[logging.LogRecord] = []
    handler = _ListHandler(records)
    manager = logging.Logger.manager
    targets = [logging.getLogger()] + [
        lg for lg in manager.loggerDict.values() if isinstance(lg, logging.Logger) and not lg.propagate
    ]
    levels = {name: logging.getLogger(name).level for name in LOWERED}
    for logger in targets:
        logger.addHandler(handler)
    for name in LOWERED:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        for logger in targets:
            logger.removeHandler(handler)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def log_text(records: list[logging.LogRecord]) -> str:
    """All captured records as one string."""
    return "\n".join(record_text(r) for r in records)
