from __future__ import annotations

import json

import pytest
import structlog

from backend.core.logging import configure_logging, new_request_id


def test_log_lines_are_json_and_carry_the_bound_request_id(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("INFO", json_lines=True)
    structlog.contextvars.bind_contextvars(request_id="req-12345678")
    try:
        structlog.get_logger("tests").info("bill_paid", bill_id=42)
    finally:
        structlog.contextvars.clear_contextvars()
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["event"] == "bill_paid"
    assert line["request_id"] == "req-12345678"
    assert line["bill_id"] == 42
    assert line["level"] == "info"
    assert "timestamp" in line


def test_request_ids_from_callers_are_kept_only_when_well_formed() -> None:
    assert new_request_id("abcdef12-3456") == "abcdef12-3456"
    for hostile in (None, "", "short", "x" * 65, "id with spaces", "id\nforged-log-line"):
        generated = new_request_id(hostile)
        assert generated != hostile
        assert len(generated) == 32
