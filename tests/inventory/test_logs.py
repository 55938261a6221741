"""The JSON log formatter: one parseable object per record, extras and tracebacks kept on one line."""

from __future__ import annotations

import io
import json
import logging

import pytest

from inventory.errors import SettingsError
from inventory.logs import JsonFormatter, configure_logging


def test_each_record_is_one_json_line_with_extras_and_traceback() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("default"))  # logging.config passes Prefect's format string
    logger = logging.getLogger("inventory.test_logs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        logger.warning("%d 件を差し戻しました", 2, extra={"file": "税務課.xlsx", "codes": ["invalid_number"]})
        try:
            raise ValueError("1行目\n2行目")
        except ValueError:
            logger.exception("取り込みに失敗しました")
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["message"] == "2 件を差し戻しました" and first["level"] == "WARNING"
    assert first["logger"] == "inventory.test_logs" and first["ts"].endswith("+00:00")
    assert first["file"] == "税務課.xlsx" and first["codes"] == ["invalid_number"]
    assert "flow_run_id" not in first  # not inside a Prefect run
    assert second["level"] == "ERROR" and "ValueError: 1行目\n2行目" in second["exc"]


def test_unknown_format_is_refused_in_japanese() -> None:
    with pytest.raises(SettingsError, match="text または json"):
        configure_logging("yaml")
    configure_logging("text")  # text leaves logging as it is
    assert not any(type(h).__name__ == "JsonStderrHandler" for h in logging.getLogger().handlers)
